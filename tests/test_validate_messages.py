"""What a department reads about its own file: the findings of the user-acceptance review.

Each test changes a few cells of Stab's filled template (2024-T2, amounts in mnkr) and
checks the verdict and the words a department would read.
"""

from __future__ import annotations

import pytest

from pipeline.intake import parse_submission
from pipeline.validate import validate
from tests import corpus


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return corpus.make_valid(tmp_path_factory.mktemp("valid")).read_bytes()


@pytest.fixture
def check(valid, register):
    def run(changes: dict[str, dict[str, object]], **kwargs):
        content = valid
        for sheet, values in changes.items():
            content = corpus.cells(content, sheet, values)
        report, _ = validate(parse_submission(content, name="STAB.xlsx"), register,
                             corpus.PERIOD, **kwargs)
        return report

    return run


def issues_of(report, code):
    return [i for i in report.issues if i.code == code]


# --- numbers in messages are written the Swedish way ------------------------------------------

def test_hours_in_a_message_have_a_space_between_thousands(check):
    report = check({"Sjukfrånvaro": {"D2": 7365, "E2": 12345.5}})
    [issue] = issues_of(report, "sick_exceeds_ordinary")
    assert "(12 345,5 timmar)" in issue.message
    assert "(7 365 timmar, Sjukfrånvaro!D2)" in issue.message


def test_a_computed_percentage_has_a_space_between_thousands(check):
    # Tillväxt's budget is 28,6 mnkr: a forecast of 600 is 2 000 % off (a warning still)
    report = check({"Ekonomi": {"D5": 600}})
    [issue] = issues_of(report, "forecast_far_from_budget")
    assert "1 998 %" in issue.message and "600 mnkr" in issue.message


# --- sick leave typed as percentages -----------------------------------------------------------

def test_a_percentage_in_an_hours_column_is_told_to_be_hours(check):
    report = check({"Sjukfrånvaro": {"E2": "7,9 %"}})
    [issue] = issues_of(report, "hours_percent")
    assert not report.accepted and issue.cell == "E2"
    assert "Sjukfrånvaro (timmar) är antal timmar, inte en andel i procent" in issue.message
    assert "Skriv antal timmar" in issue.message and "utan procenttecken" not in issue.message


def test_sick_leave_typed_as_percentages_without_the_sign_is_remarked(check):
    typed = {"E2": 7.9, "E3": "4,2", "E4": 6.1, "E5": 3, "E6": 5.5, "E7": 8,
             "F2": 1, "F3": 1, "F4": 1, "F5": 1, "F6": 1, "F7": 1}
    report = check({"Sjukfrånvaro": typed})
    assert report.accepted
    [issue] = issues_of(report, "sick_hours_like_percent")
    assert not issue.is_error and issue.cell == "E2"
    # 34,7 hours of 60 494 ordinary hours
    assert "sammanlagt 34,7 timmar, 0,06 % av den ordinarie arbetstiden (60 494 timmar)" \
        in issue.message
    assert "skrivits i procent i stället för i timmar" in issue.message


def test_real_sick_hours_and_none_at_all_are_not_remarked(check):
    assert not issues_of(check({}), "sick_hours_like_percent")
    no_sick_leave = {f"{c}{r}": 0 for c in "EF" for r in range(2, 8)}
    assert check({"Sjukfrånvaro": no_sick_leave}).issues == []
