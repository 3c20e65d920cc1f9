"""The archive keeps every night's files whole and durable before their ledger lines, with a
sync of the file system for the night rather than two fsyncs a file."""

import hashlib
import os
import sys

import pytest

import pipeline.archive
import pipeline.atomic
from pipeline.archive import Archive, Arrival
from tests.test_run import drop, run


def arrival(sha: str, name: str = "a.xlsx") -> Arrival:
    return Arrival(run="2024-09-10T22:00:00", received="2024-09-10T21:00:00", name=name,
                   folder="", sha256=sha, size=1, mtime_ns=0, department=None, period=None,
                   verdict="Godkänd", errors=0, warnings=0, saved_at=None)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def count_fsyncs(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counted(fd):
        calls.append(fd)
        return real(fd)

    monkeypatch.setattr(os, "fsync", counted)
    return calls


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_a_night_of_many_files_costs_no_more_fsyncs_than_a_night_of_one(
        tmp_path, monkeypatch):
    # Each fsync waits for the disk (about 4 ms on a busy machine): at 300 departments two a
    # file were about a second of the night.
    counts = []
    for codes in (["STAB"], ["STAB", "EKO", "UTB", "SBA", "SOC"]):
        workspace = tmp_path / str(len(codes))
        (workspace / "inbox").mkdir(parents=True)
        (workspace / "pipeline.toml").write_text(_config(), encoding="utf-8")
        dropped = {code: drop(workspace, code) for code in codes}
        contents = {code: path.read_bytes() for code, path in dropped.items()}
        with monkeypatch.context() as patch:
            calls = count_fsyncs(patch)
            result = run(workspace, "run")
        assert result.exit_code == 0, result.output
        counts.append(len(calls))
        archive = Archive(workspace / "archive")
        for content in contents.values():  # every file whole at its place, none left behind
            assert archive.blob_path(digest(content)).read_bytes() == content
        assert not list((workspace / "archive").glob("incoming/*"))
    assert counts[1] == counts[0]


def _config() -> str:
    from tests.conftest import EXAMPLE_REGISTER

    return (f'register = "{EXAMPLE_REGISTER}"\ninbox = "inbox"\noutbox = "outbox"\n'
            'archive = "archive"\nperiod = "2024-T2"\nreport = false\nsettle_seconds = 0\n')


def test_files_stored_for_the_night_are_in_place_and_synced_before_their_ledger_line(
        tmp_path, monkeypatch):
    archive = Archive(tmp_path / "archive")
    contents = [b"first file", b"second file"]
    for content in contents:
        path = archive.store(content, digest(content), settle_later=True)
        assert not path.exists()  # not in files/ until it is durable
        assert archive.read(digest(content)) == content  # yet readable: no "Arkivet saknar"
    events: list[tuple[str, object]] = []
    real_sync = pipeline.archive.sync_file_system

    def sync(folder):
        events.append(("sync", sorted(p.name for p in (tmp_path / "archive").rglob("*.xlsx"))))
        return real_sync(folder)

    monkeypatch.setattr(pipeline.archive, "sync_file_system", sync)
    archive.append(*(arrival(digest(c)) for c in contents))
    placed = sorted(f"{digest(c)}.xlsx" for c in contents)
    # synced before the moves (nothing in place yet) and after them (both in place)
    assert events[0] == ("sync", []) and events[-1] == ("sync", placed)
    for content in contents:
        assert archive.read(digest(content)) == content
    assert [a.sha256 for a in archive.arrivals()] == [digest(c) for c in contents]


def test_where_the_file_system_cannot_be_synced_each_file_is_fsynced(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.archive, "sync_file_system", lambda folder: False)
    archive = Archive(tmp_path / "archive")
    contents = [b"one", b"two", b"three"]
    for content in contents:
        archive.store(content, digest(content), settle_later=True)
    calls = count_fsyncs(monkeypatch)
    archive.append(*(arrival(digest(c)) for c in contents))
    # each file, each of its folders, then the ledger and the archive's folder
    assert len(calls) >= 2 * len(contents) + 2
    for content in contents:
        assert archive.read(digest(content)) == content


def test_what_a_killed_run_left_on_its_way_into_the_archive_is_removed_and_never_used(
        tmp_path):
    killed = Archive(tmp_path / "archive")
    content = b"a department's file"
    killed.store(content, digest(content), settle_later=True)  # ... and the run was killed
    (tmp_path / "archive" / "incoming" / "torn.tmp").write_bytes(b"half a fi")
    assert not killed.blob_path(digest(content)).exists()  # nothing half-done in files/
    archive = Archive(tmp_path / "archive")  # the next night: the file is still in the inbox
    archive.store(content, digest(content), settle_later=True)
    archive.append(arrival(digest(content)))
    assert archive.read(digest(content)) == content
    assert not list((tmp_path / "archive" / "incoming").iterdir())


def test_a_copy_found_harmful_the_same_night_leaves_no_workbook_in_files(tmp_path):
    archive = Archive(tmp_path / "archive")
    content = b"bytes with a macro"
    archive.store(content, digest(content), settle_later=True)
    kept = archive.store(content, digest(content), quarantine=True, settle_later=True)
    archive.append(arrival(digest(content)))
    assert kept.read_bytes() == content
    assert not archive.blob_path(digest(content)).exists()
