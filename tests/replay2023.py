"""Replay Ånge kommun's 2023 annual goal report (seed 002) through the real pipeline.

`build_replay` writes a register for 2023 from tests/data/seed_2023 (the report's 15 KF goals,
21 KS goals and 87 activity rows, each row its own register activity), generates the 2023-T3
templates with pipeline.templates and types the report's own statuses, comments, assessments
and analyses into them with openpyxl, as a department would. Sick leave and budget answers are
invented but fixed. `replay_merged` validates the filled files and merges them.

Who owns a goal and the goal areas are an illustrative, fixed reading of the goal texts.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

from pipeline.publish import register as register_workbook

SEED = Path(__file__).resolve().parent / "data" / "seed_2023"
PERIOD = "2023-T3"
PERIOD_END = dt.date(2023, 12, 31)
CREATED = dt.date(2023, 12, 1)
YEAR_START = dt.date(2023, 1, 1)

DEPARTMENTS = [
    ("STAB", "Stab"),
    ("EKO", "Ekonomiavdelningen"),
    ("UTB", "Utbildningsavdelningen"),
    ("SBA", "Samhällsbyggnadsavdelningen"),
    ("SOC", "Sociala avdelningen"),
]
PERIODS = [
    ("2023-T1", dt.date(2023, 4, 30), dt.date(2023, 5, 15)),
    ("2023-T2", dt.date(2023, 8, 31), dt.date(2023, 9, 15)),
    ("2023-T3", dt.date(2023, 12, 31), dt.date(2024, 1, 19)),
]
# KS goal -> (owner, Målområde)
GOALS = {
    "2.1.1": ("UTB", "Barn och unga"), "2.1.2": ("UTB", "Barn och unga"),
    "2.2.1": ("SBA", "Tillväxt"), "2.2.2": ("SBA", "Tillväxt"),
    "2.3.1": ("STAB", "Vuxna"), "2.4.1": ("STAB", "Tillväxt"),
    "2.5.1": ("EKO", "Tillväxt"), "2.6.1": ("SOC", "Barn och unga"),
    "2.7.1": ("SBA", "Vuxna"), "2.8.1": ("STAB", "Barn och unga"),
    "2.9.1": ("STAB", "Tillväxt"), "2.10.1": ("SOC", "Vuxna"), "2.10.2": ("SOC", "Vuxna"),
    "2.11.1": ("STAB", "Vuxna"), "2.11.2": ("STAB", "Vuxna"), "2.11.3": ("SOC", "Vuxna"),
    "2.11.4": ("UTB", "Barn och unga"), "2.11.5": ("SOC", "Vuxna"),
    "2.12.1": ("SBA", "Tillväxt"), "2.14.1": ("SOC", "Vuxna"), "2.15.1": ("SBA", "Tillväxt"),
}
BUDGET = {  # tkr-free example frames in mnkr
    "STAB": {"Stödresurser": 30.0, "Tillväxt": 25.0},
    "EKO": {"Stödresurser": 14.0},
    "UTB": {"Barn och unga": 250.0},
    "SBA": {"Stödresurser": 10.0, "Affärsverksamhet": 4.0, "Tillväxt": 30.0},
    "SOC": {"Vuxna": 60.0, "Äldre 65+": 210.0},
}
BASELINES = {"TOTALT": 0.0911, "STAB": 0.041, "EKO": 0.02, "UTB": 0.072, "SBA": 0.045,
             "SOC": 0.112}
# Sick-leave answers: employees per (sex, age) and a sick-leave rate, per department.
STAFF = {"STAB": (40, 0.04), "EKO": (16, 0.02), "UTB": (400, 0.07), "SBA": (120, 0.045),
         "SOC": (500, 0.11)}
SEX_SHARE = {"Kvinnor": 0.75, "Män": 0.25}
AGE_SHARE = {"29 år eller yngre": 0.2, "30–49 år": 0.45, "50 år eller äldre": 0.35}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(SEED / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def activity_id(row: dict[str, str]) -> str:
    return f"A{row['ks_id']}-{int(row['row']):02d}"


def write_register(path: Path, starts: bool = True) -> Path:
    """starts=False: the activities without start dates, as the report has them."""
    council = read_csv("kf_goals.csv")
    board = read_csv("ks_goals.csv")
    activities = read_csv("activities.csv")
    rows_activities = []
    for row in activities:
        end = dt.date.fromisoformat(row["end_date"])
        start = min(YEAR_START, end) if starts else None
        rows_activities.append([activity_id(row), row["ks_id"], row["title"], None, start, end,
                                GOALS[row["ks_id"]][0]])
    sheets: dict[str, list[list[object]]] = {
        "Inställningar": [["Nyckel", "Värde"], ["Kommun", "Ånge kommun"],
                          ["Organ", "Kommunstyrelsen"], ["Verksamhetsår", 2023],
                          ["Beloppsenhet", "mnkr"]],
        "Avdelningar": [["Avdelningskod", "Avdelning"], *map(list, DEPARTMENTS)],
        "Perioder": [["Period", "Periodslut", "Sista inlämningsdag"], *map(list, PERIODS)],
        "KF-mål": [["KF-mål-id", "KF-mål"]] + [[r["kf_id"], r["title"]] for r in council],
        "KS-mål": [["KS-mål-id", "KF-mål-id", "KS-mål", "Målområde", "Måltyp", "Målägare"]]
        + [[r["ks_id"], r["kf_id"], r["title"], GOALS[r["ks_id"]][1], "Utvecklingsmål",
            GOALS[r["ks_id"]][0]] for r in board],
        "Aktiviteter": [["Aktivitets-id", "KS-mål-id", "Aktivitet", "Beskrivning", "Startdatum",
                         "Slutdatum", "Ansvarig"], *rows_activities],
        "Ekonomi": [["Avdelningskod", "Kategori", "Budget"]]
        + [[code, category, amount] for code, lines in BUDGET.items()
           for category, amount in lines.items()],
        "Basvärden": [["Avdelningskod", "Datum", "Sjukfrånvaro (%)"]]
        + [[code, dt.date(2022, 12, 31), share] for code, share in BASELINES.items()],
    }
    return register_workbook.write_register(path, sheets, title="Målregister Ånge kommun 2023 (återuppspelning)",
                          created=dt.datetime(2023, 1, 1))


def _columns(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {str(c.value): c.column for c in sheet[1] if c.value}


def fill(template: Path, out: Path, department: str) -> Path:
    """Type the report's answers (and fixed sick-leave and budget figures) into a template."""
    answers = {activity_id(r): r for r in read_csv("activities.csv")}
    goals = {r["ks_id"]: r for r in read_csv("ks_goals.csv")}
    book = openpyxl.load_workbook(template)

    sheet = book["Aktiviteter"]
    col = _columns(sheet)
    for r in range(2, sheet.max_row + 1):
        ident = sheet.cell(r, col["Aktivitets-id"]).value
        if not ident:
            continue
        answer = answers[ident]
        sheet.cell(r, col["Status"]).value = answer["status"]
        if answer["comment"]:
            sheet.cell(r, col["Kommentar"]).value = answer["comment"]

    sheet = book["Målbedömning"]
    col = _columns(sheet)
    for r in range(2, sheet.max_row + 1):
        ks_id = sheet.cell(r, col["KS-mål-id"]).value
        if not ks_id:
            continue
        sheet.cell(r, col["Bedömning"]).value = goals[ks_id]["assessment"]
        if goals[ks_id]["analysis"]:
            sheet.cell(r, col["Analys"]).value = goals[ks_id]["analysis"]

    staff, rate = STAFF[department]
    sheet = book["Sjukfrånvaro"]
    col = _columns(sheet)
    for r in range(2, sheet.max_row + 1):
        sex, age = sheet.cell(r, col["Kön"]).value, sheet.cell(r, col["Åldersgrupp"]).value
        if sex not in SEX_SHARE or age not in AGE_SHARE:
            continue
        count = round(staff * SEX_SHARE[sex] * AGE_SHARE[age])
        ordinary = count * 1700
        sick = round(ordinary * rate * (1.2 if age == "50 år eller äldre" else 0.9))
        sheet.cell(r, col["Antal anställda"]).value = count
        sheet.cell(r, col["Ordinarie arbetstid (timmar)"]).value = ordinary
        sheet.cell(r, col["Sjukfrånvaro (timmar)"]).value = sick
        sheet.cell(r, col["Varav 60 dagar eller mer (timmar)"]).value = round(sick * 0.4)

    sheet = book["Ekonomi"]
    col = _columns(sheet)
    for r in range(2, sheet.max_row + 1):
        budget = sheet.cell(r, col["Budget"]).value
        if not isinstance(budget, int | float):
            continue
        sheet.cell(r, col["Utfall hittills"]).value = round(budget * 1.01, 1)
        sheet.cell(r, col["Prognos helår"]).value = round(budget * 1.01, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def build_replay(tmp_dir: Path, starts: bool = True) -> tuple[Path, list[Path]]:
    """The 2023 register and the five departments' filled 2023-T3 files."""
    from pipeline.register import read_register
    from pipeline.templates import write_templates

    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    register_path = write_register(tmp_dir / "register_2023.xlsx", starts=starts)
    register = read_register(register_path)
    templates = write_templates(register, PERIOD, tmp_dir / "mallar", created=CREATED)
    filled = []
    for template in templates:
        department = template.name.split("_")[0]
        filled.append(fill(template, tmp_dir / "inkorg" / f"{department} T3 2023.xlsx",
                           department))
    return register_path, filled


def replay_merged(tmp_dir: Path):  # type: ignore[no-untyped-def]
    """(Register, Merged) for 2023-T3; every file must be accepted (warnings allowed)."""
    from pipeline.intake import read_submission
    from pipeline.merge import merge
    from pipeline.register import read_register
    from pipeline.validate import validate

    register_path, files = build_replay(tmp_dir)
    register = read_register(register_path)
    accepted = {}
    for path in files:
        report, data = validate(read_submission(path), register, PERIOD)
        if data is None:
            problems = "; ".join(i.describe() for i in report.errors)
            raise AssertionError(f"{path.name} was rejected: {problems}")
        accepted[data.department] = data
    return register, merge(register, PERIOD, accepted)
