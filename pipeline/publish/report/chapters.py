"""The report's text, chapter by chapter: title page and introduction, a chapter per council
goal with each board goal's assessment, analysis and activity table, then the summary, sick
leave and budget."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import pandas as pd
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from ...figures import (
    FIGURES,
    SMALL_GROUP,
    AreaCounts,
    BudgetComparison,
    all_reported,
    amount_decimals,
    baseline_dates,
    baseline_shares,
    budget_against_previous,
    budget_by_category,
    budget_by_department,
    department_changes,
    goals_by_area,
    met_while_rising,
    organ_change,
    points_change,
    previous_comparison,
    reported_count,
    rounded_lines,
    shares,
    sick_leave_goal,
    sick_leave_table,
    worsened_most,
)
from ...labels import (
    ASSESSMENT_MEANING,
    ASSESSMENT_STYLE,
    MET_WHILE_RISING_REMARK,
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
    REPORT_STYLE_TABLE_TEXT,
    REPORT_TOTAL,
    WHOLE_ORGAN_CODE,
    Assessment,
    OutputSheet,
    ReportHeading,
    Status,
    first_period,
)
from ...labels import WorkbookText as WT  # the phrases the workbook's remarks share
from ...merge import Flag, Merged
from ...register import Register
from .blocks import (
    _Blocks,
    _bookmark,
    _contents_entry,
    _field,
    _join_down,
    _keep_together,
    _quiet,
    _symbol_run,
)
from .charts import (
    _assessment_chart,
    _sick_leave_chart,
    assessment_chart_text,
    chart_selection,
    sick_leave_chart_text,
)
from .document import _ensure_contents_styles, _ensure_styles, _utc
from .text import (
    NUMBER_WORDS,
    _paragraphs,
    administration,
    amount,
    area_sentences,
    baseline_text,
    count_word,
    genitive,
    headline,
    in_sentence,
    number,
    percent,
    period_title,
    plain,
    signed,
    swedish_list,
    whole_percent,
)

ACTIVITY_WIDTHS = (4.5, 2.8, 2.5, 6.2)  # cm at a 16 cm text width; scaled to the page
FIGURE_MIN_CM = 1.5  # a sick-leave figure's column: "Kvinnor" whole in the 8 pt header
NAMED_WITHOUT_BASELINE = 10  # more departments without a baseline are counted, not named
# An organ of more departments gets a large organ's report: a table of contents after the
# title page (300 departments: 893 pages, with report_activities = "deviations" 324), and its
# budget chapter as the organ's totals and the largest deviations, with every department's
# budget in an appendix (300 departments: 13 pages).
LARGE_ORGAN = 30
BUDGET_LARGEST_DEVIATIONS = 10
BUDGET_WORSENED_NAMED = 3  # the departments whose forecast rose most, named in a sentence
NAMED_WITHOUT_FORECAST = 10  # more departments without a forecast then are counted, not named
SHOWN_FLAGS = (Flag.END_PASSED, Flag.WORSE, Flag.DONE_FAR_AHEAD)
# The statuses of work going to plan, which report_activities = "deviations" leaves out of the
# goals' activity tables (and counts under them).
ON_PLAN = (Status.ON_TRACK.value, Status.DONE.value)


class _ReportWriter(_Blocks):
    def __init__(self, doc: DocxDocument, register: Register, merged: Merged,
                 as_of: dt.datetime, own_footer: bool, refused: Collection[str] = (),
                 deviations_only: bool = False, previous: Merged | None = None):
        super().__init__(doc)
        self.previous = previous
        self.refused = set(refused)
        self.deviations_only = deviations_only
        self.register = register
        self.merged = merged
        self.as_of = as_of
        self.own_footer = own_footer
        self.settings = register.settings
        self.period_end: dt.date = register.period(merged.period)["period_end"]
        self.names = register.department_names
        # the organ inside a sentence, and who does the work: "förvaltningen" (Ånge) or
        # "förvaltningarna" (a municipality of several)
        self.organ = in_sentence(register.settings.organ, register.settings.municipality)
        self.administration, self.administrations = administration(self.names.values())

    def write(self) -> None:
        _ensure_styles(self.doc)
        self._properties()
        self._footer()
        self._title_page()
        contents = self._paragraph() if self._large_organ else None
        self._introduction()
        for council in self.register.council_goals.itertuples():
            self._council_chapter(council.kf_id, council.title)
        self._summary()
        self._sick_leave()
        self._sick_leave_previous()
        self._budget()
        self._budget_previous()
        if self._large_organ:
            self._sick_leave_appendix()
            self._budget_appendix()
        for grid in self.captioned:
            _keep_together(grid.table)
        if contents is not None:
            self._contents(contents)

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

    def _contents(self, place: Paragraph) -> None:
        """A large organ's table of contents, on its own page(s) where `place` stands: every
        chapter and goal (Heading 1 and 2), each line a link to its heading with the page it
        is on. Word's navigation pane and the PDF's bookmarks come from the headings."""
        _ensure_contents_styles(self.doc)
        levels = {self.doc.styles[f"Heading {level}"].style_id: level for level in (1, 2)}
        headings = [(p, levels[p.style]) for p in place._p.itersiblings(qn("w:p"))
                    if p.style in levels]
        self._style(place, "TOC Heading")
        place.add_run(ReportHeading.CONTENTS)
        after = place._p
        for index, (heading, level) in enumerate(headings, start=1):
            bookmark = f"_Toc{index:08d}"
            _bookmark(heading, bookmark, index)
            entry = self.doc.add_paragraph()
            self._style(entry, f"toc {level}")
            entry.paragraph_format.tab_stops.add_tab_stop(
                self.width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            _contents_entry(entry, "".join(t.text or "" for t in heading.iter(qn("w:t"))),
                            bookmark)
            after.addnext(entry._p)
            after = entry._p
        end = self.doc.add_paragraph()
        end.add_run().add_break(WD_BREAK.PAGE)
        after.addnext(end._p)

    def _introduction(self) -> None:
        s = self.settings
        organ, who, whose = self.organ, self.administration, self.administrations
        council = len(self.register.council_goals)
        self.doc.add_heading(ReportHeading.INTRODUCTION, level=1)
        self._paragraph(
            f"Kommunfullmäktige har antagit mål för {s.year}. Dessa mål har {organ} brutit "
            f"ner till egna mål, och {who} har brutit ner {genitive(organ)} mål till "
            f"aktiviteter som leder till målen. Den här rapporten redovisar hur arbetet med "
            f"aktiviteterna har gått till och med {self.period_end:%Y-%m-%d}, och {whose} "
            f"bedömning av varje mål.")
        self._paragraph(
            f"Redovisningen är kapitelindelad, där varje kapitel motsvarar ett av "
            f"kommunfullmäktiges {count_word(council, neuter=True)} mål. Under respektive kapitel redovisas {genitive(organ)} "
            f"mål med en sammanfattad bedömning, {whose} analys och verksamhetens "
            f"aktiviteter med aktuell status, slutdatum och kommentar. Bedömningen är en av "
            f"fyra:")
        # every column named: an empty header cell is read as nothing by a screen reader
        table = self._table(("Symbol", "Bedömning", "Betydelse"), (2.0, 3.6, 10.4),
                            caption=None)
        for assessment in Assessment:
            cells = self._row(table, ("", "", ASSESSMENT_MEANING[assessment]))
            symbol, colour = ASSESSMENT_STYLE[assessment]
            _symbol_run(cells[0].paragraphs[0], symbol, colour)
            cells[1].paragraphs[0].add_run(assessment.value).bold = True
        self._paragraph(
            f"Bedömningen baseras på {whose} genomförda och planerade aktiviteter. Varje "
            "bedömning har också en symbol, så att den går att läsa även i svartvitt. Rapporten "
            "avslutas med en sammanfattning av bedömningarna, sjukfrånvaron och ekonomin"
            + (", och två bilagor med varje avdelnings sjukfrånvaro och ekonomi."
               if self._large_organ
               else "."))
        if self.deviations_only:
            self._paragraph(
                "Tabellerna över aktiviteterna tar bara upp aktiviteter som avviker från planen: "
                "de som inte pågår eller är avslutade enligt plan, och de som har passerat sitt "
                "slutdatum, är sämre än förra perioden eller är avslutade långt före sitt "
                "slutdatum (en aktivitet med flera ansvariga avdelningar tas upp med alla sina "
                "svar om någon avdelning har angett en avvikelse eller inte har rapporterat). "
                "Under varje mål står hur "
                "många aktiviteter som pågår eller är avslutade enligt plan; alla aktiviteter "
                f"står på fliken {OutputSheet.ACTIVITIES} i sammanställningen "
                f"(sammanstallning_{self.merged.period}.xlsx).")
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
            organ = self.organ
            self._paragraph(
                f"För detta kommunfullmäktigemål har {organ} inte antagit något eget mål. "
                f"Eftersom {self.administration} utgår från de mål {organ} beslutar om finns inga "
                f"aktiviteter planerade.")
            return
        for goal in goals.itertuples():
            self._board_goal(goal)

    def _board_goal(self, goal) -> None:  # type: ignore[no-untyped-def]
        heading = self.doc.add_heading(f"{goal.ks_id} {plain(goal.title)}", level=2)
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
            if met_while_rising(goal.assessment,
                                organ_change(self._sick_leave_figures, self.register)):
                self._paragraph(MET_WHILE_RISING_REMARK, style=REPORT_STYLE_NOTE)
        if goal.disagreement:
            self._paragraph(
                f"Aktiviteternas status ger förslaget ”{goal.suggestion}”. Bedömningen avviker "
                f"från förslaget med två steg eller mer.", style=REPORT_STYLE_NOTE)
        activities = self._activities_by_goal.get(goal.ks_id)
        if not activities:
            self._paragraph("Inga aktiviteter är kopplade till målet.")
            return
        if not self.deviations_only:
            _keep_with_next(heading._p.itersiblings())
            self._activity_table(activities)
            return
        deviating = {activity: reports for activity, reports in activities.items()
                     if any(_deviates(report) for report in reports)}
        if deviating:
            _keep_with_next(heading._p.itersiblings())
            self._activity_table(deviating)
        self._paragraph(_on_plan_sentence(len(activities) - len(deviating), len(activities)))

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
        """One row per activity; an activity several departments report on gets one row per
        distinct answer, naming the departments. Every row carries the activity's title and
        end date, the rows after the first in the quiet note style: a cell merged down the
        rows was read by a screen reader at the first row only, and Word's checker flags it."""
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
            title, end_text = plain(first["title"]), "" if end is None else f"{end:%Y-%m-%d}"
            rows: list[Any] = []
            for (status, comment, flags), departments in answers.items():
                several = len(reports) > 1
                cells = self._row(table, (
                    "" if rows else title, status or NOT_REPORTED, "" if rows else end_text,
                    "" if several else comment))
                if rows:  # the same activity again: said again, quietly, in one block
                    for column, text in ((0, title), (2, end_text)):
                        _join_down(rows[-1][column], cells[column])
                        if text:
                            _quiet(cells[column].paragraphs[0].add_run(text))
                if status is None:
                    for run in cells[1].paragraphs[0].runs:
                        run.italic = True
                # who gave this answer, above what they said; without a comment ("Namn:"
                # and nothing after it) only who, where the others answered otherwise
                if several and (comment or len(answers) > 1):
                    paragraph = cells[3].paragraphs[0]
                    self._style(paragraph, REPORT_STYLE_NOTE)
                    paragraph.add_run(swedish_list(departments) + (":" if comment else ""))
                    if comment:
                        self._style(cells[3].add_paragraph(comment), REPORT_STYLE_TABLE_TEXT)
                for flag in flags:
                    self._note(cells[1], REPORT_FLAG_TEXT[flag])
                rows.append(cells)

    # -- summary

    def _summary(self) -> None:
        goals = self.merged.goals
        self.doc.add_page_break()
        self.doc.add_heading(ReportHeading.SUMMARY, level=1)
        self._paragraph(headline(goals))
        self._goal_area_sentences()
        table = self._table(("Bedömning", "Antal mål", "Andel"), (6.0, 2.5, 2.5),
                            caption="Målen per bedömning", numeric=(1, 2))
        total = len(goals)
        counts = goals["assessment"].value_counts()
        missing = int(goals["assessment"].map(lambda a: not isinstance(a, str)).sum())
        numbers = [int(counts.get(a.value, 0)) for a in Assessment] + [missing]
        # whole per cents that add up to 100 %, as on the workbook's Sammanfattning
        shown = [whole_percent(share) if total else "" for share in shares(numbers)]
        for assessment, count, share in zip(Assessment, numbers, shown, strict=False):
            cells = self._row(table, ("", number(count, 0), share))
            symbol, colour = ASSESSMENT_STYLE[assessment]
            _symbol_run(cells[0].paragraphs[0], symbol, colour)
            cells[0].paragraphs[0].add_run(f" {assessment.value}")
        if missing:
            self._row(table, (NOT_ASSESSED, number(missing, 0), shown[-1]))
        self._bold_row(self._row(table, (REPORT_TOTAL, number(total, 0),
                                         whole_percent(1) if total else "")))
        self._picture(_assessment_chart(self._areas), "Bedömningarna per målområde (antal mål)",
                      assessment_chart_text(self._areas))
        self._goal_area_table()

        activities = self.merged.activities
        statuses = activities["status"].value_counts()
        self._paragraph(
            f"{self.administration.capitalize()} redovisar {number(len(activities), 0)} "
            f"aktiviteter (en aktivitet med flera ansvariga avdelningar räknas en gång per "
            f"avdelning).")
        table = self._table(("Status", "Antal aktiviteter"), (6.0, 3.0),
                            caption="Aktiviteterna per status", numeric=(1,))
        for status in Status:
            count = int(statuses.get(status.value, 0))
            if count:
                self._row(table, (status.value, number(count, 0)))
        not_reported = int(activities["status"].map(lambda s: not isinstance(s, str)).sum())
        if not_reported:
            self._row(table, (NOT_REPORTED, number(not_reported, 0)))
        self._bold_row(self._row(table, (REPORT_TOTAL, number(len(activities), 0))))
        late = int(activities["flags"].map(lambda f: Flag.END_PASSED in f).sum())
        if late:
            # a sentence does not start with a digit ("538 aktiviteter har …")
            self._paragraph(
                f"{count_word(late).capitalize()} "
                f"{'aktivitet har' if late == 1 else 'aktiviteter har'} passerat sitt "
                f"slutdatum utan att vara {'avslutad' if late == 1 else 'avslutade'}."
                if late < len(NUMBER_WORDS) else
                f"Av aktiviteterna har {count_word(late)} passerat sitt slutdatum utan att "
                f"vara avslutade.")

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

    @functools.cached_property
    def _areas(self) -> list[AreaCounts]:
        return goals_by_area(self.merged.goals)

    def _goal_area_sentences(self) -> None:
        """Under the headline, what the goals per goal area tell that it does not (the area
        with most goals not met, …), where they tell something; the memo's too."""
        sentences = area_sentences(self._areas)
        if sentences:
            self._paragraph(" ".join(sentences))

    def _goal_area_table(self) -> None:
        """The area chart's figures as a table, a row per goal area (figures.goals_by_area, as
        on the workbook's Sammanfattning)."""
        rows = self._areas
        if not rows:
            return
        unassessed = any(row.not_assessed for row in rows)

        def values(row: AreaCounts) -> list[int]:
            return [*row.assessed, *([row.not_assessed] if unassessed else []), row.total]

        headers = ["Målområde", *(a.value for a in Assessment),
                   *([NOT_ASSESSED] if unassessed else []), REPORT_TOTAL]
        # "Uppfyllt" whole in the bold header; "God ekonomisk hushållning" on one line where
        # the 16 cm leave room for it
        table = self._table(headers, (min(5.2, 15.9 - 2.1 * (len(headers) - 1)),
                                      *([2.1] * (len(headers) - 1))),
                            caption="Målen per målområde och bedömning",
                            numeric=range(1, len(headers)))
        for row in rows:
            self._row(table, (row.area, *(number(n, 0) for n in values(row))))
        totals = [sum(column) for column in zip(*map(values, rows), strict=True)]
        self._bold_row(self._row(table, (REPORT_TOTAL, *(number(n, 0) for n in totals))))

    # -- sick leave

    def _sick_leave(self) -> None:
        self.doc.add_heading(ReportHeading.SICK_LEAVE, level=1)
        figures = self._sick_leave_figures
        self._paragraph(
            f"Sjukfrånvaron redovisas som andel av den ordinarie arbetstiden från årets början "
            f"till och med {self.period_end:%Y-%m-%d}, för varje avdelning och för hela "
            f"{self.organ}. Varje andel är kvoten av summerade timmar, "
            f"aldrig ett medelvärde av procentsatser. Långtidssjukfrånvaron är andelen av den "
            f"totala sjukfrånvaron som avser sjukfrånvaro i 60 dagar eller mer.")
        if self._large_organ:
            # 300 departments: six pages of rows in the chapter; the organ's row here, every
            # department's in an appendix, as the budget's
            self._sick_leave_table(
                figures[figures["department"] == WHOLE_ORGAN_CODE],
                f"Sjukfrånvaro för hela {self.organ} i procent av ordinarie arbetstid")
            every = count_word(len(self.register.department_codes))
            self._paragraph(
                f"Alla {every} avdelningars sjukfrånvaro står i bilagan "
                f"”{ReportHeading.SICK_LEAVE_APPENDIX.removeprefix('Bilaga: ')}” efter kapitlet "
                f"{ReportHeading.BUDGET} och på fliken {OutputSheet.SICK_LEAVE} i "
                f"sammanställningen (sammanstallning_{self.merged.period}.xlsx).")
            where = f"bilagan ”{ReportHeading.SICK_LEAVE_APPENDIX.removeprefix('Bilaga: ')}”"
        else:
            self._sick_leave_table(figures, "Sjukfrånvaro i procent av ordinarie arbetstid")
            where = f"tabell {self.tables}"
        name_cm = _sick_leave_name_cm(figures)
        baselines = baseline_shares(self.register)
        dates = baseline_dates(self.register)
        self.doc.add_heading(ReportHeading.SICK_LEAVE_BASELINE, level=2)
        complete = all_reported(figures)
        self._paragraph(self._baseline_sentence)
        # a row per unit with a baseline of its own: at 300 departments without one, five
        # pages of "saknas" beside figures that table 4 already gives
        compared = figures[figures["department"].map(lambda code: code in baselines)]
        without = [str(name) for code, name in zip(figures["department"], figures["name"],
                                                   strict=True)
                   if code not in baselines and code != WHOLE_ORGAN_CODE]
        if not compared.empty:
            table = self._table(("Enhet", "Basvärde", "Basvärdets datum", "Perioden",
                                 "Förändring (procentenheter)"),
                                (max(5.4, name_cm), 2.2, 2.6, 2.2,
                                 3.6 - max(0.0, name_cm - 5.4)),
                                caption="Total sjukfrånvaro jämfört med basvärdet",
                                numeric=(1, 3, 4), compact=True)
        for row in compared.itertuples():
            base = baselines[row.department]
            shown = row.reported and not row.total_hidden and not pd.isna(row.total)
            current = percent(row.total) if shown else (
                REPORT_HIDDEN if row.total_hidden else REPORT_MISSING)
            comparable = complete or row.department != WHOLE_ORGAN_CODE  # as the workbook
            change = signed(points_change(row.total, base), 1) \
                if shown and comparable else ""
            date = dates.get(row.department)
            cells = self._row(table, (row.name, baseline_text(base),
                                      f"{date:%Y-%m-%d}" if date else "", current, change))
            if row.department == WHOLE_ORGAN_CODE:
                self._bold_row(cells)
        if without:
            departments = len(figures) - 1
            theirs = "deras" if len(without) > 1 else "dess"
            if len(without) == departments and departments > 1:
                lead = (f"Ingen av de {count_word(departments)} avdelningarna har ett eget "
                        f"basvärde i registret")
            else:
                who = (swedish_list(without) if len(without) <= NAMED_WITHOUT_BASELINE else
                       f"{number(len(without), 0)} av {number(departments, 0)} avdelningar")
                lead = f"{who[0].upper()}{who[1:]} har inget eget basvärde i registret"
            self._paragraph(f"{lead}, och jämförs därför inte här; {theirs} sjukfrånvaro står "
                            f"i {where}.", style=REPORT_STYLE_NOTE)
        shown_units, selection = chart_selection(figures, baselines)
        if len(shown_units) <= 1:  # no department with a figure to draw beside the organ
            self._paragraph(
                "Diagrammet över sjukfrånvaron per avdelning visas inte: ingen avdelning har "
                f"en sjukfrånvaro att visa. Värdena finns i {where}.",
                style=REPORT_STYLE_NOTE)
            return
        in_baseline_table = not compared.empty and set(shown_units["department"]) <= set(
            compared["department"])
        table_where = f"tabell {self.tables}" if in_baseline_table and selection is None \
            else where
        if selection is None:
            caption = "Total sjukfrånvaro per avdelning och basvärdet"
        else:
            self._paragraph(
                f"Alla avdelningar ryms inte i ett diagram. Diagrammet visar {self.organ} och "
                f"{selection}; alla avdelningars sjukfrånvaro står i {where}."
            ).paragraph_format.keep_with_next = True  # on the chart's page, not alone
            caption = f"Total sjukfrånvaro och basvärdet för {self.organ} och {selection}"
        self._picture(_sick_leave_chart(shown_units, baselines), caption,
                      sick_leave_chart_text(shown_units, baselines, self.organ, table_where,
                                            selection))

    def _against_previous(self, heading: str, what: str, instead: str = "") -> str | None:
        """A section comparing `what` with the period before: its heading, and the period
        before; None in the year's first period, said in a sentence (with what it is compared
        with `instead`)."""
        earlier = self.register.previous_period(self.merged.period)
        self.doc.add_heading(heading, level=2)
        if earlier is None:
            self._paragraph(
                f"{period_title(self.merged.period)} är {first_period(self.merged.period)}, "
                f"och {what} jämförs därför inte med en föregående period{instead}.")
        return earlier

    def _sick_leave_previous(self) -> None:
        """The total sick leave against the period before, by the workbook's rule: a unit's
        figure of then where it was shown then, the organ's only if every department reported
        then (else it covers fewer departments than the figure that period's workbook showed),
        and the organ's change only when all have reported, then and now. A large organ's
        chapter gives the organ's row; every department's is on the workbook's sheet."""
        earlier = self._against_previous(ReportHeading.SICK_LEAVE_PREVIOUS, "sjukfrånvaron",
                                         ", bara med basvärdet")
        if earlier is None:
            return
        if self.previous is None:
            self._paragraph(
                f"Sjukfrånvaron jämförs inte med föregående period ({earlier}): det finns "
                f"ingen godkänd rapport från den perioden.")
            return
        figures = self._sick_leave_figures
        # the period before as it reported: its departments then, so that its organ's figure
        # is the one its own report gave
        before = sick_leave_table(self.previous.sick_leave,
                                  self.previous.register or self.register)
        complete, before_complete = all_reported(figures), all_reported(before)
        added, gone = department_changes(figures, before)
        compared = previous_comparison(figures, before)  # the workbook's rule and figures
        earlier_end = self.register.period(earlier)["period_end"]
        self._paragraph(
            f"Total sjukfrånvaro till och med {self.period_end:%Y-%m-%d} jämfört med "
            f"föregående period, {earlier} (till och med {earlier_end:%Y-%m-%d}). Båda avser "
            f"tiden från årets början.").paragraph_format.keep_with_next = True  # with its table
        rows = figures[figures["department"] == WHOLE_ORGAN_CODE] if self._large_organ \
            else figures
        then = before.set_index("department")
        table = self._table(("Enhet", f"Föregående period ({earlier})", "Perioden",
                             "Förändring (procentenheter)"),
                            (max(5.4, _sick_leave_name_cm(rows)), 3.4, 2.6, 3.6),
                            caption="Total sjukfrånvaro jämfört med föregående period",
                            numeric=(1, 2, 3), compact=True)
        for row in rows.itertuples():
            organ = row.department == WHOLE_ORGAN_CODE
            shown = row.reported and not row.total_hidden and not pd.isna(row.total)
            current = percent(row.total) if shown else (
                REPORT_HIDDEN if row.total_hidden else REPORT_MISSING)
            was, change = compared.loc[row.Index]
            previous_text = percent(was) if not pd.isna(was) else (
                "" if organ else REPORT_HIDDEN if row.department in then.index
                and then.loc[row.department, "total_hidden"] else REPORT_MISSING)
            cells = self._row(table, (row.name, previous_text, current,
                                      "" if pd.isna(change) else signed(change, 1)))
            if organ:
                self._bold_row(cells)
        notes = []
        if not before_complete:
            notes.append(f"Alla avdelningar rapporterade inte för {earlier}, så den periodens "
                         f"siffra för {self.organ} visas inte och jämförs inte.")
        elif not complete:
            notes.append(f"Förändringen för {self.organ} visas när alla avdelningar har "
                         f"rapporterat: utan en avdelning skulle skillnaden visa en förändring "
                         f"som inte finns.")
        elif added or gone:
            changed = "; ".join(filter(None, (
                WT.NEW_DEPARTMENTS.format(avdelningar=swedish_list(
                    [self._name_then(c) for c in added])) if added else "",
                WT.GONE_DEPARTMENTS.format(avdelningar=swedish_list(
                    [self._name_then(c) for c in gone])) if gone else "")))
            notes.append(f"Avdelningarna är inte desamma som för {earlier} ({changed}), så "
                         f"förändringen för {self.organ} visas inte; siffran för {earlier} "
                         f"är den som rapporterades då.")
        if self._large_organ:
            notes.append(f"Varje avdelnings sjukfrånvaro jämfört med {earlier} står på fliken "
                         f"{OutputSheet.SICK_LEAVE} i sammanställningen.")
        if notes:
            self._paragraph(" ".join(notes), style=REPORT_STYLE_NOTE)

    def _sick_leave_table(self, figures: pd.DataFrame, caption: str) -> None:
        """The seven figures of each unit in `figures` (a sick_leave_table's rows), and the
        notes on its dashes."""
        headers = ("Enhet", *(REPORT_SICK_LEAVE_HEADERS[f] for f in FIGURES))
        name_cm = _sick_leave_name_cm(figures)
        table = self._table(headers, (name_cm, *((16.0 - name_cm) / len(FIGURES),) *
                                      len(FIGURES)),
                            caption=caption,
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
                         f"perioden. Raden för {self.organ} omfattar bara "
                         f"de avdelningar som har rapporterat.")
        if notes:
            self._paragraph(" ".join(notes), style=REPORT_STYLE_NOTE)

        if not any_missing and not all_reported(self._sick_leave_figures) and \
                not figures["department"].ne(WHOLE_ORGAN_CODE).any():
            # the organ's row alone: who it covers
            reported = reported_count(self._sick_leave_figures)
            self._paragraph(
                f"Raden för {self.organ} omfattar bara de {count_word(reported)} av "
                f"{count_word(len(self.register.department_codes))} avdelningar som har "
                f"rapporterat.", style=REPORT_STYLE_NOTE)

    def _sick_leave_appendix(self) -> None:
        """Every department's seven figures, behind the report (a large organ's): what they
        are is said in the chapter, as for the budget's appendix."""
        self.doc.add_page_break()
        self.doc.add_heading(ReportHeading.SICK_LEAVE_APPENDIX, level=1)
        self._sick_leave_table(self._sick_leave_figures,
                               "Sjukfrånvaro per avdelning i procent av ordinarie arbetstid")

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
        date = baseline_dates(self.register).get(WHOLE_ORGAN_CODE)
        name = self.organ
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
        """Budget per department and per category, with the departments' comments. An organ of
        more departments than LARGE_ORGAN gets the organ's totals per category
        first, then the departments whose forecast deviates most from their budget (and their
        comments); every department's table and comments go to an appendix."""
        unit = self.settings.unit
        # rounded as shown before summing, as in the workbook: the totals agree with the rows
        # and with the workbook's
        budget = rounded_lines(self.merged.budget, amount_decimals(unit))
        self.doc.add_heading(ReportHeading.BUDGET, level=1)
        self._paragraph(
            f"Budget, utfall hittills och prognos för helåret i {unit}, som nettokostnad. "
            f"Avvikelsen är budget minus prognos: ett negativt tal betyder att prognosen är "
            f"högre än budgeten.")
        by_department = budget_by_department(budget, self.register)
        by_category = budget_by_category(budget, self.register)
        comments = budget[budget["comment"].map(lambda c: bool(plain(c)))]
        if not self._large_organ:
            incomplete = False
            for heading, frame, key in (
                    (ReportHeading.BUDGET_BY_DEPARTMENT, by_department, "department"),
                    (ReportHeading.BUDGET_BY_CATEGORY, by_category, "category")):
                self.doc.add_heading(heading, level=2)
                incomplete = self._budget_table(
                    frame, key, f"Ekonomi {heading.lower()} ({unit})") or incomplete
            if incomplete:
                self._budget_missing_note()
            if not comments.empty:
                self._budget_comments(comments, "Avdelningarnas kommentarer till ekonomin:",
                                      "Kommentarer till ekonomin")
            return
        self.doc.add_heading(ReportHeading.BUDGET_BY_CATEGORY, level=2)
        incomplete = self._budget_table(by_category, "category",
                                        f"Ekonomi för hela {self.organ} per kategori ({unit})")
        departments = by_department[by_department["department"] != WHOLE_ORGAN_CODE]
        deviations = departments["deviation"].dropna()
        over = deviations[deviations < 0]
        of = count_word(len(departments))
        sentence = (f"Prognosen för helåret är högre än budgeten för {count_word(len(over))} av "
                    f"{of} avdelningar, sammanlagt "
                    f"{amount(-over.sum(), unit, amount_decimals(unit))} över budgeten." if len(over) else
                    f"Prognosen för helåret är inte högre än budgeten för någon av de {of} "
                    f"avdelningarna.")
        unreported = len(departments) - len(deviations)
        if unreported:
            sentence += (f" För {count_word(unreported)} "
                         f"{'avdelning' if unreported == 1 else 'avdelningar'} saknas hela "
                         f"eller delar av prognosen.")
        self._paragraph(sentence)
        if incomplete:
            self._budget_missing_note()
        largest = departments.loc[deviations.abs().sort_values(
            ascending=False, kind="stable").index[:BUDGET_LARGEST_DEVIATIONS]]
        if not largest.empty:
            self.doc.add_heading(ReportHeading.BUDGET_LARGEST, level=2)
            shown = count_word(len(largest))
            self._paragraph(
                f"Tabellen visar de {shown} avdelningar vars prognos avviker mest från "
                f"budgeten, uppåt eller nedåt. Alla {count_word(len(departments))} avdelningars "
                f"budget, utfall och prognos, och alla kommentarer, står i bilagan sist i "
                f"rapporten och på fliken {OutputSheet.BUDGET} i sammanställningen "
                f"(sammanstallning_{self.merged.period}.xlsx).")
            self._budget_table(largest, "department",
                               f"De {shown} största avvikelserna per avdelning ({unit})")
            rank = {code: place for place, code in enumerate(largest["department"])}
            theirs = comments[comments["department"].isin(set(rank))].sort_values(
                "department", key=lambda codes: codes.map(rank), kind="stable")
            if not theirs.empty:
                self._budget_comments(theirs, "Dessa avdelningars kommentarer till ekonomin:",
                                      "Kommentarer till de största avvikelserna")

    def _budget_previous(self) -> None:
        """The forecast against the period before's (T2, T3), by the workbook's rule
        (figures.budget_against_previous): how the organ's total moved, the departments whose
        forecast rose most, and a table of every department's (a large organ's: the largest
        rises; every department's is on the workbook's Ekonomi)."""
        earlier = self._against_previous(ReportHeading.BUDGET_PREVIOUS, "prognosen")
        if earlier is None:
            return
        compared = self._budget_compared
        if compared is None:
            self._paragraph(
                f"Prognosen jämförs inte med föregående period ({earlier}): det finns ingen "
                f"godkänd rapport från den perioden.")
            return
        unit, decimals = self.settings.unit, amount_decimals(self.settings.unit)
        by_department = compared.by_department
        departments = by_department[by_department["department"] != WHOLE_ORGAN_CODE]
        self._paragraph(self._forecast_moved(by_department, earlier))
        if self._large_organ:
            rows = worsened_most(departments, BUDGET_LARGEST_DEVIATIONS)
            if rows.empty:
                return
            shown = count_word(len(rows))
            caption = (f"De {shown} största ökningarna av prognosen sedan {earlier} ({unit})"
                       if len(rows) > 1 else f"Ökningen av prognosen sedan {earlier} ({unit})")
        else:
            # with a row for a department taken out of the register since: the rows add up
            # to the total of then, which holds its forecast of then
            rows = compared.table("department")
            caption = f"Prognos helår per avdelning jämfört med {earlier} ({unit})"
        table = self._table(("Avdelning", f"Prognos helår {earlier}",
                             f"Prognos helår {self.merged.period}",
                             "Förändring"), (7.0, 3.0, 3.0, 3.0), caption=caption,
                            numeric=(1, 2, 3))
        for row in rows.to_dict("records"):
            total = row["department"] == WHOLE_ORGAN_CODE
            then, now = row["previous_forecast"], row["forecast"]
            if row.get("gone"):  # its forecast of then, nothing now, marked as gone
                cells = self._row(table, (
                    f"{self._name_then(row['department'])} ({GONE_FROM_REGISTER})",
                    REPORT_MISSING if pd.isna(then) else number(then, decimals), "", ""))
                _italic_row(cells)
                continue
            # like with like, both ways: a period's sum only where it covers every department
            # (this period's sum of four beside the five of then read as a fall)
            cells = self._row(table, (
                REPORT_TOTAL if total else self.names.get(row["department"], row["department"]),
                ("" if total else REPORT_MISSING) if pd.isna(then) else number(then, decimals),
                "" if total and not row["complete"] else
                REPORT_MISSING if pd.isna(now) else number(now, decimals),
                "" if pd.isna(row["change_forecast"]) else signed(row["change_forecast"],
                                                                  decimals)))
            if total:
                self._bold_row(cells)
        notes = [f"Förändring = prognosen nu minus prognosen för {earlier}; ett positivt tal "
                 f"betyder att prognosen har ökat, alltså högre kostnad."]
        if rows["previous_forecast"].isna().any() or rows["change_forecast"].isna().any():
            notes.append(f"{REPORT_MISSING.capitalize()} = ingen prognos för perioden. "
                         f"Summan för en period visas bara när alla avdelningar har en prognos "
                         f"för den, och förändringen bara när alla har en prognos både då och "
                         f"nu.")
        notes.extend(self._lines_changed_notes(compared, earlier))
        if self._large_organ:
            notes.append(f"Varje avdelnings prognos jämförd med {earlier} står på fliken "
                         f"{OutputSheet.BUDGET} i sammanställningen.")
        self._paragraph(" ".join(notes), style=REPORT_STYLE_NOTE)

    def _name_then(self, code: object) -> str:
        """A department's name, or for one taken out of the register since the period before,
        its name in the register that period was read against."""
        then = self.previous.register if self.previous is not None else None
        if isinstance(code, str) and code not in self.names and then is not None:
            return then.department_names.get(code, code)
        return self.names.get(code, str(code)) if isinstance(code, str) else str(code)

    def _changed_lines(self, compared: BudgetComparison) -> str:
        """The budget lines added to the register since the period before and those gone
        from it (with their forecast of then), as a list."""
        unit, decimals = self.settings.unit, amount_decimals(self.settings.unit)
        added = compared.lines[compared.lines["new_line"]]
        parts = []
        if not added.empty:
            parts.append(WT.NEW_LINES.format(rader=swedish_list([
                f"{self._name_then(row.department)}, {row.category}"
                for row in added.itertuples()])))
        if not compared.gone.empty:
            parts.append(WT.GONE_LINES.format(rader=swedish_list([
                f"{self._name_then(row.department)}, {row.category}"
                + ("" if pd.isna(row.previous_forecast) else
                   f" ({amount(row.previous_forecast, unit, decimals)})")
                for row in compared.gone.itertuples()])))
        return "; ".join(parts)

    def _lines_changed_notes(self, compared: BudgetComparison, earlier: str) -> list[str]:
        """What the table's notes say of budget lines added or removed since the period
        before: the period's figures of then are its own (a removed line's forecast stays in
        them), and a total whose lines changed has no change."""
        if not compared.by_department["lines_changed"].any():
            return []
        changed = self._changed_lines(compared)
        return [f"Registrets budgetrader har ändrats sedan {earlier} ({changed}). "
                f"Prognosen för {earlier} är den som rapporterades då, med de rader som "
                f"fanns då; en förändring visas bara där raderna är desamma då och nu."]

    def forecast_against_previous(self) -> str | None:
        """How the forecast moved since the period before (the organ's, and the departments'
        whose rose most), as the budget chapter says it; None when there is nothing to compare
        with (the year's first period, or nothing counted then). The decision memo's too."""
        earlier = self.register.previous_period(self.merged.period)
        compared = self._budget_compared
        if earlier is None or compared is None:
            return None
        return self._forecast_moved(compared.by_department, earlier)

    @functools.cached_property
    def _budget_compared(self) -> BudgetComparison | None:
        """The budget against the period before's (None without it), as the workbook's."""
        return budget_against_previous(
            self.merged.budget, None if self.previous is None else self.previous.budget,
            self.register)

    def _forecast_moved(self, by_department: pd.DataFrame, earlier: str) -> str:
        departments = by_department[by_department["department"] != WHOLE_ORGAN_CODE]
        organ = by_department[by_department["department"] == WHOLE_ORGAN_CODE].iloc[0]
        return " ".join((self._organ_forecast_sentence(organ, earlier, len(departments)),
                         self._worsened_sentence(departments, earlier)))

    def _organ_forecast_sentence(self, organ: pd.Series, earlier: str, budgeted: int) -> str:
        """How the organ's forecast for the year moved since the period before, or why it is
        not compared (like with like: figures.forecast_change_totals); `budgeted`: the
        departments with a budget line."""
        unit, decimals = self.settings.unit, amount_decimals(self.settings.unit)
        then, change = organ["previous_forecast"], organ["change_forecast"]
        if not pd.isna(change):
            now = (f"Prognosen för helåret för {self.organ} är "
                   f"{amount(organ['forecast'], unit, decimals)}")
            if change == 0:
                return f"{now}, samma som vid föregående period, {earlier}."
            return (f"{now}, {amount(abs(change), unit, decimals)} "
                    f"{'högre' if change > 0 else 'lägre'} än vid föregående period, "
                    f"{earlier} ({amount(then, unit, decimals)}).")
        if not pd.isna(then) and organ["lines_changed"]:
            return (f"Prognosen för helåret för {self.organ} var {amount(then, unit, decimals)} "
                    f"vid föregående period, {earlier}. Förändringen visas inte: registrets "
                    f"budgetrader är inte desamma som då.")
        if pd.isna(then):
            silent = set(organ["previous_missing"])
            # a department taken out of the register since is named too, by its name then (it
            # was left out, and the sentence read "jämförs inte med 2024-T1:  hade ingen …")
            gone = [c for c in self.register.department_codes if c in silent]
            taken_out = sorted((c for c in silent if c not in self.register.department_codes),
                               key=str)
            if len(gone) == budgeted > 1 and not taken_out:
                return (f"Prognosen för {self.organ} jämförs inte med {earlier}: ingen av de "
                        f"{count_word(len(gone))} avdelningarna hade en prognos då.")
            if len(gone) == budgeted == 1 and not taken_out:  # the only one: it is no part
                return (f"Prognosen för {self.organ} jämförs inte med {earlier}: "
                        f"{self._name_then(gone[0])} hade ingen prognos då.")
            gone += taken_out
            who = (swedish_list([self._name_then(c) for c in gone])
                   if len(gone) <= NAMED_WITHOUT_FORECAST else
                   f"{count_word(len(gone))} avdelningar")
            return (f"Prognosen för {self.organ} som helhet jämförs inte med {earlier}: {who} "
                    f"hade ingen prognos då, så den periodens summa omfattar inte alla.")
        return (f"Prognosen för helåret för {self.organ} var {amount(then, unit, decimals)} "
                f"vid föregående period, {earlier}. Förändringen visas när alla avdelningar "
                f"har rapporterat: utan en avdelning skulle skillnaden visa en förändring som "
                f"inte finns.")

    def _worsened_sentence(self, departments: pd.DataFrame, earlier: str) -> str:
        """The departments whose forecast rose most since the period before, named."""
        unit, decimals = self.settings.unit, amount_decimals(self.settings.unit)
        comparable = departments["change_forecast"].notna()
        risen = worsened_most(departments, len(departments))
        if not comparable.any():
            return f"Ingen avdelnings prognos kan jämföras med {earlier}."
        if risen.empty:
            return f"Ingen avdelnings prognos har ökat sedan {earlier}."
        named = swedish_list([
            f"{self.names.get(row.department, row.department)} "
            f"({amount(row.change_forecast, unit, decimals, sign=True)})"
            for row in risen.head(BUDGET_WORSENED_NAMED).itertuples()])
        count = len(risen)
        of = int(comparable.sum())
        which = "" if of == len(departments) else " vars prognos kan jämföras"
        if count == 1:
            # one of those that can be compared, said as the other counts say it: "för en
            # avdelning" alone read as one of all the organ's
            among = ("en avdelning" if not which else
                     f"den enda avdelning{which}" if of == 1 else
                     f"en av de {count_word(of)} avdelningar{which}")
            return f"Prognosen har ökat sedan {earlier} för {among}: {named}."
        among = f"{count_word(of)} avdelningar{which}"
        # all of them: "för alla fyra avdelningar", not "för fyra av de fyra avdelningar";
        # two: "för båda avdelningarna", not "för alla två avdelningar"
        if count == of == 2:
            share, among = "båda", f"avdelningarna{which}"
        else:
            share = "alla" if count == of else \
                f"{count_word(count)} av" + ("" if of == len(departments) else " de")
        return (f"Prognosen har ökat sedan {earlier} för {share} {among}"
                f"{', mest för ' if count > BUDGET_WORSENED_NAMED else ': '}{named}.")

    @functools.cached_property
    def _large_organ(self) -> bool:
        return len(self.register.department_codes) > LARGE_ORGAN

    def _budget_appendix(self) -> None:
        """Every department's budget line and comment, behind the report (a large organ's)."""
        unit = self.settings.unit
        budget = rounded_lines(self.merged.budget, amount_decimals(unit))
        self.doc.add_page_break()
        self.doc.add_heading(ReportHeading.BUDGET_APPENDIX, level=1)
        if self._budget_table(budget_by_department(budget, self.register), "department",
                              f"Ekonomi per avdelning ({unit})"):
            self._budget_missing_note()
        comments = budget[budget["comment"].map(lambda c: bool(plain(c)))]
        if not comments.empty:
            self._budget_comments(comments, "Avdelningarnas kommentarer till ekonomin:",
                                  "Kommentarer till ekonomin")

    def _budget_table(self, frame: pd.DataFrame, key: str, caption: str) -> bool:
        """A budget table (per department or per category, with its Totalt row if the frame
        has one); whether some line in it was not reported."""
        decimals = amount_decimals(self.settings.unit)
        label = "Avdelning" if key == "department" else "Kategori"
        table = self._table((label, "Budget", "Utfall hittills", "Prognos helår", "Avvikelse"),
                            (5.6, 2.6, 2.6, 2.6, 2.6), caption=caption, numeric=(1, 2, 3, 4))
        incomplete = False
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
        return incomplete

    def _budget_missing_note(self) -> None:
        self._paragraph(
            f"{REPORT_MISSING} = uppgiften har inte rapporterats. Summorna av utfall och "
            f"prognos omfattar bara det som har rapporterats, och avvikelsen visas bara där "
            f"alla har rapporterat.", style=REPORT_STYLE_NOTE)

    def _budget_comments(self, comments: pd.DataFrame, lead_text: str, caption: str) -> None:
        lead = self._paragraph(lead_text)
        lead.paragraph_format.keep_with_next = True  # not left alone at a page's foot
        departments = [self.names.get(code, code) for code in comments["department"]]
        categories = comments["category"].astype(str).tolist()
        # name and category whole (they were broken inside "Samhällsbyggnadsavdelningen"
        # and "Affärsverksamhet"), the comment gets what is left of 16 cm
        name_cm = max(5.0, _longest_word_cm(departments))
        category_cm = max(3.0, _longest_word_cm(categories))
        table = self._table(("Avdelning", "Kategori", "Kommentar"),
                            (name_cm, category_cm, max(6.0, 16.0 - name_cm - category_cm)),
                            caption=caption)
        for name, category, row in zip(departments, categories, comments.itertuples(),
                                       strict=True):
            self._row(table, (name, category, plain(row.comment)))


GONE_FROM_REGISTER = "borttagen ur registret"  # as the note on changed budget lines says


def _italic_row(cells: Sequence[Any]) -> None:
    for cell in cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.italic = True


def _keep_with_next(elements: Iterable[Any]) -> None:
    """A goal's assessment, analysis and notes kept with its activity table: at a page's foot
    they were parted from it, and the next page began with a table of no goal's name."""
    for element in elements:
        if element.tag == qn("w:p"):
            element.get_or_add_pPr().keepNext_val = True


def _deviates(report: dict[str, Any]) -> bool:
    """A department's answer report_activities = "deviations" lists: a status off plan (or
    none), or one on plan with a flag the table shows (an end date passed, worse than the
    period before, done long before its end date)."""
    return report["status"] not in ON_PLAN or any(f in report["flags"] for f in SHOWN_FLAGS)


def _on_plan_sentence(on_plan: int, total: int) -> str:
    """What report_activities = "deviations" says of a goal's activities left out of its
    table: after the table, or instead of it when none deviates."""
    where = f"alla aktiviteter står på fliken {OutputSheet.ACTIVITIES} i sammanställningen."

    if on_plan == total:
        if total == 1:
            return f"Målets enda aktivitet pågår eller är avslutad enligt plan; {where}"
        return (f"Målets {count_word(total)} aktiviteter pågår eller är avslutade enligt plan; "
                f"{where}")
    if on_plan == 0:
        return "Ingen av målets aktiviteter pågår eller är avslutad enligt plan."
    if on_plan == 1:
        return f"Därutöver finns en aktivitet som pågår eller är avslutad enligt plan; {where}"
    return (f"Därutöver finns {count_word(on_plan)} aktiviteter som pågår eller är avslutade "
            f"enligt plan; {where}")


def _longest_word_cm(texts: Iterable[str], *, compact: bool = False) -> float:
    """How wide (cm, at a 16 cm text width) a 9 pt table column (8 pt with narrow margins if
    `compact`) must be to hold the longest word of `texts` on one line, with the margins."""
    longest = max((len(word) for text in texts for word in str(text).split()), default=0)
    return longest * 0.165 + 0.25 if compact else longest * 0.19 + 0.45


def _sick_leave_name_cm(figures: pd.DataFrame) -> float:
    """The sick-leave tables' name column (cm, at a 16 cm text width): a name's longest word
    whole ("Samhällsbyggnadsförvaltninge / n" at a fixed 4.8 cm); the seven figures share
    what is left of 16 cm."""
    return min(16.0 - FIGURE_MIN_CM * len(FIGURES),
               max(4.8, _longest_word_cm(figures["name"].astype(str), compact=True)))


def _reporting_departments(merged: Merged) -> set[str]:
    activities = merged.activities
    reported = set(activities.loc[activities["flags"].map(lambda f: Flag.NOT_REPORTED not in f),
                                  "department"])
    reported |= set(merged.sick_leave["department"])
    reported |= set(merged.goals.loc[merged.goals["reported"].astype(bool), "owner"])
    reported |= set(merged.budget.loc[merged.budget["forecast"].notna(), "department"])
    return reported
