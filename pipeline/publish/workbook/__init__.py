"""The merged goal register → the committee's consolidated workbook (xlsxwriter).

Every figure is computed in Python and written as a value, never as a formula, so the committee
reads exactly what was checked. Text that came from a department is always written as text.
The same inputs give the same bytes: the document's creation time is the data's as-of time.

A module per sheet: summary (Sammanfattning), goals (Måluppföljning), activities
(Aktiviteter), sick_leave (Sjukfrånvaro), budget (Ekonomi) and submissions (Inlämningar and
Datakvalitet). What they share: styles (formats and colours), cells (values into cells, row
heights) and layout (the context, page set-up, columns and the table writer).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import xlsxwriter

from ...identity import mask_identity_numbers
from ...labels import OUTPUT_SHEETS, OutputSheet, WorkbookText
from ...merge import Merged
from ...register import Register
from ...templates import page_header
from .activities import _write_activities
from .budget import _write_budget
from .cells import _local
from .goals import _write_goals
from .layout import _Context
from .sick_leave import _sick_leave_rows, _write_sick_leave
from .styles import FONT_SIZE, _Styles
from .submissions import _write_issues, _write_submissions
from .summary import _write_summary

OS, WT = OutputSheet, WorkbookText


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Until the book is closed, xlsxwriter holds every cell as a small object: about 200 000
    at 300 departments. While they pile up, Python's cycle collector walks them and the rest
    of the heap again and again (a fifth of the time), though they form no cycles; reference
    counting frees them all the same."""
    if not gc.isenabled():  # the caller has paused it already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _without_identity_numbers(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The frame with a personnummer in a file's name masked, in the Fil column and in the
    messages that name the file ("Anna 850312-1231.xlsx" → "Anna [personnummer
    borttaget].xlsx"): the workbook is the committee's, and may be published. The night's
    lines, the ledger and the log keep the name as it is, for the controller to find the file;
    so does the feedback copy's Fel sheet, which goes to the department that named it."""
    if frame.empty:
        return frame
    masked = {column: [mask_identity_numbers(v) if isinstance(v, str) else v
                       for v in frame[column].tolist()]
              for column in columns if column in frame.columns}
    return frame.assign(**masked)


@_cycle_collection_paused()
def write_workbook(path: Path, register: Register, merged: Merged, submissions: pd.DataFrame,
                   issues: pd.DataFrame, *, as_of: dt.datetime,
                   previous: Merged | None = None) -> None:
    """Write outbox/sammanstallning_<period>.xlsx (the caller wraps it in an atomic write)."""
    submissions = _without_identity_numbers(submissions, ("file",))
    issues = _without_identity_numbers(issues, ("file", "message"))
    settings = register.settings
    as_of_local = _local(as_of) or dt.datetime(settings.year, 1, 1)
    book = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_format_properties": {"font_name": "Calibri", "font_size": FONT_SIZE},
    })
    book.set_properties({
        "title": WT.TITLE.format(period=merged.period, organ=settings.organ),
        "subject": f"{settings.municipality}, {settings.organ}",
        "author": "Målsystem",
        "company": settings.municipality,
        "created": as_of_local,
    })
    ctx = _Context(register, merged, previous, _Styles(book), as_of_local)
    ctx.page_header = page_header(f"{settings.municipality}, {settings.organ}",
                                  WT.PAGE_HEADER.format(period=merged.period), WT.PAGE_NUMBER)
    ctx.page_footer = f"&L{WT.DATA_AS_OF} {as_of_local:%Y-%m-%d %H:%M}&R&A"

    sheets = {name: book.add_worksheet(name) for name in OUTPUT_SHEETS}
    sick_rows = _sick_leave_rows(ctx)
    _write_summary(book, sheets[OS.SUMMARY], ctx, submissions)
    _write_goals(sheets[OS.GOALS], ctx, sick_rows)
    _write_activities(sheets[OS.ACTIVITIES], ctx)
    _write_sick_leave(sheets[OS.SICK_LEAVE], ctx, sick_rows)
    _write_budget(sheets[OS.BUDGET], ctx)
    _write_submissions(sheets[OS.SUBMISSIONS], ctx, submissions)
    _write_issues(sheets[OS.DATA_QUALITY], ctx, issues)
    sheets[OS.SUMMARY].activate()
    book.close()
