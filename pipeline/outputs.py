"""Writing the night's outputs: the consolidated workbook, the tertial report and the manifest,
written atomically, and only when what they are made from changed (the manifest's
fingerprint); the Inlämningar rows; what a full night tells of files that no longer count."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Archive, Arrival
from .archived import data_as_of, load_judged, merge_with_previous
from .atomic import atomic_write, atomic_write_bytes
from .config import Settings
from .issues import Issue, Report, make
from .labels import SubmissionState, Verdict
from .ledger import (
    DUPLICATE,
    SUPERSEDED,
    in_quarantine,
    judged_now,
    order_key,
    states,
)
from .night import RunSummary, remark_key

if TYPE_CHECKING:  # pandas and pandera cost a second to import: only where work is done
    import pandas as pd

    from .register import Register
    from .validate import SubmissionData


MANIFEST_VERSION = 1  # the manifest's own layout


def in_shape(manifest: object) -> bool:
    """A manifest as a run writes it, in the parts a quiet night relies on (one edited by
    hand, or cut short, means a full run, which writes it anew)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("register"), dict):
        return False
    outputs, remarks = manifest.get("outputs", []), manifest.get("remarks", [])
    return isinstance(outputs, list) and isinstance(remarks, list) and \
        all(isinstance(o, dict) and isinstance(o.get("path"), str) for o in outputs) and \
        all(isinstance(r, str) for r in remarks)


# --- publishing ------------------------------------------------------------------------------

def publish(settings: Settings, archive: Archive, register: Register, period: str,
             arrivals: list[Arrival], own: pd.DataFrame | None, summary: RunSummary,
             fresh: dict[Arrival, tuple[Report, SubmissionData | None]],
             read_against: dict[str, Any] | None = None,
             manifest: dict[str, Any] | None = None) -> None:
    """fresh: this night's results by ledger line (the Arrival, not its identity: a file
    taken out of quarantine and copied in again keeps the quarantined line's), so that they
    are not read back from the cache. read_against: why the period is read against the
    register the archive keeps (run._read_against), for the manifest. manifest: the period's
    manifest as the night read it before it began, if it did (only publish writes it)."""
    import pandas as pd

    rows, counted = states(in_quarantine(arrivals), period)
    summary.counted = counted
    summary.again = _judged_again(arrivals, [a for a, _ in summary.new])
    summary.missing = [c for c in register.department_codes if c not in counted]
    fingerprint = outputs_fingerprint(register.checksum, period, arrivals, settings.report,
                                      settings.report_activities)
    outbox = settings.outbox
    workbook_path = outbox / f"sammanstallning_{period}.xlsx"
    report_path = outbox / f"tertialrapport_{period}.docx"
    manifest_path = outbox / f"manifest_{period}.json"
    expected = [workbook_path] + ([report_path] if settings.report else [])
    # the register's remarks, which the night tells (those not told before) after writing the
    # manifest: a quiet night finds them here and runs in full if they are not remembered as
    # told (a run killed in between)
    remarks = sorted(remark_key(r) for r in register.remarks)
    before = read_manifest(manifest_path) if manifest is None else manifest
    if in_shape(before) and before.get("fingerprint") == fingerprint and \
            all(p.exists() for p in expected):
        summary.unchanged = True
        if before.get("departments") != register.department_codes or \
                before.get("held", []) != summary.held or before.get("remarks") != remarks \
                or before.get("read_against") != read_against:
            # what lets the next quiet nights be short: the register's department codes and
            # remarks (not kept by an earlier version), the files left to wait in the inbox
            # tonight, and why the period is read against a kept register
            before["departments"] = register.department_codes
            before["held"] = summary.held
            before["remarks"] = remarks
            before.pop("read_against", None)
            if read_against is not None:
                before["read_against"] = read_against
            atomic_write_bytes(manifest_path, json.dumps(before, ensure_ascii=False, indent=2)
                               .encode("utf-8"))
        lapsed_as_written(summary, before, arrivals, archive)
        _drop_lapsed(summary, register)
        name_refused(summary, rows)
        return

    accepted: dict[str, SubmissionData] = {}
    issues: list[Issue] = []
    counts: dict[Arrival, tuple[int, int]] = {}  # errors, warnings now
    # Files that an earlier run took from the inbox but stopped (killed, disk full) before
    # writing the outputs: the controller has not been told of them, so tonight's run does.
    # (Without a manifest, a first night or an emptied outbox, there is nothing to go by.)
    written = {(i.get("name"), i.get("folder"), i.get("sha256"), i.get("received"))
               for i in before.get("inputs", []) if isinstance(i, dict)}
    tonight = {a.identity for a, _ in summary.new}
    untold: list[tuple[Arrival, Report]] = []
    for arrival, state in rows:
        report, data = (None, None) if arrival.verdict == DUPLICATE else \
            fresh.get(arrival) or load_judged(archive, register, period, arrival, own)
        if before and arrival.identity not in tonight and (
                arrival.name, arrival.folder, arrival.sha256, arrival.received) not in written:
            untold.append((arrival, report or Report(file=arrival.name)))
            if arrival.quarantine is not None:  # told as tonight's are, with where it lies
                summary.quarantined[arrival.sha256] = archive.quarantine_path(arrival.sha256)
        if report is not None and report.quarantine is not None and arrival.quarantine is None:
            # archived by an earlier version, whose checks let it through as a workbook: this
            # version finds it harmful (a DTD in a part not named .xml), so it joins the
            # quarantine (its ledger line stays as it was written)
            summary.quarantined[arrival.sha256] = archive.to_quarantine(arrival.sha256)
            summary.harmful.append((arrival, report.quarantine))
        if report is not None:
            counts[arrival] = (len(report.errors), len(report.warnings))
        if report is not None and state != SUPERSEDED:
            # a file refused before its _meta was trusted belongs to its drop folder (`_take`);
            # a report from the cache may carry the name of a copy of the same bytes, checked
            # (and cached) later as a Dubblett: the issues are this arrival's
            issues.extend(replace(i, department=i.department or arrival.department,
                                  file=arrival.name) for i in report.issues)
        if state not in (SUPERSEDED, DUPLICATE) and counted.get(arrival.department or "") \
                is arrival:
            if data is not None:
                accepted[arrival.department or ""] = data
            elif report is not None:  # accepted then, but the register has changed since
                summary.lapsed.append((arrival, len(report.errors)))
        winner = counted.get(arrival.department or "")
        if state == SUPERSEDED and winner is not None and winner.run == arrival.run:
            # two files the same night: the one saved last counts, and the department is told
            same_night = make("file_superseded_same_night",
                              avdelning=register.department_names.get(winner.department or "",
                                                                      winner.department),
                              period=period, fil1=arrival.name, fil2=winner.name)
            issues.append(replace(same_night, department=arrival.department,
                                  file=arrival.name))
    summary.new[:0] = untold
    summary.untold = {a.identity for a, _ in untold}
    _drop_lapsed(summary, register)
    name_refused(summary, rows)
    summary.replaced = _replaced(rows, counted)
    for code, earlier in summary.replaced.items():
        replaces = make("file_replaces", period=period, datum=earlier.received[:10])
        issues.append(replace(replaces, department=code, file=counted[code].name))
    issues.extend(register.committee_remarks)  # last: Datakvalitet lists them under Registret
    with archive.phase("merge"):
        merged, previous = merge_with_previous(archive, register, period, accepted, arrivals)
    as_of = data_as_of(register, period, counted)
    submissions = _submissions_frame(
        rows, counted, counts, {a.identity for a, _ in summary.harmful},
        archive.released(arrivals, {a.sha256 for a, _ in summary.harmful}))
    issue_frame = pd.DataFrame(
        [{"department": i.department, "file": i.file, "severity": i.severity.value,
          "sheet": i.sheet or "", "cell": i.cell or "", "message": i.message}
         for i in issues],
        columns=["department", "file", "severity", "sheet", "cell", "message"])

    from .publish.workbook import write_workbook

    with archive.phase("workbook"), atomic_write(workbook_path) as tmp:
        write_workbook(tmp, register, merged, submissions, issue_frame, as_of=as_of,
                       previous=previous)
    summary.outputs.append(workbook_path)
    if settings.report:
        from .publish.report import write_report as write_docx

        with archive.phase("report"), atomic_write(report_path) as tmp:
            write_docx(tmp, register, merged, as_of=as_of, refused=summary.refused,
                       activities=settings.report_activities, previous=previous)
        summary.outputs.append(report_path)
    manifest = {
        "version": MANIFEST_VERSION, "period": period, "fingerprint": fingerprint,
        "malsystem": installed_version(),  # which version judged the files (`pipeline status`)
        "register": {"path": str(register.source), "sha256": register.checksum},
        "inputs": [{"name": a.name, "folder": a.folder, "sha256": a.sha256,
                    "received": a.received, "department": a.department, "state": state,
                    "counts": counted.get(a.department or "") is a,
                    # as judged tonight, for `pipeline status` (Inlämningar shows the same)
                    "errors": int(errors), "warnings": int(warnings)}
                   for (a, state), errors, warnings in zip(
                       rows, submissions["errors"], submissions["warnings"], strict=True)],
        "outputs": [{"path": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                    for p in summary.outputs],
        "missing": summary.missing,
        "departments": register.department_codes,  # for a night with nothing new to read
        "held": summary.held,  # and the files it may pass over
        "remarks": remarks,  # and the register remarks it must have told
        "lapsed": [{"department": a.department, "name": a.name, "sha256": a.sha256,
                    "errors": errors} for a, errors in summary.lapsed],
        # and the files an earlier version archived that this one put in quarantine
        "harmful": [{"department": a.department, "name": a.name, "sha256": a.sha256,
                     "received": a.received, "quarantine": code}
                    for a, code in summary.harmful],
    }
    if read_against is not None:  # and why the period is read against a kept register
        manifest["read_against"] = read_against
    atomic_write_bytes(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2)
                       .encode("utf-8"))
    summary.outputs.append(manifest_path)


def _judged_again(arrivals: list[Arrival], new: list[Arrival]
                  ) -> dict[tuple[str, str, str, int], Arrival]:
    """Of the `new` files, those judged although the same bytes were put in quarantine on an
    earlier line of the ledger for the same period (taken out of it since, or judged in
    another context), with that quarantined line: told from the ledger, also on a later
    night. (The ledger's order, not the run times: two runs may start in the same second.)"""
    wanted = {a.identity for a in new if a.verdict != DUPLICATE}
    quarantined: dict[tuple[str, str | None], Arrival] = {}
    found = {}
    for a in arrivals:
        before = quarantined.get((a.sha256, a.period))
        if a.identity in wanted and before is not None:
            found[a.identity] = before
        if a.quarantine is not None:
            quarantined[(a.sha256, a.period)] = a
    return found


def _replaced(rows: list[tuple[Arrival, str]], counted: dict[str, Arrival]
              ) -> dict[str, Arrival]:
    """Per department, the accepted file of an earlier night that the counting one replaced
    (the latest such; files of the same night are told apart by `file_superseded_same_night`)."""
    replaced: dict[str, Arrival] = {}
    for arrival, state in sorted(rows, key=lambda row: order_key(row[0])):
        winner = counted.get(arrival.department or "")
        if state == SUPERSEDED and winner is not None and arrival.run < winner.run:
            replaced[winner.department or ""] = arrival
    return replaced


def _submissions_frame(rows: list[tuple[Arrival, str]], counted: dict[str, Arrival],
                       counts: dict[Arrival, tuple[int, int]],
                       harmful: set[tuple[str, str, str, int]] | None = None,
                       released: set[str] | None = None) -> pd.DataFrame:
    """Inlämningar. counts: each file's errors and warnings as judged now (against tonight's
    register), the ones Datakvalitet lists; the ledger's are from when it came in. harmful:
    the files an earlier version archived that this one put in quarantine. released: the
    checksums of quarantined files taken out of quarantine since (`Archive.released`): their
    line stays Karantän, and the note below the table says they are no longer there."""
    import pandas as pd

    records = []
    for a, state in rows:
        # a copy's one notice is its state, Dubblett: nothing Datakvalitet lists
        errors, warnings = (0, 0) if a.verdict == DUPLICATE else \
            counts.get(a, (a.errors, a.warnings))
        state = judged_now(state, errors, warnings)  # beside the counts it is shown with
        if state == Verdict.REJECTED.value and a.quarantine is not None or \
                a.identity in (harmful or ()):
            state = SubmissionState.QUARANTINED.value  # as `pipeline status` says it
        records.append({
            "department": a.department, "file": a.name, "folder": a.folder,
            "received": dt.datetime.fromisoformat(a.received),
            "saved_at": pd.Timestamp(a.saved_at).tz_localize(None) if a.saved_at else pd.NaT,
            "sha256": a.sha256, "state": state, "counts": counted.get(a.department or "") is a,
            "errors": errors, "warnings": warnings,
            "released": state == SubmissionState.QUARANTINED.value
            and a.sha256 in (released or ())})
    columns = ["department", "file", "folder", "received", "saved_at", "sha256", "state",
               "counts", "errors", "warnings", "released"]
    return pd.DataFrame(records, columns=columns)


def installed_version() -> str:
    from importlib.metadata import version

    return version("malsystem")


def outputs_fingerprint(register_sha: str, period: str, arrivals: list[Arrival], report: bool,
                        report_activities: str = "all") -> str:
    """What the period's outputs are made from: the register, and the files of the period and
    of the periods before it, with their states (the earlier ones give Föregående status, and
    a late file counted for one of them with `--period` must show in this period's outputs),
    and the settings that shape them (a changed report_activities writes the report anew;
    the default adds nothing, so the fingerprints of earlier nights still hold)."""
    parts = [register_sha, period, str(report), installed_version()]
    if report and report_activities != "all":
        parts.append(f"report_activities={report_activities}")
    for each in sorted({a.period for a in arrivals if a.period and a.period <= period}):
        rows, _ = states(arrivals, each)
        parts += [f"{each}:{a.sha256}:{a.received}:{state}" for a, state in rows]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def lapsed_as_written(summary: RunSummary, manifest: dict[str, Any], arrivals: list[Arrival],
                       archive: Archive) -> None:
    """On a night that leaves the outputs as they are: the counted files that the night which
    wrote them found no longer pass, told again and not counted; and those of an earlier
    version's files it put in quarantine."""
    for item in manifest.get("harmful", []):
        if not isinstance(item, dict) or not isinstance(item.get("quarantine"), str):
            continue
        found = next((a for a in arrivals if a.sha256 == item.get("sha256")
                      and a.name == item.get("name") and a.received == item.get("received")),
                     None)
        if found is not None:
            summary.harmful.append((found, item["quarantine"]))
            summary.quarantined[found.sha256] = archive.quarantine_path(found.sha256)
    for item in manifest.get("lapsed", []):
        arrival = summary.counted.get(item.get("department") or "")
        if arrival is not None and arrival.sha256 == item.get("sha256"):
            summary.lapsed.append((arrival, int(item.get("errors") or 0)))
            summary.counted.pop(arrival.department or "")


def _drop_lapsed(summary: RunSummary, register: Register) -> None:
    """A counted file that no longer passes against the register does not count: its
    department is missing from the outputs, and said to be (`RunSummary.lapsed`)."""
    for arrival, _ in summary.lapsed:
        summary.counted.pop(arrival.department or "", None)
    summary.missing = [c for c in register.department_codes if c not in summary.counted]


def name_refused(summary: RunSummary, rows: list[tuple[Arrival, str]]) -> None:
    """Of the departments without a file that counts, those that handed in only refused files
    (a department whose accepted file lapsed is told about on its own line)."""
    refused = tried(rows) - {a.department for a, _ in summary.lapsed}
    summary.refused = [c for c in summary.missing if c in refused]


def tried(rows: list[tuple[Arrival, str]]) -> set[str | None]:
    """Departments that handed in a file that was refused."""
    return {a.department for a, state in rows if state == Verdict.REJECTED.value}

