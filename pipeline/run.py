"""The orchestrator: wires the stages for each command. The CLI calls these functions (and
prints the register's remarks with night.remark_lines).

The nightly run, in order: take the lock; read the register; for each settled inbox file read
its bytes, validate them (pure), store the bytes in the archive, append the verdict to the
ledger, and only then remove the file from the inbox; decide which accepted file counts for
each department (latest wins); merge; write the outputs atomically. A run killed at any moment
leaves every file either in the inbox or in the archive, and the next run finishes the work.
The night's stages live beside it: checking.py (the inbox's files), archived.py (the
period's archived results, merged), outputs.py (workbook, report, manifest) and night.py
(what the night tells).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Archive, Arrival, check_folder, run_lock
from .archived import (
    data_as_of,
    last_year_answers,
    merge_period,
    own_activities,
    previous_merged,
)
from .atomic import atomic_write, sweep_temporary
from .checking import Checked, Progress, check_ready, check_submission, in_parallel, validation_key
from .config import Settings
from .config import clock as now
from .errors import ConfigError
from .identity import mask_identity_numbers
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
from .issues import CATALOGUE, Issue, Report, make
from .kept_registers import (
    PeriodRegister,
    collected_since,
    for_period,
    intact,
    keep,
    kept_for,
    kept_path,
    moved_past,
    written_with,
)
from .kept_registers import remember as remember_register
from .labels import Verdict
from .ledger import (
    ACCEPTED,
    DUPLICATE,
    StatusReport,
    department_status,
    history_lost,
    in_quarantine,
    order_key,
    states,
)
from .night import RunSummary, admin_notices, remark_key
from .outputs import (
    in_shape,
    installed_version,
    lapsed_as_written,
    name_refused,
    outputs_fingerprint,
    publish,
    read_manifest,
    tried,
)

if TYPE_CHECKING:  # pandas and pandera cost a second to import: only where work is done
    import pandas as pd

    from .merge import Merged
    from .register import Register
    from .validate import SubmissionData


def read_register(settings: Settings) -> Register:
    """The register, validated; cached in the archive so that later commands skip parsing."""
    from .register import read_register as read

    return read(settings.register, cache_dir=settings.archive / "cache")


def named_period(settings: Settings) -> str:
    """The period asked for, which the register need not have (last year's: its register is
    in the archive, `period_register`)."""
    if settings.period is None:
        raise ConfigError("Ingen period är angiven. Ange --period, t.ex. --period 2024-T2, "
                          "eller skriv period i pipeline.toml.")
    return settings.period


# --- templates -------------------------------------------------------------------------------

@dataclass
class MadeTemplates:
    paths: list[Path]
    remarks: tuple[Issue, ...]  # the register's: the controller reads them before sending
    # what the controller should know before sending them (a period long over)
    notices: tuple[Issue, ...] = ()


def make_templates(settings: Settings, departments: Sequence[str] = (),
                   out: Path | None = None) -> MadeTemplates:
    from .templates import write_templates

    register = read_register(settings)
    period = named_period(settings)
    # No run lock (a night would wait out the templates, 6.5 s at 300 departments, and give
    # up after lock_wait_seconds): of the archive, templates write only the register's bytes
    # under their checksum and the cache, each atomically and whole, never periods.json, the
    # ledger or the log. What a night writes meanwhile is read whole, before or after.
    try:  # the register the templates' _meta names by its checksum, byte for byte
        keep(settings.archive, register)
    except OSError:  # (the night keeps it too)
        pass
    arrivals = Archive(settings.archive).arrivals()
    # the register the period's files will be judged against: for a period that is over, the
    # one its outputs were written with (unless --register says which)
    chosen = period_register(settings, register, period, arrivals, command="templates",
                             templates=True)
    register = chosen.register if chosen.kept else with_history_remarks(register, arrivals)
    out_dir = out or settings.outbox / "mallar" / period
    sweep_temporary(out_dir)  # what a `templates` killed while writing left for departments
    paths = write_templates(register, period, out_dir, departments or None,
                            history=load_history(settings, register, period),
                            created=now().date())  # PIPELINE_NOW, as for every command
    if chosen.notice is not None:  # it tells why the period is read as it is: no more to say
        return MadeTemplates(paths, () if chosen.kept else register.remarks, (chosen.notice,))
    return MadeTemplates(paths, register.remarks,
                         _period_passed(register, period, settings.collecting))


def _period_passed(register: Register, period: str, collecting: str | None
                   ) -> tuple[Issue, ...]:
    """Templates for a period whose deadline has passed while the register already has the
    next one: most likely pipeline.toml's period was not moved on, and the templates that went
    out for the period (and were filled) have just been made again instead of the next's.
    Nothing when pipeline.toml's period (`collecting`) is past it: a late department's fresh
    template, not a period left behind (the note would say to move period to where it is)."""
    if moved_past(collecting, period):
        return ()
    deadline = register.period(period)["deadline"]
    if now().date() <= deadline:
        return ()
    following = register.next_period(period)
    if following is None:
        return (make("templates_year_passed", period=period, deadline=f"{deadline:%Y-%m-%d}",
                     fil=register.source.name),)
    return (make("templates_period_passed", period=period, deadline=f"{deadline:%Y-%m-%d}",
                 nästa=following),)


def with_history_remarks(register: Register, arrivals: list[Arrival]) -> Register:
    """The register with a remark for each department code that has files in the archive
    for its year but is no longer in it (ledger.history_lost)."""
    lost = history_lost(register, arrivals)
    return replace(register, remarks=(*register.remarks, *lost)) if lost else register


def period_register(settings: Settings, register: Register, period: str,
                    arrivals: list[Arrival], manifest: dict[str, Any] | None = None, *,
                    command: str = "run", templates: bool = False,
                    written: dict[str, str] | None = None) -> PeriodRegister:
    """The register `period` is read against: the configured one, or for a period that is
    over (or last year's), the one its outputs were written with (kept_registers.for_period).
    `command`: the command run, for the advice when last year's register is not kept;
    `manifest` and `written` (periods.json): as the caller has read them, if it has."""
    if manifest is None:
        manifest = read_manifest(settings.outbox / f"manifest_{period}.json")
    return for_period(register, period, settings.archive, arrivals, manifest, now().date(),
                      report=settings.report, collecting=settings.collecting,
                      command=command, templates=templates, given=settings.register_given,
                      written=written)


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
        last_year = last_year_answers(archive, register, period, archive.arrivals())
        return None if last_year is None else History(*last_year)
    merged = previous_merged(archive, register, period, archive.arrivals())
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
                   feedback_dir: Path | None = None,
                   tell: Callable[[str], None] | None = None) -> list[FileResult]:
    """Check files as the nightly run would, without archiving anything. tell: given, before
    the files are read, which register they are checked against when it is not the configured
    one (a period that is over, or last year's, read against the register the archive keeps
    for it), as the night tells it."""
    from .intake import parse_submission
    from .validate import validate_many

    register = read_register(settings)
    period = named_period(settings)
    archive = Archive(settings.archive)
    arrivals = archive.arrivals()
    # as the night reads the period: a period that is over (or last year's) against the
    # register its outputs were written with
    chosen = period_register(settings, register, period, arrivals, command="validate")
    if chosen.kept and chosen.notice is not None and tell is not None:
        tell(chosen.notice.message)
    register = chosen.register
    own = own_activities(archive, register, period, arrivals)
    results: list[FileResult] = []
    readable: list[tuple[int, Path, bytes]] = []
    for path in files:
        try:
            readable.append((len(results), path, path.read_bytes()))
            results.append(FileResult(path, Report(file=file_name(path))))
        except OSError:
            report = Report(file=file_name(path))
            report.add(make("file_is_folder", fil=path, exempel=_files_in(path))
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


def nightly_run(settings: Settings, progress: Progress | None = None) -> RunSummary:
    with run_lock(settings.archive, settings.lock_wait_seconds):
        caller_froze = gc.get_freeze_count() > 0
        try:
            with Archive(settings.archive).logging_here():
                return _nightly_run(settings, progress)
        finally:
            if not caller_froze:
                gc.unfreeze()  # the caller's process goes on collecting as before the run


def _files_in(folder: Path) -> Path:
    """How to name the workbooks in a folder given to `validate` as a file: `inbox/*.xlsx`, or
    for the inbox itself, whose files lie in the departments' folders, `inbox/*/*.xlsx`."""
    try:
        nested = not any(folder.glob("*.xlsx")) and any(folder.glob("*/*.xlsx"))
    except OSError:
        nested = False
    return folder / "*" / "*.xlsx" if nested else folder / "*.xlsx"


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
    # the period's manifest and periods.json, read once for the night (only the night writes
    # them, under the lock it holds)
    manifest = {} if settings.period is None else \
        read_manifest(settings.outbox / f"manifest_{settings.period}.json")
    written = written_with(settings.archive)
    unchanged = _nothing_new(settings, archive, first, nights_open, manifest, written)
    if unchanged is not None:
        archive.log("run_finished", period=settings.period, new=0, unchanged=True)
        return unchanged
    with archive.phase("register"):
        register = read_register(settings)
    period = named_period(settings)
    arrivals = archive.arrivals()
    keep(settings.archive, register)  # byte for byte, for the periods written with it
    chosen = period_register(settings, register, period, arrivals, manifest, written=written)
    against = _read_against(settings, period, register, chosen, arrivals, written)
    register = chosen.register if chosen.kept else with_history_remarks(register, arrivals)
    summary = RunSummary(period, register_name=register.source.name,
                         remarks_total=len(register.remarks))
    if chosen.notice is not None:
        summary.register_notices.append(chosen.notice)
    # a period that is over, read against the register it was written with: that register's
    # remarks were told while it was in use
    told = set(map(remark_key, register.remarks)) if chosen.kept else \
        archive.told_remarks(register.source)
    summary.remarks = [r for r in register.remarks if remark_key(r) not in told]
    scan = scan_inbox(settings, register.department_codes)
    ready = scan.ready
    _tell_inbox(summary, scan, nights_open, register.department_codes)
    with archive.phase("earlier_periods"):
        own = own_activities(archive, register, period, arrivals)
    if in_parallel(len(ready)):  # workers will be forked: load their reader and checks once, here
        # (the reader is imported here anyway, later: in each worker it cost 0.05-0.1 s more)
        from . import intake  # noqa: F401
        from .validate import load_checks

        load_checks()
    # The modules and the register live until the run ends: keep the cycle collector from
    # walking them again at every collection (and the workers from copying them), until
    # `nightly_run` unfreezes them. (A caller that freezes its own heap is left to it.)
    if not gc.get_freeze_count():
        gc.freeze()
    # quarantined files the controller has taken out of quarantine (README), seen before
    # `_take` stores tonight's bytes: a copy handed in now is judged afresh
    released = archive.released(arrivals)
    known = _known(arrivals, released)
    with archive.phase("check"):
        checked = check_ready(ready, register, period, own, archive, progress)
    with archive.phase("archive"):
        judged: dict[str, list[Arrival]] = {}
        for arrival in arrivals:
            judged.setdefault(arrival.sha256, []).append(arrival)
        taken = [t for item in ready if (t := _take(archive, item, register, period, own, known,
                                                    arrivals, started, checked, summary,
                                                    judged, released)) is not None]
        # The departments' feedback before the ledger lines: a run stopped in between finds
        # the files in the inbox next night, judges them again and writes it then.
        summary.feedback, summary.feedback_left = _write_feedback(settings.outbox / "feedback",
                                                                  taken, period, arrivals)
        _commit(archive, taken, summary)
    # (each of last year's periods once, however many of its files came late)
    summary.late_kept = {before for before in {b for _, b, _, _ in summary.late
                                               if b[:4] != period[:4]}
                         if kept_for(settings.archive, before,
                                     read_manifest(settings.outbox / f"manifest_{before}.json"),
                                     written)}
    fresh: dict[Arrival, tuple[Report, SubmissionData | None]] = {}
    for take in taken:
        summary.new.append((take.arrival, take.report))
        if take.arrival.verdict != DUPLICATE:  # its report is no verdict on the bytes
            fresh[take.arrival] = (take.report, take.data)
    publish(settings, archive, register, period, arrivals, own, summary, fresh,
            read_against=against, manifest=manifest)
    remember_register(settings.archive, period, chosen.to_remember, written)
    from .register import code_key

    files, size = archive.prune_cache(code_key())
    if files:
        archive.log("cache_pruned", files=files, bytes=size)
    for sha in archive.tidy_quarantine(arrivals):  # an earlier version's .xlsx beside it
        archive.log("quarantine_tidied", sha256=sha, removed=str(archive.blob_path(sha)))
    # told once the outputs are written: a night stopped before tells them the next night
    for remark in summary.remarks:
        archive.log("register_remark", register=str(register.source),
                    sha256=register.checksum, code=remark.code, sheet=remark.sheet,
                    cell=remark.cell, message=remark.message)
    if not chosen.kept:
        archive.remember_remarks(register.source, map(remark_key, register.remarks))
    archive.log("run_finished", period=period, new=len(summary.new),
                rejected=summary.rejected, unchanged=summary.unchanged)
    return summary


def _read_against(settings: Settings, period: str, configured: Register,
                  chosen: PeriodRegister, arrivals: list[Arrival], written: dict[str, str]
                  ) -> dict[str, Any] | None:
    """For a period read against the register the archive keeps (last year's, or one that is
    over), what the manifest keeps of why, for the nights after with nothing new
    (`_kept_unchanged`): what decided it (the configured register, pipeline.toml's period, the
    latest period collected since) and what the night told of it. None for the configured
    register: the manifest's register is then the configured one."""
    if not chosen.kept:
        return None
    return {"configured": {"path": str(settings.register), "sha256": configured.checksum},
            "collecting": settings.collecting,
            "later": collected_since(period, arrivals, written),
            "notices": [{"code": n.code, "message": n.message}
                        for n in ([chosen.notice] if chosen.notice is not None else [])]}


def _kept_unchanged(settings: Settings, manifest: dict[str, Any], register_sha: str,
                    arrivals: list[Arrival], recorded: dict[str, str]) -> list[Issue] | None:
    """What a night with nothing new tells of a period whose outputs were written against the
    register the archive keeps (the manifest's register is not the configured one): the
    notices the night that wrote them told, while nothing that decided it has changed (the
    configured register, pipeline.toml's period, the periods collected since, periods.json's
    entry: `recorded`) and the kept register is in the archive as it was kept. None: a full
    run decides anew."""
    against = manifest.get("read_against")
    written = manifest["register"].get("sha256")
    if not isinstance(against, dict) or not isinstance(written, str) or \
            settings.period is None:
        return None
    if against.get("configured") != {"path": str(settings.register), "sha256": register_sha} \
            or against.get("collecting") != settings.collecting \
            or against.get("later") != collected_since(settings.period, arrivals, recorded) \
            or recorded.get(settings.period) != written \
            or not intact(kept_path(settings.archive, written), written):
        return None
    notices = against.get("notices")
    if not isinstance(notices, list) or not all(
            isinstance(n, dict) and n.get("code") in CATALOGUE
            and isinstance(n.get("message"), str) for n in notices):
        return None
    return [Issue(n["code"], CATALOGUE[n["code"]][0], n["message"]) for n in notices]


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
                 nights_open: dict[str, int], manifest: dict[str, Any],
                 written: dict[str, str]) -> RunSummary | None:
    """A night with nothing new in the inbox (`first`: every folder) and an unchanged
    register and ledger: say so, and what a full run would say about the inbox, leave
    the outputs as they are, and do it without reading the register (or importing pandas).
    The manifest keeps the register's department codes for this.

    Files that lie in the inbox night after night without ever being read in leave the
    night a quiet one (as `_take` would leave them): files an earlier night archived but
    may not remove (tried again, and named if still there), files the run may not read,
    files in folders that are no department's, and files the night that wrote the outputs
    left to wait, unchanged since (a later period's; a copy cut off lately, until its wait is
    over). Any other file is new: a full run. `manifest`: the period's, as the night read it
    ({} when there is none); `written`: periods.json."""
    if settings.period is None or not in_shape(manifest):
        return None
    try:
        register_sha = hashlib.sha256(settings.register.read_bytes()).hexdigest()
    except OSError:
        return None
    arrivals = archive.arrivals()
    notices: list[Issue] | None = None
    if manifest["register"].get("sha256") != register_sha:
        # a period read against the register the archive keeps: quiet as well, while the
        # night that wrote its outputs would read it so again
        notices = _kept_unchanged(settings, manifest, register_sha, arrivals, written)
        if notices is None:
            return None
        register_sha = manifest["register"]["sha256"]
    rows, counted = states(arrivals, settings.period)
    fingerprint = outputs_fingerprint(register_sha, settings.period, arrivals, settings.report,
                                      settings.report_activities)
    outputs = [settings.outbox / o["path"] for o in manifest.get("outputs", [])]
    if manifest.get("fingerprint") != fingerprint or not all(p.exists() for p in outputs):
        return None
    # (a kept register's remarks were told while it was in use: the night tells none)
    if notices is None and \
            not set(manifest.get("remarks", [])) <= archive.told_remarks(settings.register):
        return None  # a night killed before it remembered telling them: the full run tells
    summary = RunSummary(settings.period, counted=counted,
                         missing=list(manifest.get("missing", [])), unchanged=True,
                         register_notices=notices or [])
    codes = manifest.get("departments")
    if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
        scan = scan_inbox(settings, codes)  # as the full run scans: folders named, not read
        _tell_inbox(summary, scan, nights_open, codes)
        held = manifest.get("held")
        if not _nothing_to_read(scan.ready, arrivals, archive.released(arrivals),
                                held if isinstance(held, list) else [], summary):
            return None
    elif first.ready:  # a manifest of an earlier version: the full run tells
        return None
    else:
        _tell_inbox(summary, first, nights_open, [])
    lapsed_as_written(summary, manifest, arrivals, archive)
    name_refused(summary, rows)
    return summary


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


def _known(arrivals: list[Arrival], released: set[str]) -> set:  # type: ignore[type-arg]
    """The ledger's files, which `_read_new` removes from the inbox as a stopped run's
    leftovers; not those taken out of quarantine: the department's copy of the same file
    (Explorer keeps its name and time) is judged afresh."""
    return {a.identity for a in arrivals if a.sha256 not in released}


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
            submission, report, data = check_submission(content, item.name, register, period,
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
    # as the check of every inbox file (`check_ready`) finds it harmful
    quarantine = report.quarantine if earlier is None else \
        earlier.quarantine or _judged_harmful(checked.get(path), sha)
    # durable, with the night's other files, before its ledger line (`_commit`)
    stored = archive.store(content, sha, quarantine=quarantine is not None, settle_later=True)
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
    """The night's ledger lines in one durable write, after the files' bytes (`Archive.append`
    settles them); only then leave the inbox. A run killed before this point finds the files
    still in the inbox next night."""
    archive.append(*(t.arrival for t in taken))
    for t in taken:
        archive.log("file_taken", name=t.arrival.name, folder=t.item.folder,
                    sha256=t.arrival.sha256, verdict=t.arrival.verdict,
                    department=t.arrival.department)
        for code in admin_notices(t.report):
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


def _write_feedback(folder: Path, taken: list[_Taken], period: str,
                    arrivals: Sequence[Arrival] = ()) -> tuple[list[Path], list[Path]]:
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
        # a late file refused as another period's is about that period's report: its copy
        # bears that period, and goes when the file is counted for it (`run --period`)
        late = _period_found(t.report, "file_wrong_period")
        name = f"{t.report.department}_{late}_fel.xlsx" if late and t.report.department else \
            feedback_name(t.report, t.report.file)
        groups.setdefault(name, []).append(t)
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
        outdated = _late_copies(earlier, taken, period, arrivals)
        for old in earlier:
            match = ours.fullmatch(old.name)
            if match and match[1] in reported or old in outdated:
                try:
                    old.unlink(missing_ok=True)
                except OSError as exc:
                    if not _in_use(exc):
                        raise
                    left.append(old)
    return written, left


def _late_copies(copies: list[Path], taken: list[_Taken], period: str,
                 arrivals: Sequence[Arrival]) -> set[Path]:
    """The feedback copies an earlier version wrote, under the period then collected, for a
    file refused as another period's that is accepted tonight (counted for its own period
    with --period): found by the receipt (the checksum's start) on their Fel sheet."""
    from .intake import open_rows

    counted = {(t.arrival.department, t.arrival.sha256) for t in taken
               if t.arrival.verdict in ACCEPTED}
    names = {(a.department, a.period, a.sha256[:10]) for a in arrivals
             if (a.department, a.sha256) in counted and a.period != period
             and a.verdict == Verdict.REJECTED.value}
    found: set[Path] = set()
    for code, earlier, receipt in names:
        for copy in copies:
            if not copy.name.startswith(f"{code}_{earlier}_fel"):
                continue
            try:
                with open(copy, "rb") as handle:
                    first = next(iter(open_rows(handle).values()), [])
            except Exception:  # noqa: BLE001 (not a workbook we can read: left as it is)
                continue
            if any(f"Kvittonummer: {receipt}." in str(v) for row in first[:3] for v in row):
                found.add(copy)
    return found


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
    safe = re.sub(r"[^\w-]+", "_", Path(mask_identity_numbers(file)).stem).strip("_")[:60]
    safe = safe.encode()[:100].decode("utf-8", "ignore")  # at most 100 bytes: the name fits
    base = f"{Path(name).stem}_{safe}"
    candidate, n = f"{base}.xlsx", 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}.xlsx"
    return candidate




# --- status and report -----------------------------------------------------------------------

def submission_status(settings: Settings) -> StatusReport:
    register = read_register(settings)
    period = named_period(settings)
    archive = Archive(settings.archive)
    # (a file in the outbox's place reads as no manifest: every department's remarks untold)
    check_folder(settings.outbox, ("Utkorgen", "utkorgens"), "outbox")
    manifest = read_manifest(settings.outbox / f"manifest_{period}.json")
    arrivals = archive.arrivals()
    chosen = period_register(settings, register, period, arrivals, manifest, command="status")
    register = chosen.register
    edited = bool(manifest) and manifest.get("register", {}).get("sha256") != register.checksum
    if edited:
        manifest = {}  # written against another register: its findings may not hold
    status = department_status(register, arrivals, period, now().date(),
                               archive.open_files(),
                               {str(i.get("sha256")) for i in manifest.get("lapsed", [])})
    for item in manifest.get("inputs", []):
        if isinstance(item, dict) and isinstance(item.get("warnings"), int) \
                and item.get("state") != DUPLICATE:  # a copy is not judged; its original is
            status.judged[str(item.get("sha256"))] = (int(item.get("errors") or 0),
                                                      item["warnings"])
    if manifest and manifest.get("malsystem") != installed_version():
        # (0.1.0 kept no version in the manifest)
        status.notes.append("Målsystem har uppdaterats sedan den senaste körningen. "
                            "Godkännanden och anmärkningar ovan är den tidigare versionens; "
                            "nästa körning läser alla filer på nytt med den här versionens "
                            "kontroller och skriver sammanställningen på nytt.")
    if chosen.notice is not None:
        status.notes.append(chosen.notice.message)
    if edited:  # (a notice says what the night does; this, what the lines above are)
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
    released = archive.released(arrivals, harmful)  # as the night tells them (`_take`)
    for a, path in status.quarantined:
        if a.sha256 in harmful and not path.exists():  # the only copy (README: Upgrading)
            status.lost.add(a.sha256)
        elif a.sha256 in released:  # taken out of quarantine
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


@dataclass(frozen=True)
class _Period:
    """A period as the archive holds it, for a document written outside the night."""
    register: Register
    period: str
    merged: Merged
    previous: Merged | None  # the period before, as the night's workbook compares
    refused: set[str]
    as_of: dt.datetime
    configured: Register  # the register pipeline.toml (or --register) names


@contextlib.contextmanager
def _archived_period(settings: Settings, tell: Callable[[str], None] | None,
                     command: str) -> Iterator[_Period]:
    """The period merged from the archive, under the run's lock while the caller writes: a
    document written beside a night's run could replace the night's with one from before the
    night's files. tell: given what the controller is told first, as the night tells it (a
    period read against another register than its own). command: the command's name, for
    the advice in what is told."""
    register = configured = read_register(settings)
    period = named_period(settings)
    with run_lock(settings.archive, settings.lock_wait_seconds):
        archive = Archive(settings.archive)
        arrivals = archive.arrivals()
        chosen = period_register(settings, register, period, arrivals, command=command)
        if chosen.notice is not None and tell is not None:
            tell(chosen.notice.message)
        register = chosen.register
        merged = merge_period(archive, register, period, arrivals)
        if merged is None:
            from .merge import merge

            merged = merge(register, period, {})
        previous = previous_merged(archive, register, period, arrivals)
        rows, counted = states(arrivals, period)
        refused = {c for c in tried(rows) - set(counted) if c}
        yield _Period(register, period, merged, previous, refused,
                      data_as_of(register, period, counted), configured)


def write_report(settings: Settings, docx_template: Path | None = None,
                 tell: Callable[[str], None] | None = None) -> Path:
    """The period's tertial report from the archive (tell: as _archived_period's)."""
    from .publish.report import write_report as write_docx

    with _archived_period(settings, tell, "report") as got:
        path = settings.outbox / f"tertialrapport_{got.period}.docx"
        with atomic_write(path) as tmp:
            write_docx(tmp, got.register, got.merged, as_of=got.as_of, template=docx_template,
                       refused=got.refused, activities=settings.report_activities,
                       previous=got.previous)
    return path


def write_memo(settings: Settings, docx_template: Path | None = None,
               tell: Callable[[str], None] | None = None) -> Path:
    """A draft of the decision memo that carries the period's report to the committee."""
    from .publish.report.memo import memo_name
    from .publish.report.memo import write_memo as write_docx

    with _archived_period(settings, tell, "memo") as got:
        path = settings.outbox / memo_name(got.period)
        with atomic_write(path) as tmp:
            write_docx(tmp, _with_todays_vision(got.register, got.configured), got.merged,
                       as_of=got.as_of, template=docx_template, refused=got.refused,
                       previous=got.previous, dated=now().date())
    return path


def _with_todays_vision(register: Register, configured: Register) -> Register:
    """A period that is over is read against its kept register, but the memo is written now,
    for today's committee: its vision and focus areas are the configured register's (added
    to the register after the period's nights, they would be missing), where it has them."""
    today = configured.settings
    if register is configured or (today.vision is None and not today.focus_areas):
        return register
    return replace(register, settings=replace(register.settings, vision=today.vision,
                                              focus_areas=today.focus_areas))

