"""A department's own activity gets a stable id and comes back prefilled the next period."""

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.samples import fill_template
from tests.conftest import EXAMPLE_REGISTER, change_register, register_row, remove_department


def invoke(config, *args):
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def rows_of(path, sheet):
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, (c.value for c in row), strict=False))
            for row in ws.iter_rows(min_row=2)]


def hand_in_t1_with_own_activity(workspace, config, values):
    """SOC's T1 template, filled, with one activity of its own added in the first empty row
    (`values` by column header), handed in and run. Returns the templates folder."""
    out = workspace / "mallar"
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    filled = fill_template(out / "SOC_2024-T1_mall.xlsx", workspace / "soc.xlsx",
                           department="SOC", period_end=dt.date(2024, 4, 30))
    book = openpyxl.load_workbook(filled)
    sheet = book["Aktiviteter"]
    headers = [c.value for c in sheet[1]]
    empty = next(r for r in range(2, sheet.max_row + 1)
                 if not sheet.cell(r, 1).value and not sheet.cell(r, 3).value)
    for header, value in values.items():
        sheet.cell(empty, headers.index(header) + 1).value = value
    (workspace / "inbox" / "SOC").mkdir()
    book.save(workspace / "inbox" / "SOC" / "soc T1.xlsx")
    assert invoke(config, "run").exit_code == 0
    return out


def test_own_activity_gets_an_id_and_returns_prefilled_next_period(workspace):
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace('period = "2024-T2"', 'period = "2024-T1"'))
    out = hand_in_t1_with_own_activity(workspace, config, {
        "KS-mål-id": "3.2.1", "Aktivitet": "Sommarcafé på äldreboendet",
        "Startdatum": "2024-03-01", "Slutdatum": "2024-10-31",
        "Status": "Pågående enligt plan", "Kommentar": "Första träffen hölls i april."})

    config.write_text(config.read_text().replace('period = "2024-T1"', 'period = "2024-T2"'))
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    rows = rows_of(out / "SOC_2024-T2_mall.xlsx", "Aktiviteter")
    own = [r for r in rows if r["Aktivitet"] == "Sommarcafé på äldreboendet"]
    assert len(own) == 1
    own_id = own[0]["Aktivitets-id"]
    assert own_id and own_id.startswith("SOC-")
    assert own[0]["Föregående status"] == "Pågående enligt plan"
    assert own[0]["Föregående kommentar"] == "Första träffen hölls i april."
    register_row = next(r for r in rows if r["Aktivitets-id"] == "A3.1.1-01")
    assert register_row["Föregående status"]  # the register's activities carry theirs too

    second = fill_template(out / "SOC_2024-T2_mall.xlsx", workspace / "inbox" / "SOC" / "t2.xlsx",
                           department="SOC", period_end=dt.date(2024, 8, 31))
    assert second.exists()
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(workspace / "outbox" / "sammanstallning_2024-T2.xlsx")
    text = "\n".join(" ".join(str(v) for v in row if v is not None)
                     for row in book["Aktiviteter"].iter_rows(values_only=True))
    assert own_id in text and "Sommarcafé på äldreboendet" in text


def test_an_own_activity_taken_out_of_the_next_periods_file_is_refused(workspace):
    """It would vanish from the follow-up and from every later template. Set to Avbruten
    instead, it stays."""
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    out = hand_in_t1_with_own_activity(workspace, config, {
        "KS-mål-id": "3.2.1", "Aktivitet": "Sommarcafé på äldreboendet",
        "Startdatum": "2024-03-01", "Slutdatum": "2024-10-31",
        "Status": "Pågående enligt plan", "Kommentar": "Första träffen hölls i april."})
    set_period(config, "2024-T2")
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    t2 = fill_template(out / "SOC_2024-T2_mall.xlsx", workspace / "t2.xlsx", department="SOC",
                       period_end=dt.date(2024, 8, 31))
    book = openpyxl.load_workbook(t2)
    sheet = book["Aktiviteter"]
    own_row = next(r for r in range(2, sheet.max_row + 1)
                   if sheet.cell(r, 3).value == "Sommarcafé på äldreboendet")
    own_id = sheet.cell(own_row, 1).value
    sheet.delete_rows(own_row)
    book.save(workspace / "inbox" / "SOC" / "utan.xlsx")
    result = invoke(config, "run")
    assert result.exit_code == 1
    fel = "\n".join(" ".join(str(v) for v in row if v is not None) for row in openpyxl.load_workbook(
        workspace / "outbox" / "feedback" / "SOC_2024-T2_fel.xlsx")["Fel"].iter_rows(
        values_only=True))
    assert (f'Er egen aktivitet "{own_id}" ("Sommarcafé på äldreboendet") fanns i mallen men '
            "saknas i filen. Lägg tillbaka raden") in fel

    book = openpyxl.load_workbook(t2)
    headers = [c.value for c in book["Aktiviteter"][1]]
    book["Aktiviteter"].cell(own_row, headers.index("Status") + 1).value = "Avbruten"
    book["Aktiviteter"].cell(own_row, headers.index("Kommentar") + 1).value = "Lokalen såldes."
    book.save(workspace / "inbox" / "SOC" / "avbruten.xlsx")
    assert invoke(config, "run").exit_code == 0


def test_own_activities_survive_a_register_edited_between_periods(workspace, register_copy):
    register_path, edit = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text()
                      .replace('period = "2024-T2"', 'period = "2024-T1"')
                      .replace(f'register = "{EXAMPLE_REGISTER}"',
                               f'register = "{register_path}"'))
    out = hand_in_t1_with_own_activity(workspace, config, {
        "KS-mål-id": "3.2.1", "Aktivitet": "Boulebana vid äldreboendet",
        "Startdatum": "2024-03-01", "Slutdatum": "2024-10-31",
        "Status": "Pågående enligt plan"})

    config.write_text(config.read_text().replace('period = "2024-T1"', 'period = "2024-T2"'))
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    # after the templates went out, the controller corrects a typo in the register
    edit({("Aktiviteter", "D2"): "En rättad beskrivning."})
    fill_template(out / "SOC_2024-T2_mall.xlsx", workspace / "inbox" / "SOC" / "t2.xlsx",
                  department="SOC", period_end=dt.date(2024, 8, 31))
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert "t2.xlsx: Godkänd" in result.output


# --- the same bytes in another period, folder or register --------------------------------------

def set_period(config, period):
    text = config.read_text()
    config.write_text(text.replace(next(line for line in text.splitlines()
                                        if line.startswith("period =")), f'period = "{period}"'))


def filled(workspace, config, period, period_end, code="SOC"):
    out = workspace / "mallar" / period
    assert invoke(config, "templates", "--period", period, "--department", code, "--out",
                  str(out)).exit_code == 0
    return fill_template(out / f"{code}_{period}_mall.xlsx", workspace / f"{code} {period}.xlsx",
                         department=code, period_end=period_end)


def previous_column(workspace, name="Sociala avdelningen"):
    rows = rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Sjukfrånvaro")
    return next(r["Föregående period 2024-T1"] for r in rows if r["Avdelning"] == name)


def hand_in(workspace, code, name, source):
    """A department puts a copy of `source` in its drop folder."""
    folder = workspace / "inbox" / code
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(source.read_bytes())
    return folder / name


def night_with(workspace, config, code, name, source, exit_code=0):
    """A copy handed in, then the night's run: its output."""
    hand_in(workspace, code, name, source)
    result = invoke(config, "run")
    assert result.exit_code == exit_code, result.output
    return result.output


def test_a_t1_file_dropped_again_in_t2_is_refused_and_t1_keeps_its_data(workspace):
    """The same bytes judged for T2 are another verdict than for T1: refusing the copy must
    not replace what T1's accepted file gave (the T2 workbook compares with it)."""
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    t1 = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    hand_in(workspace, "SOC", "t1.xlsx", t1)
    assert invoke(config, "run").exit_code == 0
    set_period(config, "2024-T2")
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31))
    hand_in(workspace, "SOC", "t2.xlsx", t2)
    assert invoke(config, "run").exit_code == 0
    before = previous_column(workspace)
    assert isinstance(before, float)

    hand_in(workspace, "SOC", "igen.xlsx", t1)
    result = invoke(config, "run")
    assert result.exit_code == 1, result.output  # refused: it is T1's file, not a duplicate
    assert "SOC/igen.xlsx: Ej godkänd" in result.output
    assert previous_column(workspace) == before
    assert (workspace / "outbox" / "feedback" / "SOC_2024-T1_fel.xlsx").exists()  # its period


def test_a_late_file_counted_for_the_previous_period_shows_in_this_periods_outputs(
        workspace):
    """SOC's T1 report comes in during T2 and the controller counts it for T1 (`run --period
    2024-T1`): the next T2 night compares with it, though nothing new came in for T2."""
    config = workspace / "pipeline.toml"
    t1 = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31))
    night_with(workspace, config, "SOC", "t2.xlsx", t2)
    sick = rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Sjukfrånvaro")
    assert all("Föregående period 2024-T1" not in r for r in sick)  # nothing from T1 yet
    hand_in(workspace, "SOC", "t1.xlsx", t1)
    assert invoke(config, "run", "--period", "2024-T1").exit_code == 0
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert "oförändrad" not in result.output
    assert isinstance(previous_column(workspace), float)
    assert "oförändrad" in invoke(config, "run").output  # and then quiet again


def test_a_file_for_a_later_period_waits_in_the_inbox_until_that_period(workspace):
    """A department hands in T2 before the controller has moved pipeline.toml on: the file
    is not refused (that would tell it to use the T1 template) but waits, and counts for T2."""
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    early = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code="STAB")
    (workspace / "inbox" / "STAB").mkdir()
    dropped = workspace / "inbox" / "STAB" / "tidig.xlsx"
    dropped.write_bytes(early.read_bytes())
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert ("STAB/tidig.xlsx: gäller 2024-T2, som inte samlas in ännu (period = 2024-T1). Filen "
            "ligger kvar i inkorgen och läses in när perioden i pipeline.toml är 2024-T2."
            ) in result.output
    assert dropped.exists() and not (workspace / "outbox" / "feedback").exists()
    set_period(config, "2024-T2")
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert "STAB/tidig.xlsx: Godkänd" in result.output and not dropped.exists()
    assert "STAB (tidig.xlsx" in result.output


def test_a_file_refused_under_a_wrong_register_is_judged_again_when_handed_in_again(
        workspace, register_copy):
    """The controller's register mistake got a file refused; after the fix, the department
    hands in the very same file and it counts (it is no duplicate of a refused file)."""
    register_path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_path)))
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code="STAB")
    # a slip: STAB taken out of the register (its rows gone, its goals given to EKO)
    change_register(register_path, lambda book: remove_department(book, "STAB", heir="EKO"))
    # straight into the inbox: a drop folder inbox/STAB/ would wait, unread, while STAB is no
    # department
    (workspace / "inbox" / "stab.xlsx").write_bytes(t2.read_bytes())
    assert invoke(config, "run").exit_code == 1
    shutil.copy(EXAMPLE_REGISTER, register_path)  # fixed
    (workspace / "inbox" / "stab igen.xlsx").write_bytes(t2.read_bytes())
    output = invoke(config, "run").output
    assert "stab igen.xlsx: Godkänd" in output and "STAB (stab igen.xlsx" in output


def stab_statuses(workspace):
    rows = rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Aktiviteter")
    return [r["Status"] for r in rows if r["Avdelning"] == "Stab"]


def test_a_copy_of_the_counted_file_keeps_the_departments_data(workspace, monkeypatch):
    """The same bytes handed in again are a duplicate, and the department's answers stay in
    the workbook: that night, and on a night with nothing new after it."""
    config = workspace / "pipeline.toml"
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code="STAB")
    hand_in(workspace, "STAB", "a.xlsx", t2)
    assert invoke(config, "run").exit_code == 0
    answered = stab_statuses(workspace)
    assert answered and "Ej rapporterad" not in answered
    hand_in(workspace, "STAB", "a igen.xlsx", t2)
    result = invoke(config, "run")
    assert "STAB/a igen.xlsx: Dubblett" in result.output
    assert stab_statuses(workspace) == answered
    assert "oförändrad" in invoke(config, "run").output
    assert stab_statuses(workspace) == answered


def hand_in_v1_v2(workspace, config):
    """STAB's v1, then v2 (which counts); returns v1's path."""
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code="STAB")
    book = openpyxl.load_workbook(t2)
    book["Aktiviteter"]["I2"] = "Andra versionen."
    v2 = workspace / "v2.xlsx"
    book.save(v2)
    for name, source in (("v1.xlsx", t2), ("v2.xlsx", v2)):
        hand_in(workspace, "STAB", name, source)
        assert invoke(config, "run").exit_code == 0
    return t2


def test_an_old_file_handed_in_again_does_not_take_over_from_its_replacement(workspace):
    """v1, then v2 (counts), then v1's bytes again (a sync client, an old attachment): a
    duplicate of an accepted file; v2 still counts."""
    config = workspace / "pipeline.toml"
    v1 = hand_in_v1_v2(workspace, config)
    output = night_with(workspace, config, "STAB", "v1 igen.xlsx", v1)
    assert "STAB/v1 igen.xlsx: Dubblett" in output and "STAB (v2.xlsx" in output


def test_an_own_activity_id_stays_valid_when_a_corrected_earlier_file_leaves_it_out(workspace):
    """T1: SOC adds an activity (it gets an id); T2's file reports on it and counts. SOC then
    corrects T1 without it: T2's file still counts, with its answers."""
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    hand_in_t1_with_own_activity(workspace, config, {
        "KS-mål-id": "3.2.1", "Aktivitet": "Sommarcafé", "Startdatum": "2024-03-01",
        "Slutdatum": "2024-10-31", "Status": "Pågående enligt plan", "Kommentar": "Start."})
    set_period(config, "2024-T2")
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31))
    hand_in(workspace, "SOC", "t2.xlsx", t2)
    assert invoke(config, "run").exit_code == 0
    before = [r for r in rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx",
                                 "Aktiviteter") if r["Avdelning"] == "Sociala avdelningen"]
    assert any(r["Aktivitet"] == "Sommarcafé" for r in before)

    corrected = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))  # without it
    hand_in(workspace, "SOC", "t1 rättad.xlsx", corrected)
    assert invoke(config, "run", "--period", "2024-T1").exit_code == 0
    drop_stab = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code="STAB")
    hand_in(workspace, "STAB", "stab.xlsx", drop_stab)
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    after = [r for r in rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx",
                                "Aktiviteter") if r["Avdelning"] == "Sociala avdelningen"]

    def answers(rows):  # (T1's answers, now without the activity, are another matter)
        return [(r["Aktivitets-id"], r["Status"], r["Kommentar"]) for r in rows]
    assert answers(after) == answers(before)
    assert "Ej rapporterad" not in [r["Status"] for r in after]


def test_an_old_file_stays_a_duplicate_after_a_register_edit(workspace, register_copy):
    register_path, edit = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_path)))
    v1 = hand_in_v1_v2(workspace, config)
    edit({("Aktiviteter", "D2"): "En rättad beskrivning."})  # any edit changes its checksum
    hand_in(workspace, "STAB", "v1 igen.xlsx", v1)
    result = invoke(config, "run")
    assert "STAB/v1 igen.xlsx: Dubblett" in result.output and "STAB (v2.xlsx" in result.output


def test_an_old_file_stays_a_duplicate_of_ledger_lines_from_before_the_key(workspace):
    """Ledger lines written before Arrival.key existed (no "key"): v1's copy is still no
    newer answer than v2."""
    import json

    config = workspace / "pipeline.toml"
    v1 = hand_in_v1_v2(workspace, config)
    ledger = workspace / "archive" / "ledger.jsonl"
    lines = [json.loads(line) for line in ledger.read_text().splitlines()]
    ledger.write_text("".join(json.dumps({k: v for k, v in line.items() if k != "key"}) + "\n"
                              for line in lines))
    hand_in(workspace, "STAB", "v1 igen.xlsx", v1)
    result = invoke(config, "run")
    assert "STAB/v1 igen.xlsx: Dubblett" in result.output and "STAB (v2.xlsx" in result.output


def test_a_later_period_file_with_another_fault_is_refused_at_once(workspace):
    """It would wait a whole period to be told it lies in the wrong folder."""
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    early = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code="STAB")
    hand_in(workspace, "SOC", "stab.xlsx", early)
    result = invoke(config, "run")
    assert result.exit_code == 1, result.output
    assert "SOC/stab.xlsx: Ej godkänd" in result.output


# --- the register edited after the files came in ----------------------------------------------

SHIPPED = EXAMPLE_REGISTER.parent / "inlamningar"


def shipped(code):
    return next((SHIPPED / code).glob("*.xlsx"))


def workbook_rows(workspace, sheet):
    return rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", sheet)


def move_activity(book, activity_id, to):
    sheet = book["Aktiviteter"]
    sheet.cell(register_row(sheet, "Aktivitets-id", activity_id), 7).value = to


def accepted_stab_and_eko(workspace, register_path):
    """The shipped STAB and EKO files handed in and counted, against a copy of the register."""
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_path)))
    for code in ("STAB", "EKO"):
        hand_in(workspace, code, shipped(code).name, shipped(code))
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert "Gäller: STAB" in result.output and "EKO (" in result.output
    return config


def test_an_activity_moved_to_another_department_keeps_both_files_counting(workspace,
                                                                          register_copy):
    """The controller gives A3.1.1-02 from STAB to EKO after both have handed in: the files
    were made from the register as it was, so both keep counting. STAB's row for it is not
    read, EKO's missing row is shown as not reported, and Datakvalitet says why."""
    register_path, _ = register_copy
    config = accepted_stab_and_eko(workspace, register_path)
    change_register(register_path, lambda book: move_activity(book, "A3.1.1-02", "EKO"))
    for _ in range(2):  # the night of the edit, and a quiet night after it
        result = invoke(config, "run")
        assert result.exit_code == 0, result.output
        assert "stämmer inte längre" not in result.output
        assert "Gäller: STAB" in result.output and "EKO (" in result.output
        assert "Saknas: UTB, SBA, SOC" in result.output
    assert "oförändrad" in result.output

    messages = {(r["Avdelning"], r["Cell"], r["Meddelande"])
                for r in workbook_rows(workspace, "Datakvalitet")}
    assert ("Stab", "A2", "Registret har ändrats sedan mallen gjordes: ansvaret för aktiviteten "
            '"A3.1.1-02" (Aktiviteter!A2) ligger nu hos EKO, inte hos STAB. Raden har inte '
            "lästs in; avdelningen behöver inte göra något.") in messages
    assert ("Ekonomiavdelningen", None, 'Aktiviteten "A3.1.1-02" ("Genomföra två föreläsningar '
            'för temat kost och återhämtning") saknas i filen. Mallen gjordes från en äldre '
            "version av registret, som troligen inte hade aktiviteten för EKO. Den står som "
            '"Ej rapporterad" i sammanställningen; en ny mall har med den.') in messages
    assert not any("Ta bort raden" in m for _, _, m in messages)
    # Inlämningar counts the warnings Datakvalitet lists now, not those of the night it came in
    listed = {department: sum(1 for d, _, _ in messages if d == department)
              for department in ("Stab", "Ekonomiavdelningen")}
    assert {r["Avdelning"]: r["Anmärkningar"] for r in workbook_rows(workspace, "Inlämningar")
            if r["Avdelning"] in listed} == listed

    statuses = {(r["Avdelning"], r["Aktivitets-id"]): r["Status"]
                for r in workbook_rows(workspace, "Aktiviteter")}
    assert statuses[("Ekonomiavdelningen", "A3.1.1-02")] == "Ej rapporterad"
    assert ("Stab", "A3.1.1-02") not in statuses
    answered = [s for (department, _), s in statuses.items()
                if department in ("Stab", "Ekonomiavdelningen")]
    assert answered.count("Ej rapporterad") == 1
    owners = {r["KS-mål-id"]: r["Bedömning"] for r in workbook_rows(workspace, "Måluppföljning")
              if r["Målägare"] in ("Stab", "Ekonomiavdelningen")}
    assert owners and not {"Ej rapporterad", "Ej bedömd"} & set(owners.values())


def test_an_activity_removed_from_the_register_keeps_its_departments_file_counting(
        workspace, register_copy):
    register_path, _ = register_copy
    config = accepted_stab_and_eko(workspace, register_path)

    def remove(book):
        sheet = book["Aktiviteter"]
        sheet.delete_rows(register_row(sheet, "Aktivitets-id", "A3.4.7-03"))
    change_register(register_path, remove)
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert "Gäller: STAB" in result.output and "stämmer inte längre" not in result.output
    stab = [r["Meddelande"] for r in workbook_rows(workspace, "Datakvalitet")
            if r["Avdelning"] == "Stab"]
    assert any(m.startswith('Aktiviteten "A3.4.7-03" (Aktiviteter!A') and
               "finns inte i det aktuella registret" in m for m in stab), stab
    statuses = [r["Status"] for r in workbook_rows(workspace, "Aktiviteter")
                if r["Avdelning"] == "Stab"]
    assert statuses and "Ej rapporterad" not in statuses


def test_status_shows_the_remarks_of_the_last_run_not_those_of_the_day_a_file_came_in(
        workspace, register_copy):
    """STAB's file came in without remarks; after a register edit the run finds two (the
    template is older than the register, a row no longer in it). `pipeline status` says what
    the last run said, also after STAB hands in the same file again (a copy, not judged), and
    before that run it says the register has changed since."""
    register_path, _ = register_copy
    config = accepted_stab_and_eko(workspace, register_path)
    stab = next(line for line in invoke(config, "status").output.splitlines()
                if line.startswith("STAB"))
    assert "STAB   Stab: Godkänd, " in stab and "anmärkning" not in stab

    def remove(book):
        sheet = book["Aktiviteter"]
        sheet.delete_rows(register_row(sheet, "Aktivitets-id", "A3.4.7-03"))
    change_register(register_path, remove)
    assert "Registret har ändrats sedan den senaste körningen." in \
        invoke(config, "status").output
    assert invoke(config, "run").exit_code == 0
    hand_in(workspace, "STAB", "igen.xlsx", shipped("STAB"))
    assert "Dubblett" in invoke(config, "run").output
    submissions = {r["Fil"]: r for r in workbook_rows(workspace, "Inlämningar")}
    assert (submissions["Stab T2 2024.xlsx"]["Utfall"],
            submissions["Stab T2 2024.xlsx"]["Anmärkningar"]) == ("Godkänd med anmärkningar", 2)
    status = invoke(config, "status").output
    lines = {line.split()[0]: line for line in status.splitlines()[1:]}
    assert "STAB   Stab: Godkänd med anmärkningar, " in lines["STAB"]
    assert "(Stab T2 2024.xlsx, 2 anmärkningar)" in lines["STAB"]
    # the edit changed none of EKO's rows: no remark on its file
    assert "EKO    Ekonomiavdelningen: Godkänd, " in lines["EKO"]
    assert "(ekonomi_tertial2.xlsx)" in lines["EKO"] and "anmärkning" not in lines["EKO"]
    assert "Registret har ändrats" not in status


# --- the year rollover -------------------------------------------------------------------------

def soc_2024_t3(workspace, config, seed=0):
    """SOC's report for 2024-T3, filled in its template (made in workspace/mallar) while the
    period collected is 2024-T3: the folder of templates, and the file."""
    set_period(config, "2024-T3")
    out = workspace / "mallar"
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    return out, fill_template(out / "SOC_2024-T3_mall.xlsx", workspace / "t3.xlsx",
                              department="SOC", period_end=dt.date(2024, 12, 31), seed=seed)


def next_year_register(path, *, carried, renamed_id=None):
    """The controller's 2025 register made from the 2024 one: year and periods moved on, only
    the activities in `carried` kept (one of them retyped as `renamed_id`), one new one."""
    def change(book):
        book["Inställningar"]["B4"] = 2025
        periods = book["Perioder"]
        for r, (end, deadline) in enumerate([((2025, 4, 30), (2025, 5, 15)),
                                             ((2025, 8, 31), (2025, 9, 15)),
                                             ((2025, 12, 31), (2026, 1, 19))], start=2):
            periods.cell(r, 1).value = f"2025-T{r - 1}"
            periods.cell(r, 2).value = dt.datetime(*end)
            periods.cell(r, 3).value = dt.datetime(*deadline)
        sheet = book["Aktiviteter"]
        for r in range(sheet.max_row, 1, -1):
            if sheet.cell(r, 1).value not in carried:
                sheet.delete_rows(r)
            else:
                sheet.cell(r, 6).value = dt.datetime(2025, 12, 31)
                if renamed_id and sheet.cell(r, 1).value.casefold() == renamed_id.casefold():
                    sheet.cell(r, 1).value = renamed_id
        sheet.append(["A2025-01", "3.2.1", "Träffpunkt för äldre", None,
                      dt.datetime(2025, 2, 1), dt.datetime(2025, 11, 30), "SOC"])
    return change_register(path, change)


def test_the_years_first_templates_and_workbook_show_last_years_status_by_id(workspace,
                                                                            register_copy):
    """2025-T1 follows 2024-T3 although the 2025 register knows no 2024 period: an activity
    carried over keeps its id, and Föregående status is what the department reported for it
    in 2024-T3 (the id matched in any case), in the template and in the workbook. Without the
    2024 archive the column is just empty, and nothing stops."""
    config = workspace / "pipeline.toml"
    out, t3 = soc_2024_t3(workspace, config, seed=3)
    reported = {r["Aktivitets-id"]: (r["Status"], r["Kommentar"])
                for r in rows_of(t3, "Aktiviteter") if r["Aktivitets-id"]}
    night_with(workspace, config, "SOC", "t3.xlsx", t3)

    carried = ["A3.1.1-03", "A3.2.1-02", "A3.3.4-01"]
    register_2025 = next_year_register(register_copy[0], carried=carried,
                                       renamed_id="a3.2.1-02")
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_2025)))
    set_period(config, "2025-T1")
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    rows = {r["Aktivitets-id"]: r for r in rows_of(out / "SOC_2025-T1_mall.xlsx", "Aktiviteter")
            if r["Aktivitets-id"]}
    assert set(rows) == {"A3.1.1-03", "a3.2.1-02", "A3.3.4-01", "A2025-01"}
    for activity_id in carried:
        row = rows.get(activity_id) or rows["a3.2.1-02"]
        assert (row["Föregående status"], row["Föregående kommentar"]) == reported[activity_id]
    assert rows["A2025-01"]["Föregående status"] in ("", None)

    t1 = fill_template(out / "SOC_2025-T1_mall.xlsx", workspace / "inbox" / "SOC" / "t1.xlsx",
                       department="SOC", period_end=dt.date(2025, 4, 30))
    assert t1.exists()
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(workspace / "outbox" / "sammanstallning_2025-T1.xlsx")
    shown = {r["Aktivitets-id"]: r["Föregående status"]
             for r in rows_of(workspace / "outbox" / "sammanstallning_2025-T1.xlsx",
                              "Aktiviteter") if r.get("Avdelning") == "Sociala avdelningen"}
    assert shown["A3.1.1-03"] == reported["A3.1.1-03"][0]
    assert shown["a3.2.1-02"] == reported["A3.2.1-02"][0]
    notes = " ".join(str(c) for row in book["Aktiviteter"].iter_rows(values_only=True)
                     for c in row if c)
    assert "förra årets sista rapport" in notes

    # a fresh archive for the new year: nothing to carry, nothing stops
    set_period(config, "2025-T1")
    config.write_text(config.read_text().replace('archive = "archive"', 'archive = "arkiv2025"'))
    assert invoke(config, "templates", "--department", "SOC", "--out",
                  str(workspace / "ny")).exit_code == 0
    fresh = rows_of(workspace / "ny" / "SOC_2025-T1_mall.xlsx", "Aktiviteter")
    assert all(r["Föregående status"] in ("", None) for r in fresh)


def test_a_template_of_another_year_is_told_as_late_or_early_not_as_unknown(workspace,
                                                                           register_copy):
    """Around New Year both registers are in use: last year's T3 comes in after the controller
    moved on to 2025-T1, or this year's T1 before the 2024-T3 night is over. The late file is
    refused as late (with how to count it: the 2024-T3 night kept last year's register in the
    archive, so --period alone); the early one waits in
    the inbox, as within a year; neither is told that its period does not exist."""
    config = workspace / "pipeline.toml"
    out, t3 = soc_2024_t3(workspace, config)
    register_2025 = next_year_register(register_copy[0], carried=["A3.1.1-03"])
    assert invoke(config, "templates", "--register", str(register_2025), "--period", "2025-T1",
                  "--department", "SOC", "--out", str(out)).exit_code == 0
    (workspace / "inbox" / "SOC").mkdir()
    t1 = fill_template(out / "SOC_2025-T1_mall.xlsx", workspace / "inbox" / "SOC" / "t1.xlsx",
                       department="SOC", period_end=dt.date(2025, 4, 30))

    early = invoke(config, "run")  # still collecting 2024-T3 with the 2024 register
    assert early.exit_code == 0, early.output
    assert "t1.xlsx: gäller 2025-T1, som inte samlas in ännu" in early.output
    assert t1.exists() and "finns inte i registret" not in early.output

    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_2025)))
    set_period(config, "2025-T1")
    shutil.copy(t3, workspace / "inbox" / "SOC" / "sen.xlsx")
    late = invoke(config, "run")
    assert late.exit_code == 1
    assert "t1.xlsx: Godkänd" in late.output
    assert "sen.xlsx: gäller 2024-T3" in late.output
    assert f"{Path('SOC') / 'sen.xlsx'} och kör pipeline run --period 2024-T3.\n" in \
        late.output, late.output
    # without the register in the archive, the advice gives it
    shutil.rmtree(workspace / "archive" / "registers")
    fill_template(out / "SOC_2024-T3_mall.xlsx", workspace / "inbox" / "SOC" / "sen igen.xlsx",
                  department="SOC", period_end=dt.date(2024, 12, 31), seed=1)
    again = invoke(config, "run")
    assert "pipeline run --register <registret för 2024> --period 2024-T3" in again.output, \
        again.output
    fel = "\n".join(" ".join(str(v) for v in row if v is not None) for row in openpyxl.load_workbook(
        workspace / "outbox" / "feedback" / "SOC_2024-T3_fel.xlsx")["Fel"].iter_rows(
        values_only=True))
    assert "insamlingen för 2024-T3 är avslutad" in fel
    assert "finns inte i registret" not in fel


def test_last_years_files_are_read_once_for_the_years_first_period(workspace, register_copy,
                                                                   monkeypatch):
    """Every night of 2025-T1 with new files (and `pipeline report`) shows 2024-T3's statuses:
    last year's archived files used to be read again each time, about a second a night at
    300 departments. After `pipeline templates` has read them once, the nights do not."""
    import pipeline.intake

    config = workspace / "pipeline.toml"
    out, t3 = soc_2024_t3(workspace, config, seed=3)
    night_with(workspace, config, "SOC", "t3.xlsx", t3)
    register_2025 = next_year_register(register_copy[0], carried=["A3.1.1-03"])
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_2025)))
    set_period(config, "2025-T1")
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0

    fill_template(out / "SOC_2025-T1_mall.xlsx", workspace / "inbox" / "SOC" / "t1.xlsx",
                  department="SOC", period_end=dt.date(2025, 4, 30))
    parse = pipeline.intake.parse_submission
    read: list[str] = []

    def counted(content, *, name, **kwargs):
        read.append(name)
        return parse(content, name=name, **kwargs)

    monkeypatch.setattr(pipeline.intake, "parse_submission", counted)
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert invoke(config, "report").exit_code == 0
    assert "t3.xlsx" not in read and read == ["t1.xlsx"]
    shown = {r["Aktivitets-id"]: r["Föregående status"]
             for r in rows_of(workspace / "outbox" / "sammanstallning_2025-T1.xlsx",
                              "Aktiviteter") if r.get("Avdelning") == "Sociala avdelningen"}
    assert shown["A3.1.1-03"] not in ("", None)


def test_last_years_comment_with_a_personnummer_is_masked_in_the_years_first_templates(
        workspace, register_copy):
    """2025-T1's Föregående kommentar is read from 2024-T3's archived files, not from that
    night's outputs: a personnummer in it is masked there too, as in every other output."""
    config = workspace / "pipeline.toml"
    out, t3 = soc_2024_t3(workspace, config, seed=3)
    book = openpyxl.load_workbook(t3)
    sheet = book["Aktiviteter"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "A3.1.1-03")
    sheet.cell(row, 9).value = "Samtal med 850312-1231 bokat."
    book.save(t3)
    night_with(workspace, config, "SOC", "t3.xlsx", t3)

    register_2025 = next_year_register(register_copy[0], carried=["A3.1.1-03"])
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_2025)))
    set_period(config, "2025-T1")
    assert invoke(config, "templates", "--department", "SOC", "--out", str(out)).exit_code == 0
    rows = {r["Aktivitets-id"]: r for r in rows_of(out / "SOC_2025-T1_mall.xlsx", "Aktiviteter")}
    assert rows["A3.1.1-03"]["Föregående kommentar"] == \
        "Samtal med [personnummer borttaget] bokat."


def test_two_new_activities_of_the_same_title_and_start_stay_two(workspace):
    """A new activity's id is made from its title and start: two of the same title and start
    (toward two goals, with two end dates) took one id, and the committee read one row with
    the first's end date and the second's status."""
    from tests.conftest import EXAMPLE

    book = openpyxl.load_workbook(next((EXAMPLE / "inlamningar" / "STAB").glob("*.xlsx")))
    sheet = book["Aktiviteter"]
    for row, (goal, end, status) in enumerate((("3.1.1", dt.datetime(2024, 6, 1), "Avslutad enligt plan"),
                                               ("3.1.2", dt.datetime(2024, 12, 1), "Försenad")),
                                              start=17):
        for column, value in zip("BCDEHI", (goal, "Stödsamtal", dt.datetime(2024, 3, 1), end,
                                            status, "Se planen."), strict=True):
            sheet[f"{column}{row}"] = value
    (workspace / "inbox" / "STAB").mkdir()
    book.save(workspace / "inbox" / "STAB" / "Stab T2 2024.xlsx")
    assert invoke(workspace / "pipeline.toml", "run").exit_code == 0
    rows = rows_of(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Aktiviteter")
    own = sorted((r["KS-mål-id"], r["Slutdatum"].date(), r["Status"]) for r in rows
                 if r["Aktivitet"] == "Stödsamtal")
    assert own == [("3.1.1", dt.date(2024, 6, 1), "Avslutad enligt plan"),
                   ("3.1.2", dt.date(2024, 12, 1), "Försenad")]
    assert len({r["Aktivitets-id"] for r in rows if r["Aktivitet"] == "Stödsamtal"}) == 2


def test_a_register_edit_of_other_departments_rows_is_no_remark_on_a_file(workspace,
                                                                            register_copy):
    """The controller gives A3.4.1-01 from SBA to SOC and renames UTB: STAB's file, whose rows
    did not change, stays Godkänd; EKO's, whose activity A3.1.1-02 came from STAB, is told its
    template was made from an older register."""
    register_path, _ = register_copy
    config = accepted_stab_and_eko(workspace, register_path)
    before = {r["Avdelning"]: (r["Utfall"], r["Anmärkningar"])
              for r in workbook_rows(workspace, "Inlämningar")}

    def edit(book):
        move_activity(book, "A3.4.1-01", "SOC")
        departments = book["Avdelningar"]
        departments.cell(register_row(departments, "Avdelningskod", "UTB"), 2).value = \
            "Utbildningsförvaltningen"
    change_register(register_path, edit)
    assert invoke(config, "run").exit_code == 0
    after = {r["Avdelning"]: (r["Utfall"], r["Anmärkningar"])
             for r in workbook_rows(workspace, "Inlämningar")}
    assert after == before
    assert not any("äldre version av registret" in (r["Meddelande"] or "")
                   for r in workbook_rows(workspace, "Datakvalitet"))

    change_register(register_path, lambda book: move_activity(book, "A3.1.1-02", "EKO"))
    assert invoke(config, "run").exit_code == 0
    told = {r["Avdelning"] for r in workbook_rows(workspace, "Datakvalitet")
            if (r["Meddelande"] or "").startswith("Mallen gjordes från en äldre version av")}
    assert told == {"Stab", "Ekonomiavdelningen"}


def rename_code(book, old, new):
    """Every `old` department code in the register (Avdelningar, Ansvarig lists, Målägare,
    Ekonomi, Basvärden) written as `new`."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and old in cell.value.split(";"):
                    cell.value = ";".join(new if c == old else c for c in cell.value.split(";"))


def test_a_department_code_changed_in_the_register_is_told_its_history_is_lost(
        workspace, register_copy):
    """SOC handed in for T1; the controller then renames its code SOC → SOCF. Its T2
    template has no Föregående status, and templates and the night say why and what to do."""
    register_path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(register_path)))
    t1 = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    hand_in(workspace, "SOC", "t1.xlsx", t1)
    assert invoke(config, "run", "--period", "2024-T1").exit_code == 0
    change_register(register_path, lambda book: rename_code(book, "SOC", "SOCF"))

    remark = ("Avdelningskoden SOC finns inte längre i registret, men arkivet har godkända "
              "filer från SOC för 2024-T1. Föregående status och kommentar i mallen")
    out = workspace / "mallar"
    result = invoke(config, "templates", "--department", "SOCF", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert remark in result.output
    assert "Behåll koden SOC och byt bara namnet i kolumnen Avdelning" in result.output
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    assert remark in result.output
    assert remark not in invoke(config, "run").output  # told once, as every register remark


def test_a_late_files_feedback_copy_bears_its_period_and_goes_when_it_is_counted(workspace):
    """SOC's T1 report comes in during T2 and is refused as T1's: its copy is named for T1
    (not for SOC's T2 report, which was accepted), and once the controller counts the file
    for T1 with --period, the copy, which no longer tells the truth, is gone."""
    config = workspace / "pipeline.toml"
    t1 = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    t2 = filled(workspace, config, "2024-T2", dt.date(2024, 8, 31))
    night_with(workspace, config, "SOC", "t2.xlsx", t2)
    output = night_with(workspace, config, "SOC", "t1.xlsx", t1, exit_code=1)
    feedback = workspace / "outbox" / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == ["SOC_2024-T1_fel.xlsx"]
    assert f"Återkoppling: {feedback / 'SOC_2024-T1_fel.xlsx'}" in output

    hand_in(workspace, "SOC", "t1.xlsx", t1)
    result = invoke(config, "run", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    assert "SOC/t1.xlsx: Godkänd" in result.output
    assert list(feedback.iterdir()) == []


def test_a_late_files_copy_an_earlier_version_named_goes_when_the_file_is_counted(workspace):
    """An earlier version named the late file's copy for the period collected then
    (SOC_2024-T2_fel.xlsx): it goes too once the file counts for T1, found by its receipt; a
    copy of another file under such a name stays."""
    config = workspace / "pipeline.toml"
    t1 = filled(workspace, config, "2024-T1", dt.date(2024, 4, 30))
    night_with(workspace, config, "SOC", "t1.xlsx", t1, exit_code=1)
    feedback = workspace / "outbox" / "feedback"
    (feedback / "SOC_2024-T1_fel.xlsx").rename(feedback / "SOC_2024-T2_fel.xlsx")
    shutil.copy(feedback / "SOC_2024-T2_fel.xlsx", feedback / "UTB_2024-T2_fel.xlsx")

    hand_in(workspace, "SOC", "t1.xlsx", t1)
    assert invoke(config, "run", "--period", "2024-T1").exit_code == 0
    assert [p.name for p in feedback.iterdir()] == ["UTB_2024-T2_fel.xlsx"]
