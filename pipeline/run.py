"""The orchestrator: wires the stages for each command. The CLI calls only these functions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import Settings
from .errors import ConfigError, NotBuiltYet
from .register import Register, read_register


def require_period(settings: Settings, register: Register) -> str:
    if settings.period is None:
        raise ConfigError("Ingen period är angiven. Ange --period, t.ex. --period 2024-T2, "
                          "eller skriv period i pipeline.toml.")
    register.period(settings.period)
    return settings.period


def make_templates(settings: Settings, departments: Sequence[str] = (),
                   out: Path | None = None) -> list[Path]:
    from .templates import write_templates

    register = read_register(settings.register)
    period = require_period(settings, register)
    out_dir = out or settings.outbox / "mallar" / period
    return write_templates(register, period, out_dir, departments or None,
                           history=load_history(settings, register, period))


def load_history(settings: Settings, register: Register, period: str):  # type: ignore[no-untyped-def]
    """The previous period's merged activities, for prefilling templates (nightly run seam)."""
    return None


def validate_files(settings: Settings, files: Sequence[Path], feedback_dir: Path | None = None):  # type: ignore[no-untyped-def]
    raise NotBuiltYet("pipeline validate är inte byggt ännu.")


def nightly_run(settings: Settings, progress=None):  # type: ignore[no-untyped-def]
    raise NotBuiltYet("pipeline run är inte byggt ännu.")


def submission_status(settings: Settings):  # type: ignore[no-untyped-def]
    raise NotBuiltYet("pipeline status är inte byggt ännu.")


def write_report(settings: Settings, docx_template: Path | None = None) -> Path:
    raise NotBuiltYet("pipeline report är inte byggt ännu.")
