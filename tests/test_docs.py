import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)  # every command, a new one included


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "--config" in result.output
    assert re.search(rf"pipeline {command}\b", README), command


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"```(?:sh|bash)?\n([^`]*pytest[^`]*)\n```", README)[1].strip()
    assert test_command in ci


def test_python_m_pipeline_works_like_pipeline():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True,
                            text=True, cwd=ROOT, check=True)
    assert "templates" in result.stdout and "Användning: pipeline" in result.stdout


def test_validate_names_a_missing_file_in_swedish(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "finns-inte.xlsx")])
    assert result.exit_code == 1
    assert "finns-inte.xlsx: Ej godkänd" in result.output
    assert "finns inte eller går inte att öppna" in result.output


def test_a_broken_config_file_is_named_with_its_line_in_swedish(tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text('register = "register.xlsx"\nperiod = 2024-T2\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "status"])
    assert result.exit_code == 2
    assert "har ett skrivfel på rad 2" in result.output
    assert "Traceback" not in result.output


def test_the_readmes_python_example_runs_as_written(workspace, monkeypatch, capsys):
    """The README's "From Python" block, run in a project folder holding the example's files:
    it validates them, runs the night and prints what `pipeline run` would."""
    import shutil

    code = re.search(r"```python\n(.*?)```", README, re.S)[1]
    shutil.copytree(ROOT / "examples" / "ange-2024" / "inlamningar", workspace / "inbox",
                    dirs_exist_ok=True)
    monkeypatch.chdir(workspace)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.count("Godkänd") >= 10  # five files validated, then five read by the run
    assert "Stab T2 2024.xlsx Godkänd" in out
    assert "Period 2024-T2." in out
    assert (workspace / "outbox" / "sammanstallning_2024-T2.xlsx").is_file()
    assert not list((workspace / "inbox").rglob("*.xlsx"))
