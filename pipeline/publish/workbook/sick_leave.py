"""Sjukfrånvaro: the seven standard figures per department and for the organ, small groups
hidden, with the change against the baseline and the previous period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ... import figures
from ...labels import (
    HIDDEN_FIGURE,
    HIDDEN_FIGURE_NOTE,
    NOT_REPORTED,
    SICK_LEAVE_HEADERS,
    WHOLE_ORGAN_CODE,
    WorkbookText,
    swedish_list,
)
from ...register import Register
from .cells import _header_height, _height, _missing, _write
from .layout import _Column, _Context, _notes, _page
from .styles import NUMERIC_KINDS, PERCENT, PERCENT_BASELINE, POINTS

WT = WorkbookText


def _baselines(register: Register) -> dict[str, tuple[float, dt.date]]:
    """The latest baseline share and its date per unit (figures.baseline_shares' choice)."""
    shares = figures.baseline_shares(register)
    dates = figures.baseline_dates(register)
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
    change_baseline, baseline_share = [], []
    for row in table.itertuples():
        shown = not row.total_hidden and not _missing(row.total)
        organ = row.department == WHOLE_ORGAN_CODE
        base = baselines.get(row.department)
        baseline_share.append(base[0] if base else float("nan"))
        change_baseline.append(figures.points_change(row.total, base[0])
                               if shown and base and (complete or not organ) else float("nan"))
    table = table.assign(baseline=baseline_share, change_baseline=change_baseline)
    if ctx.previous is None:
        return table.assign(previous_total=float("nan"), change_previous=float("nan"),
                            previous_complete=False)
    # the period before as it reported: its departments then (the register it was read
    # against), so that its organ's figure is the one its own workbook showed
    earlier = figures.sick_leave_table(ctx.previous.sick_leave,
                                       ctx.previous.register or register)
    added, gone = figures.department_changes(table, earlier)
    return table.join(figures.previous_comparison(table, earlier)).assign(
        previous_complete=figures.all_reported(earlier),
        departments_changed=_departments_changed(ctx, added, gone))


def _departments_changed(ctx: _Context, added: list[str], gone: list[str]) -> str:
    """The departments added to the register or taken out since the period before, as the
    organ row's remark lists them ("" when none)."""
    then = ctx.previous.register if ctx.previous is not None else None
    parts = []
    if added:
        parts.append(WT.NEW_DEPARTMENTS.format(avdelningar=swedish_list(map(ctx.name, added))))
    if gone:
        parts.append(WT.GONE_DEPARTMENTS.format(avdelningar=swedish_list(
            then.department_names.get(c, c) if then is not None else c for c in gone)))
    return "; ".join(parts)


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
            elif previous_period and not row["previous_complete"]:
                note = WT.PREVIOUS_PART_OF_ORGAN.format(period=previous_period)
            elif previous_period and row["departments_changed"]:
                note = WT.PREVIOUS_OTHER_DEPARTMENTS.format(
                    period=previous_period, avdelningar=row["departments_changed"])
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
    _notes(sheet, ctx, r + 2, columns, notes)
