"""The Swedish words users see, mapped to the English names the code uses.

Every sheet name, column header and dropdown value of the register, the templates and the
outputs is defined here once; the rest of the code refers to these constants.
"""

from __future__ import annotations

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

SEXES = ("Kvinnor", "Män")
AGE_GROUPS = ("29 år eller yngre", "30–49 år", "50 år eller äldre")

# The register's Basvärden sheet names the whole organ with this code.
WHOLE_ORGAN_CODE = "TOTALT"

PERIOD_PATTERN = r"^\d{4}-T[123]$"
PERIOD_NAMES = {"T1": "tertial 1 (januari–april)", "T2": "tertial 2 (maj–augusti)",
                "T3": "tertial 3 (september–december)"}


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

# Columns that may stay empty in the register.
REGISTER_OPTIONAL = {(RegisterSheet.ACTIVITIES, "Beskrivning")}


class SettingKey:
    MUNICIPALITY = "Kommun"
    ORGAN = "Organ"
    YEAR = "Verksamhetsår"
    UNIT = "Beloppsenhet"


# --- The department template -----------------------------------------------------------------

class TemplateSheet:
    INSTRUCTIONS = "Instruktioner"
    ACTIVITIES = "Aktiviteter"
    ASSESSMENTS = "Målbedömning"
    SICK_LEAVE = "Sjukfrånvaro"
    BUDGET = "Ekonomi"
    META = "_meta"


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


class MetaKey:
    VERSION = "Mallversion"
    DEPARTMENT = "Avdelningskod"
    DEPARTMENT_NAME = "Avdelning"
    PERIOD = "Period"
    REGISTER_CHECKSUM = "Registrets kontrollsumma"
    CREATED = "Skapad"
    MARKER = "Målsystem"


# --- Verdicts --------------------------------------------------------------------------------

class Verdict(StrEnum):
    ACCEPTED = "Godkänd"
    ACCEPTED_WITH_WARNINGS = "Godkänd med anmärkningar"
    REJECTED = "Ej godkänd"


class Severity(StrEnum):
    ERROR = "Fel"
    WARNING = "Varning"
