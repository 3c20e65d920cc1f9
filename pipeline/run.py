"""The orchestrator: wires the stages for each command. The CLI calls only these functions.

The nightly run, in order: take the lock; read the register; for each settled inbox file read
its bytes, validate them (pure), store the bytes in the archive, append the verdict to the
ledger, and only then remove the file from the inbox; decide which accepted file counts for
each department (latest wins); merge; write the outputs atomically. A run killed at any moment
leaves every file either in the inbox or in the archive, and the next run finishes the work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import hashlib
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Archive, Arrival, run_lock
from .atomic import atomic_write, atomic_write_bytes, sweep_temporary
from .config import Settings
from .errors import ConfigError
from .inbox import (
    InboxFile,
    InboxScan,
    arrived,
    file_name,
    folder_code,
    lock_files,
    open_long,
    scan_inbox,
    unknown_folder,
)
from .issues import Issue, Report, make
from .labels import SubmissionState, Verdict
from .ledger import (
    ACCEPTED,
    DUPLICATE,
    SUPERSEDED,
    StatusReport,
    department_status,
    first_of,
    in_quarantine,
    judged_now,
    order_key,
    plural,
    states,
)

if TYPE_CHECKING:  # pandas and pandera cost a second to import: only where work is done
    import pandas as pd

    from .intake import Submission
    from .register import Register
    from .validate import SubmissionData


def read_register(settings: Settings) -> Register:
    """The register, validated; cached in the archive so that later commands skip parsing."""
    from .register import read_register as read

    return read(settings.register, cache_dir=settings.archive / "cache")

MANIFEST_VERSION = 1
Progress = Callable[[int, int, str], None]


def now() -> dt.datetime:
    """The run's clock; PIPELINE_NOW (ISO time) pins it for reproducible runs and tests."""
    pinned = os.environ.get("PIPELINE_NOW")
    if pinned:
        value = dt.datetime.fromisoformat(pinned)
        # the run's times are local and naive, as the ledger and Excel have them
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime.now().replace(microsecond=0)


def require_period(settings: Settings, register: Register) -> str:
    if settings.period is None:
        raise ConfigError("Ingen period är angiven. Ange --period, t.ex. --period 2024-T2, "
                          "eller skriv period i pipeline.toml.")
    register.period(settings.period)
    return settings.period


# --- templates -------------------------------------------------------------------------------

@dataclass
class MadeTemplates:
    paths: list[Path]
    remarks: tuple[Issue, ...]  # the register's: the controller reads them before sending


def make_templates(settings: Settings, departments: Sequence[str] = (),
                   out: Path | None = None) -> MadeTemplates:
    from .templates import write_templates

    register = read_register(settings)
    period = require_period(settings, register)
    out_dir = out or settings.outbox / "mallar" / period
    sweep_temporary(out_dir)  # what a `templates` killed while writing left for departments
    paths = write_templates(register, period, out_dir, departments or None,
                            history=load_history(settings, register, period),
                            created=now().date())  # PIPELINE_NOW, as for every command
    return MadeTemplates(paths, register.remarks)


def remark_key(remark: Issue) -> str:
    """A register remark as told: a remark reworded by an edit (another count of rows) is new."""
    text = "\0".join((remark.code, remark.sheet or "", remark.cell or "", remark.message))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remark_lines(remarks: Sequence[Issue], register_name: str, total: int | None = None
                 ) -> list[str]:
    """The register's remarks as the controller reads them; `total`: how many the register
    has, when only the ones not told before are given."""
    if not remarks:
        return []
    if total is None or total == len(remarks):
        head = (f"Anmärkningar i registret {register_name} ({len(remarks)}). De stoppar "
                "ingenting, men se över dem:")
    else:
        head = (f"Nya anmärkningar i registret {register_name} ({len(remarks)} av {total}; de "
                "övriga har nämnts en tidigare natt). De stoppar ingenting, men se över dem:")
    return [head, *(f"  - {issue.describe()}" for issue in remarks)]


def register_open(settings: Settings) -> Issue | None:
    """A warning when the register is open in Excel or LibreOffice (its lock file lies beside
    it): what is read is its last saved version, not what the controller sees on screen."""
    path = settings.register
    for lock in lock_files(path.name):
        if (path.parent / lock).exists():
            return make("register_open", fil=path.name, låsfil=lock)
    return None


def load_history(settings: Settings, register: Register, period: str):  # type: ignore[no-untyped-def]
    """The previous period's merged activities and suggestions, to prefill the templates."""
    from .templates import History

    previous = register.previous_period(period)
    archive = Archive(settings.archive)
    if previous is None:
        last_year = _last_year_answers(archive, register, period, archive.arrivals())
        return None if last_year is None else History(*last_year)
    merged = _merge_period(archive, register, previous, archive.arrivals(), previous=False)
    if merged is None:
        return None
    activities = merged.activities[merged.activities["status"].map(
        lambda s: isinstance(s, str))]
    suggestions = {g.ks_id: g.suggestion for g in merged.goals.itertuples()
                   if isinstance(g.suggestion, str)}
    return History(previous, activities, suggestions)


# --- validate --------------------------------------------------------------------------------

@dataclass
class FileResult:
    path: Path
    report: Report
    data: SubmissionData | None = None
    feedback_path: Path | None = None


def validate_files(settings: Settings, files: Sequence[Path],
                   feedback_dir: Path | None = None) -> list[FileResult]:
    """Check files as the nightly run would, without archiving anything."""
    from .intake import parse_submission
    from .validate import validate_many

    register = read_register(settings)
    period = require_period(settings, register)
    archive = Archive(settings.archive)
    own = _own_activities(archive, register, period, archive.arrivals())
    results: list[FileResult] = []
    readable: list[tuple[int, Path, bytes]] = []
    for path in files:
        try:
            readable.append((len(results), path, path.read_bytes()))
            results.append(FileResult(path, Report(file=file_name(path))))
        except OSError:
            report = Report(file=file_name(path))
            report.add(make("file_is_folder", fil=path, exempel=path / "*.xlsx")
                       if path.is_dir() else make("file_missing", fil=path))
            results.append(FileResult(path, report))
    checked = validate_many([(parse_submission(content, name=file_name(path)),
                              drop_folder(settings, register, path))
                             for _, path, content in readable], register, period,
                            own_activities=own)
    for (index, path, content), (report, data) in zip(readable, checked, strict=True):
        result = FileResult(path, report, data)
        if feedback_dir is not None and not report.accepted:
            from .publish.feedback import write_feedback

            result.feedback_path = write_feedback(report, _to_mark_up(report, content),
                                                  feedback_dir)
        results[index] = result
    return results


def drop_folder(settings: Settings, register: Register, path: Path) -> str | None:
    """The department whose drop folder in the inbox (`inbox/<KOD>/`) holds the file: the
    night refuses it if its _meta names another department, so checking it does too. None
    for a file anywhere else, judged on its _meta alone."""
    try:
        folder = path.absolute().parent.resolve()  # (the file itself may be a link)
        inbox = settings.inbox.resolve()
    except (OSError, RuntimeError):
        return None
    code = folder_code(folder.name)
    return code if folder.parent == inbox and code in register.department_codes else None


def _check_submission(content: bytes, name: str, register: Register, period: str,
                      folder: str | None, own: pd.DataFrame | None):  # type: ignore[no-untyped-def]
    from .intake import parse_submission
    from .validate import validate

    submission = parse_submission(content, name=name)
    report, data = validate(submission, register, period, folder_department=folder,
                            own_activities=own)
    return submission, report, data


# --- the nightly run -------------------------------------------------------------------------

@dataclass
class RunSummary:
    period: str
    new: list[tuple[Arrival, Report]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    early: list[tuple[str, str]] = field(default_factory=list)  # (file as shown, its period)
    # refused files made for an earlier period: (file as shown, its period, archived copy,
    # where it lay in the inbox)
    late: list[tuple[str, str, Path, Path]] = field(default_factory=list)
    # counted files that no longer pass against the register, with their errors now
    lapsed: list[tuple[Arrival, int]] = field(default_factory=list)
    counted: dict[str, Arrival] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # no file counts for these departments
    refused: list[str] = field(default_factory=list)  # of them, those whose files were refused
    outputs: list[Path] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    unchanged: bool = False
    open_long: dict[str, int] = field(default_factory=dict)  # "KOD/namn": nights found open
    unknown_folders: list[str] = field(default_factory=list)  # what to say about each
    nested: dict[str, int] = field(default_factory=dict)  # "KOD/mapp": files there, unread
    replaced: dict[str, Arrival] = field(default_factory=dict)  # department: earlier file
    links: list[str] = field(default_factory=list)  # symbolic links in the inbox, unread
    # of `new`, the files an earlier run took but stopped before telling (Arrival.identity)
    untold: set[tuple[str, str, str, int]] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)  # no permission to read: left there
    closed: list[str] = field(default_factory=list)  # drop folders without permission to list
    # archived, but no permission to remove them from the inbox: (file as shown, its folder)
    stuck: list[tuple[str, Path]] = field(default_factory=list)
    # earlier feedback copies that could not be removed (open in another program)
    feedback_left: list[Path] = field(default_factory=list)
    # files read and left in the inbox to wait (a later period's, a copy cut off lately), as
    # the manifest keeps them: the nights after pass them over without reading them again
    held: list[dict[str, Any]] = field(default_factory=list)
    # the register's remarks not told on an earlier night, of `remarks_total`
    register_name: str = ""
    remarks: list[Issue] = field(default_factory=list)
    remarks_total: int = 0
    quarantined: dict[str, Path] = field(default_factory=dict)  # checksum: where its bytes are
    # files an earlier version archived as workbooks (without quarantine) that this version
    # finds harmful, with the quarantine code: their bytes are moved to the quarantine
    harmful: list[tuple[Arrival, str]] = field(default_factory=list)
    # files judged afresh, though the same bytes came in before and were put in quarantine
    # (taken out of it since): their quarantined line, by the new file (`Arrival.identity`)
    again: dict[tuple[str, str, str, int], Arrival] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(1 for a, _ in self.new if a.verdict == Verdict.REJECTED.value)

    def lines(self) -> list[str]:
        out = [f"Period {self.period}."]
        if not self.new:
            out.append("Inga nya filer i inkorgen.")
        notices = []
        for arrival, report in self.new:
            verdict = arrival.verdict
            if arrival.verdict == DUPLICATE:  # its one issue names the original
                detail = "".join(f" ({i.message})" for i in report.issues)
            elif arrival.quarantine is not None:  # the word Inlämningar and status have
                verdict, detail = SubmissionState.QUARANTINED.value, \
                    " (se säkerhetsvarningen nedan)"
            elif report.issues:
                detail = f" ({plural(len(report.errors), 'fel', 'fel')}, " \
                         f"{plural(len(report.warnings), 'anmärkning', 'anmärkningar')})"
            else:
                detail = ""
            if (kept := self.again.get(arrival.identity)) is not None:
                detail += (f"; samma fil lämnades in {kept.run[:10]} ({kept.shown}) och "
                           "lades då i karantän; den har nu bedömts på nytt")
            earlier = self.replaced.get(arrival.department or "")
            if earlier is not None and self.counted.get(arrival.department or "") is arrival:
                detail += f"; ersätter inlämningen {earlier.received[:10]} ({earlier.name})"
            if arrival.identity in self.untold:
                detail += (f"; togs emot {arrival.run[:16].replace('T', ' ')} av en körning som "
                           "avbröts innan den hann skriva sammanställningen")
            out.append(f"  {arrival.shown}: {verdict}{detail}")
            # (a copy of a quarantined file is a Dubblett: its report names no such code)
            codes = _admin_notices(report) or ([arrival.quarantine] if arrival.quarantine else [])
            notices += [_admin_line(arrival, code, self.quarantined.get(arrival.sha256))
                        for code in codes]
        out.extend(notices)
        if self.waiting:
            out.append(f"Väntar till nästa körning (filen skrivs fortfarande eller är öppen): "
                       f"{', '.join(self.waiting)}")
        harmful = {a.identity for a, _ in self.harmful}
        for arrival, code in self.harmful:
            out.append(_harmful_line(arrival))
            out.append(_admin_line(arrival, code, self.quarantined.get(arrival.sha256),
                                   earlier=True))
        for arrival, errors in self.lapsed:
            if arrival.identity in harmful:
                continue  # told above
            out.append(f"  {arrival.shown}: godkändes {arrival.received[:10]} men stämmer inte "
                       f"längre med registret ({plural(errors, 'fel', 'fel')}, se fliken "
                       f"Datakvalitet). Rätta registret, eller be {arrival.department} lämna in "
                       f"en ny fil; till dess saknas avdelningens uppgifter i sammanställningen.")
        for shown, later in self.early:
            out.append(f"  {shown}: gäller {later}, som inte samlas in ännu (period = "
                       f"{self.period}). Filen ligger kvar i inkorgen och läses in när perioden "
                       f"i pipeline.toml är {later}.")
        for shown, before, copy, where in self.late:
            # last year's periods are in last year's register only
            register = "" if before[:4] == (self.period or "")[:4] else \
                f"--register <registret för {before[:4]}> "
            out.append(f"  {shown}: gäller {before}, en tidigare period än den som samlas in nu "
                       f"({self.period}). Ska filen räknas för {before}: kopiera {copy} till "
                       f"{where} och kör pipeline run {register}--period {before}.")
        for shown, nights in self.open_long.items():
            out.append(f"  {shown}: " + make("file_open_nights", fil=Path(shown).name,
                                             nätter=nights).message)
        out.extend(self.unknown_folders)
        for shown, files in self.nested.items():
            code = shown.split("/")[0]
            them = "filen" if files == 1 else f"de {files} filerna"
            out.append(f"Mappen {shown} i inkorgen läses inte, så {them} i den har inte lästs "
                       f"in. Flytta den fil som ska lämnas in direkt till mappen {code}.")
        for shown in self.links:
            out.append(f"  {shown}: är en länk till en annan fil och läses inte. Lägg själva "
                       "filen i inkorgen i stället för länken.")
        for shown in self.unreadable:
            out.append(f"  {shown}: kunde inte läsas, eftersom behörighet saknas till filen. Den "
                       "ligger kvar i inkorgen. Ge kontot som kör pipeline rätt att läsa filen, "
                       "så läses den in nästa körning.")
        for name in self.closed:
            out.append(f"Mappen {name} i inkorgen kunde inte läsas, eftersom behörighet saknas "
                       "till mappen. Filerna i den ligger kvar. Ge kontot som kör pipeline rätt "
                       "att läsa mappen, så läses de in nästa körning.")
        for shown, folder in self.stuck:
            out.append(f"  {shown}: är arkiverad, men kunde inte tas bort ur inkorgen eftersom "
                       f"behörighet saknas i mappen {folder}. Ge kontot som kör pipeline rätt "
                       "att ändra i mappen, eller ta bort filen; den läses inte in på nytt.")
        out.extend(remark_lines(self.remarks, self.register_name, self.remarks_total))
        more = "till (pipeline status visar alla)"
        if self.counted:
            out.append("Gäller: " + first_of(
                [f"{code} ({a.name}, {a.received[:16].replace('T', ' ')})"
                 for code, a in self.counted.items()], more, departments=True))
        if self.refused:
            out.append(f"Ingen godkänd fil: {first_of(self.refused, more)}")
        if absent := [c for c in self.missing if c not in self.refused]:
            out.append(f"Saknas: {first_of(absent, more)}")
        if self.unchanged:
            out.append("Inget har ändrats sedan förra körningen; sammanställningen är "
                       "oförändrad.")
        for path in self.outputs:
            out.append(f"Skrev {path}")
        for path in self.feedback:
            out.append(f"Återkoppling: {path}")
        for path in self.feedback_left:
            out.append(f"Återkopplingen {path} gäller en fil som har ersatts, men kunde inte tas "
                       "bort; den är troligen öppen i ett annat program. Ta bort den när den är "
                       "stängd.")
        return out


# Refusals the one who runs the system should know about, beyond the department (BAD_INPUTS
# F10-F12): what was found, and why it matters.
ADMIN_NOTICES = {
    "file_macros": "innehåller makron (VBA eller ett Excel 4.0-makroblad), som kan skada den "
                   "som öppnar filen.",
    "file_unsafe_xml": "innehåller DTD eller entiteter i sin XML, något Excel aldrig skriver: "
                       "det kan vara ett försök att angripa systemet.",
    "file_too_large": "är orimligt stor (kanske en så kallad zip-bomb).",
    "file_packed_suspiciously": "innehåller en del som är packad långt hårdare än Excel packar "
                                "(kanske en så kallad zip-bomb).",
    "sheet_too_large": "har värden långt utanför mallens blad (kanske ett försök att fylla "
                       "minnet).",
}


def _harmful_line(arrival: Arrival) -> str:
    """A file an earlier version of Målsystem archived that this version finds harmful."""
    when = arrival.received[:10]
    if arrival.verdict in ACCEPTED:
        return (f"  {arrival.shown}: godkändes {when} av en tidigare version av Målsystem, men "
                "den här versionen bedömer att filen kan skada den som öppnar den (se "
                "säkerhetsvarningen nedan), och den räknas inte längre. Be "
                f"{arrival.department} lämna in filen på nytt, sparad som Excel-arbetsbok "
                "(.xlsx); till dess saknas avdelningens uppgifter i sammanställningen.")
    return (f"  {arrival.shown}: lämnades in {when} och togs inte emot; den här versionen av "
            "Målsystem bedömer dessutom att filen kan skada den som öppnar den (se "
            "säkerhetsvarningen nedan).")


def _admin_line(arrival: Arrival, code: str, quarantined: Path | None, *,
                earlier: bool = False) -> str:
    if quarantined is None:
        return (f"Till administratören: {arrival.shown} {ADMIN_NOTICES[code]} Filen är "
                f"arkiverad ({arrival.sha256[:10]}) men har inte lästs; öppna den inte i Excel.")
    # (a file directly in the inbox has no department: its _meta is never read)
    ask = f"fråga {arrival.department} om filen kommer därifrån" if arrival.department else \
        "ta reda på vem som lämnade in den"
    where = (f"En tidigare version av Målsystem arkiverade den som arbetsbok; den ligger nu i "
             f"karantän: {quarantined}") if earlier else \
        f"Filen har inte lästs in och ligger i karantän: {quarantined}"
    return (f"Säkerhetsvarning till administratören: {arrival.shown} {ADMIN_NOTICES[code]} "
            f"{where}. Öppna den inte, och {ask}.")


def _admin_notices(report: Report) -> list[str]:
    """The codes of the report's issues that the administrator is told about, once each."""
    return list(dict.fromkeys(i.code for i in report.issues if i.code in ADMIN_NOTICES))


@contextlib.contextmanager
def _phase(archive: Archive, name: str) -> Iterator[None]:
    """Log how long a stage of the run took (the JSON log's "phase" events)."""
    began = time.perf_counter()
    yield
    archive.log("phase", name=name, seconds=round(time.perf_counter() - began, 3))


def nightly_run(settings: Settings, progress: Progress | None = None) -> RunSummary:
    with run_lock(settings.archive, settings.lock_wait_seconds):
        caller_froze = gc.get_freeze_count() > 0
        try:
            with Archive(settings.archive).logging_here():
                return _nightly_run(settings, progress)
        finally:
            if not caller_froze:
                gc.unfreeze()  # the caller's process goes on collecting as before the run


def _nightly_run(settings: Settings, progress: Progress | None) -> RunSummary:
    started = now()
    archive = Archive(settings.archive)
    archive.log("run_started", period=settings.period, run=started.isoformat())
    for folder in (settings.outbox, settings.outbox / "feedback"):
        for left in sweep_temporary(folder):  # what a run killed while writing left behind
            archive.log("temporary_removed", path=str(left))
    first = scan_inbox(settings, None)
    if first.ignored:  # a department's file saved as ".rapport.xlsx" is found here
        archive.log("files_ignored", names=first.ignored)
    nights_open = archive.nights_open(started.date(), first.open)
    for shown, nights in nights_open.items():
        archive.log("file_open", name=shown, nights=nights)
    unchanged = _nothing_new(settings, archive, first, nights_open)
    if unchanged is not None:
        archive.log("run_finished", period=settings.period, new=0, unchanged=True)
        return unchanged
    with _phase(archive, "register"):
        register = read_register(settings)
    period = require_period(settings, register)
    summary = RunSummary(period, register_name=register.source.name,
                         remarks_total=len(register.remarks))
    told = archive.told_remarks(register.source)
    summary.remarks = [r for r in register.remarks if remark_key(r) not in told]
    arrivals = archive.arrivals()
    scan = scan_inbox(settings, register.department_codes)
    ready = scan.ready
    _tell_inbox(summary, scan, nights_open, register.department_codes)
    with _phase(archive, "earlier_periods"):
        own = _own_activities(archive, register, period, arrivals)
    if _in_parallel(len(ready)):  # workers will be forked: load their checks once, here
        from .validate import load_checks

        load_checks()
    # The modules and the register live until the run ends: keep the cycle collector from
    # walking them again at every collection (and the workers from copying them), until
    # `nightly_run` unfreezes them. (A caller that freezes its own heap is left to it.)
    if not gc.get_freeze_count():
        gc.freeze()
    # quarantined files the controller has taken out of quarantine (README), seen before the
    # check stores tonight's bytes: a copy handed in now is judged afresh (`_take`)
    released = _released(archive, arrivals)
    known = _known(arrivals, released)
    with _phase(archive, "check"):
        checked = _check_ready(ready, register, period, own, archive, progress)
    with _phase(archive, "archive"):
        judged: dict[str, list[Arrival]] = {}
        for arrival in arrivals:
            judged.setdefault(arrival.sha256, []).append(arrival)
        taken = [t for item in ready if (t := _take(archive, item, register, period, own, known,
                                                    arrivals, started, checked, summary,
                                                    judged, released)) is not None]
        # The departments' feedback before the ledger lines: a run stopped in between finds
        # the files in the inbox next night, judges them again and writes it then.
        summary.feedback, summary.feedback_left = _write_feedback(settings.outbox / "feedback",
                                                                  taken, period)
        _commit(archive, taken, summary)
    fresh: dict[Arrival, tuple[Report, SubmissionData | None]] = {}
    for take in taken:
        summary.new.append((take.arrival, take.report))
        if take.arrival.verdict != DUPLICATE:  # its report is no verdict on the bytes
            fresh[take.arrival] = (take.report, take.data)
    _publish(settings, archive, register, period, arrivals, own, summary, fresh)
    from .register import code_key

    files, size = archive.prune_cache(code_key())
    if files:
        archive.log("cache_pruned", files=files, bytes=size)
    # told once the outputs are written: a night stopped before tells them the next night
    for remark in summary.remarks:
        archive.log("register_remark", register=str(register.source),
                    sha256=register.checksum, code=remark.code, sheet=remark.sheet,
                    cell=remark.cell, message=remark.message)
    archive.remember_remarks(register.source, map(remark_key, register.remarks))
    archive.log("run_finished", period=period, new=len(summary.new),
                rejected=summary.rejected, unchanged=summary.unchanged)
    return summary


def _tell_inbox(summary: RunSummary, scan: InboxScan, nights_open: dict[str, int],
                codes: Sequence[str]) -> None:
    """What the night says about the inbox beyond the files it reads (`scan`: the drop
    folders of the departments `codes`), the same whether the night is a full one or not."""
    summary.waiting = scan.waiting
    summary.open_long = open_long(nights_open, scan)
    summary.nested = scan.nested
    summary.links = scan.links
    summary.closed = scan.closed
    summary.unknown_folders = [unknown_folder(name, files, codes)
                               for name, files in scan.unknown_folders.items()]


def _nothing_new(settings: Settings, archive: Archive, first: InboxScan,
                 nights_open: dict[str, int]) -> RunSummary | None:
    """A night with nothing new in the inbox (`first`: every folder) and an unchanged
    register and ledger: say so, and what a full run would say about the inbox, leave
    the outputs as they are, and do it without reading the register (or importing pandas).
    The manifest keeps the register's department codes for this.

    Files that lie in the inbox night after night without ever being read in leave the
    night a quiet one (as `_take` would leave them): files an earlier night archived but
    may not remove (tried again, and named if still there), files the run may not read,
    files in folders that are no department's, and files the night that wrote the outputs
    left to wait, unchanged since (a later period's; a copy cut off lately, until its wait is
    over). Any other file is new: a full run."""
    if settings.period is None:
        return None
    manifest_path = settings.outbox / f"manifest_{settings.period}.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        register_sha = hashlib.sha256(settings.register.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None
    if not _in_shape(manifest) or manifest["register"].get("sha256") != register_sha:
        return None
    arrivals = archive.arrivals()
    rows, counted = states(arrivals, settings.period)
    fingerprint = _fingerprint(register_sha, settings.period, arrivals, settings.report)
    outputs = [settings.outbox / o["path"] for o in manifest.get("outputs", [])]
    if manifest.get("fingerprint") != fingerprint or not all(p.exists() for p in outputs):
        return None
    if not set(manifest.get("remarks", [])) <= archive.told_remarks(settings.register):
        return None  # a night killed before it remembered telling them: the full run tells
    summary = RunSummary(settings.period, counted=counted,
                         missing=list(manifest.get("missing", [])), unchanged=True)
    codes = manifest.get("departments")
    if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
        scan = scan_inbox(settings, codes)  # as the full run scans: folders named, not read
        _tell_inbox(summary, scan, nights_open, codes)
        held = manifest.get("held")
        if not _nothing_to_read(scan.ready, arrivals, _released(archive, arrivals),
                                held if isinstance(held, list) else [], summary):
            return None
    elif first.ready:  # a manifest of an earlier version: the full run tells
        return None
    else:
        _tell_inbox(summary, first, nights_open, [])
    _lapsed_as_written(summary, manifest, arrivals, archive)
    _name_refused(summary, rows)
    return summary


def _in_shape(manifest: object) -> bool:
    """A manifest as a run writes it, in the parts a quiet night relies on (one edited by
    hand, or cut short, means a full run, which writes it anew)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("register"), dict):
        return False
    outputs, remarks = manifest.get("outputs", []), manifest.get("remarks", [])
    return isinstance(outputs, list) and isinstance(remarks, list) and \
        all(isinstance(o, dict) and isinstance(o.get("path"), str) for o in outputs) and \
        all(isinstance(r, str) for r in remarks)


def _nothing_to_read(ready: list[InboxFile], arrivals: list[Arrival], released: set[str],
                     held: list[dict[str, Any]], summary: RunSummary) -> bool:
    """Whether the full run would take none of the `ready` files (`_read_new` as `_take`
    calls it): each is one the run may not read, one still being written, one already in
    the ledger, byte for byte (removed now, or named as stuck if the run still may not), or
    one the night that wrote the outputs left to wait (`held`) and that still waits."""
    known = _known(arrivals, released)
    for item in ready:
        read = _read_new(item, known, summary)
        if read is not None and not _still_held(item, read[2], read[1], held, summary):
            return False
    return True


def _released(archive: Archive, arrivals: list[Arrival]) -> set[str]:
    """Checksums of quarantined files the controller has taken out of quarantine (README:
    `archive/quarantine/<checksum>.bin` moved away)."""
    return {a.sha256 for a in arrivals if a.quarantine is not None
            and not archive.quarantine_path(a.sha256).exists()}


def _known(arrivals: list[Arrival], released: set[str]) -> set:  # type: ignore[type-arg]
    """The ledger's files, which `_read_new` removes from the inbox as a stopped run's
    leftovers; not those taken out of quarantine: the department's copy of the same file
    (Explorer keeps its name and time) is judged afresh."""
    return {a.identity for a in arrivals if a.sha256 not in released}


# Files are read and validated in worker processes when there are many (validation is pure;
# archiving, the ledger and the inbox stay in this process, in order). The workers are forked
# once the register is read, and inherit it. Each checks a chunk of files at a time, so the
# schemas run once per chunk rather than once per file.
PARALLEL_FROM = 12
CHUNK = 25


def _in_parallel(files: int) -> bool:
    """Many files, and cores to share them: read and check them in worker processes. Where
    processes cannot be forked (Windows), in this one: a spawned worker would import the
    package and receive the register anew, and one process checks 300 departments' files in
    a few seconds."""
    return files >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 and \
        "fork" in multiprocessing.get_all_start_methods()


Checked = tuple[str, "dt.datetime | None", Report, "SubmissionData | None"]  # sha256 first


def _check_ready(ready: list[InboxFile], register: Register, period: str,
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
    if not _in_parallel(len(ready)):
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
    """Read and validate a chunk of files, store their bytes in the archive and fill the
    validation cache; the ledger and the inbox are left to the main process, which reads
    each file again and judges it anew if its bytes changed since."""
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
        # durable before its ledger line (`_take`)
        archive.store(submission.content, sha, quarantine=report.quarantine is not None)
        archive.cache(sha, validation_key(register, _WORKER["period"],  # type: ignore[arg-type]
                                          folder, _WORKER["own"]),  # type: ignore[arg-type]
                      (report, data))
        outcomes.append((path, (sha, submission.saved_at, report, data)))
    return outcomes


@dataclass
class _Taken:
    """A file read from the inbox and judged, before its ledger line is written."""

    item: InboxFile
    arrival: Arrival
    report: Report
    data: SubmissionData | None
    content: bytes
    # the quarantined line of the same bytes, when they were taken out of quarantine and are
    # judged afresh tonight
    released: Arrival | None = None


def _read_new(item: InboxFile, known: set,  # type: ignore[type-arg]
              summary: RunSummary) -> tuple[bytes, os.stat_result, str] | None:
    """The bytes, file status and checksum of an inbox file for the night to judge. None for
    a file gone meanwhile, one the run may not read (named in `summary`: the department's
    file, not the run's fault, so the others go on), one still being written (next night),
    and one already in the ledger (`known`: an earlier run archived it and was stopped, or
    not allowed, before removing it; removed now, or named as stuck)."""
    try:
        before = item.path.stat()
        content = item.path.read_bytes()
        after = item.path.stat()
    except FileNotFoundError:
        return None
    except PermissionError:
        summary.unreadable.append(item.shown)
        return None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or \
            after.st_size != len(content):
        return None
    sha = hashlib.sha256(content).hexdigest()
    if (item.name, item.folder, sha, after.st_mtime_ns) in known:
        _remove_from_inbox(item, summary, after.st_size, after.st_mtime_ns)
        return None
    return content, after, sha


def _take(archive: Archive, item: InboxFile, register: Register, period: str,
          own: pd.DataFrame | None, known: set, arrivals: list[Arrival],  # type: ignore[type-arg]
          started: dt.datetime, checked: dict[Path, Checked], summary: RunSummary,
          judged: dict[str, list[Arrival]], released: set[str]) -> _Taken | None:
    """Read one inbox file, judge it and store its bytes in the archive; `_commit` then
    writes the ledger and removes it from the inbox. A file cut off while being copied is
    left for one more night, and a file for a later period until that period is collected
    (both named in `summary`).

    judged: earlier arrivals by checksum. A copy of a file accepted for this period is a
    duplicate (nothing new: an old file handed in again never takes over from its
    replacement), and so is a copy of a file refused for this period in the same context
    (register, folder, own activities). A copy of a file refused in another context (the
    register was corrected since) or judged for another period is judged again.

    released: checksums of quarantined files whose copy the controller has taken out of
    quarantine (`archive/quarantine/<checksum>.bin` gone when the night began): a copy of
    one is judged afresh, not a Dubblett that joins the quarantine."""
    path = item.path
    read = _read_new(item, known, summary)
    if read is None:
        return None
    content, after, sha = read
    data: SubmissionData | None = None
    key = validation_key(register, period, item.folder, own)
    earlier = next((a for a in reversed(judged.get(sha, [])) if a.period == period
                    and (a.verdict in ACCEPTED or a.verdict != DUPLICATE and a.key == key)),
                   None)
    out_of_quarantine = None
    if earlier is not None and earlier.quarantine is not None and sha in released:
        # not a copy of a quarantined file, but judged afresh, scanned as every file is
        out_of_quarantine, earlier = earlier, None
        released.discard(sha)  # a second copy tonight is a copy of this one
    if earlier is not None:
        report = Report(file=item.name, department=earlier.department, period=earlier.period)
        report.add(make("file_duplicate", fil=item.name, tidigare=earlier.shown,
                        datum=earlier.received[:10], utfall=earlier.verdict.lower()))
        verdict, department, saved = DUPLICATE, earlier.department, earlier.saved_at
    else:
        outcome = checked.get(path)
        if outcome is not None and outcome[0] == sha:
            _, saved_at, report, data = outcome
        else:  # changed since a worker read it, or never read by one
            submission, report, data = _check_submission(content, item.name, register, period,
                                                         item.folder or None, own)
            saved_at = submission.saved_at
            archive.cache(sha, key, (report, data))
        if _cut_off_recently(report, after.st_mtime):
            summary.waiting.append(item.shown)
            summary.held.append(_held(item, sha, after, None))
            return None
        later = _period_found(report, "file_later_period")
        if later is not None and len(report.errors) == 1:  # else refused now, to be mended
            summary.early.append((item.shown, later))
            summary.held.append(_held(item, sha, after, later))
            return None
        if report.department is None and item.folder:
            # unreadable or refused before its _meta was trusted: it belongs to the folder
            report.department = item.folder
        report.period = report.period or period
        verdict, department = report.verdict.value, report.department
        saved = saved_at.isoformat() if saved_at else None
    # a copy of a quarantined file joins it there (its report says Dubblett); so does a copy
    # of a file an earlier version archived without quarantine (its line has no such key),
    # as the check of every inbox file (`_check_ready`) finds it harmful
    quarantine = report.quarantine if earlier is None else \
        earlier.quarantine or _judged_harmful(checked.get(path), sha)
    stored = archive.store(content, sha, quarantine=quarantine is not None)
    if quarantine is not None:
        summary.quarantined[sha] = stored
    if verdict != DUPLICATE and \
            (earlier_period := _period_found(report, "file_wrong_period")) is not None:
        summary.late.append((item.shown, earlier_period, stored,
                             path.with_name(item.name)))
    received = arrived(after, now())
    if verdict != DUPLICATE and judged.get(sha):
        # the same bytes judged again (another period, a corrected register): handed in when
        # they first came in, not when copied back into the inbox
        received = min(received, *(dt.datetime.fromisoformat(a.received) for a in judged[sha]))
    arrival = Arrival(run=started.isoformat(), received=received.isoformat(),
                      name=item.name, folder=item.folder, sha256=sha, size=len(content),
                      mtime_ns=after.st_mtime_ns, department=department, period=period,
                      verdict=verdict, errors=len(report.errors),
                      warnings=len(report.warnings), saved_at=saved, key=key,
                      quarantine=quarantine)
    arrivals.append(arrival)
    known.add(arrival.identity)
    judged.setdefault(sha, []).append(arrival)
    return _Taken(item, arrival, report, data, content, out_of_quarantine)


def _judged_harmful(outcome: Checked | None, sha: str) -> str | None:
    """The quarantine code the check of an inbox file found in these bytes (`sha`), if any."""
    return outcome[2].quarantine if outcome is not None and outcome[0] == sha else None


def _held(item: InboxFile, sha: str, status: os.stat_result, later: str | None
          ) -> dict[str, Any]:
    """A file left in the inbox to wait, as the manifest keeps it: made for the `later`
    period, or (None) a copy cut off lately."""
    return {"name": item.name, "folder": item.folder, "sha256": sha,
            "mtime_ns": status.st_mtime_ns, "period": later}


def _still_held(item: InboxFile, sha: str, status: os.stat_result,
                held: list[dict[str, Any]], summary: RunSummary) -> bool:
    """Whether a file the night has read is one the night that wrote the outputs left to
    wait (`held`), byte for byte, and still waits: then told as that night told it."""
    found = _held(item, sha, status, None)
    for each in held:
        if isinstance(each, dict) and all(each.get(k) == found[k] for k in
                                          ("name", "folder", "sha256", "mtime_ns")):
            if isinstance(each.get("period"), str):
                summary.early.append((item.shown, each["period"]))
                return True
            if time.time() - status.st_mtime < TRUNCATED_WAIT_SECONDS:
                summary.waiting.append(item.shown)
                return True
    return False


def _period_found(report: Report, code: str) -> str | None:
    """The period of a file made for another period than the one being collected, by the
    issue that says so: "file_later_period" (handed in early, or before the controller moved
    on in pipeline.toml: it waits in the inbox, as refusing it would tell the department to
    use an older template) or "file_wrong_period" (late: refused, and the controller told how
    to count it for its own period). None for a file of this period."""
    return next((i.found for i in report.issues if i.code == code), None)


# A zip cut off while being copied (no central directory) waits this long, about a night,
# before it is refused: a copy still under way, or one the department restarts, is then read
# whole (BAD_INPUTS F3). File ages are measured on the real clock, as in `scan_inbox`.
TRUNCATED_WAIT_SECONDS = 20 * 3600


def _cut_off_recently(report: Report, mtime: float) -> bool:
    return any(i.code == "file_truncated" for i in report.issues) and \
        time.time() - mtime < TRUNCATED_WAIT_SECONDS


def _remove_from_inbox(item: InboxFile, summary: RunSummary, size: int, mtime_ns: int) -> None:
    """The last step for an archived file. A drop folder the run may read but not change
    leaves the file there, named each night: it is in the ledger, and never read again."""
    try:
        now = item.path.stat()
        if (now.st_size, now.st_mtime_ns) != (size, mtime_ns):
            return  # saved over since it was read: the new version is for the next night
        item.path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:  # no rights in the folder, or a share mounted read-only
        if not isinstance(exc, PermissionError) and exc.errno != errno.EROFS:
            raise
        summary.stuck.append((item.shown, item.path.parent))


def _commit(archive: Archive, taken: list[_Taken], summary: RunSummary) -> None:
    """The night's ledger lines in one durable write; only then leave the inbox. A run
    killed before this point finds the files still in the inbox (and their bytes already
    archived) next night."""
    archive.append(*(t.arrival for t in taken))
    for t in taken:
        archive.log("file_taken", name=t.arrival.name, folder=t.item.folder,
                    sha256=t.arrival.sha256, verdict=t.arrival.verdict,
                    department=t.arrival.department)
        for code in _admin_notices(t.report):
            archive.log("admin_notice", code=code, name=t.arrival.name, folder=t.item.folder,
                        sha256=t.arrival.sha256)
        if t.released is not None:
            archive.log("judged_again", name=t.arrival.name, folder=t.item.folder,
                        sha256=t.arrival.sha256, verdict=t.arrival.verdict,
                        quarantined=t.released.shown, quarantined_run=t.released.run)
        if t.arrival.quarantine is not None:
            archive.log("quarantined", code=t.arrival.quarantine, name=t.arrival.name,
                        folder=t.item.folder, sha256=t.arrival.sha256,
                        path=str(archive.quarantine_path(t.arrival.sha256)))
        _remove_from_inbox(t.item, summary, t.arrival.size, t.arrival.mtime_ns)


def _in_use(exc: OSError) -> bool:
    """A file that may not be replaced or removed now, most likely open in another program (a
    share refuses to replace a workbook open in Excel)."""
    return isinstance(exc, PermissionError) or exc.errno in (errno.EBUSY, errno.ETXTBSY)


def _write_feedback(folder: Path, taken: list[_Taken], period: str
                    ) -> tuple[list[Path], list[Path]]:
    """A marked-up copy of each file refused tonight, for its department.

    `<KOD>_<period>_fel.xlsx` is the copy of the department's report: its newest file of
    tonight that is this period's template. Any other refused file gets its own file name
    added (`…_fel_<namn>.xlsx`): an older one of tonight, and one refused as a whole (a PDF,
    another period's template) when that name is taken, so that it never replaces the
    report's copy. A department whose report came in tonight, accepted or refused, loses its
    copies from earlier nights: they are about files it has replaced.

    A copy the department has open (it cannot be replaced or removed) never stops the night
    for every department: the new copy gets its file name added, and an earlier copy that
    cannot be removed is left and returned (second list), to be named."""
    refused = [t for t in taken if t.arrival.verdict == Verdict.REJECTED.value]
    if refused:  # (openpyxl is imported only for a night that needs it)
        from .publish.feedback import feedback_name, write_feedback
    groups: dict[str, list[_Taken]] = {}
    for t in refused:
        groups.setdefault(feedback_name(t.report, t.report.file), []).append(t)
    names: set[str] = set()  # written tonight
    written: list[Path] = []
    left: list[Path] = []
    for name, group in groups.items():
        reports = sorted((t for t in group if not _refused_as_a_whole(t.report)),
                         key=lambda t: order_key(t.arrival))
        others = [t for t in group if _refused_as_a_whole(t.report)]
        for t in [*reports[::-1], *others]:  # the newest report first: it has the name
            free = name not in names and (t in reports or not (folder / name).exists())
            target = name if free else _feedback_name_with(name, t.arrival.name, names | {name})
            while True:  # ends: each name tried again is a different file that is there
                names.add(target)
                try:
                    written.append(write_feedback(t.report, _to_mark_up(t.report, t.content),
                                                  folder, name=target,
                                                  receipt=t.arrival.sha256[:10]))
                    break
                except OSError as exc:
                    if not _in_use(exc) or not (folder / target).exists():
                        raise  # the folder itself (disk full, no rights): the night stops
                    left.append(folder / target)  # about an earlier file: outdated now
                    target = _feedback_name_with(name, t.arrival.name, names | {name})
    reported = {t.arrival.department for t in taken
                if t.arrival.department and t.arrival.verdict != DUPLICATE
                and not _refused_as_a_whole(t.report)}
    if reported:
        try:
            earlier = [p for p in folder.iterdir() if p.name not in names]
        except OSError:  # no feedback folder yet: no copies
            earlier = []
        ours = re.compile(rf"(.+)_{re.escape(period)}_fel.*\.xlsx")  # codes may hold "_"
        for old in earlier:
            match = ours.fullmatch(old.name)
            if match and match[1] in reported:
                try:
                    old.unlink(missing_ok=True)
                except OSError as exc:
                    if not _in_use(exc):
                        raise
                    left.append(old)
    return written, left


def _to_mark_up(report: Report, content: bytes) -> bytes | None:
    """The bytes a feedback copy is made from; None (the Fel sheet alone) for a file that no
    library may open (issues.UNOPENED)."""
    return None if report.unopened else content


def _refused_as_a_whole(report: Report) -> bool:
    """Refused for what the file is (no workbook, another period's or department's template),
    not for its answers: it is no report to correct."""
    return any(i.is_error and not i.sheet for i in report.issues)


def _feedback_name_with(name: str, file: str, taken: set[str]) -> str:
    """KOD_period_fel.xlsx → KOD_period_fel_<the file's name>.xlsx, numbered if that is
    taken too; a personnummer in the file's name masked (`feedback_name`)."""
    from .identity import mask_identity_numbers

    safe = re.sub(r"[^\w-]+", "_", Path(mask_identity_numbers(file)).stem).strip("_")[:60]
    safe = safe.encode()[:100].decode("utf-8", "ignore")  # at most 100 bytes: the name fits
    base = f"{Path(name).stem}_{safe}"
    candidate, n = f"{base}.xlsx", 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}.xlsx"
    return candidate


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


def _load(archive: Archive, register: Register, period: str, arrival: Arrival,
          own: pd.DataFrame | None) -> tuple[Report, SubmissionData | None]:
    if arrival.quarantine is not None:
        return _quarantine_report(arrival), None  # its bytes are never read again
    key = validation_key(register, period, arrival.folder, own)
    cached = archive.cached(arrival.sha256, key)
    # The same bytes under another name (a copy handed in again, a Dubblett) were checked
    # too, and may have left their report here: its findings name that file, not this one.
    # This file's own report is then kept beside it, under a key with its name, so that two
    # such files read back each night do not each check the file again and overwrite the
    # other's report.
    if cached is not None and cached[0].file != arrival.name:
        key = hashlib.sha256(f"{key}\0{arrival.name}".encode()).hexdigest()
        cached = archive.cached(arrival.sha256, key)
    if cached is not None and cached[0].file == arrival.name:
        return cached
    _, report, data = _check_submission(archive.read(arrival.sha256), arrival.name, register,
                                        period, arrival.folder or None, own)
    archive.cache(arrival.sha256, key, (report, data))
    return report, data


def _quarantine_report(arrival: Arrival) -> Report:
    """A quarantined file's report, told again from its ledger line."""
    report = Report(file=arrival.name, department=arrival.department, period=arrival.period)
    report.add(make(arrival.quarantine or "file_unsafe_xml", fil=arrival.name,
                    orsak="DTD eller entiteter"))
    return report


def _merge_period(archive: Archive, register: Register, period: str, arrivals: list[Arrival],
                  *, previous: bool = True):  # type: ignore[no-untyped-def]
    """The period's merged goal register from the archive, or None before any file counts;
    previous=False leaves the previous statuses out (a period merged as the previous one of
    another is read for its own statuses only)."""
    _, counted = states(arrivals, period)
    if not counted:
        return None
    own = _own_activities(archive, register, period, arrivals)
    accepted = {}
    for code, arrival in counted.items():
        _, data = _load(archive, register, period, arrival, own)
        if data is not None:
            accepted[code] = data
    if not previous:
        from .merge import merge

        return merge(register, period, accepted)
    return _merge_with_previous(archive, register, period, accepted, arrivals)[0]


def _merge_with_previous(archive: Archive, register: Register, period: str,
                         accepted: dict[str, SubmissionData], arrivals: list[Arrival]
                         ):  # type: ignore[no-untyped-def]
    """Merge a period's accepted data, with the previous period's for previous statuses;
    returns (merged, previous merged or None)."""
    from .merge import merge

    previous_period = register.previous_period(period)
    previous = _merge_period(archive, register, previous_period, arrivals, previous=False) \
        if previous_period else None
    answers = None if previous is None else previous.activities
    if previous_period is None:  # the year's first period: last year's statuses, by id
        last_year = _last_year_answers(archive, register, period, arrivals)
        answers = None if last_year is None else last_year[1]
    merged = merge(register, period, accepted, answers)
    return merged, previous


def _last_year_answers(archive: Archive, register: Register, period: str,
                       arrivals: list[Arrival]) -> tuple[str, pd.DataFrame] | None:
    """For the first period of the register's year: the statuses and comments of last year's
    latest collected period (2024-T3 for 2025-T1), from the archived files that counted then,
    as (period, frame of department, activity_id, status, comment, own). Last year's register
    is not needed: an activity carried over into this year's register is found by its
    department and id (in any case); last year's own activities stay behind unless the
    controller has carried them over. None when the archive holds nothing from last year."""
    import pandas as pd

    first = register.period_ids[0]
    if period != first:
        return None
    year = str(register.settings.year - 1)
    candidates = sorted({a.period for a in arrivals if a.period is not None
                         and a.period.startswith(year) and a.period < first}, reverse=True)
    ids = {activity_id.casefold(): activity_id for activity_id in register.activity_ids}
    for earlier in candidates:
        _, counted = states(arrivals, earlier)
        if counted:
            rows = [(code, ids[folded], status, comment, False)
                    for code, folded, status, comment in _reported(archive, counted)
                    if folded in ids]
            return earlier, pd.DataFrame(rows, columns=["department", "activity_id", "status",
                                                        "comment", "own"])
    return None


# `_reported` keeps what it read of a finished period's files in the archive's cache, under
# a digest of the files (`Archive.cached(digest, _REPORTED)`): every night of the year's first
# period, `pipeline templates` and `pipeline report` ask for the same, and reading the files
# again takes about a second at 300 departments.
_REPORTED = "reported-statuses-3"  # -2: the comments with their personnummer masked; -3: also
# one typed with a space ("850312 1231")


def _reported(archive: Archive, counted: dict[str, Arrival]
              ) -> list[tuple[str, str, str, str]]:
    """Each counted file's activity rows with a status, as (department, activity id in
    casefold, status, comment), read from the archived bytes."""
    from .identity import mask_identity_numbers
    from .intake import parse_submission
    from .labels import TEMPLATE_COLUMNS, Status, TemplateSheet
    from .normalize import clean_text, parse_choice
    from .sheets import read_table

    digest = hashlib.sha256("\n".join(f"{code}:{a.sha256}" for code, a in sorted(
        counted.items())).encode()).hexdigest()
    found = archive.cached(digest, _REPORTED)
    if isinstance(found, list):
        return found
    statuses = [status.value for status in Status]
    columns = TEMPLATE_COLUMNS[TemplateSheet.ACTIVITIES]
    rows: list[tuple[str, str, str, str]] = []
    whole = True
    for code, arrival in sorted(counted.items()):
        try:
            sheets = parse_submission(archive.read(arrival.sha256), name=arrival.name).sheets
        except OSError:
            whole = False  # an archived file gone missing: its statuses are not shown
            continue
        table = read_table(TemplateSheet.ACTIVITIES, sheets.get(TemplateSheet.ACTIVITIES, []),
                           columns)
        if any(issue.is_error for issue in table.issues):
            continue
        for _, values in table.rows:
            status = parse_choice(values.get("status"), statuses)[0]
            if status is not None:
                # shown as Föregående kommentar: masked as the department's file was for
                # the outputs of its own night (answers.Context.identity_numbers)
                comment = mask_identity_numbers(clean_text(values.get("comment"),
                                                           multiline=True))
                rows.append((code, clean_text(values.get("activity_id")).casefold(), str(status),
                             comment))
    if whole:
        archive.cache(digest, _REPORTED, rows)
    return rows


def _as_of(register: Register, period: str, counted: dict[str, Arrival]) -> dt.datetime:
    """"Data per": when the newest counted file arrived (so a rerun gives the same output),
    or the period's end before any file counts."""
    return max((dt.datetime.fromisoformat(a.received) for a in counted.values()),
               default=dt.datetime.combine(register.period(period)["period_end"], dt.time()))


def _own_activities(archive: Archive, register: Register, period: str,
                    arrivals: list[Arrival]) -> pd.DataFrame | None:
    """Activities departments added in earlier periods, with their assigned ids."""
    import pandas as pd

    from .merge import assign_own_ids

    frames = []
    known: pd.DataFrame | None = None  # the own activities of the periods before `earlier`
    for earlier in register.period_ids[:register.period_ids.index(period)]:
        # Every file accepted then, in the order they count (the latest's details win): an id
        # once given is kept, so a later file that uses it stays valid even when a corrected
        # file for that period leaves the activity out. Each is judged as it was (with the
        # own activities before it) against this register: from the cache, or read again.
        accepted = sorted((a for a in arrivals if a.period == earlier and a.department
                           and a.verdict in ACCEPTED), key=order_key)
        for arrival in accepted:
            _, data = _load(archive, register, earlier, arrival, known)
            if data is None:
                continue
            own = assign_own_ids(data).activities
            own = own[own["own"]]
            if not own.empty:
                frames.append(own.assign(department=arrival.department))
        if frames:
            known = pd.concat(frames, ignore_index=True).drop_duplicates("activity_id",
                                                                         keep="last")
    return known


# --- publishing ------------------------------------------------------------------------------

def _publish(settings: Settings, archive: Archive, register: Register, period: str,
             arrivals: list[Arrival], own: pd.DataFrame | None, summary: RunSummary,
             fresh: dict[Arrival, tuple[Report, SubmissionData | None]]
             ) -> None:
    """fresh: this night's results by ledger line (the Arrival, not its identity: a file
    taken out of quarantine and copied in again keeps the quarantined line's), so that they
    are not read back from the cache."""
    import pandas as pd

    rows, counted = states(in_quarantine(arrivals), period)
    summary.counted = counted
    summary.again = _judged_again(arrivals, [a for a, _ in summary.new])
    summary.missing = [c for c in register.department_codes if c not in counted]
    fingerprint = _fingerprint(register.checksum, period, arrivals, settings.report)
    outbox = settings.outbox
    workbook_path = outbox / f"sammanstallning_{period}.xlsx"
    report_path = outbox / f"tertialrapport_{period}.docx"
    manifest_path = outbox / f"manifest_{period}.json"
    expected = [workbook_path] + ([report_path] if settings.report else [])
    # the register's remarks, which the night tells (those not told before) after writing the
    # manifest: a quiet night finds them here and runs in full if they are not remembered as
    # told (a run killed in between)
    remarks = sorted(remark_key(r) for r in register.remarks)
    before = _manifest(manifest_path)
    if _in_shape(before) and before.get("fingerprint") == fingerprint and \
            all(p.exists() for p in expected):
        summary.unchanged = True
        if before.get("departments") != register.department_codes or \
                before.get("held", []) != summary.held or before.get("remarks") != remarks:
            # what lets the next quiet nights be short: the register's department codes and
            # remarks (not kept by an earlier version), and the files left to wait in the inbox
            # tonight
            before["departments"] = register.department_codes
            before["held"] = summary.held
            before["remarks"] = remarks
            atomic_write_bytes(manifest_path, json.dumps(before, ensure_ascii=False, indent=2)
                               .encode("utf-8"))
        _lapsed_as_written(summary, before, arrivals, archive)
        _drop_lapsed(summary, register)
        _name_refused(summary, rows)
        return

    accepted: dict[str, SubmissionData] = {}
    issues: list[Issue] = []
    counts: dict[Arrival, tuple[int, int]] = {}  # errors, warnings now
    # Files that an earlier run took from the inbox but stopped (killed, disk full) before
    # writing the outputs: the controller has not been told of them, so tonight's run does.
    # (Without a manifest, a first night or an emptied outbox, there is nothing to go by.)
    written = {(i.get("name"), i.get("folder"), i.get("sha256"), i.get("received"))
               for i in before.get("inputs", []) if isinstance(i, dict)}
    tonight = {a.identity for a, _ in summary.new}
    untold: list[tuple[Arrival, Report]] = []
    for arrival, state in rows:
        report, data = (None, None) if arrival.verdict == DUPLICATE else \
            fresh.get(arrival) or _load(archive, register, period, arrival, own)
        if before and arrival.identity not in tonight and (
                arrival.name, arrival.folder, arrival.sha256, arrival.received) not in written:
            untold.append((arrival, report or Report(file=arrival.name)))
            if arrival.quarantine is not None:  # told as tonight's are, with where it lies
                summary.quarantined[arrival.sha256] = archive.quarantine_path(arrival.sha256)
        if report is not None and report.quarantine is not None and arrival.quarantine is None:
            # archived by an earlier version, whose checks let it through as a workbook: this
            # version finds it harmful (a DTD in a part not named .xml), so it joins the
            # quarantine (its ledger line stays as it was written)
            summary.quarantined[arrival.sha256] = archive.to_quarantine(arrival.sha256)
            summary.harmful.append((arrival, report.quarantine))
        if report is not None:
            counts[arrival] = (len(report.errors), len(report.warnings))
        if report is not None and state != SUPERSEDED:
            # a file refused before its _meta was trusted belongs to its drop folder (`_take`);
            # a report from the cache may carry the name of a copy of the same bytes, checked
            # (and cached) later as a Dubblett: the issues are this arrival's
            issues.extend(replace(i, department=i.department or arrival.department,
                                  file=arrival.name) for i in report.issues)
        if state not in (SUPERSEDED, DUPLICATE) and counted.get(arrival.department or "") \
                is arrival:
            if data is not None:
                accepted[arrival.department or ""] = data
            elif report is not None:  # accepted then, but the register has changed since
                summary.lapsed.append((arrival, len(report.errors)))
        winner = counted.get(arrival.department or "")
        if state == SUPERSEDED and winner is not None and winner.run == arrival.run:
            # two files the same night: the one saved last counts, and the department is told
            same_night = make("file_superseded_same_night",
                              avdelning=register.department_names.get(winner.department or "",
                                                                      winner.department),
                              period=period, fil1=arrival.name, fil2=winner.name)
            issues.append(replace(same_night, department=arrival.department,
                                  file=arrival.name))
    summary.new[:0] = untold
    summary.untold = {a.identity for a, _ in untold}
    _drop_lapsed(summary, register)
    _name_refused(summary, rows)
    summary.replaced = _replaced(rows, counted)
    for code, earlier in summary.replaced.items():
        replaces = make("file_replaces", period=period, datum=earlier.received[:10])
        issues.append(replace(replaces, department=code, file=counted[code].name))
    issues.extend(register.committee_remarks)  # last: Datakvalitet lists them under Registret
    with _phase(archive, "merge"):
        merged, previous = _merge_with_previous(archive, register, period, accepted, arrivals)
    as_of = _as_of(register, period, counted)
    submissions = _submissions_frame(rows, counted, counts,
                                     {a.identity for a, _ in summary.harmful})
    issue_frame = pd.DataFrame(
        [{"department": i.department, "file": i.file, "severity": i.severity.value,
          "sheet": i.sheet or "", "cell": i.cell or "", "message": i.message}
         for i in issues],
        columns=["department", "file", "severity", "sheet", "cell", "message"])

    from .publish.workbook import write_workbook

    with _phase(archive, "workbook"), atomic_write(workbook_path) as tmp:
        write_workbook(tmp, register, merged, submissions, issue_frame, as_of=as_of,
                       previous=previous)
    summary.outputs.append(workbook_path)
    if settings.report:
        from .publish.report import write_report as write_docx

        with _phase(archive, "report"), atomic_write(report_path) as tmp:
            write_docx(tmp, register, merged, as_of=as_of, refused=summary.refused)
        summary.outputs.append(report_path)
    manifest = {
        "version": MANIFEST_VERSION, "period": period, "fingerprint": fingerprint,
        "malsystem": _installed_version(),  # which version judged the files (`pipeline status`)
        "register": {"path": str(register.source), "sha256": register.checksum},
        "inputs": [{"name": a.name, "folder": a.folder, "sha256": a.sha256,
                    "received": a.received, "department": a.department, "state": state,
                    "counts": counted.get(a.department or "") is a,
                    # as judged tonight, for `pipeline status` (Inlämningar shows the same)
                    "errors": int(errors), "warnings": int(warnings)}
                   for (a, state), errors, warnings in zip(
                       rows, submissions["errors"], submissions["warnings"], strict=True)],
        "outputs": [{"path": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                    for p in summary.outputs],
        "missing": summary.missing,
        "departments": register.department_codes,  # for a night with nothing new to read
        "held": summary.held,  # and the files it may pass over
        "remarks": remarks,  # and the register remarks it must have told
        "lapsed": [{"department": a.department, "name": a.name, "sha256": a.sha256,
                    "errors": errors} for a, errors in summary.lapsed],
        # and the files an earlier version archived that this one put in quarantine
        "harmful": [{"department": a.department, "name": a.name, "sha256": a.sha256,
                     "received": a.received, "quarantine": code}
                    for a, code in summary.harmful],
    }
    atomic_write_bytes(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2)
                       .encode("utf-8"))
    summary.outputs.append(manifest_path)


def _judged_again(arrivals: list[Arrival], new: list[Arrival]
                  ) -> dict[tuple[str, str, str, int], Arrival]:
    """Of the `new` files, those judged although the same bytes were put in quarantine on an
    earlier line of the ledger for the same period (taken out of it since, or judged in
    another context), with that quarantined line: told from the ledger, also on a later
    night. (The ledger's order, not the run times: two runs may start in the same second.)"""
    wanted = {a.identity for a in new if a.verdict != DUPLICATE}
    quarantined: dict[tuple[str, str | None], Arrival] = {}
    found = {}
    for a in arrivals:
        before = quarantined.get((a.sha256, a.period))
        if a.identity in wanted and before is not None:
            found[a.identity] = before
        if a.quarantine is not None:
            quarantined[(a.sha256, a.period)] = a
    return found


def _replaced(rows: list[tuple[Arrival, str]], counted: dict[str, Arrival]
              ) -> dict[str, Arrival]:
    """Per department, the accepted file of an earlier night that the counting one replaced
    (the latest such; files of the same night are told apart by `file_superseded_same_night`)."""
    replaced: dict[str, Arrival] = {}
    for arrival, state in sorted(rows, key=lambda row: order_key(row[0])):
        winner = counted.get(arrival.department or "")
        if state == SUPERSEDED and winner is not None and arrival.run < winner.run:
            replaced[winner.department or ""] = arrival
    return replaced


def _submissions_frame(rows: list[tuple[Arrival, str]], counted: dict[str, Arrival],
                       counts: dict[Arrival, tuple[int, int]],
                       harmful: set[tuple[str, str, str, int]] | None = None
                       ) -> pd.DataFrame:
    """Inlämningar. counts: each file's errors and warnings as judged now (against tonight's
    register), the ones Datakvalitet lists; the ledger's are from when it came in. harmful:
    the files an earlier version archived that this one put in quarantine."""
    import pandas as pd

    records = []
    for a, state in rows:
        # a copy's one notice is its state, Dubblett: nothing Datakvalitet lists
        errors, warnings = (0, 0) if a.verdict == DUPLICATE else \
            counts.get(a, (a.errors, a.warnings))
        state = judged_now(state, errors, warnings)  # beside the counts it is shown with
        if state == Verdict.REJECTED.value and a.quarantine is not None or \
                a.identity in (harmful or ()):
            state = SubmissionState.QUARANTINED.value  # as `pipeline status` says it
        records.append({
            "department": a.department, "file": a.name, "folder": a.folder,
            "received": dt.datetime.fromisoformat(a.received),
            "saved_at": pd.Timestamp(a.saved_at).tz_localize(None) if a.saved_at else pd.NaT,
            "sha256": a.sha256, "state": state, "counts": counted.get(a.department or "") is a,
            "errors": errors, "warnings": warnings})
    columns = ["department", "file", "folder", "received", "saved_at", "sha256", "state",
               "counts", "errors", "warnings"]
    return pd.DataFrame(records, columns=columns)


def _installed_version() -> str:
    from importlib.metadata import version

    return version("malsystem")


def _fingerprint(register_sha: str, period: str, arrivals: list[Arrival], report: bool) -> str:
    """What the period's outputs are made from: the register, and the files of the period and
    of the periods before it, with their states (the earlier ones give Föregående status, and
    a late file counted for one of them with `--period` must show in this period's outputs)."""
    parts = [register_sha, period, str(report), _installed_version()]
    for each in sorted({a.period for a in arrivals if a.period and a.period <= period}):
        rows, _ = states(arrivals, each)
        parts += [f"{each}:{a.sha256}:{a.received}:{state}" for a, state in rows]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _manifest(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _lapsed_as_written(summary: RunSummary, manifest: dict[str, Any], arrivals: list[Arrival],
                       archive: Archive) -> None:
    """On a night that leaves the outputs as they are: the counted files that the night which
    wrote them found no longer pass, told again and not counted; and those of an earlier
    version's files it put in quarantine."""
    for item in manifest.get("harmful", []):
        if not isinstance(item, dict) or not isinstance(item.get("quarantine"), str):
            continue
        found = next((a for a in arrivals if a.sha256 == item.get("sha256")
                      and a.name == item.get("name") and a.received == item.get("received")),
                     None)
        if found is not None:
            summary.harmful.append((found, item["quarantine"]))
            summary.quarantined[found.sha256] = archive.quarantine_path(found.sha256)
    for item in manifest.get("lapsed", []):
        arrival = summary.counted.get(item.get("department") or "")
        if arrival is not None and arrival.sha256 == item.get("sha256"):
            summary.lapsed.append((arrival, int(item.get("errors") or 0)))
            summary.counted.pop(arrival.department or "")


def _drop_lapsed(summary: RunSummary, register: Register) -> None:
    """A counted file that no longer passes against the register does not count: its
    department is missing from the outputs, and said to be (`RunSummary.lapsed`)."""
    for arrival, _ in summary.lapsed:
        summary.counted.pop(arrival.department or "", None)
    summary.missing = [c for c in register.department_codes if c not in summary.counted]


def _name_refused(summary: RunSummary, rows: list[tuple[Arrival, str]]) -> None:
    """Of the departments without a file that counts, those that handed in only refused files
    (a department whose accepted file lapsed is told about on its own line)."""
    refused = _tried(rows) - {a.department for a, _ in summary.lapsed}
    summary.refused = [c for c in summary.missing if c in refused]


def _tried(rows: list[tuple[Arrival, str]]) -> set[str | None]:
    """Departments that handed in a file that was refused."""
    return {a.department for a, state in rows if state == Verdict.REJECTED.value}


# --- status and report -----------------------------------------------------------------------

def submission_status(settings: Settings) -> StatusReport:
    register = read_register(settings)
    period = require_period(settings, register)
    archive = Archive(settings.archive)
    manifest = _manifest(settings.outbox / f"manifest_{period}.json")
    edited = bool(manifest) and manifest.get("register", {}).get("sha256") != register.checksum
    if edited:
        manifest = {}  # written against another register: its findings may not hold
    arrivals = archive.arrivals()
    status = department_status(register, arrivals, period, now().date(),
                               archive.open_files(),
                               {str(i.get("sha256")) for i in manifest.get("lapsed", [])})
    for item in manifest.get("inputs", []):
        if isinstance(item, dict) and isinstance(item.get("warnings"), int) \
                and item.get("state") != DUPLICATE:  # a copy is not judged; its original is
            status.judged[str(item.get("sha256"))] = (int(item.get("errors") or 0),
                                                      item["warnings"])
    if manifest and manifest.get("malsystem") != _installed_version():
        # (0.1.0 kept no version in the manifest)
        status.notes.append("Målsystem har uppdaterats sedan den senaste körningen. "
                            "Godkännanden och anmärkningar ovan är den tidigare versionens; "
                            "nästa körning läser alla filer på nytt med den här versionens "
                            "kontroller och skriver sammanställningen på nytt.")
    if edited:
        status.notes.append("Registret har ändrats sedan den senaste körningen. Godkännanden "
                            "och anmärkningar ovan gäller registret som det var; nästa körning "
                            "läser filerna mot det ändrade registret.")
    # and the files of an earlier version the last run put in quarantine (`RunSummary.harmful`)
    harmful = {str(i.get("sha256")): i["quarantine"] for i in manifest.get("harmful", [])
               if isinstance(i, dict) and isinstance(i.get("quarantine"), str)}
    status.harmful = set(harmful)
    status.quarantined = [
        (replace(a, quarantine=a.quarantine or harmful.get(a.sha256)),
         archive.quarantine_path(a.sha256)) for a in in_quarantine(arrivals)
        if a.period == period and (a.quarantine or a.sha256 in harmful)
        and a.verdict != DUPLICATE]
    for a, path in status.quarantined:
        if a.sha256 not in harmful and not path.exists():  # taken out of quarantine (`_take`)
            place = next(i for i, b in enumerate(arrivals) if b.identity == a.identity)
            status.released[a.identity] = next(
                (b for b in reversed(arrivals[place + 1:]) if b.sha256 == a.sha256
                 and b.period == period and b.verdict != DUPLICATE), None)
    try:
        scan = scan_inbox(settings, register.department_codes)
    except ConfigError as exc:  # no inbox: the next run will stop on it
        status.notes.append(str(exc))
        return status
    for folder in [item.folder for item in scan.ready] + [
            shown.split("/")[0] if "/" in shown else "" for shown in scan.waiting]:
        status.in_inbox[folder] = status.in_inbox.get(folder, 0) + 1
    # as the night will say: files there are no department's and will not be read
    status.notes.extend(unknown_folder(name, files, register.department_codes)
                        for name, files in scan.unknown_folders.items())
    return status


def write_report(settings: Settings, docx_template: Path | None = None) -> Path:
    from .publish.report import write_report as write_docx

    register = read_register(settings)
    period = require_period(settings, register)
    # under the run's lock: a report written beside a night's run could replace the night's
    # report with one from before the night's files
    with run_lock(settings.archive, settings.lock_wait_seconds):
        archive = Archive(settings.archive)
        arrivals = archive.arrivals()
        merged = _merge_period(archive, register, period, arrivals)
        if merged is None:
            from .merge import merge

            merged = merge(register, period, {})
        rows, counted = states(arrivals, period)
        refused = _tried(rows) - set(counted)
        path = settings.outbox / f"tertialrapport_{period}.docx"
        with atomic_write(path) as tmp:
            write_docx(tmp, register, merged, as_of=_as_of(register, period, counted),
                       template=docx_template, refused={c for c in refused if c})
    return path
