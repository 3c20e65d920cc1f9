"""The archive: every file that reached the inbox, byte for byte, keyed by its checksum; an
append-only ledger of arrivals and verdicts; a cache of validation results; the run lock.

Layout under the archive folder:
    files/ab/<sha256>.xlsx     the original bytes (content-addressed, written atomically)
    incoming/                  the night's new files on their way to files/ (`Archive.settle`);
                               what a run killed meanwhile left here is removed by the next
    quarantine/<sha256>.bin    the original bytes of a file refused as possibly harmful (macros,
                               DTDs or entities): kept, never opened again, and named so that
                               no one opens it in Excel by a double-click
    ledger.jsonl               one JSON line per arrival (append-only, fsynced)
    cache/<sha256>-<reg>.pkl   validation result for a file against a register version
    log.jsonl                  the nightly run's log, one JSON object per event
    open_files.json            inbox files found open in Excel or LibreOffice, night after night
    register_remarks.json      per register file, the remarks about it the nightly run has told
    .lock                      held by a running `pipeline run`
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import pickle
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_write_bytes, fsync_dir, sync_file_system
from .errors import ArchiveError, ConfigError, LockHeld

try:
    import fcntl
except ImportError:  # Windows: the run's lock is taken with msvcrt instead (`_try_lock`)
    fcntl = None  # type: ignore[assignment]

CACHE_KEEP_DAYS = 180  # a cached result no night has used for this long is removed
CACHE_VERSION = "7"  # bump when SubmissionData, validation or the cache key changes shape


@dataclass(frozen=True)
class Arrival:
    """One file that arrived in the inbox, and what became of it."""

    run: str  # ISO time the run started; runs never overlap (the lock)
    received: str  # ISO time the file came into the inbox (run.arrived), at most the run's
    name: str  # file name as received
    folder: str  # department drop folder, "" for the inbox itself
    sha256: str
    size: int
    mtime_ns: int
    department: str | None
    period: str | None
    verdict: str  # labels.Verdict value, or "Dubblett"
    errors: int
    warnings: int
    saved_at: str | None  # the workbook's own "last saved" time, if any
    # run.validation_key of what it was judged with (register, period, folder, own
    # activities); None in ledger lines from before it was kept
    key: str | None = None
    # the issue code that put the file in quarantine (issues.QUARANTINE): its bytes are in
    # Archive.quarantine_path, and never read again
    quarantine: str | None = None

    @property
    def shown(self) -> str:
        """How the file is named to the controller: "KOD/namn", or the name alone."""
        return f"{self.folder}/{self.name}" if self.folder else self.name

    @property
    def identity(self) -> tuple[str, str, str, int]:
        return (self.name, self.folder, self.sha256, self.mtime_ns)


def _record(arrival: Arrival) -> dict[str, object]:
    """An arrival as its ledger line; a file not in quarantine has the line earlier versions
    wrote (and read)."""
    record = asdict(arrival)
    if record["quarantine"] is None:
        del record["quarantine"]
    return record


def check_folder(root: Path, what: tuple[str, str] = ("Arkivet", "arkivets"),
                 key: str = "archive") -> None:
    """The archive (or the folder pipeline.toml's `key` names: `what`, its Swedish name and
    genitive) is a folder,
    or one can be made there: a file in its place (a path mistyped in pipeline.toml or given
    with --archive) would have every command read an empty archive, and say that nothing has
    come in, nor been kept, for any period."""
    for candidate in (root, *root.parents):
        try:
            if candidate.is_dir():
                return
            if not candidate.exists():
                continue
        except OSError:  # (what cannot be looked at is left to the command to tell)
            return
        where = f"{root} är en fil" if candidate == root else \
            f"{root} kan inte skapas: {candidate} är en fil"
        raise ConfigError(f"{what[0]} {where}, inte en mapp. Ange {what[1]} mapp i "
                          f"pipeline.toml ({key}) eller med --{key} MAPP; inget har lästs in "
                          "eller ändrats.")


class Archive:
    def __init__(self, root: Path):
        check_folder(root)
        self.root = root
        self.ledger_path = root / "ledger.jsonl"
        self.log_path = root / "log.jsonl"
        # files stored with settle_later, not yet in place: final path -> staged copy
        self._pending: dict[Path, Path] = {}

    def blob_path(self, sha256: str) -> Path:
        return self.root / "files" / sha256[:2] / f"{sha256}.xlsx"

    def quarantine_path(self, sha256: str) -> Path:
        return self.root / "quarantine" / f"{sha256}.bin"

    def store(self, content: bytes, sha256: str, *, quarantine: bool = False,
              settle_later: bool = False) -> Path:
        """The bytes at their place in the archive, durable. settle_later (only under the
        run's lock): written to incoming/ now, and made durable and moved into place with the
        night's other files by `settle`, which the next ledger write calls first (one sync of
        the file system for the night's files instead of two fsyncs each)."""
        path = self.quarantine_path(sha256) if quarantine else self.blob_path(sha256)
        if path in self._pending:
            return path
        try:
            there = path.stat().st_size
        except FileNotFoundError:
            there = None
        if there != len(content):
            if settle_later and there is None and not quarantine:
                self._pending[path] = self._stage(content, sha256)
            else:
                atomic_write_bytes(path, content)
        if quarantine:
            staged = self._pending.pop(self.blob_path(sha256), None)
            if staged is not None:  # a copy stored tonight, found harmful now: none in files/
                staged.unlink(missing_ok=True)
            self._drop_workbook_copy(sha256, path)
        return path

    def _stage(self, content: bytes, sha256: str) -> Path:
        folder = self.root / "incoming"
        if not self._pending:  # the night's first: what a killed run left is of no use
            try:
                for left in os.scandir(folder):
                    with contextlib.suppress(OSError):
                        os.unlink(left.path)
            except FileNotFoundError:
                folder.mkdir(parents=True, exist_ok=True)
        staged = folder / f"{sha256}-{len(self._pending)}.tmp"
        staged.write_bytes(content)  # 0o666 less the umask, as atomic_write gives a new file
        return staged

    def settle(self) -> None:
        """The files stored with settle_later made durable, then moved into place, durable
        too: a file in files/ is always whole, as atomic_write leaves it. One syncfs before
        the moves and one after where it makes files durable (`sync_file_system`: Linux 5.8 or
        later, a local disk); elsewhere an fsync per file and per folder."""
        pending, self._pending = self._pending, {}
        if not pending:
            return
        staged = self.root / "incoming"
        if not sync_file_system(staged):
            for copy in pending.values():
                with open(copy, "rb+") as handle:
                    os.fsync(handle.fileno())
        folders = {path.parent for path in pending}
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        for path, copy in pending.items():
            _move_into_place(copy, path)
        devices = {folder.stat().st_dev: folder for folder in folders}
        if not all(sync_file_system(folder) for folder in devices.values()):
            for folder in folders:
                fsync_dir(folder)

    def _drop_workbook_copy(self, sha256: str, kept: Path) -> bool:
        """The .xlsx an earlier version archived of bytes now in quarantine (a copy of them
        handed in again joined it there), removed once the quarantine copy is read back whole
        (its checksum): no harmful workbook is left in files/ to open by a double-click, and
        nothing is lost. Whether it was removed."""
        blob = self.blob_path(sha256)
        try:
            whole = blob.exists() and hashlib.sha256(kept.read_bytes()).hexdigest() == sha256
        except OSError:  # the quarantine copy unreadable or gone: the .xlsx is kept
            return False
        if whole:
            blob.unlink(missing_ok=True)
            fsync_dir(blob.parent)
        return whole

    def released(self, arrivals: list[Arrival], harmful: Iterable[str] = ()) -> set[str]:
        """Checksums of the quarantined files (Arrival.quarantine) that the controller has
        taken out of quarantine: `quarantine/<checksum>.bin` is gone (README). harmful: the
        checksums of files an earlier version archived that a later night put in quarantine
        (`RunSummary.harmful`, from the manifest): that copy is their only one, and gone it
        is lost, not released. The night (`run._take`), the Inlämningar note and `pipeline
        status` all ask this."""
        excluded = set(harmful)
        return {a.sha256 for a in arrivals if a.quarantine is not None
                and a.sha256 not in excluded and not self.quarantine_path(a.sha256).exists()}

    def tidy_quarantine(self, arrivals: list[Arrival]) -> list[str]:
        """Remove the .xlsx an earlier version (0.1.0, or one before copies were tidied on
        arrival) left in files/ beside a quarantine copy of the same bytes, once that copy's
        checksum is verified (`_drop_workbook_copy`): only for bytes whose latest ledger line
        is in quarantine, so a file taken out of quarantine and accepted since (its bytes in
        files/ as any file's) is left alone, and never when the quarantine copy is missing.
        Returns the checksums tidied."""
        latest = {a.sha256: a for a in arrivals}
        return [sha for sha, a in latest.items() if a.quarantine is not None
                and self.blob_path(sha).exists() and self.quarantine_path(sha).exists()
                and self._drop_workbook_copy(sha, self.quarantine_path(sha))]

    def read(self, sha256: str) -> bytes:
        path = self._pending.get(self.blob_path(sha256), self.blob_path(sha256))  # stored tonight
        if not path.exists() and self.quarantine_path(sha256).exists():
            path = self.quarantine_path(sha256)  # moved there by `to_quarantine`
        try:
            return path.read_bytes()
        except FileNotFoundError:  # removed by hand: the night cannot judge the file again
            raise ArchiveError(
                f"Arkivet saknar filen med kontrollsumma {sha256}: varken "
                f"{self.blob_path(sha256)} eller {self.quarantine_path(sha256)} finns. "
                "Filen behövs för att läsa in periodens filer på nytt. Lägg tillbaka den där "
                "den låg (ur en säkerhetskopia av arkivet) och kör igen.") from None

    def to_quarantine(self, sha256: str) -> Path:
        """Move a file's bytes from files/ to the quarantine: one an earlier version archived
        as a workbook, which this version finds harmful (no .xlsx of it is left to open)."""
        target = self.quarantine_path(sha256)
        source = self.blob_path(sha256)
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            fsync_dir(target.parent)
        return target

    def arrivals(self) -> list[Arrival]:
        if not self.ledger_path.exists():
            return []
        records = []
        for line in self.ledger_path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(Arrival(**json.loads(line)))
            except (json.JSONDecodeError, TypeError):
                continue  # a line torn by a crash mid-write; the file is still in the inbox
        return records

    def append(self, *arrivals: Arrival) -> None:
        """Append arrivals to the ledger in one durable write (one fsync however many)."""
        self.settle()  # the files these lines name are durable first
        if not arrivals:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(_record(a), ensure_ascii=False, sort_keys=True) + "\n"
                        for a in arrivals)
        with open(self.ledger_path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")  # end a torn line before appending
            handle.write(lines.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        fsync_dir(self.root)

    def log(self, event: str, **fields: object) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                 "event": event, **fields}
        with open(self.log_path, "a", encoding="utf-8", newline="\n") as handle:  # also on Windows
            handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Log how long a stage of the run took (the JSON log's "phase" events)."""
        began = time.perf_counter()
        yield
        self.log("phase", name=name, seconds=round(time.perf_counter() - began, 3))

    @contextlib.contextmanager
    def logging_here(self) -> Iterator[None]:
        """The package's log records (an unreadable workbook, a schema check retried file by
        file) go to the run's JSON log while the block runs, also from the worker processes
        forked inside it, instead of to the controller's terminal or cron mail."""
        handler = _JsonLogHandler(self)
        logger = logging.getLogger("pipeline")
        level = logger.level
        if level == logging.NOTSET:  # Python's default (WARNING) would drop the INFO lines
            logger.setLevel(handler.level)
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)

    # --- files left open in the inbox ----------------------------------------------------
    def nights_open(self, night: dt.date, open_now: Iterable[str]) -> dict[str, int]:
        """For each inbox file found open in Excel or LibreOffice in this run: on how many
        nights in a row it has been found so (several runs on one day count as one night).
        A file not found open in this run is forgotten: it was read, removed or closed."""
        path = self.root / "open_files.json"
        seen = self._state("open_files.json")
        today = night.isoformat()
        counts: dict[str, int] = {}
        state: dict[str, dict[str, object]] = {}
        for key in open_now:
            before = seen.get(key)
            count, last = 1, today
            if isinstance(before, dict) and isinstance(before.get("nights"), int) and \
                    isinstance(before.get("last"), str):
                count = before["nights"] + (before["last"] < today)
                last = max(before["last"], today)
            counts[key] = count
            state[key] = {"nights": count, "last": last}
        if state != seen and (state or path.exists()):
            atomic_write_bytes(path, json.dumps(state, ensure_ascii=False, indent=1,
                                                sort_keys=True).encode("utf-8"))
        return counts

    def open_files(self) -> dict[str, int]:
        """The files found open at the latest run, with the nights in a row they have been."""
        return {key: entry["nights"] for key, entry in self._state("open_files.json").items()
                if isinstance(entry, dict) and isinstance(entry.get("nights"), int)}

    def _state(self, name: str) -> dict[str, Any]:
        """A small JSON state file of the archive (`name`); empty when missing or unreadable."""
        try:
            state = json.loads((self.root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    # --- register remarks told ------------------------------------------------------------
    # The night's output (a cron mail) tells a register remark once: on the night it is first
    # found, not on every night the register has it. Kept per register file: a late report
    # run with last year's register neither tells nor forgets this year's.
    def told_remarks(self, register: Path) -> set[str]:
        told = self._state("register_remarks.json").get(str(register.resolve()))
        return {k for k in told if isinstance(k, str)} if isinstance(told, list) else set()

    def remember_remarks(self, register: Path, keys: Iterable[str]) -> None:
        """The remarks the register has now: one that goes away and comes back is told again."""
        state = self._state("register_remarks.json")
        entry = sorted(set(keys))
        name = str(register.resolve())
        if state.get(name) == entry or (not entry and name not in state):
            return
        state[name] = entry
        atomic_write_bytes(self.root / "register_remarks.json",
                           json.dumps(state, ensure_ascii=False, indent=1,
                                      sort_keys=True).encode("utf-8"))

    # --- validation cache ---------------------------------------------------------------
    # A result is cached under the file's checksum and a key for everything else it was judged
    # with (run.validation_key: the register, the period, the drop folder, the earlier own
    # activities): the same bytes judged for another period or folder are another result.
    def _cache_path(self, sha256: str, key: str) -> Path:
        # the key's digest, not its first characters: "reported-statuses-2" and "-3" were one
        # name, and bumping such a key read the old result on
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.root / "cache" / f"{sha256}-{digest}-v{CACHE_VERSION}.pkl"

    def cached(self, sha256: str, key: str):  # type: ignore[no-untyped-def]
        path = self._cache_path(sha256, key)
        try:
            with open(path, "rb") as handle:
                value = pickle.load(handle)  # our own file, written below
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        touch_used(path)
        return value

    def prune_cache(self, register_key: str, now: float | None = None) -> tuple[int, int]:
        """Remove what the cache holds that no run reads again: results of another
        CACHE_VERSION, registers parsed by other code (register.code_key), and entries no
        night has used for CACHE_KEEP_DAYS (a register edited since, an earlier period: such
        a file is judged again if it is ever needed). Returns (files, bytes) removed."""
        folder = self.root / "cache"
        cutoff = (time.time() if now is None else now) - CACHE_KEEP_DAYS * 86400
        removed = size = 0
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return 0, 0
        for entry in entries:
            name = entry.name
            if not name.endswith(".pkl") or not entry.is_file(follow_symlinks=False):
                continue  # a temporary file of a run writing now is left to it
            current = name.endswith(f"-{register_key}.pkl") if name.startswith("register-") \
                else name.endswith(f"-v{CACHE_VERSION}.pkl")
            try:
                status = entry.stat(follow_symlinks=False)
                if current and status.st_mtime >= cutoff:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue  # gone meanwhile, or not ours to remove: the next night tries again
            removed, size = removed + 1, size + status.st_size
        return removed, size

    def cache(self, sha256: str, key: str, value: object) -> None:
        """Renamed into place but not fsynced: the cache can always be recomputed, and a
        file torn by a power cut fails to unpickle and is."""
        path = self._cache_path(sha256, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)


def _move_into_place(copy: Path, path: Path) -> None:
    """A staged copy (already durable) renamed to its place in the archive. A failure names
    the place, not the staged copy: the folder in files/ is what the user must mend (its
    permissions), and the copy is removed by the next night. A files/ on another disk than
    incoming/ (a link) cannot take a rename: the bytes are written there atomically."""
    try:
        os.replace(copy, path)
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            atomic_write_bytes(path, copy.read_bytes())
            copy.unlink(missing_ok=True)
            return
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def touch_used(path: Path) -> None:
    """Mark a cache entry as used (its modification time), at most once a day: prune_cache
    keeps what nights still read."""
    try:
        if time.time() - path.stat().st_mtime > 86400:
            os.utime(path)
    except OSError:
        pass  # a read-only archive still runs


@contextlib.contextmanager
def run_lock(root: Path, wait_seconds: float) -> Iterator[None]:
    """One run at a time: a second run waits up to wait_seconds, then raises LockHeld."""
    check_folder(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / ".lock"
    # held for the whole run
    handle = open(path, "a+", encoding="utf-8", newline="\n")  # noqa: SIM115
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            if _try_lock(handle):
                break
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "okänd process"
                raise LockHeld(path, holder) from None
            time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, startad "
                     f"{dt.datetime.now().isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock, also when the process is killed


# Windows locks byte ranges, and a locked range cannot be read by another process: the lock is
# on one byte this far into the file (past its end, which Windows allows), so that a second run
# can still read the holder's line written at the start.
_WINDOWS_LOCK_OFFSET = 1 << 30


def _try_lock(handle: Any) -> bool:
    """Take the run's lock on the open lock file without waiting; False if another process
    (or another handle in this one) holds it. Released when the handle is closed."""
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    import msvcrt  # Windows

    os.lseek(handle.fileno(), _WINDOWS_LOCK_OFFSET, os.SEEK_SET)  # the caller seeks back
    try:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:  # EACCES or EDEADLOCK: the byte is locked through another handle
        return False
    return True


class _JsonLogHandler(logging.Handler):
    def __init__(self, archive: Archive):
        super().__init__(logging.INFO)
        self.archive = archive

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields: dict[str, object] = {"level": record.levelname.lower(),
                                         "logger": record.name, "message": record.getMessage()}
            if record.exc_info:
                fields["traceback"] = "".join(traceback.format_exception(*record.exc_info))
            self.archive.log("message", **fields)
        except Exception:  # a log line must never stop the night
            self.handleError(record)
