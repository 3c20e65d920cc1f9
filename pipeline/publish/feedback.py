"""A rejected file goes back as the department's own workbook with the faulty cells marked and
commented, and a first sheet `Fel` listing every problem in plain Swedish."""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import atomic_write
from ..issues import Report
from ..labels import FEEDBACK_SHEET, Severity
from ..ledger import plural
from ..templates import HEADER_COLOUR, INPUT_COLOUR, INPUT_HEADER_COLOUR, LOCKED_COLOUR

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
# The template's own fills: an input cell, a locked cell, and the headers (row 1) of an
# input column and of a locked one.
INPUT_FILL, LOCKED_FILL, INPUT_HEADER_FILL, HEADER_FILL = (
    PatternFill("solid", fgColor=colour.lstrip("#"))
    for colour in (INPUT_COLOUR, LOCKED_COLOUR, INPUT_HEADER_COLOUR, HEADER_COLOUR))
AUTHOR = "Målsystem"
SHEET = FEEDBACK_SHEET

log = logging.getLogger(__name__)


def feedback_name(report: Report, fallback: str) -> str:
    if report.department and report.period:
        return f"{report.department}_{report.period}_fel.xlsx"
    return f"{Path(fallback).stem}_fel.xlsx"


def write_feedback(report: Report, content: bytes | None, folder: Path, receipt: str = "",
                   name: str | None = None) -> Path:
    """Raises OSError only for the outbox's sake (disk full, read-only): whatever is wrong
    with the file itself, a feedback workbook is written, at worst with only the Fel sheet.
    content None: a file not to be opened (issues.UNOPENED), which gets the Fel sheet only."""
    path = folder / (name or feedback_name(report, report.file))
    try:
        if content is None:
            book = _problems_only(report, receipt)
        else:
            book = _marked_copy(content, report, receipt)
    except Exception as exc:  # the file is what was wrong; the feedback still has to be written
        log.info("feedback for %s without its workbook: %r", report.file, exc)
        book = _problems_only(report, receipt)
    try:
        _save(book, path)
    except OSError:
        raise
    except Exception as exc:  # something in the department's workbook that cannot be saved
        log.info("feedback for %s without its workbook: %r", report.file, exc)
        _save(_problems_only(report, receipt), path)
    return path


def _marked_copy(content: bytes, report: Report, receipt: str) -> Workbook:
    # openpyxl warns of what it drops or cannot read in a department's workbook (a date beyond
    # Excel's, an extension): the log's business, not the cron mail's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = openpyxl.load_workbook(io.BytesIO(content))
    for warning in caught:
        log.info("reading %s for its feedback: %s", report.file, warning.message)
    _clear_earlier_marks(book)
    marked = _mark_cells(book, report)
    _write_problem_sheet(book, report, receipt, marked)
    return book


def _problems_only(report: Report, receipt: str) -> Workbook:
    book = openpyxl.Workbook()
    book.active.title = SHEET
    _write_problem_sheet(book, report, receipt, set())
    return book


def _save(book: Workbook, path: Path) -> None:
    with atomic_write(path) as tmp:
        book.save(tmp)


def _anchor(sheet: Worksheet, ref: str) -> str:
    """A cell inside a merged area cannot hold a comment: use the area's top-left cell."""
    for area in sheet.merged_cells.ranges:
        if ref in area:
            return area.start_cell.coordinate
    return ref


def _rgb(fill: PatternFill) -> str:
    color = fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None
    return color[-6:].upper() if isinstance(color, str) else ""


def _ours(comment: Comment | None) -> bool:
    """A comment this module wrote. LibreOffice drops a comment's author when it saves, so the
    text's opening ("Fel: …", "Anmärkning: …", or "Varning: …" as earlier versions wrote it)
    tells it too."""
    if comment is None:
        return False
    return (comment.author or "").strip() == AUTHOR or (comment.text or "").startswith(
        (*(f"{severity.value}: " for severity in Severity), "Varning: "))


def _clear_earlier_marks(book: Workbook) -> None:
    """A corrected feedback copy handed in again and refused again: last round's red and
    yellow cells and their comments go, so that only this round's problems are marked.

    While last round's Fel sheet is there, only the cells it lists (and those with our
    comments) lose the colour: a department may have used Excel's own "Dålig" or "Neutral"
    cell style, which has the same fill. Without it (the sheet says it may be deleted), every
    cell with one of our fills is taken for ours."""
    ours = {_rgb(ERROR_FILL), _rgb(WARNING_FILL)}
    listed = _listed_cells(book[SHEET]) if SHEET in book.sheetnames else None
    for sheet in book.worksheets:
        if sheet.title == SHEET:
            continue
        # the cells that exist (iter_rows would make every cell of the used area, which in a
        # file refused for its size is billions)
        for cell in list(sheet._cells.values()):
            commented = _ours(cell.comment)
            if commented:
                cell.comment = None
            if _rgb(cell.fill) in ours and (
                    listed is None or commented or (sheet.title, cell.coordinate) in listed):
                cell.fill = _template_fill(sheet, cell)


def _listed_cells(fel: Worksheet) -> set[tuple[str, str]]:
    """(sheet, cell) of every problem an earlier Fel sheet lists, merged areas by their
    top-left cell, as they were marked."""
    listed = set()
    for _, _, name, ref, *_ in fel.iter_rows(min_row=5, max_col=5, values_only=True):
        if isinstance(name, str) and isinstance(ref, str) and name in fel.parent.sheetnames:
            try:
                listed.add((name, _anchor(fel.parent[name], ref.strip())))
            except (ValueError, TypeError):
                continue
    return listed


def _template_fill(sheet: Worksheet, cell: Cell) -> PatternFill:
    """The fill the template gave a cell: a header's by whether its column is input."""
    if cell.row == 1:
        below = sheet._cells.get((2, cell.column))  # (looked up, not made)
        return INPUT_HEADER_FILL if below is not None and not below.protection.locked \
            else HEADER_FILL
    return LOCKED_FILL if cell.protection.locked else INPUT_FILL


def _mark_cells(book: Workbook, report: Report) -> set[str]:
    marked: set[str] = set()
    comments: dict[tuple[str, str], list[str]] = {}
    for issue in report.issues:
        if not (issue.sheet and issue.cell) or issue.sheet not in book.sheetnames:
            continue
        sheet = book[issue.sheet]
        try:
            ref = _anchor(sheet, issue.cell)
            cell = sheet[ref]
        except (ValueError, IndexError, TypeError):  # not a cell reference openpyxl knows
            continue
        comments.setdefault((issue.sheet, ref), []).append(
            f"{issue.severity.value}: {issue.message}")
        if issue.is_error or cell.fill != ERROR_FILL:
            cell.fill = ERROR_FILL if issue.is_error else WARNING_FILL
        marked.add(f"{issue.sheet}!{issue.cell}")
    for (sheet, ref), texts in comments.items():
        comment = Comment("\n\n".join(texts), AUTHOR)
        comment.width, comment.height = 320, 40 + 60 * len(texts)
        book[sheet][ref].comment = comment
    return marked


def _write_problem_sheet(book: Workbook, report: Report, receipt: str, marked: set[str]) -> None:
    if SHEET in book.sheetnames and book[SHEET].max_row > 1:
        del book[SHEET]
    sheet = book[SHEET] if SHEET in book.sheetnames else book.create_sheet(SHEET, 0)
    book.move_sheet(sheet, -book.index(sheet))
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws is sheet
    book.active = 0
    errors, warnings = len(report.errors), len(report.warnings)
    sheet["A1"] = f"Filen {report.file} är inte godkänd" if errors else f"Filen {report.file}"
    sheet["A1"].font = Font(bold=True, size=14, color="C00000" if errors else "1F4E78")
    cells_wrong = any(i.is_error and f"{i.sheet}!{i.cell}" in marked for i in report.issues)
    what = ("Rätta felen i den här filen (de är markerade med rött och har en kommentar), ta "
            "bort fliken Fel om du vill, och lämna in filen igen." if cells_wrong else
            # e.g. the wrong period or template: no cell to correct, the list says what to do
            "Felen gäller filen som helhet, inte enskilda celler: gör som det står i listan "
            "nedan.")
    sheet["A2"] = (f"{errors} fel och {plural(warnings, 'anmärkning', 'anmärkningar')}. {what}"
                   + (f" Kvittonummer: {receipt}." if receipt else ""))
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A2:E2")
    sheet.row_dimensions[2].height = 45
    headers = ["Nr", "Typ", "Flik", "Cell", "Vad är fel och vad ska göras"]
    for c, header in enumerate(headers, start=1):
        cell = sheet.cell(4, c, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
    for n, issue in enumerate(report.ordered, start=1):
        row = 4 + n
        values = [n, issue.severity.value, issue.sheet or "", issue.cell or "", issue.message]
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row, c)
            cell.value = value
            cell.data_type = "n" if c == 1 else "s"  # text stays text, even "=..." or "+46"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 2).fill = ERROR_FILL if issue.is_error else WARNING_FILL
        if issue.sheet and issue.cell and f"{issue.sheet}!{issue.cell}" in marked:
            link = sheet.cell(row, 4)
            link.hyperlink = f"#'{issue.sheet}'!{issue.cell}"
            link.font = Font(color="0563C1", underline="single")
        sheet.row_dimensions[row].height = 15 * max(1, len(issue.message) // 85 + 1) + 4
    for letter, width in zip("ABCDE", (5, 12, 14, 8, 92), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "4:4"
    sheet.sheet_properties.tabColor = "C00000"
