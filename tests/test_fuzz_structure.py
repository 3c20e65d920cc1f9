"""Structural mutations of real filled templates, in combination, and the regressions they
found. Earlier robustness tests type values into cells with openpyxl; these also edit the sheet
XML the way other programs write it (Excel 365's error values, shared and inline strings, …)."""

from __future__ import annotations

import pytest

from pipeline.intake import parse_submission
from pipeline.validate import validate
from tests import corpus


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return corpus.make_valid(tmp_path_factory.mktemp("fuzz")).read_bytes()


# --- regressions -------------------------------------------------------------------------------

@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#GETTING_DATA"])
def test_an_excel_365_error_outside_the_answers_does_not_refuse_the_file(valid, register, error):
    """calamine knows only the seven classic error values; a #SPILL! anywhere (a scratch
    formula on the Instruktioner sheet, say) made it refuse the workbook, and the file was
    called damaged."""
    content = corpus.with_cell_xml(valid, "Instruktioner", "A1",
                                   f'<c r="A1" t="e"><f>SORT(B1:B3)</f><v>{error}</v></c>')
    report, data = validate(parse_submission(content, name="stab.xlsx"), register,
                            corpus.PERIOD)
    assert report.accepted and data is not None, [i.message for i in report.errors]


def test_an_excel_365_error_in_an_answer_is_named_at_its_cell(valid, register):
    content = corpus.with_cell_xml(valid, "Ekonomi", "C3",
                                   '<c r="C3" t="e"><f>FILTER(X1:X9,X1:X9&gt;0)</f>'
                                   "<v>#CALC!</v></c>")
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.place) for i in report.errors] == [("error_value", "Ekonomi!C3")]
    assert "#CALC!" in report.errors[0].message


def test_a_long_text_pasted_into_a_number_cell_is_quoted_by_its_beginning(valid, register,
                                                                        tmp_path):
    """A paragraph pasted into Utfall hittills was quoted whole: a message of thousands of
    characters, cut by the Fel sheet (a cell holds at most 32 767) and a row taller than
    Excel shows."""
    import openpyxl

    from pipeline.publish.feedback import write_feedback

    pasted = "Utfallet påverkas av " + "höga kostnader för placeringar och vikarier. " * 800
    content = corpus.cells(valid, "Ekonomi", {"C3": pasted[:32000]})
    report, _ = validate(parse_submission(content, name="stab.xlsx"), register, corpus.PERIOD)
    [error] = [i for i in report.errors if i.place == "Ekonomi!C3"]
    assert error.message.startswith('"Utfallet påverkas av höga kostnader')
    assert "…" in error.message and len(error.message) < 400
    fel = openpyxl.load_workbook(write_feedback(report, content, tmp_path))["Fel"]
    listed = [fel.cell(row, 5).value for row in range(5, fel.max_row + 1)]
    assert error.message in listed
    assert max(fel.row_dimensions[row].height or 15 for row in range(5, fel.max_row + 1)) <= 409
