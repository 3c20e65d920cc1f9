"""What every sheet is written with: the run's context, the page set-up, the columns and the
one table writer."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ...labels import UNKNOWN_DEPARTMENT, WHOLE_ORGAN_CODE
from ...merge import Merged
from ...register import Register
from .cells import (
    FORMULA_START,
    _bold_width,
    _header_height,
    _lines,
    _lines_height,
    _per_line,
    _wrap,
    _write,
    _write_date,
)
from .styles import CHARS_PER_WIDTH, FONT_SIZE, KIND_FORMAT, NAME_FONT_SIZE, NUMERIC_KINDS, _Styles


@dataclass
class _Context:
    register: Register
    merged: Merged
    previous: Merged | None
    styles: _Styles
    as_of: dt.datetime
    page_header: str = ""
    page_footer: str = ""
    heights: dict[tuple[str, int], float] = field(default_factory=dict)

    def set_height(self, sheet: Worksheet, row: int, height: float) -> None:
        """Two tables side by side share rows: the taller cell wins."""
        key = (sheet.name, row)
        self.heights[key] = max(height, self.heights.get(key, 0.0))
        sheet.set_row(row, self.heights[key])

    @functools.cached_property
    def department_order(self) -> dict[object, int]:
        order: dict[object, int] = {}
        for i, code in enumerate(self.register.department_codes):
            order.setdefault(code, i)
        return order

    def name(self, code: object) -> str:
        if not isinstance(code, str) or not code:
            return UNKNOWN_DEPARTMENT
        if code == WHOLE_ORGAN_CODE:
            return self.register.settings.organ
        return self.register.department_names.get(code, code)


@dataclass(frozen=True)
class _Column:
    header: str
    key: str
    width: float
    kind: str = "text"  # a key of KIND_FORMAT
    rotate: bool = False


def _name_width(ctx: _Context, minimum: float) -> float:
    """A department column wide enough for the longest word of any department's name in
    NAME_FONT_SIZE, up to 30: "Samhällsbyggnadsavdelningen" was broken inside the word."""
    longest = max((len(word) for name in ctx.register.department_names.values()
                   for word in str(name).split()), default=0)
    return min(30.0, max(minimum, longest * NAME_FONT_SIZE / FONT_SIZE / CHARS_PER_WIDTH + 1))


def _page(sheet: Worksheet, ctx: _Context, *, header_rows: int | None = 0) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6, )
    sheet.set_header(ctx.page_header, {"margin": 0.3})
    sheet.set_footer(ctx.page_footer, {"margin": 0.3})
    sheet.hide_gridlines(2)
    if header_rows is not None:
        sheet.repeat_rows(header_rows)


def _cell_formats(styles: _Styles, columns: Sequence[_Column], plain: list[Format],
                  row_style: dict[str, Any] | None,
                  cell_styles: dict[str, dict[str, Any]] | None) -> list[Format]:
    """Each column's Format for a row: its kind's, with the row's and the cell's style."""
    formats = []
    for column, fmt in zip(columns, plain, strict=True):
        extra = cell_styles.get(column.key) if cell_styles else None
        if row_style or extra:
            fmt = styles.get(**{**KIND_FORMAT[column.kind], **(row_style or {}),
                                **(extra or {})})
        formats.append(fmt)
    return formats


def _table(sheet: Worksheet, ctx: _Context, first: int, columns: Sequence[_Column],
           rows: Sequence[dict[str, Any]], *, header_height: float | None = None,
           autofilter: bool = True, empty: str = "", col0: int = 0) -> int:
    """Header and rows from `first`; a row may carry `_style` {key: properties} and `_row`
    (properties for every cell). Returns the index of the last row written."""
    styles = ctx.styles
    for c, column in enumerate(columns, start=col0):
        sheet.write_string(first, c, column.header, styles.header(
            column.rotate, right=column.kind in NUMERIC_KINDS, center=column.kind == "count"))
    if header_height is None:
        header_height = _header_height([(col.header, col.width) for col in columns
                                        if not col.rotate])
    ctx.set_height(sheet, first, header_height)
    r = first
    # Per column, once: where it goes, how it is written and, for text, how many characters
    # fit on a line (the row height follows the longest text) and the line counts found so
    # far: a column repeats its texts (statuses, names, flags), so each is wrapped once.
    layout: list[tuple[int, str, Callable[..., None], float | None, dict[str, int]]] = [
        (col0 + i, column.key, _write_date if column.kind == "date" else _write,
         _per_line(column.width) if column.kind == "text" else None, {})
        for i, column in enumerate(columns)]
    plain = [styles.get(**KIND_FORMAT[column.kind]) for column in columns]
    # A styled row's Formats, once per pair of style dicts. Rows often share them (the
    # activities have four); id() is a safe key, as `rows` keeps every dict alive, and
    # unchanged, until we return.
    row_formats: dict[tuple[int, int], list[Format]] = {}
    write_string, write_blank = sheet.write_string, sheet.write_blank
    # ctx.set_height, inline: a call per row costs as much as a cell's writing of ours
    heights, set_row, name, one_line = ctx.heights, sheet.set_row, sheet.name, _lines_height(1)
    for values in rows:
        r += 1
        row_style = values.get("_row")
        cell_styles = values.get("_style")
        formats = plain
        if row_style or cell_styles:
            style_key = (id(row_style), id(cell_styles))
            formats = row_formats.get(style_key) or row_formats.setdefault(
                style_key, _cell_formats(styles, columns, plain, row_style, cell_styles))
        lines = 1
        for (c, key, write, per_line, known_lines), fmt in zip(layout, formats, strict=True):
            value = values.get(key)
            if type(value) is str:  # the common case, as _write would
                if not value:
                    write_blank(r, c, None, fmt)
                    continue
                if value.startswith(FORMULA_START):
                    write_string(r, c, value, styles.quoted(fmt))
                else:
                    write_string(r, c, value, fmt)
            else:
                write(styles, sheet, r, c, value, fmt)
                if not isinstance(value, str):
                    continue
            # Only a text longer than a line or with a line break can make the row taller.
            if per_line is not None and (len(value) > per_line or "\n" in value):
                count = known_lines.get(value)
                if count is None:
                    count = known_lines[value] = _lines(value, per_line)
                if count > lines:
                    lines = count
        height = one_line if lines == 1 else _lines_height(lines)
        before = heights.get((name, r))
        if before is not None and before > height:
            height = before
        heights[name, r] = height
        set_row(r, height)
    if not rows and empty:
        r += 1
        sheet.write_string(r, col0, empty, styles.note)
    if autofilter:
        sheet.autofilter(first, col0, r if rows else first, col0 + len(columns) - 1)
    return r


def _text_lines(sheet: Worksheet, first: int, col: int, text: str, width: float, fmt: Format,
                *, size: float = FONT_SIZE, bold: bool = False,
                height: float | None = None) -> int:
    """A text outside the tables (a headline, a note) from row `first` in column `col`, a line
    to a row, each line in one cell and short enough to run on whole over the `width` units
    of empty columns to its right. Never merged: Excel's accessibility checker flags merged
    cells, and a screen reader reads a merged cell's text at its first cell only. Returns the
    row after the last line."""
    per_line = _per_line(_bold_width(width) if bold else width) * FONT_SIZE / size
    r = first
    for line in _wrap(text, per_line):
        if line:
            sheet.write_string(r, col, line, fmt)
        if height is not None:
            sheet.set_row(r, height)
        r += 1
    return r


def _notes(sheet: Worksheet, ctx: _Context, first: int, columns: Sequence[_Column],
           lines: Sequence[str]) -> int:
    """Notes under a table as wide as its columns, each note starting on a row of its own."""
    width = sum(column.width for column in columns)
    r = first
    for line in lines:
        r = _text_lines(sheet, r, 0, line, width, ctx.styles.note)
    return r
