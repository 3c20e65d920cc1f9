"""Structural mutations of real filled templates, in combination, and the regressions they
found. Earlier robustness tests type values into cells with openpyxl; these also edit the sheet
XML the way other programs write it (Excel 365's error values, shared and inline strings, …)."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from pipeline.intake import parse_submission
from pipeline.labels import TEMPLATE_COLUMNS, TemplateSheet
from pipeline.publish.feedback import write_feedback
from pipeline.validate import validate, validate_many
from tests import corpus


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return corpus.make_valid(tmp_path_factory.mktemp("fuzz")).read_bytes()


# --- regressions -------------------------------------------------------------------------------

@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#GETTING_DATA"])
def test_an_excel_365_error_outside_the_answers_does_not_refuse_the_file(valid, register, error):
    """calamine knows only the seven classic error values; a #SPILL! anywhere (a scratch
    formula on the Instruktioner sheet, say) made it refuse the workbook, and the file was
    called damaged."""
    content = corpus.with_cell_xml(valid, "Instruktioner", "A1",
                                   f'<c r="A1" t="e"><f>SORT(B1:B3)</f><v>{error}</v></c>')
    report, data = validate(parse_submission(content, name="stab.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]


@pytest.mark.parametrize("attributes", ["r='A1' t='e'", 'r="A1" t = "e"'])
def test_an_excel_365_error_in_single_quotes_does_not_refuse_the_file(valid, register,
                                                                     attributes):
    """The scan that finds error values (and hands calamine #N/A for #SPILL!) ran only on a
    sheet holding t="e": written t='e', a #SPILL! on Instruktioner (no formulas there) made
    the file "skadad"."""
    content = corpus.with_cell_xml(valid, "Instruktioner", "A1",
                                   f"<c {attributes}><v>#SPILL!</v></c>")
    report, data = validate(parse_submission(content, name="stab.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]


def test_a_formula_that_returns_the_text_spill_is_quoted_as_typed(valid, register):
    """A formula's text result "#SPILL!" (t="str") is a value, not an error: beside a real
    #SPILL! on the same sheet it was handed to calamine as #N/A too, and the department was
    told of a "#N/A" it never wrote."""
    content = corpus.with_cell_xml(valid, "Aktiviteter", "H5",
                                   '<c r="H5" t="str"><f>"#SPILL!"</f><v>#SPILL!</v></c>')
    content = corpus.with_cell_xml(content, "Aktiviteter", "H6",
                                   '<c r="H6" t="e"><f>SORT(B1:B3)</f><v>#SPILL!</v></c>')
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [
        ("error_value", "Aktiviteter!H6"), ("choice_invalid", "Aktiviteter!H5")]
    assert report.errors[1].message.startswith('"#SPILL!" i Aktiviteter!H5 är inte ett giltigt')


@pytest.mark.parametrize(("written", "shown"), [
    (" #SPILL! ", "#SPILL!"), (" #REF! ", "#REF!"), ("#N/A\n", "#N/A"), ("fel", "fel")])
def test_an_error_value_written_with_spaces_or_unknown_is_no_damaged_file(valid, register,
                                                                         written, shown):
    """Another program's error cell (t="e") with spaces around its value, or a value no Excel
    writes: calamine refused the workbook, and the file was called damaged. In an answer it
    is named at its cell; on a sheet that is not read it is not mentioned."""
    content = corpus.with_cell_xml(valid, "Aktiviteter", "H5",
                                   f'<c r="H5" t="e"><v>{written}</v></c>')
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("error_value", "Aktiviteter!H5")]
    assert f"visar felet {shown} i stället" in report.errors[0].message
    content = corpus.with_cell_xml(valid, "Instruktioner", "A1",
                                   f'<c r="A1" t="e"><v>{written}</v></c>')
    report, data = validate(parse_submission(content, name="stab.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]


def test_a_row_hidden_in_single_quotes_is_told(valid, register):
    """Sjukfrånvaro has no formulas: its scan ran only on hidden="1", so a row written
    hidden='1' was read without the warning a hidden row gets."""
    content = corpus.edit(valid, lambda book: setattr(
        book["Sjukfrånvaro"].row_dimensions[3], "hidden", True))
    parts = corpus.zip_parts(content)
    part = corpus.sheet_part(content, "Sjukfrånvaro")
    parts[part] = parts[part].replace(b'hidden="1"', b"hidden='1'")
    report, _ = validate(parse_submission(corpus.rezip(parts), name="stab.xlsx"), register,
                         corpus.PERIOD)
    assert [(i.code, i.place) for i in report.warnings] == [("hidden_rows", "Sjukfrånvaro!A3")]


def test_an_excel_365_error_in_an_answer_is_named_at_its_cell(valid, register):
    content = corpus.with_cell_xml(valid, "Ekonomi", "C3",
                                   '<c r="C3" t="e"><f>FILTER(X1:X9,X1:X9&gt;0)</f>'
                                   "<v>#CALC!</v></c>")
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("error_value", "Ekonomi!C3")]
    assert "#CALC!" in report.errors[0].message


def test_a_long_text_pasted_into_a_number_cell_is_quoted_by_its_beginning(valid, register,
                                                                        tmp_path):
    """A paragraph pasted into Utfall hittills was quoted whole: a message of thousands of
    characters, cut by the Fel sheet (a cell holds at most 32 767) and a row taller than
    Excel shows."""
    pasted = "Utfallet påverkas av " + "höga kostnader för placeringar och vikarier. " * 800
    content = corpus.cells(valid, "Ekonomi", {"C3": pasted[:32000]})
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    [error] = [i for i in report.errors if i.place == "Ekonomi!C3"]
    assert error.message.startswith('"Utfallet påverkas av höga kostnader')
    assert "…" in error.message and len(error.message) < 400
    fel = openpyxl.load_workbook(write_feedback(report, content, tmp_path))["Fel"]
    listed = [fel.cell(row, 5).value for row in range(5, fel.max_row + 1)]
    assert error.message in listed
    assert max(fel.row_dimensions[row].height or 15 for row in range(5, fel.max_row + 1)) <= 409


def test_cells_merged_beside_a_table_do_not_refuse_the_file(valid, register):
    """A note written in merged cells right of the table (Sjukfrånvaro has columns A-F) was
    refused as merged cells in the data area (BAD_INPUTS S11): it hides no value the table
    is read from. The note is told as a value beside the table; a merge inside the table is
    still refused."""
    def note_beside(book: openpyxl.Workbook) -> None:
        sheet = book["Sjukfrånvaro"]
        sheet["H3"] = "Källa: HR-systemet 2024-08-30"
        sheet.merge_cells("H3:J4")

    report, data = validate(parse_submission(corpus.edit(valid, note_beside), name="stab.xlsx"),
                            register, corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]
    assert [(i.code, i.place) for i in report.warnings] == [("stray_value", "Sjukfrånvaro!H3")]

    inside = corpus.edit(valid, lambda book: book["Sjukfrånvaro"].merge_cells("E3:H3"))
    report, _ = validate(parse_submission(inside, name="stab.xlsx"), register, corpus.PERIOD)
    assert ("merged_cells", "Sjukfrånvaro!E3") in [(i.code, i.place) for i in report.errors]


@pytest.mark.parametrize(("sheet", "area"), [("Sjukfrånvaro", "E3:H3"), ("Ekonomi", "C2:D2")])
def test_a_merge_inside_a_row_does_not_call_the_row_missing(valid, register, sheet, area):
    """Merged input cells blocked every cell of their rows, Kategori, Kön and Åldersgrupp
    too, so the row was also called missing ("Lägg tillbaka raden från mallen"), and a
    department following that advice would hand in the row twice."""
    content = corpus.edit(valid, lambda book: book[sheet].merge_cells(area))
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == \
        [("merged_cells", f"{sheet}!{area.split(':')[0]}")]


def _prefixed(content: bytes, sheet: str, extra_row: str = "") -> bytes:
    """The sheet's XML with the main namespace on a prefix (<x:c r="A1">), as the .NET Open
    XML SDK writes it, and `extra_row` (unprefixed XML) added at the end of its data."""
    parts = corpus.zip_parts(content)
    part = corpus.sheet_part(content, sheet)
    text = parts[part].decode("utf-8").replace("</sheetData>", extra_row + "</sheetData>")
    text = text.replace(f'<worksheet xmlns="{MAIN}"', f'<x:worksheet xmlns:x="{MAIN}"')
    parts[part] = re.sub(r"<(/?)(?!x:)([a-zA-Z]+)([ >/])", r"<\1x:\2\3", text).encode()
    return corpus.rezip(parts)


def test_a_prefixed_sheet_as_written_by_the_open_xml_sdk_is_read(valid, register):
    report, data = validate(parse_submission(_prefixed(valid, "Ekonomi"), name="stab.xlsx"),
                            register, corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_far_value_in_a_prefixed_sheet_is_refused_before_it_is_read(valid, register, quote):
    """The guard that measures a sheet's used area before calamine allocates it (rows ×
    columns: a value in XFD1048576 asks for 17 billion cells) looked only for <c r="…">,
    so a sheet with prefixed tags (<x:c>) or single quotes was allocated unmeasured."""
    far = f"<row r={quote}5000{quote}><c r={quote}ZZ5000{quote}><v>1</v></c></row>"
    report, _ = validate(parse_submission(_prefixed(valid, "Ekonomi", far), name="stab.xlsx"),
                         register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("sheet_too_large", "Ekonomi!ZZ5000")]


def test_a_date_out_of_range_in_a_prefixed_sheet_is_named_at_its_cell(valid, register):
    """-1e12 in a date cell makes calamine panic; the scan that finds the cell missed it in a
    prefixed sheet, and the file was called damaged."""
    content = _prefixed(corpus.own_activity(valid, start=-1e12), "Aktiviteter")
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("date_out_of_range",
                                                           "Aktiviteter!D17")]


def test_a_merge_in_a_prefixed_sheet_is_named_as_a_merge(valid, register):
    """The scan looked for merges as <mergeCell : in a prefixed sheet without formulas
    (<x:mergeCell>) the merge went unseen and its hidden cell was called empty ("F3 är tom
    men måste fyllas i") instead of "Dela upp dem"."""
    content = corpus.edit(valid, lambda book: book["Sjukfrånvaro"].merge_cells("E3:F3"))
    report, _ = validate(parse_submission(_prefixed(content, "Sjukfrånvaro"), name="stab.xlsx"),
                         register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("merged_cells", "Sjukfrånvaro!E3")]


def test_a_far_value_with_spaces_around_its_r_is_refused_before_it_is_read(valid, register):
    """XML allows r = "ZZ5000"; calamine reads it, but the guard's patterns look for r=" and
    took the cell for one with its place, so it was allocated unmeasured."""
    parts = corpus.zip_parts(valid)
    part = corpus.sheet_part(valid, "Ekonomi")
    parts[part] = parts[part].replace(
        b"</sheetData>", b'<row r = "5000"><c r = "ZZ5000"><v>1</v></c></row></sheetData>')
    content = corpus.rezip(parts)
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("sheet_too_large", "Ekonomi!ZZ5000")]


def _without_positions(content: bytes, sheet: str, extra_row: str = "") -> bytes:
    """The sheet's cells without their r (allowed: a cell's place is then the one after the
    cell before it), and `extra_row` added at the end of its data."""
    parts = corpus.zip_parts(content)
    part = corpus.sheet_part(content, sheet)
    text = parts[part].decode("utf-8").replace("</sheetData>", extra_row + "</sheetData>")
    parts[part] = re.sub(r'<c r="[A-Z]+[0-9]+"', "<c", text).encode()
    return corpus.rezip(parts)


def test_a_sheet_whose_cells_leave_out_their_place_is_read(valid, register):
    report, data = validate(parse_submission(_without_positions(valid, "Ekonomi"),
                                             name="stab.xlsx"), register, corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]
    assert data.budget["forecast"].notna().all()


@pytest.mark.parametrize(("cell", "xml", "code"), [
    ("F3", '<c r="F3" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "error_value"),
    ("C3", '<c r="C3" t="e"><v>#REF!</v></c>', "error_value"),
    ("D3", '<c r="D3"><f>C3*2</f></c>', "formula_uncalculated"),
])
def test_an_error_in_a_cell_without_its_place_is_named_at_its_cell(valid, register, cell, xml,
                                                                  code):
    """The sheet scan keyed error values and formulas without a value by the cell's r: in a
    sheet whose cells leave it out, #DIV/0! in Kommentar passed as an empty comment, and
    #REF! in Utfall hittills was called empty."""
    content = _without_positions(corpus.with_cell_xml(valid, "Ekonomi", cell, xml), "Ekonomi")
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [(code, f"Ekonomi!{cell}")]


def test_a_date_out_of_range_in_a_cell_without_its_place_is_named_at_its_cell(valid, register):
    """-1e12 in a date cell makes calamine panic; the scan found the cell by its r, so in a
    sheet whose cells leave it out the file was called damaged."""
    content = _without_positions(corpus.own_activity(valid, start=-1e12), "Aktiviteter")
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("date_out_of_range",
                                                           "Aktiviteter!D17")]


@pytest.mark.parametrize("prefixed", [False, True])
def test_a_far_row_of_cells_without_their_place_is_refused_before_it_is_read(valid, register,
                                                                             prefixed):
    """Cells without r in a far row (702 of them in row 5000 make ZZ5000; 16 384 in row
    1 048 576 would ask calamine for 17 billion cells and stop the night) were not measured:
    the guard read only the cells' r."""
    far = '<row r="5000">' + "<c><v>1</v></c>" * 702 + "</row>"
    content = _without_positions(valid, "Ekonomi", far)
    if prefixed:
        content = _prefixed(content, "Ekonomi")
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("sheet_too_large", "Ekonomi!ZZ5000")]


def test_a_far_cell_with_its_place_in_a_row_without_one_is_refused_before_it_is_read(valid,
                                                                                 register):
    """Where cells leave out their r the guard walks rows and cells; it took a cell's row
    from its <row> even when the cell named its own, so r='ZZ5000' in a row without r (the
    sheet's eighth) was measured as ZZ8 and allocated."""
    far = "<row><c r='ZZ5000'><v>1</v></c></row>"
    report, _ = validate(parse_submission(_without_positions(valid, "Ekonomi", far),
                                          name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("sheet_too_large", "Ekonomi!ZZ5000")]


# --- combinations of structural mutations, under hypothesis ------------------------------------

DATA_SHEETS = [str(s) for s in TEMPLATE_COLUMNS]
ALL_SHEETS = [*DATA_SHEETS, str(TemplateSheet.META), "Instruktioner"]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# what other programs write into a cell's XML (openpyxl writes none of these)
CELL_XML = st.sampled_from([
    '<c r="{r}" t="e"><v>#REF!</v></c>', '<c r="{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="{r}" t="e"><f>SORT(A1:A3)</f><v>#SPILL!</v></c>', '<c r="{r}" t="e"><v>#CALC!</v></c>',
    '<c r="{r}" t="e"/>', '<c r="{r}" t="b"><v>1</v></c>', '<c r="{r}" t="b"><v>0</v></c>',
    '<c r="{r}" t="str"><f>"Pågående enligt plan"</f><v>Pågående enligt plan</v></c>',
    '<c r="{r}" t="str"><v>1 234,5</v></c>', '<c r="{r}"><f>SUM(C2:C4)</f></c>',
    '<c r="{r}"><f>SUM(C2:C4)</f><v>42</v></c>', '<c r="{r}"><v>1E+308</v></c>',
    '<c r="{r}"><v>-45000</v></c>', '<c r="{r}"><v>4.9E-324</v></c>',
    '<c r="{r}" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve">Uppf</t></r>'
    "<r><t>yllt</t></r></is></c>",
    '<c r="{r}" t="inlineStr"><is><t>\u200bVuxna\u200f</t></is></c>',
    '<c r="{r}" t="inlineStr"><is><t>12,5 %</t></is></c>',
    '<c r="{r}" t="inlineStr"><is><t>_x0001_Kvinnor</t></is></c>',
])
TYPED = st.sampled_from([
    "1 234,5", "1\u00a0234,5", "12,5 %", "−12", "\u200b", "Pågående enligt plan\u200e",
    "#N/A", "=1+1", True, dt.datetime(2024, 3, 31), 1e16, "NaN", "inf", "x" * 3000,
    None, "", "Summa", "Kommentar: se mejl",
])


@st.composite
def mutations(draw):
    """2 to 5 things done to a workbook: by a person in Excel (openpyxl: rows and columns
    inserted or deleted, the table moved, sheets duplicated, renamed, hidden or reordered,
    _meta edited, values typed) or by another program (the sheet XML: error values, shared
    and rich strings, formulas, cells without a position, a lying dimension, merges, hidden
    rows, thousands of empty formatted rows)."""
    steps = []
    for n in range(draw(st.integers(2, 5))):
        kind = "cell_xml" if n == 0 else draw(st.sampled_from([
            "insert_rows", "delete_rows", "insert_cols", "delete_cols", "move_down",
            "duplicate_sheet", "rename_sheet", "hide_sheet", "reorder", "meta", "type",
            "cell_xml", "cell_xml", "shared_strings", "no_positions", "prefixed", "dimension",
            "merge_xml", "hidden_row", "empty_rows"]))
        sheet = draw(st.sampled_from(ALL_SHEETS if kind in (
            "duplicate_sheet", "rename_sheet", "hide_sheet", "reorder") else DATA_SHEETS))
        steps.append((kind, sheet, draw(st.integers(1, 30)), draw(st.integers(1, 10)),
                      draw(CELL_XML if kind == "cell_xml" else TYPED)))
    return steps


def _edit_book(content: bytes, steps) -> bytes:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(content))
    for kind, sheet, row, col, value in steps:
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        if kind == "insert_rows":
            ws.insert_rows(row + 1, col % 3 + 1)
        elif kind == "delete_rows":
            ws.delete_rows(row + 1)
        elif kind == "insert_cols":
            ws.insert_cols(col)
        elif kind == "delete_cols":
            ws.delete_cols(col)
        elif kind == "move_down":
            ws.move_range(f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", rows=col % 4 + 1)
        elif kind == "duplicate_sheet":
            book.copy_worksheet(ws).title = f"{sheet} ({row})"
        elif kind == "rename_sheet":
            ws.title = [f"{sheet} ", sheet.upper(), f"Blad{row}", "Fel"][col % 4]
        elif kind == "hide_sheet" and len(book.sheetnames) > 1:
            ws.sheet_state = "hidden" if col % 2 else "veryHidden"
        elif kind == "reorder":
            book.move_sheet(ws, col % 5 - 2)
        elif kind == "meta" and str(TemplateSheet.META) in book.sheetnames:
            meta = book[str(TemplateSheet.META)]
            meta.cell(row % max(1, meta.max_row) + 1, col % 2 + 1).value = value
        elif kind == "type":
            cell = ws.cell(row + 1, col)
            if not isinstance(cell, MergedCell):
                corpus.set_cell(cell, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _edit_xml(content: bytes, steps) -> bytes:  # type: ignore[no-untyped-def]
    parts = corpus.zip_parts(content)
    names = openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames
    for kind, sheet, row, col, value in steps:
        if sheet not in names:
            continue
        part = f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"
        text = parts[part].decode("utf-8")
        if kind == "cell_xml":
            refs = re.findall(r'<c r="([A-Z]+[0-9]+)"', text)
            if refs:
                ref = refs[(row * 7 + col) % len(refs)]
                cell = value.format(r=ref)
                text = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', lambda _, c=cell: c, text,
                              count=1, flags=re.S)
        elif kind == "no_positions":  # r may be left out: a cell's place is its order
            text = re.sub(r'(<row r="(\d+)"[^>]*>)(.*?)(</row>)',
                          lambda m, odd=col % 2: m[1] + re.sub(r'<c r="[A-Z]+\d+"', "<c", m[3])
                          + m[4] if int(m[2]) % 2 == odd else m[0], text, flags=re.S)
        elif kind == "dimension":
            text = re.sub(r'<dimension ref="[^"]*"/>',
                          f'<dimension ref="{["A1", "A1:B2", "A1:XFD1048576", "C3"][col % 4]}"/>',
                          text)
        elif kind == "merge_xml" and "<mergeCells" not in text:
            area = f"{get_column_letter(col)}{row + 1}:{get_column_letter(col + row % 2)}{row + 2}"
            text = re.sub(r"(</sheetData>(?:<sheetProtection[^>]*/>)?)",
                          rf'\1<mergeCells count="1"><mergeCell ref="{area}"/></mergeCells>',
                          text, count=1)
        elif kind == "hidden_row":
            text = re.sub(rf'<row r="{row + 1}"', f'<row r="{row + 1}" hidden="1"', text, count=1)
        elif kind == "empty_rows":
            last = max(map(int, re.findall(r'<row r="(\d+)"', text)), default=0)
            empty = "".join(f'<row r="{r}" s="1" customFormat="1" ht="15" customHeight="1"/>'
                            for r in range(last + 1, last + 1 + 600 * col))
            text = text.replace("</sheetData>", empty + "</sheetData>")
        elif kind == "shared_strings":
            parts = _as_shared_strings({**parts, part: text.encode("utf-8")}, names)
            continue
        parts[part] = text.encode("utf-8")
    for kind, sheet, *_ in steps:  # last: the other edits look for unprefixed tags
        if kind == "prefixed" and sheet in names:
            content = corpus.rezip(parts)
            parts = corpus.zip_parts(_prefixed(content, sheet))
    return corpus.rezip(parts)


def _as_shared_strings(parts: dict[str, bytes], names: list[str]) -> dict[str, bytes]:
    """Every inline string into a shared-strings table, as Excel saves; text with a space
    becomes rich text of two runs."""
    if "xl/sharedStrings.xml" in parts:
        return parts
    table: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        inner = match[2]
        plain = re.fullmatch(r"<t>([^<]*?) ([^<]*)</t>", inner)
        if plain:  # rich text: the first word bold
            inner = (f'<r><rPr><b/></rPr><t xml:space="preserve">{plain[1]} </t></r>'
                     f"<r><t>{plain[2]}</t></r>")
        index = table.setdefault(inner, len(table))
        return f'<c{match[1]} t="s"><v>{index}</v></c>'

    for n in range(1, len(names) + 1):
        part = f"xl/worksheets/sheet{n}.xml"
        parts[part] = re.sub(r'<c([^>]*?) t="inlineStr"><is>(.*?)</is></c>', shared,
                             parts[part].decode("utf-8"), flags=re.S).encode("utf-8")
    items = "".join(f"<si>{inner}</si>" for inner in table)
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN}" count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml" '
        b'Id="rIdShared"/></Relationships>')
    return parts


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BOOK_STEPS = {"insert_rows", "delete_rows", "insert_cols", "delete_cols", "move_down",
              "duplicate_sheet", "rename_sheet", "hide_sheet", "reorder", "meta", "type"}
REF = re.compile(r"[A-Z]{1,3}[1-9][0-9]*")


@SETTINGS
@given(steps=mutations())
def test_combined_structural_mutations_keep_the_promises(valid, register, tmp_path_factory,
                                                         steps):
    """Whatever combination of edits a file went through: validate hands back a report and
    never its safety net; every finding is a message that names an existing sheet and a real
    cell where it names one; a refused file gets a feedback copy that opens and lists every
    finding in its Fel sheet; a file Excel opens is not called damaged; an accepted one carries all its data; and checking it among
    other files gives what checking it alone gives."""
    content = _edit_book(valid, [s for s in steps if s[0] in BOOK_STEPS]) \
        if any(s[0] in BOOK_STEPS for s in steps) else valid
    content = _edit_xml(content, [s for s in steps if s[0] not in BOOK_STEPS])
    submission = parse_submission(content, name="Stab T2 2024.xlsx")
    report, data = validate(submission, register, corpus.PERIOD)
    codes = [i.code for i in report.issues]
    assert "internal_error" not in codes, report.issues
    # every edit leaves a workbook Excel opens without a word: it is never called damaged
    assert "file_corrupt" not in codes, report.issues
    assert (data is not None) == report.accepted
    sheets = openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames \
        if submission.readable else []
    for issue in report.issues:
        assert issue.message and "{" not in issue.message and len(issue.message) < 2000
        if issue.cell is not None:
            assert REF.fullmatch(issue.cell), issue
            assert issue.sheet in sheets, issue
    if report.accepted:
        assert len(data.sick_leave) == 6 and len(data.activities) >= 15
    else:
        path = write_feedback(report, content, tmp_path_factory.mktemp("feedback"))
        book = openpyxl.load_workbook(path)
        assert book.sheetnames[0] == "Fel"
        fel = book["Fel"]
        assert [fel.cell(r, 5).value for r in range(5, fel.max_row + 1)] == \
            [i.message for i in report.ordered]
    [(alone, _), _] = validate_many([(parse_submission(content, name="Stab T2 2024.xlsx"), None),
                                     (parse_submission(valid, name="annan.xlsx"), None)],
                                    register, corpus.PERIOD)
    assert [(i.code, i.cell, i.message) for i in alone.issues] == \
        [(i.code, i.cell, i.message) for i in report.issues]
