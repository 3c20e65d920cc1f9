"""Inbox files → Submission: the only module that opens xlsx files."""

from __future__ import annotations

from typing import BinaryIO

import python_calamine


def open_rows(source: BinaryIO) -> dict[str, list[list[object]]]:
    """Every sheet's cell values from A1, by sheet name (python-calamine)."""
    book = python_calamine.CalamineWorkbook.from_filelike(source)
    try:
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in book.sheet_names}
    finally:
        book.close()
