"""The report's building blocks in Word XML: tables (header row, widths, shading, margins, rows
kept whole and short tables kept on one page), fields such as page and caption numbers, and the
assessment symbols."""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

SYMBOL_FONT = "Segoe UI Symbol"  # has ● ◕ ◑ ○ in Word on Windows; LibreOffice falls back
HEADER_FILL = "D9E2F3"
COMPACT_SIZE = Pt(8)
KEEP_TOGETHER_ROWS = 15  # a captioned table this short is not split over two pages


@dataclass
class _Grid:
    table: Table
    numeric: tuple[int, ...]  # right-aligned columns
    compact: bool  # many columns: smaller text, narrower cell margins
    empty_row: CT_Row | None = None  # a body row before its text, to copy for the next one


def _symbol_run(paragraph: Paragraph, symbol: str, colour: str) -> None:
    run = paragraph.add_run(symbol)
    run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    run.font.name = SYMBOL_FONT
    run.font.size = Pt(13)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), SYMBOL_FONT)
    fonts.set(qn("w:eastAsia"), SYMBOL_FONT)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A field as Word writes it (begin, instruction, separate, result, end), so the result
    reads as ordinary text and Word can update it (F9)."""
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
        paragraph._p.append(element)

    run("w:fldChar", **{"w:fldCharType": "begin"})
    run("w:instrText")
    run("w:fldChar", **{"w:fldCharType": "separate"})
    run("w:t")
    run("w:fldChar", **{"w:fldCharType": "end"})


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


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
