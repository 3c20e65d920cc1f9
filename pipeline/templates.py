"""Register + period → one Excel template per department (xlsxwriter).

Prefilled columns are locked, input columns are open and carry dropdowns or validation with
Swedish input and error messages. The department, period and template version live on the
very hidden, protected sheet `_meta`: file names are not to be trusted.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .atomic import atomic_write
from .labels import (
    AGE_GROUPS,
    ASSESSMENT_MEANING,
    ASSESSMENT_STYLE,
    OWN_ACTIVITY_INPUT_COLUMNS,
    OWN_ACTIVITY_ROWS,
    SEXES,
    STATUS_MEANING,
    TEMPLATE_COLUMNS,
    TEMPLATE_VERSION,
    Assessment,
    MetaKey,
    Status,
    TemplateSheet,
)
from .normalize import excel_column
from .register import Register

COMMENT_MAX = 2000
ANALYSIS_MAX = 4000
T = TemplateSheet

# _meta: key/value pairs in A:B, dropdown lists in columns D, E, F.
META_LIST_COLUMNS = {"status": "D", "assessment": "E", "goal": "F"}

WIDTHS = {
    T.ACTIVITIES: {"activity_id": 12, "ks_ids": 10, "title": 48, "start": 12, "end": 12,
                   "previous_status": 16, "previous_comment": 36, "status": 22,
                   "comment": 50},
    T.ASSESSMENTS: {"ks_id": 10, "title": 52, "suggestion": 16, "assessment": 18,
                    "analysis": 80},
    T.SICK_LEAVE: {"sex": 10, "age_group": 18, "employees": 14, "ordinary_hours": 18,
                   "sick_hours": 16, "long_term_hours": 22},
    T.BUDGET: {"category": 20, "budget": 12, "outcome": 14, "forecast": 14,
               "deviation": 12, "comment": 60},
}


@dataclass
class History:
    """What the nightly run knows from the previous period (the seam the merge fills in).

    activities: one row per (department, activity_id) reported in the previous period, with
    columns department, activity_id, ks_ids (tuple), title, start, end, status, comment, own
    (True for activities a department added itself; those reappear prefilled).
    suggestions: ks_id → suggested assessment text for Målbedömning's Förslag.
    """

    period: str | None = None
    activities: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["department", "activity_id", "ks_ids", "title", "start", "end", "status",
                 "comment", "own"]))
    suggestions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TemplateRow:
    activity_id: str
    ks_ids: str
    title: str
    start: dt.date | None
    end: dt.date | None
    previous_status: str
    previous_comment: str


def template_name(department: str, period: str) -> str:
    return f"{department}_{period}_mall.xlsx"


def department_rows(register: Register, department: str,
                    history: History | None) -> list[TemplateRow]:
    """The activities a department reports on: the register's and its own earlier ones."""
    previous: dict[str, pd.Series] = {}
    own: list[pd.Series] = []
    if history is not None and not history.activities.empty:
        mine = history.activities[history.activities["department"] == department]
        for _, row in mine.iterrows():
            previous[row["activity_id"]] = row
            if row["own"]:
                own.append(row)

    def prev(activity_id: str, key: str) -> str:
        row = previous.get(activity_id)
        value = None if row is None else row.get(key)
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(
            value)

    rows = [
        TemplateRow(a.activity_id, "; ".join(a.ks_ids), a.title, a.start, a.end,
                    prev(a.activity_id, "status"), prev(a.activity_id, "comment"))
        for a in register.activities_for(department).itertuples()
    ]
    for row in own:
        ks = row["ks_ids"]
        rows.append(TemplateRow(row["activity_id"], "; ".join(ks) if isinstance(ks, tuple)
                                else str(ks), row["title"], row["start"], row["end"],
                                prev(row["activity_id"], "status"),
                                prev(row["activity_id"], "comment")))
    return rows


def write_templates(register: Register, period: str, out_dir: Path,
                    departments: Sequence[str] | None = None, history: History | None = None,
                    created: dt.date | None = None) -> list[Path]:
    register.period(period)  # raises UnknownPeriod with a Swedish message
    codes = list(departments) if departments else register.department_codes
    unknown = [c for c in codes if c not in register.department_codes]
    if unknown:
        from .errors import PipelineError

        raise PipelineError(
            f"Avdelningskoden {', '.join(unknown)} finns inte i registret. Välj bland: "
            f"{', '.join(register.department_codes)}."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for code in codes:
        path = out_dir / template_name(code, period)
        with atomic_write(path) as tmp:
            build_template(register, period, code, tmp, history=history, created=created)
        paths.append(path)
    return paths


# Number formats in Swedish whatever the reader's locale ([$-41D]: space between thousands,
# decimal comma, as the consolidated workbook has them).
HOURS_FORMAT = "[$-41D]#,##0.0"
AMOUNT_FORMATS = {"mnkr": '[$-41D]#,##0.0;"−"#,##0.0', "tkr": '[$-41D]#,##0;"−"#,##0'}


# The template's cell colours; the feedback copy (publish/feedback.py) puts them back where
# it has marked a cell before.
# white header text on them has 8.6 and 4.9 to 1 (WCAG AA asks 4.5; the orange was
# C65911, 4.3 to 1)
HEADER_COLOUR, INPUT_HEADER_COLOUR = "#1F4E78", "#B8520F"
INPUT_COLOUR, LOCKED_COLOUR = "#FFF2CC", "#EDEDED"


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook, unit: str):
        amount = AMOUNT_FORMATS[unit]  # the register allows these units only
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top", "text_wrap": True}
        grey, yellow = LOCKED_COLOUR, INPUT_COLOUR
        border = {"border": 1, "border_color": "#BFBFBF"}
        self.header = book.add_format({**base, "bold": True, "bg_color": HEADER_COLOUR,
                                       "font_color": "#FFFFFF", **border, "locked": True})
        self.header_input = book.add_format({**base, "bold": True,
                                             "bg_color": INPUT_HEADER_COLOUR,
                                             "font_color": "#FFFFFF", **border})
        self.locked = book.add_format({**base, "bg_color": grey, **border})
        self.locked_date = book.add_format({**base, "bg_color": grey, **border,
                                            "num_format": "yyyy-mm-dd"})
        self.locked_amount = book.add_format({**base, "bg_color": grey, **border,
                                              "num_format": amount})
        self.input = book.add_format({**base, "bg_color": yellow, **border, "locked": False})
        self.input_date = book.add_format({**base, "bg_color": yellow, **border,
                                           "locked": False, "num_format": "yyyy-mm-dd"})
        self.input_hours = book.add_format({**base, "bg_color": yellow, **border,
                                            "locked": False, "num_format": HOURS_FORMAT})
        self.input_amount = book.add_format({**base, "bg_color": yellow, **border,
                                             "locked": False, "num_format": amount})
        self.input_integer = book.add_format({**base, "bg_color": yellow, **border,
                                              "locked": False, "num_format": "0"})
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78",
                                      "valign": "top"})
        self.line = book.add_format({"valign": "top"})  # one line, over the empty cells
        self.subtitle = book.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.strong = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.deadline = book.add_format({"bold": True, "font_size": 12, "font_color": "#C00000"})
        # the symbol in black on its colour, as in the workbook and the report (a light green
        # or orange symbol on white had 1.9 and 2.1 to 1)
        self.assessment = {
            a: book.add_format({"bold": True, "bg_color": colour, "valign": "top"})
            for a, (_, colour) in ASSESSMENT_STYLE.items()
        }
        self.example_input = book.add_format({"bg_color": yellow, "border": 1,
                                              "border_color": "#BFBFBF"})
        self.example_locked = book.add_format({"bg_color": grey, "border": 1,
                                               "border_color": "#BFBFBF"})


def build_template(register: Register, period: str, department: str, path: Path | str,
                   history: History | None = None, created: dt.date | None = None) -> None:
    period_row = register.period(period)
    settings = register.settings
    name = register.department_names[department]
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False,
                                           "strings_to_numbers": False})
    created = created or dt.date.today()
    book.set_properties({
        "title": f"Måluppföljning {period} – {name}",
        "subject": f"{settings.municipality}, {settings.organ}",
        "author": "Målsystem",
        "created": dt.datetime.combine(created, dt.time()),
    })
    fmt = _Formats(book, settings.unit)
    header_text = page_header(f"{settings.municipality} – {settings.organ}",
                              f"{name}: måluppföljning {period}", "Sida &P av &N")

    rows = department_rows(register, department, history)
    goals = register.goals_owned_by(department)
    budget = register.budget_for(department)

    instructions = book.add_worksheet(T.INSTRUCTIONS)
    _write_instructions(instructions, fmt, register, period, department, name,
                        period_row["deadline"], period_row["period_end"], len(rows),
                        len(goals), len(budget))
    _write_activities(book.add_worksheet(T.ACTIVITIES), fmt, rows, len(register.goal_ids),
                      header_text)
    _write_assessments(book.add_worksheet(T.ASSESSMENTS), fmt, goals,
                       history.suggestions if history else {}, header_text)
    _write_sick_leave(book.add_worksheet(T.SICK_LEAVE), fmt, header_text)
    _write_budget(book.add_worksheet(T.BUDGET), fmt, budget, settings.unit, header_text)
    _write_meta(book.add_worksheet(T.META), register, period, department, name, created, rows)
    instructions.activate()
    book.close()


# Excel keeps no more of a page header, in UTF-16 code units; xlsxwriter drops a longer one
# whole, with a warning on stderr (the night's cron mail).
HEADER_LIMIT = 255


def page_header(left: str, centre: str, right: str) -> str:
    """A page header (xlsxwriter's `set_header`) of the texts `left` and `centre`, printed as
    typed, and `right`, a header code such as "Sida &P av &N". In a header "&" starts a code
    (&8 a font size, &K a colour), so "Bygg & Miljö" is written "&&". A header too long for
    Excel has its longer text cut short with "…" rather than lost."""
    texts = [left, centre]
    while True:
        header = "&L{}&C{}&R{}".format(*(t.replace("&", "&&") for t in texts), right)
        excess = len(header.encode("utf-16-le")) // 2 - HEADER_LIMIT
        longer = 0 if len(texts[0]) >= len(texts[1]) else 1
        if excess <= 0 or len(texts[longer]) <= 1:
            return header
        kept = texts[longer][:max(len(texts[longer]) - excess - 1, 0)]
        texts[longer] = kept.rstrip() + "…"


# --- sheets ----------------------------------------------------------------------------------

def _setup(sheet: Worksheet, sheet_name: str, fmt: _Formats, header_text: str,
           inputs: Iterable[str]) -> dict[str, int]:
    columns = TEMPLATE_COLUMNS[sheet_name]
    index = {english: i for i, english in enumerate(columns.values())}
    inputs = set(inputs)
    for swedish, english in columns.items():
        i = index[english]
        sheet.write_string(0, i, swedish, fmt.header_input if english in inputs else fmt.header)
        sheet.set_column(i, i, WIDTHS[sheet_name][english])
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.6)
    sheet.set_header(header_text)
    sheet.hide_gridlines(0)
    sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True,
                       "sort": False})
    return index


def _height(texts: Iterable[tuple[str, float]]) -> float:
    """A row height that shows wrapped text whole (LibreOffice and Excel keep explicit heights)."""
    lines = 1
    for text, width in texts:
        per_line = max(1.0, width * 1.15)
        count = sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))
        lines = max(lines, count)
    return min(409.0, 15.0 * lines + 3)


def _write_activities(sheet: Worksheet, fmt: _Formats, rows: list[TemplateRow],
                      n_goals: int, header_text: str) -> None:
    idx = _setup(sheet, T.ACTIVITIES, fmt, header_text, ("status", "comment"))
    widths = WIDTHS[T.ACTIVITIES]
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, idx["activity_id"], row.activity_id, fmt.locked)
        sheet.write_string(r, idx["ks_ids"], row.ks_ids, fmt.locked)
        sheet.write_string(r, idx["title"], row.title, fmt.locked)
        for key in ("start", "end"):
            value = getattr(row, key)
            if isinstance(value, dt.date):
                sheet.write_datetime(r, idx[key], dt.datetime.combine(value, dt.time()),
                                     fmt.locked_date)
            else:
                sheet.write_blank(r, idx[key], None, fmt.locked_date)
        sheet.write_string(r, idx["previous_status"], row.previous_status, fmt.locked)
        sheet.write_string(r, idx["previous_comment"], row.previous_comment, fmt.locked)
        sheet.write_blank(r, idx["status"], None, fmt.input)
        sheet.write_blank(r, idx["comment"], None, fmt.input)
        sheet.set_row(r, _height([(row.title, widths["title"]),
                                  (row.previous_comment, widths["previous_comment"]),
                                  ("x" * 60, widths["comment"])]))
    first_own, last = len(rows) + 1, len(rows) + OWN_ACTIVITY_ROWS
    for r in range(first_own, last + 1):
        for english, i in idx.items():
            if english in ("start", "end"):
                sheet.write_blank(r, i, None, fmt.input_date)
            elif english in OWN_ACTIVITY_INPUT_COLUMNS:
                sheet.write_blank(r, i, None, fmt.input)
            else:
                sheet.write_blank(r, i, None, fmt.locked)
        sheet.set_row(r, 33)
    sheet.autofilter(0, 0, last, len(idx) - 1)
    _list_validation(sheet, 1, idx["status"], last, "status", len(Status), "Status",
                     "Välj aktivitetens status i listan. Betydelsen står på fliken Instruktioner.",
                     "Välj en status i listan.")
    _list_validation(sheet, first_own, idx["ks_ids"], last, "goal", n_goals, "KS-mål-id",
                     "Välj vilket KS-mål den nya aktiviteten leder mot.",
                     "Välj ett KS-mål-id i listan.")
    for key, title in (("start", "Startdatum"), ("end", "Slutdatum")):
        sheet.data_validation(first_own, idx[key], last, idx[key], {
            "validate": "date", "criteria": "between",
            "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2100, 12, 31),
            "input_title": title, "input_message": "Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2024-03-31.",
            "error_title": "Datum", "error_message": "Skriv ett datum som ÅÅÅÅ-MM-DD.",
        })
    _length_validation(sheet, 1, idx["comment"], last, COMMENT_MAX, "Kommentar",
                       "Beskriv kort vad som hänt under perioden, särskilt vid avvikelse.")
    _length_validation(sheet, first_own, idx["title"], last, 500, "Aktivitet",
                       "Beskriv den nya aktiviteten med en mening.")


def _write_assessments(sheet: Worksheet, fmt: _Formats, goals: pd.DataFrame,
                       suggestions: dict[str, str], header_text: str) -> None:
    idx = _setup(sheet, T.ASSESSMENTS, fmt, header_text, ("assessment", "analysis"))
    widths = WIDTHS[T.ASSESSMENTS]
    for r, goal in enumerate(goals.itertuples(), start=1):
        sheet.write_string(r, idx["ks_id"], goal.ks_id, fmt.locked)
        sheet.write_string(r, idx["title"], goal.title, fmt.locked)
        sheet.write_string(r, idx["suggestion"], suggestions.get(goal.ks_id, ""), fmt.locked)
        sheet.write_blank(r, idx["assessment"], None, fmt.input)
        sheet.write_blank(r, idx["analysis"], None, fmt.input)
        sheet.set_row(r, max(75.0, _height([(goal.title, widths["title"])])))
    last = max(1, len(goals))
    _list_validation(sheet, 1, idx["assessment"], last, "assessment", len(Assessment),
                     "Bedömning",
                     "Välj hur väl målet är uppfyllt. Betydelsen står på fliken Instruktioner.",
                     "Välj en bedömning i listan.")
    _length_validation(sheet, 1, idx["analysis"], last, ANALYSIS_MAX, "Analys",
                       "Förklara bedömningen: vad har gjorts och vad visar resultatet?")


def _write_sick_leave(sheet: Worksheet, fmt: _Formats, header_text: str) -> None:
    idx = _setup(sheet, T.SICK_LEAVE, fmt, header_text,
                 ("employees", "ordinary_hours", "sick_hours", "long_term_hours"))
    r = 0
    for sex in SEXES:
        for age in AGE_GROUPS:
            r += 1
            sheet.write_string(r, idx["sex"], sex, fmt.locked)
            sheet.write_string(r, idx["age_group"], age, fmt.locked)
            sheet.write_blank(r, idx["employees"], None, fmt.input_integer)
            for key in ("ordinary_hours", "sick_hours", "long_term_hours"):
                sheet.write_blank(r, idx[key], None, fmt.input_hours)
    sheet.data_validation(1, idx["employees"], r, idx["employees"], {
        "validate": "integer", "criteria": ">=", "value": 0,
        "input_title": "Antal anställda",
        "input_message": "Antal anställda i gruppen vid periodens slut (heltal).",
        "error_title": "Antal anställda", "error_message": "Skriv ett heltal, 0 eller mer.",
    })
    # the same span as Instruktioner says: the year so far, not the tertial alone
    messages = {
        "ordinary_hours": "Summa ordinarie (avtalad) arbetstid i timmar, från årets början "
                          "till periodens slut.",
        "sick_hours": "Summa sjukfrånvaro i timmar, från årets början till periodens slut.",
        "long_term_hours": "Den del av sjukfrånvaron som ingår i sjukperioder på 60 dagar "
                           "eller mer, i timmar, från årets början till periodens slut.",
    }
    for key, message in messages.items():
        sheet.data_validation(1, idx[key], r, idx[key], {
            "validate": "decimal", "criteria": ">=", "value": 0,
            "input_title": "Timmar", "input_message": message,
            "error_title": "Timmar", "error_message": "Skriv antal timmar, 0 eller mer.",
        })


def _write_budget(sheet: Worksheet, fmt: _Formats, budget: pd.DataFrame, unit: str,
                  header_text: str) -> None:
    idx = _setup(sheet, T.BUDGET, fmt, header_text, ("outcome", "forecast", "comment"))
    for r, line in enumerate(budget.itertuples(), start=1):
        sheet.write_string(r, idx["category"], line.category, fmt.locked)
        sheet.write_number(r, idx["budget"], float(line.budget), fmt.locked_amount)
        sheet.write_blank(r, idx["outcome"], None, fmt.input_amount)
        sheet.write_blank(r, idx["forecast"], None, fmt.input_amount)
        budget_cell = f"{excel_column(idx['budget'])}{r + 1}"
        forecast_cell = f"{excel_column(idx['forecast'])}{r + 1}"
        sheet.write_formula(r, idx["deviation"],
                            f'=IF({forecast_cell}="","",{budget_cell}-{forecast_cell})',
                            fmt.locked_amount, "")
        sheet.write_blank(r, idx["comment"], None, fmt.input)
        sheet.set_row(r, 33)
    last = max(1, len(budget))
    for key, title in (("outcome", "Utfall hittills"), ("forecast", "Prognos helår")):
        sheet.data_validation(1, idx[key], last, idx[key], {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
            "input_title": title,
            "input_message": f"Nettokostnad i {unit}, som ett positivt tal, t.ex. 12,5.",
            "error_title": title,
            "error_message": f"Skriv nettokostnaden i {unit} som ett positivt tal.",
        })


def _write_meta(sheet: Worksheet, register: Register, period: str, department: str,
                name: str, created: dt.date, rows: Sequence[TemplateRow]) -> None:
    mine = list(register.activities_for(department)["activity_id"])
    theirs = set(mine)
    own = [r.activity_id for r in rows if r.activity_id not in theirs]
    pairs = [(MetaKey.MARKER, "Rapportmall för måluppföljning"),
             (MetaKey.VERSION, TEMPLATE_VERSION), (MetaKey.DEPARTMENT, department),
             (MetaKey.DEPARTMENT_NAME, name), (MetaKey.PERIOD, period),
             (MetaKey.REGISTER_CHECKSUM, register.checksum),
             (MetaKey.CREATED, created.isoformat()),
             (MetaKey.ACTIVITIES, ";".join(mine)),
             (MetaKey.GOALS, ";".join(register.goals_owned_by(department)["ks_id"])),
             (MetaKey.CATEGORIES, ";".join(register.budget_for(department)["category"])),
             (MetaKey.OWN, ";".join(own))]
    for r, (key, value) in enumerate(pairs):
        sheet.write_string(r, 0, key)
        sheet.write_string(r, 1, value)
    lists = {"status": [s.value for s in Status], "assessment": [a.value for a in Assessment],
             "goal": register.goal_ids}
    for key, values in lists.items():
        col = ord(META_LIST_COLUMNS[key]) - ord("A")
        for r, value in enumerate(values):
            sheet.write_string(r, col, value)
    sheet.protect("")
    sheet.very_hidden()


# The Instruktioner title, 16 pt bold across columns A and B (120 characters of 11 pt): the
# characters of a line, and a line's height in points.
TITLE_LINE_CHARS, TITLE_LINE_HEIGHT = 75, 22


def _write_instructions(sheet: Worksheet, fmt: _Formats, register: Register, period: str,
                        department: str, name: str, deadline: dt.date, period_end: dt.date,
                        n_activities: int, n_goals: int, n_budget: int) -> None:
    settings = register.settings
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90)
    sheet.set_portrait()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.protect("")
    r = 0
    # a line to a cell, running on over column B: a long department name
    # ("Samhällsbyggnadsförvaltningen – plan, bygg, …") ran past column B and was cut off at
    # the printed page's edge; the lines were one merged cell, which screen readers and
    # Excel's accessibility checker take badly
    for line in textwrap.wrap(f"Måluppföljning {period} – {name}", TITLE_LINE_CHARS):
        sheet.write_string(r, 0, line, fmt.title)
        sheet.set_row(r, TITLE_LINE_HEIGHT)
        r += 1
    sheet.write_string(r, 0, f"{settings.municipality}, {settings.organ}. Perioden "
                             f"slutar {period_end:%Y-%m-%d}.", fmt.line)
    r += 2
    sheet.write_string(r, 0, "Sista inlämningsdag:", fmt.deadline)
    sheet.write_string(r, 1, f"{deadline:%Y-%m-%d}", fmt.deadline)
    r += 2
    steps = [
        ("Aktiviteter", f"{n_activities} aktiviteter som {name} ansvarar för. Välj Status för "
                        "varje aktivitet och skriv en kort Kommentar, särskilt vid avvikelse. "
                        "Nya egna aktiviteter skrivs på de tomma raderna längst ned: KS-mål-id, "
                        "Aktivitet, Startdatum, Slutdatum, Status och Kommentar (lämna "
                        "Aktivitets-id tomt, det sätts när filen tas emot)."),
        ("Målbedömning", f"{n_goals} mål som {name} äger. Välj Bedömning och skriv en Analys som "
                         "förklarar bedömningen. Förslag är ett förslag räknat från "
                         "aktiviteternas status förra perioden (tomt när det inte finns "
                         "någon godkänd rapport från förra perioden); ni avgör själva."
                         if n_goals else "Avdelningen äger inga mål; fliken lämnas tom."),
        ("Sjukfrånvaro", "Fyll i antal anställda och timmar (ordinarie arbetstid, sjukfrånvaro och "
                         "varav 60 dagar eller mer) för varje kön och åldersgrupp, från årets "
                         "början till periodens slut. Procentsatser räknas fram automatiskt."),
        ("Ekonomi", f"Fyll i Utfall hittills och Prognos helår i {settings.unit} (nettokostnad, "
                    "positivt tal) för varje kategori, och kommentera större avvikelser."
                    if n_budget else "Avdelningen har ingen budget i registret; fliken lämnas "
                                     "tom."),
    ]
    sheet.write_string(r, 0, "Så fyller du i", fmt.subtitle)
    r += 1
    sheet.write_string(r, 0, "Gula celler", fmt.example_input)
    sheet.write_string(r, 1, "fyller ni i. Grå celler är låsta och fylls i av controllern.",
                       fmt.text)
    r += 1
    sheet.write_string(r, 0, "Grå celler", fmt.example_locked)
    sheet.write_string(r, 1, "kan inte ändras. Byt inte namn på flikar eller kolumner.",
                       fmt.text)
    r += 1
    for title, text in steps:
        sheet.write_string(r, 0, title, fmt.strong)
        sheet.write_string(r, 1, text, fmt.text)
        sheet.set_row(r, _height([(text, 90)]))
        r += 1
    r += 1
    sheet.write_string(r, 0, "Lämna in", fmt.subtitle)
    r += 1
    hand_in = (f"Spara filen som Excel-arbetsbok (*.xlsx) och lägg den i inkorgen, i mappen "
               f"för {department}. Filnamnet spelar ingen roll. Ni kan lämna in flera gånger; "
               "den senast inlämnade filen gäller. Varje natt läses inkorgen: är något fel får "
               "ni tillbaka filen med felen markerade och en flik Fel som förklarar vad som ska "
               "rättas.")
    sheet.write_string(r, 1, hand_in, fmt.text)
    sheet.set_row(r, _height([(hand_in, 90)]))
    r += 2
    sheet.write_string(r, 0, "Status för aktiviteter", fmt.subtitle)
    r += 1
    for status in Status:
        sheet.write_string(r, 0, status.value, fmt.strong)
        sheet.write_string(r, 1, STATUS_MEANING[status], fmt.text)
        r += 1
    r += 1
    sheet.write_string(r, 0, "Bedömning av mål", fmt.subtitle)
    r += 1
    for assessment in Assessment:
        symbol, _ = ASSESSMENT_STYLE[assessment]
        sheet.write_string(r, 0, f"{symbol} {assessment.value}", fmt.assessment[assessment])
        sheet.write_string(r, 1, ASSESSMENT_MEANING[assessment], fmt.text)
        r += 1


def _list_validation(sheet: Worksheet, first: int, col: int, last: int, key: str, size: int,
                     title: str, message: str, error: str) -> None:
    letter = META_LIST_COLUMNS[key]
    sheet.data_validation(first, col, last, col, {
        "validate": "list", "source": f"=_meta!${letter}$1:${letter}${max(1, size)}",
        "input_title": title, "input_message": message,
        "error_title": title, "error_message": error,
    })


def _length_validation(sheet: Worksheet, first: int, col: int, last: int, limit: int,
                       title: str, message: str) -> None:
    sheet.data_validation(first, col, last, col, {
        "validate": "length", "criteria": "<=", "value": limit,
        "input_title": title, "input_message": message,
        "error_title": title, "error_message": f"Texten får vara högst {limit} tecken.",
    })


