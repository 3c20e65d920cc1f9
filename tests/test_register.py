import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import RegisterError
from pipeline.register import read_register


def test_example_register_holds_the_2024_plan(register):
    assert register.settings.municipality == "Ånge kommun"
    assert register.settings.unit == "mnkr"
    # the vision and focus areas Ånge's memo ends with (seed 000), for `pipeline memo`
    assert register.settings.vision == (
        "Vi är en plats för alla, med närhet till natur och gemenskap. Här ger näring och "
        "engagemang kraft till en levande bygd.")
    assert register.settings.focus_areas == ("Hållbar vardag", "Hållbar hälsa",
                                             "Hållbar gemenskap", "Hållbar kompetens",
                                             "Hållbar natur")
    assert len(register.board_goals) == 20
    assert len(register.activities) == 79
    assert register.department_codes == ["STAB", "EKO", "UTB", "SBA", "SOC"]
    assert register.period_ids == ["2024-T1", "2024-T2", "2024-T3"]
    # department frames equal the plan's (Stab carries "Gemensamma resurser" 3.5)
    totals = register.budget.groupby("department")["budget"].sum().round(1).to_dict()
    assert totals == {"STAB": 85.2, "EKO": 14.2, "UTB": 258.4, "SBA": 63.4, "SOC": 286.5}
    assert round(register.budget["budget"].sum(), 1) == 707.7
    organ = register.baselines.set_index("department").loc["TOTALT", "sick_leave_share"]
    assert organ == pytest.approx(0.0911)
    multi = register.activities[register.activities["responsible"].map(len) > 1]
    assert "A3.1.1-04" in set(multi["activity_id"])


MISTAKES = {
    # name: (changes, sheet, cell, words that must be in the message)
    "unknown owner": ({("KS-mål", "F3"): "XYZ"}, "KS-mål", "F3", ['"XYZ"', "Avdelningar"]),
    "goal with several owners": ({("KS-mål", "F6"): "UTB; SBA"}, "KS-mål", "F6",
                                 ['"UTB; SBA"', "en enda målägare", "Skriv en av UTB eller SBA",
                                  "Ansvarig"]),
    "goal without council goal": ({("KS-mål", "B4"): "9.9"}, "KS-mål", "B4", ['"9.9"', "KF-mål"]),
    "activity to unknown goal": ({("Aktiviteter", "B5"): "3.1.1; 7.7.7"}, "Aktiviteter", "B5",
                                 ['"7.7.7"', "KS-mål"]),
    "duplicate activity id": ({("Aktiviteter", "A6"): "A3.1.1-01"}, "Aktiviteter", "A2",
                              ['"A3.1.1-01"', "2, 6"]),
    "end before start": ({("Aktiviteter", "F7"): dt.datetime(2023, 1, 1)}, "Aktiviteter", "F7",
                         ["Slutdatum 2023-01-01", "före startdatum"]),
    "not a date": ({("Aktiviteter", "E8"): "snart"}, "Aktiviteter", "E8",
                   ['"snart"', "ÅÅÅÅ-MM-DD"]),
    "budget for unknown department": ({("Ekonomi", "A2"): "KULTUR"}, "Ekonomi", "A2",
                                      ['"KULTUR"', "Avdelningar"]),
    "budget not a number": ({("Ekonomi", "C3"): "många"}, "Ekonomi", "C3",
                            ['"många"', "inte ett tal"]),
    "negative budget": ({("Ekonomi", "C4"): -5}, "Ekonomi", "C4", ["negativ", "positiv"]),
    "unknown goal area": ({("KS-mål", "D5"): "Kultur"}, "KS-mål", "D5",
                          ['"Kultur"', "Barn och unga"]),
    # every goal has its area: the goals per area add up to all goals (figures.goals_by_area)
    "no goal area": ({("KS-mål", "D6"): None}, "KS-mål", "D6", ['"Målområde" är tom']),
    "empty title": ({("KF-mål", "B3"): None}, "KF-mål", "B3", ['"KF-mål" är tom']),
    "duplicate department": ({("Avdelningar", "A3"): "STAB"}, "Avdelningar", "A2",
                             ['"STAB"', "2, 3"]),
    "bad period": ({("Perioder", "A2"): "2024-Q1"}, "Perioder", "A2", ['"2024-Q1"', "ÅÅÅÅ-T1"]),
    "deadline before period end": ({("Perioder", "C3"): dt.datetime(2024, 8, 1)}, "Perioder",
                                   "C3", ["2024-08-01", "före periodens slut"]),
    "period end copied from last year": ({("Perioder", "B2"): dt.datetime(2023, 4, 30)},
                                         "Perioder", "B2", ["2023-04-30", "inte i 2024"]),
    "periods ending out of order": ({("Perioder", "B4"): dt.datetime(2024, 8, 31)}, "Perioder",
                                    "B4", ["2024-T3", "2024-T2 (2024-08-31)"]),
    "activity ids differing in case": ({("Aktiviteter", "A7"): "a3.1.1-02"}, "Aktiviteter",
                                       "A7", ['"a3.1.1-02"', '"A3.1.1-02" på rad 3']),
    "bad amount unit": ({("Inställningar", "B5"): "kronor"}, "Inställningar", "B5",
                        ['"kronor"', "mnkr, tkr"]),
    "renamed column": ({("Aktiviteter", "G1"): "Ansvar"}, "Aktiviteter", None,
                       ['"Ansvarig"', "saknas"]),
    "missing sheet": ({("Basvärden", None): None}, "Basvärden", None, ['"Basvärden" saknas']),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_each_register_mistake_is_named_by_sheet_row_and_column(register_copy, name):
    changes, sheet, cell, words = MISTAKES[name]
    path = register_copy[1](changes)
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    matching = [i for i in caught.value.issues if i.sheet == sheet and (cell is None or
                                                                         i.cell == cell)]
    assert matching, [i.describe() for i in caught.value.issues]
    text = matching[0].describe()
    for word in words:
        assert word in text, text
    if cell is not None:
        assert f"rad {cell[1:]}" in text and "kolumn" in text


def test_a_bad_setting_is_named_in_the_column_it_is_in(register_copy):
    """Columns are found by their header: with Värde first and Nyckel second, a bad amount
    unit is in column A, and the message says so (it said B, the key's cell)."""
    path, _ = register_copy
    book = openpyxl.load_workbook(path)
    sheet = book["Inställningar"]
    for key, value in sheet.iter_rows(min_row=1, max_col=2):
        key.value, value.value = value.value, key.value
    sheet["A5"] = "kronor"
    book.save(path)
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    (issue,) = caught.value.issues
    assert issue.describe().startswith('Fliken "Inställningar", rad 5, kolumn "Värde" (A5): '
                                       '"kronor" är inte ett giltigt värde för Beloppsenhet.')


def test_an_empty_reference_is_reported_once_as_empty(register_copy):
    path = register_copy[1]({("KS-mål", "B3"): None, ("KS-mål", "F4"): None})
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    about = {cell: [i.describe() for i in caught.value.issues if i.cell == cell]
             for cell in ("B3", "F4")}
    for cell, texts in about.items():
        assert len(texts) == 1 and "är tom" in texts[0], (cell, texts)
        assert "nan" not in texts[0]


def test_a_register_with_many_mistakes_lists_them_all_and_exits_2(register_copy, tmp_path):
    changes = {}
    for name, (change, *_rest) in MISTAKES.items():
        if name not in ("missing sheet", "renamed column"):
            changes.update(change)
    path = register_copy[1](changes)
    result = CliRunner().invoke(main, ["templates", "--register", str(path), "--period",
                                       "2024-T2", "--out", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 2
    output = result.output
    assert "Registret" in output and "kan inte användas" in output
    for name, (_change, sheet, cell, _words) in MISTAKES.items():
        if name in ("missing sheet", "renamed column"):
            continue
        assert f'Fliken "{sheet}", rad {cell[1:]}' in output, name
    assert not (tmp_path / "out").exists()  # never half-used
    assert "Traceback" not in output


def test_unreadable_register_is_a_message_not_a_traceback(tmp_path):
    bogus = tmp_path / "register.xlsx"
    bogus.write_text("inte en arbetsbok")
    result = CliRunner().invoke(main, ["templates", "--register", str(bogus), "--period",
                                       "2024-T2"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "kunde inte läsas" in result.output


def test_the_register_cache_follows_the_register_and_survives_a_broken_cache(register_copy,
                                                                            tmp_path):
    path, edit = register_copy
    cache = tmp_path / "cache"
    first = read_register(path, cache_dir=cache)
    assert list(cache.glob("register-*.pkl"))
    assert read_register(path, cache_dir=cache).activities.equals(first.activities)
    edit({("Aktiviteter", "C2"): "En ändrad aktivitet"})
    changed = read_register(path, cache_dir=cache)
    assert changed.activities.iloc[0]["title"] == "En ändrad aktivitet"
    for stale in cache.glob("register-*.pkl"):
        stale.write_bytes(b"trasig cache")
    assert read_register(path, cache_dir=cache).activities.iloc[0]["title"] == \
        "En ändrad aktivitet"
    edit({("Ekonomi", "A2"): "KULTUR"})
    with pytest.raises(RegisterError):  # a broken register is never served from the cache
        read_register(path, cache_dir=cache)


def test_harmless_variants_a_controller_types_are_read_as_meant(register_copy, register):
    """A code in lower case or with a space, a choice in another case, the usual spellings of
    the amount unit: read as meant, not a run stopped for them."""
    path, edit = register_copy
    first_activity = register.activities.iloc[0]
    row = int(first_activity["row"])
    edit({("Avdelningar", "A3"): "eko ", ("KS-mål", "F3"): "Stab", ("KS-mål", "D4"): "barn och unga",
          ("KS-mål", "E4"): "UTVECKLINGSMÅL", ("Ekonomi", "A2"): "stab",
          ("Ekonomi", "B2"): " barn och UNGA", ("Aktiviteter", f"G{row}"): "soc,  eko",
          ("Inställningar", "B5"): "Mkr"})
    read = read_register(path)
    assert read.department_codes == ["STAB", "EKO", "UTB", "SBA", "SOC"]
    assert read.board_goals.iloc[1]["owner"] == "STAB"
    assert read.board_goals.iloc[2]["area"] == "Barn och unga"
    assert read.board_goals.iloc[2]["goal_type"] == register.board_goals.iloc[2]["goal_type"]
    assert read.budget.iloc[0]["department"] == "STAB"
    assert read.budget.iloc[0]["category"] == "Barn och unga"
    assert read.activities.iloc[0]["responsible"] == ("SOC", "EKO")
    assert read.settings.unit == "mnkr"
    edit({("Inställningar", "B5"): "KKR"})
    assert read_register(path).settings.unit == "tkr"
    book = openpyxl.load_workbook(path)
    book["KS-mål"].title = "tillfälligt"  # (openpyxl, as Excel, sees "KS-Mål" as taken)
    book["tillfälligt"].title, book["Aktiviteter"].title = "KS-Mål", "Aktiviteter "
    assert "KS-Mål" in book.sheetnames
    book.save(path)
    assert len(read_register(path).board_goals) == len(register.board_goals)


def test_periods_are_read_in_period_order_whatever_the_rows_order(register_copy):
    """A controller who types the year's periods bottom-up (or sorts the sheet by deadline)
    still gets T1 before T2: the previous period, and so Föregående status, follows the
    periods, not the rows."""
    path, _ = register_copy
    book = openpyxl.load_workbook(path)
    sheet = book["Perioder"]
    rows = [[c.value for c in sheet[r]] for r in (2, 3, 4)]
    for r, values in zip((2, 3, 4), reversed(rows), strict=True):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c).value = value
    book.save(path)
    read = read_register(path)
    assert read.period_ids == ["2024-T1", "2024-T2", "2024-T3"]
    assert read.previous_period("2024-T2") == "2024-T1"
    assert read.previous_period("2024-T1") is None
    assert read.period("2024-T3")["deadline"] == dt.date(2025, 1, 20)


def test_a_renamed_tab_is_named_with_what_to_call_it(register_copy):
    path, _ = register_copy
    book = openpyxl.load_workbook(path)
    book["Aktiviteter"].title = "Aktiviteter 2025"
    book.save(path)
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    (issue,) = caught.value.issues
    assert issue.sheet == "Aktiviteter"
    assert ('Fliken "Aktiviteter" saknas i registret, men det finns en flik "Aktiviteter 2025". '
            'Byt namn på den till "Aktiviteter"') in issue.describe()


@pytest.mark.parametrize(("typed", "share"), [
    (0.8, 0.008),  # a small unit's 0,8 % typed in a cell without a % format: not 80 %
    ("0,8", 0.008), ("0,8 %", 0.008), (9.11, 0.0911),
    (0.0911, 0.0911),  # 9,11 % in a cell formatted as %: Excel stores the share
    ("0,25", 0.0025),  # typed as text: never a share Excel stores, so a per cent, not 25 %
])
def test_a_baseline_is_read_as_the_per_cent_the_controller_typed(register_copy, typed, share):
    path, edit = register_copy
    book = openpyxl.load_workbook(path)
    sheet = book["Basvärden"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "EKO")
    edit({("Basvärden", f"C{row}"): typed})
    baselines = read_register(path).baselines.set_index("department")["sick_leave_share"]
    assert baselines["EKO"] == pytest.approx(share)


def test_the_boundaries_of_the_registers_date_rules_are_accepted(register_copy):
    """A one-day activity (a theme day, a training day) ends the day it starts, and a
    deadline may be the period's last day: both are a register the controller can run, not
    "Slutdatum före startdatum" or "Sista inlämningsdag före periodens slut"."""
    path, edit = register_copy
    edit({("Aktiviteter", "F7"): dt.datetime(2024, 3, 1),  # starts 2024-03-01 (E7)
          ("Perioder", "C3"): dt.datetime(2024, 8, 31)})  # 2024-T2 ends 2024-08-31
    read = read_register(path)
    one_day = read.activities.set_index("activity_id").loc["A3.1.1-06"]
    assert one_day["start"] == one_day["end"] == dt.date(2024, 3, 1)
    assert read.period("2024-T2")["deadline"] == dt.date(2024, 8, 31)


def test_a_budget_line_given_twice_stops_the_register_naming_both_rows(register_copy):
    """Two Ekonomi rows for STAB / Vuxna: the department's template would ask for the line
    twice and the committee's totals would count it twice. The controller is told which rows,
    and the register is not used."""
    path, edit = register_copy
    edit({("Ekonomi", "B2"): "Vuxna"})  # row 3 is STAB / Vuxna already
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    [issue] = caught.value.issues
    assert (issue.sheet, issue.cell) == ("Ekonomi", "B3")
    assert '"STAB / Vuxna" finns på flera rader (2, 3)' in issue.describe()
