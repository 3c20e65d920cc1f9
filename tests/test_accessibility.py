"""Accessibility (DOS-lagen, WCAG 2.1 AA) of what the committee publishes: the tertial report and
the consolidated workbook, read back from their XML as a screen reader and Word's and Excel's
accessibility checkers see them."""

import shutil
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline.labels import ASSESSMENT_STYLE, NOT_ASSESSED, Assessment
from pipeline.publish.workbook import styles as workbook_styles
from tests.conftest import EXAMPLE

X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
AA = 4.5  # WCAG 2.1 1.4.3, normal text


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour such as "#00A651" or "FF00A651"."""
    value = colour.lstrip("#")[-6:]
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(text: str, background: str) -> float:
    lighter, darker = sorted((luminance(text), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_wcags_reference_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


# --- one night of the shipped example, SOC missing --------------------------------------------

@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """The shipped example's night with every department but SOC (so goals are not assessed,
    activities not reported and a department missing): the report and the workbook."""
    from pipeline.cli import main

    folder = tmp_path_factory.mktemp("night")
    (folder / "inbox").mkdir()
    for source in sorted((EXAMPLE / "inlamningar").iterdir()):
        if source.name != "SOC":
            shutil.copytree(source, folder / "inbox" / source.name)
    config = folder / "pipeline.toml"
    config.write_text(f'register = "{EXAMPLE / "register.xlsx"}"\nperiod = "2024-T2"\n'
                      'report = true\nsettle_seconds = 0\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "run"], catch_exceptions=False,
                                env={"PIPELINE_NOW": "2024-09-20T02:00"})
    assert result.exit_code == 0, result.output
    outbox = folder / "outbox"
    return outbox / "tertialrapport_2024-T2.docx", outbox / "sammanstallning_2024-T2.xlsx"


def xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


# --- the workbook -----------------------------------------------------------------------------

def test_the_summary_charts_have_alternative_text_with_their_figures(night):
    _, xlsx = night
    with zipfile.ZipFile(xlsx) as package:
        drawings = [n for n in package.namelist() if n.startswith("xl/drawings/drawing")]
    found = [p for name in drawings for p in xml(xlsx, name).iter(f"{XDR}cNvPr")]
    texts = [p.get("descr") for p in found]
    assert len(texts) == 2 and all(texts)
    summary = openpyxl.load_workbook(xlsx)["Sammanfattning"]
    goals = {str(r[0]): r[1] for r in summary.iter_rows(values_only=True)
             if isinstance(r[1], int) and r[0]}
    assert texts[0].startswith("Liggande stapeldiagram, mål per bedömning: ")
    for assessment in Assessment:
        label = f"{ASSESSMENT_STYLE[assessment][0]} {assessment.value}"
        assert f"{assessment.value} {goals[label]}" in texts[0]
    assert f"{NOT_ASSESSED} {goals[NOT_ASSESSED]}" in texts[0]
    assert texts[1].startswith("Liggande stapeldiagram, aktiviteter per status: ")


def used_text_on_fills(xlsx: Path) -> Counter:
    """(font colour, fill colour) -> cells with a value, over every sheet."""
    styles = xml(xlsx, "xl/styles.xml")
    fonts = []
    for font in styles.find(f"{X}fonts"):
        colour = font.find(f"{X}color")
        rgb = colour.get("rgb") if colour is not None else None
        assert colour is None or rgb or colour.get("theme") == "1", etree.tostring(colour)
        fonts.append(rgb[-6:] if rgb else "000000")
    fills = []
    for fill in styles.find(f"{X}fills"):
        colour = fill.find(f"{X}patternFill/{X}fgColor")
        fills.append(colour.get("rgb")[-6:] if colour is not None else "FFFFFF")
    xfs = [(fonts[int(xf.get("fontId", 0))], fills[int(xf.get("fillId", 0))])
           for xf in styles.find(f"{X}cellXfs")]
    pairs: Counter = Counter()
    with zipfile.ZipFile(xlsx) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
    for name in sheets:
        for cell in xml(xlsx, name).iter(f"{X}c"):
            if cell.find(f"{X}v") is not None or cell.find(f"{X}is") is not None:
                pairs[xfs[int(cell.get("s", 0))]] += 1
    return pairs


def test_all_text_in_the_workbook_has_at_least_4_5_to_1_contrast(night):
    """Every cell with a value: its font colour on its fill, as Excel's checker compares them
    (the repeated KF goal's grey had 2.4:1)."""
    pairs = used_text_on_fills(night[1])
    fills = {fill for _, fill in pairs}
    assert {ASSESSMENT_STYLE[a][1].lstrip("#") for a in Assessment} <= fills
    assert workbook_styles.NOT_REPORTED_FILL.lstrip("#") in fills
    weak = {pair: round(contrast(*pair), 2) for pair in pairs if contrast(*pair) < AA}
    assert not weak


def test_every_colour_pair_the_workbook_code_uses_has_at_least_4_5_to_1():
    """The pairs named in the code, also those this night does not show (a rejected file, a
    warning, a flag)."""
    s = workbook_styles
    black, white = "#000000", "#FFFFFF"
    pairs = [(black, ASSESSMENT_STYLE[a][1]) for a in Assessment]
    pairs += [(black, fill) for fill in (*s.STATE_FILL.values(), *s.SEVERITY_FILL.values(),
                                         s.FLAG_FILL, s.NOT_REPORTED_FILL, "#F2F2F2")]
    pairs += [(s.GREY_TEXT, s.NOT_REPORTED_FILL), (s.GREY_TEXT, white), (white, s.BLUE),
              (s.BLUE, white), (s.QUIET_TEXT, white), ("#C00000", white)]
    weak = {pair: round(contrast(*pair), 2) for pair in pairs if contrast(*pair) < AA}
    assert not weak


def data_tables(sheet) -> list[tuple[int, int, int, int]]:
    """(first row, last row, first column, last column) of each table on a sheet: a run of
    header cells (white on blue) and the rows under it down to the first empty one."""
    blue = workbook_styles.BLUE.lstrip("#")
    found = []
    for row in sheet.iter_rows():
        headers = [c for c in row if c.value and str(c.fill.fgColor.rgb).endswith(blue)]
        runs: list[list] = []
        for cell in headers:
            if runs and cell.column == runs[-1][-1].column + 1:
                runs[-1].append(cell)
            else:
                runs.append([cell])
        for run in runs:
            first, left, right = run[0].row, run[0].column, run[-1].column
            last = first
            while any(sheet.cell(last + 1, c).value not in (None, "")
                      for c in range(left, right + 1)):
                last += 1
            found.append((first, last, left, right))
    return found


def test_no_merged_cell_lies_inside_a_data_table(night):
    """Excel's checker warns of merged cells: a screen reader loses its place in a table with
    them. The workbook merges only single lines of text outside its tables (a headline, a
    note, a date beside its label on Sammanfattning)."""
    book = openpyxl.load_workbook(night[1])
    tables = 0
    for sheet in book.worksheets:
        for first, last, left, right in data_tables(sheet):
            tables += 1
            for merged in sheet.merged_cells.ranges:
                assert (merged.max_row < first or merged.min_row > last or
                        merged.max_col < left or merged.min_col > right), (
                    sheet.title, str(merged), (first, last, left, right))
        for merged in sheet.merged_cells.ranges:
            assert merged.min_row == merged.max_row, (sheet.title, str(merged))
    assert tables >= 9  # two on Sammanfattning and three on Ekonomi among them


LIST_SHEETS = ("Måluppföljning", "Aktiviteter", "Sjukfrånvaro", "Inlämningar", "Datakvalitet")


def test_every_list_sheet_starts_with_a_frozen_header_row_and_the_others_with_a_title(night):
    """A screen reader announces a column by its header: on the five list sheets row 1 names
    every column (and stays in view); Sammanfattning and Ekonomi start with a title and give
    each of their tables a header row."""
    book = openpyxl.load_workbook(night[1])
    for sheet in book.worksheets:
        tables = data_tables(sheet)
        assert tables, sheet.title
        if sheet.title in LIST_SHEETS:
            first, _, left, right = tables[0]
            assert (first, left) == (1, 1), sheet.title
            assert right == sheet.max_column, sheet.title
            assert sheet.freeze_panes in ("A2", "B2"), sheet.title
            assert all(sheet.cell(1, c).font.b for c in range(left, right + 1))
        else:
            assert isinstance(sheet["A1"].value, str) and sheet["A1"].font.sz >= 16
