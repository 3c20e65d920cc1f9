"""Swedish personal identity numbers (personnummer, samordningsnummer) in free text: found
and masked (pure).

Departments write comments and analyses that end up in the committee's workbook and report,
public documents that are often published. A number typed into such a text is found here, so
that the department is told and the outputs never show it. Precision matters both ways: a
date (2024-01-08), an amount (1 234 567), a phone number (070-123 45 67), a diarienummer (KS
2024/123) or an activity id must not be taken for one, and a real one must be found in any
surrounding text. A candidate is ten digits (YYMMDD, a separator or none, NNNN) or twelve
(with the century), whose date exists (the day plus 60 for a samordningsnummer) and whose
last digit is the Luhn check digit of the ten. The separator is a hyphen (or a dash, or "+"),
or what people type instead: a space ("850312 1231"), a hyphen with spaces around it
("850312 - 1231"), a hyphen at a line's end (a text wrapped there, copied from a PDF), or, in
a file name, an underscore ("Anna_850312_1231.xlsx"). A Nordea personkonto is the holder's
personnummer after the clearing number ("3300-8503121231"), and is found so.

Three kinds of look-alike are left alone. A date and time in a file's name
("SOC_T2_20240801-0805.xlsx", "Export 240801 0805.xlsx"): a date of this year or the two
before it, up to today, then "-", "_", a space or nothing and a time of day (00:00–23:59), in
a name that runs on with no space to its extension (.xlsx, .csv …). Its check digit fits
about one time in ten; a young child's personnummer typed the same way into a file's name
(last four that read as a time) is the price. Ten digits, bare or with spaces, that a word
right before says are something else: a phone number ("tel 0701234567"), an amount ("Summa
240315 1200", or "kr" after it), a reference ("Faktura 240315 1200") or a date and time
("Möte 240315 1200", "Uppdaterad 240315 1200"), as a personnummer is never called; six and
four after an account's label ("Konto 461010 1200"); ten after a bank's clearing number
other than a personkonto's ("Kontonr 8327-9 9031234567"). Without such a word, ten digits in
a row, or six, a space and four, are taken when the date and check digit fit: that is how
people type one, and a number with a date and the check digit is far more often a
personnummer than a reference that happens to fit (a diarienummer or an ärende is
"KS 2024/123", and social services name a case by the person's number).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from .config import clock
from .labels import IDENTITY_MASKS


class IdentityKind(StrEnum):
    PERSONAL = "personnummer"
    COORDINATION = "samordningsnummer"  # for people not (yet) registered: the day plus 60


@dataclass(frozen=True)
class IdentityNumber:
    start: int  # where it stands in the text: text[start:end]
    end: int
    kind: IdentityKind


# "-" is the usual separator, "+" marks someone 100 years or older; Word and some keyboards
# turn a hyphen into a dash (– or −), and Word and a Mac "--" into an em dash (—), which are
# still read as one.
SEPARATORS = "-+\u2010\u2011\u2012\u2013\u2014\u2212"
DASHES = SEPARATORS.replace("+", "")
# A space typed instead of the hyphen (Word's non-breaking ones too), one or two, or spaces
# around a dash ("850312 - 1231"); never around "+", which is a sum ("240315 + 1500"); and an
# underscore, as a file's name has it instead of a space ("Anna_850312_1231.xlsx").
SPACES = " \u00a0\u202f"
# A dash at the end of a line, the rest on the next: a number copied from a text that was
# wrapped at its hyphen (a PDF, a Word document), or a cell broken there with Alt+Enter.
_SEPARATOR = (rf"[{SPACES}]?[{DASHES}][{SPACES}]?\r?\n[{SPACES}]?"
              rf"|[{SEPARATORS}_]|[{SPACES}]{{1,2}}|[{SPACES}]?[{DASHES}][{SPACES}]"
              rf"|[{SPACES}][{DASHES}]")
_CANDIDATE = re.compile(
    r"(?<!\d)(?<!\d[-./:,])"  # not the end of a longer number: 12-850312…, 1.8503…
    rf"(?P<century>\d\d)??(?P<date>\d{{6}})(?P<sep>{_SEPARATOR})?(?P<serial>\d{{4}})"
    r"(?!\d)(?![-./:,]\d)")  # nor the beginning of one: …-1234-5, 8503121234,50 (an amount)
_SIX_DIGITS = re.compile(r"\d{6}")
# Numbers listed with no space after the comma ("850312-1231,900101-1239"): such a comma (or
# / or ;) between two whole candidates is read as a space, not as a part of one longer number.
# (a number broken at its hyphen has up to six between its parts: " -\r\n ")
_ANY_SEP = f"[{SEPARATORS}{SPACES}_\r\n]"
_LIST_JOINT = re.compile(
    rf"[,/;](?:(?<=\d{{6}}{_ANY_SEP}\d{{4}}.)|(?<=\d{{10}}.)"  # the mark first: fast
    + "".join(rf"|(?<=\d{{6}}{_ANY_SEP}{{{n}}}\d{{4}}.)" for n in range(2, 7)) + ")"
    rf"(?=(?:\d\d)?\d{{6}}(?:{_SEPARATOR})?\d{{4}}(?!\d))")
# A Nordea personkonto is the holder's personnummer after the clearing number 3300 (or 3782):
# "3300-850312-1231", "3300-8503121231" and "33008503121231" are a personnummer, though a
# number before a hyphen (12-850312…) or digits before it otherwise make a longer number.
# Such a clearing number is read as spaces (the places stay the same).
PERSONKONTO_CLEARING = ("3300", "3782")
_PERSONKONTO = re.compile(rf"(?<!\d)(?<!\d[-./:,])(?:{'|'.join(PERSONKONTO_CLEARING)})-?"
                          r"(?=\d{6})")
# Without a separator, ten digits may be an amount in kronor ("8503121234 kr")…
_AMOUNT_UNIT = re.compile(r"\s?(kr\b|kronor\b|tkr\b|mnkr\b|mkr\b|sek\b|:-)", re.IGNORECASE)
# …or a Swedish phone number in national form (every one begins with 0) after a word that
# says so: "tel 0701234567". A bare 0701234567 is still taken: a personnummer of someone born
# 2000–2009 looks the same, and missing that costs more than a remark about a phone number.
_PHONE_WORD = re.compile(r"\b(tel|tfn|telefon\w*|mobil\w*|mob|ring\w*|sms\w*|fax|växel\w*|"
                         r"direktnummer|nås)[\s.:]*((på|till|nr|nummer)[\s.:]*)?$",
                         re.IGNORECASE)
_PHONE_CONTEXT = 24  # characters before the digits in which such a word is looked for
# A word that says what ten digits, bare or spaced, are if not a person: an amount, a
# reference, or a date and time (a meeting's, or a program's "Uppdaterad 240315 1208").
# Whole words only ("Referensperson 850312 1231" is taken).
_OTHER_WORD = re.compile(
    r"\b(summa|summan|totalt|total|belopp|beloppet|kostnad|kostnaden|utfall|utfallet|"
    r"budget|budgeten|intäkt|intäkter|faktura|fakturan|fakturanr|fakturanummer|order|ordern|"
    r"ordernr|ordernummer|ref|referens|referensnr|referensnummer|ver|vernr|verifikation|"
    r"verifikationsnr|verifikationsnummer|"
    r"datum|tidpunkt|möte|mötet|sammanträde|sammanträdet|tidsstämpel|"
    r"(uppdater|exporter|skap|spar|ändr|hämt)(ad|at|ades))[\s.:]*(nr\.?[\s.:]*)?$",
    re.IGNORECASE)
# An account's label: six digits, a space and four after it are an account in the books and
# a code string ("Konto 461010 1200"). Ten digits in a row are not passed over: a Nordea
# personkonto is the holder's personnummer ("Kontonr 8503121231"); a bankgiro or plusgiro
# number has at most eight digits.
_ACCOUNT_WORD = re.compile(
    r"\b(konto|kontot|kontonr|kontonummer|bg|pg|bankgiro|plusgiro)[\s.:]*(nr\.?[\s.:]*)?$",
    re.IGNORECASE)
# A bank account with its clearing number: ten digits after a clearing number other than a
# personkonto's are an account at a bank ("Kontonr 8327-9 9031234567": a Swedbank account,
# whose last digit is a Luhn check digit too, so that one in about fourteen has a date).
_CLEARING = re.compile(
    r"\b((bank)?konto\w*|clearing\w*|clnr)[\s.:]*(nr\.?[\s.:]*)?(?P<clearing>\d{4})(-?\d)?"
    r"[\s.:,]+((bank)?konto\w*[\s.:]*(nr\.?[\s.:]*)?)?$", re.IGNORECASE)
_CLEARING_CONTEXT = 48  # "Clearingnummer 8327-9, kontonummer 9031234567"
# A date and time in a file's name, put there by a program or a person: what follows the
# digits up to the extension holds no space. Joined by what a program writes, or by a space
# ("Export 20240801 0805.xlsx"): a personnummer typed so is one of a child born in those years.
TIME_STAMP_YEARS = 2  # a date of this year or the two before it
_TIME_STAMP_SEPARATORS = ("", "-", "_", " ")
# A file's name is at most 255 characters: the extension is looked for no further (read on
# to the end of a long text with no space, every date and time in it cost the text's length).
_FILE_NAME_REST = re.compile(
    r"[^\s\\/]{0,255}?\.(xlsx|xlsm|xlsb|xls|xltx|xltm|ods|csv|txt|pdf|docx|doc|zip)(?![\w.])",
    re.IGNORECASE)


def find_identity_numbers(text: str, *, today: dt.date | None = None) -> list[IdentityNumber]:
    """Every personnummer and samordningsnummer in the text, in order. today (the clock's
    date if not given) dates the time stamps in file names that are left alone."""
    if not isinstance(text, str) or len(text) < 10 or _SIX_DIGITS.search(text) is None:
        return []  # most texts: a scan for six digits in a row costs a fifth of the full one
    found = []
    scanned = _LIST_JOINT.sub(" ", text)  # as long as the text: the places stay the same
    if any(clearing in scanned for clearing in PERSONKONTO_CLEARING):  # seldom: a scan saved
        scanned = _PERSONKONTO.sub(_blank, scanned)
    for match in _CANDIDATE.finditer(scanned):
        kind = _identity(match)
        if kind is not None and not _other_number(text, match) and not (
                kind is IdentityKind.PERSONAL and _time_stamp(text, match, today)):
            found.append(IdentityNumber(match.start(), match.end(), kind))
    return found


def _blank(match: re.Match[str]) -> str:
    return " " * len(match[0])


def mask_identity_numbers(text: str, found: list[IdentityNumber] | None = None, *,
                          today: dt.date | None = None) -> str:
    """The text with each number replaced by IDENTITY_MASKS ("[personnummer borttaget]")."""
    found = find_identity_numbers(text, today=today) if found is None else found
    for number in reversed(found):
        text = text[:number.start] + IDENTITY_MASKS[number.kind] + text[number.end:]
    return text


def _identity(match: re.Match[str]) -> IdentityKind | None:
    century, date, sep = match["century"], match["date"], match["sep"] or ""
    if century is not None and (sep == "+" or century not in ("18", "19", "20")):
        return None
    digits = date + match["serial"]
    if not _luhn_ok(digits):
        return None
    year, month, day = int(date[:2]), int(date[2:4]), int(date[4:6])
    kind = IdentityKind.PERSONAL
    if day > 60:
        day, kind = day - 60, IdentityKind.COORDINATION
    if not 1 <= month <= 12 or day < 1:
        return None
    # The two-digit year's century is unknown: the day must exist in one it may be in.
    centuries = [int(century)] if century else ([18, 19] if sep == "+" else [19, 20])
    if not any(day <= calendar.monthrange(c * 100 + year, month)[1] for c in centuries):
        return None
    return kind


def _luhn_ok(digits: str) -> bool:
    """The last of the ten digits is the Luhn check digit of the nine before it."""
    return check_digit(digits[:9]) == digits[9]


def check_digit(nine: str) -> str:
    """The Luhn check digit of a personnummer's first nine digits (YYMMDDNNN)."""
    total = 0
    for position, char in enumerate(nine):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _other_number(text: str, match: re.Match[str]) -> bool:
    """Ten or twelve digits, bare or with spaces between, that the text says are an amount,
    a phone number, a reference or a date and time."""
    if match["sep"] and not match["sep"].isspace():
        return False
    if _AMOUNT_UNIT.match(text, match.end()):
        return True
    before = text[max(0, match.start() - _PHONE_CONTEXT):match.start()]
    if _OTHER_WORD.search(before) is not None or (
            match["sep"] and _ACCOUNT_WORD.search(before) is not None):
        return True
    clearing = _CLEARING.search(text, max(0, match.start() - _CLEARING_CONTEXT), match.start())
    if clearing is not None and clearing["clearing"] not in PERSONKONTO_CLEARING:
        return True
    return text[match.start()] == "0" and _PHONE_WORD.search(before) is not None


def _time_stamp(text: str, match: re.Match[str], today: dt.date | None) -> bool:
    """A date of this year or the TIME_STAMP_YEARS before it and a time of day, joined as a
    program or a person joins them, in a file's name ("SOC_T2_20240801-0805.xlsx",
    "Export 20240801 0805.xlsx")."""
    serial, date = match["serial"], match["date"]
    if (match["sep"] or "") not in _TIME_STAMP_SEPARATORS or int(serial[:2]) > 23 \
            or int(serial[2:]) > 59 or not _FILE_NAME_REST.match(text, match.end()):
        return False
    today = today or clock().date()  # PIPELINE_NOW pins it, as for every date of a run
    try:
        day = dt.date(int(match["century"] or "20") * 100 + int(date[:2]), int(date[2:4]),
                      int(date[4:6]))
    except ValueError:
        return False
    # never a day to come (a clock or a time zone a day ahead aside): "261215-1234" of
    # someone born in December 1926 is 99 years old, not a time stamp of next month
    return today.year - TIME_STAMP_YEARS <= day.year and day <= today + dt.timedelta(days=1)
