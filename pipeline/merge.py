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
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .labels import STATUS_SEVERITY, Assessment, Status
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
    Flag.NOT_REPORTED: "Inte rapporterad",
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
    """

    period: str
    goals: pd.DataFrame
    activities: pd.DataFrame
    sick_leave: pd.DataFrame
    budget: pd.DataFrame


def own_activity_id(department: str, title: str, start: object) -> str:
    """A stable id for an activity a department added itself: same text and start, same id."""
    digest = hashlib.sha1(f"{department}|{title.strip().casefold()}|{start}".encode()).hexdigest()
    return f"{department}-{digest[:6].upper()}"


def assign_own_ids(data: SubmissionData) -> SubmissionData:
    missing = data.activities["activity_id"].map(lambda v: not isinstance(v, str) or not v)
    if not missing.any():
        return data
    frame = data.activities.copy()
    frame.loc[missing, "activity_id"] = [
        own_activity_id(data.department, row.title, row.start)
        for row in frame[missing].itertuples()]
    return SubmissionData(data.department, data.period, frame, data.assessments,
                          data.sick_leave, data.budget)


def suggest(statuses: list[str], starts: list[object], period_end: dt.date) -> str | None:
    scores = []
    for status, start in zip(statuses, starts, strict=True):
        if not isinstance(status, str):
            continue
        if Status(status) is Status.NOT_STARTED and isinstance(start, dt.date) and \
                start > period_end:
            continue
        scores.append(STATUS_SCORE[Status(status)])
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
    return Merged(period, goals, activities, _sick_leave(accepted), _budget(register, accepted))


def _activities(register: Register, accepted: Mapping[str, SubmissionData],
                previous: pd.DataFrame | None, period_end: dt.date) -> pd.DataFrame:
    prev: dict[tuple[str, str], tuple[object, object]] = {}
    if previous is not None and not previous.empty:
        for row in previous.itertuples():
            prev[(row.department, row.activity_id)] = (row.status, row.comment)
    rows = []
    for activity in register.activities.itertuples():
        for department in activity.responsible:
            rows.append({"activity_id": activity.activity_id, "ks_ids": tuple(activity.ks_ids),
                         "title": activity.title, "department": department,
                         "start": activity.start, "end": activity.end, "own": False})
    known = {(r["department"], r["activity_id"]) for r in rows}
    reported: dict[tuple[str, str], tuple[str | None, str]] = {}
    for department, data in accepted.items():
        for item in data.activities.itertuples():
            key = (department, item.activity_id)
            reported[key] = (item.status if isinstance(item.status, str) else None,
                             item.comment if isinstance(item.comment, str) else "")
            if key not in known:
                known.add(key)
                rows.append({"activity_id": item.activity_id, "ks_ids": tuple(item.ks_ids),
                             "title": item.title, "department": department,
                             "start": item.start, "end": item.end, "own": True})
    for row in rows:
        key = (row["department"], row["activity_id"])
        status, comment = reported.get(key, (None, ""))
        previous_status, previous_comment = prev.get(key, (None, ""))
        row.update(status=status, comment=comment,
                   previous_status=previous_status if isinstance(previous_status, str) else None,
                   previous_comment=previous_comment if isinstance(previous_comment, str)
                   else "")
        row["flags"] = _flags(row, row["department"] in accepted, period_end)
    columns = ["activity_id", "ks_ids", "title", "department", "start", "end", "status",
               "comment", "previous_status", "previous_comment", "own", "flags"]
    return pd.DataFrame(rows, columns=columns)


def _flags(row: dict, reported: bool, period_end: dt.date) -> tuple[str, ...]:  # type: ignore[type-arg]
    if not reported:
        return (Flag.NOT_REPORTED,)
    flags = []
    status = Status(row["status"]) if row["status"] else None
    end = row["end"]
    if status is not None and isinstance(end, dt.date):
        if end < period_end and not status.finished:
            flags.append(Flag.END_PASSED)
        if status is Status.DONE and (end - period_end).days > FAR_AHEAD_DAYS:
            flags.append(Flag.DONE_FAR_AHEAD)
    if status is not None and row["previous_status"]:
        if STATUS_SEVERITY[status] > STATUS_SEVERITY[Status(row["previous_status"])]:
            flags.append(Flag.WORSE)
    return tuple(flags)


def _goals(register: Register, accepted: Mapping[str, SubmissionData],
           activities: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    council = dict(zip(register.council_goals["kf_id"], register.council_goals["title"],
                       strict=True))
    answers: dict[str, tuple[str | None, str]] = {}
    for data in accepted.values():
        for item in data.assessments.itertuples():
            answers[item.ks_id] = (item.assessment if isinstance(item.assessment, str) else None,
                                   item.analysis if isinstance(item.analysis, str) else "")
    exploded = activities.explode("ks_ids")
    rows = []
    for goal in register.board_goals.itertuples():
        linked = exploded[exploded["ks_ids"] == goal.ks_id]
        statuses = list(linked["status"])
        suggestion = suggest(statuses, list(linked["start"]), period_end)
        assessment, analysis = answers.get(goal.ks_id, (None, ""))
        disagreement = bool(assessment and suggestion and abs(
            ASSESSMENT_RANK[Assessment(assessment)] - ASSESSMENT_RANK[Assessment(suggestion)])
            >= 2)
        row = {"kf_id": goal.kf_id, "kf_title": council.get(goal.kf_id, ""),
               "ks_id": goal.ks_id, "title": goal.title, "area": goal.area,
               "goal_type": goal.goal_type, "owner": goal.owner, "assessment": assessment,
               "suggestion": suggestion, "analysis": analysis,
               "reported": goal.owner in accepted, "disagreement": disagreement,
               "activities": len(linked)}
        for status in Status:
            row[status.name] = sum(s == status.value for s in statuses)
        rows.append(row)
    return pd.DataFrame(rows)


def _sick_leave(accepted: Mapping[str, SubmissionData]) -> pd.DataFrame:
    columns = ["department", "sex", "age_group", "employees", "ordinary_hours", "sick_hours",
               "long_term_hours"]
    frames = [data.sick_leave.assign(department=code)[columns]
              for code, data in accepted.items() if not data.sick_leave.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _budget(register: Register, accepted: Mapping[str, SubmissionData]) -> pd.DataFrame:
    lines = register.budget[["department", "category", "budget"]].copy()
    reported = [data.budget.assign(department=code)[["department", "category", "outcome",
                                                     "forecast", "comment"]]
                for code, data in accepted.items() if not data.budget.empty]
    if reported:
        lines = lines.merge(pd.concat(reported, ignore_index=True),
                            on=["department", "category"], how="left")
    else:
        lines = lines.assign(outcome=float("nan"), forecast=float("nan"), comment="")
    lines["comment"] = lines["comment"].map(lambda v: v if isinstance(v, str) else "")
    return lines.reset_index(drop=True)
