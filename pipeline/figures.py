"""Sick leave and budget figures, counted as the law and the finance office count them, and
the goal counts' headline and goals per goal area (pure): what the workbook and the report
both show, worked out once.

Sick leave: the seven standard figures of a Swedish municipal annual report, each a ratio of
summed hours (never a mean of percentages): total sick hours ÷ ordinary hours; the same for
women, men and the three age groups (each of that group's own hours); and long-term sick
hours (60 days or more) ÷ total sick hours.

Privacy: a figure for a group of 10 employees or fewer is never shown. When one group of a
pair or triple is hidden and the others are shown beside the total, the hidden one could be
estimated from them, so the smallest remaining group of that partition is hidden too
(complementary suppression). Hours per group are never published.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from .labels import (
    AGE_GROUPS,
    AMOUNT_DECIMALS,
    GOAL_AREAS,
    HEADLINE,
    HEADLINE_NEGATIVE,
    HEADLINE_NO_GOALS,
    HEADLINE_NONE_ASSESSED,
    HEADLINE_ONE,
    HEADLINE_OPENING,
    HEADLINE_POSITIVE,
    HEADLINE_UNASSESSED,
    SEXES,
    SICK_LEAVE_GOAL_WORD,
    WHOLE_ORGAN_CODE,
    Assessment,
)
from .register import Register

SMALL_GROUP = 10  # a group of this many employees or fewer is never shown

FIGURES = ("total", "women", "men", "age_29", "age_30_49", "age_50", "long_term")
FIGURE_LABELS = {
    "total": "Total sjukfrånvaro",
    "women": "Kvinnor",
    "men": "Män",
    "age_29": "29 år eller yngre",
    "age_30_49": "30–49 år",
    "age_50": "50 år eller äldre",
    "long_term": "Andel långtidssjukfrånvaro (60 dagar eller mer)",
}
# figure -> rows of the Sjukfrånvaro sheet it sums (by sex or age group)
GROUPS = {"women": ("sex", SEXES[0]), "men": ("sex", SEXES[1]),
          "age_29": ("age_group", AGE_GROUPS[0]), "age_30_49": ("age_group", AGE_GROUPS[1]),
          "age_50": ("age_group", AGE_GROUPS[2])}
PARTITIONS = (("women", "men"), ("age_29", "age_30_49", "age_50"))


@dataclass(frozen=True)
class Figure:
    value: float | None  # a share 0..1; None when hidden or not reported
    employees: float
    hidden: bool  # True: a small group (or its complement), shown as "–" with a note


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def unit_figures(rows: pd.DataFrame | list[dict[str, Any]]) -> dict[str, Figure]:
    """The seven figures for one unit's Sjukfrånvaro rows (one department or the organ)."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows

    def total(column: str, part: list[dict[str, Any]] = records) -> float:
        return float(sum(float(r[column]) for r in part))

    employees = total("employees")
    ordinary, sick, long_term = (total(c) for c in ("ordinary_hours", "sick_hours",
                                                    "long_term_hours"))
    small_unit = employees <= SMALL_GROUP
    figures = {
        "total": Figure(None if small_unit else _ratio(sick, ordinary), employees, small_unit),
        "long_term": Figure(None if small_unit else _ratio(long_term, sick), employees,
                            small_unit),
    }
    for name, (column, value) in GROUPS.items():
        group = [r for r in records if r[column] == value]
        count = total("employees", group)
        hidden = small_unit or count <= SMALL_GROUP
        ratio = _ratio(total("sick_hours", group), total("ordinary_hours", group))
        figures[name] = Figure(None if hidden else ratio, count, hidden)
    for partition in PARTITIONS:
        hidden_names = [n for n in partition if figures[n].hidden]
        shown = [n for n in partition if not figures[n].hidden]
        if len(hidden_names) == 1 and shown:
            other = min(shown, key=lambda n: figures[n].employees)
            figures[other] = Figure(None, figures[other].employees, True)
    return figures


def sick_leave_table(sick: pd.DataFrame, register: Register) -> pd.DataFrame:
    """One row per department in register order, then the whole organ (WHOLE_ORGAN_CODE).

    Columns: department, name, reported, employees, then for each of FIGURES the share (NaN
    when hidden or not reported) and `<figure>_hidden` (bool).
    """
    rows = []
    units = [(code, register.department_names[code]) for code in register.department_codes]
    units.append((WHOLE_ORGAN_CODE, register.settings.organ))
    records = sick.to_dict("records")
    by_department: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_department.setdefault(str(record["department"]), []).append(record)
    for code, name in units:
        part = records if code == WHOLE_ORGAN_CODE else by_department.get(code, [])
        row: dict[str, object] = {"department": code, "name": name, "reported": bool(part),
                                  "employees": float(sum(float(r["employees"]) for r in part))}
        figures = unit_figures(part) if part else {}
        for figure in FIGURES:
            value = figures.get(figure)
            row[figure] = value.value if value and value.value is not None else float("nan")
            row[f"{figure}_hidden"] = bool(value and value.hidden)
        rows.append(row)
    return pd.DataFrame(rows)


def headline(assessments: Sequence[str | None]) -> str:
    """The goals' summary sentence, in the report and on Sammanfattning alike: "Av de totalt 21
    målen är 14 uppfyllda eller delvis uppfyllda och 7 knappt eller ej uppfyllda." (seed
    002), then how many lack an assessment."""
    total = len(assessments)
    if total == 0:
        return HEADLINE_NO_GOALS
    assessed = [Assessment(a) for a in assessments if isinstance(a, str)]
    if not assessed:
        return HEADLINE_NONE_ASSESSED[total > 1].format(total=total)
    positive = sum(a.positive for a in assessed)
    negative = len(assessed) - positive
    if total == 1:  # not "Av det enda målet är 1 uppfyllt … och 0 knappt …"
        return HEADLINE_ONE.format(
            bedomning=HEADLINE_POSITIVE[0] if positive else HEADLINE_NEGATIVE[0])
    sentence = HEADLINE.format(
        opening=HEADLINE_OPENING.format(total=total),
        positive=f"{positive} {HEADLINE_POSITIVE[positive != 1]}",
        negative=f"{negative} {HEADLINE_NEGATIVE[negative != 1]}")
    missing = total - len(assessed)
    if missing:
        sentence += " " + HEADLINE_UNASSESSED[missing > 1].format(count=missing)
    return sentence


@dataclass(frozen=True)
class AreaCounts:
    """One goal area's KS goals per assessment, as Sammanfattning and the report's summary
    both show them."""

    area: str
    assessed: tuple[int, ...]  # per Assessment, in its order
    not_assessed: int

    @property
    def total(self) -> int:
        return sum(self.assessed) + self.not_assessed

    @property
    def negative(self) -> int:
        """Goals knappt or ej uppfyllda (the headline's second group)."""
        return sum(n for a, n in zip(Assessment, self.assessed, strict=True) if not a.positive)


def goals_by_area(goals: pd.DataFrame) -> list[AreaCounts]:
    """The goals (merged goals: `area`, `assessment`) counted per goal area: the areas in the
    order of GOAL_AREAS (the SPEC's, the plan's, the report's chart's), then any other in
    alphabetical order. An area without goals has no row: a municipality that sets no goal in
    one of the five areas does not see it listed as empty every tertial. Summed, the rows are
    the organ's goals per assessment."""
    areas = [str(a) for a in goals["area"]]
    assessments = [a if isinstance(a, str) else None for a in goals["assessment"]]
    present = set(areas)
    order = [a for a in GOAL_AREAS if a in present] + sorted(present - set(GOAL_AREAS))
    tally: dict[str, Counter[str | None]] = {area: Counter() for area in order}
    for area, assessment in zip(areas, assessments, strict=True):
        tally[area][assessment] += 1
    return [AreaCounts(area, tuple(tally[area][a.value] for a in Assessment),
                       tally[area][None]) for area in order]


def shares(counts: Sequence[int]) -> list[float]:
    """Each count's share of their sum in whole per cent, as the workbook and the report show
    a table of goals per assessment or activities per status: rounded so that the rows add
    up to the 100 % of the total row (largest remainder; the larger count first on a tie).
    Rounded each on its own, three thirds showed 33 % + 33 % + 33 % above 100 %."""
    total = sum(counts)
    if total == 0:
        return [0.0] * len(counts)
    exact = [count * 100 / total for count in counts]
    whole = [int(value) for value in exact]
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - whole[i]), -counts[i], i))
    for i in order[:100 - sum(whole)]:
        whole[i] += 1
    return [value / 100 for value in whole]


def sick_leave_goal(register: Register) -> str | None:
    """The KS goal measured by the sick-leave figure ("Sjukfrånvaron ska minska")."""
    for goal in register.board_goals.itertuples():
        if SICK_LEAVE_GOAL_WORD in str(goal.title).casefold():
            return str(goal.ks_id)
    return None


def organ_change(table: pd.DataFrame, register: Register) -> float | None:
    """The organ's sick leave in a sick_leave_table against its latest baseline, in
    percentage points as shown (points_change); None where the two are not compared: not
    every department has reported, the figure is hidden or missing, or there is no baseline."""
    organ = table[table["department"] == WHOLE_ORGAN_CODE].iloc[0]
    base = baseline_shares(register).get(WHOLE_ORGAN_CODE)
    if base is None or not all_reported(table) or organ["total_hidden"] or \
            pd.isna(organ["total"]):
        return None
    return points_change(float(organ["total"]), base)


def met_while_rising(assessment: object, change: float | None) -> bool:
    """The owner assesses the sick-leave goal ("Sjukfrånvaron ska minska") as met while the
    organ's sick leave, as shown, is above its baseline: the committee is told, and the
    assessment stays the owner's."""
    return assessment == Assessment.MET and change is not None and change > 0


def reported_count(table: pd.DataFrame) -> int:
    """How many departments in a sick_leave_table have reported."""
    return int(table.loc[table["department"] != WHOLE_ORGAN_CODE, "reported"].sum())


def all_reported(table: pd.DataFrame) -> bool:
    """Whether every department in a sick_leave_table has reported, so that the organ's row
    covers them all."""
    return reported_count(table) == int((table["department"] != WHOLE_ORGAN_CODE).sum())


def baseline_shares(register: Register) -> dict[str, float]:
    """The latest baseline sick-leave share per department code (and WHOLE_ORGAN_CODE)."""
    frame = register.baselines.sort_values("date")
    return dict(zip(frame["department"], frame["sick_leave_share"], strict=True))


def baseline_dates(register: Register) -> dict[str, dt.date]:
    """The date of each of baseline_shares' baselines."""
    frame = register.baselines.sort_values("date")
    return dict(zip(frame["department"], frame["date"], strict=True))


def baseline_percent(share: float) -> tuple[float, int]:
    """A baseline share as a per cent the way the register gives it (9,11 or 9,1) and the
    number of decimals to show: two where the second is not 0, else one."""
    value = round_half_up(share * 100, 2)
    return value, 2 if round(value * 100) % 10 else 1


def points_change(share: float, base: float) -> float:
    """The change from the baseline `base` to `share`, in percentage points, as a reader works
    it out from what is shown: the share to one decimal of a per cent minus the baseline as
    given, to one decimal. The workbook and the report both print this number. (+ 0.0: never
    "−0,0".)"""
    return round_half_up(round_half_up(share * 100, 1) - base * 100, 1) + 0.0


def previous_comparison(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Each unit's total sick leave against the period before (both sick_leave_tables against
    the same register), as the workbook's Sjukfrånvaro and the report print it: a row per
    row of `now`, its index, with `previous_total` (the share of then as shown, to a tenth of
    a per cent) and `change_previous` (the two shares as shown, subtracted, in percentage
    points), NaN where not shown. A unit's figure of then is shown where it was shown then;
    the organ's only if every department reported then (else it covers fewer departments
    than the figure that period's own workbook showed); the organ's change only when all
    have reported, then and now, and they are the same departments (`before` is the period
    before's table against the register it was read against: a department taken out of the
    register since is in its organ's figure, which is that period's own)."""
    complete, before_complete = all_reported(now), all_reported(before)
    same = same_departments(now, before)
    then = before.set_index("department")
    previous_total, change_previous = [], []
    for row in now.itertuples():
        organ = row.department == WHOLE_ORGAN_CODE
        was = float("nan")
        if row.department in then.index and (not organ or before_complete):
            prev = then.loc[row.department]
            if not prev["total_hidden"] and not pd.isna(prev["total"]):
                was = round_half_up(float(prev["total"]), 3)
        shown = not row.total_hidden and not pd.isna(row.total)
        comparable = not organ or (complete and before_complete and same)
        previous_total.append(was)
        change_previous.append(
            round_half_up((round_half_up(row.total, 3) - was) * 100, 1) + 0.0
            if shown and not pd.isna(was) and comparable else float("nan"))
    return pd.DataFrame({"previous_total": previous_total, "change_previous": change_previous},
                        index=now.index)


def same_departments(now: pd.DataFrame, before: pd.DataFrame) -> bool:
    """Whether two sick_leave_tables cover the same departments (none added to the register
    or taken out of it between the two periods)."""
    return department_changes(now, before) == ([], [])


def department_changes(now: pd.DataFrame, before: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The departments of `now` that `before` lacks (added since), and those of `before` that
    `now` lacks (taken out since), each in its table's order."""
    codes_now = [c for c in now["department"] if c != WHOLE_ORGAN_CODE]
    codes_then = [c for c in before["department"] if c != WHOLE_ORGAN_CODE]
    return ([c for c in codes_now if c not in set(codes_then)],
            [c for c in codes_then if c not in set(codes_now)])


def round_half_up(value: float, decimals: int = 1) -> float:
    """Rounding as on paper (2,25 → 2,3), not Python's round-half-to-even on binary floats."""
    if pd.isna(value):
        return float("nan")
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def amount_decimals(unit: str) -> int:
    """How many decimals amounts in `unit` are shown with: 51 500 tkr, 51,5 mnkr."""
    return AMOUNT_DECIMALS.get(unit, 1)


def rounded_lines(budget: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """Budget lines with every amount rounded to the shown precision first, so that the
    totals of the published tables add up to exactly what their rows show, both ways."""
    lines = budget.copy()
    for column in ("budget", "outcome", "forecast"):
        lines[column] = lines[column].map(lambda v: round_half_up(v, decimals)).astype(float)
    return lines


def budget_by_department(budget: pd.DataFrame, register: Register) -> pd.DataFrame:
    """Budget, outcome, forecast and deviation (budget − forecast) per department, with a
    total row (department = WHOLE_ORGAN_CODE). Outcome and forecast are NaN for a department
    that has not reported; the total then sums what was reported and says so in `complete`.
    A department without a budget line in the register (a unit budgeted elsewhere) has no
    row, as a category without lines has none: it has no forecast to give, and its row read
    "Ej rapporterad" with a budget of 0 beside its accepted report."""
    present = set(budget["department"])
    return _totals(budget, "department",
                   [code for code in register.department_codes if code in present])


def budget_by_category(budget: pd.DataFrame, register: Register) -> pd.DataFrame:
    from .labels import BUDGET_CATEGORIES

    present = [c for c in BUDGET_CATEGORIES if c in set(budget["category"])]
    return _totals(budget, "category", present)


def _totals(budget: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    # One pass to find each group's lines (not a boolean mask per group: 300 departments).
    positions = budget.groupby(key, sort=False).indices
    amounts = {column: budget[column].to_numpy(dtype=float)
               for column in ("budget", "outcome", "forecast")}
    none = np.array([], dtype=np.intp)
    rows = [_sums({column: values[positions.get(value, none)]
                   for column, values in amounts.items()}, {key: value})
            for value in order]
    rows.append(_sums(amounts, {key: WHOLE_ORGAN_CODE}))
    return pd.DataFrame(rows)


def _sum(values: np.ndarray) -> float:
    """What pandas' Series.sum gives (missing values count as nothing), on a plain array."""
    return float(np.nansum(values))


def _sums(part: dict[str, np.ndarray], label: dict[str, str]) -> dict[str, object]:
    reported = {column: ~np.isnan(values) for column, values in part.items()}
    budget = round(_sum(part["budget"]), 6)
    complete = bool(reported["forecast"].all()) and len(part["forecast"]) > 0
    outcome = round(_sum(part["outcome"]), 6) if reported["outcome"].any() else float("nan")
    forecast = round(_sum(part["forecast"]), 6) if reported["forecast"].any() \
        else float("nan")
    deviation = round(budget - forecast, 6) if complete else float("nan")
    return {**label, "budget": budget, "outcome": outcome, "forecast": forecast,
            "deviation": deviation, "complete": complete}


# -- the forecast against the period before's ------------------------------------------------
#
# At T2 and T3 the committee reads how each forecast moved since the year's period before
# (seed 004: "Budget 2023 / Prognos 23-08-31"), a worsening forecast being its early warning.
# The period before is read as it reported: its lines are those of the register its own
# outputs were written with (archived.previous_merged), which an edit since may have changed
# (a line added, one removed). Each is rounded as shown before anything is summed or
# subtracted, so a reader's own sums agree.


def previous_forecasts(lines: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Each budget line of `lines` with the forecast of the period before (`before`: that
    period's lines; both rounded_lines): `previous_forecast` (NaN where there was none then:
    the department did not report, its report had no forecast for the category, or the line
    was not in that period's register), `change_forecast` (forecast now − then, NaN unless
    both), `previous_reported` (the department had a forecast for some line then) and
    `new_line` (the line was not among the period before's: added to the register since)."""
    then = {(d, c): f for d, c, f in zip(before["department"], before["category"],
                                         before["forecast"], strict=True)}
    reported_then = set(before.loc[before["forecast"].notna(), "department"])
    keys = list(zip(lines["department"], lines["category"], strict=True))
    previous = [float(then.get(key, float("nan"))) for key in keys]
    frame = lines.assign(previous_forecast=previous)
    change = (frame["forecast"] - frame["previous_forecast"]).round(6) + 0.0
    return frame.assign(change_forecast=change,
                        previous_reported=frame["department"].isin(reported_then),
                        new_line=[key not in then for key in keys])


def gone_lines(lines: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """The period before's lines (`before`, rounded_lines) that `lines` no longer has: removed
    from the register since, or their department taken out. Their forecast of then stays in
    that period's totals, which are the ones its own workbook and report showed. Columns:
    department, category, previous_forecast (NaN where there was none then), in the order of
    `before`."""
    now = set(zip(lines["department"], lines["category"], strict=True))
    gone = [(d, c) not in now for d, c in zip(before["department"], before["category"],
                                             strict=True)]
    return before.loc[gone, ["department", "category", "forecast"]].rename(
        columns={"forecast": "previous_forecast"}).reset_index(drop=True)


def forecast_change_totals(totals: pd.DataFrame, compared: pd.DataFrame, key: str,
                           gone: pd.DataFrame | None = None) -> pd.DataFrame:
    """A budget_by_department or budget_by_category frame (`key` "department" or "category")
    with each row's forecast of the period before and the change, from previous_forecasts'
    `compared` lines and the lines `gone` since (gone_lines). Like with like, as
    previous_comparison's organ row: a row's forecast of then is the sum of the lines it
    covered then (its lines of now that were there then, and those gone since), shown only when
    every one of them had a forecast then (else it covers fewer lines than that period's own
    sum); its change only when it covers the same lines then and now (none added or gone) and
    every one has a forecast then and now. Then each total is the sum of its rows, the change
    of the total the sum of their changes. Adds `previous_forecast`, `change_forecast`,
    `previous_complete` (every line of then had one then), `previous_missing` (the departments
    with a line without a forecast then) and `lines_changed` (lines added or gone since)."""
    positions = compared.groupby(key, sort=False).indices
    everything = np.arange(len(compared))
    before = compared["previous_forecast"].to_numpy(dtype=float)
    now = compared["forecast"].to_numpy(dtype=float)
    departments = compared["department"].to_numpy(dtype=object)
    new = compared["new_line"].to_numpy(dtype=bool) if "new_line" in compared \
        else np.zeros(len(compared), dtype=bool)
    if gone is None or gone.empty:
        gone_positions: dict[object, np.ndarray] = {}
        gone_all = np.array([], dtype=np.intp)
        gone_before = np.array([], dtype=float)
        gone_departments = np.array([], dtype=object)
    else:
        gone_positions = gone.groupby(key, sort=False).indices
        gone_all = np.arange(len(gone))
        gone_before = gone["previous_forecast"].to_numpy(dtype=float)
        gone_departments = gone["department"].to_numpy(dtype=object)
    none = np.array([], dtype=np.intp)
    previous, change, complete, missing, changed = [], [], [], [], []
    for value in totals[key]:
        organ = value == WHOLE_ORGAN_CODE
        part = everything if organ else positions.get(value, none)
        was_there = part[~new[part]]
        away = gone_all if organ else gone_positions.get(value, none)
        then_values = before[was_there]
        if len(away):
            then_values = np.concatenate([then_values, gone_before[away]])
        gaps = np.isnan(then_values)
        whole_then = len(then_values) > 0 and not gaps.any()
        then = round(float(then_values.sum()), 6) if whole_then else float("nan")
        differs = len(away) > 0 or len(was_there) < len(part)
        previous.append(then)
        change.append(round(float(now[part].sum()) - then, 6) + 0.0
                      if whole_then and not differs and not np.isnan(now[part]).any()
                      else float("nan"))
        complete.append(whole_then)
        missing.append(sorted(set(np.concatenate([departments[was_there],
                                                  gone_departments[away]])[gaps])))
        changed.append(differs)
    return totals.assign(previous_forecast=previous, change_forecast=change,
                         previous_complete=complete, previous_missing=missing,
                         lines_changed=changed)


def gone_totals(gone: pd.DataFrame, key: str, present: set[object]) -> pd.DataFrame:
    """A row per department or category (`key`) of the period before that the register no
    longer has any line of (`gone`: gone_lines; `present`: the values of `key` now): its sum
    of then, as forecast_change_totals' rows have it (NaN unless every line had a forecast
    then), nothing now and no change. With these rows a table of a forecast_change_totals frame
    adds up to its total for the period before as it does for this one: without them a
    department taken out of the register, or a category whose every line was removed, was in
    the sum of then but in no row above it. In the order of `gone` (the period before's)."""
    rows = []
    for value, part in gone.groupby(key, sort=False):
        if value in present:
            continue
        then = part["previous_forecast"].to_numpy(dtype=float)
        gaps = np.isnan(then)
        rows.append({key: value, "budget": float("nan"), "outcome": float("nan"),
                     "forecast": float("nan"), "deviation": float("nan"), "complete": True,
                     "previous_forecast": float("nan") if gaps.any()
                     else round(float(then.sum()), 6),
                     "change_forecast": float("nan"), "previous_complete": not gaps.any(),
                     "previous_missing": sorted(set(part["department"].to_numpy()[gaps])),
                     "lines_changed": True, "gone": True})
    return pd.DataFrame(rows, columns=[key, "budget", "outcome", "forecast", "deviation",
                                       "complete", "previous_forecast", "change_forecast",
                                       "previous_complete", "previous_missing",
                                       "lines_changed", "gone"])


@dataclass(frozen=True)
class BudgetComparison:
    lines: pd.DataFrame  # rounded_lines with previous_forecasts' columns
    by_department: pd.DataFrame  # budget_by_department with forecast_change_totals' columns
    by_category: pd.DataFrame
    # the period before's lines no longer in the register (gone_lines), in its totals
    gone: pd.DataFrame

    def table(self, key: str) -> pd.DataFrame:
        """by_department or by_category (`key` "department" or "category") as the tables of
        both outputs show it, with a `gone` column: True for the rows of gone_totals, a
        department or category the register no longer has (a department after those of the
        register, before the total; a category in its place among BUDGET_CATEGORIES). Each
        table then adds up to its total for the period before too. Without gone lines, the
        frame itself (gone all False)."""
        from .labels import BUDGET_CATEGORIES

        totals = self.by_department if key == "department" else self.by_category
        totals = totals.assign(gone=False)
        if self.gone.empty:
            return totals
        extra = gone_totals(self.gone, key, set(totals[key]))
        if extra.empty:
            return totals
        rows = totals[totals[key] != WHOLE_ORGAN_CODE]
        organ = totals[totals[key] == WHOLE_ORGAN_CODE]
        joined = pd.concat([rows, extra], ignore_index=True)
        if key == "category":
            place = {c: i for i, c in enumerate(BUDGET_CATEGORIES)}
            joined = joined.sort_values(key, key=lambda values: values.map(
                lambda v: place.get(v, len(place))), kind="stable")
        return pd.concat([joined, organ], ignore_index=True)


def budget_against_previous(budget: pd.DataFrame, before: pd.DataFrame | None,
                            register: Register) -> BudgetComparison | None:
    """The period's budget lines (Merged.budget) against the period before's, as the
    workbook's Ekonomi and the report both show them: rounded as shown, compared line by line
    and in the totals per department and per category by forecast_change_totals' rule. None
    without a period before (the year's first, or nothing counted then)."""
    if before is None:
        return None
    decimals = amount_decimals(register.settings.unit)
    then = rounded_lines(before, decimals)
    lines = previous_forecasts(rounded_lines(budget, decimals), then)
    gone = gone_lines(lines, then)
    return BudgetComparison(
        lines,
        forecast_change_totals(budget_by_department(lines, register), lines, "department",
                               gone),
        forecast_change_totals(budget_by_category(lines, register), lines, "category", gone),
        gone)


def worsened_most(by_department: pd.DataFrame, count: int) -> pd.DataFrame:
    """The departments (not the organ's row) whose forecast rose most since the period before,
    largest rise first (register order on a tie), at most `count`: a higher forecast of net
    cost is the worsening the committee acts on."""
    rows = by_department[(by_department["department"] != WHOLE_ORGAN_CODE)
                         & (by_department["change_forecast"] > 0)]
    return rows.sort_values("change_forecast", ascending=False, kind="stable").head(count)
