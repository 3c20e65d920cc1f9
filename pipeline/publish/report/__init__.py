"""Merged goal register → the committee's tertial report (.docx), in the shape of Ånge's
annual goal report: a title page, an introduction to the four assessments, a chapter per KF
goal with each KS goal's assessment, analysis and activity table, a summary, sick leave and
budget.

Only real Word styles carry the look (Title, Heading 1–2, Caption, a table style and four
named paragraph styles), so a municipality can restyle the report with its own template.
Department text goes in as plain text runs. The same inputs give the same bytes: document
dates are `as_of`, the zip entries carry a fixed time and the charts are rendered with fixed
settings.

chapters writes the text, chapter by chapter, in the phrasing of text; blocks holds the
tables, captions and fields it is built of, charts the two figures, and document the Word
document around it all (template, styles, the saved package).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection
from pathlib import Path

from ...merge import Merged
from ...register import Register
from .chapters import _ReportWriter
from .document import _fixed_zip, _open


def write_report(path: Path, register: Register, merged: Merged, *, as_of: dt.datetime,
                 template: Path | None = None, refused: Collection[str] = (),
                 activities: str = "all", previous: Merged | None = None) -> None:
    """Write the tertial report .docx to path (the caller wraps it in an atomic write).
    refused: departments that handed in only refused files (said apart from those that sent
    nothing). activities: "all" lists every activity under its goal, "deviations" only those
    not going to plan (pipeline.toml's report_activities). previous: the period before,
    merged (as the workbook gets it), for the sick leave's change since then."""
    Path(path).write_bytes(build_report(register, merged, as_of=as_of, template=template,
                                        refused=refused, activities=activities,
                                        previous=previous))


def build_report(register: Register, merged: Merged, *, as_of: dt.datetime,
                 template: Path | None = None, refused: Collection[str] = (),
                 activities: str = "all", previous: Merged | None = None) -> bytes:
    if activities not in ("all", "deviations"):
        raise ValueError(f"activities must be 'all' or 'deviations', not {activities!r}")
    doc = _open(template)
    _ReportWriter(doc, register, merged, as_of, own_footer=template is None,
                  refused=refused, deviations_only=activities == "deviations",
                  previous=previous).write()
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue(), as_of)
