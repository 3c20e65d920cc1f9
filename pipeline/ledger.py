"""Which file counts: the state of every arrival for a period, and who has reported (pure).

Latest wins: of a department's accepted files for a period, the one from the latest run
counts, and within one run the one saved last (the workbook's own save time, then the file's
modification time). A rejected file never displaces an accepted one; earlier accepted files
are superseded. Nothing here touches files: the ledger's arrivals come in as a list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .archive import Arrival
from .issues import Issue, make
from .labels import Verdict

if TYPE_CHECKING:
    from .register import Register

DUPLICATE = "Dubblett"
SUPERSEDED = "Ersatt"
ACCEPTED = (Verdict.ACCEPTED.value, Verdict.ACCEPTED_WITH_WARNINGS.value)


def plural(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def judged_now(verdict: str, errors: int, warnings: int) -> str:
    """An accepted file's verdict with its remarks as judged against the register now (a
    register edit can add or remove remarks); any other verdict as it is."""
    if verdict not in ACCEPTED or errors:
        return verdict
    return (Verdict.ACCEPTED_WITH_WARNINGS if warnings else Verdict.ACCEPTED).value


def in_quarantine(arrivals: list[Arrival]) -> list[Arrival]:
    """The arrivals with the quarantine they are in. A line an earlier version wrote has no
    quarantine key; once a copy of its bytes has been judged to be harmful (its own line has
    the key), the refused file of that line is in quarantine too: told from its line, never
    read again. (A line's file accepted then stays as it was judged.) Only the lines before
    the first that put the bytes in quarantine, in the ledger's order: a later line was
    written by a version that knows quarantine, and a refused one there is the same bytes
    taken out of quarantine and judged afresh, refused for their errors."""
    first: dict[str, tuple[int, str]] = {}
    for place, a in enumerate(arrivals):
        if a.quarantine is not None and a.sha256 not in first:
            first[a.sha256] = (place, a.quarantine)
    return [replace(a, quarantine=first[a.sha256][1]) if a.quarantine is None
            and a.sha256 in first and place < first[a.sha256][0]
            and a.verdict == Verdict.REJECTED.value else a
            for place, a in enumerate(arrivals)]


def order_key(arrival: Arrival) -> tuple[str, str, int, str]:
    return (arrival.run, arrival.saved_at or "", arrival.mtime_ns, arrival.name)


def states(arrivals: list[Arrival], period: str) -> tuple[list[tuple[Arrival, str]],
                                                           dict[str, Arrival]]:
    """Each arrival for the period with its state, and the file that counts per department.

    A file refused for the period whose very bytes were later accepted for another (a late
    report counted for its own period with `--period`, README) is that period's file: it
    was refused here only for being another period's template, and no department's attempt
    at this period's report, so it is left out of this period's states."""
    elsewhere = {a.sha256 for a in arrivals if a.period != period and a.verdict in ACCEPTED}
    mine = [a for a in arrivals if a.period == period
            and not (a.verdict == Verdict.REJECTED.value and a.sha256 in elsewhere)]
    counts: dict[str, Arrival] = {}
    for arrival in sorted(mine, key=order_key):
        if arrival.department and arrival.verdict in ACCEPTED:
            counts[arrival.department] = arrival
    winners = {id(a) for a in counts.values()}
    result = []
    for arrival in mine:
        state = arrival.verdict
        if state in ACCEPTED and id(arrival) not in winners:
            state = SUPERSEDED
        result.append((arrival, state))
    return result, counts


@dataclass
class DepartmentStatus:
    code: str
    name: str
    counted: Arrival | None
    latest: Arrival | None
    # the first accepted file's day (the counted one or one it superseded), if in time: a
    # correction after the deadline is then no late report
    first_in_time: str | None = None


@dataclass
class StatusReport:
    period: str
    deadline: dt.date
    today: dt.date
    departments: list[DepartmentStatus]
    open_files: dict[str, int] = field(default_factory=dict)  # "KOD/namn": nights found open
    # checksums of counted files that no longer pass against the register (the last run's)
    lapsed: set[str] = field(default_factory=set)
    # files in the inbox now, for the next run: per drop folder's code ("" for the inbox)
    in_inbox: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. the inbox is missing
    # the last run's (errors, warnings) per file checksum, as it judged them against the
    # register (the ledger's counts are from when each file came in)
    judged: dict[str, tuple[int, int]] = field(default_factory=dict)
    # the period's files put in quarantine (Arrival.quarantine), with where their bytes are
    quarantined: list[tuple[Arrival, Path]] = field(default_factory=list)
    # checksums of files an earlier version archived that the last run put in quarantine
    harmful: set[str] = field(default_factory=set)
    # of them, those whose copy in quarantine is gone: the only copy of their bytes
    lost: set[str] = field(default_factory=set)
    # of the quarantined files, those whose copy the controller has taken out of quarantine
    # (`archive/quarantine/<checksum>.bin` is gone), each with the latest later hand-in of the
    # same bytes, which was judged afresh (None: not handed in since)
    released: dict[tuple[str, str, str, int], Arrival | None] = field(default_factory=dict)

    def lines(self) -> list[str]:
        days = (self.deadline - self.today).days
        when = (f"om {plural(days, 'dag', 'dagar')}" if days > 0 else "i dag" if days == 0
                else f"passerad för {plural(-days, 'dag', 'dagar')} sedan")
        out = [f"Period {self.period}, sista inlämningsdag {self.deadline} ({when})."]
        for d in self.departments:
            if d.counted is not None:
                errors, warnings = self.judged.get(d.counted.sha256,
                                                   (d.counted.errors, d.counted.warnings))
                line = (f"{d.code:<6} {d.name}: "
                        f"{judged_now(d.counted.verdict, errors, warnings)}, "
                        f"{d.counted.received[:16].replace('T', ' ')} ({d.counted.name}")
                line += (f", {plural(warnings, 'anmärkning', 'anmärkningar')})"
                         if warnings and not errors else ")")
                if dt.date.fromisoformat(d.counted.received[:10]) > self.deadline:
                    line += (" (försenad)" if d.first_in_time is None else
                             " (rättelse efter sista inlämningsdag; den första godkända filen "
                             f"kom i tid, {d.first_in_time})")
                if d.counted.sha256 in self.harmful:
                    line += ("; ligger nu i karantän (se nedan) och räknas inte: den här "
                             "versionen av Målsystem bedömer att filen kan skada den som "
                             "öppnar den")
                elif d.counted.sha256 in self.lapsed:
                    line += ("; stämmer inte längre med registret och räknas inte (se senaste "
                             "körningen)")
                if d.latest is not None and d.latest is not d.counted:
                    line += f"; senare fil {d.latest.name} {self._judged_as(d.latest)}"
            elif d.latest is not None:
                line = (f"{d.code:<6} {d.name}: ingen godkänd fil; senaste "
                        f"({d.latest.name}, {d.latest.received[:16].replace('T', ' ')}) "
                        f"{self._judged_as(d.latest)}")
            else:
                line = f"{d.code:<6} {d.name}: saknas"
                if days < 0:
                    line += " (försenad)"
            for shown, nights in self.open_files.items():
                if shown.startswith(f"{d.code}/"):
                    line += f"; {_open_note(shown, nights)}"
            if self.in_inbox.get(d.code):
                line += f"; {_waiting_note(self.in_inbox[d.code], '')} ({d.code}/)"
            out.append(line)
        out.append(self._total_line())
        for shown, nights in self.open_files.items():
            if "/" not in shown:
                out.append(f"I inkorgen: {_open_note(shown, nights)}")
        for arrival, path in self.quarantined:
            line = (f"Karantän: {arrival.shown} ({arrival.department or 'okänd avdelning'}, "
                    f"{arrival.received[:16].replace('T', ' ')}) "
                    f"{QUARANTINE_REASONS.get(arrival.quarantine or '', '')}och har inte "
                    "lästs in.")
            if arrival.sha256 in self.lost:
                line += (f" Kopian i karantänen ({path}) saknas. Den är den enda kopian av en "
                         "fil som en tidigare version godkände: lägg tillbaka den där, annars "
                         "stannar nästa körning som läser periodens filer på nytt.")
            elif arrival.identity not in self.released:
                line += f" Den ligger i {path}; öppna den inte."
            elif (later := self.released[arrival.identity]) is None:
                line += (f" Den har tagits ur karantänen ({path} finns inte längre); lämnas "
                         "samma fil in igen bedöms den på nytt.")
            else:
                line += (" Den har tagits ur karantänen; samma fil lämnades in på nytt "
                         f"{later.run[:16].replace('T', ' ')} ({later.shown}) och "
                         f"{self._judged_as(later)}.")
            out.append(line)
        if self.in_inbox.get(""):
            out.append(f"{_waiting_note(self.in_inbox[''], ' direkt')}, utanför "
                       "avdelningarnas mappar")
        return out + self.notes

    def _total_line(self) -> str:
        """The count a controller of many departments looks for below their lines: how many
        have a file that counts, and the codes of those without one."""
        counting = [d for d in self.departments if d.counted is not None
                    and d.counted.sha256 not in self.harmful | self.lapsed]
        refused = [d.code for d in self.departments if d not in counting and
                   (d.counted is not None or d.latest is not None)]
        missing = [d.code for d in self.departments if d.counted is None and d.latest is None]
        total = len(self.departments)
        if len(counting) == total:
            return ("Sammanlagt: avdelningen har en godkänd fil som räknas." if total == 1 else
                    f"Sammanlagt: alla {total} avdelningar har en godkänd fil som räknas.")
        line = (f"Sammanlagt: {len(counting)} av {plural(total, 'avdelning', 'avdelningar')} "
                "har en godkänd fil som räknas.")
        if refused:
            line += f" Ingen godkänd fil: {first_of(refused)}."
        if missing:
            line += f" Saknas: {first_of(missing)}."
        return line

    def _judged_as(self, arrival: Arrival) -> str:
        """A quarantined file is no refusal to mend but a security matter: the word the
        night's line and the workbook's Inlämningar use (listed below the departments)."""
        # (by the line, not the checksum: the same bytes taken out of quarantine and handed
        # in again are judged afresh; not by Arrival.identity either: a copy in Explorer keeps
        # the file's name and time)
        if any(replace(arrival, quarantine=kept.quarantine) == kept
               for kept, _ in self.quarantined):
            return "ligger i karantän"
        return f"är {arrival.verdict.lower()}"


# Why a file is in quarantine, as `pipeline status` says it (issues.QUARANTINE)
QUARANTINE_REASONS = {"file_macros": "innehåller makron ",
                      "file_unsafe_xml": "innehåller DTD eller entiteter i sin XML (något Excel "
                                         "aldrig skriver) "}


LISTED = 10  # departments named on one line before "och N till"


def history_lost(register: Register, arrivals: list[Arrival]) -> list[Issue]:
    """A register remark for each department code with accepted files in the archive for the
    register's year that the register no longer has: Föregående status and the previous
    sick leave are found by the code, so a department given a new code starts over."""
    year = f"{register.settings.year}-"
    periods: dict[str, set[str]] = {}
    for a in arrivals:
        if a.department and a.period and a.period.startswith(year) and a.verdict in ACCEPTED \
                and a.department not in register.department_codes:
            periods.setdefault(a.department, set()).add(a.period)
    return [make("register_department_history_lost", sheet="Avdelningar", kod=code,
                 perioder=", ".join(sorted(found)), kolumn="Avdelningskod")
            for code, found in sorted(periods.items())]


def first_of(items: list[str], more: str = "till") -> str:
    """Departments for one line: the first LISTED, then how many more ("och 290 avdelningar
    till", "och 1 avdelning till"), so that a night of hundreds of units stays readable
    (pipeline status names them all)."""
    if len(items) <= LISTED:
        return ", ".join(items)
    rest = len(items) - LISTED
    return f"{', '.join(items[:LISTED])} och {plural(rest, 'avdelning', 'avdelningar')} {more}"


def _waiting_note(files: int, where: str) -> str:
    """Not "read by the next run": a file for a later period waits there longer."""
    return f"{plural(files, 'fil', 'filer')} ligger{where} i inkorgen"


def _open_note(shown: str, nights: int) -> str:
    return (f"{shown} var öppen i Excel/LibreOffice vid senaste körningen "
            f"({plural(nights, 'natt', 'nätter')} i rad) och har inte kunnat läsas")


def department_status(register: Register, arrivals: list[Arrival], period: str,
                      today: dt.date, open_files: dict[str, int] | None = None,
                      lapsed: set[str] | None = None) -> StatusReport:
    rows, counts = states(arrivals, period)
    deadline = register.period(period)["deadline"]
    departments = []
    for code in register.department_codes:
        mine = [a for a, _ in rows if a.department == code and a.verdict != DUPLICATE]
        latest = max(mine, key=order_key) if mine else None
        first = min((a.received[:10] for a in mine if a.verdict in ACCEPTED), default=None)
        departments.append(DepartmentStatus(
            code, register.department_names[code], counts.get(code), latest,
            first if first is not None and dt.date.fromisoformat(first) <= deadline else None))
    return StatusReport(period, deadline, today, departments,
                        dict(open_files or {}), set(lapsed or ()))
