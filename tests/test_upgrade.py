"""The controller's upgrade: an archive and outbox written by version 0.1.0 (commit 5c93f47),
read by this version. The old archive's shape is written here as that version wrote it (its
ledger lines, its manifest without "remarks", its lock file), not made by running it."""

import hashlib
import json

import openpyxl

from pipeline.archive import Archive
from tests.conftest import EXAMPLE_REGISTER
from tests.corpus import dtd_in_part_not_named_xml, rezip, zip_parts
from tests.test_run import SUBMISSIONS, inlamningar, run, sheet_rows

PERSONNUMMER = "19121212-1212"  # Skatteverket's test number: a valid check digit


def _source(code: str) -> bytes:
    return next((SUBMISSIONS / code).glob("*.xlsx")).read_bytes()


def _with_personnummer(content: bytes, tmp_path) -> bytes:
    path = tmp_path / "soc.xlsx"
    path.write_bytes(content)
    book = openpyxl.load_workbook(path)
    book["Aktiviteter"]["I2"] = f"Genomfört enligt plan. Kontakt: Anna Svensson {PERSONNUMMER}."
    book.save(path)
    return path.read_bytes()


def _macros(content: bytes) -> bytes:
    parts = zip_parts(content)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    return rezip(parts)


def old_archive(workspace, files: list[dict]) -> Archive:
    """An archive and outbox as version 0.1.0 left them after its nights: per file the
    ledger line it wrote (`quarantine` only on a quarantined file's line), the bytes under
    files/ (or quarantine/), a validation cache of version 2, the lock file with its last
    holder, and a manifest without "remarks", whose outputs exist (and show what that version
    showed)."""
    archive = Archive(workspace / "archive")
    lines, inputs = [], []
    for f in files:
        content, sha = f["content"], hashlib.sha256(f["content"]).hexdigest()
        quarantine = f.get("quarantine")
        path = archive.quarantine_path(sha) if quarantine else archive.blob_path(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        line = {"department": f["department"], "errors": f.get("errors", 0),
                "folder": f["department"], "key": "0" * 64, "mtime_ns": 1795386672857514316,
                "name": f["name"], "period": "2024-T2", "received": f["received"],
                "run": f["received"], "saved_at": "2024-08-30T12:00:00+00:00",
                "sha256": sha, "size": len(content), "verdict": f["verdict"],
                "warnings": f.get("warnings", 0)}
        if quarantine:
            line["quarantine"] = quarantine
        lines.append(json.dumps(line, ensure_ascii=False, sort_keys=True))
        inputs.append({"name": f["name"], "folder": f["department"], "sha256": sha,
                       "received": f["received"], "department": f["department"],
                       "state": f["verdict"], "counts": f["verdict"] != "Ej godkänd",
                       "errors": f.get("errors", 0), "warnings": f.get("warnings", 0)})
        (archive.root / "cache").mkdir(exist_ok=True)
        (archive.root / "cache" / f"{sha}-{'0' * 16}-v2.pkl").write_bytes(b"not for v3")
    archive.ledger_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (archive.root / ".lock").write_text("process 32436, startad 2024-09-09T02:00:00",
                                        encoding="utf-8")
    outbox = workspace / "outbox"
    outbox.mkdir()
    book = openpyxl.Workbook()
    book.active.append(["Genomfört enligt plan. Kontakt: Anna Svensson " + PERSONNUMMER])
    book.save(outbox / "sammanstallning_2024-T2.xlsx")
    manifest = {"version": 1, "period": "2024-T2", "fingerprint": "1" * 64,
                "register": {"path": str(EXAMPLE_REGISTER), "sha256": hashlib.sha256(
                    EXAMPLE_REGISTER.read_bytes()).hexdigest()}, "inputs": inputs,
                "outputs": [{"path": "sammanstallning_2024-T2.xlsx", "sha256": "3" * 64}],
                "missing": [], "departments": ["STAB", "EKO", "UTB", "SBA", "SOC"],
                "held": [], "lapsed": []}
    (outbox / "manifest_2024-T2.json").write_text(json.dumps(manifest, indent=2),
                                                  encoding="utf-8")
    return archive


def test_a_file_the_earlier_version_accepted_that_this_one_finds_harmful_goes_to_quarantine(
        workspace):
    """0.1.0 scanned only parts named .xml for a DTD: a sheet part named .dat with one was
    accepted and archived under files/ as .xlsx. This version finds it harmful: the first
    night after the upgrade says so with the security warning (not that the register has
    changed), moves its bytes to the quarantine, and Inlämningar and `pipeline status` say
    Karantän."""
    harmful = dtd_in_part_not_named_xml(_source("STAB"))
    archive = old_archive(workspace, [
        {"department": "STAB", "name": "stab.xlsx", "content": harmful,
         "received": "2024-09-01T02:00:00", "verdict": "Godkänd med anmärkningar",
         "warnings": 2},
        {"department": "EKO", "name": "eko.xlsx", "content": _source("EKO"),
         "received": "2024-09-01T02:00:00", "verdict": "Godkänd"},
    ])
    sha = hashlib.sha256(harmful).hexdigest()
    before = archive.ledger_path.read_text(encoding="utf-8")

    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert "Säkerhetsvarning till administratören: STAB/stab.xlsx" in result.output
    assert "karantän" in result.output
    assert "Rätta registret" not in result.output
    assert "Saknas: " in result.output and "STAB" in result.output.split("Saknas: ")[1]
    assert not archive.blob_path(sha).exists()  # no harmful .xlsx left in files/
    assert archive.quarantine_path(sha).read_bytes() == harmful  # nothing lost
    assert archive.ledger_path.read_text(encoding="utf-8") == before
    assert "stab.xlsx | STAB | 2024-09-01 02:00:00 | 2024-08-30 12:00:00 | Karantän | Nej" \
        in inlamningar(workspace)
    summary = {r[4]: r for r in sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx",
                                            "Sammanfattning") if r[4]}
    assert summary["Stab"][5] == "Karantän", summary

    status = run(workspace, "status")
    assert status.exit_code == 0, status.output
    assert "Karantän: STAB/stab.xlsx" in status.output
    assert str(archive.quarantine_path(sha)) in status.output
    assert "stämmer inte längre med registret" not in status.output

    again = run(workspace, "run")  # a quiet night: still told, from the manifest
    assert again.exit_code == 0, again.output
    assert "Inget har ändrats" in again.output
    assert "STAB/stab.xlsx" in again.output and "Rätta registret" not in again.output

    (archive.root / "cache").rename(archive.root / "cache-deleted")  # the cache is disposable
    (workspace / "outbox" / "manifest_2024-T2.json").unlink()
    rebuilt = run(workspace, "run")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Karantän" in inlamningar(workspace)


def test_the_first_night_after_the_upgrade_rewrites_the_outputs_from_the_old_archive(
        workspace, tmp_path):
    """The archive 0.1.0 left (a personnummer in an accepted file's comment, a replaced file,
    a quarantined macro file, a refused one, its cache of version 2, its lock file, a manifest
    without "remarks"): the first night writes the outputs anew, masked and with this
    version's words, and loses nothing; the night after is a quiet one."""
    soc = _with_personnummer(_source("SOC"), tmp_path)
    archive = old_archive(workspace, [
        {"department": "SOC", "name": "soc.xlsx", "content": soc,
         "received": "2024-09-01T02:00:00", "verdict": "Godkänd"},
        {"department": "EKO", "name": "eko.xlsx", "content": _source("EKO"),
         "received": "2024-09-01T02:00:00", "verdict": "Godkänd"},
        {"department": "EKO", "name": "eko2.xlsx", "content": _source("EKO") + b"\0",
         "received": "2024-09-05T02:00:00", "verdict": "Ej godkänd", "errors": 1},
        {"department": "SBA", "name": "sba.xlsm", "content": _macros(_source("SBA")),
         "received": "2024-09-05T02:00:00", "verdict": "Ej godkänd", "errors": 1,
         "quarantine": "file_macros"},
        {"department": "UTB", "name": "utb.xlsx", "content": _source("UTB"),
         "received": "2024-09-01T02:00:00", "verdict": "Godkänd"},
        {"department": "UTB", "name": "utb2.xlsx", "content": _source("UTB")[:-7] + b"changed",
         "received": "2024-09-05T02:00:00", "verdict": "Ej godkänd", "errors": 1},
    ])
    before = archive.ledger_path.read_text(encoding="utf-8")

    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert "Inget har ändrats" not in result.output
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    texts = " ".join(str(v) for sheet in ("Aktiviteter", "Datakvalitet")
                     for row in sheet_rows(book, sheet) for v in row if v is not None)
    assert PERSONNUMMER not in texts
    assert "Anna Svensson [personnummer borttaget]" in texts
    assert "innehåller ett personnummer" in texts  # judged anew: cache v2 not read
    shown = inlamningar(workspace)
    assert "sba.xlsm | SBA" in shown and "| Karantän | Nej" in shown
    assert "soc.xlsx | SOC" in shown
    manifest = json.loads((workspace / "outbox" / "manifest_2024-T2.json").read_text("utf-8"))
    assert "remarks" in manifest
    assert archive.ledger_path.read_text(encoding="utf-8") == before
    assert "Inget har ändrats" in run(workspace, "run").output


def test_status_before_the_first_night_says_the_judgments_are_the_earlier_versions(
        workspace, tmp_path):
    """Upgraded in the morning, `pipeline status` before the night: the remarks it shows are
    the ones the earlier version found (no personnummer remark yet), and it says so; after the
    night, which judged every file anew, it does not."""
    old_archive(workspace, [
        {"department": "SOC", "name": "soc.xlsx", "received": "2024-09-01T02:00:00",
         "content": _with_personnummer(_source("SOC"), tmp_path), "verdict": "Godkänd"}])
    status = run(workspace, "status")
    assert status.exit_code == 0, status.output
    assert "Målsystem har uppdaterats sedan den senaste körningen" in status.output
    assert "nästa körning läser alla filer på nytt" in status.output
    assert run(workspace, "run").exit_code == 0
    after = run(workspace, "status")
    assert "har uppdaterats" not in after.output
    assert "soc.xlsx, 1 anmärkning)" in after.output  # the personnummer remark, judged anew


def test_a_harmful_file_of_the_earlier_version_deleted_from_quarantine_stops_with_what_to_do(
        workspace):
    """A file 0.1.0 accepted is judged from its bytes on every night that reads the files
    anew: its copy in quarantine removed by hand (README says to leave it) stops such a
    night with what is missing and what to do, not a traceback."""
    harmful = dtd_in_part_not_named_xml(_source("STAB"))
    archive = old_archive(workspace, [
        {"department": "STAB", "name": "stab.xlsx", "content": harmful,
         "received": "2024-09-01T02:00:00", "verdict": "Godkänd"}])
    assert run(workspace, "run").exit_code == 0
    sha = hashlib.sha256(harmful).hexdigest()
    archive.quarantine_path(sha).unlink()
    status = run(workspace, "status").output
    assert (f"Kopian i karantänen ({archive.quarantine_path(sha)}) saknas. Den är den enda "
            "kopian av en fil som en tidigare version godkände: lägg tillbaka den där, annars "
            "stannar nästa körning som läser periodens filer på nytt.") in status
    assert "Karantän: STAB/stab.xlsx" in status and "Den ligger i" not in status
    for cached in (archive.root / "cache").iterdir():
        cached.unlink()
    (workspace / "outbox" / "manifest_2024-T2.json").unlink()
    result = run(workspace, "run")
    assert result.exit_code == 2, result.output
    assert f"Arkivet saknar filen med kontrollsumma {sha}" in result.output
    assert "Lägg tillbaka den där den låg" in result.output


def test_a_cache_key_bumped_for_a_release_is_not_read_as_the_old_one(tmp_path):
    """Last year's comments are cached under 'reported-statuses-2', bumped to '-3' so that a
    personnummer typed with a space is masked: the cache named a key by its first 16
    characters, the same for both, and the old comments, the number unmasked, were read on."""
    archive = Archive(tmp_path / "archive")
    digest = "ab" * 32
    archive.cache(digest, "reported-statuses-2", ["Ring 850312 1231"])
    assert archive.cached(digest, "reported-statuses-2") == ["Ring 850312 1231"]
    assert archive.cached(digest, "reported-statuses-3") is None
