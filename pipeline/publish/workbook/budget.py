"""Ekonomi: budget, outcome, forecast and deviation per department, per category and per line."""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ... import figures
from ...labels import (
    NOT_REPORTED,
    TOTAL,
    WHOLE_ORGAN_CODE,
    WorkbookText,
    first_period,
    swedish_list,
)
from ..report.text import number
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
    gone = None
    if compared is not None:
        # with a row for a department or category gone from the register since, so that
        # each table adds up to its sum of then too
        lines, by_department, by_category = (compared.lines, compared.table("department"),
                                             compared.table("category"))
        gone = compared.gone
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
        (_name_then(ctx, row["department"]), row)
        for row in by_department.to_dict("records")],
        lines, "department", shown, gone)
    r += 2
    sheet.write_string(r, 0, WT.PER_CATEGORY, styles.section)
    r = _budget_table(sheet, ctx, r + 1, WT.CATEGORY, [
        (TOTAL if row["category"] == WHOLE_ORGAN_CODE else row["category"], row)
        for row in by_category.to_dict("records")], lines, "category", shown, gone)
    r += 2
    sheet.set_h_pagebreaks([r])
    sheet.write_string(r, 0, WT.PER_LINE, styles.section)
    r += 1
    remark = len(widths) - 1
    _amount_header(sheet, ctx, r, [WT.LINE, *WT.AMOUNTS, *_previous_headers(shown),
                                   WT.COMMENT], widths)
    departments = {row["department"]: row for row in by_department.to_dict("records")
                   if not row.get("gone")}
    lines_of: dict[object, list[dict[str, Any]]] = {}  # department -> its lines, in order
    for line in lines.to_dict("records"):
        lines_of.setdefault(line["department"], []).append(line)
    gone_of = _gone_of(gone)
    for code in register.department_codes:
        mine = lines_of.get(code)
        if not mine:
            continue
        r += 1
        total = departments[code]
        note = " ".join(filter(None, (
            "" if total["complete"] else NOT_REPORTED,
            _previous_remark(ctx, total, mine, earlier, gone_of.get(code, []))
            if compared else "")))
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
        r = _gone_rows(sheet, ctx, r, gone_of.get(code, []), earlier)
    # a department taken out of the register since: its lines of then, under its name of then
    for left, away in gone_of.items():
        if left in departments:
            continue
        r += 1
        then = [line["previous_forecast"] for line in away]
        _amount_row(sheet, ctx, r, _name_then(ctx, left), {
            **dict.fromkeys(AMOUNT_KEYS, float("nan")), "change_forecast": float("nan"),
            "previous_forecast": float("nan") if any(map(_missing, then))
            else round(sum(then), 6)}, {"bold": True, "bg_color": "#F2F2F2"}, True)
        note = WT.GONE_DEPARTMENT.format(period=earlier)
        _write(styles, sheet, r, remark, note,
               styles.get(bold=True, italic=True, bg_color="#F2F2F2", **INDENTED))
        sheet.set_row(r, _height([(_name_then(ctx, left), _bold_width(LABEL_WIDTH)),
                                  (note, _bold_width(REMARK_TEXT_WIDTH))]))
        r = _gone_rows(sheet, ctx, r, away, earlier)


def _gone_without_forecast(ctx: _Context, row: dict[str, Any], earlier: str | None,
                           gone: pd.DataFrame | None, key: str) -> str:
    """The remark of a department or category gone from the register since the period before
    whose sum of then is blank: some line of it had no forecast then (a department's none)."""
    if key == "department" and gone is not None and \
            gone.loc[gone["department"] == row["department"], "previous_forecast"].isna().all():
        return f"{WT.GONE_DEPARTMENT} {WT.PREVIOUS_FORECAST_MISSING.format(period=earlier)}"
    return f"{WT.GONE_MARK} " + WT.PREVIOUS_FORECAST_INCOMPLETE.format(
        period=earlier, avdelningar=swedish_list(
            [_name_then(ctx, c) for c in row["previous_missing"]]))


def _gone_of(gone: pd.DataFrame | None) -> dict[object, list[dict[str, Any]]]:
    """The period before's lines gone from the register since, per department, in order."""
    found: dict[object, list[dict[str, Any]]] = {}
    for line in [] if gone is None else gone.to_dict("records"):
        found.setdefault(line["department"], []).append(line)
    return found


def _gone_rows(sheet: Worksheet, ctx: _Context, r: int, away: list[dict[str, Any]],
               earlier: str | None) -> int:
    """A row per line of the period before that the register no longer has: its forecast of
    then, blank now, and a remark saying so (that period's totals hold it)."""
    for line in away:
        r += 1
        _amount_row(sheet, ctx, r, line["category"], {
            **dict.fromkeys(AMOUNT_KEYS, float("nan")), "change_forecast": float("nan"),
            "previous_forecast": line["previous_forecast"]}, {**INDENTED, "italic": True}, True)
        # (a line without a forecast then adds nothing to that period's sums)
        note = f"{WT.GONE_MARK} {WT.PREVIOUS_FORECAST_MISSING.format(period=earlier)}" \
            if _missing(line["previous_forecast"]) else WT.GONE_LINE.format(period=earlier)
        _write(ctx.styles, sheet, r, len(_widths(True)) - 1, note,
               ctx.styles.get(italic=True, **INDENTED))
        sheet.set_row(r, _height([(note, REMARK_TEXT_WIDTH)]))
    return r


def _name_then(ctx: _Context, code: object) -> str:
    """A department's name now, or for one taken out of the register since, its name in the
    register the period before was read against."""
    then = ctx.previous.register if ctx.previous is not None else None
    if isinstance(code, str) and code not in ctx.register.department_names \
            and then is not None and code in then.department_names:
        return then.department_names[code]
    return ctx.name(code)


SHOWN_LINES = 5  # the lines added or gone a remark names, at most


def _lines_changed(ctx: _Context, new: list[dict[str, Any]], away: list[dict[str, Any]],
                   earlier: str | None, named: bool) -> str:
    """Why a total's change is blank although its forecasts are there: lines added to the
    register since the period before, or gone from it. `named`: the lines are named with
    their department (the organ's and the categories' rows)."""
    decimals = figures.amount_decimals(ctx.register.settings.unit)

    def label(line: dict[str, Any]) -> str:
        return f"{_name_then(ctx, line['department'])} {line['category']}" if named \
            else str(line["category"])

    def listed(items: list[str]) -> str:
        shown = items[:SHOWN_LINES]
        more = len(items) - len(shown)
        return ", ".join(shown) + (f" {WT.MORE_LINES.format(antal=more)}" if more > 0 else "")

    parts = []
    if new:
        parts.append(WT.NEW_LINES.format(rader=listed([label(line) for line in new])))
    if away:
        parts.append(WT.GONE_LINES.format(rader=listed([
            label(line) + ("" if _missing(line["previous_forecast"]) else
                           f" {number(line['previous_forecast'], decimals)}")
            for line in away])))
    return WT.PREVIOUS_LINES_CHANGED.format(period=earlier, rader="; ".join(parts))


def _widths(previous: bool) -> list[float]:
    """The columns' widths: the label, the four amounts, (the period before's two,) the remark."""
    return [LABEL_WIDTH, *(AMOUNT_WIDTH,) * len(AMOUNT_KEYS),
            *(PREVIOUS_WIDTHS if previous else ()), REMARK_WIDTH]


def _previous_note(ctx: _Context, earlier: str | None, compared: bool) -> str:
    """What the sheet says of the forecast of the period before, under its title."""
    if earlier is None:
        return WT.FIRST_PERIOD_FORECAST.format(period=ctx.merged.period,
                                               första=first_period(ctx.merged.period))
    if not compared:
        return WT.NO_PREVIOUS_FORECAST.format(period=earlier)
    return WT.PREVIOUS_FORECAST_NOTE.format(period=earlier)


def _previous_headers(earlier: str | None) -> list[str]:
    if earlier is None:
        return []
    return [WT.PREVIOUS_FORECAST.format(period=earlier),
            WT.CHANGE_FORECAST.format(period=earlier)]


def _previous_remark(ctx: _Context, row: dict[str, Any], lines: list[dict[str, Any]],
                     earlier: str | None, away: list[dict[str, Any]]) -> str:
    """Why a department's forecast of the period before is blank: it had none then, or none
    for some of its categories (its sum then would cover fewer lines than that period's own);
    or why its change is: lines added to the register since, or gone from it (`away`)."""
    notes = []
    if not row["previous_complete"]:
        if not any(line["previous_reported"] for line in lines):
            notes.append(WT.PREVIOUS_FORECAST_MISSING.format(period=earlier))
        else:
            gaps = [str(line["category"]) for line in [
                *(line for line in lines if not line.get("new_line")), *away]
                if _missing(line["previous_forecast"])]
            if gaps:
                notes.append(WT.PREVIOUS_FORECAST_MISSING_LINES.format(
                    period=earlier, kategorier=swedish_list(gaps)))
    if row.get("lines_changed"):
        notes.append(_lines_changed(ctx, [line for line in lines if line.get("new_line")],
                                    away, earlier, named=False))
    return " ".join(notes)


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
                  key: str, earlier: str | None, gone: pd.DataFrame | None = None) -> int:
    """earlier: the period before, when its forecasts are compared (the rows then carry
    figures.forecast_change_totals' columns); gone: that period's lines the register no
    longer has (figures.gone_lines)."""
    styles = ctx.styles
    headers = [label, *WT.AMOUNTS, *_previous_headers(earlier), WT.REMARK]
    _amount_header(sheet, ctx, first, headers, _widths(earlier is not None))
    remark = len(headers) - 1
    # Who has not reported, per row of the table (a department or a category).
    silent_lines = lines.loc[lines["forecast"].isna()]
    silent = {value: set(part["department"]) for value, part in silent_lines.groupby(key)}
    lines_of = {value: part.to_dict("records") for value, part in lines.groupby(key)} \
        if earlier and key == "department" else {}
    away_of = _gone_of(gone) if earlier and key == "department" else {}
    r = first
    for name, row in rows:
        r += 1
        total = row[key] == WHOLE_ORGAN_CODE
        props: dict[str, Any] = {"bold": True, "top": 1, "top_color": "#000000"} if total \
            else {"italic": True} if row.get("gone") else {}
        _amount_row(sheet, ctx, r, TOTAL if total else name, row, props, earlier is not None)
        notes = []
        if not row["complete"]:  # (a gone row's is: it has nothing to report now)
            mine = set(silent_lines["department"]) if total else silent.get(row[key], set())
            missing = [ctx.name(c) for c in ctx.register.department_codes if c in mine]
            notes.append(NOT_REPORTED if key == "department" and not total else
                         WT.INCOMPLETE.format(avdelningar=swedish_list(missing)))
        if row.get("gone"):  # marked as its lines are in the table of lines
            notes.append(WT.GONE_LINE.format(period=earlier) if row["previous_complete"] else
                         _gone_without_forecast(ctx, row, earlier, gone, key))
        elif earlier and key == "department" and not total:
            notes.append(_previous_remark(ctx, row, lines_of.get(row[key], []), earlier,
                                          away_of.get(row[key], [])))
        elif earlier:
            if not row["previous_complete"]:
                silent_then = set(row["previous_missing"])
                notes.append(WT.PREVIOUS_FORECAST_INCOMPLETE.format(
                    period=earlier, avdelningar=swedish_list(
                        [ctx.name(c) for c in ctx.register.department_codes
                         if c in silent_then]
                        + [_name_then(ctx, c) for c in sorted(silent_then, key=str)
                           if c not in ctx.register.department_codes])))
            if row.get("lines_changed"):
                mine = lines if total else lines[lines[key] == row[key]]
                away = [] if gone is None else (
                    gone if total else gone[gone[key] == row[key]]).to_dict("records")
                notes.append(_lines_changed(
                    ctx, mine[mine["new_line"]].to_dict("records"), away, earlier,
                    named=True))
        note = " ".join(filter(None, notes))
        _write(styles, sheet, r, remark, note,
               styles.get(**{"italic": True, **INDENTED, **props}))
        label_text = TOTAL if total else name
        # the Summa row is bold, its remark too: wider than running text ("… saknade
        # prognos då." wrapped to a second line that the row had no room for)
        sheet.set_row(r, _height([
            (label_text, _bold_width(LABEL_WIDTH) if total else LABEL_WIDTH),
            (note, _bold_width(REMARK_TEXT_WIDTH) if total else REMARK_TEXT_WIDTH)]))
    return r
