"""Inbox files → Submission: the only module that opens xlsx files.

A file is recognised by its content, never its name: the zip's parts are checked (macros,
binary or ODF formats, DTDs, size) before any spreadsheet library touches it. The cell values
come from python-calamine; the sheet XML is scanned once for what calamine hides (error
values and formulas without a cached value both read as empty text there), hidden rows and
columns, active filters and merged cells. Each XML part is unpacked once: the safety checks
keep what they read for the scan.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
import os
import posixpath
import re
import sys
import tempfile
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast
from urllib.parse import unquote

import python_calamine
from defusedxml import ElementTree as SafeET
from defusedxml.common import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from .issues import Issue, make
from .labels import MetaKey, TemplateSheet
from .normalize import column_index, excel_column, text_of

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 120 * 1024 * 1024
MAX_RATIO = 150  # uncompressed/compressed for a large part: beyond it, a zip bomb
MAX_ROWS = 5000
# calamine allocates the whole used area of a sheet, rows × columns: one stray value in XFD4900
# costs 2.5 GB. Beyond this many cells the file is refused before calamine opens it (a Stopp,
# although BAD_INPUTS S15 only warns about a stray value: reading it would stop the night).
MAX_CELLS = 2_000_000

# The error values calamine reads. Excel 365's newer ones (#SPILL!, #CALC!, #FIELD!, …) make it
# refuse the whole workbook, so a sheet showing one is handed to it with #N/A in their place;
# the scan keeps what the cell showed, and only a cell that is read is reported.
CALAMINE_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})

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
    raw_errors: set[str] = field(default_factory=set)  # error values as written, " #REF! "
    uncalculated: set[str] = field(default_factory=set)  # formulas without a cached value
    hidden_rows: set[int] = field(default_factory=set)  # hidden by hand, not by a filter
    filtered_rows: set[int] = field(default_factory=set)  # hidden by an active filter
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # (min, max), from 1
    merged: list[str] = field(default_factory=list)
    too_large_at: str | None = None  # the far corner of a used area beyond MAX_CELLS, "XFD4900"
    huge_negative: list[tuple[str, str]] = field(default_factory=list)  # ("D17", "-1e12")


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
    opened = _open_container(content, name)
    if isinstance(opened, Issue):
        sub.issues.append(opened)
        return sub
    try:
        with opened as archive:
            readable = _check_and_scan(archive, sub)
        if not sub.readable:
            return sub
        for sheet, scan in sub.scans.items():
            if scan.too_large_at is not None:
                sub.issues.append(make("sheet_too_large", sheet=sheet, cell=scan.too_large_at,
                                       fil=name))
                return sub
    except DefusedXmlException as exc:  # a DTD or entity that the byte scan did not see
        log.warning("unsafe XML in %s: %r", name, exc)
        # the finding alone, as when the byte scan finds it: the remarks on the parts found
        # before it (an embedded object, a link) presume a file that is read, and a
        # quarantined one never is, nor told again from its bytes (run._quarantine_report)
        sub.issues[:] = [make("file_unsafe_xml", fil=name, orsak="DTD eller entiteter")]
        return sub
    except Exception as exc:  # bad CRC, broken deflate data, XML cut off mid-element, …
        sub.issues.append(make("file_corrupt", fil=name, orsak=_reason(exc)))
        return sub
    try:
        # a number no date can be, in a date-formatted cell, makes calamine panic (below)
        may_panic = any(scan.huge_negative for scan in sub.scans.values())
        with _stderr_to_log() if may_panic else contextlib.nullcontext():
            sub.sheets = open_rows(io.BytesIO(readable or content))
    except python_calamine.PasswordError:
        sub.issues.append(make("file_encrypted", fil=name))
        return sub
    except ReaderPanic as exc:
        log.warning("calamine panicked on %s: %s", name, exc)
        panicked = sub.scans.get(exc.sheet)
        if panicked is not None and panicked.huge_negative:
            ref, value = panicked.huge_negative[0]
            sub.issues.append(make("date_out_of_range", sheet=exc.sheet, cell=ref, found=value))
        else:
            sub.issues.append(make("file_corrupt", fil=name, orsak="ett värde går inte att läsa"))
        return sub
    except Exception as exc:  # calamine raises several types for broken content
        sub.issues.append(make("file_corrupt", fil=name, orsak=_reason(exc)))
        return sub
    meta_rows = sub.sheets.get(TemplateSheet.META, [])
    # text_of: a key or value that became a number on the way ("1" → 1.0) still reads "1"
    sub.meta = {text_of(row[0]).strip(): text_of(row[1]).strip() for row in meta_rows
                if len(row) >= 2 and row[0] not in (None, "")}
    return sub


def _check_and_scan(archive: zipfile.ZipFile, sub: Submission) -> bytes | None:
    """The zip's parts checked, then the sheets scanned and the save time read, each XML part
    unpacked once. Returns a copy of the workbook for calamine where the file shows an error
    value calamine cannot read, else None."""
    unpacked: dict[str, bytes] = {}
    problem, warnings = _check_parts(archive, sub.name, unpacked)
    sub.issues.extend(warnings)
    if problem is not None:
        sub.issues.append(problem)
        return None

    def read(part: str) -> bytes:
        return unpacked[part] if part in unpacked else archive.read(part)

    sub.scans = _scan_sheets(read, set(archive.namelist()))
    sub.saved_at = _saved_at(read)
    return _with_known_errors(archive, read, sub.scans)


# an error cell (t="e", in either quotes), not self-closed, up to its end; and a <v> in it
_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\bt\s*=\s*(?:"e"|'e')[^>]*(?<!/)>.*?"""
                         rb"</(?:\w+:)?c>", re.DOTALL)
_CELL_VALUE = re.compile(rb"(<(?:\w+:)?v\b[^>]*>)(.*?)(</(?:\w+:)?v>)", re.DOTALL)


def _with_known_errors(archive: zipfile.ZipFile, read: Callable[[str], bytes],
                       scans: dict[str, SheetScan]) -> bytes | None:
    """The workbook with #N/A in each error cell whose value calamine does not know (see
    CALAMINE_ERRORS): Excel 365's #SPILL!, a value with spaces around it, or one no Excel
    writes. Cells of other types are left as they are: a formula's text "#SPILL!" is text.
    None when the file shows no such value."""
    if all(error in CALAMINE_ERRORS for scan in scans.values() for error in scan.raw_errors):
        return None  # (nearly every file: its sheets' parts need not be looked up again)
    patch = {part for name, part in sheet_parts(read).items()
             if name in scans and any(error not in CALAMINE_ERRORS
                                      for error in scans[name].raw_errors)}
    if not patch:
        return None

    def known(value: re.Match[bytes]) -> bytes:
        text = value[2].decode("utf-8", "replace")
        return value[0] if text in CALAMINE_ERRORS else value[1] + b"#N/A" + value[3]

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            data = read(info.filename)
            if info.filename in patch:
                data = _ERROR_CELL.sub(lambda cell: _CELL_VALUE.sub(known, cell[0]), data)
            copy.writestr(info, data)
    return out.getvalue()


class ReaderPanic(Exception):
    """calamine's Rust code panicked on a sheet (pyo3 raises that as a BaseException)."""

    def __init__(self, sheet: str, text: str):
        self.sheet = sheet
        super().__init__(f"{sheet}: {text}")


def open_rows(source: BinaryIO) -> dict[str, list[list[object]]]:
    """Every sheet's cell values from A1, by sheet name (python-calamine)."""
    book = python_calamine.CalamineWorkbook.from_filelike(source)
    rows: dict[str, list[list[object]]] = {}
    try:
        for name in book.sheet_names:
            try:
                values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                rows[name] = cast(list[list[object]], values)
            except BaseException as exc:
                # e.g. -1e12 in a date-formatted cell: "TimeDelta::milliseconds out of bounds"
                if type(exc).__name__ != "PanicException":
                    raise
                raise ReaderPanic(name, str(exc)) from None
        return rows
    finally:
        book.close()


@contextlib.contextmanager
def _stderr_to_log() -> Iterator[None]:
    """What the block writes to the process's stderr goes to the log instead. Rust prints a
    panic (with a backtrace where RUST_BACKTRACE is set) straight to file descriptor 2 before
    Python sees it: in the cron mail it would read as the night's crash, although the file is
    merely refused."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            written = sink.read(4000).decode("utf-8", "replace").strip()
            if written:
                log.info("calamine wrote to stderr: %s", written)


def _reason(exc: BaseException) -> str:
    """What broke, in words a department understands; the technical text goes to the log."""
    log.warning("unreadable workbook: %s: %s", type(exc).__name__, exc)
    text = str(exc)
    if "CRC" in text:
        return "en del av filen har fel kontrollsumma"
    if isinstance(exc, zlib.error) or "decompress" in text.lower() or "deflate" in text.lower():
        return "en packad del av filen går inte att packa upp"
    if isinstance(exc, SafeET.ParseError | xml.parsers.expat.ExpatError) or \
            "xml" in text.lower() or "syntax" in text.lower():
        return "innehållet i ett blad är ofullständigt"
    if isinstance(exc, KeyError):
        return "en del som ska finnas i filen saknas"
    return "filen går inte att öppna"


def _open_container(content: bytes, name: str) -> Issue | zipfile.ZipFile:
    """The zip, opened, or what is wrong with the file as a container."""
    suffix = PurePosixPath(name).suffix.lower() or "(ingen ändelse)"
    if not content:
        return make("file_empty", fil=name)
    if len(content) > MAX_FILE_BYTES:
        return make("file_too_large", fil=name, storlek=_size(len(content)),
                    max=_size(MAX_FILE_BYTES))
    if content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content:
            return make("file_encrypted", fil=name)
        if suffix == ".xls":
            return make("file_legacy_xls", fil=name)
        if suffix in (".xlsx", ".xlsm"):
            return make("file_extension_mismatch", fil=name, ändelse=suffix)
        return _not_a_workbook(name)
    if not content.startswith(ZIP_MAGIC):
        return _not_a_workbook(name)
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        # A zip whose central directory is missing was cut off while being copied. BAD_INPUTS
        # F3 waits a night first: that is the nightly run's call (it knows the file's age).
        return make("file_truncated", fil=name)
    except Exception as exc:
        return make("file_corrupt", fil=name, orsak=_reason(exc))


def _not_a_workbook(name: str) -> Issue:
    """A file that is no workbook: named "….xlsx" (or .xls) it surprises the department
    ("trots att namnet slutar på .xlsx"); named otherwise (a PDF, a note) it is simply the
    wrong file."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return make("file_not_spreadsheet", fil=name, ändelse=suffix)
    return make("file_not_excel", fil=name, ändelse=suffix or "ingen ändelse")


def _check_parts(archive: zipfile.ZipFile, name: str,
                 unpacked: dict[str, bytes]) -> tuple[Issue | None, list[Issue]]:
    """What is wrong with the zip's parts, and warnings. The XML parts it unpacks are kept in
    `unpacked` (part name → bytes), so that the sheet scan does not unpack them again."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    warnings: list[Issue] = []
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if b"spreadsheet" in mimetype:
            return make("file_wrong_format", fil=name, format="OpenDocument-kalkylblad, .ods"), []
        return _not_a_workbook(name), []
    if "xl/workbook.bin" in names:
        return make("file_wrong_format", fil=name, format="Excel binär arbetsbok, .xlsb"), []
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        return make("file_wrong_format", fil=name, format="Word- eller PowerPoint-fil"), []
    if "[Content_Types].xml" not in names:
        return make("file_corrupt", fil=name, orsak="delen [Content_Types].xml saknas"), []
    if "xl/workbook.xml" not in names:
        return _not_a_workbook(name), []
    # VBA, or an Excel 4.0 macro sheet (XLM: formulas such as EXEC run at Auto_Open)
    if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("xl/macrosheets/")
           for n in names):
        return make("file_macros", fil=name), []
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return make("file_too_large", fil=name, storlek=f"{_size(total)} uppackad",
                    max=_size(MAX_UNCOMPRESSED_BYTES)), []
    # a part far smaller packed than unpacked, below the size limit: the size message ("16 MB
    # uppackad, högst 120 MB") would contradict itself, so it is told as what it is
    bomb = next((info for info in infos if info.file_size > 10_000_000
                 and info.file_size > MAX_RATIO * max(1, info.compress_size)), None)
    if bomb is not None:
        in_sheet = bomb.filename.startswith("xl/worksheets/")
        return make("file_packed_suspiciously", fil=name, packad=_size(bomb.compress_size),
                    storlek=_size(bomb.file_size),
                    åtgärd="Ta bort värden och formatering långt ner i bladen" if in_sheet
                    else "Ta bort bilder och inklistrade objekt ur filen"), []
    # (a picture the workbook's relationships name, as a sheet, is read as one)
    named = archive.read(_WORKBOOK_RELS) if _WORKBOOK_RELS in names else b""
    # the UTF-8 markers begin with "<!", which Excel's parts hardly ever hold: one pass over
    # a part that has none, instead of one per marker
    shared = b"<!" if all(marker.startswith(b"<!") for marker in _UNSAFE_UTF8) else b""
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            head = unpacked[info.filename] = archive.read(info.filename)
        elif info.is_dir() or info.filename.startswith(_NEVER_PARSED) and \
                PurePosixPath(info.filename).name.encode() not in named:
            continue
        else:  # the relationships may name any part as a sheet (a .dat): no reader goes by
            head = archive.read(info.filename)  # the name, so neither does the scan
        wide = b"\x00" in head[:4] or head[:2] in (b"\xff\xfe", b"\xfe\xff")
        if (wide or shared in head) and \
                any(marker in head for marker in (_UNSAFE_MARKERS if wide else _UNSAFE_UTF8)):
            return make("file_unsafe_xml", fil=name, orsak="DTD eller entiteter"), []
    if unpacked["xl/workbook.xml"].find(STRICT_NS.encode()) >= 0:
        return make("file_wrong_format", fil=name, format="Strict Open XML"), []
    if any(n.startswith("xl/externalLinks/") for n in names) or "xl/connections.xml" in names:
        sources = _link_sources(unpacked)
        warnings.append(make("file_external_links", fil=name,
                             källa=f" ({', '.join(sources)})" if sources else ""))
    # pasted documents and files, and ActiveX controls (a button, a check box: one .xml each)
    embedded = [n for n in names if n.startswith("xl/embeddings/") and not n.endswith("/")
                or n.startswith("xl/activeX/") and n.endswith(".xml")]
    if embedded:
        warnings.append(make("file_embedded_objects", fil=name, antal=len(embedded)))
    return None, warnings


# A DTD or entity declaration, in each encoding an XML parser may be given (Excel writes UTF-8
# only; calamine reads a UTF-16 sheet as empty, so a DTD there would go unseen as such). A part
# in UTF-16 or UTF-32 begins with a byte order mark or a zero byte; the others are UTF-8.
_UNSAFE_UTF8 = (b"<!DOCTYPE", b"<!ENTITY")
# Parts no reader of ours parses as XML, where a DTD is no attack: pictures (an SVG often has
# one) and pasted documents (an HTML page has one)
_NEVER_PARSED = ("xl/media/", "xl/embeddings/")
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_UNSAFE_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le",
                                         "utf-32-be"))


def _link_sources(unpacked: dict[str, bytes]) -> list[str]:
    """What a file fetches values from, as a department would recognise it: the linked
    files' names and the data connections' names (never a connection string, which may hold
    a password)."""
    sources: list[str] = []
    for part in sorted(unpacked):
        try:
            if part.startswith("xl/externalLinks/_rels/"):
                for rel in SafeET.fromstring(unpacked[part]).iter(f"{{{PKG_REL_NS}}}Relationship"):
                    target = rel.get("Target", "").replace("\\", "/").rstrip("/")
                    if rel.get("TargetMode") == "External" and target:
                        sources.append(unquote(target.rsplit("/", 1)[-1]))
            elif part == "xl/connections.xml":
                for connection in SafeET.fromstring(unpacked[part]).iter(f"{{{MAIN_NS}}}connection"):
                    if connection.get("name"):
                        sources.append(f'datakopplingen "{connection.get("name")}"')
        except SafeET.ParseError:
            continue  # a damaged link part: the warning stands without its source
    return list(dict.fromkeys(sources))


def _size(count: int) -> str:
    if count < 1024 * 1024:  # a packed part of a zip bomb: "0 MB" would say nothing
        return f"{max(1, round(count / 1024))} kB"
    return f"{count / 1024 / 1024:.0f} MB".replace(".", ",")


def sheet_parts(read: Callable[[str], bytes]) -> dict[str, str]:
    """Sheet name → path of its XML part inside the zip."""
    workbook = SafeET.fromstring(read("xl/workbook.xml"))
    rels = SafeET.fromstring(read("xl/_rels/workbook.xml.rels"))
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
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_FORMULA_TAG_END = re.compile(rb"f[ >/]")  # rare outside formula tags, and found much faster
# The patterns below allow what XML allows and some writers use: a namespace prefix on the
# tags (<x:c>, as the .NET Open XML SDK writes them) and single quotes around attributes.
# They guard calamine's memory: a cell they missed would be allocated, not measured.
_NEGATIVE_VALUE = re.compile(rb"v>\s*-")  # a gate: <v>-… or <x:v>-…
_NEGATIVE_NUMBER = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\']([A-Z]{1,3}[0-9]{1,7})["\'][^>]*(?<!/)>'
                              rb'\s*(?:<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?'
                              rb'<(?:\w+:)?v>\s*(-[0-9.eE+]+)\s*</(?:\w+:)?v>')
DATE_SERIAL_LIMIT = 2_958_465  # 9999-12-31, the last day Excel can show
# a cell with a value, formula or inline text (formatting alone does not widen calamine's area)
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\']([A-Z]{1,3})([0-9]{1,7})["\'][^>]*(?<!/)>'
                         rb'\s*<(?:\w+:)?(?:v|f|is)\b')
# A reference beyond column Z or row 9 999. Without one, the used area is at most 26 × 9 999
# cells, far below MAX_CELLS, and the cells need not be measured one by one.
_FAR_REFERENCE = re.compile(rb'r=["\'](?:[A-Z]{2}|[A-Z][0-9]{5})')
# A cell may leave out its r (its place is then the one after the cell before it, and a row's
# the one after the row before it): such cells are measured by walking rows and cells. The
# gate looks only at a cell's first attribute (writers put r first; one that does not is
# walked too, which measures it all the same), and takes only r=" or r=' for an r: the patterns
# above do not read r = "…", so a cell spelled so is walked too.
_CELL_WITHOUT_R = re.compile(rb"<c(?:/?>|\s+(?!r=)\w)")
_PREFIXED_CELL_WITHOUT_R = re.compile(rb"<\w+:c(?:/?>|\s+(?!r=)\w)")
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>"
                          rb"(\s*<(?:\w+:)?(?:v|f|is)\b)?")
_R_ATTRIBUTE = re.compile(rb'\br\s*=\s*["\']([A-Z]{0,3})([0-9]*)["\']')
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*(?:"e"|'e')""")
_HIDDEN_TRUE = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")


def _scan_sheets(read: Callable[[str], bytes], names: set[str]) -> dict[str, SheetScan]:
    scans: dict[str, SheetScan] = {}
    for sheet_name, part in sheet_parts(read).items():
        if part not in names:
            continue
        data = read(part)
        scan = SheetScan()
        without_r = _cells_without_r(data)
        if without_r or _FAR_REFERENCE.search(data):
            scan.too_large_at = _too_large_at(data, without_r)
        # a negative number is found by its r; where cells may leave theirs out, the cell
        # reader below counts their places and finds it
        negatives = _NEGATIVE_VALUE.search(data) is not None
        if negatives and not without_r:
            scan.huge_negative = _huge_negatives(data)
        if _worth_parsing(data) or (negatives and without_r):
            filters = _scan_xml(data, scan, negatives=negatives and without_r)
            if scan.hidden_rows and b"<tablePart" in data:
                filters += _table_filters(read, names, part)
            _set_filtered_rows(scan, filters)
        scans[sheet_name] = scan
    return scans


def _worth_parsing(data: bytes) -> bool:
    """Cheap gate: only parse cells when the XML holds formulas, errors, hidden rows or
    columns, or merges (a cell formula is <f> or <f ...>; data validation's <formula1> does not
    count). An active filter matters only when it hides rows. Each test allows the spellings
    the patterns above allow (prefixed tags, single quotes, spaces around =)."""
    return ((_FORMULA_TAG_END.search(data) is not None
             and _FORMULA_TAG.search(data) is not None)
            or ((b'"e"' in data or b"'e'" in data) and _ERROR_TYPE.search(data) is not None)
            or (b"hidden" in data and _HIDDEN_TRUE.search(data) is not None)
            or b"mergeCell" in data)


def _too_large_at(data: bytes, without_r: bool) -> str | None:
    """The far corner of the used area (rows × columns from A1, as calamine allocates it),
    when that area holds more than MAX_CELLS cells. without_r: cells may leave out their r
    (_cells_without_r)."""
    if without_r:
        last_row, last_column = _walk_used_area(data)
    else:  # every cell names its place
        cells = _VALUE_CELL.findall(data)
        if not cells:
            return None
        last_row = max(int(row) for _, row in cells)
        last_column = max(column_index(letters.decode()) + 1 for letters, _ in cells)
    if last_row * last_column <= MAX_CELLS:
        return None
    return f"{excel_column(last_column - 1)}{last_row}"


def _cells_without_r(data: bytes) -> bool:
    # (the prefixed pattern costs more: only where a prefixed tag may be)
    return _CELL_WITHOUT_R.search(data) is not None or (
        b":c" in data and _PREFIXED_CELL_WITHOUT_R.search(data) is not None)


def _walk_used_area(data: bytes) -> tuple[int, int]:
    """The last row and column holding a value, row by row and cell by cell, for a sheet
    whose cells or rows may leave out their place (r)."""
    row = column = last_row = last_column = 0
    for tag, attributes, _, valued in _ROW_OR_CELL.findall(data):
        place = _R_ATTRIBUTE.search(attributes)
        if tag == b"row":
            row = int(place[2]) if place and place[2] else row + 1
            column = 0
            continue
        column = column_index(place[1].decode()) + 1 if place and place[1] else column + 1
        if valued:  # a cell's own r names its row too, whatever its row's says
            last_row = max(last_row, int(place[2]) if place and place[2] else row)
            last_column = max(last_column, column)
    return last_row, last_column


def _huge_negatives(data: bytes) -> list[tuple[str, str]]:
    """Numbers no date can be: in a date-formatted cell they make calamine panic."""
    found = []
    for ref, value in _NEGATIVE_NUMBER.findall(data):
        try:
            if float(value) < -DATE_SERIAL_LIMIT:
                found.append((ref.decode(), value.decode()))
        except ValueError:
            continue
    return found


class _SheetReader:
    """expat (the parser under ElementTree) called back only for what the scan looks for:
    cells with their type, formula and cached value, hidden rows and columns, the sheet's
    active filter and merges. No tree is built. DTDs and entities are refused as defusedxml
    refuses them."""

    C, F, V = (f"{MAIN_NS}}}{tag}" for tag in ("c", "f", "v"))
    ROW, MERGE, COL = f"{MAIN_NS}}}row", f"{MAIN_NS}}}mergeCell", f"{MAIN_NS}}}col"
    AUTO_FILTER, FILTER_COLUMN, CUSTOM_VIEWS = (
        f"{MAIN_NS}}}{tag}" for tag in ("autoFilter", "filterColumn", "customSheetViews"))

    def __init__(self, scan: SheetScan, *, negatives: bool = False):
        self.scan = scan
        self.negatives = negatives  # find huge negative numbers (as _huge_negatives does)
        self.cell: dict[str, str] | None = None  # the open <c>'s r and t
        # the place of the open row and cell, counted on where a row or cell leaves out its r
        self.row = self.column = 0
        self.ref = ""
        self.formula = False
        self.value: list[str] | None = None  # the text of its <v>, while open or once read
        self.in_value = False
        self.filter_ref: str | None = None  # the sheet's <autoFilter> range
        self.filters: list[str] = []  # the ranges of filters that filter on a column
        self.in_custom_views = False

    def read(self, data: bytes) -> list[str]:
        """Scan the sheet; return the ranges of its active filters."""
        parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_entity
        parser.ExternalEntityRefHandler = self._refuse_external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.buffer_text = True
        parser.Parse(data, True)
        return self.filters

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == self.C:
            self.cell, self.formula, self.value = attributes, False, None
            if "r" in attributes:
                self.ref, self.column = attributes["r"], 0  # (its column counted if needed)
            else:  # the place after the cell before it
                previous = self.column or (
                    column_index(self.ref.rstrip("0123456789")) + 1 if self.ref else 0)
                self.column = previous + 1
                self.ref = f"{excel_column(self.column - 1)}{self.row}"
        elif self.cell is not None and tag == self.V and self.value is None:
            self.value, self.in_value = [], True
        elif self.cell is not None and tag == self.F:
            self.formula = True
        elif tag == self.ROW:
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column, self.ref = 0, ""
            if attributes.get("hidden") in ("1", "true"):
                self.scan.hidden_rows.add(self.row)
        elif tag == self.MERGE:
            self.scan.merged.append(attributes.get("ref", ""))
        elif tag == self.COL:
            if attributes.get("hidden") in ("1", "true"):
                first = int(attributes.get("min") or 0)
                self.scan.hidden_columns.append((first, int(attributes.get("max") or first)))
        elif tag == self.FILTER_COLUMN:
            if self.filter_ref is not None and not self.in_custom_views:
                self.filters.append(self.filter_ref)
        elif tag == self.AUTO_FILTER:
            self.filter_ref = attributes.get("ref", "")
        elif tag == self.CUSTOM_VIEWS:
            # A saved custom view keeps a filter of its own, not the one in force. The sheet's
            # <autoFilter> comes before <customSheetViews> in the schema's order.
            self.in_custom_views = True

    def _text(self, text: str) -> None:
        if self.in_value and self.value is not None:
            self.value.append(text)

    def _end(self, tag: str) -> None:
        if tag == self.V:
            self.in_value = False
        elif tag == self.C and self.cell is not None:
            ref = self.ref
            text = "".join(self.value) if self.value else None  # an empty <v> has no text
            if self.cell.get("t") == "e":
                # as Excel shows it, though another program may have written spaces around it
                self.scan.errors[ref] = (text or "").strip() or "#FEL"
                if text is not None:
                    self.scan.raw_errors.add(text)
            elif self.formula and text is None:
                self.scan.uncalculated.add(ref)
            elif self.negatives and text is not None and text.lstrip().startswith("-"):
                try:
                    if float(text) < -DATE_SERIAL_LIMIT:
                        self.scan.huge_negative.append((ref, text.strip()))
                except ValueError:
                    pass
            self.cell = None

    @staticmethod
    def _refuse_dtd(name: str, sysid: str | None, pubid: str | None, *_: object) -> None:
        raise DTDForbidden(name, sysid, pubid)

    @staticmethod
    def _refuse_entity(name: str, _parameter: object, value: str | None, base: str | None,
                       sysid: str | None, pubid: str | None, notation: str | None) -> None:
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation)

    @staticmethod
    def _refuse_external(_context: str, base: str | None, sysid: str | None,
                         pubid: str | None) -> int:
        raise ExternalReferenceForbidden(_context, base, sysid, pubid)


def _scan_xml(data: bytes, scan: SheetScan, *, negatives: bool = False) -> list[str]:
    """Fill `scan` from the sheet XML; return the ranges of the sheet's active filters.
    negatives: also find the numbers no date can be (scan.huge_negative)."""
    return _SheetReader(scan, negatives=negatives).read(data)


def _table_filters(read: Callable[[str], bytes], names: set[str], part: str) -> list[str]:
    """The ranges of the sheet's Excel tables whose filter is active: a table keeps its filter
    in its own part (xl/tables/tableN.xml), not in the sheet XML."""
    folder, file = posixpath.split(part)
    rels_part = f"{folder}/_rels/{file}.rels"
    if rels_part not in names:
        return []
    ranges = []
    for rel in SafeET.fromstring(read(rels_part)).iter(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        if path not in names:
            continue
        table = SafeET.fromstring(read(path))
        auto_filter = table.find(f"{{{MAIN_NS}}}autoFilter")
        if auto_filter is not None and auto_filter.find(f"{{{MAIN_NS}}}filterColumn") is not None:
            ranges.append(auto_filter.get("ref") or table.get("ref", ""))
    return ranges


def _set_filtered_rows(scan: SheetScan, filters: list[str]) -> None:
    """Rows hidden below the header of an active filter are the filter's doing (BAD_INPUTS
    S19: read, and nothing said); rows hidden elsewhere were hidden by hand."""
    for area in filters:
        first, _, last = area.partition(":")
        top, bottom = _ROW_NUMBER.search(first), _ROW_NUMBER.search(last or first)
        low = int(top[1]) if top else 1
        high = int(bottom[1]) if bottom else 1_048_576  # "A:I": whole columns
        filtered = {row for row in scan.hidden_rows if low < row <= high}
        scan.filtered_rows |= filtered
        scan.hidden_rows -= filtered


def _saved_at(read: Callable[[str], bytes]) -> dt.datetime | None:
    try:
        core = SafeET.fromstring(read("docProps/core.xml"))
    except KeyError:
        return None
    for elem in core.iter("{http://purl.org/dc/terms/}modified"):
        try:
            return dt.datetime.fromisoformat((elem.text or "").replace("Z", "+00:00"))
        except ValueError:
            return None
    return None
