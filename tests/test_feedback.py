"""The marked-up copy a rejected department gets back must open in Excel without a repair
prompt and keep what the department's file had: dropdowns, every sheet, its texts."""

from __future__ import annotations

import re
import warnings

import openpyxl
import pytest

from pipeline.intake import parse_submission
from pipeline.publish.feedback import write_feedback
from pipeline.validate import validate
from tests import corpus

X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return corpus.make_valid(tmp_path_factory.mktemp("valid")).read_bytes()


def saved_in_excel(content: bytes) -> bytes:
    """The file as Excel 2010 and later saves it: a list validation whose source is on
    another sheet moves from <dataValidations> into the sheet's extension list."""
    parts = corpus.zip_parts(content)
    for part in [p for p in parts if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", p)]:
        xml = parts[part].decode("utf-8")
        moved: list[str] = []

        def move(match: re.Match[str], moved: list[str] = moved) -> str:
            attrs, formula = match.group(1), match.group(2)
            if 'type="list"' not in attrs or "!" not in formula:
                return match.group(0)
            sqref = re.search(r'sqref="([^"]+)"', attrs).group(1)  # type: ignore[union-attr]
            attrs = re.sub(r'\s*sqref="[^"]+"', "", attrs)
            moved.append(f'<x14:dataValidation {attrs} xr:uid="{{0000000{len(moved)}-0000}}">'
                         f"<x14:formula1><xm:f>{formula}</xm:f></x14:formula1>"
                         f"<xm:sqref>{sqref}</xm:sqref></x14:dataValidation>")
            return ""

        xml = re.sub(r"<dataValidation ([^>]*)><formula1>(.*?)</formula1></dataValidation>",
                     move, xml, flags=re.S)
        if not moved:
            continue
        left = xml.count("<dataValidation ")
        xml = (re.sub(r'<dataValidations count="\d+"', f'<dataValidations count="{left}"', xml)
               if left else re.sub(r"<dataValidations[^>]*>\s*</dataValidations>", "", xml))
        xml = xml.replace("</worksheet>", (
            f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}" '
            'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision">'
            f'<x14:dataValidations count="{len(moved)}" xmlns:xm="{XM}">{"".join(moved)}'
            "</x14:dataValidations></ext></extLst></worksheet>"))
        parts[part] = xml.encode("utf-8")
    return corpus.rezip(parts)


def rejected(content: bytes, register, name: str = "f.xlsx"):
    report, _ = validate(parse_submission(content, name=name), register, corpus.PERIOD)
    assert report.verdict.value == "Ej godkänd"
    return report


def dropdown(sheet, ref: str) -> str | None:
    """The list source of the dropdown a cell has, if any."""
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list" and ref in validation.sqref:
            return validation.formula1
    return None


def test_a_file_saved_in_excel_keeps_its_dropdowns_in_the_feedback_copy(valid, register,
                                                                        tmp_path):
    content = saved_in_excel(corpus.cells(valid, "Aktiviteter", {"H5": "pågånde"}))
    assert sum(part.count(b"<x14:dataValidation ")
               for part in corpus.zip_parts(content).values()) == 3
    report = rejected(content, register)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = write_feedback(report, content, tmp_path)
    book = openpyxl.load_workbook(out)
    activities = book["Aktiviteter"]
    assert dropdown(activities, "H5") == "_meta!$D$1:$D$8"  # Status
    assert dropdown(activities, "B" + str(corpus.FIRST_OWN_ROW)).startswith("_meta!$F$1")
    assert dropdown(book["Målbedömning"], "D2") == "_meta!$E$1:$E$4"  # Bedömning
    status = next(v for v in activities.data_validations.dataValidation if "H5" in v.sqref)
    assert status.promptTitle == "Status" and status.error == "Välj en status i listan."
    # the marks are there too, and the other validations stay as they were
    assert activities["H5"].comment is not None
    kinds = sorted(v.type for v in activities.data_validations.dataValidation)
    assert kinds == ["date", "date", "list", "list", "textLength", "textLength"]
    assert not [str(w.message) for w in caught]  # nothing on the night's stderr either


def test_a_file_name_with_a_control_character_gets_its_marked_copy(valid, register, tmp_path):
    """A name copied from a Unix share may hold one; the night must not stop on it."""
    content = corpus.cells(valid, "Aktiviteter", {"H5": "pågånde"})
    report = rejected(content, register, name="SOC\x1fT2\x0b.xlsx")
    assert "\x1f" in report.file
    out = write_feedback(report, content, tmp_path)
    book = openpyxl.load_workbook(out)
    assert book["Fel"]["A1"].value == "Filen SOCT2.xlsx är inte godkänd"
    assert "Aktiviteter" in book.sheetnames  # the department's workbook, not the list alone
    assert book["Aktiviteter"]["H5"].comment is not None
