"""The orchestrator: wires the stages for each command. The CLI calls only these functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .errors import ConfigError, NotBuiltYet
from .issues import Report, make
from .register import Register, read_register
from .validate import SubmissionData


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


@dataclass
class FileResult:
    path: Path
    report: Report
    data: SubmissionData | None = None
    feedback_path: Path | None = None


def validate_files(settings: Settings, files: Sequence[Path],
                   feedback_dir: Path | None = None) -> list[FileResult]:
    """Check files as the nightly run would, without archiving anything."""
    from .intake import parse_submission
    from .validate import validate

    register = read_register(settings.register)
    period = require_period(settings, register)
    results = []
    for path in files:
        try:
            content = path.read_bytes()
        except OSError as exc:
            report = Report(file=path.name)
            report.add(make("file_corrupt", fil=path.name, orsak=exc.strerror or "kan inte läsas"))
            results.append(FileResult(path, report))
            continue
        submission = parse_submission(content, name=path.name)
        report, data = validate(submission, register, period,
                                own_activities=load_own_activities(settings))
        result = FileResult(path, report, data)
        if feedback_dir is not None and not report.accepted:
            from .publish.feedback import write_feedback

            result.feedback_path = write_feedback(report, content, feedback_dir)
        results.append(result)
    return results


def load_own_activities(settings: Settings):  # type: ignore[no-untyped-def]
    """Activities departments added in earlier periods (from the archive; nightly-run seam)."""
    return None


def nightly_run(settings: Settings, progress=None):  # type: ignore[no-untyped-def]
    raise NotBuiltYet("pipeline run är inte byggt ännu.")


def submission_status(settings: Settings):  # type: ignore[no-untyped-def]
    raise NotBuiltYet("pipeline status är inte byggt ännu.")


def write_report(settings: Settings, docx_template: Path | None = None) -> Path:
    raise NotBuiltYet("pipeline report är inte byggt ännu.")
