"""No input produces a traceback: whatever a file holds, intake and validate hand back a Report.

`validate` turns a bug into an issue with code "internal_error" (its safety net); these tests
assert that the net is never needed.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.intake import OLE_MAGIC, ZIP_MAGIC, parse_submission
from pipeline.issues import Report
from pipeline.labels import TEMPLATE_COLUMNS, TemplateSheet
from pipeline.publish.feedback import write_feedback
from pipeline.validate import validate
from tests import corpus

SHEETS = [*TEMPLATE_COLUMNS, TemplateSheet.META]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return corpus.make_valid(tmp_path_factory.mktemp("robust")).read_bytes()


_PLACEHOLDER = re.compile(r"\{[a-zåäö_]+\}")


def check(content: bytes, register, name: str = "fil.xlsx"):  # type: ignore[no-untyped-def]
    submission = parse_submission(content, name=name)
    report, data = validate(submission, register, corpus.PERIOD)
    assert isinstance(report, Report)
    assert "internal_error" not in [i.code for i in report.issues], report.issues
    assert (data is not None) == report.accepted
    for issue in report.issues:
        # no placeholder left unfilled; a "{" the department typed may be quoted
        assert issue.message and not _PLACEHOLDER.search(issue.message), issue.message
    return report, data


# --- what a person can type into a cell -------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
TYPED = st.one_of(
    TEXT,
    st.sampled_from(["", " ", "-", "?", "NA", "Summa", "=SUM(A1:A3)", "+46 70", "@x", "#REF!",
                     "#N/A", "Pågående enligt plan", "pågående  enligt plan", "Kvinnor",
                     "30–49 år", "Vuxna", "Uppfyllt", "3.1.1", "A3.1.1-02", "1/3 2024",
                     "mars 2024", "24-03-01", "1.234", "−5", "9,5 %", "1 200 kr", "x" * 5000]),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 1, 1)),
    st.none(),
)


@st.composite
def edits(draw):
    """A few things a person does to a workbook: type, clear, delete or insert rows and
    columns, merge, hide, rename or delete a sheet."""
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        sheet = draw(st.sampled_from(SHEETS))
        kind = draw(st.sampled_from(["type", "type", "type", "type", "delete_row",
                                     "delete_col", "insert_row", "merge", "hide", "rename",
                                     "remove_sheet"]))
        row, col = draw(st.integers(1, 35)), draw(st.integers(1, 12))
        steps.append((kind, sheet, row, col, draw(TYPED)))
    return steps


def apply(book: openpyxl.Workbook, steps) -> None:  # type: ignore[no-untyped-def]
    for kind, sheet, row, col, value in steps:
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        if kind == "type":
            cell = ws.cell(row, col)
            if type(cell).__name__ == "MergedCell":
                continue
            corpus.set_cell(cell, value)
        elif kind == "delete_row":
            ws.delete_rows(row)
        elif kind == "delete_col":
            ws.delete_cols(col)
        elif kind == "insert_row":
            ws.insert_rows(row)
        elif kind == "merge":
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
        elif kind == "hide":
            ws.row_dimensions[row].hidden = True
        elif kind == "rename":
            ws.title = f"Blad{row}"
        elif kind == "remove_sheet" and len(book.sheetnames) > 1:
            book.remove(ws)


@SETTINGS
@given(steps=edits())
def test_any_edit_of_a_valid_file_gives_a_report(valid, register, steps):
    book = openpyxl.load_workbook(io.BytesIO(valid))
    apply(book, steps)
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    report, data = check(content, register)
    if report.accepted:
        assert data is not None and len(data.sick_leave) == 6
    else:
        with tempfile.TemporaryDirectory() as folder:
            assert write_feedback(report, content, Path(folder)).exists()


# --- the values calamine can hand over, straight into validate -------------------------------

RAW = st.one_of(
    TYPED,
    st.floats(),  # NaN and infinity too
    st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-1000), max_value=dt.timedelta(days=1000)),
    st.dates(),
    st.text(max_size=10),  # control characters too
)


@SETTINGS
@given(data=st.data())
def test_any_cell_values_give_a_report(valid, register, data):
    submission = parse_submission(valid, name="fil.xlsx")
    sheets = copy.deepcopy(submission.sheets)
    for _ in range(data.draw(st.integers(1, 12))):
        name = data.draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        action = data.draw(st.sampled_from(["set", "set", "set", "drop_row", "cut_row",
                                            "clear_sheet", "widen"]))
        if not rows or action == "clear_sheet":
            sheets[name] = []
            continue
        r = data.draw(st.integers(0, len(rows) - 1))
        if action == "drop_row":
            del rows[r]
        elif action == "cut_row":
            rows[r] = rows[r][: data.draw(st.integers(0, len(rows[r])))]
        elif action == "widen":
            rows[r] = [*rows[r], *data.draw(st.lists(RAW, max_size=4))]
        elif rows[r]:
            rows[r][data.draw(st.integers(0, len(rows[r]) - 1))] = data.draw(RAW)
    submission.sheets = sheets
    report, _ = validate(submission, register, corpus.PERIOD)
    assert "internal_error" not in [i.code for i in report.issues], report.issues


# --- bytes: random, truncated, damaged ---------------------------------------------------------

@SETTINGS
@given(st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: ZIP_MAGIC + b),
    st.binary(max_size=3000).map(lambda b: OLE_MAGIC + b),
))
def test_random_bytes_give_a_report(register, content):
    report, data = check(content, register, name="slump.xlsx")
    assert not report.accepted and data is None


@SETTINGS
@given(st.data())
def test_truncated_and_damaged_copies_give_a_report(valid, register, data):
    content = bytearray(valid)
    kind = data.draw(st.sampled_from(["truncate", "flip", "flip_many"]))
    if kind == "truncate":
        content = content[: data.draw(st.integers(0, len(valid) - 1))]
    else:
        for _ in range(1 if kind == "flip" else data.draw(st.integers(2, 40))):
            at = data.draw(st.integers(0, len(valid) - 1))
            content[at] = data.draw(st.integers(0, 255))
    check(bytes(content), register, name="skadad.xlsx")
