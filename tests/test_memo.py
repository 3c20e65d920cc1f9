"""The draft of the decision memo (`pipeline memo`): what it says when little is in, its bytes,
and a municipality's own template. What it says on real nights, against the report and the
workbook, is in test_consistency."""

import dataclasses
import datetime as dt
import io
import os
import shutil

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from pipeline.cli import main
from pipeline.labels import Assessment
from pipeline.merge import merge
from pipeline.publish.report.memo import build_memo
from tests.conftest import EXAMPLE, as_read


def texts(path):
    return [as_read(p.text) for p in Document(str(path)).paragraphs if p.text]


def test_pipeline_memo_drafts_the_memo_before_anything_is_accepted(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-01T02:00")
    result = CliRunner().invoke(main, ["memo"], prog_name="pipeline")
    assert result.exit_code == 0, result.output
    path = workspace / "outbox" / "tjansteskrivelse_2024-T2.docx"
    assert f"Skrev {path}" in result.output
    assert "Det som är gulmarkerat i utkastet skriver förvaltningen själv innan det skickas." \
        in result.output
    said = texts(path)
    assert "Kommunstyrelsens måluppföljning tertialrapport 2 2024" in said
    assert "Förvaltningen föreslår kommunstyrelsen besluta att" in said
    assert "1. Godkänna redovisningen." in said
    assert any(line.startswith("Ingen av de fem avdelningarna har lämnat en godkänd rapport")
               for line in said), said
    assert "Uppgifter om sjukfrånvaron för kommunstyrelsen saknas för perioden." in said
    assert "Prognosen för helåret går inte att jämföra med budgeten: den saknas helt eller " \
           "delvis för alla fem avdelningar." in said
    assert not any(line.startswith(("Ej uppfyllt", "Knappt uppfyllt")) for line in said)
    # no activity has a status yet: none can be said to be past its end date, nor not to be
    assert not [line for line in said if "slutdatum" in line]
    # the administration's own part is marked, to be written before the memo is sent: its
    # considerations, and whether the matter bears on each focus area (each by its own name,
    # where Ånge's memo said "vardag" under every one)
    assert highlighted(path) == [
        next(t for t in said if t.startswith("[Skriv här")),
        "Ärendet har ingen bärighet på hållbar vardag.",
        "Ärendet har ingen bärighet på hållbar hälsa.",
        "Ärendet har ingen bärighet på hållbar gemenskap.",
        "Ärendet har ingen bärighet på hållbar kompetens.",
        "Ärendet har ingen bärighet på hållbar natur."]


def highlighted(source):
    doc = Document(source if isinstance(source, io.BytesIO) else str(source))
    return [r.text for p in doc.paragraphs for r in p.runs
            if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]


def headings(source):
    doc = Document(source if isinstance(source, io.BytesIO) else str(source))
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def with_settings(register, **changes):
    return dataclasses.replace(register, settings=dataclasses.replace(register.settings,
                                                                      **changes))


def test_the_memo_closes_with_the_vision_and_the_focus_areas_of_the_register(register):
    """As Ånge's memo (seed 000) ends: the vision under "Ånge kommuns vision", then a heading
    per focus area with the draft sentence; the attachments stay last."""
    memo = io.BytesIO(build_memo(register, merge(register, "2024-T2", {}),
                                 as_of=dt.datetime(2024, 9, 20, 2, 0)))
    assert headings(memo) == [
        "Förslag till beslut", "Ärendet i korthet", "Förvaltningens övervägande",
        "Ånge kommuns vision", "Fokusområde Hållbar vardag", "Fokusområde Hållbar hälsa",
        "Fokusområde Hållbar gemenskap", "Fokusområde Hållbar kompetens",
        "Fokusområde Hållbar natur", "Bilagor"]
    said = [p.text for p in Document(memo).paragraphs if p.text]
    start = said.index("Ånge kommuns vision")
    assert said[start:start + 4] == [
        "Ånge kommuns vision",
        "Vi är en plats för alla, med närhet till natur och gemenskap. Här ger näring och "
        "engagemang kraft till en levande bygd.",
        "Fokusområde Hållbar vardag", "Ärendet har ingen bärighet på hållbar vardag."]


def test_a_register_without_vision_and_focus_areas_gives_the_memo_without_them(register):
    bare = with_settings(register, vision=None, focus_areas=())
    memo = io.BytesIO(build_memo(bare, merge(bare, "2024-T2", {}),
                                 as_of=dt.datetime(2024, 9, 20, 2, 0)))
    assert headings(memo) == ["Förslag till beslut", "Ärendet i korthet",
                              "Förvaltningens övervägande", "Bilagor"]
    assert [t for t in highlighted(memo) if not t.startswith("[Skriv här")] == []


@pytest.mark.parametrize(("municipality", "heading"), [
    ("Ånge kommun", "Ånge kommuns vision"), ("Kramfors kommun", "Kramfors kommuns vision"),
    ("Borås stad", "Borås stads vision"), ("Borås", "Borås vision"), ("Ånge", "Ånges vision"),
    ("Region Jämtland Härjedalen", "Region Jämtland Härjedalens vision")])
def test_the_visions_heading_is_the_municipalitys_genitive(register, municipality, heading):
    named = with_settings(register, municipality=municipality, focus_areas=())
    memo = io.BytesIO(build_memo(named, merge(named, "2024-T2", {}),
                                 as_of=dt.datetime(2024, 9, 20, 2, 0)))
    assert headings(memo)[-2:] == [heading, "Bilagor"]


def test_a_focus_areas_name_is_written_into_its_sentence_as_a_name_is(register):
    named = with_settings(register, vision=None, focus_areas=(
        "Attraktiva Ånge", "IT och digitalisering", "Trygg uppväxt.", "."))
    memo = io.BytesIO(build_memo(named, merge(named, "2024-T2", {}),
                                 as_of=dt.datetime(2024, 9, 20, 2, 0)))
    assert highlighted(memo)[1:] == ["Ärendet har ingen bärighet på attraktiva Ånge.",
                                     "Ärendet har ingen bärighet på IT och digitalisering.",
                                     "Ärendet har ingen bärighet på trygg uppväxt."]
    assert headings(memo)[-4:] == ["Fokusområde Attraktiva Ånge",
                                   "Fokusområde IT och digitalisering",
                                   "Fokusområde Trygg uppväxt", "Bilagor"]


def test_a_focus_area_named_after_the_municipality_keeps_its_capital(register):
    """"Ånge växer" is a name beginning with the place's: not "ingen bärighet på ånge
    växer"."""
    named = with_settings(register, vision=None, focus_areas=(
        "Ånge växer", "Ånges framtid", "Hållbar vardag"))
    memo = io.BytesIO(build_memo(named, merge(named, "2024-T2", {}),
                                 as_of=dt.datetime(2024, 9, 20, 2, 0)))
    assert highlighted(memo)[1:] == ["Ärendet har ingen bärighet på Ånge växer.",
                                     "Ärendet har ingen bärighet på Ånges framtid.",
                                     "Ärendet har ingen bärighet på hållbar vardag."]


def test_two_departments_without_a_forecast_are_both_named_as_such(register, tmp_path):
    """Budget lines for two departments only (the others budgeted elsewhere), neither with
    a forecast: "för båda avdelningarna", as the report says it, not "för alla två
    avdelningar"."""
    from pipeline.register import read_register
    from tests.conftest import EXAMPLE_REGISTER, change_register

    def two_budgeted(book):
        sheet = book["Ekonomi"]
        for r in range(sheet.max_row, 1, -1):
            if sheet.cell(r, 1).value not in ("UTB", "SOC"):
                sheet.delete_rows(r)

    path = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE_REGISTER, path)
    two = read_register(change_register(path, two_budgeted))
    said = [p.text for p in Document(io.BytesIO(build_memo(
        two, merge(two, "2024-T2", {}), as_of=dt.datetime(2024, 9, 20, 2, 0)))).paragraphs]
    assert "Prognosen för helåret går inte att jämföra med budgeten: den saknas helt eller " \
           "delvis för båda avdelningarna." in said, said


def test_the_memo_is_the_same_bytes_for_the_same_night(register):
    merged = merge(register, "2024-T3", {})
    as_of = dt.datetime(2025, 1, 21, 2, 0)
    first = build_memo(register, merged, as_of=as_of)
    assert build_memo(register, merged, as_of=as_of) == first
    doc = Document(io.BytesIO(first))
    said = [p.text for p in doc.paragraphs]
    assert ("Ärendet avser årets tredje uppföljning av kommunstyrelsens mål för 2024, och "
            "uppföljningen av helåret.") in said
    # dated by the data, not by the clock of the day it was drafted
    assert doc.core_properties.created.date() == dt.date(2025, 1, 21)
    assert "Tjänsteskrivelse, 2025-01-21" in said


def test_a_memo_template_keeps_its_header_and_lacks_no_list(register, tmp_path):
    from tests.test_report import make_template

    template = make_template(tmp_path / "mall.docx", drop=("List Bullet", "List Bullet 2"))
    doc = Document(str(template))
    doc.sections[0].header.paragraphs[0].text = "Ånge kommun · Kommunförvaltningen"
    doc.save(str(template))
    merged = merge(register, "2024-T2", {})
    merged.goals.loc[merged.goals.index[:2], "assessment"] = Assessment.NOT_MET.value
    out = Document(io.BytesIO(build_memo(
        register, merged, as_of=dt.datetime(2024, 9, 20, 2, 0), template=template)))
    assert out.sections[0].header.paragraphs[0].text == "Ånge kommun · Kommunförvaltningen"
    paragraphs = [p for p in out.paragraphs if p.text]
    said = [p.text for p in paragraphs]
    assert "MALLENS EGEN TEXT" not in said
    start = said.index("– Ej uppfyllt, 2 mål:")
    first, second = merged.goals.iloc[0], merged.goals.iloc[1]
    assert said[start + 1:start + 3] == [f"– {first.ks_id} {first.title.rstrip('.')}",
                                         f"– {second.ks_id} {second.title.rstrip('.')}"]
    assert paragraphs[start + 1].paragraph_format.left_indent > 0  # under their heading
    assert "– Tertialrapport 2 2024 (tertialrapport_2024-T2.docx)" in said
    # the vision and focus areas in the template's heading style, the drafts highlighted
    vision = said.index("Ånge kommuns vision")
    assert paragraphs[vision].style.name == "Heading 1"
    assert out.styles["Heading 1"].font.name == "Garamond"
    assert said[vision + 2:vision + 4] == ["Fokusområde Hållbar vardag",
                                           "Ärendet har ingen bärighet på hållbar vardag."]
    assert paragraphs[vision + 3].runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_pipeline_memo_on_the_readme_example_names_the_goals_not_met(tmp_path, monkeypatch):
    """The README's example, run and then drafted: the goals not met are named."""
    for name in ("pipeline.toml",):
        shutil.copy(EXAMPLE.parent.parent / name, tmp_path / name)
    os.symlink(EXAMPLE.parent.parent / "examples", tmp_path / "examples")
    shutil.copytree(EXAMPLE / "inlamningar", tmp_path / "inbox")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-01T02:00")
    assert CliRunner().invoke(main, ["run", "--no-report"]).exit_code == 0
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-20T10:00")  # the matter prepared later
    result = CliRunner().invoke(main, ["memo"], prog_name="pipeline")
    assert result.exit_code == 0, result.output
    said = texts(tmp_path / "outbox" / "tjansteskrivelse_2024-T2.docx")
    assert "Tjänsteskrivelse, 2024-09-20" in said  # the day it is drafted, not the data's
    start = said.index("Ej uppfyllt, 2 mål:")
    assert said[start + 1:start + 3] == [
        "3.4.2 Påbörja byggprocesser för minst 30 nya bostäder under året",
        "3.4.4 Identifiera minst 100 Ha ny industrimark"]
    # each amount on one line with its unit, as a percentage is
    assert "Prognosen för helåret är 703,1\u00a0mnkr mot en budget på 707,7\u00a0mnkr: " \
           "4,6\u00a0mnkr under budgeten." in said


def test_with_a_department_missing_the_late_activities_are_counted_among_those_reported(
        tmp_path, monkeypatch):
    """Sociala avdelningen has not reported: its activities have no status, so the memo
    counts the late ones among the 69 activities reported (the report's table: 96, of which
    27 "Ej rapporterad"), and the forecast is named as missing for it."""
    shutil.copy(EXAMPLE.parent.parent / "pipeline.toml", tmp_path / "pipeline.toml")
    os.symlink(EXAMPLE.parent.parent / "examples", tmp_path / "examples")
    shutil.copytree(EXAMPLE / "inlamningar", tmp_path / "inbox",
                    ignore=lambda folder, names: ["SOC"] if "SOC" in names else [])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-17T02:00")
    assert CliRunner().invoke(main, ["run", "--no-report"]).exit_code == 0
    assert CliRunner().invoke(main, ["memo"]).exit_code == 0
    said = texts(tmp_path / "outbox" / "tjansteskrivelse_2024-T2.docx")
    assert "Aktiviteter som har passerat sitt slutdatum utan att vara avslutade: 4 av 69 " \
           "rapporterade." in said
    assert "Prognosen för helåret går inte att jämföra med budgeten: den saknas helt eller " \
           "delvis för Sociala avdelningen." in said
    assert "Rapporten bygger på inlämningar från fyra av fem avdelningar. Uppgifter saknas " \
           "från Sociala avdelningen. Avdelningens mål står som ”Ej bedömd” och dess " \
           "aktiviteter som ”Ej rapporterad”." in said


def test_the_memo_keeps_a_period_code_on_one_line_but_not_in_its_file_names(register):
    """A period code in the memo's sentences has a non-breaking hyphen (Word broke "2024-T1"
    at a line's end); the attachments' file names, which the reader may look for, keep the
    hyphen they have on disk."""
    said = [p.text for p in Document(io.BytesIO(build_memo(
        register, merge(register, "2024-T2", {}), as_of=dt.datetime(2024, 9, 20, 2, 0),
        previous=merge(register, "2024-T1", {})))).paragraphs]
    compared = [t for t in said if t.startswith("Prognosen för kommunstyrelsen")]
    assert len(compared) == 1 and "jämförs inte med 2024\u2011T1:" in compared[0]
    assert "2024-T1" not in compared[0]
    assert "Tertialrapport 2 2024 (tertialrapport_2024-T2.docx)" in said
    assert "Sammanställning av inlämningarna (sammanstallning_2024-T2.xlsx)" in said


def test_a_memo_for_a_period_that_is_over_has_the_vision_added_since(
        workspace, register_copy, monkeypatch):
    """T1's nights ran on a register without a vision; the controller added it (and the focus
    areas) after moving pipeline.toml on to T2. T1 is read against its kept register, but
    its memo, written today, has today's vision."""
    from tests.conftest import change_register, register_row
    from tests.test_history import invoke, set_period
    from tests.test_kept_registers import use_register_copy

    def without_vision(book):
        sheet = book["Inställningar"]
        for key in ("Fokusområden", "Vision"):
            sheet.delete_rows(register_row(sheet, "Nyckel", key))

    def with_vision(book):
        sheet = book["Inställningar"]
        sheet.append(["Vision", "Vi är en plats för alla."])
        sheet.append(["Fokusområden", "Hållbar hälsa; Hållbar natur"])

    register_path = use_register_copy(workspace, register_copy)
    change_register(register_path, without_vision)
    config = workspace / "pipeline.toml"
    set_period(config, "2024-T1")
    monkeypatch.setenv("PIPELINE_NOW", "2024-05-02T02:00")
    assert invoke(config, "run").exit_code == 0
    set_period(config, "2024-T2")
    change_register(register_path, with_vision)
    monkeypatch.setenv("PIPELINE_NOW", "2024-05-20T10:00")
    result = invoke(config, "memo", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    memo = workspace / "outbox" / "tjansteskrivelse_2024-T1.docx"
    assert headings(memo)[-4:] == ["Ånge kommuns vision", "Fokusområde Hållbar hälsa",
                                   "Fokusområde Hållbar natur", "Bilagor"]
    assert "Vi är en plats för alla." in texts(memo)
    assert highlighted(memo)[1:] == ["Ärendet har ingen bärighet på hållbar hälsa.",
                                     "Ärendet har ingen bärighet på hållbar natur."]
