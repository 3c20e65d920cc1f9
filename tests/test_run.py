"""The nightly run through the CLI: nothing lost, latest wins, atomic and repeatable."""

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import time

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.archive import Archive, run_lock
from pipeline.cli import main
from tests.conftest import EXAMPLE, EXAMPLE_REGISTER, change_register, remove_department

SUBMISSIONS = EXAMPLE / "inlamningar"


def run(workspace, *args):
    return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), *args],
                              catch_exceptions=False)


def drop(workspace, code, name=None, source=None, folder=True):
    source = source or next((SUBMISSIONS / code).glob("*.xlsx"))
    target_dir = workspace / "inbox" / code if folder else workspace / "inbox"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / (name or source.name)
    shutil.copy(source, target)
    return target


def sheet_rows(path, sheet):
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def inlamningar(workspace):
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Inlämningar")
    return "\n".join(" | ".join("" if v is None else str(v) for v in r) for r in rows)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_night_archives_every_file_and_writes_the_workbook(workspace):
    dropped = {code: drop(workspace, code) for code in ("STAB", "EKO", "UTB", "SBA", "SOC")}
    digests = {code: sha(p) for code, p in dropped.items()}
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert "Saknas" not in result.output
    assert not any(p.exists() for p in dropped.values())  # inbox emptied
    archive = Archive(workspace / "archive")
    for digest in digests.values():
        blob = archive.blob_path(digest)
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == digest
    arrivals = archive.arrivals()
    assert sorted(a.department for a in arrivals) == ["EKO", "SBA", "SOC", "STAB", "UTB"]
    outbox = workspace / "outbox"
    assert (outbox / "sammanstallning_2024-T2.xlsx").exists()
    manifest = json.loads((outbox / "manifest_2024-T2.json").read_text())
    assert {i["sha256"] for i in manifest["inputs"]} == set(digests.values())
    status = run(workspace, "status")
    assert status.exit_code == 0
    for code in ("STAB", "EKO", "UTB", "SBA", "SOC"):
        assert code in status.output
    assert "saknas" not in status.output


def test_a_run_with_nothing_new_keeps_the_same_outputs(workspace):
    drop(workspace, "SOC")
    assert run(workspace, "run").exit_code == 0
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    before = book.read_bytes()
    again = run(workspace, "run")
    assert again.exit_code == 0
    assert "Inget har ändrats" in again.output
    assert book.read_bytes() == before
    book.unlink()  # an output lost: rebuilt from the archive, identical
    assert run(workspace, "run").exit_code == 0
    assert book.read_bytes() == before


@pytest.mark.parametrize("edit", [{"remarks": [["A", 1]]}, {"remarks": "x"},
                                  {"outputs": [{"sökväg": "x.xlsx"}]}, {"register": "x"}])
def test_a_manifest_edited_by_hand_means_a_full_run_not_a_traceback(workspace, edit):
    drop(workspace, "SOC")
    assert run(workspace, "run").exit_code == 0
    path = workspace / "outbox" / "manifest_2024-T2.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **edit}), encoding="utf-8")
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert "Inget har ändrats" not in result.output and "manifest_2024-T2.json" in result.output
    assert "Inget har ändrats" in run(workspace, "run").output  # written anew, as it should be


def test_the_first_night_after_an_upgrade_writes_the_outputs_anew(workspace, monkeypatch):
    """A new version may show the same files otherwise (masked identity numbers, Karantän):
    the night after the controller upgrades is no "oförändrad" one."""
    import importlib.metadata

    drop(workspace, "SOC")
    assert run(workspace, "run").exit_code == 0
    assert "Inget har ändrats" in run(workspace, "run").output
    installed = importlib.metadata.version

    def upgraded(name: str) -> str:
        return "99.0.0" if name == "malsystem" else installed(name)

    monkeypatch.setattr(importlib.metadata, "version", upgraded)
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert "Inget har ändrats" not in result.output
    assert "Skrev" in result.output and "sammanstallning_2024-T2.xlsx" in result.output
    assert "Inget har ändrats" in run(workspace, "run").output  # and quiet again after it


def test_a_newer_accepted_file_supersedes_the_older(workspace, tmp_path, monkeypatch):
    drop(workspace, "SOC", name="forsta.xlsx")
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T02:00:00")
    assert run(workspace, "run").exit_code == 0
    newer = tmp_path / "andra.xlsx"
    book = openpyxl.load_workbook(next((SUBMISSIONS / "SOC").glob("*.xlsx")))
    book["Aktiviteter"]["I2"] = "Uppdaterad kommentar."
    book.save(newer)
    drop(workspace, "SOC", source=newer)
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-11T02:00:00")
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert "SOC/andra.xlsx: Godkänd; ersätter " \
           "inlämningen 2024-09-10 (forsta.xlsx)" in result.output
    text = inlamningar(workspace)
    assert "forsta.xlsx" in text and "Ersatt" in text
    assert "andra.xlsx" in text
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Aktiviteter")
    assert any("Uppdaterad kommentar." in [str(v) for v in r] for r in rows)
    told = [(r[1], r[5]) for r in sheet_rows(
        workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Datakvalitet")
        if "ersätter" in str(r[5])]
    assert told == [("andra.xlsx", "Den här filen ersätter er tidigare inlämning för 2024-T2 "
                                   "från 2024-09-10. Det är den senaste filen som gäller.")]
    assert_remarks_agree(workspace)


def assert_remarks_agree(workspace):
    """Each file's Anmärkningar on Inlämningar are the rows Datakvalitet lists for it as
    Anmärkning: a notice about which file counts (it replaces an earlier one, two came the
    same night) is Information, and does not make a file "Godkänd med anmärkningar"."""
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    quality = sheet_rows(book, "Datakvalitet")
    submissions = [r for r in sheet_rows(book, "Inlämningar")[1:] if r[1] and r[7] is not None]
    assert submissions
    for row in submissions:
        if row[5] == "Dubblett":
            continue
        listed = [q for q in quality if q[1] == row[1]]
        assert row[8] == sum(q[2] == "Anmärkning" for q in listed), (row, listed)
        assert row[7] == sum(q[2] == "Fel" for q in listed), (row, listed)
    notices = [q for q in quality if "ersätter er tidigare" in str(q[5])
               or "samma natt" in str(q[5])]
    assert notices and all(q[2] == "Information" for q in notices), notices


def test_a_rejected_newer_file_does_not_displace_the_accepted_one(workspace, tmp_path):
    drop(workspace, "UTB", name="godkand.xlsx")
    assert run(workspace, "run").exit_code == 0
    broken = tmp_path / "trasig.xlsx"
    book = openpyxl.load_workbook(next((SUBMISSIONS / "UTB").glob("*.xlsx")))
    book["Aktiviteter"]["H2"] = "pågånde"
    book.save(broken)
    drop(workspace, "UTB", source=broken)
    result = run(workspace, "run")
    assert result.exit_code == 1
    assert "trasig.xlsx: Ej godkänd" in result.output
    feedback = workspace / "outbox" / "feedback" / "UTB_2024-T2_fel.xlsx"
    assert feedback.exists()
    fel = "\n".join(str(r) for r in sheet_rows(feedback, "Fel"))
    assert "pågånde" in fel and "H2" in fel
    status = run(workspace, "status").output
    assert "godkand.xlsx" in status and "trasig.xlsx" in status
    assert "Ej godkänd" in inlamningar(workspace)


def broken_copy(tmp_path, code, name, cells):
    book = openpyxl.load_workbook(next((SUBMISSIONS / code).glob("*.xlsx")))
    for ref, value in cells.items():
        book["Aktiviteter"][ref] = value
    path = tmp_path / name
    book.save(path)
    return path


def test_two_refused_files_of_a_department_each_get_feedback_until_one_is_accepted(
        workspace, tmp_path):
    """Neither feedback is lost to the other; the newest has the usual name. Once the
    department's file is accepted, the copies that say it is refused are gone."""
    first = drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "forsta.xlsx",
                                                      {"H2": "pågånde"}))
    second = drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "andra försök.xlsx",
                                                       {"H3": "klart"}))
    set_saved_time(first, "2024-09-10T08:00:00")
    set_saved_time(second, "2024-09-10T09:00:00")
    result = run(workspace, "run")
    assert result.exit_code == 1
    feedback = workspace / "outbox" / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == [
        "UTB_2024-T2_fel.xlsx", "UTB_2024-T2_fel_forsta.xlsx"]
    newest = "\n".join(str(r) for r in sheet_rows(feedback / "UTB_2024-T2_fel.xlsx", "Fel"))
    older = "\n".join(str(r) for r in sheet_rows(feedback / "UTB_2024-T2_fel_forsta.xlsx", "Fel"))
    assert "klart" in newest and "pågånde" not in newest
    assert "pågånde" in older and "klart" not in older
    assert f"Återkoppling: {feedback / 'UTB_2024-T2_fel_forsta.xlsx'}" in result.output

    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    assert len(list(feedback.iterdir())) == 2  # another department's file: UTB's stay
    drop(workspace, "UTB", name="rattad.xlsx")
    assert run(workspace, "run").exit_code == 0
    assert list(feedback.iterdir()) == []


def test_a_file_refused_as_a_whole_never_replaces_the_copy_of_the_report(workspace, tmp_path):
    """UTB's report is refused and gets its marked copy. A PDF and last period's template
    dropped in its folder afterwards are refused too, each with a copy of its own; the
    report's copy stays as it was until UTB hands in its report again."""
    drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "rapport.xlsx",
                                              {"H2": "pågånde"}))
    assert run(workspace, "run").exit_code == 1
    feedback = workspace / "outbox" / "feedback"
    report_copy = feedback / "UTB_2024-T2_fel.xlsx"
    before = report_copy.read_bytes()

    (workspace / "inbox" / "UTB" / "protokoll.pdf").write_bytes(b"%PDF-1.7 ...")
    t1 = broken_copy(tmp_path, "UTB", "T1.xlsx", {})
    book = openpyxl.load_workbook(t1)
    meta = book["_meta"]
    period_row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "Period")
    meta.cell(period_row, 2).value = "2024-T1"
    book.save(workspace / "inbox" / "UTB" / "T1.xlsx")
    assert run(workspace, "run").exit_code == 1
    assert report_copy.read_bytes() == before
    # last period's template is about last period's report: its copy bears that period
    assert sorted(p.name for p in feedback.iterdir()) == [
        "UTB_2024-T1_fel.xlsx", "UTB_2024-T2_fel.xlsx", "UTB_2024-T2_fel_protokoll.xlsx"]

    drop(workspace, "UTB", name="rattad.xlsx")
    assert run(workspace, "run").exit_code == 0
    assert [p.name for p in feedback.iterdir()] == ["UTB_2024-T1_fel.xlsx"]  # still refused


def test_earlier_feedback_goes_also_for_a_department_code_with_an_underscore(
        workspace, register_copy):
    """SOC_IFO_2024-T2_fel.xlsx is SOC_IFO's, not a department "SOC"'s."""
    import datetime as dt

    from pipeline.samples import fill_template
    from tests.conftest import change_register

    path, _ = register_copy

    def rename(book):
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and "SOC" in cell.value.split(";"):
                        cell.value = ";".join("SOC_IFO" if part == "SOC" else part
                                              for part in cell.value.split(";"))

    change_register(path, rename)
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(path)))
    out = workspace / "mallar"
    assert run(workspace, "templates", "--department", "SOC_IFO", "--out", str(out)).exit_code == 0
    (workspace / "inbox" / "SOC_IFO").mkdir()
    fill_template(out / "SOC_IFO_2024-T2_mall.xlsx", workspace / "inbox" / "SOC_IFO" / "ifo.xlsx",
                  department="SOC_IFO", period_end=dt.date(2024, 8, 31))
    feedback = workspace / "outbox" / "feedback"
    feedback.mkdir(parents=True)
    (feedback / "SOC_IFO_2024-T2_fel.xlsx").write_bytes(b"from an earlier night")
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert list(feedback.iterdir()) == []


def test_feedback_that_could_not_be_written_is_written_the_next_night(workspace, tmp_path):
    """The department is told before the file leaves the inbox: a night that cannot write
    the feedback keeps the file, and the next night judges it again and tells."""
    target = drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "trasig.xlsx",
                                                       {"H2": "pågånde"}))
    (workspace / "outbox").mkdir(exist_ok=True)
    (workspace / "outbox" / "feedback").write_text("en fil där mappen ska vara")
    result = run(workspace, "run")
    assert result.exit_code == 2
    assert target.exists() and Archive(workspace / "archive").arrivals() == []
    (workspace / "outbox" / "feedback").unlink()
    result = run(workspace, "run")
    assert result.exit_code == 1
    assert (workspace / "outbox" / "feedback" / "UTB_2024-T2_fel.xlsx").exists()
    assert [a.verdict for a in Archive(workspace / "archive").arrivals()] == ["Ej godkänd"]


def test_outputs_are_readable_as_the_umask_allows(workspace, tmp_path):
    """Not only by the account that ran the night (mkstemp's 0600): the committee and the
    departments open them from a shared folder."""
    old = os.umask(0o022)
    try:
        drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "trasig.xlsx",
                                                  {"H2": "pågånde"}))
        drop(workspace, "EKO")
        assert run(workspace, "run").exit_code == 1
    finally:
        os.umask(old)
    outbox = workspace / "outbox"
    written = [outbox / "sammanstallning_2024-T2.xlsx", outbox / "feedback" / "UTB_2024-T2_fel.xlsx",
               *(outbox.glob("manifest_*.json"))]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {"0o644"}
    workbook = outbox / "sammanstallning_2024-T2.xlsx"
    workbook.chmod(0o640)  # the controller's own choice is kept when the file is replaced
    drop(workspace, "SOC")
    run(workspace, "run")
    assert oct(stat.S_IMODE(workbook.stat().st_mode)) == "0o640"


def test_an_identical_resubmission_is_recognised(workspace):
    drop(workspace, "EKO", name="eko.xlsx")
    assert run(workspace, "run").exit_code == 0
    drop(workspace, "EKO", name="eko igen.xlsx")
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert "EKO/eko igen.xlsx: Dubblett (Filen eko igen.xlsx är identisk med EKO/eko.xlsx, " \
           "som lämnades in " in result.output
    assert "(godkänd). Inget nytt har lästs in.)" in result.output
    assert "Dubblett" in inlamningar(workspace)
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Inlämningar")
    copy = next(r for r in rows if "Dubblett" in r)
    assert copy[7:9] == [0, 0]  # no warning that Datakvalitet would not list
    assert len(Archive(workspace / "archive").arrivals()) == 2
    assert len(list((workspace / "archive" / "files").rglob("*.xlsx"))) == 1


def test_datakvalitet_names_the_file_that_counts_not_a_later_copy_of_it(workspace, tmp_path):
    """A copy handed in under another name is a Dubblett; the remarks listed for the
    department still name the file that counts (the copy's check, cached under the same
    checksum, once put its own name on them)."""
    remarked = broken_copy(tmp_path, "EKO", "eko.xlsx", {"H2": "Försenad", "I2": None})
    drop(workspace, "EKO", name="eko.xlsx", source=remarked)
    assert "Godkänd med anmärkningar" in run(workspace, "run").output
    drop(workspace, "EKO", name="eko kopia.xlsx", source=remarked)
    assert "Dubblett" in run(workspace, "run").output
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Datakvalitet")
    files = {row[1] for row in rows[1:] if row[0] == "Ekonomiavdelningen"}
    assert files == {"eko.xlsx"}


def test_a_file_in_another_departments_folder_is_refused_and_archived(workspace):
    source = next((SUBMISSIONS / "SOC").glob("*.xlsx"))
    target = drop(workspace, "EKO", name="fel mapp.xlsx", source=source)
    digest = sha(target)
    result = run(workspace, "run")
    assert result.exit_code == 1
    assert "fel mapp.xlsx: Ej godkänd" in result.output
    # the department that handed in is not told as missing, tonight nor on a quiet night
    for output in (result.output, run(workspace, "run").output):
        assert "Ingen godkänd fil: EKO\nSaknas: STAB, UTB, SBA, SOC\n" in output
    assert Archive(workspace / "archive").blob_path(digest).exists()
    fel = "\n".join(str(r) for r in sheet_rows(
        workspace / "outbox" / "feedback" / "EKO_2024-T2_fel.xlsx", "Fel"))
    assert 'inkorgen för "EKO"' in fel
    status = run(workspace, "status").output
    assert "EKO    Ekonomiavdelningen: ingen godkänd fil" in status
    assert "SOC    Sociala avdelningen: saknas" in status


def test_a_missing_department_is_reported(workspace):
    for code in ("STAB", "EKO", "UTB", "SBA"):
        drop(workspace, code)
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert "Saknas: SOC" in result.output
    status = run(workspace, "status").output
    assert "SOC    Sociala avdelningen: saknas" in status
    summary = "\n".join(str(r) for r in sheet_rows(
        workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Sammanfattning"))
    assert "Sociala avdelningen" in summary


def test_the_report_tells_a_refused_department_from_one_that_sent_nothing(workspace,
                                                                          tmp_path):
    from docx import Document

    for code in ("STAB", "EKO", "UTB"):
        drop(workspace, code)
    broken = tmp_path / "trasig.xlsx"
    book = openpyxl.load_workbook(next((SUBMISSIONS / "SBA").glob("*.xlsx")))
    book["Aktiviteter"]["H2"] = "pågånde"
    book.save(broken)
    drop(workspace, "SBA", source=broken)
    expected = ("Uppgifter saknas från Samhällsbyggnadsavdelningen och Sociala avdelningen. "
                "Samhällsbyggnadsavdelningens rapport har lämnats in men inte godkänts. Deras")
    assert run(workspace, "run", "--report").exit_code == 1
    path = workspace / "outbox" / "tertialrapport_2024-T2.docx"
    for night in ("run", "report"):
        if night == "report":
            path.unlink()
            assert run(workspace, "report").exit_code == 0
        texts = [p.text for p in Document(str(path)).paragraphs]
        assert any(expected in t for t in texts), (night, [t for t in texts if "saknas" in t])


def test_files_directly_in_the_inbox_are_taken_on_their_meta(workspace):
    drop(workspace, "SBA", folder=False)
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["SBA"]


def test_lock_files_and_files_still_being_written_wait(workspace):
    target = drop(workspace, "STAB", name="stab.xlsx")
    (target.parent / "~$stab.xlsx").write_bytes(b"owner")
    (workspace / "inbox" / ".~lock.annan.xlsx#").write_text("lock")
    (workspace / "inbox" / "A1B2C3D4").write_bytes(b"excel temp")
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert target.exists() and "stab.xlsx" in result.output  # named as waiting
    assert Archive(workspace / "archive").arrivals() == []
    # Excel's owner file of a long name has the name's first two letters replaced
    (target.parent / "~$stab.xlsx").rename(target.parent / "~$ab.xlsx")
    assert run(workspace, "run").exit_code == 0
    assert target.exists() and Archive(workspace / "archive").arrivals() == []
    (target.parent / "~$ab.xlsx").unlink()
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace("settle_seconds = 0", "settle_seconds = 3600"))
    assert run(workspace, "run").exit_code == 0
    assert target.exists()  # changed less than an hour ago: left for the next night


def test_a_file_left_open_night_after_night_is_named_with_what_to_do(workspace, monkeypatch):
    target = drop(workspace, "STAB", name="stab.xlsx")
    lock = target.parent / "~$stab.xlsx"
    lock.write_bytes(b"owner")
    told = ("STAB/stab.xlsx: Filen stab.xlsx har varit öppen i Excel/LibreOffice varje gång vi "
            "försökt läsa den (2 nätter i rad). Stäng filen, så läser vi in den nästa natt.")

    def night(when):
        monkeypatch.setenv("PIPELINE_NOW", when)
        result = run(workspace, "run")
        assert result.exit_code == 0, result.output
        return result.output

    first = night("2024-09-10T02:00:00")
    assert "STAB/stab.xlsx" in first and "har varit öppen" not in first
    assert "har varit öppen" not in night("2024-09-10T14:00:00")  # the same day: one night
    assert told in night("2024-09-11T02:00:00")
    assert "STAB   Stab: saknas; STAB/stab.xlsx var öppen i Excel/LibreOffice vid senaste " \
           "körningen (2 nätter i rad)" in run(workspace, "status").output
    assert "3 nätter i rad" in night("2024-09-12T02:00:00")
    lock.unlink()  # closed at last: read the next night, and forgotten
    taken = night("2024-09-13T02:00:00")
    assert "har varit öppen" not in taken and not target.exists()
    assert "öppen i Excel" not in run(workspace, "status").output
    drop(workspace, "STAB", name="stab.xlsx")  # handed in again, and left open again
    lock.write_bytes(b"owner")
    (workspace / "archive" / "open_files.json").write_text("{not json")  # damaged: start over
    assert "har varit öppen" not in night("2024-09-14T02:00:00")
    assert "2 nätter i rad" in night("2024-09-15T02:00:00")


def cut_off_copy(workspace, hours_ago):
    """SOC's file, its copy broken off after 5000 bytes, last written `hours_ago`."""
    target = workspace / "inbox" / "SOC" / "halv.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()[:5000])
    then = time.time() - hours_ago * 3600
    os.utime(target, (then, then))
    return target


def test_a_copy_broken_off_waits_a_night_before_it_is_refused(workspace):
    target = cut_off_copy(workspace, hours_ago=1)
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert "Väntar till nästa körning" in result.output and "SOC/halv.xlsx" in result.output
    assert target.exists() and Archive(workspace / "archive").arrivals() == []
    then = time.time() - 21 * 3600  # the next night: still the same broken copy
    os.utime(target, (then, then))
    result = run(workspace, "run")
    assert result.exit_code == 1 and "SOC/halv.xlsx: Ej godkänd" in result.output
    assert not target.exists()
    assert (workspace / "outbox" / "feedback" / "SOC_2024-T2_fel.xlsx").exists()


def test_a_refused_unreadable_file_is_listed_under_its_folders_department(workspace):
    cut_off_copy(workspace, hours_ago=48)
    assert run(workspace, "run").exit_code == 1
    drop(workspace, "EKO")  # the next night reads the refusal back from the archive's cache
    assert run(workspace, "run").exit_code == 0
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Datakvalitet")
    refused = [r for r in rows if r[1] == "halv.xlsx"]
    assert refused and all(r[0] == "Sociala avdelningen" for r in refused), refused


def test_a_file_with_macros_or_unsafe_xml_is_told_to_the_administrator_too(workspace):
    from tests import corpus

    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(corpus.macros_vba_project(valid))
    (workspace / "inbox" / "SOC" / "xxe.xlsx").write_bytes(corpus.dtd_entities(valid))
    drop(workspace, "EKO")
    result = run(workspace, "run")
    assert result.exit_code == 1
    notices = [line for line in result.output.splitlines()
               if "till administratören:" in line.lower()]
    assert len(notices) == 2, result.output  # not for EKO's ordinary file
    assert "SOC/makro.xlsm innehåller makron" in notices[0]
    assert "SOC/xxe.xlsx innehåller DTD eller entiteter" in notices[1]
    assert "angripa systemet" in notices[1] and "karantän" in notices[1]
    log = (workspace / "archive" / "log.jsonl").read_text(encoding="utf-8")
    assert log.count('"admin_notice"') == 2


def test_a_file_with_macros_or_unsafe_xml_is_quarantined_and_never_opened_again(
        workspace, register_copy, monkeypatch):
    """BAD_INPUTS F10 and F12: the bytes are kept, apart, and no library opens them again: not
    for the department's feedback, not when the register changes and every file's verdict is
    told anew."""
    from tests import corpus

    path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(path)))
    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    hostile = {"makro.xlsm": corpus.macros_vba_project(valid),
               "xxe.xlsx": corpus.dtd_entities(valid)}
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    for name, content in hostile.items():
        (workspace / "inbox" / "SOC" / name).write_bytes(content)
    drop(workspace, "EKO")
    result = run(workspace, "run")
    assert result.exit_code == 1
    archive = Archive(workspace / "archive")
    for name, content in hostile.items():
        digest = hashlib.sha256(content).hexdigest()
        kept = archive.quarantine_path(digest)
        assert kept.read_bytes() == content  # nothing lost, byte for byte
        assert not archive.blob_path(digest).exists()
        line = next(x for x in result.output.splitlines() if f"SOC/{name} innehåller" in x)
        assert line.startswith("Säkerhetsvarning till administratören:")
        assert f"ligger i karantän: {kept}" in line and "Öppna den inte" in line
    log = [json.loads(x) for x in archive.log_path.read_text(encoding="utf-8").splitlines()]
    assert sorted(e["name"] for e in log if e["event"] == "quarantined") == sorted(hostile)
    assert {a.name: a.quarantine for a in archive.arrivals()} == {
        "makro.xlsm": "file_macros", "xxe.xlsx": "file_unsafe_xml",
        next((SUBMISSIONS / "EKO").glob("*.xlsx")).name: None}
    for feedback in (workspace / "outbox" / "feedback").glob("SOC_*.xlsx"):
        # what to do, on the Fel sheet alone: nothing copied out of the file
        assert openpyxl.load_workbook(feedback).sheetnames == ["Fel"]
    status = run(workspace, "status").output
    assert "Karantän: SOC/makro.xlsm (SOC," in status and "innehåller makron" in status
    (workspace / "inbox" / "SOC" / "igen.xlsm").write_bytes(hostile["makro.xlsm"])
    again = run(workspace, "run").output  # handed in again: a copy, and still a warning
    assert "SOC/igen.xlsm: Dubblett" in again
    assert "Säkerhetsvarning till administratören: SOC/igen.xlsm innehåller makron" in again
    assert "Karantän: SOC/xxe.xlsx (SOC," in status and "öppna den inte" in status

    import pipeline.intake

    opened = pipeline.intake.parse_submission
    quarantined = {hashlib.sha256(c).hexdigest() for c in hostile.values()}

    def guarded(content, *, name):
        assert hashlib.sha256(content).hexdigest() not in quarantined, f"{name} was opened"
        return opened(content, name=name)

    monkeypatch.setattr(pipeline.intake, "parse_submission", guarded)
    change_register(path, lambda book: book["Inställningar"].cell(2, 2, "Ånge kommun"))
    result = run(workspace, "run")  # every verdict told anew against the edited register
    assert result.exit_code == 0, result.output
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Datakvalitet")
    assert any("makro.xlsm innehåller makron" in str(r) for r in rows)
    assert any("xxe.xlsx innehåller tekniskt innehåll" in str(r) for r in rows)


def test_a_later_file_taken_out_of_quarantine_is_said_so_on_sammanfattning(workspace,
                                                                           monkeypatch):
    """A department's accepted file counts; a later file of its went to quarantine and the
    administrator has taken it out since: Sammanfattning's note on the department no longer
    says that later file is in quarantine."""
    from tests import corpus

    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    drop(workspace, "SOC")
    monkeypatch.setenv("PIPELINE_NOW", "2024-08-30T02:00")
    assert run(workspace, "run").exit_code == 0
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(corpus.macros_vba_project(valid))
    monkeypatch.setenv("PIPELINE_NOW", "2024-08-31T02:00")  # a later night: a later file
    run(workspace, "run")
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    soc = {r[4]: r for r in sheet_rows(book, "Sammanfattning") if r[4]}["Sociala avdelningen"]
    assert soc[9] == "En senare fil godkändes inte: makro.xlsm (i karantän).", soc
    [kept] = (workspace / "archive" / "quarantine").glob("*.bin")
    kept.rename(workspace / kept.name)
    drop(workspace, "STAB")
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-01T02:00")
    assert run(workspace, "run").exit_code == 0
    soc = {r[4]: r for r in sheet_rows(book, "Sammanfattning") if r[4]}["Sociala avdelningen"]
    assert soc[5] == "Godkänd", soc
    assert soc[9] == ("En senare fil godkändes inte: makro.xlsm (i karantän, sedan tagen ur "
                      "den)."), soc


def test_a_quarantined_file_is_karantan_on_inlamningar_as_in_pipeline_status(workspace):
    """The committee and the controller see the same word: a file with macros is no error for
    its department to mend in a cell but a security matter (Karantän), on the workbook's
    Inlämningar as in `pipeline status` and the night's own line; the department still has no
    accepted file."""
    from tests import corpus

    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(corpus.macros_vba_project(valid))
    drop(workspace, "UTB", name="trasig.xlsx", source=corpus_file(workspace, "UTB"))
    night = run(workspace, "run")
    assert night.exit_code == 1
    assert "  SOC/makro.xlsm: Karantän (se säkerhetsvarningen nedan)\n" in night.output
    assert "  UTB/trasig.xlsx: Ej godkänd (1 fel, 0 anmärkningar)\n" in night.output
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    rows = {r[1]: r for r in sheet_rows(book, "Inlämningar")[1:] if r[1]}
    assert rows["makro.xlsm"][5] == "Karantän", rows["makro.xlsm"]
    assert rows["trasig.xlsx"][5] == "Ej godkänd"  # an ordinary refusal keeps its word
    note = inlamningar(workspace)
    assert "Karantän: filen kan skada den som öppnar den" in note, note
    status = run(workspace, "status").output
    assert "Karantän: SOC/makro.xlsm" in status
    soc = next(line for line in status.splitlines() if line.startswith("SOC "))
    assert soc.startswith("SOC    Sociala avdelningen: ingen godkänd fil; senaste (makro.xlsm, ")
    assert soc.endswith(") ligger i karantän"), soc
    # the committee's first sheet says the same word, and does not count it as a refusal
    # with errors to mend ("Ingen godkänd fil: 0 fel")
    rows = sheet_rows(book, "Sammanfattning")
    summary = {r[4]: r for r in rows if r[4]}
    assert summary["Sociala avdelningen"][5:10] == [
        "Karantän", summary["Sociala avdelningen"][6], None, "makro.xlsm",
        "Ingen godkänd fil: filen ligger i karantän, se fliken Inlämningar."], summary
    assert summary["Utbildningsavdelningen"][5] == "Ej godkänd"
    lines = [r[4] for r in rows if r[4] and ":" in str(r[4])]
    assert "Karantän (ingen godkänd fil): Sociala avdelningen." in lines, lines
    assert "Ej godkänd (ingen godkänd fil): Utbildningsavdelningen." in lines, lines

    # the administrator takes the file out of quarantine and nobody hands it in again: at the
    # next full night Sammanfattning no longer says the file lies in quarantine
    [kept] = (workspace / "archive" / "quarantine").glob("*.bin")
    kept.rename(workspace / kept.name)
    drop(workspace, "STAB")
    assert run(workspace, "run").exit_code == 0
    summary = {r[4]: r for r in sheet_rows(book, "Sammanfattning") if r[4]}
    assert summary["Sociala avdelningen"][9] == (
        "Ingen godkänd fil: filen lades i karantän och har sedan tagits ur karantänen, men "
        "har inte lämnats in på nytt. Se fliken Inlämningar."), summary["Sociala avdelningen"]


def test_a_later_file_in_quarantine_is_named_so_on_sammanfattning(workspace, monkeypatch):
    """A department whose accepted file counts, and whose later file went to quarantine: the
    committee's first sheet names the later file with the word Inlämningar uses."""
    from tests import corpus

    monkeypatch.setenv("PIPELINE_NOW", "2024-09-01T02:00")
    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-02T02:00")
    eko = next((SUBMISSIONS / "EKO").glob("*.xlsx")).read_bytes()
    (workspace / "inbox" / "EKO" / "makro.xlsm").write_bytes(corpus.macros_vba_project(eko))
    assert run(workspace, "run").exit_code == 1
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    summary = {r[4]: r for r in sheet_rows(book, "Sammanfattning") if r[4]}
    assert summary["Ekonomiavdelningen"][5] == "Godkänd", summary
    assert summary["Ekonomiavdelningen"][9] == \
        "En senare fil godkändes inte: makro.xlsm (i karantän).", summary


def test_a_file_taken_out_of_quarantine_is_judged_afresh_when_handed_in_again(
        workspace, monkeypatch, tmp_path):
    """A scan too wide put a sound file in quarantine; handed in again unchanged, it is a copy
    of a quarantined file and joins it, night after night. The controller takes it out of
    quarantine by moving its .bin away: the next hand-in of the same bytes is judged afresh
    (and counts), the ledger keeps every earlier line as written, and `pipeline status`, the
    night and a night rebuilt from the ledger say what happened."""
    import pipeline.intake

    content = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    archive = Archive(workspace / "archive")
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    with monkeypatch.context() as wide:  # a scan that takes every sheet for a DTD
        wide.setattr(pipeline.intake, "_UNSAFE_UTF8", (b"<!DOCTYPE", b"<sheetData"))
        (workspace / "inbox" / "SOC" / "soc.xlsx").write_bytes(content)
        assert "SOC/soc.xlsx: Karantän" in run(workspace, "run").output
    (workspace / "inbox" / "SOC" / "soc.xlsx").write_bytes(content)  # the scan mended
    trapped = run(workspace, "run").output
    assert "SOC/soc.xlsx: Dubblett" in trapped and "Säkerhetsvarning" in trapped, trapped
    kept = archive.quarantine_path(digest)
    assert kept.read_bytes() == content

    before = archive.ledger_path.read_text(encoding="utf-8")
    kept.rename(tmp_path / kept.name)  # the controller takes it out of quarantine
    status = run(workspace, "status").output
    assert "Karantän: SOC/soc.xlsx" in status
    assert f"Den har tagits ur karantänen ({kept} finns inte längre); lämnas samma fil in " \
           "igen bedöms den på nytt." in status, status
    assert "öppna den inte" not in status
    quiet = run(workspace, "run")  # nothing new: the outputs are as they were
    assert quiet.exit_code == 0 and "Inget har ändrats" in quiet.output, quiet.output

    (workspace / "inbox" / "SOC" / "soc.xlsx").write_bytes(content)
    night = run(workspace, "run")
    assert night.exit_code == 0, night.output
    line = next(x for x in night.output.splitlines() if x.startswith("  SOC/soc.xlsx"))
    assert line.startswith("  SOC/soc.xlsx: Godkänd; samma fil lämnades in "), line
    assert line.endswith("och lades då i karantän; den har nu bedömts på nytt"), line
    assert "Säkerhetsvarning" not in night.output
    assert "Gäller: SOC (soc.xlsx" in night.output
    assert archive.blob_path(digest).read_bytes() == content and not kept.exists()
    after = archive.ledger_path.read_text(encoding="utf-8")
    assert after.startswith(before)  # append-only: the quarantined lines stay as written
    assert [a.verdict for a in archive.arrivals()] == ["Ej godkänd", "Dubblett", "Godkänd"]
    log = [json.loads(x) for x in archive.log_path.read_text(encoding="utf-8").splitlines()]
    assert [e["name"] for e in log if e["event"] == "judged_again"] == ["soc.xlsx"]
    status = run(workspace, "status").output
    soc = next(x for x in status.splitlines() if x.startswith("SOC "))
    assert soc.startswith("SOC    Sociala avdelningen: Godkänd, "), soc
    assert "Den har tagits ur karantänen; samma fil lämnades in på nytt " in status, status
    assert "(SOC/soc.xlsx) och är godkänd." in status, status

    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"

    def states():
        return sorted(r[5:7] for r in sheet_rows(book, "Inlämningar")[1:4])

    assert states() == [["Dubblett", "Nej"], ["Godkänd", "Ja"], ["Karantän", "Nej"]]
    # the Karantän line's note says where its file is now, not "ligger avskild i arkivet"
    note = " ".join(inlamningar(workspace).replace(" | ", " ").split())
    assert "Karantän, sedan tagen ur karantänen: soc.xlsx. Filen lades i karantän och " \
           "lästes inte in; administratören har sedan tagit den ur karantänen." in note, note
    assert "ligger avskild" not in note, note
    shutil.rmtree(workspace / "outbox")  # a night rebuilt from the ledger tells the same
    rebuilt = run(workspace, "run")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Gäller: SOC (soc.xlsx" in rebuilt.output and "Säkerhetsvarning" not in rebuilt.output
    assert states() == [["Dubblett", "Nej"], ["Godkänd", "Ja"], ["Karantän", "Nej"]]
    assert "ligger avskild" not in inlamningar(workspace)


def test_a_file_with_real_macros_taken_out_of_quarantine_goes_back_when_handed_in(workspace):
    """Taking a file out of quarantine is no pass: its next hand-in is scanned as any file."""
    from tests import corpus

    content = corpus.macros_vba_project(next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes())
    kept = Archive(workspace / "archive").quarantine_path(hashlib.sha256(content).hexdigest())
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(content)
    assert run(workspace, "run").exit_code == 1
    kept.unlink()  # deleted rather than moved
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(content)
    night = run(workspace, "run")
    assert night.exit_code == 1
    line = next(x for x in night.output.splitlines() if x.startswith("  SOC/makro.xlsm"))
    assert line.startswith("  SOC/makro.xlsm: Karantän (se säkerhetsvarningen nedan); samma "
                           "fil lämnades in "), line
    assert "Säkerhetsvarning till administratören: SOC/makro.xlsm innehåller makron" \
        in night.output
    assert kept.read_bytes() == content  # back in quarantine, byte for byte
    status = run(workspace, "status").output
    assert status.count(f"Den ligger i {kept}; öppna den inte.") == 2, status
    note = inlamningar(workspace)  # both lines' file is kept apart again, as the note says
    assert "ligger avskild i" in note and "sedan tagen ur" not in note, note


def test_released_is_one_test_for_the_night_the_workbook_and_status(tmp_path):
    """A quarantined file (its ledger line has the code) whose .bin is gone has been taken
    out of quarantine; one whose .bin is there has not; a file never in quarantine never
    was; and the bytes of a file an earlier version archived, put in quarantine later
    (`harmful`), are lost when their .bin is gone, not released: `pipeline status` says to
    put that copy back (tests/test_upgrade.py), as the night that needs it stops."""
    from pipeline.archive import Arrival

    archive = Archive(tmp_path / "archive")

    def line(sha, quarantine=None, verdict="Ej godkänd"):
        return Arrival(run="2024-09-01T02:00:00", received="2024-09-01T01:00:00",
                       name=f"{sha[:3]}.xlsx", folder="SOC", sha256=sha, size=1, mtime_ns=1,
                       department="SOC", period="2024-T2", verdict=verdict, errors=1,
                       warnings=0, saved_at=None, quarantine=quarantine)

    held, taken_out, harmful, sound = "a" * 64, "b" * 64, "c" * 64, "d" * 64
    archive.store(b"held", held, quarantine=True)
    arrivals = [line(held, "file_macros"), line(taken_out, "file_macros"),
                line(taken_out, "file_macros", "Dubblett"), line(harmful, verdict="Godkänd"),
                line(harmful, "file_unsafe_xml", "Dubblett"), line(sound, verdict="Godkänd")]
    assert archive.released(arrivals) == {taken_out, harmful}  # as the night reads the inbox
    assert archive.released(arrivals, {harmful}) == {taken_out}  # as status and Inlämningar


def test_a_full_night_removes_an_earlier_versions_xlsx_beside_a_quarantine_copy(workspace):
    """An archive upgraded through a version that put a copy in quarantine without removing
    the .xlsx 0.1.0 had archived of the same bytes: a harmful workbook lay in files/, to be
    opened by a double-click, until the same bytes came in again. A full night removes it once
    the quarantine copy's checksum is verified; never when that copy is missing or altered
    (it would be the only one), nor for bytes taken out of quarantine and accepted since."""
    from tests import corpus

    content = corpus.macros_vba_project(next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes())
    digest = hashlib.sha256(content).hexdigest()
    archive = Archive(workspace / "archive")
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(content)
    assert run(workspace, "run").exit_code == 1
    kept, blob = archive.quarantine_path(digest), archive.blob_path(digest)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(content)  # as the earlier version left it beside the quarantine copy

    kept.write_bytes(content[:-1] + b"x")  # the quarantine copy altered: not the same bytes
    drop(workspace, "EKO")  # a full night
    assert "Inget har ändrats" not in run(workspace, "run").output
    assert blob.read_bytes() == content
    kept.write_bytes(content)
    drop(workspace, "UTB")
    assert "Inget har ändrats" not in run(workspace, "run").output
    assert not blob.exists() and kept.read_bytes() == content
    log = [json.loads(x) for x in archive.log_path.read_text(encoding="utf-8").splitlines()]
    assert [e["sha256"] for e in log if e["event"] == "quarantine_tidied"] == [digest]
    assert "Den ligger i" in run(workspace, "status").output

    kept.unlink()  # taken out of quarantine (and lost): nothing beside it to remove
    blob.write_bytes(content)
    drop(workspace, "STAB")
    run(workspace, "run")
    assert blob.read_bytes() == content


def test_a_copy_of_a_macro_file_an_earlier_version_archived_is_a_security_warning(workspace):
    """A ledger line written before quarantine existed has no quarantine key, and the file's
    bytes lie among the archive's files. A copy of it handed in now was a Dubblett without a
    word to the administrator. The copy is judged as every file in the inbox is, and found
    to have macros: it joins the quarantine with its warning, and from then on the earlier
    line's file (the same bytes) is told as quarantined too, never read again."""
    from tests import corpus

    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    content = corpus.macros_vba_project(valid)
    digest = hashlib.sha256(content).hexdigest()
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(content)
    assert run(workspace, "run").exit_code == 1
    archive = Archive(workspace / "archive")  # as an earlier version left it:
    lines = [json.loads(x) for x in archive.ledger_path.read_text().splitlines()]
    archive.ledger_path.write_text("".join(  # no quarantine key,
        json.dumps({k: v for k, v in line.items() if k != "quarantine"}) + "\n"
        for line in lines))
    archive.blob_path(digest).parent.mkdir(parents=True)  # the bytes among the files
    archive.quarantine_path(digest).rename(archive.blob_path(digest))
    assert "Karantän" not in run(workspace, "status").output

    (workspace / "inbox" / "SOC" / "igen.xlsm").write_bytes(content)
    output = run(workspace, "run").output
    assert "SOC/igen.xlsm: Dubblett" in output, output
    assert "Säkerhetsvarning till administratören: SOC/igen.xlsm innehåller makron" in output
    assert archive.quarantine_path(digest).read_bytes() == content
    assert not archive.blob_path(digest).exists()  # no harmful .xlsx left beside it
    assert "Karantän: SOC/makro.xlsm (SOC," in run(workspace, "status").output
    states = {r[1]: r[5] for r in sheet_rows(
        workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Inlämningar")[1:] if r[1]}
    assert states["makro.xlsm"] == "Karantän" and states["igen.xlsm"] == "Dubblett", states


def dtd_found_late(valid):
    """A file with an embedded object and a DTD in a sheet with a merge (which defusedxml
    parses): with the byte scan blind to it, refused as unsafe after the parts' remarks were
    found."""
    from tests import corpus

    parts = corpus.zip_parts(corpus.embedded_object(corpus.dtd_entities(valid)))
    part = corpus.sheet_part(valid, "Aktiviteter")
    parts[part] = parts[part].replace(
        b"</worksheet>", b'<mergeCells count="1"><mergeCell ref="Z1:Z2"/></mergeCells>'
                         b"</worksheet>")
    return corpus.rezip(parts)


def test_a_quarantined_file_is_told_alike_on_its_first_night_and_on_a_rebuilt_one(
        workspace, monkeypatch):
    """A rebuilt night (the outbox deleted) tells a quarantined file from its ledger line,
    never from its bytes: its first night told the same and no more. The remarks found in its
    parts before its DTD was ("De har inte lästs in; bara cellerna … räknas") presumed a file
    that is read; nothing of a quarantined file is."""
    import pipeline.intake

    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "sen.xlsx").write_bytes(dtd_found_late(valid))
    with monkeypatch.context() as patch:  # found by defusedxml, the scan's second line
        patch.setattr(pipeline.intake, "_UNSAFE_UTF8", ())
        patch.setattr(pipeline.intake, "_UNSAFE_MARKERS", ())
        first = run(workspace, "run")
    assert "Säkerhetsvarning till administratören: SOC/sen.xlsx" in first.output, first.output
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"

    def told():
        return ([r for r in sheet_rows(book, "Datakvalitet") if r[1] == "sen.xlsx"],
                [r[5:9] for r in sheet_rows(book, "Inlämningar") if r[1] == "sen.xlsx"])

    night = told()
    shutil.rmtree(workspace / "outbox")
    assert "Inga nya filer" in run(workspace, "run").output
    assert told() == night
    quality, [(state, _, errors, warnings)] = night
    assert (state, errors, warnings) == ("Karantän", 1, 0), night
    assert [r[2] for r in quality] == ["Fel"] and "säkerhetsskäl" in quality[0][5], quality


def corpus_file(workspace, code):
    """A department's example file with an error: a status no list has."""
    broken = workspace / f"{code}_trasig.xlsx"
    book = openpyxl.load_workbook(next((SUBMISSIONS / code).glob("*.xlsx")))
    book["Aktiviteter"]["H2"] = "pågånde"
    book.save(broken)
    return broken


def test_a_refused_file_leaves_nothing_on_stderr_for_the_cron_mail(workspace):
    """A number no date can be in a date cell makes calamine's Rust code print a panic (and,
    with RUST_BACKTRACE set, its backtrace) to stderr, and openpyxl warns about it when the
    feedback copy is made: both go to the log. On stderr they read as the night's crash."""
    import subprocess
    import sys

    from tests import corpus

    valid = next((SUBMISSIONS / "STAB").glob("*.xlsx")).read_bytes()
    (workspace / "inbox" / "STAB").mkdir(parents=True)
    (workspace / "inbox" / "STAB" / "datum.xlsx").write_bytes(
        corpus.date_huge_negative_number(valid))
    result = subprocess.run([sys.executable, "-m", "pipeline", "--config",
                             str(workspace / "pipeline.toml"), "run"], capture_output=True,
                            text=True, env={**os.environ, "RUST_BACKTRACE": "1"}, timeout=300)
    assert result.returncode == 1 and "STAB/datum.xlsx: Ej godkänd (1 fel" in result.stdout
    assert result.stderr == ""
    log = (workspace / "archive" / "log.jsonl").read_text(encoding="utf-8")
    assert "TimeDelta" in log and "outside the limits for dates" in log


def test_files_in_a_folder_that_is_no_department_are_named_and_left(workspace):
    target = drop(workspace, "SOC")
    wrong = workspace / "inbox" / "soc"
    target.parent.rename(wrong)  # the controller typed the folder's name in lower case
    (workspace / "inbox" / "Kultur").mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        (workspace / "inbox" / "Kultur" / name).write_bytes(b"x")
    result = run(workspace, "run")
    assert result.exit_code == 0
    assert "Mappen soc i inkorgen hör inte till någon avdelning i registret, så filen där har " \
           "inte lästs. Byt namn på mappen till SOC" in result.output
    assert "Mappen Kultur i inkorgen hör inte till någon avdelning i registret, så de 2 filerna " \
           "där har inte lästs. Byt namn på mappen till en avdelningskod" in result.output
    assert (wrong / target.name).exists()  # left as it was: nothing lost, nothing read
    assert Archive(workspace / "archive").arrivals() == []


def test_a_folder_inside_a_departments_folder_is_named_every_night(workspace):
    """inbox/EKO/gammalt/ is not read (an old file kept there must not be handed in by
    mistake), but the controller is told, also on a night with nothing else new."""
    drop(workspace, "STAB")
    old = workspace / "inbox" / "EKO" / "gammalt"
    old.mkdir(parents=True)
    shutil.copy(next((SUBMISSIONS / "EKO").glob("*.xlsx")), old / "ekonomi tertial 2.xlsx")
    told = ("Mappen EKO/gammalt i inkorgen läses inte, så filen i den har inte lästs in. Flytta "
            "den fil som ska lämnas in direkt till mappen EKO.")
    for _night in range(2):
        result = run(workspace, "run")
        assert result.exit_code == 0, result.output
        assert told in result.output
    assert "sammanställningen är oförändrad" in result.output
    assert (old / "ekonomi tertial 2.xlsx").exists()
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["STAB"]


def test_a_file_without_an_extension_is_read_but_not_excels_temporary_save(workspace):
    drop(workspace, "STAB", name="Stab T2 2024")
    drop(workspace, "SOC", name="20240831")  # a date, not Excel's temporary name
    drop(workspace, "EKO", name="4A3F9C21")  # Excel, halfway through a save
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert "STAB/Stab T2 2024: Godkänd" in result.output
    assert "SOC/20240831: Godkänd" in result.output
    assert "4A3F9C21" not in result.output
    assert (workspace / "inbox" / "EKO" / "4A3F9C21").exists()


def test_files_never_read_are_logged(workspace):
    """BAD_INPUTS F15, "ignore (log)": a department's report saved as a hidden file or as a
    .tmp is never read, and the log is where the controller finds why."""
    drop(workspace, "EKO", name="4A3F9C21")
    drop(workspace, "SOC", name=".Sociala T2.xlsx")
    drop(workspace, "STAB", name="stab.xlsx.tmp", folder=False)
    run(workspace, "run")
    log = [json.loads(line) for line in
           (workspace / "archive" / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    [ignored] = [e["names"] for e in log if e["event"] == "files_ignored"]
    assert sorted(ignored) == ["EKO/4A3F9C21", "SOC/.Sociala T2.xlsx", "stab.xlsx.tmp"]
    assert Archive(workspace / "archive").arrivals() == []


def test_an_inbox_that_is_not_there_stops_the_run_with_exit_2(workspace):
    """Not "no new files" every night, which cron would never question."""
    (workspace / "inbox").rmdir()
    result = run(workspace, "run")
    assert result.exit_code == 2
    assert f"Inkorgen {workspace / 'inbox'} finns inte." in result.output
    assert f"Inkorgen {workspace / 'inbox'} finns inte." in run(workspace, "status").output
    (workspace / "inbox").write_text("")
    result = run(workspace, "run")
    assert result.exit_code == 2
    assert "är en fil, inte en mapp" in result.output


@pytest.mark.parametrize("command", ["run", "report"])
def test_a_second_run_or_a_report_exits_2_while_the_lock_is_held(workspace, command):
    """The report too: written beside a night's run, it could replace the night's report
    with an older one."""
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text() + "lock_wait_seconds = 0.5\n")
    with run_lock(workspace / "archive", 0):
        result = CliRunner().invoke(main, ["--config", str(config), command])
    assert result.exit_code == 2
    assert "En annan körning pågår redan" in result.output
    assert not (workspace / "outbox" / "tertialrapport_2024-T2.docx").exists()


def test_what_a_killed_run_left_half_written_is_swept_by_the_next(workspace):
    """A run killed while writing leaves its temporary file (on a Windows share a visible
    one); the next run removes those an hour old, never one being written now."""
    outbox = workspace / "outbox"
    (outbox / "feedback").mkdir(parents=True)
    old = [outbox / ".sammanstallning_2024-T2.xlsx.k2j4_x9a.tmp",
           outbox / "feedback" / ".UTB_2024-T2_fel.xlsx.abcdefgh.tmp"]
    fresh = outbox / ".tertialrapport_2024-T2.docx.zzzzzzzz.tmp"
    mine = outbox / "anteckningar.tmp"
    for path in (*old, fresh, mine):
        path.write_bytes(b"")
    hours_ago = time.time() - 2 * 3600
    for path in (*old, mine):
        os.utime(path, (hours_ago, hours_ago))
    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    assert [p.exists() for p in (*old, fresh, mine)] == [False, False, True, True]


def test_a_late_file_for_the_previous_period_can_still_be_counted_for_it(workspace,
                                                                         monkeypatch):
    """The controller moved on to T3 before SOC's T2 file, handed in on time, was read: it is
    refused for T3; the run says how to count it for T2, and doing so counts it as received
    when it first came in (in time), under its own name."""
    target = drop(workspace, "SOC", name="sen T2.xlsx")
    digest = sha(target)
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace('period = "2024-T2"', 'period = "2024-T3"'))
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-12T02:00")  # the T2 deadline is 2024-09-16
    result = run(workspace, "run")
    assert result.exit_code == 1
    copy = Archive(workspace / "archive").blob_path(digest)
    assert ("SOC/sen T2.xlsx: gäller 2024-T2, en tidigare period än den som samlas in nu "
            f"(2024-T3). "
            f"Ska filen räknas för 2024-T2: kopiera {copy} till {target} och kör pipeline run "
            "--period 2024-T2.") in result.output
    shutil.copy(copy, target)
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-20T02:00")
    result = run(workspace, "run", "--period", "2024-T2")
    assert result.exit_code == 0, result.output
    assert "SOC/sen T2.xlsx: Godkänd" in result.output
    assert "Gäller: SOC (sen T2.xlsx, 2024-09-12 02:00)" in result.output
    status = run(workspace, "status", "--period", "2024-T2").output
    assert "(försenad)" not in next(line for line in status.splitlines()
                                    if line.startswith("SOC"))


def test_a_late_file_counted_for_its_own_period_is_no_refused_report_of_the_current_one(
        workspace, monkeypatch):
    """SOC's T2 report came in after the move to T3 and was refused there; once the
    controller has counted it for T2, T3's status, night and workbook no longer say that SOC
    handed in a refused T3 file: SOC has not handed in for T3 at all."""
    target = drop(workspace, "SOC", name="sen T2.xlsx")
    digest = sha(target)
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace('period = "2024-T2"', 'period = "2024-T3"'))
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-20T02:00")
    assert run(workspace, "run").exit_code == 1
    shutil.copy(Archive(workspace / "archive").blob_path(digest), target)
    assert run(workspace, "run", "--period", "2024-T2").exit_code == 0
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-21T02:00")
    night = run(workspace, "run")
    assert night.exit_code == 0, night.output
    assert "Ingen godkänd fil" not in night.output
    assert "Saknas: STAB, EKO, UTB, SBA, SOC" in night.output
    status = run(workspace, "status").output
    assert "SOC    Sociala avdelningen: saknas" in status.splitlines()
    summary = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T3.xlsx",
                         "Sammanfattning")
    soc = next(r for r in summary if "Sociala avdelningen" in r)
    assert "Ej godkänd" not in soc and "Saknas" in soc


def test_wrong_period_is_refused(workspace):
    drop(workspace, "SOC")
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace('period = "2024-T2"', 'period = "2024-T3"'))
    result = run(workspace, "run")
    assert result.exit_code == 1
    fel = "\n".join(str(r) for r in sheet_rows(
        workspace / "outbox" / "feedback" / "SOC_2024-T2_fel.xlsx", "Fel"))
    assert "Filen gäller 2024-T2, men nu samlar vi in uppgifter för 2024-T3" in fel


def test_a_file_for_another_period_is_refused_in_its_departments_name(workspace):
    """Handed in directly in inbox/ (no drop folder): the department comes from _meta, and
    the feedback is named after it and the file's own period, not after the file's name."""
    drop(workspace, "SOC", name="late_T2.xlsx", folder=False)
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace('period = "2024-T2"', 'period = "2024-T3"'))
    assert run(workspace, "run").exit_code == 1
    feedback = workspace / "outbox" / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == ["SOC_2024-T2_fel.xlsx"]
    [arrival] = Archive(workspace / "archive").arrivals()
    assert (arrival.department, arrival.period, arrival.verdict) == ("SOC", "2024-T3",
                                                                     "Ej godkänd")


def test_received_time_is_recorded(workspace, monkeypatch):
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T21:30:00")
    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    arrival = Archive(workspace / "archive").arrivals()[0]
    assert arrival.received == "2024-09-10T21:30:00"
    assert dt.datetime.fromisoformat(arrival.run).year == 2024


def test_a_large_inbox_is_checked_in_worker_processes_with_the_same_result(workspace,
                                                                           monkeypatch):
    import pipeline.run

    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T23:00:00")
    for code in ("STAB", "EKO", "UTB", "SBA", "SOC"):
        drop(workspace, code)
    drop(workspace, "SOC", name="dubblett.xlsx")
    broken = drop(workspace, "EKO", name="trasig.xlsx")
    broken.write_bytes(b"inte excel")
    serial = run(workspace, "run")
    serial_rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Inlämningar")

    other = workspace / "parallel"
    other.mkdir()
    (other / "inbox").mkdir()
    (other / "pipeline.toml").write_text((workspace / "pipeline.toml").read_text())
    for code in ("STAB", "EKO", "UTB", "SBA", "SOC"):
        drop(other, code)
    drop(other, "SOC", name="dubblett.xlsx")
    drop(other, "EKO", name="trasig.xlsx").write_bytes(b"inte excel")
    monkeypatch.setattr(pipeline.checking, "PARALLEL_FROM", 2)
    parallel = run(other, "run")
    assert parallel.exit_code == serial.exit_code == 1
    assert parallel.output.replace(str(other), "") == serial.output.replace(str(workspace), "")
    assert sheet_rows(other / "outbox" / "sammanstallning_2024-T2.xlsx", "Inlämningar") == \
        serial_rows


def test_a_file_saved_over_after_its_worker_checked_it_is_judged_on_its_new_bytes(
        workspace, monkeypatch):
    import pipeline.run

    monkeypatch.setattr(pipeline.checking, "PARALLEL_FROM", 2)
    files = {code: drop(workspace, code) for code in ("STAB", "EKO", "UTB", "SBA", "SOC")}
    check_ready = pipeline.run.check_ready

    def saved_over_meanwhile(ready, *args):
        checked = check_ready(ready, *args)
        assert files["UTB"] in checked  # a worker read and judged it ...
        files["UTB"].write_bytes(b"inte excel")  # ... and then it was saved over
        return checked

    monkeypatch.setattr(pipeline.run, "check_ready", saved_over_meanwhile)
    result = run(workspace, "run")
    assert result.exit_code == 1, result.output
    taken = {a.department: a for a in Archive(workspace / "archive").arrivals()}
    assert taken["UTB"].verdict == "Ej godkänd"
    assert Archive(workspace / "archive").read(taken["UTB"].sha256) == b"inte excel"
    assert taken["SOC"].verdict.startswith("Godkänd")


def test_the_command_prints_its_summary_and_exit_code_as_a_process(workspace):
    """`pipeline` leaves its process without tearing down the heap: what it printed must
    still arrive, with the exit code."""
    import os
    import subprocess
    import sys

    drop(workspace, "SOC")
    drop(workspace, "EKO", name="trasig.xlsx").write_bytes(b"inte excel")
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as in cron
    result = subprocess.run([sys.executable, "-m", "pipeline", "--config",
                             str(workspace / "pipeline.toml"), "run"], capture_output=True,
                            text=True, cwd=workspace, env=buffered, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "trasig.xlsx: Ej godkänd" in result.stdout
    last = result.stdout.splitlines()[-1]  # the summary's last line arrived whole
    assert last == f"Återkoppling: {workspace / 'outbox' / 'feedback' / 'EKO_2024-T2_fel.xlsx'}"
    assert not (workspace / "inbox" / "trasig.xlsx").exists()


def test_a_reader_that_stops_reading_is_no_file_system_error(workspace):
    """`pipeline validate … | head -1`: the pipe closes under the command, which ends
    without blaming the file system."""
    import subprocess
    import sys

    files = [str(next((SUBMISSIONS / code).glob("*.xlsx"))) for code in ("SOC", "EKO")]
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "--config",
                                str(workspace / "pipeline.toml"), "validate", *files],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workspace)
    process.stdout.close()  # the reader has gone before the first line
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 2
    assert "filsystemet" not in stderr and "Traceback" not in stderr


def test_a_full_disk_stops_the_run_with_exit_2_and_loses_nothing(workspace, monkeypatch):
    import errno

    import pipeline.archive

    target = drop(workspace, "SOC")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(workspace / "archive"))

    monkeypatch.setattr(pipeline.archive, "atomic_write_bytes", full)
    monkeypatch.setattr(pipeline.archive.Archive, "_stage", full)  # the night's new files
    result = run(workspace, "run")
    assert result.exit_code == 2
    assert "disken är full" in result.output
    assert "Traceback" not in result.output
    assert target.exists()  # still in the inbox: the next night takes it


def set_saved_time(path, when):
    """What Excel records as the time the workbook was last saved (docProps/core.xml)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    core = parts["docProps/core.xml"].decode()
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{when}Z\g<2>", core)
    parts["docProps/core.xml"] = core.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_two_files_the_same_night_the_one_saved_last_counts(workspace, tmp_path):
    source = next((SUBMISSIONS / "SBA").glob("*.xlsx"))
    early, late = tmp_path / "tidig.xlsx", tmp_path / "sen.xlsx"
    for path, saved, comment in ((early, "2024-09-01T08:00:00", "Tidig version."),
                                 (late, "2024-09-02T16:00:00", "Sen version.")):
        book = openpyxl.load_workbook(source)
        book["Aktiviteter"]["I2"] = comment
        book.save(path)
        set_saved_time(path, saved)
    drop(workspace, "SBA", source=late)  # copied first: the copy order is not the rule
    drop(workspace, "SBA", source=early)
    assert run(workspace, "run").exit_code == 0
    text = inlamningar(workspace)
    assert "tidig.xlsx" in text and "Ersatt" in text
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Aktiviteter")
    comments = {str(v) for r in rows for v in r}
    assert "Sen version." in comments and "Tidig version." not in comments
    quality = "\n".join(str(r) for r in sheet_rows(
        workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Datakvalitet"))
    assert "Vi fick två filer från Samhällsbyggnadsavdelningen för 2024-T2 samma natt" in quality
    assert "Den senast sparade (sen.xlsx) gäller" in quality
    assert_remarks_agree(workspace)


def test_a_run_leaves_the_callers_garbage_collector_as_it_was(workspace):
    import gc

    for code in ("STAB", "EKO"):
        drop(workspace, code)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert gc.isenabled()  # the workbook pauses the collector only while it writes
    assert gc.get_freeze_count() == 0  # the run's freeze is undone


def test_a_file_counts_as_received_when_it_came_into_the_inbox_not_when_the_run_took_it():
    """The nightly run takes a file after midnight: one put in on the deadline day at 14:00
    is received 14:00 that day (in time), not 02:00 the next (late)."""
    from pipeline.inbox import arrived

    def stat(modified, changed):
        return os.stat_result((0o100644, 0, 0, 1, 0, 0, 10, modified.timestamp(),
                               modified.timestamp(), changed.timestamp()))

    night = dt.datetime(2024, 9, 17, 2, 0)
    put_in = dt.datetime(2024, 9, 16, 14, 0, 5)
    saved = dt.datetime(2024, 9, 12, 9, 30)  # a copy keeps its save time; the change is now
    assert arrived(stat(saved, put_in), night) == put_in
    assert arrived(stat(put_in, saved), night) == put_in  # saved in the inbox itself
    assert arrived(stat(night + dt.timedelta(days=3), put_in), night) == night  # clock skew


def test_the_ledger_and_workbook_give_the_files_own_arrival_time(workspace, monkeypatch):
    dropped = drop(workspace, "SOC")
    arrival = dt.datetime.fromtimestamp(max(dropped.stat().st_mtime, dropped.stat().st_ctime))
    monkeypatch.setenv("PIPELINE_NOW", (arrival + dt.timedelta(hours=10)).isoformat())
    assert run(workspace, "run").exit_code == 0
    ledger = [json.loads(line) for line in
              (workspace / "archive" / "ledger.jsonl").read_text().splitlines()]
    assert [line["received"] for line in ledger] == [arrival.replace(microsecond=0).isoformat()]
    assert arrival.strftime("%Y-%m-%d %H:%M") in inlamningar(workspace).replace("T", " ")


def test_status_counts_the_files_waiting_in_the_inbox(workspace):
    """Before the night's run a department that has handed in is not just "saknas"."""
    drop(workspace, "STAB")
    drop(workspace, "EKO", folder=False)
    lines = run(workspace, "status").output.splitlines()
    assert any(line.startswith("STAB") and line.endswith(
        ": saknas (försenad); 1 fil ligger i inkorgen (STAB/)")
        for line in lines), lines
    assert "1 fil ligger direkt i inkorgen, utanför avdelningarnas mappar" in lines
    assert run(workspace, "run").exit_code == 0
    assert "ligger i inkorgen" not in run(workspace, "status").output


def test_status_ends_the_departments_with_their_count_and_who_has_no_file_that_counts(
        workspace):
    """A controller of hundreds of units reads the count below their lines, not the lines."""
    drop(workspace, "SOC")
    (workspace / "inbox" / "EKO").mkdir()
    (workspace / "inbox" / "EKO" / "ekonomi.xlsx").write_bytes(b"inte en arbetsbok")
    assert run(workspace, "run").exit_code == 1
    lines = run(workspace, "status").output.splitlines()
    assert lines[6] == ("Sammanlagt: 1 av 5 avdelningar har en godkänd fil som räknas. "
                        "Ingen godkänd fil: EKO. Saknas: STAB, UTB, SBA.")
    for code in ("STAB", "UTB", "SBA", "EKO"):
        drop(workspace, code)
    assert run(workspace, "run").exit_code == 0
    assert "Sammanlagt: alla 5 avdelningar har en godkänd fil som räknas." in \
        run(workspace, "status").output.splitlines()


def test_the_count_of_an_organ_of_one_department_is_said_in_the_singular():
    import datetime as dt

    from pipeline.ledger import DepartmentStatus, StatusReport

    def count(departments):
        return StatusReport("2024-T2", dt.date(2024, 9, 16), dt.date(2024, 9, 1),
                            departments).lines()[-1]

    assert count([DepartmentStatus("KS", "Kansliet", None, None)]) == \
        "Sammanlagt: 0 av 1 avdelning har en godkänd fil som räknas. Saknas: KS."


def test_a_long_list_of_codes_is_cut_with_how_many_more():
    from pipeline.ledger import first_of

    codes = [f"A{n:03}" for n in range(1, 14)]
    assert first_of(codes) == ("A001, A002, A003, A004, A005, A006, A007, A008, A009, A010 "
                              "och 3 avdelningar till")
    assert first_of(codes[:10]) == ", ".join(codes[:10])


def test_the_nights_department_lines_name_ten_and_count_the_rest():
    """At 300 units the lines Gäller, Ingen godkänd fil and Saknas each named every
    department (12 000 characters on one line of the night's mail)."""
    from pipeline.archive import Arrival
    from pipeline.run import RunSummary

    def arrival(code):
        return Arrival(run="2024-09-17T02:00:00", received="2024-09-17T02:00:00",
                       name=f"{code}.xlsx", folder=code, sha256="ab" * 32, size=1,
                       mtime_ns=0, department=code, period="2024-T2", verdict="Godkänd",
                       errors=0, warnings=0, saved_at=None)

    codes = [f"A{n:03}" for n in range(1, 301)]
    summary = RunSummary("2024-T2", counted={c: arrival(c) for c in codes[:280]},
                         refused=codes[280:285], missing=codes[280:])
    lines = summary.lines()
    counted = next(line for line in lines if line.startswith("Gäller: "))
    assert counted.startswith("Gäller: A001 (A001.xlsx, 2024-09-17 02:00), A002 (")
    assert counted.endswith("A010 (A010.xlsx, 2024-09-17 02:00) och 270 avdelningar till "
                            "(pipeline status visar alla)")
    assert "Ingen godkänd fil: A281, A282, A283, A284, A285" in lines
    assert "Saknas: A286, A287, A288, A289, A290, A291, A292, A293, A294, A295 och 5 " \
           "avdelningar till " \
           "(pipeline status visar alla)" in lines
    assert max(map(len, lines)) < 500


def test_a_full_night_prunes_the_cache_of_what_no_night_reads_again(workspace):
    """archive/cache/ grew by a result per file at every register edit and every release:
    a full night removes results of another cache version, registers parsed by other code
    and entries no night has used for half a year; what nights use is kept."""
    import json
    import os
    import time

    from pipeline.archive import CACHE_KEEP_DAYS, CACHE_VERSION

    drop(workspace, "SOC")
    assert run(workspace, "run").exit_code == 0
    cache = workspace / "archive" / "cache"
    used = sorted(cache.glob("*.pkl"))
    assert len(used) == 2  # SOC's result and the register
    long_ago = time.time() - 100 * 86400
    for path in used:  # used again tonight: marked so, and kept
        os.utime(path, (long_ago, long_ago))
    old = time.time() - (CACHE_KEEP_DAYS + 1) * 86400
    stale = {"ab" * 32 + "-0123456789abcdef-v1.pkl": None,  # another cache version
             "register-0123456789abcdef-000000000000.pkl": None,  # other register code
             "cd" * 32 + f"-0123456789abcdef-v{CACHE_VERSION}.pkl": old}  # unused for long
    kept = {"ef" * 32 + f"-0123456789abcdef-v{CACHE_VERSION}.pkl": None,  # used lately
            ".tmp-of-a-run-writing-now.pkl.123.tmp": old}
    for name, when in {**stale, **kept}.items():
        (cache / name).write_bytes(b"x" * 10)
        if when:
            os.utime(cache / name, (when, when))
    drop(workspace, "EKO")  # a full night: reads SOC's cached result again
    assert run(workspace, "run").exit_code == 0
    left = {p.name for p in cache.iterdir()}
    assert not set(stale) & left
    assert set(kept) <= left and {p.name for p in used} <= left
    assert all(time.time() - path.stat().st_mtime < 3600 for path in used)
    events = [json.loads(line) for line in (workspace / "archive" / "log.jsonl").open()]
    [pruned] = [e for e in events if e["event"] == "cache_pruned"]
    assert (pruned["files"], pruned["bytes"]) == (3, 30)
    assert run(workspace, "run").output.count("oförändrad") == 1  # a quiet night after


def test_status_marks_a_late_accepted_file_and_counts_days_in_swedish(workspace, monkeypatch):
    drop(workspace, "SOC")
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-17T02:00:00")  # deadline 2024-09-16
    assert run(workspace, "run").exit_code == 0
    lines = run(workspace, "status").output.splitlines()
    assert lines[0] == "Period 2024-T2, sista inlämningsdag 2024-09-16 (passerad för 1 dag sedan)."
    soc = next(line for line in lines if line.startswith("SOC "))
    assert soc.endswith("(försenad)") and "2024-09-17 02:00" in soc
    stab = next(line for line in lines if line.startswith("STAB "))
    assert stab.endswith(": saknas (försenad)")
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-15T12:00:00")
    assert "(om 1 dag)." in run(workspace, "status").output.splitlines()[0]


def test_a_correction_after_the_deadline_of_a_report_handed_in_in_time_is_not_late(
        workspace, monkeypatch):
    """EKO reported in time and corrected its report after the deadline (after the workbook
    went out); SOC reported only after the deadline. EKO has not missed the deadline: the
    status says it is a correction, and Sammanfattning's I tid says Ja with a note, while
    SOC is late in both."""
    source = drop(workspace, "EKO")
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T02:00:00")  # deadline 2024-09-16
    assert run(workspace, "run").exit_code == 0
    book = openpyxl.load_workbook(next((SUBMISSIONS / "EKO").glob("*.xlsx")))
    budget = book["Ekonomi"]
    comment = [c.value for c in budget[1]].index("Kommentar") + 1
    budget.cell(2, comment).value = "Prognosen rättad efter nytt avtal."
    book.save(source.with_name("EKO rättelse.xlsx"))
    drop(workspace, "SOC")
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-20T02:00:00")
    assert run(workspace, "run").exit_code == 0
    lines = run(workspace, "status").output.splitlines()
    eko = next(line for line in lines if line.startswith("EKO "))
    assert eko.endswith("(EKO rättelse.xlsx) (rättelse efter sista inlämningsdag; den första "
                        "godkända filen kom i tid, 2024-09-10)")
    assert next(line for line in lines if line.startswith("SOC ")).endswith("(försenad)")
    summary = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx",
                         "Sammanfattning")
    header = next(r for r in summary if "I tid" in r)
    on_time, note = header.index("I tid"), header.index("Anmärkning", header.index("I tid"))
    eko_row = next(r for r in summary if "Ekonomiavdelningen" in r)
    soc_row = next(r for r in summary if "Sociala avdelningen" in r)
    assert eko_row[on_time] == "Ja"
    assert ("Rättad efter sista inlämningsdag; den första godkända filen kom i tid "
            "(2024-09-10).") in eko_row[note]
    assert soc_row[on_time] == "Nej"


def test_a_broken_register_stops_the_run_and_says_the_files_wait(workspace, register_copy):
    path, edit = register_copy
    edit({("KS-mål", "F3"): "XYZ"})
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(path)))
    drop(workspace, "SOC")
    drop(workspace, "EKO")
    result = run(workspace, "run")
    assert result.exit_code == 2
    assert '"XYZ"' in result.output
    assert result.output.rstrip().endswith(
        "Inget lästes in: 2 filer ligger kvar i inkorgen och läses in när registret är rättat.")
    assert len(list((workspace / "inbox").rglob("*.xlsx"))) == 2


def test_a_counted_file_that_no_longer_fits_the_edited_register_is_named(workspace,
                                                                         register_copy,
                                                                         monkeypatch):
    """A register edit that the file cannot be read past, here its department taken out of
    the register (an edit of the department's rows alone keeps it counting, with warnings:
    tests/test_history.py)."""
    path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(path)))
    drop(workspace, "STAB", name="stab.xlsx")
    assert run(workspace, "run").exit_code == 0
    change_register(path, lambda book: remove_department(book, "STAB", heir="EKO"))
    for night in ("2024-09-20T02:00:00", "2024-09-21T02:00:00"):  # the edit, a quiet night
        monkeypatch.setenv("PIPELINE_NOW", night)
        result = run(workspace, "run")
        assert result.exit_code == 0, result.output
        assert ("STAB/stab.xlsx: godkändes 20" in result.output and "men stämmer inte längre "
                "med registret (1 fel," in result.output and "be STAB lämna in en ny fil" in
                result.output)
        assert "Gäller: STAB" not in result.output and "Gäller:" not in result.output
    assert "oförändrad" in result.output
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Inlämningar")
    assert [r[6] for r in rows if r[1] == "stab.xlsx"] == ["Nej"]  # Räknas


def test_a_file_name_not_in_utf8_is_read_and_shown_not_a_traceback(workspace):
    """A name from an old zip tool or a share with another character set (Latin-1 "å" as
    one byte): the ledger, the output and the workbook get it as text, read as Windows-1252."""
    folder = workspace / "inbox" / "SOC"
    folder.mkdir()
    source = next((SUBMISSIONS / "SOC").glob("*.xlsx"))
    target = os.fsencode(folder) + b"/Sociala m\xe5l T2.xlsx"
    with open(target, "wb") as handle:
        handle.write(source.read_bytes())
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert "SOC/Sociala mål T2.xlsx: Godkänd" in result.output
    assert [a.name for a in Archive(workspace / "archive").arrivals()] == ["Sociala mål T2.xlsx"]
    assert "Sociala mål T2.xlsx" in inlamningar(workspace)
    assert os.listdir(os.fsencode(folder)) == []


def test_a_link_in_the_inbox_is_not_followed(workspace, tmp_path):
    """A symbolic link in UTB's folder to SOC's file would hand SOC's answers in, and the
    feedback copy would send them to UTB: it is named and left, never read."""
    other = tmp_path / "soc_hemlig.xlsx"
    shutil.copy(next((SUBMISSIONS / "SOC").glob("*.xlsx")), other)
    link = workspace / "inbox" / "UTB" / "genvag.xlsx"
    link.parent.mkdir()
    link.symlink_to(other)
    drop(workspace, "EKO")
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert ("UTB/genvag.xlsx: är en länk till en annan fil och läses inte. Lägg själva filen i "
            "inkorgen i stället för länken.") in result.output
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["EKO"]
    assert not (workspace / "outbox" / "feedback").exists()
    assert link.is_symlink()


def test_a_file_the_run_may_not_read_is_named_and_the_others_go_on(workspace, monkeypatch):
    """One department's file without read permission (a share's ACL) used to stop the whole
    night with exit 2; it waits in the inbox, named with what to do."""
    from pathlib import Path

    locked = drop(workspace, "SOC")
    drop(workspace, "EKO")
    read_bytes = Path.read_bytes

    def guarded(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert (f"SOC/{locked.name}: kunde inte läsas, eftersom behörighet saknas till filen. Den "
            "ligger kvar i inkorgen.") in result.output
    assert "EKO/ekonomi_tertial2.xlsx: Godkänd" in result.output
    assert locked.exists()
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["EKO"]


def test_a_file_the_run_may_not_remove_is_archived_once_and_named_each_night(workspace,
                                                                            monkeypatch):
    """A drop folder the run may read but not change: the file is archived and counts, the
    night's outputs are written, and it is never read in again (it used to stop every night
    with exit 2, and no outputs, until someone noticed)."""
    from pathlib import Path

    stuck = drop(workspace, "SOC")
    unlink = Path.unlink

    def guarded(self, missing_ok=False):
        if self == stuck:
            raise PermissionError(13, "Permission denied", str(self))
        return unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", guarded)
    for _night in range(2):
        result = run(workspace, "run")
        assert result.exit_code == 0, result.output
        assert (f"SOC/{stuck.name}: är arkiverad, men kunde inte tas bort ur inkorgen eftersom "
                f"behörighet saknas i mappen {stuck.parent}.") in result.output
    assert [a.verdict for a in Archive(workspace / "archive").arrivals()] == ["Godkänd"]
    assert (workspace / "outbox" / "sammanstallning_2024-T2.xlsx").exists()


def run_stopped_by_a_full_disk(workspace, monkeypatch):
    """A night that takes the inbox's files and then cannot write the workbook (exit 2)."""
    import errno

    import pipeline.publish.workbook

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(pipeline.publish.workbook, "write_workbook", full)
        assert run(workspace, "run").exit_code == 2


def test_files_taken_by_a_run_stopped_before_its_outputs_are_told_the_next_night(
        workspace, tmp_path, monkeypatch):
    """A night that archived a refused file and then could not write the workbook (disk
    full) said only that; the next night used to say "Inga nya filer" with exit 0, and the
    controller never heard of the refusal. Now the next night names it, with exit 1."""
    monkeypatch.setenv("PIPELINE_NOW", "2024-09-10T22:00:00")
    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "trasig.xlsx", {"H2": "pågånde"}))
    run_stopped_by_a_full_disk(workspace, monkeypatch)
    result = run(workspace, "run")
    assert result.exit_code == 1, result.output
    assert ("UTB/trasig.xlsx: Ej godkänd (1 fel, 0 anmärkningar); togs emot "
            "2024-09-10 22:00 av en körning som avbröts") in result.output
    assert "Inga nya filer" not in result.output
    again = run(workspace, "run")  # told once
    assert again.exit_code == 0 and "trasig.xlsx" not in again.output


def test_an_output_that_may_not_be_replaced_is_named_not_its_folder(workspace, monkeypatch):
    """A rename over a file open in another program on a share (or one another account owns in
    a sticky folder) fails on the file itself, not for want of rights in the folder."""
    import pipeline.atomic

    drop(workspace, "EKO")
    (workspace / "outbox").mkdir()
    workbook = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    workbook.write_bytes(b"the night before")
    replace = os.replace

    def refused(source, target):
        if str(target) == str(workbook):
            raise PermissionError(13, "Permission denied", str(source), None, str(target))
        replace(source, target)

    monkeypatch.setattr(pipeline.atomic.os, "replace", refused)
    result = run(workspace, "run")
    assert result.exit_code == 2
    assert (f"filen {workbook} kunde inte ersättas. Stäng den om den är öppen i ett annat "
            "program") in result.output
    assert "Traceback" not in result.output


def test_a_file_saved_over_while_the_run_archives_it_is_not_removed_unread(workspace, tmp_path,
                                                                           monkeypatch):
    """UTB saves its file again (Excel: a new file renamed over the old) after the run read
    it and before the run removed it from the inbox: the new version used to be deleted
    without ever being archived. It stays for the next night, which reads it."""
    target = drop(workspace, "UTB", name="utb.xlsx")
    newer = broken_copy(tmp_path, "UTB", "ny.xlsx", {"I2": "Kommentaren skriven efteråt."})
    append = Archive.append

    def saved_meanwhile(self, *arrivals):
        os.replace(shutil.copy(newer, target.with_name(".~utb.tmp")), target)
        os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns - 10**9))
        append(self, *arrivals)

    monkeypatch.setattr(Archive, "append", saved_meanwhile)
    assert run(workspace, "run").exit_code == 0
    assert sha(target) == sha(newer)  # still there, unread
    monkeypatch.setattr(Archive, "append", append)
    second = run(workspace, "run")
    assert second.exit_code == 0, second.output
    assert not target.exists(), second.output
    assert [a.sha256 for a in Archive(workspace / "archive").arrivals()][-1] == sha(newer)


def test_what_a_killed_templates_left_in_the_templates_folder_is_swept(workspace):
    """The templates folder is what departments are sent to: `pipeline templates` killed
    while writing left `.UTB_2024-T2_mall.xlsx.<random>.tmp` there for good (the run sweeps
    only outbox and feedback). The next `templates` removes those an hour old."""
    folder = workspace / "outbox" / "mallar" / "2024-T2"
    folder.mkdir(parents=True)
    old = folder / ".UTB_2024-T2_mall.xlsx.k2j4_x9a.tmp"
    fresh = folder / ".SOC_2024-T2_mall.xlsx.zzzzzzzz.tmp"
    for path in (old, fresh):
        path.write_bytes(b"")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert run(workspace, "templates", "--department", "EKO").exit_code == 0
    assert [old.exists(), fresh.exists()] == [False, True]


def test_a_feedback_copy_open_in_another_program_never_stops_the_night(workspace, tmp_path,
                                                                       monkeypatch):
    """UTB keeps last night's feedback copy open on a share, which then refuses to replace or
    remove it: the night used to stop with exit 2 before any file was taken, every night
    until it was closed, for every department. Now the new copy gets the file's name added,
    and an outdated copy that cannot be removed is named for the controller."""
    from pathlib import Path

    import pipeline.atomic

    feedback = workspace / "outbox" / "feedback"
    opened = feedback / "UTB_2024-T2_fel.xlsx"
    drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "forsta.xlsx", {"H2": "pågånde"}))
    assert run(workspace, "run").exit_code == 1 and opened.exists()

    replace, unlink = os.replace, Path.unlink

    def refused_replace(source, target):
        if str(target) == str(opened):
            raise PermissionError(13, "Permission denied", str(source), None, str(target))
        replace(source, target)

    def refused_unlink(self, missing_ok=False):
        if self == opened:
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pipeline.atomic.os, "replace", refused_replace)
    monkeypatch.setattr(Path, "unlink", refused_unlink)
    drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "andra.xlsx", {"H3": "klart"}))
    drop(workspace, "EKO")
    result = run(workspace, "run")
    assert result.exit_code == 1, result.output
    assert "EKO/ekonomi_tertial2.xlsx: Godkänd" in result.output
    assert f"Återkoppling: {feedback / 'UTB_2024-T2_fel_andra.xlsx'}" in result.output
    assert f"Återkopplingen {opened} gäller en fil som har ersatts" in result.output
    assert "klart" in str(sheet_rows(feedback / "UTB_2024-T2_fel_andra.xlsx", "Fel"))

    drop(workspace, "UTB", name="rattad.xlsx")
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert (f"Återkopplingen {opened} gäller en fil som har ersatts, men kunde inte tas bort; "
            "den är troligen öppen i ett annat program.") in result.output
    assert sorted(p.name for p in feedback.iterdir()) == ["UTB_2024-T2_fel.xlsx"]


def test_a_department_with_two_feedback_copies_open_still_gets_its_new_one(workspace, tmp_path,
                                                                           monkeypatch):
    """UTB has both earlier copies open: the report's copy and the one that got the file's
    name when the first was open. The copy with the file's name was tried once, and a second
    open copy stopped the night (exit 2) for every department. Now the new copy gets a
    number, and both open copies are named as outdated."""
    from pathlib import Path

    import pipeline.atomic

    feedback = workspace / "outbox" / "feedback"
    first, second = feedback / "UTB_2024-T2_fel.xlsx", feedback / "UTB_2024-T2_fel_andra.xlsx"
    opened: set[Path] = set()
    replace, unlink = os.replace, Path.unlink

    def refused_replace(source, target):
        if Path(target) in opened:
            raise PermissionError(13, "Permission denied", str(source), None, str(target))
        replace(source, target)

    def refused_unlink(self, missing_ok=False):
        if self in opened:
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pipeline.atomic.os, "replace", refused_replace)
    monkeypatch.setattr(Path, "unlink", refused_unlink)
    drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "forsta.xlsx", {"H2": "pågånde"}))
    assert run(workspace, "run").exit_code == 1 and first.exists()
    opened.add(first)
    drop(workspace, "UTB", source=broken_copy(tmp_path, "UTB", "andra.xlsx", {"H3": "klart"}))
    assert run(workspace, "run").exit_code == 1 and second.exists()
    opened.add(second)
    (tmp_path / "igen").mkdir()
    drop(workspace, "UTB", source=broken_copy(tmp_path / "igen", "UTB", "andra.xlsx",
                                              {"H4": "snart"}))
    drop(workspace, "EKO")
    result = run(workspace, "run")
    assert result.exit_code == 1, result.output
    assert "EKO/ekonomi_tertial2.xlsx: Godkänd" in result.output
    newest = feedback / "UTB_2024-T2_fel_andra_2.xlsx"
    assert f"Återkoppling: {newest}" in result.output
    for outdated in (first, second):
        assert f"Återkopplingen {outdated} gäller en fil som har ersatts" in result.output
    assert "snart" in str(sheet_rows(newest, "Fel"))


def test_a_library_warning_goes_to_the_archive_log_not_the_terminal(workspace, tmp_path):
    """An unreadable sheet is told to the department in Swedish; the reader's English technical
    text is for the developer, in the run's JSON log, not in the controller's cron mail."""
    import subprocess
    import sys
    import zipfile

    source = next((SUBMISSIONS / "EKO").glob("*.xlsx"))
    with zipfile.ZipFile(source) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]  # a sheet cut off half-way
    target = workspace / "inbox" / "EKO" / "halv.xlsx"
    target.parent.mkdir(parents=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    result = subprocess.run([sys.executable, "-m", "pipeline", "--config",
                             str(workspace / "pipeline.toml"), "run"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "EKO/halv.xlsx: Ej godkänd" in result.stdout
    assert result.stderr == ""
    logged = [json.loads(line) for line in (workspace / "archive" / "log.jsonl").open()]
    assert any(e["event"] == "message" and e["level"] == "warning"
               and e["message"].startswith("unreadable workbook") for e in logged)


def test_a_drop_folder_on_a_read_only_mount_is_like_one_without_rights(workspace,
                                                                        monkeypatch):
    """A share mounted read-only for the run refuses the removal with EROFS, not EACCES: the
    night used to stop with exit 2 after archiving the file, and again every night after,
    with no outputs for any department."""
    import errno
    from pathlib import Path

    stuck = drop(workspace, "SOC")
    unlink = Path.unlink

    def read_only(self, missing_ok=False):
        if self == stuck:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", read_only)
    for _night in range(2):
        result = run(workspace, "run")
        assert result.exit_code == 0, result.output
        assert f"SOC/{stuck.name}: är arkiverad, men kunde inte tas bort ur inkorgen" \
            in result.output
    assert [a.verdict for a in Archive(workspace / "archive").arrivals()] == ["Godkänd"]
    assert (workspace / "outbox" / "sammanstallning_2024-T2.xlsx").exists()


def test_a_drop_folder_the_run_may_not_read_is_named_and_the_others_go_on(workspace,
                                                                          monkeypatch):
    """One department's drop folder without read permission (made by its own account on a
    share) used to stop the whole night with exit 2, as an unreadable file did."""
    from pathlib import Path

    drop(workspace, "SOC")
    drop(workspace, "EKO")
    closed = workspace / "inbox" / "SOC"
    iterdir = Path.iterdir

    def guarded(self):
        if self == closed:
            raise PermissionError(13, "Permission denied", str(self))
        return iterdir(self)

    monkeypatch.setattr(Path, "iterdir", guarded)
    result = run(workspace, "run")
    assert result.exit_code == 0, result.output
    assert ("Mappen SOC i inkorgen kunde inte läsas, eftersom behörighet saknas till mappen."
            in result.output)
    assert "EKO/ekonomi_tertial2.xlsx: Godkänd" in result.output
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["EKO"]
    again = run(workspace, "run")  # nothing new: said all the same
    assert again.exit_code == 0 and "Inget har ändrats" in again.output
    assert "Mappen SOC i inkorgen kunde inte läsas" in again.output


def test_the_archive_log_keeps_the_librarys_info_lines_too(workspace):
    """The run's JSON log takes the package's log lines from INFO up (its handler's level),
    such as why a refused file's feedback copy has only the Fel sheet; Python's default level
    (WARNING) dropped them before they reached it."""
    target = workspace / "inbox" / "EKO" / "rapport.xlsx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"%PDF-1.4 not a workbook")
    assert run(workspace, "run").exit_code == 1
    logged = [json.loads(line) for line in (workspace / "archive" / "log.jsonl").open()]
    assert any(e["event"] == "message" and e["level"] == "info"
               and e["message"].startswith("feedback for rapport.xlsx without its workbook")
               for e in logged)


# --- a quiet night: nothing new, though files lie in the inbox -------------------------------

NIGHT = """
import sys
from pathlib import Path

import pipeline.run

{prelude}
from pipeline.cli import main

try:
    main(sys.argv[1:], prog_name="pipeline")
except SystemExit:
    pass
print("pandas" in sys.modules, file=sys.stderr)
"""


def refused(method, path):
    """Python that makes `Path.<method>` of `path` fail as without permission."""
    return (f"_allowed = Path.{method}\n"
            f"def _refused(self, *args, **kwargs):\n"
            f"    if self == Path({str(path)!r}):\n"
            f"        raise PermissionError(13, 'Permission denied', str(self))\n"
            f"    return _allowed(self, *args, **kwargs)\n"
            f"Path.{method} = _refused\n")


def night(workspace, prelude="", full=False):
    """`pipeline run` in a process of its own, after `prelude` (full: without the short way
    for a night with nothing new): its output, and whether it imported pandas."""
    import subprocess
    import sys

    if full:
        prelude += "\npipeline.run._nothing_new = lambda *args, **kwargs: None\n"
    result = subprocess.run(
        [sys.executable, "-c", NIGHT.format(prelude=prelude), "--config",
         str(workspace / "pipeline.toml"), "run"],
        capture_output=True, text=True, cwd=workspace, timeout=300)
    assert result.stderr.splitlines()[-1] in ("True", "False"), result.stderr
    return result.stdout, result.stderr.splitlines()[-1] == "True"


def assert_quiet_night_as_a_full_one(workspace, prelude, told):
    """After a first night: the next night says what a full run would (`told` among it) and
    that nothing has changed, without importing pandas or reading the register."""
    first, _ = night(workspace, prelude)
    assert told in first
    full, _ = night(workspace, prelude, full=True)
    quiet, imported = night(workspace, prelude)
    assert told in quiet
    assert "Inget har ändrats sedan förra körningen; sammanställningen är oförändrad." in quiet
    assert quiet == full
    assert not imported


def test_a_night_with_only_a_file_the_run_may_not_remove_is_a_quiet_night(workspace):
    """An archived file left in a drop folder the run may not change made every night after a
    full one (seconds at 300 departments, pandas imported, the register read), only to end
    "oförändrad"."""
    stuck = drop(workspace, "SOC")
    drop(workspace, "EKO")
    assert_quiet_night_as_a_full_one(
        workspace, refused("unlink", stuck),
        f"  SOC/{stuck.name}: är arkiverad, men kunde inte tas bort ur inkorgen eftersom "
        f"behörighet saknas i mappen {stuck.parent}.")
    assert stuck.exists()
    assert sorted(a.department for a in Archive(workspace / "archive").arrivals()) == \
        ["EKO", "SOC"]


def test_a_night_with_only_a_file_the_run_may_not_read_is_a_quiet_night(workspace):
    locked = drop(workspace, "SOC")
    drop(workspace, "EKO")
    assert_quiet_night_as_a_full_one(
        workspace, refused("read_bytes", locked),
        f"  SOC/{locked.name}: kunde inte läsas, eftersom behörighet saknas till filen. Den "
        "ligger kvar i inkorgen.")
    assert locked.exists()
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["EKO"]


def test_a_night_with_only_files_in_a_folder_that_is_no_department_is_a_quiet_night(
        workspace):
    target = drop(workspace, "SOC")
    target.parent.rename(workspace / "inbox" / "soc")
    drop(workspace, "EKO")
    assert_quiet_night_as_a_full_one(
        workspace, "",
        "Mappen soc i inkorgen hör inte till någon avdelning i registret, så filen där har "
        "inte lästs. Byt namn på mappen till SOC, eller flytta filen till rätt avdelnings mapp.")
    assert (workspace / "inbox" / "soc" / target.name).exists()
    assert [a.department for a in Archive(workspace / "archive").arrivals()] == ["EKO"]


LATER_CLOCK = """
import time as _time
import types as _types
_later = {{name: getattr(_time, name) for name in dir(_time) if not name.startswith("_")}}
_later["time"] = lambda: _time.time() + {hours} * 3600
pipeline.run.time = _types.SimpleNamespace(**_later)
"""


def test_a_night_with_only_a_copy_cut_off_lately_is_a_quiet_night_until_its_wait_is_over(
        workspace):
    """A copy broken off while being copied waits a night before it is refused: while it
    waited, every night was a full one (seconds at 300 departments) ending "oförändrad"."""
    target = cut_off_copy(workspace, hours_ago=1)
    drop(workspace, "EKO")
    assert_quiet_night_as_a_full_one(
        workspace, "", "Väntar till nästa körning (filen skrivs fortfarande eller är öppen): "
                       "SOC/halv.xlsx")
    assert target.exists()
    later, imported = night(workspace, LATER_CLOCK.format(hours=20))  # its wait is over
    assert "  SOC/halv.xlsx: Ej godkänd" in later and imported
    assert not target.exists()


def test_a_night_with_only_a_file_for_a_later_period_is_a_quiet_night(workspace, tmp_path):
    """A department hands in T3 while T2 is collected: the file waits in the inbox, and the
    nights it waits stay short, saying what the full run said."""
    from pipeline.samples import fill_template

    assert run(workspace, "templates", "--period", "2024-T3", "--department", "SOC",
               "--out", str(tmp_path)).exit_code == 0
    early = fill_template(tmp_path / "SOC_2024-T3_mall.xlsx", tmp_path / "t3.xlsx",
                          department="SOC", period_end=dt.date(2024, 12, 31))
    waiting = drop(workspace, "SOC", "t3.xlsx", source=early)
    drop(workspace, "EKO")
    assert_quiet_night_as_a_full_one(
        workspace, "", "  SOC/t3.xlsx: gäller 2024-T3, som inte samlas in ännu (period = "
                       "2024-T2). Filen ligger kvar i inkorgen och läses in när perioden i "
                       "pipeline.toml är 2024-T3.")
    assert waiting.exists()
    waiting.write_bytes(next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes())
    replaced, imported = night(workspace)  # saved over with this period's report: read
    assert "  SOC/t3.xlsx: Godkänd" in replaced and imported
    assert not waiting.exists()


def test_a_file_the_run_may_not_remove_saved_over_with_a_new_version_is_read(workspace,
                                                                              tmp_path):
    """The short way never passes over a file that is new: the department saves a new
    version over the file the run could not clear out of its folder (here even with the old
    file's modification time), and it is read and counts."""
    stuck = drop(workspace, "SOC")
    prelude = refused("unlink", stuck)
    night(workspace, prelude)
    archived = Archive(workspace / "archive").arrivals()[0]
    newer = broken_copy(tmp_path, "SOC", "ny.xlsx", {"I2": "Uppdaterad kommentar."})
    shutil.copy(newer, stuck)
    os.utime(stuck, ns=(archived.mtime_ns, archived.mtime_ns))
    output, _ = night(workspace, prelude)
    assert f"SOC/{stuck.name}: Godkänd; ersätter inlämningen" in output
    assert "oförändrad" not in output
    assert [a.sha256 for a in Archive(workspace / "archive").arrivals()] == \
        [archived.sha256, sha(newer)]


def test_a_manifest_without_the_department_codes_is_given_them_by_an_unchanged_night(
        workspace):
    """A manifest written before it kept the register's department codes: the next night
    with a file in a folder that is no department's is a full one, unchanged, that adds
    them, and the nights after it are quiet."""
    drop(workspace, "SOC")
    assert run(workspace, "run").exit_code == 0
    path = workspace / "outbox" / "manifest_2024-T2.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    codes = manifest.pop("departments")
    path.write_text(json.dumps(manifest), encoding="utf-8")
    (workspace / "inbox" / "Kultur").mkdir()
    (workspace / "inbox" / "Kultur" / "plan.xlsx").write_bytes(b"x")
    result = run(workspace, "run")
    assert "oförändrad" in result.output and "Mappen Kultur i inkorgen" in result.output
    assert json.loads(path.read_text(encoding="utf-8"))["departments"] == codes
    output, imported = night(workspace)
    assert output == result.output and not imported


def test_a_refused_file_handed_in_again_keeps_its_own_name_on_datakvalitet(workspace,
                                                                           tmp_path):
    """The copy is a Dubblett on Inlämningar; the problems stay with the file that was
    refused, also on the nights after (when they are read back from the archive's cache,
    which checking the copy once overwrote)."""
    broken = broken_copy(tmp_path, "STAB", "forsta.xlsx", {"H2": "pågånde"})
    drop(workspace, "STAB", source=broken)
    assert run(workspace, "run").exit_code == 1
    drop(workspace, "STAB", name="igen.xlsx", source=broken)
    assert run(workspace, "run").exit_code == 0
    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    assert [r[1:5] for r in sheet_rows(book, "Datakvalitet")[1:]] == \
        [["forsta.xlsx", "Fel", "Aktiviteter", "H2"]]
    states = {r[1]: r[5] for r in sheet_rows(book, "Inlämningar")[1:4]}
    assert states == {"forsta.xlsx": "Ej godkänd", "igen.xlsx": "Dubblett",
                      "ekonomi_tertial2.xlsx": "Godkänd"}


def test_validate_refuses_a_file_in_another_departments_folder_as_the_night_does(workspace):
    """`pipeline validate inbox/SOC/…` on Stab's file: refused, with the night's message,
    not called Godkänd the evening before the night refuses it. The same file elsewhere is
    judged on its _meta alone."""
    path = drop(workspace, "SOC", source=next((SUBMISSIONS / "STAB").glob("*.xlsx")))
    checked = run(workspace, "validate", str(path))
    assert checked.exit_code == 1, checked.output
    assert 'står avdelning "STAB" (_meta), men filen ligger i inkorgen för "SOC"' in \
        checked.output
    elsewhere = workspace / "SOC" / path.name
    elsewhere.parent.mkdir()
    shutil.copy(path, elsewhere)
    assert run(workspace, "validate", str(elsewhere)).exit_code == 0
    night = run(workspace, "run")
    assert night.exit_code == 1 and f"SOC/{path.name}: Ej godkänd" in night.output


def test_a_refused_file_and_its_copy_after_a_register_edit_are_not_checked_every_night(
        workspace, register_copy, tmp_path, monkeypatch):
    """The same bytes refused under two names, the copy judged again because the register
    was edited in between: both are read back for the outputs with the same validation key,
    and each checking overwrote the other's cached report, so every later full night checked
    both files again (and rewrote the cache twice)."""
    import pipeline.run

    path, _ = register_copy
    config = workspace / "pipeline.toml"
    config.write_text(config.read_text().replace(str(EXAMPLE_REGISTER), str(path)))
    broken = broken_copy(tmp_path, "STAB", "forsta.xlsx", {"H2": "pågånde"})
    drop(workspace, "STAB", source=broken)
    assert run(workspace, "run").exit_code == 1
    change_register(path, lambda book: book["Inställningar"].cell(2, 2, "Ånge kommun"))
    drop(workspace, "STAB", name="igen.xlsx", source=broken)
    assert run(workspace, "run").exit_code == 1  # judged anew: not a Dubblett
    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    checked = []
    original = pipeline.checking.check_submission

    def counting(content, name, *args):
        checked.append(name)
        return original(content, name, *args)

    # the inbox's files (run) and the archived ones judged again (archived)
    monkeypatch.setattr(pipeline.run, "check_submission", counting)
    monkeypatch.setattr(pipeline.archived, "check_submission", counting)
    drop(workspace, "UTB")
    assert run(workspace, "run").exit_code == 0
    assert "forsta.xlsx" not in checked and "igen.xlsx" not in checked, checked
    rows = sheet_rows(workspace / "outbox" / "sammanstallning_2024-T2.xlsx", "Datakvalitet")
    assert {r[1] for r in rows[1:] if r[3] == "Aktiviteter" and r[4] == "H2"} == \
        {"forsta.xlsx", "igen.xlsx"}


def test_a_quarantined_file_taken_by_a_run_stopped_before_its_outputs_is_told_as_such(
        workspace, monkeypatch):
    """Told the next night, a file with macros is the security warning with where its bytes
    lie in quarantine, as on the night it came: not "archived" (it is not among the archive's
    files) with only the start of its checksum."""
    from tests import corpus

    drop(workspace, "EKO")
    assert run(workspace, "run").exit_code == 0
    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    content = corpus.macros_vba_project(valid)
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(content)
    run_stopped_by_a_full_disk(workspace, monkeypatch)
    result = run(workspace, "run")
    assert result.exit_code == 1, result.output
    kept = Archive(workspace / "archive").quarantine_path(hashlib.sha256(content).hexdigest())
    line = next(x for x in result.output.splitlines() if "SOC/makro.xlsm innehåller" in x)
    assert line.startswith("Säkerhetsvarning till administratören:"), line
    assert f"ligger i karantän: {kept}" in line


def test_a_quarantined_file_outside_the_drop_folders_asks_who_handed_it_in(workspace):
    """A file with macros directly in the inbox has no department (its _meta is never read):
    the warning said "fråga avdelningen", which names no one."""
    from tests import corpus

    valid = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    (workspace / "inbox").mkdir(exist_ok=True)
    (workspace / "inbox" / "makro.xlsm").write_bytes(corpus.macros_vba_project(valid))
    (workspace / "inbox" / "SOC").mkdir()
    (workspace / "inbox" / "SOC" / "makro.xlsm").write_bytes(corpus.macros_vba_project(valid)
                                                             + b"\0")
    output = run(workspace, "run").output
    lines = [x for x in output.splitlines() if x.startswith("Säkerhetsvarning")]
    assert len(lines) == 2, output
    root = next(x for x in lines if ": makro.xlsm innehåller" in x)
    assert "avdelningen" not in root and "vem som lämnade in den" in root, root
    folder = next(x for x in lines if ": SOC/makro.xlsm innehåller" in x)
    assert folder.endswith("fråga SOC om filen kommer därifrån."), folder


def test_a_file_taken_out_of_quarantine_and_refused_for_its_errors_is_no_longer_karantan(
        workspace, monkeypatch, tmp_path):
    """A file the scan took wrongly for a harmful one was never validated. Taken out of
    quarantine and handed in again, it is judged afresh and refused for its errors: the night
    says Ej godkänd, and so must Inlämningar, Sammanfattning and `pipeline status` (the bytes
    are in files/, the department has errors to mend), not Karantän."""
    import pipeline.intake
    from tests import corpus

    content = corpus.cells(next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes(),
                           "Aktiviteter", {"H5": "pågånde"})
    kept = Archive(workspace / "archive").quarantine_path(hashlib.sha256(content).hexdigest())
    (workspace / "inbox" / "SOC").mkdir(parents=True)
    with monkeypatch.context() as wide:  # a scan that takes every sheet for a DTD
        wide.setattr(pipeline.intake, "_UNSAFE_UTF8", (b"<!DOCTYPE", b"<sheetData"))
        (workspace / "inbox" / "SOC" / "soc.xlsx").write_bytes(content)
        assert "SOC/soc.xlsx: Karantän" in run(workspace, "run").output
    kept.rename(tmp_path / kept.name)  # the controller takes it out of quarantine
    (workspace / "inbox" / "SOC" / "soc.xlsx").write_bytes(content)
    night = run(workspace, "run")
    assert night.exit_code == 1, night.output
    line = next(x for x in night.output.splitlines() if x.startswith("  SOC/soc.xlsx"))
    assert line.startswith("  SOC/soc.xlsx: Ej godkänd"), line
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    states = sorted(r[5] for r in sheet_rows(book, "Inlämningar")[1:3])
    assert states == ["Ej godkänd", "Karantän"], states
    soc = next(r for r in sheet_rows(book, "Sammanfattning") if "Sociala avdelningen" in r)
    assert "Karantän" not in soc and "Ej godkänd" in soc, soc
    status = run(workspace, "status").output
    assert status.count("Karantän: SOC/soc.xlsx") == 1, status
    assert "(SOC/soc.xlsx) och är ej godkänd." in status, status


def test_one_department_more_on_the_galler_line_is_said_in_the_singular():
    """Eleven departments with a file that counts ended the night's Gäller line in
    'och 1 avdelningar till'."""
    from pipeline.archive import Arrival
    from pipeline.run import RunSummary

    codes = [f"A{n:03}" for n in range(1, 12)]
    counted = {c: Arrival(run="2024-09-17T02:00:00", received="2024-09-17T02:00:00",
                          name=f"{c}.xlsx", folder=c, sha256="ab" * 32, size=1, mtime_ns=0,
                          department=c, period="2024-T2", verdict="Godkänd", errors=0,
                          warnings=0, saved_at=None) for c in codes}
    line = next(x for x in RunSummary("2024-T2", counted=counted).lines()
                if x.startswith("Gäller: "))
    assert line.endswith("(A010.xlsx, 2024-09-17 02:00) och 1 avdelning till (pipeline status "
                         "visar alla)"), line


def test_a_file_taken_out_of_quarantine_is_judged_when_copied_in_again_with_its_own_time(
        workspace, monkeypatch, tmp_path):
    """The department hands in "the same file again" as README asks: a copy in Explorer
    keeps the file's name and modification time, so the copy was taken for the quarantined
    line's own file left by a stopped run, removed from the inbox without a word, and never
    judged; `pipeline status` kept saying it would be."""
    import pipeline.intake

    content = next((SUBMISSIONS / "SOC").glob("*.xlsx")).read_bytes()
    kept = Archive(workspace / "archive").quarantine_path(hashlib.sha256(content).hexdigest())
    path = workspace / "inbox" / "SOC" / "soc.xlsx"
    path.parent.mkdir(parents=True)
    saved = 1_725_000_000_000_000_000  # the department's file's own modification time

    def hand_in():
        path.write_bytes(content)
        os.utime(path, ns=(saved, saved))

    with monkeypatch.context() as wide:  # a scan that takes every sheet for a DTD
        wide.setattr(pipeline.intake, "_UNSAFE_UTF8", (b"<!DOCTYPE", b"<sheetData"))
        hand_in()
        assert "SOC/soc.xlsx: Karantän" in run(workspace, "run").output
    book = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"
    [quarantined] = sheet_rows(book, "Inlämningar")[1:2]
    kept.rename(tmp_path / kept.name)  # the controller takes it out of quarantine
    hand_in()
    night = run(workspace, "run")
    assert night.exit_code == 0, night.output
    assert "  SOC/soc.xlsx: Godkänd; samma fil lämnades in " in night.output, night.output
    assert "Gäller: SOC (soc.xlsx" in night.output
    status = run(workspace, "status").output
    soc = next(x for x in status.splitlines() if x.startswith("SOC "))
    assert soc.startswith("SOC    Sociala avdelningen: Godkänd, "), soc
    assert "(SOC/soc.xlsx) och är godkänd." in status, status
    rows = sheet_rows(book, "Inlämningar")[1:3]
    assert sorted(r[5:7] for r in rows) == [["Godkänd", "Ja"], ["Karantän", "Nej"]]
    assert next(r for r in rows if r[5] == "Karantän")[:9] == quarantined[:9]
