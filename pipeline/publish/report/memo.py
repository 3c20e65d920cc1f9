"""A draft of the decision memo (tjänsteskrivelse) that carries the tertial report to the
committee, in the shape of Ånge's own (seed 000): the proposed decision, the matter in brief,
the administration's considerations, and the attachments.

What the data says is written out (the goals' headline, the goals not met, who reported, sick
leave against its baseline, the forecast against the budget); what only the administration can
write, its own considerations, is left as a highlighted place to fill in. The municipality's
vision and focus areas close the matter when the register's Inställningar gives them (Vision,
Fokusområden): the vision as written, and under each focus area a highlighted draft sentence
(that the matter does not bear on it) for the administration to keep or rewrite.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Collection
from pathlib import Path

import pandas as pd
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm, Pt

from ...figures import amount_decimals, budget_by_department, rounded_lines
from ...labels import WHOLE_ORGAN_CODE, Assessment
from ...merge import Flag, Merged
from ...register import Register, RegisterSettings
from .chapters import NAMED_WITHOUT_FORECAST, _ReportWriter
from .document import _ensure_styles, _fixed_zip, _open, _utc
from .text import (
    amount,
    count_word,
    genitive,
    headline,
    lower_first,
    number,
    period_title,
    plain,
    swedish_list,
)

ORDINALS = {"T1": "första", "T2": "andra", "T3": "tredje"}
# What the administration writes itself: shown highlighted, in brackets, so that it is seen
# and not sent on as it is.
TO_WRITE = ("[Skriv här förvaltningens övervägande: vad bedömningarna och siffrorna nedan "
            "säger om arbetet mot målen, och vad förvaltningen gör åt det som inte går enligt "
            "plan.]")
MEMO_TITLE = "Tjänsteskrivelse"
# The draft under each focus area, highlighted as TO_WRITE is: the administration keeps it or
# says how the matter bears on the area.
NO_BEARING = "Ärendet har ingen bärighet på {area}."


class MemoHeading:
    PROPOSAL = "Förslag till beslut"
    IN_BRIEF = "Ärendet i korthet"
    CONSIDERATIONS = "Förvaltningens övervägande"
    VISION = "{municipality} vision"  # "Ånge kommuns vision"
    FOCUS_AREA = "Fokusområde {area}"
    ATTACHMENTS = "Bilagor"


def memo_name(period: str) -> str:
    return f"tjansteskrivelse_{period}.docx"


def write_memo(path: Path, register: Register, merged: Merged, *, as_of: dt.datetime,
               template: Path | None = None, refused: Collection[str] = (),
               previous: Merged | None = None, dated: dt.date | None = None) -> None:
    """Write the memo draft .docx to path (the caller wraps it in an atomic write). previous:
    the period before, merged, as the report gets it (the forecast's change since then);
    dated: the day the draft is made, its date (default: as_of's, the data's)."""
    Path(path).write_bytes(build_memo(register, merged, as_of=as_of, template=template,
                                      refused=refused, previous=previous, dated=dated))


def build_memo(register: Register, merged: Merged, *, as_of: dt.datetime,
               template: Path | None = None, refused: Collection[str] = (),
               previous: Merged | None = None, dated: dt.date | None = None) -> bytes:
    doc = _open(template)
    _ensure_styles(doc)
    # the report's writer, for the sentences the memo shares with the report (who reported,
    # sick leave against its baseline): said once, in the same words
    report = _ReportWriter(doc, register, merged, as_of, own_footer=template is None,
                           refused=refused, previous=previous)
    s = register.settings
    organ, who = report.organ, report.administration
    year, tertial = merged.period.split("-")
    props = doc.core_properties
    props.title = f"{MEMO_TITLE}: {genitive(s.organ)} måluppföljning " \
                  f"{period_title(merged.period).lower()}"
    props.author = f"{s.municipality}, {s.organ}"
    props.last_modified_by = "Målsystem"
    props.language = "sv-SE"
    props.comments = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = _utc(as_of)

    report._paragraph(f"{s.municipality}, {s.organ}")
    report._paragraph(f"{MEMO_TITLE}, {dated or as_of.date():%Y-%m-%d}")
    report._paragraph(f"{genitive(s.organ)} måluppföljning "
                      f"{period_title(merged.period).lower()}", style="Title")

    doc.add_heading(MemoHeading.PROPOSAL, level=1)
    report._paragraph(f"{who.capitalize()} föreslår {organ} besluta att")
    report._paragraph("1. Godkänna redovisningen.")

    doc.add_heading(MemoHeading.IN_BRIEF, level=1)
    report._paragraph(f"Ärendet avser årets {ORDINALS[tertial]} uppföljning av "
                      f"{genitive(organ)} mål för {year}"
                      + (", och uppföljningen av helåret." if tertial == "T3" else "."))
    report._paragraph(headline(merged.goals))
    report._goal_area_sentences()  # the area with most goals not met, …
    report._paragraph(report._coverage())

    doc.add_heading(MemoHeading.CONSIDERATIONS, level=1)
    _to_write(report, TO_WRITE)
    for sentence, level in _facts(report, register, merged):
        _bullet(report, sentence, level)
    _vision_and_focus_areas(report, s)

    doc.add_heading(MemoHeading.ATTACHMENTS, level=1)
    _bullet(report, f"{period_title(merged.period)} (tertialrapport_{merged.period}.docx)")
    _bullet(report, f"Sammanställning av inlämningarna (sammanstallning_{merged.period}.xlsx)")
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue(), as_of)


def _to_write(report: _ReportWriter, text: str) -> None:
    """A paragraph for the administration to write or rewrite: highlighted, so that it is
    seen and not sent on unread."""
    report._paragraph().add_run(text).font.highlight_color = WD_COLOR_INDEX.YELLOW


def _vision_and_focus_areas(report: _ReportWriter, settings: RegisterSettings) -> None:
    """The municipality's vision as the register gives it, then each focus area with the draft
    sentence on whether the matter bears on it (Ånge's memo ends so, seed 000). Neither
    without its key in the register."""
    if settings.vision:
        report.doc.add_heading(MemoHeading.VISION.format(
            municipality=genitive(settings.municipality)), level=1)
        for line in settings.vision.split("\n"):
            report._paragraph(line)
    # a name typed with a full stop ("Hållbar vardag."): the sentence has its own
    for area in filter(None, (area.rstrip(".") for area in settings.focus_areas)):
        report.doc.add_heading(MemoHeading.FOCUS_AREA.format(area=area), level=1)
        _to_write(report, NO_BEARING.format(
            area=_in_sentence(area, settings.municipality)))


def _in_sentence(name: str, municipality: str = "") -> str:
    """A focus area's name inside a sentence: its first letter in lower case, the rest as
    written ("Hållbar vardag" → "hållbar vardag", "Attraktiva Ånge" → "attraktiva Ånge"); an
    abbreviation first is kept ("IT och digitalisering"), and so is the municipality's name
    ("Ånge växer", "Ånge – en plats för alla")."""
    first = name.split(" ", 1)[0]
    place = re.sub(r"\s+(kommun|stad)$", "", municipality, flags=re.IGNORECASE).strip()
    if first[1:2].isupper() or (place and re.match(rf"{re.escape(place)}s?\b", name)):
        return name
    return lower_first(name)


def _late_sentence(activities: pd.DataFrame) -> str | None:
    """The activities past their end date and not finished, of those reported: an activity of
    a department that has not reported has no status to judge (none reported: nothing to say,
    the matter in brief says who reported)."""
    reported = activities[~activities["flags"].map(lambda f: Flag.NOT_REPORTED in f)]
    if reported.empty:
        return None
    late = int(reported["flags"].map(lambda f: Flag.END_PASSED in f).sum())
    if len(reported) == len(activities):
        return ("Ingen aktivitet har passerat sitt slutdatum utan att vara avslutad." if not late
                else f"Aktiviteter som har passerat sitt slutdatum utan att vara avslutade: "
                     f"{number(late, 0)} av {number(len(activities), 0)}.")
    return (f"Ingen av de {number(len(reported), 0)} rapporterade aktiviteterna har passerat "
            f"sitt slutdatum utan att vara avslutad." if not late else
            f"Aktiviteter som har passerat sitt slutdatum utan att vara avslutade: "
            f"{number(late, 0)} av {number(len(reported), 0)} rapporterade.")


def _bullet(report: _ReportWriter, text: str, level: int = 1) -> None:
    """A list item in Word's list style; in a municipality's template without it, a dash."""
    style = "List Bullet" if level == 1 else f"List Bullet {level}"
    try:
        report.doc.styles[style]
    except KeyError:
        paragraph = report._paragraph(f"– {text}")
        paragraph.paragraph_format.left_indent = Cm(0.63 * (level - 1))
    else:
        paragraph = report._paragraph(text, style=style)
    paragraph.paragraph_format.space_after = Pt(2)


def _facts(report: _ReportWriter, register: Register,
           merged: Merged) -> list[tuple[str, int]]:
    """The figures the considerations rest on, a sentence each (with its list level), as the
    report gives them: first the goals assessed as not or barely met, each by name."""
    goals = merged.goals
    facts = []
    for assessment in (Assessment.NOT_MET, Assessment.BARELY):
        these = goals[goals["assessment"] == assessment.value]
        if these.empty:
            continue
        facts.append((f"{assessment.value}, {len(these)} mål:", 1))
        facts.extend((f"{goal.ks_id} {plain(goal.title).rstrip('.')}", 2)
                     for goal in these.itertuples())
    late = _late_sentence(merged.activities)
    if late:
        facts.append((late, 1))
    facts.append((report._baseline_sentence, 1))
    unit = register.settings.unit
    decimals = amount_decimals(unit)
    budget = budget_by_department(rounded_lines(merged.budget, decimals), register)
    organ = budget[budget["department"] == WHOLE_ORGAN_CODE].iloc[0]
    if organ["complete"]:
        deviation = float(organ["deviation"])
        facts.append((
            f"Prognosen för helåret är {amount(organ['forecast'], unit, decimals)} mot en "
            f"budget på {amount(organ['budget'], unit, decimals)}: "
            + (f"{amount(-deviation, unit, decimals)} över budgeten." if deviation < 0 else
               f"{amount(deviation, unit, decimals)} under budgeten." if deviation > 0 else
               "i nivå med budgeten."), 1))
    else:  # who lacks a forecast: named, as the report names who did not report
        lacking = [str(code) for code, complete in zip(budget["department"], budget["complete"],
                                                        strict=True)
                   if code != WHOLE_ORGAN_CODE and not complete]
        every = len(budget) - 1
        # two: "för båda avdelningarna", not "för alla två avdelningar" (as the report says)
        who = ("båda avdelningarna" if len(lacking) == every == 2 else
               f"alla {count_word(every)} avdelningar" if len(lacking) == every > 1 else
               swedish_list([report.names.get(c, c) for c in lacking])
               if len(lacking) <= NAMED_WITHOUT_FORECAST else
               f"{count_word(len(lacking))} avdelningar")
        facts.append((f"Prognosen för helåret går inte att jämföra med budgeten: den saknas "
                      f"helt eller delvis för {who}.", 1))
    moved = report.forecast_against_previous()
    if moved:
        facts.append((moved, 1))
    return facts
