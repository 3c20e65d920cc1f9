from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ange-2024"
EXAMPLE_REGISTER = EXAMPLE / "register.xlsx"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def register():
    from pipeline.register import read_register

    return read_register(EXAMPLE_REGISTER)


@pytest.fixture
def register_copy(tmp_path):
    """A writable copy of the example register and a function to change cells in it."""
    path = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE_REGISTER, path)

    def edit(changes):
        book = openpyxl.load_workbook(path)
        for (sheet, cell), value in changes.items():
            if cell is None:
                del book[sheet]
            else:
                book[sheet][cell] = value
        book.save(path)
        return path

    return path, edit


@pytest.fixture
def workspace(tmp_path):
    """A project folder with its own pipeline.toml, inbox, outbox and archive."""
    return make_workspace(tmp_path)


def as_read(text: str) -> str:
    """Report or memo text as a reader reads it: the non-breaking hyphen that keeps a period
    code on one line (2024\u2011T1) is the hyphen it shows. (test_report checks that it is
    there.)"""
    return text.replace("\u2011", "-")


def make_workspace(folder: Path, register: Path = EXAMPLE_REGISTER, *,
                   report: bool = False) -> Path:
    """`folder` made a project folder (the `workspace` fixture's) for period 2024-T2."""
    (folder / "inbox").mkdir(parents=True)
    (folder / "pipeline.toml").write_text(
        f'register = "{register}"\ninbox = "inbox"\noutbox = "outbox"\n'
        f'archive = "archive"\nperiod = "2024-T2"\nreport = {str(report).lower()}\n'
        'settle_seconds = 0\n', encoding="utf-8")
    return folder


def soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI; .ci/run installs it")
    return found


def to_pdf(sources: Path | Iterable[Path], folder: Path) -> list[Path]:
    """`sources` as LibreOffice prints them, PDFs in `folder` (the test is skipped without
    LibreOffice, outside CI). Each call has a profile of its own, so that tests running side
    by side do not wait on one another's."""
    office = soffice()
    if office is None:
        pytest.skip("LibreOffice is not installed")
    sources = [sources] if isinstance(sources, Path) else list(sources)
    profile = folder / f"lo-{uuid.uuid4().hex}"
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), *map(str, sources)],
                   check=True, capture_output=True, timeout=240,
                   env={**os.environ, "HOME": str(folder)})
    return [folder / source.with_suffix(".pdf").name for source in sources]


def register_row(sheet, header: str, value: object) -> int:
    """The row of a register sheet (openpyxl) whose column `header` holds `value`."""
    column = [c.value for c in sheet[1]].index(header) + 1
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == value)


def change_register(path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """Let `change(book)` edit the register workbook at `path` (openpyxl), and save it."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def register_budgeting(folder: Path, codes: Iterable[str]):  # type: ignore[no-untyped-def]
    """The example register, copied into `folder`, with budget lines for `codes` only (the
    register accepts a department without one: a unit budgeted elsewhere), read."""
    from pipeline.register import read_register

    kept = set(codes)

    def only_theirs(book) -> None:  # type: ignore[no-untyped-def]
        sheet = book["Ekonomi"]
        for r in range(sheet.max_row, 1, -1):
            if sheet.cell(r, 1).value not in kept:
                sheet.delete_rows(r)

    path = folder / "register.xlsx"
    shutil.copy(EXAMPLE_REGISTER, path)
    return read_register(change_register(path, only_theirs))


def remove_department(book, code: str, heir: str) -> None:  # type: ignore[no-untyped-def]
    """The department taken out of the register as a controller would: its rows gone, its
    share of shared activities gone, its goals given to `heir`."""
    for name, header in (("Avdelningar", "Avdelningskod"), ("Ekonomi", "Avdelningskod"),
                         ("Basvärden", "Avdelningskod")):
        sheet = book[name]
        column = [c.value for c in sheet[1]].index(header) + 1
        for r in range(sheet.max_row, 1, -1):
            if sheet.cell(r, column).value == code:
                sheet.delete_rows(r)
    goals = book["KS-mål"]
    owner = [c.value for c in goals[1]].index("Målägare") + 1
    for r in range(2, goals.max_row + 1):
        if goals.cell(r, owner).value == code:
            goals.cell(r, owner).value = heir
    activities = book["Aktiviteter"]
    responsible = [c.value for c in activities[1]].index("Ansvarig") + 1
    for r in range(2, activities.max_row + 1):
        cell = activities.cell(r, responsible)
        codes = [c for c in str(cell.value).split(";") if c != code]
        cell.value = ";".join(codes or [heir])
