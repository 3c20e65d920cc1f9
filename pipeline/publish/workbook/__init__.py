"""The merged goal register → the committee's consolidated workbook (xlsxwriter).

Every figure is computed in Python and written as a value, never as a formula, so the committee
reads exactly what was checked. Text that came from a department is always written as text.
The same inputs give the same bytes: the document's creation time is the data's as-of time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ... import figures
from ...issues import format_number
from ...labels import (
    ASSESSMENT_STYLE,
    DISAGREEMENT_REMARK,
    HIDDEN_FIGURE,
    HIDDEN_FIGURE_NOTE,
    NO,
    NOT_ASSESSED,
    NOT_REPORTED,
    OUTPUT_COLUMNS,
    OUTPUT_SHEETS,
    OWNER_MISSING_REMARK,
    SICK_LEAVE_HEADERS,
    SICK_LEAVE_INDICATOR,
    SICK_LEAVE_INDICATOR_HIDDEN,
    SICK_LEAVE_INDICATOR_MISSING,
    SICK_LEAVE_INDICATOR_NO_BASELINE,
    SICK_LEAVE_INDICATOR_PARTIAL,
    TOTAL,
    WHOLE_ORGAN_CODE,
    YES,
    Assessment,
    OutputSheet,
    Severity,
    Status,
    SubmissionState,
    WorkbookText,
)
from ...merge import FAR_AHEAD_DAYS, FLAG_TEXT, STATUS_SCORE, SUGGESTION_THRESHOLDS, Flag, Merged
from ...register import Register
from .cells import _assessment_text, _header_height, _height, _local, _missing, _text, _write
from .layout import _Column, _Context, _name_width, _notes, _page, _table
from .styles import (
    AMOUNT,
    FLAG_FILL,
    FONT_SIZE,
    GREY_TEXT,
    NAME_FONT_SIZE,
    NOT_REPORTED_FILL,
    NUMERIC_KINDS,
    PERCENT,
    PERCENT_BASELINE,
    POINTS,
    SEVERITY_FILL,
    STATE_FILL,
    _Styles,
)
from .summary import _write_summary

OS, WT = OutputSheet, WorkbookText


# --- entry point -----------------------------------------------------------------------------

@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Until the book is closed, xlsxwriter holds every cell as a small object: about 200 000
    at 300 departments. While they pile up, Python's cycle collector walks them and the rest
    of the heap again and again (a fifth of the time), though they form no cycles; reference
    counting frees them all the same."""
    if not gc.isenabled():  # the caller has paused it already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_cycle_collection_paused()
def write_workbook(path: Path, register: Register, merged: Merged, submissions: pd.DataFrame,
                   issues: pd.DataFrame, *, as_of: dt.datetime,
                   previous: Merged | None = None) -> None:
    """Write outbox/sammanstallning_<period>.xlsx (the caller wraps it in an atomic write)."""
    settings = register.settings
    as_of_local = _local(as_of) or dt.datetime(settings.year, 1, 1)
    book = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_format_properties": {"font_name": "Calibri", "font_size": FONT_SIZE},
    })
    book.set_properties({
        "title": WT.TITLE.format(period=merged.period, organ=settings.organ),
        "subject": f"{settings.municipality}, {settings.organ}",
        "author": "Målsystem",
        "company": settings.municipality,
        "created": as_of_local,
    })
    ctx = _Context(register, merged, previous, _Styles(book), as_of_local)
    ctx.page_header = (f"&L{_escape(settings.municipality)}, {_escape(settings.organ)}"
                       f"&C{_escape(WT.PAGE_HEADER.format(period=merged.period))}"
                       f"&R{WT.PAGE_NUMBER}")
    ctx.page_footer = f"&L{WT.DATA_AS_OF} {as_of_local:%Y-%m-%d %H:%M}&R&A"

    sheets = {name: book.add_worksheet(name) for name in OUTPUT_SHEETS}
    sick_rows = _sick_leave_rows(ctx)
    _write_summary(book, sheets[OS.SUMMARY], ctx, submissions)
    _write_goals(sheets[OS.GOALS], ctx, sick_rows)
    _write_activities(sheets[OS.ACTIVITIES], ctx)
    _write_sick_leave(sheets[OS.SICK_LEAVE], ctx, sick_rows)
    _write_budget(sheets[OS.BUDGET], ctx)
    _write_submissions(sheets[OS.SUBMISSIONS], ctx, submissions)
    _write_issues(sheets[OS.DATA_QUALITY], ctx, issues)
    sheets[OS.SUMMARY].activate()
    book.close()


# --- shared machinery ------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("&", "&&")


# --- Sammanfattning --------------------------------------------------------------------------


# --- Måluppföljning --------------------------------------------------------------------------

def _percent_text(share: float, decimals: int = 1) -> str:
    return f"{format_number(figures.round_half_up(share * 100, decimals), decimals)} %"


def _baseline_text(share: float) -> str:
    return f"{format_number(*figures.baseline_percent(share))} %"


def _points_text(points: float) -> str:
    return ("+" if points > 0 else "±" if points == 0 else "") + format_number(points, 1)


def sick_leave_indicator(rows: pd.DataFrame, register: Register,
                         baselines: dict[str, tuple[float, dt.date]]) -> str:
    organ = rows[rows["department"] == WHOLE_ORGAN_CODE].iloc[0]
    if not organ["reported"]:
        return SICK_LEAVE_INDICATOR_MISSING
    if organ["total_hidden"] or _missing(organ["total"]):
        return SICK_LEAVE_INDICATOR_HIDDEN
    value = _percent_text(organ["total"])
    if not figures.all_reported(rows):  # no change: see _sick_leave_rows
        return SICK_LEAVE_INDICATOR_PARTIAL.format(värde=value,
                                                   antal=figures.reported_count(rows),
                                                   av=len(register.department_codes))
    if WHOLE_ORGAN_CODE not in baselines:
        return SICK_LEAVE_INDICATOR_NO_BASELINE.format(värde=value)
    base, date = baselines[WHOLE_ORGAN_CODE]
    return SICK_LEAVE_INDICATOR.format(
        värde=value, basvärde=_baseline_text(base), datum=f"{date:%Y-%m-%d}",
        förändring=_points_text(organ["change_baseline"]))


def _write_goals(sheet: Worksheet, ctx: _Context, sick_rows: pd.DataFrame) -> None:
    register, merged = ctx.register, ctx.merged
    _page(sheet, ctx)
    widths = {"kf_id": 6, "kf_title": 22, "ks_id": 8, "title": 28, "area": 10,
              "owner": _name_width(ctx, 17), "assessment": 14, "suggestion": 13, "remark": 20, "analysis": 50}
    columns = []
    for header, key in OUTPUT_COLUMNS[OS.GOALS].items():
        if key in widths:
            columns.append(_Column(header, key, widths[key]))
        else:
            columns.append(_Column(header, key, 4.2, "count", rotate=True))
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    indicator_goal = figures.sick_leave_goal(register)
    indicator = sick_leave_indicator(sick_rows, register, _baselines(register)) \
        if indicator_goal else ""
    rows = []
    previous_kf = None
    for goal in merged.goals.itertuples():
        assessment = goal.assessment if isinstance(goal.assessment, str) else None
        suggestion = goal.suggestion if isinstance(goal.suggestion, str) else None
        remarks = []
        if goal.disagreement:
            remarks.append(DISAGREEMENT_REMARK)
        if not goal.reported:
            remarks.append(OWNER_MISSING_REMARK.format(avdelning=ctx.name(goal.owner)))
        if goal.ks_id == indicator_goal:
            remarks.append(indicator)
        counts = {s.name: int(getattr(goal, s.name)) for s in Status}
        row: dict[str, Any] = {
            "kf_id": goal.kf_id, "kf_title": goal.kf_title, "ks_id": goal.ks_id,
            "title": goal.title, "area": goal.area, "owner": ctx.name(goal.owner),
            "assessment": _assessment_text(assessment) or (
                NOT_ASSESSED if goal.reported else NOT_REPORTED),
            "suggestion": _assessment_text(suggestion), "remark": "\n".join(remarks),
            "analysis": _text(goal.analysis), "activities": int(goal.activities), **counts,
            "unreported": int(goal.activities) - sum(counts.values()),
        }
        style: dict[str, dict[str, Any]] = {"assessment": {}}
        if assessment:
            style["assessment"] = {"bold": True,
                                   "bg_color": ASSESSMENT_STYLE[Assessment(assessment)][1]}
        else:
            style["assessment"] = {"italic": True, "font_color": GREY_TEXT,
                                   "bg_color": NOT_REPORTED_FILL}
        if goal.disagreement:
            style["remark"] = {"bold": True, "font_color": "#C00000"}
        row["_style"] = style
        style["owner"] = {"font_size": NAME_FONT_SIZE}
        if goal.kf_id == previous_kf:  # the same KF goal again: there, but quieter
            style["kf_id"] = style["kf_title"] = {"font_color": "#A6A6A6"}
        elif previous_kf is not None:
            row["_row"] = {"top": 2, "top_color": "#808080"}
        previous_kf = goal.kf_id
        rows.append(row)
    last = _table(sheet, ctx, 0, columns, rows, header_height=118, empty=WT.NO_GOALS)
    sheet.freeze_panes(1, 0)
    symbols = ", ".join(_assessment_text(a) for a in Assessment)
    _notes(sheet, ctx, last + 2, len(columns), [
        WT.ASSESSMENT_NOTE.format(symboler=symbols), _suggestion_note(),
        WT.COUNTED_PER_DEPARTMENT])


def _suggestion_note() -> str:
    """The suggestion rule in words, from the numbers merge uses."""
    by_score: dict[float, list[str]] = {}
    for status, score in STATUS_SCORE.items():
        by_score.setdefault(score, []).append(status.value.lower())
    points = "; ".join(f"{' och '.join(statuses)} {format_number(score)}"
                       for score, statuses in sorted(by_score.items(), reverse=True))
    limits = [f"{format_number(limit)} eller mer ger {assessment.value}"
              for limit, assessment in SUGGESTION_THRESHOLDS if limit != float("-inf")]
    rule = ", ".join(limits) + f", annars {SUGGESTION_THRESHOLDS[-1][1].value}"
    return WT.SUGGESTION_NOTE.format(poäng=points, gränser=rule)


# --- Aktiviteter -----------------------------------------------------------------------------

# Cell styles many rows share (never changed: _table only reads them).
SMALL_TEXT: dict[str, Any] = {"font_size": NAME_FONT_SIZE}
UNREPORTED_STYLE: dict[str, Any] = {"italic": True, "font_color": GREY_TEXT,
                                    "bg_color": NOT_REPORTED_FILL}
FLAG_STYLE: dict[str, Any] = {"bold": True, "bg_color": FLAG_FILL}


def _write_activities(sheet: Worksheet, ctx: _Context) -> None:
    _page(sheet, ctx)
    widths = {"activity_id": 11.5, "ks_ids": 8.5, "title": 30,
              "department": _name_width(ctx, 19),
              "start": 10, "end": 10, "status": 18, "comment": 44, "previous_status": 18,
              "flags": 20}
    kinds = {"start": "date", "end": "date"}
    columns = [_Column(header, key, widths[key], kinds.get(key, "text"))
               for header, key in OUTPUT_COLUMNS[OS.ACTIVITIES].items()]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    acts = ctx.merged.activities
    fields = ("activity_id", "ks_ids", "title", "department", "start", "end", "status",
              "comment", "previous_status", "flags")
    # The four styles a row can have (not reported? flagged?), each one dict that its rows
    # share: _table finds a shared style's Formats once.
    row_styles = {(unreported, flagged): {"department": SMALL_TEXT,
                                          **({"status": UNREPORTED_STYLE} if unreported else {}),
                                          **({"flags": FLAG_STYLE} if flagged else {})}
                  for unreported in (False, True) for flagged in (False, True)}
    rows = []
    # Plain lists zipped: far cheaper than itertuples' named tuples over 15 000 rows.
    for (activity_id, ks_ids, title, department, start, end, status, comment, previous_status,
         flags) in zip(*(acts[name].tolist() for name in fields), strict=True):
        status = status if isinstance(status, str) else None
        shown_flags = [FLAG_TEXT[f] for f in tuple(flags) if f != Flag.NOT_REPORTED]
        rows.append({
            "activity_id": activity_id, "ks_ids": "; ".join(ks_ids), "title": title,
            "department": ctx.name(department), "start": start, "end": end,
            "status": status or NOT_REPORTED, "comment": _text(comment),
            "previous_status": _text(previous_status), "flags": "\n".join(shown_flags),
            "_style": row_styles[status is None, bool(shown_flags)],
        })
    last = _table(sheet, ctx, 0, columns, rows, empty=WT.NO_ACTIVITIES)
    sheet.freeze_panes(1, 0)
    notes = [WT.FLAG_NOTE.format(dagar=FAR_AHEAD_DAYS)]
    earlier = ctx.register.previous_period(ctx.merged.period)
    if ctx.previous is None and earlier is not None:  # an empty column, said why
        notes.append(WT.NO_PREVIOUS_STATUS.format(period=earlier))
    elif earlier is None and ctx.merged.activities["previous_status"].map(
            lambda s: isinstance(s, str)).any():
        notes.append(WT.LAST_YEAR_STATUS)
    _notes(sheet, ctx, last + 2, len(columns), notes)


# --- Sjukfrånvaro ----------------------------------------------------------------------------

def _baselines(register: Register) -> dict[str, tuple[float, dt.date]]:
    """The latest baseline share and its date per unit (figures.baseline_shares' choice)."""
    shares = figures.baseline_shares(register)
    frame = register.baselines.sort_values("date")
    dates = dict(zip(frame["department"], frame["date"], strict=True))
    return {code: (float(share), dates[code]) for code, share in shares.items()}


def _sick_leave_rows(ctx: _Context) -> pd.DataFrame:
    """figures.sick_leave_table with the shown (rounded) shares and the changes in
    percentage points, computed from the values as shown so that they add up for a reader."""
    register = ctx.register
    table = figures.sick_leave_table(ctx.merged.sick_leave, register)
    for figure in figures.FIGURES:
        table[figure] = table[figure].map(lambda v: figures.round_half_up(v, 3))
    baselines = _baselines(register)
    # The organ's figure covers only the departments that reported: against a baseline or a
    # period that covered them all, a missing department would show as a change that is not
    # there. Its changes are shown when all have reported, then and now.
    complete = figures.all_reported(table)
    previous, previous_complete = None, False
    if ctx.previous is not None:
        earlier = figures.sick_leave_table(ctx.previous.sick_leave, register)
        previous_complete = figures.all_reported(earlier)
        previous = earlier.set_index("department")
    change_baseline, previous_total, change_previous, baseline_share = [], [], [], []
    for row in table.itertuples():
        shown = not row.total_hidden and not _missing(row.total)
        organ = row.department == WHOLE_ORGAN_CODE
        base = baselines.get(row.department)
        baseline_share.append(base[0] if base else float("nan"))
        change_baseline.append(figures.points_change(row.total, base[0])
                               if shown and base and (complete or not organ) else float("nan"))
        before = float("nan")
        if previous is not None and row.department in previous.index:
            prev = previous.loc[row.department]
            if not prev["total_hidden"] and not _missing(prev["total"]):
                before = figures.round_half_up(float(prev["total"]), 3)
        previous_total.append(before)
        comparable = not organ or (complete and previous_complete)
        change_previous.append(figures.round_half_up((row.total - before) * 100, 1) + 0.0
                               if shown and not _missing(before) and comparable
                               else float("nan"))
    return table.assign(baseline=baseline_share, change_baseline=change_baseline,
                        previous_total=previous_total, change_previous=change_previous)


def _write_sick_leave(sheet: Worksheet, ctx: _Context, rows: pd.DataFrame) -> None:
    register, styles = ctx.register, ctx.styles
    _page(sheet, ctx)
    baselines = _baselines(register)
    dates = sorted({date for _, date in baselines.values()})
    baseline_header = WT.BASELINE + (f" {dates[0]:%Y-%m-%d}" if len(dates) == 1 else "")
    previous_period = ctx.previous.period if ctx.previous is not None else None
    columns = [_Column(WT.DEPARTMENT, "name", 26)]
    columns += [_Column(SICK_LEAVE_HEADERS.get(f, figures.FIGURE_LABELS[f]), f,
                        20 if f == "long_term" else 12, "percent") for f in figures.FIGURES]
    columns += [_Column(baseline_header, "baseline", 12, "baseline"),
                _Column(WT.CHANGE_BASELINE, "change_baseline", 15, "points")]
    if previous_period:
        columns += [_Column(WT.PREVIOUS_PERIOD.format(period=previous_period),
                            "previous_total", 12, "percent"),
                    _Column(WT.CHANGE_PREVIOUS, "change_previous", 15, "points")]
    columns.append(_Column(WT.REMARK, "note", 26))
    formats = {"percent": PERCENT, "baseline": PERCENT_BASELINE, "points": POINTS}
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
        sheet.write_string(0, c, column.header,
                           styles.header(right=column.kind in NUMERIC_KINDS))
    sheet.set_row(0, _header_height([(c.header, c.width) for c in columns]))
    any_hidden = False
    r = 0
    for row in rows.to_dict("records"):
        r += 1
        organ = row["department"] == WHOLE_ORGAN_CODE
        extra: dict[str, Any] = {"bold": True, "top": 1, "top_color": "#000000"} if organ \
            else {}
        note = ""
        if not row["reported"]:
            note = NOT_REPORTED
        elif organ:
            reported = figures.reported_count(rows)
            if reported < len(register.department_codes):
                note = WT.PART_OF_ORGAN.format(antal=reported, av=len(register.department_codes))
        for c, column in enumerate(columns):
            value = row.get(column.key)
            if column.key == "name":
                _write(styles, sheet, r, c, value, styles.get(**extra))
            elif column.key == "note":
                _write(styles, sheet, r, c, note, styles.get(italic=bool(note), **extra))
            elif column.key in figures.FIGURES and row[f"{column.key}_hidden"]:
                any_hidden = True
                sheet.write_string(r, c, HIDDEN_FIGURE, styles.get(align="right", **extra))
            else:
                _write(styles, sheet, r, c, value, styles.get(num_format=formats[column.kind],
                                                      **extra))
        sheet.set_row(r, _height([(row["name"], 26), (note, 24)]))
    sheet.freeze_panes(1, 1)
    notes = list(WT.SICK_LEAVE_NOTES)
    if any_hidden:
        notes.insert(0, HIDDEN_FIGURE_NOTE)
    earlier = register.previous_period(ctx.merged.period)
    if previous_period is None and earlier is not None:
        notes.append(WT.NO_PREVIOUS_PERIOD.format(period=earlier))
    if len(dates) > 1:
        notes.append(WT.BASELINE_DATES.format(lista="; ".join(
            f"{ctx.name(code)} {date:%Y-%m-%d}" for code, (_, date) in baselines.items())))
    _notes(sheet, ctx, r + 2, len(columns), notes)


# --- Ekonomi ---------------------------------------------------------------------------------

def _write_budget(sheet: Worksheet, ctx: _Context) -> None:
    register, styles = ctx.register, ctx.styles
    unit = register.settings.unit
    _page(sheet, ctx, header_rows=None)
    widths = [30, 13, 13, 13, 13, 60]
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    lines = figures.rounded_lines(ctx.merged.budget)
    by_department = figures.budget_by_department(lines, register)
    by_category = figures.budget_by_category(lines, register)

    sheet.write_string(0, 0, WT.BUDGET_TITLE.format(period=ctx.merged.period), styles.title)
    sheet.set_row(0, 24)
    sheet.merge_range(1, 0, 1, len(widths) - 1, WT.BUDGET_NOTE.format(enhet=unit), styles.note)
    sheet.set_row(1, 30)
    r = 3
    sheet.write_string(r, 0, WT.PER_DEPARTMENT, styles.section)
    r = _budget_table(sheet, ctx, r + 1, WT.DEPARTMENT, [
        (ctx.name(row["department"]), row) for row in by_department.to_dict("records")],
        lines, "department")
    r += 2
    sheet.write_string(r, 0, WT.PER_CATEGORY, styles.section)
    r = _budget_table(sheet, ctx, r + 1, WT.CATEGORY, [
        (TOTAL if row["category"] == WHOLE_ORGAN_CODE else row["category"], row)
        for row in by_category.to_dict("records")], lines, "category")
    r += 2
    sheet.set_h_pagebreaks([r])
    sheet.write_string(r, 0, WT.PER_LINE, styles.section)
    r += 1
    headers = [WT.LINE, *WT.AMOUNTS, WT.COMMENT]
    for c, header in enumerate(headers):
        sheet.write_string(r, c, header, styles.header(right=1 <= c <= 4))
    sheet.set_row(r, 17)
    departments = {row["department"]: row for row in by_department.to_dict("records")}
    lines_of: dict[object, list[dict[str, Any]]] = {}  # department -> its lines, in order
    for line in lines.to_dict("records"):
        lines_of.setdefault(line["department"], []).append(line)
    for code in register.department_codes:
        mine = lines_of.get(code)
        if not mine:
            continue
        r += 1
        total = departments[code]
        _amount_row(sheet, ctx, r, ctx.name(code), total, {"bold": True, "bg_color": "#F2F2F2"})
        _write(styles, sheet, r, 5, "" if total["complete"] else NOT_REPORTED,
               styles.get(bold=True, italic=True, bg_color="#F2F2F2"))
        for line in mine:
            r += 1
            deviation = line["budget"] - line["forecast"] if not _missing(line["forecast"]) \
                else float("nan")
            _amount_row(sheet, ctx, r, line["category"],
                        {**line, "deviation": figures.round_half_up(deviation, 1)},
                        {"indent": 1, "align": "left"})
            _write(styles, sheet, r, 5, _text(line.get("comment")), styles.get())
            sheet.set_row(r, _height([(_text(line.get("comment")), widths[5])]))


def _amount_row(sheet: Worksheet, ctx: _Context, r: int, label: str, values: Any,
                props: dict[str, Any]) -> None:
    styles = ctx.styles
    sheet.write_string(r, 0, label, styles.get(**props))
    amount = styles.get(num_format=AMOUNT, **{k: v for k, v in props.items()
                                              if k not in ("indent", "align")})
    for c, key in enumerate(("budget", "outcome", "forecast", "deviation"), start=1):
        value = values[key]
        _write(styles, sheet, r, c, float(value) if not _missing(value) else None, amount)


def _budget_table(sheet: Worksheet, ctx: _Context, first: int, label: str,
                  rows: list[tuple[str, dict[str, Any]]], lines: pd.DataFrame,
                  key: str) -> int:
    styles = ctx.styles
    headers = [label, *WT.AMOUNTS, WT.REMARK]
    for c, header in enumerate(headers):
        sheet.write_string(first, c, header, styles.header(right=1 <= c <= 4))
    sheet.set_row(first, 17)
    # Who has not reported, per row of the table (a department or a category).
    silent_lines = lines.loc[lines["forecast"].isna()]
    silent = {value: set(part["department"]) for value, part in silent_lines.groupby(key)}
    r = first
    for name, row in rows:
        r += 1
        total = row[key] == WHOLE_ORGAN_CODE
        props: dict[str, Any] = {"bold": True, "top": 1, "top_color": "#000000"} if total \
            else {}
        _amount_row(sheet, ctx, r, TOTAL if total else name, row, props)
        note = ""
        if not row["complete"]:
            mine = set(silent_lines["department"]) if total else silent.get(row[key], set())
            missing = [ctx.name(c) for c in ctx.register.department_codes if c in mine]
            note = NOT_REPORTED if key == "department" and not total else \
                WT.INCOMPLETE.format(avdelningar=", ".join(missing))
        _write(styles, sheet, r, 5, note, styles.get(italic=True, **props))
        sheet.set_row(r, _height([(note, 60)]))
    return r


# --- Inlämningar and Datakvalitet ------------------------------------------------------------

def _order(ctx: _Context, code: object) -> int:
    """The department's place in the register; an unknown one comes last."""
    return ctx.department_order.get(code, len(ctx.department_order))


def _write_submissions(sheet: Worksheet, ctx: _Context, submissions: pd.DataFrame) -> None:
    _page(sheet, ctx)
    widths = {"department": _name_width(ctx, 18), "file": 30, "folder": 7, "received": 15,
              "saved_at": 15, "state": 15, "counts": 7, "errors": 5, "warnings": 13,
              "sha256": 52}
    kinds = {"received": "datetime", "saved_at": "datetime", "errors": "int",
             "warnings": "int"}
    columns = [_Column(h, k, widths[k], kinds.get(k, "text"))
               for h, k in OUTPUT_COLUMNS[OS.SUBMISSIONS].items()]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    records = submissions.to_dict("records") if not submissions.empty else []
    records.sort(key=lambda s: (_order(ctx, s.get("department")),
                                _local(s.get("received")) or dt.datetime.min))
    rows = []
    for sub in records:
        state = str(sub.get("state", ""))
        style: dict[str, dict[str, Any]] = {"sha256": {"font_size": 8},
                                            "counts": {"align": "center"},
                                            "department": {"font_size": NAME_FONT_SIZE}}
        if state in STATE_FILL:
            style["state"] = {"bg_color": STATE_FILL[SubmissionState(state)]}
        else:
            style["state"] = {"font_color": GREY_TEXT}
        rows.append({"department": ctx.name(sub.get("department")),
                     "file": _text(sub.get("file")), "folder": _text(sub.get("folder")),
                     "received": _local(sub.get("received")),
                     "saved_at": _local(sub.get("saved_at")), "state": state,
                     "counts": YES if bool(sub.get("counts")) else NO,
                     "errors": int(sub.get("errors") or 0),
                     "warnings": int(sub.get("warnings") or 0),
                     "sha256": _text(sub.get("sha256")), "_style": style})
    last = _table(sheet, ctx, 0, columns, rows, empty=WT.NO_FILES)
    sheet.freeze_panes(1, 0)
    _notes(sheet, ctx, last + 2, len(columns), [WT.SUBMISSIONS_NOTE])


def _write_issues(sheet: Worksheet, ctx: _Context, issues: pd.DataFrame) -> None:
    _page(sheet, ctx)
    widths = {"department": _name_width(ctx, 18), "file": 28, "severity": 12, "sheet": 13,
              "cell": 9,
              "message": 90}
    columns = [_Column(h, k, widths[k]) for h, k in OUTPUT_COLUMNS[OS.DATA_QUALITY].items()]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    records = issues.to_dict("records") if not issues.empty else []
    severity_order = {Severity.ERROR.value: 0, Severity.WARNING.value: 1}
    indexed = sorted(enumerate(records), key=lambda item: (
        _order(ctx, item[1].get("department")), _text(item[1].get("file")),
        severity_order.get(_text(item[1].get("severity")), 2), item[0]))
    rows = []
    for _, issue in indexed:
        severity = _text(issue.get("severity"))
        fill = SEVERITY_FILL.get(Severity(severity)) if severity in severity_order else None
        rows.append({"department": ctx.name(issue.get("department")),
                     "file": _text(issue.get("file")), "severity": severity,
                     "sheet": _text(issue.get("sheet")), "cell": _text(issue.get("cell")),
                     "message": _text(issue.get("message")),
                     "_style": {"severity": {"bg_color": fill} if fill else {},
                                "department": {"font_size": NAME_FONT_SIZE}}})
    _table(sheet, ctx, 0, columns, rows, empty=WT.NO_ISSUES)
    sheet.freeze_panes(1, 0)
