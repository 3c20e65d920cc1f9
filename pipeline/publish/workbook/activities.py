"""Aktiviteter: every activity and reporting department, with its status, comment, previous
status and flags."""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from ...labels import NOT_REPORTED, OUTPUT_COLUMNS, OutputSheet, WorkbookText, first_period
from ...merge import FAR_AHEAD_DAYS, FLAG_TEXT, Flag
from .cells import _text
from .layout import _Column, _Context, _name_width, _notes, _page, _table
from .styles import FLAG_FILL, GREY_TEXT, NAME_FONT_SIZE, NOT_REPORTED_FILL

OS, WT = OutputSheet, WorkbookText


# Cell styles many rows share (never changed: _table only reads them).
SMALL_TEXT: dict[str, Any] = {"font_size": NAME_FONT_SIZE}
UNREPORTED_STYLE: dict[str, Any] = {"italic": True, "font_color": GREY_TEXT,
                                    "bg_color": NOT_REPORTED_FILL}
FLAG_STYLE: dict[str, Any] = {"bold": True, "bg_color": FLAG_FILL}


def _write_activities(sheet: Worksheet, ctx: _Context) -> None:
    _page(sheet, ctx)
    widths = {"activity_id": 11.5, "ks_ids": 8.5, "title": 30,
              "department": _name_width(ctx, 19),
              "start": 10, "end": 10, "status": 18, "comment": 44, "previous_status": 18,
              "flags": 20}
    kinds = {"start": "date", "end": "date"}
    columns = [_Column(header, key, widths[key], kinds.get(key, "text"))
               for header, key in OUTPUT_COLUMNS[OS.ACTIVITIES].items()]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    acts = ctx.merged.activities
    fields = ("activity_id", "ks_ids", "title", "department", "start", "end", "status",
              "comment", "previous_status", "flags")
    # The four styles a row can have (not reported? flagged?), each one dict that its rows
    # share: _table finds a shared style's Formats once.
    row_styles = {(unreported, flagged): {"department": SMALL_TEXT,
                                          **({"status": UNREPORTED_STYLE} if unreported else {}),
                                          **({"flags": FLAG_STYLE} if flagged else {})}
                  for unreported in (False, True) for flagged in (False, True)}
    rows = []
    # A department's name and a set of flags' text, once each: 15 000 rows have a few
    # hundred departments and a handful of flag combinations.
    names: dict[object, str] = {}
    flag_texts: dict[tuple[Flag, ...], str] = {}
    # Plain lists zipped: far cheaper than itertuples' named tuples over 15 000 rows.
    for (activity_id, ks_ids, title, department, start, end, status, comment, previous_status,
         flags) in zip(*(acts[name].tolist() for name in fields), strict=True):
        status = status if isinstance(status, str) else None
        flags = tuple(flags)
        shown_flags = flag_texts.get(flags)
        if shown_flags is None:
            shown_flags = flag_texts[flags] = "\n".join(
                FLAG_TEXT[f] for f in flags if f != Flag.NOT_REPORTED)
        name = names.get(department)
        if name is None:
            name = names[department] = ctx.name(department)
        rows.append({
            "activity_id": activity_id, "ks_ids": "; ".join(ks_ids), "title": title,
            "department": name, "start": start, "end": end,
            "status": status or NOT_REPORTED,
            "comment": comment if type(comment) is str else _text(comment),
            "previous_status": previous_status if type(previous_status) is str
            else _text(previous_status),
            "flags": shown_flags,
            "_style": row_styles[status is None, bool(shown_flags)],
        })
    last = _table(sheet, ctx, 0, columns, rows, empty=WT.NO_ACTIVITIES)
    sheet.freeze_panes(1, 0)
    notes = [WT.FLAG_NOTE.format(dagar=FAR_AHEAD_DAYS)]
    earlier = ctx.register.previous_period(ctx.merged.period)
    if ctx.previous is None and earlier is not None:  # an empty column, said why
        notes.append(WT.NO_PREVIOUS_STATUS.format(period=earlier))
    elif earlier is None and ctx.merged.activities["previous_status"].map(
            lambda s: isinstance(s, str)).any():
        notes.append(WT.LAST_YEAR_STATUS.format(första=first_period(ctx.merged.period)))
    _notes(sheet, ctx, last + 2, columns, notes)
