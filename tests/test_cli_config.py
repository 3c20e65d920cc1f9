"""pipeline.toml, PIPELINE_NOW and the command line's overrides, as a user meets them:
a wrong value is named with its key and what to write, with exit code 2 and no traceback;
every key can be given on the command line; file-system failures name what to fix."""

import errno
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.archive import run_lock
from pipeline.cli import main
from tests.conftest import EXAMPLE, EXAMPLE_REGISTER, ROOT

COMMANDS = sorted(main.commands)  # every command, a new one included
SUBMISSIONS = EXAMPLE / "inlamningar"


def invoke(workspace, *args, env=None):
    return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), *args],
                              env=env)


def configure(workspace, **values):
    """Rewrite the workspace's pipeline.toml with these raw TOML values replacing its own."""
    config = workspace / "pipeline.toml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines()
             if line.split("=")[0].strip() not in values]
    lines += [f"{key} = {value}" for key, value in values.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def drop(workspace, code):
    source = next((SUBMISSIONS / code).glob("*.xlsx"))
    target = workspace / "inbox" / code / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def assert_refused(result, message):
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- wrong types in pipeline.toml -----------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "message"), [
    ("settle_seconds", '"fem"', 'settle_seconds = "fem" är inte ett antal sekunder. Skriv ett '
                                "tal, 0 eller större, utan citattecken, t.ex. "
                                "settle_seconds = 300."),
    ("settle_seconds", "-5", "settle_seconds = -5 är inte ett antal sekunder."),
    ("lock_wait_seconds", "[1]", "lock_wait_seconds = [1] är inte ett antal sekunder. Skriv "
                                 "ett tal, 0 eller större, utan citattecken, t.ex. "
                                 "lock_wait_seconds = 10."),
    ("report", '"nej"', 'report = "nej" är inte true eller false. Skriv report = true eller '
                        "report = false, utan citattecken."),
    ("report", '"false"', 'report = "false" är inte true eller false.'),
    ("report", '"ja"', 'report = "ja" är inte true eller false.'),
    ("period", "2024", "period = 2024 är inte en period. Skriv perioden inom citattecken som "
                       'ÅÅÅÅ-T1, ÅÅÅÅ-T2 eller ÅÅÅÅ-T3, t.ex. period = "2024-T2".'),
    ("period", '"2024-T4"', 'period = "2024-T4" har fel format.'),
    ("register", "5", 'register = 5 är inte en sökväg. Skriv sökvägen inom citattecken, t.ex. '
                      'register = "register.xlsx".'),
    ("inbox", "true", 'inbox = true är inte en sökväg. Skriv sökvägen inom citattecken, t.ex. '
                      'inbox = "inbox".'),
    ("outbox", '""', 'outbox = "" är tom.'),
    ("report_activities", '"avvikelser"',
     'report_activities = "avvikelser" är inget av de tillåtna värdena. Skriv '
     'report_activities = "all" (alla aktiviteter) eller report_activities = "deviations" '
     "(bara avvikelserna), inom citattecken."),
    ("report_activities", "true", "report_activities = true är inget av de tillåtna värdena."),
])
def test_a_wrongly_typed_config_value_is_named_with_its_line_and_stops_with_exit_2(
        workspace, key, value, message):
    drop(workspace, "SOC")
    config = configure(workspace, **{key: value})
    line = config.read_text(encoding="utf-8").splitlines().index(f"{key} = {value}") + 1
    result = invoke(workspace, "run")
    assert_refused(result, f"Konfigurationsfilen {config}, rad {line}: {message}")
    assert not (workspace / "outbox").exists()  # nothing written on a guess


def test_report_as_the_string_nej_writes_no_report(workspace):
    drop(workspace, "SOC")
    configure(workspace, report='"nej"')
    assert invoke(workspace, "run").exit_code == 2
    assert not list(workspace.glob("outbox/tertialrapport_*.docx"))
    assert list((workspace / "inbox" / "SOC").iterdir())  # it waits for a corrected config


def test_a_config_value_written_as_a_table_is_named_too(workspace):
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("report = false\n", "")
                      + "[report]\nwrite = true\n", encoding="utf-8")
    assert_refused(invoke(workspace, "status"),
                   f"Konfigurationsfilen {config}: report = {{ write = true }} är inte true "
                   "eller false.")


def test_a_pinned_clock_that_is_no_time_is_named(workspace):
    result = invoke(workspace, "status", env={"PIPELINE_NOW": "igår"})
    assert_refused(result, 'Miljövariabeln PIPELINE_NOW har värdet "igår", som inte är en '
                           "tidpunkt. Skriv datum och tid som PIPELINE_NOW=2024-08-31T02:00 "
                           "(eller bara datumet, 2024-08-31), eller ta bort variabeln så "
                           "används datorns klocka.")


def test_a_pinned_clock_pins_the_status_date(workspace):
    result = invoke(workspace, "status", env={"PIPELINE_NOW": "2024-09-01T02:00"})
    assert result.exit_code == 0, result.output
    assert "passerad" not in result.output.splitlines()[0]


# --- messages about paths -------------------------------------------------------------------

def test_a_folder_given_as_config_file_is_called_a_folder(tmp_path):
    result = CliRunner().invoke(main, ["--config", str(tmp_path), "status"])
    assert_refused(result, f"Konfigurationsfilen {tmp_path} är en mapp, inte en fil. Ange "
                           f"själva filen, t.ex. --config {tmp_path / 'pipeline.toml'}.")


def test_validate_calls_a_folder_a_folder_and_still_checks_the_files(workspace):
    folder = workspace / "inbox" / "SOC"
    file = drop(workspace, "SOC")
    result = invoke(workspace, "validate", str(folder), str(file))
    assert result.exit_code == 1, result.output
    assert result.output.startswith(
        f"SOC: Ej godkänd\n  Fel: {folder} är en mapp, inte en fil. Ange filerna i den, "
        f"t.ex. {folder / '*.xlsx'}.\n{file.name}: Godkänd")


def test_validate_of_the_inbox_names_the_files_in_the_departments_folders(workspace):
    """The inbox's files lie one level down, in the departments' folders: `inbox/*.xlsx`
    would find none of them."""
    drop(workspace, "SOC")
    inbox = workspace / "inbox"
    result = invoke(workspace, "validate", str(inbox))
    assert f"Ange filerna i den, t.ex. {inbox / '*' / '*.xlsx'}." in result.output, result.output


def test_an_outbox_that_is_a_file_is_named_as_the_thing_to_fix(workspace):
    drop(workspace, "SOC")
    (workspace / "outbox").write_text("inte en mapp", encoding="utf-8")
    result = invoke(workspace, "run")
    assert_refused(result, f"Kommandot kunde inte slutföras: {workspace / 'outbox'} är en fil, "
                           "inte en mapp. Flytta filen eller byt namn på den, så skapas mappen.")
    assert len(list((workspace / "archive" / "files").rglob("*.xlsx"))) == 1  # nothing lost


@pytest.mark.parametrize("command", COMMANDS)
def test_an_archive_that_is_a_file_stops_every_command_saying_so(workspace, command):
    """--archive given a file (or pipeline.toml's archive naming one): not templates without
    Föregående status, a status with every department missing, nor "the archive keeps no
    register" for a period that is over, but what was given and what to give."""
    drop(workspace, "SOC")
    assert invoke(workspace, "run").exit_code == 0  # the archive and a manifest, as they are
    ledger = (workspace / "archive" / "ledger.jsonl").read_bytes()
    given = workspace / "arkiv.txt"
    given.write_text("inte ett arkiv", encoding="utf-8")
    files = [str(next((SUBMISSIONS / "SOC").glob("*.xlsx")))] if command == "validate" else []
    for archive, said in ((given, f"Arkivet {given} är en fil, inte en mapp."),
                          (given / "arkiv", f"Arkivet {given / 'arkiv'} kan inte skapas: "
                                            f"{given} är en fil, inte en mapp.")):
        result = invoke(workspace, command, *files, "--period", "2024-T1", "--archive",
                        str(archive))
        assert_refused(result, said)
        assert result.output == (f"{said} Ange arkivets mapp i pipeline.toml (archive) eller "
                                 "med --archive MAPP; inget har lästs in eller ändrats.\n")
    configure(workspace, archive='"arkiv.txt"')
    assert_refused(invoke(workspace, command, *files), f"Arkivet {given} är en fil")
    assert not (workspace / "outbox" / "mallar").exists()
    assert given.read_text(encoding="utf-8") == "inte ett arkiv"
    assert (workspace / "archive" / "ledger.jsonl").read_bytes() == ledger


def test_status_with_an_outbox_that_is_a_file_says_so(workspace):
    """`pipeline status --outbox <a file>` read no manifest there, and showed every file's
    remarks as untold, without a word that the outbox given is a file."""
    drop(workspace, "SOC")
    assert invoke(workspace, "run").exit_code == 0
    given = workspace / "utkorg.txt"
    given.write_text("inte en utkorg", encoding="utf-8")
    result = invoke(workspace, "status", "--outbox", str(given))
    assert_refused(result, f"Utkorgen {given} är en fil, inte en mapp.")
    assert result.output == (f"Utkorgen {given} är en fil, inte en mapp. Ange utkorgens mapp "
                             "i pipeline.toml (outbox) eller med --outbox MAPP; inget har lästs "
                             "in eller ändrats.\n")
    assert given.read_text(encoding="utf-8") == "inte en utkorg"


def test_a_feedback_folder_under_an_outbox_file_names_the_outbox(workspace):
    (workspace / "outbox").write_text("inte en mapp", encoding="utf-8")
    broken = workspace / "trasig.xlsx"
    broken.write_bytes(b"inte excel")
    result = invoke(workspace, "validate", str(broken), "--feedback",
                    str(workspace / "outbox" / "feedback"))
    assert_refused(result, f"{workspace / 'outbox'} är en fil, inte en mapp.")


@pytest.mark.parametrize(("code", "message"), [
    (errno.EACCES, "behörighet saknas i mappen {outbox}. Ge kontot som kör kommandot rätt att "
                   "läsa och skriva i mappen."),
    (errno.EROFS, "mappen {outbox} ligger på en skrivskyddad disk. Gör disken skrivbar eller "
                  "ange en annan mapp i pipeline.toml."),
    (errno.ENOSPC, "disken är full (när {outbox}/sammanstallning_2024-T2.xlsx skrevs). Frigör "
                   "utrymme på disken."),
])
def test_a_failed_output_names_the_folder_not_the_temporary_file(workspace, monkeypatch, code,
                                                                 message):
    import os
    import tempfile

    mkstemp = tempfile.mkstemp
    outbox = workspace / "outbox"

    def refused(*args, prefix="", dir=None, **kwargs):  # as os.open fails inside mkstemp
        if Path(dir) != outbox:
            return mkstemp(*args, prefix=prefix, dir=dir, **kwargs)
        raise OSError(code, os.strerror(code), os.path.join(dir, f"{prefix}abcd_123.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    outbox.mkdir()
    result = invoke(workspace, "run")
    assert_refused(result, "Kommandot kunde inte slutföras: "
                           + message.format(outbox=workspace / "outbox"))
    assert ".tmp" not in result.output


def test_a_full_disk_when_xlsxwriter_closes_the_workbook_is_exit_2(workspace, monkeypatch):
    import xlsxwriter.workbook

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    drop(workspace, "SOC")
    result = invoke(workspace, "run")
    assert_refused(result, "Kommandot kunde inte slutföras: disken är full. Frigör utrymme på "
                           "disken.")


def test_another_xlsxwriter_error_is_still_a_program_error(workspace, monkeypatch):
    import xlsxwriter.exceptions
    import xlsxwriter.workbook

    def broken(self):
        raise xlsxwriter.exceptions.FileCreateError("not an OSError")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", broken)
    result = invoke(workspace, "templates", "--out", str(workspace / "mallar"))
    assert isinstance(result.exception, xlsxwriter.exceptions.FileCreateError)


# --- every key on the command line ----------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_every_path_and_the_period(command):
    result = CliRunner().invoke(main, [command, "--help"])
    for option in ("--period PERIOD", "--register FIL", "--inbox MAPP", "--outbox MAPP",
                   "--archive MAPP"):
        assert option in result.output, (command, option)


def test_report_takes_the_register_outbox_and_archive_from_the_command_line(workspace):
    configure(workspace, register='"saknas.xlsx"')
    register = workspace / "annat-register.xlsx"
    shutil.copy(EXAMPLE_REGISTER, register)
    result = invoke(workspace, "report", "--register", str(register), "--outbox",
                    str(workspace / "ut"), "--archive", str(workspace / "arkiv"))
    assert result.exit_code == 0, result.output
    assert (workspace / "ut" / "tertialrapport_2024-T2.docx").is_file()
    assert not (workspace / "outbox").exists()


def test_the_register_may_be_given_only_on_the_command_line(workspace):
    config = workspace / "pipeline.toml"
    config.write_text(re.sub(r"register = .*\n", "", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    assert_refused(invoke(workspace, "status"), f'Konfigurationsfilen {config} saknar nyckeln '
                   '"register". Lägg till en rad med registrets sökväg, t.ex. register = '
                   '"register.xlsx", eller ange --register FIL.')
    result = invoke(workspace, "status", "--register", str(EXAMPLE_REGISTER))
    assert result.exit_code == 0, result.output


def test_status_reads_the_archive_given_on_the_command_line(workspace):
    drop(workspace, "SOC")
    assert invoke(workspace, "run", "--archive", str(workspace / "arkiv")).exit_code == 0
    lines = invoke(workspace, "status", "--archive", str(workspace / "arkiv")).output
    assert "SOC" in lines and "saknas" not in next(x for x in lines.splitlines() if "SOC" in x)
    default = invoke(workspace, "status", "--inbox", str(workspace / "inbox")).output
    assert "saknas" in next(x for x in default.splitlines() if x.startswith("SOC"))


def test_run_report_and_no_report_override_the_config(workspace):
    drop(workspace, "SOC")
    assert invoke(workspace, "run", "--report").exit_code == 0
    assert (workspace / "outbox" / "tertialrapport_2024-T2.docx").is_file()

    configure(workspace, report="true")
    drop(workspace, "EKO")
    result = invoke(workspace, "run", "--no-report", "--outbox", str(workspace / "ut"))
    assert result.exit_code == 0, result.output
    assert (workspace / "ut" / "sammanstallning_2024-T2.xlsx").is_file()
    assert not (workspace / "ut" / "tertialrapport_2024-T2.docx").exists()


def report_tables(path):
    """The rows of the report's activity tables."""
    from docx import Document

    return sum(len(table.rows) for table in Document(str(path)).tables
               if table.rows[0].cells[0].text == "Verksamhetens aktiviteter")


def test_report_activities_from_the_config_and_the_command_line(workspace):
    """report_activities = "deviations" shortens the night's report; "all" on the command
    line of the next night writes the whole report again, though no file came in (the night
    is not taken for one with nothing new), and so does `pipeline report`."""
    drop(workspace, "SOC")
    configure(workspace, report="true", report_activities='"deviations"')
    report = workspace / "outbox" / "tertialrapport_2024-T2.docx"
    assert invoke(workspace, "run").exit_code == 0
    short = report_tables(report)
    assert invoke(workspace, "run", "--report-activities", "all").exit_code == 0
    whole = report_tables(report)
    assert whole > short
    assert invoke(workspace, "report").exit_code == 0
    assert report_tables(report) == short
    assert invoke(workspace, "report", "--report-activities", "all").exit_code == 0
    assert report_tables(report) == whole


def test_report_activities_on_the_command_line_is_checked(workspace):
    result = invoke(workspace, "report", "--report-activities", "avvikelser")
    assert result.exit_code == 2
    assert ("Fel: Ogiltigt värde för '--report-activities': \"avvikelser\" är inget av de "
            "tillåtna värdena. Ange all eller deviations.") in result.output
    assert "Traceback" not in result.output


def test_run_settle_seconds_on_the_command_line_leaves_a_fresh_file(workspace):
    target = drop(workspace, "SOC")
    result = invoke(workspace, "run", "--settle-seconds", "3600")
    assert result.exit_code == 0, result.output
    assert target.exists()  # changed a moment ago: left for the next night
    assert invoke(workspace, "run", "--settle-seconds", "0").exit_code == 0
    assert not target.exists()


def test_run_lock_wait_seconds_on_the_command_line(workspace):
    import time

    configure(workspace, lock_wait_seconds="60")
    with run_lock(workspace / "archive", 0):
        began = time.monotonic()
        result = invoke(workspace, "run", "--lock-wait-seconds", "0,5")
    assert_refused(result, "En annan körning pågår redan")
    assert time.monotonic() - began < 30


def test_seconds_that_are_no_number_are_a_swedish_usage_error(workspace):
    result = invoke(workspace, "run", "--settle-seconds", "fem")
    assert result.exit_code == 2
    assert ("Fel: Ogiltigt värde för '--settle-seconds': \"fem\" är inte ett antal sekunder. "
            "Ange ett tal, 0 eller större, t.ex. 300.") in result.output


@pytest.mark.parametrize("flag", ["--inbox", "--outbox", "--archive", "--register"])
def test_an_empty_path_on_the_command_line_is_refused_not_taken_as_this_folder(
        workspace, monkeypatch, flag):
    """`--inbox "$INBOX"` with the variable unset: the current folder as the inbox would
    archive and remove pipeline.toml and everything else in it."""
    monkeypatch.chdir(workspace)
    before = sorted(p.name for p in workspace.iterdir())
    result = invoke(workspace, "run", flag, "")
    assert result.exit_code == 2
    assert f"Fel: Ogiltigt värde för '{flag}': sökvägen är tom." in result.output
    assert sorted(p.name for p in workspace.iterdir()) == before


def test_a_period_on_the_command_line_is_checked(workspace):
    assert_refused(invoke(workspace, "status", "--period", "2024-T5"),
                   'Perioden "2024-T5" har fel format. Skriv den som ÅÅÅÅ-T1, ÅÅÅÅ-T2 eller '
                   "ÅÅÅÅ-T3, t.ex. 2024-T2.")


def test_the_readme_names_every_option_of_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        help_text = CliRunner().invoke(main, [command, "--help"]).output
        for option in set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}:
            assert option in readme, (command, option)


def test_help_does_not_load_pandas():
    import subprocess
    import sys

    code = "import sys; from pipeline.cli import main; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(ROOT), check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("dash", ["\u2011", "\u2013", "\u2212"])
def test_a_period_copied_from_the_report_is_read_with_its_dash(workspace, dash):
    """The report and the memo write a period code with a non-breaking hyphen (2024‑T1 keeps
    to one line), which Word copies as it is: pasted after --period or into pipeline.toml it
    was refused as 'Perioden "2024‑T1" har fel format', a message showing what looks like the
    right code. It (or an en dash, a minus) is read as the hyphen."""
    result = invoke(workspace, "templates", "--period", f"2024{dash}T1", "--department", "EKO")
    assert result.exit_code == 0, result.output
    assert (workspace / "outbox" / "mallar" / "2024-T1").is_dir()
    configure(workspace, period=f'"2024{dash}T3"')
    result = invoke(workspace, "status")
    assert result.exit_code == 0, result.output
    assert "2024-T3" in result.output and f"2024{dash}T3" not in result.output


def test_a_period_copied_with_the_space_after_it_is_read(workspace):
    """Double-clicked in Word, a period code is copied with the space after it: pasted between
    the quotation marks in pipeline.toml or after --period, it was refused as 'Perioden
    "2024-T3 " har fel format'."""
    configure(workspace, period='"2024\u2011T3 "')
    result = invoke(workspace, "status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Period 2024-T3,"), result.output
    result = invoke(workspace, "templates", "--period", "2024\u2011T1\u00a0", "--department",
                    "EKO")
    assert result.exit_code == 0, result.output
    assert (workspace / "outbox" / "mallar" / "2024-T1" / "EKO_2024-T1_mall.xlsx").exists()
