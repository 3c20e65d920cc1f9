"""What a night did, as the controller reads it: RunSummary and its Swedish lines (the run's
output, mailed by cron), the notices for whoever runs the system, and the register's remarks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Arrival
from .issues import Issue, Report, make
from .labels import SubmissionState, Verdict
from .ledger import ACCEPTED, DUPLICATE, first_of, plural

if TYPE_CHECKING:  # pandas and pandera cost a second to import: only where work is done

    pass


def remark_key(remark: Issue) -> str:
    """A register remark as told: a remark reworded by an edit (another count of rows) is new."""
    text = "\0".join((remark.code, remark.sheet or "", remark.cell or "", remark.message))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remark_lines(remarks: Sequence[Issue], register_name: str, total: int | None = None
                 ) -> list[str]:
    """The register's remarks as the controller reads them; `total`: how many the register
    has, when only the ones not told before are given."""
    if not remarks:
        return []
    if total is None or total == len(remarks):
        head = (f"Anmärkningar i registret {register_name} ({len(remarks)}). De stoppar "
                "ingenting, men se över dem:")
    else:
        head = (f"Nya anmärkningar i registret {register_name} ({len(remarks)} av {total}; de "
                "övriga har nämnts en tidigare natt). De stoppar ingenting, men se över dem:")
    return [head, *(f"  - {issue.describe()}" for issue in remarks)]


# --- the nightly run -------------------------------------------------------------------------

@dataclass
class RunSummary:
    period: str
    new: list[tuple[Arrival, Report]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    early: list[tuple[str, str]] = field(default_factory=list)  # (file as shown, its period)
    # refused files made for an earlier period: (file as shown, its period, archived copy,
    # where it lay in the inbox)
    late: list[tuple[str, str, Path, Path]] = field(default_factory=list)
    # of their periods, last year's whose register the archive keeps: counted with --period
    # alone, as the configured register's
    late_kept: set[str] = field(default_factory=set)
    # counted files that no longer pass against the register, with their errors now
    lapsed: list[tuple[Arrival, int]] = field(default_factory=list)
    counted: dict[str, Arrival] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # no file counts for these departments
    refused: list[str] = field(default_factory=list)  # of them, those whose files were refused
    outputs: list[Path] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    unchanged: bool = False
    open_long: dict[str, int] = field(default_factory=dict)  # "KOD/namn": nights found open
    unknown_folders: list[str] = field(default_factory=list)  # what to say about each
    nested: dict[str, int] = field(default_factory=dict)  # "KOD/mapp": files there, unread
    replaced: dict[str, Arrival] = field(default_factory=dict)  # department: earlier file
    links: list[str] = field(default_factory=list)  # symbolic links in the inbox, unread
    # of `new`, the files an earlier run took but stopped before telling (Arrival.identity)
    untold: set[tuple[str, str, str, int]] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)  # no permission to read: left there
    closed: list[str] = field(default_factory=list)  # drop folders without permission to list
    # archived, but no permission to remove them from the inbox: (file as shown, its folder)
    stuck: list[tuple[str, Path]] = field(default_factory=list)
    # earlier feedback copies that could not be removed (open in another program)
    feedback_left: list[Path] = field(default_factory=list)
    # files read and left in the inbox to wait (a later period's, a copy cut off lately), as
    # the manifest keeps them: the nights after pass them over without reading them again
    held: list[dict[str, Any]] = field(default_factory=list)
    # the register's remarks not told on an earlier night, of `remarks_total`
    register_name: str = ""
    remarks: list[Issue] = field(default_factory=list)
    remarks_total: int = 0
    # the register the period is read against, when it is not simply the configured one
    # (kept_registers.for_period): told first, before what the outputs now say
    register_notices: list[Issue] = field(default_factory=list)
    quarantined: dict[str, Path] = field(default_factory=dict)  # checksum: where its bytes are
    # files an earlier version archived as workbooks (without quarantine) that this version
    # finds harmful, with the quarantine code: their bytes are moved to the quarantine
    harmful: list[tuple[Arrival, str]] = field(default_factory=list)
    # files judged afresh, though the same bytes came in before and were put in quarantine
    # (taken out of it since): their quarantined line, by the new file (`Arrival.identity`)
    again: dict[tuple[str, str, str, int], Arrival] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(1 for a, _ in self.new if a.verdict == Verdict.REJECTED.value)

    def lines(self) -> list[str]:
        out = [f"Period {self.period}."]
        out.extend(notice.message for notice in self.register_notices)
        if not self.new:
            out.append("Inga nya filer i inkorgen.")
        notices = []
        for arrival, report in self.new:
            verdict = arrival.verdict
            if arrival.verdict == DUPLICATE:  # its one issue names the original
                detail = "".join(f" ({i.message})" for i in report.issues)
            elif arrival.quarantine is not None:  # the word Inlämningar and status have
                verdict, detail = SubmissionState.QUARANTINED.value, \
                    " (se säkerhetsvarningen nedan)"
            elif report.issues:
                detail = f" ({plural(len(report.errors), 'fel', 'fel')}, " \
                         f"{plural(len(report.warnings), 'anmärkning', 'anmärkningar')})"
            else:
                detail = ""
            if (kept := self.again.get(arrival.identity)) is not None:
                detail += (f"; samma fil lämnades in {kept.run[:10]} ({kept.shown}) och "
                           "lades då i karantän; den har nu bedömts på nytt")
            earlier = self.replaced.get(arrival.department or "")
            if earlier is not None and self.counted.get(arrival.department or "") is arrival:
                detail += f"; ersätter inlämningen {earlier.received[:10]} ({earlier.name})"
            if arrival.identity in self.untold:
                detail += (f"; togs emot {arrival.run[:16].replace('T', ' ')} av en körning som "
                           "avbröts innan den hann skriva sammanställningen")
            out.append(f"  {arrival.shown}: {verdict}{detail}")
            # (a copy of a quarantined file is a Dubblett: its report names no such code)
            codes = admin_notices(report) or ([arrival.quarantine] if arrival.quarantine else [])
            notices += [_admin_line(arrival, code, self.quarantined.get(arrival.sha256))
                        for code in codes]
        out.extend(notices)
        if self.waiting:
            out.append(f"Väntar till nästa körning (filen skrivs fortfarande eller är öppen): "
                       f"{', '.join(self.waiting)}")
        harmful = {a.identity for a, _ in self.harmful}
        for arrival, code in self.harmful:
            out.append(_harmful_line(arrival))
            out.append(_admin_line(arrival, code, self.quarantined.get(arrival.sha256),
                                   earlier=True))
        for arrival, errors in self.lapsed:
            if arrival.identity in harmful:
                continue  # told above
            out.append(f"  {arrival.shown}: godkändes {arrival.received[:10]} men stämmer inte "
                       f"längre med registret ({plural(errors, 'fel', 'fel')}, se fliken "
                       f"Datakvalitet). Rätta registret, eller be {arrival.department} lämna in "
                       f"en ny fil; till dess saknas avdelningens uppgifter i sammanställningen.")
        for shown, later in self.early:
            out.append(f"  {shown}: gäller {later}, som inte samlas in ännu (period = "
                       f"{self.period}). Filen ligger kvar i inkorgen och läses in när perioden "
                       f"i pipeline.toml är {later}.")
        for shown, before, copy, where in self.late:
            # last year's periods are in last year's register only, or the archive's copy
            register = "" if before[:4] == (self.period or "")[:4] \
                or before in self.late_kept else \
                f"--register <registret för {before[:4]}> "
            out.append(f"  {shown}: gäller {before}, en tidigare period än den som samlas in nu "
                       f"({self.period}). Ska filen räknas för {before}: kopiera {copy} till "
                       f"{where} och kör pipeline run {register}--period {before}.")
        for shown, nights in self.open_long.items():
            out.append(f"  {shown}: " + make("file_open_nights", fil=Path(shown).name,
                                             nätter=nights).message)
        out.extend(self.unknown_folders)
        for shown, files in self.nested.items():
            code = shown.split("/")[0]
            them = "filen" if files == 1 else f"de {files} filerna"
            out.append(f"Mappen {shown} i inkorgen läses inte, så {them} i den har inte lästs "
                       f"in. Flytta den fil som ska lämnas in direkt till mappen {code}.")
        for shown in self.links:
            out.append(f"  {shown}: är en länk till en annan fil och läses inte. Lägg själva "
                       "filen i inkorgen i stället för länken.")
        for shown in self.unreadable:
            out.append(f"  {shown}: kunde inte läsas, eftersom behörighet saknas till filen. Den "
                       "ligger kvar i inkorgen. Ge kontot som kör pipeline rätt att läsa filen, "
                       "så läses den in nästa körning.")
        for name in self.closed:
            out.append(f"Mappen {name} i inkorgen kunde inte läsas, eftersom behörighet saknas "
                       "till mappen. Filerna i den ligger kvar. Ge kontot som kör pipeline rätt "
                       "att läsa mappen, så läses de in nästa körning.")
        for shown, folder in self.stuck:
            out.append(f"  {shown}: är arkiverad, men kunde inte tas bort ur inkorgen eftersom "
                       f"behörighet saknas i mappen {folder}. Ge kontot som kör pipeline rätt "
                       "att ändra i mappen, eller ta bort filen; den läses inte in på nytt.")
        out.extend(remark_lines(self.remarks, self.register_name, self.remarks_total))
        more = "till (pipeline status visar alla)"
        if self.counted:
            out.append("Gäller: " + first_of(
                [f"{code} ({a.name}, {a.received[:16].replace('T', ' ')})"
                 for code, a in self.counted.items()], more))
        if self.refused:
            out.append(f"Ingen godkänd fil: {first_of(self.refused, more)}")
        if absent := [c for c in self.missing if c not in self.refused]:
            out.append(f"Saknas: {first_of(absent, more)}")
        if self.unchanged:
            out.append("Inget har ändrats sedan förra körningen; sammanställningen är "
                       "oförändrad.")
        for path in self.outputs:
            out.append(f"Skrev {path}")
        for path in self.feedback:
            out.append(f"Återkoppling: {path}")
        for path in self.feedback_left:
            out.append(f"Återkopplingen {path} gäller en fil som har ersatts, men kunde inte tas "
                       "bort; den är troligen öppen i ett annat program. Ta bort den när den är "
                       "stängd.")
        return out


# Refusals the one who runs the system should know about, beyond the department (BAD_INPUTS
# F10-F12): what was found, and why it matters.
ADMIN_NOTICES = {
    "file_macros": "innehåller makron (VBA eller ett Excel 4.0-makroblad), som kan skada den "
                   "som öppnar filen.",
    "file_unsafe_xml": "innehåller DTD eller entiteter i sin XML, något Excel aldrig skriver: "
                       "det kan vara ett försök att angripa systemet.",
    "file_too_large": "är orimligt stor (kanske en så kallad zip-bomb).",
    "file_packed_suspiciously": "innehåller en del som är packad långt hårdare än Excel packar "
                                "(kanske en så kallad zip-bomb).",
    "sheet_too_large": "har värden långt utanför mallens blad (kanske ett försök att fylla "
                       "minnet).",
}


def _harmful_line(arrival: Arrival) -> str:
    """A file an earlier version of Målsystem archived that this version finds harmful."""
    when = arrival.received[:10]
    if arrival.verdict in ACCEPTED:
        return (f"  {arrival.shown}: godkändes {when} av en tidigare version av Målsystem, men "
                "den här versionen bedömer att filen kan skada den som öppnar den (se "
                "säkerhetsvarningen nedan), och den räknas inte längre. Be "
                f"{arrival.department} lämna in filen på nytt, sparad som Excel-arbetsbok "
                "(.xlsx); till dess saknas avdelningens uppgifter i sammanställningen.")
    return (f"  {arrival.shown}: lämnades in {when} och togs inte emot; den här versionen av "
            "Målsystem bedömer dessutom att filen kan skada den som öppnar den (se "
            "säkerhetsvarningen nedan).")


def _admin_line(arrival: Arrival, code: str, quarantined: Path | None, *,
                earlier: bool = False) -> str:
    if quarantined is None:
        return (f"Till administratören: {arrival.shown} {ADMIN_NOTICES[code]} Filen är "
                f"arkiverad ({arrival.sha256[:10]}) men har inte lästs; öppna den inte i Excel.")
    # (a file directly in the inbox has no department: its _meta is never read)
    ask = f"fråga {arrival.department} om filen kommer därifrån" if arrival.department else \
        "ta reda på vem som lämnade in den"
    where = (f"En tidigare version av Målsystem arkiverade den som arbetsbok; den ligger nu i "
             f"karantän: {quarantined}") if earlier else \
        f"Filen har inte lästs in och ligger i karantän: {quarantined}"
    return (f"Säkerhetsvarning till administratören: {arrival.shown} {ADMIN_NOTICES[code]} "
            f"{where}. Öppna den inte, och {ask}.")


def admin_notices(report: Report) -> list[str]:
    """The codes of the report's issues that the administrator is told about, once each."""
    return list(dict.fromkeys(i.code for i in report.issues if i.code in ADMIN_NOTICES))

