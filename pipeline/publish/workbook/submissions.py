"""Inlämningar and Datakvalitet: every file received, and every warning and error, in the
register's department order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...labels import NO, OUTPUT_COLUMNS, YES, OutputSheet, Severity, SubmissionState, WorkbookText
from .cells import _local, _text
from .layout import _Column, _Context, _name_width, _notes, _page, _table
from .styles import GREY_TEXT, NAME_FONT_SIZE, SEVERITY_FILL, STATE_FILL

OS, WT = OutputSheet, WorkbookText


def _order(ctx: _Context, code: object) -> int:
    """The department's place in the register; an unknown one comes last."""
    return ctx.department_order.get(code, len(ctx.department_order))


def _write_submissions(sheet: Worksheet, ctx: _Context, submissions: pd.DataFrame) -> None:
    _page(sheet, ctx)
    widths = {"department": _name_width(ctx, 18), "file": 30, "folder": 7, "received": 15,
              "saved_at": 15, "state": 15, "counts": 7, "errors": 5, "warnings": 13,
              "sha256": 52}
    kinds = {"received": "datetime", "saved_at": "datetime", "errors": "int",
             "warnings": "int"}
    columns = [_Column(h, k, widths[k], kinds.get(k, "text"))
               for h, k in OUTPUT_COLUMNS[OS.SUBMISSIONS].items()]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    records = submissions.to_dict("records") if not submissions.empty else []
    records.sort(key=lambda s: (_order(ctx, s.get("department")),
                                _local(s.get("received")) or dt.datetime.min))
    rows = []
    for sub in records:
        state = str(sub.get("state", ""))
        style: dict[str, dict[str, Any]] = {"sha256": {"font_size": 8},
                                            "counts": {"align": "center"},
                                            "department": {"font_size": NAME_FONT_SIZE}}
        if state in STATE_FILL:
            style["state"] = {"bg_color": STATE_FILL[SubmissionState(state)]}
        else:
            style["state"] = {"font_color": GREY_TEXT}
        rows.append({"department": ctx.name(sub.get("department")),
                     "file": _text(sub.get("file")), "folder": _text(sub.get("folder")),
                     "received": _local(sub.get("received")),
                     "saved_at": _local(sub.get("saved_at")), "state": state,
                     "counts": YES if bool(sub.get("counts")) else NO,
                     "errors": int(sub.get("errors") or 0),
                     "warnings": int(sub.get("warnings") or 0),
                     "sha256": _text(sub.get("sha256")), "_style": style})
    last = _table(sheet, ctx, 0, columns, rows, empty=WT.NO_FILES)
    sheet.freeze_panes(1, 0)
    # a quarantined line's note says where its file is now: still kept apart, or taken out
    # of quarantine by the administrator since (the line stays Karantän, as it was judged)
    quarantined = [s for s in records if s.get("state") == SubmissionState.QUARANTINED]
    released = [_text(s.get("file")) for s in quarantined if s.get("released")]
    _notes(sheet, ctx, last + 2, columns,
           [WT.SUBMISSIONS_NOTE,
            *([WT.QUARANTINE_NOTE] if len(released) < len(quarantined) else []),
            *([WT.RELEASED_NOTE.format(filer=", ".join(dict.fromkeys(released)))]
              if released else [])])


def _write_issues(sheet: Worksheet, ctx: _Context, issues: pd.DataFrame) -> None:
    _page(sheet, ctx)
    widths = {"department": _name_width(ctx, 18), "file": 28, "severity": 12, "sheet": 13,
              "cell": 9,
              "message": 90}
    columns = [_Column(h, k, widths[k]) for h, k in OUTPUT_COLUMNS[OS.DATA_QUALITY].items()]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    records = issues.to_dict("records") if not issues.empty else []
    severity_order = {Severity.ERROR.value: 0, Severity.WARNING.value: 1,
                      Severity.INFO.value: 2}
    indexed = sorted(enumerate(records), key=lambda item: (
        _order(ctx, item[1].get("department")), _text(item[1].get("file")),
        severity_order.get(_text(item[1].get("severity")), 3), item[0]))
    rows = []
    for _, issue in indexed:
        severity = _text(issue.get("severity"))
        fill = SEVERITY_FILL.get(Severity(severity)) if severity in severity_order \
            else None
        rows.append({"department": ctx.name(issue.get("department")),
                     "file": _text(issue.get("file")), "severity": severity,
                     "sheet": _text(issue.get("sheet")), "cell": _text(issue.get("cell")),
                     "message": _text(issue.get("message")),
                     "_style": {"severity": {"bg_color": fill} if fill else {},
                                "department": {"font_size": NAME_FONT_SIZE}}})
    _table(sheet, ctx, 0, columns, rows, empty=WT.NO_ISSUES)
    sheet.freeze_panes(1, 0)
