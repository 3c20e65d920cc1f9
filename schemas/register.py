"""Schemas for the controller's register workbook (one model per sheet)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from pipeline.labels import BUDGET_CATEGORIES, GOAL_AREAS, GOAL_TYPES, PERIOD_PATTERN

DEPARTMENT_CODE = r"^[A-ZÅÄÖ][A-ZÅÄÖ0-9_]{1,11}$"
GOAL_ID = r"^\d+(\.\d+)*$"
# Letters include Å, Ä and Ö: an activity a department added gets its code as prefix
# ("VÅO-4A22C3"), and the controller keeps that id when the activity goes on to next year.
ACTIVITY_ID = r"^[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö0-9._\-]{0,39}$"


class _Base(pa.DataFrameModel):
    class Config:
        strict = False
        coerce = False


class Departments(_Base):
    code: Series[str] = pa.Field(unique=True, str_matches=DEPARTMENT_CODE)
    name: Series[str]


class Periods(_Base):
    period: Series[str] = pa.Field(unique=True, str_matches=PERIOD_PATTERN)
    period_end: Series[object]
    deadline: Series[object]


class CouncilGoals(_Base):
    kf_id: Series[str] = pa.Field(unique=True, str_matches=GOAL_ID)
    title: Series[str]


class BoardGoals(_Base):
    ks_id: Series[str] = pa.Field(unique=True, str_matches=GOAL_ID)
    kf_id: Series[str]
    title: Series[str]
    area: Series[str] = pa.Field(isin=list(GOAL_AREAS))
    goal_type: Series[str] = pa.Field(isin=list(GOAL_TYPES))
    owner: Series[str]


class Activities(_Base):
    activity_id: Series[str] = pa.Field(unique=True, str_matches=ACTIVITY_ID)
    ks_ids: Series[object]
    title: Series[str]
    description: Series[str] = pa.Field(nullable=True)
    # a real plan has activities without dates (the 2023 annual report has no start dates):
    # a register remark, not an error (pipeline.register.remarks)
    start: Series[object] = pa.Field(nullable=True)
    end: Series[object] = pa.Field(nullable=True)
    responsible: Series[object]


class Budget(_Base):
    department: Series[str]
    category: Series[str] = pa.Field(isin=list(BUDGET_CATEGORIES))
    budget: Series[float] = pa.Field(ge=0)


class Baselines(_Base):
    department: Series[str]
    date: Series[object]
    sick_leave_share: Series[float] = pa.Field(ge=0, le=1)

