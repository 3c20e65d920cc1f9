"""Killing the nightly run at random moments loses nothing and the next run finishes the work."""

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.archive import Archive
from tests.conftest import EXAMPLE

SUBMISSIONS = sorted((EXAMPLE / "inlamningar").glob("*/*.xlsx"))
NOW = "2024-09-10T22:00:00"
OUTPUT = "sammanstallning_2024-T2.xlsx"


def make_workspace(root: Path) -> Path:
    (root / "inbox").mkdir(parents=True)
    (root / "pipeline.toml").write_text(
        f'register = "{EXAMPLE / "register.xlsx"}"\ninbox = "inbox"\noutbox = "outbox"\n'
        'archive = "archive"\nperiod = "2024-T2"\nreport = false\nsettle_seconds = 0\n'
        "lock_wait_seconds = 30\n", encoding="utf-8")
    return root


def start(workspace: Path) -> subprocess.Popen:
    env = {**os.environ, "PIPELINE_NOW": NOW}
    return subprocess.Popen([sys.executable, "-m", "pipeline", "--config",
                             str(workspace / "pipeline.toml"), "run"], cwd=workspace, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(workspace: Path) -> int:
    process = start(workspace)
    process.communicate(timeout=300)
    return process.returncode


def batches():
    # three nights: two departments, then two more, then the last one
    return [SUBMISSIONS[:2], SUBMISSIONS[2:4], SUBMISSIONS[4:]]


def put(workspace: Path, files) -> dict[str, str]:
    dropped = {}
    for source in files:
        folder = workspace / "inbox" / source.parent.name
        folder.mkdir(exist_ok=True)
        shutil.copy(source, folder / source.name)
        dropped[source.name] = hashlib.sha256(source.read_bytes()).hexdigest()
    return dropped


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def check_nothing_lost(workspace: Path, dropped: dict[str, str]) -> None:
    archive = Archive(workspace / "archive")
    for name, sha in dropped.items():
        in_inbox = [p for p in (workspace / "inbox").rglob(name)]
        blob = archive.blob_path(sha)
        archived = blob.exists() and hashlib.sha256(blob.read_bytes()).hexdigest() == sha
        assert in_inbox or archived, f"{name} is neither in the inbox nor in the archive"
        for path in in_inbox:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The outputs of uninterrupted nights, one per batch."""
    workspace = make_workspace(tmp_path_factory.mktemp("reference"))
    outputs, durations = [], []
    for files in batches():
        put(workspace, files)
        began = time.monotonic()
        assert finish(workspace) == 0
        durations.append(time.monotonic() - began)
        outputs.append(digest(workspace / "outbox" / OUTPUT))
    ledger = [(a.name, a.sha256, a.verdict) for a in Archive(workspace / "archive").arrivals()]
    return outputs, max(durations), ledger


def test_sigkill_at_20_random_moments(tmp_path, reference):
    outputs, duration, ledger = reference
    rng = random.Random(20241122)
    workspace = make_workspace(tmp_path)
    kills, dropped, previous = 0, {}, None
    for night, files in enumerate(batches()):
        dropped.update(put(workspace, files))
        for _ in range(7 if night < 2 else 6):  # 20 kills in all
            process = start(workspace)
            time.sleep(rng.uniform(0.3, duration))
            process.send_signal(signal.SIGKILL)
            process.communicate()
            kills += 1
            check_nothing_lost(workspace, dropped)
            current = digest(workspace / "outbox" / OUTPUT)
            assert current in (previous, outputs[night]), "a half-written output"
            if current is not None:
                with zipfile.ZipFile(workspace / "outbox" / OUTPUT) as whole:
                    assert whole.testzip() is None
        assert finish(workspace) == 0
        check_nothing_lost(workspace, dropped)
        assert not list((workspace / "inbox").rglob("*.xlsx"))
        previous = digest(workspace / "outbox" / OUTPUT)
        assert previous == outputs[night], "the final state differs from an uninterrupted run"
    assert kills == 20
    assert [(a.name, a.sha256, a.verdict)
            for a in Archive(workspace / "archive").arrivals()] == ledger


def test_two_runs_started_together_never_corrupt_anything(tmp_path, reference):
    outputs, _, ledger = reference
    workspace = make_workspace(tmp_path)
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace("lock_wait_seconds = 30",
                                                 "lock_wait_seconds = 0.2"))
    dropped = put(workspace, SUBMISSIONS)
    first, second = start(workspace), start(workspace)
    codes = {first.wait(timeout=300), second.wait(timeout=300)}
    assert codes <= {0, 2} and 0 in codes
    if 2 in codes:
        errors = (first.stderr.read() + second.stderr.read()).decode()
        assert "En annan körning pågår redan" in errors
    check_nothing_lost(workspace, dropped)
    arrivals = Archive(workspace / "archive").arrivals()
    assert sorted(a.sha256 for a in arrivals) == sorted(dropped.values())  # each once
    assert digest(workspace / "outbox" / OUTPUT) == outputs[-1]
