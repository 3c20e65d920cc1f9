"""A period that is over is rebuilt against the register its outputs were written with, not
against the register the controller has edited since for a later period."""

import datetime as dt
import hashlib
import json
import shutil

import openpyxl

from pipeline.labels import MetaKey
from pipeline.samples import fill_template
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


def use_register_copy(workspace, register_copy):
    """The workspace's pipeline.toml pointed at the register copy, which is returned."""
    register_path, _ = register_copy
    config = workspace / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("register"))
    config.write_text(text.replace(line, f'register = "{register_path}"'), encoding="utf-8")
    return register_path


def t1_collected_then_t2(workspace, register_copy, monkeypatch=None):
    """SOC hands in for T1 and T2; STAB's T1 file is made from T1's register but comes in
    late, after the controller has edited the register for T2. Returns the config and
    STAB's T1 file. With `monkeypatch`, each night has its own clock (PIPELINE_NOW), and
    what follows runs on 2024-09-20."""
    def at(when):
        if monkeypatch is not None:
            monkeypatch.setenv("PIPELINE_NOW", when)

    register_path = use_register_copy(workspace, register_copy)
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    at("2024-05-02T02:00")
    soc = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    stab = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30), code="STAB")
    hand_in(workspace, "SOC", "soc t1.xlsx", soc)
    assert invoke(config, "run").exit_code == 0
    set_period(config, "2024-T2")
    at("2024-09-02T02:00")
    hand_in(workspace, "SOC", "soc t2.xlsx", filled(workspace, config, "2024-T2",
                                                    dt.date(2024, 8, 31)))
    assert invoke(config, "run").exit_code == 0
    change_register(register_path, edit_for_t2)
    at("2024-09-20T10:00")
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
    # pipeline validate checks a file against the same register, and says which, as the night
    checked = invoke(config, "validate", "--period", "2024-T1", str(stab))
    assert checked.output.splitlines()[0] == lines[1], checked.output
    assert f"{stab.name}: Godkänd\n" in checked.output
    # not for the period being collected, read against the register as it is
    assert invoke(config, "validate", str(stab)).output.startswith(f"{stab.name}: ")

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

    register_path = use_register_copy(workspace, register_copy)
    config = workspace / "pipeline.toml"
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


def template_checksum(path):
    """The register checksum a template's _meta names (the register it was made from)."""
    meta = openpyxl.load_workbook(path)["_meta"]
    return next(row[1] for row in meta.iter_rows(values_only=True)
                if row[0] == MetaKey.REGISTER_CHECKSUM)


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_templates_for_a_period_that_is_over_are_made_from_its_kept_register(
        workspace, register_copy, monkeypatch):
    """A fresh template for a late department of T1, made after the register was edited for
    T2: made from the register T1 was written with (the one its file will be judged against),
    and the controller is told so. With --register, the given register is used, and the
    output says the files will be judged against another."""
    config, _ = t1_collected_then_t2(workspace, register_copy, monkeypatch)
    register_path, _ = register_copy
    kept = json.loads((workspace / "archive" / "registers" / "periods.json").read_text())[
        "2024-T1"]
    assert kept != sha256_of(register_path)  # edited since
    out = workspace / "sent"
    result = invoke(config, "templates", "--period", "2024-T1", "--department", "UTB", "--out",
                    str(out))
    assert result.exit_code == 0, result.output
    assert template_checksum(out / "UTB_2024-T1_mall.xlsx") == kept
    archived = workspace / "archive" / "registers" / f"{kept}.xlsx"
    assert (f"Obs: Mallarna för 2024-T1 är gjorda från registret som periodens sammanställning "
            f"skrevs med, som arkivet har kvar ({archived}), och inte från register.xlsx: "
            "perioden är avslutad (2024-T2 har samlats in sedan dess), och register.xlsx har "
            "ändrats sedan dess (19 KS-mål i stället för 20;") in result.output, result.output
    assert "Det är mot det arkiverade registret som filerna för 2024-T1 bedöms." in result.output
    # (no "is it the next period's templates you want?": the controller has moved on)
    assert "Sista inlämningsdag" not in result.output
    # the late file from that template counts against the same register, without remarks
    utb = fill_template(out / "UTB_2024-T1_mall.xlsx", workspace / "utb.xlsx",
                        department="UTB", period_end=dt.date(2024, 4, 30))
    hand_in(workspace, "UTB", "utb t1.xlsx", utb)
    night = invoke(config, "run", "--period", "2024-T1")
    assert "UTB/utb t1.xlsx: Godkänd\n" in night.output, night.output

    given = invoke(config, "templates", "--register", str(register_path), "--period", "2024-T1",
                   "--department", "UTB", "--out", str(workspace / "given"))
    assert given.exit_code == 0, given.output
    assert template_checksum(workspace / "given" / "UTB_2024-T1_mall.xlsx") == \
        sha256_of(register_path)
    assert ("Obs: Mallarna för 2024-T1 är gjorda från register.xlsx, som angavs med --register. "
            "Men perioden är avslutad") in given.output, given.output
    assert "kör pipeline templates utan --register." in given.output

    # the period being collected is made from the register as edited
    t2 = invoke(config, "templates", "--department", "UTB", "--out", str(workspace / "t2"))
    assert t2.exit_code == 0 and "Mallarna för" not in t2.output, t2.output
    assert template_checksum(workspace / "t2" / "UTB_2024-T2_mall.xlsx") == \
        sha256_of(register_path)


def test_templates_for_a_period_over_without_its_kept_register_say_how_to_get_it(
        workspace, register_copy, monkeypatch):
    """An archive from before registers were kept: the templates are made from the register
    as it is (what the night will judge against), and the output says so, with how to make
    them from a copy of the register as it was, which the archive then keeps."""
    config, _ = t1_collected_then_t2(workspace, register_copy, monkeypatch)
    register_path, _ = register_copy
    copy = workspace / "register-som-det-var.xlsx"
    periods = json.loads(
        (workspace / "archive" / "registers" / "periods.json").read_text())
    shutil.copy(workspace / "archive" / "registers" / f"{periods['2024-T1']}.xlsx", copy)
    shutil.rmtree(workspace / "archive" / "registers")
    (workspace / "archive" / "registers").mkdir()
    (workspace / "archive" / "registers" / "periods.json").write_text(
        json.dumps(periods))
    result = invoke(config, "templates", "--period", "2024-T1", "--department", "UTB",
                    "--out", str(workspace / "a"))
    assert result.exit_code == 0, result.output
    assert template_checksum(workspace / "a" / "UTB_2024-T1_mall.xlsx") == \
        sha256_of(register_path)
    assert ("Obs: Perioden 2024-T1 är avslutad (2024-T2 har samlats in sedan dess), och "
            "registret register.xlsx har ändrats sedan periodens sammanställning skrevs. "
            "Registret som den skrevs med (kontrollsumma") in result.output, result.output
    assert ("Mallarna är därför gjorda från register.xlsx som det är nu, och filerna för "
            "2024-T1 bedöms mot det.") in result.output
    assert "kör pipeline templates --register <kopian> --period 2024-T1" in result.output
    # followed: the templates are made from the copy, and the archive keeps it for T1
    followed = invoke(config, "templates", "--register", str(copy), "--period", "2024-T1",
                      "--department", "UTB", "--out", str(workspace / "b"))
    assert followed.exit_code == 0 and "Obs: Perioden" not in followed.output, followed.output
    again = invoke(config, "templates", "--period", "2024-T1", "--department", "UTB",
                   "--out", str(workspace / "c"))
    assert template_checksum(workspace / "c" / "UTB_2024-T1_mall.xlsx") == periods["2024-T1"]
    assert "som arkivet har kvar" in again.output, again.output


def last_year_then_next_year(workspace, register_copy, monkeypatch):
    """2024-T3 collected with the 2024 register (SOC's file), then the controller moves on to
    the 2025 register, register-2025.xlsx, and 2025-T1. Returns the config and STAB's 2024-T3
    file, made from the 2024 register, that comes in late."""
    from tests.conftest import EXAMPLE_REGISTER
    from tests.test_history import next_year_register, night_with, soc_2024_t3

    config = workspace / "pipeline.toml"
    monkeypatch.setenv("PIPELINE_NOW", "2025-01-10T02:00")
    _, t3 = soc_2024_t3(workspace, config)
    stab = filled(workspace, config, "2024-T3", dt.date(2024, 12, 31), code="STAB")
    night_with(workspace, config, "SOC", "t3.xlsx", t3)
    register_2025 = next_year_register(register_copy[0], carried=["A3.1.1-03"]).rename(
        workspace / "register-2025.xlsx")
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_2025)))
    set_period(config, "2025-T1")
    monkeypatch.setenv("PIPELINE_NOW", "2025-01-25T02:00")
    return config, stab


def test_last_years_t3_is_read_against_last_years_register_from_the_archive(
        workspace, register_copy, monkeypatch):
    """Last year's T3, once pipeline.toml names next year's register: run, report, status and
    templates for 2024-T3 read the 2024 register the archive keeps, and say so, instead of
    stopping because the 2025 register has no 2024-T3."""
    config, stab = last_year_then_next_year(workspace, register_copy, monkeypatch)
    checked = invoke(config, "validate", "--period", "2024-T3", str(stab))
    kept = json.loads((workspace / "archive" / "registers" / "periods.json").read_text())[
        "2024-T3"]
    notice = ("Perioden 2024-T3 finns inte i registret register-2025.xlsx, som gäller 2025. Den "
              "läses därför mot registret som perioden skrevs med, som arkivet har kvar "
              f"({workspace / 'archive' / 'registers' / kept}.xlsx).")
    # the file is checked against the kept register, and validate says so first, as the night
    assert checked.exit_code == 0, checked.output
    assert checked.output == f"{notice}\nSTAB 2024-T3.xlsx: Godkänd\n", checked.output
    hand_in(workspace, "STAB", "stab t3.xlsx", stab)
    result = invoke(config, "run", "--period", "2024-T3")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == notice, result.output
    assert "STAB/stab t3.xlsx: Godkänd\n" in result.output
    goals = [r["KS-mål-id"] for r in rows_of(workspace / "outbox" / "sammanstallning_2024-T3.xlsx",
                                             "Måluppföljning") if r["KS-mål-id"]]
    assert len(goals) == 20
    states = {r["Avdelning"]: r["Utfall"] for r in rows_of(
        workspace / "outbox" / "sammanstallning_2024-T3.xlsx", "Inlämningar")}
    assert states["Stab"] == "Godkänd" and states["Sociala avdelningen"] == "Godkänd", states

    report = invoke(config, "report", "--period", "2024-T3")
    assert report.exit_code == 0 and report.output.startswith(notice), report.output
    status = invoke(config, "status", "--period", "2024-T3")
    assert status.exit_code == 0 and notice in status.output, status.output
    assert "STAB" in status.output and "stab t3.xlsx" in status.output

    made = invoke(config, "templates", "--period", "2024-T3", "--department", "UTB", "--out",
                  str(workspace / "sena"))
    assert made.exit_code == 0, made.output
    assert template_checksum(workspace / "sena" / "UTB_2024-T3_mall.xlsx") == kept
    assert ("Obs: Perioden 2024-T3 finns inte i registret register-2025.xlsx, som gäller 2025. "
            "Mallarna är därför gjorda från registret som perioden skrevs med") in made.output
    assert "gör nästa års register" not in made.output  # the controller has made it


def test_a_late_file_of_last_years_t3_is_told_to_be_counted_without_register(
        workspace, register_copy, monkeypatch):
    """STAB's 2024-T3 file handed in during 2025-T1, once a night has written 2024-T3: the
    night's advice leaves --register out (the archive keeps the 2024 register), and works as
    written."""
    import re

    config, stab = last_year_then_next_year(workspace, register_copy, monkeypatch)
    hand_in(workspace, "STAB", "stab t3.xlsx", stab)
    night = invoke(config, "run")
    assert night.exit_code == 1, night.output
    advice = re.search(r"stab t3\.xlsx: gäller 2024-T3, .* kopiera (\S+) till (.+) och kör "
                       r"(pipeline run .*)\.\n", night.output)
    assert advice, night.output
    assert advice[3] == "pipeline run --period 2024-T3", night.output
    shutil.copy(advice[1], advice[2])
    counted = invoke(config, *advice[3].split()[1:])
    assert counted.exit_code == 0, counted.output
    assert "STAB/stab t3.xlsx: Godkänd\n" in counted.output


def test_last_years_t3_without_its_kept_register_stops_with_what_to_give(
        workspace, register_copy, monkeypatch):
    """An archive without the 2024 register (an earlier version's, or another archive folder):
    the command stops, saying to give last year's register, for the command run."""
    config, _ = last_year_then_next_year(workspace, register_copy, monkeypatch)
    shutil.rmtree(workspace / "archive" / "registers")
    for command in ("run", "status", "report", "templates"):
        result = invoke(config, command, "--period", "2024-T3")
        assert result.exit_code == 2, result.output
        assert result.output.strip() == (
            "Perioden 2024-T3 finns inte i registret register-2025.xlsx, som gäller 2025, och "
            f"arkivet ({workspace / 'archive'}) har inget register sparat för perioden. Ange "
            f"registret för 2024: pipeline {command} --register <registret för 2024> --period "
            "2024-T3."), result.output
    # given as it says, the run counts the period against it
    from tests.conftest import EXAMPLE_REGISTER

    result = invoke(config, "run", "--register", str(EXAMPLE_REGISTER), "--period", "2024-T3")
    assert result.exit_code == 0, result.output
    assert "finns inte i registret" not in result.output


def refused_today(workspace, period):
    """The register kept for `period` made one that today's checks of a register refuse, as
    an earlier version may have kept it (its checks let through a department code with a dot,
    "SOC.2", on Avdelningar's row 7): periods.json then names it. Returns its place in the
    archive."""
    registers = workspace / "archive" / "registers"
    periods = json.loads((registers / "periods.json").read_text())
    as_kept = registers / f"{periods[period]}.xlsx"
    book = openpyxl.load_workbook(as_kept)
    book["Avdelningar"].append(["SOC.2", "Sociala avdelningen 2"])
    refused = workspace / "refused.xlsx"
    book.save(refused)
    kept = registers / f"{sha256_of(refused)}.xlsx"
    refused.rename(kept)
    periods[period] = kept.stem
    (registers / "periods.json").write_text(json.dumps(periods))
    return kept


def corrected_copy(kept, path):
    """The refused register with its error corrected, as the controller saves it: the row
    taken out again (other bytes than the register as it was first kept)."""
    book = openpyxl.load_workbook(kept)
    book["Avdelningar"].delete_rows(7)
    book.save(path)
    assert path.read_bytes() != kept.read_bytes()
    return path


WRONG = ('Felet i det arkiverade registret: Fliken "Avdelningar", rad 7, kolumn "Avdelningskod" '
         '(A7): Avdelningskod "SOC.2" har fel format.')


def test_a_kept_register_that_todays_checks_refuse_is_named_with_what_is_wrong(
        workspace, register_copy, tmp_path):
    """Not "an earlier version of Målsystem kept no registers", which is not what happened:
    the register is in the archive, today's checks refuse it, here is what they find, and
    given a corrected copy with --register, the run writes the period with it and the archive
    keeps it as the period's register."""
    config, stab = t1_collected_then_t2(workspace, register_copy)
    kept = refused_today(workspace, "2024-T1")
    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    result = invoke(config, "run", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    notice = result.output.splitlines()[1]
    assert notice.startswith(
        "Obs: Perioden 2024-T1 är avslutad (2024-T2 har samlats in sedan dess), och registret "
        "register.xlsx har ändrats sedan periodens sammanställning skrevs. Registret som den "
        f"skrevs med finns kvar i arkivet ({kept}), men klarar inte längre kontrollerna av ett "
        "register i den här versionen av Målsystem. Därför skrivs sammanställningen för "
        "2024-T1 nu om mot det ändrade registret (registret har nu 19 KS-mål, 77 aktiviteter och "
        "5 avdelningar), och de kan skilja sig från det de förtroendevalda redan har fått."), \
        notice
    assert notice.endswith(
        "Ska perioden skrivas med registret som det var: rätta felen i en kopia av det "
        "arkiverade registret och kör pipeline run --register <kopian> --period 2024-T1; "
        f"arkivet sparar då kopian som periodens register. {WRONG} Avdelningskoden ska vara "
        "2–12 versaler eller siffror, t.ex. SOC."), notice
    assert "tidigare version" not in result.output
    assert len(t1_goals(workspace)) == 19  # rewritten against the edited register, as it says

    made = invoke(config, "templates", "--period", "2024-T1", "--department", "STAB")
    assert made.exit_code == 0, made.output
    assert made.output.splitlines()[-1] == (
        "Obs: Perioden 2024-T1 är avslutad (2024-T2 har samlats in sedan dess). Registret som "
        f"periodens sammanställning skrevs med finns kvar i arkivet ({kept}), men klarar inte "
        "längre kontrollerna av ett register i den här versionen av Målsystem, så mallarna är "
        "gjorda från register.xlsx. Ska filerna för 2024-T1 bedömas mot registret som det var: "
        "rätta felen i en kopia av det arkiverade registret och kör pipeline run --register "
        "<kopian> --period 2024-T1, så sparar arkivet kopian som periodens register; kör sedan "
        f"pipeline templates --period 2024-T1 igen. {WRONG} Avdelningskoden ska vara 2–12 "
        "versaler eller siffror, t.ex. SOC."), made.output

    corrected = corrected_copy(kept, tmp_path / "register-T1-rättat.xlsx")
    given = invoke(config, "run", "--register", str(corrected), "--period", "2024-T1")
    assert given.exit_code == 0, given.output
    assert given.output.splitlines()[1] == (
        "Perioden 2024-T1 läses mot register-T1-rättat.xlsx, som angavs med --register, och inte "
        f"mot registret som periodens sammanställning skrevs med ({kept}): det klarar inte "
        "längre kontrollerna av ett register i den här versionen av Målsystem. Arkivet sparar "
        "register-T1-rättat.xlsx som registret för 2024-T1, så att perioden läses mot det också "
        f"utan --register. {WRONG} Avdelningskoden ska vara 2–12 versaler eller siffror, t.ex. "
        "SOC."), given.output
    assert len(t1_goals(workspace)) == 20
    # as it says: without --register, the period is read against the corrected copy
    again = invoke(config, "run", "--period", "2024-T1")
    assert again.exit_code == 0, again.output
    assert "Perioden läses därför mot registret som det var då, som arkivet har kvar" in \
        again.output.splitlines()[1], again.output
    assert "klarar inte" not in again.output
    assert len(t1_goals(workspace)) == 20
    made = invoke(config, "templates", "--period", "2024-T1", "--department", "STAB", "--out",
                  str(tmp_path / "sena"))
    assert template_checksum(tmp_path / "sena" / "STAB_2024-T1_mall.xlsx") == \
        sha256_of(corrected), made.output


def test_last_years_kept_register_that_todays_checks_refuse_stops_with_what_is_wrong(
        workspace, register_copy, monkeypatch):
    """Last year's T3 once the register is next year's: not "the archive keeps no register
    for the period", but what today's checks find wrong with the one it keeps."""
    config, _ = last_year_then_next_year(workspace, register_copy, monkeypatch)
    kept = refused_today(workspace, "2024-T3")
    for command in ("run", "status", "report", "templates"):
        said = refused(config, command, "--period", "2024-T3")
        assert said.strip() == (
            "Perioden 2024-T3 finns inte i registret register-2025.xlsx, som gäller 2025. "
            f"Registret som perioden skrevs med finns kvar i arkivet ({kept}), men klarar inte "
            "längre kontrollerna av ett register i den här versionen av Målsystem. Rätta felen "
            f"i en kopia av det och ange kopian: pipeline {command} --register <kopian> --period "
            f"2024-T3. {WRONG} Avdelningskoden ska vara 2–12 versaler eller siffror, t.ex. SOC."
        ), said
    # as it says; from then on the archive keeps the copy for the period
    corrected = corrected_copy(kept, workspace / "register-2024-rättat.xlsx")
    given = invoke(config, "run", "--register", str(corrected), "--period", "2024-T3")
    assert given.exit_code == 0, given.output
    status = invoke(config, "status", "--period", "2024-T3")
    assert status.exit_code == 0, status.output
    assert ("Den läses därför mot registret som perioden skrevs med, som arkivet har kvar "
            f"({kept.with_stem(sha256_of(corrected))})") in status.output, status.output


def test_templates_take_no_lock_and_write_no_archive_file_a_night_rewrites(
        workspace, register_copy, tmp_path):
    """Why `pipeline templates` may run beside a night without its lock: of the archive it
    writes only the register's bytes, under their checksum, atomically (and the parsed-register
    cache); never periods.json, the ledger or the log, whose read-modify-write or append beside
    a night's could lose an entry. Were it to write one of them, it would have to take the
    lock (and a night at 300 departments would wait for its templates)."""
    from pipeline.archive import run_lock

    config, _ = t1_collected_then_t2(workspace, register_copy)
    archive = workspace / "archive"

    def files():
        return {p.relative_to(archive).as_posix(): p.read_bytes() for p in archive.rglob("*")
                if p.is_file() and "cache" not in p.parts and p.name != ".lock"}  # (ours)

    before = files()
    copy = tmp_path / "kopia.xlsx"
    shutil.copy(register_copy[0], copy)
    with run_lock(archive, 0):
        for args in ((), ("--period", "2024-T1"), ("--period", "2024-T1", "--register", str(copy))):
            made = invoke(config, "templates", "--department", "UTB", *args)
            assert made.exit_code == 0, made.output
    after = files()
    assert set(after) - set(before) == {f"registers/{sha256_of(register_copy[0])}.xlsx"}
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_period_is_over_once_pipeline_toml_has_moved_on(workspace, register_copy,
                                                          monkeypatch):
    """The controller moves pipeline.toml on to T2 and edits the register for T2 on the same
    day; a late T1 file is counted with `run --period 2024-T1` before T2's first night. T1 is
    over all the same: read against the register it was written with, not rewritten with
    T2's (it was, with advice to move pipeline.toml on, which was done), and the archive keeps
    that register as T1's, for T2's first night and every rebuild of T1 after it."""
    register_path = use_register_copy(workspace, register_copy)
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    monkeypatch.setenv("PIPELINE_NOW", "2024-05-02T02:00")
    hand_in(workspace, "SOC", "soc t1.xlsx",
            filled(workspace, config, "2024-T1", dt.date(2024, 4, 30)))
    stab = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30), code="STAB")
    assert invoke(config, "run").exit_code == 0
    t1_register = sha256_of(register_path)

    monkeypatch.setenv("PIPELINE_NOW", "2024-05-20T10:00")  # past T1's deadline, 2024-05-15
    set_period(config, "2024-T2")
    change_register(register_path, edit_for_t2)
    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    late = invoke(config, "run", "--period", "2024-T1")
    assert late.exit_code == 0, late.output
    assert late.output.splitlines()[1].startswith(
        "Perioden 2024-T1 är avslutad (period i pipeline.toml är nu 2024-T2), och registret "
        "register.xlsx har ändrats sedan periodens sammanställning skrevs (19 KS-mål i stället "
        "för 20;"), late.output
    assert "Ändringarna i registret gäller från 2024-T2." in late.output
    assert "STAB/stab t1.xlsx: Godkänd\n" in late.output  # judged as its template was made
    assert len(t1_goals(workspace)) == 20

    monkeypatch.setenv("PIPELINE_NOW", "2024-05-21T02:00")  # T2's first night
    assert invoke(config, "run").exit_code == 0
    monkeypatch.setenv("PIPELINE_NOW", "2024-05-22T02:00")
    again = invoke(config, "run", "--period", "2024-T1")
    assert again.exit_code == 0, again.output
    assert "(2024-T2 har samlats in sedan dess)" in again.output
    assert len(t1_goals(workspace)) == 20
    periods = json.loads((workspace / "archive" / "registers" / "periods.json").read_text())
    assert periods["2024-T1"] == t1_register != periods["2024-T2"]


# --- what goes wrong around a kept register: a Swedish message and exit code 2 --------------

def refused(config, *args):
    """The command as the user meets it: exit code 2, no traceback (`invoke` lets any other
    exception through); its output."""
    result = invoke(config, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_memo_and_templates_for_last_years_t3_when_they_cannot_be_done(
        workspace, register_copy, monkeypatch, tmp_path):
    """pipeline memo and pipeline templates --period 2024-T3 (read against the register the
    archive keeps) with the run's lock held, an outbox that is a file, a period no register
    has, and a memo template that is no Word document."""
    from pipeline.archive import run_lock

    config, _ = last_year_then_next_year(workspace, register_copy, monkeypatch)
    config.write_text(config.read_text() + "lock_wait_seconds = 0.2\n")
    outbox = workspace / "outbox"
    with run_lock(workspace / "archive", 0):
        assert "En annan körning pågår redan" in refused(config, "memo", "--period", "2024-T3")
        # templates write nothing a night writes, and read the archive as it is: made
        made = invoke(config, "templates", "--period", "2024-T3", "--department", "UTB")
        assert made.exit_code == 0, made.output
    assert not (outbox / "tjansteskrivelse_2024-T3.docx").exists()
    assert (outbox / "mallar" / "2024-T3" / "UTB_2024-T3_mall.xlsx").exists()

    for command in ("memo", "templates"):
        said = refused(config, command, "--period", "2023-T3")
        assert said.strip() == (
            "Perioden 2023-T3 finns inte i registret register-2025.xlsx, som gäller 2025, och "
            f"arkivet ({workspace / 'archive'}) har inget register sparat för perioden. Ange "
            f"registret för 2023: pipeline {command} --register <registret för 2023> --period "
            "2023-T3."), said

    not_docx = tmp_path / "mall.docx"
    not_docx.write_text("inte ett Word-dokument", encoding="utf-8")
    said = refused(config, "memo", "--period", "2024-T3", "--template", str(not_docx))
    assert f"Mallen {not_docx} kan inte läsas som ett Word-dokument (.docx eller .dotx)." in said

    shutil.rmtree(outbox)
    outbox.write_text("inte en mapp", encoding="utf-8")
    for command in ("memo", "templates"):
        said = refused(config, command, "--period", "2024-T3")
        assert f"Kommandot kunde inte slutföras: {outbox} är en fil, inte en mapp." in said, said


def test_a_damaged_kept_register_stops_every_command_with_what_to_do(
        workspace, register_copy, monkeypatch):
    """The register kept for 2024-T3 damaged in the archive (bytes no longer its checksum's):
    each command for the period stops and says so, and how to go on, instead of saying that
    the archive has no register for it; given a copy, the run counts the period and the archive
    keeps the copy again."""
    from tests.conftest import EXAMPLE_REGISTER

    config, stab = last_year_then_next_year(workspace, register_copy, monkeypatch)
    kept = json.loads((workspace / "archive" / "registers" / "periods.json").read_text())[
        "2024-T3"]
    path = workspace / "archive" / "registers" / f"{kept}.xlsx"
    path.write_bytes(path.read_bytes()[:2000])
    for command in ("memo", "templates", "run", "report", "status"):
        said = refused(config, command, "--period", "2024-T3")
        assert said.strip() == (
            f"Registret som perioden 2024-T3 skrevs med är skadat i arkivet: {path} stämmer "
            "inte längre med sin kontrollsumma (filnamnet). Lägg tillbaka filen från en "
            "säkerhetskopia av arkivet, eller ange en kopia av registret som det var: pipeline "
            f"{command} --register <kopian> --period 2024-T3."), said
    assert "är skadat i arkivet" in refused(config, "validate", "--period", "2024-T3", str(stab))
    assert not (workspace / "outbox" / "tjansteskrivelse_2024-T3.docx").exists()

    hand_in(workspace, "STAB", "stab t3.xlsx", stab)
    result = invoke(config, "run", "--register", str(EXAMPLE_REGISTER), "--period", "2024-T3")
    assert result.exit_code == 0, result.output
    assert "STAB/stab t3.xlsx: Godkänd\n" in result.output
    assert sha256_of(path) == kept  # kept again
    memo = invoke(config, "memo", "--period", "2024-T3")
    assert memo.exit_code == 0 and "som arkivet har kvar" in memo.output, memo.output


def test_templates_for_a_period_over_with_its_kept_register_damaged_are_not_made(
        workspace, register_copy):
    """Within the year: templates for T1, over, would be made from the edited register under
    a notice that an earlier version kept no register."""
    config, _ = t1_collected_then_t2(workspace, register_copy)
    kept = json.loads((workspace / "archive" / "registers" / "periods.json").read_text())[
        "2024-T1"]
    path = workspace / "archive" / "registers" / f"{kept}.xlsx"
    path.write_bytes(b"")
    for command in ("templates", "memo"):
        said = refused(config, command, "--period", "2024-T1")
        assert f"Registret som perioden 2024-T1 skrevs med är skadat i arkivet: {path}" in said
    assert not (workspace / "outbox" / "mallar" / "2024-T1").exists()


def night_for(config, period, full=False):
    """`pipeline run --period <period>` in a process of its own (full: without the short way
    for a night with nothing new): its output, and whether it imported pandas."""
    import subprocess
    import sys

    from tests.test_run import NIGHT

    prelude = "pipeline.run._nothing_new = lambda *args, **kwargs: None" if full else ""
    result = subprocess.run(
        [sys.executable, "-c", NIGHT.format(prelude=prelude), "--config", str(config), "run",
         "--period", period], capture_output=True, text=True, cwd=config.parent, timeout=300)
    assert result.stderr.splitlines()[-1] in ("True", "False"), result.stderr
    return result.stdout, result.stderr.splitlines()[-1] == "True"


def test_last_years_t3_run_again_with_nothing_new_is_a_quiet_night(
        workspace, register_copy, monkeypatch):
    """`pipeline run --period 2024-T3` against the 2025 register, again with nothing new: a
    quiet night, saying what the full run says (which register, "oförändrad"), without
    reading a register or importing pandas; it compared the manifest's register, the kept
    2024 one, with the configured one and ran in full every time. What decides the register
    changed (the configured register edited, the kept one damaged) means a full run again."""
    config, stab = last_year_then_next_year(workspace, register_copy, monkeypatch)
    hand_in(workspace, "STAB", "stab t3.xlsx", stab)
    first = invoke(config, "run", "--period", "2024-T3")
    assert first.exit_code == 0 and "STAB/stab t3.xlsx: Godkänd" in first.output, first.output
    notice = first.output.splitlines()[1]
    assert notice.startswith("Perioden 2024-T3 finns inte i registret register-2025.xlsx")
    full, _ = night_for(config, "2024-T3", full=True)
    quiet, imported = night_for(config, "2024-T3")
    assert quiet == full, (quiet, full)
    assert quiet.splitlines()[1] == notice
    assert "Inget har ändrats sedan förra körningen; sammanställningen är oförändrad." in quiet
    assert not imported

    # the 2025 register edited: a full run decides again (and is as quiet in what it says)
    register_2025 = workspace / "register-2025.xlsx"
    change_register(register_2025, lambda book: book["Avdelningar"].cell(
        register_row(book["Avdelningar"], "Avdelningskod", "UTB"), 2).__setattr__(
        "value", "Skolavdelningen"))
    again, imported = night_for(config, "2024-T3")
    assert again == quiet and imported
    assert not night_for(config, "2024-T3")[1]
    # the kept register damaged: not passed over in silence
    kept = json.loads((workspace / "archive" / "registers" / "periods.json").read_text())[
        "2024-T3"]
    path = workspace / "archive" / "registers" / f"{kept}.xlsx"
    path.write_bytes(path.read_bytes()[:-1])
    damaged, _ = night_for(config, "2024-T3")
    assert damaged == "", damaged  # (the message goes to stderr, with exit code 2)
    assert "är skadat i arkivet" in refused(config, "run", "--period", "2024-T3")


def test_a_period_over_run_again_with_nothing_new_is_a_quiet_night(workspace, register_copy):
    """Within the year: T1, over, run again against the register edited for T2."""
    config, stab = t1_collected_then_t2(workspace, register_copy)
    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    first = invoke(config, "run", "--period", "2024-T1")
    assert first.exit_code == 0, first.output
    quiet, imported = night_for(config, "2024-T1")
    assert quiet.splitlines()[1] == first.output.splitlines()[1]  # Perioden 2024-T1 är avslutad
    assert "sammanställningen är oförändrad" in quiet and not imported
    assert quiet == night_for(config, "2024-T1", full=True)[0]
    # T3 collected since: the notice says so, after a full run
    set_period(config, "2024-T3")
    assert invoke(config, "run").exit_code == 0
    told, imported = night_for(config, "2024-T1")
    assert "(2024-T3 har samlats in sedan dess)" in told and imported, told
