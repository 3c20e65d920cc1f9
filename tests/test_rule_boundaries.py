"""Business rules at their edges, found unguarded by a mutation audit of the suite: each test
pins what a department or the committee sees on either side of a rule's boundary (a remark
or none, a figure shown or hidden, which file counts).

The validation tests change a few cells of Stab's filled template (2024-T2, which ends
2024-08-31; amounts in mnkr), as test_validate_messages does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.intake import parse_submission
from pipeline.validate import validate
from tests import corpus


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return corpus.make_valid(tmp_path_factory.mktemp("valid")).read_bytes()


@pytest.fixture
def check(valid, register):
    def run(changes: dict[str, dict[str, object]]):
        content = valid
        for sheet, values in changes.items():
            content = corpus.cells(content, sheet, values)
        report, _ = validate(parse_submission(content, name="STAB.xlsx"), register,
                             corpus.PERIOD)
        return report

    return run


def codes(report, code):
    return [i for i in report.issues if i.code == code]


# --- an end date and the period's end -------------------------------------------------------

def own(valid: bytes, register, **values: object):
    """Stab's file with an own activity (on row corpus.FIRST_OWN_ROW, its dates its own)."""
    content = corpus.own_activity(valid, **values)
    report, _ = validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)
    return report


@pytest.mark.parametrize(("end", "remarked"), [
    (dt.datetime(2024, 8, 30), True), (dt.datetime(2024, 8, 31), False),
    (dt.datetime(2024, 9, 1), False)])
def test_an_activity_ending_on_the_periods_last_day_is_not_yet_late(valid, register, end,
                                                                    remarked):
    """"Pågående enligt plan" on an activity ending the day the period ends: it may still
    finish on time, and the department is not told its end date has passed; a day earlier it
    has."""
    report = own(valid, register, end=end)
    assert report.accepted
    told = codes(report, "end_passed_not_finished")
    assert [i.cell for i in told] == ([f"H{corpus.FIRST_OWN_ROW}"] if remarked else [])


@pytest.mark.parametrize(("end", "remarked"), [
    (dt.datetime(2024, 8, 31), False), (dt.datetime(2024, 9, 1), True)])
def test_done_to_plan_is_remarked_only_with_an_end_date_after_the_period(valid, register, end,
                                                                        remarked):
    """"Avslutad enligt plan" with an end date after the period's last day is remarked; one
    ending on the last day is the plan kept."""
    report = own(valid, register, end=end, status="Avslutad enligt plan")
    assert report.accepted
    told = codes(report, "status_contradicts_end")
    assert [i.cell for i in told] == ([f"H{corpus.FIRST_OWN_ROW}"] if remarked else [])


# --- sick leave ----------------------------------------------------------------------------------

def test_long_term_hours_in_a_group_without_sick_hours_are_refused(check):
    """Sjukfrånvaro 0 and Varav 60 dagar eller mer 40: the long-term hours are part of the
    sick hours, so one of the two is wrong (and the long-term share would be 40 of 0)."""
    report = check({"Sjukfrånvaro": {"E5": 0, "F5": 40}})
    assert not report.accepted
    [issue] = codes(report, "long_exceeds_sick")
    assert issue.cell == "F5"


# --- budget ----------------------------------------------------------------------------------

def test_all_outcomes_negative_beside_a_zero_are_a_sign_convention(valid, register):
    """Utfall typed as negative costs on every line that has one, and 0 on a line with no
    cost yet: the department's sign convention, read as positive with a remark, not refused
    as mixed signs (a zero has no sign)."""
    content = corpus.cells(valid, "Ekonomi", {"C2": 0, "C3": -9.5, "C4": -20.3, "C5": -19})
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted
    assert [i.code for i in report.issues] == ["budget_all_negative"]
    assert list(data.budget["outcome"]) == [0.0, 9.5, 20.3, 19.0]



def test_a_one_day_activity_of_the_departments_own_is_accepted(valid, register):
    """An own activity that starts and ends the same day (a theme day) is no "Slutdatum före
    startdatum"; a day earlier is."""
    day = dt.datetime(2024, 3, 12)
    assert own(valid, register, start=day, end=day, status="Avslutad enligt plan").issues == []
    report = own(valid, register, start=day, end=day - dt.timedelta(days=1))
    assert [i.cell for i in codes(report, "end_before_start")] == [f"E{corpus.FIRST_OWN_ROW}"]


# --- finished statuses -------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "finished"), [
    ("Avbruten", True), ("Avslutad med avvikelse", True), ("Avslutad enligt plan", True),
    ("Försenad", False)])
def test_a_cancelled_or_finished_activity_past_its_end_date_is_not_late(valid, register, status,
                                                                       finished):
    """A3.4.7-02 ends 2024-05-31, before the period's end. Cancelled or finished (with a
    comment saying why), nothing is late: no remark to the department, and the workbook's
    Aktiviteter does not flag "Slutdatum passerat men inte avslutad". "Försenad" is told
    honestly (no remark) but is still flagged for the committee."""
    from pipeline.merge import Flag, merge

    content = corpus.cells(valid, "Aktiviteter", {
        "H14": status, "I14": "Avbröts i maj: regionen drog tillbaka överenskommelsen."})
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    assert report.issues == []
    activities = merge(register, corpus.PERIOD, {"STAB": data}).activities
    [flags] = activities.loc[(activities["activity_id"] == "A3.4.7-02")
                             & (activities["department"] == "STAB"), "flags"]
    assert (Flag.END_PASSED in flags) is not finished


def test_working_hours_in_a_group_without_employees_are_refused(check):
    """Antal anställda 0 beside 3 272 ordinary hours: one of them is wrong, and the hours
    would count in the organ's figures without anyone to have worked them."""
    report = check({"Sjukfrånvaro": {"C5": 0}})
    assert not report.accepted
    [issue] = codes(report, "hours_without_employees")
    assert issue.cell == "D5"
    assert issue.message == ("Sjukfrånvaro!D5 anger 3 272 timmar men antal anställda är 0 "
                             "(Sjukfrånvaro!C5). Kontrollera uppgifterna.")


@pytest.mark.parametrize(("hours", "remarked"), [(6600, False), (6700, True)])
def test_more_than_2200_ordinary_hours_per_employee_are_remarked(check, hours, remarked):
    """A full year's ordinary hours are about 1 700–2 100 per employee: for 3 employees, 6 600
    hours pass and 6 700 are remarked (accepted: perhaps overtime, perhaps a slip)."""
    report = check({"Sjukfrånvaro": {"D5": hours}})
    assert report.accepted
    told = codes(report, "hours_high")
    assert [i.cell for i in told] == (["D5"] if remarked else [])
    if remarked:
        assert "ovanligt högt (6 700) för 3 anställda" in told[0].message


@pytest.mark.parametrize(("forecast", "remarked"), [(13.9, False), (14.3, True)])
def test_a_forecast_more_than_ten_per_cent_from_its_budget_needs_a_comment(check, forecast,
                                                                           remarked):
    """Barn och unga (budget 12,7 mnkr, no comment): a forecast of 13,9 is 9 % over and
    passes; 14,3 is 13 % over and the department is asked to comment the deviation."""
    report = check({"Ekonomi": {"D2": forecast}})
    assert report.accepted
    told = codes(report, "forecast_far_from_budget")
    assert [i.cell for i in told] == (["D2"] if remarked else [])
    if remarked:
        assert "13 %" in told[0].message and "Kommentera avvikelsen" in told[0].message


def test_employees_as_full_time_equivalents_are_refused(check):
    """Antal anställda is a head count (the small-group rule counts people): 19,5, perhaps
    full-time equivalents, is refused with what to type."""
    report = check({"Sjukfrånvaro": {"C3": "19,5"}})
    assert not report.accepted
    [issue] = codes(report, "number_not_whole")
    assert issue.message == "Antal anställda i Sjukfrånvaro!C3 är 19,5. Skriv ett heltal, t.ex. 12."



@pytest.mark.parametrize(("end", "refused"), [
    (dt.datetime(2034, 12, 31), False), (dt.datetime(2035, 1, 1), True)])
def test_an_end_date_more_than_ten_years_from_the_business_year_is_refused(valid, register, end,
                                                                           refused):
    """Real plans run over several years (an own activity ending 2034 is accepted); a year
    more than ten from 2024 is a typing slip (2035 for 2025) and refused."""
    report = own(valid, register, end=end)
    assert report.accepted is not refused
    assert [i.cell for i in codes(report, "date_implausible")] == \
        ([f"E{corpus.FIRST_OWN_ROW}"] if refused else [])

# --- the suggested assessment (Förslag) ---------------------------------------------------------

@pytest.mark.parametrize(("statuses", "suggested"), [
    (["Avslutad enligt plan", "Avslutad med avvikelse"], "Uppfyllt"),  # mean 0,8
    (["Pågående enligt plan"], "Delvis uppfyllt"),  # 0,75
    (["Avslutad med avvikelse"], "Delvis uppfyllt"),  # 0,6
    (["Pågående med avvikelse"], "Knappt uppfyllt"),  # 0,4
    (["Pågående med avvikelse", "Ej påbörjad"], "Ej uppfyllt"),  # 0,325
])
def test_the_suggestion_follows_the_documented_thresholds(statuses, suggested):
    """merge's rule, as the instructions and the workbook explain it: the mean score of the
    goal's activities, ≥ 0,8 Uppfyllt, ≥ 0,6 Delvis, ≥ 0,35 Knappt, else Ej uppfyllt."""
    from pipeline.merge import suggest

    started = [dt.date(2024, 1, 1)] * len(statuses)
    assert suggest(statuses, started, dt.date(2024, 8, 31)) == suggested


def test_an_activity_not_yet_due_to_start_does_not_lower_the_suggestion():
    """"Ej påbörjad" on an activity that starts after the period is on plan, and left out;
    one that should have started counts (0,25)."""
    from pipeline.merge import suggest

    statuses = ["Avslutad enligt plan", "Ej påbörjad"]
    period_end = dt.date(2024, 8, 31)
    assert suggest(statuses, [dt.date(2024, 1, 1), dt.date(2024, 9, 1)], period_end) == \
        "Uppfyllt"
    assert suggest(statuses, [dt.date(2024, 1, 1), dt.date(2024, 8, 1)], period_end) == \
        "Delvis uppfyllt"


@pytest.mark.parametrize(("assessment", "flagged"), [
    ("Delvis uppfyllt", False), ("Knappt uppfyllt", True)])
def test_an_assessment_two_steps_from_the_suggestion_is_flagged(valid, register, assessment,
                                                               flagged):
    """Goal 3.4.7's activities (two on plan, one done) suggest Uppfyllt. The owner's
    assessment one step away is the owner's call; two steps away the committee is told."""
    from pipeline.merge import merge

    content = corpus.cells(valid, "Målbedömning", {"D5": assessment})
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted
    goals = merge(register, corpus.PERIOD, {"STAB": data}).goals.set_index("ks_id")
    assert goals.loc["3.4.7", "suggestion"] == "Uppfyllt"
    assert goals.loc["3.4.7", "assessment"] == assessment  # never overwritten
    assert bool(goals.loc["3.4.7", "disagreement"]) is flagged


@pytest.mark.parametrize(("outcome", "remarked"), [(85, False), (86, True)])
def test_an_outcome_more_than_three_times_its_budget_is_remarked(check, outcome, remarked):
    """Tillväxt's budget is 28,6 mnkr: an outcome of 85 (under three times) passes without a
    word, 86 (over) is remarked, and the file is accepted either way."""
    report = check({"Ekonomi": {"C5": outcome}})
    assert report.accepted
    told = codes(report, "outcome_far_above_budget")
    assert [i.cell for i in told] == (["C5"] if remarked else [])


def test_a_budget_cell_changed_by_a_tenth_is_remarked_and_the_registers_budget_used(valid,
                                                                                    register):
    """The locked Budget cell of Barn och unga (12,7 mnkr in the register) typed over as
    12,8: the department is told, and the register's budget is what the workbook shows."""
    content = corpus.cells(valid, "Ekonomi", {"B2": 12.8})
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    [issue] = codes(report, "budget_changed")
    assert issue.cell == "B2" and "registrets budget är 12,7 mnkr" in issue.message
    assert data.budget.loc[data.budget["category"] == "Barn och unga", "budget"].item() == 12.7



@pytest.mark.parametrize(("outcome", "refused"), [(1269, False), (1270, True)])
def test_an_amount_a_hundred_times_its_budget_is_refused_as_another_unit(check, outcome,
                                                                         refused):
    """Barn och unga's budget is 12,7 mnkr: 1 270 is a hundred times it, an amount typed in
    another unit, and refused; 1 269 is only remarked as far above the budget."""
    report = check({"Ekonomi": {"C2": outcome}})
    assert report.accepted is not refused
    assert bool(codes(report, "amount_unit_slip")) is refused
    assert bool(codes(report, "outcome_far_above_budget")) is not refused

# --- small groups ------------------------------------------------------------------------------

@pytest.mark.parametrize(("women", "shown"), [(10, False), (11, True)])
def test_a_group_of_ten_employees_is_never_shown(women, shown):
    """SPEC: a group of 10 employees or fewer is shown as "–", never as a number. Ten women
    (and thirty men) in one department: the women's figure is hidden, and so, as the smaller
    of the pair beside the total, is the men's; eleven women are shown."""
    from pipeline import figures
    from pipeline.labels import AGE_GROUPS, SEXES

    counts = {SEXES[0]: (women - 5, 5, 0), SEXES[1]: (10, 10, 10)}
    rows = [{"sex": sex, "age_group": age, "employees": float(n), "ordinary_hours": 1000.0 * n,
             "sick_hours": 50.0 * n, "long_term_hours": 10.0 * n}
            for sex, by_age in counts.items()
            for age, n in zip(AGE_GROUPS, by_age, strict=True)]
    found = figures.unit_figures(rows)
    assert found["women"].employees == women
    assert found["women"].hidden is not shown and found["men"].hidden is not shown
    assert (found["women"].value is None) is not shown


# --- the period before ---------------------------------------------------------------------------

def test_the_organs_change_since_the_period_before_needs_every_department_then_too(
        tmp_path, register):
    """All five departments report now, but EKO's file for the period before was missing:
    the organ's figure then covered four departments, and a change against it would be EKO's
    absence, not a change in sick leave. Each department's own change is shown; the organ's
    is not."""
    import dataclasses

    import pandas as pd

    from pipeline.merge import merge
    from pipeline.publish.workbook import write_workbook
    from tests.test_workbook import COLUMNS, ISSUE_COLUMNS, collect, header_table

    accepted, submissions, _ = collect(register, "2024-T2", dt.date(2024, 8, 31), tmp_path,
                                       register.department_codes, seed=3)
    now = merge(register, "2024-T2", accepted)
    sick = now.sick_leave
    before = dataclasses.replace(now, period="2024-T1",
                                 sick_leave=sick[sick["department"] != "EKO"])
    path = tmp_path / "sammanstallning_2024-T2.xlsx"
    write_workbook(path, register, now, pd.DataFrame(submissions, columns=COLUMNS),
                   pd.DataFrame([], columns=ISSUE_COLUMNS),
                   as_of=dt.datetime(2024, 9, 17, 2), previous=before)
    import openpyxl

    rows = {r["Avdelning"]: r for r in header_table(openpyxl.load_workbook(path)["Sjukfrånvaro"])}
    change = "Förändring mot föregående period, procentenheter"
    assert rows["Kommunstyrelsen"][change] is None
    names = register.department_names
    assert rows[names["STAB"]][change] == 0  # the same hours then and now
    assert rows[names["EKO"]][change] is None  # EKO has no figure then


@pytest.mark.parametrize(("assessment", "change", "told"), [
    ("Uppfyllt", 0.1, True), ("Uppfyllt", 0.0, False), ("Uppfyllt", -0.3, False),
    ("Uppfyllt", None, False), ("Delvis uppfyllt", 0.4, False)])
def test_met_while_sick_leave_rises_is_told_only_for_a_rise(assessment, change, told):
    """"Sjukfrånvaron ska minska" assessed Uppfyllt: the committee is told when the organ's
    sick leave, as shown, is above its baseline; unchanged (±0,0) is no rise."""
    from pipeline.figures import met_while_rising

    assert met_while_rising(assessment, change) is told


def test_the_organs_change_against_its_baseline_waits_for_every_department(register):
    """With EKO missing, the organ's figure covers four departments: no change against the
    organ's baseline (9,11 %), so no "met while rising" remark built on it; once all five
    have reported, there is one."""
    import pandas as pd

    from pipeline.figures import organ_change, sick_leave_table
    from pipeline.labels import AGE_GROUPS, SEXES

    def unit(code):
        return [{"department": code, "sex": sex, "age_group": age, "employees": 20.0,
                 "ordinary_hours": 20000.0, "sick_hours": 2000.0, "long_term_hours": 500.0}
                for sex in SEXES for age in AGE_GROUPS]

    codes = register.department_codes
    partly = pd.DataFrame([r for code in codes if code != "EKO" for r in unit(code)])
    everyone = pd.DataFrame([r for code in codes for r in unit(code)])
    assert organ_change(sick_leave_table(partly, register), register) is None
    assert organ_change(sick_leave_table(everyone, register), register) == pytest.approx(0.9)


# --- the deadline day ------------------------------------------------------------------------

@pytest.mark.parametrize(("received", "late"), [
    ("2024-09-16T23:59:00", False), ("2024-09-17T00:01:00", True)])
def test_a_file_received_on_the_deadline_day_is_in_time(received, late):
    """`pipeline status` for 2024-T2 (sista inlämningsdag 2024-09-16): a file that came in
    late in the evening of the deadline day is in time; one a minute past midnight is
    "(försenad)"."""
    from pipeline.archive import Arrival
    from pipeline.ledger import DepartmentStatus, StatusReport

    arrival = Arrival(run=received, received=received, name="SOC.xlsx", folder="SOC",
                      sha256="ab" * 32, size=1, mtime_ns=0, department="SOC",
                      period="2024-T2", verdict="Godkänd", errors=0, warnings=0,
                      saved_at=None)
    report = StatusReport("2024-T2", dt.date(2024, 9, 16), dt.date(2024, 9, 20),
                          [DepartmentStatus("SOC", "Sociala avdelningen", arrival, arrival)])
    line = report.lines()[1]
    assert line.startswith(f"SOC    Sociala avdelningen: Godkänd, {received[:10]}")
    assert line.endswith("(försenad)") is late


@pytest.mark.parametrize(("today", "when", "late"), [
    (dt.date(2024, 9, 16), "i dag", False),
    (dt.date(2024, 9, 17), "passerad för 1 dag sedan", True)])
def test_a_missing_department_is_late_only_after_the_deadline_day(today, when, late):
    """On the deadline day itself a department without a file still has the day to hand it
    in: "saknas", not "saknas (försenad)"; the day after it is late."""
    from pipeline.ledger import DepartmentStatus, StatusReport

    lines = StatusReport("2024-T2", dt.date(2024, 9, 16), today,
                         [DepartmentStatus("STAB", "Stab", None, None)]).lines()
    assert lines[0] == f"Period 2024-T2, sista inlämningsdag 2024-09-16 ({when})."
    assert lines[1] == "STAB   Stab: saknas" + (" (försenad)" if late else "")


# --- goals' analyses ---------------------------------------------------------------------------

@pytest.mark.parametrize(("assessment", "remarked"), [("Uppfyllt", True), (None, False)])
def test_a_missing_analysis_is_remarked_only_beside_an_assessment(check, assessment, remarked):
    """Goal 3.4.7 with no analysis: assessed Uppfyllt, the department is asked for one (a
    remark); not assessed at all, it is told only that Bedömning is empty, not also that an
    analysis of an assessment it has not made is missing."""
    report = check({"Målbedömning": {"D5": assessment, "E5": None}})
    told = codes(report, "analysis_missing")
    assert [i.cell for i in told] == (["E5"] if remarked else [])
    if remarked:
        assert report.accepted
    else:
        assert [(i.code, i.cell) for i in report.issues] == [("required_empty", "D5")]


# --- the sick-leave goal's indicator -------------------------------------------------------------

@pytest.mark.parametrize(("sick_hours", "shown"), [
    (2000.0, "Sjukfrånvaro 10,0 % mot 9,11 % 2023-09-30: +0,9 procentenheter"),
    (1822.0, "Sjukfrånvaro 9,1 % mot 9,11 % 2023-09-30: ±0,0 procentenheter"),
    (1800.0, "Sjukfrånvaro 9,0 % mot 9,11 % 2023-09-30: −0,1 procentenheter")])
def test_the_sick_leave_goals_indicator_signs_its_change(register, sick_hours, shown):
    """Måluppföljning's remark on "Sjukfrånvaron ska minska" (organ baseline 9,11 %): a rise
    is "+0,9", a fall "−0,1", and no change as shown (9,1 % against 9,11 %) "±0,0", never
    "+0,0", which reads as a rise."""
    import pandas as pd

    from pipeline import figures
    from pipeline.labels import AGE_GROUPS, SEXES
    from pipeline.publish.workbook.goals import sick_leave_indicator
    from pipeline.publish.workbook.sick_leave import _baselines

    sick = pd.DataFrame([{"department": code, "sex": sex, "age_group": age, "employees": 20.0,
                          "ordinary_hours": 20000.0, "sick_hours": sick_hours,
                          "long_term_hours": 500.0}
                         for code in register.department_codes
                         for sex in SEXES for age in AGE_GROUPS])
    rows = figures.sick_leave_table(sick, register)
    rows["total"] = rows["total"].map(lambda v: figures.round_half_up(v, 3))
    baselines = _baselines(register)
    rows["change_baseline"] = [figures.points_change(row.total, baselines[row.department][0])
                               if row.department in baselines else float("nan")
                               for row in rows.itertuples()]
    assert sick_leave_indicator(rows, register, baselines) == shown


# --- the workbook's flags on activities --------------------------------------------------------

def own_flags(valid: bytes, register, previous=None, **values: object) -> tuple[str, ...]:
    """The flags merge raises on Stab's own activity (corpus.own_activity's row)."""
    from pipeline.merge import merge

    content = corpus.own_activity(valid, **values)
    report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted
    activities = merge(register, corpus.PERIOD, {"STAB": data}).activities
    [flags] = activities.loc[activities["own"], "flags"]
    return flags


@pytest.mark.parametrize(("end", "flagged"), [
    (dt.datetime(2024, 8, 30), True), (dt.datetime(2024, 8, 31), False)])
def test_an_activity_ending_on_the_periods_last_day_is_not_flagged_as_passed(valid, register,
                                                                             end, flagged):
    """Aktiviteter's "Slutdatum passerat men inte avslutad" for an activity still under way
    (Pågående med avvikelse): not when it ends on the period's last day (2024-08-31), as
    the department is not told either; a day earlier it is."""
    from pipeline.merge import Flag

    flags = own_flags(valid, register, end=end, status="Pågående med avvikelse",
                      comment="Försenat av upphandlingen.")
    assert (Flag.END_PASSED in flags) is flagged


@pytest.mark.parametrize(("end", "flagged"), [
    (dt.datetime(2025, 2, 27), False), (dt.datetime(2025, 2, 28), True)])
def test_done_more_than_180_days_before_its_end_date_is_flagged(valid, register, end, flagged):
    """"Avslutad enligt plan" on an activity planned to run until 180 days after the period
    (2025-02-27) is an early finish; from 181 days the committee is shown "Avslutad enligt
    plan långt före slutdatum" (perhaps the wrong status, perhaps a wrong end date)."""
    from pipeline.merge import Flag

    flags = own_flags(valid, register, end=end, status="Avslutad enligt plan")
    assert (Flag.DONE_FAR_AHEAD in flags) is flagged


@pytest.mark.parametrize(("before", "now", "worse"), [
    ("Ej påbörjad", "Vänteläge", True),  # work that had not begun is now on hold
    ("Vänteläge", "Vänteläge", False),  # still on hold: no news
    ("Pågående med avvikelse", "Vänteläge", False),  # as serious, said otherwise
    ("Vänteläge", "Försenad", True)])
def test_a_status_worse_than_the_period_befores_is_flagged(valid, register, before, now, worse):
    """Aktiviteter's "Sämre status än förra perioden" on A3.1.1-02: raised when the status
    is more serious than the period before's (Vänteläge is more than Ej påbörjad), never for
    the same status again."""
    from pipeline.merge import Flag, merge

    def stab(status):
        content = corpus.cells(valid, "Aktiviteter", {
            f"H{ROW}": status, f"I{ROW}": "Väntar på beslut i kommunfullmäktige."})
        report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                                corpus.PERIOD)
        assert report.accepted
        return data

    ROW = 2
    previous = merge(register, corpus.PERIOD, {"STAB": stab(before)}).activities
    activities = merge(register, corpus.PERIOD, {"STAB": stab(now)}, previous).activities
    [row] = activities[(activities["department"] == "STAB")
                       & (activities["activity_id"] == "A3.1.1-02")].to_dict("records")
    assert row["previous_status"] == before
    assert (Flag.WORSE in row["flags"]) is worse


# --- the same bytes handed in again --------------------------------------------------------------

def _stab_filled_for_t2(workspace, register_copy):
    """The workspace on a copy of the register, and STAB's T2 template made from it and
    filled: the config, the register copy and the filled file."""
    from pipeline.samples import fill_template
    from tests.conftest import EXAMPLE_REGISTER
    from tests.test_history import invoke

    register_path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_path)))
    out = workspace / "mallar"
    assert invoke(config, "templates", "--department", "STAB", "--out", str(out)).exit_code == 0
    filled = fill_template(out / "STAB_2024-T2_mall.xlsx", workspace / "stab.xlsx",
                           department="STAB", period_end=dt.date(2024, 8, 31))
    return config, register_path, filled


def test_a_file_refused_by_a_register_slip_keeps_the_day_it_first_came_in(workspace,
                                                                         register_copy,
                                                                         monkeypatch):
    """STAB handed in on 2024-09-10, in time, and was refused because the controller's
    register had lost STAB. After the fix (and the deadline, 2024-09-16) STAB puts the very
    same file in again: it counts, and it is not late: `pipeline status` shows the day it
    first came in, without "(försenad)"."""
    import shutil

    from tests.conftest import EXAMPLE_REGISTER, change_register, remove_department
    from tests.test_history import invoke

    config, register_path, filled = _stab_filled_for_t2(workspace, register_copy)
    change_register(register_path, lambda book: remove_department(book, "STAB", heir="EKO"))
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T02:00:00")
    (workspace / "inbox" / "stab.xlsx").write_bytes(filled.read_bytes())
    assert invoke(config, "run").exit_code == 1
    shutil.copy(EXAMPLE_REGISTER, register_path)  # fixed
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-20T02:00:00")
    (workspace / "inbox" / "stab igen.xlsx").write_bytes(filled.read_bytes())
    assert "stab igen.xlsx: Godkänd" in invoke(config, "run").output
    lines = invoke(config, "status").output.splitlines()
    stab = next(line for line in lines if line.startswith("STAB "))
    assert stab.endswith("2024-09-10 02:00 (stab igen.xlsx)")


@pytest.mark.parametrize(("first", "remarked"), [(50, True), (55, False)])
def test_sick_hours_under_half_a_per_cent_of_ordinary_hours_are_remarked(check, first,
                                                                         remarked):
    """Stab's ordinary hours add up to 60 494. 300 sick hours (0,496 %, just under half a per
    cent) look like per cents typed into the hours column and are remarked; 305 (0,504 %,
    just over) are a very healthy department and pass without a word."""
    hours = {f"E{row}": 50 for row in range(2, 8)} | {f"F{row}": 10 for row in range(2, 8)}
    report = check({"Sjukfrånvaro": hours | {"E2": first}})
    assert report.accepted
    told = codes(report, "sick_hours_like_percent")
    assert [i.cell for i in told] == (["E2"] if remarked else [])
    if remarked:
        assert told[0].message.startswith("Sjukfrånvaron är sammanlagt 300 timmar, 0,5 % av "
                                          "den ordinarie arbetstiden (60 494 timmar).")


def test_a_file_whose_remark_a_register_edit_answers_is_shown_as_accepted(workspace,
                                                                          register_copy,
                                                                          monkeypatch):
    """STAB typed 12,8 over Barn och unga's locked budget of 12,7: "Godkänd med
    anmärkningar". The controller finds 12,8 right and corrects the register: judged against
    it now, the file has nothing left to remark on, and `pipeline status` says "Godkänd",
    not "Godkänd med anmärkningar" without a remark to show."""
    import openpyxl

    from tests.conftest import change_register, register_row
    from tests.test_history import invoke

    config, register_path, filled = _stab_filled_for_t2(workspace, register_copy)
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T02:00:00")
    (workspace / "inbox" / "stab.xlsx").write_bytes(corpus.cells(filled.read_bytes(), "Ekonomi",
                                                                 {"B2": 12.8}))

    def status():
        lines = invoke(config, "status").output.splitlines()
        return next(line for line in lines if line.startswith("STAB "))

    assert "stab.xlsx: Godkänd med anmärkningar" in invoke(config, "run").output
    assert status().startswith("STAB   Stab: Godkänd med anmärkningar, ")
    assert status().endswith("2024-09-10 02:00 (stab.xlsx, 1 anmärkning)")

    def budget(book: openpyxl.Workbook) -> None:
        book["Ekonomi"].cell(register_row(book["Ekonomi"], "Budget", 12.7), 3).value = 12.8

    change_register(register_path, budget)
    assert invoke(config, "run").exit_code == 0
    assert status() == "STAB   Stab: Godkänd, 2024-09-10 02:00 (stab.xlsx)"


@pytest.mark.parametrize("activities", ["all", "deviations"])
def test_the_report_notes_an_activity_worse_than_the_period_before(valid, register, activities):
    """Stab's A3.1.1-02 went from Pågående enligt plan to Försenad: the report's activity
    table says so under the status ("Sämre än förra perioden"), whether it lists every
    activity or only the deviations; the activity beside it, unchanged, has no such note."""
    import io

    from docx import Document

    from pipeline.merge import merge
    from pipeline.publish.report import build_report

    def stab(status):
        content = corpus.cells(valid, "Aktiviteter", {
            "H2": status, "I2": "Föreläsaren har lämnat återbud; ny dag bokas."})
        report, data = validate(parse_submission(content, name="STAB.xlsx"), register,
                                corpus.PERIOD)
        assert report.accepted
        return data

    previous = merge(register, corpus.PERIOD, {"STAB": stab("Pågående enligt plan")})
    merged = merge(register, corpus.PERIOD, {"STAB": stab("Försenad")}, previous.activities)
    doc = Document(io.BytesIO(build_report(register, merged, as_of=dt.datetime(2024, 9, 20, 2),
                                           activities=activities)))
    titles = dict(zip(register.activities["activity_id"], register.activities["title"],
                      strict=True))

    def status_cells(activity_id):
        return [row.cells[1].text for table in doc.tables for row in table.rows
                if row.cells[0].text.strip() == titles[activity_id].strip()]

    assert [cell.split("\n") for cell in status_cells("A3.1.1-02")] == \
        [["Försenad", "Sämre än förra perioden"]]
    # Vänteläge both times (and not reported by the other department it is shared with)
    assert status_cells("A3.1.2-01") == ["Vänteläge", "Ej rapporterad"]


# --- shares in whole per cents ------------------------------------------------------------------

def test_a_tie_of_remainders_gives_the_last_per_cent_to_the_larger_count():
    """Goals per assessment 1, 3 and 4 of 8 are 12,5 %, 37,5 % and 50 %: one per cent is
    left to give and 12,5 and 37,5 tie for it. The summary's Andel gives it to the larger
    count (12 %, 38 %, 50 %), whichever order the rows come in."""
    from pipeline.figures import shares

    assert shares([1, 3, 4]) == [0.12, 0.38, 0.5]
    assert shares([3, 1, 4]) == [0.38, 0.12, 0.5]


# --- a program's time stamp in a file's name ------------------------------------------------------

@pytest.mark.parametrize(("day", "stamp"), [
    (dt.datetime(2024, 1, 1), True), (dt.datetime(2023, 12, 31), False),
    (dt.datetime(2026, 11, 24), True), (dt.datetime(2026, 11, 25), False)])
def test_a_time_stamp_is_of_this_year_or_the_two_before_and_never_days_ahead(day, stamp):
    """Run on 2026-11-23: "SOC_T2_<date>-<time>.xlsx" is a program's time stamp, kept in the
    workbook as the department named its file, for a date from 2024-01-01 up to tomorrow (a
    clock a day ahead); 2023-12-31 or the day after tomorrow is a personnummer and masked."""
    from pipeline.identity import mask_identity_numbers
    from tests.test_identity import fitting

    moment = fitting(day, "%Y%m%d-%H%M")
    assert moment.date() == day.date()
    name = f"SOC_T2_{moment:%Y%m%d-%H%M}.xlsx"
    masked = mask_identity_numbers(name, today=dt.date(2026, 11, 23))
    assert (masked == name) is stamp
    if not stamp:
        assert masked == "SOC_T2_[personnummer borttaget].xlsx"


# --- the deadline day in the workbook's Sammanfattning --------------------------------------------

@pytest.mark.parametrize(("received", "in_time"), [
    (dt.datetime(2024, 9, 16, 23, 30), True), (dt.datetime(2024, 9, 17, 0, 30), False)])
def test_the_summary_calls_a_file_of_the_deadline_day_in_time(register, received, in_time):
    """Sammanfattning's I tid for 2024-T2 (sista inlämningsdag 2024-09-16): Ja for SOC's file
    received late in the evening of the deadline day, Nej half past midnight after it."""
    import pandas as pd

    from pipeline.publish.workbook.summary import department_states

    submissions = pd.DataFrame([{
        "department": "SOC", "file": "soc.xlsx", "received": received, "state": "Godkänd",
        "counts": True, "warnings": 0, "errors": 0}])
    states = {s.code: s for s in department_states(register, "2024-T2", submissions, {"SOC"},
                                                   as_of=dt.datetime(2024, 9, 20, 2))}
    assert states["SOC"].in_time is in_time
    assert states["SOC"].note == ""


@pytest.mark.parametrize(("as_of", "said"), [
    (dt.datetime(2024, 9, 16, 23, 0), "Sista inlämningsdag är 2024-09-16."),
    (dt.datetime(2024, 9, 17, 2, 0), "Sista inlämningsdag var 2024-09-16.")])
def test_the_summary_says_the_deadline_has_passed_only_after_its_day(register, as_of, said):
    """A department with no file: on the deadline day the workbook still says the day is
    (it has until midnight), from the next day that it was."""
    import pandas as pd

    from pipeline.publish.workbook.summary import department_states

    states = {s.code: s for s in department_states(register, "2024-T2", pd.DataFrame(), set(),
                                                   as_of=as_of)}
    assert states["SOC"].note == said


@pytest.mark.parametrize(("first", "said"), [
    ("2024-09-16T22:00:00", " (rättelse efter sista inlämningsdag; den första godkända filen "
                            "kom i tid, 2024-09-16)"),
    ("2024-09-17T02:00:00", " (försenad)")])
def test_a_correction_of_a_file_handed_in_on_the_deadline_day_is_not_late(register, first,
                                                                          said):
    """SOC's first accepted file came in on the deadline day (2024-09-16), its correction two
    days later: `pipeline status` says the correction is one, not that SOC is late; had the
    first file come the day after the deadline, SOC is late."""
    from pipeline.archive import Arrival
    from pipeline.ledger import department_status

    def arrival(when, name):
        return Arrival(run=when, received=when, name=name, folder="SOC", sha256=name * 16,
                       size=1, mtime_ns=0, department="SOC", period="2024-T2",
                       verdict="Godkänd", errors=0, warnings=0, saved_at=None)

    arrivals = [arrival(first, "soca"), arrival("2024-09-18T02:00:00", "socb")]
    lines = department_status(register, arrivals, "2024-T2", dt.date(2024, 9, 20)).lines()
    soc = next(line for line in lines if line.startswith("SOC "))
    assert soc == "SOC    Sociala avdelningen: Godkänd, 2024-09-18 02:00 (socb)" + said


# --- a register edited on the deadline day --------------------------------------------------------

@pytest.mark.parametrize(("today", "told"), [
    (dt.date(2024, 5, 15), False), (dt.date(2024, 5, 16), True)])
def test_a_register_edited_on_the_deadline_day_is_no_edit_after_it(tmp_path, register, today,
                                                                    told):
    """T1's outputs were written with another register (its checksum in periods.json) and T1
    is still the period collected. On T1's deadline day (2024-05-15) an edit is one of the
    period's own: no notice. From the day after, the controller is told that T1's outputs
    are rewritten against the edited register and how to put them back."""
    from pipeline.kept_registers import for_period, remember

    archive = tmp_path / "archive"
    remember(archive, "2024-T1", "ab" * 32)
    found = for_period(register, "2024-T1", archive, [], {}, today)
    assert found.register is register and not found.kept
    if told:
        assert found.notice is not None
        assert "sista inlämningsdag för 2024-T1 var 2024-05-15" in found.notice.message
    else:
        assert found.notice is None


# --- a large organ's report -----------------------------------------------------------------------

@pytest.mark.parametrize(("departments", "large"), [(30, False), (31, True)])
def test_a_report_of_more_than_thirty_departments_gets_a_table_of_contents(tmp_path,
                                                                           departments, large):
    """README: an organ of more than 30 departments gets a large organ's report, a table of
    contents after the title page and each department's sick leave in an appendix; an organ
    of exactly 30 reads as Ånge's does."""
    import io
    import sys

    from docx import Document

    from pipeline.labels import ReportHeading
    from pipeline.merge import merge
    from pipeline.publish.report import build_report
    from pipeline.register import read_register
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from bench import build_register

    build_register(tmp_path / "register.xlsx", departments, 1)
    register = read_register(tmp_path / "register.xlsx")
    merged = merge(register, "2024-T2", {})
    doc = Document(io.BytesIO(build_report(register, merged, as_of=dt.datetime(2024, 9, 20, 2))))
    texts = [p.text for p in doc.paragraphs]
    assert (ReportHeading.CONTENTS in texts) is large
    assert ("Bilaga: Sjukfrånvaro per avdelning" in texts) is large


# --- an earlier version's workbook beside a quarantine copy ---------------------------------------

@pytest.mark.parametrize(("lines", "tidied"), [
    (["Godkänd", "quarantine"], True),  # accepted by 0.1.0, in quarantine since
    (["quarantine", "Godkänd"], False)])  # taken out of quarantine and accepted since
def test_the_latest_ledger_line_decides_whether_an_xlsx_beside_quarantine_goes(tmp_path, lines,
                                                                                tidied):
    """Bytes 0.1.0 accepted (files/…xlsx) and a later version put in quarantine (a .bin
    copy): the harmful workbook is removed from files/, where a double-click would open it.
    Bytes whose latest line is an acceptance (out of quarantine and handed in again) keep
    their workbook, the copy the night reads."""
    import hashlib

    from pipeline.archive import Archive, Arrival

    content = b"the same bytes"
    sha = hashlib.sha256(content).hexdigest()
    archive = Archive(tmp_path / "archive")
    for path in (archive.blob_path(sha), archive.quarantine_path(sha)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    def line(kind):
        quarantined = kind == "quarantine"
        return Arrival(run="2024-09-01T02:00:00", received="2024-09-01T01:00:00",
                       name="soc.xlsx", folder="SOC", sha256=sha, size=len(content), mtime_ns=1,
                       department="SOC", period="2024-T2",
                       verdict="Dubblett" if quarantined else "Godkänd", errors=0, warnings=0,
                       saved_at=None, quarantine="file_macros" if quarantined else None)

    assert archive.tidy_quarantine([line(kind) for kind in lines]) == ([sha] if tidied else [])
    assert archive.blob_path(sha).exists() is not tidied
    assert archive.quarantine_path(sha).read_bytes() == content
