"""Intake's byte scan of every part: a DTD or entity anywhere refuses the file (BAD_INPUTS F12),
whichever part holds it and however it is encoded."""

import io
import zipfile

import pytest

from pipeline.intake import parse_submission
from tests.conftest import EXAMPLE

VALID = next((EXAMPLE / "inlamningar" / "SOC").glob("*.xlsx")).read_bytes()


def with_part(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(VALID)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(info, data if info.filename == name else source.read(info))
    return out.getvalue()


@pytest.mark.parametrize("part", ["docProps/core.xml", "xl/styles.xml", "[Content_Types].xml"])
@pytest.mark.parametrize("marker", ["<!DOCTYPE x>", '<!ENTITY a "ha">'])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_a_dtd_or_entity_in_any_part_refuses_the_file(part, marker, encoding):
    with zipfile.ZipFile(io.BytesIO(VALID)) as source:
        text = source.read(part).decode("utf-8")
    declaration = text.index("?>") + 2 if text.startswith("<?xml") else 0
    text = text[:declaration] + marker + text[declaration:]
    data = ("\ufeff" + text).encode(encoding) if encoding != "utf-8" else text.encode()
    submission = parse_submission(with_part(part, data), name="soc.xlsx")
    assert [i.code for i in submission.issues] == ["file_unsafe_xml"]
    assert "säkerhetsskäl" in submission.issues[0].message


def test_the_shipped_file_itself_is_read():
    assert parse_submission(VALID, name="soc.xlsx").readable
