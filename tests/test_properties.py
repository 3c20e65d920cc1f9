"""The nightly run's promises as properties, hunted end to end through the library.

Each example is a few nights of department files (the shipped Ånge files, changed with
openpyxl as a department would) dropped into a fresh inbox and read with `nightly_run`; what
came out is read back from the archive, the ledger and the consolidated workbook. The
promises are SPEC's: nothing is lost, what is accepted is what the department wrote, a refused
file never changes the figures, the latest accepted file counts, and a run with nothing new
(or rebuilding from the archive) gives the same outputs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.archive import Archive
from pipeline.config import Settings
from pipeline.normalize import PLACEHOLDERS
from pipeline.run import make_templates, nightly_run, submission_status, validate_files
from tests.conftest import EXAMPLE, EXAMPLE_REGISTER
from tests.corpus import set_cell

PERIOD = "2024-T2"
CODES = ("STAB", "EKO", "UTB", "SBA", "SOC")
NAMES = {"STAB": "Stab", "EKO": "Ekonomiavdelningen", "UTB": "Utbildningsavdelningen",
         "SBA": "Samhällsbyggnadsavdelningen", "SOC": "Sociala avdelningen"}
# Each example runs the night a few times (about a second each): few examples, the same ones
# every time in CI (a counterexample found while hunting becomes a test of its own).
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "5")), deadline=None,
                    derandomize=not os.environ.get("PROPERTY_HUNT"), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
OUTPUT = f"sammanstallning_{PERIOD}.xlsx"
# the sheets whose content is the committee's figures (not when or under which name a file came)
FIGURES = ("Måluppföljning", "Aktiviteter", "Sjukfrånvaro", "Ekonomi")


@functools.cache
def example(code: str) -> bytes:
    return next((EXAMPLE / "inlamningar" / code).glob("*.xlsx")).read_bytes()


def edited(code: str, change, saved: dt.datetime) -> bytes:  # type: ignore[no-untyped-def]
    """The department's example file changed by `change(book)` in openpyxl, saved at `saved`
    (the workbook's own save time, which orders two files of one night)."""
    book = openpyxl.load_workbook(io.BytesIO(example(code)))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return with_saved_time(out.getvalue(), saved)


def with_saved_time(content: bytes, saved: dt.datetime) -> bytes:
    parts = {}
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        for info in source.infolist():
            parts[info.filename] = source.read(info)
    stamp = saved.strftime("%Y-%m-%dT%H:%M:%SZ")
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        lambda m: m[1] + stamp.encode() + m[2], parts["docProps/core.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def marker(code: str, version: int, refused: bool) -> str:
    return f"Kommentar {code} v{version}{' (fel)' if refused else ''}"


@functools.cache
def version(code: str, number: int, refused: bool) -> bytes:
    """A version of the department's report: its first activity's comment names the version;
    a refused one also has a status no list holds."""

    def change(book: openpyxl.Workbook) -> None:
        book["Aktiviteter"]["I2"] = marker(code, number, refused)
        if refused:
            book["Aktiviteter"]["H2"] = "pågånde"

    return edited(code, change, dt.datetime(2024, 9, 1, 8) + dt.timedelta(hours=number))


def junk(code: str, number: int) -> bytes:
    return f"Inte en arbetsbok, bara text nr {number} från {code}.".encode()


@contextmanager
def clock(when: dt.datetime):
    before = os.environ.get("PIPELINE_NOW")
    os.environ["PIPELINE_NOW"] = when.isoformat()
    try:
        yield
    finally:
        if before is None:
            del os.environ["PIPELINE_NOW"]
        else:
            os.environ["PIPELINE_NOW"] = before


def workspace(root: Path) -> Settings:
    (root / "inbox").mkdir()
    return Settings(register=EXAMPLE_REGISTER, inbox=root / "inbox", outbox=root / "outbox",
                    archive=root / "archive", period=PERIOD, report=False, settle_seconds=0,
                    lock_wait_seconds=0)


def sheet_values(path: Path, name: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()


def comments_shown(path: Path) -> dict[str, set[str]]:
    """The version markers on Aktiviteter, per department name."""
    rows = sheet_values(path, "Aktiviteter")
    header = rows[0]
    department, comment = header.index("Avdelning"), header.index("Kommentar")
    shown: dict[str, set[str]] = {}
    for row in rows[1:]:
        text = row[comment]
        if isinstance(text, str) and text.startswith("Kommentar "):
            shown.setdefault(str(row[department]), set()).add(text)
    return shown


def assert_summary_agrees(output: Path) -> None:
    """Sammanfattning's counts are the rows of Måluppföljning and Aktiviteter, and each Summa
    on Ekonomi is the sum of the lines it sums."""
    from collections import Counter

    summary = sheet_values(output, "Sammanfattning")

    def table(title: str) -> dict[object, object]:
        start = next(i for i, r in enumerate(summary) if r[0] == title) + 2
        end = next(i for i in range(start, len(summary)) if summary[i][0] == "Summa")
        return {r[0]: r[1] for r in summary[start:end + 1]}

    goals = sheet_values(output, "Måluppföljning")
    assessed = Counter("Ej bedömd" if r[6] in (None, "Ej rapporterad") else r[6]
                       for r in goals[1:] if r[2] and re.fullmatch(r"[\d.]+", str(r[2])))
    shown = table("Mål per bedömning")
    assert shown.pop("Summa") == sum(assessed.values())
    assert {k: v for k, v in shown.items() if v} == dict(assessed)
    [headline] = [r[0] for r in summary if str(r[0]).startswith("Av de totalt")]
    numbers = [int(n) for n in re.findall(r"\d+", headline)]
    good = assessed["● Uppfyllt"] + assessed["◕ Delvis uppfyllt"]
    bad = assessed["◑ Knappt uppfyllt"] + assessed["○ Ej uppfyllt"]
    assert numbers == ([sum(assessed.values()), good, bad, assessed["Ej bedömd"]]
                       if good + bad and assessed["Ej bedömd"] else
                       [sum(assessed.values()), good, bad] if good + bad else
                       [sum(assessed.values())]), headline
    activities = sheet_values(output, "Aktiviteter")
    head = activities[0]
    statuses = Counter(r[head.index("Status")] or "Ej rapporterad" for r in activities[1:]
                       if r[head.index("Aktivitets-id")] and r[head.index("Avdelning")])
    shown = table("Aktiviteter per status")
    assert shown.pop("Summa") == sum(statuses.values())
    assert {k: v for k, v in shown.items() if v} == dict(statuses)

    budget = sheet_values(output, "Ekonomi")
    sums = [i for i, r in enumerate(budget) if r[0] == "Summa"]
    for end in sums:
        start = max(i for i in range(end) if budget[i][0] in ("Avdelning", "Kategori")) + 1
        for column in (1, 2, 3, 4):
            lines = [r[column] for r in budget[start:end]]
            if all(isinstance(v, int | float) for v in [*lines, budget[end][column]]):
                assert abs(budget[end][column] - sum(lines)) < 1e-9, (budget[start:end + 1])


# --- nothing is lost, and the latest accepted file counts -----------------------------------------

DROP = st.tuples(
    st.sampled_from(CODES),
    st.sampled_from(["accepted", "accepted", "refused", "junk"]),
    st.integers(0, 3),  # the version: the same one twice is the same bytes
    st.sampled_from(["rapport.xlsx", "Rapport T2 (slutlig).xlsx", "åäö ÅÄÖ.xlsx", "fil",
                     "x.XLSX"]),
    # in the department's own folder, directly in the inbox, or in another department's
    # folder (refused: no department reports in another's name)
    st.sampled_from(["own", "own", "inbox", "other"]),
)
NIGHTS = st.lists(st.lists(DROP, min_size=1, max_size=4), min_size=1, max_size=3)


def content_of(code: str, kind: str, number: int) -> bytes:
    return junk(code, number) if kind == "junk" else version(code, number, kind == "refused")


def accepted_night(content: bytes, name: str, *sheets: str) -> list[list[tuple[object, ...]]]:
    """One night with `content` alone in the inbox as `name`, which must be accepted: the
    consolidated workbook's `sheets`, as values."""
    with tempfile.TemporaryDirectory() as folder:
        settings_ = workspace(Path(folder))
        (settings_.inbox / name).write_bytes(content)
        with clock(dt.datetime(2024, 9, 3, 2)):
            summary = nightly_run(settings_)
        assert summary.rejected == 0, [i.message for _, r in summary.new for i in r.issues]
        return [sheet_values(settings_.outbox / OUTPUT, sheet) for sheet in sheets]


@SETTINGS
@given(nights=NIGHTS)
def test_every_file_is_archived_and_the_latest_accepted_one_counts(nights):
    """Whatever files come in over a few nights (accepted, refused, not workbooks, the same
    bytes again, under any name, in the department's drop folder, another's or none): after
    each night every file's bytes are in the archive under their checksum, the ledger has
    one line per file, the inbox is empty, and each department's figures are those of its latest accepted report
    (a refused file, or an old one handed in again, changes nothing). A night with nothing new
    changes no output, and an output lost is rebuilt the same from the archive."""
    with tempfile.TemporaryDirectory() as folder:
        settings_ = workspace(Path(folder))
        archive = Archive(settings_.archive)
        dropped: list[str] = []
        counted: dict[str, int] = {}  # department → the version that should count
        accepted_before: set[bytes] = set()
        night = dt.datetime(2024, 9, 2, 2)
        for files in nights:
            night += dt.timedelta(days=1)
            names: set[Path] = set()
            for n, (code, kind, number, name, where) in enumerate(files):
                target = settings_.inbox / (code if where == "own" else "" if where == "inbox"
                                            else CODES[CODES.index(code) - 1])
                target.mkdir(exist_ok=True)
                path = target / name
                if path in names:
                    path = target / f"{n}_{name}"
                names.add(path)
                content = content_of(code, kind, number)
                path.write_bytes(content)
                dropped.append(hashlib.sha256(content).hexdigest())
            # within a night the file saved last counts; a copy of an accepted file is nothing new
            tonight = sorted({(number, code) for code, kind, number, _, where in files
                              if kind == "accepted" and where != "other"})
            for number, code in tonight:
                content = version(code, number, False)
                if content not in accepted_before:
                    counted[code] = number
                    accepted_before.add(content)
            with clock(night):
                summary = nightly_run(settings_)
            assert not [p for p in settings_.inbox.rglob("*") if p.is_file()], summary.lines()
            # each file read is told, and each refused one gets its own feedback copy
            assert len(summary.new) == len(files)
            lines = "\n".join(summary.lines())
            assert all(f"{a.folder + '/' if a.folder else ''}{a.name}: " in lines
                       for a, _ in summary.new), lines
            refused = [a for a, _ in summary.new if a.verdict == "Ej godkänd"]
            assert len(summary.feedback) == len(set(summary.feedback)) == len(refused)
            assert all(p.exists() for p in summary.feedback)
            arrivals = archive.arrivals()
            assert len(arrivals) == len(dropped)
            assert sorted(a.sha256 for a in arrivals) == sorted(dropped)
            for digest in dropped:
                assert hashlib.sha256(archive.read(digest)).hexdigest() == digest
            output = settings_.outbox / OUTPUT
            shown = comments_shown(output) if output.exists() else {}
            assert shown == {NAMES[code]: {marker(code, number, False)}
                             for code, number in counted.items()}, summary.lines()
            assert sorted(summary.counted) == sorted(counted)
            with clock(night):  # `pipeline status` tells the same
                status = submission_status(settings_)
            assert {d.code: d.counted.sha256 for d in status.departments if d.counted} == \
                {code: a.sha256 for code, a in summary.counted.items()}
            if output.exists():
                assert_summary_agrees(output)
            if output.exists():  # Inlämningar lists every file, and which one counts
                listed = sheet_values(output, "Inlämningar")
                head = listed[0]
                files = [r for r in listed[1:] if r[head.index("Kontrollsumma (SHA-256)")]]
                assert sorted(r[head.index("Kontrollsumma (SHA-256)")] for r in files) == \
                    sorted(dropped)
                assert {(r[head.index("Avdelning")], r[head.index("Kontrollsumma (SHA-256)")])
                        for r in files if r[head.index("Räknas")] == "Ja"} == \
                    {(NAMES[code], hashlib.sha256(version(code, number, False)).hexdigest())
                     for code, number in counted.items()}
        before = {p.name: p.read_bytes() for p in settings_.outbox.glob("*.*")}
        with clock(night + dt.timedelta(days=1)):
            again = nightly_run(settings_)
        assert again.unchanged
        assert {p.name: p.read_bytes() for p in settings_.outbox.glob("*.*")} == before
        (settings_.outbox / OUTPUT).unlink()
        with clock(night + dt.timedelta(days=2)):
            nightly_run(settings_)
        assert (settings_.outbox / OUTPUT).read_bytes() == before[OUTPUT]
        # the archive's cache can always be made again: without it, the same workbook
        shutil.rmtree(settings_.archive / "cache", ignore_errors=True)
        (settings_.outbox / OUTPUT).unlink()
        with clock(night + dt.timedelta(days=3)):
            nightly_run(settings_)
        assert (settings_.outbox / OUTPUT).read_bytes() == before[OUTPUT]
        assert len(archive.arrivals()) == len(dropped)


# --- what is accepted is what the department wrote ------------------------------------------------

@functools.cache
def layout(code: str) -> dict[str, list[tuple[int, tuple[object, ...]]]]:
    """The filled rows of each answer sheet of the department's example: (row, values)."""
    book = openpyxl.load_workbook(io.BytesIO(example(code)))
    found = {}
    for name in ("Aktiviteter", "Målbedömning", "Ekonomi"):
        sheet = book[name]
        found[name] = [(r, tuple(c.value for c in sheet[r])) for r in range(2, sheet.max_row + 1)
                       if sheet.cell(r, 1).value not in (None, "")]
    return found


WORD = st.text(st.characters(categories=("L", "N", "P", "S"), exclude_characters="_"),
               min_size=1, max_size=8).filter(lambda w: unicodedata.is_normalized("NFC", w))
SWEDISH = st.sampled_from(["Åtgärd", "fördröjd", "ÄNDRAT", "så här", "–", "=SUMMA(A1)",
                           "+46 70 123 45 67", "- punkt", "😀", "👍🏽", "50 %", "0,1+0,2",
                           "Ej påbörjad", "\"citat\"", "<b>", "&amp;", "1/3"])
TEXT = st.lists(st.tuples(st.one_of(WORD, SWEDISH), st.sampled_from([" ", " ", "\n"])),
                min_size=1, max_size=6).map(
    lambda parts: "".join(w + s for w, s in parts)[:-1].strip())
PAD = st.sampled_from(["", " ", "  ", "\u00a0", "\n", " \n "])


@st.composite
def typed_text(draw):
    """(what the department types, what the committee should read)."""
    core = draw(TEXT.filter(lambda t: t and t.casefold() not in PLACEHOLDERS))
    return draw(PAD) + core + draw(PAD), core


@st.composite
def typed_amount(draw, budget: float):
    """(what the department types into an amount cell, the amount it means)."""
    amount = draw(st.one_of(
        st.integers(0, int(budget * 10)).map(float),
        st.tuples(st.floats(0, budget * 10), st.integers(0, 4)).map(lambda v: round(*v)),
        st.sampled_from([0.1 + 0.2, 0.05, 0.15, 0.25, 2.25, 1e-9, 0.0])))
    form = draw(st.sampled_from(["number", "number", "comma", "spaces"]))
    if form == "comma":
        return f"{amount:.2f}".replace(".", ","), float(f"{amount:.2f}")
    if form == "spaces":
        whole, _, part = f"{amount:,.1f}".partition(".")
        return whole.replace(",", "\u00a0") + "," + part, float(f"{amount:.1f}")
    return amount, amount


def half_up(value: float) -> float:
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@st.composite
def answers(draw):
    code = draw(st.sampled_from(CODES))
    rows = layout(code)
    comments = {r: draw(typed_text()) for r, _ in rows["Aktiviteter"]
                if draw(st.integers(0, 2)) == 0}
    analyses = {r: draw(typed_text()) for r, _ in rows["Målbedömning"]}
    amounts = {r: (draw(typed_amount(values[1])), draw(typed_amount(values[1])))
               for r, values in rows["Ekonomi"]}
    return code, comments, analyses, amounts


@SETTINGS
@given(case=answers())
def test_what_is_accepted_is_what_the_department_wrote(case):
    """Comments and analyses with Swedish letters, emoji, line breaks, formula-like starts and
    spaces around them, and amounts typed as numbers, with a decimal comma or with spaces
    between thousands: the file is accepted, the committee reads each text as written (the
    spaces around it trimmed) in the department's row, each amount rounded as on paper to the
    shown decimal, and every sum on Ekonomi is the sum of the rows above it."""
    code, comments, analyses, amounts = case
    rows = layout(code)

    def change(book: openpyxl.Workbook) -> None:  # text stays text, also "=SUMMA(A1)"
        for r, (typed, _) in comments.items():
            set_cell(book["Aktiviteter"].cell(r, 9), typed)
        for r, (typed, _) in analyses.items():
            set_cell(book["Målbedömning"].cell(r, 5), typed)
        for r, ((outcome, _), (forecast, _)) in amounts.items():
            set_cell(book["Ekonomi"].cell(r, 3), outcome)
            set_cell(book["Ekonomi"].cell(r, 4), forecast)

    content = edited(code, change, dt.datetime(2024, 9, 1, 8))
    with tempfile.TemporaryDirectory() as folder:
        settings_ = workspace(Path(folder))
        (settings_.inbox / code).mkdir()
        (settings_.inbox / code / "svar.xlsx").write_bytes(content)
        with clock(dt.datetime(2024, 9, 3, 2)):
            summary = nightly_run(settings_)
        assert summary.rejected == 0, "\n".join(summary.lines()) + "\n" + "\n".join(
            f"{i.sheet}!{i.cell}: {i.message}" for _, r in summary.new for i in r.errors)
        output = settings_.outbox / OUTPUT
        name = NAMES[code]

        activities = sheet_values(output, "Aktiviteter")
        head = activities[0]
        shown = {(row[head.index("Aktivitets-id")], row[head.index("Avdelning")]):
                 row[head.index("Kommentar")] for row in activities[1:]}
        for r, values in rows["Aktiviteter"]:
            expected = comments[r][1] if r in comments else values[8]
            assert shown[(values[0], name)] == expected, (r, values[0])

        goals = sheet_values(output, "Måluppföljning")
        head = goals[0]
        shown = {row[head.index("KS-mål-id")]: row[head.index("Analys")] for row in goals[1:]}
        for r, values in rows["Målbedömning"]:
            assert shown[values[0]] == analyses[r][1], (r, values[0])

        budget = sheet_values(output, "Ekonomi")
        start = next(i for i, row in enumerate(budget) if row[0] == "Avdelning och kategori")
        mine = next(i for i in range(start, len(budget)) if budget[i][0] == name)
        lines = {row[0]: row for row in budget[mine + 1:mine + 1 + len(rows["Ekonomi"])]}
        for r, values in rows["Ekonomi"]:
            (_, outcome), (_, forecast) = amounts[r]
            line = lines[values[0]]
            assert (line[2], line[3]) == (half_up(outcome), half_up(forecast)), values[0]
            assert line[4] == half_up(half_up(values[1]) - half_up(forecast))
        total = budget[mine]
        for column in (1, 2, 3, 4):
            assert abs(total[column] - sum(row[column] for row in lines.values())) < 1e-9
        assert summary.counted.keys() == {code}
        book = openpyxl.load_workbook(output)  # a text that looks like a formula stays text
        assert not [(sheet.title, cell.coordinate) for name in ("Aktiviteter", "Måluppföljning")
                    for sheet in [book[name]] for row in sheet.iter_rows() for cell in row
                    if cell.data_type == "f"]


# --- the same files give the same figures, in whatever order and under whatever names -----------

@st.composite
def arrangements(draw):
    """One accepted version per department and a few refused files and files that are no
    workbook, and two ways they could have come in: nights, file names, drop folders and the
    order the files were copied."""
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=5, unique=True))
    files = [(code, "accepted", draw(st.integers(0, 3))) for code in codes]
    files += draw(st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(["refused", "junk"]),
                                     st.integers(0, 3)), max_size=3, unique=True))

    def arrangement():  # type: ignore[no-untyped-def]
        order = draw(st.permutations(files))
        return [(draw(st.integers(0, 2)), code, kind, number,
                 draw(st.sampled_from(["a.xlsx", "Rapport.xlsx", "ö"])), draw(st.booleans()))
                for code, kind, number in order]

    return arrangement(), arrangement()


def figures_after(root: Path, drops) -> dict[str, list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    settings_ = workspace(root)
    for night in sorted({d[0] for d in drops}):
        for n, (_, code, kind, number, name, own_folder) in enumerate(
                d for d in drops if d[0] == night):
            target = settings_.inbox / code if own_folder else settings_.inbox
            target.mkdir(exist_ok=True)
            (target / f"{n}{name}").write_bytes(content_of(code, kind, number))
        with clock(dt.datetime(2024, 9, 3 + night, 2)):
            nightly_run(settings_)
    output = settings_.outbox / OUTPUT
    return {name: sheet_values(output, name) for name in FIGURES}


@SETTINGS
@given(case=arrangements())
def test_the_same_files_give_the_same_figures_whatever_their_order_and_names(case):
    """The same files, come in on other nights, in another order, under other names and
    folders, with refused ones among them: the committee's figures are the same."""
    first, second = case
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        assert figures_after(Path(one), first) == figures_after(Path(two), second)


# --- every refusal names its cells, and the feedback copy marks exactly those -------------------

BAD = {  # (sheet, column): values a person might type that no list or rule accepts
    ("Aktiviteter", "H"): ["pågånde", "Klar", 5, "Avslutad?"],
    ("Målbedömning", "D"): ["Bra", "Uppfylld", 3],
    ("Sjukfrånvaro", "C"): [-3, "många", "tolv"],
    ("Sjukfrånvaro", "E"): [-1.5, "ett par", "10 %"],
    # (a negative amount is no such value: a sign convention when all are, else told once)
    ("Ekonomi", "C"): ["176 000 tkr", "okänt", "12,3,4"],
    ("Ekonomi", "D"): ["lite", "1e400", "#N/A"],
}


@st.composite
def refusals(draw):
    code = draw(st.sampled_from(CODES))
    rows = layout(code)
    sick_rows = range(2, 8)
    typed = {}
    for _ in range(draw(st.integers(1, 4))):
        (sheet, column), values = draw(st.sampled_from(sorted(BAD.items(), key=str)))
        if sheet == "Sjukfrånvaro":
            row = draw(st.sampled_from(sick_rows))
        else:
            if not rows[sheet]:
                continue
            row = draw(st.sampled_from([r for r, _ in rows[sheet]]))
        typed[(sheet, f"{column}{row}")] = draw(st.sampled_from(values))
    return code, typed


@functools.cache
def figures_of(code: str, number: int) -> dict[str, list[tuple[object, ...]]]:
    """The committee's figures when the department's version `number` is all that came in."""
    with tempfile.TemporaryDirectory() as folder:
        settings_ = workspace(Path(folder))
        (settings_.inbox / "svar.xlsx").write_bytes(version(code, number, False))
        with clock(dt.datetime(2024, 9, 3, 2)):
            nightly_run(settings_)
        return {name: sheet_values(settings_.outbox / OUTPUT, name) for name in FIGURES}


@SETTINGS
@given(case=refusals())
def test_a_refused_file_names_each_wrong_cell_and_its_corrected_copy_counts(case):
    """Wrong values typed into a department's answers: the file is refused, each of those
    cells is named by an error in Swedish, the committee's figures stay as they were, and the
    feedback copy marks (red, with a comment) exactly the cells the problems name. The copy,
    with those cells corrected and handed in again, is accepted and gives the figures of the
    file the department meant to send."""
    code, typed = case
    if not typed:
        return
    meant = openpyxl.load_workbook(io.BytesIO(version(code, 1, False)))

    def change(book: openpyxl.Workbook) -> None:
        book["Aktiviteter"]["I2"] = marker(code, 1, False)
        for (sheet, ref), value in typed.items():
            set_cell(book[sheet][ref], value)

    content = edited(code, change, dt.datetime(2024, 9, 1, 8))
    with tempfile.TemporaryDirectory() as folder:
        settings_ = workspace(Path(folder))
        (settings_.inbox / code).mkdir()
        (settings_.inbox / code / "first.xlsx").write_bytes(version(code, 0, False))
        with clock(dt.datetime(2024, 9, 3, 2)):
            nightly_run(settings_)
        figures = {name: sheet_values(settings_.outbox / OUTPUT, name) for name in FIGURES}
        (settings_.inbox / code / "second.xlsx").write_bytes(content)
        with clock(dt.datetime(2024, 9, 4, 2)):
            summary = nightly_run(settings_)
        assert summary.rejected == 1
        [(_, report)] = summary.new
        named = {(i.sheet, i.cell) for i in report.errors}
        assert set(typed) <= named, report.issues
        for issue in report.issues:
            assert re.search("[åäöÅÄÖ]", issue.message) and "{" not in issue.message, issue
            assert not re.search(r"\b(nan|None|NaN|Traceback|Error)\b", issue.message), issue
        assert {name: sheet_values(settings_.outbox / OUTPUT, name)
                for name in FIGURES} == figures
        feedback = settings_.outbox / "feedback" / f"{code}_{PERIOD}_fel.xlsx"
        copy = openpyxl.load_workbook(feedback)
        marked = {(sheet.title, cell.coordinate) for sheet in copy.worksheets
                  if sheet.title != "Fel" for row in sheet.iter_rows() for cell in row
                  if cell.comment is not None and cell.comment.author == "Målsystem"}
        assert marked == {(i.sheet, i.cell) for i in report.issues if i.sheet and i.cell}

        for sheet, ref in typed:
            copy[sheet][ref].value = meant[sheet][ref].value
        copy.save(settings_.inbox / code / "rättad.xlsx")
        with clock(dt.datetime(2024, 9, 5, 2)):
            summary = nightly_run(settings_)
        assert summary.rejected == 0, [i.message for _, r in summary.new for i in r.issues]
        assert {name: sheet_values(settings_.outbox / OUTPUT, name)
                for name in FIGURES} == figures_of(code, 1)
        assert not feedback.exists()  # its report came in again: the old copy goes


# --- sick leave: ratios of summed hours, small groups never shown --------------------------------

SEXES = ("Kvinnor", "Män")
AGES = ("29 år eller yngre", "30–49 år", "50 år eller äldre")


@st.composite
def sick_hours(draw):
    """Six rows (Kön × Åldersgrupp) of employees and hours that fit together."""
    rows = []
    for _ in range(6):
        employees = draw(st.sampled_from([0, 1, 4, 9, 10, 11, 12, 25, 60, 400]))
        ordinary = float(draw(st.integers(0, 1700)) * employees)
        sick = draw(st.floats(0, 1)) * ordinary
        long_term = draw(st.floats(0, 1)) * sick
        decimals = draw(st.integers(0, 2))
        rows.append((employees, ordinary, round(sick, decimals), round(long_term, decimals)))
    return draw(st.sampled_from(CODES)), rows


def half_up3(value: float) -> float:
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


@SETTINGS
@given(case=sick_hours())
def test_sick_leave_is_a_ratio_of_summed_hours_and_small_groups_are_never_shown(case):
    """Whatever hours a department reports: each of its seven figures on Sjukfrånvaro is its
    group's summed sick hours over its summed ordinary hours (long-term: over the sick hours),
    rounded as on paper; a group of 10 employees or fewer shows "–", and so does one more of
    its sex or age groups, so that the hidden one cannot be worked out from the others."""
    code, rows = case
    if any(long > sick or sick > ordinary for _, ordinary, sick, long in rows):
        return  # (rounding may break the order; refused, and tested elsewhere)

    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Sjukfrånvaro"]
        for r, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=3):
                sheet.cell(r, column).value = value

    content = edited(code, change, dt.datetime(2024, 9, 1, 8))
    [table] = accepted_night(content, "sjuk.xlsx", "Sjukfrånvaro")
    book = openpyxl.load_workbook(io.BytesIO(example(code)), read_only=True)
    labels = [(r[0], r[1]) for r in book["Sjukfrånvaro"].iter_rows(min_row=2, max_row=7,
                                                                   values_only=True)]
    by_label = dict(zip(labels, rows, strict=True))
    groups = {"Total sjukfrånvaro": list(by_label)}
    groups.update({sex: [k for k in by_label if k[0] == sex] for sex in SEXES})
    groups.update({age: [k for k in by_label if k[1] == age] for age in AGES})
    head = table[0]
    row = next(r for r in table if r[0] == NAMES[code])
    employees_of = {name: sum(by_label[k][0] for k in keys) for name, keys in groups.items()}
    hidden = set()
    for name, keys in groups.items():
        shown = row[head.index(name)]
        sick = sum(by_label[k][2] for k in keys)
        ordinary = sum(by_label[k][1] for k in keys)
        if employees_of[name] <= 10 or employees_of["Total sjukfrånvaro"] <= 10:
            assert shown == "–", (name, shown)
        if shown == "–":
            hidden.add(name)
        elif ordinary > 0:
            assert shown == half_up3(sick / ordinary), (name, shown, sick, ordinary)
    long_term = row[head.index(next(h for h in head if str(h).startswith("Långtid")))]
    total_sick = sum(values[2] for values in rows)
    if "Total sjukfrånvaro" in hidden:
        assert long_term == "–"
    elif total_sick > 0 and long_term != "–":
        assert long_term == half_up3(sum(values[3] for values in rows) / total_sick)
    for partition in (SEXES, AGES):
        assert len(hidden & set(partition)) != 1, (partition, hidden, employees_of)


# --- a department's own activity: its dates as typed, at the period's edges ----------------------

EDGES = [dt.date(2024, 1, 1), dt.date(2024, 2, 29), dt.date(2024, 4, 30), dt.date(2024, 5, 1),
         dt.date(2024, 8, 31), dt.date(2024, 9, 1), dt.date(2024, 12, 31), dt.date(2025, 1, 1),
         dt.date(2025, 12, 31)]
DAY = st.one_of(st.sampled_from(EDGES), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))


@st.composite
def typed_date(draw):
    """(what the department types, the day it means): a date cell or text, the ways SPEC
    names (2024-03-31, 31/3/2024, 2024-03-\\n31)."""
    day = draw(DAY)
    form = draw(st.sampled_from(["cell", "cell", "iso", "slash", "broken"]))
    if form == "cell":
        return dt.datetime.combine(day, dt.time()), day
    if form == "iso":
        return day.isoformat(), day
    if form == "slash":
        return f"{day.day}/{day.month}/{day.year}", day
    return f"{day:%Y-%m-}\n{day:%d}", day


@st.composite
def own_activities(draw):
    code = draw(st.sampled_from(CODES))
    (start, start_day), (end, end_day) = draw(typed_date()), draw(typed_date())
    if end_day < start_day:
        (start, start_day), (end, end_day) = (end, end_day), (start, start_day)
    title = draw(TEXT.filter(lambda t: "\n" not in t and t.casefold() not in PLACEHOLDERS))
    status = draw(st.sampled_from(["Ej påbörjad", "Pågående enligt plan", "Avslutad enligt plan",
                                   "pågående  ENLIGT plan"]))
    return code, title, (start, start_day), (end, end_day), status


@SETTINGS
@given(case=own_activities())
def test_a_departments_own_activity_shows_the_days_it_typed(case):
    """An activity a department adds on an empty row, with its dates typed as dates or as
    text at the period's and the year's edges: the file is accepted, and the committee sees
    the activity under the department with a new id, its title as typed and the same days."""
    code, title, (start, start_day), (end, end_day), status = case
    rows = layout(code)
    row = max(r for r, _ in rows["Aktiviteter"]) + 1
    goal = str(rows["Aktiviteter"][0][1][1]).split(";")[0]

    def change(book: openpyxl.Workbook) -> None:
        sheet = book["Aktiviteter"]
        for column, value in zip("BCDEHI", (goal, title, start, end, status, "Ny aktivitet."),
                                 strict=True):
            set_cell(sheet[f"{column}{row}"], value)

    content = edited(code, change, dt.datetime(2024, 9, 1, 8))
    [activities] = accepted_night(content, "egen.xlsx", "Aktiviteter")
    head = activities[0]
    [found] = [r for r in activities[1:] if r[head.index("Avdelning")] == NAMES[code]
               and r[head.index("Kommentar")] == "Ny aktivitet."]
    assert found[head.index("Aktivitet")] == title
    assert str(found[head.index("Aktivitets-id")]).startswith(f"{code}-")
    assert found[head.index("KS-mål-id")] == goal
    assert found[head.index("Startdatum")] == dt.datetime.combine(start_day, dt.time())
    assert found[head.index("Slutdatum")] == dt.datetime.combine(end_day, dt.time())
    assert found[head.index("Status")] == ("Pågående enligt plan" if "ENLIGT" in status
                                           else status)


# --- pipeline validate checks a file as the nightly run would ------------------------------------

@SETTINGS
@given(files=st.lists(DROP, min_size=1, max_size=4,
                      unique_by=lambda d: (d[0], d[1], d[2])))
def test_validate_gives_the_verdict_and_findings_the_night_gives(files):
    """The files in the inbox, checked with `validate_files` (`pipeline validate`) before the
    night: each gets the verdict and the findings (sheet, cell, message) the night then gives
    it, wherever it lies in the inbox."""
    with tempfile.TemporaryDirectory() as folder:
        settings_ = workspace(Path(folder))
        paths = []
        for n, (code, kind, number, name, where) in enumerate(files):
            target = settings_.inbox / (code if where == "own" else "" if where == "inbox"
                                        else CODES[CODES.index(code) - 1])
            target.mkdir(exist_ok=True)
            path = target / f"{n}{name}"
            path.write_bytes(content_of(code, kind, number))
            paths.append(path)
        checked = {result.path.name: [(i.severity.value, i.sheet, i.cell, i.message)
                                      for i in result.report.ordered]
                   for result in validate_files(settings_, paths)}
        with clock(dt.datetime(2024, 9, 3, 2)):
            summary = nightly_run(settings_)
        night = {arrival.name: [(i.severity.value, i.sheet, i.cell, i.message)
                                for i in report.ordered] for arrival, report in summary.new}
        assert checked == night


# --- the previous period: what counted then is what Föregående status shows ----------------------

@functools.cache
def t1_version(code: str, number: int) -> bytes:
    """A filled 2024-T1 report of the department; versions differ in their statuses."""
    from pipeline.register import read_register
    from pipeline.samples import fill_template
    from pipeline.templates import write_templates

    register = read_register(EXAMPLE_REGISTER)
    with tempfile.TemporaryDirectory() as folder:
        [template] = write_templates(register, "2024-T1", Path(folder), [code],
                                     created=dt.date(2024, 1, 2))
        out = fill_template(template, Path(folder) / "t1.xlsx", department=code,
                            period_end=dt.date(2024, 4, 30), seed=number)
        return with_saved_time(out.read_bytes(), dt.datetime(2024, 5, 2, 8 + number))


def statuses_in(content: bytes) -> dict[str, str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book["Aktiviteter"].iter_rows(min_row=2, values_only=True))
    return {str(r[0]): str(r[7]) for r in rows if r[0] and r[7]}


@SETTINGS
@given(t1=st.lists(st.lists(st.tuples(st.sampled_from(CODES[:3]), st.integers(0, 2)),
                            min_size=1, max_size=3), min_size=1, max_size=2),
       t2=st.lists(st.sampled_from(CODES[:3]), unique=True, max_size=3))
def test_previous_status_is_what_counted_in_the_previous_period(t1, t2):
    """Departments report for 2024-T1 over a night or two (a later version replacing an
    earlier one), then the period moves on to 2024-T2: the T2 templates and the T2 workbook
    show, as Föregående status, each activity's status in the department's T1 file that
    counts, whichever T2 files have come in."""
    with tempfile.TemporaryDirectory() as folder:
        settings_ = dataclasses.replace(workspace(Path(folder)), period="2024-T1")
        counted: dict[str, int] = {}
        seen: set[tuple[str, int]] = set()  # a copy of an accepted file is nothing new
        for n, files in enumerate(t1):
            for code, number in files:
                (settings_.inbox / f"{code}_{number}.xlsx").write_bytes(t1_version(code, number))
            for code, number in sorted(set(files) - seen, key=lambda f: f[1]):
                counted[code] = number
            seen.update(files)
            with clock(dt.datetime(2024, 5, 3 + n, 2)):
                assert nightly_run(settings_).rejected == 0
        settings_ = dataclasses.replace(settings_, period="2024-T2")
        expected = {code: statuses_in(t1_version(code, number))
                    for code, number in counted.items()}
        for code in t2:
            (settings_.inbox / f"{code}.xlsx").write_bytes(example(code))
        with clock(dt.datetime(2024, 9, 3, 2)):
            nightly_run(settings_)
        activities = sheet_values(settings_.outbox / OUTPUT, "Aktiviteter")
        head = activities[0]
        for code in CODES[:3]:
            shown = {r[0]: r[head.index("Föregående status")] for r in activities[1:]
                     if r[head.index("Avdelning")] == NAMES[code]}
            assert {k: v for k, v in shown.items() if v} == expected.get(code, {}), code
        for template in make_templates(settings_, CODES[:3]).paths:
            code = template.name.split("_")[0]
            book = openpyxl.load_workbook(template, read_only=True)
            rows = list(book["Aktiviteter"].iter_rows(min_row=2, values_only=True))
            assert {str(r[0]): r[5] for r in rows if r[0] and r[5]} == \
                expected.get(code, {}), code


# --- checked in worker processes or in one, the night is the same -------------------------------

@contextmanager
def in_workers(on: bool):
    from pipeline import checking

    before = checking.PARALLEL_FROM
    checking.PARALLEL_FROM = 2 if on else 10**9
    try:
        yield
    finally:
        checking.PARALLEL_FROM = before


@SETTINGS
@given(nights=st.lists(st.lists(DROP, min_size=2, max_size=5), min_size=1, max_size=2))
def test_a_night_checked_in_worker_processes_gives_the_same_outputs(nights):
    """The same files, checked in worker processes (as with a dozen files or more) or in the
    run's own process: the same workbook, feedback copies and ledger."""
    results = []
    for parallel in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            settings_ = workspace(Path(folder))
            for n, files in enumerate(nights):
                for m, (code, kind, number, name, where) in enumerate(files):
                    target = settings_.inbox / (code if where == "own" else "" if
                                                where == "inbox" else CODES[CODES.index(code) - 1])
                    target.mkdir(exist_ok=True)
                    (target / f"{m}{name}").write_bytes(content_of(code, kind, number))
                with clock(dt.datetime(2024, 9, 3 + n, 2)), in_workers(parallel):
                    summary = nightly_run(settings_)
            ledger = [(a.name, a.folder, a.sha256, a.verdict, a.department, a.errors, a.warnings)
                      for a in Archive(settings_.archive).arrivals()]
            feedback = {p.name: sheet_values(p, "Fel") for p in
                        sorted((settings_.outbox / "feedback").glob("*.xlsx"))}
            results.append(((settings_.outbox / OUTPUT).read_bytes(), feedback, ledger,
                            [line.replace(folder, "") for line in summary.lines()]))
    assert results[0][1:] == results[1][1:]
    assert results[0][0] == results[1][0]
