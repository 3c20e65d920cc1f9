"""Inbox files → Submission: the only module that opens xlsx files.

A file is recognised by its content, never its name: the zip's parts are checked (macros,
binary or ODF formats, DTDs, size) before any spreadsheet library touches it. The cell values
come from python-calamine; the sheet XML is scanned once for what calamine hides (error
values and formulas without a cached value both read as empty text there), hidden rows and
merged cells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import python_calamine
from defusedxml import ElementTree as SafeET

from .issues import Issue, make
from .labels import MetaKey, TemplateSheet

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 120 * 1024 * 1024
MAX_RATIO = 150  # uncompressed/compressed for a large part: beyond it, a zip bomb
MAX_ROWS = 5000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class SheetScan:
    """What the sheet XML says that calamine's values do not."""

    errors: dict[str, str] = field(default_factory=dict)  # "H12" -> "#REF!"
    uncalculated: set[str] = field(default_factory=set)  # formulas without a cached value
    formulas: set[str] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)


@dataclass
class Submission:
    name: str
    sha256: str
    size: int
    content: bytes
    sheets: dict[str, list[list[object]]] = field(default_factory=dict)
    scans: dict[str, SheetScan] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    saved_at: dt.datetime | None = None
    issues: list[Issue] = field(default_factory=list)  # file-level findings

    @property
    def readable(self) -> bool:
        return not any(i.is_error for i in self.issues)

    @property
    def department(self) -> str | None:
        return self.meta.get(MetaKey.DEPARTMENT) or None

    @property
    def period(self) -> str | None:
        return self.meta.get(MetaKey.PERIOD) or None


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_submission(path: Path, *, name: str | None = None) -> Submission:
    content = path.read_bytes()
    return parse_submission(content, name=name or path.name)


def parse_submission(content: bytes, *, name: str) -> Submission:
    """Never raises for bad content: what is wrong ends up in `issues`."""
    sub = Submission(name=name, sha256=sha256_of(content), size=len(content), content=content)
    problem = _check_container(content, name)
    if problem is not None:
        sub.issues.append(problem)
        return sub
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        problem, warnings = _check_parts(archive, name)
        sub.issues.extend(warnings)
        if problem is not None:
            sub.issues.append(problem)
            return sub
        try:
            sub.scans = _scan_sheets(archive)
            sub.saved_at = _saved_at(archive)
        except (SafeET.ParseError, KeyError, zipfile.BadZipFile, ValueError, OSError,
                EOFError) as exc:
            sub.issues.append(make("file_corrupt", fil=name, orsak=_reason(exc)))
            return sub
        except Exception as exc:  # defusedxml's refusals and anything else in the XML
            sub.issues.append(make("file_unsafe_xml", fil=name, orsak=type(exc).__name__))
            return sub
    try:
        sub.sheets = open_rows(io.BytesIO(content))
    except python_calamine.PasswordError:
        sub.issues.append(make("file_encrypted", fil=name))
        return sub
    except Exception as exc:  # calamine raises several types for broken content
        sub.issues.append(make("file_corrupt", fil=name, orsak=_reason(exc)))
        return sub
    meta_rows = sub.sheets.get(TemplateSheet.META, [])
    sub.meta = {str(row[0]).strip(): str(row[1]).strip() for row in meta_rows
                if len(row) >= 2 and row[0] not in (None, "")}
    return sub


def open_rows(source: BinaryIO) -> dict[str, list[list[object]]]:
    """Every sheet's cell values from A1, by sheet name (python-calamine)."""
    book = python_calamine.CalamineWorkbook.from_filelike(source)
    try:
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in book.sheet_names}
    finally:
        book.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _check_container(content: bytes, name: str) -> Issue | None:
    suffix = PurePosixPath(name).suffix.lower() or "(ingen ändelse)"
    if not content:
        return make("file_empty", fil=name)
    if len(content) > MAX_FILE_BYTES:
        return make("file_too_large", fil=name, storlek=_size(len(content)),
                    max=_size(MAX_FILE_BYTES))
    if content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content:
            return make("file_encrypted", fil=name)
        if suffix in (".xls", ".xlsx", ".xlsm"):
            return make("file_legacy_xls", fil=name)
        return make("file_not_spreadsheet", fil=name, ändelse=suffix)
    if not content.startswith(ZIP_MAGIC):
        return make("file_not_spreadsheet", fil=name, ändelse=suffix)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            archive.infolist()
    except zipfile.BadZipFile:
        # A zip whose central directory is missing was cut off while being copied.
        return make("file_truncated", fil=name)
    except Exception as exc:
        return make("file_corrupt", fil=name, orsak=_reason(exc))
    return None


def _check_parts(archive: zipfile.ZipFile, name: str) -> tuple[Issue | None, list[Issue]]:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    warnings: list[Issue] = []
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if b"spreadsheet" in mimetype:
            return make("file_wrong_format", fil=name, format="OpenDocument-kalkylblad, .ods"), []
        return make("file_not_spreadsheet", fil=name, ändelse=PurePosixPath(name).suffix), []
    if "xl/workbook.bin" in names:
        return make("file_wrong_format", fil=name, format="Excel binär arbetsbok, .xlsb"), []
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        return make("file_wrong_format", fil=name, format="Word- eller PowerPoint-fil"), []
    if "[Content_Types].xml" not in names:
        return make("file_corrupt", fil=name, orsak="delen [Content_Types].xml saknas"), []
    if "xl/workbook.xml" not in names:
        return make("file_not_spreadsheet", fil=name, ändelse=PurePosixPath(name).suffix), []
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return make("file_macros", fil=name), []
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES or any(
        info.file_size > 10_000_000 and info.file_size > MAX_RATIO * max(1, info.compress_size)
        for info in infos
    ):
        return make("file_too_large", fil=name, storlek=f"{_size(total)} uppackad",
                    max=_size(MAX_UNCOMPRESSED_BYTES)), []
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            head = archive.read(info.filename)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                return make("file_unsafe_xml", fil=name, orsak="DTD eller entiteter"), []
    if archive.read("xl/workbook.xml").find(STRICT_NS.encode()) >= 0:
        return make("file_wrong_format", fil=name, format="Strict Open XML"), []
    if any(n.startswith("xl/externalLinks/") for n in names) or "xl/connections.xml" in names:
        warnings.append(make("file_external_links", fil=name))
    return None, warnings


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB".replace(".", ",")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part inside the zip."""
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = str(PurePosixPath(path))
    parts = {}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        rid = sheet.get(f"{{{REL_NS}}}id")
        if rid in targets:
            parts[sheet.get("name", "")] = targets[rid]
    return parts


_ROW_NUMBER = re.compile(r"(\d+)$")


def _scan_sheets(archive: zipfile.ZipFile) -> dict[str, SheetScan]:
    scans: dict[str, SheetScan] = {}
    names = set(archive.namelist())
    for sheet_name, part in _sheet_parts(archive).items():
        if part not in names:
            continue
        data = archive.read(part)
        scan = SheetScan()
        # Cheap gate: only parse cells when the XML holds formulas, errors or hidden rows.
        interesting = (b"<f" in data or b't="e"' in data or b'hidden="1"' in data
                       or b'hidden="true"' in data or b"<mergeCell " in data)
        if interesting:
            _scan_xml(data, scan)
        scans[sheet_name] = scan
    return scans


def _scan_xml(data: bytes, scan: SheetScan) -> None:
    c_tag, f_tag, v_tag = (f"{{{MAIN_NS}}}{t}" for t in ("c", "f", "v"))
    row_tag, merge_tag = f"{{{MAIN_NS}}}row", f"{{{MAIN_NS}}}mergeCell"
    for _event, elem in SafeET.iterparse(io.BytesIO(data), events=("end",)):
        tag = elem.tag
        if tag == c_tag:
            ref = elem.get("r", "")
            value = elem.find(v_tag)
            text = value.text if value is not None else None
            if elem.get("t") == "e":
                scan.errors[ref] = text or "#FEL"
            elif elem.find(f_tag) is not None:
                scan.formulas.add(ref)
                if text is None or (text == "" and elem.get("t") not in ("str", "inlineStr")):
                    scan.uncalculated.add(ref)
            elem.clear()
        elif tag == row_tag:
            if elem.get("hidden") in ("1", "true"):
                scan.hidden_rows.add(int(elem.get("r", "0")))
            elem.clear()
        elif tag == merge_tag:
            scan.merged.append(elem.get("ref", ""))


def _saved_at(archive: zipfile.ZipFile) -> dt.datetime | None:
    try:
        core = SafeET.fromstring(archive.read("docProps/core.xml"))
    except KeyError:
        return None
    for elem in core.iter("{http://purl.org/dc/terms/}modified"):
        try:
            return dt.datetime.fromisoformat((elem.text or "").replace("Z", "+00:00"))
        except ValueError:
            return None
    return None
