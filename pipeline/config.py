"""pipeline.toml, the PIPELINE_NOW clock and command-line overrides → Settings.

Every value is checked for its type as well as its form: a TOML string "false" is not the
boolean false, and a wrong value stops the command with a message naming the key, the value
found and what to write instead (never a traceback, never a silent guess).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError
from .labels import PERIOD_PATTERN

DEFAULT_CONFIG = Path("pipeline.toml")
CLOCK_VARIABLE = "PIPELINE_NOW"
PATH_KEYS = ("register", "inbox", "outbox", "archive")
SECONDS_KEYS = ("settle_seconds", "lock_wait_seconds")
KNOWN_KEYS = (*PATH_KEYS, "period", "report", "report_activities", *SECONDS_KEYS)
# Which activities the report's goal chapters list: every one, or only those not going to plan
# (each value with what it means, for the messages).
REPORT_ACTIVITIES = {"all": "alla aktiviteter", "deviations": "bara avvikelserna"}
# What each key looks like when written right: the examples in the messages.
EXAMPLES = {"register": '"register.xlsx"', "inbox": '"inbox"', "outbox": '"outbox"',
            "archive": '"archive"', "period": '"2024-T2"', "settle_seconds": "300",
            "lock_wait_seconds": "10"}
PERIOD_FORM = "ÅÅÅÅ-T1, ÅÅÅÅ-T2 eller ÅÅÅÅ-T3"
# The dashes a period code comes with when copied from a document: the report and the memo
# write theirs with a non-breaking hyphen (U+2011, so that Word keeps "2024-T1" on one line),
# which Word copies as it is and which looks like the hyphen in a message; an en dash or a
# minus from other documents. Each is read as the hyphen.
PERIOD_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


@dataclass(frozen=True)
class Settings:
    register: Path
    inbox: Path
    outbox: Path
    archive: Path
    period: str | None = None
    report: bool = True
    report_activities: str = "all"
    # A file changed more recently than this is left for the next night (still being written).
    settle_seconds: float = 300.0
    # How long a second run waits for the lock before giving up with exit code 2.
    lock_wait_seconds: float = 10.0
    config_path: Path | None = None
    # The period pipeline.toml collects (its `period`), whatever --period says: a period before
    # it is over, so an edit of the register is not for it (kept_registers.for_period).
    collecting: str | None = None
    # --register given (on the command line, or to load_settings): `pipeline templates` then
    # makes the templates from it, not from the register a period that is over was written with.
    register_given: bool = False

    def with_overrides(self, **overrides: object) -> Settings:
        """Command-line values (None: not given); their paths are relative to the current
        folder, as a shell user expects."""
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in PATH_KEYS:
            if key in given:
                given[key] = Path(given[key]).resolve()  # type: ignore[arg-type]
        if "period" in given:
            given["period"] = check_period(str(given["period"]))
        if "report_activities" in given:
            check_report_activities(str(given["report_activities"]))
        if "register" in given:
            given["register_given"] = True
        return replace(self, **given)  # type: ignore[arg-type]


def period_code(text: str) -> str:
    """A period as typed or copied, its dashes read as the hyphen (PERIOD_DASHES), without
    the space Word takes along when the code is double-clicked ("2024-T1 ")."""
    return text.translate(PERIOD_DASHES).strip(" \t\u00a0\u202f")


def check_period(period: str) -> str:
    """The period given on the command line, as the register writes it."""
    code = period_code(period)
    if not re.match(PERIOD_PATTERN, code):
        raise ConfigError(
            f'Perioden "{period}" har fel format. Skriv den som {PERIOD_FORM}, t.ex. 2024-T2.'
        )
    return code


def allowed_values(key: str, choices: Mapping[str, str]) -> str:
    """'key = "all" (alla aktiviteter) eller key = "deviations" (bara avvikelserna)'."""
    written = [f'{key} = "{value}" ({meaning})' for value, meaning in choices.items()]
    return f"{', '.join(written[:-1])} eller {written[-1]}"


def check_report_activities(value: str) -> str:
    """A value given on the command line (the option checks it too) or to load_settings."""
    if value not in REPORT_ACTIVITIES:
        raise ConfigError(
            f'report_activities "{value}" är inget av de tillåtna värdena. Skriv '
            f"{allowed_values('report_activities', REPORT_ACTIVITIES)}.")
    return value


def clock() -> dt.datetime:
    """The run's clock; PIPELINE_NOW (ISO time) pins it for reproducible runs and tests."""
    pinned = os.environ.get(CLOCK_VARIABLE)
    if pinned:
        value = dt.datetime.fromisoformat(pinned)
        # the run's times are local and naive, as the ledger and Excel have them
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime.now().replace(microsecond=0)


def check_clock(environ: Mapping[str, str] = os.environ) -> None:
    """PIPELINE_NOW, if set, must be a time the run can use as its clock."""
    value = environ.get(CLOCK_VARIABLE)
    if not value:
        return
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f'Miljövariabeln {CLOCK_VARIABLE} har värdet "{value}", som inte är en tidpunkt. '
            f"Skriv datum och tid som {CLOCK_VARIABLE}=2024-08-31T02:00 (eller bara datumet, "
            "2024-08-31), eller ta bort variabeln så används datorns klocka."
        ) from None


def load_settings(path: Path | str | None = None, **overrides: object) -> Settings:
    """Read the config file (relative paths from its own folder), then apply the
    command line's overrides (None: not given)."""
    check_clock()
    config_path = Path(path) if path is not None else DEFAULT_CONFIG
    text = _read(config_path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        place = f" på rad {where[1]}, tecken {where[2]}" if where else " i slutet av filen" \
            if "end of document" in str(exc) else ""
        line = text.splitlines()[int(where[1]) - 1] if where else ""
        if re.search(r'"[^"]*\\', line):  # a Windows path in "…", where \ starts an escape
            raise ConfigError(
                f"Konfigurationsfilen {config_path} har ett skrivfel{place}: inom dubbla "
                "citattecken läses \\ som början på ett specialtecken. Skriv en sökväg inom "
                f"enkla citattecken, t.ex. {_single_quoted(line)}, eller med / i stället för "
                "\\."
            ) from exc
        raise ConfigError(
            f"Konfigurationsfilen {config_path} har ett skrivfel{place}. Kontrollera "
            'citattecken, likhetstecken och hakparenteser, t.ex. period = "2024-T2".'
        ) from exc

    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(
            f"Konfigurationsfilen {config_path} har okända nycklar: {', '.join(unknown)}. "
            f"Giltiga nycklar är {', '.join(sorted(KNOWN_KEYS))}."
        )
    values = _Values(config_path, text, data)
    base = config_path.resolve().parent

    def folder(key: str, default: str) -> Path:
        return (base / values.path(key, default)).resolve()

    if "register" not in data and overrides.get("register") is None:
        raise ConfigError(
            f'Konfigurationsfilen {config_path} saknar nyckeln "register". Lägg till en rad '
            'med registrets sökväg, t.ex. register = "register.xlsx", eller ange --register FIL.'
        )
    settings = Settings(
        register=folder("register", ""),
        inbox=folder("inbox", "inbox"),
        outbox=folder("outbox", "outbox"),
        archive=folder("archive", "archive"),
        period=values.period(),
        collecting=values.period(),
        report=values.boolean("report", True),
        report_activities=values.choice("report_activities", REPORT_ACTIVITIES, "all"),
        settle_seconds=values.seconds("settle_seconds", 300.0),
        lock_wait_seconds=values.seconds("lock_wait_seconds", 10.0),
        config_path=config_path.resolve(),
    )
    return settings.with_overrides(**overrides)


def _read(config_path: Path) -> str:
    if config_path.is_dir():
        raise ConfigError(
            f"Konfigurationsfilen {config_path} är en mapp, inte en fil. Ange själva filen, "
            f"t.ex. --config {config_path / DEFAULT_CONFIG.name}."
        )
    if not config_path.is_file():
        raise ConfigError(
            f"Konfigurationsfilen {config_path} finns inte. Ange den med --config SÖKVÄG eller "
            "kör kommandot i mappen där pipeline.toml ligger."
        )
    try:
        return config_path.read_text(encoding="utf-8-sig")  # a BOM (Notepad, PowerShell 5)
    except PermissionError:
        raise ConfigError(
            f"Konfigurationsfilen {config_path} går inte att läsa: behörighet saknas. Ge "
            "kontot som kör kommandot läsrätt till filen."
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"Konfigurationsfilen {config_path} är inte sparad som UTF-8-text. Spara den som "
            "UTF-8 (i Anteckningar: Spara som > Kodning: UTF-8)."
        ) from None


def _single_quoted(line: str) -> str:
    """A line such as register = "D:\\mål\\register.xlsx" with its string in single quotes,
    where TOML reads a backslash as it is."""
    return re.sub(r'"([^"]*)"', r"'\1'", line.strip(), count=1)


class _Values:
    """The file's values, each checked for its type; a wrong one names key, value and line."""

    def __init__(self, path: Path, text: str, data: dict[str, object]) -> None:
        self.path_, self.text, self.data = path, text, data

    def wrong(self, key: str, problem: str, remedy: str) -> ConfigError:
        line = re.search(rf"^[ \t]*(?:{key}|\"{key}\"|'{key}')[ \t]*=", self.text, re.MULTILINE)
        where = f", rad {self.text.count(chr(10), 0, line.start()) + 1}" if line else ""
        return ConfigError(f"Konfigurationsfilen {self.path_}{where}: {key} = "
                           f"{toml_value(self.data[key])} {problem}. {remedy}")

    def path(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or (key in self.data and not value.strip()):
            problem = "är tom" if isinstance(value, str) else "är inte en sökväg"
            raise self.wrong(key, problem, "Skriv sökvägen inom citattecken, t.ex. "
                                           f"{key} = {EXAMPLES[key]}.")
        if re.search("[\x00-\x1f]", value):  # "C:\temp\register.xlsx": a tab and a CR
            raise self.wrong(key, "har \\ inom dubbla citattecken, där \\t, \\n och \\r blir "
                             "specialtecken", "Skriv sökvägen inom enkla citattecken, "
                             f"{key} = '{toml_value(value, 200)[1:-1]}', eller med / i stället "
                             "för \\.")
        return value

    def period(self) -> str | None:
        value = self.data.get("period")
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.wrong("period", "är inte en period", "Skriv perioden inom citattecken "
                             f'som {PERIOD_FORM}, t.ex. period = "2024-T2".')
        if not re.match(PERIOD_PATTERN, period_code(value)):
            raise self.wrong("period", "har fel format", f"Skriv den som {PERIOD_FORM}, "
                             't.ex. period = "2024-T2".')
        return period_code(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.wrong(key, "är inte true eller false", f"Skriv {key} = true eller "
                             f"{key} = false, utan citattecken.")
        return value

    def choice(self, key: str, choices: Mapping[str, str], default: str) -> str:
        value = self.data.get(key, default)
        if value not in choices or not isinstance(value, str):
            raise self.wrong(key, "är inget av de tillåtna värdena",
                             f"Skriv {allowed_values(key, choices)}, inom citattecken.")
        return value

    def seconds(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or value < 0:
            raise self.wrong(key, "är inte ett antal sekunder", "Skriv ett tal, 0 eller "
                             f"större, utan citattecken, t.ex. {key} = {EXAMPLES[key]}.")
        return float(value)


def toml_value(value: object, limit: int = 60) -> str:
    """A value as it reads in the file (strings quoted, true/false, lists in brackets)."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        shown = f"[{', '.join(toml_value(item, limit) for item in value)}]"
    elif isinstance(value, dict):
        items = ", ".join(f"{k} = {toml_value(v, limit)}" for k, v in value.items())
        shown = f"{{ {items} }}" if items else "{}"
    elif isinstance(value, float) and not math.isfinite(value):
        shown = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    elif isinstance(value, dt.date | dt.time):
        shown = value.isoformat()
    else:
        shown = str(value)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"
