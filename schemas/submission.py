"""Schemas for a department's filled template, after normalisation (one model per sheet)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from pipeline.labels import AGE_GROUPS, BUDGET_CATEGORIES, SEXES, Assessment, Status

COMMENT_MAX = 2000
ANALYSIS_MAX = 4000


class _Base(pa.DataFrameModel):
    class Config:
        strict = False
        coerce = False


class Activities(_Base):
    activity_id: Series[str] = pa.Field(nullable=True)
    title: Series[str]
    status: Series[str] = pa.Field(isin=[s.value for s in Status])
    comment: Series[str] = pa.Field(str_length={"max_value": COMMENT_MAX})
    # a register activity may lack dates (a register remark); an own activity's are required
    # by answers._activities (own_activity_incomplete)
    start: Series[object] = pa.Field(nullable=True)
    end: Series[object] = pa.Field(nullable=True)


class Assessments(_Base):
    ks_id: Series[str] = pa.Field(unique=True)
    assessment: Series[str] = pa.Field(isin=[a.value for a in Assessment])
    analysis: Series[str] = pa.Field(str_length={"max_value": ANALYSIS_MAX})


class SickLeave(_Base):
    sex: Series[str] = pa.Field(isin=list(SEXES))
    age_group: Series[str] = pa.Field(isin=list(AGE_GROUPS))
    employees: Series[float] = pa.Field(ge=0)
    ordinary_hours: Series[float] = pa.Field(ge=0)
    sick_hours: Series[float] = pa.Field(ge=0)
    long_term_hours: Series[float] = pa.Field(ge=0)

    @pa.dataframe_check(name="long_le_sick_le_ordinary")
    @classmethod
    def hours_nest(cls, df):  # type: ignore[no-untyped-def]
        return (df["long_term_hours"] <= df["sick_hours"] + 1e-9) & (
            df["sick_hours"] <= df["ordinary_hours"] + 1e-9)


class Budget(_Base):
    category: Series[str] = pa.Field(isin=list(BUDGET_CATEGORIES), unique=True)
    budget: Series[float] = pa.Field(ge=0)
    outcome: Series[float] = pa.Field(ge=0)
    forecast: Series[float] = pa.Field(ge=0)
    comment: Series[str]
