"""Values into cells: missing values, local times, text that starts like a formula, dates as
Excel's day numbers, and row heights that show wrapped text whole."""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
import textwrap
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ...labels import ASSESSMENT_STYLE, NO, YES, Assessment
from .styles import CHARS_PER_WIDTH, LINE_HEIGHT, _Styles

try:
    LOCAL_TIME: dt.tzinfo | None = ZoneInfo("Europe/Stockholm")
except ZoneInfoNotFoundError:  # no time zone database (Windows without the tzdata package):
    LOCAL_TIME = None  # the computer's own time zone, with its own summer-time rules


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, pd.Timestamp):
        return bool(pd.isna(value))
    return False


def _local(value: object) -> dt.datetime | None:
    """A naive local datetime for Excel (which has no time zones), or None."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TIME).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return None


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _lines(text: str, per_line: float) -> int:
    """How many lines a cell's text wraps to: greedy, between words, as Excel does."""
    if len(text) <= per_line and "\n" not in text:  # most cells: fits whatever the words
        return 1
    count = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split():
            need = len(word) + (1 if used else 0)
            if used and used + need > per_line:
                lines, used = lines + 1, float(len(word))
            else:
                used += need
            if len(word) > per_line:  # a long word is broken where it must be
                lines += math.ceil(len(word) / per_line) - 1
                used = len(word) % per_line
        count += lines
    return count


def _wrap(text: str, per_line: float) -> list[str]:
    """A text broken between words into lines of at most `per_line` characters (a longer
    word stands alone on its line), greedy as _lines counts them."""
    return [line for paragraph in text.split("\n") for line in textwrap.wrap(
        " ".join(paragraph.split()), int(per_line), break_long_words=False,
        break_on_hyphens=False) or [""]]


def _per_line(width: float) -> float:
    """Characters of running text per line in a column of this width."""
    return max(4.0, width * CHARS_PER_WIDTH)


def _height(cells: Iterable[tuple[str, float]], minimum: int = 1) -> float:
    """A row height that shows wrapped text whole; both Excel and LibreOffice keep it."""
    return _lines_height(max([minimum] + [_lines(text, _per_line(width))
                                          for text, width in cells]))


def _lines_height(lines: int) -> float:
    return min(409.0, LINE_HEIGHT * lines + 4)


BOLD_CHARS_PER_WIDTH = 0.95  # bold text is wider than running text


def _bold_width(width: float) -> float:
    """The width of running text that holds as many characters as `width` holds bold."""
    return width * BOLD_CHARS_PER_WIDTH / CHARS_PER_WIDTH


def _header_height(cells: Iterable[tuple[str, float]]) -> float:
    """Bold headers are wider than running text."""
    lines = max([1] + [_lines(text, max(4.0, width * BOLD_CHARS_PER_WIDTH))
                       for text, width in cells])
    return LINE_HEIGHT * lines + 5


# What makes Excel read a typed cell as a formula (BAD_INPUTS C32).
FORMULA_START = ("=", "+", "-", "@")


def _write(styles: _Styles, sheet: Worksheet, row: int, col: int, value: object,
           fmt: Format) -> None:
    """One cell, by type. Strings always go through write_string: department text is text,
    with the quote prefix when it starts like a formula."""
    if type(value) is float:  # amounts and shares, first: written as the Real branch would
        if math.isnan(value):
            sheet.write_blank(row, col, None, fmt)
        else:
            sheet.write_number(row, col, value + 0.0, fmt)  # + 0.0: no "−0,0"
    elif isinstance(value, str):
        if not value:
            sheet.write_blank(row, col, None, fmt)
        elif value.startswith(FORMULA_START):
            sheet.write_string(row, col, value, styles.quoted(fmt))
        else:
            sheet.write_string(row, col, value, fmt)
    elif _missing(value):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool | np.bool_):
        sheet.write_string(row, col, YES if value else NO, fmt)
    elif isinstance(value, numbers.Real):
        sheet.write_number(row, col, float(value) + 0.0, fmt)  # + 0.0: no "−0,0"
    elif isinstance(value, dt.date | pd.Timestamp):
        stamp = _local(value)
        sheet.write_datetime(row, col, stamp, fmt) if stamp else sheet.write_blank(row, col,
                                                                                   None, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


# Serial 0 of Excel's day count, as it counts from 1900-03-01 on (it believes 1900-02-29 existed).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_LEAP_BUG_END = dt.date(1900, 3, 1)


@functools.lru_cache(maxsize=4096)
def _date_serial(day: dt.date) -> float | None:
    """Excel's number for a date, the very number write_datetime would store (None before
    1900-03-01). Thousands of activities share a few hundred dates: convert each once."""
    return float((day - EXCEL_EPOCH).days) if day >= EXCEL_LEAP_BUG_END else None


def _write_date(styles: _Styles, sheet: Worksheet, row: int, col: int, value: object,
                fmt: Format) -> None:
    """A date cell: a plain date as its serial number in the date format (the same XML as
    write_datetime, without converting every cell again), anything else as _write does."""
    serial = _date_serial(value) if type(value) is dt.date else None
    if serial is None:
        _write(styles, sheet, row, col, value, fmt)
    else:
        sheet.write_number(row, col, serial, fmt)


def _assessment_text(assessment: str | None) -> str:
    if assessment is None:
        return ""
    return f"{ASSESSMENT_STYLE[Assessment(assessment)][0]} {assessment}"
