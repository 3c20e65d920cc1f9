"""Departments whose template has empty sheets: no goals owned, no budget lines."""

import openpyxl

from pipeline.intake import read_submission
from pipeline.register import read_register
from pipeline.samples import fill_template
from pipeline.templates import write_templates
from pipeline.validate import validate


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
