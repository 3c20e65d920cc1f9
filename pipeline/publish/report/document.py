"""The Word document around the report: a fresh A4 document in Swedish, or a municipality's
template (.docx or .dotx) emptied of its body; the styles the report needs that it lacks; and
the saved package with fixed entry times."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from ...errors import PipelineError
from ...labels import (
    REPORT_STYLE_ASSESSMENT,
    REPORT_STYLE_NOTE,
    REPORT_STYLE_TABLE_HEADER,
    REPORT_STYLE_TABLE_TEXT,
)

TABLE_STYLE = "Table Grid"
LANGUAGE = "sv-SE"
NOTE_COLOUR = RGBColor(0x59, 0x59, 0x59)  # 7:1 on white
LIGHT_BLUE, DARK_BLUE = "4F81BD", "365F91"  # python-docx's template: accent1, and its shade


def _open(template: Path | None) -> DocxDocument:
    if template is None:
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
        _set_language(doc, LANGUAGE)
        _darken_light_styles(doc)
        return doc
    try:
        content = Path(template).read_bytes()
        doc = Document(io.BytesIO(_as_document(content)))
    except Exception as exc:  # an unreadable template is the user's to fix, with a message
        raise PipelineError(
            f"Mallen {template} kan inte läsas som ett Word-dokument (.docx eller .dotx). "
            f"Spara den som Word-dokument och försök igen.") from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # the text is Swedish whatever language the template was made in: a screen reader
    # reads it with a Swedish voice
    _set_language(doc, LANGUAGE)
    return doc


def _as_document(content: bytes) -> bytes:
    """A .dotx is a .docx with another content type; python-docx opens only the latter."""
    template_type = b"wordprocessingml.template.main+xml"
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read("[Content_Types].xml")
        if template_type not in types:
            return content
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(template_type, b"wordprocessingml.document.main+xml")
                target.writestr(info, data)
        return out.getvalue()


def _set_language(doc: DocxDocument, language: str) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _darken_light_styles(doc: DocxDocument) -> None:
    """python-docx's own template colours Heading 2 and 3, Subtitle and Caption 4F81BD: 4.0:1 on
    white, under WCAG's 4.5:1 for text of their size. Heading 1's darker shade of the same
    blue (6.6:1) instead."""
    for name in ("Heading 2", "Heading 3", "Subtitle", "Caption"):
        color = doc.styles[name].element.find(f"{qn('w:rPr')}/{qn('w:color')}")
        if color is not None and color.get(qn("w:val")) == LIGHT_BLUE:
            color.set(qn("w:val"), DARK_BLUE)
            color.set(qn("w:themeShade"), "BF")


def _ensure_styles(doc: DocxDocument) -> None:
    """Add the styles the report uses that the document (a template) lacks."""
    styles = doc.styles

    def present(name: str) -> bool:
        return any(style.name == name for style in styles)

    def add(name: str, setup: Callable, base: str = "Normal") -> None:  # type: ignore[type-arg]
        if present(name):
            return
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if present(base):
            style.base_style = styles[base]
        setup(style)

    def title(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.bold = Pt(28), True
        style.paragraph_format.space_after = Pt(12)

    def subtitle(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.italic = Pt(16), True
        style.paragraph_format.space_after = Pt(24)

    def heading(level: int, size: int) -> Callable:  # type: ignore[type-arg]
        def setup(style) -> None:  # type: ignore[no-untyped-def]
            style.font.size, style.font.bold = Pt(size), True
            style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
        return setup

    def caption(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.bold = Pt(9), True
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(4)

    def assessment(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size = Pt(12)
        style.paragraph_format.space_before = Pt(2)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True

    def note(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.italic = Pt(8.5), True
        style.font.color.rgb = NOTE_COLOUR
        style.paragraph_format.space_before = Pt(2)
        style.paragraph_format.space_after = Pt(6)

    def table_text(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size = Pt(9)
        style.paragraph_format.space_before = Pt(1)
        style.paragraph_format.space_after = Pt(1)
        style.paragraph_format.line_spacing = 1.0

    def table_header(style) -> None:  # type: ignore[no-untyped-def]
        table_text(style)
        style.font.bold = True
        style.paragraph_format.keep_with_next = True

    add("Title", title)
    add("Subtitle", subtitle)
    add("Heading 1", heading(1, 16))
    add("Heading 2", heading(2, 13))
    add("Caption", caption)
    add(REPORT_STYLE_ASSESSMENT, assessment)
    add(REPORT_STYLE_NOTE, note)
    add(REPORT_STYLE_TABLE_TEXT, table_text)
    add(REPORT_STYLE_TABLE_HEADER, table_header, base=REPORT_STYLE_TABLE_TEXT)
    if not present(TABLE_STYLE):
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        styles.element.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:styleId="TableGrid">'
            f'<w:name w:val="{TABLE_STYLE}"/><w:uiPriority w:val="59"/>'
            f'<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f'<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>'
            f'<w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            f'</w:tblCellMar></w:tblPr></w:style>'))


def _ensure_contents_styles(doc: DocxDocument) -> None:
    """The table of contents' styles, under Word's own names so that Word treats them as its
    own: TOC Heading (Heading 1's look, but no heading itself: not in the navigation pane,
    the PDF's bookmarks or the contents) and toc 1–2, the entries of either level."""
    names = {style.name for style in doc.styles}
    for level in (1, 2):
        if f"toc {level}" in names:
            continue
        doc.styles.element.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC{level}">'
            f'<w:name w:val="toc {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
            f'<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
            f'<w:pPr><w:spacing w:before="{60 if level == 1 else 0}" w:after="60"/>'
            # a line that wraps ends short of the page numbers
            f'<w:ind w:left="{(level - 1) * 284}" w:right="567"/></w:pPr></w:style>'))
    if "TOC Heading" not in names:
        base = doc.styles["Heading 1"].style_id
        doc.styles.element.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOCHeading">'
            f'<w:name w:val="TOC Heading"/><w:basedOn w:val="{base}"/>'
            f'<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
            f'<w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>'))


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _fixed_zip(content: bytes, as_of: dt.datetime) -> bytes:
    """The same package with every entry stamped as_of, so equal inputs give equal bytes."""
    stamp = _utc(as_of)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second - stamp.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
