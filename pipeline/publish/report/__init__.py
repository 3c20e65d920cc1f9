"""Merged goal register → the committee's tertial report (.docx), in the shape of Ånge's
annual goal report: a title page, an introduction to the four assessments, a chapter per KF
goal with each KS goal's assessment, analysis and activity table, a summary, sick leave and
budget.

Only real Word styles carry the look (Title, Heading 1–2, Caption, a table style and four
named paragraph styles), so a municipality can restyle the report with its own template.
Department text goes in as plain text runs. The same inputs give the same bytes: document
dates are `as_of`, the zip entries carry a fixed time and the charts are rendered with fixed
settings.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import math
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Emu, Length, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from ...errors import PipelineError
from ...figures import (
    FIGURES,
    SMALL_GROUP,
    all_reported,
    baseline_percent,
    baseline_shares,
    budget_by_category,
    budget_by_department,
    points_change,
    reported_count,
    sick_leave_goal,
    sick_leave_table,
)
from ...labels import (
    ASSESSMENT_MEANING,
    ASSESSMENT_STYLE,
    GOAL_AREAS,
    NOT_ASSESSED,
    NOT_REPORTED,
    PERIOD_NAMES,
    REPORT_ACTIVITY_HEADERS,
    REPORT_FLAG_TEXT,
    REPORT_HIDDEN,
    REPORT_MISSING,
    REPORT_SICK_LEAVE_HEADERS,
    REPORT_STYLE_ASSESSMENT,
    REPORT_STYLE_NOTE,
    REPORT_STYLE_TABLE_HEADER,
    REPORT_STYLE_TABLE_TEXT,
    REPORT_TOTAL,
    WHOLE_ORGAN_CODE,
    Assessment,
    ReportHeading,
    Status,
)
from ...merge import Flag, Merged
from ...register import Register

DPI = 200
# The sick-leave chart has a bar per department and one for the organ: more than 18
# departments make it taller than an A4 page (Word and LibreOffice then cut it off).
CHART_BAR_INCHES = 0.42
CHART_MAX_DEPARTMENTS = 18
CHART_FONT = "DejaVu Sans"  # ships with matplotlib, so a chart renders the same everywhere
SYMBOL_FONT = "Segoe UI Symbol"  # has ● ◕ ◑ ○ in Word on Windows; LibreOffice falls back
TABLE_STYLE = "Table Grid"
HEADER_FILL = "D9E2F3"
MISSING_COLOUR = "#BFBFBF"
NBSP = "\u00a0"
# Characters XML 1.0 cannot hold; Excel lets them through in pasted text.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ACTIVITY_WIDTHS = (4.5, 2.8, 2.5, 6.2)  # cm at a 16 cm text width; scaled to the page
COMPACT_SIZE = Pt(8)
KEEP_TOGETHER_ROWS = 15  # a captioned table this short is not split over two pages
SHOWN_FLAGS = (Flag.END_PASSED, Flag.WORSE, Flag.DONE_FAR_AHEAD)


def write_report(path: Path, register: Register, merged: Merged, *, as_of: dt.datetime,
                 template: Path | None = None, refused: Collection[str] = ()) -> None:
    """Write the tertial report .docx to path (the caller wraps it in an atomic write).
    refused: departments that handed in only refused files (said apart from those that sent
    nothing)."""
    Path(path).write_bytes(build_report(register, merged, as_of=as_of, template=template,
                                        refused=refused))


def build_report(register: Register, merged: Merged, *, as_of: dt.datetime,
                 template: Path | None = None, refused: Collection[str] = ()) -> bytes:
    doc = _open(template)
    _ReportWriter(doc, register, merged, as_of, own_footer=template is None,
                  refused=refused).write()
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue(), as_of)


# --- text helpers ----------------------------------------------------------------------------

def plain(value: object) -> str:
    """Department text as it may go into a run: a string without XML-illegal characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return XML_ILLEGAL.sub("", text).strip()


def number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text.replace("-", "−")


def signed(value: float, decimals: int) -> str:
    """A change with its sign, +0,2 or −0,1, as the workbook shows it: a rise reads as one."""
    return ("+" if round(value, decimals) > 0 else "") + number(value, decimals)


def percent(share: float) -> str:
    return f"{number(share * 100, 1)}{NBSP}%"


def baseline_text(share: float) -> str:
    """A baseline as the register gives it (9,11 %), as the workbook shows it too."""
    return f"{number(*baseline_percent(share))}{NBSP}%"


NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
                "elva", "tolv")


def count_word(count: int, *, neuter: bool = False) -> str:
    """A count in running text as Swedish prose writes it (the 2024 plan: "fem avdelningar",
    "sju mål"): a word up to twelve, digits above; ett for a neuter noun (ett mål)."""
    if count == 1 and neuter:
        return "ett"
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else str(count)


def swedish_list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def genitive(name: str) -> str:
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def headline(goals: pd.DataFrame) -> str:
    """ "Av de totalt 21 målen är 14 uppfyllda eller delvis uppfyllda och 7 knappt eller ej
    uppfyllda." (plus how many lack an assessment)."""
    total = len(goals)
    if total == 0:
        return "Det finns inga mål att redovisa för perioden."
    assessed = [Assessment(a) for a in goals["assessment"] if isinstance(a, str)]
    good = sum(a.positive for a in assessed)
    bad = len(assessed) - good
    good_text = f"{good} uppfyllt eller delvis uppfyllt" if good == 1 else \
        f"{good} uppfyllda eller delvis uppfyllda"
    bad_text = f"{bad} knappt eller ej uppfyllt" if bad == 1 else \
        f"{bad} knappt eller ej uppfyllda"
    opening = "Av det enda målet" if total == 1 else f"Av de totalt {total} målen"
    sentence = f"{opening} är {good_text} och {bad_text}."
    missing = total - len(assessed)
    if missing:
        sentence += f" För {missing} {'mål' if missing == 1 else 'av målen'} saknas bedömning."
    return sentence


def period_title(period: str) -> str:
    year, tertial = period.split("-")
    if tertial == "T3":
        return f"Tertialrapport 3 och helår {year}"
    return f"Tertialrapport {tertial[1]} {year}"


# --- the document ----------------------------------------------------------------------------

@dataclass
class _Grid:
    table: Table
    numeric: tuple[int, ...]  # right-aligned columns
    compact: bool  # many columns: smaller text, narrower cell margins
    empty_row: CT_Row | None = None  # a body row before its text, to copy for the next one


class _ReportWriter:
    def __init__(self, doc: DocxDocument, register: Register, merged: Merged,
                 as_of: dt.datetime, own_footer: bool, refused: Collection[str] = ()):
        self.doc = doc
        self.refused = set(refused)
        self.register = register
        self.merged = merged
        self.as_of = as_of
        self.own_footer = own_footer
        self.settings = register.settings
        self.period_end: dt.date = register.period(merged.period)["period_end"]
        self.names = register.department_names
        self.tables = 0
        self.captioned: list[_Grid] = []
        self.figures = 0
        self.style_ids: dict[str, str] = {}
        section = doc.sections[-1]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        # a template section may lack a page size or margins
        self.width: Length = (Emu(page - left - right)
                              if page is not None and left is not None and right is not None
                              else Cm(16))

    def write(self) -> None:
        _ensure_styles(self.doc)
        self._properties()
        self._footer()
        self._title_page()
        self._introduction()
        for council in self.register.council_goals.itertuples():
            self._council_chapter(council.kf_id, council.title)
        self._summary()
        self._sick_leave()
        self._budget()
        for grid in self.captioned:
            _keep_together(grid.table)

    # -- frame and front matter

    def _properties(self) -> None:
        stamp = _utc(self.as_of)
        props = self.doc.core_properties
        props.title = f"{genitive(self.settings.organ)} måluppföljning – " \
                      f"{period_title(self.merged.period).lower()}"
        props.subject = f"{self.settings.municipality}, {self.settings.organ}, " \
                        f"{self.merged.period}"
        props.author = f"{self.settings.municipality}, {self.settings.organ}"
        props.last_modified_by = "Målsystem"
        props.keywords = f"måluppföljning; {self.merged.period}"
        props.comments = ""
        props.category = "Tertialrapport"
        props.language = "sv-SE"
        props.revision = 1
        props.created = props.modified = props.last_printed = stamp

    def _footer(self) -> None:
        section = self.doc.sections[-1]
        if not self.own_footer and not section.footer.is_linked_to_previous:
            return  # the municipality's template has its own footer
        section.different_first_page_header_footer = True
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(f"{self.settings.municipality} · "
                          f"{period_title(self.merged.period)} · sida ")
        _field(paragraph, "PAGE", "1")

    def _title_page(self) -> None:
        s = self.settings
        title = self._paragraph(f"{genitive(s.organ)} måluppföljning", style="Title")
        title.paragraph_format.space_before = Cm(5)
        self._paragraph(period_title(self.merged.period), style="Subtitle")
        year, tertial = self.merged.period.split("-")
        facts = (
            ("Kommun", s.municipality),
            ("Organ", s.organ),
            ("Period", f"{PERIOD_NAMES[tertial]} {year}, till och med "
                       f"{self.period_end:%Y-%m-%d}"),
            ("Datum", f"{self.as_of:%Y-%m-%d}"),
            ("Underlag", f"inlämningar till och med {self.as_of:%Y-%m-%d} kl. "
                         f"{self.as_of:%H.%M}"),
        )
        for label, value in facts:
            paragraph = self._paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
        self.doc.add_page_break()

    def _introduction(self) -> None:
        s = self.settings
        organ = lower_first(s.organ)
        council = len(self.register.council_goals)
        self.doc.add_heading(ReportHeading.INTRODUCTION, level=1)
        self._paragraph(
            f"Kommunfullmäktige har antagit mål för {s.year}. Dessa mål har {organ} brutit "
            f"ner till egna mål, och förvaltningen har brutit ner {genitive(organ)} mål till "
            f"aktiviteter som leder till målen. Den här rapporten redovisar hur arbetet med "
            f"aktiviteterna har gått till och med {self.period_end:%Y-%m-%d}, och förvaltningens "
            f"bedömning av varje mål.")
        self._paragraph(
            f"Redovisningen är kapitelindelad, där varje kapitel motsvarar ett av "
            f"kommunfullmäktiges {count_word(council, neuter=True)} mål. Under respektive kapitel redovisas {genitive(organ)} "
            f"mål med en sammanfattad bedömning, förvaltningens analys och verksamhetens "
            f"aktiviteter med aktuell status, slutdatum och kommentar. Bedömningen är en av "
            f"fyra:")
        table = self._table(("", "Bedömning", "Betydelse"), (1.2, 3.8, 11.0), caption=None)
        for assessment in Assessment:
            cells = self._row(table, ("", "", ASSESSMENT_MEANING[assessment]))
            symbol, colour = ASSESSMENT_STYLE[assessment]
            _symbol_run(cells[0].paragraphs[0], symbol, colour)
            cells[1].paragraphs[0].add_run(assessment.value).bold = True
        self._paragraph(
            "Bedömningen baseras på förvaltningens genomförda och planerade aktiviteter. Varje "
            "bedömning har också en symbol, så att den går att läsa även i svartvitt. Rapporten "
            "avslutas med en sammanfattning av bedömningarna, sjukfrånvaron och ekonomin.")
        self._paragraph(self._coverage())

    def _coverage(self) -> str:
        codes = self.register.department_codes
        reported = _reporting_departments(self.merged)
        missing = [c for c in codes if c not in reported]
        if not missing:
            return (f"Rapporten bygger på inlämningar från samtliga "
                    f"{count_word(len(codes))} avdelningar.")
        refused = [self.names[c] for c in missing if c in self.refused]
        why = ("" if not refused else
               f" {genitive(refused[0])} rapport har lämnats in men inte godkänts."
               if len(refused) == 1 else
               f" Rapporterna från {swedish_list(refused)} har lämnats in men inte godkänts.")
        # one department is "avdelningen", not "de"; none is not "noll av fem"
        theirs = ("Avdelningens mål står som ”{}” och dess aktiviteter som ”{}”."
                  if len(missing) == 1 else
                  "Deras mål står som ”{}” och deras aktiviteter som ”{}”.").format(
                      NOT_ASSESSED, NOT_REPORTED)
        if len(missing) == len(codes):
            return (f"Ingen av de {count_word(len(codes))} avdelningarna har lämnat en godkänd "
                    f"rapport för perioden.{why} {theirs}")
        return (f"Rapporten bygger på inlämningar från {count_word(len(codes) - len(missing))} "
                f"av {count_word(len(codes))} avdelningar. Uppgifter saknas från "
                f"{swedish_list([self.names[c] for c in missing])}.{why} {theirs}")

    # -- the goal chapters

    def _council_chapter(self, kf_id: str, title: str) -> None:
        self.doc.add_heading(f"{kf_id} {plain(title)}", level=1)
        goals = self.merged.goals[self.merged.goals["kf_id"] == kf_id]
        if goals.empty:
            organ = lower_first(self.settings.organ)
            self._paragraph(
                f"För detta kommunfullmäktigemål har {organ} inte antagit något eget mål. "
                f"Eftersom förvaltningen utgår från de mål {organ} beslutar om finns inga "
                f"aktiviteter planerade.")
            return
        for goal in goals.itertuples():
            self._board_goal(goal)

    def _board_goal(self, goal) -> None:  # type: ignore[no-untyped-def]
        self.doc.add_heading(f"{goal.ks_id} {plain(goal.title)}", level=2)
        paragraph = self._paragraph(style=REPORT_STYLE_ASSESSMENT)
        owner = self.names.get(goal.owner, goal.owner)
        if isinstance(goal.assessment, str):
            assessment = Assessment(goal.assessment)
            symbol, colour = ASSESSMENT_STYLE[assessment]
            _symbol_run(paragraph, symbol, colour)
            paragraph.add_run(f" {assessment.value}").bold = True
        else:
            paragraph.add_run(NOT_ASSESSED).bold = True
            why = "har inte lämnat någon godkänd rapport för perioden" if not goal.reported \
                else "har inte bedömt målet"
            self._paragraph(f"Målägaren ({owner}) {why}.", style=REPORT_STYLE_NOTE)
        for part in _paragraphs(goal.analysis):
            self._paragraph(part)
        if goal.ks_id == sick_leave_goal(self.register):
            self._paragraph(f"Nyckeltalet: {self._baseline_sentence}", style=REPORT_STYLE_NOTE)
        if goal.disagreement:
            self._paragraph(
                f"Aktiviteternas status ger förslaget ”{goal.suggestion}”. Bedömningen avviker "
                f"från förslaget med två steg eller mer.", style=REPORT_STYLE_NOTE)
        activities = self._activities_by_goal.get(goal.ks_id)
        if not activities:
            self._paragraph("Inga aktiviteter är kopplade till målet.")
            return
        self._activity_table(activities)

    @functools.cached_property
    def _activities_by_goal(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """KS-mål-id → activity id → its reports (one per department), in the merged order.
        Plain records, once: a frame per goal and activity cost most of the report's time
        at a few hundred departments."""
        by_goal: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for record in self.merged.activities.to_dict("records"):
            for ks_id in dict.fromkeys(record["ks_ids"]):  # a goal named twice counts once
                by_goal.setdefault(ks_id, {}).setdefault(record["activity_id"], []).append(
                    record)
        return by_goal

    def _activity_table(self, activities: dict[str, list[dict[str, Any]]]) -> None:
        """One row per activity; an activity several departments report on gets one line per
        distinct answer, naming the departments, under a title and end date shown once."""
        table = self._table(REPORT_ACTIVITY_HEADERS, ACTIVITY_WIDTHS, caption=None)
        for reports in activities.values():
            first = reports[0]
            end = first["end"] if isinstance(first["end"], dt.date) else None
            answers: dict[tuple[str | None, str, tuple[str, ...]], list[str]] = {}
            for report in reports:
                status = report["status"] if isinstance(report["status"], str) else None
                flags = tuple(f for f in SHOWN_FLAGS if f in report["flags"])
                answers.setdefault((status, plain(report["comment"]), flags), []).append(
                    self.names.get(report["department"], report["department"]))
            rows: list[Any] = []
            for (status, comment, flags), departments in answers.items():
                several = len(reports) > 1
                cells = self._row(table, (
                    "" if rows else plain(first["title"]), status or NOT_REPORTED,
                    "" if rows or end is None else f"{end:%Y-%m-%d}",
                    "" if several else comment))
                if status is None:
                    for run in cells[1].paragraphs[0].runs:
                        run.italic = True
                if several:  # who gave this answer, above what they said
                    paragraph = cells[3].paragraphs[0]
                    self._style(paragraph, REPORT_STYLE_NOTE)
                    paragraph.add_run(f"{swedish_list(departments)}:")
                    if comment:
                        self._style(cells[3].add_paragraph(comment), REPORT_STYLE_TABLE_TEXT)
                for flag in flags:
                    self._note(cells[1], REPORT_FLAG_TEXT[flag])
                rows.append(cells)
            if len(rows) > 1:
                for column in (0, 2):
                    rows[0][column].merge(rows[-1][column])

    # -- summary

    def _summary(self) -> None:
        goals = self.merged.goals
        self.doc.add_page_break()
        self.doc.add_heading(ReportHeading.SUMMARY, level=1)
        self._paragraph(headline(goals))
        table = self._table(("Bedömning", "Antal mål", "Andel"), (6.0, 2.5, 2.5),
                            caption="Målen per bedömning", numeric=(1, 2))
        total = len(goals)
        counts = goals["assessment"].value_counts()
        for assessment in Assessment:
            count = int(counts.get(assessment.value, 0))
            cells = self._row(table, ("", str(count), percent(count / total) if total else ""))
            symbol, colour = ASSESSMENT_STYLE[assessment]
            _symbol_run(cells[0].paragraphs[0], symbol, colour)
            cells[0].paragraphs[0].add_run(f" {assessment.value}")
        missing = int(goals["assessment"].map(lambda a: not isinstance(a, str)).sum())
        if missing:
            self._row(table, (NOT_ASSESSED, str(missing), percent(missing / total)))
        self._bold_row(self._row(table, (REPORT_TOTAL, str(total), percent(1) if total else "")))
        self._picture(_assessment_chart(goals),
                      "Bedömningarna per målområde (antal mål)")

        activities = self.merged.activities
        statuses = activities["status"].value_counts()
        self._paragraph(
            f"Förvaltningen redovisar {len(activities)} aktiviteter (en aktivitet med flera "
            f"ansvariga avdelningar räknas en gång per avdelning).")
        table = self._table(("Status", "Antal aktiviteter"), (6.0, 3.0),
                            caption="Aktiviteterna per status", numeric=(1,))
        for status in Status:
            count = int(statuses.get(status.value, 0))
            if count:
                self._row(table, (status.value, str(count)))
        not_reported = int(activities["status"].map(lambda s: not isinstance(s, str)).sum())
        if not_reported:
            self._row(table, (NOT_REPORTED, str(not_reported)))
        self._bold_row(self._row(table, (REPORT_TOTAL, str(len(activities)))))
        late = int(activities["flags"].map(lambda f: Flag.END_PASSED in f).sum())
        if late:
            self._paragraph(  # a sentence does not start with a digit
                f"{count_word(late).capitalize()} "
                f"{'aktivitet har' if late == 1 else 'aktiviteter har'} passerat sitt "
                f"slutdatum utan att vara {'avslutad' if late == 1 else 'avslutade'}.")

        flagged = goals[goals["disagreement"].astype(bool)]
        if not flagged.empty:
            self._paragraph(
                "För följande mål skiljer sig bedömningen två steg eller mer från det förslag "
                "som aktiviteternas status ger. Utskottet kan vilja fråga målägaren om skälen.")
            table = self._table(("Mål", "Bedömning", "Förslag"), (9.0, 3.5, 3.5),
                                caption="Mål där bedömningen avviker från förslaget")
            for goal in flagged.itertuples():
                self._row(table, (f"{goal.ks_id} {plain(goal.title)}", goal.assessment,
                                  goal.suggestion))

    # -- sick leave

    def _sick_leave(self) -> None:
        self.doc.add_heading(ReportHeading.SICK_LEAVE, level=1)
        figures = self._sick_leave_figures
        self._paragraph(
            f"Sjukfrånvaron redovisas som andel av den ordinarie arbetstiden från årets början "
            f"till och med {self.period_end:%Y-%m-%d}, för varje avdelning och för hela "
            f"{lower_first(self.settings.organ)}. Varje andel är kvoten av summerade timmar, "
            f"aldrig ett medelvärde av procentsatser. Långtidssjukfrånvaron är andelen av den "
            f"totala sjukfrånvaron som avser sjukfrånvaro i 60 dagar eller mer.")
        headers = ("Enhet", *(REPORT_SICK_LEAVE_HEADERS[f] for f in FIGURES))
        table = self._table(headers, (4.8, *(1.6,) * len(FIGURES)),
                            caption="Sjukfrånvaro i procent av ordinarie arbetstid",
                            numeric=tuple(range(1, len(headers))), compact=True)
        any_hidden = any_missing = False
        for row in figures.itertuples():
            values = []
            for figure in FIGURES:
                if not row.reported:
                    values.append(REPORT_MISSING)
                    any_missing = True
                elif getattr(row, f"{figure}_hidden"):
                    values.append(REPORT_HIDDEN)
                    any_hidden = True
                else:
                    value = getattr(row, figure)
                    values.append(REPORT_MISSING if pd.isna(value) else percent(value))
            cells = self._row(table, (row.name, *values))
            if row.department == WHOLE_ORGAN_CODE:
                self._bold_row(cells)
        notes = []
        if any_hidden:
            notes.append(f"{REPORT_HIDDEN} = gruppen har {SMALL_GROUP} anställda eller färre, "
                         f"eller skulle kunna räknas fram ur de andra grupperna, och redovisas "
                         f"därför inte.")
        if any_missing:
            notes.append(f"{REPORT_MISSING} = avdelningen har inte lämnat uppgifter för "
                         f"perioden. Raden för {lower_first(self.settings.organ)} omfattar bara "
                         f"de avdelningar som har rapporterat.")
        if notes:
            self._paragraph(" ".join(notes), style=REPORT_STYLE_NOTE)

        baselines = baseline_shares(self.register)
        dates = _baseline_dates(self.register)
        self.doc.add_heading(ReportHeading.SICK_LEAVE_BASELINE, level=2)
        complete = all_reported(figures)
        self._paragraph(self._baseline_sentence)
        table = self._table(("Enhet", "Basvärde", "Basvärdets datum", "Perioden",
                             "Förändring (procentenheter)"), (5.4, 2.2, 2.6, 2.2, 3.6),
                            caption="Total sjukfrånvaro jämfört med basvärdet",
                            numeric=(1, 3, 4), compact=True)
        for row in figures.itertuples():
            base = baselines.get(row.department)
            shown = row.reported and not row.total_hidden and not pd.isna(row.total)
            current = percent(row.total) if shown else (
                REPORT_HIDDEN if row.total_hidden else REPORT_MISSING)
            comparable = complete or row.department != WHOLE_ORGAN_CODE  # as the workbook
            change = signed(points_change(row.total, base), 1) \
                if shown and base is not None and comparable else ""
            date = dates.get(row.department)
            cells = self._row(table, (row.name, baseline_text(base) if base is not None else
                                      REPORT_MISSING, f"{date:%Y-%m-%d}" if date else "",
                                      current, change))
            if row.department == WHOLE_ORGAN_CODE:
                self._bold_row(cells)
        departments = len(figures) - 1  # the last row is the whole organ
        if departments <= CHART_MAX_DEPARTMENTS:
            self._picture(_sick_leave_chart(figures, baselines),
                          "Total sjukfrånvaro per avdelning och basvärdet")
        else:
            self._paragraph(
                f"Diagrammet över sjukfrånvaron per avdelning visas bara när det ryms på en sida "
                f"(högst {CHART_MAX_DEPARTMENTS} avdelningar). Med {departments} avdelningar "
                f"finns värdena i tabellerna ovan.", style=REPORT_STYLE_NOTE)

    @functools.cached_property
    def _sick_leave_figures(self) -> pd.DataFrame:
        return sick_leave_table(self.merged.sick_leave, self.register)

    @functools.cached_property
    def _baseline_sentence(self) -> str:
        """The organ's sick leave against its baseline: in the sick-leave chapter, and under
        the goal it measures ("Sjukfrånvaron ska minska")."""
        figures = self._sick_leave_figures
        organ = figures[figures["department"] == WHOLE_ORGAN_CODE].iloc[0]
        base = baseline_shares(self.register).get(WHOLE_ORGAN_CODE)
        date = _baseline_dates(self.register).get(WHOLE_ORGAN_CODE)
        name = lower_first(self.settings.organ)
        if not organ["reported"] or pd.isna(organ["total"]):
            return f"Uppgifter om sjukfrånvaron för {name} saknas för perioden."
        when = f" ({date:%Y-%m-%d})" if date else ""
        if not all_reported(figures):  # no change yet, as in the workbook
            reported, of = reported_count(figures), count_word(len(self.register.department_codes))
            who = (f"den av de {of} avdelningarna som har" if reported == 1 else
                   f"de {count_word(reported)} av {of} avdelningar som har")  # not "de en av"
            text = f"Sjukfrånvaron är {percent(organ['total'])} för {who} rapporterat."
            if base is None:
                return text
            return (f"{text} Den jämförs med basvärdet för {name}, {baseline_text(base)}{when}, "
                    f"när alla avdelningar har rapporterat: utan en avdelning skulle skillnaden "
                    f"visa en förändring som inte finns.")
        text = f"Sjukfrånvaron för {name} är {percent(organ['total'])}"
        if base is None:
            return text + "."
        change = points_change(organ["total"], base)
        trend = "oförändrat" if change == 0 else (
            f"en {'minskning' if change < 0 else 'ökning'} med {number(abs(change), 1)} "
            f"procentenheter")
        return f"{text}, jämfört med basvärdet {baseline_text(base)}{when}: {trend}."

    # -- budget

    def _budget(self) -> None:
        unit = self.settings.unit
        decimals = 1 if unit == "mnkr" else 0
        budget = self.merged.budget
        self.doc.add_heading(ReportHeading.BUDGET, level=1)
        self._paragraph(
            f"Budget, utfall hittills och prognos för helåret i {unit}, som nettokostnad. "
            f"Avvikelsen är budget minus prognos: ett negativt tal betyder att prognosen är "
            f"högre än budgeten.")
        headers = ("Budget", "Utfall hittills", "Prognos helår", "Avvikelse")
        incomplete = False
        for heading, frame, key, label in (
                (ReportHeading.BUDGET_BY_DEPARTMENT,
                 budget_by_department(budget, self.register), "department", "Avdelning"),
                (ReportHeading.BUDGET_BY_CATEGORY,
                 budget_by_category(budget, self.register), "category", "Kategori")):
            self.doc.add_heading(heading, level=2)
            table = self._table((label, *headers), (5.6, 2.6, 2.6, 2.6, 2.6),
                                caption=f"Ekonomi {heading.lower()} ({unit})",
                                numeric=(1, 2, 3, 4))
            for row in frame.to_dict("records"):
                total = row[key] == WHOLE_ORGAN_CODE
                name = REPORT_TOTAL if total else (
                    self.names.get(row[key], row[key]) if key == "department" else row[key])
                amounts = [row["budget"], row["outcome"], row["forecast"], row["deviation"]]
                texts = [REPORT_MISSING if pd.isna(v) else number(v, decimals) for v in amounts]
                cells = self._row(table, (name, *texts))
                if total:
                    self._bold_row(cells)
                incomplete = incomplete or not row["complete"]
        if incomplete:
            self._paragraph(
                f"{REPORT_MISSING} = uppgiften har inte rapporterats. Summorna av utfall och "
                f"prognos omfattar bara det som har rapporterats, och avvikelsen visas bara där "
                f"alla har rapporterat.", style=REPORT_STYLE_NOTE)
        comments = budget[budget["comment"].map(lambda c: bool(plain(c)))]
        if not comments.empty:
            lead = self._paragraph("Avdelningarnas kommentarer till ekonomin:")
            lead.paragraph_format.keep_with_next = True  # not left alone at a page's foot
            departments = [self.names.get(code, code) for code in comments["department"]]
            categories = comments["category"].astype(str).tolist()
            # name and category whole (they were broken inside "Samhällsbyggnadsavdelningen"
            # and "Affärsverksamhet"), the comment gets what is left of 16 cm
            name_cm = max(5.0, _longest_word_cm(departments))
            category_cm = max(3.0, _longest_word_cm(categories))
            table = self._table(("Avdelning", "Kategori", "Kommentar"),
                                (name_cm, category_cm, max(6.0, 16.0 - name_cm - category_cm)),
                                caption="Kommentarer till ekonomin")
            for name, category, row in zip(departments, categories, comments.itertuples(),
                                           strict=True):
                self._row(table, (name, category, plain(row.comment)))

    # -- building blocks

    def _style(self, paragraph: Paragraph, name: str) -> None:
        # python-docx looks a style up by scanning every style; thousands of cells add up.
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        paragraph._p.style = self.style_ids[name]

    def _paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A body paragraph; one that follows a table gets air above it."""
        body = self.doc.element.body
        after_table = len(body) >= 2 and body[-2].tag == qn("w:tbl")
        paragraph = self.doc.add_paragraph()
        if style:
            self._style(paragraph, style)
        if text:
            paragraph.add_run(text)
        if after_table:
            paragraph.paragraph_format.space_before = Pt(10)
        return paragraph

    def _table(self, headers: Sequence[str], widths: Sequence[float], *, caption: str | None,
               numeric: Iterable[int] = (), compact: bool = False) -> _Grid:
        if caption:
            self.tables += 1
            paragraph = self._paragraph(style="Caption")
            paragraph.add_run("Tabell ")
            _field(paragraph, r"SEQ Tabell \* ARABIC", str(self.tables))
            paragraph.add_run(f". {caption}")
            paragraph.paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        scale = self.width / Cm(sum(widths))
        grid = _Grid(table, tuple(numeric), compact)
        if caption:
            self.captioned.append(grid)
        if compact:
            _narrow_margins(table)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(int(Cm(width) * min(scale, 1.0)))
        header = table.rows[0]
        _row_property(header, "w:tblHeader")
        _row_property(header, "w:cantSplit")
        for index, (cell, text) in enumerate(zip(header.cells, headers, strict=True)):
            cell.width = table.columns[index].width
            paragraph = cell.paragraphs[0]
            self._style(paragraph, REPORT_STYLE_TABLE_HEADER)
            run = paragraph.add_run(text)
            if compact:
                run.font.size = COMPACT_SIZE
            if index in grid.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _shade(cell, HEADER_FILL)
        return grid

    def _row(self, grid: _Grid, values: Sequence[str]) -> list[_Cell]:
        if grid.empty_row is None:
            row = grid.table.add_row()  # each cell as wide as its column (python-docx does that)
            _row_property(row, "w:cantSplit")
            for index, cell in enumerate(row.cells):
                paragraph = cell.paragraphs[0]
                self._style(paragraph, REPORT_STYLE_TABLE_TEXT)
                if index in grid.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            grid.empty_row = copy.deepcopy(row._tr)
        else:
            # The same row again, copied: building its cells, widths and styles anew took
            # most of the report's time at 15 000 activity rows (the XML is the same).
            tr = copy.deepcopy(grid.empty_row)
            grid.table._tbl.append(tr)
            row = _Row(tr, grid.table)
        cells = list(row.cells)
        for cell, value in zip(cells, values, strict=True):
            if value:
                run = cell.paragraphs[0].add_run(value)
                if grid.compact:
                    run.font.size = COMPACT_SIZE
        return cells

    def _note(self, cell: _Cell, text: str) -> None:
        self._style(cell.add_paragraph(text), REPORT_STYLE_NOTE)

    @staticmethod
    def _bold_row(cells: Sequence[_Cell]) -> None:
        for cell in cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.bold = True

    def _picture(self, png: bytes, caption: str) -> None:
        self.figures += 1
        picture = self._paragraph()
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(png), width=Emu(int(self.width)))
        paragraph = self._paragraph(style="Caption")
        paragraph.add_run("Figur ")
        _field(paragraph, r"SEQ Figur \* ARABIC", str(self.figures))
        paragraph.add_run(f". {caption}")


def _longest_word_cm(texts: Iterable[str]) -> float:
    """How wide (cm, at a 16 cm text width) a 9 pt table column must be to hold the longest
    word of `texts` on one line, with the cell's margins."""
    longest = max((len(word) for text in texts for word in str(text).split()), default=0)
    return longest * 0.19 + 0.45


def _reporting_departments(merged: Merged) -> set[str]:
    activities = merged.activities
    reported = set(activities.loc[activities["flags"].map(lambda f: Flag.NOT_REPORTED not in f),
                                  "department"])
    reported |= set(merged.sick_leave["department"])
    reported |= set(merged.goals.loc[merged.goals["reported"].astype(bool), "owner"])
    reported |= set(merged.budget.loc[merged.budget["forecast"].notna(), "department"])
    return reported


def _baseline_dates(register: Register) -> dict[str, dt.date]:
    frame = register.baselines.sort_values("date")
    return dict(zip(frame["department"], frame["date"], strict=True))


def _paragraphs(text: object) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", plain(text)) if part.strip()]


# --- Word XML details ------------------------------------------------------------------------

def _open(template: Path | None) -> DocxDocument:
    if template is None:
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
        _set_language(doc, "sv-SE")
        return doc
    try:
        content = Path(template).read_bytes()
        doc = Document(io.BytesIO(_as_document(content)))
    except Exception as exc:  # an unreadable template is the user's to fix, with a message
        raise PipelineError(
            f"Mallen {template} kan inte läsas som ett Word-dokument (.docx eller .dotx). "
            f"Spara den som Word-dokument och försök igen.") from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _as_document(content: bytes) -> bytes:
    """A .dotx is a .docx with another content type; python-docx opens only the latter."""
    template_type = b"wordprocessingml.template.main+xml"
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read("[Content_Types].xml")
        if template_type not in types:
            return content
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(template_type, b"wordprocessingml.document.main+xml")
                target.writestr(info, data)
        return out.getvalue()


def _set_language(doc: DocxDocument, language: str) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _ensure_styles(doc: DocxDocument) -> None:
    """Add the styles the report uses that the document (a template) lacks."""
    styles = doc.styles

    def present(name: str) -> bool:
        return any(style.name == name for style in styles)

    def add(name: str, setup: Callable, base: str = "Normal") -> None:  # type: ignore[type-arg]
        if present(name):
            return
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if present(base):
            style.base_style = styles[base]
        setup(style)

    def title(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.bold = Pt(28), True
        style.paragraph_format.space_after = Pt(12)

    def subtitle(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.italic = Pt(16), True
        style.paragraph_format.space_after = Pt(24)

    def heading(level: int, size: int) -> Callable:  # type: ignore[type-arg]
        def setup(style) -> None:  # type: ignore[no-untyped-def]
            style.font.size, style.font.bold = Pt(size), True
            style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
        return setup

    def caption(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.bold = Pt(9), True
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(4)

    def assessment(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size = Pt(12)
        style.paragraph_format.space_before = Pt(2)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True

    def note(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size, style.font.italic = Pt(8.5), True
        style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        style.paragraph_format.space_before = Pt(2)
        style.paragraph_format.space_after = Pt(6)

    def table_text(style) -> None:  # type: ignore[no-untyped-def]
        style.font.size = Pt(9)
        style.paragraph_format.space_before = Pt(1)
        style.paragraph_format.space_after = Pt(1)
        style.paragraph_format.line_spacing = 1.0

    def table_header(style) -> None:  # type: ignore[no-untyped-def]
        table_text(style)
        style.font.bold = True
        style.paragraph_format.keep_with_next = True

    add("Title", title)
    add("Subtitle", subtitle)
    add("Heading 1", heading(1, 16))
    add("Heading 2", heading(2, 13))
    add("Caption", caption)
    add(REPORT_STYLE_ASSESSMENT, assessment)
    add(REPORT_STYLE_NOTE, note)
    add(REPORT_STYLE_TABLE_TEXT, table_text)
    add(REPORT_STYLE_TABLE_HEADER, table_header, base=REPORT_STYLE_TABLE_TEXT)
    if not present(TABLE_STYLE):
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        styles.element.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:styleId="TableGrid">'
            f'<w:name w:val="{TABLE_STYLE}"/><w:uiPriority w:val="59"/>'
            f'<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f'<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>'
            f'<w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            f'</w:tblCellMar></w:tblPr></w:style>'))


def _symbol_run(paragraph: Paragraph, symbol: str, colour: str) -> None:
    run = paragraph.add_run(symbol)
    run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    run.font.name = SYMBOL_FONT
    run.font.size = Pt(13)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), SYMBOL_FONT)
    fonts.set(qn("w:eastAsia"), SYMBOL_FONT)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A field as Word writes it (begin, instruction, separate, result, end), so the result
    reads as ordinary text and Word can update it (F9)."""
    def run(child: str, **attributes: str) -> None:
        element = OxmlElement("w:r")
        inner = OxmlElement(child)
        for key, value in attributes.items():
            inner.set(qn(key), value)
        if child == "w:instrText":
            inner.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            inner.text = f" {instruction} "
        elif child == "w:t":
            inner.text = shown
        element.append(inner)
        paragraph._p.append(element)

    run("w:fldChar", **{"w:fldCharType": "begin"})
    run("w:instrText")
    run("w:fldChar", **{"w:fldCharType": "separate"})
    run("w:t")
    run("w:fldChar", **{"w:fldCharType": "end"})


def _keep_together(table: Table) -> None:
    """A short table on one page, as Word keeps one: each row's paragraphs kept with the next
    row (a summary's Totalt row was left alone at the top of the next page)."""
    rows = table._tbl.tr_lst
    if len(rows) > KEEP_TOGETHER_ROWS:
        return
    for tr in rows[:-1]:
        for p in tr.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True


def _row_property(row, tag: str) -> None:  # type: ignore[no-untyped-def]
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _narrow_margins(table: Table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")  # 1 mm
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    layout = properties.find(qn("w:tblLayout"))
    # CT_TblPr is a sequence: tblCellMar comes after tblLayout, before tblLook.
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    elif layout is not None:
        layout.addnext(margins)
    else:
        properties.append(margins)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _fixed_zip(content: bytes, as_of: dt.datetime) -> bytes:
    """The same package with every entry stamped as_of, so equal inputs give equal bytes."""
    stamp = _utc(as_of)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second - stamp.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# --- charts ----------------------------------------------------------------------------------

def _render(draw: Callable, size: tuple[float, float]) -> bytes:  # type: ignore[type-arg]
    # matplotlib is imported here: the rest of the pipeline never pays for it.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings: dict[str, Any] = {"font.family": CHART_FONT, "font.size": 9,
                                "svg.hashsalt": "malsystem",
                "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(settings):  # type: ignore[arg-type]
        figure = Figure(figsize=size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _comma(value: float, _position: object = None) -> str:
    return f"{value:g}".replace(".", ",").replace("-", "−")


def _assessment_chart(goals: pd.DataFrame) -> bytes:
    areas = [a for a in GOAL_AREAS if a in set(goals["area"])]
    areas += sorted(set(goals["area"]) - set(areas))
    series: list[tuple[str, str, str | None]] = [
        (f"{ASSESSMENT_STYLE[a][0]} {a.value}", ASSESSMENT_STYLE[a][1], a.value)
        for a in Assessment]
    if goals["assessment"].map(lambda a: not isinstance(a, str)).any():
        series.append((NOT_ASSESSED, MISSING_COLOUR, None))

    def draw(figure) -> None:  # type: ignore[no-untyped-def]
        from matplotlib.ticker import MaxNLocator

        axes = figure.add_subplot()
        lefts = [0] * len(areas)
        for label, colour, value in series:
            counts = [int(((goals["area"] == area) & (
                goals["assessment"].map(lambda a, v=value: a == v if v else
                                        not isinstance(a, str)))).sum()) for area in areas]
            bars = axes.barh(areas, counts, left=lefts, color=colour, edgecolor="white",
                             label=label, height=0.6)
            dark = colour in (ASSESSMENT_STYLE[Assessment.MET][1],
                              ASSESSMENT_STYLE[Assessment.NOT_MET][1])
            axes.bar_label(bars, labels=[str(c) if c else "" for c in counts],
                           label_type="center", color="white" if dark else "black")
            lefts = [left + count for left, count in zip(lefts, counts, strict=True)]
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("Antal mål")
        figure.legend(loc="outside lower center", ncol=len(series) if len(series) <= 4 else 3,
                      frameon=False)

    return _render(draw, (6.3, 0.5 * len(areas) + 1.5))


def _sick_leave_chart(figures: pd.DataFrame, baselines: dict[str, float]) -> bytes:
    rows = list(figures.itertuples())
    return _render(functools.partial(_draw_sick_leave, rows=rows, baselines=baselines),
                   (6.3, CHART_BAR_INCHES * len(rows) + 1.5))


def _draw_sick_leave(figure, *, rows: list[Any],  # type: ignore[no-untyped-def]
                     baselines: dict[str, float]) -> None:
    from matplotlib.ticker import FuncFormatter

    axes = figure.add_subplot()
    names = [row.name for row in rows]
    values = [row.total * 100 if row.reported and not row.total_hidden and
              not pd.isna(row.total) else 0.0 for row in rows]
    colours = ["#C65911" if row.department == WHOLE_ORGAN_CODE else "#1F4E78"
               for row in rows]
    axes.barh(names, values, color=colours, height=0.6)
    top = max([*values, *(baselines.get(r.department, 0) * 100 for r in rows), 1.0])
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        if value:
            text = f"{number(value, 1)} %"
        elif not row.reported:
            text = "uppgift saknas"
        else:
            text = f"{REPORT_HIDDEN} ({SMALL_GROUP} anställda eller färre)"
        base = baselines.get(row.department, 0) * 100
        axes.text(max(value, base) + top * 0.02, index, text, va="center", fontsize=8)
    marked = [(i, baselines[r.department] * 100) for i, r in enumerate(rows)
              if r.department in baselines]
    if marked:
        axes.scatter([v for _, v in marked], [i for i, _ in marked], marker="|", s=400,
                     linewidths=2, color="black", label="Basvärde", zorder=3)
        # below the plot: inside it, the legend's mark sat in the last bar's row and read as
        # that unit's baseline
        figure.legend(loc="outside lower center", frameon=False)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.3)
    axes.xaxis.set_major_formatter(FuncFormatter(_comma))
    axes.set_xlabel("Sjukfrånvaro, procent av ordinarie arbetstid")
