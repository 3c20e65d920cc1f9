"""Sick-leave and budget figures, and goals per goal area, against values computed by hand."""

import dataclasses
import math
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import figures
from pipeline.labels import AGE_GROUPS, GOAL_AREAS, SEXES, WHOLE_ORGAN_CODE, Assessment

W, M = SEXES
Y, MID, OLD = AGE_GROUPS


def unit(department, groups):
    """groups: {(sex, age): (employees, ordinary, sick, long_term)} → Sjukfrånvaro rows."""
    return pd.DataFrame([
        {"department": department, "sex": sex, "age_group": age, "employees": float(e),
         "ordinary_hours": float(o), "sick_hours": float(s), "long_term_hours": float(lt)}
        for (sex, age), (e, o, s, lt) in groups.items()])


def even(employees, ordinary, sick, long_term):
    return {(sex, age): (employees, ordinary, sick, long_term) for sex in SEXES
            for age in AGE_GROUPS}


# Two departments with very different sizes: a mean of their percentages would be wrong.
BIG = unit("UTB", even(20, 1000, 10, 5))  # 6 000 ordinary hours, 60 sick (1 %), 30 long-term
SMALL = unit("SBA", even(20, 100, 20, 2))  # 600 ordinary hours, 120 sick (20 %), 12 long-term


def test_organ_total_is_a_ratio_of_summed_hours_not_a_mean_of_percentages(register):
    table = figures.sick_leave_table(pd.concat([BIG, SMALL]), register).set_index("department")
    assert table.loc["UTB", "total"] == pytest.approx(60 / 6000)
    assert table.loc["SBA", "total"] == pytest.approx(120 / 600)
    organ = table.loc[WHOLE_ORGAN_CODE]
    assert organ["total"] == pytest.approx(180 / 6600)  # 2,73 %
    assert organ["total"] != pytest.approx((0.01 + 0.20) / 2)  # the naive 10,5 %
    # Women and the age groups are each their own group's hours, summed over departments.
    assert organ["women"] == pytest.approx((30 + 60) / (3000 + 300))
    assert organ["age_50"] == pytest.approx((20 + 40) / (2000 + 200))
    assert organ["name"] == "Kommunstyrelsen"
    assert not table.loc["STAB", "reported"] and math.isnan(table.loc["STAB", "total"])


def test_long_term_share_is_of_sick_hours_not_of_ordinary_hours(register):
    table = figures.sick_leave_table(pd.concat([BIG, SMALL]), register).set_index("department")
    assert table.loc["UTB", "long_term"] == pytest.approx(30 / 60)
    assert table.loc["SBA", "long_term"] == pytest.approx(12 / 120)
    assert table.loc[WHOLE_ORGAN_CODE, "long_term"] == pytest.approx(42 / 180)


def test_a_sex_with_nine_employees_hides_both_sexes_and_the_smallest_age_complement():
    rows = unit("STAB", {
        (W, Y): (5, 850, 40, 0), (W, MID): (15, 2550, 100, 30), (W, OLD): (10, 1700, 90, 40),
        (M, Y): (2, 340, 4, 0), (M, MID): (4, 680, 20, 0), (M, OLD): (3, 510, 30, 20),
    })
    result = figures.unit_figures(rows)
    assert result["men"].employees == 9 and result["men"].hidden  # 9 ≤ 10
    assert result["women"].hidden  # shown beside the total it would give the men away
    assert result["age_29"].employees == 7 and result["age_29"].hidden
    assert result["age_50"].employees == 13 and result["age_50"].hidden  # complement
    assert not result["age_30_49"].hidden  # 19 employees
    assert result["age_30_49"].value == pytest.approx(120 / 3230)
    assert not result["total"].hidden
    assert result["total"].value == pytest.approx(284 / 6630)
    assert result["long_term"].value == pytest.approx(90 / 284)
    for name in ("men", "women", "age_29", "age_50"):
        assert result[name].value is None


def test_ten_employees_is_small_and_eleven_is_not():
    rows = unit("EKO", {(W, Y): (5, 850, 10, 0), (W, MID): (5, 850, 10, 0),
                        (W, OLD): (5, 850, 10, 0), (M, Y): (5, 850, 20, 0),
                        (M, MID): (4, 680, 20, 0), (M, OLD): (6, 1020, 30, 0)})
    result = figures.unit_figures(rows)
    assert result["age_29"].employees == 10 and result["age_29"].hidden
    assert result["age_30_49"].employees == 9 and result["age_30_49"].hidden
    assert result["age_50"].employees == 11 and not result["age_50"].hidden
    assert result["age_50"].value == pytest.approx(40 / 1870)
    assert not result["women"].hidden and not result["men"].hidden  # 15 each


def test_complementary_suppression_of_a_pair():
    rows = unit("EKO", {(W, Y): (10, 1700, 10, 0), (W, MID): (10, 1700, 10, 0),
                        (W, OLD): (10, 1700, 10, 0), (M, Y): (3, 510, 20, 0),
                        (M, MID): (3, 510, 20, 0), (M, OLD): (2, 340, 20, 0)})
    result = figures.unit_figures(rows)
    assert result["men"].hidden and result["women"].hidden
    assert not result["total"].hidden  # 38 employees
    assert result["age_29"].employees == 13 and not result["age_29"].hidden


def test_a_unit_of_ten_or_fewer_shows_no_figure_at_all(register):
    rows = unit("EKO", {(W, MID): (6, 1000, 50, 10), (M, MID): (4, 700, 20, 0),
                        (W, Y): (0, 0, 0, 0), (W, OLD): (0, 0, 0, 0),
                        (M, Y): (0, 0, 0, 0), (M, OLD): (0, 0, 0, 0)})
    result = figures.unit_figures(rows)
    assert all(f.hidden and f.value is None for f in result.values())
    table = figures.sick_leave_table(rows, register).set_index("department")
    for figure in figures.FIGURES:
        assert table.loc["EKO", f"{figure}_hidden"]
        assert math.isnan(table.loc["EKO", figure])  # never a number


def test_baseline_shares_take_the_latest_date_per_unit(register):
    shares = figures.baseline_shares(register)
    assert shares[WHOLE_ORGAN_CODE] == pytest.approx(0.0911)
    assert shares["SOC"] == pytest.approx(0.1249)
    later = register.baselines.assign(date=pd.Timestamp("2024-06-30").date(),
                                      sick_leave_share=0.05).iloc[:1]
    changed = dataclasses.replace(register, baselines=pd.concat([register.baselines, later]))
    assert figures.baseline_shares(changed)[WHOLE_ORGAN_CODE] == pytest.approx(0.05)


# --- budget ----------------------------------------------------------------------------------

LINES = pd.DataFrame([
    # department, category, budget, outcome, forecast
    ("STAB", "Vuxna", 14.7, 10.3, 15.4),
    ("STAB", "Tillväxt", 28.6, 18.7, 28.0),
    ("UTB", "Barn och unga", 258.4, 175.1, 252.5),
    ("SOC", "Barn och unga", 15.2, 10.3, 15.9),
    ("SOC", "Vuxna", 60.0, 40.2, 60.0),
], columns=["department", "category", "budget", "outcome", "forecast"])


def by(frame, key):
    return frame.set_index(key)


def test_budget_totals_agree_both_ways(register):
    departments = by(figures.budget_by_department(LINES, register), "department")
    categories = by(figures.budget_by_category(LINES, register), "category")
    assert departments.loc["STAB", "budget"] == pytest.approx(43.3)
    assert departments.loc["STAB", "forecast"] == pytest.approx(43.4)
    assert departments.loc["STAB", "deviation"] == pytest.approx(-0.1)  # over budget
    assert departments.loc["SOC", "deviation"] == pytest.approx(-0.7)
    assert categories.loc["Barn och unga", "budget"] == pytest.approx(273.6)
    assert categories.loc["Barn och unga", "deviation"] == pytest.approx(5.2)
    assert categories.loc["Vuxna", "outcome"] == pytest.approx(50.5)
    assert list(categories.index) == ["Barn och unga", "Vuxna", "Tillväxt", WHOLE_ORGAN_CODE]
    for column, total in (("budget", 376.9), ("outcome", 254.6), ("forecast", 371.8),
                          ("deviation", 5.1)):
        assert departments.loc[WHOLE_ORGAN_CODE, column] == pytest.approx(total)
        assert categories.loc[WHOLE_ORGAN_CODE, column] == pytest.approx(total)
        rows = departments.drop(WHOLE_ORGAN_CODE)[column].sum(min_count=1)
        assert rows == pytest.approx(total)
    # EKO and SBA have no lines here: no row (it read as a budget of 0 not reported), and
    # the organ's total is complete
    assert list(departments.index) == ["STAB", "UTB", "SOC", WHOLE_ORGAN_CODE]
    assert departments.loc[WHOLE_ORGAN_CODE, "complete"]


def test_a_department_that_has_not_reported_leaves_its_totals_incomplete(register):
    lines = LINES.copy()
    lines.loc[lines["department"] == "SOC", ["outcome", "forecast"]] = float("nan")
    departments = by(figures.budget_by_department(lines, register), "department")
    categories = by(figures.budget_by_category(lines, register), "category")
    assert not departments.loc["SOC", "complete"]
    assert math.isnan(departments.loc["SOC", "deviation"])
    assert not departments.loc[WHOLE_ORGAN_CODE, "complete"]
    assert math.isnan(departments.loc[WHOLE_ORGAN_CODE, "deviation"])
    assert departments.loc[WHOLE_ORGAN_CODE, "budget"] == pytest.approx(376.9)
    assert categories.loc["Tillväxt", "complete"]  # only STAB's line, which is reported
    assert not categories.loc["Vuxna", "complete"]


def test_amounts_round_half_up_per_line_so_shown_totals_add_up(register):
    lines = pd.DataFrame([("STAB", "Vuxna", 2.25, 1.05, 2.349),
                          ("STAB", "Tillväxt", 2.25, 1.05, 2.349)],
                         columns=["department", "category", "budget", "outcome", "forecast"])
    rounded = figures.rounded_lines(lines)
    assert list(rounded["budget"]) == [2.3, 2.3]  # Python's round(2.25, 1) gives 2.2
    assert list(rounded["outcome"]) == [1.1, 1.1]
    assert list(rounded["forecast"]) == [2.3, 2.3]
    total = by(figures.budget_by_department(rounded, register), "department")
    assert total.loc[WHOLE_ORGAN_CODE, "budget"] == pytest.approx(4.6)  # 2,3 + 2,3, not 4,5
    assert figures.round_half_up(-0.05, 1) == pytest.approx(-0.1)
    assert math.isnan(figures.round_half_up(float("nan")))


# -- the forecast against the period before's --------------------------------------------------

def _then(lines, **forecasts):
    """LINES as the period before reported them: `forecasts` (department → a forecast per
    line, None for none), every other department's lines without a forecast."""
    before = LINES.copy()
    before["forecast"] = float("nan")
    for code, values in forecasts.items():
        before.loc[before["department"] == code, "forecast"] = [
            float("nan") if v is None else v for v in values]
    return before


def test_each_forecast_is_compared_with_the_period_before_and_totals_are_the_sum_of_rows(
        register):
    before = _then(LINES, STAB=[15.0, 28.0], UTB=[260.0], SOC=[15.2, 61.0])
    lines = figures.previous_forecasts(LINES, before)
    stab = lines[lines["department"] == "STAB"]
    assert list(stab["previous_forecast"]) == [15.0, 28.0]
    assert list(stab["change_forecast"]) == pytest.approx([0.4, 0.0])
    departments = by(figures.forecast_change_totals(
        figures.budget_by_department(lines, register), lines, "department"), "department")
    assert departments.loc["STAB", "previous_forecast"] == pytest.approx(43.0)
    assert departments.loc["STAB", "change_forecast"] == pytest.approx(0.4)  # 43,4 − 43,0
    assert departments.loc["SOC", "change_forecast"] == pytest.approx(-0.3)  # 75,9 − 76,2
    # EKO and SBA have no lines: nothing to compare, and they are no gap in the organ's sum
    organ = departments.loc[WHOLE_ORGAN_CODE]
    assert organ["previous_complete"]
    assert organ["previous_forecast"] == pytest.approx(43.0 + 260.0 + 76.2)
    assert organ["change_forecast"] == pytest.approx(371.8 - 379.2)
    assert organ["change_forecast"] == pytest.approx(departments.drop(WHOLE_ORGAN_CODE)[
        "change_forecast"].sum())
    categories = by(figures.forecast_change_totals(
        figures.budget_by_category(lines, register), lines, "category"), "category")
    assert categories.loc[WHOLE_ORGAN_CODE, "change_forecast"] == pytest.approx(
        organ["change_forecast"])
    assert categories.loc["Barn och unga", "previous_forecast"] == pytest.approx(260.0 + 15.2)


def test_a_total_is_compared_only_like_with_like(register):
    """A department that did not report then, or a category without a forecast then: its
    rows are blank, and so is every total that covers them (as the sick-leave organ's figure
    of then, shown only when every department reported then); a line without a forecast now
    leaves the change blank where the forecast of then is shown."""
    before = _then(LINES, STAB=[None, 27.5], UTB=[260.0])  # SOC silent, STAB's Vuxna new
    now = LINES.copy()
    now.loc[now["department"] == "UTB", "forecast"] = float("nan")  # UTB silent now
    lines = figures.previous_forecasts(now, before)
    assert list(lines.loc[lines["department"] == "SOC", "previous_reported"]) == [False] * 2
    assert list(lines.loc[lines["department"] == "STAB", "previous_reported"]) == [True] * 2
    departments = by(figures.forecast_change_totals(
        figures.budget_by_department(lines, register), lines, "department"), "department")
    assert math.isnan(departments.loc["STAB", "previous_forecast"])  # Vuxna had none then
    assert math.isnan(departments.loc["SOC", "previous_forecast"])
    assert departments.loc["UTB", "previous_forecast"] == 260.0
    assert math.isnan(departments.loc["UTB", "change_forecast"])  # no forecast now
    organ = departments.loc[WHOLE_ORGAN_CODE]
    assert math.isnan(organ["previous_forecast"]) and not organ["previous_complete"]
    assert organ["previous_missing"] == ["SOC", "STAB"]
    categories = by(figures.forecast_change_totals(
        figures.budget_by_category(lines, register), lines, "category"), "category")
    assert categories.loc["Tillväxt", "change_forecast"] == pytest.approx(0.5)  # STAB alone
    assert categories.loc["Vuxna", "previous_missing"] == ["SOC", "STAB"]


def test_the_departments_whose_forecast_rose_most_come_first(register):
    before = _then(LINES, STAB=[14.0, 28.0], UTB=[244.3], SOC=[15.9, 60.0])
    compared = figures.previous_forecasts(LINES, before)
    departments = figures.forecast_change_totals(
        figures.budget_by_department(compared, register), compared, "department")
    worst = figures.worsened_most(departments, 2)
    assert list(worst["department"]) == ["UTB", "STAB"]  # +8,2 and +1,4; SOC unchanged
    assert figures.worsened_most(departments, 5)["department"].tolist() == ["UTB", "STAB"]


def test_without_a_period_before_nothing_is_compared(register):
    assert figures.budget_against_previous(LINES.assign(comment=""), None, register) is None


# --- goals per goal area ---------------------------------------------------------------------

def goals(*pairs):
    return pd.DataFrame(pairs, columns=["area", "assessment"])


def test_goals_per_area_follow_the_plans_order_and_leave_out_an_area_without_goals():
    """Ånge's register lists Vuxna first (its goals come under KF-mål 3.1); the plan, the
    report's chart and the tables list Barn och unga first. Äldre 65+ has no goal here and
    gets no row of zeros."""
    rows = figures.goals_by_area(goals(
        ("Vuxna", "Uppfyllt"), ("Tillväxt", "Ej uppfyllt"), ("Barn och unga", None),
        ("Vuxna", "Knappt uppfyllt"), ("God ekonomisk hushållning", "Delvis uppfyllt"),
        ("Tillväxt", "Ej uppfyllt")))
    assert [(r.area, r.assessed, r.not_assessed, r.total, r.negative) for r in rows] == [
        ("Barn och unga", (0, 0, 0, 0), 1, 1, 0),
        ("Vuxna", (1, 0, 1, 0), 0, 2, 1),
        ("Tillväxt", (0, 0, 0, 2), 0, 2, 2),
        ("God ekonomisk hushållning", (0, 1, 0, 0), 0, 1, 0)]


@given(st.lists(st.tuples(st.sampled_from([*GOAL_AREAS, "Kultur"]),
                          st.sampled_from([*(a.value for a in Assessment), None])),
                max_size=40))
def test_goals_per_area_add_up_to_the_organs_goals_per_assessment(pairs):
    rows = figures.goals_by_area(goals(*pairs) if pairs else goals())
    organ = Counter(assessment for _, assessment in pairs)
    assert [sum(r.assessed[i] for r in rows) for i in range(len(Assessment))] == \
        [organ[a.value] for a in Assessment]
    assert sum(r.not_assessed for r in rows) == organ[None]
    assert sum(r.total for r in rows) == len(pairs)
    assert all(r.total for r in rows)
    assert [r.area for r in rows] == [a for a in GOAL_AREAS if a in {p[0] for p in pairs}] + \
        (["Kultur"] if "Kultur" in {p[0] for p in pairs} else [])
