"""The Swedish words users see, mapped to the English names the code uses.

Every sheet name, column header and dropdown value of the register, the templates and the
outputs is defined here once; the rest of the code refers to these constants.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "Ej påbörjad"
    ON_TRACK = "Pågående enligt plan"
    DEVIATING = "Pågående med avvikelse"
    DELAYED = "Försenad"
    ON_HOLD = "Vänteläge"
    DONE = "Avslutad enligt plan"
    DONE_DEVIATING = "Avslutad med avvikelse"
    CANCELLED = "Avbruten"

    @property
    def finished(self) -> bool:
        return self in (Status.DONE, Status.DONE_DEVIATING, Status.CANCELLED)


# What people write instead of a status (folded: lower case), suggested when it is refused.
STATUS_HINTS = {
    "klar": Status.DONE, "klart": Status.DONE, "färdig": Status.DONE, "färdigt": Status.DONE,
    "avslutad": Status.DONE, "avslutat": Status.DONE, "genomförd": Status.DONE,
    "genomfört": Status.DONE, "pågår": Status.ON_TRACK, "pågående": Status.ON_TRACK,
    "ej startad": Status.NOT_STARTED, "inte påbörjad": Status.NOT_STARTED,
    "inte startad": Status.NOT_STARTED,
}

STATUS_MEANING = {
    Status.NOT_STARTED: "Arbetet har inte börjat ännu.",
    Status.ON_TRACK: "Arbetet pågår och följer planen.",
    Status.DEVIATING: "Arbetet pågår men avviker från planen (tid, innehåll eller kostnad).",
    Status.DELAYED: "Arbetet blir inte klart till slutdatum.",
    Status.ON_HOLD: "Arbetet är pausat i väntan på något annat, t.ex. ett beslut eller finansiering.",
    Status.DONE: "Aktiviteten är genomförd som planerat.",
    Status.DONE_DEVIATING: "Aktiviteten är avslutad men blev inte som planerat.",
    Status.CANCELLED: "Aktiviteten har avbrutits och kommer inte att genomföras.",
}

# How bad a status is, used to flag "status worse than last period" (higher is worse).
STATUS_SEVERITY = {
    Status.DONE: 0,
    Status.ON_TRACK: 0,
    Status.NOT_STARTED: 1,
    Status.ON_HOLD: 2,
    Status.DONE_DEVIATING: 2,
    Status.DEVIATING: 2,
    Status.DELAYED: 3,
    Status.CANCELLED: 3,
}


class Assessment(StrEnum):
    MET = "Uppfyllt"
    PARTLY = "Delvis uppfyllt"
    BARELY = "Knappt uppfyllt"
    NOT_MET = "Ej uppfyllt"

    @property
    def positive(self) -> bool:
        return self in (Assessment.MET, Assessment.PARTLY)


# Colour and a symbol each, so an assessment reads in black and white too.
ASSESSMENT_STYLE = {
    Assessment.MET: ("●", "#00A651"),
    Assessment.PARTLY: ("◕", "#92D050"),
    Assessment.BARELY: ("◑", "#F7A21B"),
    Assessment.NOT_MET: ("○", "#E0301E"),
}

ASSESSMENT_MEANING = {
    Assessment.MET: "Målet är nått för perioden.",
    Assessment.PARTLY: "Målet är till största delen nått, eller på god väg att nås.",
    Assessment.BARELY: "Arbetet har påbörjats men målet är långt ifrån nått.",
    Assessment.NOT_MET: "Målet är inte nått och arbetet går inte i riktning mot målet.",
}

GOAL_AREAS = ("Barn och unga", "Vuxna", "Äldre 65+", "Tillväxt", "God ekonomisk hushållning")
GOAL_TYPES = ("Utvecklingsmål", "Verksamhetsmål för god ekonomisk hushållning")
BUDGET_CATEGORIES = (
    "Barn och unga",
    "Vuxna",
    "Äldre 65+",
    "Stödresurser",
    "Affärsverksamhet",
    "Tillväxt",
)
AMOUNT_UNITS = ("mnkr", "tkr")
# Decimals an amount is shown with, in both outputs: mnkr to a tenth (100 000 kr), tkr whole.
AMOUNT_DECIMALS = {"mnkr": 1, "tkr": 0}
# How people write amount units (folded: lower case, no spaces or dots) → the unit, and each
# unit in kronor. "kr" is no Beloppsenhet, but a department may type it in a cell.
AMOUNT_UNIT_SPELLINGS = {
    "mnkr": "mnkr", "mkr": "mnkr", "miljkr": "mnkr", "miljonerkronor": "mnkr",
    "tkr": "tkr", "kkr": "tkr", "tusenkronor": "tkr",
    "kr": "kr", "kronor": "kr", "sek": "kr", ":-": "kr",
}
KRONOR_PER_UNIT = {"kr": 1, "tkr": 1_000, "mnkr": 1_000_000}

SEXES = ("Kvinnor", "Män")
AGE_GROUPS = ("29 år eller yngre", "30–49 år", "50 år eller äldre")

# The register's Basvärden sheet names the whole organ with this code.
WHOLE_ORGAN_CODE = "TOTALT"

PERIOD_PATTERN = r"^\d{4}-T[123]$"
PERIOD_NAMES = {"T1": "tertial 1 (januari–april)", "T2": "tertial 2 (maj–augusti)",
                "T3": "tertial 3 (september–december)"}
PERIOD_MONTHS = {"T1": range(1, 5), "T2": range(5, 9), "T3": range(9, 13)}  # as PERIOD_NAMES


# --- The register workbook -------------------------------------------------------------------

class RegisterSheet:
    SETTINGS = "Inställningar"
    DEPARTMENTS = "Avdelningar"
    PERIODS = "Perioder"
    COUNCIL_GOALS = "KF-mål"
    BOARD_GOALS = "KS-mål"
    ACTIVITIES = "Aktiviteter"
    BUDGET = "Ekonomi"
    BASELINES = "Basvärden"


# sheet -> {Swedish header: English column name}; the order is the order written.
REGISTER_COLUMNS: dict[str, dict[str, str]] = {
    RegisterSheet.SETTINGS: {"Nyckel": "key", "Värde": "value"},
    RegisterSheet.DEPARTMENTS: {"Avdelningskod": "code", "Avdelning": "name"},
    RegisterSheet.PERIODS: {
        "Period": "period",
        "Periodslut": "period_end",
        "Sista inlämningsdag": "deadline",
    },
    RegisterSheet.COUNCIL_GOALS: {"KF-mål-id": "kf_id", "KF-mål": "title"},
    RegisterSheet.BOARD_GOALS: {
        "KS-mål-id": "ks_id",
        "KF-mål-id": "kf_id",
        "KS-mål": "title",
        "Målområde": "area",
        "Måltyp": "goal_type",
        "Målägare": "owner",
    },
    RegisterSheet.ACTIVITIES: {
        "Aktivitets-id": "activity_id",
        "KS-mål-id": "ks_ids",
        "Aktivitet": "title",
        "Beskrivning": "description",
        "Startdatum": "start",
        "Slutdatum": "end",
        "Ansvarig": "responsible",
    },
    RegisterSheet.BUDGET: {"Avdelningskod": "department", "Kategori": "category",
                           "Budget": "budget"},
    RegisterSheet.BASELINES: {
        "Avdelningskod": "department",
        "Datum": "date",
        "Sjukfrånvaro (%)": "sick_leave_pct",
    },
}

# Columns that may be left out of the register (read as empty).
REGISTER_OPTIONAL = {(RegisterSheet.ACTIVITIES, "Beskrivning"),
                     (RegisterSheet.ACTIVITIES, "Startdatum")}
# Where Datakvalitet lists the register's own remarks, in the column of departments.
REGISTER_SOURCE = "Registret"


class SettingKey:
    MUNICIPALITY = "Kommun"
    ORGAN = "Organ"
    YEAR = "Verksamhetsår"
    UNIT = "Beloppsenhet"
    # optional, for the decision memo's closing sections (`pipeline memo`)
    VISION = "Vision"
    FOCUS_AREAS = "Fokusområden"


# --- The department template -----------------------------------------------------------------

class TemplateSheet:
    INSTRUCTIONS = "Instruktioner"
    ACTIVITIES = "Aktiviteter"
    ASSESSMENTS = "Målbedömning"
    SICK_LEAVE = "Sjukfrånvaro"
    BUDGET = "Ekonomi"
    META = "_meta"


# The sheet a feedback copy opens on (publish/feedback.py). A department that corrects that
# copy and hands it in again, as the sheet tells it to, may keep it: it is not read. It is
# known by its header row (row 4), not its name: a department may have a sheet "Fel" of its
# own, which is kept, and ours is then "Fel (2)".
FEEDBACK_SHEET = "Fel"
FEEDBACK_HEADERS = ("Nr", "Typ", "Flik", "Cell", "Vad är fel och vad ska göras")
FEEDBACK_HEADER_ROW = 4


def swedish_list(items: Iterable[str]) -> str:
    """Names in a Swedish sentence: 'Stab', 'Stab och Ekonomi', 'Stab, Ekonomi och Social'
    (an item may hold a comma of its own)."""
    items = list(items)
    return ", ".join(items[:-1]) + " och " + items[-1] if len(items) > 1 else "".join(items)


def is_feedback_sheet(rows: list[list[object]]) -> bool:
    """Whether a sheet's values (from A1) are a feedback copy's problem list."""
    if len(rows) < FEEDBACK_HEADER_ROW:
        return False
    found = [v.strip() if isinstance(v, str) else v
             for v in rows[FEEDBACK_HEADER_ROW - 1][:len(FEEDBACK_HEADERS)]]
    return tuple(found) == FEEDBACK_HEADERS
TEMPLATE_SHEETS = (
    TemplateSheet.INSTRUCTIONS,
    TemplateSheet.ACTIVITIES,
    TemplateSheet.ASSESSMENTS,
    TemplateSheet.SICK_LEAVE,
    TemplateSheet.BUDGET,
    TemplateSheet.META,
)

# The data sheets of a template: Swedish header -> English column name, in column order.
TEMPLATE_COLUMNS: dict[str, dict[str, str]] = {
    TemplateSheet.ACTIVITIES: {
        "Aktivitets-id": "activity_id",
        "KS-mål-id": "ks_ids",
        "Aktivitet": "title",
        "Startdatum": "start",
        "Slutdatum": "end",
        "Föregående status": "previous_status",
        "Föregående kommentar": "previous_comment",
        "Status": "status",
        "Kommentar": "comment",
    },
    TemplateSheet.ASSESSMENTS: {
        "KS-mål-id": "ks_id",
        "KS-mål": "title",
        "Förslag": "suggestion",
        "Bedömning": "assessment",
        "Analys": "analysis",
    },
    TemplateSheet.SICK_LEAVE: {
        "Kön": "sex",
        "Åldersgrupp": "age_group",
        "Antal anställda": "employees",
        "Ordinarie arbetstid (timmar)": "ordinary_hours",
        "Sjukfrånvaro (timmar)": "sick_hours",
        "Varav 60 dagar eller mer (timmar)": "long_term_hours",
    },
    TemplateSheet.BUDGET: {
        "Kategori": "category",
        "Budget": "budget",
        "Utfall hittills": "outcome",
        "Prognos helår": "forecast",
        "Avvikelse": "deviation",
        "Kommentar": "comment",
    },
}

# Columns a department types into. For rows it adds itself, Aktiviteter opens more columns.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    TemplateSheet.ACTIVITIES: ("status", "comment"),
    TemplateSheet.ASSESSMENTS: ("assessment", "analysis"),
    TemplateSheet.SICK_LEAVE: ("employees", "ordinary_hours", "sick_hours", "long_term_hours"),
    TemplateSheet.BUDGET: ("outcome", "forecast", "comment"),
}
OWN_ACTIVITY_INPUT_COLUMNS = ("ks_ids", "title", "start", "end", "status", "comment")
OWN_ACTIVITY_ROWS = 15  # empty rows below Aktiviteter's prefilled ones, for new activities


# The version of the department template, kept in its _meta sheet. Raise it when a file made
# from the templates written until now could not be read as before; an older version whose
# files are still read (with a remark asking for the current template) goes into
# READABLE_TEMPLATE_VERSIONS (BAD_INPUTS F22).
TEMPLATE_VERSION = "1"
READABLE_TEMPLATE_VERSIONS: frozenset[str] = frozenset()


class MetaKey:
    VERSION = "Mallversion"
    DEPARTMENT = "Avdelningskod"
    DEPARTMENT_NAME = "Avdelning"
    PERIOD = "Period"
    REGISTER_CHECKSUM = "Registrets kontrollsumma"
    CREATED = "Skapad"
    # the department's rows of the register the template was made from (";"-separated), so
    # that a file from an older register tells the register's edits from the department's
    ACTIVITIES = "Registrets aktiviteter"
    GOALS = "Registrets mål"
    CATEGORIES = "Registrets budgetrader"
    OWN = "Egna aktiviteter"  # the department's own activities from earlier periods
    MARKER = "Målsystem"


# --- Verdicts --------------------------------------------------------------------------------

class Verdict(StrEnum):
    ACCEPTED = "Godkänd"
    ACCEPTED_WITH_WARNINGS = "Godkänd med anmärkningar"
    REJECTED = "Ej godkänd"


class Severity(StrEnum):
    ERROR = "Fel"
    WARNING = "Anmärkning"  # as in "Godkänd med anmärkningar"
    # which of a department's files counts (it replaces an earlier one, two came the same
    # night): told on Datakvalitet, but no remark on the file (Inlämningar does not count it)
    INFO = "Information"


# --- The tertial report (publish/report/) ----------------------------------------------------

class ReportHeading:
    CONTENTS = "Innehåll"
    INTRODUCTION = "Inledning"
    SUMMARY = "Sammanfattning"
    SICK_LEAVE = "Sjukfrånvaro"
    BUDGET = "Ekonomi"
    BUDGET_BY_DEPARTMENT = "Per avdelning"
    BUDGET_BY_CATEGORY = "Per kategori"
    BUDGET_LARGEST = "Störst avvikelse"
    BUDGET_APPENDIX = "Bilaga: Ekonomi per avdelning"
    SICK_LEAVE_APPENDIX = "Bilaga: Sjukfrånvaro per avdelning"
    SICK_LEAVE_BASELINE = "Jämfört med basvärdet"
    SICK_LEAVE_PREVIOUS = "Jämfört med föregående period"
    BUDGET_PREVIOUS = "Prognosen jämfört med föregående period"


# The columns of a goal's activity table, as in Ånge's annual goal report.
REPORT_ACTIVITY_HEADERS = ("Verksamhetens aktiviteter", "Status", "Slutdatum", "Kommentar")
REPORT_TOTAL = "Totalt"
REPORT_MISSING = "saknas"
REPORT_HIDDEN = "–"
# Short column headers for the sick-leave table (the full names are figures.FIGURE_LABELS).
REPORT_SICK_LEAVE_HEADERS = {
    "total": "Totalt",
    "women": "Kvinnor",
    "men": "Män",
    "age_29": "29 år eller yngre",
    "age_30_49": "30–49 år",
    "age_50": "50 år eller äldre",
    "long_term": "Varav 60 dagar eller mer",
}
# Paragraph styles the report adds when a --template does not define them; a template that
# has a style with the same name restyles that part of the report.
REPORT_STYLE_ASSESSMENT = "Målbedömning"
REPORT_STYLE_NOTE = "Anmärkning"
REPORT_STYLE_TABLE_TEXT = "Tabelltext"
REPORT_STYLE_TABLE_HEADER = "Tabellrubrik"


# --- The consolidated workbook (sammanställning) ---------------------------------------------

class OutputSheet:
    SUMMARY = "Sammanfattning"
    GOALS = "Måluppföljning"
    ACTIVITIES = "Aktiviteter"
    SICK_LEAVE = "Sjukfrånvaro"
    BUDGET = "Ekonomi"
    SUBMISSIONS = "Inlämningar"
    DATA_QUALITY = "Datakvalitet"


OUTPUT_SHEETS = (OutputSheet.SUMMARY, OutputSheet.GOALS, OutputSheet.ACTIVITIES,
                 OutputSheet.SICK_LEAVE, OutputSheet.BUDGET, OutputSheet.SUBMISSIONS,
                 OutputSheet.DATA_QUALITY)


class SubmissionState(StrEnum):
    """What became of a file that arrived for the period (the Inlämningar sheet)."""

    ACCEPTED = "Godkänd"
    ACCEPTED_WITH_WARNINGS = "Godkänd med anmärkningar"
    REJECTED = "Ej godkänd"
    # refused as possibly harmful (macros, DTDs or entities) and never read: a matter for the
    # administrator, not an error to mend in a cell; `pipeline status` says the same word
    QUARANTINED = "Karantän"
    SUPERSEDED = "Ersatt"
    DUPLICATE = "Dubblett"


# Column headers of the list sheets: Swedish header -> English column name, in column order.
OUTPUT_COLUMNS: dict[str, dict[str, str]] = {
    OutputSheet.GOALS: {
        "KF-mål-id": "kf_id",
        "KF-mål": "kf_title",
        "KS-mål-id": "ks_id",
        "KS-mål": "title",
        "Målområde": "area",
        "Målägare": "owner",
        "Bedömning": "assessment",
        "Förslag": "suggestion",
        "Anmärkning": "remark",
        "Analys": "analysis",
        "Antal aktiviteter": "activities",
        **{status.value: status.name for status in Status},
        "Ej rapporterade": "unreported",
    },
    OutputSheet.ACTIVITIES: {
        "Aktivitets-id": "activity_id",
        "KS-mål-id": "ks_ids",
        "Aktivitet": "title",
        "Avdelning": "department",
        "Startdatum": "start",
        "Slutdatum": "end",
        "Status": "status",
        "Kommentar": "comment",
        "Föregående status": "previous_status",
        "Flaggor": "flags",
    },
    OutputSheet.SUBMISSIONS: {
        "Avdelning": "department",
        "Fil": "file",
        "Mapp": "folder",
        "Mottagen": "received",
        "Sparad": "saved_at",
        "Utfall": "state",
        "Räknas": "counts",
        "Fel": "errors",
        "Anmärkningar": "warnings",
        "Kontrollsumma (SHA-256)": "sha256",
    },
    OutputSheet.DATA_QUALITY: {
        "Avdelning": "department",
        "Fil": "file",
        "Allvarlighet": "severity",
        "Flik": "sheet",
        "Cell": "cell",
        "Meddelande": "message",
    },
}

# An activity or goal without an answer, in the workbook and the report alike.
NOT_REPORTED = "Ej rapporterad"
NOT_ASSESSED = "Ej bedömd"
HIDDEN_FIGURE = "–"
HIDDEN_FIGURE_NOTE = ("– Gruppen har 10 anställda eller färre, eller så skulle siffran göra "
                      "det möjligt att räkna fram en sådan grupp. Värdet visas därför inte.")
# What the workbook and the report show instead of a personal identity number found in a
# department's text (identity.py); the department's file is archived as it was handed in.
IDENTITY_MASKS = {"personnummer": "[personnummer borttaget]",
                  "samordningsnummer": "[samordningsnummer borttaget]"}
YES, NO = "Ja", "Nej"
TOTAL = "Summa"
UNKNOWN_DEPARTMENT = "Okänd"

# The report's own headline (seed 002): "Av de totalt 21 målen … är 14 … och 7 …", the same
# sentence in the report and on Sammanfattning (figures.headline); [0] for one, [1] for more;
# a register of one goal reads "Det enda målet är …" (HEADLINE_ONE).
HEADLINE = "Av {opening} är {positive} och {negative}."
HEADLINE_OPENING = "de totalt {total} målen"
HEADLINE_ONE = "Det enda målet är {bedomning}."
HEADLINE_POSITIVE = ("uppfyllt eller delvis uppfyllt", "uppfyllda eller delvis uppfyllda")
HEADLINE_NEGATIVE = ("knappt eller ej uppfyllt", "knappt eller ej uppfyllda")
HEADLINE_UNASSESSED = ("För {count} mål saknas bedömning.",
                       "För {count} av målen saknas bedömning.")
HEADLINE_NO_GOALS = "Det finns inga mål att redovisa för perioden."
HEADLINE_NONE_ASSESSED = ("Det enda målet har inte bedömts ännu.",
                          "Av de totalt {total} målen har inget bedömts ännu.")

DISAGREEMENT_REMARK = ("Bedömningen avviker två steg eller mer från förslaget. Bedömningen är "
                       "målägarens och har inte ändrats.")
OWNER_MISSING_REMARK = "{avdelning} har inte lämnat någon godkänd rapport."
MET_WHILE_RISING_REMARK = ("Målet bedöms uppfyllt, men sjukfrånvaron har ökat jämfört med "
                           "basvärdet. Bedömningen är målägarens och har inte ändrats.")
SICK_LEAVE_GOAL_WORD = "sjukfrånvaro"  # the KS goal whose title contains it gets the indicator
SICK_LEAVE_INDICATOR = "Sjukfrånvaro {värde} mot {basvärde} {datum}: {förändring} procentenheter"
SICK_LEAVE_INDICATOR_NO_BASELINE = "Sjukfrånvaro {värde} (basvärde saknas i registret)"
SICK_LEAVE_INDICATOR_MISSING = "Sjukfrånvaro: inga godkända uppgifter ännu"
SICK_LEAVE_INDICATOR_HIDDEN = "Sjukfrånvaro: visas inte (10 anställda eller färre)"
SICK_LEAVE_INDICATOR_PARTIAL = ("Sjukfrånvaro {värde} för {antal} av {av} avdelningar; jämförs "
                                "med basvärdet när alla har rapporterat")

SUBMISSION_MISSING = "Saknas"
SUBMISSION_REJECTED = "Ej godkänd"
# Sick-leave figure headers of the workbook where the figure's own label is too long.
SICK_LEAVE_HEADERS = {"total": "Total sjukfrånvaro",
                      "long_term": "Långtidssjukfrånvaro (60 dagar eller mer), andel"}
# Short activity flags for the report's narrow Status column (keys: merge.Flag codes).
REPORT_FLAG_TEXT = {
    "end_passed": "Slutdatum passerat",
    "worse": "Sämre än förra perioden",
    "done_far_ahead": "Avslutad långt före slutdatum",
}


def first_period(period: str) -> str:
    """What the register's first period is, in words: the year's first (T1), or, for a
    register whose periods begin later in the year (its Perioder sheet starts at T2), the
    first in the register: it has a period before, though not in the register."""
    return "årets första period" if period.endswith("-T1") else "den första perioden i registret"


class WorkbookText:
    """Every other word of the consolidated workbook (headings, notes, column headers)."""

    TITLE = "Måluppföljning {period} – {organ}"
    PAGE_HEADER = "Måluppföljning {period}"
    PAGE_NUMBER = "Sida &P av &N"
    DATA_AS_OF = "Data per"
    MUNICIPALITY = "Kommun"
    ORGAN = "Organ"
    PERIOD = "Period"
    PERIOD_TEXT = "{period}, {namn} {år}"
    PERIOD_END = "Periodens slut"
    DEADLINE = "Sista inlämningsdag"

    GOALS_PER_ASSESSMENT = "Mål per bedömning"
    GOALS_PER_AREA = "Mål per målområde"
    GOAL_AREA = "Målområde"
    ACTIVITIES_PER_STATUS = "Aktiviteter per status"
    # a chart's alternative text, read by a screen reader instead of the chart
    CHART_DESCRIPTION = ("Liggande stapeldiagram, {rubrik}: {värden}. Samma siffror står i "
                         "tabellen {rubrik} på det här bladet.")
    SUBMISSIONS_PER_DEPARTMENT = "Inlämningar per avdelning"
    ASSESSMENT = "Bedömning"
    GOAL_COUNT = "Antal mål"
    SHARE = "Andel"
    STATUS = "Status"
    COUNT = "Antal"
    DEPARTMENT = "Avdelning"
    CATEGORY = "Kategori"
    SUBMISSION = "Inlämning"
    RECEIVED = "Mottagen"
    IN_TIME = "I tid"
    FILE = "Fil"
    REMARK = "Anmärkning"
    LATER_REJECTED = "En senare fil godkändes inte: {filer}."
    CORRECTED_AFTER_DEADLINE = ("Rättad efter sista inlämningsdag; den första godkända filen "
                                "kom i tid ({datum}).")
    IN_QUARANTINE = " (i karantän)"  # after such a later file's name
    RELEASED = " (i karantän, sedan tagen ur den)"  # … if the administrator released it since
    ONLY_REJECTED = "Ingen godkänd fil: {fel} fel, se fliken Datakvalitet."
    ONLY_QUARANTINED = "Ingen godkänd fil: filen ligger i karantän, se fliken Inlämningar."
    ONLY_RELEASED = ("Ingen godkänd fil: filen lades i karantän och har sedan tagits ur "
                     "karantänen, men har inte lämnats in på nytt. Se fliken Inlämningar.")
    WITH_WARNINGS = ("1 anmärkning, se fliken Datakvalitet.",
                     "{antal} anmärkningar, se fliken Datakvalitet.")
    DEADLINE_PASSED = "Sista inlämningsdag var {datum}."
    DEADLINE_COMING = "Sista inlämningsdag är {datum}."
    MISSING_LINE = "Saknas: {avdelningar}."
    REJECTED_LINE = "Ej godkänd (ingen godkänd fil): {avdelningar}."
    QUARANTINED_LINE = "Karantän (ingen godkänd fil): {avdelningar}."
    ALL_REPORTED = "Alla avdelningar har lämnat en godkänd rapport."
    SUMMARY_NOTE = ("Bedömningarna och analyserna är målägarnas egna. Förslag, flaggor och "
                    "nyckeltal på flikarna Måluppföljning och Aktiviteter räknas fram av "
                    "Målsystem ur avdelningarnas rapporter och ändrar aldrig en bedömning.")
    COUNTED_PER_DEPARTMENT = ("Aktiviteterna räknas en gång per ansvarig avdelning: en aktivitet "
                              "som flera avdelningar ansvarar för rapporterar var och en för "
                              "sig, och den räknas en gång för varje.")

    NO_GOALS = "Registret har inga KS-mål."
    ASSESSMENT_NOTE = ("Bedömning: {symboler}. Bedömningen och analysen är målägarens.")
    SUGGESTION_NOTE = ("Förslag: medelvärdet av de kopplade aktiviteternas poäng för status "
                       "({poäng}); aktiviteter som ännu inte ska ha börjat räknas inte. "
                       "Medelvärde {gränser}.")
    NO_ACTIVITIES = "Registret har inga aktiviteter."
    NO_PREVIOUS_STATUS = ("Föregående status är tom: det finns ingen godkänd rapport från "
                          "föregående period ({period}).")
    LAST_YEAR_STATUS = ("Föregående status för {första} är den som avdelningen "
                        "rapporterade i förra årets sista rapport, för de aktiviteter som finns "
                        "kvar i registret med samma aktivitets-id.")
    FLAG_NOTE = ("Flaggor: slutdatum passerat men aktiviteten är inte avslutad; avslutad enligt "
                 "plan men slutdatum ligger mer än {dagar} dagar efter periodens slut; sämre "
                 "status än förra perioden.")

    BASELINE = "Basvärde"
    CHANGE_BASELINE = "Förändring mot basvärdet, procentenheter"
    PREVIOUS_PERIOD = "Föregående period {period}"
    CHANGE_PREVIOUS = "Förändring mot föregående period, procentenheter"
    NO_PREVIOUS_PERIOD = ("Ingen jämförelse med föregående period ({period}): det finns ingen "
                          "godkänd rapport från den perioden.")
    PART_OF_ORGAN = ("Avser {antal} av {av} avdelningar. Förändringarna visas när alla har "
                     "rapporterat.")
    PREVIOUS_PART_OF_ORGAN = ("Alla avdelningar rapporterade inte för {period}, så den "
                              "periodens siffra för hela organet visas inte och jämförs inte.")
    PREVIOUS_OTHER_DEPARTMENTS = ("Avdelningarna är inte desamma som för {period} "
                                  "({avdelningar}), så förändringen visas inte.")
    NEW_DEPARTMENTS = "ny: {avdelningar}"
    GONE_DEPARTMENTS = "borttagen ur registret: {avdelningar}"
    SICK_LEAVE_NOTES = (
        "Sjukfrånvaro i procent av ordinarie arbetstid: summan av sjukfrånvarotimmarna delad "
        "med summan av den ordinarie arbetstiden för gruppen, inte ett medelvärde av "
        "avdelningarnas procenttal. Kvinnor, män och åldersgrupper: varje grupps egna timmar.",
        "Andel långtidssjukfrånvaro: den del av sjukfrånvarotimmarna som ingår i sjukperioder "
        "om 60 dagar eller mer.",
        "Förändringen räknas på de avrundade värden som visas, i procentenheter.",
    )
    BASELINE_DATES = "Basvärdena har olika datum: {lista}."

    BUDGET_TITLE = "Ekonomi {period}: budget, utfall och prognos"
    BUDGET_NOTE = ("Belopp i {enhet}, nettokostnad. Avvikelse = Budget − Prognos helår; ett "
                   "positivt tal betyder lägre kostnad än budget. Beloppen avrundas till {avrundning} "
                   "per rad innan de summeras, så summorna stämmer åt båda hållen.")
    BUDGET_ROUNDING = {1: "en decimal", 0: "hela {enhet}"}  # by AMOUNT_DECIMALS
    PER_DEPARTMENT = ReportHeading.BUDGET_BY_DEPARTMENT  # the same words in both outputs
    PER_CATEGORY = ReportHeading.BUDGET_BY_CATEGORY
    PER_LINE = "Per avdelning och kategori, med avdelningarnas kommentarer"
    LINE = "Avdelning och kategori"
    AMOUNTS = ("Budget", "Utfall hittills", "Prognos helår", "Avvikelse")
    COMMENT = "Kommentar"
    INCOMPLETE = "Ofullständig: {avdelningar} har inte rapporterat."
    # the forecast against the period before's (figures.budget_against_previous)
    PREVIOUS_FORECAST = "Prognos helår {period}"
    CHANGE_FORECAST = "Förändring av prognosen sedan {period}"
    PREVIOUS_FORECAST_NOTE = (
        "Prognos helår {period}: prognosen i de godkända rapporterna för föregående period. "
        "Förändring = Prognos helår − Prognos helår {period}; ett positivt tal betyder att "
        "prognosen har ökat, alltså högre kostnad. En summa för {period} visas bara när alla "
        "rader i den hade en prognos då, och förändringen bara när de har en prognos både då "
        "och nu.")
    FIRST_PERIOD_FORECAST = ("{period} är {första}, så prognosen jämförs inte med en "
                             "föregående period.")
    NO_PREVIOUS_FORECAST = ("Prognosen jämförs inte med föregående period ({period}): det "
                            "finns ingen godkänd rapport från den perioden.")
    PREVIOUS_FORECAST_MISSING = "Ingen prognos för {period}."
    PREVIOUS_FORECAST_MISSING_LINES = "Ingen prognos för {kategorier} för {period}."
    PREVIOUS_FORECAST_INCOMPLETE = "Ingen summa för {period}: {avdelningar} saknade prognos då."
    # lines added to the register since the period before, or removed from it (like with like)
    PREVIOUS_LINES_CHANGED = ("Förändringen visas inte: raderna är inte desamma som för "
                              "{period} ({rader}).")
    NEW_LINES = "ny rad: {rader}"
    GONE_LINES = "borttagen ur registret: {rader}"
    MORE_LINES = "och {antal} till"
    GONE_MARK = "Finns inte längre i registret."
    GONE_LINE = GONE_MARK + " Prognosen för {period} ingår i summorna för {period}."
    GONE_DEPARTMENT = "Avdelningen finns inte längre i registret."

    NO_FILES = "Inga filer har kommit in för perioden."
    SUBMISSIONS_NOTE = ("Räknas: den fil som ligger till grund för sammanställningen. Ersatt: "
                        "en nyare godkänd fil har kommit in. Dubblett: samma innehåll som en "
                        "tidigare fil. Alla filer finns kvar i arkivet under sin kontrollsumma.")
    QUARANTINE_NOTE = ("Karantän: filen kan skada den som öppnar den (den innehåller makron, "
                       "eller DTD eller entiteter) och har inte lästs in. Den ligger avskild i "
                       "arkivet och ska inte öppnas; administratören har fått en "
                       "säkerhetsvarning. Avdelningen behöver lämna in filen på nytt, sparad "
                       "som Excel-arbetsbok (.xlsx).")
    # the same line's file, taken out of quarantine by the administrator since (README)
    RELEASED_NOTE = ("Karantän, sedan tagen ur karantänen: {filer}. Filen lades i karantän och "
                     "lästes inte in; administratören har sedan tagit den ur karantänen. "
                     "Lämnas samma fil in på nytt bedöms den som varje annan fil, och den nya "
                     "inlämningen står på en egen rad.")
    NO_ISSUES = "Inga fel eller anmärkningar."
