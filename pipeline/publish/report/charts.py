"""The report's two charts, rendered with matplotlib (imported only when a chart is drawn) with
fixed settings, so that the same figures give the same PNG."""

from __future__ import annotations

import functools
import io
import logging
import textwrap
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from ...figures import SMALL_GROUP, AreaCounts, points_change
from ...labels import (
    ASSESSMENT_STYLE,
    NOT_ASSESSED,
    REPORT_HIDDEN,
    WHOLE_ORGAN_CODE,
    Assessment,
)
from .text import baseline_text, percent

log = logging.getLogger(__name__)

DPI = 200
# The sick-leave chart has a bar per department and one for the organ: more than 18
# departments make it taller than an A4 page (Word and LibreOffice then cut it off).
CHART_BAR_INCHES = 0.42
CHART_MAX_DEPARTMENTS = 18
CHART_DECORATION_INCHES = 1.5  # the axis, its label and the legend below the bars
CHART_MAX_INCHES = CHART_BAR_INCHES * (CHART_MAX_DEPARTMENTS + 1) + CHART_DECORATION_INCHES
# A unit's name beside its bar, wrapped: a line of at most this many characters (a third of
# the chart's width at 9 pt), each line this tall.
LABEL_CHARS = 30
LABEL_LINE_INCHES = 0.16
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
    # A warning of matplotlib's ("constrained_layout not applied") printed to stderr lands in
    # the controller's cron mail: it goes to the package's log instead.
    with warnings.catch_warnings(record=True) as caught, \
            matplotlib.rc_context(settings):  # type: ignore[arg-type]
        warnings.simplefilter("always")
        figure = Figure(figsize=size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    for warning in caught:
        log.warning("chart: %s", warning.message)
    return buffer.getvalue()


def _comma(value: float, _position: object = None) -> str:
    return f"{value:g}".replace(".", ",").replace("-", "−")


def _area_counts(rows: Sequence[AreaCounts]
                 ) -> tuple[list[str], list[tuple[str, str, list[int]]]]:
    """The goal areas in order, and per assessment (and "not assessed", if any goal is) its
    name, colour and number of goals in each area: what the chart draws and what its
    alternative text says, from the rows the table beside it shows (figures.goals_by_area,
    counted once by the report)."""
    series = [(a.value, ASSESSMENT_STYLE[a][1], [row.assessed[i] for row in rows])
              for i, a in enumerate(Assessment)]
    if any(row.not_assessed for row in rows):
        series.append((NOT_ASSESSED, MISSING_COLOUR, [row.not_assessed for row in rows]))
    return [row.area for row in rows], series


def assessment_chart_text(rows: Sequence[AreaCounts]) -> str:
    """The assessment chart in words, for a reader who cannot see it (the picture's
    alternative text): every bar's figures, as a sighted reader reads them off the chart."""
    areas, series = _area_counts(rows)
    parts = []
    for i, area in enumerate(areas):
        counts = [f"{name} {c[i]}" for name, _, c in series if c[i]]
        parts.append(f"{area} ({sum(c[i] for _, _, c in series)} mål): {', '.join(counts)}.")
    return ("Liggande stapeldiagram över målens bedömning per målområde, i antal mål. "
            + " ".join(parts))


def _assessment_chart(rows: Sequence[AreaCounts]) -> bytes:
    """The goals per goal area and assessment (figures.goals_by_area's rows), as stacked
    bars."""
    areas, series = _area_counts(rows)

    def draw(figure) -> None:  # type: ignore[no-untyped-def]
        from matplotlib.ticker import MaxNLocator

        axes = figure.add_subplot()
        lefts = [0] * len(areas)
        for name, colour, counts in series:
            label = name if name == NOT_ASSESSED else \
                f"{ASSESSMENT_STYLE[Assessment(name)][0]} {name}"
            bars = axes.barh(areas, counts, left=lefts, color=colour, edgecolor="white",
                             label=label, height=0.6)
            # black on every fill: white on the green was 3.2:1, under WCAG's 4.5:1
            axes.bar_label(bars, labels=[str(c) if c else "" for c in counts],
                           label_type="center", color="black")
            lefts = [left + count for left, count in zip(lefts, counts, strict=True)]
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("Antal mål")
        figure.legend(loc="outside lower center", ncol=len(series) if len(series) <= 4 else 3,
                      frameon=False)

    return _render(draw, (6.3, 0.5 * len(areas) + 1.5))


def _label(name: str) -> str:
    """A unit's name as wrapped beside its bar: whole, whatever its length (a name of a
    hundred characters on one line pushed the plot off the figure)."""
    return "\n".join(textwrap.wrap(str(name), LABEL_CHARS)) or str(name)


def _slots(rows: list[Any]) -> list[float]:
    """The height (inches) of each unit's row: a bar's, or its wrapped name's if taller."""
    return [max(CHART_BAR_INCHES, (_label(row.name).count("\n") + 1) * LABEL_LINE_INCHES + 0.1)
            for row in rows]


def sick_leave_chart_height(figures: pd.DataFrame) -> float:
    """The sick-leave chart's height in inches: its rows and what goes around them."""
    return sum(_slots(list(figures.itertuples()))) + CHART_DECORATION_INCHES


def _sick_leave_chart(figures: pd.DataFrame, baselines: dict[str, float]) -> bytes:
    rows = list(figures.itertuples())
    return _render(functools.partial(_draw_sick_leave, rows=rows, baselines=baselines),
                   (6.3, sick_leave_chart_height(figures)))


def sick_leave_chart_text(figures: pd.DataFrame, baselines: dict[str, float],
                          organ: str, table: int | str, selection: str | None = None) -> str:
    """The sick-leave chart in words (its alternative text): each unit's bar as it is
    labelled, and its baseline mark, and where the same figures stand in a table.
    `selection`: what a chart of some of the departments shows (chart_selection's words).
    `table`: the table's number, or where the figures stand in words ("bilagan")."""
    where_text = f"tabell {table}" if isinstance(table, int) else table
    parts = []
    for row in figures.itertuples():
        base = baselines.get(row.department)
        parts.append(f"{row.name}: {_bar_text(row)}" + (
            f", basvärde {baseline_text(base)}" if base is not None else "") + ".")
    which = "per avdelning" if selection is None else f"för {selection}"
    where = (f"Samma värden står i {where_text}." if selection is None else
             f"Alla avdelningars värden står i {where_text}.")
    return (f"Liggande stapeldiagram över den totala sjukfrånvaron {which} och för "
            f"{organ}, i procent av ordinarie arbetstid, med basvärdet markerat med ett "
            f"streck. {' '.join(parts)} {where}")


def chart_selection(figures: pd.DataFrame,
                    baselines: dict[str, float]) -> tuple[pd.DataFrame, str | None]:
    """The units the sick-leave chart draws, and None when they are all of them; else what
    the chosen departments are, in words ("de 17 av 300 avdelningar med högst
    sjukfrånvaro").

    A bar per department fits an A4 page up to CHART_MAX_DEPARTMENTS (fewer with long names,
    wrapped). Beyond that the chart keeps the whole organ (the last row) and the departments
    a committee asks about first: where every department with a figure has a baseline of its
    own, those furthest from it (either way), largest increase at the top; else those with
    the highest sick leave. A department without a figure (not reported, a small group) is
    no candidate; the tables keep every department."""
    if len(figures) - 1 <= CHART_MAX_DEPARTMENTS and \
            sick_leave_chart_height(figures) <= CHART_MAX_INCHES:
        return figures, None
    departments, organ = figures.iloc[:-1], figures.iloc[-1:]
    candidates = departments[[_shown(row) for row in departments.itertuples()]]
    own = candidates["department"].map(lambda code: code in baselines)
    by_baseline = bool(len(candidates)) and bool(own.all())
    if by_baseline:
        change = pd.Series([points_change(row.total, baselines[row.department])
                            for row in candidates.itertuples()], index=candidates.index)
        ranked = candidates.loc[change.abs().sort_values(ascending=False, kind="stable").index]
    else:
        ranked = candidates.sort_values("total", ascending=False, kind="stable")
    chosen = ranked.iloc[:0]
    for count in range(1, min(len(ranked), CHART_MAX_DEPARTMENTS) + 1):
        if sick_leave_chart_height(pd.concat([ranked.iloc[:count], organ])) > CHART_MAX_INCHES:
            break
        chosen = ranked.iloc[:count]
    if by_baseline:
        order = change[chosen.index].sort_values(ascending=False, kind="stable").index
        chosen = chosen.loc[order]
    shown = len(chosen)
    who = (f"den av de {len(departments)} avdelningarna" if shown == 1 else
           f"de {shown} av {len(departments)} avdelningar")
    what = ("som ligger längst från sitt basvärde" if by_baseline else
            "med högst sjukfrånvaro")
    return pd.concat([chosen, organ]), f"{who} {what}"


def _shown(row: Any) -> bool:
    return bool(row.reported) and not row.total_hidden and not pd.isna(row.total)


def _bar_text(row: Any) -> str:
    """A unit's sick leave as its bar is labelled and as the chart's alternative text says it
    (a unit at 0,0 % is a figure, not a hidden one)."""
    if _shown(row):
        return percent(row.total)
    if not row.reported:
        return "uppgift saknas"
    return f"{REPORT_HIDDEN} ({SMALL_GROUP} anställda eller färre)"


def _draw_sick_leave(figure, *, rows: list[Any],  # type: ignore[no-untyped-def]
                     baselines: dict[str, float]) -> None:
    from matplotlib.ticker import FuncFormatter

    axes = figure.add_subplot()
    # by position, in inches from the top: two units of the same name are two bars
    slots = _slots(rows)
    positions = [sum(slots[:i]) + slot / 2 for i, slot in enumerate(slots)]
    values = [row.total * 100 if _shown(row) else 0.0 for row in rows]
    colours = ["#C65911" if row.department == WHOLE_ORGAN_CODE else "#1F4E78"
               for row in rows]
    axes.barh(positions, values, color=colours, height=CHART_BAR_INCHES * 0.6)
    axes.set_yticks(positions, [_label(row.name) for row in rows])
    top = max([*values, *(baselines.get(r.department, 0) * 100 for r in rows), 1.0])
    for position, row, value in zip(positions, rows, values, strict=True):
        base = baselines.get(row.department, 0) * 100
        axes.text(max(value, base) + top * 0.02, position, _bar_text(row), va="center",
                  fontsize=8)
    marked = [(p, baselines[r.department] * 100) for p, r in zip(positions, rows, strict=True)
              if r.department in baselines]
    if marked:
        axes.scatter([v for _, v in marked], [p for p, _ in marked], marker="|", s=400,
                     linewidths=2, color="black", label="Basvärde", zorder=3)
        # below the plot: inside it, the legend's mark sat in the last bar's row and read as
        # that unit's baseline
        figure.legend(loc="outside lower center", frameon=False)
    axes.set_ylim(sum(slots), 0)  # the first unit at the top
    axes.set_xlim(0, top * 1.3)
    axes.xaxis.set_major_formatter(FuncFormatter(_comma))
    axes.set_xlabel("Sjukfrånvaro, procent av ordinarie arbetstid")
