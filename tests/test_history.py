"""A department's own activity gets a stable id and comes back prefilled the next period."""

import datetime as dt

import openpyxl
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.samples import fill_template
from tests.conftest import EXAMPLE_REGISTER


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
