"""Sammanfattning: the headline, goals per assessment, activities per status, who has reported
(and when, and in time), and the two charts."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ...figures import goals_by_area, headline, shares
from ...labels import (
    ASSESSMENT_STYLE,
    NO,
    NOT_ASSESSED,
    NOT_REPORTED,
    PERIOD_NAMES,
    SUBMISSION_MISSING,
    SUBMISSION_REJECTED,
    TOTAL,
    YES,
    Assessment,
    OutputSheet,
    Status,
    SubmissionState,
    WorkbookText,
)
from ...merge import Flag, Merged
from ...register import Register
from .cells import _assessment_text, _local, _text, _write
from .layout import _Column, _Context, _page, _table, _text_lines
from .styles import BLUE, HEADLINE_SIZE, LINE, NOT_REPORTED_FILL, STATE_FILL

OS, WT = OutputSheet, WorkbookText
ACCEPTED_STATES = (SubmissionState.ACCEPTED.value, SubmissionState.ACCEPTED_WITH_WARNINGS.value)


@dataclass
class _DepartmentState:
    code: str
    state: str  # a SubmissionState value, SUBMISSION_MISSING or SUBMISSION_REJECTED
    received: dt.datetime | None
    in_time: bool | None
    file: str
    note: str


def department_states(register: Register, period: str, submissions: pd.DataFrame,
                      reported: set[str], as_of: dt.datetime) -> list[_DepartmentState]:
    """Per register department: the file that counts (state, when, in time), or why none."""
    deadline: dt.date = register.period(period)["deadline"]
    records = submissions.to_dict("records") if not submissions.empty else []

    def when(record: dict[str, Any]) -> dt.datetime:
        return _local(record.get("received")) or dt.datetime.min

    by_department: dict[object, list[dict[str, Any]]] = {}
    for record in records:
        by_department.setdefault(record.get("department"), []).append(record)
    states = []
    for code in register.department_codes:
        mine = sorted(by_department.get(code, []), key=when)
        counting = [r for r in mine if bool(r.get("counts")) and r.get("state") in
                    ACCEPTED_STATES]
        rejected = [r for r in mine if r.get("state") in (SubmissionState.REJECTED.value,
                                                         SubmissionState.QUARANTINED.value)]
        if counting:
            best = counting[-1]
            received = _local(best.get("received"))
            later = [str(r.get("file")) + _quarantine_suffix(r)
                     for r in rejected if received and when(r) > received]
            # what the remarks are is on Datakvalitet; here the committee sees there are some
            warnings = int(best.get("warnings") or 0)
            notes = [WT.WITH_WARNINGS[warnings != 1].format(antal=warnings)] if warnings else []
            if later:
                notes.append(WT.LATER_REJECTED.format(filer=", ".join(later)))
            # a department that reported in time and corrected its report after the deadline
            # (a superseded file was accepted then) has not missed the deadline
            first = next((when(r) for r in mine if r.get("state") in
                          (*ACCEPTED_STATES, SubmissionState.SUPERSEDED.value)
                          and _local(r.get("received")) is not None), None)
            in_time = None if received is None else received.date() <= deadline
            if in_time is False and first is not None and first.date() <= deadline:
                in_time = True
                notes.append(WT.CORRECTED_AFTER_DEADLINE.format(datum=f"{first:%Y-%m-%d}"))
            note = " ".join(notes)
            states.append(_DepartmentState(
                code, str(best["state"]), received, in_time, _text(best.get("file")), note))
        elif code in reported:  # accepted according to the merge, though no file is listed
            states.append(_DepartmentState(code, SubmissionState.ACCEPTED.value, None, None,
                                           "", ""))
        elif rejected:
            # the latest refused file, in the word Inlämningar and `pipeline status` use: a
            # file in quarantine is a security matter, not errors for its department to mend
            last = rejected[-1]
            quarantined = last.get("state") == SubmissionState.QUARANTINED.value
            states.append(_DepartmentState(
                code, SubmissionState.QUARANTINED.value if quarantined else SUBMISSION_REJECTED,
                _local(last.get("received")), None, _text(last.get("file")),
                (WT.ONLY_RELEASED if last.get("released") else WT.ONLY_QUARANTINED)
                if quarantined else WT.ONLY_REJECTED.format(fel=int(last.get("errors") or 0))))
        else:
            text = WT.DEADLINE_PASSED if as_of.date() > deadline else WT.DEADLINE_COMING
            states.append(_DepartmentState(code, SUBMISSION_MISSING, None, None, "",
                                           text.format(datum=f"{deadline:%Y-%m-%d}")))
    return states


def _quarantine_suffix(record: dict[str, Any]) -> str:
    """After a later refused file's name: whether it is in quarantine, or was and has been
    taken out of it since (`Archive.released`)."""
    if record.get("state") != SubmissionState.QUARANTINED.value:
        return ""
    return WT.RELEASED if record.get("released") else WT.IN_QUARANTINE


def _reported_departments(merged: Merged) -> set[str]:
    acts = merged.activities
    reported = {department for department, flags in zip(acts["department"].tolist(),
                                                         acts["flags"].tolist(), strict=True)
                if Flag.NOT_REPORTED not in tuple(flags)}
    reported |= set(merged.sick_leave["department"]) if not merged.sick_leave.empty else set()
    reported |= set(merged.goals.loc[merged.goals["reported"].astype(bool), "owner"])
    return reported


# Up to this many departments the sheet prints on one page, the list of who has reported
# beside the tables; more, and the list goes below them, over as many pages as it needs.
SUMMARY_MAX_DEPARTMENTS = 25
# A–C goals and statuses, D a gap, E–J submissions; below them A–G the goals per area (D
# holds its Knappt uppfyllt: at 3 wide, as a gap alone, it showed "◑ Kna")
SUMMARY_WIDTHS = (30, 15, 9, 9, 27, 23, 16, 6, 24, 34)


def _write_summary(book: xlsxwriter.Workbook, sheet: Worksheet, ctx: _Context,
                   submissions: pd.DataFrame) -> None:
    styles, register, merged = ctx.styles, ctx.register, ctx.merged
    settings = register.settings
    period_row = register.period(merged.period)
    _page(sheet, ctx, header_rows=None)
    for c, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(c, c, width)

    sheet.write_string(0, 0, WT.TITLE.format(period=merged.period, organ=settings.organ),
                       styles.title)
    sheet.set_row(0, 24)
    facts: list[tuple[str, object, Format]] = [
        (WT.MUNICIPALITY, settings.municipality, styles.plain),
        (WT.ORGAN, settings.organ, styles.plain),
        (WT.PERIOD, WT.PERIOD_TEXT.format(period=merged.period, år=settings.year,
                                          namn=PERIOD_NAMES[merged.period[-2:]]),
         styles.plain),
        (WT.PERIOD_END, period_row["period_end"], styles.plain_date),
        (WT.DEADLINE, period_row["deadline"], styles.plain_date),
        (WT.DATA_AS_OF, ctx.as_of, styles.plain_datetime),
    ]
    r = 2
    for label, value, fmt in facts:  # B is wide enough for a date and time (no ####)
        sheet.write_string(r, 0, label, styles.label)
        _write(styles, sheet, r, 1, value, fmt)
        r += 1

    goals = merged.goals
    assessments = [a if isinstance(a, str) else None for a in goals["assessment"]]
    r = _text_lines(sheet, r + 1, 0, headline(assessments), sum(SUMMARY_WIDTHS),
                    styles.headline, size=HEADLINE_SIZE, bold=True, height=22)
    top = r + 1

    # Left: goals per assessment, then activities per status.
    sheet.write_string(top, 0, WT.GOALS_PER_ASSESSMENT, styles.section)
    counts = [(a.value, sum(1 for x in assessments if x == a.value)) for a in Assessment]
    unassessed = sum(1 for x in assessments if x is None)
    # whole per cents that add up to the total's 100 %, as the report's table shows them
    goal_shares = _shares([n for _, n in counts] + [unassessed])
    rows: list[dict[str, Any]] = [
        {"label": _assessment_text(a), "count": n, "share": share,
         "_style": {"label": {"bold": True, "bg_color": ASSESSMENT_STYLE[Assessment(a)][1]}}}
        for (a, n), share in zip(counts, goal_shares, strict=False)]
    if unassessed:
        rows.append({"label": NOT_ASSESSED, "count": unassessed, "share": goal_shares[-1],
                     "_style": {"label": {"italic": True}}})
    rows.append({"label": TOTAL, "count": len(assessments),
                 "share": _share(len(assessments), len(assessments)),
                 "_row": {"bold": True, "top": 1}})
    goal_table = top + 1
    left = _table(sheet, ctx, goal_table, [
        _Column(WT.ASSESSMENT, "label", 30), _Column(WT.GOAL_COUNT, "count", 11, "int"),
        _Column(WT.SHARE, "share", 9, "share")], rows, header_height=17, autofilter=False)

    left += 2
    sheet.write_string(left, 0, WT.ACTIVITIES_PER_STATUS, styles.section)
    statuses = Counter(s if isinstance(s, str) else None
                       for s in merged.activities["status"].tolist())
    total = statuses.total()
    missing = statuses[None]
    status_shares = _shares([statuses[s.value] for s in Status] + [missing])
    rows = [{"label": s.value, "count": statuses[s.value], "share": share}
            for s, share in zip(Status, status_shares, strict=False)]
    rows.append({"label": NOT_REPORTED, "count": missing, "share": status_shares[-1],
                 "_style": {"label": {"italic": True}}})
    rows.append({"label": TOTAL, "count": total, "share": _share(total, total),
                 "_row": {"bold": True, "top": 1}})
    status_table = left + 1
    left = _table(sheet, ctx, status_table, [
        _Column(WT.STATUS, "label", 30), _Column(WT.COUNT, "count", 11, "int"),
        _Column(WT.SHARE, "share", 9, "share")], rows, header_height=17, autofilter=False)

    # Right: who has reported, then the two charts. With many departments the table goes
    # below everything else, and the sheet prints on as many pages as it needs: fitted to
    # one page, 300 departments shrank the whole sheet to an unreadable tenth.
    states = department_states(register, merged.period, submissions,
                               _reported_departments(merged), ctx.as_of)
    long_list = len(states) > SUMMARY_MAX_DEPARTMENTS
    if long_list:
        sheet.fit_to_pages(1, 0)
        right = _summary_charts(book, sheet, top, goal_table, status_table, counts,
                                unassessed, statuses)
        r = _area_table(sheet, ctx, max(left, right) + 2) + 2
        r = _text_lines(sheet, r, 0, f"{WT.SUMMARY_NOTE} {WT.COUNTED_PER_DEPARTMENT}",
                        sum(SUMMARY_WIDTHS), styles.note) + 1
        sheet.write_string(r, 4, WT.SUBMISSIONS_PER_DEPARTMENT, styles.section)
        # who is missing above the list, not after some pages of it
        r = _submission_lines(sheet, ctx, r + 1, states) + 1
        _submission_table(sheet, ctx, r, states)
        sheet.repeat_rows(r)  # the table's header on every printed page
        return
    sheet.fit_to_pages(1, 1)
    sheet.write_string(top, 4, WT.SUBMISSIONS_PER_DEPARTMENT, styles.section)
    right = _submission_table(sheet, ctx, top + 1, states)
    right += 2  # a row apart: right under the table, a screen reader read them as its rows
    right = _submission_lines(sheet, ctx, right, states)
    right = _summary_charts(book, sheet, right + 1, goal_table, status_table, counts,
                            unassessed, statuses)

    r = _area_table(sheet, ctx, max(left, right) + 2) + 2
    _text_lines(sheet, r, 0, f"{WT.SUMMARY_NOTE} {WT.COUNTED_PER_DEPARTMENT}",
                sum(SUMMARY_WIDTHS), styles.note)


def _area_table(sheet: Worksheet, ctx: _Context, first: int) -> int:
    """The goals per goal area and assessment (figures.goals_by_area, as the report's summary
    shows them) under a heading in row `first`, across the sheet from column A; the last row
    written (without goals, nothing: two rows above `first`). Its Summa row is the table Mål
    per bedömning's counts."""
    rows = goals_by_area(ctx.merged.goals)
    if not rows:  # no goals: the headline says so
        return first - 2
    unassessed = any(row.not_assessed for row in rows)
    keys = [f"a{i}" for i in range(len(Assessment))]
    columns = [_Column(WT.GOAL_AREA, "area", SUMMARY_WIDTHS[0]),
               *(_Column(_assessment_text(a.value), key, width, "count") for a, key, width in
                 zip(Assessment, keys, SUMMARY_WIDTHS[1:], strict=False))]
    if unassessed:
        columns.append(_Column(NOT_ASSESSED, "none", SUMMARY_WIDTHS[len(columns)], "count"))
    columns.append(_Column(TOTAL, "total", SUMMARY_WIDTHS[len(columns)], "count"))
    lines: list[dict[str, Any]] = [
        {"area": row.area, **dict(zip(keys, row.assessed, strict=True)),
         "none": row.not_assessed, "total": row.total} for row in rows]
    totals = {key: sum(line[key] for line in lines) for key in (*keys, "none", "total")}
    lines.append({"area": TOTAL, **totals, "_row": {"bold": True, "top": 1}})
    sheet.write_string(first, 0, WT.GOALS_PER_AREA, ctx.styles.section)
    return _table(sheet, ctx, first + 1, columns, lines, autofilter=False)


def _submission_table(sheet: Worksheet, ctx: _Context, first: int,
                      states: list[_DepartmentState]) -> int:
    """Who has reported, a row per department from row `first`; the last row written."""
    rows = []
    for state in states:
        if state.state == SUBMISSION_MISSING:
            style = {"state": {"bold": True, "font_color": "#C00000"}}
        else:
            known = state.state in {s.value for s in SubmissionState}
            style = {"state": {"bg_color": STATE_FILL.get(
                SubmissionState(state.state) if known else SubmissionState.REJECTED)}}
        rows.append({"name": ctx.name(state.code), "state": state.state,
                     "received": state.received,
                     "in_time": "" if state.in_time is None else (YES if state.in_time else NO),
                     "file": state.file, "note": state.note,
                     "_style": style})
    return _table(sheet, ctx, first, [
        _Column(WT.DEPARTMENT, "name", 27), _Column(WT.SUBMISSION, "state", 23),
        _Column(WT.RECEIVED, "received", 16, "datetime"), _Column(WT.IN_TIME, "in_time", 6),
        _Column(WT.FILE, "file", 24), _Column(WT.REMARK, "note", 34)], rows, header_height=17,
        autofilter=False, col0=4)


def _submission_lines(sheet: Worksheet, ctx: _Context, first: int,
                      states: list[_DepartmentState]) -> int:
    """Who is missing, rejected or in quarantine (or that all have reported), from row
    `first`; the row after the last line."""
    missing_names = [ctx.name(s.code) for s in states if s.state == SUBMISSION_MISSING]
    rejected_names = [ctx.name(s.code) for s in states if s.state == SUBMISSION_REJECTED]
    quarantined_names = [ctx.name(s.code) for s in states
                         if s.state == SubmissionState.QUARANTINED.value]
    lines = []
    if missing_names:
        lines.append(WT.MISSING_LINE.format(avdelningar=", ".join(missing_names)))
    if rejected_names:
        lines.append(WT.REJECTED_LINE.format(avdelningar=", ".join(rejected_names)))
    if quarantined_names:
        lines.append(WT.QUARANTINED_LINE.format(avdelningar=", ".join(quarantined_names)))
    if not missing_names and not rejected_names and not quarantined_names:
        lines.append(WT.ALL_REPORTED)
    r = first
    for line in lines:
        r = _text_lines(sheet, r, 4, line, sum(SUMMARY_WIDTHS[4:]), ctx.styles.line,
                        bold=True)
    return r


def _summary_charts(book: xlsxwriter.Workbook, sheet: Worksheet, first: int, goal_table: int,
                    status_table: int, counts: list[tuple[str, int]], unassessed: int,
                    statuses: Counter[str | None]) -> int:
    """The goals and activities charts side by side from row `first` in column E; the row
    after them."""
    goal_chart = book.add_chart({"type": "bar"})
    # the goals not yet assessed are a bar too (grey), as in the report's chart: without it
    # the chart shows fewer goals than there are
    goal_rows = len(Assessment) + (1 if unassessed else 0)
    goal_chart.add_series({
        "name": WT.GOALS_PER_ASSESSMENT,
        "categories": [OS.SUMMARY, goal_table + 1, 0, goal_table + goal_rows, 0],
        "values": [OS.SUMMARY, goal_table + 1, 1, goal_table + goal_rows, 1],
        "points": [{"fill": {"color": ASSESSMENT_STYLE[a][1]},
                    "border": {"color": "#404040"}} for a in Assessment]
        + ([{"fill": {"color": NOT_REPORTED_FILL}, "border": {"color": "#404040"}}]
           if unassessed else []),
        "data_labels": {"value": True}, "gap": 60,
    })
    _style_chart(goal_chart, WT.GOALS_PER_ASSESSMENT, max(n for _, n in counts + [
        ("", unassessed)]))
    status_chart = book.add_chart({"type": "bar"})
    status_chart.add_series({
        "name": WT.ACTIVITIES_PER_STATUS,
        "categories": [OS.SUMMARY, status_table + 1, 0, status_table + len(Status) + 1, 0],
        "values": [OS.SUMMARY, status_table + 1, 1, status_table + len(Status) + 1, 1],
        "fill": {"color": BLUE}, "data_labels": {"value": True}, "gap": 50,
    })
    _style_chart(status_chart, WT.ACTIVITIES_PER_STATUS, max(statuses.values(), default=0))
    chart_height = 250
    goal_chart.set_size({"width": 330, "height": chart_height})
    status_chart.set_size({"width": 400, "height": chart_height})
    goal_counts = [*counts, *([(NOT_ASSESSED, unassessed)] if unassessed else [])]
    status_counts = [(s.value, statuses[s.value]) for s in Status] + [
        (NOT_REPORTED, statuses[None])]
    sheet.insert_chart(first, 4, goal_chart, {
        "x_offset": 0, "y_offset": 4,
        "description": _chart_description(WT.GOALS_PER_ASSESSMENT, goal_counts)})
    sheet.insert_chart(first, 4, status_chart, {
        "x_offset": 340, "y_offset": 4,
        "description": _chart_description(WT.ACTIVITIES_PER_STATUS, status_counts)})
    return first + math.ceil(chart_height / 20) + 1


def _chart_description(title: str, counts: Sequence[tuple[str, int]]) -> str:
    """A chart's alternative text: each bar's label and figure, as drawn."""
    values = ", ".join(f"{label} {count}" for label, count in counts)
    return WT.CHART_DESCRIPTION.format(rubrik=title.lower(), värden=values)


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _shares(counts: list[int]) -> list[float | None]:
    """figures.shares, or empty cells where there is nothing to share."""
    return list(shares(counts)) if sum(counts) else [None] * len(counts)


def _count_step(largest: int) -> int:
    """A whole step between gridlines, 1, 2 or 5 times a power of ten, for at most ten of
    them: a count axis left to itself shows 0,5 goals (and, in LibreOffice, "0.5")."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if largest <= 10 * factor * power:
                return factor * power
        power *= 10


def _style_chart(chart: Any, title: str, largest: int) -> None:
    chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
    chart.set_legend({"none": True})
    # A bar chart's y axis holds the categories: top to bottom in table order.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 9}})
    chart.set_x_axis({"major_gridlines": {"visible": True, "line": {"color": LINE}},
                      "num_font": {"size": 9}, "min": 0, "num_format": "0",
                      "major_unit": _count_step(largest)})
    chart.set_chartarea({"border": {"none": True}})
