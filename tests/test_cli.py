"""What click writes by itself (usage line, headings, usage errors) is Swedish."""

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.click_sv import SwedishCommand

COMMANDS = sorted(main.commands)  # every command, a new one included
ENGLISH = ["Usage:", "Options:", "Commands:", "Error:", "Try '", "No such", "Missing",
           "Invalid value", "Did you mean", "does not exist", "unexpected", "Aborted"]


def invoke(*args):
    return CliRunner().invoke(main, list(args), prog_name="pipeline")


def assert_no_english(output):
    assert not [word for word in ENGLISH if word in output], output


def assert_usage_error(result, command_path, message):
    """Exit code 2, the usage line, where to find help, then the Swedish message."""
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Användning: {command_path} [FLAGGOR]"), result.output
    assert f"Skriv '{command_path} --help' för hjälp." in result.output
    assert f"Fel: {message}" in result.output
    assert "Traceback" not in result.output
    assert_no_english(result.output)


def test_the_groups_help_has_swedish_headings():
    result = invoke("--help")
    assert result.exit_code == 0
    assert result.output.startswith("Användning: pipeline [FLAGGOR] KOMMANDO [ARGUMENT]...")
    assert "\nFlaggor:\n" in result.output and "\nKommandon:\n" in result.output
    assert "--config FIL" in result.output
    assert_no_english(result.output)


def test_pipeline_alone_shows_the_swedish_help():
    result = invoke()
    assert "Användning: pipeline" in result.output and "Kommandon:" in result.output
    assert_no_english(result.output)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_commands_help_has_swedish_headings(command):
    result = invoke(command, "-h")
    assert result.exit_code == 0
    assert result.output.startswith(f"Användning: pipeline {command} [FLAGGOR]")
    assert "\nFlaggor:\n" in result.output
    assert " PATH " not in result.output and " TEXT " not in result.output
    assert_no_english(result.output)


def test_an_unknown_option_is_named_in_swedish():
    assert_usage_error(invoke("run", "--nosuch"), "pipeline run",
                       "Flaggan '--nosuch' finns inte.")


def test_a_misspelt_option_gets_a_suggestion():
    assert_usage_error(invoke("run", "--perio", "2024-T2"), "pipeline run",
                       "Flaggan '--perio' finns inte. Menade du '--period'?")


def test_validate_without_files_asks_for_a_file():
    assert_usage_error(invoke("validate"), "pipeline validate",
                       "Argumentet FILER saknas: ange minst en fil.")


def test_a_missing_word_template_is_named_with_its_path(tmp_path):
    missing = tmp_path / "saknas.docx"
    assert_usage_error(invoke("report", "--template", str(missing)), "pipeline report",
                       f"Ogiltigt värde för '--template': filen {missing} finns inte.")


def test_a_folder_as_word_template_is_refused(tmp_path):
    assert_usage_error(invoke("report", "--template", str(tmp_path)), "pipeline report",
                       f"Ogiltigt värde för '--template': {tmp_path} är en mapp, inte en fil.")


def test_an_unknown_command_is_named_and_a_near_one_suggested():
    assert_usage_error(invoke("nosuchcmd"), "pipeline", "Kommandot 'nosuchcmd' finns inte.")
    assert_usage_error(invoke("rn"), "pipeline", "Kommandot 'rn' finns inte. Menade du 'run'?")


def test_an_option_without_its_value_and_a_flag_with_one():
    assert_usage_error(invoke("run", "--period"), "pipeline run",
                       "Flaggan '--period' behöver ett värde.")
    assert_usage_error(invoke("run", "--report=ja"), "pipeline run",
                       "Flaggan '--report' tar inget värde.")


def test_an_extra_argument_is_named():
    assert_usage_error(invoke("status", "2024-T2"), "pipeline status",
                       "Oväntat argument '2024-T2'.")


def test_options_without_a_command_ask_for_one():
    assert_usage_error(invoke("--config", "pipeline.toml"), "pipeline",
                       "Ange ett kommando, till exempel 'pipeline run'.")


def test_an_interrupted_command_says_so_in_swedish(monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("pipeline.cli.settings_from", interrupted)
    result = invoke("status")
    assert result.exit_code == 1
    assert "Avbrutet: kommandot stoppades innan det var klart." in result.output
    assert_no_english(result.output)


def test_an_error_of_a_kind_not_translated_keeps_clicks_text_after_fel():
    @click.command(cls=SwedishCommand)
    @click.option("--count", type=int)
    def count(count):
        """A command with an option of a type whose complaint is not translated."""

    result = CliRunner().invoke(count, ["--count", "x"], prog_name="count")
    assert result.exit_code == 2
    assert "Fel: Ogiltigt värde för '--count': 'x' is not a valid integer." in result.output
    assert "Användning: count [FLAGGOR]" in result.output
