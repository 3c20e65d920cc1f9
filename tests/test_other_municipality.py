"""A municipality that is not Ånge: other department codes (with Swedish letters and digits),
amounts in tkr, goals numbered in two levels, one department with a single activity."""

import datetime as dt
import os
import re
import subprocess
import sys
import unicodedata

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.merge import own_activity_id
from pipeline.publish.register import write_register
from pipeline.register import read_register
from pipeline.samples import fill_template
from pipeline.templates import build_template
from tests.conftest import to_pdf

D = dt.date
LONG_NAME = ("Kommunledningskontoret med ekonomi-, personal-, IT- och "
             "kommunikationsavdelningarna samt kansliet och kommunens växel")
GROWTH, DEV = "Tillväxt", "Utvecklingsmål"
HOUSEKEEPING = "Verksamhetsmål för god ekonomisk hushållning"
SHEETS: dict[str, list[list[object]]] = {
    "Inställningar": [["Nyckel", "Värde"], ["Kommun", "Bräcke kommun"],
                      ["Organ", "Kommunstyrelsen"], ["Verksamhetsår", 2025],
                      ["Beloppsenhet", "tkr"]],
    "Avdelningar": [["Avdelningskod", "Avdelning"], ["KLK", LONG_NAME],
                    ["VÅO", "Vård- och omsorgsförvaltningen"], ["FRI1", "Kultur och fritid"]],
    "Perioder": [["Period", "Periodslut", "Sista inlämningsdag"],
                 ["2025-T1", D(2025, 4, 30), D(2025, 5, 15)],
                 ["2025-T2", D(2025, 8, 31), D(2025, 9, 15)],
                 ["2025-T3", D(2025, 12, 31), D(2026, 1, 20)]],
    "KF-mål": [["KF-mål-id", "KF-mål"], ["1", "Bräcke ska vara attraktivt att bo i"],
               ["2", "God ekonomisk hushållning"]],
    "KS-mål": [["KS-mål-id", "KF-mål-id", "KS-mål", "Målområde", "Måltyp", "Målägare"],
               ["1.1", "1", "Fler unga deltar i fritidsaktiviteter", "Barn och unga", DEV,
                "FRI1"],
               ["1.2", "1", "Äldre känner sig trygga", "Äldre 65+", DEV, "VÅO"],
               ["2.1", "2", "Sjukfrånvaron ska minska", "God ekonomisk hushållning",
                HOUSEKEEPING, "KLK"]],
    "Aktiviteter": [["Aktivitets-id", "KS-mål-id", "Aktivitet", "Beskrivning", "Startdatum",
                     "Slutdatum", "Ansvarig"],
                    ["BR-01", "1.1", "Lovaktiviteter", "", D(2025, 1, 1), D(2025, 12, 31),
                     "FRI1"],
                    ["BR-02", "1.2", "Trygg hemgång", "", D(2025, 1, 1), D(2025, 12, 31),
                     "VÅO"],
                    ["BR-03", "2.1", "Hälsofrämjande arbetsplatser", "", D(2025, 1, 1),
                     D(2025, 12, 31), "KLK;VÅO"]],
    "Ekonomi": [["Avdelningskod", "Kategori", "Budget"], ["KLK", "Stödresurser", 45300],
                ["VÅO", "Äldre 65+", 198000], ["FRI1", "Barn och unga", 9800]],
    "Basvärden": [["Avdelningskod", "Datum", "Sjukfrånvaro (%)"],
                  ["KLK", D(2024, 12, 31), 0.042], ["VÅO", D(2024, 12, 31), 0.104],
                  ["FRI1", D(2024, 12, 31), 0.03], ["TOTALT", D(2024, 12, 31), 0.08]],
}


def project(folder, sheets, report=False):
    """A Bräcke project folder with the register of `sheets`: pipeline.toml and an empty
    inbox."""
    write_register(folder / "register.xlsx", sheets, title="Bräcke kommun 2025",
                   created=dt.datetime(2025, 1, 2))
    (folder / "inbox").mkdir()
    (folder / "pipeline.toml").write_text(
        f'register = "register.xlsx"\nperiod = "2025-T1"\nreport = {str(report).lower()}\n'
        "settle_seconds = 0\n", encoding="utf-8")
    return folder


@pytest.fixture
def bracke(tmp_path):
    """Bräcke's project folder: its own register, pipeline.toml and an empty inbox."""
    return project(tmp_path, SHEETS)


def filled(workspace, code, target):
    """`code`'s 2025-T1 template, made by the pipeline and filled in as a department would."""
    register = read_register(workspace / "register.xlsx")
    template = workspace / f"{code}_mall.xlsx"
    build_template(register, "2025-T1", code, template)
    target.parent.mkdir(parents=True, exist_ok=True)
    return fill_template(template, target, department=code, period_end=D(2025, 4, 30))


def run(workspace, *args):
    return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), *args],
                              catch_exceptions=False)


def test_a_drop_folder_named_on_a_mac_is_its_departments_folder(bracke, monkeypatch):
    """A Mac (and a share it writes to) keeps the folder "VÅO" as V, A + ring, O. It looks
    like the code and must be read as the department's folder, not named as no department's."""
    monkeypatch.setenv("PIPELINE_NOW", "2025-05-10T02:00")
    folder = unicodedata.normalize("NFD", "VÅO")
    assert folder != "VÅO"
    dropped = filled(bracke, "VÅO", bracke / "inbox" / folder / "T1.xlsx")
    status = run(bracke, "status").output
    assert "VÅO    Vård- och omsorgsförvaltningen: saknas; 1 fil ligger i inkorgen" in status
    result = run(bracke, "run")
    assert "hör inte till någon avdelning" not in result.output
    assert "T1.xlsx: Godkänd" in result.output
    assert "Gäller: VÅO (" in result.output
    assert not dropped.exists()
    status = run(bracke, "status").output
    assert "VÅO    Vård- och omsorgsförvaltningen: Godkänd" in status


@pytest.mark.libreoffice
def test_a_long_department_name_leaves_the_instructions_whole_and_readable(bracke):
    """The title ran past the printed columns: the page was cut at "samver…" or shrunk to fit
    it, the instructions then printed in 5-point type."""
    assert run(bracke, "templates", "--department", "KLK", "--out", str(bracke)).exit_code == 0
    [printed] = to_pdf(bracke / "KLK_2025-T1_mall.xlsx", bracke)
    pdf = str(printed)
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    assert " ".join(page.split()).startswith(f"Måluppföljning 2025-T1 – {LONG_NAME} ")
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"], check=True,
                           capture_output=True, text=True).stdout
    word = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Gula<', boxes)
    assert word is not None
    assert float(word[2]) - float(word[1]) >= 7  # points: 11-point text, printed as such


def test_an_own_activity_of_a_department_with_a_swedish_letter_goes_on_in_the_register(bracke):
    """A new year: the controller adds VÅO's own activity to the register under the id the
    pipeline gave it (README, "A new year"); the register takes it, and VÅO's template has it."""
    own = own_activity_id("VÅO", "Anhörigcafé i Kälarne", D(2025, 3, 1))
    assert own.startswith("VÅO-")
    sheets = {**SHEETS, "Aktiviteter": [*SHEETS["Aktiviteter"],
                                        [own, "1.2", "Anhörigcafé i Kälarne", "",
                                         D(2025, 3, 1), D(2025, 12, 31), "VÅO"]]}
    write_register(bracke / "register.xlsx", sheets, title="Bräcke kommun 2025",
                   created=dt.datetime(2025, 1, 2))
    result = run(bracke, "templates", "--department", "VÅO", "--out", str(bracke))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(bracke / "VÅO_2025-T1_mall.xlsx")
    assert own in [row[0] for row in book["Aktiviteter"].iter_rows(values_only=True)]


def test_status_names_a_folder_that_is_no_departments_before_the_night(bracke, monkeypatch):
    """The controller made inbox/Fri1/ for FRI1: status says, as the night would, that its
    file will not be read and what to rename the folder to, instead of only "saknas"."""
    monkeypatch.setenv("PIPELINE_NOW", "2025-05-10T02:00")
    filled(bracke, "FRI1", bracke / "inbox" / "Fri1" / "T1.xlsx")
    status = run(bracke, "status").output
    assert "FRI1   Kultur och fritid: saknas\n" in status
    assert "Mappen Fri1 i inkorgen hör inte till någon avdelning i registret, så filen där har " \
           "inte lästs. Byt namn på mappen till FRI1" in status


def test_templates_are_dated_by_the_pinned_clock(bracke, monkeypatch):
    """PIPELINE_NOW pins every command's clock (README): a template made under it says it was
    made that day, in its properties and on _meta, and is the same file made again."""
    monkeypatch.setenv("PIPELINE_NOW", "2025-04-02T09:00")
    out = bracke / "mallar"
    assert run(bracke, "templates", "--department", "FRI1", "--out", str(out)).exit_code == 0
    path = out / "FRI1_2025-T1_mall.xlsx"
    first = path.read_bytes()
    book = openpyxl.load_workbook(path)
    assert book.properties.created == dt.datetime(2025, 4, 2)
    meta = {row[0]: row[1] for row in book["_meta"].iter_rows(values_only=True)}
    assert meta["Skapad"] == "2025-04-02"
    assert run(bracke, "templates", "--department", "FRI1", "--out", str(out)).exit_code == 0
    assert path.read_bytes() == first


def test_a_mac_folder_in_another_case_is_named_with_the_code_to_rename_it_to(bracke,
                                                                             monkeypatch):
    """inbox/Våo/ made on a Mac (decomposed Unicode) is no department's folder, as inbox/Fri1/
    is not; the night must say to rename it to VÅO, not only "to a code in the register"."""
    monkeypatch.setenv("PIPELINE_NOW", "2025-05-10T02:00")
    filled(bracke, "VÅO", bracke / "inbox" / unicodedata.normalize("NFD", "Våo") / "T1.xlsx")
    for command in ("status", "run"):
        output = unicodedata.normalize("NFC", run(bracke, command).output)
        assert "Mappen Våo i inkorgen hör inte till någon avdelning i registret, så filen där " \
               "har inte lästs. Byt namn på mappen till VÅO," in output, (command, output)


# --- the committee's outputs for a municipality of another shape -------------------------------

SIX = {**SHEETS,
       "Avdelningar": [*SHEETS["Avdelningar"],
                       ["SBF", "Samhällsbyggnadsförvaltningen"],
                       ["BUF", "Barn- och utbildningsförvaltningen"],
                       ["SOC", "Socialförvaltningen"]],
       "Aktiviteter": [*SHEETS["Aktiviteter"],
                       ["BR-04", "1.1", "Fritidsbank", "", D(2025, 1, 1), D(2025, 12, 31),
                        "SBF;BUF;SOC"]],
       "Ekonomi": [*SHEETS["Ekonomi"], ["SBF", "Tillväxt", 61500],
                   ["BUF", "Barn och unga", 231400], ["SOC", "Vuxna", 88700]],
       "Basvärden": [*SHEETS["Basvärden"], ["SBF", D(2024, 12, 31), 0.05],
                     ["BUF", D(2024, 12, 31), 0.07], ["SOC", D(2024, 12, 31), 0.09]]}
SIX_CODES = ("KLK", "VÅO", "FRI1", "SBF", "BUF", "SOC")


def clear_comment(path, activity_id):
    book = openpyxl.load_workbook(path)
    sheet = book["Aktiviteter"]
    column = {c.value: c.column for c in sheet[1]}
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, column["Aktivitets-id"]).value == activity_id:
            sheet.cell(r, column["Kommentar"]).value = None
    book.save(path)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """Bräcke with six departments, all of whom report for 2025-T1 (BUF without a comment on
    the activity it shares with SBF and SOC), after a night's run with the report; the run's
    stderr as the controller's cron mail would get it."""
    folder = project(tmp_path_factory.mktemp("bracke"), SIX, report=True)
    for code in SIX_CODES:
        filled(folder, code, folder / "inbox" / f"{code}.xlsx")
    clear_comment(folder / "inbox" / "BUF.xlsx", "BR-04")
    result = subprocess.run([sys.executable, "-m", "pipeline", "--config",
                             str(folder / "pipeline.toml"), "run"], capture_output=True,
                            text=True, timeout=600, cwd=folder,
                            env={**os.environ, "PIPELINE_NOW": "2025-05-10T02:00"})
    assert result.returncode == 0, result.stdout + result.stderr
    return folder, result


def test_amounts_in_tkr_are_whole_thousands_in_the_workbook(night):
    """Bräcke counts in tkr: "51 500,0" said a precision no one has, and the note said the
    amounts were rounded to a decimal. As in the report: whole tkr, and the note says so."""
    folder, _ = night
    book = openpyxl.load_workbook(folder / "outbox" / "sammanstallning_2025-T1.xlsx")
    sheet = book["Ekonomi"]
    note = sheet["A2"].value
    assert "Belopp i tkr" in note and "avrundas till hela tkr per rad" in note
    assert "decimal" not in note
    amounts = [cell for row in sheet.iter_rows(min_row=4, min_col=2, max_col=5)
               for cell in row if isinstance(cell.value, int | float)]
    assert len(amounts) > 40
    assert all(float(cell.value).is_integer() for cell in amounts), \
        [cell.value for cell in amounts if not float(cell.value).is_integer()]
    assert {cell.number_format for cell in amounts} == {'[$-41D]#,##0;"−"#,##0;0'}
    rows = [row for row in sheet.iter_rows(min_row=4, max_col=5, values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "Avdelning")
    table = rows[start + 1:start + 1 + len(SIX_CODES) + 1]
    assert table[-1][0] == "Summa"
    for column in range(1, 5):  # the total is the sum of the rows shown
        assert table[-1][column] == sum(row[column] for row in table[:-1])


def report_tables(folder):
    import docx

    document = docx.Document(str(folder / "outbox" / "tertialrapport_2025-T1.docx"))
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in document.tables]


def amount(text):
    return int(text.replace("\u00a0", "").replace("−", "-"))


def test_the_reports_budget_totals_are_the_sums_of_the_rows_it_shows(night):
    """The report rounded the totals of unrounded lines: a total could differ by 1 tkr from
    the rows above it, and from the workbook's total."""
    folder, _ = night
    for table in report_tables(folder):
        if table[0][:2] not in (["Avdelning", "Budget"], ["Kategori", "Budget"]):
            continue
        *rows, total = table[1:]
        assert total[0] == "Totalt"
        for column in range(1, 5):
            assert amount(total[column]) == sum(amount(row[column]) for row in rows), column


def test_long_department_names_wrap_whole_in_the_budget_tables(night):
    """The 117-character name spilled over the row below in "Per avdelning" and was cut off in
    "Per avdelning och kategori": each row with a name is now tall enough for it, wrapped."""
    import textwrap

    folder, _ = night
    sheet = openpyxl.load_workbook(folder / "outbox" / "sammanstallning_2025-T1.xlsx")["Ekonomi"]
    names = {row[1] for row in SIX["Avdelningar"][1:]}
    width = sheet.column_dimensions["A"].width
    rows = [cell for cell in sheet["A"] if cell.value in names]
    assert len(rows) == 2 * len(names)  # per department, and per department and category
    for cell in rows:
        assert cell.alignment.wrap_text
        # characters a line at 10 points in DejaVu Sans (LibreOffice's), fewer in bold
        lines = len(textwrap.wrap(cell.value, int(width * (0.95 if cell.font.b else 1.1))))
        assert sheet.row_dimensions[cell.row].height >= 13 * lines, cell.value
    tallest = max(sheet.row_dimensions[c.row].height for c in rows if c.value == LONG_NAME)
    assert tallest >= 4 * 13


def test_a_nights_run_with_the_report_writes_nothing_to_stderr(night):
    """matplotlib's "UserWarning: constrained_layout not applied" (the 117-character name
    squeezed the plot to nothing) was printed on every run, into the controller's cron mail."""
    _, result = night
    assert result.stderr == ""


def chart_units(names):
    """Sick-leave rows as the report's chart gets them: a unit per name, then the organ."""
    rows = [{"department": f"D{i}", "name": name, "reported": True, "total": 0.05 + i / 100,
             "total_hidden": False} for i, name in enumerate(names)]
    rows.append({"department": "TOTALT", "name": "Kommunstyrelsen", "reported": True,
                 "total": 0.07, "total_hidden": False})
    return pd.DataFrame(rows)


def drawn_chart(units):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from pipeline.publish.report.charts import _draw_sick_leave, sick_leave_chart_height

    matplotlib.use("Agg")
    figure = Figure(figsize=(6.3, sick_leave_chart_height(units)), dpi=100,
                    layout="constrained")
    FigureCanvasAgg(figure)
    _draw_sick_leave(figure, rows=list(units.itertuples()),
                     baselines={"D0": 0.04, "TOTALT": 0.08})
    figure.canvas.draw()
    return figure


def test_the_sick_leave_chart_shows_long_names_whole_beside_their_bars(recwarn):
    """The 117-character name ran off the chart's left edge ("…unens växel"), the plot
    collapsed and the "Basvärde" legend sat on the axis label."""
    figure = drawn_chart(chart_units([LONG_NAME, "Samhällsbyggnadsförvaltningen",
                                      "Kultur och fritid"]))
    assert not [w for w in recwarn if "constrained_layout" in str(w.message)]
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    labels = axes.get_yticklabels()
    assert " ".join(labels[0].get_text().split()) == LONG_NAME  # whole, wrapped on lines
    assert labels[0].get_text().count("\n") >= 3
    for label in labels:
        box = label.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.y1 <= figure.bbox.height, label.get_text()
    boxes = [label.get_window_extent(renderer) for label in labels]
    for upper, lower in zip(boxes, boxes[1:], strict=False):  # no name runs into the next
        assert lower.y1 <= upper.y0
    legend = figure.legends[0].get_window_extent(renderer)
    assert legend.y1 <= axes.xaxis.label.get_window_extent(renderer).y0


def test_two_units_of_the_same_name_are_two_bars_in_the_sick_leave_chart():
    """The bars were placed by name: two departments both called "Kansliet" became one bar
    carrying two values."""
    figure = drawn_chart(chart_units(["Kansliet", "Kansliet", "Kultur och fritid"]))
    axes = figure.axes[0]
    bars = [patch for patch in axes.patches if patch.get_width() > 0]
    assert len(bars) == 4
    assert len({bar.get_y() for bar in bars}) == 4
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "Kansliet", "Kansliet", "Kultur och fritid", "Kommunstyrelsen"]


def test_a_chart_of_many_long_names_is_taller_than_a_page_and_left_out():
    """Wrapped names make rows taller: the page limit is on the chart's height, not only on
    the number of departments (18)."""
    from pipeline.publish.report.charts import CHART_MAX_INCHES, sick_leave_chart_height

    assert sick_leave_chart_height(chart_units([LONG_NAME] * 6)) <= CHART_MAX_INCHES
    assert sick_leave_chart_height(chart_units([LONG_NAME] * 15)) > CHART_MAX_INCHES
    assert sick_leave_chart_height(chart_units(["Kultur och fritid"] * 18)) <= CHART_MAX_INCHES


@pytest.mark.libreoffice
def test_the_sick_leave_tables_keep_each_word_of_a_name_whole(night, tmp_path):
    """Table 3's name column was a fixed 4.8 cm: "Samhällsbyggnadsförvaltninge / n". It is as
    wide as the longest word, as the budget comments' table is."""
    folder, _ = night
    [pdf] = to_pdf(folder / "outbox" / "tertialrapport_2025-T1.docx", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    tables = text[text.index("Sjukfrånvaro i procent av ordinarie arbetstid"):]
    tables = tables[:tables.index("Figur")]
    for word in ("Samhällsbyggnadsförvaltningen", "utbildningsförvaltningen",
                 "omsorgsförvaltningen", "Kvinnor"):
        assert set(re.findall(re.escape(word[:-3]) + r"\S*", tables)) == {word}
    assert "Samhällsbyggnadsförvaltningen" in tables


def report_paragraphs(folder):
    import docx

    document = docx.Document(str(folder / "outbox" / "tertialrapport_2025-T1.docx"))
    return [p.text for p in document.paragraphs]


def test_a_department_without_a_comment_is_no_label_with_nothing_after_it(night):
    """BUF left its comment on the activity it shares with SBF and SOC empty: the report
    printed "Barn- och utbildningsförvaltningen:" and nothing after it."""
    folder, _ = night
    table = next(t for t in report_tables(folder) if any(r[0] == "Fritidsbank" for r in t))
    comments = [row[3] for row in table if row[0] == "Fritidsbank" or row[0] == ""]
    assert not [c for c in comments if c.rstrip().endswith(":")], comments
    assert "Barn- och utbildningsförvaltningen" in comments  # whose status, even without text
    assert any(c.startswith("Samhällsbyggnadsförvaltningen och Socialförvaltningen:\n")
               for c in comments)


def test_the_report_speaks_of_the_administrations_of_a_municipality_with_several(night):
    """Bräcke's departments are administrations of their own ("Vård- och
    omsorgsförvaltningen"): the report said "förvaltningen", as for Ånge's one."""
    folder, _ = night
    text = " ".join(report_paragraphs(folder))
    assert "och förvaltningarna har brutit ner kommunstyrelsens mål till aktiviteter" in text
    assert "förvaltningarnas bedömning av varje mål" in text
    assert "Förvaltningarna redovisar" in text
    assert not re.findall(r"\bförvaltningens?\b", text, flags=re.IGNORECASE)


def test_the_goals_per_area_are_bräckes_three_areas_without_the_two_it_has_no_goals_in(night):
    """Bräcke sets goals in three of the five goal areas: the committee sees those three, in
    the plan's order, not Vuxna and Tillväxt as rows of zeros every tertial."""
    folder, _ = night
    areas = ["Barn och unga", "Äldre 65+", "God ekonomisk hushållning"]
    book = openpyxl.load_workbook(folder / "outbox" / "sammanstallning_2025-T1.xlsx")
    rows = [row for row in book["Sammanfattning"].iter_rows(values_only=True)]
    top = next(i for i, row in enumerate(rows) if row[0] == "Målområde")
    listed = [row[0] for row in rows[top + 1:top + 5]]
    assert listed == [*areas, "Summa"]
    assert [[v for v in row if v is not None][-1] for row in rows[top + 1:top + 5]] == \
        [1, 1, 1, 3]  # each row's Summa
    [table] = [t for t in report_tables(folder) if t[0][0] == "Målområde"]
    assert [row[0] for row in table[1:]] == [*areas, "Totalt"]
    assert [row[-1] for row in table[1:]] == ["1", "1", "1", "3"]


@pytest.mark.parametrize(("organ", "municipality", "written"), [
    ("Kommunstyrelsen", "Bräcke kommun", "kommunstyrelsen"),
    ("Barn- och utbildningsnämnden", "Bräcke kommun", "barn- och utbildningsnämnden"),
    ("Bräcke kommun", "Bräcke kommun", "Bräcke kommun"),
    ("Bräckes kommunstyrelse", "Bräcke kommun", "Bräckes kommunstyrelse"),
    ("Region Jämtland Härjedalen", "Bräcke kommun", "Region Jämtland Härjedalen"),
])
def test_an_organ_inside_a_sentence_keeps_the_capital_of_a_proper_name(organ, municipality,
                                                                       written):
    """"för hela bräcke kommun": lower_first lowered a proper noun as it lowers
    "Kommunstyrelsen"."""
    from pipeline.publish.report.text import in_sentence

    assert in_sentence(organ, municipality) == written
