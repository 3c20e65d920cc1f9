"""Personal identity numbers in departments' free text: found in any text around them, and
never a date, an amount, a phone number, a diarienummer or an activity id."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import shutil
import zipfile

import openpyxl
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from pipeline.identity import _OTHER_WORD as OTHER_WORD
from pipeline.identity import IdentityKind, find_identity_numbers, mask_identity_numbers

PERSONAL, COORDINATION = IdentityKind.PERSONAL, IdentityKind.COORDINATION


def check_digit(nine: str) -> str:
    total = 0
    for position, char in enumerate(nine):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def identity(born: dt.date, serial: int, *, coordination: bool = False,
             form: str = "YYMMDD-NNNN") -> str:
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    ten = nine + check_digit(nine)
    separator = "+" if dt.date.today().year - born.year >= 100 else "-"
    return {"YYMMDD-NNNN": f"{ten[:6]}{separator}{ten[6:]}",
            "YYMMDDNNNN": ten,
            "YYYYMMDD-NNNN": f"{born.year // 100}{ten[:6]}-{ten[6:]}",
            "YYYYMMDDNNNN": f"{born.year // 100}{ten}",
            "YYMMDD–NNNN": f"{ten[:6]}\u2013{ten[6:]}",
            # as people type them instead of the hyphen
            "YYMMDD NNNN": f"{ten[:6]} {ten[6:]}",
            "YYYYMMDD NNNN": f"{born.year // 100}{ten[:6]} {ten[6:]}",
            "YYMMDD\u00a0NNNN": f"{ten[:6]}\u00a0{ten[6:]}",
            "YYMMDD - NNNN": f"{ten[:6]} - {ten[6:]}",
            "YYYYMMDD - NNNN": f"{born.year // 100}{ten[:6]} - {ten[6:]}",
            "YYMMDD_NNNN": f"{ten[:6]}_{ten[6:]}"}[form]


FORMS = ("YYMMDD-NNNN", "YYMMDDNNNN", "YYYYMMDD-NNNN", "YYYYMMDDNNNN", "YYMMDD–NNNN",
         "YYMMDD NNNN", "YYYYMMDD NNNN", "YYMMDD\u00a0NNNN", "YYMMDD - NNNN",
         "YYYYMMDD - NNNN", "YYMMDD_NNNN")
# written with nothing or only spaces between the date and the last four: after "tel" or
# before "kr" they may be a phone number or an amount
BARE_OR_SPACED = ("YYMMDDNNNN", "YYYYMMDDNNNN", "YYMMDD NNNN", "YYYYMMDD NNNN",
                  "YYMMDD\u00a0NNNN")


def kinds(text: str) -> list[IdentityKind]:
    return [number.kind for number in find_identity_numbers(text)]


# --- found ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "850312-1231", "8503121231", "19850312-1231", "198503121231", "850312\u20131231",
    "121212+1212",  # Tolvan Tolvansson, Skatteverket's test person, born 1912
    # a space (or Word's non-breaking one) typed instead of the hyphen, spaces around it
    "850312 1231", "19850312 1231", "850312\u00a01231", "850312 - 1231", "850312 -1231",
    "850312- 1231", "850312  1231", "19850312 - 1231", "850312 \u2013 1231",
    # an em dash: what Word and a Mac make of "--", and what a text copied from the web has
    "850312\u20141231", "850312 \u2014 1231", "19850312\u20141231",
])
def test_each_way_of_writing_a_personnummer_is_found(typed):
    text = f"Anna S ({typed}) är långtidssjukskriven."
    assert kinds(text) == [PERSONAL]
    assert mask_identity_numbers(text) == "Anna S ([personnummer borttaget]) är " \
                                          "långtidssjukskriven."


def test_a_samordningsnummer_is_the_day_plus_60_and_named_as_such():
    number = identity(dt.date(1990, 7, 21), 234, coordination=True)
    assert number.startswith("900781-")
    assert kinds(f"Samordningsnr {number}.") == [COORDINATION]
    assert mask_identity_numbers(number) == "[samordningsnummer borttaget]"


def test_the_29th_of_february_is_a_birthday_only_in_a_leap_year():
    assert kinds(identity(dt.date(1984, 2, 29), 123)) == [PERSONAL]
    assert kinds(identity(dt.date(2000, 2, 29), 123)) == [PERSONAL]
    nine = "830229123"  # neither 1983 nor 2083 has a 29 February
    assert kinds(f"{nine[:6]}-{nine[6:]}{check_digit(nine)}") == []


def with_check_digit(nine: str) -> str:
    return f"{nine[:6]}-{nine[6:]}{check_digit(nine)}"


@pytest.mark.parametrize("typed", [
    "850312-1232",  # wrong check digit (850312-1231 is right)
    with_check_digit("851312123"),  # month 13
    with_check_digit("850012123"),  # month 0
    with_check_digit("850230123"),  # 30 February
    with_check_digit("850431123"),  # 31 April
    with_check_digit("850332123"),  # day 32
    with_check_digit("850300123"),  # day 0
    with_check_digit("850392123"),  # day 32 + 60
    with_check_digit("850360123"),  # day 0 + 60
    "21" + with_check_digit("850312123"),  # no century 21
])
def test_a_number_whose_date_or_check_digit_is_wrong_is_not_taken(typed):
    assert kinds(f"Nr {typed}") == []


@settings(max_examples=300, deadline=None)
@given(born=st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
       serial=st.integers(0, 999), coordination=st.booleans(), form=st.sampled_from(FORMS),
       before=st.text(max_size=40), after=st.text(max_size=40),
       joint=st.sampled_from([" ", "\n", "(", ": ", "pnr ", "nr.", "/", "\u00a0"]))
@example(born=dt.date(1985, 3, 12), serial=123, coordination=False, form="YYMMDD-NNNN",
         before="Anna S", after=") är sjukskriven", joint=" (")
def test_a_valid_number_is_found_in_any_text_around_it(born, serial, coordination, form,
                                                       before, after, joint):
    number = identity(born, serial, coordination=coordination, form=form)
    # the text around it ends and begins with no digit or separator touching it (else it
    # would be part of a longer number, which is not taken)
    before = before.rstrip("0123456789-+./:,\u2013\u2212") + joint
    after = re.sub(r"^[-./:,\u2013]*\d", "", after)
    after = "" if after[:1].isdigit() else after
    text = before + number + " " + after
    # bare digits after "tel" or before "kr" are a phone number or an amount (tested below)
    assume(form not in BARE_OR_SPACED or not (
        re.search(r"(?i)(tel|tfn|mob|ring|sms|fax|växel|nummer|nås på)\w*[\s.:]*$", before)
        or OTHER_WORD.search(before)  # "Summa", "Faktura", "Möte" …
        or re.match(r"(?i)\s?(kr|kronor|tkr|mnkr|mkr|sek)\b|:-", " " + after)))
    found = find_identity_numbers(text)
    expected = COORDINATION if coordination else PERSONAL
    assert [(n.start, n.kind) for n in found
            if text[n.start:n.end] == number] == [(len(before), expected)]
    masked = mask_identity_numbers(text)
    assert number not in masked and masked.startswith(before + "[")


# --- not taken -----------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%y%m%d", "%d/%m %Y", "%d.%m.%Y", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%d/%m-%Y", "%Y/%m/%d",
                # a date and a time of day with a space between, as Swedes write the time
                "%y%m%d %H:%M", "%Y%m%d %H.%M", "%y%m%d kl. %H.%M", "%Y%m%d kl %H:%M")


@settings(max_examples=300, deadline=None)
@given(first=st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)),
       days=st.integers(0, 3000), formats=st.tuples(*[st.sampled_from(DATE_FORMATS)] * 2),
       joint=st.sampled_from(["–", "-", " - ", "--", " till ", ", ", " och ", " "]))
def test_a_date_or_a_range_of_dates_is_never_taken(first, days, formats, joint):
    second = first + dt.timedelta(days=days)
    text = f"Från {first:{formats[0]}}{joint}{second:{formats[1]}}, klart {second:%Y-%m-%d}."
    assert kinds(text) == []


def amounts(value: int) -> list[str]:
    grouped = f"{value:,}"
    return [grouped.replace(",", " "), grouped.replace(",", "\u00a0"),
            grouped.replace(",", "\u202f"), f"{value} kr", f"{value}kr", f"{value} kronor",
            f"{value} tkr", f"{value}:-", f"{value},50", f"{value},5 mnkr", f"{value}.00",
            f"{grouped.replace(',', ' ')},75 kr", f"−{value} kr", f"{value} SEK",
            # grouped by hand, not by thousands: "850 312 1231 kr", "850312 1231 kr"
            f"{value // 10**7} {value // 10**4 % 1000:03d} {value % 10**4:04d} kr",
            f"{value // 10**4} {value % 10**4:04d} kr", f"{value // 10**4} {value % 10**4:04d}:-"]


@settings(max_examples=300, deadline=None)
@given(value=st.integers(1, 10**12 - 1), before=st.sampled_from(["", "Utfall ", "(", "ca "]))
@example(value=8503121231, before="Budget ")  # ten digits that would be a personnummer
def test_an_amount_is_never_taken(value, before):
    for amount in amounts(value):
        assert kinds(f"{before}{amount} för helåret.") == [], amount


# Swedish phone numbers as people write them: the subscriber's seven digits are a, b and c
# (3, 2 and 2 digits; five after a four-digit area code such as Ånge's 0690). Ten bare digits
# beginning with 0 are taken for a phone number only after a word that says so (a
# personnummer of someone born 2000–2009 looks the same).
PHONES = ("070-{a} {b} {c}", "070-{a}{b}{c}", "070 {a} {b} {c}", "+46 70 {a} {b} {c}",
          "+4670{a}{b}{c}", "0046 70-{a}{b}{c}", "0046 70{a}{b}{c}", "08-{a} {b} {c}",
          "08-{a}{b}{c}", "0690-{a}{b}", "0690-{a} {b}", "0690-{b} {c} {a[0]}",
          "tel 070{a}{b}{c}", "Tel: 070{a}{b}{c}", "tel. 08{a}{b}{c}{a[0]}",
          "mobil 070{a}{b}{c}", "Mobilnr: 073{a}{b}{c}", "ring 0611{a}{b}{c[0]}",
          "växel 0690{a}{b}{c[0]}", "tfn 031{a}{b}{c}", "telefon 010{a}{b}{c}",
          "sms till 070{a}{b}{c}")


@settings(max_examples=300, deadline=None)
@given(s=st.text("0123456789", min_size=7, max_size=7), form=st.sampled_from(PHONES))
def test_a_phone_number_as_it_is_written_is_never_taken(s, form):
    phone = form.format(a=s[:3], b=s[3:5], c=s[5:])
    # ten bare digits get the check digit of a personnummer, so that only the date decides
    phone = re.sub(r"(?<!\d)(\d{9})\d(?!\d)", lambda m: m[1] + check_digit(m[1]), phone)
    assert kinds(f"Kontakt: Eva Ek, {phone}.") == []


@pytest.mark.parametrize("before", ["tel ", "Tel: ", "tel.", "Tfn ", "telefon: ", "mobil ",
                                    "Mobilnr: ", "ring ", "Ring på ", "sms till ", "växel ",
                                    "nås på "])
def test_ten_bare_digits_after_a_phone_word_are_a_phone_number(before):
    number = identity(dt.date(2007, 1, 23), 456, form="YYMMDDNNNN")  # 0701234567 look-alike
    assert number.startswith("070123")
    assert kinds(f"Kontakt: Eva Ek, {before}{number}.") == []
    # the same digits alone, or written with a hyphen, may be someone born in 2007
    assert kinds(f"Kontakt: Eva Ek, {number}.") == [PERSONAL]
    assert kinds(f"Eleven, {before}{number[:6]}-{number[6:]}.") == [PERSONAL]


@settings(max_examples=200, deadline=None)
@given(year=st.integers(2000, 2030), serial=st.integers(1, 99999),
       form=st.sampled_from(["KS {y}/{n}", "KS-{y}-{n:05d}", "Dnr {y}.{n}", "SOC {y}/{n:04d}",
                             "dnr KS {y}-{n}", "§ {n}/{y}", "A{y}.{n}-01", "BR-{n:02d}",
                             "Fakturanr {y}{n:05d}", "ärende {y}-{n:06d}"]))
def test_diarienummer_ids_and_references_are_never_taken(year, serial, form):
    assert kinds(form.format(y=year, n=serial)) == []


@settings(max_examples=300, deadline=None)
@given(s=st.text("0123456789", min_size=7, max_size=7),
       form=st.sampled_from(["tel 070{a} {b}{c}", "Tel: 070{a} {b}{c}", "mobil 073{a} {b}{c}",
                             "ring 070{a}\u00a0{b}{c}", "tfn 031{a} {b}{c}"]))
def test_a_phone_number_with_a_space_after_a_phone_word_is_never_taken(s, form):
    """"070123 4567" after "tel": a phone number, as the same digits bare are."""
    phone = form.format(a=s[:3], b=s[3:5], c=s[5:])
    # the ten digits get the check digit of a personnummer, so that only the date decides
    digits = re.sub(r"\D", "", phone)
    phone = phone[:-1] + check_digit(digits[:9])
    assert kinds(f"Kontakt: Eva Ek, {phone}.") == []


@settings(max_examples=300, deadline=None)
@given(first=st.integers(1, 999_999), second=st.integers(1, 9_999),
       form=st.sampled_from(["{a} + {b}", "{a} + {b:04d}", "{a:06d} +{b:04d}",
                             "{a:06d}/{b:04d}", "{a:06d}.{b:04d}", "{a:06d},{b:04d}",
                             "{a:06d}:{b:04d}", "{a} {b:04d} kr", "{a:06d} {b:04d} tkr",
                             "{a:06d} {b:04d},50", "{a:06d} {b:04d}.5", "{a:06d}-{b:04d}-1",
                             "{a:06d} - {b:04d}-1", "{a:06d}   {b:04d}"]))
def test_two_numbers_a_sign_or_a_unit_apart_are_never_one(first, second, form):
    """A sum ("240315 + 1500"), a ratio, a decimal, an amount with its unit, a longer number
    ("850312 - 1231-1"), numbers set apart in columns: never a personnummer, whatever the
    digits (six and four digits with one space between, and no more, may be one)."""
    text = form.format(a=first, b=second)
    assert kinds(f"Utfall {text} hittills.") == []


def test_ten_random_digits_are_seldom_taken():
    """A date (about 8 % of random digits, with samordningsnummer) and a check digit (1 in
    10) leave well under 1 in 100; seeded, so the test cannot flake. After a word that says
    what they are ("Ordernummer"), none."""
    rng = random.Random(2024)
    samples = ["".join(rng.choice("0123456789") for _ in range(10)) for _ in range(20_000)]
    taken = sum(bool(kinds(f"Numret {s} gäller.")) for s in samples)
    assert 0 < taken < 0.012 * len(samples)
    assert not any(kinds(f"Ordernummer {s} gäller.") for s in samples)


def test_an_organisationsnummer_is_not_a_personnummer():
    # the third digit of an organisationsnummer is 2 or more: month 20 or later, no date
    for number in ("212000-2411", "2120002411", "556036-0793", "802002-4280"):
        assert kinds(f"Org.nr {number}") == []


# --- the night: told, masked in the outputs, kept in the archive ---------------------------------

def xml_text(path) -> str:
    """Every part of an Office file (xlsx, docx) as text: what any reader of it could find."""
    with zipfile.ZipFile(path) as package:
        return "".join(package.read(name).decode("utf-8", "replace")
                       for name in package.namelist())


def test_a_personnummer_in_a_comment_is_told_masked_in_the_outputs_and_archived_as_is(
        workspace, tmp_path):
    from click.testing import CliRunner

    from pipeline.archive import Archive
    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    book = openpyxl.load_workbook(next((EXAMPLE / "inlamningar" / "STAB").glob("*.xlsx")))
    book["Aktiviteter"]["I5"] = "Anna S (850312-1231) är långtidssjukskriven, klart i höst."
    handed_in = tmp_path / "Stab T2 2024.xlsx"
    book.save(handed_in)
    (workspace / "inbox" / "STAB").mkdir()
    shutil.copy(handed_in, workspace / "inbox" / "STAB" / handed_in.name)

    def run(*args):
        return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), *args],
                                  catch_exceptions=False)

    result = run("run", "--report")
    assert result.exit_code == 0, result.output
    assert "Stab T2 2024.xlsx: Godkänd med anmärkningar (0 fel, 1 anmärkning)" in result.output
    assert "850312" not in result.output

    outbox = workspace / "outbox"
    workbook = outbox / "sammanstallning_2024-T2.xlsx"
    report = outbox / "tertialrapport_2024-T2.docx"
    for output in (workbook, report):
        text = xml_text(output)
        assert "850312" not in text and "8503121231" not in text, output.name
    assert "Anna S ([personnummer borttaget]) är långtidssjukskriven, klart i höst." in \
        xml_text(report)
    sheets = openpyxl.load_workbook(workbook, read_only=True)
    comments = [row for row in sheets["Aktiviteter"].iter_rows(values_only=True)
                if "Anna S ([personnummer borttaget]) är långtidssjukskriven, klart i höst."
                in row]
    assert len(comments) == 1
    [remark] = [row for row in sheets["Datakvalitet"].iter_rows(values_only=True)
                if "personnummer" in str(row)]
    assert ("Aktiviteter", "I5") == remark[3:5] and remark[2] == "Anmärkning"
    assert "Texten i Aktiviteter!I5 (Kommentar) innehåller ett personnummer" in remark[5]
    assert "[personnummer borttaget]" in remark[5]

    # the archive is the record: the file byte for byte as it was handed in, number and all
    archive = Archive(workspace / "archive")
    digest = hashlib.sha256(handed_in.read_bytes()).hexdigest()
    assert archive.blob_path(digest).read_bytes() == handed_in.read_bytes()
    assert "850312-1231" in xml_text(archive.blob_path(digest))

    # the next period's template shows the masked comment as Föregående kommentar
    assert run("templates", "--period", "2024-T3", "--department", "STAB",
               "--out", str(tmp_path / "mallar")).exit_code == 0
    [template] = (tmp_path / "mallar").glob("*.xlsx")
    assert "850312" not in xml_text(template)
    assert "Anna S ([personnummer borttaget])" in xml_text(template)


def test_two_own_activities_told_apart_only_by_a_personnummer_stay_two(workspace, tmp_path):
    """Masked, their titles are alike; the id of a new activity is made from its title and
    start, and the second must not take the first's (one would vanish from the follow-up,
    its status written over the other's)."""
    from click.testing import CliRunner

    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    book = openpyxl.load_workbook(next((EXAMPLE / "inlamningar" / "STAB").glob("*.xlsx")))
    sheet = book["Aktiviteter"]
    for row, (person, status) in enumerate((("850312-1231", "Pågående enligt plan"),
                                            ("900101-1239", "Försenad")), start=17):
        for column, value in zip("BCDEHI", ("3.1.1", f"Stödsamtal {person}",
                                            dt.datetime(2024, 3, 1), dt.datetime(2024, 12, 1),
                                            status, "Se planen."), strict=True):
            sheet[f"{column}{row}"] = value
    (workspace / "inbox" / "STAB").mkdir()
    book.save(workspace / "inbox" / "STAB" / "Stab T2 2024.xlsx")

    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sheets = openpyxl.load_workbook(workspace / "outbox" / "sammanstallning_2024-T2.xlsx",
                                    read_only=True)
    rows = [row for row in sheets["Aktiviteter"].iter_rows(values_only=True)
            if "Stödsamtal [personnummer borttaget]" in row]
    assert sorted(row[6] for row in rows) == ["Försenad", "Pågående enligt plan"]
    assert len({row[0] for row in rows}) == 2  # each its own id


@pytest.mark.parametrize("joint", [",", "/", ";"])
def test_numbers_listed_without_a_space_are_each_found(joint):
    first, second = "850312-1231", identity(dt.date(1990, 1, 1), 123, form="YYYYMMDD-NNNN")
    text = f"Berörda: {first}{joint}{second}{joint}9001011239."
    assert kinds(text) == [PERSONAL] * 3
    assert mask_identity_numbers(text) == f"Berörda: [personnummer borttaget]{joint}" \
        f"[personnummer borttaget]{joint}[personnummer borttaget]."
    # an amount with its decimals, or a longer number, is still no list
    assert kinds("Utfall 8503121231,50 kr") == kinds("Utfall 8503121231/50 kr") == []
    assert kinds(f"Nr 12{joint}850312-1231-5") == []


# --- a date and time where a personnummer could be ------------------------------------------

TODAY = dt.date(2026, 11, 23)
# the ways a program writes a date and time of day into a file's name
STAMPS = ("%Y%m%d-%H%M", "%Y%m%d_%H%M", "%Y%m%d%H%M", "%y%m%d-%H%M", "%y%m%d_%H%M", "%y%m%d%H%M",
          # as a person (or a program) writes a date and time: with a space
          "%Y%m%d %H%M", "%y%m%d %H%M")


def fitting(moment: dt.datetime, stamp: str) -> dt.datetime:
    """The first minute from moment on whose digits, written so, pass the check digit."""
    while not kinds(f"Nr {moment:{stamp}}".replace("_", "-")):
        moment += dt.timedelta(minutes=1)
    return moment


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2026, 11, 22)),
       stamp=st.sampled_from(STAMPS),
       name=st.sampled_from(["SOC_T2_{}.xlsx", "Export {}.xlsx", "rapport-{}-final.XLSX",
                             "STAB/Stab_{}.xlsx", "{}.csv", "utdrag_{}_v2.xlsx"]))
@example(moment=dt.datetime(2024, 8, 1, 8, 5), stamp="%Y%m%d-%H%M", name="SOC_T2_{}.xlsx")
@example(moment=dt.datetime(2024, 8, 1, 8, 5), stamp="%Y%m%d %H%M", name="Export {}.xlsx")
def test_a_programs_time_stamp_in_a_file_name_is_not_taken(moment, stamp, name):
    """A date of this year or the two before it, up to today, and a time of day, joined by
    "-", "_", a space or nothing in a file's name, as programs stamp their exports (and people
    their versions, "Export 20240801 0805.xlsx"): its check digit fits about one time in ten,
    and the workbook then named a file that no one could find."""
    moment = fitting(moment, stamp)
    file_name = name.format(f"{moment:{stamp}}")
    assert find_identity_numbers(file_name, today=TODAY) == []
    assert mask_identity_numbers(file_name, today=TODAY) == file_name
    # in a message that names the file, as the workbook's Datakvalitet has it
    message = f"Filen {file_name} är identisk med en tidigare fil."
    assert mask_identity_numbers(message, today=TODAY) == message


def test_the_same_digits_are_a_personnummer_outside_a_file_name_or_its_years():
    """The rule is narrow: a child's personnummer in a text (typed with a space too), one
    whose last four are no time of day, one born before the years a time stamp may have
    (typed with a space too), and a samordningsnummer are still masked, in a file's name too."""
    stamp = f"{fitting(dt.datetime(2024, 8, 1, 8, 5), '%Y%m%d-%H%M'):%Y%m%d-%H%M}"
    assert stamp == "20240801-0805"
    assert kinds(f"Barnet {stamp} har fått plats.") == [PERSONAL]
    assert kinds(f"Barnet {stamp[2:]}, Ulla") == [PERSONAL]
    assert kinds(f"Barnet {stamp[:8]} {stamp[9:]} har fått plats.") == [PERSONAL]
    assert kinds(f"Barnet {stamp[2:8]} {stamp[9:]}, Ulla") == [PERSONAL]
    assert kinds(f"Se bilagan {stamp}.") == [PERSONAL]  # a sentence's full stop, no extension
    for name in (f"SOC {identity(dt.date(1985, 3, 12), 123, form='YYMMDD NNNN')}.xlsx",
                 f"SOC {identity(dt.date(1985, 3, 12), 123, form='YYYYMMDD NNNN')}.xlsx",
                 # a date three years before the night's
                 f"SOC_T2_{fitting(dt.datetime(2023, 8, 1, 8), '%Y%m%d-%H%M'):%Y%m%d-%H%M}.xlsx",
                 f"Anna_{identity(dt.date(1985, 3, 12), 123, form='YYYYMMDD-NNNN')}.xlsx",
                 f"Anna_{identity(dt.date(2024, 8, 1), 999, form='YYYYMMDD-NNNN')}.xlsx",
                 f"Anna_{identity(dt.date(2024, 8, 1), 80, coordination=True)}.xlsx"):
        found = find_identity_numbers(name, today=TODAY)
        assert len(found) == 1, name
        assert "[" in mask_identity_numbers(name, today=TODAY), name
    # what is left alone moves with the clock: two years on, the stamp is taken again
    assert find_identity_numbers(f"SOC_T2_{stamp}.xlsx", today=dt.date(2027, 1, 1))
    # nor a day still to come: someone born in December 1926, 99 years old on TODAY
    old = identity(dt.date(1926, 12, 15), 123, form="YYMMDDNNNN")
    assert int(old[6:8]) <= 23 and int(old[8:]) <= 59  # its last four read as a time
    assert kinds(f"{old}.xlsx") == [PERSONAL]
    assert find_identity_numbers(f"{old}.xlsx", today=TODAY) != []
    assert find_identity_numbers(f"{old}.xlsx", today=dt.date(2026, 12, 20)) == []


@settings(max_examples=300, deadline=None)
@given(born=st.dates(dt.date(1927, 1, 1), dt.date(2023, 12, 31)), serial=st.integers(0, 999),
       form=st.sampled_from(["YYMMDD-NNNN", "YYMMDDNNNN", "YYYYMMDD-NNNN", "YYYYMMDDNNNN",
                             "YYMMDD_NNNN", "YYMMDD NNNN", "YYYYMMDD NNNN"]),
       name=st.sampled_from(["Anna_{}.xlsx", "SOC_T2_{}.xlsx", "{}.xlsx", "Lisa {}.csv"]))
def test_a_personnummer_of_someone_born_before_those_years_is_masked_in_a_file_name(
        born, serial, form, name):
    """(Ten digits of someone born in 1924–1926, whose years read as 2024–2026, are masked
    only with their "+" or when the day is still to come in 2026: tested above.)"""
    file_name = name.format(identity(born, serial, form=form))
    assert len(find_identity_numbers(file_name, today=TODAY)) == 1


@pytest.mark.parametrize("word", ["Summa", "Totalt:", "Belopp", "Utfall", "Faktura",
                                  "Fakturanr", "Order nr", "Referens:", "Ref.",
                                  "Verifikation", "Datum", "Möte", "Sammanträdet",
                                  "Uppdaterad", "Senast ändrad:", "Exporterad", "Skapades",
                                  "Tidsstämpel"])
def test_ten_digits_after_a_word_that_says_what_they_are_are_not_taken(word):
    """"Möte 240315 1200", "Summa 240315 1200", "Uppdaterad 240315 1200": six digits, a space
    and four, whose date and check digit happen to fit, after a word that says they are an
    amount, a reference or a date and time; written with a hyphen, or after any other word,
    they are still taken."""
    digits = f"{fitting(dt.datetime(2024, 3, 15, 12), '%y%m%d%H%M'):%y%m%d%H%M}"
    spaced = f"{digits[:6]} {digits[6:]}"
    assert spaced == "240315 1208"
    assert kinds(f"{word} {spaced} enligt underlaget.") == []
    assert kinds(f"{word} {digits} enligt underlaget.") == []
    assert kinds(f"{word} {digits[:6]}-{digits[6:]} enligt underlaget.") == [PERSONAL]
    assert kinds(f"Klart {spaced}.") == [PERSONAL]
    assert kinds(f"Referensperson {spaced}.") == [PERSONAL]  # whole words only
    assert kinds(f"Uppdaterades av {spaced}.") == [PERSONAL]  # right before the digits only


def test_a_date_with_its_year_and_dashes_and_a_time_is_never_taken_but_a_spaced_number_is():
    """"2024-03-12 1231" (a date with its full year and dashes, then a time) has no six digits
    in a row: never a personnummer, in a text or a file's name. "850312 1231" and
    "19850312 1231", as people type a personnummer, are taken in a text and in a file's name;
    so is a child's typed so in a text ("240312 1231")."""
    digits = identity(dt.date(1985, 3, 12), 123, form="YYMMDDNNNN")
    child = identity(dt.date(2024, 3, 12), 123, form="YYMMDDNNNN")
    for time in (digits[6:], child[6:], "1231"):
        assert find_identity_numbers(f"Klart 2024-03-12 {time}.", today=TODAY) == []
        assert find_identity_numbers(f"Export 2024-03-12 {time}.xlsx", today=TODAY) == []
    for typed in (f"{digits[:6]} {digits[6:]}", f"19{digits[:6]} {digits[6:]}",
                  f"{child[:6]} {child[6:]}", f"20{child[:6]} {child[6:]}"):
        assert kinds(f"Anna S ({typed}) är sjukskriven.") == [PERSONAL]
    for typed in (f"{digits[:6]} {digits[6:]}", f"19{digits[:6]} {digits[6:]}"):
        assert len(find_identity_numbers(f"Anna {typed}.xlsx", today=TODAY)) == 1


def test_ten_digits_in_a_row_are_taken_without_a_word_that_says_otherwise():
    """A number with a date and the right check digit is a personnummer unless a word right
    before says otherwise: one in about 130 random ten-digit numbers fits (tested above), and a
    reference that fits is far rarer in a comment than a number typed without its hyphen. A
    diarienummer or an ärende is no such word: social services name a case by the person's
    number ("Ärende 8503121231"), and a diarienummer is written "KS 2024/123"."""
    digits = identity(dt.date(1985, 3, 12), 123, form="YYMMDDNNNN")
    for before in ("Numret", "Nr", "Dnr", "Ärende", "ärendenr", "Diarienummer:", "Id",
                   "Kund", "Brukare"):
        assert kinds(f"{before} {digits} gäller.") == [PERSONAL], before
        assert kinds(f"{before} {digits[:6]} {digits[6:]} gäller.") == [PERSONAL], before
    assert kinds(f"Fakturanr {digits} gäller.") == kinds(f"Ordernr {digits} gäller.") == []


@pytest.mark.parametrize("typed", [
    "Kontonr 3300-{pnr}", "Kontonr 3300-{yymmdd}-{nnnn}", "Nordea 3300 {pnr}",
    "konto 3300, {pnr}", "Personkonto 3782-{pnr}", "Clearing 3300 kontonr {pnr}",
    "3300{pnr}",  # clearing and number in one run, as Excel may show it
    "Kontonr {pnr}", "Kontonummer: {pnr}", "Bankkonto {pnr}", "Kontot {pnr}",
    "Bankgiro {pnr}", "Plusgiro: {pnr}",  # at most eight digits: ten are no such number
    "Konto {yymmdd}-{nnnn}",
])
def test_a_personkonto_is_a_personnummer(typed):
    """A Nordea personkonto is the holder's personnummer after the clearing number 3300 (or
    3782): ten digits after an account's label, or after that clearing number joined by a
    hyphen or nothing, are found and masked when the date and check digit fit."""
    pnr = identity(dt.date(1985, 3, 12), 123, form="YYMMDDNNNN")
    text = typed.format(pnr=pnr, yymmdd=pnr[:6], nnnn=pnr[6:]) + " för utbetalningen."
    assert kinds(text) == [PERSONAL], text
    assert pnr[:6] not in mask_identity_numbers(text)
    assert mask_identity_numbers(text).endswith("[personnummer borttaget] för utbetalningen.")


@settings(max_examples=300, deadline=None)
@given(born=st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31)), serial=st.integers(0, 999),
       form=st.sampled_from(["Kontonr 8327-9 {n}", "Konto: 8105-9, {n}", "kontonr 6152 {n}",
                             "Clearingnummer 8327-9, kontonummer {n}", "clnr 9500 {n}",
                             "Kontonr 83279 {n}", "Bankkonto 5000 {n}", "Konto {a} {b}",
                             "Kontonr: {a} {b}", "Konto 12{n}", "Konto {n}5", "Kontonr 13300-{n}"]))
@example(born=dt.date(1985, 3, 12), serial=123, form="Kontonr 8327-9 {n}")
def test_a_bank_account_that_cannot_be_a_personkonto_is_not_taken(born, serial, form):
    """Ten digits after another bank's clearing number are an account there (a Swedbank
    account's last digit is a Luhn check digit too, so that one in about fourteen has a
    date); six and four after an account's label are an account in the books and a code
    string ("Konto 461010 1200"); more digits are no personnummer. Each here has a date and
    the check digit, so only the rule decides."""
    ten = identity(born, serial, form="YYMMDDNNNN")
    text = form.format(n=ten, a=ten[:6], b=ten[6:])
    assert kinds(f"{text} för utbetalningen.") == []


@pytest.mark.parametrize("broken", ["{a}-\n{b}", "{a}-\r\n{b}", "{a} -\n{b}", "{a}\u2013\n{b}",
                                    "19{a}-\n{b}"])
def test_a_personnummer_broken_at_its_hyphen_across_two_lines_is_found(broken):
    """A text wrapped at the hyphen, copied from a PDF or a Word document, or a cell broken
    there with Alt+Enter."""
    pnr = identity(dt.date(1985, 3, 12), 123, form="YYMMDDNNNN")
    text = "Gäller Anna S, " + broken.format(a=pnr[:6], b=pnr[6:]) + ", från mars."
    assert kinds(text) == [PERSONAL]
    assert mask_identity_numbers(text) == "Gäller Anna S, [personnummer borttaget], från mars."
    # six digits at a line's end and four at the next's start, with no dash: two numbers
    assert kinds(f"Antal {pnr[:6]}\n{pnr[6:]} st") == []


@pytest.mark.parametrize("broken", ["{a}-\n{b}", "{a} -\r\n {b}", "{a}\u2013\n {b}"])
@pytest.mark.parametrize("joint", [",", "/"])
def test_numbers_listed_without_a_space_are_found_when_one_is_broken_at_its_hyphen(
        broken, joint):
    """A list copied from a wrapped text: the comma after a number broken across two lines
    joins two numbers as it does after one on a line (both were missed: the first read as
    the beginning of a longer number, the second as the end of one)."""
    pnr = identity(dt.date(1985, 3, 12), 123, form="YYMMDDNNNN")
    text = f"Berörda: {broken.format(a=pnr[:6], b=pnr[6:])}{joint}900101-1239."
    assert kinds(text) == [PERSONAL] * 2
    assert mask_identity_numbers(text) == \
        f"Berörda: [personnummer borttaget]{joint}[personnummer borttaget]."


def test_a_file_name_is_never_masked_in_a_message(workspace):
    """A name with a date and time in it ("…_20240801-0805") may pass for a personnummer;
    the name stands as it is in the Fil column, the night's lines and the ledger, so a
    message that masked it would name a file no one can find."""
    from click.testing import CliRunner

    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    handed_in = next((EXAMPLE / "inlamningar" / "STAB").glob("*.xlsx"))
    folder = workspace / "inbox" / "STAB"
    folder.mkdir()

    def run():
        return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"],
                                  catch_exceptions=False)

    shutil.copy(handed_in, folder / "Stab_T2_20240801-0805.xlsx")
    assert run().exit_code == 0
    shutil.copy(handed_in, folder / "Stab T2 kopia.xlsx")
    result = run()
    assert "Filen Stab T2 kopia.xlsx är identisk med STAB/Stab_T2_20240801-0805.xlsx" in \
        result.output, result.output


def test_a_file_named_with_a_time_stamp_keeps_its_name_in_the_workbook(workspace, monkeypatch):
    """An export stamped with the night's year and a time ("Stab_T2_20240830-0907.xlsx",
    one whose check digit fits) is named as it is on Sammanfattning and Inlämningar: masked,
    it was a file the controller could not find, and a remark-free file seemed to hold a
    personnummer."""
    from click.testing import CliRunner

    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    monkeypatch.setenv("PIPELINE_NOW", "2024-09-01T02:00")  # the rule reads the run's clock
    moment = fitting(dt.datetime(2024, 8, 30, 9), "%Y%m%d-%H%M")
    name = f"Stab_T2_{moment:%Y%m%d-%H%M}.xlsx"
    folder = workspace / "inbox" / "STAB"
    folder.mkdir()
    handed_in = next((EXAMPLE / "inlamningar" / "STAB").glob("*.xlsx"))
    shutil.copy(handed_in, folder / name)
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sheets = openpyxl.load_workbook(workspace / "outbox" / "sammanstallning_2024-T2.xlsx",
                                    read_only=True)
    files = [row[1] for row in sheets["Inlämningar"].iter_rows(min_row=2, values_only=True)]
    assert name in files, files
    summary = [value for row in sheets["Sammanfattning"].iter_rows(values_only=True)
               for value in row]
    assert name in summary
    assert "personnummer" not in xml_text(workspace / "outbox" / "sammanstallning_2024-T2.xlsx")


def test_a_personnummer_in_a_files_name_is_masked_in_the_outputs_and_kept_for_the_controller(
        workspace):
    """A department names its file after a person ("SOC_T2_850312-1231.xlsx"): the workbook
    (Sammanfattning, Inlämningar, Datakvalitet) is the committee's and may be published, so it
    shows the name masked; the night's lines and the ledger keep it as it is, for the
    controller to find the file. A feedback copy's name, seen by every department on the
    share, is masked too; its Fel sheet, read by the department, names the file as it is."""
    from click.testing import CliRunner

    from pipeline.archive import Archive
    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    inbox = workspace / "inbox"
    (inbox / "SOC").mkdir()
    shutil.copy(next((EXAMPLE / "inlamningar" / "SOC").glob("*.xlsx")),
                inbox / "SOC" / "SOC_T2_850312-1231.xlsx")
    (inbox / "Anna 850312 1231.pdf").write_bytes(b"%PDF-1.4 inte excel")
    (inbox / "UTB").mkdir()
    for name in ("Kalle 900101-1239.pdf", "Lisa 19900101 1239.pdf"):
        (inbox / "UTB" / name).write_bytes(f"%PDF-1.4 {name}".encode())
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run",
                                       "--report"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "SOC/SOC_T2_850312-1231.xlsx: Godkänd" in result.output
    assert "Anna 850312 1231.pdf: Ej godkänd" in result.output
    assert "SOC (SOC_T2_850312-1231.xlsx, " in result.output

    outbox = workspace / "outbox"
    workbook = outbox / "sammanstallning_2024-T2.xlsx"
    for output in (workbook, outbox / "tertialrapport_2024-T2.docx"):
        text = xml_text(output)
        assert "850312" not in text and "900101" not in text, output.name
    sheets = openpyxl.load_workbook(workbook, read_only=True)
    files = [row[1] for row in sheets["Inlämningar"].iter_rows(min_row=2, values_only=True)]
    assert {"SOC_T2_[personnummer borttaget].xlsx", "Anna [personnummer borttaget].pdf",
            "Kalle [personnummer borttaget].pdf", "Lisa [personnummer borttaget].pdf"} <= \
        set(files)
    summary = [value for row in sheets["Sammanfattning"].iter_rows(values_only=True)
               for value in row]
    assert "SOC_T2_[personnummer borttaget].xlsx" in summary
    messages = [row[5] for row in sheets["Datakvalitet"].iter_rows(values_only=True)]
    assert any(str(m).startswith("Filen Anna [personnummer borttaget].pdf är ingen Excel-"
                                 "arbetsbok") for m in messages), messages

    names = {a.name for a in Archive(workspace / "archive").arrivals()}
    assert {"SOC_T2_850312-1231.xlsx", "Anna 850312 1231.pdf"} <= names

    copies = sorted(p.name for p in (outbox / "feedback").iterdir())
    assert len(copies) == 3 and "Anna [personnummer borttaget]_fel.xlsx" in copies, copies
    assert not any(re.search(r"850312|900101|1231|1239", name) for name in copies), copies
    fel = openpyxl.load_workbook(outbox / "feedback" / "Anna [personnummer borttaget]_fel.xlsx")
    assert "Filen Anna 850312 1231.pdf" in str(fel.worksheets[0]["A1"].value)


def test_a_file_judged_before_spaced_numbers_were_found_is_judged_anew(workspace, monkeypatch):
    """A comment with "850312 1231", accepted by the earlier version (which did not find a
    number typed with a space) and cached under its cache version: the workbook made by this
    version, rebuilt from the archive, shows it masked, not the cached result."""
    from click.testing import CliRunner

    import pipeline.answers
    import pipeline.archive
    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    book = openpyxl.load_workbook(next((EXAMPLE / "inlamningar" / "STAB").glob("*.xlsx")))
    book["Aktiviteter"]["I5"] = "Anna S (850312 1231) är långtidssjukskriven."
    (workspace / "inbox" / "STAB").mkdir()
    book.save(workspace / "inbox" / "STAB" / "Stab T2 2024.xlsx")
    workbook = workspace / "outbox" / "sammanstallning_2024-T2.xlsx"

    def run():
        return CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "run"],
                                  catch_exceptions=False)

    with monkeypatch.context() as earlier:
        earlier.setattr(pipeline.archive, "CACHE_VERSION", "3")  # 0.2.0's
        found = pipeline.answers.find_identity_numbers
        earlier.setattr(pipeline.answers, "find_identity_numbers", lambda text: [
            n for n in found(text) if not re.search(r"\s", text[n.start:n.end])])
        assert run().exit_code == 0
        assert "850312 1231" in xml_text(workbook)
    workbook.unlink()  # a missing output is rebuilt from the archive
    assert run().exit_code == 0
    assert "850312" not in xml_text(workbook)
    assert "Anna S ([personnummer borttaget]) är långtidssjukskriven." in xml_text(workbook)


def test_the_time_stamp_window_follows_the_runs_clock(monkeypatch):
    """A rebuilt or pinned night (PIPELINE_NOW) judges a stamp by its own date, not the
    computer's: the same workbook comes out whenever it is made."""
    moment = fitting(dt.datetime(2021, 8, 30, 9), "%Y%m%d-%H%M")
    name = f"SOC_T2_{moment:%Y%m%d-%H%M}.xlsx"
    monkeypatch.setenv("PIPELINE_NOW", "2021-09-01T02:00")
    assert find_identity_numbers(name) == []
    monkeypatch.setenv("PIPELINE_NOW", "2031-09-01T02:00")
    assert find_identity_numbers(name) != []


@pytest.mark.parametrize("listed", [
    pytest.param("{date:%y%m%d-%H%M}", id="date-times joined by commas"),
    pytest.param("{date:%y%m%d%H%M}", id="bare ten digits joined by commas"),
])
def test_a_full_cell_of_numbers_with_no_space_is_read_in_well_under_a_second(listed):
    """A cell as long as Excel allows (32 767 characters) of numbers joined by commas and no
    space, each of which reads as a date and a time of day: each was checked for a file's
    extension by reading on to the cell's end (four seconds a cell, a night's hours for a
    file of such cells). A file's name is at most 255 characters."""
    import time

    stamp = fitting(dt.datetime(2024, 8, 1, 8, 5), "%y%m%d%H%M")
    text = ",".join(listed.format(date=stamp) for _ in range(3000))[:32767]
    began = time.perf_counter()
    found = find_identity_numbers(text, today=TODAY)
    assert time.perf_counter() - began < 1.0
    assert len(found) > 2500  # not a file's name: every one is taken
    named = "x" * 240 + f"_{stamp:%Y%m%d-%H%M}.xlsx"
    assert find_identity_numbers(named, today=TODAY) == []  # a long name still has its stamp
