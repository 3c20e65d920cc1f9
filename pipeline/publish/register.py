"""Write a register workbook from rows: for a controller building the year's register from
their own lists, and for the shipped example, the replay and the benchmark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter

from ..labels import RegisterSheet

WIDE = {"Aktivitet": 60, "Beskrivning": 60, "KS-mål": 60, "KF-mål": 60, "Måltyp": 40}


def write_register(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]], *,
                   title: str, created: dt.datetime) -> Path:
    """sheets: sheet name → rows, the first row the headers. Dates are written as dates,
    Basvärden's shares as percentages; the same rows give the same bytes."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False,
                                           "strings_to_numbers": False})
    book.set_properties({"title": title, "created": created})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    percent = book.add_format({"num_format": "0.00%"})
    wrapped = book.add_format({"text_wrap": True, "valign": "top"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for c, heading in enumerate(rows[0]):
            sheet.write_string(0, c, str(heading), header)
            width = WIDE.get(str(heading))
            sheet.set_column(c, c, width or max(14, len(str(heading)) + 2),
                             wrapped if width else None)
        for r, row in enumerate(rows[1:], start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, float) and name == RegisterSheet.BASELINES:
                    sheet.write_number(r, c, value, percent)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
        sheet.autofilter(0, 0, max(0, len(rows) - 1), len(rows[0]) - 1)
    book.close()
    return path
