"""The committee's consolidated workbook, read back and compared with expectations computed
here from the inputs (merged frames, register, submissions), not by the code under test."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.intake import read_submission
from pipeline.labels import BUDGET_CATEGORIES
from pipeline.merge import Merged, merge
from pipeline.publish.workbook import write_workbook
from pipeline.publish.workbook.styles import LINE_HEIGHT
from pipeline.register import Register
from pipeline.samples import fill_template
from pipeline.templates import write_templates
from pipeline.validate import validate
from tests.conftest import register_budgeting, to_pdf
from tests.replay2023 import SEED, replay_merged

AS_OF = dt.datetime(2024, 9, 17, 2, 0)
SHEETS = ["Sammanfattning", "Måluppföljning", "Aktiviteter", "Sjukfrånvaro", "Ekonomi",
          "Inlämningar", "Datakvalitet"]
SYMBOL = {"Uppfyllt": "●", "Delvis uppfyllt": "◕", "Knappt uppfyllt": "◑", "Ej uppfyllt": "○"}
STATUS_NAMES = {"Ej påbörjad": "NOT_STARTED", "Pågående enligt plan": "ON_TRACK",
                "Pågående med avvikelse": "DEVIATING", "Försenad": "DELAYED",
                "Vänteläge": "ON_HOLD", "Avslutad enligt plan": "DONE",
                "Avslutad med avvikelse": "DONE_DEVIATING", "Avbruten": "CANCELLED"}
FLAG_WORDS = {"end_passed": "Slutdatum passerat men inte avslutad",
              "done_far_ahead": "Avslutad enligt plan långt före slutdatum",
              "worse": "Sämre status än förra perioden"}
COLUMNS = ["department", "file", "folder", "received", "saved_at", "sha256", "state", "counts",
           "errors", "warnings"]
ISSUE_COLUMNS = ["department", "file", "severity", "sheet", "cell", "message"]
FORMULA_TEXT, URL_TEXT, NUMBER_TEXT = "=1+1", "https://example.se/?q=1", "0012"


@dataclass
class Case:
    register: Register
    merged: Merged
    previous: Merged | None
    submissions: pd.DataFrame
    issues: pd.DataFrame
    path: Path

    @property
    def book(self):
        return openpyxl.load_workbook(self.path)


def collect(register, period, period_end, folder, codes, *, seed, employees=None, edit=None,
            received=None):
    """Templates → filled files → validation; the accepted data, submissions and issues."""
    templates = write_templates(register, period, folder / "mallar", codes,
                                created=dt.date(2024, 1, 1))
    accepted, submissions, issues = {}, [], []
    for template in templates:
        code = template.name.split("_")[0]
        path = fill_template(template, folder / "in" / f"{code} {period}.xlsx", department=code,
                             period_end=period_end, seed=seed,
                             employees=(employees or {}).get(code))
        if edit:
            edit(code, path)
        submission = read_submission(path)
        report, data = validate(submission, register, period)
        assert data is not None, [i.describe() for i in report.errors]
        accepted[code] = data
        submissions.append({"department": code, "file": path.name, "folder": code,
                            "received": received or dt.datetime.combine(period_end, dt.time(9)),
                            "saved_at": submission.saved_at, "sha256": submission.sha256,
                            "state": report.verdict.value, "counts": True,
                            "errors": len(report.errors), "warnings": len(report.warnings)})
        issues += [{"department": code, "file": path.name, "severity": i.severity.value,
                    "sheet": i.sheet or "", "cell": i.cell or "", "message": i.message}
                   for i in report.issues]
    return accepted, submissions, issues


def tricky_text(code, path):
    """STAB's comments and an analysis that a careless writer would turn into a formula, a
    link and a number."""
    if code != "STAB":
        return
    book = openpyxl.load_workbook(path)
    sheet = book["Aktiviteter"]
    cell = sheet.cell(2, 9)
    cell.value, cell.data_type = FORMULA_TEXT, "s"
    sheet.cell(3, 9).value = URL_TEXT
    sheet.cell(4, 9).value = NUMBER_TEXT
    book["Målbedömning"].cell(2, 5).value = NUMBER_TEXT
    book.save(path)


@pytest.fixture(scope="module")
def complete(tmp_path_factory, register):
    """The shipped example for 2024-T1: all five departments report (sample answers)."""
    folder = tmp_path_factory.mktemp("t1")
    accepted, submissions, issues = collect(register, "2024-T1", dt.date(2024, 4, 30), folder,
                                            register.department_codes, seed=1)
    merged = merge(register, "2024-T1", accepted)
    path = folder / "sammanstallning_2024-T1.xlsx"
    subs = pd.DataFrame(submissions, columns=COLUMNS)
    found = pd.DataFrame(issues, columns=ISSUE_COLUMNS)
    write_workbook(path, register, merged, subs, found, as_of=dt.datetime(2024, 5, 16, 2))
    return Case(register, merged, None, subs, found, path)


@pytest.fixture(scope="module")
def partial(tmp_path_factory, register, complete):
    """2024-T2: EKO is missing, SBA's later file was rejected, a file of unknown origin was
    rejected, STAB has only 30 employees (small groups) and typed tricky text."""
    folder = tmp_path_factory.mktemp("t2")
    codes = ["STAB", "UTB", "SBA", "SOC"]
    accepted, submissions, issues = collect(
        register, "2024-T2", dt.date(2024, 8, 31), folder, codes, seed=2,
        employees={"STAB": 30}, edit=tricky_text, received=dt.datetime(2024, 9, 10, 14, 30))
    submissions += [
        {"department": "SBA", "file": "SBA ny version.xlsx", "folder": "SBA",
         "received": dt.datetime(2024, 9, 17, 1, 0), "saved_at": pd.NaT, "sha256": "ab" * 32,
         "state": "Ej godkänd", "counts": False, "errors": 2, "warnings": 0},
        {"department": None, "file": "protokoll.pdf", "folder": "",
         "received": dt.datetime(2024, 9, 12, 8, 0), "saved_at": pd.NaT, "sha256": "cd" * 32,
         "state": "Ej godkänd", "counts": False, "errors": 1, "warnings": 0},
    ]
    issues += [
        {"department": "SBA", "file": "SBA ny version.xlsx", "severity": "Fel",
         "sheet": "Aktiviteter", "cell": "H12",
         "message": '"pågånde" är inte en giltig status. Välj en status i listan.'},
        {"department": None, "file": "protokoll.pdf", "severity": "Fel", "sheet": "",
         "cell": "", "message": "Filen protokoll.pdf är inte en Excel-fil."},
    ]
    merged = merge(register, "2024-T2", accepted, complete.merged.activities)
    path = folder / "sammanstallning_2024-T2.xlsx"
    subs = pd.DataFrame(submissions, columns=COLUMNS)
    found = pd.DataFrame(issues, columns=ISSUE_COLUMNS)
    write_workbook(path, register, merged, subs, found, as_of=AS_OF, previous=complete.merged)
    return Case(register, merged, complete.merged, subs, found, path)


# --- helpers that read the workbook back ------------------------------------------------------

def grid(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table(sheet, header, column=0):
    """{header: value} rows of the table whose header row has `header` in `column`, up to
    the first empty row."""
    rows = grid(sheet)
    start = next(i for i, row in enumerate(rows) if row[column] == header)
    names = rows[start][column:]
    out = []
    for row in rows[start + 1:]:
        if row[column] in (None, ""):
            break
        out.append({name: value for name, value in zip(names, row[column:], strict=True)
                    if name})
    return out


def lines_after_table(sheet, header, column=0):
    """The lines of text in `column` after the table of `header` and the empty row that
    sets them apart from it (a line right under it read as one of its rows)."""
    rows = grid(sheet)
    start = next(i for i, row in enumerate(rows) if row[column] == header)
    end = next(i for i in range(start + 1, len(rows)) if rows[i][column] in (None, ""))
    lines = []
    for row in rows[end + 1:]:
        if row[column] in (None, ""):
            break
        lines.append(row[column])
    return lines


def header_table(sheet):
    return table(sheet, grid(sheet)[0][0])


def half_up(value, decimals):
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def swedish(value, decimals):
    text = f"{half_up(value, decimals):.{decimals}f}".replace(".", ",")
    return text.replace("-", "−")


def expected_headline(assessments):
    total = len(assessments)
    positive = sum(a in ("Uppfyllt", "Delvis uppfyllt") for a in assessments)
    negative = sum(a in ("Knappt uppfyllt", "Ej uppfyllt") for a in assessments)
    rest = total - positive - negative
    sentence = (f"Av de totalt {total} målen är {positive} uppfyllda eller delvis uppfyllda "
                f"och {negative} knappt eller ej uppfyllda.")
    which = "mål" if rest == 1 else "av målen"
    return sentence + (f" För {rest} {which} saknas bedömning." if rest else "")


def names(register):
    return dict(zip(register.departments["code"], register.departments["name"], strict=True))


# --- the whole workbook -----------------------------------------------------------------------

def test_the_seven_sheets_in_order(partial):
    assert partial.book.sheetnames == SHEETS


def test_same_inputs_give_the_same_bytes_and_the_as_of_time(partial, tmp_path):
    again = tmp_path / "again.xlsx"
    write_workbook(again, partial.register, partial.merged, partial.submissions, partial.issues,
                   as_of=AS_OF, previous=partial.previous)
    assert again.read_bytes() == partial.path.read_bytes()
    assert partial.book.properties.created == AS_OF


def test_department_text_is_text_and_nothing_is_a_formula(partial):
    book = openpyxl.load_workbook(partial.path)
    comments = {row["Kommentar"] for row in header_table(book["Aktiviteter"])}
    assert {FORMULA_TEXT, URL_TEXT, NUMBER_TEXT} <= comments
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in (FORMULA_TEXT, URL_TEXT, NUMBER_TEXT):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                assert cell.hyperlink is None
    analyses = [row["Analys"] for row in header_table(book["Måluppföljning"])]
    assert NUMBER_TEXT in analyses
    with zipfile.ZipFile(partial.path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name


def test_text_that_starts_like_a_formula_keeps_its_quote_prefix(partial):
    """BAD_INPUTS C32: a reader who opens "=1+1" and presses Enter must still have text."""
    book = openpyxl.load_workbook(partial.path)
    prefixed = {(cell.value, cell.quotePrefix) for sheet in book.worksheets
                for row in sheet.iter_rows() for cell in row
                if cell.value in (FORMULA_TEXT, URL_TEXT, NUMBER_TEXT)}
    assert (FORMULA_TEXT, True) in prefixed and (FORMULA_TEXT, False) not in prefixed
    assert (URL_TEXT, False) in prefixed and (URL_TEXT, True) not in prefixed
    assert (NUMBER_TEXT, False) in prefixed and (NUMBER_TEXT, True) not in prefixed


def test_every_sheet_prints_landscape_fitted_to_width_with_the_period(partial):
    book = partial.book
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert setup.fitToWidth in (1, None), sheet.title
        assert "2024-T2" in sheet.oddHeader.center.text, sheet.title
        assert sheet.sheet_view.showGridLines is False, sheet.title
    for title in ("Måluppföljning", "Aktiviteter", "Inlämningar", "Datakvalitet"):
        sheet = book[title]
        assert sheet.freeze_panes == "A2", title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), title
        assert sheet.print_title_rows == "$1:$1", title
    assert book["Sjukfrånvaro"].freeze_panes == "B2"
    widths = [book["Måluppföljning"].column_dimensions[c].width for c in "BDJ"]
    assert all(w and w > 15 for w in widths)


def test_dates_and_numbers_carry_swedish_formats(partial):
    book = partial.book
    activities = book["Aktiviteter"]
    assert activities["E2"].number_format == "yyyy-mm-dd"
    assert isinstance(activities["E2"].value, dt.datetime)
    sick = book["Sjukfrånvaro"]
    assert sick["B4"].number_format == "[$-41D]0.0 %"
    budget = book["Ekonomi"]
    amounts = [c for row in budget.iter_rows() for c in row if isinstance(c.value, float)]
    assert amounts and all("#,##0.0" in c.number_format for c in amounts)


# --- Sammanfattning ---------------------------------------------------------------------------

def test_summary_facts_and_the_headline_in_the_reports_words(partial):
    sheet = partial.book["Sammanfattning"]
    rows = grid(sheet)
    facts = {row[0]: row[1] for row in rows[:9] if row[0]}
    assert facts["Kommun"] == "Ånge kommun" and facts["Organ"] == "Kommunstyrelsen"
    assert facts["Period"].startswith("2024-T2")
    assert facts["Data per"] == AS_OF
    assert facts["Sista inlämningsdag"] == dt.datetime(2024, 9, 16)
    assessments = [a for a in partial.merged.goals["assessment"]]
    headline = expected_headline([a if isinstance(a, str) else None for a in assessments])
    assert headline in [row[0] for row in rows]
    assert "saknas bedömning" in headline  # EKO's goals have no assessment


def test_summary_counts_goals_per_assessment_and_activities_per_status(partial):
    sheet = partial.book["Sammanfattning"]
    goals = partial.merged.goals["assessment"].tolist()
    shown = {row["Bedömning"]: row["Antal mål"] for row in table(sheet, "Bedömning")}
    for assessment, symbol in SYMBOL.items():
        assert shown[f"{symbol} {assessment}"] == goals.count(assessment)
    assert shown["Ej bedömd"] == sum(not isinstance(a, str) for a in goals)
    assert shown["Summa"] == len(goals)
    statuses = partial.merged.activities["status"].tolist()
    shown = {row["Status"]: row for row in table(sheet, "Status")}
    for status in STATUS_NAMES:
        assert shown[status]["Antal"] == statuses.count(status)
        # a whole per cent, within one of the exact share; together they make the 100 %
        assert shown[status]["Andel"] * 100 == pytest.approx(round(shown[status]["Andel"] * 100))
        assert abs(shown[status]["Andel"] - statuses.count(status) / len(statuses)) < 0.01
    assert shown["Ej rapporterad"]["Antal"] == sum(not isinstance(s, str) for s in statuses)
    assert shown["Summa"]["Antal"] == len(statuses)
    assert sum(row["Andel"] for label, row in shown.items() if label != "Summa") == \
        pytest.approx(shown["Summa"]["Andel"]) == 1
    # more than the register's activities (shared ones count once per department): said so
    assert len(statuses) > partial.register.activities["activity_id"].nunique()
    for name in ("Sammanfattning", "Måluppföljning"):
        notes = " ".join(str(v) for row in grid(partial.book[name]) for v in row if v)
        assert "Aktiviteterna räknas en gång per ansvarig avdelning" in notes, name


def summary_charts(path):
    """{chart title: (category labels, axis XML)} of the workbook's charts."""
    charts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/charts/chart"):
                xml = archive.read(name).decode()
                title = re.search(r"<a:t>([^<]*)</a:t>", xml).group(1)
                labels = re.findall(r"<c:pt idx=\"\d+\"><c:v>([^<]*)</c:v>",
                                    xml.split("<c:cat>")[1].split("</c:cat>")[0])
                charts[title] = (labels, xml.split("<c:valAx>")[1])
    return charts


def test_summary_charts_show_every_goal_on_a_whole_number_axis(partial):
    """The goal chart has a bar for the goals not yet assessed (EKO is missing), so its bars
    add up to all goals as the table beside it does; the count axes step by whole numbers
    (LibreOffice drew 0.5, 1.5 … goals)."""
    goals = partial.merged.goals["assessment"].tolist()
    unassessed = sum(not isinstance(a, str) for a in goals)
    assert unassessed
    charts = summary_charts(partial.path)
    labels, axis = charts["Mål per bedömning"]
    assert labels == [f"{SYMBOL[a]} {a}" for a in SYMBOL] + ["Ej bedömd"]
    for title in ("Mål per bedömning", "Aktiviteter per status"):
        axis = charts[title][1]
        unit = re.search(r'<c:majorUnit val="([^"]+)"', axis)
        assert unit and float(unit.group(1)).is_integer(), title
        assert 'formatCode="0"' in axis, title


def test_summary_says_who_reported_when_and_who_is_missing_or_rejected(partial):
    sheet = partial.book["Sammanfattning"]
    named = names(partial.register)
    found = table(sheet, "Avdelning", column=4)
    rows = {row["Avdelning"]: row for row in found}
    assert list(rows) == [named[c] for c in partial.register.department_codes]
    assert lines_after_table(sheet, "Avdelning", column=4) == [f"Saknas: {named['EKO']}."]
    stab = rows[named["STAB"]]
    state = partial.submissions.set_index("department").loc["STAB", "state"]
    assert stab["Inlämning"] == state
    assert stab["Mottagen"] == dt.datetime(2024, 9, 10, 14, 30)
    assert stab["I tid"] == "Ja" and stab["Fil"] == "STAB 2024-T2.xlsx"
    assert rows[named["EKO"]]["Inlämning"] == "Saknas"
    assert rows[named["EKO"]]["Mottagen"] is None
    assert "SBA ny version.xlsx" in rows[named["SBA"]]["Anmärkning"]
    with zipfile.ZipFile(partial.path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_a_department_with_only_a_rejected_file_and_a_late_one(partial, tmp_path):
    submissions = partial.submissions.copy()
    submissions.loc[submissions["department"] == "UTB", "received"] = dt.datetime(
        2024, 9, 16, 23, 59)  # the deadline day still counts
    submissions.loc[submissions["department"] == "SOC", "received"] = dt.datetime(
        2024, 9, 17, 0, 1)
    submissions = pd.concat([submissions, pd.DataFrame([{
        "department": "EKO", "file": "budget.xlsx", "folder": "EKO",
        "received": dt.datetime(2024, 9, 15, 10), "saved_at": pd.NaT, "sha256": "ef" * 32,
        "state": "Ej godkänd", "counts": False, "errors": 3, "warnings": 1}])],
        ignore_index=True)
    path = tmp_path / "states.xlsx"
    write_workbook(path, partial.register, partial.merged, submissions, partial.issues,
                   as_of=AS_OF)
    sheet = openpyxl.load_workbook(path)["Sammanfattning"]
    named = names(partial.register)
    rows = {r["Avdelning"]: r for r in table(sheet, "Avdelning", column=4)}
    assert rows[named["UTB"]]["I tid"] == "Ja"
    assert rows[named["SOC"]]["I tid"] == "Nej"
    eko = rows[named["EKO"]]
    assert (eko["Inlämning"], eko["Fil"]) == ("Ej godkänd", "budget.xlsx")
    assert "3 fel" in eko["Anmärkning"]
    assert f"Ej godkänd (ingen godkänd fil): {named['EKO']}." in lines_after_table(
        sheet, "Avdelning", column=4)


def test_a_department_accepted_with_remarks_says_how_many_and_where(partial, tmp_path):
    """Godkänd med anmärkningar alone leaves the committee guessing; the row says how many
    remarks there are and where to read them."""
    submissions = partial.submissions.copy()
    state = "Godkänd med anmärkningar"
    for code, count in (("STAB", 2), ("UTB", 1)):
        chosen = (submissions["department"] == code) & submissions["counts"].astype(bool)
        submissions.loc[chosen, ["state", "warnings"]] = [state, count]
    path = tmp_path / "remarks.xlsx"
    write_workbook(path, partial.register, partial.merged, submissions, partial.issues,
                   as_of=AS_OF)
    named = names(partial.register)
    rows = {r["Avdelning"]: r for r in table(openpyxl.load_workbook(path)["Sammanfattning"],
                                             "Avdelning", column=4)}
    assert rows[named["STAB"]]["Inlämning"] == state
    assert rows[named["STAB"]]["Anmärkning"] == "2 anmärkningar, se fliken Datakvalitet."
    assert rows[named["UTB"]]["Anmärkning"] == "1 anmärkning, se fliken Datakvalitet."
    assert rows[named["SOC"]]["Anmärkning"] in (None, "")


# --- Måluppföljning ---------------------------------------------------------------------------

def test_one_row_per_goal_with_assessment_suggestion_analysis_and_counts(partial):
    rows = header_table(partial.book["Måluppföljning"])
    goals = partial.merged.goals
    assert [r["KS-mål-id"] for r in rows] == list(goals["ks_id"])
    named = names(partial.register)
    council = dict(zip(partial.register.council_goals["kf_id"],
                       partial.register.council_goals["title"], strict=True))
    for row, goal in zip(rows, goals.to_dict("records"), strict=True):
        assert row["KF-mål-id"] == goal["kf_id"]
        assert row["KF-mål"] == council[goal["kf_id"]]
        assert row["KS-mål"] == goal["title"] and row["Målområde"] == goal["area"]
        assert row["Målägare"] == named[goal["owner"]]
        if isinstance(goal["assessment"], str):
            assert row["Bedömning"] == f"{SYMBOL[goal['assessment']]} {goal['assessment']}"
            assert row["Analys"] == (goal["analysis"] or None)
        else:
            # "Ej bedömd", as Sammanfattning and the report count it; the remark says why
            assert row["Bedömning"] == "Ej bedömd" and goal["owner"] == "EKO"
            assert f"{named['EKO']} har inte lämnat" in row["Anmärkning"]
        suggestion = goal["suggestion"]
        assert row["Förslag"] == (f"{SYMBOL[suggestion]} {suggestion}"
                                  if isinstance(suggestion, str) else None)
        linked = partial.merged.activities[partial.merged.activities["ks_ids"].map(
            lambda ids, ks=goal["ks_id"]: ks in ids)]
        assert row["Antal aktiviteter"] == len(linked)
        for status in STATUS_NAMES:
            assert row[status] == (linked["status"] == status).sum(), (goal["ks_id"], status)
        assert row["Ej rapporterade"] == linked["status"].isna().sum()
        flagged = "avviker två steg eller mer" in (row["Anmärkning"] or "")
        assert flagged == bool(goal["disagreement"])


def test_a_large_disagreement_is_flagged_and_the_owners_assessment_kept(partial, tmp_path):
    merged = partial.merged
    goals = merged.goals.copy()
    first = goals.index[goals["assessment"].notna()][0]
    goals.loc[first, ["assessment", "suggestion", "disagreement"]] = [
        "Ej uppfyllt", "Uppfyllt", True]
    changed = Merged(merged.period, goals, merged.activities, merged.sick_leave, merged.budget)
    path = tmp_path / "flag.xlsx"
    write_workbook(path, partial.register, changed, partial.submissions, partial.issues,
                   as_of=AS_OF)
    row = header_table(openpyxl.load_workbook(path)["Måluppföljning"])[first]
    assert row["Bedömning"] == "○ Ej uppfyllt" and row["Förslag"] == "● Uppfyllt"
    assert "avviker två steg eller mer från förslaget" in row["Anmärkning"]


@pytest.mark.parametrize("case", ["complete", "partial"])
def test_the_sick_leave_goal_shows_the_computed_indicator(case, request):
    book = request.getfixturevalue(case).book
    rows = {r["KS-mål-id"]: r for r in header_table(book["Måluppföljning"])}
    sick = request.getfixturevalue(case).merged.sick_leave
    share = sick["sick_hours"].sum() / sick["ordinary_hours"].sum()
    shown = half_up(share * 100, 1)
    change = half_up(shown - 9.11, 1)
    expected = {
        "complete": f"Sjukfrånvaro {swedish(shown, 1)} % mot 9,11 % 2023-09-30: "
                    f"{'+' if change > 0 else '±' if change == 0 else ''}{swedish(change, 1)} "
                    f"procentenheter",
        # EKO has not reported: the organ's figure is no comparison with the baseline
        "partial": f"Sjukfrånvaro {swedish(shown, 1)} % för 4 av 5 avdelningar; jämförs med "
                   f"basvärdet när alla har rapporterat"}[case]
    assert rows["4.1"]["KS-mål"] == "Sjukfrånvaron ska minska"
    assert expected in rows["4.1"]["Anmärkning"]
    assert all("Sjukfrånvaro" not in (r["Anmärkning"] or "") for k, r in rows.items()
               if k != "4.1")


@pytest.mark.parametrize(("assessment", "sick_share", "told"), [
    ("Uppfyllt", 0.12, True),  # 12 % against the baseline's 9,11 %: a rise
    ("Uppfyllt", 0.05, False),  # a fall: the assessment fits
    ("Delvis uppfyllt", 0.12, False),  # not met: nothing contradicts
])
def test_the_sick_leave_goal_met_while_sick_leave_rose_is_told(complete, tmp_path, assessment,
                                                               sick_share, told):
    """The 2023 report's case: "Sjukfrånvaron ska minska" assessed Uppfyllt while the
    organ's sick leave rose above the baseline. The committee reads it under the goal, in the
    workbook and in the report; the owner's assessment is kept."""
    from docx import Document

    from pipeline.publish.report import write_report

    merged = complete.merged
    goals = merged.goals.copy()
    goals.loc[goals["ks_id"] == "4.1", "assessment"] = assessment
    sick = merged.sick_leave.copy()
    sick["sick_hours"] = sick["ordinary_hours"] * sick_share
    changed = Merged(merged.period, goals, merged.activities, sick, merged.budget)
    book_path, report_path = tmp_path / "s.xlsx", tmp_path / "r.docx"
    write_workbook(book_path, complete.register, changed, complete.submissions,
                   complete.issues, as_of=AS_OF)
    write_report(report_path, complete.register, changed, as_of=AS_OF)
    sentence = "Målet bedöms uppfyllt, men sjukfrånvaron har ökat jämfört med basvärdet."
    rows = {r["KS-mål-id"]: r for r in header_table(openpyxl.load_workbook(book_path)[
        "Måluppföljning"])}
    assert rows["4.1"]["Bedömning"].endswith(assessment)
    assert (sentence in rows["4.1"]["Anmärkning"]) is told
    assert not any(sentence in (r["Anmärkning"] or "") for k, r in rows.items() if k != "4.1")
    paragraphs = [p.text for p in Document(str(report_path)).paragraphs]
    start = paragraphs.index("4.1 Sjukfrånvaron ska minska")
    under_goal = paragraphs[start:start + 6]
    assert any(t.startswith("Nyckeltalet: ") for t in under_goal)
    assert any(t.startswith(sentence) for t in under_goal) is told
    assert sum(t.startswith(sentence) for t in paragraphs) == int(told)


# --- Aktiviteter ------------------------------------------------------------------------------

def test_one_row_per_activity_and_department_with_flags(partial):
    rows = header_table(partial.book["Aktiviteter"])
    acts = partial.merged.activities
    assert len(rows) == len(acts)
    named = names(partial.register)
    seen_flags = set()
    for row, act in zip(rows, acts.to_dict("records"), strict=True):
        assert row["Aktivitets-id"] == act["activity_id"]
        assert row["KS-mål-id"] == "; ".join(act["ks_ids"])
        assert row["Aktivitet"] == act["title"]
        assert row["Avdelning"] == named[act["department"]]
        assert row["Startdatum"].date() == act["start"]
        assert row["Slutdatum"].date() == act["end"]
        assert row["Status"] == (act["status"] if isinstance(act["status"], str)
                                 else "Ej rapporterad")
        assert (row["Kommentar"] or "") == act["comment"]
        assert row["Föregående status"] == act["previous_status"]
        expected = [FLAG_WORDS[f] for f in act["flags"] if f in FLAG_WORDS]
        assert (row["Flaggor"] or "").split("\n") == (expected or [""])
        seen_flags |= set(act["flags"])
        end_passed = isinstance(act["status"], str) and act["end"] < dt.date(2024, 8, 31) \
            and act["status"] not in ("Avslutad enligt plan", "Avslutad med avvikelse",
                                      "Avbruten")
        assert end_passed == ("Slutdatum passerat men inte avslutad" in (row["Flaggor"] or ""))
    assert {"end_passed", "worse", "not_reported"} <= seen_flags


# --- Sjukfrånvaro -----------------------------------------------------------------------------

def sick_expectations(sick):
    """The seven figures computed here: {figure: (share or None, hidden)}."""
    groups = {"Kvinnor": sick["sex"] == "Kvinnor", "Män": sick["sex"] == "Män",
              "29 år eller yngre": sick["age_group"] == "29 år eller yngre",
              "30–49 år": sick["age_group"] == "30–49 år",
              "50 år eller äldre": sick["age_group"] == "50 år eller äldre"}
    small_unit = sick["employees"].sum() <= 10
    out = {"Total sjukfrånvaro": (sick["sick_hours"].sum() / sick["ordinary_hours"].sum(),
                                  small_unit),
           "Långtidssjukfrånvaro (60 dagar eller mer), andel": (
               sick["long_term_hours"].sum() / sick["sick_hours"].sum(), small_unit)}
    counts = {}
    for name, mask in groups.items():
        part = sick[mask]
        counts[name] = part["employees"].sum()
        out[name] = (part["sick_hours"].sum() / part["ordinary_hours"].sum(),
                     small_unit or counts[name] <= 10)
    for pair in (("Kvinnor", "Män"), ("29 år eller yngre", "30–49 år", "50 år eller äldre")):
        hidden = [n for n in pair if out[n][1]]
        shown = [n for n in pair if not out[n][1]]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=counts.get)
            out[smallest] = (out[smallest][0], True)
    return out


def test_sick_leave_sheet_has_the_seven_figures_hidden_groups_and_changes(partial):
    sheet = partial.book["Sjukfrånvaro"]
    rows = {r["Avdelning"]: r for r in header_table(sheet)}
    named = names(partial.register)
    sick = partial.merged.sick_leave
    baselines = dict(zip(partial.register.baselines["department"],
                         partial.register.baselines["sick_leave_share"], strict=True))
    previous = partial.previous.sick_leave
    units = [(named[c], sick[sick["department"] == c], c) for c in ("STAB", "UTB", "SBA",
                                                                    "SOC")]
    units.append(("Kommunstyrelsen", sick, "TOTALT"))
    for name, part, code in units:
        row = rows[name]
        for figure, (value, hidden) in sick_expectations(part).items():
            if hidden:
                assert row[figure] == "–", (name, figure)
            else:
                assert row[figure] == pytest.approx(value, abs=5e-4), (name, figure)
        total = half_up(part["sick_hours"].sum() / part["ordinary_hours"].sum() * 100, 1)
        assert row["Basvärde 2023-09-30"] == pytest.approx(baselines[code])
        before = previous if code == "TOTALT" else previous[previous["department"] == code]
        before_total = half_up(before["sick_hours"].sum() / before["ordinary_hours"].sum()
                               * 100, 1)
        assert row["Föregående period 2024-T1"] == pytest.approx(before_total / 100)
        if code == "TOTALT":  # EKO has not reported: a change would be EKO's absence
            assert row["Förändring mot basvärdet, procentenheter"] is None
            assert row["Förändring mot föregående period, procentenheter"] is None
            continue
        assert row["Förändring mot basvärdet, procentenheter"] == pytest.approx(
            half_up(total - baselines[code] * 100, 1))
        assert row["Förändring mot föregående period, procentenheter"] == pytest.approx(
            half_up(total - before_total, 1))
    stab = rows[named["STAB"]]
    assert stab["Män"] == "–" and stab["Kvinnor"] == "–"  # STAB has 9 men
    assert rows[named["EKO"]]["Anmärkning"] == "Ej rapporterad"
    assert rows[named["EKO"]]["Total sjukfrånvaro"] is None
    assert rows["Kommunstyrelsen"]["Anmärkning"] == \
        "Avser 4 av 5 avdelningar. Förändringarna visas när alla har rapporterat."
    notes = [r[0] for r in grid(sheet) if r[0]]
    assert any(n.startswith("– Gruppen har 10 anställda eller färre") for n in notes)


def test_the_organs_previous_figure_is_not_shown_when_a_department_missed_that_period(
        register, complete, tmp_path):
    """2024-T2 with all five departments after a 2024-T1 without EKO: T1's figure for the
    organ would cover four departments, not the figure T1's own workbook showed; the row
    shows none, and says why. Each department's own T1 figure is still compared."""
    from dataclasses import replace

    accepted, submissions, issues = collect(register, "2024-T2", dt.date(2024, 8, 31),
                                            tmp_path, register.department_codes, seed=2)
    merged = merge(register, "2024-T2", accepted, complete.merged.activities)
    t1 = complete.merged
    without_eko = replace(t1, sick_leave=t1.sick_leave[t1.sick_leave["department"] != "EKO"])
    path = tmp_path / "sammanstallning_2024-T2.xlsx"
    write_workbook(path, register, merged, pd.DataFrame(submissions, columns=COLUMNS),
                   pd.DataFrame(issues, columns=ISSUE_COLUMNS), as_of=AS_OF,
                   previous=without_eko)
    rows = {r["Avdelning"]: r for r in header_table(openpyxl.load_workbook(path)["Sjukfrånvaro"])}
    organ = rows["Kommunstyrelsen"]
    assert organ["Föregående period 2024-T1"] is None
    assert organ["Förändring mot föregående period, procentenheter"] is None
    assert organ["Anmärkning"] == ("Alla avdelningar rapporterade inte för 2024-T1, så den "
                                   "periodens siffra för hela organet visas inte och jämförs "
                                   "inte.")
    stab = rows[names(register)["STAB"]]
    assert isinstance(stab["Föregående period 2024-T1"], float)
    assert isinstance(stab["Förändring mot föregående period, procentenheter"], int | float)


def test_shipped_example_shows_every_figure_and_the_change_against_the_baseline(complete):
    sheet = complete.book["Sjukfrånvaro"]
    rows = header_table(sheet)
    named = names(complete.register)
    assert [r["Avdelning"] for r in rows] == [named[c] for c in
                                              complete.register.department_codes] + [
        "Kommunstyrelsen"]
    figures = ["Total sjukfrånvaro", "Kvinnor", "Män", "29 år eller yngre", "30–49 år",
               "50 år eller äldre", "Långtidssjukfrånvaro (60 dagar eller mer), andel"]
    for row in rows:
        for figure in figures:
            assert row[figure] == "–" or isinstance(row[figure], float), (row, figure)
        assert isinstance(row["Förändring mot basvärdet, procentenheter"], int | float)
    organ = rows[-1]
    assert all(isinstance(organ[f], float) for f in figures)
    assert organ["Basvärde 2023-09-30"] == pytest.approx(0.0911)
    assert "Föregående period 2024-T1" not in organ  # T1 has no previous period


# --- Ekonomi ----------------------------------------------------------------------------------

def test_budget_tables_per_department_and_category_agree_both_ways(complete):
    sheet = complete.book["Ekonomi"]
    budget = complete.merged.budget
    named = names(complete.register)
    per_department = {r["Avdelning"]: r for r in table(sheet, "Avdelning")}
    per_category = {r["Kategori"]: r for r in table(sheet, "Kategori")}
    for code in complete.register.department_codes:
        lines = budget[budget["department"] == code]
        row = per_department[named[code]]
        assert row["Budget"] == pytest.approx(lines["budget"].sum())
        assert row["Utfall hittills"] == pytest.approx(lines["outcome"].sum())
        assert row["Prognos helår"] == pytest.approx(lines["forecast"].sum())
        assert row["Avvikelse"] == pytest.approx(lines["budget"].sum()
                                                 - lines["forecast"].sum())
    for category, lines in budget.groupby("category"):
        row = per_category[category]
        assert row["Budget"] == pytest.approx(lines["budget"].sum())
        assert row["Prognos helår"] == pytest.approx(lines["forecast"].sum())
    for column in ("Budget", "Utfall hittills", "Prognos helår", "Avvikelse"):
        department_total = per_department["Summa"][column]
        assert department_total == pytest.approx(per_category["Summa"][column])
        assert department_total == pytest.approx(sum(r[column] for n, r in
                                                     per_department.items() if n != "Summa"))
        assert department_total == pytest.approx(sum(r[column] for n, r in
                                                     per_category.items() if n != "Summa"))
    assert per_department["Summa"]["Budget"] == pytest.approx(707.7)  # the 2024 plan
    assert "mnkr" in grid(sheet)[1][0]


def test_budget_of_a_missing_department_is_shown_as_not_reported(partial):
    sheet = partial.book["Ekonomi"]
    named = names(partial.register)
    rows = {r["Avdelning"]: r for r in table(sheet, "Avdelning")}
    assert rows[named["EKO"]]["Budget"] == pytest.approx(14.2)
    assert rows[named["EKO"]]["Prognos helår"] is None
    assert rows[named["EKO"]]["Anmärkning"] == "Ej rapporterad"
    assert rows["Summa"]["Avvikelse"] is None
    assert named["EKO"] in rows["Summa"]["Anmärkning"]


def test_names_in_a_remark_read_as_a_swedish_sentence():
    """'Stab och Sociala avdelningen saknade prognos då', not 'Stab, Sociala avdelningen …';
    a name with a comma of its own stays whole."""
    from pipeline.labels import swedish_list
    assert swedish_list(["Stab"]) == "Stab"
    assert swedish_list(["Stab", "Social"]) == "Stab och Social"
    assert swedish_list(["Stab", "Vård, omsorg", "Social"]) == "Stab, Vård, omsorg och Social"
    assert swedish_list([]) == ""


def test_a_line_gone_from_the_register_without_a_forecast_then_says_it_had_none(partial,
                                                                                   tmp_path):
    """A budget line of the period before that the register no longer has gets a row of its
    own; when it had no forecast then, its remark says so, not that its forecast is in that
    period's sums."""
    register, merged = partial.register, partial.merged
    before = partial.previous.budget
    taken = set(zip(before["department"], before["category"], strict=True))
    category = next(c for c in BUDGET_CATEGORIES if ("STAB", c) not in taken)
    extra = before[before["department"] == "STAB"].head(1).assign(
        category=category, forecast=float("nan"))
    previous = dataclasses.replace(partial.previous,
                                   budget=pd.concat([before, extra], ignore_index=True))
    path = tmp_path / "sammanstallning_2024-T2.xlsx"
    write_workbook(path, register, merged, partial.submissions, partial.issues, as_of=AS_OF,
                   previous=previous)
    rows = table(openpyxl.load_workbook(path)["Ekonomi"], "Avdelning och kategori")
    gone = next(r for r in rows if r["Avdelning och kategori"] == category)
    assert gone["Kommentar"] == "Finns inte längre i registret. Ingen prognos för 2024-T1."


def test_a_forecast_without_one_then_is_blank_and_says_why(partial, tmp_path):
    """T2 against T1: a department that did not report then, and a category a department had
    no forecast for then, leave their forecast of then and its change blank, with a remark;
    a total that covers them has no sum of then (like with like), and says who lacked one."""
    register, merged = partial.register, partial.merged
    before = partial.previous.budget.copy()
    before.loc[before["department"] == "SBA", "forecast"] = float("nan")  # SBA silent then
    stab = before.index[before["department"] == "STAB"]
    before.loc[stab[1], "forecast"] = float("nan")  # STAB's second category new since
    previous = dataclasses.replace(partial.previous, budget=before)
    path = tmp_path / "sammanstallning_2024-T2.xlsx"
    write_workbook(path, register, merged, partial.submissions, partial.issues, as_of=AS_OF,
                   previous=previous)
    sheet = openpyxl.load_workbook(path)["Ekonomi"]
    named = names(register)
    then, change = "Prognos helår 2024-T1", "Förändring av prognosen sedan 2024-T1"
    rows = {r["Avdelning"]: r for r in table(sheet, "Avdelning")}
    new_category = before.loc[stab[1], "category"]
    assert rows[named["STAB"]][then] is None and rows[named["STAB"]][change] is None
    assert rows[named["STAB"]]["Anmärkning"] == f"Ingen prognos för {new_category} för 2024-T1."
    assert rows[named["SBA"]][then] is None
    assert rows[named["SBA"]]["Anmärkning"] == "Ingen prognos för 2024-T1."
    utb = merged.budget[merged.budget["department"] == "UTB"]
    was = partial.previous.budget.loc[partial.previous.budget["department"] == "UTB",
                                      "forecast"].sum()
    assert rows[named["UTB"]][then] == pytest.approx(round(was, 1))
    assert rows[named["UTB"]][change] == pytest.approx(round(utb["forecast"].sum(), 1)
                                                       - round(was, 1))
    assert rows["Summa"][then] is None and rows["Summa"][change] is None
    assert rows["Summa"]["Anmärkning"].endswith(
        f"Ingen summa för 2024-T1: {named['STAB']} och {named['SBA']} saknade prognos då.")
    lines = grid(sheet)
    stab_row = next(row for row in lines if row[0] == named["STAB"] and row[7] is not None
                    and "Ingen prognos" in str(row[7]))
    assert stab_row  # the line table's department row says it too
    assert any(str(line[0]).startswith("Prognos helår 2024-T1: prognosen i de godkända")
               for line in lines[:6])


# --- Inlämningar and Datakvalitet -------------------------------------------------------------

def test_submissions_sheet_lists_every_file(partial):
    rows = header_table(partial.book["Inlämningar"])
    subs = partial.submissions
    assert len(rows) == len(subs)
    by_file = {r["Fil"]: r for r in rows}
    for sub in subs.to_dict("records"):
        row = by_file[sub["file"]]
        assert row["Utfall"] == sub["state"]
        assert row["Räknas"] == ("Ja" if sub["counts"] else "Nej")
        assert row["Kontrollsumma (SHA-256)"] == sub["sha256"]
        assert row["Mottagen"] == sub["received"]
        assert row["Fel"] == sub["errors"] and row["Anmärkningar"] == sub["warnings"]
    assert by_file["protokoll.pdf"]["Avdelning"] == "Okänd"
    assert rows[-1]["Fil"] == "protokoll.pdf"  # unknown senders last


def test_data_quality_sheet_lists_every_problem_errors_first(partial):
    rows = header_table(partial.book["Datakvalitet"])
    issues = partial.issues
    assert len(rows) == len(issues)
    assert sorted(r["Meddelande"] for r in rows) == sorted(issues["message"])
    sba = [r for r in rows if r["Fil"] == "SBA ny version.xlsx"][0]
    assert (sba["Allvarlighet"], sba["Flik"], sba["Cell"]) == ("Fel", "Aktiviteter", "H12")


def test_empty_submissions_and_issues_still_give_a_workbook(complete, tmp_path):
    path = tmp_path / "empty.xlsx"
    write_workbook(path, complete.register, complete.merged,
                   pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=ISSUE_COLUMNS),
                   as_of=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    book = openpyxl.load_workbook(path)
    assert grid(book["Datakvalitet"])[1][0] == "Inga fel eller anmärkningar."
    assert book.properties.created == dt.datetime(2024, 5, 1, 2, 0)  # Swedish summer time


def test_a_night_before_any_file_has_arrived(register, tmp_path):
    merged = merge(register, "2024-T2", {})
    path = tmp_path / "empty.xlsx"
    write_workbook(path, register, merged, pd.DataFrame(columns=COLUMNS),
                   pd.DataFrame(columns=ISSUE_COLUMNS),
                   as_of=dt.datetime(2024, 9, 1, 0, 30, tzinfo=dt.UTC))
    book = openpyxl.load_workbook(path)
    text = [row[0] for row in grid(book["Sammanfattning"])]
    assert f"Av de totalt {len(merged.goals)} målen har inget bedömts ännu." in text
    departments = table(book["Sammanfattning"], "Avdelning", column=4)
    assert {r["Inlämning"] for r in departments[:5]} == {"Saknas"}
    assert "Sista inlämningsdag är 2024-09-16." in departments[0]["Anmärkning"]
    goals = {r["KS-mål-id"]: r for r in header_table(book["Måluppföljning"])}
    assert "Sjukfrånvaro: inga godkända uppgifter ännu" in goals["4.1"]["Anmärkning"]
    assert {r["Bedömning"] for r in goals.values()} == {"Ej bedömd"}
    sick = header_table(book["Sjukfrånvaro"])
    assert {r["Anmärkning"] for r in sick} == {"Ej rapporterad"}
    budget = {r["Avdelning"]: r for r in table(book["Ekonomi"], "Avdelning")}
    assert budget["Summa"]["Budget"] == pytest.approx(707.7)
    assert budget["Summa"]["Prognos helår"] is None
    assert book.properties.created == dt.datetime(2024, 9, 1, 2, 30)


# --- the 2023 annual report, replayed ----------------------------------------------------------

def test_replaying_2023_gives_the_reports_headline_and_assessments(tmp_path):
    register, merged = replay_merged(tmp_path)
    path = tmp_path / "sammanstallning_2023-T3.xlsx"
    write_workbook(path, register, merged, pd.DataFrame(columns=COLUMNS),
                   pd.DataFrame(columns=ISSUE_COLUMNS), as_of=dt.datetime(2024, 1, 20, 2))
    book = openpyxl.load_workbook(path)
    text = [row[0] for row in grid(book["Sammanfattning"])]
    assert ("Av de totalt 21 målen är 14 uppfyllda eller delvis uppfyllda och 7 knappt eller "
            "ej uppfyllda.") in text
    with open(SEED / "ks_goals.csv", encoding="utf-8", newline="") as handle:
        report = {r["ks_id"]: r for r in csv.DictReader(handle)}
    rows = header_table(book["Måluppföljning"])
    assert [r["KS-mål-id"] for r in rows] == list(report)
    for row in rows:
        expected = report[row["KS-mål-id"]]
        assert re.sub(r"^\S+ ", "", row["Bedömning"]) == expected["assessment"]
        assert (row["Analys"] or "") == expected["analysis"]
    statuses = {r["Status"]: r["Antal"] for r in table(book["Sammanfattning"], "Status")}
    assert statuses["Avslutad enligt plan"] == 48 and statuses["Summa"] == 87


# --- LibreOffice ------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_workbook_opens_in_libreoffice(partial, tmp_path):
    [pdf] = to_pdf(partial.path, tmp_path)
    assert pdf.exists()
    content = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", content))
    assert pages >= len(SHEETS)
    assert io.BytesIO(content).read(5) == b"%PDF-"


@pytest.mark.libreoffice
def test_printed_department_names_are_not_broken_inside_a_word(partial, tmp_path):
    """Måluppföljning, Aktiviteter, Inlämningar and Datakvalitet print the department in 9 pt:
    its column fits the longest word of a name, so "Samhällsbyggnadsavdelningen" is not
    printed as "Samhällsbyggnadsavdelni" over "ngen"; and Inlämningar's "Anmärkningar" header
    is one word too."""
    [pdf] = to_pdf(partial.path, tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    long_words = {word for name in names(partial.register).values() for word in name.split()
                  if len(word) > 20}
    assert long_words  # Samhällsbyggnadsavdelningen
    for word in long_words:
        printed = re.findall(re.escape(word[:-5]) + r"\S*", text)
        assert len(printed) >= 4, word  # at least once on each of the four sheets
        assert set(printed) == {word}
    assert "Anmärknin\n" not in text


@pytest.mark.libreoffice
def test_the_goals_per_area_print_whole_on_sammanfattnings_one_page(partial, tmp_path):
    """The table of goals per goal area goes under the tables and charts, across the sheet:
    Sammanfattning still prints on one page, every area and header word whole (the partial
    night has goals not assessed, so the table has its widest form, with Ej bedömd)."""
    [pdf] = to_pdf(partial.path, tmp_path)
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Mål per målområde" in page
    for text in ("Barn och unga", "Vuxna", "Äldre 65+", "Tillväxt", "God ekonomisk hushållning",
                 "Ej bedömd", "Summa"):
        assert text in page, text
    # a header cut off in a narrow column ("◑ Kna"), or broken inside a word
    cut = [token for token in page.split() for word in ("Uppfyllt", "Delvis", "Knappt",
                                                        "uppfyllt", "bedömd")
           if 2 <= len(token) < len(word) and word.startswith(token)]
    assert not cut, cut
    assert "Bedömningarna och analyserna är målägarnas egna" in page  # the note, last
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert "Mål per målområde" not in second and "Måluppföljning" in second


def test_sick_leave_says_why_there_is_no_comparison_with_the_previous_period(partial, complete,
                                                                             tmp_path):
    """2024-T2 without an accepted 2024-T1 report: no columns for T1, and a note that says
    why; 2024-T1, the register's first period, has nothing before it and says nothing."""
    path = tmp_path / "utan_t1.xlsx"
    write_workbook(path, partial.register, partial.merged, partial.submissions, partial.issues,
                   as_of=AS_OF, previous=None)
    without = openpyxl.load_workbook(path)["Sjukfrånvaro"]
    assert not any(str(h).startswith("Föregående period") for h in grid(without)[0] if h)
    note = ("Ingen jämförelse med föregående period (2024-T1): det finns ingen godkänd rapport "
            "från den perioden.")
    assert note in [r[0] for r in grid(without)]
    assert not any("föregående period" in str(r[0]) for r in grid(complete.book["Sjukfrånvaro"])
                   if r[0])
    assert not any(str(r[0]).startswith("Ingen jämförelse") for r in
                   grid(partial.book["Sjukfrånvaro"]) if r[0])


def test_an_empty_previous_status_column_says_why(partial, complete, tmp_path):
    """2024-T2 without an accepted 2024-T1 report: Aktiviteter's Föregående status is empty on
    every row, and a note under the table says why (the committee took it for a fault)."""
    path = tmp_path / "utan_t1.xlsx"
    write_workbook(path, partial.register, partial.merged, partial.submissions, partial.issues,
                   as_of=AS_OF, previous=None)
    note = ("Föregående status är tom: det finns ingen godkänd rapport från föregående period "
            "(2024-T1).")
    assert note in [r[0] for r in grid(openpyxl.load_workbook(path)["Aktiviteter"])]
    for case in (partial, complete):  # T1 reported; T1 has nothing before it
        assert not any(str(r[0]).startswith("Föregående status är tom")
                       for r in grid(case.book["Aktiviteter"]) if r[0])


def test_a_bold_summa_remark_that_wraps_gets_the_lines_it_needs(complete, tmp_path):
    """2024-T2 with all five, SOC silent in 2024-T1: the Summa rows' bold remark "Ingen summa
    för 2024-T1: Sociala avdelningen saknade prognos då." fits one line of running text but
    not of bold; its row was one line high, and "då." was cut off on screen and on paper."""
    register = complete.register
    before = complete.merged.budget.copy()
    before.loc[before["department"] == "SOC", "forecast"] = float("nan")
    merged = dataclasses.replace(complete.merged, period="2024-T2")
    previous = dataclasses.replace(complete.merged, budget=before)
    path = tmp_path / "sammanstallning_2024-T2.xlsx"
    write_workbook(path, register, merged, complete.submissions, complete.issues, as_of=AS_OF,
                   previous=previous)
    sheet = openpyxl.load_workbook(path)["Ekonomi"]
    said = f"Ingen summa för 2024-T1: {names(register)['SOC']} saknade prognos då."
    summa = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Summa"]
    assert len(summa) == 2  # per department, per category
    for r in summa:
        assert sheet.cell(r, 8).value == said
        assert sheet.row_dimensions[r].height >= 2 * LINE_HEIGHT


def test_a_department_without_a_budget_line_is_not_shown_as_not_reported(complete, tmp_path):
    """The register gives EKO no budget line (a unit budgeted elsewhere), which it accepts:
    Ekonomi's table per department gave EKO a row with budget 0, "Ej rapporterad" beside its
    accepted report and, against 2024-T1, "Ingen prognos för 2024-T1." It has no row, as a
    category without lines has none; the totals are the other four's."""
    register = register_budgeting(tmp_path, ("STAB", "SBA", "UTB", "SOC"))
    budget = complete.merged.budget[complete.merged.budget["department"] != "EKO"]
    merged = dataclasses.replace(complete.merged, period="2024-T2", budget=budget)
    previous = dataclasses.replace(complete.merged, budget=budget)
    out = tmp_path / "sammanstallning_2024-T2.xlsx"
    write_workbook(out, register, merged, complete.submissions, complete.issues, as_of=AS_OF,
                   previous=previous)
    rows = {r["Avdelning"]: r for r in table(openpyxl.load_workbook(out)["Ekonomi"],
                                             "Avdelning")}
    named = names(register)
    assert named["EKO"] not in rows
    assert list(rows) == [named[c] for c in ("STAB", "UTB", "SBA", "SOC")] + ["Summa"]
    assert rows["Summa"]["Budget"] == pytest.approx(707.7 - 14.2)
    assert rows["Summa"]["Förändring av prognosen sedan 2024-T1"] == pytest.approx(0)
    assert not any(r["Anmärkning"] for r in rows.values())
