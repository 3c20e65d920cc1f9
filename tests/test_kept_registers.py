"""A period that is over is rebuilt against the register its outputs were written with, not
against the register the controller has edited since for a later period."""

import datetime as dt
import shutil

from tests.conftest import change_register, register_row
from tests.test_history import filled, hand_in, invoke, move_activity, rows_of, set_period


def edit_for_t2(book):
    """What a controller does between T1 and T2: retire a goal (3.4.7, with its three
    activities), add an activity starting in June, move one to another department, rename a
    department."""
    goals = book["KS-mål"]
    goals.delete_rows(register_row(goals, "KS-mål-id", "3.4.7"))
    activities = book["Aktiviteter"]
    for activity_id in ("A3.4.7-03", "A3.4.7-02", "A3.4.7-01"):
        activities.delete_rows(register_row(activities, "Aktivitets-id", activity_id))
    activities.append(["A3.1.2-09", "3.1.2", "Ny friskvårdssatsning", None,
                       dt.datetime(2024, 6, 1), dt.datetime(2024, 12, 31), "STAB"])
    move_activity(book, "A3.1.1-02", "EKO")
    departments = book["Avdelningar"]
    departments.cell(register_row(departments, "Avdelningskod", "SOC"), 2).value = \
        "Socialförvaltningen"


def t1_collected_then_t2(workspace, register_copy):
    """SOC hands in for T1 and T2; STAB's T1 file is made from T1's register but comes in
    late, after the controller has edited the register for T2. Returns the config and
    STAB's T1 file."""
    register_path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(
        next(line for line in config.read_text().splitlines() if line.startswith("register")),
        f'register = "{register_path}"'))
    set_period(config, "2024-T1")
    soc = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    stab = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30), code="STAB")
    hand_in(workspace, "SOC", "soc t1.xlsx", soc)
    assert invoke(config, "run").exit_code == 0
    set_period(config, "2024-T2")
    hand_in(workspace, "SOC", "soc t2.xlsx", filled(workspace, config, "2024-T2",
                                                    dt.date(2024, 8, 31)))
    assert invoke(config, "run").exit_code == 0
    change_register(register_path, edit_for_t2)
    return config, stab


def t1_workbook(workspace, sheet):
    return rows_of(workspace / "outbox" / "sammanstallning_2024-T1.xlsx", sheet)


def t1_goals(workspace):
    return [r["KS-mål-id"] for r in t1_workbook(workspace, "Måluppföljning") if r["KS-mål-id"]]


def test_a_late_file_counted_for_a_closed_period_keeps_its_register(workspace, register_copy):
    config, stab = t1_collected_then_t2(workspace, register_copy)
    goals_before = t1_goals(workspace)
    assert len(goals_before) == 20

    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    result = invoke(config, "run", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("Perioden 2024-T1 är avslutad (2024-T2 har samlats in sedan "
                               "dess), och registret register.xlsx har ändrats sedan periodens "
                               "sammanställning skrevs (19 KS-mål i stället för 20; 77 "
                               "aktiviteter i stället för 79; 1 aktivitet med annan ansvarig, "
                               "andra mål eller andra datum; nytt namn: SOC "
                               "(Socialförvaltningen)). Perioden läses därför mot registret "
                               "som det var då"), \
        result.output
    assert "Ändringarna i registret gäller från 2024-T2." in lines[1]
    assert "STAB/stab t1.xlsx: Godkänd\n" in result.output  # judged against T1's register

    assert t1_goals(workspace) == goals_before
    activities = t1_workbook(workspace, "Aktiviteter")
    stab_rows = {r["Aktivitets-id"]: r["Status"] for r in activities if r["Avdelning"] == "Stab"}
    assert "A3.1.2-09" not in stab_rows and "A3.4.7-01" in stab_rows
    assert "Ej rapporterad" not in stab_rows.values()
    assert {r["Avdelning"] for r in activities} >= {"Sociala avdelningen", "Stab"}
    assert "Socialförvaltningen" not in {r["Avdelning"] for r in activities}
    states = {r["Avdelning"]: r["Utfall"] for r in t1_workbook(workspace, "Inlämningar")}
    assert states["Stab"] == "Godkänd", states

    # the period being collected reads the register as edited
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert "avslutad" not in result.output
    t2 = rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Aktiviteter")
    assert "Socialförvaltningen" in {r["Avdelning"] for r in t2}


def test_an_archive_without_the_periods_register_warns_before_rewriting(workspace,
                                                                         register_copy):
    """An archive from before registers were kept: the period is rewritten against the edited
    register, and the night says so first, with what changed."""
    config, stab = t1_collected_then_t2(workspace, register_copy)
    shutil.rmtree(workspace / "archive" / "registers")
    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    result = invoke(config, "run", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    notice = result.output.splitlines()[1]
    assert notice.startswith("Obs: Perioden 2024-T1 är avslutad (2024-T2 har samlats in sedan "
                             "dess), och registret register.xlsx har ändrats sedan periodens "
                             "sammanställning skrevs."), result.output
    assert "finns inte i arkivet" in notice
    assert "registret har nu 19 KS-mål, 77 aktiviteter och 5 avdelningar" in notice
    assert "pipeline run --register <kopian> --period 2024-T1" in notice
    assert len(t1_goals(workspace)) == 19  # rewritten, as it says
    # pipeline report says it too, as the night and pipeline status do
    report = invoke(config, "report", "--period", "2024-T1")
    assert report.exit_code == 0, report.output
    assert report.output.startswith(notice), report.output
    assert notice in invoke(config, "status", "--period", "2024-T1").output


def test_the_after_deadline_notice_gives_advice_that_works(workspace, register_copy):
    """The register edited for T2 while pipeline.toml still says T1, past T1's deadline: the
    night rewrites T1 against the edited register and says how to put it back. Followed as
    written (first T1 against the archived register, then the period moved on), T1 keeps its
    20 goals, also when it is written anew after T2's first night."""
    import re

    register_path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        next(line for line in config.read_text(encoding="utf-8").splitlines()
             if line.startswith("register")), f'register = "{register_path}"'),
        encoding="utf-8")
    set_period(config, "2024-T1")
    hand_in(workspace, "SOC", "soc t1.xlsx",
            filled(workspace, config, "2024-T1", dt.date(2024, 4, 30)))
    assert invoke(config, "run").exit_code == 0
    assert len(t1_goals(workspace)) == 20
    change_register(register_path, edit_for_t2)
    told = invoke(config, "run").output
    assert "Obs: Registret" in told and "skriv först om 2024-T1" in told, told
    advice = re.search(r"\((kör pipeline run --register \S+ --period 2024-T1)\)", told)
    assert advice, told
    restored = invoke(config, *advice[1].split()[2:])
    assert restored.exit_code == 0, restored.output
    assert "har ändrats" not in restored.output, restored.output  # nothing to warn of now
    assert len(t1_goals(workspace)) == 20
    set_period(config, "2024-T2")
    hand_in(workspace, "SOC", "soc t2.xlsx",
            filled(workspace, config, "2024-T2", dt.date(2024, 8, 31)))
    assert invoke(config, "run").exit_code == 0
    assert invoke(config, "run", "--period", "2024-T1").exit_code == 0
    assert len(t1_goals(workspace)) == 20  # read against the register T1 was written with
