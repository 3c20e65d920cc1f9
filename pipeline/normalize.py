"""Harmless variants of what people type, turned into canonical values (pure functions).

Each parser returns `(value, finding)`: the value (None when nothing usable was typed or when
it could not be read) and an optional Finding naming a catalogue code and its parameters.
Dates and numbers are parsed here against explicit Swedish formats, before any schema sees
them: pandas would read "1/4 2025" as 4 January and "25-03-01" as 2001.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    code: str
    params: dict[str, object] = field(default_factory=dict)


Parsed = tuple[object, Finding | None]

# Excel serial day 1 is 1900-01-01 with the 1900 leap-year bug: day 0 is 1899-12-30.
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_MIN = (dt.date(2000, 1, 1) - EXCEL_EPOCH).days
SERIAL_MAX = (dt.date(2100, 12, 31) - EXCEL_EPOCH).days

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}

SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000"
MINUSES = "\u2212\u2013\u2014\u2012\u2010\u2011"
PLACEHOLDERS = {"-", "--", "?", "??", "x", "saknas", "na", "n/a", "null", "none", ".", "...",
                "…", "ej ifyllt", "tbd"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
# what clean_text's fast path must leave to the full treatment (isprintable already excludes
# line breaks, tabs, control and zero-width characters)
_PLAIN = re.compile(f"[{SPACES}]| {{2}}")
# symbols and punctuation before a dropdown value: "◕ Delvis uppfyllt", "• Vänteläge"
_LEADING_MARKS = re.compile(r"^[\W_]+")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_UNITS = re.compile(r"\s*(kr|kronor|sek|:-|mnkr|mkr|milj\.?\s?kr|miljoner\s+kronor|tkr|kkr|"
                    r"tusen\s+kronor|h|tim|timmar|timme|st|pers|personer)\.?$", re.IGNORECASE)


def text_of(raw: object) -> str:
    """Any cell value as text: numbers without a spurious .0, NFC, no control characters."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "SANT" if raw else "FALSKT"  # as a Swedish Excel shows TRUE and FALSE
    if isinstance(raw, float):
        if math.isnan(raw):
            return ""
        if raw.is_integer():
            raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    text = _CONTROL.sub("", str(raw).replace("\t", " "))  # before NFC: "e\x07\u0301" → "é"
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: object, *, multiline: bool = False) -> str:
    """Text as the user meant it: single-line fields lose their line breaks (Alt+Enter)."""
    # a number, date or truth value as text_of writes it (about 25 cells a file) is as clean
    # as most typed text: the same test lets it skip the treatment below
    text = raw if isinstance(raw, str) else text_of(raw)
    if text.isprintable() and (
            # ASCII text holds none of SPACES: only a double space needs cleaning
            ("  " not in text) if text.isascii() else
            (_PLAIN.search(text) is None and unicodedata.is_normalized("NFC", text))):
        return text.strip()  # most cells: nothing to clean (a night reads many thousands)
    if text is raw:
        text = text_of(raw)
    for ch in SPACES:
        text = text.replace(ch, " ")
    if not multiline:
        text = re.sub(r"\s*\n\s*", " ", text)
        text = re.sub(r" {2,}", " ", text)
    else:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()


def is_placeholder(text: str) -> bool:
    return text.strip().casefold() in PLACEHOLDERS


def _fold(text: str) -> str:
    text = clean_text(text)
    for ch in MINUSES:
        text = text.replace(ch, "-")
    return re.sub(r"\s+", " ", text).casefold()


def parse_choice(raw: object, choices: Sequence[str],
                 hints: Mapping[str, str] | None = None) -> Parsed:
    """A dropdown value; case, stray spaces and non-breaking spaces are forgiven silently, and
    so are symbols or punctuation before it ("◕ Delvis uppfyllt", copied from the
    instructions). hints: words people use for a choice (folded, "klar" → "Avslutad enligt
    plan"), suggested when the value is refused."""
    text = clean_text(raw)
    if not text:
        return None, None
    if text in choices:
        return text, None
    folded = {_fold(c): c for c in choices}
    if _fold(text) in folded:
        return folded[_fold(text)], None
    bare = _LEADING_MARKS.sub("", text)
    if bare and _fold(bare) in folded:
        return folded[_fold(bare)], None
    key = _fold(bare or text)
    if hints and key in hints:
        close = [_fold(hints[key])]
    else:
        close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    starting = [c for f, c in folded.items() if f.startswith(key)]
    if not close and len(starting) == 1:  # "Delvis" for "Delvis uppfyllt"
        close = [_fold(starting[0])]
    hint = f' Menade du "{folded[close[0]]}"?' if close and close[0] in folded else ""
    return None, Finding("choice_invalid", {"lista": ", ".join(choices), "förslag": hint})


def parse_date(raw: object) -> Parsed:
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, bool):
        return None, Finding("date_invalid")
    if isinstance(raw, int | float):
        if math.isnan(raw):
            return None, None
        if SERIAL_MIN <= raw <= SERIAL_MAX:
            day = EXCEL_EPOCH + dt.timedelta(days=int(raw))
            return day, Finding("date_serial", {"iso": day.isoformat()})
        return None, Finding("date_invalid")
    text = clean_text(raw, multiline=True)
    text = _TIME_SUFFIX.sub("", text.strip())
    compact = re.sub(r"\s+", "", text)
    spaced = re.sub(r"\s+", " ", text).strip().casefold().rstrip(".")
    if not compact:
        return None, None

    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", compact):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), interpreted=False)
    if m := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", compact):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), interpreted=True)
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", compact):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), interpreted=True)
    if m := re.fullmatch(r"(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})", spaced):
        return _make_date(int(m[3]), int(m[2]), int(m[1]), interpreted=True)
    if m := re.fullmatch(r"(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})", spaced):
        if m[2] in MONTHS:
            return _make_date(int(m[3]), MONTHS[m[2]], int(m[1]), interpreted=True)
    if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/. ]\d{2}", spaced) or re.fullmatch(
        r"\d{2}-\d{2}-\d{2}", compact
    ):
        return None, Finding("date_two_digit_year")
    if m := re.fullmatch(r"(\d{1,2})\s*[/.]\s*(\d{1,2})", spaced):  # "31/8", "1.6"
        return None, _no_year(int(m[1]), int(m[2]))
    if (m := re.fullmatch(r"(\d{1,2})(?::[ae])?\s*([a-zåäö]+)", spaced)) and m[2] in MONTHS:
        return None, _no_year(int(m[1]), MONTHS[m[2]])  # "1 maj", "1:a maj"
    if (m := re.fullmatch(r"([a-zåäö]+)\.?\s+(\d{4})", spaced)) and m[1] in MONTHS:
        return None, Finding("date_no_day", {"år": m[2]})
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", compact):
        return None, Finding("date_no_day", {"år": m[1]})
    return None, Finding("date_invalid")


def _no_year(day: int, month: int) -> Finding:
    """A day and month without a year: the example is completed with the business year by
    whoever knows it (validate)."""
    try:
        dt.date(2000, month, day)  # a leap year: 29/2 is a day
    except ValueError:
        return Finding("date_impossible")
    return Finding("date_no_year", {"dag": day, "månad": month,
                                    "exempel": f"ÅÅÅÅ-{month:02d}-{day:02d}"})


def _make_date(year: int, month: int, day: int, *, interpreted: bool) -> Parsed:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None, Finding("date_impossible")
    if interpreted:
        return value, Finding("date_interpreted", {"iso": value.isoformat()})
    return value, None


def parse_number(raw: object) -> Parsed:
    """A number typed the Swedish way: decimal comma, space thousands, Unicode minus, %."""
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, bool):
        return None, Finding("number_invalid")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None, None
        if isinstance(raw, float) and math.isinf(raw):
            return None, Finding("number_invalid")
        return float(raw), None
    if isinstance(raw, dt.date):
        return None, Finding("number_invalid")
    text = clean_text(raw)
    for ch in SPACES:
        text = text.replace(ch, " ")
    for ch in MINUSES:
        text = text.replace(ch, "-")
    text = text.strip()
    if not text:
        return None, None
    finding: Finding | None = None
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    elif m := _UNITS.search(text):
        if m.start() > 0:
            text = text[: m.start()].strip()
            finding = Finding("number_unit_removed", {"enhet": m[1]})
    text = re.sub(r"^-\s+", "-", text)
    if re.fullmatch(r"-?\d{1,3}( \d{3})+(,\d+)?", text):
        text = text.replace(" ", "")
    if re.fullmatch(r"-?\d+(,\d+)?", text):
        value = float(text.replace(",", "."))
    elif re.fullmatch(r"-?\d{1,3}\.\d{3}", text):
        whole = text.replace(".", "")
        return None, Finding("number_ambiguous", {
            "tusen": f"{int(whole):,}".replace(",", " "), "decimal": text.replace(".", ","),
            "exempel": f"{whole} eller {text.replace('.', ',')}"})
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", text):
        value = float(text.replace(".", ""))
        finding = finding or Finding("number_unit_removed")
    elif re.fullmatch(r"-?\d+\.\d+", text):
        value = float(text)
        finding = finding or Finding("number_dot_decimal",
                                     {"exempel": text.replace(".", ",")})
    else:
        return None, Finding("number_invalid")
    if percent:
        value /= 100
    if finding is not None:
        finding = Finding(finding.code, {**finding.params, "tal": value})
    return value, finding


def fold_unit(text: str) -> str:
    """A unit as typed, folded for looking up its spellings: "Milj. kr" → "miljkr"."""
    return re.sub(r"[\s.]+", "", text).casefold()


def excel_column(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters → 0-based column index (A → 0, AA → 26); the inverse of excel_column."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number - 1
