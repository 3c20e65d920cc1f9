"""The Swedish normalisers: what people type → canonical values (BAD_INPUTS C1–C17, C23–C30).

Property tests: any date written in an accepted way parses back to the same date; any number
written the Swedish way parses back to the same number; any case/space variant of a dropdown
value maps to the canonical value.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.labels import AGE_GROUPS, BUDGET_CATEGORIES, SEXES, Assessment, Status
from pipeline.normalize import (
    EXCEL_EPOCH,
    clean_text,
    is_placeholder,
    parse_choice,
    parse_date,
    parse_number,
)

DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
FULL_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december"]
SHORT_MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
                "dec"]
SPACES = st.sampled_from([" ", "\u00a0", "\u202f"])  # space, NBSP, narrow NBSP (C12)
MINUSES = st.sampled_from(["-", "\u2212", "\u2013"])  # hyphen, Unicode minus, en dash (C14)
CHOICE_LISTS = [[s.value for s in Status], [a.value for a in Assessment], list(SEXES),
                list(AGE_GROUPS), list(BUDGET_CATEGORIES)]
FAST = settings(max_examples=60, deadline=None)


def code(finding):
    return None if finding is None else finding.code


# --- dates ------------------------------------------------------------------------------------

@FAST
@given(DATES)
def test_iso_dates_parse_silently(day):
    assert parse_date(day.isoformat()) == (day, None)
    assert parse_date(f" {day.isoformat()}\n") == (day, None)


@FAST
@given(DATES, st.sampled_from(["{d}/{m} {y}", "{d}/{m}-{y}", "{d:02}.{m:02}.{y}",
                               "{d}.{m}.{y}", "{d}/{m}/{y}", "{d} / {m} {y}"]))
def test_day_first_dates_parse_to_the_same_day_with_a_warning(day, pattern):
    text = pattern.format(d=day.day, m=day.month, y=day.year)
    value, finding = parse_date(text)
    assert value == day
    assert code(finding) == "date_interpreted"
    assert finding.params["iso"] == day.isoformat()


@FAST
@given(DATES, st.booleans(), st.sampled_from([str.lower, str.capitalize, str.upper]),
       st.booleans())
def test_swedish_month_names_parse_to_the_same_day(day, short, case, dot):
    month = (SHORT_MONTHS if short else FULL_MONTHS)[day.month - 1]
    text = f"{day.day} {case(month)}{'.' if dot and short else ''} {day.year}"
    value, finding = parse_date(text)
    assert value == day, text
    assert code(finding) == "date_interpreted"


@FAST
@given(DATES)
def test_compact_digits_serials_and_times_parse_to_the_same_day(day):
    assert parse_date(day.strftime("%Y%m%d"))[0] == day
    assert code(parse_date(day.strftime("%Y%m%d"))[1]) == "date_interpreted"
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(serial) == (day, parse_date(serial)[1])
    assert code(parse_date(float(serial))[1]) == "date_serial"
    assert parse_date(dt.datetime.combine(day, dt.time(14, 30))) == (day, None)
    assert parse_date(f"{day.isoformat()} 14:30") == (day, None)
    assert parse_date(f"{day.isoformat()}T14:30:05") == (day, None)
    # the SPEC's example of a date broken over two lines: 2024-03-\n31
    assert parse_date(f"{day.year}-{day.month:02}-\n{day.day:02}") == (day, None)


@FAST
@given(st.text(max_size=30))
def test_parse_date_never_raises_and_always_explains_a_refusal(text):
    value, finding = parse_date(text)
    assert value is None or isinstance(value, dt.date)
    if value is None and clean_text(text):
        assert finding is not None


@pytest.mark.parametrize("raw, expected, finding", [
    ("2025-03-01", dt.date(2025, 3, 1), None),  # C1
    ("1/3 2025", dt.date(2025, 3, 1), "date_interpreted"),  # C2
    ("1/3-2025", dt.date(2025, 3, 1), "date_interpreted"),
    ("01.03.2025", dt.date(2025, 3, 1), "date_interpreted"),
    ("1 mars 2025", dt.date(2025, 3, 1), "date_interpreted"),  # C3
    ("1 mar 2025", dt.date(2025, 3, 1), "date_interpreted"),
    ("mars 2025", None, "date_no_day"),  # C4
    ("2025-03", None, "date_no_day"),
    ("25-03-01", None, "date_two_digit_year"),  # C5
    ("01/03/25", None, "date_two_digit_year"),
    ("20250301", dt.date(2025, 3, 1), "date_interpreted"),  # C6
    (45717, dt.date(2025, 3, 1), "date_serial"),  # C7
    (45717.0, dt.date(2025, 3, 1), "date_serial"),
    (12, None, "date_invalid"),  # a small number is not a date
    ("2025-02-30", None, "date_impossible"),  # C8
    ("31/4 2025", None, "date_impossible"),
    (dt.datetime(2025, 3, 1, 9, 15), dt.date(2025, 3, 1), None),  # C10
    ("2025-03-01 09:15", dt.date(2025, 3, 1), None),
    ("31/8", None, "date_no_year"),
    ("1/6", None, "date_no_year"),
    ("1.6", None, "date_no_year"),
    ("1 maj", None, "date_no_year"),
    ("1:a maj", None, "date_no_year"),
    ("31/2", None, "date_impossible"),
    ("snart", None, "date_invalid"),
    (True, None, "date_invalid"),
    (None, None, None),
    ("", None, None),
    (float("nan"), None, None),
])
def test_dates_from_bad_inputs(raw, expected, finding):
    value, found = parse_date(raw)
    assert value == expected
    assert code(found) == finding


# --- numbers ----------------------------------------------------------------------------------

def swedish(cents: int, separator: str, minus: str, group: bool) -> str:
    whole, part = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", separator) if group else str(whole)
    return f"{minus if cents < 0 else ''}{digits},{part:02}"


@FAST
@given(st.integers(-10**11, 10**11), SPACES, MINUSES, st.booleans())
def test_decimal_comma_and_space_thousands_parse_back(cents, separator, minus, group):
    text = swedish(cents, separator, minus, group)
    value, finding = parse_number(text)
    assert value == cents / 100, text
    assert finding is None


@FAST
@given(st.integers(0, 10**9), SPACES)
def test_whole_numbers_with_thousands_parse_back(number, separator):
    text = f"{number:,}".replace(",", separator)
    assert parse_number(text) == (float(number), None)
    assert parse_number(number) == (float(number), None)


@FAST
@given(st.integers(0, 10000))
def test_percent_text_is_a_share(hundredths):
    text = f"{hundredths // 100},{hundredths % 100:02} %"
    value, finding = parse_number(text)
    assert value == pytest.approx(hundredths / 10000)
    assert finding is None


@FAST
@given(st.one_of(st.text(max_size=20), st.floats(allow_nan=True), st.booleans(),
                 st.dates(), st.none()))
def test_parse_number_never_raises(raw):
    value, finding = parse_number(raw)
    assert value is None or isinstance(value, float)


@pytest.mark.parametrize("raw, expected, finding", [
    ("9,5", 9.5, None),  # C11
    ("1 234,50", 1234.5, None),  # C12
    ("1\u00a0234,50", 1234.5, None),
    ("1\u202f234,50", 1234.5, None),
    ("1.234", None, "number_ambiguous"),  # C13
    ("12.5", 12.5, "number_dot_decimal"),
    ("1.234.567", 1234567.0, "number_unit_removed"),
    ("\u22125", -5.0, None),  # C14
    ("\u20135", -5.0, None),
    ("1 200 kr", 1200.0, "number_unit_removed"),  # C15
    ("1 200:-", 1200.0, "number_unit_removed"),
    ("10 h", 10.0, "number_unit_removed"),
    ("14,6 mnkr", 14.6, "number_unit_removed"),
    ("ca 10", None, "number_invalid"),  # C16
    ("10–12", None, "number_invalid"),
    ("tio", None, "number_invalid"),
    ("9,11 %", 0.0911, None),  # C17
    ("50%", 0.5, None),
    (True, None, "number_invalid"),
    (float("inf"), None, "number_invalid"),
    (dt.date(2024, 1, 1), None, "number_invalid"),
    ("", None, None),
    ("  ", None, None),
])
def test_numbers_from_bad_inputs(raw, expected, finding):
    value, found = parse_number(raw)
    assert value == (pytest.approx(expected) if expected is not None else None)
    assert code(found) == finding


# --- dropdown values --------------------------------------------------------------------------

@st.composite
def variants(draw):
    choices = draw(st.sampled_from(CHOICE_LISTS))
    value = draw(st.sampled_from(choices))
    flips = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    text = "".join(c.swapcase() if flip else c for c, flip in zip(value, flips, strict=True))
    text = text.replace(" ", draw(st.sampled_from([" ", "  ", "\u00a0", " \n"])))
    text = draw(st.sampled_from(["", " ", "\u00a0", "\t"])) + text + draw(
        st.sampled_from(["", " ", "  ", "\u00a0", "\n"]))
    return choices, value, text


@FAST
@given(variants())
def test_case_and_space_variants_map_to_the_canonical_value(case):
    choices, value, text = case
    assert parse_choice(text, choices) == (value, None), repr(text)


@FAST
@given(st.sampled_from(CHOICE_LISTS), st.text(min_size=1, max_size=25))
def test_anything_else_is_refused_with_the_list(choices, text):
    value, finding = parse_choice(text, choices)
    if value is None and clean_text(text):
        assert finding.code == "choice_invalid"
        assert finding.params["lista"] == ", ".join(choices)
    else:
        assert value in choices or value is None


@pytest.mark.parametrize("raw, choices, expected, hint", [
    ("skola", ["Skola", "Vård"], "Skola", None),  # C24
    ("Skola ", ["Skola", "Vård"], "Skola", None),
    ("30-49 år", list(AGE_GROUPS), "30–49 år", None),  # a hyphen for the en dash
    ("Skol", ["Skola", "Vård"], None, 'Menade du "Skola"?'),  # C25
    ("pågånde", [s.value for s in Status], None, None),
    ("Pågånde enligt plan", [s.value for s in Status], None,
     'Menade du "Pågående enligt plan"?'),
    ("Delvis", [a.value for a in Assessment], None, 'Menade du "Delvis uppfyllt"?'),
])
def test_choices_from_bad_inputs(raw, choices, expected, hint):
    value, finding = parse_choice(raw, choices)
    assert value == expected
    if expected is None:
        assert finding.code == "choice_invalid"
        if hint:
            assert hint in finding.params["förslag"]


# --- text -------------------------------------------------------------------------------------

@FAST
@given(st.text(max_size=40))
def test_clean_text_is_composed_free_of_controls_and_idempotent(text):
    cleaned = clean_text(text, multiline=True)
    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in cleaned)
    assert clean_text(cleaned, multiline=True) == cleaned
    assert "\n" not in clean_text(text)


@pytest.mark.parametrize("raw, single, multi", [
    ("Rad ett\nrad två", "Rad ett rad två", "Rad ett\nrad två"),  # C23
    ("Cafe\u0301\x07", "Café", "Café"),  # C30
    ("Cafe\x07\u0301", "Café", "Café"),
    ("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"),  # C32: text stays text
    (3.0, "3", "3"),
    (True, "SANT", "SANT"),
])
def test_text_examples(raw, single, multi):
    assert clean_text(raw) == single
    assert clean_text(raw, multiline=True) == multi


@pytest.mark.parametrize("text", ["-", "?", "x", "X", "saknas", "NA", "n/a", "null", "…"])
def test_placeholders_are_not_answers(text):  # C27
    assert is_placeholder(text)
    assert not is_placeholder("Nej")
