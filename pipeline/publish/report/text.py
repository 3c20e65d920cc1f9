"""The report's Swedish phrasing: numbers and per cents as Swedish prose writes them, counts in
words, lists, genitives, the headline and the period's title; department text made safe for a
Word run."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from ...figures import AreaCounts, baseline_percent, round_half_up
from ...figures import headline as goals_headline
from ...labels import Assessment, swedish_list

NBSP = "\u00a0"
# Word and LibreOffice break a line at a hyphen: "2024-" at a line's end and "T1" on the next.
# A period code in the report's and memo's own text is written with a non-breaking hyphen,
# which both show as a hyphen (LibreOffice draws it in every font, with or without the glyph).
NON_BREAKING_HYPHEN = "\u2011"
# a period code standing alone: not part of a file name (tertialrapport_2024-T2.docx,
# "STAB 2024-T2.xlsx"), which a reader may type back
PERIOD_CODE = re.compile(r"(?<![\w.\-])(\d{4})-(T[1-3])(?![\w\-]|\.\w)")
# Characters XML 1.0 cannot hold; Excel lets them through in pasted text.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(value: object) -> str:
    """Department text as it may go into a run: a string without XML-illegal characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return XML_ILLEGAL.sub("", text).strip()


def unbroken(text: str) -> str:
    """`text` with its period codes kept on one line (2024‑T1, with a non-breaking hyphen)."""
    return PERIOD_CODE.sub(rf"\1{NON_BREAKING_HYPHEN}\2", text) if "-T" in text else text


def amount(value: float, unit: str, decimals: int, *, sign: bool = False) -> str:
    """An amount with its unit, on one line as a percentage is (694,1 mnkr, +7,4 mnkr)."""
    return f"{signed(value, decimals) if sign else number(value, decimals)}{NBSP}{unit}"


def number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text.replace("-", "−")


def signed(value: float, decimals: int) -> str:
    """A change with its sign, +0,2 or −0,1, as the workbook shows it: a rise reads as one."""
    return ("+" if round(value, decimals) > 0 else "") + number(value, decimals)


def percent(share: float) -> str:
    """A share as a per cent to one decimal, rounded as on paper like the workbook's cells
    (4,25 % is 4,3 %; Python's own rounding made it 4,2 % here and 4,3 % in the workbook)."""
    return f"{number(round_half_up(share * 100, 1), 1)}{NBSP}%"


def whole_percent(share: float) -> str:
    """A share already rounded to a whole per cent (figures.shares), as the workbook's
    Andel shows it: 48 %."""
    return f"{number(share * 100, 0)}{NBSP}%"


def baseline_text(share: float) -> str:
    """A baseline as the register gives it (9,11 %), as the workbook shows it too."""
    return f"{number(*baseline_percent(share))}{NBSP}%"


NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
                "elva", "tolv")


def count_word(count: int, *, neuter: bool = False) -> str:
    """A count in running text as Swedish prose writes it (the 2024 plan: "fem avdelningar",
    "sju mål"): a word up to twelve, digits above, their thousands apart ("1 066"); ett for a
    neuter noun (ett mål)."""
    if count == 1 and neuter:
        return "ett"
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else number(count, 0)


def genitive(name: str) -> str:
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def in_sentence(name: str, municipality: str = "") -> str:
    """A name as written inside a sentence: a common noun lower-cased ("kommunstyrelsen",
    "barn- och utbildningsnämnden"), a proper noun as it is ("Bräcke kommun", "Bräckes
    kommunstyrelse", "Region Jämtland Härjedalen")."""
    words = name.split()
    place = municipality.removesuffix(" kommun").strip()
    if not words or (place and name.startswith(place)) or \
            any(word[:1].isupper() for word in words[1:]):
        return name
    return lower_first(name)


def administration(department_names: Iterable[str]) -> tuple[str, str]:
    """Who does the work, as the report names them, and its genitive: Ånge's one
    "förvaltningen" (of departments, "avdelningar"), or "förvaltningarna" where the
    departments are administrations of their own ("Vård- och omsorgsförvaltningen")."""
    several = sum("förvaltning" in str(name).casefold() for name in department_names) > 1
    return ("förvaltningarna", "förvaltningarnas") if several else \
        ("förvaltningen", "förvaltningens")


def headline(goals: pd.DataFrame) -> str:
    """The goals' summary sentence, as on the workbook's Sammanfattning (figures.headline)."""
    return goals_headline([a if isinstance(a, str) else None for a in goals["assessment"]])


def area_sentences(rows: Sequence[AreaCounts]) -> list[str]:
    """What the table of goals per goal area says that the headline does not, in at most
    three sentences, each only where it tells something: the area (or areas) with the most
    goals knappt or ej uppfyllda, the areas whose goals are all uppfyllda or delvis
    uppfyllda, and the areas where no goal is assessed. With one area the headline
    says it all."""
    rows = [row for row in rows if row.total]
    if len(rows) < 2:
        return []

    def areas(names: Sequence[str]) -> str:
        return f"målområdet {names[0]}" if len(names) == 1 else \
            f"målområdena {swedish_list(names)}"

    def of(row: AreaCounts) -> str:
        return f"{count_word(row.negative, neuter=True)} av {count_word(row.total, neuter=True)}"

    sentences = []
    most = max(row.negative for row in rows)
    top = [row for row in rows if row.negative == most]
    if sum(row.negative for row in rows) == 1:
        sentences.append("Det enda målet som är knappt eller ej uppfyllt hör till "
                         f"{areas([top[0].area])}.")
    elif most and len(top) < len(rows):
        if len(top) == 1:
            sentences.append("Flest mål som är knappt eller ej uppfyllda finns inom "
                             f"{areas([top[0].area])} ({of(top[0])}).")
        else:
            sentences.append("Flest mål som är knappt eller ej uppfyllda finns inom "
                             "målområdena " + swedish_list(
                                 [f"{row.area} ({of(row)})" for row in top]) + ".")
    good = [row for row in rows if not row.negative and not row.not_assessed]
    if good and len(good) < len(rows):
        if len(good) == 1 and good[0].total == 1:
            which = next(a for a, n in zip(Assessment, good[0].assessed, strict=True) if n)
            sentences.append(f"Inom {areas([good[0].area])} är målet "
                             f"{which.value.lower()}.")
        else:
            sentences.append(f"Inom {areas([row.area for row in good])} är alla mål "
                             "uppfyllda eller delvis uppfyllda.")
    unassessed = [row for row in rows if row.not_assessed == row.total]
    if unassessed and len(unassessed) < len(rows):
        # an area of one goal: "målet", as above (not "inget mål" of one)
        one = len(unassessed) == 1 and unassessed[0].total == 1
        sentences.append(f"Inom {areas([row.area for row in unassessed])} är "
                         f"{'målet inte' if one else 'inget mål'} bedömt.")
    return sentences


def period_title(period: str) -> str:
    year, tertial = period.split("-")
    if tertial == "T3":
        return f"Tertialrapport 3 och helår {year}"
    return f"Tertialrapport {tertial[1]} {year}"


def _paragraphs(text: object) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", plain(text)) if part.strip()]
