"""Register remarks: what a real plan holds that stops nobody (an activity without a start
date, a goal without activities), told to the controller and, where it changes what they
read, to the committee; real errors still stop the register."""

import datetime as dt
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.errors import RegisterError
from pipeline.register import _row_ranges, read_register


def _activity(register, row: int) -> str:
    return register.activities.set_index("row").loc[row, "activity_id"]


# name: (changes, sheet, cell, words in the remark)
REMARKS = {
    "start date missing": ({("Aktiviteter", "E5"): None}, "Aktiviteter", "E5",
                           ["saknar startdatum", "kommer med i mallarna"]),
    "end date missing": ({("Aktiviteter", "F6"): None}, "Aktiviteter", "F6",
                         ["saknar slutdatum", "flaggas som försenad"]),
    "end date years ahead": ({("Aktiviteter", "F7"): dt.datetime(2031, 6, 30)}, "Aktiviteter",
                             "F7", ["2031-06-30", "mer än 3 år efter verksamhetsåret 2024",
                                    "Kontrollera årtalet"]),
    "ended before the year": ({("Aktiviteter", "E8"): dt.datetime(2023, 1, 1),
                               ("Aktiviteter", "F8"): dt.datetime(2023, 6, 30)}, "Aktiviteter",
                              "F8", ["slutade 2023-06-30, före verksamhetsåret 2024",
                                     "Ta bort raden"]),
    "goal without activity": ({("KS-mål", "A22"): "3.1.9", ("KS-mål", "B22"): "3.1",
                               ("KS-mål", "C22"): "Ett nytt mål", ("KS-mål", "D22"): "Vuxna",
                               ("KS-mål", "E22"): "Utvecklingsmål", ("KS-mål", "F22"): "EKO"},
                              "KS-mål", "A22", ["KS-målet 3.1.9 har ingen aktivitet",
                                                "mallen för EKO", "utan förslag"]),
    "department without activity": ({("Avdelningar", "A7"): "KULT",
                                     ("Avdelningar", "B7"): "Kulturavdelningen"},
                                    "Avdelningar", "A7",
                                    ["KULT (Kulturavdelningen) ansvarar inte för någon "
                                     "aktivitet och äger inget mål", "Skriv KULT i kolumnen "
                                     "Ansvarig"]),
    "space after a code": ({("Aktiviteter", "G3"): "SOC "}, "Aktiviteter", "G3",
                           ['kolumnen "Ansvarig"', "mellanslag", "G3"]),
    # SPEC: T2 is May–August; the workbook and the report call it "tertial 2 (maj–augusti)"
    "period ending outside its tertial": ({("Perioder", "B3"): dt.datetime(2024, 9, 15)},
                                          "Perioder", "B3",
                                          ["Periodslut 2024-09-15 för 2024-T2 ligger inte i "
                                           "tertial 2 (maj–augusti)", "Kontrollera datumet"]),
    # the memo's own settings: a slip in them is no reason to stop the templates or a night
    "focus area empty between two semicolons": (
        {("Inställningar", "B7"): "Hållbar vardag;; Hållbar natur"}, "Inställningar", "B7",
        ['I Fokusområden står ett tomt namn mellan två semikolon ("Hållbar vardag;; Hållbar '
         'natur")', 'har ett namn: "Hållbar vardag" och "Hållbar natur"',
         "ta bort det extra semikolonet"]),
    "focus area given twice": (
        {("Inställningar", "B7"): "Hållbar vardag; Hållbar hälsa; hållbar vardag"},
        "Inställningar", "B7", ['Fokusområdet "Hållbar vardag" står två gånger i '
                                "Fokusområden", "tar med det en gång"]),
    "vision left empty": ({("Inställningar", "B6"): None}, "Inställningar", "B6",
                          ['Nyckeln "Vision" har inget värde', "inget avsnitt om kommunens "
                           "vision", "Skriv visionen i kolumnen Värde, eller ta bort raden"]),
}


@pytest.mark.parametrize("name", REMARKS)
def test_each_register_oddity_is_a_remark_naming_its_cell_not_an_error(register_copy, name):
    changes, sheet, cell, words = REMARKS[name]
    read = read_register(register_copy[1](changes))  # no RegisterError: the register is used
    found = [r for r in read.remarks if r.sheet == sheet and r.cell == cell]
    assert len(found) == 1, [r.describe() for r in read.remarks]
    text = found[0].describe()
    assert found[0].severity.value == "Anmärkning"
    assert f'Fliken "{sheet}", rad {cell[1:]}' in text
    for word in words:
        assert word in text, text
    if name == "start date missing":
        assert _activity(read, 5) in text
        assert read.activities.set_index("row").loc[5, "start"] is None


def test_the_example_register_has_no_remarks(register):
    assert register.remarks == ()


def test_the_memos_settings_are_read_as_meant_and_stay_with_the_controller(register_copy):
    """Fokusområden with an empty name and a name given twice: each name once, in order, and
    the remarks for the controller only (they change nothing the committee reads)."""
    read = read_register(register_copy[1]({
        ("Inställningar", "B6"): "Vi är en plats för alla.\n\nHär ger näring kraft.",
        ("Inställningar", "B7"): "; Hållbar vardag;;Hållbar  hälsa\nHållbar vardag;"}))
    assert read.settings.vision == "Vi är en plats för alla.\nHär ger näring kraft."
    # a line break typed in the cell separates as ";" does; ";" at either end is read away
    assert read.settings.focus_areas == ("Hållbar vardag", "Hållbar hälsa")
    assert [r.code for r in read.remarks] == ["register_focus_area_empty",
                                              "register_focus_area_twice"]
    assert read.committee_remarks == []


def test_a_focus_area_typed_with_a_full_stop_is_the_same_area(register_copy):
    """"Hållbar vardag." is "Hållbar vardag": the memo had two headings "Fokusområde Hållbar
    vardag" and no remark said it was given twice; a name that is only a full stop is no
    name."""
    read = read_register(register_copy[1]({
        ("Inställningar", "B7"): "Hållbar vardag; Hållbar vardag.; HÅLLBAR VARDAG; .; Natur."}))
    assert read.settings.focus_areas == ("Hållbar vardag", "Natur")
    remarks = {r.code: r.describe() for r in read.remarks}
    assert 'Fokusområdet "Hållbar vardag" står tre gånger i Fokusområden' in \
        remarks["register_focus_area_twice"]
    assert 'har ett namn: "Hållbar vardag" och "Natur"' in remarks["register_focus_area_empty"]


def test_a_key_the_pipeline_does_not_know_is_left_alone(register_copy):
    """As before Vision and Fokusområden: the controller's own rows on Inställningar are no
    error and no remark."""
    read = read_register(register_copy[1]({("Inställningar", "A8"): "Kontaktperson",
                                           ("Inställningar", "B8"): "Anna Controller"}))
    assert read.remarks == ()
    assert read.settings.municipality == "Ånge kommun"


def test_many_rows_with_the_same_remark_are_told_once_with_their_rows(register_copy):
    path = register_copy[1]({("Aktiviteter", f"E{row}"): None for row in (2, 3, 4, 5, 9)})
    (remark,) = read_register(path).remarks
    assert remark.describe() == (
        'Fliken "Aktiviteter", kolumn "Startdatum": 5 av 79 aktiviteter saknar startdatum '
        '(rad 2–5, 9). De kommer med i mallarna ändå. Skriv startdatum där det finns ett: utan '
        'det räknas "Ej påbörjad" in i förslaget till målbedömning även om aktiviteten ska '
        "börja först efter perioden.")


@given(st.sets(st.integers(min_value=2, max_value=400), min_size=1, max_size=60))
def test_the_rows_of_a_remark_read_back_as_the_rows_it_is_about(rows):
    """"rad 2–5, 9": every row named once, in runs, and no other."""
    named = set()
    for part in _row_ranges(sorted(rows, reverse=True)).split(", "):
        first, _, last = part.partition("–")
        assert int(first) <= int(last or first)
        named |= set(range(int(first), int(last or first) + 1))
    assert named == rows


def test_a_register_without_a_start_date_column_is_used(register_copy):
    path, _ = register_copy
    book = openpyxl.load_workbook(path)
    book["Aktiviteter"].delete_cols(5)
    book.save(path)
    read = read_register(path)
    assert read.activities["start"].isna().all()
    (remark,) = read.remarks
    assert 'ingen kolumn "Startdatum"' in remark.message


def test_spaces_around_codes_stay_with_the_controller(register_copy):
    """Read away and told to the controller; the committee's Datakvalitet is not the place."""
    read = read_register(register_copy[1]({("Aktiviteter", "G3"): "SOC ",
                                           ("Aktiviteter", "F6"): None}))
    assert {r.code for r in read.remarks} == {"register_code_spaces", "register_end_missing"}
    assert read.activities.set_index("row").loc[3, "responsible"] == ("SOC",)
    (shown,) = read.committee_remarks
    assert shown.code == "register_end_missing"
    assert (shown.department, shown.file) == ("Registret", "register.xlsx")


def test_real_errors_still_stop_the_register_and_the_remarks_come_with_them(register_copy,
                                                                         tmp_path):
    path = register_copy[1]({("Aktiviteter", "A6"): "A3.1.1-01", ("Aktiviteter", "E5"): None})
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    assert [i.code for i in caught.value.issues] == ["register_duplicate_id"]
    assert [i.code for i in caught.value.remarks] == ["register_start_missing"]
    result = CliRunner().invoke(main, ["templates", "--register", str(path), "--period",
                                       "2024-T2", "--out", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert "har 1 fel och kan inte användas" in result.output
    assert "Dessutom 1 anmärkning, som inte stoppar körningen:" in result.output
    assert 'Fliken "Aktiviteter", rad 5, kolumn "Startdatum" (E5)' in result.output


def test_templates_show_the_remarks_and_are_made(register_copy, tmp_path):
    path = register_copy[1]({("Aktiviteter", "E5"): None})
    result = CliRunner().invoke(main, ["templates", "--register", str(path), "--period",
                                       "2024-T2", "--out", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "5 mallar klara." in result.output
    assert "Anmärkningar i registret register.xlsx (1)" in result.output
    assert 'Fliken "Aktiviteter", rad 5, kolumn "Startdatum" (E5): Aktiviteten' in result.output


def test_a_department_without_activities_gets_a_template_and_is_accepted(register_copy,
                                                                         tmp_path):
    from pipeline.intake import read_submission
    from pipeline.samples import fill_template
    from pipeline.templates import write_templates
    from pipeline.validate import validate

    register = read_register(register_copy[1](REMARKS["department without activity"][0]))
    (template,) = write_templates(register, "2024-T2", tmp_path / "mallar", ["KULT"])
    filled = fill_template(template, tmp_path / "KULT.xlsx", department="KULT",
                           period_end=dt.date(2024, 8, 31))
    report, data = validate(read_submission(filled), register, "2024-T2")
    assert report.accepted, [i.describe() for i in report.errors]
    assert data is not None and data.activities.empty


# --- the 2023 annual report, whose activities have no start dates, end to end ----------------

@pytest.fixture(scope="module")
def replay_without_starts(tmp_path_factory):
    from tests.replay2023 import build_replay

    return build_replay(tmp_path_factory.mktemp("replay"), starts=False)


def _workspace(tmp_path, register_path):
    shutil.copy(register_path, tmp_path / "register.xlsx")
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "pipeline.toml"
    config.write_text('register = "register.xlsx"\nperiod = "2023-T3"\nreport = false\n'
                      "settle_seconds = 0\n", encoding="utf-8")
    return config


def _run(config, when: str):
    return CliRunner(env={"PIPELINE_NOW": when}).invoke(
        main, ["run", "--config", str(config)], catch_exceptions=False)


def test_a_register_without_start_dates_works_from_templates_to_the_committee(
        replay_without_starts, tmp_path):
    register_path, filled = replay_without_starts
    config = _workspace(tmp_path, register_path)
    made = CliRunner().invoke(main, ["templates", "--config", str(config)],
                              catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert "5 mallar klara." in made.output
    assert "87 av 87 aktiviteter saknar startdatum (rad 2–88)" in made.output
    template = openpyxl.load_workbook(tmp_path / "outbox" / "mallar" / "2023-T3" /
                                      "UTB_2023-T3_mall.xlsx")["Aktiviteter"]
    assert template["D2"].value is None and template["E2"].value is not None  # start, end

    for path in filled:  # typed into the templates as a department would
        shutil.copy(path, tmp_path / "inbox" / path.name)
    night = _run(config, "2024-01-10T02:00")
    assert night.exit_code == 0, night.output
    assert "Ej godkänd" not in night.output
    assert night.output.count("87 av 87 aktiviteter saknar startdatum") == 1
    book = openpyxl.load_workbook(tmp_path / "outbox" / "sammanstallning_2023-T3.xlsx")
    activities = list(book["Aktiviteter"].iter_rows(values_only=True))
    start = activities[0].index("Startdatum")
    assert len(activities) > 80 and all(row[start] is None for row in activities[1:88])
    quality = [row for row in book["Datakvalitet"].iter_rows(values_only=True)
               if row[0] == "Registret"]
    assert [(row[1], row[2], row[3]) for row in quality] == [
        ("register.xlsx", "Anmärkning", "Aktiviteter")]
    assert "87 av 87 aktiviteter saknar startdatum" in quality[0][5]


def test_the_nightly_run_tells_a_register_remark_once_and_logs_it(replay_without_starts,
                                                                  tmp_path):
    """The cron mail: a remark on the night it is first found, not every night after; a
    register edit that brings a new one tells only that one."""
    register_path, filled = replay_without_starts
    config = _workspace(tmp_path, register_path)
    shutil.copy(filled[0], tmp_path / "inbox" / filled[0].name)
    first = _run(config, "2024-01-10T02:00")
    assert first.exit_code == 0, first.output
    assert "Anmärkningar i registret register.xlsx (1)" in first.output

    quiet = _run(config, "2024-01-11T02:00")
    assert "oförändrad" in quiet.output
    assert "nmärkningar i registret" not in quiet.output
    shutil.copy(filled[1], tmp_path / "inbox" / filled[1].name)  # a full night, same register
    full = _run(config, "2024-01-12T02:00")
    assert "Godkänd" in full.output and "nmärkningar i registret" not in full.output

    book = openpyxl.load_workbook(tmp_path / "register.xlsx")
    book["KS-mål"].append(["2.1.9", "2.1", "Ett mål utan aktiviteter", "Vuxna",
                           "Utvecklingsmål", "SOC"])
    book.save(tmp_path / "register.xlsx")
    edited = _run(config, "2024-01-13T02:00")
    assert edited.exit_code == 0, edited.output
    assert "Nya anmärkningar i registret register.xlsx (1 av 2" in edited.output
    assert "KS-målet 2.1.9 har ingen aktivitet" in edited.output
    assert "saknar startdatum" not in edited.output

    log = [json.loads(line) for line in
           (tmp_path / "archive" / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    told = [(e["code"], e["sheet"], e["cell"]) for e in log if e["event"] == "register_remark"]
    assert told == [("register_start_missing_many", "Aktiviteter", None),
                    ("register_goal_without_activity", "KS-mål", "A23")]



def test_a_register_remark_is_told_the_next_night_after_a_run_killed_before_remembering_it(
        replay_without_starts, tmp_path, monkeypatch):
    """A run killed after writing its manifest but before remembering the remarks it told
    (its cron mail never sent) left the next night a quiet one, and the remark was never
    told: the manifest now says which remarks its night told, and a quiet night whose
    memory lacks them is a full one."""
    from pipeline.archive import Archive

    class Killed(BaseException):
        pass

    def killed(self, register, keys):
        raise Killed

    register_path, filled = replay_without_starts
    config = _workspace(tmp_path, register_path)
    shutil.copy(filled[0], tmp_path / "inbox" / filled[0].name)
    with monkeypatch.context() as patch:
        patch.setattr(Archive, "remember_remarks", killed)
        with pytest.raises(Killed):
            _run(config, "2024-01-10T02:00")
    assert (tmp_path / "outbox" / "manifest_2023-T3.json").exists()
    after = _run(config, "2024-01-11T02:00")
    assert after.exit_code == 0, after.output
    assert "Anmärkningar i registret register.xlsx (1)" in after.output
    assert "saknar startdatum" in after.output
    quiet = _run(config, "2024-01-12T02:00")  # told now, and remembered
    assert "oförändrad" in quiet.output and "nmärkningar i registret" not in quiet.output


@pytest.mark.parametrize("typed", ["CON", "prn", "Aux", "NUL", "COM1", "com9", "LPT1", "Lpt9"])
def test_a_code_windows_keeps_for_a_device_is_a_remark_on_its_drop_folder(register_copy,
                                                                        typed):
    """A department's own folder in the inbox is named by its code, and Windows can make no
    folder named CON, PRN, AUX, NUL, COM1–COM9 or LPT1–LPT9, in any case: the controller is
    told where the code stands and what to do; the register is used, and the committee does
    not see it."""
    read = read_register(register_copy[1]({("Avdelningar", "A7"): typed,
                                           ("Avdelningar", "B7"): "Ny avdelning"}))
    code = typed.upper()
    assert code in read.department_codes
    (remark,) = [r for r in read.remarks if r.code == "register_code_windows_device"]
    assert remark.severity.value == "Anmärkning"
    assert remark.describe().startswith(
        f'Fliken "Avdelningar", rad 7, kolumn "Avdelningskod" (A7): Avdelningskoden {code} är '
        "ett av de namn som Windows reserverar")
    assert f"en mapp {code} i inkorgen kan inte skapas i Windows" in remark.message
    assert "lämna sin fil direkt i inkorgen" in remark.message
    assert "byt koden innan mallarna skickas ut" in remark.message
    assert remark.code not in {r.code for r in read.committee_remarks}


@pytest.mark.parametrize("code", ["CONS", "COM10", "LPT", "NULL", "AUXI", "KON", "COM_1"])
def test_a_code_that_only_begins_like_a_device_name_is_no_remark(register_copy, code):
    read = read_register(register_copy[1]({("Avdelningar", "A7"): code,
                                           ("Avdelningar", "B7"): "Ny avdelning"}))
    assert "register_code_windows_device" not in {r.code for r in read.remarks}


@pytest.mark.parametrize("typed", [*'<>:"/\\|?*', "SOC.", "SO C", "SOC.xlsx", "CON.xlsx"])
def test_a_code_with_a_character_windows_refuses_in_a_name_stops_the_register(register_copy,
                                                                             typed):
    """A department code becomes a folder's name: a code Windows could not give a folder (one
    of <>:"/\\|?*, a dot at the end or anywhere) is an error naming the cell and the form a
    code takes, as the register's pattern has always had it (a guard, not a fix). A space
    around a code is read away, with a remark."""
    code = typed if len(typed) > 1 else f"SO{typed}C"
    with pytest.raises(RegisterError) as caught:
        read_register(register_copy[1]({("Avdelningar", "A7"): code,
                                        ("Avdelningar", "B7"): "Ny avdelning"}))
    (issue,) = [i for i in caught.value.issues if i.cell == "A7"]
    assert issue.sheet == "Avdelningar" and issue.is_error
    assert "Avdelningskoden ska vara 2–12 versaler eller siffror, t.ex. SOC." in issue.message
