"""Rules of 0.5.0–0.6.0 at their edges, found unguarded by a mutation audit of the suite (round
13): each test pins what a controller, a reader of the memo or report, or a masked comment
shows on either side of a rule (a remark or none, a number masked or left, a word chosen).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil

import openpyxl
import pytest
from docx import Document

from pipeline.config import check_period
from pipeline.errors import RegisterError
from pipeline.identity import IdentityKind, find_identity_numbers, mask_identity_numbers
from pipeline.kept_registers import wrong
from pipeline.merge import Flag, merge
from pipeline.publish.report import write_report
from pipeline.publish.report.memo import build_memo
from pipeline.publish.report.text import area_sentences
from pipeline.register import read_register
from tests import test_report
from tests.conftest import EXAMPLE_REGISTER, as_read, register_budgeting
from tests.test_identity import identity
from tests.test_report import area

PNR = identity(dt.date(1985, 3, 12), 123, form="YYMMDDNNNN")
# the 2024 example for T2 with every department but SOC reported (test_report's fixtures)
example_accepted = test_report.example_accepted
example = test_report.example


# --- identity: an account's label, a number wrapped at its hyphen -----------------------------

@pytest.mark.parametrize("label", ["Konto", "Kontot", "Kontonr", "Kontonummer:", "Bg",
                                   "PG", "Bankgiro", "Plusgiro nr"])
def test_six_and_four_after_each_account_label_are_left_as_an_account(label):
    """"Kontot 850312 1231": six digits, a space and four after an account's label are an
    account in the books (or a code string), whichever of the labels it is; the same digits in
    a row after it are a personkonto and masked."""
    spaced = f"{label} {PNR[:6]} {PNR[6:]} är bokfört."
    assert find_identity_numbers(spaced) == []
    assert mask_identity_numbers(spaced) == spaced
    assert mask_identity_numbers(f"{label} {PNR} är bokfört.") == \
        f"{label} [personnummer borttaget] är bokfört."


@pytest.mark.parametrize("broken", ["{a}-\n {b}", "{a} -\r\n\u00a0{b}", "{a}-\n\u202f{b}"])
def test_a_number_wrapped_at_its_hyphen_with_the_next_line_indented_is_masked(broken):
    """A cell broken after the hyphen with Alt+Enter and the rest typed after a space, or a
    PDF's next line that begins with one: the number is still found and masked whole."""
    text = "Gäller Anna S, " + broken.format(a=PNR[:6], b=PNR[6:]) + ", från mars."
    assert [n.kind for n in find_identity_numbers(text)] == [IdentityKind.PERSONAL]
    assert mask_identity_numbers(text) == "Gäller Anna S, [personnummer borttaget], från mars."


# --- register: Vision and Fokusområden --------------------------------------------------------

@pytest.mark.parametrize("typed", ["Hållbar vardag; Hållbar hälsa;",
                                   "; Hållbar vardag; Hållbar hälsa",
                                   ";Hållbar vardag;Hållbar hälsa;;"])
def test_a_semicolon_at_either_end_of_the_focus_areas_is_no_remark(register_copy, typed):
    """A list typed with a ";" after the last name (or before the first) is read as meant and
    the controller is not told of an empty name that is not there."""
    read = read_register(register_copy[1]({("Inställningar", "B7"): typed}))
    assert read.settings.focus_areas == ("Hållbar vardag", "Hållbar hälsa")
    assert read.remarks == ()


def test_an_empty_vision_is_told_to_the_controller_not_the_committee(register_copy):
    """Vision left without a value: the controller is told the memo goes without it; the
    report's Datakvalitet, which the committee reads, does not list it."""
    read = read_register(register_copy[1]({("Inställningar", "B6"): None}))
    assert [r.code for r in read.remarks] == ["register_setting_empty"]
    assert read.committee_remarks == []


def test_a_vision_of_indented_lines_is_a_paragraph_a_line_in_the_memo(register_copy, register):
    """A vision typed on two lines of the cell (Alt+Enter), the second indented with spaces:
    two paragraphs under "Ånge kommuns vision", each as typed but for the indent."""
    read = read_register(register_copy[1]({
        ("Inställningar", "B6"): "Vi är en plats för alla.\n    Här ger näring kraft."}))
    assert read.settings.vision == "Vi är en plats för alla.\nHär ger näring kraft."
    memo = Document(io.BytesIO(build_memo(read, merge(read, "2024-T2", {}),
                                          as_of=dt.datetime(2024, 9, 20, 2, 0))))
    said = [p.text for p in memo.paragraphs if p.text]
    start = said.index("Ånge kommuns vision")
    assert said[start + 1:start + 4] == ["Vi är en plats för alla.", "Här ger näring kraft.",
                                         "Fokusområde Hållbar vardag"]


# --- memo: late activities among those reported ----------------------------------------------

def test_with_a_department_missing_and_none_late_the_memo_counts_those_reported(example):
    """SOC has not reported and no reported activity is late: "Ingen av de 69 rapporterade
    aktiviteterna …", not the 96 of the register, 27 of which have no status."""
    register, merged = example
    activities = merged.activities.assign(flags=merged.activities["flags"].map(
        lambda flags: tuple(f for f in flags if f != Flag.END_PASSED)))
    reported = int((~activities["flags"].map(lambda f: Flag.NOT_REPORTED in f)).sum())
    assert (reported, len(activities)) == (69, 96)
    memo = Document(io.BytesIO(build_memo(
        register, dataclasses.replace(merged, activities=activities),
        as_of=dt.datetime(2024, 9, 20, 2, 0))))
    said = [p.text for p in memo.paragraphs]
    assert "Ingen av de 69 rapporterade aktiviteterna har passerat sitt slutdatum utan att " \
           "vara avslutad." in said


# --- report: goal areas not assessed, one budgeted department --------------------------------

@pytest.mark.parametrize(("rows", "expected"), [
    # one area not assessed, of three goals: "inget mål", not "målet"
    ([area("Barn och unga", 1, 2), area("Äldre 65+", unassessed=3)],
     "Inom målområdet Äldre 65+ är inget mål bedömt."),
    # two areas, the first of one goal: still "inget mål" of both
    ([area("Barn och unga", 1, 2), area("Tillväxt", unassessed=1),
      area("Äldre 65+", unassessed=3)],
     "Inom målområdena Tillväxt och Äldre 65+ är inget mål bedömt."),
])
def test_målet_inte_bedömt_only_of_one_area_with_one_goal(rows, expected):
    assert area_sentences(rows)[-1] == expected


def test_one_budgeted_department_without_a_forecast_then_is_named_not_counted(example,
                                                                             tmp_path):
    """Only Stab has budget lines in the register and had no forecast in 2024-T1: the
    sentence names Stab, not "ingen av de en avdelningarna"."""
    register = register_budgeting(tmp_path, ("STAB",))
    _, merged = example
    budget = merged.budget[merged.budget["department"] == "STAB"]
    merged = dataclasses.replace(merged, budget=budget)
    earlier = dataclasses.replace(merged, period="2024-T1",
                                  budget=budget.assign(forecast=float("nan")))
    out = tmp_path / "rapport.docx"
    write_report(out, register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0), previous=earlier)
    said = " ".join(as_read(p.text) for p in Document(str(out)).paragraphs)
    assert "Stab hade ingen prognos då" in said, said
    assert "ingen av de en" not in said
    # Stab is every department with a budget: the period's sum is not one of only some
    assert "omfattar inte alla" not in said


# --- a kept register refused today: its errors as told ---------------------------------------

@pytest.fixture(scope="module")
def seven_errors(tmp_path_factory):
    """A register whose Budget is "mycket" on Ekonomi's rows 2–8: seven errors."""
    path = tmp_path_factory.mktemp("refused") / "register.xlsx"
    shutil.copy(EXAMPLE_REGISTER, path)
    book = openpyxl.load_workbook(path)
    for r in range(2, 9):
        book["Ekonomi"].cell(r, 3).value = "mycket"
    book.save(path)
    with pytest.raises(RegisterError) as refused:
        read_register(path)
    assert len(refused.value.issues) == 7
    return refused.value


def budget_error(row: int) -> str:
    return (f'Fliken "Ekonomi", rad {row}, kolumn "Budget" (C{row}): "mycket" i kolumnen '
            "Budget är inte ett tal. Skriv bara siffror, t.ex. 81,7.")


@pytest.mark.parametrize(("count", "told"), [
    (1, "Felet i det arkiverade registret: {2}"),
    (2, "Felen i det arkiverade registret: {2} {3}"),
    (5, "Felen i det arkiverade registret: {2} {3} {4} {5} {6}"),
    (6, "Felen i det arkiverade registret: {2} {3} {4} {5} {6} … och 1 fel till."),
    (7, "Felen i det arkiverade registret: {2} {3} {4} {5} {6} … och 2 fel till."),
])
def test_a_refused_kept_registers_errors_are_told_five_at_most(seven_errors, count, told):
    """"Felet" of one, "Felen" of more; the first five by sheet, row and column, the rest
    counted."""
    refused = RegisterError(seven_errors.path, seven_errors.issues[:count])
    assert wrong(refused) == told.format(*(budget_error(r) if r >= 2 else "" for r in
                                           range(9)))


# --- config: a period copied with a dash -----------------------------------------------------

@pytest.mark.parametrize("dash", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"])
def test_a_period_with_any_dash_a_document_gives_is_read_as_the_code(dash):
    """The hyphen (U+2010) and figure dash (U+2012) of a typeset text, and an em dash, are
    read as the code as the non-breaking hyphen, the en dash and the minus are."""
    assert check_period(f"2024{dash}T2") == "2024-T2"
