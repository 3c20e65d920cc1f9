"""Benchmark: a large municipality's night, against the floor of reading and writing the files.

    python bench/bench.py --departments 10,100,300 --repeat 3

For each size N it builds a register with N departments of about 50 activities each, makes
the templates with the project's own code, fills them (pipeline.samples), and times as fresh
processes: `pipeline templates`, `pipeline validate` of one file, `pipeline run` on a full
inbox (the period's first night: the register as `pipeline templates` left it cached), the
same run the night after the register was edited (parsed again), and `pipeline run` with
nothing new, with each process's peak memory (ru_maxrss).
The floor is a plain script that reads the same files with python-calamine (every sheet) and
writes the same activity rows with xlsxwriter (constant_memory). Results: medians of
--repeat runs, printed as a Markdown table and saved under bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = r'''
import sys
from pathlib import Path
import python_calamine
import xlsxwriter

files = sorted(Path(sys.argv[1]).rglob("*.xlsx"))
book = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
sheet = book.add_worksheet("Aktiviteter")
row = 0
for path in files:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    for values in sheets["Aktiviteter"][1:]:
        if not values[0]:
            continue
        for col, value in enumerate(values[:9]):
            if isinstance(value, str):
                sheet.write_string(row, col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(row, col, value)
            elif value is not None and value != "":
                sheet.write(row, col, value)
        row += 1
book.close()
'''


def first_night(work: Path, filled: Path) -> None:
    """The period's first night: every department's file in the inbox, nothing received yet,
    and the archive as `pipeline templates` left it (the parsed register in its cache, which
    a register that has not changed since keeps for every night after)."""
    shutil.rmtree(work / "inbox", ignore_errors=True)
    shutil.rmtree(work / "outbox", ignore_errors=True)
    archive = work / "archive"
    for path in sorted(archive.glob("*")) if archive.is_dir() else []:
        if path.name != "cache":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in sorted((archive / "cache").glob("*")) if archive.is_dir() else []:
        if not path.name.startswith("register-"):
            path.unlink()
    shutil.copytree(filled, work / "inbox")


def build_register(path: Path, departments: int, activities: int) -> None:
    """A register shaped like Ånge's, with N departments of about `activities` each."""
    sys.path.insert(0, str(ROOT / "examples" / "ange-2024"))
    from build_register import read_csv  # the example's own CSV reader

    from pipeline.publish.register import write_register

    goals = read_csv("ks_goals.csv")
    plan = read_csv("activities.csv")
    codes = [f"A{n:03d}" for n in range(1, departments + 1)]
    sheets = {
        "Inställningar": [["Nyckel", "Värde"], ["Kommun", "Storstad"], ["Organ", "Kommunstyrelsen"],
                          ["Verksamhetsår", 2024], ["Beloppsenhet", "tkr"]],
        "Avdelningar": [["Avdelningskod", "Avdelning"]]
        + [[c, f"Enhet {c}"] for c in codes],
        "Perioder": [["Period", "Periodslut", "Sista inlämningsdag"],
                     ["2024-T1", dt.date(2024, 4, 30), dt.date(2024, 5, 15)],
                     ["2024-T2", dt.date(2024, 8, 31), dt.date(2024, 9, 16)],
                     ["2024-T3", dt.date(2024, 12, 31), dt.date(2025, 1, 20)]],
        "KF-mål": [["KF-mål-id", "KF-mål"]]
        + [[r["kf_id"], r["title"]] for r in read_csv("kf_goals.csv")],
        "KS-mål": [["KS-mål-id", "KF-mål-id", "KS-mål", "Målområde", "Måltyp", "Målägare"]]
        + [[g["ks_id"], g["kf_id"], g["title"], g["malomrade"], g["goal_type"],
            codes[i % len(codes)]] for i, g in enumerate(goals)],
        "Aktiviteter": [["Aktivitets-id", "KS-mål-id", "Aktivitet", "Beskrivning", "Startdatum",
                         "Slutdatum", "Ansvarig"]],
        "Ekonomi": [["Avdelningskod", "Kategori", "Budget"]],
        "Basvärden": [["Avdelningskod", "Datum", "Sjukfrånvaro (%)"],
                      ["TOTALT", dt.date(2023, 9, 30), 0.08]],
    }
    for d, code in enumerate(codes):
        for a in range(activities):
            source = plan[(d * activities + a) % len(plan)]
            sheets["Aktiviteter"].append([
                f"{code}-{a + 1:03d}", source["ks_id"], source["title"], source["description"],
                dt.date.fromisoformat(source["start_date"]),
                dt.date.fromisoformat(source["end_date"]), code])
        sheets["Ekonomi"] += [[code, "Barn och unga", 12000.0 + d], [code, "Vuxna", 4000.0]]
    write_register(path, sheets, title=f"Benchmark register, {departments} departments",
                   created=dt.datetime(2024, 1, 1))


# As on an installed system, Python keeps the compiled bytecode of our modules (some sandboxes
# set PYTHONDONTWRITEBYTECODE, which would make every timed process compile them again; the
# floor's libraries come precompiled either way).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak memory (MiB) and exit code of one fresh process."""
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode


def bench_size(departments: int, activities: int, repeat: int, report: bool) -> dict:
    from pipeline.register import read_register
    from pipeline.samples import fill_template

    work = Path(tempfile.mkdtemp(prefix=f"bench{departments}-"))
    register_path = work / "register.xlsx"
    build_register(register_path, departments, activities)
    config = work / "pipeline.toml"
    config.write_text(f'register = "{register_path}"\nperiod = "2024-T2"\n'
                      f"report = {'true' if report else 'false'}\nsettle_seconds = 0\n",
                      encoding="utf-8")
    pipeline = [sys.executable, "-m", "pipeline", "--config", str(config)]
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in (
        "help", "templates", "validate_one", "run_full", "run_nothing_new",
        "run_register_changed", "floor")}
    phases: dict[str, list[float]] = {}

    for _ in range(repeat):
        shutil.rmtree(work / "outbox", ignore_errors=True)
        seconds, memory, code = timed([*pipeline, "templates"], work)
        assert code == 0
        results["templates"].append((seconds, memory))
    register = read_register(register_path)
    period_end = register.period("2024-T2")["period_end"]
    filled = work / "filled"
    for template in sorted((work / "outbox" / "mallar" / "2024-T2").glob("*.xlsx")):
        code = template.name.split("_")[0]
        fill_template(template, filled / code / f"{code}.xlsx", department=code,
                      period_end=period_end, seed=1)
    one = sorted(filled.rglob("*.xlsx"))[0]
    for _ in range(repeat):
        seconds, memory, code = timed([*pipeline, "--help"], work)
        assert code == 0
        results["help"].append((seconds, memory))
        seconds, memory, code = timed([*pipeline, "validate", str(one)], work)
        assert code in (0, 1)
        results["validate_one"].append((seconds, memory))
        first_night(work, filled)
        seconds, memory, code = timed([*pipeline, "run"], work)
        assert code in (0, 1), code
        results["run_full"].append((seconds, memory))
        for name, took in run_phases(work / "archive" / "log.jsonl").items():
            phases.setdefault(name, []).append(took)
        seconds, memory, code = timed([*pipeline, "run"], work)
        results["run_nothing_new"].append((seconds, memory))
        # the first night after the register was edited: it is parsed and checked again
        first_night(work, filled)
        shutil.rmtree(work / "archive" / "cache")
        seconds, memory, code = timed([*pipeline, "run"], work)
        assert code in (0, 1), code
        results["run_register_changed"].append((seconds, memory))
        floor = work / "floor.py"
        floor.write_text(FLOOR, encoding="utf-8")
        seconds, memory, code = timed([sys.executable, str(floor), str(filled),
                                       str(work / "floor.xlsx")], work)
        assert code == 0, "the floor script failed"
        results["floor"].append((seconds, memory))
    shutil.rmtree(work, ignore_errors=True)
    medians = {k: (statistics.median(s for s, _ in v), max(m for _, m in v))
               for k, v in results.items()}
    return {"departments": departments, "activities": departments * activities,
            "report": report, **{k: {"seconds": round(s, 3), "peak_mib": round(m, 1)}
                                 for k, (s, m) in medians.items()},
            "run_phases": {k: round(statistics.median(v), 3) for k, v in phases.items()}}


def run_phases(log: Path) -> dict[str, float]:
    """Seconds per stage of the full run, from the run's JSON log ("phase" events)."""
    took: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event.get("event") == "phase":
            took[event["name"]] = took.get(event["name"], 0.0) + event["seconds"]
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", default="10,100,300")
    parser.add_argument("--activities", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", action="store_true",
                        help="also write the tertial report in each run")
    args = parser.parse_args()
    rows = [bench_size(int(n), args.activities, args.repeat, args.report)
            for n in args.departments.split(",")]
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "platform": platform.platform()}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}.json").write_text(json.dumps({"machine": machine, "rows": rows},
                                                  indent=2), encoding="utf-8")
    print(f"machine: {machine}")
    print("| depts | activities | templates s | validate one s | run s (MiB) | "
          "nothing new s | register changed s | floor s | run/floor | nothing new/run | "
          "--help s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        run, floor = r["run_full"]["seconds"], r["floor"]["seconds"]
        print(f"| {r['departments']} | {r['activities']} | {r['templates']['seconds']} | "
              f"{r['validate_one']['seconds']} | {run} ({r['run_full']['peak_mib']}) | "
              f"{r['run_nothing_new']['seconds']} | {r['run_register_changed']['seconds']} | "
              f"{floor} | {run / floor:.2f} | "
              f"{r['run_nothing_new']['seconds'] / run:.2f} | {r['help']['seconds']} |")
    print("\nstages of the full run (median seconds, from the run log):")
    for r in rows:
        print(f"- {r['departments']} departments: " + ", ".join(
            f"{name} {took}" for name, took in r["run_phases"].items()))


if __name__ == "__main__":
    main()
