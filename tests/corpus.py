"""A corpus of broken, hostile and unusual department files, built from a real template.

Every case is one small function that takes the bytes of a valid, filled template (Stab's,
period 2024-T2) and returns the bytes of a changed copy. Spreadsheet edits go through
openpyxl; hostile files are built from bytes and zip parts. Cases are named after what they
are and tagged with their row in /work/shared/BAD_INPUTS.md (F = file, S = structure,
C = cell, X = across rows; "C+" and "X+" mark checks the list does not name). Nothing
generated is committed: `build_corpus` writes the files into a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.filters import AutoFilter, FilterColumn, Filters
from openpyxl.worksheet.table import Table

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "examples" / "ange-2024" / "register.xlsx"
PERIOD = "2024-T2"
DEPARTMENT = "STAB"
FIRST_OWN_ROW = 17  # Stab's template lists 15 register activities on rows 2–16
GROUPS = {"F": "File level", "S": "Structure level", "C": "Cell level", "X": "Across rows"}

# Column letters of Aktiviteter in the template (Sjukfrånvaro: A Kön … F Varav 60 dagar;
# Ekonomi: A Kategori, B Budget, C Utfall hittills, D Prognos helår, F Kommentar)
ACT = {"activity_id": "A", "ks_ids": "B", "title": "C", "start": "D", "end": "E",
       "status": "H", "comment": "I"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Case:
    name: str
    ref: str  # BAD_INPUTS row, e.g. "F1"
    build: Callable[[bytes], bytes]
    suffix: str = ".xlsx"

    @property
    def group(self) -> str:
        return GROUPS[self.ref[0]]

    @property
    def filename(self) -> str:
        return f"{self.name}{self.suffix}"


CASES: dict[str, Case] = {}


def case(ref: str, suffix: str = ".xlsx") -> Callable[[Callable[[bytes], bytes]],
                                                      Callable[[bytes], bytes]]:
    def register(build: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
        CASES[build.__name__] = Case(build.__name__, ref, build, suffix)
        return build

    return register


# --- building ----------------------------------------------------------------------------------

def make_valid(folder: Path, department: str = DEPARTMENT) -> Path:
    """A real template for the department, filled plausibly, as the departments would."""
    from pipeline.register import read_register
    from pipeline.samples import fill_template
    from pipeline.templates import write_templates

    register = read_register(REGISTER)
    [template] = write_templates(register, PERIOD, folder / "mallar", [department],
                                 created=dt.date(2024, 5, 2))
    period_end = register.period(PERIOD)["period_end"]
    return fill_template(template, folder / f"{department}_ifylld.xlsx", department=department,
                         period_end=period_end)


def build_corpus(folder: Path, valid: bytes) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for item in CASES.values():
        path = folder / item.filename
        path.write_bytes(item.build(valid))
        paths[item.name] = path
    return paths


def edit(content: bytes, change: Callable[[openpyxl.Workbook], object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(content: bytes, sheet: str, values: dict[str, object]) -> bytes:
    """Set cells, e.g. {"H5": "pågånde"}; text is stored as text, even when it starts with =."""

    def change(book: openpyxl.Workbook) -> None:
        for ref, value in values.items():
            set_cell(book[sheet][ref], value)

    return edit(content, change)


def set_cell(cell, value: object) -> None:  # type: ignore[no-untyped-def]
    cell.value = value
    if isinstance(value, str) and not _is_error(value):
        cell.data_type = "s"


def _is_error(text: str) -> bool:
    return text in ("#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")


def own_activity(content: bytes, row: int = FIRST_OWN_ROW, **values: object) -> bytes:
    """A department's own new activity on an empty row at the bottom of Aktiviteter."""
    filled: dict[str, object] = {
        "ks_ids": "3.1.1", "title": "Prova digitala friskvårdsutmaningar",
        "start": dt.datetime(2024, 3, 1), "end": dt.datetime(2024, 12, 31),
        "status": "Pågående enligt plan", "comment": "Startade i mars.", **values}
    return cells(content, "Aktiviteter", {f"{ACT[k]}{row}": v for k, v in filled.items()})


def zip_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(parts: dict[str, bytes], *, stored: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            kind = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return out.getvalue()


def with_parts(content: bytes, added: dict[str, bytes]) -> bytes:
    """The file with parts added to its zip (or replaced)."""
    return rezip({**zip_parts(content), **added})


def sheet_part(content: bytes, sheet: str) -> str:
    """The zip path of a sheet's XML (openpyxl numbers them in workbook order)."""
    names = openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def with_cell_xml(content: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """Replace one cell's XML element in a sheet, for what openpyxl cannot write."""
    parts = zip_parts(content)
    part = sheet_part(content, sheet)
    text = parts[part].decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', re.S)
    assert pattern.search(text), f"{sheet}!{ref} not in the sheet XML"
    parts[part] = pattern.sub(lambda _: xml, text, count=1).encode("utf-8")
    return rezip(parts)


# --- File level --------------------------------------------------------------------------------

@case("F1")
def empty_file(_: bytes) -> bytes:
    return b""


@case("F2")
def text_renamed_xlsx(_: bytes) -> bytes:
    return "Status för aktiviteterna: se mejlet från i fredags.\n".encode()


@case("F2")
def csv_renamed_xlsx(_: bytes) -> bytes:
    return "Aktivitets-id;Status\nA3.1.1-02;Pågående enligt plan\n".encode("cp1252")


@case("F2")
def pdf_renamed_xlsx(_: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


@case("F2", suffix=".xls")
def html_renamed_xls(_: bytes) -> bytes:
    # what "Exportera till Excel" on many web pages produces
    return b"<html><body><table><tr><td>Status</td></tr></table></body></html>"


@case("F3")
def truncated_copy(valid: bytes) -> bytes:
    return valid[: len(valid) // 2]


@case("F4")
def zip_without_content_types(valid: bytes) -> bytes:
    parts = zip_parts(valid)
    del parts["[Content_Types].xml"]
    return rezip(parts)


@case("F4")
def sheet_xml_broken(valid: bytes) -> bytes:
    parts = zip_parts(valid)
    part = sheet_part(valid, "Aktiviteter")
    parts[part] = parts[part][: len(parts[part]) // 2]  # cut off mid-element
    return rezip(parts)


@case("F4")
def crc_mismatch(valid: bytes) -> bytes:
    # the sheet is stored uncompressed so that a changed byte breaks only the checksum
    parts = zip_parts(valid)
    part = sheet_part(valid, "Sjukfrånvaro")
    content = rezip(parts, stored=(part,))
    offset = content.find(b"Kvinnor")
    return content[:offset] + b"Kvinnar" + content[offset + 7:]


@case("F5")
def password_encrypted(_: bytes) -> bytes:
    # an encrypted xlsx is an OLE container holding an "EncryptedPackage" stream
    directory = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    return OLE_MAGIC + bytes(504) + directory + bytes(1024)


@case("F6")
def workbook_structure_protected(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        book.security = WorkbookProtection(workbookPassword="hemligt", lockStructure=True)

    return edit(valid, change)


@case("F7", suffix=".xls")
def legacy_xls(_: bytes) -> bytes:
    return OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(1024)


@case("F8")
def xls_renamed_xlsx(_: bytes) -> bytes:
    return OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(1024)


@case("F9")
def xlsb_renamed_xlsx(_: bytes) -> bytes:
    return rezip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00",
                  "xl/worksheets/sheet1.bin": b"\x81\x01\x00"})


@case("F9", suffix=".ods")
def opendocument_spreadsheet(_: bytes) -> bytes:
    return rezip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                  "content.xml": b"<office:document-content/>",
                  "META-INF/manifest.xml": b"<manifest:manifest/>"}, stored=("mimetype",))


@case("F9")
def strict_open_xml(valid: bytes) -> bytes:
    parts = zip_parts(valid)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    return rezip(parts)


@case("F10", suffix=".xlsm")
def macros_vba_project(valid: bytes) -> bytes:
    parts = zip_parts(valid)
    parts["xl/vbaProject.bin"] = OLE_MAGIC + bytes(512)
    return rezip(parts)


@case("F10", suffix=".xlsm")
def excel4_macro_sheet(valid: bytes) -> bytes:
    """A hidden Excel 4.0 macro sheet run at Auto_Open: macros without a vbaProject.bin."""
    parts = zip_parts(valid)
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", f'<sheet xmlns:r="{r}" name="Makro1" sheetId="99" state="hidden" '
                      f'r:id="rId99"/></sheets>'.encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/'
                             b'office/2006/relationships/xlMacrosheet" '
                             b'Target="macrosheets/sheet1.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/macrosheets/sheet1.xml" '
                     b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')
    parts["xl/macrosheets/sheet1.xml"] = (
        b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
        b'<c r="A1"><f>EXEC("calc.exe")</f><v>0</v></c></row></sheetData></xm:macrosheet>')
    return rezip(parts)


@case("F11")
def zip_bomb(valid: bytes) -> bytes:
    parts = zip_parts(valid)
    parts["xl/media/image1.png"] = bytes(16 * 1024 * 1024)  # compresses about 1000:1
    return rezip(parts)


@case("F11")
def rows_far_beyond_template(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"A6001": "Summa"})


@case("F11")
def value_in_last_column(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"XFD4900": "x"})  # calamine would allocate 2.5 GB


@case("F12")
def dtd_entities(valid: bytes) -> bytes:
    parts = zip_parts(valid)
    part = sheet_part(valid, "Aktiviteter")
    doctype = (b'<!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
               b"]>")
    xml = parts[part]
    start = xml.index(b"<worksheet")
    parts[part] = xml[:start] + doctype + xml[start:]
    return rezip(parts)


@case("F12")
def dtd_entities_in_utf16(valid: bytes) -> bytes:
    """The same, the sheet's XML in UTF-16 (which Excel never writes)."""
    parts = zip_parts(dtd_entities(valid))
    part = sheet_part(valid, "Aktiviteter")
    text = parts[part].decode("utf-8")
    text = text[text.index("<!DOCTYPE"):]  # the declaration, if any, named UTF-8
    parts[part] = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    return rezip(parts)


@case("F12")
def dtd_in_part_not_named_xml(valid: bytes) -> bytes:
    """The DTD in a sheet whose part is named .dat (the workbook's relationships may name
    any part): no reader goes by the name."""
    return _dtd_sheet_moved(valid, "worksheets/sheet_data.dat")


@case("F12")
def dtd_in_sheet_named_as_a_picture(valid: bytes) -> bytes:
    """The same, the sheet's part named as a picture (where an SVG's DTD is let be)."""
    return _dtd_sheet_moved(valid, "media/image9.png")


@case("F12")
def picture_svg_with_doctype(valid: bytes) -> bytes:
    """A picture, as SVG files from drawing programs often are, with a DTD that no reader of
    ours parses: no attack (a pasted HTML page in xl/embeddings likewise)."""
    return with_parts(valid, {"xl/media/image1.svg": (
        b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg '
        b'xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')})


def _dtd_sheet_moved(valid: bytes, target: str) -> bytes:
    parts = zip_parts(dtd_entities(valid))
    part = sheet_part(valid, "Aktiviteter")
    parts[f"xl/{target}"] = parts.pop(part)
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        parts[name] = parts[name].replace(part[3:].encode(), target.encode())
    return rezip(parts)


@case("F13")
def external_link(valid: bytes) -> bytes:
    return with_parts(valid, {
        "xl/externalLinks/externalLink1.xml":
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships" r:id="rId1"/></externalLink>',
        "xl/externalLinks/_rels/externalLink1.xml.rels":
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/externalLinkPath" '
            b'Target="file:///\\\\server\\ekonomi\\budget%202024.xlsx" TargetMode="External"/>'
            b"</Relationships>"})


@case("F13")
def embedded_object(valid: bytes) -> bytes:
    return with_parts(valid, {
        "xl/embeddings/Microsoft_Word_Document.docx": b"PK\x03\x04 an embedded document"})


@case("F13")
def activex_control(valid: bytes) -> bytes:
    return with_parts(valid, {"xl/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.'
                                                          b'microsoft.com/office/2006/activeX"/>',
                              "xl/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0 a control"})


@case("F13")
def data_connection(valid: bytes) -> bytes:
    return with_parts(valid, {
        "xl/connections.xml":
            b'<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<connection id="1" name="Ekonomisystem" type="1" refreshedVersion="6"/>'
            b"</connections>"})


@case("F20")
def wrong_period(valid: bytes) -> bytes:
    return cells(valid, "_meta", {"B5": "2024-T1"})


@case("F20")
def period_not_in_register(valid: bytes) -> bytes:
    return cells(valid, "_meta", {"B5": "2024-T4"})


@case("F21")
def department_not_in_register(valid: bytes) -> bytes:
    return cells(valid, "_meta", {"B3": "KULTUR"})


@case("F22")
def old_template_version(valid: bytes) -> bytes:
    return cells(valid, "_meta", {"B2": "0"})


@case("F22")
def newer_template_version(valid: bytes) -> bytes:
    return cells(valid, "_meta", {"B2": "2"})


@case("F22")
def register_changed_since_template(valid: bytes) -> bytes:
    """Made from a register that gave the department one more activity, since removed (an
    edit of other departments' rows alone is no remark)."""

    def change(book: openpyxl.Workbook) -> None:
        meta = book["_meta"]
        assert meta["A8"].value == "Registrets aktiviteter", meta["A8"].value
        set_cell(meta["B6"], "0" * 64)
        set_cell(meta["B8"], f"{meta['B8'].value};A9.9.9-99")

    return edit(valid, change)


@case("F23")
def not_our_template(_: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Aktiviteter"
    book.active.append(["Aktivitet", "Status", "Kommentar"])
    book.active.append(["Friskvård", "Pågår", "Bra"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@case("F23")
def meta_sheet_deleted(valid: bytes) -> bytes:
    return edit(valid, lambda book: book.remove(book["_meta"]))


# --- Structure level ---------------------------------------------------------------------------

@case("S1")
def sheet_renamed(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        book["Målbedömning"].title = "Bedömning 2024"

    return edit(valid, change)


@case("S1")
def sheet_deleted(valid: bytes) -> bytes:
    return edit(valid, lambda book: book.remove(book["Ekonomi"]))


@case("S2")
def sheet_added(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        book.create_sheet("Anteckningar").append(["Glöm inte att fråga Eva om budgeten"])

    return edit(valid, change)


@case("S3")
def data_on_wrong_sheet(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        source = book["Sjukfrånvaro"]
        copy = book.create_sheet("Blad1")
        for row in source.iter_rows(values_only=True):
            copy.append(row)
        for row in source.iter_rows():
            for cell in row:
                cell.value = None

    return edit(valid, change)


@case("S6")
def header_case_changed(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C1": "antal  anställda "})


@case("S6")
def header_space_after(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H1": "Status "})


@case("S6")
def header_renamed(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H1": "Läge"})


@case("S7")
def column_deleted(valid: bytes) -> bytes:
    return edit(valid, lambda book: book["Ekonomi"].delete_cols(4))  # Prognos helår


@case("S8")
def column_inserted(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Aktiviteter"]
        sheet.insert_cols(8)
        sheet["H1"] = "Ansvarig"
        sheet["H2"] = "Eva"

    return edit(valid, change)


@case("S9")
def columns_reordered(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Aktiviteter"]
        for row in range(1, sheet.max_row + 1):
            status, comment = sheet[f"H{row}"], sheet[f"I{row}"]
            status.value, comment.value = comment.value, status.value

    return edit(valid, change)


@case("S10")
def duplicate_header(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"G1": "Kommentar", "G2": "Se ovan"})


@case("S11")
def merged_cells(valid: bytes) -> bytes:
    return edit(valid, lambda book: book["Aktiviteter"].merge_cells("H3:H4"))


@case("S12")
def hidden_row_with_data(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        book["Aktiviteter"].row_dimensions[5].hidden = True

    return edit(valid, change)


def hide_columns(book: openpyxl.Workbook, sheet: str, first: str, last: str) -> None:
    """Hide columns as Excel's Dölj does (one <col hidden="1">, no outline group)."""
    book[sheet].column_dimensions.group(first, last, outline_level=0, hidden=True)


@case("S12")
def hidden_column_with_data(valid: bytes) -> bytes:
    # Ekonomi's Kommentar holds text on rows 4 and 5 (rows 2 and 3 are empty)
    return edit(valid, lambda book: hide_columns(book, "Ekonomi", "F", "F"))


@case("S12")
def hidden_dates_of_own_activity(valid: bytes) -> bytes:
    # the dates of the register's activities are prefilled; an own activity's are typed
    return edit(own_activity(valid), lambda book: hide_columns(book, "Aktiviteter", "D", "E"))


@case("S12")
def hidden_columns_without_data(valid: bytes) -> bytes:
    """Hidden columns that hold nothing the department typed: an emptied input column, the
    prefilled dates and previous-period columns, and everything right of the tables (a tidy
    Excel user's habit)."""

    def change(book: openpyxl.Workbook) -> None:
        budget = book["Ekonomi"]
        for row in range(2, budget.max_row + 1):
            budget[f"F{row}"].value = None
        hide_columns(book, "Ekonomi", "F", "XFD")
        hide_columns(book, "Aktiviteter", "D", "G")
        hide_columns(book, "Aktiviteter", "J", "XFD")

    return edit(valid, change)


@case("S13")
def blank_row_in_the_middle(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Sjukfrånvaro"]
        sheet.insert_rows(4)
        sheet["D6"], sheet["E6"] = 3000, 7000  # an error below the blank row names its row

    return edit(valid, change)


@case("S14")
def summary_row_below_table(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"A7": "Summa", "B7": 85.2, "C7": 57.4})


@case("S14")
def comment_row_below_table(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"A8": "Kommentar: budgeten för Tillväxt justerades i maj."})


@case("S14")
def comment_row_on_a_sheet_without_comments(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"A9": "Obs: siffrorna från HR är preliminära."})


@case("S14")
def total_in_a_number_column(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C8": "Totalt", "D8": 41000, "E8": 2400})


@case("S15")
def stray_value_outside_table(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"M40": "kolla med HR"})


@case("S15")
def stray_value_far_below_sick_leave(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"A40": "x"})  # the table ends on row 7


@case("S15")
def stray_note_far_below_activities(valid: bytes) -> bytes:
    # in the Aktivitet column, far below the last activity and the empty own-activity rows
    return cells(valid, "Aktiviteter", {"C60": "kolla med HR om friskvården"})


@case("S15")
def own_activity_after_blank_rows(valid: bytes) -> bytes:
    return own_activity(valid, row=FIRST_OWN_ROW + 25)  # row 42: every cell of it filled


@case("S15")
def own_activity_half_typed_far_below(valid: bytes) -> bytes:
    # two cells are a row begun, not a stray value: read and checked as any own activity
    return own_activity(valid, row=60, ks_ids=None, end=None, status=None, comment=None)


@case("S15")
def value_just_below_table(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"A8": "x"})  # directly under the last row, 7


@case("S16")
def formula_without_cached_value(valid: bytes) -> bytes:
    # openpyxl stores a formula without a value, as scripts and manual calculation do
    return edit(valid, lambda book: setattr(book["Sjukfrånvaro"]["C2"], "value", "=3+4"))


@case("S17")
def error_value_div0(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"C3": "#DIV/0!"})


@case("S17")
def error_value_ref(valid: bytes) -> bytes:
    return with_cell_xml(valid, "Sjukfrånvaro", "D3",
                         '<c r="D3" t="e"><f>#REF!*2</f><v>#REF!</v></c>')


@case("S18")
def optional_comments_left_empty(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        for sheet, column in (("Aktiviteter", "I"), ("Ekonomi", "F")):
            for row in range(2, book[sheet].max_row + 1):
                book[sheet][f"{column}{row}"].value = None

    return edit(valid, change)


@case("S19")
def range_made_excel_table(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        book["Sjukfrånvaro"].add_table(Table(displayName="Sjuk", ref="A1:F7"))

    return edit(valid, change)


@case("S19")
def filter_hides_rows(valid: bytes) -> bytes:
    """Aktiviteter filtered on Status "Pågående enligt plan": Excel hides the other rows."""

    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Aktiviteter"]
        sheet.auto_filter.add_filter_column(7, ["Pågående enligt plan"])
        for row in range(2, FIRST_OWN_ROW):
            if sheet[f"H{row}"].value != "Pågående enligt plan":
                sheet.row_dimensions[row].hidden = True

    return edit(valid, change)


@case("S19")
def filter_and_row_hidden_by_hand(valid: bytes) -> bytes:
    """A filter over rows 1–10 hides row 4; row 12, below the filter, was hidden by hand."""

    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Aktiviteter"]
        sheet.auto_filter.ref = "A1:I10"
        sheet.auto_filter.add_filter_column(7, ["Pågående enligt plan"])
        sheet.row_dimensions[4].hidden = True  # Vänteläge: the filter's doing
        sheet.row_dimensions[12].hidden = True

    return edit(valid, change)


@case("S19")
def excel_table_filter_hides_rows(valid: bytes) -> bytes:
    """Sjukfrånvaro made an Excel table filtered on Kön = Kvinnor: a table keeps its filter in
    its own part, and the men's rows 5–7 are hidden."""

    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Sjukfrånvaro"]
        only_women = FilterColumn(colId=0, filters=Filters(filter=["Kvinnor"]))
        sheet.add_table(Table(displayName="Sjuk", ref="A1:F7",
                              autoFilter=AutoFilter(ref="A1:F7", filterColumn=[only_women])))
        for row in (5, 6, 7):
            sheet.row_dimensions[row].hidden = True

    return edit(valid, change)


# --- Cell level --------------------------------------------------------------------------------

@case("C1")
def date_iso_text(valid: bytes) -> bytes:
    return own_activity(valid, start="2024-03-01", end="2024-12-31")


@case("C2")
def date_day_first_text(valid: bytes) -> bytes:
    return own_activity(valid, start="1/3 2024")


@case("C2")
def date_dotted_text(valid: bytes) -> bytes:
    return own_activity(valid, end="31.12.2024")


@case("C3")
def date_month_name(valid: bytes) -> bytes:
    return own_activity(valid, start="1 mars 2024")


@case("C4")
def date_month_only(valid: bytes) -> bytes:
    return own_activity(valid, start="mars 2024")


@case("C5")
def date_two_digit_year(valid: bytes) -> bytes:
    return own_activity(valid, start="24-03-01")


@case("C6")
def date_compact_digits(valid: bytes) -> bytes:
    return own_activity(valid, start="20240301")


@case("C7")
def date_serial_number(valid: bytes) -> bytes:
    def change(book: openpyxl.Workbook) -> None:
        cell = book["Aktiviteter"][f"D{FIRST_OWN_ROW}"]
        cell.value, cell.number_format = 45352, "General"

    return edit(own_activity(valid), change)


@case("C8")
def date_impossible(valid: bytes) -> bytes:
    return own_activity(valid, start="2024-02-30")


@case("C9")
def date_implausible_year(valid: bytes) -> bytes:
    return own_activity(valid, end="2204-12-31")


@case("C9")
def date_huge_negative_number(valid: bytes) -> bytes:
    return own_activity(valid, start=-1e12)  # made python-calamine panic (a BaseException)


@case("C10")
def date_with_time_of_day(valid: bytes) -> bytes:
    return own_activity(valid, start=dt.datetime(2024, 3, 1, 14, 30), end="2024-12-31 16:00")


@case("C11")
def number_decimal_comma(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"F2": "87,5"})


@case("C12")
def number_thousands_spaces(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"D2": "7\u00a0365", "D3": "20\u202f583",
                                         "D4": "14 967,0"})


@case("C13")
def number_ambiguous_dot(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"E3": "1.234"})


@case("C13")
def number_dot_decimal(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"C2": "8.6"})


@case("C14")
def number_unicode_minus(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"F4": "\u2212172"})


@case("C15")
def number_with_unit(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"D3": "14,6 mnkr"})


@case("C16")
def number_approximate_text(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C5": "ca 3"})


@case("C16")
def number_range_text(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C6": "8–10"})


@case("C17")
def percent_in_hours(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"D3": "7365 %"})  # hours: "%" must not make it 73,65


@case("C17")
def percent_in_amount(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"C2": "50%"})  # Utfall hittills: not 0,5 of anything


@case("C20")
def hours_negative(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"E7": -292})


@case("C21")
def hours_implausibly_high(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C5": 3, "D5": 327200, "E5": 100, "F5": 0})


@case("C23")
def line_breaks_in_single_line_fields(valid: bytes) -> bytes:
    return own_activity(cells(valid, "Aktiviteter", {"H2": "Pågående\nenligt plan"}),
                        title="Prova digitala\nfriskvårdsutmaningar",
                        comment="Rad ett.\nRad två.")


@case("C24")
def status_case_and_spaces(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H2": "pågående enligt plan ",
                                        "H3": " PÅGÅENDE\u00a0ENLIGT PLAN"})


@case("C25")
def status_misspelled(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H12": "Pågånde enligt plan"})


@case("C25")
def assessment_old_word(valid: bytes) -> bytes:
    return cells(valid, "Målbedömning", {"D3": "Delvis"})


@case("C26")
def status_left_empty(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H5": None})


@case("C26")
def hours_left_empty(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"D6": None})


@case("C27")
def placeholder_question_mark(valid: bytes) -> bytes:
    return cells(valid, "Målbedömning", {"D4": "?"})


@case("C27")
def placeholder_na_in_number(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C7": "NA"})


@case("C27")
def placeholder_as_own_activity_title(valid: bytes) -> bytes:
    return own_activity(valid, title="?")


@case("C27")
def placeholder_as_analysis(valid: bytes) -> bytes:
    return cells(valid, "Målbedömning", {"E3": "-"})  # no analysis: a remark, not a refusal


@case("C28")
def end_before_start(valid: bytes) -> bytes:
    return own_activity(valid, start="2024-06-01", end="2024-03-31")


@case("C29")
def comment_too_long(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"I7": "Lång text. " * 200})


@case("C30")
def combining_accents_emoji_control(valid: bytes) -> bytes:
    # Excel writes a control character as _x0007_; openpyxl refuses to, so the XML is written
    return with_cell_xml(valid, "Aktiviteter", "I2",
                         '<c r="I2" t="inlineStr"><is><t>Cafe\u0301 med personalen '
                         '\U0001F600_x0007_\u200b klart</t></is></c>')


@case("C31")
def activity_id_lookalike(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"A3": "A3.1.1-O4"})  # letter O, not zero


@case("C31")
def activity_id_cyrillic(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"A2": "\u04103.1.1-02"})  # Cyrillic А


@case("C31")
def activity_id_unknown(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"A3": "A9.9.9-01"})  # the right shape, in no register


@case("C32")
def text_that_looks_like_formulas(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {
        "I2": '=HYPERLINK("https://intranet.ange.se/friskvard","Läs mer")',
        "I3": "+46 70 123 45 67 (Eva)",
        "I4": "@Eva: klart i juni",
        "I6": "- punkt ett",
    })


@case("C33")
def real_formula_with_cached_value(valid: bytes) -> bytes:
    return with_cell_xml(valid, "Sjukfrånvaro", "C2", '<c r="C2"><f>3+4</f><v>7</v></c>')


@case("C+")
def locked_title_edited(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"C5": "Storytelling om friskvård", "E5": "2024-09-30"})


@case("C+")
def locked_budget_edited(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"B3": 16})


@case("C35")
def boolean_in_number_cell(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"C3": True})


# --- Across rows -------------------------------------------------------------------------------

@case("X1")
def activity_listed_twice(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"A17": "A3.1.2-01", "H17": "Försenad"})


@case("X1")
def goal_assessed_twice(valid: bytes) -> bytes:
    return cells(valid, "Målbedömning", {"A7": "3.1.1", "D7": "Uppfyllt", "E7": "Klart."})


@case("X1")
def sick_leave_row_twice(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"A8": "Kvinnor", "B8": "30–49 år", "C8": 2, "D8": 2100,
                                         "E8": 40, "F8": 0})


@case("X1")
def budget_category_twice(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"A6": "Vuxna", "B6": 14.7, "C6": 1.2, "D6": 2})


@case("X2")
def own_activity_pasted_twice(valid: bytes) -> bytes:
    return own_activity(own_activity(valid), row=FIRST_OWN_ROW + 1)


@case("X3")
def activity_of_another_department(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"A17": "A3.1.1-01", "H17": "Avslutad enligt plan"})


@case("X4")
def goal_id_unknown(valid: bytes) -> bytes:
    return own_activity(valid, ks_ids="9.9.9")


@case("X4")
def goal_of_another_department(valid: bytes) -> bytes:
    return cells(valid, "Målbedömning", {"A7": "3.2.1", "D7": "Uppfyllt", "E7": "Bra."})


@case("X8")
def budget_signs_mixed(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"C2": 8.6, "C3": -9.5})


@case("X8")
def budget_all_negative(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"C2": -8.6, "C3": -9.5, "C4": -20.3, "C5": -19})


@case("X9")
def outcome_far_above_budget(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"C5": 190})  # the budget is 28,6


@case("X9")
def forecast_far_from_budget(valid: bytes) -> bytes:
    # the budget is 29,2; the row's comment (filled in the valid file) emptied: a deviation
    # explained in Kommentar is not remarked on
    return cells(valid, "Ekonomi", {"D4": 40, "F4": None})


@case("X7")
def typed_total_differs_from_rows(valid: bytes) -> bytes:
    # the rows' outcome sums to 57,4; the budget total 85,2 is right
    return cells(valid, "Ekonomi", {"A7": "Summa", "B7": 85.2, "C7": 57.5})


@case("X9")
def outcome_in_a_category_without_budget(valid: bytes) -> bytes:
    return cells(valid, "Ekonomi", {"A6": "Äldre 65+", "C6": 4.2, "D6": 6})  # not Stab's


@case("X11")
def activities_all_deleted(valid: bytes) -> bytes:
    return edit(valid, lambda book: book["Aktiviteter"].delete_rows(2, 40))


@case("X11")
def sick_leave_row_deleted(valid: bytes) -> bytes:
    return edit(valid, lambda book: book["Sjukfrånvaro"].delete_rows(6))


@case("X11")
def goal_row_deleted(valid: bytes) -> bytes:
    return edit(valid, lambda book: book["Målbedömning"].delete_rows(3))


@case("X+")
def sick_hours_exceed_ordinary(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"D2": 7365, "E2": 8000, "F2": 0})


@case("X+")
def long_term_exceeds_sick(valid: bytes) -> bytes:
    return cells(valid, "Sjukfrånvaro", {"E3": 953, "F3": 1000})


@case("X+")
def status_on_empty_row(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H20": "Försenad"})


@case("X+")
def own_activity_incomplete(valid: bytes) -> bytes:
    return own_activity(valid, start=None, end=None)


@case("X+")
def status_done_before_end(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H4": "Avslutad enligt plan"})


@case("X+")
def end_passed_not_finished(valid: bytes) -> bytes:
    return cells(valid, "Aktiviteter", {"H14": "Pågående enligt plan"})


@case("X+")
def own_activity_started_last_year(valid: bytes) -> bytes:
    return own_activity(valid, start=dt.datetime(2023, 9, 1))
