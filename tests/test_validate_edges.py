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
