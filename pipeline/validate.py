"""Submission + Register → Report and normalised frames (pure: no file access).

Every problem of a file is found in one pass. Parsing of Swedish dates, numbers and dropdown
text happens first, cell by cell, so that each finding names its cell; the pandera schemas then
guard every value that is accepted; register and cross-sheet checks come on top.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from schemas import submission as schemas

from . import labels
from .answers import (
    Context,
    Rows,
    read_activities,
    read_assessments,
    read_budget,
    read_sick_leave,
)
from .issues import Report, make
from .labels import (
    OWN_ACTIVITY_ROWS,
    PERIOD_PATTERN,
    TEMPLATE_COLUMNS,
    TEMPLATE_SHEETS,
    TEMPLATE_VERSION,
    MetaKey,
    TemplateSheet,
    is_feedback_sheet,
)
from .register import Register
from .sheets import Table, fold_header, read_table, schema_issues

log = logging.getLogger(__name__)
T = TemplateSheet
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
OPTIONAL_COLUMNS = {
    T.ACTIVITIES: ("Föregående status", "Föregående kommentar"),
    T.ASSESSMENTS: ("KS-mål", "Förslag"),
    T.BUDGET: ("Avvikelse", "Budget"),
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




@dataclass
class _Pending:
    """A file whose cells have been read and checked, waiting for its frames and the schema
    check (both done for all files of a chunk together)."""

    report: Report
    context: Context
    tables: dict[str, Table]
    rows: dict[str, Rows | None]  # None: the sheet could not be read
    department: str
    period: str
    failed: bool = False
    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    def finish(self) -> tuple[Report, SubmissionData | None]:
        if not self.report.accepted or any(f is None for f in self.frames.values()):
            return self.report, None
        frames = _masked(self.frames, self.context.masked) if self.context.masked else \
            self.frames
        return self.report, SubmissionData(self.department, self.period,
                                           *frames.values())  # type: ignore[arg-type]


def _masked(frames: dict[str, pd.DataFrame | None],
            masked: dict[tuple[str, int, str], str]) -> dict[str, pd.DataFrame | None]:
    """The frames with the texts that held a personal identity number masked (answers'
    Context.identity_numbers): what the workbook, the report and later templates show. Done
    after the schemas, which check the text as the department typed it. A frame may be a
    slice of one shared with other files: the sheets changed are copied first."""
    frames = dict(frames)
    for sheet in {sheet for sheet, _, _ in masked}:
        frame = frames.get(sheet)
        if frame is not None:
            frames[sheet] = frame.copy()
    for (sheet, row, column), text in masked.items():
        frame = frames.get(sheet)
        if frame is not None and column in frame.columns:
            frame.loc[frame["row"] == row, column] = text
    return frames


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
    context = Context(lookups, department, report, submission.scans,
                       register_changed=_made_from_other_register(submission, lookups),
                       template_rows=_template_rows(submission.meta))
    rows = {
        T.ACTIVITIES: read_activities(context, tables.get(T.ACTIVITIES)),
        T.ASSESSMENTS: read_assessments(context, tables.get(T.ASSESSMENTS)),
        T.SICK_LEAVE: read_sick_leave(context, tables.get(T.SICK_LEAVE)),
        T.BUDGET: read_budget(context, tables.get(T.BUDGET)),
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
    version = meta.get(MetaKey.VERSION, "")
    if version != TEMPLATE_VERSION:
        if version in labels.READABLE_TEMPLATE_VERSIONS:
            report.add(make("file_old_template_readable", v_fil=version, v_ny=TEMPLATE_VERSION))
        else:
            # (only the digits 0-9: a superscript ² is a digit to isdigit(), not to int())
            newer = version.isascii() and version.isdigit() and \
                int(version) > int(TEMPLATE_VERSION)
            report.add(make("file_newer_template" if newer else "file_old_template",
                            fil=sub.name, v_fil=version, v_ny=TEMPLATE_VERSION))
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
    if ok and _made_from_other_register(sub, lookups) and \
            _own_rows_changed(sub.meta, lookups.register, department):
        report.add(make("file_register_changed"))
    return ok


def _own_rows_changed(meta: dict[str, str], register: Register, department: str) -> bool:
    """Whether the register's edit changed the department's own rows (its activities, the
    goals it owns, its budget categories) from those its template listed: an edit of other
    departments' rows is no remark on this one's file (a remark makes it "Godkänd med
    anmärkningar"). A template from before _meta listed them may have had other rows."""
    had = _template_rows(meta)
    now = {"activities": register.activities_for(department)["activity_id"],
           "goals": register.goals_owned_by(department)["ks_id"],
           "categories": register.budget_for(department)["category"]}
    return any(kind not in had or had[kind] != set(rows) for kind, rows in now.items())


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
                not is_feedback_sheet(sub.sheets[extra]):
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


def load_checks() -> None:
    """Load now what pandera loads on its first validation: its check backends and, where
    hypothesis is installed, its data-generation strategies (about 0.2 s). The nightly run
    calls this before it forks its workers, which then inherit it instead of each loading it
    again."""
    try:
        schemas.Activities.validate(pd.DataFrame(), lazy=True)
    except pa.errors.SchemaErrors:
        pass  # an empty frame fails, as it should: only the loading was wanted
