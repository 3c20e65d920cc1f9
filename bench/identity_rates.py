"""How often identity.py takes a date and time for a personnummer, and misses a real one.

    python bench/identity_rates.py [--today 2026-11-23] [--per-day 40]

False positives: every day of 2023–2026 with --per-day random times of day (seeded), written
in the formats programs put in a file name (SOC_T2_20240801-0805.xlsx …) and in ordinary
text ("Möte 240315 1200", "Klart 240315 1200."). False negatives: random valid personnummer
and samordningsnummer (born 1925 to --today), in the ways people write them, in a comment
and in a file's name; and the same for children born within the last six years, the ones a
time stamp's date can look like. Prints one line per corpus: taken / total and the rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random

from pipeline.identity import check_digit, find_identity_numbers

FILE_FORMATS = ("%Y%m%d-%H%M", "%Y%m%d_%H%M", "%Y%m%d%H%M", "%y%m%d-%H%M", "%y%m%d_%H%M",
                "%y%m%d%H%M", "%Y%m%d_%H%M%S", "%Y%m%d-%H%M%S", "%Y-%m-%d_%H%M",
                "%Y-%m-%d_%H%M%S", "%Y%m%dT%H%M%S", "%Y-%m-%dT%H%M", "%Y%m%d %H%M")
FILE_NAMES = ("SOC_T2_{}.xlsx", "Export {}.xlsx", "rapport-{}-final.xlsx")
TEXTS = ("Klart {}.", "Möte {} i KS-salen.", "Summa {} enligt bokslutet.",
         "Faktura {} är betald.", "Referens {} gäller.")
TEXT_FORMATS = ("%y%m%d %H%M", "%Y%m%d %H%M")
PNR_FORMS = ("{yy}{mmdd}-{n}", "{yy}{mmdd}{n}", "{cc}{yy}{mmdd}-{n}", "{cc}{yy}{mmdd}{n}",
             "{yy}{mmdd} {n}", "{cc}{yy}{mmdd} {n}", "{yy}{mmdd} - {n}", "{yy}{mmdd}_{n}")
PNR_PLACES = ("Anna S ({}) är sjukskriven.", "Kontakt: {}", "Anna_{}.xlsx", "SOC T2 {}.xlsx")


def personnummer(rng: random.Random, born: dt.date, form: str, today: dt.date) -> str:
    day = born.day + (60 if rng.random() < 0.1 else 0)
    nine = f"{born:%y%m}{day:02d}{rng.randrange(1000):03d}"
    ten = nine + check_digit(nine)
    text = form.format(cc=born.year // 100, yy=ten[:2], mmdd=ten[2:6], n=ten[6:])
    if "-" in form and "{cc}" not in form and " - " not in form and \
            today.year - born.year >= 100:
        text = text.replace("-", "+")
    return text


def taken(text: str, today: dt.date) -> bool:
    try:
        return bool(find_identity_numbers(text, today=today))  # type: ignore[call-arg]
    except TypeError:  # before the time-stamp rule: no today
        return bool(find_identity_numbers(text))


def rate(label: str, texts: list[str], today: dt.date) -> None:
    hits = sum(taken(t, today) for t in texts)
    print(f"{label:<58} {hits:>7} / {len(texts):<7} {hits / len(texts):7.2%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    parser.add_argument("--per-day", type=int, default=40)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(2026)
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=n)
            for n in range((dt.date(2026, 12, 31) - dt.date(2023, 1, 1)).days + 1)]
    moments = [dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=rng.randrange(86400))
               for day in days for _ in range(args.per_day)]
    print(f"today = {args.today}; {len(moments)} date-times of 2023–2026")
    print("False positives (a date and time taken for a personnummer):")
    for fmt in FILE_FORMATS:
        names = [rng.choice(FILE_NAMES).format(f"{m:{fmt}}") for m in moments]
        rate(f"  file name  {fmt}", names, args.today)
    for year in range(2023, 2027):
        rate(f"  file name  SOC_T2_%Y%m%d-%H%M.xlsx in {year}",
             [f"SOC_T2_{m:%Y%m%d-%H%M}.xlsx" for m in moments if m.year == year], args.today)
    for fmt in TEXT_FORMATS:
        for place in TEXTS:
            rate(f"  text {place.format(fmt)}",
                 [place.format(f"{m:{fmt}}") for m in moments[::4]], args.today)
    print("False negatives (a valid personnummer or samordningsnummer not taken):")
    span = (args.today - dt.date(1925, 1, 1)).days
    for label, first in (("born 1925–today", span), ("born in the last three years", 3 * 365),
                        ("born in the last six years", 6 * 365)):
        for place in PNR_PLACES:
            texts = []
            for _ in range(args.people):
                born = args.today - dt.timedelta(days=rng.randrange(first))
                number = personnummer(rng, born, rng.choice(PNR_FORMS), args.today)
                texts.append(place.format(number))
            missed = [t for t in texts if not taken(t, args.today)]
            print(f"  {label:<27} {place:<28} {len(missed):>7} / {len(texts):<7} "
                  f"{len(missed) / len(texts):7.2%}")


if __name__ == "__main__":
    main()
