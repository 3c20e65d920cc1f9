"""SPEC.md's lists, written out here as the contract states them (not taken from
pipeline.labels, which the code under test uses): the sheets and columns, in their order, of
the template a department fills, the workbook the committee reads and the register the
controller keeps. A renamed or moved column breaks the macros, filters and habits built on
these files, so each list is compared whole."""

from __future__ import annotations

import colorsys
import shutil

import openpyxl
import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.register import read_register
from tests.conftest import EXAMPLE, EXAMPLE_REGISTER

STATUSES = ["Ej påbörjad", "Pågående enligt plan", "Pågående med avvikelse", "Försenad",
            "Vänteläge", "Avslutad enligt plan", "Avslutad med avvikelse", "Avbruten"]

# SPEC "The department template": sheet -> (columns, the bold input columns)
TEMPLATE = {
    "Aktiviteter": (["Aktivitets-id", "KS-mål-id", "Aktivitet", "Startdatum", "Slutdatum",
                     "Föregående status", "Föregående kommentar", "Status", "Kommentar"],
                    {"Status", "Kommentar"}),
    "Målbedömning": (["KS-mål-id", "KS-mål", "Förslag", "Bedömning", "Analys"],
                     {"Bedömning", "Analys"}),
    "Sjukfrånvaro": (["Kön", "Åldersgrupp", "Antal anställda", "Ordinarie arbetstid (timmar)",
                      "Sjukfrånvaro (timmar)", "Varav 60 dagar eller mer (timmar)"],
                     {"Antal anställda", "Ordinarie arbetstid (timmar)", "Sjukfrånvaro (timmar)",
                      "Varav 60 dagar eller mer (timmar)"}),
    "Ekonomi": (["Kategori", "Budget", "Utfall hittills", "Prognos helår", "Avvikelse",
                 "Kommentar"], {"Utfall hittills", "Prognos helår", "Kommentar"}),
}

# SPEC "Outputs", the list sheets. Måluppföljning's Anmärkning (where the owner's assessment
# and the suggestion differ by two steps, or the sick-leave goal's figure) is the product's
# own addition, documented in the README.
WORKBOOK = {
    "Måluppföljning": ["KF-mål-id", "KF-mål", "KS-mål-id", "KS-mål", "Målområde", "Målägare",
                       "Bedömning", "Förslag", "Anmärkning", "Analys", "Antal aktiviteter",
                       *STATUSES, "Ej rapporterade"],
    "Aktiviteter": ["Aktivitets-id", "KS-mål-id", "Aktivitet", "Avdelning", "Startdatum",
                    "Slutdatum", "Status", "Kommentar", "Föregående status", "Flaggor"],
    "Sjukfrånvaro": ["Avdelning", "Total sjukfrånvaro", "Kvinnor", "Män", "29 år eller yngre",
                     "30–49 år", "50 år eller äldre",
                     "Långtidssjukfrånvaro (60 dagar eller mer), andel", "Basvärde 2023-09-30",
                     "Förändring mot basvärdet, procentenheter", "Anmärkning"],
    "Inlämningar": ["Avdelning", "Fil", "Mapp", "Mottagen", "Sparad", "Utfall", "Räknas", "Fel",
                    "Anmärkningar", "Kontrollsumma (SHA-256)"],
    "Datakvalitet": ["Avdelning", "Fil", "Allvarlighet", "Flik", "Cell", "Meddelande"],
}

# SPEC "The register"
REGISTER = {
    "Inställningar": ["Nyckel", "Värde"],
    "Avdelningar": ["Avdelningskod", "Avdelning"],
    "Perioder": ["Period", "Periodslut", "Sista inlämningsdag"],
    "KF-mål": ["KF-mål-id", "KF-mål"],
    "KS-mål": ["KS-mål-id", "KF-mål-id", "KS-mål", "Målområde", "Måltyp", "Målägare"],
    "Aktiviteter": ["Aktivitets-id", "KS-mål-id", "Aktivitet", "Beskrivning", "Startdatum",
                    "Slutdatum", "Ansvarig"],
    "Ekonomi": ["Avdelningskod", "Kategori", "Budget"],
    "Basvärden": ["Avdelningskod", "Datum", "Sjukfrånvaro (%)"],
}


def invoke(workspace, *args):
    return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), *args],
                              catch_exceptions=False)


def header(sheet, row=1):
    return [c.value for c in sheet[row] if c.value is not None]


def test_templates_have_the_specs_sheets_columns_and_input_cells(workspace):
    result = invoke(workspace, "templates", "--department", "SBA")
    assert result.exit_code == 0, result.output
    # the default folder is outbox/mallar/<period>/
    book = openpyxl.load_workbook(workspace / "outbox" / "mallar" / "2024-T2"
                                  / "SBA_2024-T2_mall.xlsx")
    assert book.sheetnames == ["Instruktioner", *TEMPLATE, "_meta"]
    for name, (columns, inputs) in TEMPLATE.items():
        sheet = book[name]
        assert header(sheet) == columns, name
        # only the bold columns are typed in; the rest is locked, without a password
        unlocked = {columns[c.column - 1] for c in sheet[2][:len(columns)]
                    if c.protection.locked is False}
        assert unlocked == inputs, name
        assert sheet.protection.sheet and not sheet.protection.password, name
    rows = list(book["Sjukfrånvaro"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert rows == [(sex, age) for sex in ("Kvinnor", "Män")
                    for age in ("29 år eller yngre", "30–49 år", "50 år eller äldre")]
    meta = book["_meta"]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    keys = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)}
    assert keys["Avdelningskod"] == "SBA" and keys["Period"] == "2024-T2"
    assert keys["Mallversion"] and len(keys["Registrets kontrollsumma"]) == 64


def test_the_nights_outputs_have_the_specs_names_sheets_and_columns(workspace):
    shutil.copytree(EXAMPLE / "inlamningar", workspace / "inbox", dirs_exist_ok=True)
    result = invoke(workspace, "run", "--report")
    assert result.exit_code == 0, result.output
    outbox = workspace / "outbox"
    assert (outbox / "tertialrapport_2024-T2.docx").is_file()
    book = openpyxl.load_workbook(outbox / "sammanstallning_2024-T2.xlsx")
    assert book.sheetnames == ["Sammanfattning", "Måluppföljning", "Aktiviteter",
                               "Sjukfrånvaro", "Ekonomi", "Inlämningar", "Datakvalitet"]
    for name, columns in WORKBOOK.items():
        assert header(book[name]) == columns, name
    # Bedömning: green, light green, orange, red, each with a symbol of its own
    shown = {}
    for cell in next(book["Måluppföljning"].iter_cols(min_col=7, max_col=7, min_row=2)):
        if isinstance(cell.value, str) and "uppfyllt" in cell.value.casefold():
            symbol, _, word = cell.value.partition(" ")
            shown.setdefault(word, set()).add((symbol, cell.fill.fgColor.rgb[-6:]))
    assert list(map(len, shown.values())) == [1] * 4
    look = {word: next(iter(pairs)) for word, pairs in shown.items()}
    assert len({symbol for symbol, _ in look.values()}) == 4
    hue = {word: colorsys.rgb_to_hls(*(int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)))
           for word, (_, rgb) in look.items()}
    assert 80 / 360 < hue["Uppfyllt"][0] < 160 / 360
    assert 70 / 360 < hue["Delvis uppfyllt"][0] < 160 / 360
    assert hue["Delvis uppfyllt"][1] > hue["Uppfyllt"][1]  # the lighter green
    assert 20 / 360 < hue["Knappt uppfyllt"][0] < 50 / 360
    assert hue["Ej uppfyllt"][0] < 15 / 360 or hue["Ej uppfyllt"][0] > 345 / 360
    facts = [row[0] for row in book["Sammanfattning"].iter_rows(max_col=1, values_only=True)]
    for fact in ("Kommun", "Organ", "Period", "Data per"):
        assert fact in facts
    names = ["Stab", "Ekonomiavdelningen", "Utbildningsavdelningen",
             "Samhällsbyggnadsavdelningen", "Sociala avdelningen"]
    sick = [row[0] for row in book["Sjukfrånvaro"].iter_rows(min_row=2, values_only=True)]
    assert sick[:6] == [*names, "Kommunstyrelsen"]  # every department, then the organ
    budget = list(book["Ekonomi"].iter_rows(values_only=True))
    headers = [list(filter(None, row)) for row in budget if row[1] == "Budget"]
    assert headers[0] == ["Avdelning", "Budget", "Utfall hittills", "Prognos helår",
                          "Avvikelse", "Anmärkning"]
    assert headers[1] == ["Kategori", "Budget", "Utfall hittills", "Prognos helår",
                          "Avvikelse", "Anmärkning"]


def test_the_register_is_read_by_header_text_whatever_the_columns_order(tmp_path, register):
    book = openpyxl.load_workbook(EXAMPLE_REGISTER)
    assert {name: header(book[name]) for name in REGISTER} == REGISTER
    for sheet in book.worksheets:
        rows = [list(row)[::-1] for row in sheet.iter_rows(values_only=True)]
        sheet.delete_rows(1, sheet.max_row)
        for row in rows:
            sheet.append(row)
    reversed_path = tmp_path / "register.xlsx"
    book.save(reversed_path)
    assert header(openpyxl.load_workbook(reversed_path)["KS-mål"])[0] == "Målägare"
    again = read_register(reversed_path)
    assert again.settings == register.settings
    for frame in ("departments", "periods", "council_goals", "board_goals",
                  "activities", "budget", "baselines"):
        pd.testing.assert_frame_equal(getattr(again, frame), getattr(register, frame),
                                      obj=frame)
