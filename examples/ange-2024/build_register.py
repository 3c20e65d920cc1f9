"""Build examples/ange-2024/register.xlsx from the 2024 plan's reference CSVs in source/.

    python examples/ange-2024/build_register.py

The goals, activities, budget totals and sick-leave baseline come from Ånge kommun's
Verksamhetsplan 2024 (source/REFERENCE.md). Which department is responsible for an activity
and which owns a goal is an illustrative reading of the plan's text (source/responsibility.csv
and source/goal_owners.csv say why for each); the split of each department's budget frame over
the categories is invented so that both of the plan's tables add up (see BUDGET below).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pipeline.publish.register import write_register

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"

DEPARTMENTS = [
    ("STAB", "Stab"),
    ("EKO", "Ekonomiavdelningen"),
    ("UTB", "Utbildningsavdelningen"),
    ("SBA", "Samhällsbyggnadsavdelningen"),
    ("SOC", "Sociala avdelningen"),
]

PERIODS = [
    ("2024-T1", dt.date(2024, 4, 30), dt.date(2024, 5, 15)),
    ("2024-T2", dt.date(2024, 8, 31), dt.date(2024, 9, 16)),
    ("2024-T3", dt.date(2024, 12, 31), dt.date(2025, 1, 20)),
]

# Budget 2024 (mnkr) per department and category. Row sums are the plan's department frames
# (Stab includes "Gemensamma resurser", 3.5); column sums are the plan's category frames,
# except Stödresurser 53.2 instead of 53.3: the plan's category rows sum to 707.8 but its
# total (and the department table) says 707.7.
BUDGET = {
    "STAB": {"Barn och unga": 12.7, "Vuxna": 14.7, "Stödresurser": 29.2, "Tillväxt": 28.6},
    "EKO": {"Stödresurser": 14.2},
    "UTB": {"Barn och unga": 258.4},
    "SBA": {"Barn och unga": 20.0, "Stödresurser": 9.8, "Affärsverksamhet": 3.6,
            "Tillväxt": 30.0},
    "SOC": {"Barn och unga": 15.2, "Vuxna": 60.0, "Äldre 65+": 211.3},
}

# The vision and focus areas that close Ånge's decision memos (seed 000, Kommunstyrelsens
# tjänsteskrivelse for tertial 2 2023), copied verbatim; `pipeline memo` ends with them.
VISION = ("Vi är en plats för alla, med närhet till natur och gemenskap. Här ger näring och "
          "engagemang kraft till en levande bygd.")
FOCUS_AREAS = ["Hållbar vardag", "Hållbar hälsa", "Hållbar gemenskap", "Hållbar kompetens",
               "Hållbar natur"]

BASELINE_UNITS = {"Kommunstyrelsen": "TOTALT", "Stab": "STAB", "Samhällsbyggnad": "SBA",
                  "Ekonomi": "EKO", "Utbildning": "UTB", "Social verksamhet": "SOC"}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(SOURCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_budget() -> None:
    frames = {row["row_label"]: float(row["budget_2024"]) for row in read_csv(
        "budget_by_department.csv")}
    expected = {"STAB": frames["Stab"] + frames["Gemensamma resurser"],
                "EKO": frames["Ekonomiavdelningen"], "UTB": frames["Utbildningsavdelningen"],
                "SBA": frames["Samhällsbyggnadsavdelningen"],
                "SOC": frames["Sociala avdelningen"]}
    for code, categories in BUDGET.items():
        assert round(sum(categories.values()), 1) == round(expected[code], 1), code
    assert round(sum(sum(c.values()) for c in BUDGET.values()), 1) == frames["Summa"]


def build(path: Path) -> None:
    check_budget()
    owners = {row["ks_id"]: row["owner"] for row in read_csv("goal_owners.csv")}
    responsible = {row["activity_id"]: row["departments"] for row in read_csv(
        "responsibility.csv")}

    sheets: dict[str, list[list[object]]] = {
        "Inställningar": [["Nyckel", "Värde"], ["Kommun", "Ånge kommun"],
                          ["Organ", "Kommunstyrelsen"], ["Verksamhetsår", 2024],
                          ["Beloppsenhet", "mnkr"], ["Vision", VISION],
                          ["Fokusområden", "; ".join(FOCUS_AREAS)]],
        "Avdelningar": [["Avdelningskod", "Avdelning"], *map(list, DEPARTMENTS)],
        "Perioder": [["Period", "Periodslut", "Sista inlämningsdag"], *map(list, PERIODS)],
        "KF-mål": [["KF-mål-id", "KF-mål"]]
        + [[r["kf_id"], r["title"]] for r in read_csv("kf_goals.csv")],
        "KS-mål": [["KS-mål-id", "KF-mål-id", "KS-mål", "Målområde", "Måltyp", "Målägare"]]
        + [[r["ks_id"], r["kf_id"], r["title"], r["malomrade"], r["goal_type"],
            owners[r["ks_id"]]] for r in read_csv("ks_goals.csv")],
        "Aktiviteter": [["Aktivitets-id", "KS-mål-id", "Aktivitet", "Beskrivning", "Startdatum",
                         "Slutdatum", "Ansvarig"]]
        + [[r["activity_id"], r["ks_id"], r["title"], r["description"],
            dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["end_date"]),
            responsible[r["activity_id"]]] for r in read_csv("activities.csv")],
        "Ekonomi": [["Avdelningskod", "Kategori", "Budget"]]
        + [[code, category, amount] for code, categories in BUDGET.items()
           for category, amount in categories.items()],
        "Basvärden": [["Avdelningskod", "Datum", "Sjukfrånvaro (%)"]]
        + [[BASELINE_UNITS[r["unit"]], dt.date(2023, 9, 30),
            float(r["sick_leave_percent"]) / 100] for r in read_csv(
                "sick_leave_2023-09-30.csv")],
    }
    write_register(path, sheets, title="Målregister Ånge kommun 2024 (exempel)",
                   created=dt.datetime(2024, 1, 1))


if __name__ == "__main__":
    build(HERE / "register.xlsx")
    print(f"wrote {HERE / 'register.xlsx'}")
