"""The tertial report (.docx): read back with python-docx and compared with seed 002."""

import csv
import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.errors import PipelineError
from pipeline.figures import AreaCounts
from pipeline.labels import (
    ASSESSMENT_STYLE,
    NOT_ASSESSED,
    NOT_REPORTED,
    REPORT_STYLE_ASSESSMENT,
    REPORT_STYLE_NOTE,
    REPORT_STYLE_TABLE_TEXT,
    Assessment,
)
from pipeline.publish.report import build_report, write_report
from pipeline.publish.report.text import area_sentences, count_word, headline
from tests.conftest import as_read, to_pdf
from tests.replay2023 import PERIOD, SEED, build_replay, replay_merged

AS_OF = dt.datetime(2024, 1, 22, 2, 0)
HEADLINE_2023 = ("Av de totalt 21 målen är 14 uppfyllda eller delvis uppfyllda och 7 knappt "
                 "eller ej uppfyllda.")


def seed(name):
    with open(SEED / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- reading a report back -------------------------------------------------------------------

def text_of(cell):
    """A cell's own text, without the small notes (departments, flags) the report adds."""
    return as_read("\n".join(p.text for p in cell.paragraphs
                            if p.style.name != REPORT_STYLE_NOTE))


def read_goals(doc):
    """KS goal id -> heading title, assessment line, analysis and activity rows, in order."""
    goals, current = {}, None
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            style = block.style.name
            if style in ("Heading 1", "Heading 2") or block.text.startswith("Sammanfattning"):
                current = None
            if style == "Heading 2" and block.text[:1].isdigit():
                ks_id, title = block.text.split(" ", 1)
                current = goals[ks_id] = {"title": title, "assessment": None, "analysis": [],
                                          "rows": None, "notes": []}
            elif current is not None and style == REPORT_STYLE_ASSESSMENT:
                current["assessment"] = block.text
            elif current is not None and style == REPORT_STYLE_NOTE:
                current["notes"].append(block.text)
            elif current is not None and current["rows"] is None and block.text:
                current["analysis"].append(block.text)
        elif isinstance(block, Table) and current is not None and current["rows"] is None:
            current["rows"] = [[text_of(c) for c in row.cells] for row in block.rows]
    return goals


def headings(doc, level):
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def paragraph_after(doc, text):
    paragraphs = doc.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[index + 1].text


def assert_matches_seed(doc):
    goals = read_goals(doc)
    board = seed("ks_goals.csv")
    assert list(goals) == [g["ks_id"] for g in board]
    council = seed("kf_goals.csv")
    chapter_titles = [h for h in headings(doc, 1) if h[:1].isdigit()]
    assert chapter_titles == [f"{g['kf_id']} {g['title']}" for g in council]
    assert "inte antagit något eget mål" in paragraph_after(doc, chapter_titles[12])  # 2.13

    activities = seed("activities.csv")
    for goal in board:
        found = goals[goal["ks_id"]]
        assessment = Assessment(goal["assessment"])
        assert found["title"] == goal["title"]
        assert found["assessment"] == f"{ASSESSMENT_STYLE[assessment][0]} {assessment.value}"
        assert " ".join(found["analysis"]) == goal["analysis"], goal["ks_id"]
        expected = [[a["title"], a["status"], a["end_date"], a["comment"]]
                    for a in activities if a["ks_id"] == goal["ks_id"]]
        header, *rows = found["rows"]
        assert header == ["Verksamhetens aktiviteter", "Status", "Slutdatum", "Kommentar"]
        assert rows == expected, goal["ks_id"]
    assert HEADLINE_2023 in [p.text for p in doc.paragraphs]


# --- the seed 002 replay ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replay2023")
    register, merged = replay_merged(folder)
    path = folder / f"tertialrapport_{PERIOD}.docx"
    write_report(path, register, merged, as_of=AS_OF)
    return register, merged, path


def test_replayed_2023_report_has_the_seeds_goals_assessments_and_activities(replay):
    _, _, path = replay
    assert_matches_seed(Document(str(path)))


def test_nightly_run_writes_the_same_report_from_the_inbox(tmp_path, monkeypatch):
    from pipeline.cli import main

    register_path, filled = build_replay(tmp_path / "replay")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in filled:
        shutil.copy(path, inbox / path.name)
    config = tmp_path / "pipeline.toml"
    config.write_text(f'register = "{register_path}"\ninbox = "inbox"\noutbox = "outbox"\n'
                      f'archive = "archive"\nperiod = "{PERIOD}"\nreport = true\n'
                      'settle_seconds = 0\n', encoding="utf-8")
    monkeypatch.setenv("PIPELINE_NOW", "2024-01-22T02:00:00")
    result = CliRunner().invoke(main, ["--config", str(config), "run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    nightly = tmp_path / "outbox" / f"tertialrapport_{PERIOD}.docx"
    assert_matches_seed(Document(str(nightly)))
    written = nightly.read_bytes()

    # `pipeline report` rebuilds the same document from the archive, or restyles it.
    result = CliRunner().invoke(main, ["--config", str(config), "report"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert nightly.read_bytes() == written
    template = make_template(tmp_path / "mall.docx")
    result = CliRunner().invoke(main, ["--config", str(config), "report", "--template",
                                       str(template)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    restyled = Document(str(nightly))
    assert restyled.styles["Heading 1"].font.name == "Garamond"
    assert_matches_seed(restyled)


def test_title_page_names_municipality_organ_period_and_date(replay):
    doc = Document(str(replay[2]))
    texts = [p.text for p in doc.paragraphs[:8]]
    assert doc.paragraphs[0].style.name == "Title"
    assert texts[0] == "Kommunstyrelsens måluppföljning"
    assert doc.paragraphs[1].style.name == "Subtitle"
    assert texts[1] == "Tertialrapport 3 och helår 2023"
    assert "Kommun: Ånge kommun" in texts and "Organ: Kommunstyrelsen" in texts
    assert any(t.startswith("Period: tertial 3 (september–december) 2023") for t in texts)
    assert "Datum: 2024-01-22" in texts


def test_introduction_explains_the_four_assessments_with_their_symbols(replay):
    doc = Document(str(replay[2]))
    assert headings(doc, 1)[0] == "Inledning"
    legend = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in legend.rows[1:]]
    assert [(r[0], r[1]) for r in rows] == [(ASSESSMENT_STYLE[a][0], a.value) for a in Assessment]
    assert all(r[2] for r in rows)
    assert [c.text for c in legend.rows[0].cells] == ["Symbol", "Bedömning", "Betydelse"]
    for row, assessment in zip(legend.rows[1:], Assessment, strict=True):
        # the symbol black on its assessment's colour (see test_accessibility)
        symbol = row.cells[0].paragraphs[0].runs[0]
        assert str(symbol.font.color.rgb) == "000000"
        shading = symbol._r.rPr.find(qn("w:shd"))
        assert shading.get(qn("w:fill")) == ASSESSMENT_STYLE[assessment][1].lstrip("#")
    assert "Rapporten bygger på inlämningar från samtliga fem avdelningar." in \
        [p.text for p in doc.paragraphs]


def test_chapters_summary_sick_leave_and_budget_follow_the_goals(replay):
    doc = Document(str(replay[2]))
    chapters = headings(doc, 1)
    assert chapters[-3:] == ["Sammanfattning", "Sjukfrånvaro", "Ekonomi"]
    assert chapters[1].startswith("2.1 ") and chapters[-4].startswith("2.15 ")
    assert {"Jämfört med basvärdet", "Per avdelning", "Per kategori"} <= set(headings(doc, 2))


def table_after_caption(doc, caption):
    seen = False
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name == "Caption" and \
                caption in block.text:
            seen = True
        elif seen and isinstance(block, Table):
            return [[text_of(c) for c in row.cells] for row in block.rows]
    raise AssertionError(f"no table captioned {caption!r}")


def test_summary_counts_goals_per_assessment(replay):
    doc = Document(str(replay[2]))
    rows = table_after_caption(doc, "Målen per bedömning")
    counts = {r[0].split(" ", 1)[-1]: r[1] for r in rows[1:]}
    assert counts == {"Uppfyllt": "4", "Delvis uppfyllt": "10", "Knappt uppfyllt": "7",
                      "Ej uppfyllt": "0", "Totalt": "21"}
    statuses = dict(r[:2] for r in table_after_caption(doc, "Aktiviteterna per status")[1:])
    assert statuses == {"Pågående enligt plan": "22", "Pågående med avvikelse": "7",
                        "Försenad": "3", "Vänteläge": "7", "Avslutad enligt plan": "48",
                        "Totalt": "87"}


def test_summary_gives_the_2023_goals_per_area_under_the_headline_and_as_a_table(replay):
    """Seed 002's 21 goals in three areas: Vuxna and Tillväxt have three goals knappt
    uppfyllda each, said in the sentence under the headline; the table under the area chart
    gives the chart's figures."""
    doc = Document(str(replay[2]))
    texts = [p.text for p in doc.paragraphs if p.text]
    at = texts.index(HEADLINE_2023)
    assert texts[at + 1] == ("Flest mål som är knappt eller ej uppfyllda finns inom "
                             "målområdena Vuxna (tre av nio) och Tillväxt (tre av sju).")
    assert table_after_caption(doc, "Målen per målområde och bedömning") == [
        ["Målområde", "Uppfyllt", "Delvis uppfyllt", "Knappt uppfyllt", "Ej uppfyllt",
         "Totalt"],
        ["Barn och unga", "0", "4", "1", "0", "5"], ["Vuxna", "2", "4", "3", "0", "9"],
        ["Tillväxt", "2", "2", "3", "0", "7"], ["Totalt", "4", "10", "7", "0", "21"]]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions.index("Figur 1. Bedömningarna per målområde (antal mål)") + 1 == \
        captions.index("Tabell 2. Målen per målområde och bedömning")


def test_the_area_chart_draws_the_count_the_sentence_and_the_table_give(example, monkeypatch):
    """The goals per area are counted once per report, and the chart (and its alternative
    text) draws that count, not one of its own beside the sentence's and the table's."""
    from pipeline.figures import goals_by_area
    from pipeline.publish.report import chapters

    register, merged = example
    calls = []

    def counted(goals):
        calls.append(len(goals))
        rows = goals_by_area(goals)
        return [AreaCounts("Ett område som bara räkningen känner", r.assessed, r.not_assessed)
                if i == 0 else r for i, r in enumerate(rows)]

    monkeypatch.setattr(chapters, "goals_by_area", counted)
    doc = Document(io.BytesIO(build_report(register, merged,
                                           as_of=dt.datetime(2024, 9, 20, 2, 0))))
    described = next(p.get("descr") for p in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        if "målområde" in p.get("descr"))
    assert "Ett område som bara räkningen känner (" in described
    table = table_after_caption(doc, "Målen per målområde och bedömning")
    assert table[1][0] == "Ett område som bara räkningen känner"
    assert calls == [len(merged.goals)]


def test_sick_leave_shows_the_seven_figures_and_hides_small_groups(replay):
    register, merged, path = replay
    doc = Document(str(path))
    header, *rows = table_after_caption(doc, "Sjukfrånvaro i procent")
    assert header == ["Enhet", "Totalt", "Kvinnor", "Män", "29 år eller yngre", "30–49 år",
                      "50 år eller äldre", "Varav 60 dagar eller mer"]
    by_unit = {r[0]: r[1:] for r in rows}
    assert list(by_unit) == [*register.department_names.values(), "Kommunstyrelsen"]
    # Ekonomiavdelningen: 4 men (hidden) and so its 11 women too (complementary).
    eko = by_unit["Ekonomiavdelningen"]
    assert eko[1] == eko[2] == "–" and eko[0].endswith("%")
    assert all(v.endswith("%") for v in by_unit["Kommunstyrelsen"])
    notes = [p.text for p in doc.paragraphs if p.text.startswith("– = ")]
    assert notes and "10 anställda eller färre" in notes[0]
    organ = next(p.text for p in doc.paragraphs if p.text.startswith("Sjukfrånvaron för"))
    # the baseline as the register gives it and the workbook shows it; the change is the
    # difference of the two figures as printed (8,4 − 9,11 = −0,71 → 0,7)
    assert organ == ("Sjukfrånvaron för kommunstyrelsen är 8,4\u00a0%, jämfört med basvärdet "
                     "9,11\u00a0% (2022-12-31): en minskning med 0,7 procentenheter.")


def test_budget_tables_total_the_register_frames(replay):
    register, _, path = replay
    doc = Document(str(path))
    for caption, key in (("per avdelning", "department"), ("per kategori", "category")):
        header, *rows = table_after_caption(doc, f"Ekonomi {caption}")
        assert header[1:] == ["Budget", "Utfall hittills", "Prognos helår", "Avvikelse"]
        total = rows[-1]
        assert total[0] == "Totalt"
        assert total[1] == f"{register.budget['budget'].sum():.1f}".replace(".", ",")
        assert len(rows) - 1 == register.budget[key].nunique()


def test_charts_are_fixed_dpi_pngs_without_software_stamp(replay):
    with zipfile.ZipFile(replay[2]) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) == 2
        for name in media:
            data = package.read(name)
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            assert b"Software" not in data and b"matplotlib" not in data
            assert b"pHYs" in data  # the DPI is written


def test_same_inputs_give_the_same_bytes_and_dates_are_as_of(replay):
    register, merged, path = replay
    again = build_report(register, merged, as_of=AS_OF)
    assert again == path.read_bytes()
    props = Document(str(path)).core_properties
    assert props.created == props.modified == props.last_printed == \
        AS_OF.replace(tzinfo=dt.UTC)
    assert props.language == "sv-SE"
    with zipfile.ZipFile(path) as package:
        assert {i.date_time for i in package.infolist()} == {(2024, 1, 22, 2, 0, 0)}


def test_real_word_styles_carry_the_look(replay):
    doc = Document(str(replay[2]))
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Subtitle", "Heading 1", "Heading 2", "Caption",
            REPORT_STYLE_ASSESSMENT} <= used
    assert {t.style.name for t in doc.tables} == {"Table Grid"}
    cell_styles = {p.style.name for t in doc.tables for row in t.rows for c in row.cells
                   for p in c.paragraphs}
    assert REPORT_STYLE_TABLE_TEXT in cell_styles
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Figur 1. ") for c in captions)
    assert any(c.startswith("Tabell 1. ") for c in captions)
    header = doc.tables[1].rows[0]._tr
    assert header.trPr is not None and header.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None


# --- the 2024 example: missing departments, odd text, templates ------------------------------

@pytest.fixture(scope="module")
def example_accepted(tmp_path_factory, register):
    """The 2024 example's accepted data for T2 of every department but SOC."""
    from pipeline.intake import read_submission
    from pipeline.samples import fill_template
    from pipeline.templates import write_templates
    from pipeline.validate import validate

    folder = tmp_path_factory.mktemp("example")
    period = "2024-T2"
    period_end = register.period(period)["period_end"]
    accepted = {}
    for template in write_templates(register, period, folder / "mallar",
                                    created=dt.date(2024, 5, 1)):
        code = template.name.split("_")[0]
        if code == "SOC":
            continue
        filled = fill_template(template, folder / "ifyllda" / template.name, department=code,
                               period_end=period_end)
        _, data = validate(read_submission(filled), register, period)
        accepted[code] = data
    return accepted


@pytest.fixture(scope="module")
def example(example_accepted, register):
    """The 2024 example for T2 with every department but SOC reported."""
    from pipeline.merge import merge

    return register, merge(register, "2024-T2", example_accepted)


@pytest.fixture(scope="module")
def example_doc(example, tmp_path_factory):
    register, merged = example
    path = tmp_path_factory.mktemp("example_doc") / "tertialrapport_2024-T2.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0))
    return Document(str(path))


def test_a_department_that_has_not_reported_is_named_and_its_goals_say_so(example,
                                                                           example_doc):
    _, merged = example
    doc = example_doc
    texts = [p.text for p in doc.paragraphs]
    assert any("fyra av fem avdelningar" in t and "Sociala avdelningen" in t for t in texts)
    goals = read_goals(doc)
    soc = merged.goals[merged.goals["owner"] == "SOC"]["ks_id"]
    for ks_id in soc:
        assert goals[ks_id]["assessment"] == NOT_ASSESSED
        assert any("har inte lämnat" in n for n in goals[ks_id]["notes"])
    statuses = [row[1] for g in goals.values() for row in (g["rows"] or [])[1:]]
    assert NOT_REPORTED in statuses
    missing = int(merged.goals["assessment"].isna().sum())
    assert any(t.startswith("Av de totalt 20 målen") and f"För {missing} av målen saknas "
               "bedömning." in t for t in texts)
    assert any("saknas = avdelningen har inte lämnat uppgifter" in t for t in texts)


def test_the_introduction_and_sick_leave_read_right_for_one_or_no_department(
        example_doc, example_accepted, register, tmp_path):
    """"Deras mål" was said of one missing department, "för de en av fem avdelningar" of one
    that had reported, and "inlämningar från noll av fem avdelningar" of none."""
    from pipeline.merge import merge

    texts = [p.text for p in example_doc.paragraphs]
    assert any(t.endswith("Uppgifter saknas från Sociala avdelningen. Avdelningens mål står "
                          "som ”Ej bedömd” och dess aktiviteter som ”Ej rapporterad”.")
               for t in texts)

    def paragraphs(accepted):
        path = tmp_path / f"r{len(accepted)}.docx"
        write_report(path, register, merge(register, "2024-T2", accepted),
                     as_of=dt.datetime(2024, 9, 20, 2, 0), refused=("UTB",))
        return [p.text for p in Document(str(path)).paragraphs]

    one = paragraphs({"STAB": example_accepted["STAB"]})
    assert any(" för den av de fem avdelningarna som har rapporterat." in t for t in one)
    assert any(t.startswith("Rapporten bygger på inlämningar från en av fem avdelningar. ")
               and "Deras mål står" in t for t in one)
    none = paragraphs({})
    assert any(t.startswith("Ingen av de fem avdelningarna har lämnat en godkänd rapport för "
                            "perioden. Utbildningsavdelningens rapport har lämnats in men inte "
                            "godkänts. Deras mål står") for t in none), none[:12]
    assert not any("noll" in t for t in none)


def test_an_activity_several_departments_report_on_is_one_row_per_answer(example,
                                                                         example_doc):
    _, merged = example
    shared = merged.activities[merged.activities["activity_id"].duplicated(keep=False)]
    activity = shared.iloc[0]
    goal = read_goals(example_doc)[activity["ks_ids"][0]]
    answers = shared[shared["activity_id"] == activity["activity_id"]]
    distinct = answers.drop_duplicates(["status", "comment"])
    rows = [r for r in goal["rows"] if r[0] == activity["title"]]
    assert len(rows) == len(distinct)  # the title is on each answer's row


def test_a_report_with_no_submissions_at_all_still_reads(register, tmp_path):
    from pipeline.merge import merge

    merged = merge(register, "2024-T1", {})
    path = tmp_path / "r.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 5, 2, 2, 0))
    texts = [p.text for p in Document(str(path)).paragraphs]
    assert "Av de totalt 20 målen har inget bedömts ännu." in texts


def test_department_text_goes_in_as_plain_text(example, tmp_path):
    register, merged = example
    goals = merged.goals.copy()
    odd = '=SUMMA(A1)\n<w:t>fet</w:t> & "citat" {PAGE}\x07\n\nNytt stycke.'
    first = goals.index[goals["assessment"].notna()][0]
    goals.loc[first, "analysis"] = odd
    activities = merged.activities.copy()
    activities.loc[0, "comment"] = "=1+1 <b>"
    path = tmp_path / "r.docx"
    write_report(path, register, dataclasses.replace(merged, goals=goals, activities=activities),
                 as_of=dt.datetime(2024, 9, 20, 2, 0))
    doc = Document(str(path))
    goal = read_goals(doc)[goals.loc[first, "ks_id"]]
    assert goal["analysis"] == ['=SUMMA(A1)\n<w:t>fet</w:t> & "citat" {PAGE}', "Nytt stycke."]
    cells = [text_of(c) for t in doc.tables for row in t.rows for c in row.cells]
    assert "=1+1 <b>" in cells
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    instructions = [p.split("</w:instrText>")[0] for p in xml.split("<w:instrText")[1:]]
    assert instructions and not any("SUMMA" in i or "PAGE" in i for i in instructions)
    assert "&lt;w:t&gt;fet&lt;/w:t&gt;" in xml


def test_headline_sentence_agrees_in_number():
    frame = pd.DataFrame({"assessment": ["Uppfyllt", "Ej uppfyllt", None]})
    assert headline(frame) == ("Av de totalt 3 målen är 1 uppfyllt eller delvis uppfyllt och 1 "
                               "knappt eller ej uppfyllt. För 1 mål saknas bedömning.")
    assert headline(pd.DataFrame({"assessment": ["Delvis uppfyllt"]})) == \
        "Det enda målet är uppfyllt eller delvis uppfyllt."
    assert headline(pd.DataFrame({"assessment": ["Knappt uppfyllt"]})) == \
        "Det enda målet är knappt eller ej uppfyllt."
    assert headline(pd.DataFrame({"assessment": [None]})) == \
        "Det enda målet har inte bedömts ännu."
    assert headline(pd.DataFrame({"assessment": []})) == \
        "Det finns inga mål att redovisa för perioden."


def make_template(path, *, drop=()):
    from docx.shared import Pt, RGBColor

    doc = Document()
    doc.add_paragraph("MALLENS EGEN TEXT")
    doc.styles["Heading 1"].font.name = "Garamond"
    doc.styles["Heading 1"].font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    table_text = doc.styles.add_style(REPORT_STYLE_TABLE_TEXT, 1)
    table_text.font.size = Pt(7)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = "Kommunens egen sidfot"
    for name in drop:
        doc.styles[name].element.getparent().remove(doc.styles[name].element)
    doc.save(str(path))
    return path


def test_a_template_styles_the_report(example, tmp_path):
    register, merged = example
    template = make_template(tmp_path / "mall.docx")
    path = tmp_path / "r.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 template=template)
    doc = Document(str(path))
    assert "MALLENS EGEN TEXT" not in [p.text for p in doc.paragraphs]
    assert doc.styles["Heading 1"].font.name == "Garamond"
    assert doc.styles[REPORT_STYLE_TABLE_TEXT].font.size.pt == 7
    assert doc.sections[0].footer.paragraphs[0].text == "Kommunens egen sidfot"
    assert headings(doc, 1)[0] == "Inledning"


def test_a_template_without_the_needed_styles_gets_them_added(example, tmp_path):
    register, merged = example
    template = make_template(tmp_path / "mall.docx",
                             drop=("Title", "Subtitle", "Caption", "Heading 2", "Table Grid"))
    path = tmp_path / "r.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 template=template)
    doc = Document(str(path))
    assert doc.paragraphs[0].style.name == "Title"
    assert {"Heading 2", "Caption"} <= {p.style.name for p in doc.paragraphs}
    assert doc.tables[0].style.name == "Table Grid"


def test_a_dotx_template_is_accepted(example, tmp_path):
    register, merged = example
    docx = make_template(tmp_path / "mall.docx")
    dotx = tmp_path / "mall.dotx"
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(dotx, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, data)
    out = io.BytesIO(build_report(register, merged, as_of=dt.datetime(2024, 9, 20),
                                  template=dotx))
    assert Document(out).styles["Heading 1"].font.name == "Garamond"


def test_an_unreadable_template_is_a_message(example, tmp_path):
    register, merged = example
    bad = tmp_path / "mall.docx"
    bad.write_text("inte ett dokument", encoding="utf-8")
    with pytest.raises(PipelineError, match="mall.docx kan inte läsas som ett Word-dokument"):
        build_report(register, merged, as_of=dt.datetime(2024, 9, 20), template=bad)


# --- LibreOffice renders it ------------------------------------------------------------------

@pytest.mark.libreoffice
def test_libreoffice_renders_the_report_to_pdf(replay, tmp_path):
    [pdf] = to_pdf(replay[2], tmp_path)
    assert pdf.exists()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    assert 12 <= pages <= 40
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert HEADLINE_2023 in flat
    assert "2.13 Arbeta för att det byggs seniorboenden" in flat
    assert "Verksamhetens aktiviteter" in flat


def test_a_sick_leave_chart_of_more_departments_than_a_page_holds_shows_the_highest(
        example, tmp_path):
    """At 19 departments and more the bars of all of them no longer fit an A4 page (Word
    would cut the chart off); it was left out. It shows the organ and the departments with
    the highest sick leave instead (not every one has a baseline of its own), and says so."""
    register, merged = example
    extra = [f"E{i:02d}" for i in range(16)]  # 5 + 16 = 21 departments
    departments = pd.concat([register.departments, pd.DataFrame(
        {"code": extra, "name": [f"Enhet {code}" for code in extra]})], ignore_index=True)
    first = merged.sick_leave[merged.sick_leave["department"] == "STAB"]
    sick_leave = pd.concat([merged.sick_leave, *(first.assign(department=code)
                                                 for code in extra)], ignore_index=True)
    many = dataclasses.replace(register, departments=departments)
    path = tmp_path / "r.docx"
    write_report(path, many, dataclasses.replace(merged, sick_leave=sick_leave),
                 as_of=dt.datetime(2024, 9, 20, 2, 0))
    doc = Document(str(path))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert "Figur 2. Total sjukfrånvaro och basvärdet för kommunstyrelsen och de 18 av 21 " \
           "avdelningar med högst sjukfrånvaro" in captions
    texts = [p.text for p in doc.paragraphs]
    assert "Alla avdelningar ryms inte i ett diagram. Diagrammet visar kommunstyrelsen och de " \
           "18 av 21 avdelningar med högst sjukfrånvaro; alla avdelningars sjukfrånvaro står " \
           "i tabell 4." in texts
    rows = table_after_caption(doc, "Sjukfrånvaro i procent av ordinarie arbetstid")
    assert len(rows) == 1 + 21 + 1  # header, every department, the organ
    # left out: SOC, which has not reported, EKO, the lowest, and the last of the seventeen
    # units at STAB's figure
    described = next(p.get("descr") for p in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        if "sjukfrånvaron" in p.get("descr"))
    assert "Ekonomiavdelningen:" not in described and "Sociala avdelningen:" not in described
    assert "Utbildningsavdelningen:" in described
    with zipfile.ZipFile(path) as package:
        assert len([n for n in package.namelist() if n.startswith("word/media/")]) == 2


def test_a_sick_leave_chart_that_fits_a_page_is_there(example_doc):
    captions = [p.text for p in example_doc.paragraphs if p.style.name == "Caption"]
    assert any(c.endswith("Total sjukfrånvaro per avdelning och basvärdet") for c in captions)


def test_changes_against_the_baseline_are_the_difference_of_the_printed_figures(example_doc):
    """SOC has not reported: the organ's figure is no comparison with its baseline, and says
    so; each department's change is what a reader gets from the two figures beside it."""
    from decimal import ROUND_HALF_UP, Decimal

    def value(text):
        return Decimal(text.replace("\u00a0%", "").replace(",", ".").replace("−", "-"))

    header, *rows = table_after_caption(example_doc, "Total sjukfrånvaro jämfört med basvärdet")
    assert header == ["Enhet", "Basvärde", "Basvärdets datum", "Perioden",
                      "Förändring (procentenheter)"]
    by_unit = {r[0]: r for r in rows}
    compared = 0
    for name, base, _, current, change in rows[:-1]:
        if current.endswith("%"):
            expected = (value(current) - value(base)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert value(change) == expected, name
            assert change != "−0,0", name
            compared += 1
    assert compared == 4
    assert by_unit["Kommunstyrelsen"][4] == ""
    sentence = next(p.text for p in example_doc.paragraphs if p.text.startswith(
        "Sjukfrånvaron är "))
    assert sentence.endswith(" för de fyra av fem avdelningar som har rapporterat. Den jämförs med "
                             "basvärdet för kommunstyrelsen, 9,11\u00a0% (2023-09-30), när alla "
                             "avdelningar har rapporterat: utan en avdelning skulle skillnaden "
                             "visa en förändring som inte finns.")


def test_the_sick_leave_goal_gives_its_key_figure_under_the_goal(example_doc):
    """A reader of goal 4.1 ("Sjukfrånvaron ska minska") sees the figure it is measured by
    there, not only in the sick-leave chapter."""
    paragraphs = example_doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs)
                 if p.style.name == "Heading 2" and p.text == "4.1 Sjukfrånvaron ska minska")
    end = next(i for i, p in enumerate(paragraphs) if i > start and p.style.name.startswith(
        "Heading"))
    under_goal = [p.text for p in paragraphs[start:end] if p.text.startswith("Nyckeltalet: ")]
    chapter = next(p.text for p in paragraphs if p.text.startswith("Sjukfrånvaron är "))
    assert under_goal == [f"Nyckeltalet: {chapter}"]
    assert sum(p.text.startswith("Nyckeltalet: ") for p in paragraphs) == 1


def render_text(docx, folder):
    """The report as LibreOffice prints it, as text (pdftotext), or skip without soffice."""
    [pdf] = to_pdf(docx, folder)
    return subprocess.run(["pdftotext", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.libreoffice
def test_budget_comments_print_names_and_categories_whole(example, tmp_path):
    """Every budget line has a comment: the comment table's Avdelning and Kategori columns
    hold "Samhällsbyggnadsavdelningen" and "Affärsverksamhet" on one line each (they were
    printed "Samhällsbyggnadsavdelning" over "en"), and the line that leads into the table
    stays with it."""
    register, merged = example
    budget = merged.budget.assign(comment="Högre kostnader än budgeterat för vikarier.")
    path = tmp_path / "kommentarer.docx"
    write_report(path, register, dataclasses.replace(merged, budget=budget),
                 as_of=dt.datetime(2024, 9, 20, 2, 0))
    doc = Document(str(path))
    lead = next(p for p in doc.paragraphs
                if p.text == "Avdelningarnas kommentarer till ekonomin:")
    assert lead.paragraph_format.keep_with_next
    rows = table_after_caption(doc, "Kommentarer till ekonomin")
    assert ["Samhällsbyggnadsavdelningen", "Affärsverksamhet"] in [r[:2] for r in rows]
    text = render_text(path, tmp_path)
    table = text[text.index("Kommentarer till ekonomin"):]
    for word in ("Samhällsbyggnadsavdelningen", "Affärsverksamhet"):
        assert set(re.findall(re.escape(word[:-3]) + r"\S*", table)) == {word}


def test_the_baseline_legend_is_outside_the_sick_leave_bars(example):
    """The legend's black mark stood inside the plot, in the organ's row, where it read as the
    organ's baseline at a value it does not have; it goes below the plot."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from pipeline.figures import baseline_shares, sick_leave_table
    from pipeline.publish.report.charts import _draw_sick_leave

    matplotlib.use("Agg")
    register, merged = example
    rows = list(sick_leave_table(merged.sick_leave, register).itertuples())
    figure = Figure(figsize=(6.3, 4.0), layout="constrained")
    FigureCanvasAgg(figure)
    _draw_sick_leave(figure, rows=rows, baselines=baseline_shares(register))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legends = figure.legends + [a.get_legend() for a in figure.axes if a.get_legend()]
    assert [t.get_text() for legend in legends for t in legend.get_texts()] == ["Basvärde"]
    plot = figure.axes[0].get_window_extent(renderer)
    box = legends[0].get_window_extent(renderer)
    assert box.y1 <= plot.y0  # wholly below the bars (and their axis line)


def test_a_rise_against_the_baseline_carries_its_plus_sign(example, tmp_path):
    """As on the workbook's Sjukfrånvaro sheet: +0,5 reads as a rise at a glance, 0,5 beside
    −0,1 does not."""
    register, merged = example
    sick = merged.sick_leave.copy()
    eko = sick["department"] == "EKO"
    sick.loc[eko, "sick_hours"] = sick.loc[eko, "sick_hours"] * 2  # 1,4 % → about 2,8 %
    path = tmp_path / "r.docx"
    write_report(path, register, dataclasses.replace(merged, sick_leave=sick),
                 as_of=dt.datetime(2024, 9, 20, 2, 0))
    rows = {r[0]: r for r in table_after_caption(
        Document(str(path)), "Total sjukfrånvaro jämfört med basvärdet")}
    assert rows["Ekonomiavdelningen"][4].startswith("+")
    assert rows["Stab"][4].startswith("−")


def test_small_counts_in_running_text_are_words(example, example_doc):
    """As the 2024 plan writes them ("fem avdelningar", "sju mål"): a count up to twelve in
    a sentence is a word, and a sentence does not start with a digit."""
    register, merged = example
    texts = [p.text for p in example_doc.paragraphs]
    council = len(register.council_goals)
    assert council == 6
    assert any("ett av kommunfullmäktiges sex mål." in t for t in texts)
    late = sum("end_passed" in flags for flags in merged.activities["flags"])
    assert 1 < late <= 12
    words = ["två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]
    assert f"{words[late - 2].capitalize()} aktiviteter har passerat sitt slutdatum utan att " \
           "vara avslutade." in texts
    body = [p.text for p in example_doc.paragraphs if p.style.name == "Normal"]
    assert not any(t[:1].isdigit() for t in body)


def test_a_goals_text_is_kept_with_its_activity_table(example_doc):
    """At a page's foot a goal's heading, assessment and analysis were parted from its table
    (Ånge's page 8, 300 departments' page 379): the next page began with a table that named no
    goal. Every paragraph between a goal's heading and its table is kept with the next."""
    blocks = list(example_doc.iter_inner_content())
    goals = 0
    for index, block in enumerate(blocks):
        if not (isinstance(block, Paragraph) and block.style.name == "Heading 2"
                and block.text[:1].isdigit()):
            continue
        following = blocks[index + 1:]
        end = next(i for i, b in enumerate(following)
                   if isinstance(b, Table) or b.style.name.startswith("Heading"))
        if not isinstance(following[end], Table):
            continue
        goals += 1
        assert all(p.paragraph_format.keep_with_next for p in following[:end]), block.text
    assert goals >= 15


def test_count_words():
    from pipeline.publish.report.text import count_word

    assert [count_word(n) for n in (1, 2, 6, 12, 13, 96)] == ["en", "två", "sex", "tolv", "13",
                                                              "96"]
    assert count_word(1, neuter=True) == "ett"


def test_short_tables_are_kept_on_one_page(example_doc):
    """The summary's tables are not split with their Totalt row alone on the next page: every
    row but the last is kept with the next, as Word keeps a table together."""
    blocks = list(example_doc.iter_inner_content())
    for caption in ("Målen per bedömning", "Aktiviteterna per status",
                    "Ekonomi per avdelning", "Ekonomi per kategori"):
        start = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph)
                     and b.style.name == "Caption" and caption in b.text)
        table = blocks[start + 1]
        assert isinstance(table, Table)
        assert table.rows[-1].cells[0].text == "Totalt"
        for row in table.rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells
                       for p in c.paragraphs), caption


# --- report_activities = "deviations": a large organisation's report ---------------------------

ON_PLAN = ("Pågående enligt plan", "Avslutad enligt plan")
ACTIVITIES_ONLY_DEVIATIONS = "Tabellerna över aktiviteterna tar bara upp aktiviteter som avviker"


def goal_blocks(doc):
    """KS goal id -> (its activity table's titles, the paragraphs after the analysis)."""
    blocks, current = {}, None
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.style.name == "Heading 1" or block.text.startswith("Sammanfattning"):
                current = None
            elif block.style.name == "Heading 2" and block.text[:1].isdigit():
                current = blocks[block.text.split(" ", 1)[0]] = {"titles": [], "after": []}
            elif current is not None and block.text:
                current["after"].append(block.text)
        elif current is not None:
            titles = [text_of(row.cells[0]) for row in block.rows[1:]]
            current["titles"] += list(dict.fromkeys(titles))  # an activity's rows, once
    return blocks


def test_by_default_the_report_lists_every_activity_as_before(example, example_doc):
    """The default is today's report byte for byte (Ånge reads every activity)."""
    register, merged = example
    as_of = dt.datetime(2024, 9, 20, 2, 0)
    default = build_report(register, merged, as_of=as_of)
    assert build_report(register, merged, as_of=as_of, activities="all") == default
    texts = [p.text for p in example_doc.paragraphs]
    assert not any(ACTIVITIES_ONLY_DEVIATIONS in t or t.startswith("Därutöver") for t in texts)
    blocks = goal_blocks(example_doc)
    for ks_id, block in blocks.items():
        listed = merged.activities[merged.activities["ks_ids"].map(lambda ids, k=ks_id: k in ids)]
        assert block["titles"] == list(dict.fromkeys(listed["title"])), ks_id


def test_deviations_lists_only_activities_off_plan_and_counts_the_rest(example):
    """report_activities = "deviations": under each goal the activities some department has
    not reported, or reported other than "Pågående enligt plan" or "Avslutad enligt plan",
    then one sentence counting the rest; the introduction says so once."""
    register, merged = example
    doc = Document(io.BytesIO(build_report(register, merged, as_of=dt.datetime(2024, 9, 20, 2),
                                           activities="deviations")))
    texts = [p.text for p in doc.paragraphs]
    intro = [t for t in texts if ACTIVITIES_ONLY_DEVIATIONS in t]
    assert len(intro) == 1 and intro[0].endswith(
        "alla aktiviteter står på fliken Aktiviteter i sammanställningen "
        "(sammanstallning_2024-T2.xlsx).")
    words = {"en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
             "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "enda": 1}
    activities = merged.activities
    blocks = goal_blocks(doc)
    seen_deviating = seen_on_plan = 0
    for ks_id, block in blocks.items():
        mine = activities[activities["ks_ids"].map(lambda ids, k=ks_id: k in ids)]
        flagged = mine["flags"].map(lambda flags: bool({"end_passed", "worse",
                                                         "done_far_ahead"} & set(flags)))
        off_plan = (~mine["status"].isin(ON_PLAN) | flagged).groupby(
            mine["activity_id"], sort=False).any()
        deviating = [mine.loc[mine["activity_id"] == a, "title"].iloc[0]
                     for a, off in off_plan.items() if off]
        on_plan = int((~off_plan).sum())
        assert block["titles"] == deviating, ks_id
        if mine.empty:
            assert block["after"][-1] == "Inga aktiviteter är kopplade till målet."
            continue
        sentence = block["after"][-1]
        if not deviating:
            assert sentence.startswith("Målets "), sentence
            assert words[sentence.split()[1]] == on_plan
            assert sentence.endswith(" enligt plan; alla aktiviteter står på fliken Aktiviteter "
                                     "i sammanställningen.")
        elif on_plan:
            one = on_plan == 1
            assert sentence == (
                f"Därutöver finns {count_word(on_plan)} "
                f"{'aktivitet som pågår eller är avslutad' if one else 'aktiviteter som pågår eller är avslutade'} "
                "enligt plan; alla aktiviteter står på fliken Aktiviteter i sammanställningen.")
        else:
            assert sentence == "Ingen av målets aktiviteter pågår eller är avslutad enligt plan."
        seen_deviating += bool(deviating)
        seen_on_plan += bool(on_plan)
    assert seen_deviating > 5 and seen_on_plan > 5  # the example has both kinds

    # the summary still counts every activity
    assert f"Förvaltningen redovisar {len(activities)} aktiviteter" in " ".join(texts)
    # SOC has not reported: its activities are deviations ("Ej rapporterad")
    soc = activities[activities["department"] == "SOC"]
    listed = {t for b in blocks.values() for t in b["titles"]}
    assert set(soc["title"]) <= listed


def test_deviations_lists_an_activity_on_plan_whose_end_date_has_passed(example):
    """"Pågående enligt plan" past its end date is flagged in the table ("Slutdatum
    passerat"): a deviation the committee must see, listed with its flag."""
    from pipeline.merge import Flag

    register, merged = example
    activities = merged.activities.copy()
    on_plan = activities.index[activities["status"] == "Pågående enligt plan"]
    late = on_plan[0]
    activities.at[late, "flags"] = (*activities.at[late, "flags"], Flag.END_PASSED)
    changed = dataclasses.replace(merged, activities=activities)
    doc = Document(io.BytesIO(build_report(register, changed, as_of=dt.datetime(2024, 9, 20, 2),
                                           activities="deviations")))
    listed = {t for block in goal_blocks(doc).values() for t in block["titles"]}
    assert activities.at[late, "title"] in listed
    untouched = Document(io.BytesIO(build_report(register, merged,
                                                 as_of=dt.datetime(2024, 9, 20, 2),
                                                 activities="deviations")))
    assert activities.at[late, "title"] not in {
        t for block in goal_blocks(untouched).values() for t in block["titles"]}


def test_the_count_of_activities_on_plan_reads_as_swedish_prose():
    from pipeline.publish.report.chapters import _on_plan_sentence

    where = "; alla aktiviteter står på fliken Aktiviteter i sammanställningen."
    assert _on_plan_sentence(1066, 1500) == ("Därutöver finns 1\u00a0066 aktiviteter som pågår "
                                             f"eller är avslutade enligt plan{where}")
    assert _on_plan_sentence(1, 3) == ("Därutöver finns en aktivitet som pågår eller är "
                                       f"avslutad enligt plan{where}")
    assert _on_plan_sentence(2, 2) == f"Målets två aktiviteter pågår eller är avslutade enligt " \
                                      f"plan{where}"
    assert _on_plan_sentence(1, 1).startswith("Målets enda aktivitet pågår eller är avslutad ")


def test_an_unknown_activities_setting_is_refused(example):
    register, merged = example
    with pytest.raises(ValueError, match="deviations"):
        build_report(register, merged, as_of=dt.datetime(2024, 9, 20, 2), activities="avvik")


def test_a_small_organs_report_has_no_table_of_contents(example_doc):
    """Ånge's five departments give a report of 15 pages, in the shape of its own reports,
    which have none: the title page is followed by the introduction, as before. Its headings
    are Word's, for the navigation pane and the PDF's bookmarks."""
    paragraphs = example_doc.paragraphs
    assert not any(p.style.name.lower().startswith("toc") for p in paragraphs)
    assert "Innehåll" not in [p.text for p in paragraphs]
    texts = [p for p in paragraphs if p.text]
    facts = next(i for i, p in enumerate(texts) if p.text.startswith("Underlag: "))
    assert texts[facts + 1].style.name == "Heading 1" and texts[facts + 1].text == "Inledning"


def test_sick_leave_is_compared_with_the_previous_period_by_the_workbooks_rule(example,
                                                                               tmp_path):
    """The chapter compared only with the baseline. With the period before (2024-T1, where
    EKO did not report) each department's figure then and its change stand beside this
    period's; the organ's T1 figure covered four of five departments and is not shown (as on
    the workbook's sheet since 6dfe4b3), and the note says why. Tertial 1 says it has no
    period before it."""
    from pipeline.merge import merge

    register, merged = example
    sick = merged.sick_leave
    earlier = dataclasses.replace(merged, period="2024-T1", sick_leave=sick.assign(
        sick_hours=sick["sick_hours"] * 1.2)[sick["department"] != "EKO"])
    path = tmp_path / "rapport.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 previous=earlier)
    doc = Document(str(path))
    rows = table_after_caption(doc, "Total sjukfrånvaro jämfört med föregående period")
    assert rows[0] == ["Enhet", "Föregående period (2024-T1)", "Perioden",
                       "Förändring (procentenheter)"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    stab = by_name[register.department_names["STAB"]]
    assert stab[0].endswith("%") and stab[1].endswith("%") and stab[2].startswith("−")
    assert by_name[register.department_names["EKO"]][0] == "saknas"
    assert by_name["Kommunstyrelsen"][0] == "" and by_name["Kommunstyrelsen"][2] == ""
    assert any(as_read(p.text) == "Alla avdelningar rapporterade inte för 2024-T1, så den periodens "
                         "siffra för kommunstyrelsen visas inte och jämförs inte."
               for p in doc.paragraphs)

    first = Document(io.BytesIO(build_report(register, merge(register, "2024-T1", {}),
                                             as_of=dt.datetime(2024, 5, 20))))
    texts = [p.text for p in first.paragraphs]
    assert texts[texts.index("Jämfört med föregående period") + 1] == (
        "Tertialrapport 1 2024 är årets första period, och sjukfrånvaron jämförs därför inte "
        "med en föregående period, bara med basvärdet.")


def compared_with_t1(example, tmp_path):
    """The example night's report with 2024-T1 before it (forecasts 5 % lower then)."""
    register, merged = example
    budget = merged.budget
    earlier = dataclasses.replace(merged, period="2024-T1",
                                  budget=budget.assign(forecast=budget["forecast"] * 0.95))
    path = tmp_path / "rapport.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 previous=earlier)
    return path


def test_a_period_code_in_the_reports_own_text_is_not_broken_at_its_hyphen(example, tmp_path):
    """Word and LibreOffice broke "2024-T1" after "2024-" at a line's end. The report's own
    sentences, table headers, captions and notes write a period code with a non-breaking hyphen
    (U+2011, shown as a hyphen); a file name the reader may type keeps its own."""
    doc = Document(str(compared_with_t1(example, tmp_path)))
    texts = [p.text for p in doc.paragraphs] + [
        p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    plain = [t for t in texts if re.search(r"(?<![\w.])\d{4}-T\d(?!\.\w)", t)]
    assert plain == []
    kept = [t for t in texts if "2024\u2011T1" in t]
    assert any(t.startswith("Prognosen för kommunstyrelsen") for t in kept), kept
    assert "Föregående period (2024\u2011T1)" in kept  # a table header
    assert any(t.startswith("Tabell") and "2024\u2011T1" in t for t in kept)  # a caption


@pytest.mark.libreoffice
def test_libreoffice_keeps_a_period_code_on_one_line(example, tmp_path):
    """A render check: the report's sentence on the forecast since 2024-T1, after words of
    every length, so that the code comes to a line's end somewhere; no line ends at its
    hyphen, and the code prints as 2024-T1 (the non-breaking hyphen as a hyphen)."""
    from pipeline.publish.report.blocks import _Blocks
    from pipeline.publish.report.document import _ensure_styles, _open

    said = next(p.text for p in Document(str(compared_with_t1(example, tmp_path))).paragraphs
                if p.text.startswith("Prognosen för kommunstyrelsen"))
    doc = _open(None)
    _ensure_styles(doc)
    blocks = _Blocks(doc)
    for length in range(1, 40):
        blocks._paragraph(f"{'a' * length} {as_read(said)}")
    path = tmp_path / "rader.docx"
    doc.save(str(path))
    [pdf] = to_pdf(path, tmp_path)
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert not [line for line in lines if re.search(r"\d{4}[-\u2011]$", line.rstrip())]
    printed = " ".join(lines)
    assert printed.count("2024\u2011T1") + printed.count("2024-T1") >= 39, printed


def test_an_amount_keeps_its_unit_on_its_line(example, tmp_path):
    """ "694,1 mnkr" broke after the number at a line's end, with "mnkr" alone on the next,
    where a percentage ("9,1 %") is held together: the budget chapter's sentences join an
    amount and its unit with a no-break space too, signed changes included."""
    doc = Document(str(compared_with_t1(example, tmp_path)))
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Ekonomi")
    chapter = " ".join(texts[start:])
    assert re.findall(r"\d mnkr", chapter) == []
    assert re.search(r"\([+−]\d+,\d\u00a0mnkr\)", chapter), chapter  # a department's rise


def test_forecasts_that_all_rose_read_as_all_not_four_of_the_four(example, tmp_path):
    """Every comparable department's forecast rose since 2024-T1 (SOC had none then): the
    sentence said "för fyra av de fyra avdelningar vars prognos kan jämföras"."""
    texts = [as_read(p.text) for p in Document(str(compared_with_t1(example, tmp_path))).paragraphs]
    [said] = [t for t in texts if "Prognosen har ökat sedan 2024-T1" in t]
    assert ("Prognosen har ökat sedan 2024-T1 för alla fyra avdelningar vars prognos kan "
            "jämföras, mest för ") in said, said


def test_two_forecasts_that_both_rose_read_as_both_not_all_two(example, tmp_path):
    """Only EKO's and UTB's forecasts can be compared with 2024-T1 and both rose: the
    sentence said "för alla två avdelningar vars prognos kan jämföras"."""
    register, merged = example
    before = merged.budget.assign(forecast=merged.budget["forecast"] - 1.0)
    before.loc[~before["department"].isin(["EKO", "UTB"]), "forecast"] = float("nan")
    path = tmp_path / "rapport.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 previous=dataclasses.replace(merged, period="2024-T1", budget=before))
    said = " ".join(as_read(p.text) for p in Document(str(path)).paragraphs)
    assert ("Prognosen har ökat sedan 2024-T1 för båda avdelningarna vars prognos kan "
            "jämföras: Ekonomiavdelningen (+1,0\u00a0mnkr) och Utbildningsavdelningen "
            "(+1,0\u00a0mnkr).") in said, said
    assert "alla två" not in said


def test_the_forecast_total_of_four_is_not_set_beside_the_total_of_five_then(example, tmp_path):
    """Every department had a forecast in 2024-T1, SOC has none now: the table's Totalt gave
    2024-T1's sum of five (700,7) beside this period's sum of four (433,0), a fall of a
    third in one row. Like with like, as the sum of then: no sum of now, and the note says
    when a sum is shown."""
    register, merged = example
    before = merged.budget.assign(forecast=merged.budget["budget"] * 0.99)
    path = tmp_path / "rapport.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 previous=dataclasses.replace(merged, period="2024-T1", budget=before))
    doc = Document(str(path))
    rows = table_after_caption(doc, "Prognos helår per avdelning jämfört med 2024\u2011T1")
    assert rows[-2][0] == "Sociala avdelningen" and rows[-2][2] == "saknas"
    assert rows[-1][0] == "Totalt" and rows[-1][1] != "" and rows[-1][2:] == ["", ""]
    notes = [as_read(p.text) for p in doc.paragraphs if p.style.name == REPORT_STYLE_NOTE]
    assert any("Summan för en period visas bara när alla avdelningar har en prognos för den"
               in note for note in notes), notes


def test_no_forecast_at_all_then_is_said_of_all_not_listed_by_name(example, tmp_path):
    """Every department's file of 2024-T1 came without a forecast: the sentence listed all
    five departments by name as lacking one, where "ingen av de fem" says it."""
    register, merged = example
    earlier = dataclasses.replace(merged, period="2024-T1",
                                  budget=merged.budget.assign(forecast=float("nan")))
    path = tmp_path / "rapport.docx"
    write_report(path, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0),
                 previous=earlier)
    texts = [as_read(p.text) for p in Document(str(path)).paragraphs]
    assert "Prognosen för kommunstyrelsen jämförs inte med 2024-T1: ingen av de fem " \
           "avdelningarna hade en prognos då." in " ".join(texts)
    assert not any("Stab, " in t and "hade ingen prognos då" in t for t in texts)


# --- the goals per goal area ------------------------------------------------------------------

def area(name, met=0, partly=0, barely=0, not_met=0, unassessed=0):
    return AreaCounts(name, (met, partly, barely, not_met), unassessed)


def test_the_summary_names_the_area_with_most_goals_not_met_and_the_one_all_met():
    """Ånge 2024-T2: Tillväxt has six of its seven goals knappt or ej uppfyllda; the one goal
    of God ekonomisk hushållning is uppfyllt. The others are mixed: no sentence of theirs."""
    rows = [area("Barn och unga", partly=4, barely=1), area("Vuxna", 1, 1, 2),
            area("Äldre 65+", partly=2, barely=1), area("Tillväxt", 1, 0, 4, 2),
            area("God ekonomisk hushållning", met=1)]
    assert area_sentences(rows) == [
        "Flest mål som är knappt eller ej uppfyllda finns inom målområdet Tillväxt (sex av "
        "sju).",
        "Inom målområdet God ekonomisk hushållning är målet uppfyllt."]


@pytest.mark.parametrize("rows, expected", [
    # a tie: both are named, each with its own share
    ([area("Barn och unga", partly=4, barely=1), area("Vuxna", 2, 4, 3),
      area("Tillväxt", 2, 2, 3)],
     ["Flest mål som är knappt eller ej uppfyllda finns inom målområdena Vuxna (tre av nio) "
      "och Tillväxt (tre av sju)."]),
    # one goal not met in all: not "flest … (ett av fem)"
    ([area("Barn och unga", partly=4, not_met=1), area("Vuxna", 2, 1)],
     ["Det enda målet som är knappt eller ej uppfyllt hör till målområdet Barn och unga.",
      "Inom målområdet Vuxna är alla mål uppfyllda eller delvis uppfyllda."]),
    # every area as bad as the other: "flest" would name them all and say nothing
    ([area("Vuxna", 1, 0, 1), area("Tillväxt", 0, 2, 0, 1)], []),
    # a department that has not reported leaves its area without an assessment
    ([area("Barn och unga", 1, 2), area("Äldre 65+", unassessed=3),
      area("Tillväxt", unassessed=1)],
     ["Inom målområdet Barn och unga är alla mål uppfyllda eller delvis uppfyllda.",
      "Inom målområdena Äldre 65+ och Tillväxt är inget mål bedömt."]),
    # an area of one goal, not assessed: "målet", as of one that is met (not "inget mål")
    ([area("Barn och unga", 0, 1, 2, unassessed=2), area("Vuxna", 0, 0, 2, unassessed=2),
      area("God ekonomisk hushållning", unassessed=1)],
     ["Flest mål som är knappt eller ej uppfyllda finns inom målområdena Barn och unga (två "
      "av fem) och Vuxna (två av fyra).",
      "Inom målområdet God ekonomisk hushållning är målet inte bedömt."]),
    # nothing assessed anywhere, or a single area: the headline says it all
    ([area("Vuxna", unassessed=2), area("Tillväxt", unassessed=1)], []),
    ([area("Tillväxt", 1, 0, 4, 2)], []),
])
def test_a_sentence_about_the_goal_areas_only_where_it_tells_something(rows, expected):
    assert area_sentences(rows) == expected


def test_a_department_without_a_budget_is_left_out_of_the_budget_chapter(example, tmp_path):
    """The register gives EKO no budget line (a unit budgeted elsewhere): its row in the
    tables read "saknas" and, with no forecast from anyone in 2024-T1, the sentence named
    the four that have a budget one by one, where "ingen av de fyra" says it."""
    from tests.conftest import register_budgeting

    register = register_budgeting(tmp_path, ("STAB", "SBA", "UTB", "SOC"))
    _, merged = example
    budget = merged.budget[merged.budget["department"] != "EKO"]
    merged = dataclasses.replace(merged, budget=budget)
    earlier = dataclasses.replace(merged, period="2024-T1",
                                  budget=budget.assign(forecast=float("nan")))
    out = tmp_path / "rapport.docx"
    write_report(out, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0), previous=earlier)
    doc = Document(str(out))
    said = " ".join(as_read(p.text) for p in doc.paragraphs)
    assert "Prognosen för kommunstyrelsen jämförs inte med 2024-T1: ingen av de fyra " \
           "avdelningarna hade en prognos då." in said, said
    for caption in ("Ekonomi per avdelning", "Prognos helår per avdelning jämfört med"):
        rows = table_after_caption(doc, caption)
        assert "Ekonomiavdelningen" not in [row[0] for row in rows], rows
        assert len(rows) == 1 + 4 + 1
