"""The consolidated workbook's look: number formats, colours and sizes, and the Formats made
from them on demand."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

from ...labels import Severity, SubmissionState

# Number formats. [$-41D] marks them Swedish, so LibreOffice shows a decimal comma whatever
# the reader's locale; Excel follows the reader's own settings (Swedish: comma, space).
SV = "[$-41D]"
PERCENT = SV + "0.0 %"
PERCENT_BASELINE = SV + "0.0# %"
POINTS = SV + '+0.0;"−"0.0;0.0'
AMOUNT = SV + '#,##0.0;"−"#,##0.0;0.0'
WHOLE_AMOUNT = SV + '#,##0;"−"#,##0;0'
CHANGE_AMOUNT = SV + '+#,##0.0;"−"#,##0.0;0.0'  # a change of an amount, its sign shown
CHANGE_WHOLE_AMOUNT = SV + '+#,##0;"−"#,##0;0'
INTEGER = SV + "#,##0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

BLUE, GREY_TEXT, LINE = "#1F4E78", "#595959", "#D9D9D9"
# A repeated value, quieter than the rest but readable: the lightest grey with WCAG's 4.5:1
# on white (#A6A6A6 had 2.4:1).
QUIET_TEXT = "#767676"
FLAG_FILL, NOT_REPORTED_FILL = "#FCE4D6", "#F2F2F2"
STATE_FILL = {
    SubmissionState.ACCEPTED: "#E2EFDA",
    SubmissionState.ACCEPTED_WITH_WARNINGS: "#FFF2CC",
    SubmissionState.REJECTED: "#F8CBAD",
    SubmissionState.QUARANTINED: "#F8CBAD",  # refused: the same colour, its own word
}
SEVERITY_FILL = {Severity.ERROR: "#F8CBAD", Severity.WARNING: "#FFF2CC"}


FONT_SIZE = 10
HEADLINE_SIZE = 12
LINE_HEIGHT = 13.0  # points per wrapped line at 10 pt
CHARS_PER_WIDTH = 1.1  # characters per unit of column width at 10 pt, for a wide font (DejaVu Sans)


class _Styles:
    """Formats made on demand from a few properties; the same request gives the same Format."""

    BASE = {"valign": "top", "text_wrap": True, "bottom": 1, "bottom_color": LINE}

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._requested: dict[tuple[tuple[str, Any], ...], Format] = {}  # get's own keys
        self._props: dict[int, dict[str, Any]] = {}  # id(Format) -> what it was made from
        self._quoted: dict[int, Format] = {}
        self.title = self._add({"bold": True, "font_size": 16, "font_color": BLUE})
        self.section = self._add({"bold": True, "font_size": 12, "font_color": BLUE})
        self.label = self._add({"bold": True, "valign": "top"})
        self.plain = self._add({"valign": "top"})
        # Text outside the tables is written a line a cell, unwrapped, so that it runs on
        # over the empty cells to its right (a wrapped cell keeps its text inside itself).
        self.note = self._add({"italic": True, "font_color": GREY_TEXT, "valign": "top"})
        self.headline = self._add({"bold": True, "font_size": HEADLINE_SIZE, "valign": "top"})
        self.line = self._add({"bold": True, "valign": "top"})
        self.plain_datetime = self._add({"num_format": DATETIME, "align": "left",
                                         "valign": "top"})
        self.plain_date = self._add({"num_format": DATE, "align": "left", "valign": "top"})

    def _add(self, props: dict[str, Any]) -> Format:
        fmt = self.book.add_format(props)
        self._props[id(fmt)] = props
        return fmt

    def header(self, rotate: bool = False, right: bool = False,
               center: bool = False) -> Format:
        extra = {"rotation": 90, "align": "center", "valign": "bottom"} if rotate else (
            {"align": "center"} if center else {"align": "right"} if right else {})
        return self.get(**self.header_props(), **extra)

    @staticmethod
    def header_props() -> dict[str, Any]:
        """What a table's header cell is made from (header), for a variant of it."""
        return {"bold": True, "font_color": "#FFFFFF", "bg_color": BLUE, "border": 1,
                "border_color": "#FFFFFF"}

    def get(self, **props: Any) -> Format:
        # the same request again (a budget row's, a styled table row's: thousands at 300
        # departments) is found by its properties as given, without merging and sorting them
        request = tuple(props.items())
        fmt = self._requested.get(request)
        if fmt is None:
            merged = {**self.BASE, **props}
            key = tuple(sorted(merged.items()))
            if key not in self._cache:
                self._cache[key] = self._add(merged)
            fmt = self._requested[request] = self._cache[key]
        return fmt

    def quoted(self, fmt: Format) -> Format:
        """`fmt` with Excel's quote prefix (BAD_INPUTS C32): a text that starts like a formula
        ("=HYPERLINK(…)", "+46 70 …", "- punkt") is shown as text and stays text when a
        reader opens the cell and presses Enter, instead of turning into a formula then."""
        quoted = self._quoted.get(id(fmt))
        if quoted is None:
            quoted = self._quoted[id(fmt)] = self._add(
                {**self._props.get(id(fmt), {}), "quote_prefix": True})
        return quoted


def amount_format(decimals: int) -> str:
    """The number format of amounts shown with `decimals` (figures.amount_decimals)."""
    return WHOLE_AMOUNT if decimals == 0 else AMOUNT


def change_format(decimals: int) -> str:
    """The number format of a change of amounts shown with `decimals`: +1,2 or −0,4."""
    return CHANGE_WHOLE_AMOUNT if decimals == 0 else CHANGE_AMOUNT


NAME_FONT_SIZE = 9  # department names in the long tables


NUMERIC_KINDS = ("int", "count", "number", "share", "percent", "baseline", "points")
KIND_FORMAT = {"date": {"num_format": DATE, "align": "left"},
               "datetime": {"num_format": DATETIME, "align": "left"},
               "int": {"num_format": INTEGER}, "count": {"num_format": INTEGER,
                                                         "align": "center"},
               "number": {"num_format": AMOUNT}, "share": {"num_format": SV + "0 %"},
               "text": {}}
