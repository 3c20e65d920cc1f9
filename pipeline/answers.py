"""A department's answers on the four data sheets (Aktiviteter, Målbedömning,
Sjukfrånvaro, Ekonomi), read cell by cell: Swedish dates, numbers and dropdown text become
typed values, each finding names its cell, and the checks within and across a sheet's rows
(register rows taken away or changed, own activities, totals, units, deviations) add their
Issues. `validate` runs these, then the pandera schemas over what they accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Collection, Container, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from schemas import submission as schemas
from schemas.register import ACTIVITY_ID, GOAL_ID

from .identity import IdentityNumber, find_identity_numbers, mask_identity_numbers
from .issues import Report, format_number, make
from .labels import (
    AGE_GROUPS,
    AMOUNT_UNIT_SPELLINGS,
    BUDGET_CATEGORIES,
    IDENTITY_MASKS,
    INPUT_COLUMNS,
    KRONOR_PER_UNIT,
    OWN_ACTIVITY_INPUT_COLUMNS,
    SEXES,
    STATUS_HINTS,
    TEMPLATE_COLUMNS,
    Assessment,
    Status,
    TemplateSheet,
    swedish_list,
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
from .sheets import Table, finding_issue

if TYPE_CHECKING:
    from .validate import _Lookups

T = TemplateSheet
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
TOTAL_TOLERANCE = 0.05  # a typed total that misses the rows' sum by 0.1 is told; 0.05 is rounding
FREE_TEXT_COLUMNS = {"title", "previous_comment", "comment", "suggestion", "analysis"}
# Locked columns shown for information; their cells are never read as answers.
INFORMATION_COLUMNS = {
    T.ACTIVITIES: ("previous_status", "previous_comment"),
    T.ASSESSMENTS: ("title", "suggestion"),
    T.BUDGET: ("budget", "deviation"),
}

Rows = list[dict[str, Any]]  # a sheet's accepted answers, one dict per Excel row


# --- cell reading ----------------------------------------------------------------------------

class Context:
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
        # (sheet, row, column) → the text with its identity numbers masked (see identity.py)
        self.masked: dict[tuple[str, int, str], str] = {}

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

    def first(self, seen: dict[Any, int], key: object, table: Table, column: str, row: int,
              what: str) -> bool:
        """Whether `row` is the first with `key` (kept in `seen`); a later one is refused as
        a duplicate of it, naming `what` it is about ("Målet \"1.1\"")."""
        if key in seen:
            self.issue("row_duplicate", table, column, row, vad=what,
                       rader=f"{seen[key]} och {row}")
            return False
        seen[key] = row
        return True

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
        found = find_identity_numbers(text)
        if found:
            self.identity_numbers(table, column, row, text, found)
        return text

    def identity_numbers(self, table: Table, column: str, row: int, text: str,
                         found: list[IdentityNumber]) -> None:
        """A personnummer in a text the committee will read: a remark (the rest of the file
        is fine), and the text masked in what the file gives the outputs (`masked`, applied
        once the schemas have checked the text as typed, whose length limit it keeps)."""
        kinds = Counter(number.kind for number in found)
        what = " och ".join(f"ett {kind}" if n == 1 else f"{n} {kind}"
                            for kind, n in kinds.items())
        masks = " och ".join(f'"{IDENTITY_MASKS[kind]}"' for kind in kinds)
        self.report.add(make("personal_identity_number", sheet=table.sheet,
                             cell=table.cell(column, row), kolumn=_swedish(table.sheet, column),
                             vad=what, ersättning=masks,
                             numret="numret" if len(found) == 1 else "numren"))
        self.masked[(table.sheet, row, column)] = mask_identity_numbers(text, found)

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
    listed = swedish_list(found)
    subject = (f"Kolumn {listed} på fliken {table.sheet} är dold" if len(found) == 1 else
               f"Kolumnerna {listed} på fliken {table.sheet} är dolda")
    first = found[0].split(" ", 1)[0]
    report.add(make("hidden_columns", sheet=table.sheet, cell=f"{first}{table.header_row}",
                    kolumner=subject, dem="kolumnen" if len(found) == 1 else "kolumnerna"))


def _typed_totals(ctx: Context, table: Table, totals: list[tuple[int, dict[str, object]]],
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


def _is_summary_row(context: Context, table: Table, row: int, text: str,
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

def read_activities(ctx: Context, table: Table | None) -> Rows | None:
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
                                rader=swedish_list(map(str, where))))
    # BAD_INPUTS X11 allows an "Inget att rapportera" marker; here every department has
    # register activities to report on, so an empty sheet is an error; in a file made from
    # an older register, the department may have had none then (its activities are all new).
    _rows_left_out(ctx, table, "activities", expected, seen,
                   ("activity_added_to_register", "activity_missing"),
                   lambda activity_id: {"titel": expected[activity_id].title})
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


def _rows_left_out(ctx: Context, table: Table, kind: str, expected: Collection[str],
                   seen: Container[str], codes: tuple[str, str],
                   details: Callable[[str], dict[str, str]] = lambda _: {}) -> None:
    """The department's register rows (activities, goals, budget categories) that its sheet
    leaves out. A sheet left empty is one problem, unless every row is new since the file's
    template (from an older register, the department may have had none then); otherwise each
    row is named, a row added to the register since the template by the first of `codes`."""
    if not table.rows and expected and not all(
            ctx.added_since_template(kind, item) for item in expected):
        ctx.report.add(make("sheet_empty", sheet=table.sheet, antal=len(expected)))
        return
    added, missing = codes
    for item in expected:
        if item not in seen:
            code = added if ctx.added_since_template(kind, item) else missing
            ctx.report.add(make(code, sheet=table.sheet, found=item, avdelning=ctx.department,
                                **details(item)))


def _activity_taken_away(ctx: Context, table: Table, row: int, activity_id: str) -> bool:
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
                  avdelning=ctx.department, ansvarig=swedish_list(responsible))
        return True
    if re.fullmatch(ACTIVITY_ID, activity_id):
        ctx.issue("activity_left_register", table, "activity_id", row, found=activity_id)
        return True
    return False


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


def _locked_changes(ctx: Context, table: Table, values: dict,  # type: ignore[type-arg]
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


def _goal_list(ctx: Context, table: Table, values: dict, row: int,  # type: ignore[type-arg]
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


def _status_warnings(ctx: Context, table: Table, rows: list[dict[str, Any]]) -> None:
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


def _unexplained_deviations(ctx: Context, table: Table, rows: list[dict[str, Any]]) -> None:
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


def read_assessments(ctx: Context, table: Table | None) -> Rows | None:
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
        if not ctx.first(seen, ks_id, table, "ks_id", row, f'Målet "{ks_id}"'):
            continue
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
    _rows_left_out(ctx, table, "goals", owned, seen,
                   ("goal_added_to_register", "goal_missing"))
    return rows


def read_sick_leave(ctx: Context, table: Table | None) -> Rows | None:
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
        if not ctx.first(seen, (sex, age), table, "sex", row, f"Raden för {sex}, {age}"):
            continue
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
        elif employees and employees > 0 and ordinary and \
                ordinary > employees * HOURS_PER_EMPLOYEE_MAX:  # −3 employees is an error of its own
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


def _empty_group(ctx: Context, table: Table, values: dict[str, object], row: int, sex: str,
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


def _sick_share_low(ctx: Context, table: Table, rows: Rows) -> None:
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


def read_budget(ctx: Context, table: Table | None) -> Rows | None:
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
        if not ctx.first(seen, category, table, "category", row, f'Kategorin "{category}"'):
            continue
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
    _rows_left_out(ctx, table, "categories", budgets, seen,
                   ("budget_category_added_to_register", "budget_category_missing"))
    return rows


def _told(comment: str | None) -> bool:
    """A comment that explains something: not empty, not a placeholder ("-", "?")."""
    return bool(comment) and not is_placeholder(comment or "")


def _unit_slips(ctx: Context, table: Table, line: dict[str, Any], unit: str) -> set[str]:
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


def _signs(ctx: Context, table: Table, rows: list[dict[str, Any]], column: str) -> None:
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
