"""Filled example submissions: plausible answers typed into a real template with openpyxl.

Used for the shipped example inbox, the tests' fixtures and the benchmark. Everything written
here is example data, and the files say so in their document properties.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl

from .labels import AGE_GROUPS, SEXES, Assessment, Status, TemplateSheet
from .merge import suggest

T = TemplateSheet

# Employees per department in the example (women share, sick-leave rate, long-term share).
PROFILES = {
    "STAB": (58, 0.70, 0.041, 0.30),
    "EKO": (17, 0.80, 0.016, 0.20),
    "UTB": (410, 0.78, 0.074, 0.38),
    "SBA": (125, 0.45, 0.042, 0.33),
    "SOC": (520, 0.88, 0.118, 0.47),
}
AGE_SHARES = (0.17, 0.48, 0.35)
HOURS_PER_YEAR = 1700.0

COMMENTS = {
    Status.NOT_STARTED: "Planeras att starta enligt tidplanen.",
    Status.ON_TRACK: "Arbetet följer planen. Nästa steg är bokat.",
    Status.DEVIATING: "Arbetet pågår men har försenats av personalbrist; ny tidplan tas fram.",
    Status.DELAYED: "Blir inte klart till slutdatum; beslut om finansiering dröjer.",
    Status.ON_HOLD: "Avvaktar beslut innan arbetet kan fortsätta.",
    Status.DONE: "Genomfört enligt plan.",
    Status.DONE_DEVIATING: "Avslutat, men i mindre omfattning än planerat.",
    Status.CANCELLED: "Avbrutet efter omprioritering.",
}
ANALYSIS = {
    Assessment.MET: "Aktiviteterna är genomförda och målet bedöms som nått för perioden.",
    Assessment.PARTLY: "De flesta aktiviteter pågår enligt plan. Målet bedöms som delvis "
                       "uppfyllt; resterande arbete sker under hösten.",
    Assessment.BARELY: "Flera aktiviteter är försenade eller har inte startat. Arbetet har "
                       "påbörjats men målet är långt ifrån nått.",
    Assessment.NOT_MET: "Inga aktiviteter har gett effekt ännu och målet bedöms inte nås.",
}


def _columns(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {str(c.value): c.column for c in sheet[1] if c.value}


def choose_status(rng: random.Random, start: dt.date | None, end: dt.date | None,
                  period_end: dt.date) -> Status:
    if start and start > period_end:
        return Status.NOT_STARTED
    if end and end <= period_end:
        return rng.choices([Status.DONE, Status.DONE_DEVIATING, Status.DELAYED],
                           [0.8, 0.1, 0.1])[0]
    return rng.choices([Status.ON_TRACK, Status.DEVIATING, Status.ON_HOLD, Status.NOT_STARTED],
                       [0.7, 0.15, 0.08, 0.07])[0]


def fill_template(template: Path, out: Path, *, department: str, period_end: dt.date,
                  seed: int = 0, employees: int | None = None) -> Path:
    """Type plausible answers into every input cell of a department's template."""
    rng = random.Random(f"{department}-{seed}")
    book = openpyxl.load_workbook(template)
    book.properties.title = f"Exempeldata: {department}"
    book.properties.description = "Exempeldata framtagen för demonstration, inte verkliga uppgifter."

    sheet = book[T.ACTIVITIES]
    col = _columns(sheet)
    statuses: list[Status] = []
    by_goal: dict[str, list[str]] = {}
    for r in range(2, sheet.max_row + 1):
        if not sheet.cell(r, col["Aktivitets-id"]).value:
            continue
        start = sheet.cell(r, col["Startdatum"]).value
        end = sheet.cell(r, col["Slutdatum"]).value
        status = choose_status(rng, start.date() if start else None,
                               end.date() if end else None, period_end)
        statuses.append(status)
        for goal in str(sheet.cell(r, col["KS-mål-id"]).value or "").split(";"):
            by_goal.setdefault(goal.strip(), []).append(status.value)
        sheet.cell(r, col["Status"]).value = status.value
        sheet.cell(r, col["Kommentar"]).value = COMMENTS[status]

    sheet = book[T.ASSESSMENTS]
    col = _columns(sheet)
    order = list(Assessment)
    for r in range(2, sheet.max_row + 1):
        goal = sheet.cell(r, col["KS-mål-id"]).value
        if not goal:
            continue
        # the owner mostly agrees with the statuses, sometimes one step more cautious
        goal_statuses = by_goal.get(str(goal), [])
        suggested = suggest(goal_statuses, [None] * len(goal_statuses), period_end)
        index = order.index(Assessment(suggested)) if suggested else 1
        if rng.random() < 0.3:
            index = min(index + 1, len(order) - 1)
        assessment = order[index]
        sheet.cell(r, col["Bedömning"]).value = assessment.value
        sheet.cell(r, col["Analys"]).value = ANALYSIS[assessment]

    staff, women, rate, long_share = PROFILES.get(department, (40, 0.7, 0.06, 0.35))
    staff = employees or staff
    months = period_end.month
    sheet = book[T.SICK_LEAVE]
    col = _columns(sheet)
    for r in range(2, sheet.max_row + 1):
        sex, age = sheet.cell(r, col["Kön"]).value, sheet.cell(r, col["Åldersgrupp"]).value
        if sex not in SEXES or age not in AGE_GROUPS:
            continue
        share = (women if sex == SEXES[0] else 1 - women) * AGE_SHARES[AGE_GROUPS.index(age)]
        count = max(0, round(staff * share))
        ordinary = round(count * HOURS_PER_YEAR * months / 12 * rng.uniform(0.9, 1.0))
        sick = round(ordinary * rate * rng.uniform(0.7, 1.3) * (1.2 if age == AGE_GROUPS[2]
                                                                else 0.9))
        long_term = round(sick * long_share * rng.uniform(0.7, 1.2))
        sheet.cell(r, col["Antal anställda"]).value = count
        sheet.cell(r, col["Ordinarie arbetstid (timmar)"]).value = ordinary
        sheet.cell(r, col["Sjukfrånvaro (timmar)"]).value = sick
        sheet.cell(r, col["Varav 60 dagar eller mer (timmar)"]).value = min(long_term, sick)

    sheet = book[T.BUDGET]
    col = _columns(sheet)
    for r in range(2, sheet.max_row + 1):
        budget = sheet.cell(r, col["Budget"]).value
        if not isinstance(budget, int | float):
            continue
        forecast = round(budget * rng.uniform(0.97, 1.05), 1)
        sheet.cell(r, col["Utfall hittills"]).value = round(forecast * months / 12
                                                            * rng.uniform(0.95, 1.05), 1)
        sheet.cell(r, col["Prognos helår"]).value = forecast
        if forecast > budget * 1.02:
            sheet.cell(r, col["Kommentar"]).value = "Högre kostnader än budgeterat för " \
                                                    "vikarier och externa tjänster."
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
