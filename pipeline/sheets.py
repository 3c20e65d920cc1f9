"""Sheets as tables: columns found by header text, rows keyed by their Excel row number.

Shared by the register and the department files. Reading bytes is elsewhere (intake,
register); this module only turns rows of cell values into tables and schema failures into
Issues that point at the cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from .issues import Issue, make
from .normalize import Finding, clean_text, excel_column


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based Excel row of the header
    columns: dict[str, int]  # English column name -> 0-based column index
    rows: list[tuple[int, dict[str, object]]]  # (Excel row, {column: raw value})
    issues: list[Issue] = field(default_factory=list)
    extra_cells: list[tuple[int, int, object]] = field(default_factory=list)
    # single values far below the table, in its columns: (Excel row, column index, value)
    stray_below: list[tuple[int, int, object]] = field(default_factory=list)

    def cell(self, column: str, row: int) -> str:
        return f"{excel_column(self.columns[column])}{row}"

    @property
    def letters(self) -> dict[str, str]:
        return {name: excel_column(i) for name, i in self.columns.items()}


def _as_typed(raw: object) -> str:
    """A header as the user typed it, spaces kept (BAD_INPUTS S6 warns of a space before or
    after it too); only the Unicode form is evened out, a difference no one can see."""
    text = raw if isinstance(raw, str) else clean_text(raw)
    return unicodedata.normalize("NFC", text)


def _spacing_differs(written: str, swedish: str) -> str:
    """What a header differs by besides case, as the message says it: a space at its start
    or end is invisible between quotation marks."""
    parts = []
    edges = [where for where, extra in (("i början", written[:1].isspace()),
                                        ("i slutet", written[-1:].isspace())) if extra]
    if edges:
        parts.append(f"mellanslag {' och '.join(edges)}")
    if " ".join(written.split()).casefold() != written.strip().casefold():
        parts.append("andra mellanslag eller radbrytningar mellan orden")
    return f", med {' och '.join(parts)}" if parts else ""


@lru_cache(maxsize=1024, typed=True)  # the same few headers, file after file
def fold_header(text: object) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", clean_text(text)).strip().casefold()


def read_table(sheet: str, rows: Sequence[Sequence[object]], expected: Mapping[str, str],
               *, optional: Sequence[str] = (), codes: Mapping[str, str] | None = None,
               header_row: int = 1, stray_gap: int | None = None) -> Table:
    """Match the header row against the expected Swedish headers (case and spaces forgiven).

    `codes` maps the situation to a catalogue code, so the register and department files can
    word the same finding differently.

    `stray_gap`: a row with a single value in the table's columns, `stray_gap` or more blank
    rows below the last row read, is not read but put in `stray_below` (BAD_INPUTS S15): a
    note or a slip of the hand, not a row. A row with two values or more is read wherever it
    is. None (the register) reads every row.
    """
    codes = {"missing": "column_missing", "renamed": "column_renamed",
             "duplicate": "column_duplicate", "extra": "column_extra", "renamed_unknown": "",
             **(codes or {})}
    header = list(rows[header_row - 1]) if len(rows) >= header_row else []
    wanted = {fold_header(sv): (sv, en) for sv, en in expected.items()}
    columns: dict[str, int] = {}
    seen: dict[str, int] = {}
    unknown: dict[int, str] = {}  # column index -> a header that is not the template's
    issues: list[Issue] = []
    for index, raw in enumerate(header):
        text = clean_text(raw)
        if not text:
            continue
        key = fold_header(text)
        if key in seen:
            issues.append(make(codes["duplicate"], sheet=sheet,
                               cell=f"{excel_column(index)}{header_row}", rubrik=text,
                               kolumn=text, b1=excel_column(seen[key]), b2=excel_column(index)))
            continue
        seen[key] = index
        if key in wanted:
            swedish, english = wanted[key]
            columns[english] = index
            written = _as_typed(raw)
            if written != swedish and codes["renamed"]:
                issues.append(make(codes["renamed"], sheet=sheet,
                                   cell=f"{excel_column(index)}{header_row}", rubrik=swedish,
                                   hittad=re.sub(r"\s*\n\s*", " ", written),  # one line
                                   bokstav=excel_column(index),
                                   skillnad=_spacing_differs(written, swedish)))
        else:
            unknown[index] = text
    missing = [(position, swedish) for position, (swedish, english) in enumerate(expected.items())
               if english not in columns and swedish not in optional]
    renamed = _pair_renamed(missing, unknown) if codes["renamed_unknown"] and missing else {}
    for _, swedish in missing:
        if swedish in renamed:
            index = renamed[swedish]
            issues.append(make(codes["renamed_unknown"], sheet=sheet,
                               cell=f"{excel_column(index)}{header_row}", rubrik=swedish,
                               hittad=unknown[index], bokstav=excel_column(index)))
        else:
            issues.append(make(codes["missing"], sheet=sheet, rubrik=swedish, kolumn=swedish))
    if codes["extra"]:
        for index, text in unknown.items():
            if index not in renamed.values():
                issues.append(make(codes["extra"], sheet=sheet,
                                   cell=f"{excel_column(index)}{header_row}", rubrik=text,
                                   bokstav=excel_column(index)))

    known = set(columns.values())
    named = {i for i, raw in enumerate(header) if clean_text(raw)}
    width = max(map(len, rows[header_row:]), default=0)
    unread = [i for i in range(width) if i not in known and i not in named]
    records: list[tuple[int, dict[str, object]]] = []
    extra_cells: list[tuple[int, int, object]] = []
    stray_below: list[tuple[int, int, object]] = []
    last = header_row  # the last row read; the gap to a stray value is counted from it
    for offset, row in enumerate(rows[header_row:], start=header_row + 1):
        values = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
        if unread and len(extra_cells) < 100:  # values beside the table, under no header
            extra_cells.extend((offset, i, row[i]) for i in unread
                               if i < len(row) and row[i] not in (None, ""))
        if all(_blank(v) for v in values.values()):
            continue  # blank rows in the middle are skipped; row numbers are kept
        # only after a gap, so rows that follow one another cost a comparison
        if stray_gap is not None and offset - last > stray_gap:
            filled = [name for name, v in values.items() if not _blank(v)]
            if len(filled) == 1:
                if len(stray_below) < 100:
                    stray_below.append((offset, columns[filled[0]], values[filled[0]]))
                continue
        records.append((offset, values))
        last = offset
    return Table(sheet, header_row, columns, records, issues, extra_cells, stray_below)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _pair_renamed(missing: list[tuple[int, str]], unknown: dict[int, str]) -> dict[str, int]:
    """Missing template headers → the column that most likely holds them under a new name:
    the unknown header at the template's position, or the only unknown header for the only
    missing one."""
    pairs = {swedish: position for position, swedish in missing if position in unknown}
    rest = [swedish for _, swedish in missing if swedish not in pairs]
    free = [i for i in unknown if i not in pairs.values()]
    if len(rest) == 1 and len(free) == 1:
        pairs[rest[0]] = free[0]
    return pairs


def finding_issue(finding: Finding, *, sheet: str, cell: str, raw: object,
                  column: str) -> Issue:
    params = {"kolumn": column, **finding.params}
    return make(finding.code, sheet=sheet, cell=cell, found=clean_text(raw, multiline=True),
                **params)


# pandera check name (prefix) -> catalogue code per situation
def schema_issues(error_cases: pd.DataFrame, table: Table, swedish: Mapping[str, str],
                  codes: Mapping[str, str], skip: set[tuple[int, str]],
                  values: pd.DataFrame | None = None,
                  extra: Callable[[str], dict[str, object]] | None = None) -> list[Issue]:
    """Turn pandera's failure cases into Issues naming the Excel cell.

    The frame validated by pandera is indexed by Excel row, so `index` is the row. Cells
    already reported while parsing are in `skip`.
    """
    issues: list[Issue] = []
    english_to_swedish = {en: sv for sv, en in swedish.items()}
    duplicates: dict[tuple[str, str], list[int]] = {}
    rows_reported = {r for r, _ in skip}
    frame_rows: set[int] = set()
    for case in error_cases.to_dict("records"):
        column = case.get("column")
        check = str(case.get("check"))
        row = case.get("index")
        if row is None or pd.isna(row):
            continue
        row = int(row)
        if case.get("schema_context") == "DataFrameSchema":
            # a check across columns: one issue per row, unless the row is already explained
            if row not in rows_reported and row not in frame_rows:
                frame_rows.add(row)
                issues.append(make(codes.get("default", "schema_failed"), sheet=table.sheet,
                                   cell=f"A{row}", kontroll=check, rad=row))
            continue
        if column not in table.columns:
            continue
        if (row, column) in skip:
            continue
        label = english_to_swedish.get(column, column)
        cell = table.cell(column, row)
        found = case.get("failure_case")
        if values is not None and row in values.index:
            found = values.at[row, column]
        kind = check.split("(")[0]
        if kind in ("field_uniqueness", "unique"):
            duplicates.setdefault((column, str(found)), []).append(row)
            continue
        code = codes.get(f"{column}:{kind}") or codes.get(kind) or codes.get("default",
                                                                             "schema_failed")
        issues.append(make(code, sheet=table.sheet, cell=cell, found=found, kolumn=label,
                           rad=row, kontroll=check, **(extra(column) if extra else {})))
        skip.add((row, column))
    for (column, value), rows in duplicates.items():
        label = english_to_swedish.get(column, column)
        issues.append(make(codes.get("field_uniqueness", "register_duplicate_id"),
                           sheet=table.sheet, cell=table.cell(column, min(rows)), found=value,
                           kolumn=label, rader=", ".join(str(r) for r in sorted(rows))))
    return issues
