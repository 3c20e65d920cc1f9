"""Outputs appear whole or not at all: write beside the target, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sync_file_system(folder: Path) -> bool:
    """Write out everything the file system holding `folder` has not yet written, and wait
    for it (Linux's syncfs: one call, however many files were written). False where the
    platform has no syncfs or it failed: the caller then fsyncs file by file, which raises
    what went wrong."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
        fd = os.open(folder, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


def _mode_for(target: Path) -> int:
    """The permissions the output should have: those of the file it replaces, or what the
    process's umask gives a new file (mkstemp's own 0600 would shut out the committee and the
    departments on a shared drive)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_write(target) as tmp:
        tmp.write_bytes(data)


# `atomic_write`'s temporary name: "." + the target's name + "." + mkstemp's 8 characters.
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def sweep_temporary(folder: Path, older_than_seconds: float = 3600) -> list[Path]:
    """Remove what a killed process left of `atomic_write` in `folder` (never a file still
    being written: only those untouched for an hour)."""
    removed: list[Path] = []
    cutoff = time.time() - older_than_seconds
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        try:
            if (_TEMPORARY.fullmatch(path.name) and path.is_file()
                    and path.stat().st_mtime < cutoff):
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed
