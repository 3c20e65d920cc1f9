"""The inbox: which files are ready to be read tonight, which wait for the next night, and
what else lies there that the controller should hear about (folders that are no department's,
nested folders, links, files left open). Nothing here reads a file's content."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .errors import ConfigError


def file_name(path: Path) -> str:
    """A file's name as text to show, log and keep in the ledger. A name that is not UTF-8
    (from an old zip tool, or a share with another character set) comes from the file system
    with lone surrogates, which no output can hold: it is read as Windows-1252 instead."""
    raw = os.fsencode(path.name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class InboxFile:
    path: Path
    folder: str  # department code of the drop folder, "" for the inbox itself

    @property
    def name(self) -> str:
        return file_name(self.path)

    @property
    def shown(self) -> str:
        """How the file is named to the controller: "KOD/namn", or the name alone."""
        return f"{self.folder}/{self.name}" if self.folder else self.name


@dataclass
class InboxScan:
    ready: list[InboxFile] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # left for the next night, as shown
    open: list[str] = field(default_factory=list)  # of those, open in Excel or LibreOffice
    unknown_folders: dict[str, int] = field(default_factory=dict)  # not a code: files there
    nested: dict[str, int] = field(default_factory=dict)  # "KOD/mapp": files there, unread
    links: list[str] = field(default_factory=list)  # symbolic links to files, as shown
    closed: list[str] = field(default_factory=list)  # folders the run may not list: unread
    # lock files, temporary save files and hidden files: never read, only logged (F15)
    ignored: list[str] = field(default_factory=list)


# After this many nights in a row with a file open in Excel or LibreOffice, the run says so:
# the department has most likely left it open on a desk and must close it.
OPEN_NIGHTS_BEFORE_MESSAGE = 2


def scan_inbox(settings: Settings, codes: Sequence[str] | None) -> InboxScan:
    """Files ready to read, and files left for the next night (still written or open).

    codes: the departments whose drop folders are read; None reads every subfolder (a
    cheap look for anything new). File ages are measured on the real clock, whatever
    PIPELINE_NOW says."""
    at = time.time()
    scan = InboxScan()
    inbox = settings.inbox
    if not inbox.is_dir():
        what = "är en fil, inte en mapp" if inbox.exists() else "finns inte"
        raise ConfigError(f"Inkorgen {inbox} {what}. Skapa mappen, eller rätta inbox i "
                          "pipeline.toml; inga filer har lästs.")
    subfolders = sorted(p.name for p in inbox.iterdir() if p.is_dir())
    folders = [(inbox, "")] + [(inbox / name, folder_code(name)) for name in subfolders
                               if codes is None or folder_code(name) in codes]
    for name in subfolders:
        if codes is not None and folder_code(name) not in codes and not name.startswith("."):
            files = sum(1 for p in _listed(inbox / name, scan)
                        if p.is_file() and not ignored(p.name))
            if files:
                scan.unknown_folders[file_name(inbox / name)] = files
    for folder, code in folders:
        entries = sorted(_listed(folder, scan) if code else folder.iterdir())
        names = {p.name for p in entries}
        for path in entries:
            name = path.name
            if code and path.is_dir() and not name.startswith("."):
                files = sum(1 for p in path.rglob("*") if p.is_file() and not ignored(p.name))
                if files:
                    scan.nested[f"{code}/{file_name(path)}"] = files
            if path.is_symlink() and not path.is_dir() and not ignored(name):
                # never followed: a link in a department's folder could hand in (and have the
                # feedback copy send back) any file the run may read
                scan.links.append(InboxFile(path, code).shown)
                continue
            if not path.is_file():
                continue
            if ignored(name):
                scan.ignored.append(InboxFile(path, code).shown)
                continue
            item = InboxFile(path, code)
            if any(lock in names for lock in lock_files(name)):
                scan.waiting.append(item.shown)  # open in Excel or LibreOffice
                scan.open.append(item.shown)
                continue
            try:
                age = at - path.stat().st_mtime
            except FileNotFoundError:
                continue  # Excel's save-by-rename: gone for a moment, back next night
            if age < settings.settle_seconds:
                scan.waiting.append(item.shown)
                continue
            scan.ready.append(item)
    return scan


def folder_code(name: str) -> str:
    """The department code a drop folder's name stands for. A Mac, and a share it writes to,
    keeps "VÅO" as V, A, a combining ring, O: the same letters as the register's code, but
    other characters, so the name is compared in the register's (composed) form."""
    return unicodedata.normalize("NFC", name)


def _listed(folder: Path, scan: InboxScan) -> list[Path]:
    """A subfolder's entries; one the run has no permission to list (made by a department's
    own account on a share) is named in `scan.closed`, and the others are read all the same."""
    try:
        return list(folder.iterdir())
    except PermissionError:
        if not folder.name.startswith("."):  # a hidden one is no drop folder
            scan.closed.append(file_name(folder))
        return []


# Excel saves through a temporary file with a name like 4A3F9C21, without an extension. Eight
# digits alone are more likely a date ("20240831") than such a name, and are read.
_EXCEL_TEMPORARY = re.compile(r"(?=[0-9]*[A-F])[0-9A-F]{8}")


def lock_files(name: str) -> tuple[str, ...]:
    """The names of the files Excel and LibreOffice put beside a workbook they have open:
    Excel's owner file is "~$" and the name (a long name with its first two letters replaced),
    LibreOffice's ".~lock.<name>#"."""
    return f"~${name}", f"~${name[2:]}", f".~lock.{name}#"


# The hidden files Windows Explorer leaves in a folder it shows (pictures' thumbnails, a
# folder's own settings), also in a share's folders that a Linux server reads.
_WINDOWS_HIDDEN = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "ehthumbs_vista.db"})


def ignored(name: str) -> bool:
    """Lock files, temporary save files and hidden files are never submissions. Any other
    name is read, with an extension or without ("Stab T2 2024" is a workbook all the same)."""
    lowered = name.lower()
    return (name.startswith(("~$", ".~lock.", ".")) or lowered.endswith((".tmp", "#"))
            or _EXCEL_TEMPORARY.fullmatch(name) is not None or lowered in _WINDOWS_HIDDEN)


def unknown_folder(name: str, files: int, codes: Sequence[str]) -> str:
    """What to say about a folder in the inbox that is no department's: its files are left
    where they are, unread, until the folder is renamed or they are moved."""
    typed = folder_code(name).strip().casefold()  # "Våo" from a Mac is decomposed too
    meant = next((code for code in codes if code.casefold() == typed), None)
    hint = f"Byt namn på mappen till {meant}" if meant else \
        "Byt namn på mappen till en avdelningskod i registret"
    them = "filen" if files == 1 else "filerna"
    return (f"Mappen {name} i inkorgen hör inte till någon avdelning i registret, så "
            f"{them if files == 1 else f'de {files} filerna'} där har inte lästs. "
            f"{hint}, eller flytta {them} till rätt avdelnings mapp.")


def open_long(nights_open: dict[str, int], scan: InboxScan) -> dict[str, int]:
    """The files still open at `scan` that have been open for several nights in a row."""
    return {shown: nights for shown, nights in nights_open.items()
            if nights >= OPEN_NIGHTS_BEFORE_MESSAGE and shown in scan.open}


def arrived(stat: os.stat_result, taken: dt.datetime) -> dt.datetime:
    """When a file came into the inbox: its last change there (copying or moving it in sets
    the change time, saving it there the modification time), at the latest when the run took
    it. A file put in on the deadline day is so in time, though the night's run takes it after
    midnight; a clock or file time in the future gives way to the run's."""
    changed = dt.datetime.fromtimestamp(max(stat.st_mtime, stat.st_ctime))
    return min(changed.replace(microsecond=0), taken)
