"""pipeline.toml and command-line overrides → Settings."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError
from .labels import PERIOD_PATTERN

DEFAULT_CONFIG = Path("pipeline.toml")


@dataclass(frozen=True)
class Settings:
    register: Path
    inbox: Path
    outbox: Path
    archive: Path
    period: str | None = None
    report: bool = True
    # A file changed more recently than this is left for the next night (still being written).
    settle_seconds: float = 300.0
    # How long a second run waits for the lock before giving up with exit code 2.
    lock_wait_seconds: float = 10.0
    config_path: Path | None = None

    def with_overrides(self, **overrides: object) -> Settings:
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in ("register", "inbox", "outbox", "archive"):
            if key in given:
                given[key] = Path(given[key]).resolve()  # type: ignore[arg-type]
        if "period" in given:
            check_period(str(given["period"]))
        return replace(self, **given)  # type: ignore[arg-type]


def check_period(period: str) -> str:
    if not re.match(PERIOD_PATTERN, period):
        raise ConfigError(
            f'Perioden "{period}" har fel format. Skriv den som ÅÅÅÅ-T1, ÅÅÅÅ-T2 eller ÅÅÅÅ-T3, '
            "t.ex. 2024-T2."
        )
    return period


def load_settings(path: Path | str | None = None) -> Settings:
    """Read the config file; relative paths are taken from the file's own folder."""
    config_path = Path(path) if path is not None else DEFAULT_CONFIG
    if not config_path.is_file():
        raise ConfigError(
            f"Konfigurationsfilen {config_path} finns inte. Ange den med --config SÖKVÄG eller "
            "kör kommandot i mappen där pipeline.toml ligger."
        )
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        place = f" på rad {where[1]}, tecken {where[2]}" if where else " i slutet av filen" \
            if "end of document" in str(exc) else ""
        raise ConfigError(
            f"Konfigurationsfilen {config_path} har ett skrivfel{place}. Kontrollera "
            'citattecken, likhetstecken och hakparenteser, t.ex. period = "2024-T2".'
        ) from exc

    base = config_path.resolve().parent
    known = {"register", "inbox", "outbox", "archive", "period", "report", "settle_seconds",
             "lock_wait_seconds"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"Konfigurationsfilen {config_path} har okända nycklar: {', '.join(unknown)}. "
            f"Giltiga nycklar är {', '.join(sorted(known))}."
        )
    if "register" not in data:
        raise ConfigError(f'Konfigurationsfilen {config_path} saknar nyckeln "register".')

    def folder(key: str, default: str) -> Path:
        return (base / str(data.get(key, default))).resolve()

    period = data.get("period")
    if period is not None:
        check_period(str(period))
    return Settings(
        register=folder("register", ""),
        inbox=folder("inbox", "inbox"),
        outbox=folder("outbox", "outbox"),
        archive=folder("archive", "archive"),
        period=None if period is None else str(period),
        report=bool(data.get("report", True)),
        settle_seconds=float(data.get("settle_seconds", 300.0)),
        lock_wait_seconds=float(data.get("lock_wait_seconds", 10.0)),
        config_path=config_path.resolve(),
    )
