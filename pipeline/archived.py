"""The period's archived submissions as the outputs need them: each file's result (from the
cache, or judged again from its archived bytes), the merge of the files that count, the
period before (Föregående status), last year's answers, and the departments' own activities
of earlier periods."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from .archive import Archive, Arrival
from .checking import check_submission, validation_key
from .issues import Report, make
from .ledger import ACCEPTED, order_key, states

if TYPE_CHECKING:  # pandas and pandera cost a second to import: only where work is done
    import pandas as pd

    from .register import Register
    from .validate import SubmissionData


def load_judged(archive: Archive, register: Register, period: str, arrival: Arrival,
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
    _, report, data = check_submission(archive.read(arrival.sha256), arrival.name, register,
                                        period, arrival.folder or None, own)
    archive.cache(arrival.sha256, key, (report, data))
    return report, data


def _quarantine_report(arrival: Arrival) -> Report:
    """A quarantined file's report, told again from its ledger line."""
    report = Report(file=arrival.name, department=arrival.department, period=arrival.period)
    report.add(make(arrival.quarantine or "file_unsafe_xml", fil=arrival.name,
                    orsak="DTD eller entiteter"))
    return report


def merge_period(archive: Archive, register: Register, period: str, arrivals: list[Arrival],
                  *, previous: bool = True):  # type: ignore[no-untyped-def]
    """The period's merged goal register from the archive, or None before any file counts;
    previous=False leaves the previous statuses out (a period merged as the previous one of
    another is read for its own statuses only)."""
    _, counted = states(arrivals, period)
    if not counted:
        return None
    own = own_activities(archive, register, period, arrivals)
    accepted = {}
    for code, arrival in counted.items():
        _, data = load_judged(archive, register, period, arrival, own)
        if data is not None:
            accepted[code] = data
    if not previous:
        from .merge import merge

        return merge(register, period, accepted)
    return merge_with_previous(archive, register, period, accepted, arrivals)[0]


def merge_with_previous(archive: Archive, register: Register, period: str,
                         accepted: dict[str, SubmissionData], arrivals: list[Arrival]
                         ):  # type: ignore[no-untyped-def]
    """Merge a period's accepted data, with the previous period's for previous statuses;
    returns (merged, previous merged or None)."""
    from .merge import merge

    previous_period = register.previous_period(period)
    previous = previous_merged(archive, register, period, arrivals)
    answers = None if previous is None else previous.activities
    if previous_period is None:  # the year's first period: last year's statuses, by id
        last_year = last_year_answers(archive, register, period, arrivals)
        answers = None if last_year is None else last_year[1]
    merged = merge(register, period, accepted, answers)
    return merged, previous


def previous_merged(archive: Archive, register: Register, period: str,
                    arrivals: list[Arrival]):  # type: ignore[no-untyped-def]
    """The register's period before `period`, merged as that period reported it: against the
    register its own outputs were written with when the archive keeps it (an edit since, a
    budget line removed or a department taken out, does not change the figures of then that
    a later period is compared with), else against `register`; None in the register's first
    period, or before any file counts for the period before. An activity keeps its id across
    an edit, so the previous statuses are found by id and department as before."""
    from .kept_registers import register_written_with

    earlier = register.previous_period(period)
    if earlier is None:
        return None
    then = register_written_with(archive.root, earlier, register)
    return merge_period(archive, then, earlier, arrivals, previous=False)


def last_year_answers(archive: Archive, register: Register, period: str,
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


def data_as_of(register: Register, period: str, counted: dict[str, Arrival]) -> dt.datetime:
    """"Data per": when the newest counted file arrived (so a rerun gives the same output),
    or the period's end before any file counts."""
    return max((dt.datetime.fromisoformat(a.received) for a in counted.values()),
               default=dt.datetime.combine(register.period(period)["period_end"], dt.time()))


def own_activities(archive: Archive, register: Register, period: str,
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
            _, data = load_judged(archive, register, earlier, arrival, known)
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

