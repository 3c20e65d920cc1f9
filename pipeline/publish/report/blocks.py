"""The report's building blocks: _Blocks adds styled paragraphs, and tables and figures with
numbered captions, to a document; below it, the Word XML they are made of (a table's header
row, shading and margins, rows kept whole and short tables kept on one page, fields such as page
and caption numbers, and the assessment symbols)."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Emu, Length, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ...labels import REPORT_STYLE_NOTE, REPORT_STYLE_TABLE_HEADER, REPORT_STYLE_TABLE_TEXT
from .document import NOTE_COLOUR, TABLE_STYLE
from .text import unbroken

SYMBOL_FONT = "Segoe UI Symbol"  # has ● ◕ ◑ ○ in Word on Windows; LibreOffice falls back
HEADER_FILL = "D9E2F3"
COMPACT_SIZE = Pt(8)
KEEP_TOGETHER_ROWS = 15  # a captioned table this short is not split over two pages
# Beside a figure on its page: its two-line caption and a few lines introducing it (the
# 18-department chart, at 24 cm, went to a page of its own after a page of three lines).
FIGURE_ROOM = Cm(5)


@dataclass
class _Grid:
    table: Table
    numeric: tuple[int, ...]  # right-aligned columns
    compact: bool  # many columns: smaller text, narrower cell margins
    empty_row: CT_Row | None = None  # a body row before its text, to copy for the next one


class _Blocks:
    """Paragraphs, tables and figures added to a document: styled by name, with numbered
    captions; what _ReportWriter writes its chapters with."""

    def __init__(self, doc: DocxDocument):
        self.doc = doc
        self.tables = 0
        self.captioned: list[_Grid] = []
        self.figures = 0
        self.style_ids: dict[str, str] = {}
        section = doc.sections[-1]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        # a template section may lack a page size or margins
        self.width: Length = (Emu(page - left - right)
                              if page is not None and left is not None and right is not None
                              else Cm(16))
        height, top, bottom = section.page_height, section.top_margin, section.bottom_margin
        # the text's height on a page, if the section gives it (a figure is kept under it)
        self.height: Length | None = (Emu(height - top - bottom)
                                      if height is not None and top is not None and
                                      bottom is not None else None)

    def _style(self, paragraph: Paragraph, name: str) -> None:
        # python-docx looks a style up by scanning every style; thousands of cells add up.
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        paragraph._p.style = self.style_ids[name]

    def _paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A body paragraph; one that follows a table gets air above it."""
        body = self.doc.element.body
        after_table = len(body) >= 2 and body[-2].tag == qn("w:tbl")
        paragraph = self.doc.add_paragraph()
        if style:
            self._style(paragraph, style)
        if text:
            paragraph.add_run(unbroken(text))
        if after_table:
            paragraph.paragraph_format.space_before = Pt(10)
        return paragraph

    def _table(self, headers: Sequence[str], widths: Sequence[float], *, caption: str | None,
               numeric: Iterable[int] = (), compact: bool = False) -> _Grid:
        if caption:
            self.tables += 1
            paragraph = self._caption("Tabell", self.tables, caption)
            paragraph.paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        scale = self.width / Cm(sum(widths))
        grid = _Grid(table, tuple(numeric), compact)
        if caption:
            self.captioned.append(grid)
        if compact:
            _narrow_margins(table)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(int(Cm(width) * min(scale, 1.0)))
        header = table.rows[0]
        _row_property(header, "w:tblHeader")
        _row_property(header, "w:cantSplit")
        for index, (cell, text) in enumerate(zip(header.cells, headers, strict=True)):
            cell.width = table.columns[index].width
            paragraph = cell.paragraphs[0]
            self._style(paragraph, REPORT_STYLE_TABLE_HEADER)
            run = paragraph.add_run(unbroken(text))
            if compact:
                run.font.size = COMPACT_SIZE
            if index in grid.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _shade(cell, HEADER_FILL)
        return grid

    def _row(self, grid: _Grid, values: Sequence[str]) -> list[_Cell]:
        if grid.empty_row is None:
            row = grid.table.add_row()  # each cell as wide as its column (python-docx does that)
            _row_property(row, "w:cantSplit")
            for index, cell in enumerate(row.cells):
                paragraph = cell.paragraphs[0]
                self._style(paragraph, REPORT_STYLE_TABLE_TEXT)
                if index in grid.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            grid.empty_row = copy.deepcopy(row._tr)
        else:
            # The same row again, copied: building its cells, widths and styles anew took
            # most of the report's time at 15 000 activity rows (the XML is the same).
            tr = copy.deepcopy(grid.empty_row)
            grid.table._tbl.append(tr)
            row = _Row(tr, grid.table)
        cells = list(row.cells)
        for cell, value in zip(cells, values, strict=True):
            if value:
                run = cell.paragraphs[0].add_run(value)
                if grid.compact:
                    run.font.size = COMPACT_SIZE
        return cells

    def _note(self, cell: _Cell, text: str) -> None:
        self._style(cell.add_paragraph(unbroken(text)), REPORT_STYLE_NOTE)

    @staticmethod
    def _bold_row(cells: Sequence[_Cell]) -> None:
        for cell in cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.bold = True

    def _picture(self, png: bytes, caption: str, description: str) -> None:
        """A figure and its caption; `description` is its alternative text (what a screen
        reader reads instead of the picture: the figures a sighted reader reads off it)."""
        self.figures += 1
        picture = self._paragraph()
        picture.paragraph_format.keep_with_next = True
        # single-spaced: Word spaces a line "multiple 1.15" (the default) by its tallest
        # thing, and a chart of a page's height then outgrew the page
        picture.paragraph_format.line_spacing = 1.0
        shape = picture.add_run().add_picture(io.BytesIO(png), width=Emu(int(self.width)))
        if self.height is not None and shape.height > self.height - FIGURE_ROOM:
            # a chart of 18 departments with its caption filled a page to the last
            # millimetre: smaller, so that it fits with its caption and its introduction
            tall = shape.height
            shape.height = Emu(int(self.height - FIGURE_ROOM))
            shape.width = Emu(int(shape.width * shape.height / tall))
        properties = shape._inline.docPr
        properties.set("name", f"Figur {self.figures}")
        properties.set("title", f"Figur {self.figures}. {caption}")
        properties.set("descr", description)
        self._caption("Figur", self.figures, caption)

    def _caption(self, label: str, number: int, text: str) -> Paragraph:
        """A numbered caption ("Tabell 3. …"), its number a SEQ field that Word can update."""
        paragraph = self._paragraph(style="Caption")
        paragraph.add_run(f"{label} ")
        _field(paragraph, rf"SEQ {label} \* ARABIC", str(number))
        paragraph.add_run(f". {unbroken(text)}")
        return paragraph


def _symbol_run(paragraph: Paragraph, symbol: str, colour: str) -> None:
    """An assessment's symbol, black on its colour: as coloured text on white, light green
    and orange had a contrast of 1.9 and 2.1 to 1 (WCAG asks 4.5), black on each of the four
    fills has at least 4.6."""
    run = paragraph.add_run(symbol)
    run.font.color.rgb = RGBColor(0, 0, 0)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    run.font.name = SYMBOL_FONT
    run.font.size = Pt(13)
    properties = run._r.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    fonts.set(qn("w:cs"), SYMBOL_FONT)
    fonts.set(qn("w:eastAsia"), SYMBOL_FONT)
    # CT_RPr is a sequence: shd comes after sz (and szCs), before the language
    size = properties.find(qn("w:szCs"))
    if size is None:
        size = properties.find(qn("w:sz"))
    size.addnext(shading)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A field as Word writes it (begin, instruction, separate, result, end), so the result
    reads as ordinary text and Word can update it (F9)."""
    _field_runs(paragraph._p, instruction, shown)


def _field_runs(parent: Any, instruction: str, shown: str) -> None:
    """_field's runs, appended to a paragraph's or a hyperlink's element."""
    def run(child: str, **attributes: str) -> None:
        element = OxmlElement("w:r")
        inner = OxmlElement(child)
        for key, value in attributes.items():
            inner.set(qn(key), value)
        if child == "w:instrText":
            inner.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            inner.text = f" {instruction} "
        elif child == "w:t":
            inner.text = shown
        element.append(inner)
        parent.append(element)

    run("w:fldChar", **{"w:fldCharType": "begin"})
    run("w:instrText")
    run("w:fldChar", **{"w:fldCharType": "separate"})
    run("w:t")
    run("w:fldChar", **{"w:fldCharType": "end"})


def _bookmark(p: Any, name: str, ident: int) -> None:
    """A bookmark around a paragraph's text (a heading's), for a link to jump to and a page
    reference to find."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    properties = p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def _contents_entry(paragraph: Paragraph, text: str, bookmark: str) -> None:
    """A line of the table of contents: the heading's text and, after a dotted tab, its page,
    the whole line a link to the heading. The page is a PAGEREF field without a result:
    LibreOffice works it out as it lays the pages out (so its PDF has every page number),
    Word when it prints or saves a PDF, or on F9. A TOC field instead kept in LibreOffice the
    result it was written with, and Word asks before it updates one."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    for child, value in (("w:t", text), ("w:tab", None)):
        run = OxmlElement("w:r")
        inner = OxmlElement(child)
        if value is not None:
            inner.text = value
            inner.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(inner)
        link.append(run)
    _field_runs(link, rf"PAGEREF {bookmark} \h", "")
    paragraph._p.append(link)


def _keep_together(table: Table) -> None:
    """A short table on one page, as Word keeps one: each row's paragraphs kept with the next
    row (a summary's Totalt row was left alone at the top of the next page)."""
    rows = table._tbl.tr_lst
    if len(rows) > KEEP_TOGETHER_ROWS:
        return
    for tr in rows[:-1]:
        for p in tr.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True


def _row_property(row, tag: str) -> None:  # type: ignore[no-untyped-def]
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _narrow_margins(table: Table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")  # 1 mm
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    layout = properties.find(qn("w:tblLayout"))
    # CT_TblPr is a sequence: tblCellMar comes after tblLayout, before tblLook.
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    elif layout is not None:
        layout.addnext(margins)
    else:
        properties.append(margins)


def _quiet(run: Run) -> None:
    """Text said again (an activity's title on its second answer's row): italic, in the
    notes' grey, so the eye passes over it and a screen reader still reads it."""
    run.italic = True
    run.font.color.rgb = NOTE_COLOUR


def _join_down(above: _Cell, below: _Cell) -> None:
    """No line between two cells of a column, so that they read as one block to the eye,
    without merging them (a merged cell is read only once by a screen reader)."""
    for cell, side in ((above, "bottom"), (below, "top")):
        properties = cell._tc.get_or_add_tcPr()
        borders = properties.find(qn("w:tcBorders"))
        if borders is None:
            borders = OxmlElement("w:tcBorders")
            # CT_TcPr is a sequence: tcBorders comes after tcW, gridSpan and vMerge
            earlier = [properties.find(qn(f"w:{tag}")) for tag in ("tcW", "gridSpan", "vMerge")]
            found = [e for e in earlier if e is not None]
            if found:
                found[-1].addnext(borders)
            else:
                properties.insert(0, borders)
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "nil")
        # CT_TcBorders is a sequence too: top before bottom
        if side == "top":
            borders.insert(0, border)
        else:
            borders.append(border)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
