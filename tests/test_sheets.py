"""read_table: a single value far below a table is a stray value, not a row (BAD_INPUTS S15);
headers typed differently from the template (S6)."""

from pipeline.sheets import read_table

COLUMNS = {"Kön": "sex", "Åldersgrupp": "age_group", "Antal anställda": "employees"}
HEADER = ["Kön", "Åldersgrupp", "Antal anställda"]
DATA = [["Kvinnor", "29 år eller yngre", 4], ["Män", "29 år eller yngre", 3]]  # rows 2 and 3


def _sheet(*below: tuple[int, list[object]]) -> list[list[object]]:
    """The header, two data rows, and rows placed at the given Excel rows."""
    rows: list[list[object]] = [HEADER, *DATA]
    for number, row in below:
        rows.extend([] for _ in range(number - 1 - len(rows)))
        rows.append(row)
    return rows


def test_a_single_value_after_enough_blank_rows_is_set_aside():
    table = read_table("Sjukfrånvaro", _sheet((7, ["x"])), COLUMNS, stray_gap=3)
    assert [row for row, _ in table.rows] == [2, 3]
    assert table.stray_below == [(7, 0, "x")]  # rows 4, 5 and 6 are blank


def test_a_single_value_after_fewer_blank_rows_is_read_as_today():
    table = read_table("Sjukfrånvaro", _sheet((6, [None, None, "kolla"])), COLUMNS,
                       stray_gap=3)
    assert [row for row, _ in table.rows] == [2, 3, 6]
    assert table.stray_below == []


def test_a_row_with_two_values_far_below_is_read():
    table = read_table("Sjukfrånvaro", _sheet((40, ["Kvinnor", None, 5])), COLUMNS,
                       stray_gap=3)
    assert [row for row, _ in table.rows] == [2, 3, 40]
    assert table.stray_below == []


def test_stray_values_do_not_move_the_end_of_the_table():
    rows = _sheet((10, ["x"]), (11, [None, "y"]), (12, ["Män", "30–49 år", 7]),
                  (13, [None, None, 8]))
    table = read_table("Sjukfrånvaro", rows, COLUMNS, stray_gap=3)
    assert table.stray_below == [(10, 0, "x"), (11, 1, "y")]
    # row 12 has several values and is read; row 13 follows it directly and is read too
    assert [row for row, _ in table.rows] == [2, 3, 12, 13]


def test_blank_text_does_not_count_as_a_value():
    table = read_table("Sjukfrånvaro", _sheet((9, ["  ", "x", ""])), COLUMNS, stray_gap=3)
    assert table.stray_below == [(9, 1, "x")]


def test_a_value_beside_the_table_is_told_apart_from_one_below_it():
    table = read_table("Sjukfrånvaro", _sheet((40, ["x", None, None, None, "notering"])),
                       COLUMNS, stray_gap=3)
    assert table.stray_below == [(40, 0, "x")]
    assert table.extra_cells == [(40, 4, "notering")]
    assert [row for row, _ in table.rows] == [2, 3]


def test_without_a_gap_every_row_is_read_as_the_register_reads_its_sheets():
    table = read_table("Sjukfrånvaro", _sheet((40, ["x"])), COLUMNS)
    assert [row for row, _ in table.rows] == [2, 3, 40]
    assert table.stray_below == []


def test_a_header_typed_differently_says_how_on_one_line():
    """BAD_INPUTS S6: case, a space before or after, or a line break (Alt+Enter) in a header is
    read with a remark that says what differs; a space is invisible between quotes."""
    expected = {"Kön": "sex", "Utfall hittills": "outcome", "Prognos helår": "forecast"}
    rows = [["kön", " Utfall\nhittills", "Prognos helår "], ["Kvinnor", 1, 2]]
    table = read_table("Ekonomi", rows, expected)
    assert list(table.columns) == ["sex", "outcome", "forecast"]
    assert [i.message for i in table.issues] == [
        'Kolumnen "Kön" på fliken "Ekonomi" har skrivits "kön" (kolumn A). Vi har läst den '
        "ändå; ändra inte kolumnrubrikerna i mallen.",
        'Kolumnen "Utfall hittills" på fliken "Ekonomi" har skrivits " Utfall hittills" (kolumn '
        "B, med mellanslag i början och andra mellanslag eller radbrytningar mellan orden). Vi "
        "har läst den ändå; ändra inte kolumnrubrikerna i mallen.",
        'Kolumnen "Prognos helår" på fliken "Ekonomi" har skrivits "Prognos helår " (kolumn C, '
        "med mellanslag i slutet). Vi har läst den ändå; ändra inte kolumnrubrikerna i mallen."]
