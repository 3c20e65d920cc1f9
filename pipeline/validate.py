"""Submission + Register → Report and normalised frames (pure: no file access).

Every problem of a file is found in one pass. Parsing of Swedish dates, numbers and dropdown
text happens first, cell by cell, so that each finding names its cell; the pandera schemas then
guard every value that is accepted; register and cross-sheet checks come on top.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from schemas import submission as schemas
from schemas.register import ACTIVITY_ID, GOAL_ID

from .issues import Report, format_number, make
from .labels import (
    AGE_GROUPS,
    AMOUNT_UNIT_SPELLINGS,
    BUDGET_CATEGORIES,
    FEEDBACK_SHEET,
    INPUT_COLUMNS,
    KRONOR_PER_UNIT,
    OWN_ACTIVITY_INPUT_COLUMNS,
    OWN_ACTIVITY_ROWS,
    PERIOD_PATTERN,
    SEXES,
    STATUS_HINTS,
    TEMPLATE_COLUMNS,
    TEMPLATE_SHEETS,
    Assessment,
    MetaKey,
    Status,
    TemplateSheet,
)
from .normalize import (
    Finding,
    clean_text,
    column_index,
    excel_column,
    fold_unit,
    is_placeholder,
    parse_choice,
    parse_date,
    parse_number,
)
from .register import Register
from .sheets import Table, finding_issue, fold_header, read_table, schema_issues

log = logging.getLogger(__name__)
T = TemplateSheet
TEMPLATE_VERSION = "1"
STATUSES = [s.value for s in Status]
_STATUS_BY_TEXT = {s.value: s for s in Status}
ASSESSMENTS = [a.value for a in Assessment]
HOURS_PER_EMPLOYEE_MAX = 2200.0  # a full year's ordinary hours are about 1 700–2 100
FORECAST_TOLERANCE = 0.10
UNIT_SLIP = 100  # an outcome or forecast this many times its budget is in another unit
UNIT_STEPS = {"mnkr": "1 mnkr = 1 000 tkr = 1 000 000 kr", "tkr": "1 tkr = 1 000 kr"}
CHOICE_HINTS = {"status": {word: status.value for word, status in STATUS_HINTS.items()}}
HOURS_COLUMNS = ("ordinary_hours", "sick_hours", "long_term_hours")
# Sick leave in Swedish municipalities runs at 3–10 % of ordinary hours; under this share the
# hours look like a percentage typed into the hours column (7,9 for 7,9 %). Only told: a small
# department may really have had almost no sick leave.
SICK_SHARE_LOW = 0.005
SUMMARY_WORDS = ("summa", "totalt", "total", "s:a")
SUMMARY_CELL = re.compile(rf"({'|'.join(map(re.escape, SUMMARY_WORDS))})\b", re.IGNORECASE)
COMMENT_ROW = re.compile(r"(kommentar|kommentarer|obs|not|notering|anm|anmärkning)\b",
                         re.IGNORECASE)
# A row holding a single value, this many blank rows or more below the last row read, is a
# stray value (BAD_INPUTS S15): told, and not read. One or two blank rows are how people
# space out a table or go on after a row they emptied, so a value that close may be a row
# begun and is read as one; three blank rows and a lone cell are a note or a slip of the hand
# ("x", "kolla med HR"), which as a row would only bring errors about its empty cells. On
# Aktiviteter the table goes on in the template with OWN_ACTIVITY_ROWS empty rows for new
# activities: a value there is an activity begun (finish it or empty the row), so the gap
# starts counting below them.
STRAY_GAP = 3
STRAY_GAPS = {T.ACTIVITIES: OWN_ACTIVITY_ROWS + STRAY_GAP}
TOTAL_TOLERANCE = 0.05  # a typed total that misses the rows' sum by 0.1 is told; 0.05 is rounding
FREE_TEXT_COLUMNS = {"title", "previous_comment", "comment", "suggestion", "analysis"}
OPTIONAL_COLUMNS = {
    T.ACTIVITIES: ("Föregående status", "Föregående kommentar"),
    T.ASSESSMENTS: ("KS-mål", "Förslag"),
    T.BUDGET: ("Avvikelse", "Budget"),
}
# Locked columns shown for information; their cells are never read as answers.
INFORMATION_COLUMNS = {
    T.ACTIVITIES: ("previous_status", "previous_comment"),
    T.ASSESSMENTS: ("title", "suggestion"),
    T.BUDGET: ("budget", "deviation"),
}
SCHEMA_CODES = {
    "not_nullable": "required_empty",
    "isin": "choice_invalid",
    "greater_than_or_equal_to": "hours_negative",
    "employees:greater_than_or_equal_to": "count_negative",
    "outcome:greater_than_or_equal_to": "count_negative",
    "forecast:greater_than_or_equal_to": "count_negative",
    "field_uniqueness": "value_duplicate",
    "default": "schema_failed",
}


@dataclass
class SubmissionData:
    """A department's accepted answers, normalised, with the Excel row of each."""

    department: str
    period: str
    activities: pd.DataFrame  # row, activity_id, ks_ids, title, start, end, status, comment, own
    assessments: pd.DataFrame  # row, ks_id, assessment, analysis
    sick_leave: pd.DataFrame  # row, sex, age_group, employees, ordinary/sick/long_term_hours
    budget: pd.DataFrame  # row, category, budget, outcome, forecast, comment


def validate(submission, register: Register, period: str, *,  # type: ignore[no-untyped-def]
             folder_department: str | None = None,
             own_activities: pd.DataFrame | None = None) -> tuple[Report, SubmissionData | None]:
    """Check a Submission (see intake) against the register for the period being collected.

    own_activities: activities departments added in earlier periods (columns department,
    activity_id, ks_ids, title, start, end), which come back prefilled in their templates.
    """
    return validate_many([(submission, folder_department)], register, period,
                         own_activities=own_activities)[0]


def validate_many(items, register: Register, period: str, *,  # type: ignore[no-untyped-def]
                  own_activities: pd.DataFrame | None = None
                  ) -> list[tuple[Report, SubmissionData | None]]:
    """Check many submissions [(Submission, drop-folder department or None)] at once.

    Each file's cells are read and checked on their own; the pandera schemas then run once
    per sheet over all files together (a schema call costs far more than a row). A bug in
    this module must not cost a department its night: it becomes an error issue (and a
    logged traceback), never an exception.
    """
    lookups = _Lookups.for_call(register, period, own_activities)
    results: list[tuple[Report, SubmissionData | None] | _Pending] = []
    for submission, folder in items:
        try:
            results.append(_prepare(submission, lookups, folder))
        except Exception:
            results.append(_internal_error(submission.name))
    pending = [(i, r) for i, r in enumerate(results) if isinstance(r, _Pending)]
    try:
        _check_schemas([p for _, p in pending])
    except Exception:
        log.exception("schema check of %d files failed; checking them one by one", len(pending))
        for _, item in pending:
            try:
                _check_schemas([item])
            except Exception:
                item.failed = True
    for i, item in pending:
        results[i] = _internal_error(item.report.file) if item.failed else item.finish()
    return results  # type: ignore[return-value]


def _internal_error(name: str) -> tuple[Report, None]:
    log.exception("validation of %s failed", name)
    report = Report(file=name)
    report.add(make("internal_error", fil=name))
    return report, None


MODELS = {T.ACTIVITIES: schemas.Activities, T.ASSESSMENTS: schemas.Assessments,
          T.SICK_LEAVE: schemas.SickLeave, T.BUDGET: schemas.Budget}


Rows = list[dict[str, Any]]  # a sheet's accepted answers, one dict per Excel row


@dataclass
class _Pending:
    """A file whose cells have been read and checked, waiting for its frames and the schema
    check (both done for all files of a chunk together)."""

    report: Report
    context: _Context
    tables: dict[str, Table]
    rows: dict[str, Rows | None]  # None: the sheet could not be read
    department: str
    period: str
    failed: bool = False
    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    def finish(self) -> tuple[Report, SubmissionData | None]:
        if not self.report.accepted or any(f is None for f in self.frames.values()):
            return self.report, None
        return self.report, SubmissionData(self.department, self.period,
                                           *self.frames.values())  # type: ignore[arg-type]


def _prepare(submission, lookups: _Lookups,  # type: ignore[no-untyped-def]
             folder_department: str | None) -> _Pending | tuple[Report, None]:
    report = Report(file=submission.name)
    report.extend(submission.issues)
    if not submission.readable:
        return report, None
    if not _check_meta(submission, lookups, folder_department, report):
        _attribute(report, submission.meta.get(MetaKey.DEPARTMENT), lookups, folder_department)
        return report, None
    department = submission.department
    period = lookups.period
    _attribute(report, department, lookups, folder_department)

    tables = _read_sheets(submission, report)
    context = _Context(lookups, department, report, submission.scans,
                       register_changed=_made_from_other_register(submission, lookups),
                       template_rows=_template_rows(submission.meta))
    rows = {
        T.ACTIVITIES: _activities(context, tables.get(T.ACTIVITIES)),
        T.ASSESSMENTS: _assessments(context, tables.get(T.ASSESSMENTS)),
        T.SICK_LEAVE: _sick_leave(context, tables.get(T.SICK_LEAVE)),
        T.BUDGET: _budget(context, tables.get(T.BUDGET)),
    }
    return _Pending(report, context, tables, rows, department, period)


def _attribute(report: Report, department: object, lookups: _Lookups,
               folder_department: str | None) -> None:
    """The department a file is from, and the period it was judged for, once _meta names a
    department in the register: also on a file refused as a whole (another period, an old
    template), so that the ledger and the feedback name (<KOD>_<period>_fel.xlsx) say whose
    it is. A file naming another department than its drop folder is left to the folder."""
    if department not in lookups.department_codes or \
            (folder_department and folder_department != department):
        return
    report.department, report.period = str(department), lookups.period
    report.issues = [replace(i, department=report.department) for i in report.issues]


class _Activity(NamedTuple):
    """An activity the department reports on: from the register or its own earlier ones."""

    activity_id: str
    ks_ids: tuple[str, ...]
    title: str
    start: dt.date | None
    end: dt.date | None


def _activity_records(frame: pd.DataFrame) -> list[_Activity]:
    columns = (frame[c] for c in _Activity._fields)
    return [_Activity(*values) for values in zip(*columns, strict=True)]


@dataclass
class _Department:
    """What the register says about one department, as plain dicts and lists."""

    expected: dict[str, _Activity]  # its register activities by id
    own: dict[str, _Activity]  # activities it added in earlier periods, by id
    goals: list[str]  # the board goals it owns (ks_id)
    budgets: dict[str, float]  # category → budget


class _Lookups:
    """The register and the earlier periods' own activities as dicts, each department's
    built when a file of it first asks. Built lazily, so that a register that cannot answer
    fails the file that asks (an internal error), as before."""

    _latest: _Lookups | None = None

    def __init__(self, register: Register, period: str,
                 own_activities: pd.DataFrame | None) -> None:
        self.register = register
        self.period = period
        self._own_activities = own_activities
        self._departments: dict[str, _Department] = {}

    @classmethod
    def for_call(cls, register: Register, period: str,
                 own_activities: pd.DataFrame | None) -> _Lookups:
        """The previous call's lookups when it was about the same register, period and own
        activities (the same objects, never changed once read: the register caches its own
        indexes too). A night validates chunk after chunk against them."""
        latest = cls._latest
        if latest is None or not (latest.register is register and latest.period == period
                                  and latest._own_activities is own_activities):
            latest = cls._latest = cls(register, period, own_activities)
        return latest

    @cached_property
    def department_codes(self) -> set[str]:
        return set(self.register.department_codes)

    @cached_property
    def period_ids(self) -> set[str]:
        return set(self.register.period_ids)

    @cached_property
    def period_end(self) -> dt.date:
        return self.register.period(self.period)["period_end"]  # type: ignore[no-any-return]

    @cached_property
    def owners(self) -> dict[str, str]:
        """Board goal (ks_id) → the department that owns it."""
        goals = self.register.board_goals
        return dict(zip(goals["ks_id"], goals["owner"], strict=True))

    @cached_property
    def responsible(self) -> dict[str, tuple[str, ...]]:
        """Activity id → the departments responsible for it in the register."""
        activities = self.register.activities
        return dict(zip(activities["activity_id"], activities["responsible"], strict=True))

    @cached_property
    def _own_by_department(self) -> dict[str, dict[str, _Activity]]:
        own = self._own_activities
        by_department: dict[str, dict[str, _Activity]] = {}
        if own is not None and not own.empty:
            for department, activity in zip(own["department"], _activity_records(own),
                                            strict=True):
                by_department.setdefault(department, {})[activity.activity_id] = activity
        return by_department

    # The register's rows as plain lists, read once: picking a department's rows out of them
    # costs far less than a frame of its own (each file of a night is another department).
    @cached_property
    def _activities(self) -> list[_Activity]:
        return _activity_records(self.register.activities)

    @cached_property
    def _budgets(self) -> list[tuple[str, float]]:
        budget = self.register.budget
        return list(zip(budget["category"], budget["budget"], strict=True))

    def department(self, code: str) -> _Department:
        if code not in self._departments:
            positions, goal_ids = self.register.department_positions, self.register.goal_ids
            activities, budgets = self._activities, self._budgets
            self._departments[code] = _Department(
                expected={activities[i].activity_id: activities[i]
                          for i in positions("activities", code)},
                own=self._own_by_department.get(code, {}),
                goals=[goal_ids[i] for i in positions("goals", code)],
                budgets=dict(budgets[i] for i in positions("budget", code)))
        return self._departments[code]


def _check_schemas(pending: list[_Pending]) -> None:
    """Build every file's frames, then check each sheet's frames against the sheet's pandera
    model; each file is told what checking its frame alone would have found."""
    for sheet, model in MODELS.items():
        rows = {n: read for n, p in enumerate(pending)
                if (read := p.rows.get(sheet)) is not None}
        frames, groups = _sheet_frames(rows, SHAPES[sheet])
        for n, p in enumerate(pending):
            p.frames[sheet] = frames.get(n)
        for combined, members in groups:
            for n, cases in _group_failures(model, combined, members).items():
                item = pending[n]
                found = schema_issues(cases, item.tables[sheet], TEMPLATE_COLUMNS[sheet],
                                      SCHEMA_CODES, item.context.reported)
                item.report.extend(found)
                if not found and item.report.accepted:
                    checks = ", ".join(sorted(set(map(str, cases["check"]))))
                    item.report.add(make("schema_failed", sheet=sheet, kontroll=checks))


@dataclass(frozen=True)
class _Shape:
    """The columns of a sheet's frame (after "row")."""

    columns: tuple[str, ...]
    floats: tuple[str, ...] = ()  # float even when every value is missing
    objects: tuple[str, ...] = ()  # Python objects: an own activity has no id yet

    @cached_property
    def index(self) -> pd.Index:
        return pd.Index(["row", *self.columns])  # built once: it costs more than a few rows

    @cached_property
    def empty(self) -> pd.DataFrame:
        return _new_frame([], self)


SHAPES = {
    T.ACTIVITIES: _Shape(("activity_id", "ks_ids", "title", "start", "end", "status",
                          "comment", "own"), objects=("activity_id",)),
    T.ASSESSMENTS: _Shape(("ks_id", "assessment", "analysis")),
    T.SICK_LEAVE: _Shape(("sex", "age_group", "employees", "ordinary_hours", "sick_hours",
                          "long_term_hours"),
                         floats=("employees", "ordinary_hours", "sick_hours", "long_term_hours")),
    T.BUDGET: _Shape(("category", "budget", "outcome", "forecast", "comment"),
                     floats=("budget", "outcome", "forecast")),
}
FILE = "file"  # the column that tells the files apart when their frames are checked together
UNIQUE_PER_FILE = "unique_per_file"

Group = tuple[pd.DataFrame, dict[int, pd.DataFrame]]  # frames together (FILE column), each


def _frame(rows: Rows, shape: _Shape) -> pd.DataFrame:
    """One file's frame of a sheet, built on its own."""
    if not rows:
        frame = shape.empty.copy()  # most departments own no goals: copying costs less
        frame.index, frame.columns = _row_index(0), shape.index  # (see _sheet_frames)
        return frame
    return _new_frame(rows, shape)


def _new_frame(rows: Rows, shape: _Shape) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=shape.index)
    for column in shape.floats:
        if frame[column].dtype != float:  # all empty (object): assigning costs, so only then
            frame[column] = frame[column].astype(float)
    for column in shape.objects:
        frame[column] = frame[column].astype(object)
    return frame


def _sheet_frames(rows: dict[int, Rows], shape: _Shape) -> tuple[dict[int, pd.DataFrame],
                                                                 list[Group]]:
    """Each file's frame of one sheet, and the non-empty ones in groups to check together.

    A frame costs far more than its rows, so the files whose columns pandas reads alike get
    one frame together and each file its slice of it; any other file's frame is built on
    its own, and those are grouped by their column types (pandera checks a column's type
    as a whole)."""
    alike = _alike(rows, shape)
    frames = {n: _frame(found, shape) for n, found in rows.items() if n not in alike}
    groups: dict[tuple[object, ...], dict[int, pd.DataFrame]] = {}
    for n, frame in frames.items():
        if not frame.empty:
            groups.setdefault(tuple(frame.dtypes), {})[n] = frame
    checks = [(_together_frame(members), members) for members in groups.values()]
    if alike:
        combined = _frame([row for found in alike.values() for row in found], shape)
        start = 0
        for n, found in alike.items():
            frames[n] = frame = combined.iloc[start:start + len(found)]
            # Numbered from 0 as its own frame would be. The index and the sheet's column
            # Index are objects shared with other files' frames rather than views of their
            # own: the results of many files are pickled together, and unpickling an Index
            # costs more than a small frame's values.
            frame.index, frame.columns = _row_index(len(found)), shape.index
            start += len(found)
        combined[FILE] = np.repeat(list(alike), [len(found) for found in alike.values()])
        checks.append((combined, {n: frames[n] for n in alike}))
    return frames, checks


@cache
def _row_index(length: int) -> pd.RangeIndex:
    """The row index of every frame of this many rows (a sheet has at most 5000)."""
    return pd.RangeIndex(length)


def _alike(rows: dict[int, Rows], shape: _Shape) -> dict[int, Rows]:
    """The files whose columns pandas reads alike: each column's values are of one type,
    the same in all of them (see _value_types)."""
    types = {n: found for n, read in rows.items() if (found := _value_types(read, shape))}
    if not all(len(set().union(*column)) == 1
               for column in zip(*types.values(), strict=True)):
        return {}
    return {n: rows[n] for n in types}


def _value_types(rows: Rows, shape: _Shape) -> list[set[type]] | None:
    """The Python types of each column's values; None when pandas may give this file's
    columns other types than it gives them among other files (its slice of a shared frame
    would then not be its own frame): a column without a value, or a missing value where
    NaN does not stand for it either way (anywhere but in text and number columns)."""
    if not rows:
        return None
    found = []
    for column in ("row", *shape.columns):
        types = set(map(type, map(itemgetter(column), rows)))
        missing = type(None) in types
        types.discard(type(None))
        if not types or (missing and not types <= {str, float}):
            return None
        found.append(types)
    return found


def _together_frame(frames: dict[int, pd.DataFrame]) -> pd.DataFrame:
    combined = pd.concat(frames.values(), ignore_index=True)
    combined[FILE] = np.repeat(list(frames), [len(frame) for frame in frames.values()])
    return combined


def _group_failures(model: type[pa.DataFrameModel], combined: pd.DataFrame,
                    frames: dict[int, pd.DataFrame]) -> dict[int, pd.DataFrame]:
    """Each file's pandera failure cases ("index": the Excel row), as validating its frame
    alone gives them, from one validation of the files' frames together (`combined`, in
    file order, with a FILE column)."""
    try:
        _together(model).validate(combined, lazy=True)
        return {}
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    if cases["index"].isna().any():  # a column failed as a whole: no one file's failure
        return {n: found for n, frame in frames.items()
                if (found := _failures_alone(model, frame)) is not None}
    position = cases["index"].astype(int).to_numpy()
    files = combined[FILE].to_numpy()[position]
    cases = cases.assign(index=combined["row"].to_numpy()[position])
    # A value's own check (isin, ≥ 0, not empty) fails the same way alone. Checks across
    # columns or rows (uniqueness, types) list their cases differently: those files alone.
    exact = (cases["schema_context"] == "Column") & ~cases["check"].astype(str).str.startswith(
        "dtype(")
    failures: dict[int, pd.DataFrame] = {}
    for n in dict.fromkeys(files.tolist()):
        mine = files == n
        if exact[mine].all():
            failures[n] = cases[mine].reset_index(drop=True)
        elif (found := _failures_alone(model, frames[n])) is not None:
            failures[n] = found
    return failures


def _failures_alone(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame | None:
    try:
        model.validate(frame.set_index("row", drop=False), lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return None


@cache
def _together(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The model's schema for the frames of many files at once: a column that must be unique
    is unique within each file."""
    schema = model.to_schema()
    unique = [name for name, column in schema.columns.items() if column.unique]
    if not unique:
        return schema
    schema = schema.update_columns({name: {"unique": False} for name in unique})
    schema.checks = [*schema.checks, *(
        pa.Check(lambda df, name=name: ~df.duplicated([FILE, name], keep=False),
                 name=f"{UNIQUE_PER_FILE}({name})") for name in unique)]
    return schema


# --- meta and structure ----------------------------------------------------------------------

def _check_meta(sub, lookups: _Lookups,  # type: ignore[no-untyped-def]
                folder_department: str | None, report: Report) -> bool:
    period = lookups.period
    meta = sub.meta
    if T.META not in sub.sheets or not meta.get(MetaKey.MARKER) or not meta.get(
            MetaKey.VERSION):
        report.add(make("file_not_template", fil=sub.name))
        return False
    ok = True
    if meta.get(MetaKey.VERSION) != TEMPLATE_VERSION:
        report.add(make("file_old_template", v_fil=meta.get(MetaKey.VERSION),
                        v_ny=TEMPLATE_VERSION))
        ok = False
    department = meta.get(MetaKey.DEPARTMENT, "")
    if department not in lookups.department_codes:
        report.add(make("file_unknown_department", found=department))
        ok = False
    elif folder_department and folder_department != department:
        report.add(make("file_wrong_folder", avd_fil=department, avd_mapp=folder_department))
        ok = False
    file_period = meta.get(MetaKey.PERIOD, "")
    # another year's template (last year's T3 handed in late, next year's T1 early) is told as
    # late or early, as one of this year's, not as a period unknown to the register
    other_year = re.fullmatch(PERIOD_PATTERN, file_period) is not None and \
        file_period[:4] != period[:4]
    if file_period not in lookups.period_ids and not other_year:
        report.add(make("file_unknown_period", found=file_period, period=period))
        ok = False
    elif file_period != period:
        later = file_period > period  # ÅÅÅÅ-Tn sort in time, across years too
        report.add(make("file_later_period" if later else "file_wrong_period",
                        found=file_period, period_i_fil=file_period, period=period))
        ok = False
    if ok and _made_from_other_register(sub, lookups):
        report.add(make("file_register_changed"))
    return ok


def _made_from_other_register(sub, lookups: _Lookups) -> bool:  # type: ignore[no-untyped-def]
    """The template was made from another version of the register than the current one: its
    locked rows (activities, goals, budget lines) are that register's, which this one may no
    longer have, or have given to another department (see _Context.register_changed)."""
    return sub.meta.get(MetaKey.REGISTER_CHECKSUM) != lookups.register.checksum


_TEMPLATE_ROWS = {"activities": MetaKey.ACTIVITIES, "goals": MetaKey.GOALS,
                  "categories": MetaKey.CATEGORIES, "own": MetaKey.OWN}


def _template_rows(meta: dict[str, str]) -> dict[str, set[str]]:
    """The department's register rows as its template had them, by kind; a kind is absent
    for a template from before _meta recorded them."""
    return {kind: {item.strip() for item in meta[key].split(";") if item.strip()}
            for kind, key in _TEMPLATE_ROWS.items() if key in meta}


def _read_sheets(sub, report: Report) -> dict[str, Table]:  # type: ignore[no-untyped-def]
    tables: dict[str, Table] = {}
    present = list(sub.sheets)
    found_elsewhere: set[str] = set()
    for sheet, columns in TEMPLATE_COLUMNS.items():
        if sheet not in sub.sheets:
            moved = _find_headers_elsewhere(sub.sheets, columns, sheet)
            if moved:
                found_elsewhere.add(moved)
                report.add(make("sheet_renamed", sheet=sheet, annan=moved))
            else:
                visible = ", ".join(f'"{s}"' for s in present if s != T.META)
                report.add(make("sheet_missing", sheet=sheet, lista=visible))
            continue
        rows = sub.sheets[sheet]
        if len(rows) > 5000:
            report.add(make("too_many_rows", sheet=sheet, rader=len(rows), max=5000))
            continue
        if not any(v not in (None, "") for v in (rows[0] if rows else [])):
            moved = _find_headers_elsewhere(sub.sheets, columns, sheet)
            if moved:
                found_elsewhere.add(moved)
                report.add(make("sheet_moved", sheet=sheet, annan=moved))
                continue
        table = read_table(sheet, rows, columns, optional=OPTIONAL_COLUMNS.get(sheet, ()),
                           codes={"renamed_unknown": "column_renamed_unknown"},
                           stray_gap=STRAY_GAPS.get(sheet, STRAY_GAP))
        report.extend(table.issues)
        if any(i.is_error for i in table.issues):
            continue
        tables[sheet] = table
    for extra in present:
        if extra not in TEMPLATE_SHEETS and extra not in found_elsewhere and \
                extra != FEEDBACK_SHEET:
            report.add(make("sheet_extra", sheet=extra))
    return tables


def _find_headers_elsewhere(sheets: dict[str, list[list[object]]], columns: dict[str, str],
                            wanted: str) -> str | None:
    expected = {fold_header(c) for c in columns}
    for name, rows in sheets.items():
        if name == wanted or name in TEMPLATE_COLUMNS or not rows:
            continue
        for row in rows[:5]:
            found = {fold_header(v) for v in row if v not in (None, "")}
            if len(expected & found) >= max(2, len(expected) - 2):
                return name
    return None


# --- cell reading ----------------------------------------------------------------------------

class _Context:
    def __init__(self, lookups: _Lookups, department: str, report: Report,
                 scans: dict, *, register_changed: bool = False,  # type: ignore[type-arg]
                 template_rows: dict[str, set[str]] | None = None) -> None:
        self.lookups = lookups
        self.template_rows = template_rows or {}
        # A file made from an older register: a locked row the register has since removed or
        # given to another department, and a row it has since added, are the register's
        # doing, not the department's. They are told (warnings), and the file still counts.
        self.register_changed = register_changed
        self.period_end = lookups.period_end
        self.year = lookups.register.settings.year
        self.department = department
        self.mine = lookups.department(department)
        self.report = report
        self.scans = scans
        self.reported: set[tuple[int, str]] = set()

    def came_with_template(self, kind: str, item: str) -> bool:
        """A row the register no longer gives the department, in a file from an older
        register: the register's change if the template had it (kind "activities", "goals"
        or "categories"); a template that did not record its rows may have had it."""
        if not self.register_changed:
            return False
        had = self.template_rows.get(kind)
        return had is None or item in had

    def added_since_template(self, kind: str, item: str) -> bool:
        """A row the register gives the department that the file lacks, in a file from an
        older register: the register's change if the template did not have it (else the
        department took it out)."""
        if not self.register_changed:
            return False
        had = self.template_rows.get(kind)
        return had is None or item not in had

    def start_sheet(self, table: Table) -> None:
        """Sheet-wide findings: error values, uncalculated formulas, merges, hidden rows and
        columns. Rows hidden by an active filter are read without a word (BAD_INPUTS S19)."""
        scan = self.scans.get(table.sheet)
        data_rows = {row for row, _ in table.rows}
        read_columns = {excel_column(i): name for name, i in table.columns.items()
                        if name not in INFORMATION_COLUMNS.get(table.sheet, ())}
        self.stray_values(table)
        if scan is None:
            return
        for ref, error in sorted(scan.errors.items()):
            column, row = _split_ref(ref)
            if row in data_rows and column in read_columns:
                self.report.add(make("error_value", sheet=table.sheet, cell=ref, fel=error))
                self.reported.add((row, read_columns[column]))
        for ref in sorted(scan.uncalculated):
            column, row = _split_ref(ref)
            if row in data_rows and column in read_columns:
                self.report.add(make("formula_uncalculated", sheet=table.sheet, cell=ref))
                self.reported.add((row, read_columns[column]))
        for area in scan.merged:
            first, _, last = area.partition(":")
            left, top = _split_ref(first)
            right, bottom = _split_ref(last or first)
            # in the table (BAD_INPUTS S11: the data area), also one reaching the header; a
            # merge beside it (a note's cells) hides no value the table is read from
            merged = [name for name, i in table.columns.items()
                      if column_index(left) <= i <= column_index(right)]
            if merged and any(top <= row <= bottom for row in data_rows):
                self.report.add(make("merged_cells", sheet=table.sheet, cell=first,
                                     område=f"{table.sheet}!{area}"))
                # only the merged cells are not read: the row's others (its Kategori, Kön
                # and Åldersgrupp) still say which row it is, and it is not called missing
                for row in range(top, bottom + 1):
                    for name in merged:
                        self.reported.add((row, name))
        hidden = sorted(r for r in scan.hidden_rows if r in data_rows)
        if hidden:
            rows = (f"Rad {hidden[0]} på fliken {table.sheet} är dold" if len(hidden) == 1 else
                    f"Raderna {', '.join(map(str, hidden))} på fliken {table.sheet} är dolda")
            self.report.add(make("hidden_rows", sheet=table.sheet, cell=f"A{hidden[0]}",
                                 rader=rows))
        if scan.hidden_columns:
            _hidden_columns(self.report, table, scan.hidden_columns)

    def stray_values(self, table: Table) -> None:
        """Values beside the table, under no header, or alone far below it: not read, but the
        department is told."""
        for code, cells in (("stray_value", table.extra_cells),
                            ("stray_value_below", table.stray_below)):
            for row, index, value in cells[:3]:
                # quoted as the cell shows it: "1234,5"
                shown = format_number(value, group=False) if isinstance(value, float) else \
                    clean_text(value)
                self.report.add(make(code, sheet=table.sheet,
                                     cell=f"{excel_column(index)}{row}", found=shown))

    def issue(self, code: str, table: Table, column: str, row: int, **params: object) -> None:
        if (row, column) in self.reported:
            return
        self.reported.add((row, column))
        self.report.add(make(code, sheet=table.sheet, cell=table.cell(column, row), **params))

    def finding(self, finding: Finding | None, table: Table, column: str, row: int,
                raw: object) -> None:
        if finding is None or (row, column) in self.reported:
            return
        issue = finding_issue(finding, sheet=table.sheet, cell=table.cell(column, row),
                              raw=raw, column=_swedish(table.sheet, column))
        if issue.is_error:
            self.reported.add((row, column))
        self.report.add(issue)

    def blocked(self, row: int, column: str) -> bool:
        return (row, column) in self.reported

    # typed readers: each reports its own findings and returns the value or None
    def text(self, table: Table, values: dict, row: int, column: str, *,  # type: ignore[type-arg]
             multiline: bool = False, limit: int | None = None, required: bool = False) -> str:
        """required: a placeholder ("-", "?", "saknas") is refused as no answer; elsewhere it
        is kept as typed."""
        if self.blocked(row, column):
            return ""
        text = clean_text(values.get(column), multiline=multiline)
        if required and is_placeholder(text):
            self.issue("placeholder", table, column, row, found=text,
                       kolumn=_swedish(table.sheet, column))
            return ""
        if limit is not None and len(text) > limit:
            self.issue("text_too_long", table, column, row, antal=float(len(text)),
                       max=float(limit))
        return text

    def choice(self, table: Table, values: dict, row: int, column: str,  # type: ignore[type-arg]
               choices: Sequence[str], *, required: bool = True) -> str | None:
        if self.blocked(row, column):
            return None
        raw = values.get(column)
        text = clean_text(raw)
        if text in choices:
            return text  # as the dropdown wrote it (most cells); no choice is a placeholder
        label = _swedish(table.sheet, column)
        if not text:
            if required:
                self.issue("required_empty", table, column, row, kolumn=label)
            return None
        if is_placeholder(text):
            self.issue("placeholder", table, column, row, found=text, kolumn=label)
            return None
        value, finding = parse_choice(raw, choices, CHOICE_HINTS.get(column))
        self.finding(finding, table, column, row, raw)
        return value  # type: ignore[return-value]

    def date(self, table: Table, values: dict, row: int,  # type: ignore[type-arg]
             column: str) -> dt.date | None:
        if self.blocked(row, column):
            return None
        raw = values.get(column)
        value, finding = parse_date(raw)
        if finding is not None and finding.code == "date_no_day" and "år" not in finding.params:
            finding = Finding(finding.code, {"år": self.year})
        if finding is not None and finding.code == "date_no_year":
            finding = Finding(finding.code, {**finding.params,
                                             "exempel": _example_date(self.year, finding)})
        self.finding(finding, table, column, row, raw)
        # BAD_INPUTS C9 refuses dates outside the reporting period; we refuse only the
        # implausible (a year more than ten from the business year: 1925, 2205). Real plans
        # run over several years: the 2023 annual report has activities "Avslutad enligt plan"
        # ending years ahead, and activities begun the year before. Those are the committee's
        # to see (a remark), never a reason to refuse a department's file.
        if isinstance(value, dt.date) and not (self.year - 10 <= value.year <= self.year + 10):
            self.issue("date_implausible", table, column, row, iso=value.isoformat(),
                       år=self.year)
            return None
        return value if isinstance(value, dt.date) else None

    def number(self, table: Table, values: dict, row: int,  # type: ignore[type-arg]
               column: str, *, unit: str | None = None) -> float | None:
        """unit: the register's Beloppsenhet, for an amount; an amount typed with another
        unit ("176 000 tkr" in a file in mnkr) is refused with the figure to type instead."""
        if self.blocked(row, column):
            return None
        raw = values.get(column)
        label = _swedish(table.sheet, column)
        if isinstance(raw, str) and is_placeholder(raw):
            self.issue("placeholder", table, column, row, found=clean_text(raw), kolumn=label)
            return None
        if isinstance(raw, str) and clean_text(raw).endswith("%"):
            # hours and amounts only: "50 %" would silently become 0,5 hours or kronor. Hours
            # are told to stay hours: "7,9" typed instead of "7,9 %" is read as 7,9 hours.
            code = "hours_percent" if column in HOURS_COLUMNS else "number_percent"
            self.issue(code, table, column, row, found=clean_text(raw), kolumn=label)
            return None
        value, finding = parse_number(raw)
        if finding is not None:
            finding = Finding(finding.code, {**finding.params, "kolumn": label})
            typed = AMOUNT_UNIT_SPELLINGS.get(fold_unit(str(finding.params.get("enhet", ""))))
            if unit is not None and typed is not None and typed != unit and \
                    isinstance(value, float):
                converted = value * KRONOR_PER_UNIT[typed] / KRONOR_PER_UNIT[unit]
                self.issue("amount_wrong_unit", table, column, row, found=clean_text(raw),
                           typad=typed, enhet=unit, omräknat=round(converted, 6))
                return None
        self.finding(finding, table, column, row, raw)
        if value is None and finding is None:
            self.issue("required_empty", table, column, row, kolumn=label)
        return value  # type: ignore[return-value]


def _example_date(year: int, finding: Finding) -> str:
    """The day and month typed without a year, in the business year: 31/8 → 2024-08-31."""
    try:
        month, day = (int(str(finding.params[k])) for k in ("månad", "dag"))
        return dt.date(year, month, day).isoformat()
    except ValueError:  # 29/2 in a year without it
        return str(finding.params["exempel"])


def _split_ref(ref: str) -> tuple[str, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    return letters, int(digits or 0)


_SWEDISH = {sheet: {en: sv for sv, en in columns.items()}
            for sheet, columns in TEMPLATE_COLUMNS.items()}


def _swedish(sheet: str, column: str) -> str:
    return _SWEDISH[sheet].get(column, column)


def _hidden_columns(report: Report, table: Table, hidden: list[tuple[int, int]]) -> None:
    """One warning for the sheet's hidden columns that hold what the department typed
    (BAD_INPUTS S12). Only cells a department fills in count: the input columns, and on
    Aktiviteter the columns of a row it added itself (no id). A hidden column that is empty,
    outside the table (Excel users hide everything right of it) or prefilled and locked
    (Startdatum of the register's activities) holds nothing the department may have
    forgotten, and is not mentioned."""
    typed = INPUT_COLUMNS.get(table.sheet, ())
    own = OWN_ACTIVITY_INPUT_COLUMNS if table.sheet == T.ACTIVITIES else ()
    found = []
    for name, index in sorted(table.columns.items(), key=itemgetter(1)):
        if (name not in typed and name not in own) or \
                not any(low <= index + 1 <= high for low, high in hidden):
            continue
        if any(clean_text(values.get(name)) and (
                name in typed or not clean_text(values.get("activity_id")))
               for _, values in table.rows):
            found.append(f'{excel_column(index)} ("{_swedish(table.sheet, name)}")')
    if not found:
        return
    listed = " och ".join(", ".join(found).rsplit(", ", 1))
    subject = (f"Kolumn {listed} på fliken {table.sheet} är dold" if len(found) == 1 else
               f"Kolumnerna {listed} på fliken {table.sheet} är dolda")
    first = found[0].split(" ", 1)[0]
    report.add(make("hidden_columns", sheet=table.sheet, cell=f"{first}{table.header_row}",
                    kolumner=subject, dem="kolumnen" if len(found) == 1 else "kolumnerna"))


def _typed_totals(ctx: _Context, table: Table, totals: list[tuple[int, dict[str, object]]],
                  rows: Rows, columns: Sequence[str]) -> None:
    """A sum row the department typed is not read (`_is_summary_row`); where its figure
    differs from the sum of the rows above it, say so (BAD_INPUTS X7): the merged figures are
    the rows'. A difference under TOTAL_TOLERANCE is rounding and passes."""
    for total_row, values in totals:
        above = [line for line in rows if line["row"] < total_row]
        for column in columns:
            typed, _ = parse_number(values.get(column))
            if not above or not isinstance(typed, float) or column not in table.columns or \
                    any(line[column] is None for line in above):  # a row refused or empty
                continue
            computed = round(sum(line[column] for line in above), 6)
            if abs(typed - computed) > TOTAL_TOLERANCE:
                ctx.report.add(make("total_mismatch", sheet=table.sheet,
                                    cell=table.cell(column, total_row), angiven=typed,
                                    beräknad=computed))


def _is_summary_row(context: _Context, table: Table, row: int, text: str,
                    first_text_column: str, values: dict[str, object]) -> bool:
    """A sum or comment row typed into the table (BAD_INPUTS S14): told, and not read.

    text: the cleaned cell of the row's first text column, which begins with "Summa",
    "Totalt" or "S:a", or with "Kommentar", "Obs" or the like; or, when it is empty, another
    cell that is not free text (a number or a choice) reads "Summa", "Totalt" or "S:a"."""
    if COMMENT_ROW.match(text):
        todo = "Skriv kommentaren i kolumnen Kommentar på raden den gäller." \
            if "comment" in table.columns else \
            "Fliken har ingen kolumn för kommentarer: skicka kommentaren till controllern."
        context.report.add(make("comment_row", sheet=table.sheet,
                                cell=table.cell(first_text_column, row), rad=row, text=text,
                                gör=todo))
        return True
    found = (first_text_column, text) if text.casefold().startswith(SUMMARY_WORDS) else None
    if found is None and not text:
        found = next(((column, clean_text(raw)) for column, raw in values.items()
                      if column not in FREE_TEXT_COLUMNS and isinstance(raw, str)
                      and SUMMARY_CELL.match(clean_text(raw))), None)
    if found is None:
        return False
    column, shown = found
    context.report.add(make("summary_row", sheet=table.sheet, cell=table.cell(column, row),
                            rad=row, text=shown))
    return True


# --- the four data sheets --------------------------------------------------------------------

def _activities(ctx: _Context, table: Table | None) -> Rows | None:
    if table is None:
        return None
    ctx.start_sheet(table)
    register = ctx.lookups.register
    expected = ctx.mine.expected
    all_register_ids = register.activity_ids
    own_known = ctx.mine.own
    goal_ids = register.goal_ids
    rows: Rows = []
    seen: dict[str, list[int]] = {}
    signatures: dict[tuple, int] = {}  # type: ignore[type-arg]

    for row, values in table.rows:
        activity_id = clean_text(values.get("activity_id"))
        if _is_summary_row(ctx, table, row, activity_id, "activity_id", values):
            continue
        if activity_id and _activity_taken_away(ctx, table, row, activity_id):
            continue
        status = ctx.choice(table, values, row, "status", STATUSES,
                            required=bool(activity_id) or _has_own_content(values))
        comment = ctx.text(table, values, row, "comment", multiline=True,
                           limit=schemas.COMMENT_MAX)
        if activity_id:
            known = expected.get(activity_id) or own_known.get(activity_id)
            meant = None if known else _lookalike(activity_id, [*expected, *own_known])
            seen.setdefault(meant or activity_id, []).append(row)
            if meant is not None:
                ctx.issue("activity_id_lookalike", table, "activity_id", row, found=activity_id,
                          id=meant)
                continue
            if known is None:
                code = "activity_not_yours" if activity_id in all_register_ids else \
                    "activity_unknown"
                ctx.issue(code, table, "activity_id", row, found=activity_id,
                          avdelning=ctx.department)
                continue
            if activity_id in expected and len(seen[activity_id]) == 1:
                _locked_changes(ctx, table, values, row, known)
            rows.append({"row": row, "activity_id": activity_id, "ks_ids": tuple(known.ks_ids),
                         "title": known.title, "start": known.start, "end": known.end,
                         "status": status, "comment": comment,
                         "own": activity_id not in expected})
            continue
        if not _has_own_content(values):
            if status or comment:  # a status typed on an empty row
                ctx.report.add(make("own_activity_incomplete", sheet=table.sheet,
                                    cell=table.cell("ks_ids", row), rad=row,
                                    kolumner="KS-mål-id, Aktivitet, Startdatum och Slutdatum"))
            continue
        signature = tuple(clean_text(values.get(c)) for c in table.columns)
        if signature in signatures:
            ctx.report.add(make("rows_identical", sheet=table.sheet,
                                cell=table.cell("ks_ids", row), r1=signatures[signature],
                                r2=row))
            continue
        signatures[signature] = row
        ks_ids = _goal_list(ctx, table, values, row, goal_ids)
        title = ctx.text(table, values, row, "title", limit=500, required=True)
        start = ctx.date(table, values, row, "start")
        end = ctx.date(table, values, row, "end")
        missing = [(label, column) for label, value, column in (
            ("KS-mål-id", ks_ids, "ks_ids"), ("Aktivitet", title, "title"),
            ("Startdatum", start, "start"), ("Slutdatum", end, "end"))
            if not value and not ctx.blocked(row, column)]
        if missing:
            labels = ", ".join(label for label, _ in missing)
            ctx.report.add(make("own_activity_incomplete", sheet=table.sheet,
                                cell=table.cell(missing[0][1], row), rad=row,
                                kolumner=" och ".join(labels.rsplit(", ", 1))))
            ctx.reported.update((row, column) for _, column in missing)  # one message a row
        if start and end and end < start:
            ctx.issue("end_before_start", table, "end", row, slut=end, start=start,
                      cell_slut=f"{table.sheet}!{table.cell('end', row)}",
                      cell_start=f"{table.sheet}!{table.cell('start', row)}")
        if start and start.year < ctx.year:
            ctx.report.add(make("started_before_year", sheet=table.sheet,
                                cell=table.cell("start", row), found=title, start=start,
                                år=ctx.year))
        rows.append({"row": row, "activity_id": None, "ks_ids": ks_ids or (), "title": title,
                     "start": start, "end": end, "status": status, "comment": comment,
                     "own": True})

    for activity_id, where in seen.items():
        if len(where) > 1:
            ctx.report.add(make("activity_duplicate", sheet=table.sheet,
                                cell=table.cell("activity_id", where[1]), found=activity_id,
                                rader=" och ".join(", ".join(map(str, where)).rsplit(", ", 1))))
    # BAD_INPUTS X11 allows an "Inget att rapportera" marker; here every department has
    # register activities to report on, so an empty sheet is an error; in a file made from
    # an older register, the department may have had none then (its activities are all new).
    if not table.rows and expected and not all(
            ctx.added_since_template("activities", a) for a in expected):
        ctx.report.add(make("sheet_empty", sheet=table.sheet, antal=len(expected)))
    else:
        for activity_id, activity in expected.items():
            if activity_id not in seen:
                absent = "activity_added_to_register" if ctx.added_since_template(
                    "activities", activity_id) else "activity_missing"
                ctx.report.add(make(absent, sheet=table.sheet, found=activity_id,
                                    titel=activity.title, avdelning=ctx.department))
    # the department's own activities its template had (from earlier periods): taking one
    # out would lose it from the follow-up and from every later template
    # (one no longer known, its earlier file no longer passing against an edited register,
    # cannot be read anyway: see _activity_taken_away)
    for activity_id in sorted(ctx.template_rows.get("own", set()) - set(seen)):
        if activity_id in own_known:
            ctx.report.add(make("own_activity_missing", sheet=table.sheet, found=activity_id,
                                titel=f' ("{own_known[activity_id].title}")'))
    _status_warnings(ctx, table, rows)
    return rows


def _activity_taken_away(ctx: _Context, table: Table, row: int, activity_id: str) -> bool:
    """In a file made from an older register: a row for an activity that is no longer the
    department's, told (a warning) and not read, its Status and Kommentar unchecked.

    Only a row its template had (_meta lists the department's rows, `came_with_template`) is
    the register's doing; an id the template never had is the department's and stays an
    error, as in a file from the current register. A template from before _meta listed its
    rows is taken at its word for any id of the register's own format, now another
    department's (activity_moved_in_register) or in the register no more
    (activity_left_register); one the register could never hold ("?", "12"), or a look-alike
    of the department's own ids, stays an error there too. An own activity of the template
    that is no longer known (its earlier file no longer passes) is told the same way."""
    mine = ctx.mine
    if ctx.register_changed and activity_id in ctx.template_rows.get("own", ()) and \
            activity_id not in mine.own:
        # its own activity from an earlier period, whose file no longer passes against the
        # edited register (its goal removed, say): the department cannot mend that
        ctx.issue("own_activity_left_register", table, "activity_id", row, found=activity_id)
        return True
    if not ctx.came_with_template("activities", activity_id) or activity_id in mine.expected \
            or activity_id in mine.own \
            or _lookalike(activity_id, [*mine.expected, *mine.own]) is not None:
        return False
    responsible = ctx.lookups.responsible.get(activity_id)
    if responsible:
        ctx.issue("activity_moved_in_register", table, "activity_id", row, found=activity_id,
                  avdelning=ctx.department, ansvarig=_listed(responsible))
        return True
    if re.fullmatch(ACTIVITY_ID, activity_id):
        ctx.issue("activity_left_register", table, "activity_id", row, found=activity_id)
        return True
    return False


def _listed(items: Sequence[str]) -> str:
    """'STAB', 'STAB och EKO', 'STAB, EKO och UTB'."""
    return " och ".join(", ".join(items).rsplit(", ", 1))


# Letters that look like Latin ones (Cyrillic, Greek) and dashes that look like "-".
_CONFUSABLES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    ",": ".", " ": ""})


def _skeleton(text: str) -> str:
    text = text.translate(_CONFUSABLES).casefold()
    return text.replace("o", "0").replace("l", "1").replace("i", "1")


def _lookalike(typed: str, ids: Sequence[str]) -> str | None:
    """The id a department meant when it typed one that only looks like it (O for 0, А)."""
    skeleton = _skeleton(typed)
    return next((i for i in ids if i != typed and _skeleton(i) == skeleton), None)


def _locked_changes(ctx: _Context, table: Table, values: dict,  # type: ignore[type-arg]
                    row: int, known: object) -> None:
    """A locked cell the department changed anyway (sheet protection has no password)."""
    for column in ("ks_ids", "title", "start", "end"):
        if column not in table.columns:
            continue
        original = getattr(known, column)
        raw = values.get(column)
        if column in ("start", "end"):
            typed, _ = parse_date(raw)
            if typed == original or (typed is None and original is None):
                continue
            shown = original.isoformat() if isinstance(original, dt.date) else ""
        elif column == "title" and isinstance(raw, str) and raw == original:
            continue  # the text as the template wrote it (most rows): nothing to clean
        else:
            shown = "; ".join(original) if column == "ks_ids" else clean_text(original)
            typed = clean_text(raw)
            if typed == shown or (column == "ks_ids" and
                                  typed.replace(",", ";").replace(" ", "") ==
                                  shown.replace(" ", "")):
                continue
        # in a file from an older register, the register is the likelier to have changed
        code = "locked_differs_from_register" if ctx.register_changed else "locked_changed"
        ctx.report.add(make(code, sheet=table.sheet,
                            cell=table.cell(column, row), found=clean_text(raw),
                            original=shown, kolumn=_swedish(table.sheet, column)))


def _has_own_content(values: dict) -> bool:  # type: ignore[type-arg]
    return any(clean_text(values.get(c)) for c in ("ks_ids", "title", "start", "end"))


def _goal_list(ctx: _Context, table: Table, values: dict, row: int,  # type: ignore[type-arg]
               goal_ids: list[str]) -> tuple[str, ...] | None:
    raw = clean_text(values.get("ks_ids"))
    if not raw or ctx.blocked(row, "ks_ids"):
        return None
    found = []
    for part in (p.strip() for p in raw.replace(",", ";").split(";")):
        if not part:
            continue
        if part not in goal_ids:
            ctx.issue("goal_unknown", table, "ks_ids", row, found=part,
                      år=ctx.year, lista=", ".join(goal_ids))
            return None
        found.append(part)
    return tuple(found) or None


# Statuses that already say an activity is not going to plan: past its end date they are the
# honest answer, not a contradiction to remark on (the workbook still flags the activity).
LATE_TOLD = frozenset({Status.DELAYED, Status.DEVIATING, Status.ON_HOLD})


# Statuses that say an activity is not going to plan: the committee needs the reason, so an
# empty Kommentar beside one is remarked on.
NEEDS_EXPLAINING = frozenset({Status.DEVIATING, Status.DELAYED, Status.ON_HOLD,
                              Status.DONE_DEVIATING, Status.CANCELLED})


def _status_warnings(ctx: _Context, table: Table, rows: list[dict[str, Any]]) -> None:
    _unexplained_deviations(ctx, table, rows)
    for item in rows:
        row, status_text, end = item["row"], item["status"], item["end"]
        if not isinstance(status_text, str) or not isinstance(end, dt.date):
            continue
        if ctx.blocked(row, "end") or ctx.blocked(row, "start"):
            continue  # the dates are already wrong; a warning built on them only confuses
        status = _STATUS_BY_TEXT[status_text]  # a dict costs less than the Enum's lookup
        if status is Status.DONE and end > ctx.period_end:
            code, extra = "status_contradicts_end", {"periodslut": ctx.period_end}
        elif not status.finished and end < ctx.period_end and status not in LATE_TOLD:
            code, extra = "end_passed_not_finished", {}
        else:
            continue
        label = item["activity_id"] if isinstance(item["activity_id"], str) else item["title"]
        ctx.report.add(make(code, sheet=table.sheet, cell=table.cell("status", row), found=label,
                            status=status.value, slut=end, **extra))


def _unexplained_deviations(ctx: _Context, table: Table, rows: list[dict[str, Any]]) -> None:
    for item in rows:
        status_text, row = item["status"], item["row"]
        if not isinstance(status_text, str) or _told(item["comment"]) or \
                ctx.blocked(row, "comment") or "comment" not in table.columns:
            continue
        status = _STATUS_BY_TEXT[status_text]
        if status in NEEDS_EXPLAINING:
            label = item["activity_id"] if isinstance(item["activity_id"], str) else \
                item["title"]
            ctx.report.add(make("deviation_unexplained", sheet=table.sheet,
                                cell=table.cell("comment", row), found=label,
                                status=status.value))


def _assessments(ctx: _Context, table: Table | None) -> Rows | None:
    if table is None:
        return None
    ctx.start_sheet(table)
    owned = ctx.mine.goals
    owners = ctx.lookups.owners
    rows: Rows = []
    seen: dict[str, int] = {}
    for row, values in table.rows:
        ks_id = clean_text(values.get("ks_id"))
        if _is_summary_row(ctx, table, row, ks_id, "ks_id", values):
            continue
        if not ks_id:
            continue
        # In a file made from an older register, a goal the register has since removed or
        # given to another owner came with the template (the id cells are locked): told,
        # and not read. See _activity_taken_away for an id in neither register.
        if ks_id not in owners:
            if ctx.came_with_template("goals", ks_id) and re.fullmatch(GOAL_ID, ks_id):
                ctx.issue("goal_left_register", table, "ks_id", row, found=ks_id)
            else:
                ctx.issue("goal_unknown", table, "ks_id", row, found=ks_id, år=ctx.year,
                          lista=", ".join(owned))
            continue
        if owners[ks_id] != ctx.department:
            code = "goal_moved_in_register" if ctx.came_with_template("goals", ks_id) else \
                "goal_not_yours"
            ctx.issue(code, table, "ks_id", row, found=ks_id, ägare=owners[ks_id],
                      avdelning=ctx.department)
            continue
        if ks_id in seen:
            ctx.issue("row_duplicate", table, "ks_id", row, vad=f'Målet "{ks_id}"',
                      rader=f"{seen[ks_id]} och {row}")
            continue
        seen[ks_id] = row
        assessment = ctx.choice(table, values, row, "assessment", ASSESSMENTS)
        analysis = ctx.text(table, values, row, "analysis", multiline=True,
                            limit=schemas.ANALYSIS_MAX)
        if is_placeholder(analysis):
            analysis = ""  # "-" is no analysis: a remark for the committee, never a refusal
        if assessment and not analysis:
            ctx.report.add(make("analysis_missing", sheet=table.sheet,
                                cell=table.cell("analysis", row), found=ks_id,
                                bedömning=assessment))
        rows.append({"row": row, "ks_id": ks_id, "assessment": assessment,
                     "analysis": analysis})
    if not table.rows and owned and not all(
            ctx.added_since_template("goals", g) for g in owned):
        ctx.report.add(make("sheet_empty", sheet=table.sheet, antal=len(owned)))
    else:
        for ks_id in owned:
            if ks_id not in seen:
                absent = "goal_added_to_register" if ctx.added_since_template(
                    "goals", ks_id) else "goal_missing"
                ctx.report.add(make(absent, sheet=table.sheet, found=ks_id,
                                    avdelning=ctx.department))
    return rows


def _sick_leave(ctx: _Context, table: Table | None) -> Rows | None:
    if table is None:
        return None
    ctx.start_sheet(table)
    rows: Rows = []
    seen: dict[tuple[str, str], int] = {}
    hours = HOURS_COLUMNS
    totals: list[tuple[int, dict[str, object]]] = []
    for row, values in table.rows:
        if _is_summary_row(ctx, table, row, clean_text(values.get("sex")), "sex", values):
            totals.append((row, values))
            continue
        sex = ctx.choice(table, values, row, "sex", SEXES)
        age = ctx.choice(table, values, row, "age_group", AGE_GROUPS)
        if sex is not None and age is not None:
            _empty_group(ctx, table, values, row, sex, age)
        numbers = {c: ctx.number(table, values, row, c) for c in ("employees", *hours)}
        if sex is None or age is None:
            continue
        if (sex, age) in seen:
            ctx.issue("row_duplicate", table, "sex", row, vad=f"Raden för {sex}, {age}",
                      rader=f"{seen[(sex, age)]} och {row}")
            continue
        seen[(sex, age)] = row
        employees = numbers["employees"]
        if employees is not None and not float(employees).is_integer():
            ctx.issue("number_not_whole", table, "employees", row,
                      found=clean_text(values.get("employees")))
        ordinary, sick, long_term = (numbers[c] for c in hours)
        for column in hours:
            if (numbers[column] or 0) < 0:
                ctx.issue("hours_negative", table, column, row, found=numbers[column])
        if ordinary is not None and sick is not None and sick > ordinary >= 0:
            ctx.issue("sick_exceeds_ordinary", table, "sick_hours", row, sjuk=sick,
                      ordinarie=ordinary,
                      cell_ordinarie=f"{table.sheet}!{table.cell('ordinary_hours', row)}")
        if sick is not None and long_term is not None and long_term > sick >= 0:
            ctx.issue("long_exceeds_sick", table, "long_term_hours", row, lång=long_term,
                      sjuk=sick, cell_sjuk=f"{table.sheet}!{table.cell('sick_hours', row)}")
        if employees == 0 and (ordinary or 0) > 0:
            ctx.issue("hours_without_employees", table, "ordinary_hours", row,
                      timmar=ordinary,
                      cell_anställda=f"{table.sheet}!{table.cell('employees', row)}")
        elif employees and ordinary and ordinary > employees * HOURS_PER_EMPLOYEE_MAX:
            ctx.report.add(make("hours_high", sheet=table.sheet,
                                cell=table.cell("ordinary_hours", row), found=ordinary,
                                anställda=float(int(employees))))
        rows.append({"row": row, "sex": sex, "age_group": age, **numbers})
    _typed_totals(ctx, table, totals, rows, ("employees", *hours))
    _sick_share_low(ctx, table, rows)
    if not table.rows:
        ctx.report.add(make("sheet_empty", sheet=table.sheet,
                            antal=len(SEXES) * len(AGE_GROUPS)))
    else:
        for sex in SEXES:
            for age in AGE_GROUPS:
                if (sex, age) not in seen:
                    ctx.report.add(make("sick_rows_missing", sheet=table.sheet, kön=sex,
                                        ålder=age))
    return rows


def _empty_group(ctx: _Context, table: Table, values: dict[str, object], row: int, sex: str,
                 age: str) -> None:
    """A group's row left empty: one error for the row, saying what a group without
    employees writes, rather than four "är tom" (a blank cell blocked by an error value or
    an uncalculated formula is not empty). An empty Antal anställda alone gets the hint."""
    inputs = ("employees", *HOURS_COLUMNS)
    if any(ctx.blocked(row, c) for c in inputs):
        return
    empty = [c for c in inputs if c not in table.columns or not clean_text(values.get(c))]
    if len(empty) == len(inputs):
        first, last = (table.cell(c, row) for c in (inputs[0], inputs[-1]))
        ctx.issue("sick_row_empty", table, "employees", row, kön=sex, ålder=age,
                  område=f"{table.sheet}!{first}:{last}")
        ctx.reported.update((row, c) for c in inputs)
    elif "employees" in empty:
        ctx.issue("employees_empty", table, "employees", row,
                  kolumn=_swedish(table.sheet, "employees"))


def _sick_share_low(ctx: _Context, table: Table, rows: Rows) -> None:
    counted = [line for line in rows
               if line["ordinary_hours"] is not None and line["sick_hours"] is not None]
    ordinary = sum(line["ordinary_hours"] for line in counted)
    sick = sum(line["sick_hours"] for line in counted)
    if not (0 < sick < SICK_SHARE_LOW * ordinary):
        return
    percent = sick / ordinary * 100
    share = format_number(round(percent, 2)) if percent >= 0.01 else "mindre än 0,01"
    ctx.report.add(make("sick_hours_like_percent", sheet=table.sheet,
                        cell=table.cell("sick_hours", counted[0]["row"]),
                        sjuk=float(sick), ordinarie=float(ordinary), andel=share,
                        kolumn=_swedish(table.sheet, "sick_hours")))


def _budget(ctx: _Context, table: Table | None) -> Rows | None:
    if table is None:
        return None
    ctx.start_sheet(table)
    budgets: dict[str, Any] = ctx.mine.budgets
    unit = ctx.lookups.register.settings.unit
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    totals: list[tuple[int, dict[str, object]]] = []
    for row, values in table.rows:
        if _is_summary_row(ctx, table, row, clean_text(values.get("category")), "category",
                           values):
            totals.append((row, values))
            continue
        category = ctx.choice(table, values, row, "category", BUDGET_CATEGORIES)
        if category is not None and category not in budgets and ctx.came_with_template(
                "categories", category):
            # a budget line the register has removed since the template was made
            ctx.issue("budget_category_left_register", table, "category", row, found=category,
                      avdelning=ctx.department)
            continue
        outcome = ctx.number(table, values, row, "outcome", unit=unit)
        forecast = ctx.number(table, values, row, "forecast", unit=unit)
        comment = ctx.text(table, values, row, "comment", multiline=True,
                           limit=schemas.COMMENT_MAX)
        if category is None:
            continue
        if category not in budgets:
            # BAD_INPUTS X9 would warn. Refused on purpose: the committee's budget table is the
            # register's budget lines, so an outcome outside them has no line to land on, and
            # leaving it out would silently lose money from the sums. The department and the
            # controller settle it (a budget line in the register, or the row removed).
            ctx.issue("budget_category_unknown", table, "category", row, found=category,
                      avdelning=ctx.department)
            continue
        if category in seen:
            ctx.issue("row_duplicate", table, "category", row, vad=f'Kategorin "{category}"',
                      rader=f"{seen[category]} och {row}")
            continue
        seen[category] = row
        typed, _ = parse_number(values.get("budget"))
        if "budget" in table.columns and (typed is None or abs(typed - budgets[category]) > 1e-6):
            code = "budget_differs_from_register" if ctx.register_changed else \
                "budget_changed"
            ctx.report.add(make(code, sheet=table.sheet,
                                cell=table.cell("budget", row), kategori=category,
                                found=f"{format_number(typed)} {unit}"
                                if isinstance(typed, int | float)
                                else clean_text(values.get("budget")) or "tom",
                                budget=float(budgets[category]), enhet=unit))
        rows.append({"row": row, "category": category, "budget": float(budgets[category]),
                     "outcome": outcome, "forecast": forecast, "comment": comment})
    _typed_totals(ctx, table, totals, rows, ("budget", "outcome", "forecast"))
    for column in ("outcome", "forecast"):
        _signs(ctx, table, rows, column)
    for line in rows:
        row, budget = line["row"], line["budget"]
        slipped = _unit_slips(ctx, table, line, unit)
        outcome, forecast = (None if c in slipped else line[c] for c in ("outcome", "forecast"))
        if budget > 0 and forecast is not None and not _told(line["comment"]):
            share = abs(forecast - budget) / budget
            if share > FORECAST_TOLERANCE:  # "Kommentera avvikelsen": only where it is not
                ctx.report.add(make("forecast_far_from_budget", sheet=table.sheet,
                                    cell=table.cell("forecast", row), kategori=line["category"],
                                    prognos=forecast, budget=budget, enhet=unit,
                                    procent=float(round(share * 100))))
        if outcome is not None and outcome > 3 * budget:
            ctx.report.add(make("outcome_far_above_budget", sheet=table.sheet,
                                cell=table.cell("outcome", row), kategori=line["category"],
                                utfall=outcome, budget=budget, enhet=unit))
    if not table.rows and budgets and not all(
            ctx.added_since_template("categories", c) for c in budgets):
        ctx.report.add(make("sheet_empty", sheet=table.sheet, antal=len(budgets)))
    else:
        for category in budgets:
            if category not in seen:
                absent = "budget_category_added_to_register" if ctx.added_since_template(
                    "categories", category) else "budget_category_missing"
                ctx.report.add(make(absent, sheet=table.sheet, found=category,
                                    avdelning=ctx.department))
    return rows


def _told(comment: str | None) -> bool:
    """A comment that explains something: not empty, not a placeholder ("-", "?")."""
    return bool(comment) and not is_placeholder(comment or "")


def _unit_slips(ctx: _Context, table: Table, line: dict[str, Any], unit: str) -> set[str]:
    """The amounts of a budget line UNIT_SLIP times its budget or more: typed in kronor or tkr
    in a file in mnkr (BAD_INPUTS X9 only warns; a figure a hundred times the budget is no
    overspend but another unit, and would be summed as such), refused. And a full-year
    forecast about a thousandth of its budget, uncommented: perhaps in mnkr in a file in tkr,
    told. The columns returned get no other remark about their size."""
    slipped = set()
    budget = line["budget"]
    for column, what in (("outcome", "Utfallet"), ("forecast", "Prognosen")):
        amount = line[column]
        if budget <= 0 or amount is None or amount < UNIT_SLIP * budget or \
                ctx.blocked(line["row"], column):
            continue
        ctx.issue("amount_unit_slip", table, column, line["row"], vad=what,
                  kategori=line["category"], belopp=amount, budget=budget, enhet=unit,
                  gånger=float(round(amount / budget)), omräkning=UNIT_STEPS[unit])
        slipped.add(column)
    forecast = line["forecast"]
    larger = [u for u, kronor in KRONOR_PER_UNIT.items()
              if kronor > KRONOR_PER_UNIT[unit] and budget > 0 and forecast
              and 0.5 <= forecast * kronor / KRONOR_PER_UNIT[unit] / budget <= 2]
    if larger and forecast * UNIT_SLIP <= budget and not ctx.blocked(line["row"], "forecast") \
            and not _told(line["comment"]):
        # the full year's forecast in mnkr in a file in tkr: a thousandth of the budget, which
        # in mnkr would be close to it. Only told: a fee-financed line may really cost
        # next to nothing, and a comment saying so is enough.
        factor = KRONOR_PER_UNIT[larger[0]] / KRONOR_PER_UNIT[unit]
        ctx.issue("forecast_in_larger_unit", table, "forecast", line["row"],
                  kategori=line["category"], belopp=forecast, budget=budget, enhet=unit,
                  större=larger[0], omräknat=float(forecast * factor))
        slipped.add("forecast")
    return slipped


def _signs(ctx: _Context, table: Table, rows: list[dict[str, Any]], column: str) -> None:
    """Amounts typed negative: all of them (a sign convention, read as positive) or some."""
    values = [line[column] for line in rows if line[column] is not None]
    negative = [line["row"] for line in rows if line[column] is not None and line[column] < 0]
    if not negative:
        return
    label = _swedish(table.sheet, column)
    if len(negative) == len([v for v in values if v != 0]):
        for line in rows:
            if line[column] is not None:
                line[column] = abs(line[column])
        ctx.report.add(make("budget_all_negative", sheet=table.sheet, kolumn=label))
        return
    cells = ", ".join(f"{table.sheet}!{table.cell(column, r)}" for r in negative)
    ctx.report.add(make("budget_negative_mixed", sheet=table.sheet,
                        cell=table.cell(column, negative[0]), kolumn=label, celler=cells))
    for r in negative:
        ctx.reported.add((r, column))


def load_checks() -> None:
    """Load now what pandera loads on its first validation: its check backends and, where
    hypothesis is installed, its data-generation strategies (about 0.2 s). The nightly run
    calls this before it forks its workers, which then inherit it instead of each loading it
    again."""
    try:
        schemas.Activities.validate(pd.DataFrame(), lazy=True)
    except pa.errors.SchemaErrors:
        pass  # an empty frame fails, as it should: only the loading was wanted
