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


# File systems whose syncfs writes every file's data and metadata through to the disk, as an
# fsync of each would (statfs's f_type): ext2/3/4, XFS, Btrfs, F2FS, tmpfs. Elsewhere syncfs
# may do less than fsync: a network share (CIFS) or a FUSE file system returns without
# asking the server or the program behind it to make anything durable.
SYNCFS_FILE_SYSTEMS = frozenset({0xEF53, 0x58465342, 0x9123683E, 0xF2F52010, 0x01021994})
# syncfs reports a file's failed writeback only from Linux 5.8 (before it returned 0)
SYNCFS_REPORTS_ERRORS = (5, 8)


def sync_file_system(folder: Path) -> bool:
    """Write out everything the file system holding `folder` has not yet written, and wait
    for it (Linux's syncfs: one call, however many files were written). False where the
    platform has no syncfs, where it may not make files durable or not report a failed
    write (SYNCFS_FILE_SYSTEMS, SYNCFS_REPORTS_ERRORS), or where it failed: the caller then
    fsyncs file by file, which raises what went wrong."""
    if not sys.platform.startswith("linux") or _kernel() < SYNCFS_REPORTS_ERRORS:
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
        fd = os.open(folder, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        if file_system_type(fd) not in SYNCFS_FILE_SYSTEMS:
            return False
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


def _kernel() -> tuple[int, int]:
    """The running Linux kernel's version, (major, minor); (0, 0) if it cannot be read."""
    found = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def file_system_type(fd: int) -> int | None:
    """The magic number of the file system holding the open file `fd` (Linux's fstatfs
    f_type, the first field of struct statfs), or None if it cannot be read."""
    import ctypes

    try:
        fstatfs = ctypes.CDLL(None, use_errno=True).fstatfs
    except (OSError, AttributeError):
        return None
    buffer = ctypes.create_string_buffer(256)  # struct statfs is 120 bytes on 64-bit Linux
    if fstatfs(fd, buffer) != 0:
        return None
    return ctypes.c_ulong.from_buffer(buffer).value & 0xFFFFFFFF


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
