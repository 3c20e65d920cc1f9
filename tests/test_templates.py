from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.labels import Assessment, Status
from tests.conftest import to_pdf

STATUSES = [s.value for s in Status]
ASSESSMENTS = [a.value for a in Assessment]


@pytest.fixture(scope="module")
def templates(tmp_path_factory, register):
    out = tmp_path_factory.mktemp("mallar")
    result = CliRunner().invoke(main, ["--config", "pipeline.toml", "templates", "--out",
                                       str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    paths = sorted(out.glob("*.xlsx"))
    return {p.name.split("_")[0]: openpyxl.load_workbook(p) for p in paths}, out


def column(sheet, header):
    headers = [c.value for c in sheet[1]]
    return headers.index(header) + 1


def values(sheet, header):
    col = column(sheet, header)
    return [sheet.cell(r, col).value for r in range(2, sheet.max_row + 1)]


def test_five_workbooks_one_per_department(templates):
    books, out = templates
    assert sorted(books) == ["EKO", "SBA", "SOC", "STAB", "UTB"]
    for book in books.values():
        assert book.sheetnames == ["Instruktioner", "Aktiviteter", "Målbedömning",
                                   "Sjukfrånvaro", "Ekonomi", "_meta"]


def test_every_activity_is_in_exactly_its_responsible_departments_templates(templates,
                                                                           register):
    books, _ = templates
    found = {code: [v for v in values(book["Aktiviteter"], "Aktivitets-id") if v]
             for code, book in books.items()}
    for code, ids in found.items():
        assert len(ids) == len(set(ids)), f"{code} lists an activity twice"
    for activity in register.activities.itertuples():
        holders = {code for code, ids in found.items() if activity.activity_id in ids}
        assert holders == set(activity.responsible), activity.activity_id
    assert sum(len(ids) for ids in found.values()) == sum(
        len(a) for a in register.activities["responsible"])


def test_every_goal_is_in_its_owners_assessment_sheet(templates, register):
    books, _ = templates
    owners = Counter()
    for code, book in books.items():
        for goal_id in filter(None, values(book["Målbedömning"], "KS-mål-id")):
            goal = register.board_goals.set_index("ks_id").loc[goal_id]
            assert goal["owner"] == code
            owners[goal_id] += 1
    assert set(owners) == set(register.goal_ids)
    assert set(owners.values()) == {1}


def test_activity_rows_carry_the_register_texts_and_dates(templates, register):
    sheet = templates[0]["SOC"]["Aktiviteter"]
    row = values(sheet, "Aktivitets-id").index("A3.1.1-01") + 2
    assert sheet.cell(row, column(sheet, "Aktivitet")).value.startswith(
        "Starta en riktad utbildning till chefer")
    assert sheet.cell(row, column(sheet, "Slutdatum")).value.date().isoformat() == "2024-01-31"
    assert sheet.cell(row, column(sheet, "KS-mål-id")).value == "3.1.1"


def _validations(sheet):
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def _list_items(book, formula):
    sheet_name, ref = formula.lstrip("=").split("!")
    cells = book[sheet_name][ref.replace("$", "")]
    return [c[0].value for c in cells]


def test_dropdowns_offer_the_statuses_assessments_and_goal_ids(templates, register):
    book = templates[0]["SBA"]
    lists = {}
    for sheet in ("Aktiviteter", "Målbedömning"):
        for ref, dv in _validations(book[sheet]).items():
            if dv.type == "list":
                lists[(sheet, ref.split(":")[0][0])] = _list_items(book, dv.formula1)
                assert dv.promptTitle and dv.prompt and dv.error  # Swedish help and error
    assert lists[("Aktiviteter", "H")] == STATUSES
    assert lists[("Aktiviteter", "B")] == register.goal_ids
    assert lists[("Målbedömning", "D")] == ASSESSMENTS
    kinds = {dv.type for dv in _validations(book["Sjukfrånvaro"]).values()}
    assert kinds == {"whole", "decimal"}
    assert any(dv.type == "date" for dv in _validations(book["Aktiviteter"]).values())


def test_sheets_are_protected_and_only_inputs_are_unlocked(templates):
    book = templates[0]["UTB"]
    for name in ("Instruktioner", "Aktiviteter", "Målbedömning", "Sjukfrånvaro", "Ekonomi",
                 "_meta"):
        assert book[name].protection.sheet, name
    sheet = book["Aktiviteter"]
    prefilled = values(sheet, "Aktivitets-id").index("A3.3.2-01") + 2
    for header, unlocked in [("Aktivitets-id", False), ("Aktivitet", False),
                             ("Föregående status", False), ("Status", True),
                             ("Kommentar", True)]:
        assert sheet.cell(prefilled, column(sheet, header)).protection.locked is not unlocked
    own = max(r for r in range(2, sheet.max_row + 1)
              if sheet.cell(r, column(sheet, "Aktivitet")).protection.locked is False)
    assert sheet.cell(own, column(sheet, "Aktivitets-id")).protection.locked is True
    assert sheet.cell(own, column(sheet, "Startdatum")).protection.locked is False
    budget = book["Ekonomi"]
    assert budget.cell(2, column(budget, "Budget")).protection.locked is True
    assert budget.cell(2, column(budget, "Prognos helår")).protection.locked is False


def test_meta_sheet_is_hidden_and_names_department_period_and_register(templates, register):
    book = templates[0]["EKO"]
    meta = book["_meta"]
    assert meta.sheet_state == "veryHidden"
    pairs = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 8)}
    assert pairs["Avdelningskod"] == "EKO"
    assert pairs["Period"] == "2024-T2"
    assert pairs["Mallversion"] == "1"
    assert pairs["Registrets kontrollsumma"] == register.checksum


def test_instructions_state_the_deadline_and_meanings(templates):
    sheet = templates[0]["SOC"]["Instruktioner"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "2024-09-16" in text  # Sista inlämningsdag of 2024-T2
    for status in STATUSES:
        assert status in text
    for assessment in ASSESSMENTS:
        assert assessment in text


def test_the_hours_prompts_give_the_same_span_as_the_instructions(templates):
    book = templates[0]["SOC"]
    span = "från årets början till periodens slut"
    instructions = [str(row[1]) for row in book["Instruktioner"].iter_rows(values_only=True)
                    if row[0] == "Sjukfrånvaro"]
    assert span in instructions[0]
    sheet = book["Sjukfrånvaro"]
    prompts = {ref[0]: dv.prompt for ref, dv in _validations(sheet).items()}
    for header in ("Ordinarie arbetstid (timmar)", "Sjukfrånvaro (timmar)",
                   "Varav 60 dagar eller mer (timmar)"):
        letter = chr(ord("A") + column(sheet, header) - 1)
        assert span in prompts[letter] and "under perioden" not in prompts[letter], header


def test_budget_sheet_lists_the_departments_categories_with_budget(templates, register):
    sheet = templates[0]["SBA"]["Ekonomi"]
    rows = {c: b for c, b in zip(values(sheet, "Kategori"), values(sheet, "Budget"),
                                 strict=True) if c and b is not None}
    expected = register.budget_for("SBA").set_index("category")["budget"].to_dict()
    assert rows == expected


def test_one_department_only(tmp_path):
    result = CliRunner().invoke(main, ["templates", "--department", "SOC", "--out",
                                       str(tmp_path)])
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.glob("*.xlsx")] == ["SOC_2024-T2_mall.xlsx"]
    assert "1 mall klar." in result.output  # not "1 mallar klara."
    result = CliRunner().invoke(main, ["templates", "--department", "KULTUR", "--out",
                                       str(tmp_path)])
    assert result.exit_code == 2 and "KULTUR" in result.output


@pytest.mark.libreoffice
def test_each_template_opens_in_libreoffice(templates, tmp_path):
    _, out = templates
    sources = sorted(out.glob("*.xlsx"))
    for source, pdf in zip(sources, to_pdf(sources, tmp_path), strict=True):
        assert pdf.exists() and pdf.stat().st_size > 5000, source.name
        assert pdf.read_bytes().count(b"/Type /Page") >= 2 or b"/Type/Page" in pdf.read_bytes()


@pytest.mark.parametrize(("unit", "amount"), [("mnkr", '[$-41D]#,##0.0;"−"#,##0.0'),
                                              ("tkr", '[$-41D]#,##0;"−"#,##0')])
def test_numbers_show_in_swedish_whatever_the_readers_locale(register, tmp_path, unit, amount):
    """Hours and amounts carry the Swedish locale: "11 049,0" and "−0,4", never "11 049.0" or
    "- 0.4"; amounts with the decimals their unit needs."""
    import dataclasses

    from pipeline.templates import write_templates

    in_unit = dataclasses.replace(register, settings=dataclasses.replace(register.settings,
                                                                         unit=unit))
    [path] = write_templates(in_unit, "2024-T2", tmp_path, departments=["STAB"])
    book = openpyxl.load_workbook(path)
    sick, budget = book["Sjukfrånvaro"], book["Ekonomi"]
    for header in ("Ordinarie arbetstid (timmar)", "Sjukfrånvaro (timmar)",
                   "Varav 60 dagar eller mer (timmar)"):
        col = column(sick, header)
        assert {sick.cell(r, col).number_format for r in range(2, 8)} == {"[$-41D]#,##0.0"}
    for header in ("Budget", "Utfall hittills", "Prognos helår", "Avvikelse"):
        col = column(budget, header)
        assert {budget.cell(r, col).number_format for r in range(2, budget.max_row + 1)
                if budget.cell(r, 1).value} == {amount}, header


@pytest.mark.parametrize("lock", ["~$register.xlsx", "~$gister.xlsx", ".~lock.register.xlsx#"])
def test_a_register_open_in_excel_or_libreoffice_is_named_after_the_templates(register_copy,
                                                                             tmp_path, lock):
    """The templates are made from the saved file, not from what the controller sees on the
    screen: with the register open they are still made, and the controller is told to save
    and run again if anything is unsaved."""
    path, _ = register_copy
    args = ["templates", "--register", str(path), "--period", "2024-T2", "--department", "SOC",
            "--out", str(tmp_path / "mallar")]
    quiet = CliRunner().invoke(main, args, catch_exceptions=False)
    assert quiet.exit_code == 0 and "öppet" not in quiet.output
    (path.parent / lock).write_bytes(b"controller")
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mallar" / "SOC_2024-T2_mall.xlsx").exists()
    assert (f"Obs: Registret register.xlsx är öppet i Excel eller LibreOffice ({lock} finns "
            "bredvid det).") in result.output
    assert "spara registret och kör pipeline templates igen" in result.output


def test_a_header_too_long_for_excel_is_cut_short_not_dropped(register_copy, tmp_path):
    """Excel keeps 255 characters of a page header, and xlsxwriter dropped a longer one whole,
    with a warning in the night's output: a department of a very long name printed its
    template without any header (municipality, name, period, page numbers)."""
    import re
    import warnings
    import zipfile

    from pipeline.register import read_register
    from pipeline.templates import write_templates
    from tests.conftest import change_register, register_row

    path, _ = register_copy
    long_name = "Samhällsbyggnadsförvaltningen med " + ", ".join(
        f"enheten för uppdrag {n} & utveckling" for n in range(1, 9))
    assert len(long_name) > 255

    def rename(book):
        sheet = book["Avdelningar"]
        row = register_row(sheet, "Avdelningskod", "SBA")
        sheet.cell(row, [c.value for c in sheet[1]].index("Avdelning") + 1).value = long_name
    change_register(path, rename)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xlsxwriter's "Header string cannot be longer …"
        [template] = write_templates(read_register(path), "2024-T2", tmp_path, ["SBA"])
    with zipfile.ZipFile(template) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
    header = re.search(r"<oddHeader>(.*?)</oddHeader>", sheet).group(1)
    shown = header.replace("&amp;", "&")
    assert len(shown) <= 255
    assert shown.startswith("&LÅnge kommun – Kommunstyrelsen&CSamhällsbyggnadsförvaltningen med ")
    assert "…" in shown and shown.endswith("&RSida &P av &N")


def test_a_long_title_is_lines_of_their_own_cells_not_one_merged_cell(register_copy,
                                                                       tmp_path):
    """Instruktioner's title with a long department name: every word there, a line to a cell
    that runs on over the empty column B (a merged cell, as it was, is read badly by screen
    readers and flagged by Excel's accessibility checker), each line within the two printed
    columns."""
    import openpyxl

    from pipeline.register import read_register
    from pipeline.templates import write_templates
    from tests.conftest import change_register, register_row

    path, _ = register_copy
    long_name = "Samhällsbyggnadsförvaltningen – plan, bygg, miljö, räddningstjänst och teknisk " \
                "service med kost- och lokalvårdsenheten"

    def rename(book):
        sheet = book["Avdelningar"]
        row = register_row(sheet, "Avdelningskod", "SBA")
        sheet.cell(row, [c.value for c in sheet[1]].index("Avdelning") + 1).value = long_name
    change_register(path, rename)
    [template] = write_templates(read_register(path), "2024-T2", tmp_path, ["SBA"])
    book = openpyxl.load_workbook(template)
    for sheet in book:
        assert not sheet.merged_cells.ranges, sheet.title
    sheet = book["Instruktioner"]
    lines = []
    for row in sheet.iter_rows(max_col=2):
        if not row[0].font.b or row[0].font.sz != 16:
            break
        assert row[1].value is None and not row[0].alignment.wrap_text
        lines.append(row[0].value)
    assert len(lines) == 2
    assert " ".join(lines) == f"Måluppföljning 2024-T2 – {long_name}"
    width = sheet.column_dimensions["A"].width + sheet.column_dimensions["B"].width
    assert all(len(line) * 1.5 < width for line in lines)  # 16 pt characters in 11 pt units
    assert sheet.cell(len(lines) + 1, 1).value == "Ånge kommun, Kommunstyrelsen. Perioden " \
                                                   "slutar 2024-08-31."


def test_a_name_with_an_ampersand_prints_as_typed_in_the_page_header(register_copy, tmp_path):
    """In a page header "&" starts a code (&M, &8, &K…): "Bygg & Miljö" must not become a
    font size or a colour in the printed template."""
    import re
    import zipfile

    from pipeline.register import read_register
    from pipeline.templates import write_templates
    from tests.conftest import change_register, register_row

    path, _ = register_copy

    def rename(book):
        sheet = book["Avdelningar"]
        row = register_row(sheet, "Avdelningskod", "SBA")
        sheet.cell(row, [c.value for c in sheet[1]].index("Avdelning") + 1).value = \
            "Bygg &Miljö &8"
    change_register(path, rename)
    [template] = write_templates(read_register(path), "2024-T2", tmp_path, ["SBA"])
    with zipfile.ZipFile(template) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
    header = re.search(r"<oddHeader>(.*?)</oddHeader>", sheet).group(1)
    assert "&amp;CBygg &amp;&amp;Miljö &amp;&amp;8: måluppföljning 2024-T2" in header


@pytest.mark.parametrize(("today", "period", "told"), [
    ("2024-05-15T16:00", "2024-T1", None),  # the deadline day: still this period's
    ("2024-06-10T10:00", "2024-T1",
     'Obs: Sista inlämningsdag för 2024-T1 var 2024-05-15. Är det mallarna för nästa period, '
     '2024-T2, du vill göra: ändra period i pipeline.toml till "2024-T2" (eller skriv --period '
     '2024-T2) och kör pipeline templates igen.'),
    ("2025-02-10T10:00", "2024-T3",
     "Obs: Sista inlämningsdag för 2024-T3, årets sista period i registret register.xlsx, var "
     "2025-01-20. Är det mallarna för nästa år du vill göra: gör nästa års register"),
])
def test_templates_for_a_period_whose_deadline_has_passed_say_so(register_copy, tmp_path,
                                                                 monkeypatch, today, period,
                                                                 told):
    """A controller who forgot to move pipeline.toml's period on made the sent (and filled)
    templates of the period over again without a word; the templates are still made, and
    the output says which period comes next and how to make its templates."""
    path, _ = register_copy
    config = tmp_path / "pipeline.toml"  # the period not moved on
    config.write_text(f'register = "register.xlsx"\nperiod = "{period}"\n', encoding="utf-8")
    monkeypatch.setenv("PIPELINE_NOW", today)
    result = CliRunner().invoke(main, [
        "--config", str(config), "templates", "--department", "SOC",
        "--out", str(tmp_path / "mallar")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mallar" / f"SOC_{period}_mall.xlsx").exists()
    if told is None:
        assert "Obs" not in result.output
    else:
        assert told in result.output


def test_a_late_departments_template_after_period_moved_on_gets_no_advice_to_move_it(
        register_copy, tmp_path, monkeypatch):
    """pipeline.toml already collects 2024-T2 and the controller makes a fresh 2024-T1
    template for a department that is late: it is made, without a note telling them to move
    period in pipeline.toml on to 2024-T2, where it already is."""
    path, _ = register_copy
    config = tmp_path / "pipeline.toml"
    config.write_text('register = "register.xlsx"\nperiod = "2024-T2"\n', encoding="utf-8")
    monkeypatch.setenv("PIPELINE_NOW", "2024-06-10T10:00")
    result = CliRunner().invoke(main, [
        "--config", str(config), "templates", "--period", "2024-T1", "--department", "SOC",
        "--out", str(tmp_path / "mallar")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mallar" / "SOC_2024-T1_mall.xlsx").exists()
    assert "Sista inlämningsdag" not in result.output
    assert "pipeline.toml" not in result.output
