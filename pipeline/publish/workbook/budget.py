"""Ekonomi: budget, outcome, forecast and deviation per department, per category and per line."""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ... import figures
from ...labels import NOT_REPORTED, TOTAL, WHOLE_ORGAN_CODE, WorkbookText
from .cells import _bold_width, _height, _missing, _text, _write
from .layout import _Context, _page, _text_lines
from .styles import amount_format

WT = WorkbookText
LABEL_WIDTH, REMARK_WIDTH = 34, 60  # the tables' first and last columns: a name of 30-odd
# characters ("Barn- och utbildningsförvaltningen") on one line


def _write_budget(sheet: Worksheet, ctx: _Context) -> None:
    register, styles = ctx.register, ctx.styles
    unit = register.settings.unit
    _page(sheet, ctx, header_rows=None)
    widths = [LABEL_WIDTH, 13, 13, 13, 13, REMARK_WIDTH]
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    decimals = figures.amount_decimals(unit)
    lines = figures.rounded_lines(ctx.merged.budget, decimals)
    by_department = figures.budget_by_department(lines, register)
    by_category = figures.budget_by_category(lines, register)

    sheet.write_string(0, 0, WT.BUDGET_TITLE.format(period=ctx.merged.period), styles.title)
    sheet.set_row(0, 24)
    r = _text_lines(sheet, 1, 0, WT.BUDGET_NOTE.format(
        enhet=unit, avrundning=WT.BUDGET_ROUNDING[decimals].format(enhet=unit)), sum(widths),
        styles.note) + 1
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
    _amount_header(sheet, ctx, r, [WT.LINE, *WT.AMOUNTS, WT.COMMENT])
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
        # a long name wraps in its bold row, which grows to show it (it spilled into the next)
        sheet.set_row(r, _height([(ctx.name(code), _bold_width(LABEL_WIDTH))]))
        for line in mine:
            r += 1
            deviation = line["budget"] - line["forecast"] if not _missing(line["forecast"]) \
                else float("nan")
            _amount_row(sheet, ctx, r, line["category"],
                        {**line, "deviation": figures.round_half_up(deviation, decimals)},
                        {"indent": 1, "align": "left"})
            _write(styles, sheet, r, 5, _text(line.get("comment")), styles.get())
            sheet.set_row(r, _height([(_text(line.get("comment")), REMARK_WIDTH)]))


def _amount_row(sheet: Worksheet, ctx: _Context, r: int, label: str, values: Any,
                props: dict[str, Any]) -> None:
    styles = ctx.styles
    sheet.write_string(r, 0, label, styles.get(**props))
    decimals = figures.amount_decimals(ctx.register.settings.unit)
    amount = styles.get(num_format=amount_format(decimals), **{k: v for k, v in props.items()
                                              if k not in ("indent", "align")})
    for c, key in enumerate(("budget", "outcome", "forecast", "deviation"), start=1):
        value = values[key]
        _write(styles, sheet, r, c, float(value) if not _missing(value) else None, amount)


def _amount_header(sheet: Worksheet, ctx: _Context, r: int, headers: list[str]) -> None:
    """A budget table's header row: a label, the four amounts (right-aligned), a remark."""
    for c, header in enumerate(headers):
        sheet.write_string(r, c, header, ctx.styles.header(right=1 <= c <= 4))
    sheet.set_row(r, 17)


def _budget_table(sheet: Worksheet, ctx: _Context, first: int, label: str,
                  rows: list[tuple[str, dict[str, Any]]], lines: pd.DataFrame,
                  key: str) -> int:
    styles = ctx.styles
    _amount_header(sheet, ctx, first, [label, *WT.AMOUNTS, WT.REMARK])
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
        label = TOTAL if total else name
        sheet.set_row(r, _height([(label, _bold_width(LABEL_WIDTH) if total else LABEL_WIDTH),
                                  (note, REMARK_WIDTH)]))
    return r
