"""The registers the periods' outputs were written with, kept byte for byte in the archive.

    archive/registers/<sha256>.xlsx   each register a night or `pipeline templates` read
    archive/registers/periods.json    per period, the register its outputs were written with

The register is edited during the year (a goal retired, an activity added or moved, a
department renamed) for the periods to come. A period that is over, whose workbook and report
the committee already has, is rebuilt now and then (a late file counted for it with `run
--period`): it is read against the register its outputs were written with, not against the
edited one, which would turn its goals, activities and departments into the later period's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import atomic_write_bytes
from .errors import ArchiveError, RegisterError, UnknownPeriod
from .issues import Issue, make
from .labels import PERIOD_PATTERN

if TYPE_CHECKING:
    from .archive import Arrival
    from .register import Register

FOLDER = "registers"
PERIODS = "periods.json"
_CHECKSUM = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger(__name__)


def kept_path(archive: Path, sha256: str) -> Path:
    return archive / FOLDER / f"{sha256}.xlsx"


def keep(archive: Path, register: Register) -> None:
    """The register's bytes in the archive (once per version); not when the file has been
    saved again since it was read."""
    path = kept_path(archive, register.checksum)
    if path.exists() and intact(path, register.checksum):
        return  # (a copy damaged since is written anew)
    try:
        content = register.source.read_bytes()
    except OSError:
        return
    if hashlib.sha256(content).hexdigest() == register.checksum:
        atomic_write_bytes(path, content)


def intact(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _not_damaged(archive: Path, sha256: str, period: str, command: str) -> None:
    """Stops the command when the register `period` is read against is in the archive but
    its bytes are no longer those it was kept with (a disk error, a file saved over it): read
    anyway, the period would be rewritten against another register, or not at all."""
    path = kept_path(archive, sha256)
    if _CHECKSUM.fullmatch(sha256) and path.exists() and not intact(path, sha256):
        raise ArchiveError(
            f"Registret som perioden {period} skrevs med är skadat i arkivet: {path} stämmer "
            "inte längre med sin kontrollsumma (filnamnet). Lägg tillbaka filen från en "
            "säkerhetskopia av arkivet, eller ange en kopia av registret som det var: pipeline "
            f"{command} --register <kopian> --period {period}.")


def written_with(archive: Path) -> dict[str, str]:
    """periods.json: per period, the checksum of the register its outputs were written with.
    A file cut off or edited by hand never stops a night: what cannot be read, and an entry
    that is not a period and a checksum (a shortened checksum, a path), is left out, and the
    period's manifest names its register instead (`for_period`). The night's log says so."""
    path = archive / FOLDER / PERIODS
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s cannot be read (%s): the periods' manifests name their registers",
                    path, exc)
        return {}
    if not isinstance(found, dict):
        log.warning("%s holds no periods: the periods' manifests name their registers", path)
        return {}
    kept = {k: v for k, v in found.items() if isinstance(k, str) and re.match(PERIOD_PATTERN, k)
            and isinstance(v, str) and _CHECKSUM.fullmatch(v)}
    if len(kept) < len(found):
        log.warning("%s: entries left out, not a period and a register's checksum: %s", path,
                    sorted(set(found) - set(kept)))
    return kept


def remember(archive: Path, period: str, sha256: str,
             written: dict[str, str] | None = None) -> None:
    """periods.json with `period`'s register. `written`: the file as the night read it, under
    the run's lock (only a night writes it: `pipeline templates`, which takes no lock, never
    does), so that it is not read again."""
    state = dict(written) if written is not None else written_with(archive)
    if state.get(period) == sha256:
        return
    state[period] = sha256
    atomic_write_bytes(archive / FOLDER / PERIODS,
                       json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))


def recorded_for(period: str, written: dict[str, str], manifest: dict[str, object]
                 ) -> str | None:
    """The checksum of the register `period`'s outputs were written with: periods.json's
    (`written`), else the one the period's manifest names; None when neither says."""
    recorded = manifest.get("register")
    found = written.get(period) or (recorded.get("sha256") if isinstance(recorded, dict)
                                    else None)
    return found if isinstance(found, str) else None


def kept_for(archive: Path, period: str, manifest: dict[str, object],
             written: dict[str, str] | None = None) -> Path | None:
    """The register `period`'s outputs were written with, where the archive keeps it: a night
    reads the period against it without being given --register. (`written`: periods.json, if
    the caller has read it.)"""
    before = recorded_for(period, written_with(archive) if written is None else written,
                          manifest)
    if before is None or not _CHECKSUM.fullmatch(before):
        return None
    path = kept_path(archive, before)
    return path if path.exists() else None


def register_written_with(archive: Path, period: str, register: Register,
                          written: dict[str, str] | None = None) -> Register:
    """The register `period`'s outputs were written with, as periods.json names it, from the
    archive: a later period compares itself with the period before as that period reported
    (its budget lines, departments and activities then, not the edited register's).
    `register` (the one being read) when it is that one, when periods.json names none, or when
    the archive's copy is missing, damaged or refused by today's checks of a register: the
    period before is then read against `register`, as before registers were kept."""
    if written is None:
        written = written_with(archive)
    before = written.get(period)
    if before is None or before == register.checksum:
        return register
    old = _read_kept(archive, before, register.source)
    if old is None or isinstance(old, RegisterError) or period not in old.period_ids:
        return register
    return old


def collected_since(period: str, arrivals: list[Arrival], written: dict[str, str]
                    ) -> str | None:
    """The latest period collected after `period` (files judged for it, or outputs written
    for it): `period` is over. None while it is the latest."""
    later = {a.period for a in arrivals if a.period and a.period > period} | \
        {p for p in written if p > period}
    return max(later) if later else None


@dataclass
class PeriodRegister:
    register: Register  # what the period is read against
    kept: bool  # the register the period's outputs were written with, from the archive
    notice: Issue | None  # what the controller is told about it
    # the latest period collected since (`collected_since`): None while it is collected
    over: str | None = None
    written: str | None = None  # the checksum its outputs were written with, where known

    @property
    def to_remember(self) -> str:
        """The register to keep as the one the period's outputs were written with, once they
        are: the one read for a period collected now; for a period that is over, the one
        they were written with before (though it is not in the archive: a copy of it given
        with --register then matches)."""
        return self.written if self.over and self.written else self.register.checksum


def moved_past(collecting: str | None, period: str) -> bool:
    """pipeline.toml's period (`collecting`) is a later one than `period`: the controller has
    moved on, so `period` is over (period codes, 2024-T3 < 2025-T1, sort as text)."""
    return collecting is not None and collecting > period


def for_period(register: Register, period: str, archive: Path, arrivals: list[Arrival],
               manifest: dict[str, object], today: dt.date, *, report: bool = True,
               collecting: str | None = None, command: str = "run", templates: bool = False,
               given: bool = False, written: dict[str, str] | None = None) -> PeriodRegister:
    """The register a night (or `pipeline report`, `status`, `templates`) reads `period`
    against.

    An edited register (its checksum is not the one the period's outputs were written with:
    `periods.json`, or an earlier version's manifest) is used as it is for the period being
    collected, where an edit is meant to count. For a period that is over (a later one has
    been collected, or `collecting`, pipeline.toml's period, is a later one), the register the
    outputs were written with is read from the archive; an archive without it (kept from
    this version on) means the outputs are rewritten against the edited register, and the
    controller is told so, with what changed. A period the register does not have (last
    year's, once the register is next year's) is read against the one it was written with,
    from the archive; without it, the command stops (UnknownPeriod) and says to give last
    year's register with --register (`command`: the command to give it to).

    `templates`: for `pipeline templates`, which makes a period's templates from the register
    its files will be judged against, and tells so in words of its own; `given`: its register
    was given with --register, and is used as it is (with a word when the night would judge
    the period's files against another); `written`: periods.json, if the caller has read it
    (`written_with`)."""
    if written is None:
        written = written_with(archive)
    before = recorded_for(period, written, manifest)
    later = collected_since(period, arrivals, written)
    if period not in register.period_ids:
        return _another_year(register, period, archive, manifest, before, later, command,
                             templates)
    # the controller has moved pipeline.toml on: the period is over, though the next one's
    # first night has not been yet
    moved = collecting if later is None and moved_past(collecting, period) else None
    since = f"{later} har samlats in sedan dess" if later is not None else \
        f"period i pipeline.toml är nu {moved}"
    later = later or moved
    if before is None or before == register.checksum:
        return PeriodRegister(register, False, None, later, before)
    old = _read_kept(archive, before, register.source)
    refused = old if isinstance(old, RegisterError) else None
    if isinstance(old, RegisterError):
        old = None
    codes = manifest.get("departments")
    changes = describe_changes(old, codes if isinstance(codes, list) else None, register)
    name = register.source.name
    outputs = "sammanställningen och rapporten" if report else "sammanställningen"
    if later is None and templates:  # (the templates tell of the deadline themselves)
        return PeriodRegister(register, False, None, None, before)
    if later is None:
        deadline = register.period(period)["deadline"]
        following = register.next_period(period)
        restoring = register.source.parent.resolve() == (archive / FOLDER).resolve()
        if today <= deadline or following is None or restoring:
            # restoring: the controller follows the notice below, with the register as it
            # was, before the next period is collected: nothing to warn of
            return PeriodRegister(register, False, None, None, before)
        archived = kept_path(archive, before)
        again = f"kör pipeline run --register {archived} --period {period}" if old is not None \
            else f"kör pipeline run --register <en kopia av registret som det var> --period " \
                 f"{period}"
        if refused is not None:
            again = (f"rätta först felen i en kopia av {archived}, som inte längre klarar "
                     "kontrollerna av ett register i den här versionen av Målsystem, och kör "
                     f"pipeline run --register <kopian> --period {period}; {wrong(refused)}")
        return PeriodRegister(register, False, make(
            "period_register_changed_after_deadline", fil=name, period=period,
            ändringar=changes, deadline=f"{deadline:%Y-%m-%d}", nästa=following,
            utdata=outputs, igen=again), None, before)
    if old is None:  # (a period collected now is not read against it: it may be damaged)
        _not_damaged(archive, before, period, command)
    archived = kept_path(archive, before)
    if refused is not None:
        return _refused(register, period, refused, archived, since, changes, outputs, later,
                        before, command=command, templates=templates, given=given)
    if old is not None and templates:
        if given:
            return PeriodRegister(register, False, make(
                "templates_register_given", fil=name, period=period, sedan=since,
                ändringar=changes, arkiverat=archived), later, before)
        return PeriodRegister(old, True, make(
            "templates_register_kept", fil=name, period=period, sedan=since,
            ändringar=changes, arkiverat=archived), later, before)
    if templates:
        return PeriodRegister(register, False, make(
            "templates_register_not_kept", fil=name, period=period, sedan=since,
            kontrollsumma=before[:10]), later, before)
    if old is not None:
        return PeriodRegister(old, True, make(
            "period_over_register_kept", fil=name, period=period, senare=later, sedan=since,
            ändringar=changes, arkiverat=archived), later, before)
    return PeriodRegister(register, False, make(
        "period_over_register_changed", fil=name, period=period, sedan=since,
        ändringar=changes, utdata=outputs, kontrollsumma=before[:10]), later, before)


def _refused(register: Register, period: str, refused: RegisterError, archived: Path,
             since: str, changes: str, outputs: str, later: str, before: str, *, command: str,
             templates: bool, given: bool) -> PeriodRegister:
    """A period that is over, whose register is in the archive but refused by today's checks
    of a register (kept by an earlier version): read against the configured register, or the
    one given with --register, and the controller told what is wrong with the kept one.
    Given to `pipeline run`, a corrected copy becomes the period's register (`to_remember`)."""
    name = register.source.name
    if templates:
        return PeriodRegister(register, False, make(
            "templates_register_refused", fil=name, period=period, sedan=since,
            arkiverat=archived, fel=wrong(refused)), later, before)
    if given:
        keeps = f" Arkivet sparar {name} som registret för {period}, så att perioden läses " \
            "mot det också utan --register." if command == "run" else ""
        return PeriodRegister(register, False, make(
            "period_register_refused_given", fil=name, period=period, arkiverat=archived,
            sparas=keeps, fel=wrong(refused)), later, None)
    return PeriodRegister(register, False, make(
        "period_over_register_refused", fil=name, period=period, sedan=since,
        ändringar=changes, utdata=outputs, arkiverat=archived, fel=wrong(refused)),
        later, before)


SHOWN_ERRORS = 5


def wrong(refused: RegisterError) -> str:
    """A kept register's errors as the register's check reports them (sheet, row, column),
    the first SHOWN_ERRORS of them."""
    found = [issue.describe() for issue in refused.issues[:SHOWN_ERRORS]]
    more = len(refused.issues) - len(found)
    if more > 0:
        found.append(f"… och {more} fel till.")
    return ("Felet" if len(refused.issues) == 1 else "Felen") + " i det arkiverade registret: " \
        + " ".join(found)


def _another_year(register: Register, period: str, archive: Path, manifest: dict[str, object],
                  before: str | None, later: str | None, command: str, templates: bool
                  ) -> PeriodRegister:
    """`period` is not in the register: last year's, read against the register it was written
    with (named as the period's manifest names it, the file the controller knew), from the
    archive. Without it, the command stops, saying to give last year's register."""
    recorded = manifest.get("register")
    old = None
    if before is not None:
        _not_damaged(archive, before, period, command)
        named = recorded.get("path") if isinstance(recorded, dict) \
            and recorded.get("sha256") == before else None
        old = _read_kept(archive, before, Path(named) if isinstance(named, str) and named
                         else kept_path(archive, before))
    year = register.settings.year
    if old is None or isinstance(old, RegisterError) or before is None:
        if period[:4] >= str(year):
            register.period(period)  # raises UnknownPeriod, naming the register's periods
        if isinstance(old, RegisterError) and before is not None:
            raise UnknownPeriod(
                f"Perioden {period} finns inte i registret {register.source.name}, som gäller "
                f"{year}. Registret som perioden skrevs med finns kvar i arkivet "
                f"({kept_path(archive, before)}), men klarar inte längre kontrollerna av ett "
                "register i den här versionen av Målsystem. Rätta felen i en kopia av det och "
                f"ange kopian: pipeline {command} --register <kopian> --period {period}. "
                f"{wrong(old)}")
        raise UnknownPeriod(
            f"Perioden {period} finns inte i registret {register.source.name}, som gäller "
            f"{year}, och arkivet ({archive}) har inget register sparat för perioden. Ange "
            f"registret för {period[:4]}: pipeline {command} --register <registret för "
            f"{period[:4]}> --period {period}.")
    return PeriodRegister(old, True, make(
        "templates_register_of_another_year" if templates else "period_of_another_year",
        period=period, fil=register.source.name, år=year,
        arkiverat=kept_path(archive, before)), later, before)


def _read_kept(archive: Path, sha256: str, source: Path) -> Register | RegisterError | None:
    """The archived register of that checksum, named `source` (the outputs and Datakvalitet
    name the file the controller knows: the configured one, or last year's as the period's
    manifest names it); None when the archive lacks it; what today's checks of a register
    find wrong with it, when they refuse it (it passed those of the version that kept it)."""
    from .register import read_register

    path = kept_path(archive, sha256)
    if not path.exists() or not intact(path, sha256):
        return None
    try:
        return replace(read_register(path, cache_dir=archive / "cache"), source=source)
    except RegisterError as refused:
        return refused


def describe_changes(old: Register | None, old_codes: list[object] | None,
                     new: Register) -> str:
    """What an edit changed that shows in a period's outputs, in Swedish: the counts of goals,
    activities and departments, the departments' codes, and the activities given to other
    departments or goals."""
    parts: list[str] = []
    if old is not None:
        for label, before, now in (
                ("KS-mål", len(old.board_goals), len(new.board_goals)),
                ("aktiviteter", len(old.activities), len(new.activities))):
            if before != now:
                parts.append(f"{now} {label} i stället för {before}")
        was = {r.activity_id: (r.ks_ids, r.responsible, r.start, r.end)
               for r in old.activities.itertuples()}
        moved = sum(1 for r in new.activities.itertuples()
                    if r.activity_id in was and was[r.activity_id] != (r.ks_ids, r.responsible,
                                                                       r.start, r.end))
        if moved:
            parts.append(f"{moved} {'aktivitet' if moved == 1 else 'aktiviteter'} med annan "
                         "ansvarig, andra mål eller andra datum")
        old_codes = list(old.department_codes)
        renamed = [c for c in new.department_codes if c in old.department_names
                   and old.department_names[c] != new.department_names[c]]
    else:
        renamed = []
    if old_codes is not None:
        gone = [str(c) for c in old_codes if c not in new.department_codes]
        added = [c for c in new.department_codes if c not in old_codes]
        if gone:
            parts.append(f"avdelning{'' if len(gone) == 1 else 'ar'} borttagen"
                         f"{'' if len(gone) == 1 else 'a'}: {', '.join(gone)}")
        if added:
            parts.append(f"ny{'' if len(added) == 1 else 'a'} avdelning"
                         f"{'' if len(added) == 1 else 'ar'}: {', '.join(added)}")
    if renamed:
        parts.append("nytt namn: " + ", ".join(f"{c} ({new.department_names[c]})"
                                               for c in renamed))
    if old is None:
        parts.append(f"registret har nu {len(new.board_goals)} KS-mål, "
                     f"{len(new.activities)} aktiviteter och {len(new.department_codes)} "
                     "avdelningar")
    return "; ".join(parts) or "ändringar i annat än mål, aktiviteter och avdelningar"
