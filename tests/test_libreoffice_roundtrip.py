"""A template filled in and saved again by LibreOffice is accepted, with the same answers.

Departments without Excel open the template in LibreOffice Calc and save it as .xlsx; the
file that comes back is written by LibreOffice's own exporter (shared strings, cached formula
values, its own styles), not by xlsxwriter or openpyxl.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from pipeline.intake import parse_submission
from pipeline.validate import validate
from tests import corpus
from tests.conftest import soffice

pytestmark = pytest.mark.libreoffice

COMMENTS = {2: '=HYPERLINK("https://intranet.ange.se/friskvard","Läs mer")',
            3: "+46 70 123 45 67 (Eva)", 4: "Rad ett.\nRad två."}


def save_with_libreoffice(source: Path, out_dir: Path) -> Path:
    program = soffice()
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out_dir.mkdir()
    profile = out_dir.parent / "lo-profil"  # a private profile: no clash with other soffice runs
    env = {**os.environ, "HOME": str(out_dir.parent / "lo-home")}
    result = subprocess.run(
        [program, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "xlsx", "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=180, env=env, check=False)
    converted = out_dir / source.name
    assert converted.exists(), result.stdout + result.stderr
    return converted


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("libreoffice")
    valid = corpus.make_valid(folder).read_bytes()
    content = corpus.own_activity(valid, start=dt.datetime(2024, 3, 1))
    content = corpus.cells(content, "Aktiviteter", {f"I{r}": t for r, t in COMMENTS.items()})
    source = folder / "STAB_ifylld.xlsx"
    source.write_bytes(content)
    return source, save_with_libreoffice(source, folder / "sparad")


def test_a_file_saved_by_libreoffice_is_accepted_with_the_same_answers(filled, register):
    source, converted = filled
    assert converted.read_bytes() != source.read_bytes()
    before, original = validate(parse_submission(source.read_bytes(), name=source.name),
                                register, corpus.PERIOD)
    report, data = validate(parse_submission(converted.read_bytes(), name=converted.name),
                            register, corpus.PERIOD)
    assert before.verdict.value == "Godkänd"
    assert report.verdict.value == "Godkänd", [i.message for i in report.issues]
    for frame in ("activities", "assessments", "sick_leave", "budget"):
        assert getattr(data, frame).equals(getattr(original, frame)), frame


def test_libreoffice_keeps_formula_like_text_as_text(filled, register):
    _, converted = filled
    _, data = validate(parse_submission(converted.read_bytes(), name=converted.name),
                       register, corpus.PERIOD)
    comments = data.activities.set_index("row")["comment"]
    for row, text in COMMENTS.items():
        assert comments[row] == text
    own = data.activities[data.activities["own"]].iloc[0]
    assert (own["start"], own["end"]) == (dt.date(2024, 3, 1), dt.date(2024, 12, 31))
