"""The committee's outputs of a large organisation (issue 7): a register of many departments,
made with the benchmark's own register builder and pipeline.samples, read as its users read
it. One department's file is filled and checked; the others' answers are copies of it under
their own code, each with its own sick leave, so that the night stays fast."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

import openpyxl
import pandas as pd
import pytest
from docx import Document

from pipeline.figures import sick_leave_table
from pipeline.intake import read_submission
from pipeline.merge import merge
from pipeline.publish.report import write_report
from pipeline.publish.workbook import write_workbook
from pipeline.register import read_register
from pipeline.samples import fill_template
from pipeline.templates import write_templates
from pipeline.validate import validate
from tests.conftest import ROOT
from tests.test_workbook import COLUMNS, ISSUE_COLUMNS, grid, table

DEPARTMENTS = 45
PERIOD = "2024-T2"
AS_OF = dt.datetime(2024, 9, 20, 2, 0)


def sick_factor(index: int) -> float:
    """Each department's sick leave, as a multiple of the sample's: spread, no two alike."""
    return 0.4 + (index * 17 % DEPARTMENTS) / DEPARTMENTS * 1.6


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A register of 45 departments of two activities each, every department reported but
    the last (A045); the register, the merged night and the submissions as Inlämningar
    lists them."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench import build_register

    folder = tmp_path_factory.mktemp("large")
    build_register(folder / "register.xlsx", DEPARTMENTS, 2)
    register = read_register(folder / "register.xlsx")
    period_end = register.period(PERIOD)["period_end"]
    [template] = write_templates(register, PERIOD, folder / "mallar", ["A001"],
                                 created=dt.date(2024, 5, 1))
    filled = fill_template(template, folder / "A001.xlsx", department="A001",
                           period_end=period_end)
    report, first = validate(read_submission(filled), register, PERIOD)
    assert first is not None, [i.describe() for i in report.errors]
    owners = register.board_goals
    accepted, submissions = {}, []
    for index, code in enumerate(register.department_codes[:-1]):
        own = set(owners.loc[owners["owner"] == code, "ks_id"])
        assessments = first.assessments.iloc[:0]
        if own:
            assessments = pd.DataFrame({"row": range(2, 2 + len(own)), "ks_id": sorted(own),
                                        "assessment": "Delvis uppfyllt",
                                        "analysis": "Arbetet pågår enligt plan."})
        sick = first.sick_leave.copy()
        sick["sick_hours"] = (sick["sick_hours"] * sick_factor(index)).round()
        sick["long_term_hours"] = sick[["long_term_hours", "sick_hours"]].min(axis=1)
        activities = first.activities.assign(
            activity_id=first.activities["activity_id"].str.replace("A001-", f"{code}-"))
        accepted[code] = dataclasses.replace(first, department=code, activities=activities,
                                             assessments=assessments, sick_leave=sick)
        submissions.append({"department": code, "file": f"{code}.xlsx", "folder": code,
                            "received": dt.datetime(2024, 9, 10, 9), "saved_at": pd.NaT,
                            "sha256": "ab" * 32, "state": "Godkänd", "counts": True,
                            "errors": 0, "warnings": 0})
    merged = merge(register, PERIOD, accepted)
    return register, merged, pd.DataFrame(submissions, columns=COLUMNS)


@pytest.fixture(scope="module")
def large_report(large, tmp_path_factory):
    register, merged, _ = large
    path = tmp_path_factory.mktemp("large_report") / "tertialrapport_2024-T2.docx"
    write_report(path, register, merged, as_of=AS_OF)
    return Document(str(path))


@pytest.fixture(scope="module")
def large_book(large, tmp_path_factory):
    register, merged, submissions = large
    path = tmp_path_factory.mktemp("large_book") / "sammanstallning_2024-T2.xlsx"
    write_workbook(path, register, merged, submissions, pd.DataFrame(columns=ISSUE_COLUMNS),
                   as_of=AS_OF)
    return openpyxl.load_workbook(path)


def pictures(doc):
    return [shape for shape in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]


# --- the report's sick-leave chapter ----------------------------------------------------------

def test_the_sick_leave_chart_of_many_departments_shows_the_organ_and_the_highest(large,
                                                                                   large_report):
    """With 45 departments the chart was left out ("visas bara när det ryms på en sida"): the
    committee saw no chart at all. It now shows the organ and the departments with the highest
    sick leave, and says so in its caption, in the text and in its alternative text; the table
    keeps every department."""
    register, merged, _ = large
    figures = sick_leave_table(merged.sick_leave, register)
    reported = figures.iloc[:-1][figures.iloc[:-1]["reported"]]
    highest = list(reported.sort_values("total", ascending=False, kind="stable")["name"][:18])
    captions = [p.text for p in large_report.paragraphs if p.style.name == "Caption"]
    [caption] = [c for c in captions if c.startswith("Figur 2.")]
    assert caption == ("Figur 2. Total sjukfrånvaro och basvärdet för kommunstyrelsen och de 18 "
                       "av 45 avdelningar med högst sjukfrånvaro")
    # every department's figures are in the appendix (a large organ's), said by its name
    where = "bilagan ”Sjukfrånvaro per avdelning”"
    assert any(p.text == "Alla avdelningar ryms inte i ett diagram. Diagrammet visar "
                         "kommunstyrelsen och de 18 av 45 avdelningar med högst sjukfrånvaro; "
                         f"alla avdelningars sjukfrånvaro står i {where}."
               for p in large_report.paragraphs)
    described = pictures(large_report)[1].get("descr")
    assert described.startswith("Liggande stapeldiagram över den totala sjukfrånvaron för de 18 "
                                "av 45 avdelningar med högst sjukfrånvaro och för "
                                "kommunstyrelsen")
    named = [name for name in register.department_names.values() if f"{name}:" in described]
    assert sorted(named) == sorted(highest)
    # drawn highest first, the organ last
    positions = [described.index(f"{name}:") for name in highest]
    assert positions == sorted(positions)
    assert described.index("Kommunstyrelsen:") > positions[-1]
    assert described.endswith(f"Alla avdelningars värden står i {where}.")
    table = [t for t in large_report.tables if t.rows[0].cells[0].text == "Enhet"
             and t.rows[0].cells[1].text == "Totalt"][-1]
    assert len(table.rows) == 1 + DEPARTMENTS + 1


def test_the_tall_chart_fits_a_page_with_its_caption_and_introduction(large_report):
    """The 18-department chart was 24.1 cm tall on a page of 25.3 cm of text, on a line spaced
    1.15 of its height: it took a page of its own, and the three lines introducing it were
    left on a page before it, otherwise empty. Every picture's line is now single-spaced, a
    figure is kept 5 cm under the text's height (its caption and a few lines), and the
    paragraph introducing the selection is kept with it."""
    from docx.shared import Cm

    section = large_report.sections[0]
    text_height = section.page_height - section.top_margin - section.bottom_margin
    shapes = large_report.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        assert shape.height <= text_height - Cm(5)
        assert shape.width <= section.page_width - section.left_margin - section.right_margin
    introduction = next(p for p in large_report.paragraphs
                        if p.text.startswith("Alla avdelningar ryms inte i ett diagram."))
    assert introduction.paragraph_format.keep_with_next
    tall = shapes[1]
    assert tall.height > Cm(18)  # still most of a page: the bars are not squeezed
    pictures_lines = [p for p in large_report.paragraphs
                      if p._p.findall(".//" + "{http://schemas.openxmlformats.org/"
                                     "wordprocessingml/2006/main}drawing")]
    assert len(pictures_lines) == 2
    assert all(p.paragraph_format.line_spacing == 1.0 for p in pictures_lines)


@pytest.mark.libreoffice
def test_the_chart_is_printed_on_the_page_of_its_introduction(large, tmp_path):
    """As LibreOffice prints it: the lines introducing the chart of the highest departments
    stood at the foot of the table's last page, the chart alone on the next."""
    import subprocess

    from tests.conftest import to_pdf

    register, merged, _ = large
    path = tmp_path / "tertialrapport_2024-T2.docx"
    write_report(path, register, merged, as_of=AS_OF)
    [pdf] = to_pdf(path, tmp_path)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    [page] = [p for p in pages if "Figur 2." in p]
    assert "Alla avdelningar ryms inte i ett diagram." in page


def test_departments_with_their_own_baselines_are_charted_by_their_distance_from_it(large):
    """Where every department has a baseline of its own, the chart shows those furthest from
    it, either way, the largest increase at the top."""
    from pipeline.figures import points_change
    from pipeline.publish.report.charts import chart_selection

    register, merged, _ = large
    figures = sick_leave_table(merged.sick_leave, register)
    baselines = {code: 0.06 for code in register.department_codes} | {"TOTALT": 0.08}
    units, selection = chart_selection(figures, baselines)
    assert selection == "de 18 av 45 avdelningar som ligger längst från sitt basvärde"
    changes = {row.department: points_change(row.total, 0.06)
               for row in figures.iloc[:-1].itertuples() if row.reported}
    chosen = list(units["department"][:-1])
    furthest = sorted(changes, key=lambda code: -abs(changes[code]))[:18]
    assert min(abs(changes[c]) for c in chosen) >= max(
        abs(changes[c]) for c in changes if c not in chosen)
    assert sorted(chosen) == sorted(furthest)
    assert [changes[c] for c in chosen] == sorted((changes[c] for c in chosen), reverse=True)
    assert units["department"].iloc[-1] == "TOTALT"


def test_a_chart_that_fits_shows_every_department_as_before(large):
    from pipeline.publish.report.charts import chart_selection

    register, merged, _ = large
    figures = sick_leave_table(merged.sick_leave, register)
    few = pd.concat([figures.iloc[:5], figures.iloc[-1:]])
    units, selection = chart_selection(few, {})
    assert selection is None and list(units["department"]) == list(few["department"])


def test_a_large_organs_sick_leave_chapter_keeps_the_organ_and_moves_the_departments_to_an_appendix(
        large, large_report):
    """At 300 departments the table of every department's seven figures took six pages of the
    chapter. Above 30 departments, as for the budget, the chapter keeps the organ's row, the
    comparison with the baseline and the chart of the highest departments, and says where
    the rest stand; the appendix after the budget chapter holds every department's row and
    the organ's, the same figures as the chapter's."""
    from docx.table import Table

    from tests.test_report import text_of

    register, _, _ = large
    order = [[[text_of(c) for c in row.cells] for row in block.rows]
             if isinstance(block, Table) else block.text
             for block in large_report.iter_inner_content()]
    order = [block for block in order if block]
    chapter = order.index("Sjukfrånvaro")
    budget = order.index("Ekonomi")
    appendix = order.index("Bilaga: Sjukfrånvaro per avdelning")
    assert chapter < budget < appendix < order.index("Bilaga: Ekonomi per avdelning")
    tables = [(i, block) for i, block in enumerate(order) if isinstance(block, list)
              and block[0][:2] == ["Enhet", "Totalt"]]
    [(at, organ_only), (at_appendix, every)] = tables
    assert chapter < at < budget and at_appendix > appendix
    assert [row[0] for row in organ_only[1:]] == ["Kommunstyrelsen"]
    assert [row[0] for row in every[1:]] == [*register.department_names.values(),
                                             "Kommunstyrelsen"]
    assert every[-1] == organ_only[-1]
    assert every[-2][1:] == ["saknas"] * 7  # A045 has not reported
    assert order[at - 1] == ("Tabell 5. Sjukfrånvaro för hela kommunstyrelsen i procent av "
                             "ordinarie arbetstid")
    assert order[at_appendix - 1].endswith(
        ". Sjukfrånvaro per avdelning i procent av ordinarie arbetstid")
    texts = [b for b in order[at:budget] if isinstance(b, str)]
    assert ("Raden för kommunstyrelsen omfattar bara de 44 av 45 avdelningar som har "
            "rapporterat.") in texts
    assert ("Alla 45 avdelningars sjukfrånvaro står i bilagan ”Sjukfrånvaro per avdelning” "
            "efter kapitlet Ekonomi och på fliken Sjukfrånvaro i sammanställningen "
            "(sammanstallning_2024-T2.xlsx).") in texts
    assert any(b.startswith("Figur 2. Total sjukfrånvaro") for b in texts)  # the chart stays


def test_the_baseline_table_lists_the_units_with_a_baseline_and_counts_the_others(large_report):
    """Only the organ has a baseline in the benchmark's register: the comparison table had 45
    rows of "saknas" beside figures the table above already gives."""
    table = next(t for t in large_report.tables if t.rows[0].cells[0].text == "Enhet"
                 and t.rows[0].cells[1].text == "Basvärde")
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        ["Kommunstyrelsen", "8,0\u00a0%", "2023-09-30",
         table.rows[1].cells[3].text, ""]]
    notes = [p.text for p in large_report.paragraphs if p.text.startswith("Ingen av de 45")]
    assert notes == ["Ingen av de 45 avdelningarna har ett eget basvärde i registret, och "
                     "jämförs därför inte här; deras sjukfrånvaro står i bilagan "
                     "”Sjukfrånvaro per avdelning”."]


# --- the workbook's Sammanfattning ------------------------------------------------------------

def test_the_summary_writes_thousands_apart(large):
    """300 departments: "Förvaltningen redovisar 15000 aktiviteter" and a status table of
    "1850" and "15000", beside budget tables of "4 844 850": counts of a thousand or more
    are written with their thousands apart, as every other figure of the report."""
    from pipeline.publish.report.chapters import _ReportWriter
    from pipeline.publish.report.document import _ensure_styles, _open
    from tests.test_report import table_after_caption

    register, merged, _ = large
    copies = [merged.activities.assign(
        activity_id=merged.activities["activity_id"] + f"-{n}") for n in range(12)]
    activities = pd.concat(copies, ignore_index=True)
    writer = _ReportWriter(_open(None), register,
                           dataclasses.replace(merged, activities=activities), AS_OF,
                           own_footer=True)
    _ensure_styles(writer.doc)
    writer._summary()
    total = len(activities)
    assert total >= 1000
    shown = f"{total // 1000}\u00a0{total % 1000:03d}"
    assert any(p.text.startswith(f"Förvaltningen redovisar {shown} aktiviteter")
               for p in writer.doc.paragraphs)
    rows = table_after_caption(writer.doc, "Aktiviteterna per status")
    assert rows[-1] == ["Totalt", shown]
    assert all(len(count) < 4 or "\u00a0" in count for _, count in rows[1:])
    # a sentence does not start with a digit ("538 aktiviteter har passerat …")
    late = int(activities["flags"].map(lambda f: "end_passed" in f).sum())
    assert late > 12
    body = [p.text for p in writer.doc.paragraphs if p.style.name == "Normal"]
    assert f"Av aktiviteterna har {late} passerat sitt slutdatum utan att vara avslutade." \
        in body
    assert not any(t[:1].isdigit() for t in body)


# --- the report's budget chapter -------------------------------------------------------------

def budget_blocks(doc):
    """The budget chapter and the appendix after it: (heading or caption text, table rows)
    pairs in the order a reader meets them, and the chapter's plain paragraphs."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from tests.conftest import as_read
    from tests.test_report import text_of

    blocks = list(doc.iter_inner_content())
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph)
                 and b.style.name == "Heading 1" and b.text == "Ekonomi")
    order, texts = [], []
    for block in blocks[start:]:
        if isinstance(block, Table):
            order.append([[text_of(c) for c in row.cells] for row in block.rows])
        elif block.style.name.startswith("Heading") or block.style.name == "Caption":
            order.append(as_read(block.text))
        elif block.text:
            texts.append(as_read(block.text))
    return order, texts


@pytest.fixture(scope="module")
def varied_budget(large, tmp_path_factory):
    """The large night with forecasts spread around the budgets (the sample's are alike), a
    comment on every third line; its merged night and its report."""
    register, merged, _ = large
    budget = merged.budget.copy()
    spread = [(index * 7 % 11 - 5) / 100 for index in range(len(budget))]
    budget["forecast"] = (budget["budget"] * (1 + pd.Series(spread, index=budget.index))
                          ).round(1).where(budget["forecast"].notna())
    budget["comment"] = [f"Kommentar {index}." if index % 3 == 0 else ""
                         for index in range(len(budget))]
    merged = dataclasses.replace(merged, budget=budget)
    path = tmp_path_factory.mktemp("varied_budget") / "tertialrapport_2024-T2.docx"
    write_report(path, register, merged, as_of=AS_OF)
    return merged, Document(str(path))


def test_a_large_organs_budget_shows_its_totals_and_largest_deviations_first(large,
                                                                              varied_budget):
    """At 300 departments the budget chapter ran to 13 pages: a row per department, then every
    comment. An organ of more than 30 departments gets its totals per category first, then
    the ten departments whose forecast deviates most from their budget (either way) with
    their comments; every department's line is in an appendix at the end."""
    from pipeline.figures import amount_decimals, budget_by_department, rounded_lines
    from pipeline.publish.report.text import number

    register = large[0]
    merged, large_report = varied_budget
    budget = rounded_lines(merged.budget, amount_decimals(register.settings.unit))
    frame = budget_by_department(budget, register).iloc[:-1]
    ranked = frame.dropna(subset=["deviation"])
    ranked = ranked.loc[ranked["deviation"].abs().sort_values(ascending=False,
                                                                kind="stable").index]
    largest = [register.department_names[c] for c in ranked["department"][:10]]
    order, texts = budget_blocks(large_report)
    captions = [b for b in order if isinstance(b, str) and b.startswith("Tabell")]
    assert [c.split(". ", 1)[1] for c in captions][:2] == [
        "Ekonomi för hela kommunstyrelsen per kategori (tkr)",
        "De tio största avvikelserna per avdelning (tkr)"]
    assert order[0:2] == ["Ekonomi", "Per kategori"]
    category = order[3]
    assert category[-1][0] == "Totalt" and {r[0] for r in category[1:-1]} <= {
        "Barn och unga", "Vuxna"}
    assert "Störst avvikelse" in order
    deviations = order[order.index(captions[1]) + 1]
    assert [row[0] for row in deviations[1:]] == largest
    assert deviations[1][4] == number(ranked["deviation"].iloc[0], 0)
    over = frame[frame["deviation"] < 0]
    assert (f"Prognosen för helåret är högre än budgeten för {len(over)} av 45 avdelningar, "
            f"sammanlagt {number(-over['deviation'].sum(), 0)}\u00a0tkr över budgeten. För en "
            f"avdelning saknas hela eller delar av prognosen.") in texts
    # every department in the appendix, after the chapter, with the organ's total
    appendix = order.index("Bilaga: Ekonomi per avdelning")
    assert appendix > order.index(captions[1])
    full = order[appendix + 2]
    assert [row[0] for row in full[1:]] == [
        *register.department_names.values(), "Totalt"]
    assert full[-1][1:] == category[-1][1:]
    headings_1 = [p.text for p in large_report.paragraphs if p.style.name == "Heading 1"]
    assert headings_1[-3:] == ["Ekonomi", "Bilaga: Sjukfrånvaro per avdelning",
                               "Bilaga: Ekonomi per avdelning"]
    # the comments of the ten beside them, in the same order; every comment in the appendix
    [theirs] = [order[order.index(c) + 1] for c in captions
                if c.endswith("Kommentarer till de största avvikelserna")]
    names = [row[0] for row in theirs[1:]]
    assert names == sorted(names, key=largest.index) and set(names) <= set(largest)
    commented = budget[budget["comment"] != ""]
    assert len(order[-1]) - 1 == len(commented) and order[-2].endswith(
        "Kommentarer till ekonomin")


def test_a_large_organs_forecast_against_the_period_before_names_the_largest_rises(
        large, varied_budget, tmp_path):
    """45 departments: the organ's total against the period before in a sentence, the three
    largest rises named, a table of the ten largest rises (not all 45: they are on the
    workbook's Ekonomi), and nothing more in the appendix."""
    from pipeline.figures import budget_against_previous
    from pipeline.publish.report.text import number

    register = large[0]
    merged, _ = varied_budget
    before = merged.budget.copy()
    # every line reported then (A045 too), each a little lower or higher than now
    before["forecast"] = before["budget"] * [1 - (i * 5 % 13 - 4) / 100
                                             for i in range(len(before))]
    previous = dataclasses.replace(merged, period="2024-T1", budget=before)
    path = tmp_path / "tertialrapport_2024-T2.docx"
    write_report(path, register, merged, as_of=AS_OF, previous=previous)
    order, texts = budget_blocks(Document(str(path)))
    compared = budget_against_previous(merged.budget, before, register).by_department
    departments = compared.iloc[:-1]
    risen = departments[departments["change_forecast"] > 0].sort_values(
        "change_forecast", ascending=False, kind="stable")
    caption = next(b for b in order if isinstance(b, str)
                   and b.endswith("De tio största ökningarna av prognosen sedan 2024-T1 (tkr)"))
    rows = order[order.index(caption) + 1]
    names = register.department_names
    assert rows[0] == ["Avdelning", "Prognos helår 2024-T1", "Prognos helår 2024-T2",
                       "Förändring"]
    assert [row[0] for row in rows[1:]] == [names[c] for c in risen["department"][:10]]
    assert rows[1][3] == "+" + number(risen["change_forecast"].iloc[0], 0)
    organ = compared.iloc[-1]
    assert organ["previous_complete"] and pd.isna(organ["change_forecast"])  # A045 silent now
    [said] = [t for t in texts if t.startswith("Prognosen för helåret för kommunstyrelsen var")]
    assert f"var {number(organ['previous_forecast'], 0)}\u00a0tkr vid föregående period" in said
    top = [f"{names[row.department]} (+{number(row.change_forecast, 0)}\u00a0tkr)"
           for row in risen.head(3).itertuples()]
    comparable = int(departments["change_forecast"].notna().sum())
    assert (f"Prognosen har ökat sedan 2024-T1 för {len(risen)} av de {comparable} "
            f"avdelningar vars prognos kan jämföras, mest för {top[0]}, {top[1]} och "
            f"{top[2]}.") in said
    assert any("på fliken Ekonomi i sammanställningen" in t and "2024-T1" in t for t in texts)
    appendix = order.index("Bilaga: Ekonomi per avdelning")
    assert order.index(caption) < appendix
    assert not any("2024-T1" in str(block) for block in order[appendix:])


def test_the_summary_of_many_departments_prints_readably_with_the_charts_first(large,
                                                                                large_book):
    """Fitted to one page, the 45 rows of who has reported shrank the whole Sammanfattning
    (300 departments: to a tenth, unreadable), the charts under the list. Now the headline,
    tables and charts come first, then who is missing, then the list, over as many pages as
    it needs, its header on each."""
    register, _, _ = large
    sheet = large_book["Sammanfattning"]
    setup = sheet.page_setup
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (1, None) and setup.fitToHeight == 0
    rows = grid(sheet)
    header = next(i for i, row in enumerate(rows) if row[4] == "Avdelning")
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}"
    listed = table(sheet, "Avdelning", column=4)
    assert [row["Avdelning"] for row in listed] == list(register.department_names.values())
    missing = [i for i, row in enumerate(rows) if row[4] == "Saknas: Enhet A045."]
    assert missing and missing[0] < header
    charts = sheet._charts
    assert len(charts) == 2
    assert all(chart.anchor._from.row < header - 3 for chart in charts)
    status_header = next(i for i, row in enumerate(rows) if row[0] == "Status")
    assert header > status_header + 10  # below the tables on the left, not beside them


def test_a_large_organ_in_millions_says_its_overrun_with_the_tables_decimal(large, tmp_path):
    """An organ that counts in mnkr: departments each a few hundred thousand kronor over
    budget were said to be 'sammanlagt 1 mnkr över budgeten' (or 0 mnkr), whole millions,
    beside tables with one decimal."""
    from pipeline.publish.report.text import number

    register, merged, _ = large
    register = dataclasses.replace(
        register, settings=dataclasses.replace(register.settings, unit="mnkr"))
    budget = merged.budget.copy()
    budget["forecast"] = budget["budget"].where(budget["forecast"].notna())
    first = budget.index[budget["department"] == "A001"][0]
    budget.loc[first, "forecast"] = budget.loc[first, "budget"] + 0.4
    merged = dataclasses.replace(merged, budget=budget)
    path = tmp_path / "tertialrapport_2024-T2.docx"
    write_report(path, register, merged, as_of=AS_OF)
    said = [p.text for p in Document(str(path)).paragraphs if "över budgeten" in p.text]
    assert len(said) == 1 and said[0].startswith(
        "Prognosen för helåret är högre än budgeten för en av 45 avdelningar, sammanlagt "
        f"{number(0.4, 1)}\u00a0mnkr över budgeten."), said


# --- the table of contents --------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def contents_entries(doc):
    """The table of contents' lines: (style, text, the bookmark it links to, the bookmark its
    PAGEREF field names)."""
    entries = []
    for p in doc.paragraphs:
        if not p.style.name.startswith("toc "):
            continue
        [link] = p._p.findall(f"{W}hyperlink")
        instruction = "".join(t.text for t in link.iter(f"{W}instrText")).split()
        text = "".join(t.text or "" for t in link.iter(f"{W}t"))
        entries.append((p.style.name, text, link.get(f"{W}anchor"), instruction[1]
                        if instruction[:1] == ["PAGEREF"] else None))
    return entries


def test_a_large_organs_report_has_a_table_of_contents_linking_every_chapter_and_goal(
        large_report):
    """At 300 departments the report ran to 893 pages without a table of contents. After the
    title page comes one: every chapter and goal heading in order, each line a link to a
    bookmark on its heading and a page reference to the same bookmark. Its title is no
    heading (not in the navigation pane, the PDF's bookmarks, nor in itself)."""
    doc = large_report
    paragraphs = doc.paragraphs
    title = next(i for i, p in enumerate(paragraphs) if p.text == "Innehåll")
    assert paragraphs[title].style.name == "TOC Heading"
    assert not paragraphs[title].style.name.startswith("Heading")
    assert paragraphs[title - 1].text == ""  # the title page's page break
    assert "Datum: 2024-09-20" in [p.text for p in paragraphs[:title]]
    headings = [(p, int(p.style.name[-1])) for p in paragraphs
                if p.style.name in ("Heading 1", "Heading 2")]
    assert headings[0][0].text == "Inledning" and len(headings) > 30
    entries = contents_entries(doc)
    assert [(style, text) for style, text, _, _ in entries] == [
        (f"toc {level}", p.text) for p, level in headings]
    for (p, _), (_, _, anchor, page_of) in zip(headings, entries, strict=True):
        marks = [b.get(f"{W}name") for b in p._p.iter(f"{W}bookmarkStart")]
        assert marks == [anchor] and page_of == anchor
    # the contents stand before the introduction, and end with a page break
    first = paragraphs.index(next(p for p in paragraphs if p.style.name == "toc 1"))
    introduction = paragraphs.index(headings[0][0])
    assert title < first < introduction
    assert any(br.get(f"{W}type") == "page" for p in paragraphs[first:introduction]
               for br in p._p.iter(f"{W}br"))


@pytest.mark.libreoffice
def test_the_table_of_contents_prints_with_the_page_of_each_chapter(large_report, tmp_path):
    """LibreOffice (and its PDF) works the page numbers out as it lays the pages out; each
    chapter's line gives the page the chapter starts on, and links to it."""
    import re
    import subprocess

    from tests.conftest import to_pdf

    path = tmp_path / "tertialrapport_2024-T2.docx"
    large_report.save(str(path))
    [pdf] = to_pdf(path, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    chapters = ("Inledning", "Sammanfattning", "Sjukfrånvaro", "Ekonomi",
                "Bilaga: Ekonomi per avdelning")
    for chapter in chapters:
        [line] = [m for m in re.findall(rf"^{re.escape(chapter)}\.{{5,}}\s*(\d+)$",
                                        "\n".join(pages[1:3]), re.MULTILINE)]
        starts = [n for n, page in enumerate(pages, start=1)
                  if re.search(rf"^{re.escape(chapter)}\s*$", page, re.MULTILINE)]
        assert int(line) == starts[-1], (chapter, line, starts)
    assert pdf.read_bytes().count(b"/Link") >= 30
