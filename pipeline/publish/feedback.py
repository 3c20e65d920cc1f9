"""A rejected file goes back as the department's own workbook with the faulty cells marked and
commented, and a first sheet `Fel` listing every problem in plain Swedish."""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import atomic_write
from ..filenames import NOT_IN_WINDOWS_NAMES, is_windows_device
from ..identity import mask_identity_numbers
from ..intake import sheet_parts
from ..issues import Report
from ..labels import FEEDBACK_HEADER_ROW, FEEDBACK_HEADERS, FEEDBACK_SHEET, Severity
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

# What XML 1.0 cannot hold: openpyxl refuses it in a cell (IllegalCharacterError) and lxml in a
# comment. A file name can carry one (a control character from a Unix share), and with it
# the Fel sheet's title and every message that names the file.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"


# bytes of UTF-8 of a long file name's stem kept: "_fel.xlsx" then still fits in a name (255
# bytes on most Linux file systems, 255 characters on Windows), and so does the file's name
# added again when the name is taken (`run._feedback_name_with`)
STEM_AT_MOST = 120


def feedback_name(report: Report, fallback: str) -> str:
    """The feedback copy's file name: by department and period, else by the file's own name,
    as a name Windows accepts (the outbox is often a share its users open in Explorer), and
    with a personnummer in it masked: every department that fetches its copy from the share
    sees the folder's names, while the Fel sheet inside names the file as it is."""
    if report.department and report.period:
        return f"{report.department}_{report.period}_fel.xlsx"
    stem = Path(NOT_IN_WINDOWS_NAMES.sub("_", mask_identity_numbers(fallback))).stem
    if len(stem.encode("utf-8", "surrogatepass")) > STEM_AT_MOST:
        stem = stem.encode("utf-8", "surrogatepass")[:STEM_AT_MOST].decode("utf-8", "ignore")
    name = f"{stem}_fel.xlsx"
    return f"_{name}" if is_windows_device(name) else name


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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = openpyxl.load_workbook(io.BytesIO(content))
    for warning in caught:  # for the log, not the night's stderr (kept for program errors)
        log.info("feedback for %s: openpyxl: %s", report.file, warning.message)
    _restore_extension_validations(book, content)
    _clear_earlier_marks(book)
    marked = _mark_cells(book, report)
    _write_problem_sheet(book, report, receipt, marked)
    return book


def _problems_only(report: Report, receipt: str) -> Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    _write_problem_sheet(book, report, receipt, set())
    return book


def _save(book: Workbook, path: Path) -> None:
    with atomic_write(path) as tmp:
        book.save(tmp)


def _xml_text(text: str) -> str:
    return XML_ILLEGAL.sub("", text)


def _restore_extension_validations(book: Workbook, content: bytes) -> None:
    """Excel keeps a dropdown whose list is on another sheet (the template's Status, Bedömning
    and KS-mål-id lists are on _meta) in the sheet's extension list when it saves, and
    openpyxl drops those on load: without this, the copy of a file saved in Excel would come
    back without its dropdowns. They are put back as ordinary data validations, which Excel
    and LibreOffice read as well."""
    try:
        found = _extension_validations(content)
    except Exception as exc:  # a part we cannot read: the copy goes without them
        log.info("extension data validations not read: %r", exc)
        return
    for name, validations in found.items():
        if name in book.sheetnames:
            for validation in validations:
                book[name].add_data_validation(validation)


def _extension_validations(content: bytes) -> dict[str, list[DataValidation]]:
    """Each sheet's x14 data validations (by sheet name), as openpyxl DataValidations."""
    found: dict[str, list[DataValidation]] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name, part in sheet_parts(archive.read).items():
            with archive.open(part) as stream:
                for _, element in iterparse(stream, events=("end",)):
                    if element.tag == f"{{{X14_NS}}}dataValidation":
                        validation = _plain_validation(element)
                        if validation is not None:
                            found.setdefault(name, []).append(validation)
                        element.clear()
                    elif element.tag == f"{{{MAIN_NS}}}row":
                        element.clear()  # a sheet's cells are not needed here
    return found


def _plain_validation(element: Element) -> DataValidation | None:
    """An x14:dataValidation as the ordinary element it stands for, read by openpyxl."""
    sqref = element.findtext(f"{{{XM_NS}}}sqref")
    if not sqref:
        return None
    plain = Element(f"{{{MAIN_NS}}}dataValidation",
                    {k: v for k, v in element.attrib.items() if not k.startswith("{")},
                    sqref=sqref)
    for formula in ("formula1", "formula2"):
        text = element.findtext(f"{{{X14_NS}}}{formula}/{{{XM_NS}}}f")
        if text is not None:
            SubElement(plain, f"{{{MAIN_NS}}}{formula}").text = text
    return DataValidation.from_tree(plain)


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
        (*(f"{severity.value}: " for severity in (Severity.ERROR, Severity.WARNING)),
         "Varning: "))


def _clear_earlier_marks(book: Workbook) -> None:
    """A corrected feedback copy handed in again and refused again: last round's red and
    yellow cells and their comments go, so that only this round's problems are marked.

    While last round's Fel sheet is there, only the cells it lists (and those with our
    comments) lose the colour: a department may have used Excel's own "Dålig" or "Neutral"
    cell style, which has the same fill. Without it (the sheet says it may be deleted), every
    cell with one of our fills is taken for ours, if the copy still has one of our comments;
    a file with neither has never been a feedback copy, and its colours are the department's."""
    ours = {_rgb(ERROR_FILL), _rgb(WARNING_FILL)}
    lists = [sheet for sheet in book.worksheets if _is_problem_sheet(sheet)]
    # the cells that exist (iter_rows would make every cell of the used area, which in a file
    # refused for its size is billions)
    cells = [(sheet, cell) for sheet in book.worksheets if sheet not in lists
             for cell in list(getattr(sheet, "_cells", {}).values())]
    commented = {id(cell) for _, cell in cells if _ours(cell.comment)}
    listed = set().union(*map(_listed_cells, lists)) if lists else None if commented else set()
    for sheet, cell in cells:
        if id(cell) in commented:
            cell.comment = None
        if _rgb(cell.fill) in ours and (listed is None or id(cell) in commented
                                        or (sheet.title, cell.coordinate) in listed):
            cell.fill = _template_fill(sheet, cell)


def _is_problem_sheet(sheet: Worksheet) -> bool:
    """A Fel sheet this module wrote, known by its header row: a sheet that a department named
    Fel for its own notes is theirs, and kept as it is."""
    found = [getattr(sheet, "_cells", {}).get((FEEDBACK_HEADER_ROW, c))  # looked up, not made
             for c in range(1, len(FEEDBACK_HEADERS) + 1)]
    return tuple(c.value.strip() if c is not None and isinstance(c.value, str) else None
                 for c in found) == FEEDBACK_HEADERS


def _problem_sheet(book: Workbook) -> Worksheet:
    """A new, empty sheet for this round's problems: last round's list goes; a department's
    own sheet named Fel stays, and ours is then "Fel (2)" (as Excel names a copy)."""
    for sheet in [s for s in book.worksheets if _is_problem_sheet(s)]:
        del book[sheet.title]
    taken = {name.casefold() for name in book.sheetnames}
    name = next(n for n in (SHEET, *(f"{SHEET} ({i})" for i in range(2, 1000)))
                if n.casefold() not in taken)
    return book.create_sheet(name, 0)


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
            f"{issue.severity.value}: {_xml_text(issue.message)}")
        if issue.is_error or cell.fill != ERROR_FILL:
            cell.fill = ERROR_FILL if issue.is_error else WARNING_FILL
        marked.add(f"{issue.sheet}!{issue.cell}")
    for (sheet, ref), texts in comments.items():
        comment = Comment("\n\n".join(texts), AUTHOR)
        comment.width, comment.height = 320, 40 + 60 * len(texts)
        book[sheet][ref].comment = comment
    return marked


def _write_problem_sheet(book: Workbook, report: Report, receipt: str, marked: set[str]) -> None:
    sheet = _problem_sheet(book)
    book.move_sheet(sheet, -book.index(sheet))
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws is sheet
    book.active = 0
    errors, warnings = len(report.errors), len(report.warnings)
    file = _xml_text(report.file)
    sheet["A1"] = f"Filen {file} är inte godkänd" if errors else f"Filen {file}"
    sheet["A1"].font = Font(bold=True, size=14, color="C00000" if errors else "1F4E78")
    cells_wrong = any(i.is_error and f"{i.sheet}!{i.cell}" in marked for i in report.issues)
    what = ("Rätta felen i den här filen (de är markerade med rött och har en kommentar), ta "
            f"bort fliken {sheet.title} om du vill, och lämna in filen igen." if cells_wrong else
            # e.g. the wrong period or template: no cell to correct, the list says what to do
            "Felen gäller filen som helhet, inte enskilda celler: gör som det står i listan "
            "nedan.")
    sheet["A2"] = (f"{errors} fel och {plural(warnings, 'anmärkning', 'anmärkningar')}. {what}"
                   + (f" Kvittonummer: {receipt}." if receipt else ""))
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A2:E2")
    sheet.row_dimensions[2].height = 45
    for c, header in enumerate(FEEDBACK_HEADERS, start=1):
        cell = sheet.cell(FEEDBACK_HEADER_ROW, c, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
    for n, issue in enumerate(report.ordered, start=1):
        row = 4 + n
        values = [n, issue.severity.value, *(_xml_text(text or "") for text in (
            issue.sheet, issue.cell, issue.message))]
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
