"""Accessibility (DOS-lagen, WCAG 2.1 AA) of what the committee publishes: the tertial report and
the consolidated workbook, read back from their XML as a screen reader and Word's and Excel's
accessibility checkers see them."""

import datetime as dt
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from pipeline.labels import (
    ASSESSMENT_STYLE,
    NOT_ASSESSED,
    NOT_REPORTED,
    REPORT_ACTIVITY_HEADERS,
    REPORT_STYLE_ASSESSMENT,
    Assessment,
)
from pipeline.publish.report.charts import MISSING_COLOUR
from pipeline.publish.report.document import LANGUAGE
from pipeline.publish.workbook import styles as workbook_styles
from tests.conftest import EXAMPLE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
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

    folder = tmp_path_factory.mktemp("night")
    (folder / "inbox").mkdir()
    for source in sorted((EXAMPLE / "inlamningar").iterdir()):
        if source.name != "SOC":
            shutil.copytree(source, folder / "inbox" / source.name)
    return run_night(folder, EXAMPLE / "register.xlsx")


def run_night(folder: Path, register: Path) -> tuple[Path, Path]:
    """`pipeline run` for 2024-T2 on folder's inbox, with the report: (report, workbook)."""
    from pipeline.cli import main

    config = folder / "pipeline.toml"
    config.write_text(f'register = "{register}"\nperiod = "2024-T2"\nreport = true\n'
                      'settle_seconds = 0\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "run"], catch_exceptions=False,
                                env={"PIPELINE_NOW": "2024-09-20T02:00"})
    assert result.exit_code == 0, result.output
    outbox = folder / "outbox"
    return outbox / "tertialrapport_2024-T2.docx", outbox / "sammanstallning_2024-T2.xlsx"


def xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


# --- the report -------------------------------------------------------------------------------

def pictures(docx: Path) -> list[etree._Element]:
    return list(xml(docx, "word/document.xml").iter(f"{WP}docPr"))


def test_every_chart_in_the_report_has_a_title_and_alternative_text(night):
    docx, _ = night
    found = pictures(docx)
    assert len(found) == 2
    titles = [p.get("title") for p in found]
    assert titles == ["Figur 1. Bedömningarna per målområde (antal mål)",
                      "Figur 2. Total sjukfrånvaro per avdelning och basvärdet"]
    for picture in found:
        assert picture.get("descr", "").startswith("Liggande stapeldiagram")


def test_the_assessment_charts_text_gives_every_bar_as_the_workbook_counts_it(night):
    """A screen-reader user hears the goals per area and assessment that a sighted reader
    reads off the bars: counted here from the workbook's Måluppföljning sheet."""
    docx, xlsx = night
    text = pictures(docx)[0].get("descr")
    sheet = openpyxl.load_workbook(xlsx, read_only=True)["Måluppföljning"]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    area, assessment = header.index("Målområde"), header.index("Bedömning")
    counts: dict[str, Counter] = {}
    for row in rows:
        if row[area]:
            shown = str(row[assessment] or "")
            name = next((a.value for a in Assessment if shown.endswith(a.value)),
                        NOT_ASSESSED)
            counts.setdefault(row[area], Counter())[name] += 1
    assert sum(c[NOT_ASSESSED] for c in counts.values()) > 0  # SOC's goals
    for goal_area, by_assessment in counts.items():
        parts = ", ".join(f"{name} {by_assessment[name]}"
                          for name in [*(a.value for a in Assessment), NOT_ASSESSED]
                          if by_assessment[name])
        assert f"{goal_area} ({sum(by_assessment.values())} mål): {parts}." in text


def test_the_sick_leave_charts_text_gives_each_units_figure_and_its_table(night):
    docx, _ = night
    text = pictures(docx)[1].get("descr")
    doc = Document(str(docx))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    number = next(re.match(r"Tabell (\d+)", c).group(1) for c in captions
                  if "jämfört med basvärdet" in c)
    assert text.endswith(f"Samma värden står i tabell {number}.")
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Enhet"
                 and t.rows[0].cells[1].text == "Basvärde")
    for row in table.rows[1:]:
        name, base, _, current, _ = (c.text for c in row.cells)
        figure = "uppgift saknas" if current == "–" or not current[0].isdigit() else current
        assert f"{name}: {figure}, basvärde {base}." in text, name
    assert "Sociala avdelningen: uppgift saknas" in text


def test_the_report_has_a_title_and_is_swedish(night):
    docx, _ = night
    doc = Document(str(docx))
    assert doc.core_properties.title.startswith("Kommunstyrelsens måluppföljning")
    assert doc.core_properties.language == LANGUAGE
    lang = xml(docx, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == LANGUAGE


def test_a_template_in_another_language_still_gives_a_swedish_report(night, tmp_path,
                                                                      register):
    """The text is Swedish whatever language the municipality's template was made in; a
    screen reader picks its voice by the document's language."""
    from pipeline.publish.report import write_report
    from tests.test_report import AS_OF

    template = Document()
    lang = template.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    lang.set(f"{W}val", "en-US")
    template.save(tmp_path / "mall.docx")
    from pipeline.merge import merge

    path = tmp_path / "r.docx"
    write_report(path, register, merge(register, "2024-T2", {}), as_of=AS_OF,
                 template=tmp_path / "mall.docx")
    lang = xml(path, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == LANGUAGE


def test_headings_are_heading_styles_in_order_without_a_skipped_level(night):
    doc = Document(str(night[0]))
    levels = [int(p.style.name.split()[-1]) for p in doc.paragraphs
              if p.style.name.startswith("Heading ")]
    assert levels[0] == 1 and {1, 2} <= set(levels)
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_every_table_has_a_repeated_header_row_with_every_column_named(night):
    doc = Document(str(night[0]))
    assert len(doc.tables) > 20
    for table in doc.tables:
        header = table.rows[0]._tr
        marks = header.findall(f"{W}trPr/{W}tblHeader")
        assert [m.get(f"{W}val") for m in marks] == ["true"]
        assert all(cell.text.strip() for cell in table.rows[0].cells), \
            [c.text for c in table.rows[0].cells]
        for tr in table._tbl.tr_lst[1:]:
            assert tr.find(f"{W}trPr/{W}tblHeader") is None


def style_colours(docx: Path) -> dict[str, tuple[str | None, str | None]]:
    """styleId -> (its own text colour, the style it is based on)."""
    found = {}
    for style in xml(docx, "word/styles.xml").iter(f"{W}style"):
        colour = style.find(f"{W}rPr/{W}color")
        based = style.find(f"{W}basedOn")
        found[style.get(f"{W}styleId")] = (
            None if colour is None else colour.get(f"{W}val"),
            None if based is None else based.get(f"{W}val"))
    return found


def text_on_backgrounds(docx: Path) -> Counter:
    """(text colour, background) -> runs with text, as Word shows them: a run's colour, else
    its paragraph style's (or the one that style is based on), else black; on the run's
    shading, else its table cell's, else the white page."""
    styles = style_colours(docx)

    def style_colour(style_id: str | None) -> str | None:
        while style_id:
            colour, style_id = styles.get(style_id, (None, None))
            if colour:
                return colour
        return None

    pairs: Counter = Counter()
    body = xml(docx, "word/document.xml")
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        paragraph_colour = style_colour(style.get(f"{W}val") if style is not None else
                                        "Normal")
        cell = next((a for a in paragraph.iterancestors(f"{W}tc")), None)
        cell_fill = cell.find(f"{W}tcPr/{W}shd") if cell is not None else None
        for run in paragraph.iter(f"{W}r"):
            if not "".join(t.text or "" for t in run.iter(f"{W}t")).strip():
                continue
            colour = run.find(f"{W}rPr/{W}color")
            shading = run.find(f"{W}rPr/{W}shd")
            text = (colour.get(f"{W}val") if colour is not None else paragraph_colour) or "auto"
            fill = (shading if shading is not None else cell_fill)
            background = fill.get(f"{W}fill") if fill is not None else "FFFFFF"
            pairs["000000" if text == "auto" else text, background] += 1
    return pairs


def test_all_text_in_the_report_has_at_least_4_5_to_1_contrast(night):
    """Every run of text against what it stands on, the assessment symbols on their colours
    included (light green and orange symbols on white had 1.9 and 2.1 to 1), and the captions
    and lower headings (python-docx's blue had 4.0 to 1)."""
    pairs = text_on_backgrounds(night[0])
    fills = {background for _, background in pairs}
    assert {ASSESSMENT_STYLE[a][1].lstrip("#") for a in Assessment} <= fills
    weak = {pair: round(contrast(*pair), 2) for pair in pairs if contrast(*pair) < AA}
    assert not weak


def test_the_assessment_symbols_and_words_are_there_in_black_and_white(night):
    """Colour never carries the assessment alone: each coloured symbol is followed by its
    word."""
    doc = Document(str(night[0]))
    lines = [p.text for p in doc.paragraphs if p.style.name == REPORT_STYLE_ASSESSMENT]
    assert lines
    for line in lines:
        assert line == NOT_ASSESSED or any(
            line == f"{ASSESSMENT_STYLE[a][0]} {a.value}" for a in Assessment), line


def test_numbers_on_the_assessment_chart_bars_have_at_least_4_5_to_1(monkeypatch):
    """The chart's counts stand on the four assessment colours and the grey of "not
    assessed" (white on the green had 3.2:1)."""
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.colors import to_hex

    from pipeline.figures import goals_by_area
    from pipeline.publish.report.charts import _assessment_chart

    drawn = []
    label = Axes.bar_label

    def record(self, container, *args, **kwargs):
        drawn.append((to_hex(container.patches[0].get_facecolor()), kwargs["color"]))
        return label(self, container, *args, **kwargs)

    monkeypatch.setattr(Axes, "bar_label", record)
    goals = pd.DataFrame({"area": ["Vuxna"] * 5, "assessment": [
        *(a.value for a in Assessment), None]})
    _assessment_chart(goals_by_area(goals))
    assert {fill.upper() for fill, _ in drawn} == {
        *(ASSESSMENT_STYLE[a][1] for a in Assessment), MISSING_COLOUR}
    weak = [(to_hex(text), fill) for fill, text in drawn if contrast(to_hex(text), fill) < AA]
    assert not weak


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


def test_every_text_in_a_template_and_its_feedback_copy_has_at_least_4_5_to_1(register,
                                                                                tmp_path):
    """What the departments read: the templates' legend of assessments (light green and
    orange symbols on white had 1.9 and 2.1 to 1) and the orange header of the columns they
    fill (4.3 to 1), in every template and in the marked-up copy of a refused one."""
    import datetime as dt

    from pipeline.cli import main
    from pipeline.templates import write_templates

    templates = write_templates(register, "2024-T2", tmp_path / "mallar",
                                created=dt.date(2024, 5, 1))
    assert len(templates) == 5
    refused = tmp_path / "SOC.xlsx"
    book = openpyxl.load_workbook(next(t for t in templates if t.name.startswith("SOC")))
    book["Aktiviteter"]["H2"] = "Klar"
    book.save(refused)
    config = tmp_path / "pipeline.toml"
    config.write_text(f'register = "{EXAMPLE / "register.xlsx"}"\nperiod = "2024-T2"\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "validate", str(refused),
                                       "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 1, result.output
    [feedback] = (tmp_path / "fb").iterdir()
    for path in (*templates, feedback):
        pairs = used_text_on_fills(path)
        assert {ASSESSMENT_STYLE[a][1].lstrip("#") for a in Assessment} <= \
            {fill for _, fill in pairs}
        weak = {pair: round(contrast(*pair), 2) for pair in pairs if contrast(*pair) < AA}
        assert not weak, path.name


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


def test_every_table_fits_the_text_width_with_long_names(register, tmp_path):
    """Tables wider than the page are cut off in Word and reflow badly when zoomed: with
    department names of a single 53-letter word and a comment on every budget line, every
    table's columns still add up to no more than the 16 cm between the margins."""
    import dataclasses
    import datetime as dt

    from pipeline.merge import merge
    from pipeline.publish.report import write_report

    departments = register.departments.assign(
        name=[f"Samhällsbyggnadsförvaltningensbyggnadsnämndsavdelning{i}"
              for i in range(len(register.departments))])
    named = dataclasses.replace(register, departments=departments)
    merged = merge(named, "2024-T2", {})
    merged = dataclasses.replace(merged, budget=merged.budget.assign(
        comment="Högre kostnader än budgeterat för vikarier och externa tjänster."))
    path = tmp_path / "r.docx"
    write_report(path, named, merged, as_of=dt.datetime(2024, 9, 20, 2))
    doc = Document(str(path))
    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert any("Kommentarer till ekonomin" in c for c in captions)
    for table in doc.tables:
        grid = table._tbl.tblGrid.findall(f"{W}gridCol")
        width = sum(int(col.get(f"{W}w")) for col in grid) * 635  # twips to EMU
        assert width <= text_width, (table.rows[0].cells[0].text, width / 360000)
        for row in table.rows:
            cells = sum(int(tc.tcPr.find(f"{W}tcW").get(f"{W}w")) for tc in row._tr.tc_lst)
            assert cells * 635 <= text_width


def test_the_sick_leave_bars_are_labelled_as_the_alternative_text_says(monkeypatch):
    """One text for a unit's figure, beside its bar and in the chart's alternative text: a
    unit at 0,0 % was labelled on the chart as a hidden small group."""
    import pandas as pd
    from matplotlib.axes import Axes

    from pipeline.publish.report.charts import _sick_leave_chart, sick_leave_chart_text

    drawn = []
    text = Axes.text

    def record(self, x, y, s, *args, **kwargs):
        drawn.append(s)
        return text(self, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Axes, "text", record)
    figures = pd.DataFrame({"department": ["A", "B", "C", "D"],
                            "name": ["Enhet A", "Enhet B", "Enhet C", "Enhet D"],
                            "reported": [True, True, True, False],
                            "total": [0.0, 0.0712, None, None],
                            "total_hidden": [False, False, True, False]})
    _sick_leave_chart(figures, {"B": 0.08})
    assert drawn == ["0,0\u00a0%", "7,1\u00a0%", "– (10 anställda eller färre)",
                     "uppgift saknas"]
    described = sick_leave_chart_text(figures, {"B": 0.08}, "förvaltningen", 4)
    assert all(f"{name}: {label}" in described
               for name, label in zip(figures["name"], drawn, strict=True))


# --- no merged cells, in the shipped example and a larger municipality -------------------------

LARGER_NAMES = ("Stab", "Ekonomiavdelningen", "Utbildningsavdelningen",
                "Samhällsbyggnadsavdelningen", "Sociala avdelningen",
                "Kultur- och fritidsavdelningen", "Räddningstjänsten", "Kostavdelningen",
                "Lokalförsörjningsavdelningen", "IT-avdelningen", "Personalavdelningen",
                "Vård- och omsorgsavdelningen")


@pytest.fixture(scope="module")
def larger(tmp_path_factory):
    """A larger municipality than the shipped one, made with pipeline.samples: twelve
    departments, every activity shared by three of them (whose sample answers differ), and
    the last two not reported. The night's report and workbook."""
    from pipeline.publish.register import write_register
    from pipeline.register import read_register
    from pipeline.samples import fill_template
    from pipeline.templates import write_templates

    folder = tmp_path_factory.mktemp("larger")
    example = openpyxl.load_workbook(EXAMPLE / "register.xlsx")
    sheets = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)
                            if any(v is not None for v in row)]
              for sheet in example.worksheets}
    codes = [f"A{n:02d}" for n in range(1, len(LARGER_NAMES) + 1)]
    sheets["Avdelningar"] = [["Avdelningskod", "Avdelning"],
                             *map(list, zip(codes, LARGER_NAMES, strict=True))]
    goals = sheets["KS-mål"]
    owner = goals[0].index("Målägare")
    for i, row in enumerate(goals[1:]):
        row[owner] = codes[i % len(codes)]
    activities = sheets["Aktiviteter"]
    responsible = activities[0].index("Ansvarig")
    for i, row in enumerate(activities[1:]):
        row[responsible] = ";".join(codes[(i + k) % len(codes)] for k in range(3))
    sheets["Ekonomi"] = [["Avdelningskod", "Kategori", "Budget"],
                         *([code, category, 10.0 + i] for i, code in enumerate(codes)
                           for category in ("Barn och unga", "Vuxna"))]
    sheets["Basvärden"] = [row for row in sheets["Basvärden"]
                           if row[0] in ("Avdelningskod", "TOTALT")]
    path = write_register(folder / "register.xlsx", sheets, title="Större kommun 2024",
                          created=dt.datetime(2024, 1, 1))
    register = read_register(path)
    period_end = register.period("2024-T2")["period_end"]
    for template in write_templates(register, "2024-T2", folder / "mallar", codes[:-2],
                                    created=dt.date(2024, 5, 2)):
        code = template.name.split("_")[0]
        fill_template(template, folder / "inbox" / code / f"{code}.xlsx", department=code,
                      period_end=period_end)
    return run_night(folder, path)


@pytest.fixture(scope="module", params=["night", "larger"])
def outputs(request):
    """Which night, its report and its workbook."""
    return (request.param, *request.getfixturevalue(request.param))


def first_paragraph(tc: etree._Element) -> str:
    paragraph = tc.find(f"{W}p")
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t")) if paragraph is not None \
        else ""


def activity_rows(docx: Path) -> list[list[tuple[list[str], etree._Element]]]:
    """Each activity table's body rows, cell by cell as the XML holds them (python-docx would
    give a merged cell's text again on every row it spans): the first paragraph's text and
    the cell."""
    tables = []
    for table in xml(docx, "word/document.xml").iter(f"{W}tbl"):
        header, *rows = table.findall(f"{W}tr")
        if first_paragraph(header.find(f"{W}tc")) == REPORT_ACTIVITY_HEADERS[0]:
            tables.append([([first_paragraph(tc) for tc in tr.findall(f"{W}tc")],
                            tr) for tr in rows])
    return tables


def test_no_table_in_the_report_has_a_merged_cell(outputs):
    """A title and end date merged down the rows of an activity several departments answered
    differently: a screen reader read them at the first row only, and Word's checker flags
    merged cells."""
    body = xml(outputs[1], "word/document.xml")
    assert len(list(body.iter(f"{W}tbl"))) > 20
    merged = [(tag, len(list(body.iter(f"{W}{tag}")))) for tag in ("vMerge", "hMerge",
                                                                     "gridSpan")]
    assert merged == [("vMerge", 0), ("hMerge", 0), ("gridSpan", 0)]


def test_every_row_of_an_activity_table_names_its_activity_and_end_date(outputs):
    """Each row says which activity its status is for, and when it ends, as the workbook's
    Aktiviteter sheet has them; an activity's second and later answers repeat its title and
    end date in italic grey, read by a screen reader and passed over by the eye."""
    name, docx, xlsx = outputs
    sheet = openpyxl.load_workbook(xlsx, read_only=True)["Aktiviteter"]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    title, end, status = (header.index(h) for h in ("Aktivitet", "Slutdatum", "Status"))
    known = {(row[title], f"{row[end]:%Y-%m-%d}", row[status] or NOT_REPORTED)
             for row in rows if row[title]}
    repeated = 0
    for table in activity_rows(docx):
        previous = None
        for texts, tr in table:
            assert (texts[0], texts[2], texts[1]) in known, texts
            runs = [tc.find(f"{W}p/{W}r") for tc in tr.findall(f"{W}tc")]
            quiet = [run.find(f"{W}rPr/{W}i") is not None and
                     run.find(f"{W}rPr/{W}color").get(f"{W}val") == "595959"
                     for run in (runs[0], runs[2])]
            again = previous is not None and previous[0::2] == texts[0:3:2]
            assert quiet == [again, again], texts
            repeated += again
            previous = texts
    assert repeated >= {"night": 2, "larger": 30}[name]


def test_no_cell_in_the_workbook_is_merged(outputs):
    """Excel's accessibility checker lists every merged cell, also the headline and the notes
    outside the tables, and a screen reader reads a merged cell's text at its first cell."""
    book = openpyxl.load_workbook(outputs[2])
    assert {sheet.title: [str(r) for r in sheet.merged_cells.ranges]
            for sheet in book.worksheets} == {sheet.title: [] for sheet in book.worksheets}


def column_texts(sheet) -> list[str]:
    """Each column's runs of consecutive text cells, joined with spaces: a note broken into
    lines reads as its sentence again."""
    found = []
    for column in sheet.iter_cols():
        run: list[str] = []
        for cell in [*column, None]:
            if cell is not None and isinstance(cell.value, str) and cell.value:
                run.append(cell.value)
            elif run:
                found.append(" ".join(run))
                run = []
    return found


def test_the_workbook_still_shows_the_lines_it_merged_whole(outputs):
    """What the merged cells held, the headline, the notes under the tables and the line of
    who is missing, is on its sheet in full, in cells that do not wrap it, with nothing in the
    cells it runs on over, which lie inside the printed columns; the dates beside their labels
    fit their column."""
    from pipeline.labels import WorkbookText as WT
    from pipeline.merge import FAR_AHEAD_DAYS
    from pipeline.publish.workbook.summary import headline

    night, _, xlsx = outputs
    book = openpyxl.load_workbook(xlsx)
    goals = book["Måluppföljning"]
    column = [c.value for c in goals[1]].index("Bedömning") + 1
    shown_assessments = [str(goals.cell(r, column).value or "")
                         for r in range(2, goals.max_row + 1) if goals.cell(r, 1).value
                         and goals.cell(r, 3).value]
    assessments = [next((a.value for a in Assessment if text.endswith(a.value)), None)
                   for text in shown_assessments]
    missing = {"night": ["Sociala avdelningen"], "larger": list(LARGER_NAMES[-2:])}[night]
    expected = {
        "Sammanfattning": [headline(assessments), f"{WT.SUMMARY_NOTE} {WT.COUNTED_PER_DEPARTMENT}",
                           WT.MISSING_LINE.format(avdelningar=", ".join(missing))],
        "Måluppföljning": [WT.COUNTED_PER_DEPARTMENT],
        "Aktiviteter": [WT.FLAG_NOTE.format(dagar=FAR_AHEAD_DAYS)],
        "Sjukfrånvaro": list(WT.SICK_LEAVE_NOTES),
        "Ekonomi": [WT.BUDGET_NOTE.format(enhet="mnkr", avrundning=WT.BUDGET_ROUNDING[1])],
        "Inlämningar": [WT.SUBMISSIONS_NOTE],
    }
    for name, texts in expected.items():
        sheet = book[name]
        shown = column_texts(sheet)
        for text in texts:
            assert any(text in found for found in shown), (name, text)
        tables = data_tables(sheet)
        last_column = max(right for _, _, _, right in tables)
        for row in sheet.iter_rows():
            for cell in row:
                inside = any(first <= cell.row <= last and left <= cell.column <= right
                             for first, last, left, right in tables)
                if inside or not isinstance(cell.value, str) or cell.alignment.wrap_text:
                    continue
                # the characters a line needs, at the workbook's own conservative 1.1 a unit
                need = len(cell.value) * (cell.font.sz or 10) / 10 / 1.1
                column, room = cell.column, 0.0
                while room < need:
                    assert column <= last_column, (name, cell.coordinate, cell.value)
                    if column > cell.column:
                        assert sheet.cell(cell.row, column).value in (None, ""), \
                            (name, cell.coordinate)
                    room += sheet.column_dimensions[
                        openpyxl.utils.get_column_letter(column)].width or 8.43
                    column += 1
    summary = book["Sammanfattning"]
    dates = [c for c in summary["B"] if isinstance(c.value, dt.datetime)]
    assert len(dates) == 3
    assert summary.column_dimensions["B"].width >= len("2024-09-20 02:00") - 1


@given(words=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Z", "C")),
                              min_size=1, max_size=30), max_size=40),
       per_line=st.integers(4, 60))
def test_a_note_broken_into_lines_keeps_every_word_and_fits_them(words, per_line):
    """A note is written a line to a cell: no word lost or split, no line longer than the room
    but for a single long word, and as many lines as a wrapped cell of that width shows."""
    from pipeline.publish.workbook.cells import _lines, _wrap

    text = " ".join(words)
    lines = _wrap(text, per_line)
    assert " ".join(lines).split() == words
    assert all(len(line) <= per_line or " " not in line for line in lines)
    if all(len(word) <= per_line for word in words):
        assert len(lines) == _lines(text, per_line)
