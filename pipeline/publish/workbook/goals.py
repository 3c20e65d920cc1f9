"""Måluppföljning: every board goal under its council goal, with the assessment, the pipeline's
suggestion, a remark where they differ, and the sick-leave figure under the goal it measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ... import figures
from ...issues import format_number
from ...labels import (
    ASSESSMENT_STYLE,
    DISAGREEMENT_REMARK,
    MET_WHILE_RISING_REMARK,
    NOT_ASSESSED,
    OUTPUT_COLUMNS,
    OWNER_MISSING_REMARK,
    SICK_LEAVE_INDICATOR,
    SICK_LEAVE_INDICATOR_HIDDEN,
    SICK_LEAVE_INDICATOR_MISSING,
    SICK_LEAVE_INDICATOR_NO_BASELINE,
    SICK_LEAVE_INDICATOR_PARTIAL,
    WHOLE_ORGAN_CODE,
    Assessment,
    OutputSheet,
    Status,
    WorkbookText,
)
from ...merge import STATUS_SCORE, SUGGESTION_THRESHOLDS
from ...register import Register
from .cells import _assessment_text, _missing, _text
from .layout import _Column, _Context, _name_width, _notes, _page, _table
from .sick_leave import _baselines
from .styles import GREY_TEXT, NAME_FONT_SIZE, NOT_REPORTED_FILL, QUIET_TEXT

OS, WT = OutputSheet, WorkbookText


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
    change = figures.organ_change(sick_rows, register) if indicator_goal else None
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
        rising = goal.ks_id == indicator_goal and figures.met_while_rising(assessment, change)
        if goal.ks_id == indicator_goal:
            remarks.append(indicator)
        if rising:
            remarks.append(MET_WHILE_RISING_REMARK)
        counts = {s.name: int(getattr(goal, s.name)) for s in Status}
        row: dict[str, Any] = {
            "kf_id": goal.kf_id, "kf_title": goal.kf_title, "ks_id": goal.ks_id,
            "title": goal.title, "area": goal.area, "owner": ctx.name(goal.owner),
            # as the report and Sammanfattning count it; the remark says when the owner
            # has not reported at all
            "assessment": _assessment_text(assessment) or NOT_ASSESSED,
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
        if goal.disagreement or rising:
            style["remark"] = {"bold": True, "font_color": "#C00000"}
        row["_style"] = style
        style["owner"] = {"font_size": NAME_FONT_SIZE}
        if goal.kf_id == previous_kf:  # the same KF goal again: there, but quieter
            style["kf_id"] = style["kf_title"] = {"font_color": QUIET_TEXT}
        elif previous_kf is not None:
            row["_row"] = {"top": 2, "top_color": "#808080"}
        previous_kf = goal.kf_id
        rows.append(row)
    last = _table(sheet, ctx, 0, columns, rows, header_height=118, empty=WT.NO_GOALS)
    sheet.freeze_panes(1, 0)
    symbols = ", ".join(_assessment_text(a) for a in Assessment)
    _notes(sheet, ctx, last + 2, columns, [
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
