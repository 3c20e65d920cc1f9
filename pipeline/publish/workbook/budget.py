"""Ekonomi: budget, outcome, forecast and deviation per department, per category and per line."""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ... import figures
from ...labels import NOT_REPORTED, TOTAL, WHOLE_ORGAN_CODE, WorkbookText
from .cells import _bold_width, _header_height, _height, _missing, _text, _write
from .layout import _Context, _page, _text_lines
from .styles import amount_format, change_format

WT = WorkbookText
LABEL_WIDTH, REMARK_WIDTH = 34, 60  # the tables' first and last columns: a name of 30-odd
# characters ("Barn- och utbildningsförvaltningen") on one line
AMOUNT_WIDTH = 13
# the remark's text, indented a step from the right-aligned figures beside it (a change
# "+2,6" ran into the comment after it)
REMARK_TEXT_WIDTH = REMARK_WIDTH - 1
INDENTED = {"indent": 1, "align": "left"}  # LibreOffice indents only a left-aligned cell
# the forecast of the period before and the change, beside the four amounts (T2 and T3):
# "Förändring av prognosen sedan 2024-T1" on three lines of its header
PREVIOUS_WIDTHS = (13, 15)
AMOUNT_KEYS = ("budget", "outcome", "forecast", "deviation")
PREVIOUS_KEYS = ("previous_forecast", "change_forecast")


def _write_budget(sheet: Worksheet, ctx: _Context) -> None:
    register, styles = ctx.register, ctx.styles
    unit = register.settings.unit
    _page(sheet, ctx, header_rows=None)
    decimals = figures.amount_decimals(unit)
    compared = figures.budget_against_previous(
        ctx.merged.budget, None if ctx.previous is None else ctx.previous.budget, register)
    earlier = register.previous_period(ctx.merged.period)
    shown = earlier if compared else None  # the period before, its forecasts beside this one's
    widths = _widths(compared is not None)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    if compared is not None:
        lines, by_department, by_category = (compared.lines, compared.by_department,
                                             compared.by_category)
    else:
        lines = figures.rounded_lines(ctx.merged.budget, decimals)
        by_department = figures.budget_by_department(lines, register)
        by_category = figures.budget_by_category(lines, register)

    sheet.write_string(0, 0, WT.BUDGET_TITLE.format(period=ctx.merged.period), styles.title)
    sheet.set_row(0, 24)
    r = _text_lines(sheet, 1, 0, WT.BUDGET_NOTE.format(
        enhet=unit, avrundning=WT.BUDGET_ROUNDING[decimals].format(enhet=unit)), sum(widths),
        styles.note)
    r = _text_lines(sheet, r, 0, _previous_note(ctx, earlier, compared is not None),
                    sum(widths), styles.note) + 1
    sheet.write_string(r, 0, WT.PER_DEPARTMENT, styles.section)
    r = _budget_table(sheet, ctx, r + 1, WT.DEPARTMENT, [
        (ctx.name(row["department"]), row) for row in by_department.to_dict("records")],
        lines, "department", shown)
    r += 2
    sheet.write_string(r, 0, WT.PER_CATEGORY, styles.section)
    r = _budget_table(sheet, ctx, r + 1, WT.CATEGORY, [
        (TOTAL if row["category"] == WHOLE_ORGAN_CODE else row["category"], row)
        for row in by_category.to_dict("records")], lines, "category", shown)
    r += 2
    sheet.set_h_pagebreaks([r])
    sheet.write_string(r, 0, WT.PER_LINE, styles.section)
    r += 1
    remark = len(widths) - 1
    _amount_header(sheet, ctx, r, [WT.LINE, *WT.AMOUNTS, *_previous_headers(shown),
                                   WT.COMMENT], widths)
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
        note = " ".join(filter(None, (
            "" if total["complete"] else NOT_REPORTED,
            _previous_remark(total, mine, earlier) if compared else "")))
        _amount_row(sheet, ctx, r, ctx.name(code), total, {"bold": True, "bg_color": "#F2F2F2"},
                    compared is not None)
        _write(styles, sheet, r, remark, note,
               styles.get(bold=True, italic=True, bg_color="#F2F2F2", **INDENTED))
        # a long name wraps in its bold row, which grows to show it (it spilled into the next)
        sheet.set_row(r, _height([(ctx.name(code), _bold_width(LABEL_WIDTH)),
                                  (note, _bold_width(REMARK_TEXT_WIDTH))]))
        for line in mine:
            r += 1
            deviation = line["budget"] - line["forecast"] if not _missing(line["forecast"]) \
                else float("nan")
            _amount_row(sheet, ctx, r, line["category"],
                        {**line, "deviation": figures.round_half_up(deviation, decimals)},
                        INDENTED, compared is not None)
            _write(styles, sheet, r, remark, _text(line.get("comment")), styles.get(**INDENTED))
            sheet.set_row(r, _height([(_text(line.get("comment")), REMARK_TEXT_WIDTH)]))


def _widths(previous: bool) -> list[float]:
    """The columns' widths: the label, the four amounts, (the period before's two,) the remark."""
    return [LABEL_WIDTH, *(AMOUNT_WIDTH,) * len(AMOUNT_KEYS),
            *(PREVIOUS_WIDTHS if previous else ()), REMARK_WIDTH]


def _previous_note(ctx: _Context, earlier: str | None, compared: bool) -> str:
    """What the sheet says of the forecast of the period before, under its title."""
    if earlier is None:
        return WT.FIRST_PERIOD_FORECAST.format(period=ctx.merged.period)
    if not compared:
        return WT.NO_PREVIOUS_FORECAST.format(period=earlier)
    return WT.PREVIOUS_FORECAST_NOTE.format(period=earlier)


def _previous_headers(earlier: str | None) -> list[str]:
    if earlier is None:
        return []
    return [WT.PREVIOUS_FORECAST.format(period=earlier),
            WT.CHANGE_FORECAST.format(period=earlier)]


def _previous_remark(row: dict[str, Any], lines: list[dict[str, Any]], earlier: str | None
                     ) -> str:
    """Why a department's forecast of the period before is blank: it had none then, or none
    for some of its categories (its sum then would cover fewer lines than now)."""
    if row["previous_complete"]:
        return ""
    if not any(line["previous_reported"] for line in lines):
        return WT.PREVIOUS_FORECAST_MISSING.format(period=earlier)
    return WT.PREVIOUS_FORECAST_MISSING_LINES.format(
        period=earlier, kategorier=", ".join(
            str(line["category"]) for line in lines if _missing(line["previous_forecast"])))


def _amount_row(sheet: Worksheet, ctx: _Context, r: int, label: str, values: Any,
                props: dict[str, Any], previous: bool = False) -> None:
    styles = ctx.styles
    sheet.write_string(r, 0, label, styles.get(**props))
    decimals = figures.amount_decimals(ctx.register.settings.unit)
    numeric = {k: v for k, v in props.items() if k not in ("indent", "align")}
    amount = styles.get(num_format=amount_format(decimals), **numeric)
    change = styles.get(num_format=change_format(decimals), **numeric)
    keys = [*AMOUNT_KEYS, *(PREVIOUS_KEYS if previous else ())]
    for c, key in enumerate(keys, start=1):
        value = values[key]
        _write(styles, sheet, r, c, float(value) if not _missing(value) else None,
               change if key == "change_forecast" else amount)


def _amount_header(sheet: Worksheet, ctx: _Context, r: int, headers: list[str],
                   widths: list[float]) -> None:
    """A budget table's header row: a label, the amounts (right-aligned), a remark; as high
    as its longest header needs."""
    last = len(headers) - 1
    for c, header in enumerate(headers):
        fmt = ctx.styles.header(right=1 <= c < last)
        if c == last:  # apart from the right-aligned header before it, as its cells are
            fmt = ctx.styles.get(**{**ctx.styles.header_props(), **INDENTED})
        sheet.write_string(r, c, header, fmt)
    # the four amounts' headers fit one line (the estimate would give "Utfall hittills" two);
    # the period before's are made to wrap
    extra = list(zip(headers, widths, strict=True))[1 + len(AMOUNT_KEYS):-1]
    sheet.set_row(r, max(17.0, _header_height(extra)) if extra else 17)


def _budget_table(sheet: Worksheet, ctx: _Context, first: int, label: str,
                  rows: list[tuple[str, dict[str, Any]]], lines: pd.DataFrame,
                  key: str, earlier: str | None) -> int:
    """earlier: the period before, when its forecasts are compared (the rows then carry
    figures.forecast_change_totals' columns)."""
    styles = ctx.styles
    headers = [label, *WT.AMOUNTS, *_previous_headers(earlier), WT.REMARK]
    _amount_header(sheet, ctx, first, headers, _widths(earlier is not None))
    remark = len(headers) - 1
    # Who has not reported, per row of the table (a department or a category).
    silent_lines = lines.loc[lines["forecast"].isna()]
    silent = {value: set(part["department"]) for value, part in silent_lines.groupby(key)}
    lines_of = {value: part.to_dict("records") for value, part in lines.groupby(key)} \
        if earlier and key == "department" else {}
    r = first
    for name, row in rows:
        r += 1
        total = row[key] == WHOLE_ORGAN_CODE
        props: dict[str, Any] = {"bold": True, "top": 1, "top_color": "#000000"} if total \
            else {}
        _amount_row(sheet, ctx, r, TOTAL if total else name, row, props, earlier is not None)
        notes = []
        if not row["complete"]:
            mine = set(silent_lines["department"]) if total else silent.get(row[key], set())
            missing = [ctx.name(c) for c in ctx.register.department_codes if c in mine]
            notes.append(NOT_REPORTED if key == "department" and not total else
                         WT.INCOMPLETE.format(avdelningar=", ".join(missing)))
        if earlier and not row["previous_complete"]:
            if key == "department" and not total:
                notes.append(_previous_remark(row, lines_of.get(row[key], []), earlier))
            else:
                gone = set(row["previous_missing"])
                notes.append(WT.PREVIOUS_FORECAST_INCOMPLETE.format(
                    period=earlier, avdelningar=", ".join(
                        ctx.name(c) for c in ctx.register.department_codes if c in gone)))
        note = " ".join(notes)
        _write(styles, sheet, r, remark, note, styles.get(italic=True, **INDENTED, **props))
        label_text = TOTAL if total else name
        # the Summa row is bold, its remark too: wider than running text ("… saknade
        # prognos då." wrapped to a second line that the row had no room for)
        sheet.set_row(r, _height([
            (label_text, _bold_width(LABEL_WIDTH) if total else LABEL_WIDTH),
            (note, _bold_width(REMARK_TEXT_WIDTH) if total else REMARK_TEXT_WIDTH)]))
    return r
