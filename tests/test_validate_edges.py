"""Edges of the register a template was made from: departments whose template has empty sheets
(no goals owned, no budget lines), and files made from an older version of the register."""

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from pipeline.intake import parse_submission, read_submission
from pipeline.labels import MetaKey
from pipeline.register import read_register
from pipeline.samples import fill_template
from pipeline.templates import write_templates
from pipeline.validate import validate
from tests import corpus
from tests.conftest import change_register, register_row


def test_a_department_without_goals_or_budget_is_accepted(register_copy, tmp_path):
    path, edit = register_copy
    book = openpyxl.load_workbook(path)
    goals = book["KS-mål"]
    for row in range(2, goals.max_row + 1):
        if goals.cell(row, 6).value == "EKO":
            goals.cell(row, 6).value = "STAB"
    budget = book["Ekonomi"]
    for row in range(budget.max_row, 1, -1):
        if budget.cell(row, 1).value == "EKO":
            budget.delete_rows(row)
    book.save(path)
    register = read_register(path)
    assert register.goals_owned_by("EKO").empty and register.budget_for("EKO").empty

    template = write_templates(register, "2024-T2", tmp_path / "mallar", ["EKO"])[0]
    filled = fill_template(template, tmp_path / "eko.xlsx", department="EKO",
                           period_end=register.period("2024-T2")["period_end"])
    report, data = validate(read_submission(filled), register, "2024-T2")
    assert report.accepted, [i.message for i in report.errors]
    assert data.assessments.empty and data.budget.empty
    assert len(data.activities) == len(register.activities_for("EKO"))


def test_files_checked_together_are_each_held_to_the_schemas(register, tmp_path):
    """validate_many checks the schemas once for many files: each file is still told about
    its own failures only, and one file's values are not duplicates of another's."""
    from pipeline.intake import parse_submission
    from pipeline.validate import validate_many
    from tests import corpus

    valid = corpus.make_valid(tmp_path).read_bytes()
    # a negative head count: no cell check catches it, the schema does (employees ≥ 0)
    negative = corpus.cells(valid, "Sjukfrånvaro", {"C4": -5})
    files = [("a.xlsx", valid), ("b.xlsx", negative), ("c.xlsx", valid)]
    together = validate_many([(parse_submission(content, name=name), None)
                              for name, content in files], register, corpus.PERIOD)
    alone = [validate(parse_submission(content, name=name), register, corpus.PERIOD)
             for name, content in files]

    for (report, data), (single, _) in zip(together, alone, strict=True):
        assert report.issues == single.issues
        assert (data is not None) == report.accepted
    (first, _), (second, _), (third, _) = together
    assert first.accepted and third.accepted
    assert [(i.code, i.cell) for i in second.errors] == [("count_negative", "C4")]


def test_a_filter_saved_in_a_custom_view_does_not_explain_hidden_rows(register, tmp_path):
    """Only the sheet's own filter hides rows; a custom view (Visa > Anpassade vyer) keeps a
    filter that is not in force. Row 5, hidden by hand, is still reported."""
    from pipeline.intake import parse_submission
    from tests import corpus

    content = corpus.hidden_row_with_data(corpus.make_valid(tmp_path).read_bytes())
    parts = corpus.zip_parts(content)
    part = corpus.sheet_part(content, "Aktiviteter")
    view = ('<customSheetViews><customSheetView guid="{6F1D2E43-0C3B-4C5E-9A36-1B2C3D4E5F60}">'
            '<autoFilter ref="A1:I31"><filterColumn colId="7"><filters>'
            '<filter val="Vänteläge"/></filters></filterColumn></autoFilter>'
            "</customSheetView></customSheetViews>")
    sheet = parts[part].decode()
    assert sheet.count('<autoFilter ref="A1:I31"/>') == 1
    parts[part] = sheet.replace('<autoFilter ref="A1:I31"/>',
                                f'<autoFilter ref="A1:I31"/>{view}').encode()
    report, _ = validate(parse_submission(corpus.rezip(parts), name="vy.xlsx"), register,
                         corpus.PERIOD)
    assert [(i.code, i.cell) for i in report.issues] == [("hidden_rows", "A5")]


# --- a file made from an older register -----------------------------------------------------

def edited_after_the_templates(book):
    """The controller's edits after the templates went out: A3.1.1-02 given from STAB to
    EKO, STAB's A3.4.7-03 removed, goal 3.1.2 given from STAB to EKO, STAB's budget line
    Tillväxt removed and a line Vuxna added for EKO."""
    activities, goals, budget = book["Aktiviteter"], book["KS-mål"], book["Ekonomi"]
    activities.cell(register_row(activities, "Aktivitets-id", "A3.1.1-02"), 7).value = "EKO"
    activities.delete_rows(register_row(activities, "Aktivitets-id", "A3.4.7-03"))
    goals.cell(register_row(goals, "KS-mål-id", "3.1.2"), 6).value = "EKO"
    stab_growth = next(r for r in range(2, budget.max_row + 1)
                       if (budget.cell(r, 1).value, budget.cell(r, 2).value) == ("STAB",
                                                                                 "Tillväxt"))
    budget.delete_rows(stab_growth)
    budget.append(["EKO", "Vuxna", 5.0])


def row_of(content, sheet, value):
    rows = openpyxl.load_workbook(io.BytesIO(content))[sheet].iter_rows(min_row=2)
    return next(row[0].row for row in rows if row[0].value == value)


def with_checksum(content, checksum):
    """The same file, as if its template had been made from the register with `checksum`."""
    def change(book):
        meta = book["_meta"]
        meta.cell(row_of(content, "_meta", MetaKey.REGISTER_CHECKSUM), 2).value = checksum
    return corpus.edit(content, change)


@pytest.fixture
def drift(register_copy, tmp_path):
    """STAB's and EKO's files, filled from the example register's templates, and the
    register as edited since."""
    path, _ = register_copy
    files = {code: corpus.make_valid(tmp_path, code).read_bytes() for code in ("STAB", "EKO")}
    return files, read_register(change_register(path, edited_after_the_templates))


def check(content, register, name="fil.xlsx"):
    return validate(parse_submission(content, name=name), register, corpus.PERIOD)


def test_a_file_from_an_older_register_is_not_refused_for_the_registers_edits(drift):
    """Moving, removing and adding register rows after the templates went out is the
    controller's doing: each affected row is a warning that says so, never an error."""
    files, register = drift
    stab, eko = files["STAB"], files["EKO"]
    report, data = check(stab, register)
    assert report.accepted, [i.message for i in report.errors]
    moved = row_of(stab, "Aktiviteter", "A3.1.1-02")
    found = {i.code: i for i in report.warnings}
    assert found["activity_moved_in_register"].message == (
        "Registret har ändrats sedan mallen gjordes: ansvaret för aktiviteten "
        f'"A3.1.1-02" (Aktiviteter!A{moved}) ligger nu hos EKO, inte hos STAB. Raden har inte '
        "lästs in; avdelningen behöver inte göra något.")
    assert found["activity_left_register"].message == (
        f'Aktiviteten "A3.4.7-03" (Aktiviteter!A{row_of(stab, "Aktiviteter", "A3.4.7-03")}) '
        "finns inte i det aktuella registret, som har ändrats sedan mallen gjordes. Raden har "
        "inte lästs in; avdelningen behöver inte göra något.")
    assert found["goal_moved_in_register"].cell == f"A{row_of(stab, 'Målbedömning', '3.1.2')}"
    assert "ägs nu av EKO, inte av STAB" in found["goal_moved_in_register"].message
    assert found["budget_category_left_register"].message.startswith(
        f'Kategorin "Tillväxt" (Ekonomi!A{row_of(stab, "Ekonomi", "Tillväxt")}) har ingen '
        "budget för STAB i det aktuella registret")
    assert not {"A3.1.1-02", "A3.4.7-03"} & set(data.activities["activity_id"])
    assert "3.1.2" not in set(data.assessments["ks_id"])
    assert list(data.budget["category"]) == ["Barn och unga", "Vuxna", "Stödresurser"]

    report, data = check(eko, register)
    assert report.accepted, [i.message for i in report.errors]
    found = {i.code: i for i in report.warnings}
    assert found["activity_added_to_register"].message == (
        'Aktiviteten "A3.1.1-02" ("Genomföra två föreläsningar för temat kost och '
        'återhämtning") saknas i filen. Mallen gjordes från en äldre version av registret, som '
        'troligen inte hade aktiviteten för EKO. Den står som "Ej rapporterad" i '
        "sammanställningen; en ny mall har med den.")
    assert found["goal_added_to_register"].found == "3.1.2"
    assert found["budget_category_added_to_register"].found == "Vuxna"


def test_a_locked_value_the_register_changed_since_is_not_blamed_on_the_department(
        register_copy, tmp_path):
    """The controller renamed an activity and raised a budget after the templates went out:
    the file's values differ from the register's, and the message says why, not that the
    department changed them."""
    path, _ = register_copy
    stab = corpus.make_valid(tmp_path, "STAB").read_bytes()

    def renamed_and_raised(book):
        activities, budget = book["Aktiviteter"], book["Ekonomi"]
        activities.cell(register_row(activities, "Aktivitets-id", "A3.4.7-01"), 3).value = \
            "Ett nytt namn"
        line = next(r for r in range(2, budget.max_row + 1)
                    if (budget.cell(r, 1).value, budget.cell(r, 2).value) == ("STAB",
                                                                              "Vuxna"))
        budget.cell(line, 3).value = 99.0

    register = read_register(change_register(path, renamed_and_raised))
    report, _ = check(stab, register)
    found = {i.code: i for i in report.warnings}
    assert found["locked_differs_from_register"].message.endswith(
        '"Ett nytt namn" i registret, som har ändrats sedan mallen gjordes. Vi har använt '
        "registrets värde; avdelningen behöver inte göra något.")
    assert "är 14,7 mnkr i filen men 99 mnkr i registret, som har ändrats sedan mallen " \
        "gjordes" in found["budget_differs_from_register"].message
    assert not {"locked_changed", "budget_changed"} & set(found)
    report, _ = check(with_checksum(stab, register.checksum), register)
    assert {"locked_changed", "budget_changed"} <= {i.code for i in report.warnings}


def test_the_same_file_from_the_current_register_is_held_to_it(drift):
    """The very same answers in a file whose template was made from the current register:
    the rows no longer match what its template had, so something else changed them."""
    files, register = drift
    report, _ = check(with_checksum(files["STAB"], register.checksum), register)
    assert {"activity_not_yours", "activity_unknown", "goal_not_yours",
            "budget_category_unknown"} <= {i.code for i in report.errors}
    assert not any(i.code == "file_register_changed" for i in report)
    report, _ = check(with_checksum(files["EKO"], register.checksum), register)
    assert {i.code for i in report.errors} == {"activity_missing", "goal_missing",
                                               "budget_category_missing"}


def test_the_departments_own_mistakes_stay_errors_in_a_file_from_an_older_register(drift):
    files, register = drift
    stab = files["STAB"]
    row = {value: row_of(stab, "Aktiviteter", value)
           for value in ("A3.1.1-02", "A3.1.2-02", "A3.4.7-01", "A3.4.7-02")}
    stab = corpus.cells(stab, "Aktiviteter", {
        f"H{row['A3.1.1-02']}": "pågånde",  # on a row no longer read: not checked
        f"A{row['A3.1.2-02']}": "A3.1.2-O2",  # a letter O: a look-alike of STAB's own id
        f"H{row['A3.4.7-01']}": "klart",
        f"A{row['A3.4.7-02']}": "A3.4.7-01",  # one activity on two rows
        f"A{corpus.FIRST_OWN_ROW}": "?",  # an id the register can never have had
        f"H{corpus.FIRST_OWN_ROW}": "Pågående enligt plan"})
    report, _ = check(stab, register)
    assert {(i.code, i.cell) for i in report.errors} == {
        ("activity_id_lookalike", f"A{row['A3.1.2-02']}"),
        ("choice_invalid", f"H{row['A3.4.7-01']}"),
        ("activity_duplicate", f"A{row['A3.4.7-02']}"),
        ("activity_missing", None),  # A3.4.7-02, which the template had: overwritten
        ("activity_unknown", f"A{corpus.FIRST_OWN_ROW}")}


def test_an_activity_the_register_gave_since_is_merged_as_not_reported(drift):
    """Its department's file counts, but has no row for it: flagged as not reported, unlike
    the department's other activities."""
    from pipeline.merge import Flag, merge

    files, register = drift
    _, data = check(files["EKO"], register)
    activities = merge(register, corpus.PERIOD, {"EKO": data}).activities
    eko = activities[activities["department"] == "EKO"]
    flags = dict(zip(eko["activity_id"], eko["flags"], strict=True))
    assert Flag.NOT_REPORTED in flags["A3.1.1-02"]
    assert len(flags) > 1 and not any(Flag.NOT_REPORTED in f for activity, f in flags.items()
                                      if activity != "A3.1.1-02")


def test_a_register_saved_again_lets_no_emptied_or_invented_rows_through(register_copy,
                                                                        tmp_path):
    """Any edit changes the register's checksum, a deadline as much as a new owner. The
    template's _meta records the department's rows it was made with, so a row the department
    took out, or an id it typed, is still its own doing and refused."""
    path, _ = register_copy
    stab = corpus.make_valid(tmp_path, "STAB").read_bytes()
    register = read_register(change_register(path, lambda book: setattr(
        book["Perioder"]["C3"], "value", dt.datetime(2024, 9, 20))))

    def emptied(book):
        for name in ("Aktiviteter", "Målbedömning", "Ekonomi"):
            book[name].delete_rows(2, book[name].max_row)

    report, _ = check(corpus.edit(stab, emptied), register)
    assert [i.code for i in report.errors] == ["sheet_empty"] * 3
    typed = corpus.cells(stab, "Aktiviteter", {f"A{corpus.FIRST_OWN_ROW}": "A3.1.1-77",
                                               f"H{corpus.FIRST_OWN_ROW}": "Försenad"})
    report, _ = check(typed, register)
    assert [(i.code, i.found) for i in report.errors] == [("activity_unknown", "A3.1.1-77")]


def test_a_template_from_before_meta_recorded_its_rows_is_judged_leniently(drift):
    """Templates already out when _meta began to record the department's rows: a row the
    register has changed may have come with them, so it is told, not refused."""
    files, register = drift

    def without_rows(book):
        meta = book["_meta"]
        for r in range(meta.max_row, 0, -1):
            if str(meta.cell(r, 1).value).startswith("Registrets ") and \
                    meta.cell(r, 1).value != MetaKey.REGISTER_CHECKSUM:
                meta.delete_rows(r)

    stab = corpus.edit(files["STAB"], without_rows)
    row = row_of(stab, "Aktiviteter", "A3.4.7-02")
    stab = corpus.cells(stab, "Aktiviteter", {f"A{row}": "A3.4.7-01"})
    report, _ = check(stab, register)
    assert ("activity_missing", None) not in {(i.code, i.cell) for i in report.errors}
    assert "A3.4.7-02" in {i.found for i in report.warnings
                           if i.code == "activity_added_to_register"}


def with_own_in_meta(content, ids):
    """The file as if its template had listed these own activities of earlier periods."""
    def change(book):
        meta = book["_meta"]
        meta.cell(row_of(content, "_meta", MetaKey.OWN), 2).value = ";".join(ids)
    return corpus.edit(content, change)


def own_frame(*ids):
    return pd.DataFrame({"department": ["STAB"] * len(ids), "activity_id": list(ids),
                         "ks_ids": [("3.1.1",)] * len(ids), "title": ["Eget ett"] * len(ids),
                         "start": [dt.date(2024, 1, 1)] * len(ids),
                         "end": [dt.date(2024, 12, 31)] * len(ids)})


def test_an_own_activity_of_the_template_is_missed_also_in_an_emptied_sheet(tmp_path,
                                                                           register):
    stab = with_own_in_meta(corpus.make_valid(tmp_path, "STAB").read_bytes(), ["STAB-E1"])
    emptied = corpus.edit(stab, lambda book: book["Aktiviteter"].delete_rows(
        2, book["Aktiviteter"].max_row))
    report, _ = validate(parse_submission(emptied, name="f.xlsx"), register, corpus.PERIOD,
                         own_activities=own_frame("STAB-E1"))
    assert {"sheet_empty", "own_activity_missing"} <= {i.code for i in report.errors}


def test_an_own_activity_no_longer_known_after_a_register_edit_is_told_not_refused(tmp_path,
                                                                                  register):
    """Its earlier file no longer passes against the edited register, so the activity is not
    known; the department can neither keep the row nor take it out: it is the register's
    doing."""
    stab = with_own_in_meta(corpus.make_valid(tmp_path, "STAB").read_bytes(), ["STAB-E9"])
    stab = with_checksum(stab, "0" * 64)
    kept = corpus.own_activity(stab, activity_id="STAB-E9", title="Eget nio")
    report, _ = validate(parse_submission(kept, name="f.xlsx"), register, corpus.PERIOD,
                         own_activities=own_frame("STAB-E1"))
    assert report.accepted, [i.message for i in report.errors]
    [told] = [i for i in report.warnings if i.code == "own_activity_left_register"]
    assert told.cell == f"A{corpus.FIRST_OWN_ROW}" and "STAB-E9" in told.message
    report, _ = validate(parse_submission(stab, name="f.xlsx"), register, corpus.PERIOD,
                         own_activities=own_frame("STAB-E1"))
    assert report.accepted and not any(i.code == "own_activity_missing" for i in report)


def test_a_negative_head_count_is_one_error_not_also_a_remark_about_its_hours(register,
                                                                              tmp_path):
    """−3 employees is refused; the department was also told its ordinary hours were
    "ovanligt högt för −3 anställda", which any number of hours is."""
    from pipeline.intake import parse_submission
    from tests import corpus

    content = corpus.cells(corpus.make_valid(tmp_path).read_bytes(), "Sjukfrånvaro", {"C4": -3})
    report, _ = validate(parse_submission(content, name="neg.xlsx"), register, corpus.PERIOD)
    about_row = [(i.code, i.cell) for i in report.issues if i.cell and i.cell[1:] == "4"]
    assert about_row == [("count_negative", "C4")], [i.message for i in report.issues]


def test_a_template_version_still_readable_is_accepted_with_a_remark(register, tmp_path,
                                                                     monkeypatch):
    """BAD_INPUTS F22: an older template that the current one left readable is read, and the
    department is asked to use the current template next time; any other is refused."""
    from pipeline import labels

    valid = corpus.make_valid(tmp_path).read_bytes()
    old = corpus.cells(valid, "_meta", {"B2": "0"})
    monkeypatch.setattr(labels, "READABLE_TEMPLATE_VERSIONS", frozenset({"0"}))
    report, data = validate(parse_submission(old, name="stab.xlsx"), register, "2024-T2")
    assert report.accepted and data is not None
    [remark] = report.issues
    assert remark.message == ("Du använder mallversion 0. Det fungerar den här gången, men "
                              "använd version 1 nästa gång; hämta den från controllern.")
    older = corpus.cells(valid, "_meta", {"B2": "-1"})
    report, _ = validate(parse_submission(older, name="stab.xlsx"), register, "2024-T2")
    assert [i.code for i in report.errors] == ["file_old_template"]


@pytest.mark.parametrize("version", ["²", "1²", "٢"])
def test_a_template_version_of_other_digits_is_told_as_a_version_not_an_internal_error(
        register, tmp_path, version):
    """str.isdigit() holds for a superscript two, which int() cannot read: the check of a
    newer version raised, and the file was refused as the system's own fault."""
    valid = corpus.make_valid(tmp_path).read_bytes()
    content = corpus.cells(valid, "_meta", {"B2": version})
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, "2024-T2")
    assert [i.code for i in report.errors] == ["file_old_template"], \
        [i.message for i in report.issues]
