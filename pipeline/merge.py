"""Register + accepted submissions → the full goal register for a period (pure pandas).

No file access here: the nightly run hands in what intake and validation produced.

Suggested assessment (Förslag), a transparent rule: each activity linked to a goal scores by
its status (below); activities that have not yet started by the period's end are left out.
The mean score gives the suggestion: ≥ 0.8 Uppfyllt, ≥ 0.6 Delvis uppfyllt, ≥ 0.35 Knappt
uppfyllt, otherwise Ej uppfyllt. A goal without scored activities gets no suggestion. The
owner's assessment is never overwritten; when it is two or more steps from the suggestion the
goal is flagged for the committee.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from .labels import NOT_REPORTED, STATUS_SEVERITY, Assessment, Status
from .register import Register
from .validate import SubmissionData

STATUS_SCORE = {
    Status.DONE: 1.0,
    Status.ON_TRACK: 0.75,
    Status.DONE_DEVIATING: 0.6,
    Status.DEVIATING: 0.4,
    Status.NOT_STARTED: 0.25,
    Status.ON_HOLD: 0.25,
    Status.DELAYED: 0.1,
    Status.CANCELLED: 0.0,
}
SUGGESTION_THRESHOLDS = ((0.8, Assessment.MET), (0.6, Assessment.PARTLY),
                         (0.35, Assessment.BARELY), (float("-inf"), Assessment.NOT_MET))
ASSESSMENT_RANK = {a: i for i, a in enumerate(Assessment)}
# By the plain string value the frames hold: looking up a Status member (or making one from
# its value) costs far more, which counts over thousands of activities.
SCORE_OF = {status.value: score for status, score in STATUS_SCORE.items()}
SEVERITY_OF = {status.value: severity for status, severity in STATUS_SEVERITY.items()}
FAR_AHEAD_DAYS = 180


class Flag:
    """Activity flags shown to the committee (codes; Swedish text in labels of the outputs)."""

    END_PASSED = "end_passed"  # end date passed but not finished
    DONE_FAR_AHEAD = "done_far_ahead"  # "Avslutad enligt plan" with an end date far ahead
    WORSE = "worse"  # status worse than last period
    NOT_REPORTED = "not_reported"  # the responsible department's file is missing


FLAG_TEXT = {
    Flag.END_PASSED: "Slutdatum passerat men inte avslutad",
    Flag.DONE_FAR_AHEAD: "Avslutad enligt plan långt före slutdatum",
    Flag.WORSE: "Sämre status än förra perioden",
    Flag.NOT_REPORTED: NOT_REPORTED,
}


@dataclass
class Merged:
    """The goal register for one period: what the workbook and the report are made from.

    goals: one row per KS goal in register order: kf_id, kf_title, ks_id, title, area,
      goal_type, owner, assessment (str or None), suggestion (str or None), analysis (str),
      reported (owner's file accepted), disagreement (bool), activities (count), and one
      count column per Status name (e.g. "ON_TRACK").
    activities: one row per activity and reporting department: activity_id, ks_ids (tuple),
      title, department, start, end, status (str or None), comment, previous_status,
      previous_comment, own (bool), flags (tuple of Flag codes).
    sick_leave: department, sex, age_group, employees, ordinary_hours, sick_hours,
      long_term_hours (accepted departments only).
    budget: department, category, budget, outcome, forecast, comment (every register budget
      line; outcome/forecast NaN where the department has not reported).
    register: the register it was merged against (a period before compared with a later one
      may have been merged against the register its own outputs were written with).
    """

    period: str
    goals: pd.DataFrame
    activities: pd.DataFrame
    sick_leave: pd.DataFrame
    budget: pd.DataFrame
    register: Register | None = field(default=None, repr=False, compare=False)


def own_activity_id(department: str, title: str, start: object) -> str:
    """A stable id for an activity a department added itself: same text and start, same id."""
    digest = hashlib.sha1(f"{department}|{title.strip().casefold()}|{start}".encode()).hexdigest()
    return f"{department}-{digest[:6].upper()}"


def assign_own_ids(data: SubmissionData) -> SubmissionData:
    # a plain loop: the frames are small and there is one per department, so a pandas call
    # per frame would cost more than the check itself
    missing = [not isinstance(v, str) or not v for v in data.activities["activity_id"]]
    if not any(missing):
        return data
    frame = data.activities.copy()
    ids: list[str] = []
    for row in frame[missing].itertuples():
        activity_id = own_activity_id(data.department, row.title, row.start)
        # Two new activities of the same title and start (two goals, two end dates; or titles
        # told apart only by a personal identity number, alike once it is masked by
        # validate._masked): the second gets an id of its own, by its place among them,
        # instead of taking the first's and vanishing into it, its status over the first's.
        n = 1
        while activity_id in ids:
            n += 1
            activity_id = own_activity_id(data.department, f"{row.title}|{n}", row.start)
        ids.append(activity_id)
    frame.loc[missing, "activity_id"] = ids
    return SubmissionData(data.department, data.period, frame, data.assessments,
                          data.sick_leave, data.budget)


def suggest(statuses: list[str], starts: list[object], period_end: dt.date) -> str | None:
    scores = []
    for status, start in zip(statuses, starts, strict=True):
        if not isinstance(status, str):
            continue
        if status == Status.NOT_STARTED and isinstance(start, dt.date) and start > period_end:
            continue
        scores.append(SCORE_OF[status])
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return next(a.value for limit, a in SUGGESTION_THRESHOLDS if mean >= limit)


def merge(register: Register, period: str, accepted: Mapping[str, SubmissionData],
          previous: pd.DataFrame | None = None) -> Merged:
    """accepted: department → its winning submission; previous: the previous period's
    Merged.activities (for previous status and comment), or None."""
    period_end: dt.date = register.period(period)["period_end"]
    accepted = {code: assign_own_ids(data) for code, data in accepted.items()}
    activities = _activities(register, accepted, previous, period_end)
    goals = _goals(register, accepted, activities, period_end)
    return Merged(period, goals, activities, _sick_leave(accepted), _budget(register, accepted),
                  register)


ACTIVITY_COLUMNS = ["activity_id", "ks_ids", "title", "department", "start", "end", "status",
                    "comment", "previous_status", "previous_comment", "own", "flags"]
FINISHED = [status.value for status in Status if status.finished]  # by value, as SEVERITY_OF
# The order an activity's flags are listed in.
FLAG_ORDER = (Flag.NOT_REPORTED, Flag.END_PASSED, Flag.DONE_FAR_AHEAD, Flag.WORSE)


def _stacked(accepted: Mapping[str, SubmissionData], table: str) -> pd.DataFrame | None:
    """Every department's `table` ("activities", "budget", …) in one frame with a department
    column first, or None when no department has rows: one concat for all departments."""
    frames = {code: getattr(data, table) for code, data in accepted.items()}
    frames = {code: frame for code, frame in frames.items() if not frame.empty}
    if not frames:
        return None
    stacked = pd.concat(frames.values(), ignore_index=True)
    stacked.insert(0, "department",
                   np.repeat(list(frames), [len(frame) for frame in frames.values()]))
    return stacked


def _activities(register: Register, accepted: Mapping[str, SubmissionData],
                previous: pd.DataFrame | None, period_end: dt.date) -> pd.DataFrame:
    """The register's activities (a row per responsible department), then the departments'
    own, with their statuses and comments this period and the previous one."""
    submitted = _stacked(accepted, "activities")
    planned = _planned_activities(register)
    own = _own_activities(planned, submitted)
    columns: dict[str, list[Any]] = {
        name: planned[name].tolist() + own[name].tolist()
        for name in ("activity_id", "ks_ids", "title", "department", "start", "end")}
    columns["ks_ids"] = [tuple(ks_ids) for ks_ids in columns["ks_ids"]]
    keys = list(zip(columns["department"], columns["activity_id"], strict=True))
    if not keys:  # empty lists would make float columns
        return pd.DataFrame(columns=ACTIVITY_COLUMNS)
    statuses, comments = _answers(submitted)
    columns["status"] = [statuses.get(key) for key in keys]
    columns["comment"] = [comments.get(key, "") for key in keys]
    # A row of each activity the department's file has: a file made from an older register
    # may lack one the register has given the department since (validate tells it).
    reported = [key in statuses for key in keys]
    statuses, comments = _answers(previous)
    columns["previous_status"] = [statuses.get(key) for key in keys]
    columns["previous_comment"] = [comments.get(key, "") for key in keys]
    columns["own"] = [False] * len(planned) + [True] * len(own)
    # built from plain lists, so each column's dtype is inferred from its values as before
    activities = pd.DataFrame(columns, columns=ACTIVITY_COLUMNS[:-1])
    activities["flags"] = _flags(activities, reported, period_end)
    return activities


def _planned_activities(register: Register) -> pd.DataFrame:
    """One row per register activity and responsible department, in register order."""
    return _explode(register.activities[["activity_id", "ks_ids", "title", "start", "end",
                                         "responsible"]], "responsible", "department")


def _explode(frame: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    """frame with a row per element of its tuple column `column`, given as `name`, and none
    for an empty tuple: DataFrame.explode, at a fraction of its cost on these frames."""
    values = frame[column].tolist()
    repeats = np.repeat(np.arange(len(frame)), [len(value) for value in values])
    return frame.drop(columns=column).iloc[repeats].assign(
        **{name: list(chain.from_iterable(values))})


def _own_activities(planned: pd.DataFrame, submitted: pd.DataFrame | None) -> pd.DataFrame:
    """The submitted activities not in the register for that department (the departments'
    own), once each, in the order the departments reported them."""
    if submitted is None:
        return planned.iloc[0:0]
    in_register = set(_keys(planned))
    return submitted[[key not in in_register for key in _keys(submitted)]].drop_duplicates(
        ["department", "activity_id"])


def _answers(frame: pd.DataFrame | None) -> tuple[dict[tuple[str, str], str | None],
                                                 dict[tuple[str, str], str]]:
    """(department, activity_id) → status (or None), and → comment (or ""); a later row wins."""
    if frame is None or frame.empty:
        return {}, {}
    keys = _keys(frame)
    statuses = [s if isinstance(s, str) else None for s in frame["status"].tolist()]
    comments = [c if isinstance(c, str) else "" for c in frame["comment"].tolist()]
    return dict(zip(keys, statuses, strict=True)), dict(zip(keys, comments, strict=True))


def _keys(activities: pd.DataFrame) -> list[tuple[str, str]]:
    """(department, activity_id) of each row: what identifies a reported activity."""
    # .tolist(): iterating a str column element by element is slow
    return list(zip(activities["department"].tolist(), activities["activity_id"].tolist(),
                    strict=True))


def _flags(activities: pd.DataFrame, answered: list[bool],
           period_end: dt.date) -> list[tuple[str, ...]]:
    """Each activity's flags (a missing or unknown status raises none); answered: whether
    the department's counted file has the activity's row."""
    reported = pd.Series(answered, index=activities.index, dtype=bool)
    status = activities["status"].astype(object)  # mapping a str column is far slower
    severity = status.map(SEVERITY_OF)
    days_to_end = pd.Series([(end - period_end).days if isinstance(end, dt.date) else None
                             for end in activities["end"].tolist()],
                            index=activities.index, dtype=float)
    raised = {
        Flag.NOT_REPORTED: ~reported,
        Flag.END_PASSED: reported & severity.notna() & (days_to_end < 0)
        & ~status.isin(FINISHED),
        Flag.DONE_FAR_AHEAD: reported & status.eq(Status.DONE.value)
        & (days_to_end > FAR_AHEAD_DAYS),
        Flag.WORSE: reported
        & (severity > activities["previous_status"].astype(object).map(SEVERITY_OF)),
    }
    return [_flag_tuple(row) for row in zip(*(raised[flag].tolist() for flag in FLAG_ORDER),
                                            strict=True)]


@cache  # only a handful of combinations occur; building a tuple per activity is the cost
def _flag_tuple(raised: tuple[bool, ...]) -> tuple[str, ...]:
    """One bool per FLAG_ORDER entry → the flags raised."""
    return tuple(flag for flag, on in zip(FLAG_ORDER, raised, strict=True) if on)


def _goals(register: Register, accepted: Mapping[str, SubmissionData],
           activities: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    council = dict(zip(register.council_goals["kf_id"], register.council_goals["title"],
                       strict=True))
    answers = _assessments(accepted)
    # the activities linked to each goal, found in one grouping (a row per linked goal)
    exploded = _explode(activities[["ks_ids", "status", "start"]], "ks_ids", "ks_id")
    linked = {ks_id: (group["status"].tolist(), group["start"].tolist())
              for ks_id, group in exploded.groupby("ks_id", sort=False)}
    rows = []
    for goal in register.board_goals.itertuples():
        statuses, starts = linked.get(goal.ks_id, ([], []))
        suggestion = suggest(statuses, starts, period_end)
        assessment, analysis = answers.get(goal.ks_id, (None, ""))
        disagreement = bool(assessment and suggestion and abs(
            ASSESSMENT_RANK[Assessment(assessment)] - ASSESSMENT_RANK[Assessment(suggestion)])
            >= 2)
        row = {"kf_id": goal.kf_id, "kf_title": council.get(goal.kf_id, ""),
               "ks_id": goal.ks_id, "title": goal.title, "area": goal.area,
               "goal_type": goal.goal_type, "owner": goal.owner, "assessment": assessment,
               "suggestion": suggestion, "analysis": analysis,
               "reported": goal.owner in accepted, "disagreement": disagreement,
               "activities": len(statuses)}
        counts = Counter(statuses)
        for status in Status:
            row[status.name] = counts[status.value]
        rows.append(row)
    return pd.DataFrame(rows)


def _assessments(accepted: Mapping[str, SubmissionData]) -> dict[str, tuple[str | None, str]]:
    """ks_id → (owner's assessment or None, analysis or ""); a later department wins."""
    frame = _stacked(accepted, "assessments")
    if frame is None:
        return {}
    columns = (frame[name].tolist() for name in ("ks_id", "assessment", "analysis"))
    return {ks_id: (assessment if isinstance(assessment, str) else None,
                    analysis if isinstance(analysis, str) else "")
            for ks_id, assessment, analysis in zip(*columns, strict=True)}


def _sick_leave(accepted: Mapping[str, SubmissionData]) -> pd.DataFrame:
    columns = ["department", "sex", "age_group", "employees", "ordinary_hours", "sick_hours",
               "long_term_hours"]
    reported = _stacked(accepted, "sick_leave")
    if reported is None:
        return pd.DataFrame(columns=columns)
    return reported[columns]


def _budget(register: Register, accepted: Mapping[str, SubmissionData]) -> pd.DataFrame:
    lines = register.budget[["department", "category", "budget"]].copy()
    reported = _stacked(accepted, "budget")
    if reported is not None:
        lines = lines.merge(reported[["department", "category", "outcome", "forecast",
                                      "comment"]], on=["department", "category"], how="left")
    else:
        lines = lines.assign(outcome=float("nan"), forecast=float("nan"), comment="")
    lines["comment"] = lines["comment"].map(lambda v: v if isinstance(v, str) else "")
    return lines.reset_index(drop=True)
