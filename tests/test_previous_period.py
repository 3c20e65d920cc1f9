"""T2 is compared with T1 as T1 reported, though the register was edited in between: the
period before is read against the register its own outputs were written with (archive/
registers), so a budget line removed since keeps its forecast in T1's totals, and a department
taken out keeps its sick leave in T1's organ figure."""

import datetime as dt
import shutil

import docx
import openpyxl
import pytest

from tests.conftest import (
    EXAMPLE_REGISTER,
    as_read,
    change_register,
    make_workspace,
    register_row,
    remove_department,
)
from tests.test_history import filled, hand_in, invoke, rows_of, set_period

CODES = ["STAB", "EKO", "UTB", "SBA", "SOC"]


def edit_budget(book):
    """Between T1 and T2: a budget line added for STAB, UTB's budget revised, one of SBA's
    lines removed."""
    sheet = book["Ekonomi"]
    sheet.append(["STAB", "Äldre 65+", 5.0])
    sheet.cell(register_row(sheet, "Avdelningskod", "UTB"), 3).value = 262.0
    for r in range(sheet.max_row, 1, -1):
        if (sheet.cell(r, 1).value, sheet.cell(r, 2).value) == ("SBA", "Affärsverksamhet"):
            sheet.delete_rows(r)


def two_nights(folder, edit, codes_t2=CODES):
    """Every department hands in for T1; the night; the register edited by `edit`; the T2
    templates made and handed in by `codes_t2`; the T2 night. Each night on its own clock."""
    register = folder / "register.xlsx"
    shutil.copy(EXAMPLE_REGISTER, register)
    workspace = make_workspace(folder / "ws", register, report=True)
    config = workspace / "pipeline.toml"
    with pytest.MonkeyPatch.context() as patch:
        set_period(config, "2024-T1")
        patch.setenv("PIPELINE_NOW", "2024-05-02T02:00")
        for code in CODES:
            hand_in(workspace, code, f"{code} t1.xlsx",
                    filled(workspace, config, "2024-T1", dt.date(2024, 4, 30), code=code))
        assert invoke(config, "run").exit_code == 0
        change_register(register, edit)
        set_period(config, "2024-T2")
        patch.setenv("PIPELINE_NOW", "2024-09-02T02:00")
        for code in codes_t2:
            hand_in(workspace, code, f"{code} t2.xlsx",
                    filled(workspace, config, "2024-T2", dt.date(2024, 8, 31), code=code))
        result = invoke(config, "run")
        assert result.exit_code == 0, result.output
        # pipeline report, outside the night, reads the period before the same way
        assert invoke(config, "report").exit_code == 0
    return workspace


@pytest.fixture(scope="module")
def budget_edited(tmp_path_factory):
    return two_nights(tmp_path_factory.mktemp("budget"), edit_budget)


@pytest.fixture(scope="module")
def department_removed(tmp_path_factory):
    codes = [c for c in CODES if c != "EKO"]
    return two_nights(tmp_path_factory.mktemp("department"),
                      lambda book: remove_department(book, "EKO", "STAB"), codes)


def sheet_rows(workspace, period, name):
    book = openpyxl.load_workbook(workspace / "outbox" / f"sammanstallning_{period}.xlsx")
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def table(rows, header, first=0):
    """The rows (as dicts by header) of the table whose header row starts with `header`,
    from row `first` on, up to the first empty row."""
    start = next(i for i, row in enumerate(rows) if i >= first and row[0] == header)
    found = []
    for row in rows[start + 1:]:
        if row[0] is None:
            break
        found.append(dict(zip(rows[start], row, strict=False)))
    return found


def swedish(amount):
    """An amount in mnkr as the report and the remarks write it: 63,3, 1 234,5."""
    return f"{amount:,.1f}".replace(",", " ").replace(".", ",")


def by_name(rows):
    return {row[next(iter(row))]: row for row in rows}


def test_the_period_befores_forecast_is_the_one_it_reported(budget_edited):
    t1 = by_name(table(sheet_rows(budget_edited, "2024-T1", "Ekonomi"), "Avdelning"))
    t2_sheet = sheet_rows(budget_edited, "2024-T2", "Ekonomi")
    t2 = by_name(table(t2_sheet, "Avdelning"))
    then = "Prognos helår 2024-T1"
    change = "Förändring av prognosen sedan 2024-T1"
    for name in ("Samhällsbyggnadsavdelningen", "Stab", "Utbildningsavdelningen", "Summa"):
        assert t2[name][then] == t1[name]["Prognos helår"], name
    sba = t2["Samhällsbyggnadsavdelningen"]
    assert sba[change] is None  # four lines then, three now: not like with like
    t1_lines = table(sheet_rows(budget_edited, "2024-T1", "Ekonomi"), "Avdelning och kategori")
    affars = next(r for r in t1_lines if r["Avdelning och kategori"] == "Affärsverksamhet")[
        "Prognos helår"]
    assert sba["Anmärkning"] == (
        "Förändringen visas inte: raderna är inte desamma som för 2024-T1 (borttagen ur "
        f"registret: Affärsverksamhet {swedish(affars)}).")
    assert t2["Stab"][change] is None
    assert t2["Stab"]["Anmärkning"] == ("Förändringen visas inte: raderna är inte desamma "
                                        "som för 2024-T1 (ny rad: Äldre 65+).")
    # a revised budget changes no forecast: UTB's change is there
    utb = t2["Utbildningsavdelningen"]
    assert utb[change] == pytest.approx(utb["Prognos helår"] - utb[then])
    assert t2["Summa"][change] is None
    assert "borttagen ur registret: Samhällsbyggnadsavdelningen Affärsverksamhet" in \
        t2["Summa"]["Anmärkning"]
    # the removed line is a row of its own under SBA: its forecast then, blank now
    lines = table(t2_sheet, "Avdelning och kategori")
    names = [r["Avdelning och kategori"] for r in lines]
    gone = lines[names.index("Affärsverksamhet")]
    assert names.index("Samhällsbyggnadsavdelningen") < names.index("Affärsverksamhet") < \
        names.index("Sociala avdelningen")
    assert gone[then] == affars
    assert gone["Prognos helår"] is None and gone["Budget"] is None and gone[change] is None
    assert gone["Kommentar"].startswith("Finns inte längre i registret.")


def report_text(workspace, period="2024-T2"):
    document = docx.Document(str(workspace / "outbox" / f"tertialrapport_{period}.docx"))
    return document, as_read("\n".join(p.text for p in document.paragraphs))


def report_table(document, caption_start):
    """The rows of the report's table after the caption that starts with `caption_start`."""
    body = document.element.body
    found = False
    for element in body.iterchildren():
        if element.tag.endswith("}p") and as_read("".join(
                t.text or "" for t in element.iter() if t.tag.endswith("}t"))
                ).split(". ", 1)[-1].startswith(caption_start):
            found = True
        elif found and element.tag.endswith("}tbl"):
            table = next(t for t in document.tables if t._tbl is element)
            return [[as_read(c.text) for c in row.cells] for row in table.rows]
    raise AssertionError(caption_start)


def test_the_reports_forecast_comparison_gives_the_period_before_as_it_reported(
        budget_edited):
    t1 = by_name(table(sheet_rows(budget_edited, "2024-T1", "Ekonomi"), "Avdelning"))
    document, text = report_text(budget_edited)
    rows = {row[0]: row for row in report_table(document, "Prognos helår per avdelning")}
    sba = rows["Samhällsbyggnadsavdelningen"]
    assert sba[1] == swedish(t1["Samhällsbyggnadsavdelningen"]["Prognos helår"])
    assert sba[3] == ""
    assert rows["Totalt"][1] == swedish(t1["Summa"]["Prognos helår"]).replace(" ", "\u00a0")
    assert "Förändringen visas inte: registrets budgetrader är inte desamma som då." in text
    assert "Registrets budgetrader har ändrats sedan 2024-T1 (ny rad: Stab, Äldre 65+; " \
        "borttagen ur registret: Samhällsbyggnadsavdelningen, Affärsverksamhet (" in text
    assert "Förändringen visas när alla avdelningar har rapporterat" not in text


def test_the_templates_keep_the_previous_status_of_every_activity_still_there(budget_edited):
    """Merged against T1's own register, T1 still gives each activity of the edited register
    its previous status (ids are kept across an edit)."""
    t1 = {(r["Avdelning"], r["Aktivitets-id"]): r["Status"]
          for r in rows_of(budget_edited / "outbox" / "sammanstallning_2024-T1.xlsx",
                           "Aktiviteter")}
    t2 = rows_of(budget_edited / "outbox" / "sammanstallning_2024-T2.xlsx", "Aktiviteter")
    compared = [(r["Föregående status"], t1[(r["Avdelning"], r["Aktivitets-id"])]) for r in t2
                if (r["Avdelning"], r["Aktivitets-id"]) in t1]
    assert len(compared) > 50
    assert all(before == then for before, then in compared)
    template = rows_of(budget_edited / "mallar" / "2024-T2" / "SBA_2024-T2_mall.xlsx",
                       "Aktiviteter")
    prefilled = {r["Aktivitets-id"]: r["Föregående status"] for r in template
                 if r["Aktivitets-id"]}
    assert prefilled and all(prefilled[a] == t1[("Samhällsbyggnadsavdelningen", a)]
                             for a in prefilled)


def test_a_department_taken_out_keeps_its_part_in_the_period_befores_figures(
        department_removed):
    t1 = by_name(table(sheet_rows(department_removed, "2024-T1", "Sjukfrånvaro"), "Avdelning"))
    t2 = by_name(table(sheet_rows(department_removed, "2024-T2", "Sjukfrånvaro"), "Avdelning"))
    organ = t2["Kommunstyrelsen"]
    assert organ["Föregående period 2024-T1"] == t1["Kommunstyrelsen"]["Total sjukfrånvaro"]
    assert organ["Förändring mot föregående period, procentenheter"] is None
    assert organ["Anmärkning"] == ("Avdelningarna är inte desamma som för 2024-T1 (borttagen "
                                   "ur registret: Ekonomiavdelningen), så förändringen visas "
                                   "inte.")
    _, text = report_text(department_removed)
    assert "Avdelningarna är inte desamma som för 2024-T1 (borttagen ur registret: " \
        "Ekonomiavdelningen), så förändringen för kommunstyrelsen visas inte" in text
    # its budget line of then, under its name, in Ekonomi's lines; in T1's sum
    budget = sheet_rows(department_removed, "2024-T2", "Ekonomi")
    lines = table(budget, "Avdelning och kategori")
    names = [r["Avdelning och kategori"] for r in lines]
    eko = lines[names.index("Ekonomiavdelningen")]
    assert eko["Anmärkning" if "Anmärkning" in eko else "Kommentar"] == \
        "Avdelningen finns inte längre i registret."
    t1_budget = by_name(table(sheet_rows(department_removed, "2024-T1", "Ekonomi"),
                              "Avdelning"))
    assert eko["Prognos helår 2024-T1"] == t1_budget["Ekonomiavdelningen"]["Prognos helår"]
    t2_budget = by_name(table(budget, "Avdelning"))
    assert t2_budget["Summa"]["Prognos helår 2024-T1"] == t1_budget["Summa"]["Prognos helår"]


def test_a_register_beginning_at_t2_does_not_call_it_the_years_first_period(workspace,
                                                                           register_copy):
    path, _ = register_copy
    change_register(path, lambda book: book["Perioder"].delete_rows(
        register_row(book["Perioder"], "Period", "2024-T1")))
    config = workspace / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(str(EXAMPLE_REGISTER), str(path))
                      .replace("report = false", "report = true"), encoding="utf-8")
    hand_in(workspace, "SOC", "soc t2.xlsx",
            filled(workspace, config, "2024-T2", dt.date(2024, 8, 31)))
    result = invoke(config, "run")
    assert result.exit_code == 0, result.output
    budget = sheet_rows(workspace, "2024-T2", "Ekonomi")
    note = " ".join(str(row[0]) for row in budget[:6])
    assert "2024-T2 är den första perioden i registret, så prognosen jämförs inte" in note
    assert "årets första" not in note
    _, report = report_text(workspace)
    assert "Tertialrapport 2 2024 är den första perioden i registret, och sjukfrånvaron " \
        "jämförs därför inte" in report
    assert "årets första period" not in report


def test_each_budget_table_adds_up_to_the_period_befores_sum_on_its_own(budget_edited,
                                                                       department_removed):
    """Through the night and pipeline report: a category whose every line was removed (SBA's
    Affärsverksamhet) and a department taken out (EKO) keep a row of then in Ekonomi's tables
    per category and per department and in the report's table against T1, so the rows add up
    to the sum of then that holds them, without reading the remark."""
    then = "Prognos helår 2024-T1"
    gone = "Finns inte längre i registret. Prognosen för 2024-T1 ingår i summorna för 2024-T1."
    for workspace, header, name in ((budget_edited, "Kategori", "Affärsverksamhet"),
                                    (department_removed, "Avdelning", "Ekonomiavdelningen")):
        rows = by_name(table(sheet_rows(workspace, "2024-T2", "Ekonomi"), header))
        summa = rows.pop("Summa")
        assert round(sum(r[then] for r in rows.values()), 1) == summa[then], header
        assert rows[name][then] > 0 and rows[name]["Prognos helår"] is None
        assert rows[name]["Anmärkning"] == gone
    document, _ = report_text(department_removed)
    rows = report_table(document, "Prognos helår per avdelning jämfört med 2024-T1")
    eko = by_name(table(sheet_rows(department_removed, "2024-T1", "Ekonomi"), "Avdelning"))[
        "Ekonomiavdelningen"]["Prognos helår"]
    assert rows[-2] == ["Ekonomiavdelningen (borttagen ur registret)", swedish(eko), "", ""]
    assert swedish(sum(float(r[1].replace(",", ".")) for r in rows[1:-1])) == \
        rows[-1][1].replace("\u00a0", " ")
