from __future__ import annotations

import os
import shutil
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
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "pipeline.toml"
    config.write_text(
        f'register = "{EXAMPLE_REGISTER}"\ninbox = "inbox"\noutbox = "outbox"\n'
        'archive = "archive"\nperiod = "2024-T2"\nreport = false\nsettle_seconds = 0\n',
        encoding="utf-8",
    )
    return tmp_path


def soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI; .ci/run installs it")
    return found
