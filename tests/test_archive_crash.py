"""A night killed at each step of storing its files (staged in archive/incoming/, synced, moved
into files/, synced, named in the ledger, removed from the inbox) loses nothing, and the next
night finishes the work as an uninterrupted one would have. The night's files are made durable
by one syncfs only where syncfs does what an fsync of each file does."""

import errno
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline.archive
import pipeline.atomic
import pipeline.run
from pipeline.archive import Archive, Arrival
from pipeline.cli import main
from tests.conftest import EXAMPLE, make_workspace

CODES = ("STAB", "EKO", "SOC")


class Killed(BaseException):
    """The process ends here (a kill or a power cut): nothing after it runs, no handler."""


def night(workspace: Path):
    return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"],
                              catch_exceptions=False)


def put(workspace: Path) -> dict[str, str]:
    """The departments' files in their drop folders: name -> checksum."""
    dropped = {}
    for code in CODES:
        source = next((EXAMPLE / "inlamningar" / code).glob("*.xlsx"))
        (workspace / "inbox" / code).mkdir(exist_ok=True)
        shutil.copy(source, workspace / "inbox" / code / source.name)
        dropped[source.name] = hashlib.sha256(source.read_bytes()).hexdigest()
    return dropped


def ledger(workspace: Path) -> list[tuple[str, str, str]]:
    return sorted((a.name, a.sha256, a.verdict)
                  for a in Archive(workspace / "archive").arrivals())


def nothing_lost(workspace: Path, dropped: dict[str, str]) -> None:
    """Each file handed in is still in the inbox, byte for byte, or named in the ledger with
    its bytes whole in files/; and no file in files/ is anything but whole."""
    archive = Archive(workspace / "archive")
    named = {a.sha256 for a in archive.arrivals()}
    for name, sha in dropped.items():
        in_inbox = [p for p in (workspace / "inbox").rglob(name)
                    if hashlib.sha256(p.read_bytes()).hexdigest() == sha]
        blob = archive.blob_path(sha)
        archived = sha in named and blob.exists() and \
            hashlib.sha256(blob.read_bytes()).hexdigest() == sha
        assert in_inbox or archived, f"{name} is neither in the inbox nor in the archive"
    for blob in (workspace / "archive" / "files").rglob("*.xlsx"):
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.stem, blob


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    workspace = make_workspace(tmp_path_factory.mktemp("uninterrupted"))
    put(workspace)
    assert night(workspace).exit_code == 0
    return ledger(workspace)


def _kill_when_settling(patch):
    def settle(self):
        if self._pending:
            raise Killed

    patch.setattr(Archive, "settle", settle)


def _kill_after_the_first_move(patch):
    real = os.replace
    moved = []

    def replace(source, target, *args, **kwargs):
        if Path(source).parent.name == "incoming":
            if moved:
                raise Killed
            moved.append(target)
        return real(source, target, *args, **kwargs)

    patch.setattr(os, "replace", replace)


def _kill_before_the_second_sync(patch):
    real = pipeline.archive.sync_file_system

    def sync(folder):
        if Path(folder).name != "incoming":  # the sync after the moves
            raise Killed
        return real(folder)

    patch.setattr(pipeline.archive, "sync_file_system", sync)


def _kill_before_the_ledger_line(patch):
    def append(self, *arrivals):
        self.settle()  # the files are in place and durable; the ledger is not written
        raise Killed

    patch.setattr(Archive, "append", append)


def _kill_before_leaving_the_inbox(patch):
    def remove(*args, **kwargs):
        raise Killed

    patch.setattr(pipeline.run, "_remove_from_inbox", remove)


@pytest.mark.parametrize("kill", [_kill_when_settling, _kill_after_the_first_move,
                                  _kill_before_the_second_sync, _kill_before_the_ledger_line,
                                  _kill_before_leaving_the_inbox])
def test_a_night_killed_while_storing_its_files_loses_nothing_and_the_next_one_recovers(
        tmp_path, monkeypatch, uninterrupted, kill):
    workspace = make_workspace(tmp_path)
    dropped = put(workspace)
    with monkeypatch.context() as patch:
        kill(patch)
        with pytest.raises(Killed):
            night(workspace)
    nothing_lost(workspace, dropped)
    status = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "status"])
    assert status.exit_code in (0, 1) and "Traceback" not in status.output, status.output

    result = night(workspace)  # the next night
    assert result.exit_code == 0, result.output
    nothing_lost(workspace, dropped)
    assert not list((workspace / "inbox").rglob("*.xlsx"))
    assert ledger(workspace) == uninterrupted  # each file once, judged as without the kill
    assert not list((workspace / "archive").glob("incoming/*"))
    status = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "status"])
    for code in CODES:
        assert code in status.output


def moves_from_incoming_fail(monkeypatch, error: type[OSError], code: int, text: str) -> None:
    """os.replace raises `error` for a file moved out of archive/incoming/, as the system
    would (errno `code`); other moves go ahead."""
    real = os.replace

    def replace(source, target, *args, **kwargs):
        if Path(source).parent.name == "incoming":
            raise error(code, text, str(source), str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_a_night_that_may_not_move_its_files_into_place_names_that_folder(
        workspace, monkeypatch):
    """A folder in archive/files/ the account may not write in: the night stops, names that
    folder (not the copy waiting in archive/incoming/, which the next night removes) and
    loses nothing."""
    dropped = put(workspace)
    moves_from_incoming_fail(monkeypatch, PermissionError, errno.EACCES, "Permission denied")
    result = night(workspace)
    assert result.exit_code == 2
    folder = Archive(workspace / "archive").blob_path(next(iter(dropped.values()))).parent
    assert "behörighet saknas i mappen" in result.output
    assert any(str(Archive(workspace / "archive").blob_path(sha).parent) in result.output
               for sha in dropped.values()), result.output
    assert "incoming" not in result.output, result.output
    assert folder.parent == workspace / "archive" / "files"
    nothing_lost(workspace, dropped)
    assert len(list((workspace / "inbox").rglob("*.xlsx"))) == len(CODES)


def test_files_on_another_disk_than_the_archives_incoming_folder_are_stored_whole(
        workspace, monkeypatch):
    """archive/files/ a link to another disk: a rename from archive/incoming/ cannot cross
    it (EXDEV); the night writes the bytes there instead, and finishes."""
    dropped = put(workspace)
    moves_from_incoming_fail(monkeypatch, OSError, errno.EXDEV, "Invalid cross-device link")
    result = night(workspace)
    assert result.exit_code == 0, result.output
    archive = Archive(workspace / "archive")
    for sha in dropped.values():
        assert hashlib.sha256(archive.blob_path(sha).read_bytes()).hexdigest() == sha
    assert sorted(a.sha256 for a in archive.arrivals()) == sorted(dropped.values())
    assert not list((workspace / "archive").glob("incoming/*"))
    assert not list((workspace / "inbox").rglob("*.xlsx"))


def test_the_same_bytes_stored_twice_in_a_night_are_staged_once(tmp_path):
    archive = Archive(tmp_path / "archive")
    content = b"one department's file, handed in under two names"
    sha = hashlib.sha256(content).hexdigest()
    first = archive.store(content, sha, settle_later=True)
    assert archive.store(content, sha, settle_later=True) == first
    assert len(list((tmp_path / "archive" / "incoming").iterdir())) == 1
    archive.append(_arrival(sha, "a.xlsx"), _arrival(sha, "b.xlsx"))
    assert archive.read(sha) == content
    assert not list((tmp_path / "archive" / "incoming").iterdir())


def _arrival(sha: str, name: str) -> Arrival:
    return Arrival(run="2024-09-10T22:00:00", received="2024-09-10T21:00:00", name=name,
                   folder="", sha256=sha, size=1, mtime_ns=0, department=None, period=None,
                   verdict="Godkänd", errors=0, warnings=0, saved_at=None)


def _fsynced_paths(monkeypatch) -> list[str]:
    paths: list[str] = []
    real = os.fsync

    def fsync(fd):
        paths.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
@pytest.mark.parametrize("where", ["a network share", "a kernel before 5.8"])
def test_where_syncfs_may_not_make_the_files_durable_or_report_it_each_is_fsynced(
        tmp_path, monkeypatch, where):
    """On a CIFS share (or a FUSE file system) syncfs returns without having the server make
    the files durable, and before Linux 5.8 it returned 0 though a file's writeback failed:
    there each staged file is fsynced, as before the night's single sync."""
    if where == "a network share":
        monkeypatch.setattr(pipeline.atomic, "file_system_type", lambda fd: 0xFF534D42)
    else:
        monkeypatch.setattr(os, "uname", lambda: os.uname_result(
            ("Linux", "host", "4.19.0-26-amd64", "#1 SMP", "x86_64")))
    assert pipeline.atomic.sync_file_system(tmp_path) is False
    archive = Archive(tmp_path / "archive")
    contents = [b"one", b"two", b"three"]
    staged = []
    for content in contents:
        archive.store(content, hashlib.sha256(content).hexdigest(), settle_later=True)
    staged = [str(p) for p in (tmp_path / "archive" / "incoming").iterdir()]
    fsynced = _fsynced_paths(monkeypatch)
    archive.append(*(_arrival(hashlib.sha256(c).hexdigest(), "a.xlsx") for c in contents))
    assert set(staged) <= set(fsynced)
    for content in contents:
        assert archive.read(hashlib.sha256(content).hexdigest()) == content


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_a_local_disk_of_a_current_kernel_is_synced_once(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        local = pipeline.atomic.file_system_type(fd) in pipeline.atomic.SYNCFS_FILE_SYSTEMS
    finally:
        os.close(fd)
    if not local or pipeline.atomic._kernel() < (5, 8):
        pytest.skip("the tests' folder is not on a local disk of a current kernel")
    assert pipeline.atomic.sync_file_system(tmp_path) is True
