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
    report = check({"Ekonomi": {"D5": 600, "F5": None}})
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


# --- amounts in another unit than the register's (mnkr) ---------------------------------------

@pytest.mark.parametrize(("typed", "unit", "instead"), [
    ("176 000 tkr", "tkr", "Skriv 176 i stället (mnkr, utan enhet)"),
    ("268 500 000 kr", "kr", "Skriv 268,5 i stället"),
    ("9 500 000:-", "kr", "Skriv 9,5 i stället"),
])
def test_an_amount_typed_in_another_unit_is_refused_with_the_figure_to_type(check, typed, unit,
                                                                          instead):
    report = check({"Ekonomi": {"C2": typed}})
    assert not report.accepted
    [issue] = issues_of(report, "amount_wrong_unit")
    assert issue.cell == "C2"
    assert f'"{typed}" i Ekonomi!C2 är ett belopp i {unit}, men beloppen' in issue.message
    assert "ska anges i mnkr" in issue.message and instead in issue.message
    assert not issues_of(report, "outcome_far_above_budget")


@pytest.mark.parametrize("typed", ["8,6 mnkr", "8,6 Mkr", "8,6 milj. kr"])
def test_an_amount_typed_in_the_registers_unit_is_read_with_a_remark(check, typed):
    report = check({"Ekonomi": {"C2": typed}})
    assert report.accepted
    assert [(i.code, i.cell) for i in report.issues] == [("number_unit_removed", "C2")]


def test_an_amount_a_hundred_times_the_budget_is_refused_as_another_unit(check):
    # Barn och unga's budget is 12,7 mnkr; the outcome typed in tkr, the forecast in kronor
    report = check({"Ekonomi": {"C2": 8600, "D2": 12600000}})
    assert not report.accepted
    outcome, forecast = issues_of(report, "amount_unit_slip")
    assert (outcome.cell, forecast.cell) == ("C2", "D2")
    assert "Utfallet för Barn och unga (Ekonomi!C2: 8 600 mnkr) är 677 gånger budgeten " \
           "(12,7 mnkr)" in outcome.message
    assert "troligen skrivet i fel enhet" in outcome.message
    assert "ska anges i mnkr" in outcome.message
    assert "Prognosen för Barn och unga" in forecast.message
    assert not issues_of(report, "outcome_far_above_budget")
    assert not issues_of(report, "forecast_far_from_budget")


def test_an_amount_under_a_hundred_times_the_budget_is_only_remarked(check):
    report = check({"Ekonomi": {"C2": 1200}})  # 94 times 12,7
    assert report.accepted
    assert [i.code for i in report.issues] == ["outcome_far_above_budget"]


def test_a_forecast_in_mnkr_in_a_file_in_tkr_is_remarked_with_the_figure_it_would_be(
        register_copy, tmp_path):
    """The register in tkr, the forecast typed as the committee speaks, in mnkr: a
    thousandth of the budget. Only told (a fee-financed line may really cost next to
    nothing), and not when a comment explains the line."""
    import datetime as dt

    from pipeline.register import read_register
    from pipeline.samples import fill_template
    from pipeline.templates import write_templates
    from tests.conftest import change_register

    path, _ = register_copy

    def in_tkr(book):
        settings, budget = book["Inställningar"], book["Ekonomi"]
        for row in settings.iter_rows(min_row=2):
            if row[0].value == "Beloppsenhet":
                row[1].value = "tkr"
        for row in budget.iter_rows(min_row=2):
            row[2].value = row[2].value * 1000

    register = read_register(change_register(path, in_tkr))
    [template] = write_templates(register, corpus.PERIOD, tmp_path / "mallar", ["STAB"],
                                 created=dt.date(2024, 5, 2))
    filled = fill_template(template, tmp_path / "stab.xlsx", department="STAB",
                           period_end=register.period(corpus.PERIOD)["period_end"])
    content = corpus.cells(filled.read_bytes(), "Ekonomi", {"D2": 12.6, "F2": None})
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert report.accepted
    [issue] = issues_of(report, "forecast_in_larger_unit")
    assert issue.cell == "D2" and not issue.is_error
    assert issue.message == (
        "Prognosen för Barn och unga (Ekonomi!D2: 12,6 tkr) är ungefär en tusendel av budgeten "
        "(12 700 tkr). Beloppen ska anges i tkr. Är prognosen skriven i mnkr, skriv 12 600. "
        "Stämmer beloppet, förklara avvikelsen i Kommentar.")
    assert not issues_of(report, "forecast_far_from_budget")
    explained = corpus.cells(content, "Ekonomi", {"F2": "Avgiftsfinansierat från maj."})
    report, _ = validate(parse_submission(explained, name="stab.xlsx"), register, corpus.PERIOD)
    assert not issues_of(report, "forecast_in_larger_unit")
    report, _ = validate(parse_submission(filled.read_bytes(), name="stab.xlsx"), register,
                         corpus.PERIOD)
    assert not issues_of(report, "forecast_in_larger_unit")


# --- "Kommentera avvikelsen" only where there is no comment ------------------------------------

def test_a_forecast_deviation_is_remarked_only_without_a_comment(check):
    # Tillväxt (row 5): budget 28,6, forecast 40; the valid file has a comment in F5
    assert not issues_of(check({"Ekonomi": {"D5": 40}}), "forecast_far_from_budget")
    for empty in (None, "  ", "-"):
        [issue] = issues_of(check({"Ekonomi": {"D5": 40, "F5": empty}}),
                            "forecast_far_from_budget")
        assert issue.cell == "D5" and "Kommentera avvikelsen" in issue.message


# --- a deviation needs a comment ---------------------------------------------------------------

@pytest.mark.parametrize("status", ["Pågående med avvikelse", "Avslutad med avvikelse",
                                    "Avbruten", "Försenad", "Vänteläge"])
@pytest.mark.parametrize("comment", [None, "   ", "-"])
def test_a_deviation_without_a_comment_is_remarked(check, status, comment):
    report = check({"Aktiviteter": {"H3": status, "I3": comment}})  # A3.1.1-04
    assert report.accepted
    [issue] = issues_of(report, "deviation_unexplained")
    assert issue.cell == "I3" and not issue.is_error
    assert f'Aktiviteten A3.1.1-04 (Aktiviteter!I3) har status "{status}" men ingen ' \
           "kommentar" in issue.message
    assert "de förtroendevalda behöver en förklaring" in issue.message


def test_a_deviation_with_a_comment_or_a_plan_kept_without_one_is_not_remarked(check):
    report = check({"Aktiviteter": {"H3": "Avbruten", "I3": "Ersatt av A3.1.1-02.",
                                    "I2": None}})  # A3.1.1-02 is Pågående enligt plan
    assert report.issues == []


# --- a sick-leave row left empty ---------------------------------------------------------------

def test_an_empty_sick_leave_row_is_one_error_saying_to_write_zeros(check):
    report = check({"Sjukfrånvaro": {"C5": None, "D5": None, "E5": None, "F5": None}})
    assert [(i.code, i.cell) for i in report.errors] == [("sick_row_empty", "C5")]
    [issue] = report.errors
    assert "Raden för Män, 29 år eller yngre (Sjukfrånvaro!C5:F5) är tom" in issue.message
    assert "har gruppen inga anställda, skriv 0 i alla fyra" in issue.message


def test_a_partly_empty_sick_leave_row_names_each_empty_cell(check):
    report = check({"Sjukfrånvaro": {"C5": None, "E5": None}})
    assert [(i.code, i.cell) for i in report.errors] == [("employees_empty", "C5"),
                                                         ("required_empty", "E5")]
    employees, hours = report.errors
    assert "Sjukfrånvaro!C5 (Antal anställda) är tom men måste fyllas i. Skriv 0 om gruppen " \
           "inte har några anställda." == employees.message
    assert "(Sjukfrånvaro (timmar)) är tom" in hours.message


def test_a_row_of_zeros_is_a_group_without_employees(check):
    report = check({"Sjukfrånvaro": {"C5": 0, "D5": 0, "E5": 0, "F5": 0}})
    assert report.accepted and report.issues == []


# --- dropdown values ---------------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "cell", "typed", "column", "read"), [
    ("Målbedömning", "D3", "◕ Delvis uppfyllt", "assessment", "Delvis uppfyllt"),
    ("Målbedömning", "D3", "●Uppfyllt", "assessment", "Uppfyllt"),
    ("Aktiviteter", "H3", "• Vänteläge", "status", "Vänteläge"),
])
def test_a_symbol_copied_before_a_choice_is_dropped_silently(valid, register, sheet, cell,
                                                             typed, column, read):
    content = corpus.cells(valid, sheet, {cell: typed})
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    assert report.issues == []
    frame = data.assessments if sheet == "Målbedömning" else data.activities
    assert frame.loc[frame["row"] == int(cell[1:]), column].item() == read


@pytest.mark.parametrize(("typed", "meant"), [
    ("Klar", "Avslutad enligt plan"), ("Pågår", "Pågående enligt plan"),
    ("Pågående", "Pågående enligt plan"), ("pågående ", "Pågående enligt plan"),
])
def test_everyday_words_for_a_status_get_the_status_suggested(check, typed, meant):
    report = check({"Aktiviteter": {"H3": typed}})
    [issue] = report.errors
    assert issue.code == "choice_invalid" and issue.cell == "H3"
    assert issue.message.endswith(f'Menade du "{meant}"?')


# --- wording -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "missing"), [
    ({"E17": None}, "saknar Slutdatum."),
    ({"D17": None, "E17": None}, "saknar Startdatum och Slutdatum."),
])
def test_an_incomplete_own_activity_is_worded_for_one_field_and_for_several(valid, register,
                                                                            values, missing):
    content = corpus.own_activity(valid)
    content = corpus.cells(content, "Aktiviteter", values)
    report, _ = validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)
    [issue] = issues_of(report, "own_activity_incomplete")
    assert missing in issue.message
    assert "Fyll i det som saknas, eller töm raden" in issue.message
    assert " dem " not in issue.message


@pytest.mark.parametrize(("typed", "example"), [
    ("31/8", "2024-08-31"), ("1/6", "2024-06-01"), ("1 maj", "2024-05-01"),
])
def test_a_date_without_a_year_says_the_year_is_missing(valid, register, typed, example):
    content = corpus.own_activity(valid, end=typed)
    report, _ = validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)
    [issue] = report.errors
    assert (issue.code, issue.cell) == ("date_no_year", "E17")
    assert issue.message == (f'"{typed}" i Aktiviteter!E17 saknar årtal. Skriv hela datumet som '
                             f"ÅÅÅÅ-MM-DD, t.ex. {example}.")


# --- personal identity numbers in free text ---------------------------------------------------

PERSONNUMMER = "850312-1231"  # a valid check digit; not a real person's


def validated(valid, register, changes):
    content = valid
    for sheet, values in changes.items():
        content = corpus.cells(content, sheet, values)
    return validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)


@pytest.mark.parametrize(("sheet", "cell", "column", "frame", "field"), [
    ("Aktiviteter", "I5", "Kommentar", "activities", "comment"),
    ("Målbedömning", "E2", "Analys", "assessments", "analysis"),
    ("Ekonomi", "F2", "Kommentar", "budget", "comment"),
])
def test_a_personnummer_in_a_text_is_a_remark_naming_the_cell_and_is_masked(
        valid, register, sheet, cell, column, frame, field):
    text = f"Anna S ({PERSONNUMMER}) är långtidssjukskriven."
    report, data = validated(valid, register, {sheet: {cell: text}})
    assert report.accepted and report.verdict.value == "Godkänd med anmärkningar"
    [issue] = issues_of(report, "personal_identity_number")
    assert not issue.is_error and (issue.sheet, issue.cell) == (sheet, cell)
    assert issue.message.startswith(
        f"Texten i {sheet}!{cell} ({column}) innehåller ett personnummer. Det ni skriver i "
        "mallen delas med de förtroendevalda och kan publiceras")
    assert '"[personnummer borttaget]" i stället för numret' in issue.message
    assert issue.message.endswith("Ta bort numret ur texten och lämna in filen igen.")
    # the message is listed on the committee's Datakvalitet: not even the birth date
    assert "850312" not in issue.message and "1231" not in issue.message
    rows = getattr(data, frame)
    [masked] = rows.loc[rows["row"] == int(cell[1:]), field]
    assert masked == "Anna S ([personnummer borttaget]) är långtidssjukskriven."


def test_a_personnummer_in_an_own_activitys_title_is_masked_too(valid, register):
    content = corpus.own_activity(valid, title=f"Stöd till 19{PERSONNUMMER}")
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    [issue] = issues_of(report, "personal_identity_number")
    assert report.accepted and issue.cell == f"C{corpus.FIRST_OWN_ROW}"
    assert "(Aktivitet)" in issue.message
    assert "Stöd till [personnummer borttaget]" in data.activities["title"].tolist()


def test_several_numbers_of_both_kinds_are_counted_in_one_remark(valid, register):
    text = f"{PERSONNUMMER}, 8503121231 och samordningsnr 900781-2341."
    report, data = validated(valid, register, {"Aktiviteter": {"I5": text}})
    [issue] = issues_of(report, "personal_identity_number")
    assert "innehåller 2 personnummer och ett samordningsnummer." in issue.message
    assert '"[personnummer borttaget]" och "[samordningsnummer borttaget]" i stället för ' \
           "numren" in issue.message
    [masked] = data.activities.loc[data.activities["row"] == 5, "comment"]
    assert masked == ("[personnummer borttaget], [personnummer borttaget] och samordningsnr "
                      "[samordningsnummer borttaget].")


def test_a_text_at_its_length_limit_is_not_refused_for_its_longer_mask(valid, register):
    from schemas.submission import COMMENT_MAX

    text = f"Sjukskriven: {PERSONNUMMER}. ".ljust(COMMENT_MAX, "x")
    report, data = validated(valid, register, {"Aktiviteter": {"I5": text}})
    assert report.accepted, [i.message for i in report.errors]
    [masked] = data.activities.loc[data.activities["row"] == 5, "comment"]
    assert masked.startswith("Sjukskriven: [personnummer borttaget]. xxx")


def test_a_date_an_amount_a_phone_number_or_a_diarienummer_is_no_personnummer(valid,
                                                                             register):
    text = ("Möte 2024-01-08 (dnr KS 2024/123), kostnad 1 234 567 kr, 8503121231 kr i "
            "prognos; kontakt tel 0701234567 eller 070-123 45 67. Aktivitet A3.1.1-02.")
    report, data = validated(valid, register, {"Aktiviteter": {"I5": text}})
    assert not issues_of(report, "personal_identity_number")
    [kept] = data.activities.loc[data.activities["row"] == 5, "comment"]
    assert kept == text


def test_a_message_quoting_a_cell_never_repeats_a_personnummer(valid, register):
    # a value typed beside the table is quoted in its remark, and the remark is public
    report, _ = validated(valid, register, {"Aktiviteter": {"K5": f"Anna {PERSONNUMMER}"}})
    [issue] = issues_of(report, "stray_value")
    assert '("Anna [personnummer borttaget]")' in issue.message
    assert "850312" not in issue.message and "850312" not in (issue.found or "")
