"""Built to run on Windows too, tested here by taking away what Windows lacks: fcntl (the run's
lock is then taken with msvcrt, simulated), fork (the files are then checked in the run's own
process), a time zone database, and UTF-8 output."""

from __future__ import annotations

import ast
import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import EXAMPLE, ROOT

SUBMISSIONS = EXAMPLE / "inlamningar"
CODES = ("STAB", "EKO", "UTB", "SBA", "SOC")
NOW = "2024-09-01T02:00"

# Run as a script: Python as on Windows (no fcntl, no fork; msvcrt's byte-range lock played by
# a POSIX record lock on the same byte), then `pipeline` with the arguments given.
AS_ON_WINDOWS = textwrap.dedent("""
    import errno, fcntl as posix, multiprocessing, os, subprocess, sys, types
    # (subprocess first: it takes a module named msvcrt for a sign of Windows)

    sys.modules["fcntl"] = None  # `import fcntl` raises ImportError, as on Windows
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK = 2

    def locking(fd, mode, nbytes):
        assert mode == msvcrt.LK_NBLCK
        try:
            posix.lockf(fd, posix.LOCK_EX | posix.LOCK_NB, nbytes, os.lseek(fd, 0, os.SEEK_CUR))
        except OSError:
            raise PermissionError(errno.EACCES, "Permission denied") from None

    msvcrt.locking = locking
    sys.modules["msvcrt"] = msvcrt
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    get_context = multiprocessing.get_context

    def no_fork(method=None):
        assert method != "fork", "fork asked for where there is none"
        return get_context(method)

    multiprocessing.get_context = no_fork

    import importlib, pkgutil
    import pipeline
    for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if module.name != "pipeline.__main__":  # (which would run the command line)
            importlib.import_module(module.name)
    pipeline.checking.PARALLEL_FROM = 2  # where it can, the run would fork workers for these files
    if os.environ.get("HOLD_LOCK"):  # hold the run's lock until stdin closes
        from pathlib import Path
        with pipeline.archive.run_lock(Path(os.environ["HOLD_LOCK"]), 0):
            print("held", flush=True)
            sys.stdin.read()
        sys.exit(0)
    from pipeline.cli import main
    main(sys.argv[1:], prog_name="pipeline")
""")


def as_on_windows(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", AS_ON_WINDOWS, "--config", str(workspace / "pipeline.toml"),
         *args], capture_output=True, text=True, cwd=workspace, timeout=300,
        env={**os.environ, "PIPELINE_NOW": NOW, "PYTHONPATH": str(ROOT), **env})


def fill_inbox(workspace: Path) -> None:
    shutil.copytree(SUBMISSIONS, workspace / "inbox", dirs_exist_ok=True)
    shutil.copy(next((SUBMISSIONS / "SOC").glob("*.xlsx")), workspace / "inbox" / "SOC" /
                "dubblett.xlsx")
    (workspace / "inbox" / "EKO" / "trasig.xlsx").write_bytes(b"inte excel")


def rows(path: Path, sheet: str) -> list[list[object]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_without_fcntl_and_fork_templates_validate_and_the_night_work_as_with_them(
        workspace, tmp_path_factory, monkeypatch):
    """Every module imports without fcntl; `pipeline templates` and `validate` work on the
    example; and the night, checked in its own process for want of fork, gives the output,
    the workbook's Inlämningar and the ledger's verdicts of a night whose workers were forked."""
    import pipeline.run
    from pipeline.archive import Archive

    made = as_on_windows(workspace, "templates", "--out", str(workspace / "mallar"))
    assert made.returncode == 0, made.stderr
    assert "5 mallar klara." in made.stdout
    assert len(list((workspace / "mallar").glob("*_2024-T2_mall.xlsx"))) == 5
    files = [str(p) for p in sorted(SUBMISSIONS.rglob("*.xlsx"))]
    checked = as_on_windows(workspace, "validate", *files)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count(": Godkänd") == 5, checked.stdout

    fill_inbox(workspace)
    windows = as_on_windows(workspace, "run")
    assert windows.returncode == 1, windows.stderr
    assert "Traceback" not in windows.stderr

    forked = tmp_path_factory.mktemp("forked")
    (forked / "inbox").mkdir()
    (forked / "pipeline.toml").write_text((workspace / "pipeline.toml").read_text("utf-8"),
                                          encoding="utf-8")
    fill_inbox(forked)
    monkeypatch.setattr(pipeline.checking, "PARALLEL_FROM", 2)
    monkeypatch.setenv("PIPELINE_NOW", NOW)
    methods = []
    get_context = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context",
                        lambda method=None: methods.append(method) or get_context(method))
    linux = CliRunner().invoke(main, ["--config", str(forked / "pipeline.toml"), "run"])
    assert linux.exit_code == 1
    assert methods == ["fork"]
    assert windows.stdout.replace(str(workspace), "") == linux.output.replace(str(forked), "")
    book = "outbox/sammanstallning_2024-T2.xlsx"
    for sheet in ("Inlämningar", "Aktiviteter"):
        assert rows(workspace / book, sheet) == rows(forked / book, sheet), sheet
    verdicts = [(a.name, a.verdict, a.sha256) for a in Archive(workspace / "archive").arrivals()]
    assert verdicts == [(a.name, a.verdict, a.sha256)
                        for a in Archive(forked / "archive").arrivals()]
    assert len(verdicts) == 7


def test_without_fcntl_a_second_run_waits_for_the_lock_and_names_its_holder(workspace):
    """The lock taken as on Windows (a byte-range lock past the end of the lock file): a run
    while another holds it exits with 2 after its wait, naming the holder, whose line stays
    readable; once the holder has finished, the next run takes it."""
    archive = workspace / "archive"
    holder = subprocess.Popen(
        [sys.executable, "-c", AS_ON_WINDOWS], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env={**os.environ, "HOLD_LOCK": str(archive), "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline() == "held\n"
        second = as_on_windows(workspace, "run", "--lock-wait-seconds", "0.5")
        assert second.returncode == 2, second.stderr
        assert f"process {holder.pid}, startad" in second.stderr + second.stdout
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0
    after = as_on_windows(workspace, "run", "--lock-wait-seconds", "0")
    assert after.returncode == 0, after.stderr


def test_without_a_time_zone_database_times_are_the_computers_local_time(tmp_path):
    """Windows has no time zone database unless the tzdata package is installed: a workbook's
    "saved at" time (UTC in the file) is then shown in the computer's own local time, with
    summer time, not in UTC."""
    script = textwrap.dedent("""
        import datetime as dt, sys
        sys.modules["tzdata"] = None  # no tzdata package either
        from pipeline.publish.workbook import cells
        assert cells.LOCAL_TIME is None, cells.LOCAL_TIME
        for month in (8, 1):
            print(cells._local(dt.datetime(2024, month, 31, 12, 0, tzinfo=dt.UTC)))
    """)
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env={**os.environ, "PYTHONTZPATH": str(tmp_path), "TZ":
                                "Europe/Stockholm", "PYTHONPATH": str(ROOT)}, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split("\n")[:2] == ["2024-08-31 14:00:00", "2024-01-31 13:00:00"]


def test_output_in_a_windows_code_page_prints_what_it_cannot_hold_as_a_question_mark(tmp_path):
    """On Windows a night's output redirected to a file is in cp1252, which has no ż: the file
    name is printed with "?" in its place, not a traceback in place of the verdicts."""
    source = next((SUBMISSIONS / "SOC").glob("*.xlsx"))
    polish = tmp_path / "Socialtjänst żółw.xlsx"
    shutil.copy(source, polish)
    shown = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(polish)],
                           capture_output=True, cwd=ROOT, timeout=120,
                           env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert shown.returncode == 0, shown.stderr.decode("cp1252")
    assert shown.stdout.decode("cp1252") == "Socialtjänst ?ó?w.xlsx: Godkänd\n"
    assert shown.stderr == b""


@pytest.mark.parametrize(("name", "expected"), [
    ('Rapport: T2 <slutlig>?.xlsx', "Rapport_ T2 _slutlig___fel.xlsx"),
    ("a\\b|c*.xlsx", "a_b_c__fel.xlsx"),
    ("nul.tar.xlsx", "_nul.tar_fel.xlsx"),
    ("tertial\x01.xlsx", "tertial__fel.xlsx"),
    ("Stab T2.xlsx", "Stab T2_fel.xlsx"),  # an ordinary name as before
])
def test_a_refused_files_feedback_copy_gets_a_name_windows_accepts(tmp_path, name, expected):
    """`pipeline validate --feedback` of a file with characters Windows forbids in its name
    (possible on a Linux server or a Mac): the marked-up copy gets a name Windows accepts,
    so that the department can open it from the share."""
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(b"inte excel")
    result = CliRunner().invoke(main, ["validate", str(path), "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 1
    assert [p.name for p in (tmp_path / "fb").iterdir()] == [expected]


def test_a_refused_file_with_a_long_name_gets_its_feedback_copy(tmp_path):
    """A name near the file system's 255 bytes: "_fel" added would make it too long to write,
    and the copy is made under a shortened name."""
    stem = "Måluppföljning " * 20
    while len(f"{stem}.xlsx".encode()) > 254:
        stem = stem[:-1]
    path = tmp_path / f"{stem}.xlsx"
    assert len(path.name.encode()) == 254
    path.write_bytes(b"inte excel")
    result = CliRunner().invoke(main, ["validate", str(path), "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 1, result.output
    (copy,) = (tmp_path / "fb").iterdir()
    assert copy.name.startswith("Måluppföljning Måluppföljning") and copy.name.endswith("_fel.xlsx")
    assert len(copy.name.encode()) <= 255


def _unportable_text_opens(source: str) -> list[int]:
    """Lines of `source` that open a file as text without saying its encoding, or write text
    without saying its line ends (Windows would write "\\r\\n" for "\\n")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if name in ("read_text", "write_text"):
            if "encoding" not in keywords or (name == "write_text" and "newline" not in keywords):
                found.append(node.lineno)
        elif name == "open" and isinstance(func, ast.Name):  # not os.open, ZipFile.open
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), ast.Constant("r"))
            modes = str(mode.value) if isinstance(mode, ast.Constant) else "?"
            if "b" not in modes and ("encoding" not in keywords or (
                    set(modes) & set("wax+?") and "newline" not in keywords)):
                found.append(node.lineno)
    return found


def test_every_text_file_the_package_opens_says_its_encoding_and_line_ends():
    """Without encoding=, Python on Windows reads and writes text in cp1252 (å, ä and ö in a
    path in pipeline.toml would be read wrongly), and without newline= it writes "\\r\\n": a
    log that differs from Linux's. Every text open() and read_text/write_text in the package
    says them itself."""
    sample = ('open(p)\nopen(p, "rb")\nopen(p, "a", encoding="utf-8")\nq.read_text()\n'
              'q.write_text(s, encoding="utf-8")\nq.read_bytes()\nos.open(p, 0)\n'
              'zip.open(part)\nopen(p, "a", encoding="utf-8", newline="\\n")\n'
              'q.read_text(encoding="utf-8")\nopen(p, mode, encoding="utf-8")\n')
    assert _unportable_text_opens(sample) == [1, 3, 4, 5, 11]  # the scan finds what it should
    found = {str(path.relative_to(ROOT)): lines for path in sorted(
        (ROOT / "pipeline").rglob("*.py")) if (lines := _unportable_text_opens(
            path.read_text(encoding="utf-8")))}
    assert found == {}


def test_a_config_file_saved_with_a_byte_order_mark_is_read(workspace):
    """Notepad's "UTF-8 with BOM" and PowerShell 5's Set-Content -Encoding UTF8 start the file
    with a byte order mark, and write CRLF line ends: the file is read all the same."""
    config = workspace / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    config.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(main, ["--config", str(config), "status"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Period 2024-T2, sista inlämningsdag 2024-09-16")


def test_a_night_with_two_refused_files_of_one_long_name_writes_both_copies(workspace):
    """Two broken files of no known department whose names differ only in their extension,
    long names (here in 3-byte characters): the second copy gets the file's name added to the
    first's, still short enough to be written, and the night goes on."""
    stem = "月次報告" * 30
    while len(f"{stem}.xlsx".encode()) > 254:
        stem = stem[:-1]
    for suffix in (".xlsx", ".xls"):
        (workspace / "inbox" / f"{stem}{suffix}").write_bytes(f"inte excel {suffix}".encode())
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"])
    assert result.exit_code == 1, result.output
    copies = sorted(p.name for p in (workspace / "outbox" / "feedback").iterdir())
    assert len(copies) == 2, copies
    assert all(len(name.encode()) <= 255 and name.startswith("月次報告") for name in copies)


def test_the_hidden_files_windows_explorer_leaves_in_a_folder_are_not_read(workspace):
    """Thumbs.db and desktop.ini, which Explorer writes in a folder it has shown, are not a
    department's report: the night reads the department's file, leaves them where they are
    and says nothing about them to the controller."""
    folder = workspace / "inbox" / "SOC"
    shutil.copytree(SUBMISSIONS / "SOC", folder)
    for name in ("Thumbs.db", "desktop.ini"):
        (folder / name).write_bytes(b"\xd0\xcf\x11\xe0 not a report")
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"])
    assert result.exit_code == 0, result.output
    assert "Thumbs" not in result.output and "desktop" not in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["Thumbs.db", "desktop.ini"]
    assert not (workspace / "outbox" / "feedback").exists() or \
        not list((workspace / "outbox" / "feedback").iterdir())


@pytest.mark.parametrize(("line", "expected"), [
    ('register = "D:\\malsystem\\register.xlsx"',
     " har ett skrivfel på rad 1, tecken 17: inom dubbla citattecken läses \\ som början på ett "
     "specialtecken. Skriv en sökväg inom enkla citattecken, t.ex. "
     "register = 'D:\\malsystem\\register.xlsx', eller med / i stället för \\."),
    ('register = "C:\\temp\\register.xlsx"',  # \t and \r: read without an error, but wrong
     ', rad 1: register = "C:\\temp\\register.xlsx" har \\ inom dubbla citattecken, där \\t, '
     "\\n och \\r blir specialtecken. Skriv sökvägen inom enkla citattecken, "
     "register = 'C:\\temp\\register.xlsx', eller med / i stället för \\."),
])
def test_a_windows_path_in_double_quotes_is_named_with_how_to_write_it(tmp_path, line,
                                                                      expected):
    """A controller on Windows writes the register's path as Explorer shows it: in TOML's
    double quotes a backslash starts an escape, so the message says to use single quotes."""
    config = tmp_path / "pipeline.toml"
    config.write_text(f'{line}\nperiod = "2024-T2"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "status"])
    assert result.exit_code == 2
    assert result.output == f"Konfigurationsfilen {config}{expected}\n"


def test_a_department_coded_con_is_told_of_and_hands_in_without_a_folder_of_its_own(tmp_path):
    """A register whose Sociala avdelningen has the code CON, a name Windows keeps for a
    device: `pipeline templates` names the row and says what to do; the names the product
    makes from the code (the template, the feedback copy) are names Windows accepts; and the
    department's file, dropped in the inbox itself as the remark says, counts for CON."""
    import datetime as dt
    import re

    import openpyxl

    from pipeline.filenames import NOT_IN_WINDOWS_NAMES, is_windows_device
    from pipeline.issues import Report
    from pipeline.publish.feedback import feedback_name
    from pipeline.samples import fill_template
    from tests.conftest import EXAMPLE_REGISTER

    book = openpyxl.load_workbook(EXAMPLE_REGISTER)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and re.search(r"\bSOC\b", cell.value):
                    cell.value = re.sub(r"\bSOC\b", "CON", cell.value)
    book.save(tmp_path / "register.xlsx")
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "pipeline.toml"
    config.write_text('register = "register.xlsx"\nperiod = "2024-T2"\nreport = false\n'
                      "settle_seconds = 0\n", encoding="utf-8")

    made = CliRunner().invoke(main, ["--config", str(config), "templates", "--out",
                                     str(tmp_path / "mallar")], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert 'Fliken "Avdelningar", rad 6, kolumn "Avdelningskod" (A6): Avdelningskoden CON är ' \
           "ett av de namn som Windows reserverar" in made.output
    names = sorted(p.name for p in (tmp_path / "mallar").iterdir())
    assert "CON_2024-T2_mall.xlsx" in names
    names.append(feedback_name(Report(file="x.xlsx", department="CON", period="2024-T2"),
                               "x.xlsx"))
    assert names[-1] == "CON_2024-T2_fel.xlsx"
    assert not [n for n in names if is_windows_device(n) or NOT_IN_WINDOWS_NAMES.search(n)]

    fill_template(tmp_path / "mallar" / "CON_2024-T2_mall.xlsx",
                  tmp_path / "inbox" / "Sociala T2.xlsx", department="CON",
                  period_end=dt.date(2024, 8, 31))
    night = CliRunner().invoke(main, ["--config", str(config), "run"], catch_exceptions=False)
    assert "Sociala T2.xlsx: Godkänd" in night.output
    assert "CON (Sociala T2.xlsx, " in night.output
