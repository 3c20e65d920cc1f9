"""Checking the night's inbox files: read and validate each (pure), in worker processes when
there are many, and cache each result under the file's checksum and validation_key (what else
it was judged with). The main process stores the bytes (`run._take`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .archive import Archive
from .inbox import InboxFile, file_name
from .issues import Report

if TYPE_CHECKING:  # pandas and pandera cost a second to import: only where work is done
    import pandas as pd

    from .intake import Submission
    from .register import Register
    from .validate import SubmissionData

Progress = Callable[[int, int, str], None]  # files done, of all, the latest's name

# Files are read and validated in worker processes when there are many (validation is pure;
# archiving, the ledger and the inbox stay in this process, in order). The workers are forked
# once the register is read, and inherit it. Each checks a chunk of files at a time, so the
# schemas run once per chunk rather than once per file: a pandera call costs about 6 ms
# besides its rows, and chunks of 50 rather than 25 spare about 0.8 ms a file (larger
# chunks, or all files at once, spare nothing more).
PARALLEL_FROM = 12
CHUNK = 50


def in_parallel(files: int) -> bool:
    """Many files, and cores to share them: read and check them in worker processes. Where
    processes cannot be forked (Windows), in this one: a spawned worker would import the
    package and receive the register anew, and one process checks 300 departments' files in
    a few seconds."""
    return files >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 and \
        "fork" in multiprocessing.get_all_start_methods()


Checked = tuple[str, "dt.datetime | None", Report, "SubmissionData | None"]  # sha256 first


def check_ready(ready: list[InboxFile], register: Register, period: str,
                 own: pd.DataFrame | None, archive: Archive, progress: Progress | None
                 ) -> dict[Path, Checked]:
    jobs = [(item.path, item.folder) for item in ready]
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    results: dict[Path, Checked] = {}

    def collect(outcomes: list[tuple[Path, Checked]]) -> None:
        for path, outcome in outcomes:
            results[path] = outcome
            if progress:
                progress(len(results), len(ready), file_name(path))

    setup = (register, period, own, archive)
    if not in_parallel(len(ready)):
        _worker_init(*setup)
        for chunk in chunks:
            collect(_worker_check(chunk))
        return results
    workers = min(os.cpu_count() or 2, len(chunks))
    # a smaller chunk when there are few files, so that every core gets work
    size = max(1, min(CHUNK, -(-len(jobs) // (workers * 2))))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    with multiprocessing.get_context("fork").Pool(
            workers, initializer=_worker_init, initargs=setup) as pool:
        for outcomes in pool.imap(_worker_check, chunks):
            collect(outcomes)
    return results


_WORKER: dict[str, object] = {}


def _worker_init(register: Register, period: str, own: pd.DataFrame | None,
                 archive: Archive) -> None:
    _WORKER.update(register=register, period=period, own=own, archive=archive)


def _worker_check(jobs: list[tuple[Path, str]]) -> list[tuple[Path, Checked]]:
    """Read and validate a chunk of files and fill the validation cache; storing the bytes,
    the ledger and the inbox are left to the main process, which reads each file again and
    judges it anew if its bytes changed since."""
    from .intake import parse_submission
    from .validate import validate_many

    register: Register = _WORKER["register"]  # type: ignore[assignment]
    archive: Archive = _WORKER["archive"]  # type: ignore[assignment]
    read: list[tuple[Path, str, Submission]] = []
    for path, folder in jobs:
        try:
            content = path.read_bytes()
        except OSError:
            continue  # gone (Excel's save-by-rename): the scan will see it next night
        read.append((path, folder, parse_submission(content, name=file_name(path))))
    checked = validate_many([(submission, folder or None) for _, folder, submission in read],
                            register, _WORKER["period"],  # type: ignore[arg-type]
                            own_activities=_WORKER["own"])  # type: ignore[arg-type]
    outcomes: list[tuple[Path, Checked]] = []
    for (path, folder, submission), (report, data) in zip(read, checked, strict=True):
        sha = submission.sha256
        archive.cache(sha, validation_key(register, _WORKER["period"],  # type: ignore[arg-type]
                                          folder, _WORKER["own"]),  # type: ignore[arg-type]
                      (report, data))
        outcomes.append((path, (sha, submission.saved_at, report, data)))
    return outcomes


def validation_key(register: Register, period: str, folder: str,
                   own: pd.DataFrame | None) -> str:
    """Everything a file's verdict depends on besides its bytes: the register, the period it
    is judged for, its drop folder and the earlier own activities it may refer to. The same
    bytes judged with another of these (a T1 file dropped again in T2) are another result,
    and must not take the first one's place in the cache."""
    own_print = "" if own is None or own.empty else _fingerprint_of(own)
    return hashlib.sha256("\0".join((register.checksum, period, folder, own_print)).encode()
                          ).hexdigest()


# A run asks for the same one or two frames' fingerprints for every file: each is computed
# once per frame object (kept alive here, so that its id is not reused; the frames are never
# changed once built).
_FINGERPRINTS: dict[int, tuple[pd.DataFrame, str]] = {}


def _fingerprint_of(frame: pd.DataFrame) -> str:
    known = _FINGERPRINTS.get(id(frame))
    if known is None or known[0] is not frame:
        if len(_FINGERPRINTS) > 32:
            _FINGERPRINTS.clear()
        known = _FINGERPRINTS[id(frame)] = (
            frame, hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest())
    return known[1]


def check_submission(content: bytes, name: str, register: Register, period: str,
                     folder: str | None, own: pd.DataFrame | None):  # type: ignore[no-untyped-def]
    """One file read and judged in this process: (Submission, Report, SubmissionData)."""
    from .intake import parse_submission
    from .validate import validate

    submission = parse_submission(content, name=name)
    report, data = validate(submission, register, period, folder_department=folder,
                            own_activities=own)
    return submission, report, data
