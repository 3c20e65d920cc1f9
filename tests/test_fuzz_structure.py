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
