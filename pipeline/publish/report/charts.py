"""The report's two charts, rendered with matplotlib (imported only when a chart is drawn) with
fixed settings, so that the same figures give the same PNG."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any

import pandas as pd

from ...figures import SMALL_GROUP
from ...labels import (
    ASSESSMENT_STYLE,
    GOAL_AREAS,
    NOT_ASSESSED,
    REPORT_HIDDEN,
    WHOLE_ORGAN_CODE,
    Assessment,
)
from .text import number

DPI = 200
# The sick-leave chart has a bar per department and one for the organ: more than 18
# departments make it taller than an A4 page (Word and LibreOffice then cut it off).
CHART_BAR_INCHES = 0.42
CHART_MAX_DEPARTMENTS = 18
CHART_FONT = "DejaVu Sans"  # ships with matplotlib, so a chart renders the same everywhere
MISSING_COLOUR = "#BFBFBF"


def _render(draw: Callable, size: tuple[float, float]) -> bytes:  # type: ignore[type-arg]
    # matplotlib is imported here: the rest of the pipeline never pays for it.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings: dict[str, Any] = {"font.family": CHART_FONT, "font.size": 9,
                                "svg.hashsalt": "malsystem",
                "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(settings):  # type: ignore[arg-type]
        figure = Figure(figsize=size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _comma(value: float, _position: object = None) -> str:
    return f"{value:g}".replace(".", ",").replace("-", "−")


def _assessment_chart(goals: pd.DataFrame) -> bytes:
    areas = [a for a in GOAL_AREAS if a in set(goals["area"])]
    areas += sorted(set(goals["area"]) - set(areas))
    series: list[tuple[str, str, str | None]] = [
        (f"{ASSESSMENT_STYLE[a][0]} {a.value}", ASSESSMENT_STYLE[a][1], a.value)
        for a in Assessment]
    if goals["assessment"].map(lambda a: not isinstance(a, str)).any():
        series.append((NOT_ASSESSED, MISSING_COLOUR, None))

    def draw(figure) -> None:  # type: ignore[no-untyped-def]
        from matplotlib.ticker import MaxNLocator

        axes = figure.add_subplot()
        lefts = [0] * len(areas)
        for label, colour, value in series:
            counts = [int(((goals["area"] == area) & (
                goals["assessment"].map(lambda a, v=value: a == v if v else
                                        not isinstance(a, str)))).sum()) for area in areas]
            bars = axes.barh(areas, counts, left=lefts, color=colour, edgecolor="white",
                             label=label, height=0.6)
            dark = colour in (ASSESSMENT_STYLE[Assessment.MET][1],
                              ASSESSMENT_STYLE[Assessment.NOT_MET][1])
            axes.bar_label(bars, labels=[str(c) if c else "" for c in counts],
                           label_type="center", color="white" if dark else "black")
            lefts = [left + count for left, count in zip(lefts, counts, strict=True)]
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("Antal mål")
        figure.legend(loc="outside lower center", ncol=len(series) if len(series) <= 4 else 3,
                      frameon=False)

    return _render(draw, (6.3, 0.5 * len(areas) + 1.5))


def _sick_leave_chart(figures: pd.DataFrame, baselines: dict[str, float]) -> bytes:
    rows = list(figures.itertuples())
    return _render(functools.partial(_draw_sick_leave, rows=rows, baselines=baselines),
                   (6.3, CHART_BAR_INCHES * len(rows) + 1.5))


def _draw_sick_leave(figure, *, rows: list[Any],  # type: ignore[no-untyped-def]
                     baselines: dict[str, float]) -> None:
    from matplotlib.ticker import FuncFormatter

    axes = figure.add_subplot()
    names = [row.name for row in rows]
    values = [row.total * 100 if row.reported and not row.total_hidden and
              not pd.isna(row.total) else 0.0 for row in rows]
    colours = ["#C65911" if row.department == WHOLE_ORGAN_CODE else "#1F4E78"
               for row in rows]
    axes.barh(names, values, color=colours, height=0.6)
    top = max([*values, *(baselines.get(r.department, 0) * 100 for r in rows), 1.0])
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        if value:
            text = f"{number(value, 1)} %"
        elif not row.reported:
            text = "uppgift saknas"
        else:
            text = f"{REPORT_HIDDEN} ({SMALL_GROUP} anställda eller färre)"
        base = baselines.get(row.department, 0) * 100
        axes.text(max(value, base) + top * 0.02, index, text, va="center", fontsize=8)
    marked = [(i, baselines[r.department] * 100) for i, r in enumerate(rows)
              if r.department in baselines]
    if marked:
        axes.scatter([v for _, v in marked], [i for i, _ in marked], marker="|", s=400,
                     linewidths=2, color="black", label="Basvärde", zorder=3)
        # below the plot: inside it, the legend's mark sat in the last bar's row and read as
        # that unit's baseline
        figure.legend(loc="outside lower center", frameon=False)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.3)
    axes.xaxis.set_major_formatter(FuncFormatter(_comma))
    axes.set_xlabel("Sjukfrånvaro, procent av ordinarie arbetstid")
