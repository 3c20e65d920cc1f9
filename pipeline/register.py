"""The controller's register workbook → Register (validated frames and lookups).

A broken register stops everything with a RegisterError that lists every problem by sheet,
row and column; it is never half-used. What a real plan holds but need not stop anyone (an
activity without a start date, a goal without activities) is a remark on the Register instead:
the controller is told, the templates and the night go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from schemas import register as schemas

from .archive import touch_used
from .errors import RegisterError, UnknownPeriod
from .filenames import is_windows_device
from .issues import Issue, make
from .labels import (
    AMOUNT_UNIT_SPELLINGS,
    AMOUNT_UNITS,
    BUDGET_CATEGORIES,
    GOAL_AREAS,
    GOAL_TYPES,
    PERIOD_MONTHS,
    PERIOD_NAMES,
    REGISTER_COLUMNS,
    REGISTER_OPTIONAL,
    REGISTER_SOURCE,
    WHOLE_ORGAN_CODE,
    RegisterSheet,
    SettingKey,
    swedish_list,
)
from .normalize import clean_text, fold_unit, parse_date, parse_number
from .sheets import Table, fold_header, read_table, schema_issues

S = RegisterSheet
TABLE_CODES = {"missing": "register_column_missing", "renamed": "", "extra": "",
               "duplicate": "register_duplicate_header"}
SCHEMA_CODES = {"not_nullable": "register_required", "str_matches": "register_bad_id",
                "isin": "register_bad_choice", "greater_than_or_equal_to": "register_negative",
                "less_than_or_equal_to": "register_bad_number",
                "field_uniqueness": "register_duplicate_id"}

# How each register column is parsed before the schema sees it.
# How each column is read. Harmless variants a controller types are read as meant: a
# department code in lower case ("soc", "Soc "), a choice in another case ("barn och unga").
KINDS: dict[str, dict[str, str]] = {
    S.DEPARTMENTS: {"code": "department", "name": "text"},
    S.PERIODS: {"period": "code", "period_end": "date", "deadline": "date"},
    S.COUNCIL_GOALS: {"kf_id": "code", "title": "text"},
    S.BOARD_GOALS: {"ks_id": "code", "kf_id": "code", "title": "text", "area": "area",
                    "goal_type": "goal_type", "owner": "department"},
    S.ACTIVITIES: {"activity_id": "code", "ks_ids": "list", "title": "text",
                   "description": "longtext", "start": "date", "end": "date",
                   "responsible": "departments"},
    S.BUDGET: {"department": "department", "category": "category", "budget": "number"},
    S.BASELINES: {"department": "department", "date": "date", "sick_leave_pct": "percent"},
}
MODELS: dict[str, type[pa.DataFrameModel]] = {
    S.DEPARTMENTS: schemas.Departments, S.PERIODS: schemas.Periods,
    S.COUNCIL_GOALS: schemas.CouncilGoals, S.BOARD_GOALS: schemas.BoardGoals,
    S.ACTIVITIES: schemas.Activities, S.BUDGET: schemas.Budget, S.BASELINES: schemas.Baselines,
}
ID_HELP = {
    "code": "Avdelningskoden ska vara 2–12 versaler eller siffror, t.ex. SOC.",
    "ks_id": "Mål-id skrivs som siffror med punkt emellan, t.ex. 3.1.2.",
    "kf_id": "Mål-id skrivs som siffror med punkt emellan, t.ex. 3.1.",
    "activity_id": "Aktivitets-id ska börja med en bokstav, t.ex. A3.1.1-01.",
    "period": "Perioden skrivs ÅÅÅÅ-T1, ÅÅÅÅ-T2 eller ÅÅÅÅ-T3.",
}


CHOICES = {"area": GOAL_AREAS, "goal_type": GOAL_TYPES, "category": BUDGET_CATEGORIES}


def _hints(column: str) -> dict[str, object]:
    """Column-specific words for schema messages: the expected format or the valid choices."""
    return {"hjälp": ID_HELP.get(column, ""), "lista": ", ".join(CHOICES.get(column, ()))}


@dataclass(frozen=True)
class RegisterSettings:
    municipality: str
    organ: str
    year: int
    unit: str
    # optional, for the decision memo: the municipality's vision (its paragraphs, a line each)
    # and its focus areas, in the register's order
    vision: str | None = None
    focus_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Register:
    source: Path
    checksum: str
    settings: RegisterSettings
    departments: pd.DataFrame  # code, name
    periods: pd.DataFrame  # period, period_end, deadline
    council_goals: pd.DataFrame  # kf_id, title
    board_goals: pd.DataFrame  # ks_id, kf_id, title, area, goal_type, owner
    activities: pd.DataFrame  # activity_id, ks_ids (tuple), title, description, start, end,
    #                           responsible (tuple)
    budget: pd.DataFrame  # department, category, budget
    baselines: pd.DataFrame  # department, date, sick_leave_share
    # warnings about the register itself, in sheet and row order (see `remarks`)
    remarks: tuple[Issue, ...] = ()

    @property
    def committee_remarks(self) -> list[Issue]:
        """The remarks that change what the committee reads (an activity that cannot be
        flagged as late, a goal without a suggestion), as Datakvalitet lists them: under
        "Registret" and the register's file name. Spaces around codes are the controller's
        alone."""
        return [replace(r, department=REGISTER_SOURCE, file=self.source.name)
                for r in self.remarks if r.code not in CONTROLLER_ONLY]

    # Lookups are derived once: the frames are never changed after reading, and a night asks
    # for the codes hundreds of times.
    @cached_property
    def department_names(self) -> dict[str, str]:
        return dict(zip(self.departments["code"], self.departments["name"], strict=True))

    @cached_property
    def department_codes(self) -> list[str]:
        return list(self.departments["code"])

    @cached_property
    def period_ids(self) -> list[str]:
        return list(self.periods["period"])

    def period(self, period: str) -> pd.Series:
        row = self._period_rows.get(period)
        if row is None:
            raise UnknownPeriod(
                f"Perioden {period} finns inte i registret ({self.source.name}). Välj en av: "
                f"{', '.join(self.period_ids)}."
            )
        return row

    @cached_property
    def _period_rows(self) -> dict[str, pd.Series]:
        """Each period's row, found once: every department file asks for its period."""
        return {period: self.periods.iloc[i] for i, period in enumerate(self.period_ids)}

    def previous_period(self, period: str) -> str | None:
        ids = self.period_ids
        index = ids.index(period) if period in ids else -1
        return ids[index - 1] if index > 0 else None

    def next_period(self, period: str) -> str | None:
        """The register's period after `period`; None after the year's last."""
        ids = self.period_ids
        index = ids.index(period) if period in ids else len(ids)
        return ids[index + 1] if index + 1 < len(ids) else None

    def activities_for(self, department: str) -> pd.DataFrame:
        return self._of_department("activities", department, self.activities)

    def goals_owned_by(self, department: str) -> pd.DataFrame:
        return self._of_department("goals", department, self.board_goals)

    def budget_for(self, department: str) -> pd.DataFrame:
        return self._of_department("budget", department, self.budget)

    def _of_department(self, kind: str, department: str, frame: pd.DataFrame) -> pd.DataFrame:
        rows = self._department_rows[kind].get(department)
        return frame.iloc[0:0] if rows is None else frame.iloc[rows]

    def department_positions(self, kind: str, department: str) -> list[int]:
        """The positions of a department's rows in activities, board_goals ("goals") or
        budget, in the order of its frame from activities_for, goals_owned_by, budget_for."""
        return self._department_rows[kind].get(department, [])

    @cached_property
    def _department_rows(self) -> dict[str, dict[str, list[int]]]:
        """Each department's rows (positions) in activities, goals and budget, found once: a
        night with many departments asks for them once per file, `validate` for one."""
        responsible = self.activities["responsible"].reset_index(drop=True).explode()
        return {
            "activities": {code: sorted(set(rows)) for code, rows in
                           _positions(responsible).items()},
            "goals": _positions(self.board_goals["owner"].reset_index(drop=True)),
            "budget": _positions(self.budget["department"].reset_index(drop=True)),
        }

    @cached_property
    def activity_ids(self) -> frozenset[str]:
        return frozenset(self.activities["activity_id"])

    @cached_property
    def goal_ids(self) -> list[str]:
        return list(self.board_goals["ks_id"])


def _positions(column: pd.Series) -> dict[str, list[int]]:
    """Value → the positions of the rows holding it, in order (an exploded column repeats a
    row's position once per value)."""
    at: dict[str, list[int]] = {}
    for position, value in zip(column.index, column.tolist(), strict=True):
        at.setdefault(value, []).append(position)
    return at


def read_register(path: Path | str, cache_dir: Path | None = None) -> Register:
    """Read and validate the register; with cache_dir, a register already validated (same
    bytes, same code) is loaded from there instead of parsed again."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        reason = ("filen finns inte" if isinstance(exc, FileNotFoundError) else
                  "behörighet saknas" if isinstance(exc, PermissionError) else
                  "filen gick inte att öppna")
        raise RegisterError(path, [make("register_unreadable", fil=path, orsak=reason)]) \
            from exc
    checksum = hashlib.sha256(content).hexdigest()
    cache = cache_dir / f"register-{checksum[:16]}-{code_key()}.pkl" if cache_dir else None
    if cache is not None and cache.exists():
        try:
            with open(cache, "rb") as handle:
                register = replace(pickle.load(handle), source=path)  # our own file
            touch_used(cache)
            return register
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    from .intake import open_rows  # the one place that opens xlsx files

    try:
        sheets = open_rows(io.BytesIO(content))
    except Exception as exc:  # any reader failure means the register is unusable
        raise RegisterError(
            path, [make("register_unreadable", fil=path.name,
                        orsak="den är inte en Excel-arbetsbok eller är skadad")]
        ) from exc
    register = parse_register(sheets, source=path, checksum=checksum)
    if cache is not None:
        from .atomic import atomic_write

        try:
            with atomic_write(cache) as tmp:
                tmp.write_bytes(pickle.dumps(register, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written costs time, not correctness
    return register


def code_key() -> str:
    """Changes to how the register is read (or worded, or what its messages mask) invalidate
    cached registers."""
    digest = hashlib.sha256()
    here = Path(__file__)
    for module in (here, Path(schemas.__file__), *(here.with_name(name) for name in (
            "labels.py", "issues.py", "identity.py", "filenames.py"))):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:12]


def parse_register(sheets: dict[str, list[list[object]]], *, source: Path,
                   checksum: str) -> Register:
    """Validate the register's sheets (rows of cell values) and build the Register."""
    issues: list[Issue] = []
    frames: dict[str, pd.DataFrame] = {}
    # a tab named in another case or with a stray space ("KS-Mål", "Aktiviteter ") is the tab
    by_fold = {fold_header(name): name for name in sheets}
    sheets = {**sheets, **{sheet: sheets[by_fold[fold_header(sheet)]]
                           for sheet in REGISTER_COLUMNS
                           if sheet not in sheets and fold_header(sheet) in by_fold}}
    for sheet, columns in REGISTER_COLUMNS.items():
        if sheet not in sheets:
            renamed = _renamed_sheet(sheet, sheets)
            issues.append(make("register_sheet_renamed", sheet=sheet, namn=renamed)
                          if renamed else
                          make("register_sheet_missing", sheet=sheet,
                               rubriker=", ".join(f'"{c}"' for c in columns)))
            continue
        optional = [c for (s, c) in REGISTER_OPTIONAL if s == sheet]
        table = read_table(sheet, sheets[sheet], columns, optional=optional, codes=TABLE_CODES)
        issues.extend(table.issues)
        if any(i.is_error for i in table.issues):
            continue
        if not table.rows:
            issues.append(make("register_empty_sheet", sheet=sheet))
            continue
        if sheet == S.SETTINGS:
            frames[sheet] = _settings_frame(table)
            frames[f"{sheet}#table"] = table  # type: ignore[assignment]
            continue
        frame, parse_issues, skip = _parse(table, KINDS[sheet], columns)
        issues.extend(parse_issues)
        try:
            MODELS[sheet].validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            issues.extend(schema_issues(exc.failure_cases, table, columns, SCHEMA_CODES, skip,
                                        values=frame, extra=_hints))
        frames[sheet] = _text_as_objects(frame, KINDS[sheet])
        frames[f"{sheet}#table"] = table  # type: ignore[assignment]

    settings = None
    if S.SETTINGS in frames:
        settings, setting_issues = _settings(
            frames[S.SETTINGS], frames[f"{S.SETTINGS}#table"])  # type: ignore[arg-type]
        issues.extend(setting_issues)
    if len([s for s in REGISTER_COLUMNS if s in frames]) == len(REGISTER_COLUMNS):
        issues.extend(_cross_checks(frames, settings))
        issues.extend(_remarks(frames, settings))
    order = {sheet: i for i, sheet in enumerate(REGISTER_COLUMNS)}
    issues.sort(key=lambda i: (order.get(i.sheet or "", 99), i.row or 0))
    errors = [i for i in issues if i.is_error]
    remarks = tuple(i for i in issues if not i.is_error)
    if errors or settings is None:
        raise RegisterError(source, errors, remarks)

    def clean(sheet: str) -> pd.DataFrame:
        return frames[sheet].reset_index(names="row")

    baselines = clean(S.BASELINES).rename(columns={"sick_leave_pct": "sick_leave_share"})
    return Register(
        source=source, checksum=checksum, settings=settings,
        departments=clean(S.DEPARTMENTS),
        # in period order whatever the rows' order: the previous period is the one before
        periods=clean(S.PERIODS).sort_values("period", kind="stable", ignore_index=True),
        council_goals=clean(S.COUNCIL_GOALS), board_goals=clean(S.BOARD_GOALS),
        activities=clean(S.ACTIVITIES), budget=clean(S.BUDGET), baselines=baselines,
        remarks=remarks,
    )


def _renamed_sheet(sheet: str, sheets: dict[str, list[list[object]]]) -> str | None:
    """A tab that is not one of the register's but holds the missing one's name
    ("Aktiviteter 2025", "KS-mål (ny)"): the tab, renamed."""
    wanted = fold_header(sheet)
    return next((name for name in sheets if name not in REGISTER_COLUMNS
                 and wanted in fold_header(name)), None)


def _parse(table: Table, kinds: dict[str, str], columns: dict[str, str]
           ) -> tuple[pd.DataFrame, list[Issue], set[tuple[int, str]]]:
    """Parse the sheet a column at a time; unreadable and empty required cells become
    issues (and are skipped by the schema's messages). Text columns keep the dtype pandas
    infers (see _text_as_objects)."""
    swedish = {en: sv for sv, en in columns.items()}
    rows = [row for row, _ in table.rows]
    records = [values for _, values in table.rows]
    issues: list[Issue] = []
    skip: set[tuple[int, str]] = set()
    data: dict[str, list[object]] = {}
    for name, kind in kinds.items():
        # an optional column left out of the sheet is read as empty
        raws = (list(map(itemgetter(name), records)) if name in table.columns
                else [None] * len(records))
        values = _parse_column(raws, CELL_PARSERS[kind])
        data[name] = values
        if kind in CODE_KINDS:
            issues.extend(_spaced_codes(table, name, swedish[name], rows, raws))
        if None not in values:
            continue  # the common case: every cell read
        required = name in table.columns and kind != "longtext" and \
            (table.sheet, name) not in MAY_BE_EMPTY
        for row, raw, value in zip(rows, raws, values, strict=True):
            if value is not None:
                continue
            if _unreadable(kind, raw):
                issues.append(make(BAD_VALUE_CODES[kind], sheet=table.sheet,
                                   cell=table.cell(name, row), found=clean_text(raw),
                                   kolumn=swedish[name]))
            elif required:
                issues.append(make("register_required", sheet=table.sheet,
                                   cell=table.cell(name, row), kolumn=swedish[name], rad=row))
            else:
                continue
            skip.add((row, name))
    frame = pd.DataFrame(data, index=pd.Index(rows, name="row"))
    for name, kind in kinds.items():
        if kind in ("number", "percent"):
            frame[name] = frame[name].astype(float)
    if "sick_leave_pct" in frame:
        frame = frame.rename(columns={"sick_leave_pct": "sick_leave_share"})
    return frame, issues, skip


def _text_as_objects(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """Text columns as Python objects, as the rest of the pipeline reads them. Only after
    validation: pandera checks pandas' own string dtype at once, an object column cell by
    cell."""
    return frame.astype({name: object for name, kind in kinds.items() if kind in TEXT_KINDS})


TEXT_KINDS = ("code", "text", "longtext", "department", *CHOICES)
# Ids and codes: a space typed around one is read away, and remarked on (`_spaced_codes`).
CODE_KINDS = ("code", "list", "department", "departments")
# Cells a real plan leaves empty: a remark each (`_remarks`), not a refusal.
MAY_BE_EMPTY = {(S.ACTIVITIES, "start"), (S.ACTIVITIES, "end")}


# Cell types whose values only ever equal values of the same type, so they can be dict keys
# without 1, 1.0 and True (or 0.0 and -0.0), which read differently, becoming one key.
DISTINCT_AS_KEYS = {str, type(None), dt.date, dt.datetime}


def _parse_column(raws: list[object], parse: Callable[[object], object]) -> list[object]:
    """A column's cells parsed; None for an empty or unreadable cell."""
    if set(map(type, raws)) <= DISTINCT_AS_KEYS:
        # each distinct cell is parsed once: a register repeats its goal ids, department
        # codes, dates and often its texts thousands of times
        known = {raw: parse(raw) for raw in dict.fromkeys(raws)}
        return list(map(known.__getitem__, raws))
    return list(map(parse, raws))


def _as_text(raw: object) -> str | None:
    return clean_text(raw) or None


def _as_longtext(raw: object) -> str | None:
    return clean_text(raw, multiline=True) or None


def _as_list(raw: object) -> tuple[str, ...] | None:
    """Several ids or codes in one cell: separated by ";" (SPEC), or by "," as people also
    write them (no id or code holds a comma)."""
    return tuple(p.strip() for p in re.split(r"[;,]", clean_text(raw)) if p.strip()) or None


def _as_department(raw: object) -> str | None:
    return clean_text(raw).upper() or None


def _as_departments(raw: object) -> tuple[str, ...] | None:
    return tuple(code.upper() for code in _as_list(raw) or ()) or None


def _as_choice(choices: Sequence[str]) -> Callable[[object], str | None]:
    """One of `choices` whatever its case and spacing; anything else as typed (the schema
    then names the valid ones)."""
    by_fold = {fold_header(choice): choice for choice in choices}

    def parse(raw: object) -> str | None:
        text = clean_text(raw)
        return by_fold.get(fold_header(text), text) or None
    return parse


def _as_date(raw: object) -> object:
    return parse_date(raw)[0]


def _as_number(raw: object) -> object:
    return parse_number(raw)[0]


# Sick leave as a share of working time: a baseline from this share up is no share but a
# per cent typed without a % format (9.11 means 9.11 %, and a small unit's 0.8 means 0.8 %,
# not 80 %). A share formatted as % in Excel is stored as 0.0911 and stays as it is; text
# ("0,25" in a cell formatted as text) is never such a share, so it is a per cent.
PLAIN_PERCENT_FROM = 0.3


def _as_percent(raw: object) -> object:
    value = parse_number(raw)[0]
    if isinstance(raw, str) and "%" in raw:  # "0,8 %": already a share
        return value
    if isinstance(value, float) and (value >= PLAIN_PERCENT_FROM or isinstance(raw, str)):
        value /= 100
    return value


CELL_PARSERS: dict[str, Callable[[object], object]] = {
    "code": _as_text, "text": _as_text, "longtext": _as_longtext, "list": _as_list,
    "department": _as_department, "departments": _as_departments,
    **{kind: _as_choice(choices) for kind, choices in CHOICES.items()},
    "date": _as_date, "number": _as_number, "percent": _as_percent,
}
BAD_VALUE_CODES = {"date": "register_bad_date", "number": "register_bad_number",
                   "percent": "register_bad_number"}


def _unreadable(kind: str, raw: object) -> bool:
    """Whether a cell that gave no value held something that is not a date or number (rather
    than nothing at all); asked only of the few empty cells."""
    if kind == "date":
        return parse_date(raw)[1] is not None
    if kind in ("number", "percent"):
        return parse_number(raw)[1] is not None
    return False


def _settings_frame(table: Table) -> pd.DataFrame:
    rows = [(row, clean_text(v.get("key")), v.get("value")) for row, v in table.rows]
    return pd.DataFrame(rows, columns=["row", "key", "value"]).set_index("row")


UNIT_SPELLINGS = {spelling: unit for spelling, unit in AMOUNT_UNIT_SPELLINGS.items()
                  if unit in AMOUNT_UNITS}


def _settings(frame: pd.DataFrame, table: Table
              ) -> tuple[RegisterSettings | None, list[Issue]]:
    """The settings, and what is wrong with them. A key the pipeline does not know is left
    alone (a controller's own note on the sheet)."""
    issues: list[Issue] = []
    values: dict[str, tuple[int, object]] = {}
    for row, key, value in frame.itertuples():
        values[key.casefold()] = (row, value)

    def get(key: str) -> tuple[int, str] | None:
        if key.casefold() not in values or not clean_text(values[key.casefold()][1]):
            issues.append(make("register_setting_missing", sheet=S.SETTINGS, nyckel=key))
            return None
        row, value = values[key.casefold()]
        return row, clean_text(value)

    def bad(row: int, found: str, key: str, help_text: str) -> None:
        issues.append(make("register_bad_setting", sheet=S.SETTINGS,
                           cell=table.cell("value", row), found=found, nyckel=key,
                           kolumn="Värde", hjälp=help_text))

    municipality, organ, year, unit = (get(k) for k in (
        SettingKey.MUNICIPALITY, SettingKey.ORGAN, SettingKey.YEAR, SettingKey.UNIT))
    year_value = None
    if year is not None:
        try:
            year_value = int(float(year[1].replace(",", ".")))
            if not 2000 <= year_value <= 2100:
                raise ValueError
        except ValueError:
            bad(*year, SettingKey.YEAR, "Skriv året med fyra siffror, t.ex. 2024.")
    if unit is not None:  # "TKR", "Mkr", "kkr": the usual ways of writing the two units
        unit = unit[0], UNIT_SPELLINGS.get(fold_unit(unit[1]), unit[1])
    if unit is not None and unit[1] not in AMOUNT_UNITS:
        bad(*unit, SettingKey.UNIT, f"Välj en av: {', '.join(AMOUNT_UNITS)}.")
    vision = _vision(values.get(SettingKey.VISION.casefold()), table, issues)
    focus_areas = _focus_areas(values.get(SettingKey.FOCUS_AREAS.casefold()), table, issues)
    if any(i.is_error for i in issues) or not (municipality and organ and year and unit
                                               and year_value):
        return None, issues
    return RegisterSettings(municipality[1], organ[1], year_value, unit[1], vision,
                            focus_areas), issues


# What a memo setting left without a value leaves out of the memo, and how to fill it in.
EMPTY_SETTING = {
    SettingKey.VISION: ("inget avsnitt om kommunens vision",
                        "Skriv visionen i kolumnen Värde, eller ta bort raden."),
    SettingKey.FOCUS_AREAS: ("inga avsnitt om fokusområden",
                             "Skriv fokusområdenas namn i kolumnen Värde, åtskilda med "
                             'semikolon (;), t.ex. "Hållbar vardag; Hållbar hälsa", eller ta '
                             "bort raden."),
}


def _empty_setting(key: str, row: int, table: Table) -> Issue:
    leaves_out, help_text = EMPTY_SETTING[key]
    return make("register_setting_empty", sheet=S.SETTINGS, cell=table.cell("value", row),
                nyckel=key, kolumn="Värde", utan=leaves_out, hjälp=help_text)


def _vision(given: tuple[int, object] | None, table: Table, issues: list[Issue]
            ) -> str | None:
    """The vision's text, its paragraphs a line each (a line break typed in the cell starts a
    new one); None without the key. An empty value is a remark: the memo does without it."""
    if given is None:
        return None
    row, raw = given
    lines = [line.strip() for line in clean_text(raw, multiline=True).split("\n")]
    text = "\n".join(line for line in lines if line)
    if not text:
        issues.append(_empty_setting(SettingKey.VISION, row, table))
    return text or None


def _focus_areas(given: tuple[int, object] | None, table: Table, issues: list[Issue]
                 ) -> tuple[str, ...]:
    """The focus areas' names, separated by ";" (or a line break typed in the cell), in
    order. A ";" before the first or after the last is read away; an empty name between two,
    or a name given twice, is a remark, and the memo has each name once."""
    if given is None:
        return ()
    row, raw = given
    text = clean_text(raw, multiline=True)
    # a name typed with a full stop ("Hållbar vardag.") is the name: the memo's heading and
    # sentence have none, and "Hållbar vardag; Hållbar vardag." is the one area given twice
    parts = [" ".join(part.split()).rstrip(".").rstrip() for part in re.split(r"[;\n]", text)]
    while parts and not parts[-1]:
        parts.pop()
    while parts and not parts[0]:
        parts.pop(0)
    if not parts:
        issues.append(_empty_setting(SettingKey.FOCUS_AREAS, row, table))
        return ()
    names: dict[str, str] = {}  # folded: as first written
    twice: dict[str, int] = {}
    for part in filter(None, parts):
        folded = part.casefold()
        if folded in names:
            twice[names[folded]] = twice.get(names[folded], 1) + 1
        else:
            names[folded] = part
    cell = table.cell("value", row)
    listed = swedish_list(f'"{name}"' for name in names.values())
    if "" in parts:
        issues.append(make("register_focus_area_empty", sheet=S.SETTINGS, cell=cell,
                           found=" ".join(text.split()), kolumn="Värde",
                           nyckel=SettingKey.FOCUS_AREAS, namn=listed))
    issues.extend(make("register_focus_area_twice", sheet=S.SETTINGS, cell=cell,
                       kolumn="Värde", nyckel=SettingKey.FOCUS_AREAS, namn=name,
                       gånger=_times(count))
                  for name, count in twice.items())
    return tuple(names.values())


def _times(count: int) -> str:
    return {2: "två", 3: "tre", 4: "fyra", 5: "fem"}.get(count, str(count))


def _columns(frame: pd.DataFrame, *names: str) -> zip:  # type: ignore[type-arg]
    """(Excel row, value, ...) per row for the named columns; column lists are far cheaper
    than records or iterrows on a large register."""
    return zip(frame.index, *(frame[name].tolist() for name in names), strict=True)


def _given(value: object) -> bool:
    """A reference that was filled in (an empty cell is already reported as empty, and reads
    as NaN here, which is not a value to look up)."""
    return isinstance(value, str) and bool(value)


def _cross_checks(frames: dict[str, pd.DataFrame], settings: RegisterSettings | None
                  ) -> list[Issue]:
    issues: list[Issue] = []
    tables: dict[str, Table] = {s: frames[f"{s}#table"] for s in KINDS}  # type: ignore[misc]
    departments = set(frames[S.DEPARTMENTS]["code"].dropna())
    council = set(frames[S.COUNCIL_GOALS]["kf_id"].dropna())
    board = set(frames[S.BOARD_GOALS]["ks_id"].dropna())

    def unknown(sheet: str, column: str, row: int, value: object, target: str) -> None:
        label = {v: k for k, v in REGISTER_COLUMNS[sheet].items()}[column]
        issues.append(make("register_unknown_ref", sheet=sheet,
                           cell=tables[sheet].cell(column, row), found=value, kolumn=label,
                           mål_flik=target))

    for row, kf_id, owner in _columns(frames[S.BOARD_GOALS], "kf_id", "owner"):
        if _given(kf_id) and kf_id not in council:
            unknown(S.BOARD_GOALS, "kf_id", row, kf_id, S.COUNCIL_GOALS)
        owners = [part.strip() for part in re.split(r"[;,]", owner)] if _given(owner) else []
        if len(owners) > 1 and all(owners):  # "KLK;SBF": a goal shared, as activities are
            issues.append(make("register_several_owners", sheet=S.BOARD_GOALS,
                               cell=tables[S.BOARD_GOALS].cell("owner", row), found=owner,
                               kolumn="Målägare", koder=" eller ".join(owners)))
        elif _given(owner) and owner not in departments:
            unknown(S.BOARD_GOALS, "owner", row, owner, S.DEPARTMENTS)
    for row, ks_ids, responsible, start, end in _columns(
            frames[S.ACTIVITIES], "ks_ids", "responsible", "start", "end"):
        for ks in ks_ids or ():
            if ks not in board:
                unknown(S.ACTIVITIES, "ks_ids", row, ks, S.BOARD_GOALS)
        for code in responsible or ():
            if code not in departments:
                unknown(S.ACTIVITIES, "responsible", row, code, S.DEPARTMENTS)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            issues.append(make("register_end_before_start", sheet=S.ACTIVITIES,
                               cell=tables[S.ACTIVITIES].cell("end", row), found=end,
                               kolumn="Slutdatum", slut=end, start=start))
    seen_budget: dict[tuple[str, str], int] = {}
    for row, department, category in _columns(frames[S.BUDGET], "department", "category"):
        if _given(department) and department not in departments:
            unknown(S.BUDGET, "department", row, department, S.DEPARTMENTS)
        key = (department, category)
        if key in seen_budget:
            issues.append(make("register_duplicate_id", sheet=S.BUDGET,
                               cell=tables[S.BUDGET].cell("category", row),
                               found=f"{key[0]} / {key[1]}", kolumn="Avdelningskod och Kategori",
                               rader=f"{seen_budget[key]}, {row}"))
        seen_budget[key] = row
    for row, code in _columns(frames[S.BASELINES], "department"):
        if _given(code) and code not in departments and code != WHOLE_ORGAN_CODE:
            unknown(S.BASELINES, "department", row, code, S.DEPARTMENTS)
    issues.extend(_period_order(frames[S.PERIODS], tables[S.PERIODS]))
    issues.extend(_ids_alike(frames[S.ACTIVITIES], tables[S.ACTIVITIES]))
    for row, period, end, deadline in _columns(frames[S.PERIODS], "period", "period_end",
                                               "deadline"):
        if isinstance(end, dt.date) and isinstance(deadline, dt.date) and deadline < end:
            issues.append(make("register_deadline_before_end", sheet=S.PERIODS,
                               cell=tables[S.PERIODS].cell("deadline", row), found=deadline,
                               kolumn="Sista inlämningsdag", sista=deadline, slut=end))
        if settings and period and not str(period).startswith(str(settings.year)):
            issues.append(make("register_period_year", sheet=S.PERIODS,
                               cell=tables[S.PERIODS].cell("period", row), found=period,
                               kolumn="Period", år=settings.year))
    return issues


def _period_order(periods: pd.DataFrame, table: Table) -> list[Issue]:
    """Each period ends in its own year and after the one before it (by period, whatever the
    rows' order): a row copied from last year's register with its dates, or T1 and T2 ending
    on the same day, would give departments a wrong deadline and mix up the periods."""
    issues: list[Issue] = []
    known = [(period, row, end) for row, period, end in _columns(periods, "period", "period_end")
             if _given(period) and isinstance(end, dt.date)]
    before: tuple[str, dt.date] | None = None
    for period, row, end in sorted(known):
        year = int(period[:4]) if period[:4].isdigit() else None
        if year is not None and end.year != year:
            issues.append(make("register_period_end_year", sheet=S.PERIODS,
                               cell=table.cell("period_end", row), found=end,
                               kolumn="Periodslut", slut=end, år=year))
        elif before is not None and end <= before[1]:
            issues.append(make("register_period_order", sheet=S.PERIODS,
                               cell=table.cell("period_end", row), found=end,
                               kolumn="Periodslut", slut=end, period=period, före=before[0],
                               före_slut=before[1]))
        before = period, end
    return issues


def _ids_alike(activities: pd.DataFrame, table: Table) -> list[Issue]:
    """Activity ids that differ only in case ("a3.1.1-02" beside "A3.1.1-02"): two activities
    a reader cannot tell apart, and a carried-over one no longer matched by its id."""
    issues: list[Issue] = []
    first: dict[str, tuple[str, int]] = {}
    for row, activity_id in _columns(activities, "activity_id"):
        if not _given(activity_id):
            continue
        seen = first.setdefault(activity_id.casefold(), (activity_id, row))
        if seen[0] != activity_id:
            issues.append(make("register_duplicate_folded", sheet=S.ACTIVITIES,
                               cell=table.cell("activity_id", row), found=activity_id,
                               kolumn="Aktivitets-id", annat=seen[0], annan_rad=seen[1]))
    return issues


# Register remarks ---------------------------------------------------------------------------

# Remarks about how the register is typed, or about folders, not about the plan: the committee
# need not see them.
CONTROLLER_ONLY = frozenset({"register_code_spaces", "register_code_windows_device",
                             "register_department_history_lost", "register_setting_empty",
                             "register_focus_area_empty", "register_focus_area_twice"})
# More rows than this with the same remark are told in one remark that lists their rows.
MANY = 3
# Activities run over the mandate period (the 2023 report's end in 2026 at the latest): an end
# date further ahead than this is more likely a typo (2204 for 2024).
FAR_AHEAD_YEARS = 3


def _row_ranges(rows: Sequence[int]) -> str:
    """Excel rows as runs: 2–40, 42, 44–88."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _cells_text(cells: Sequence[str], shown: int = 10) -> str:
    listed = ", ".join(cells[:shown])
    return listed if len(cells) <= shown else f"{listed} och {len(cells) - shown} till"


def _spaced_codes(table: Table, name: str, label: str, rows: Sequence[int],
                  raws: Sequence[object]) -> list[Issue]:
    """One remark per column for ids and codes typed with a space before or after them
    ("SOC ", a non-breaking space pasted from Word): read as meant, and told once."""
    cells = [table.cell(name, row) for row, raw in zip(rows, raws, strict=True)
             if isinstance(raw, str) and raw != raw.strip() and raw.strip()]
    if not cells:
        return []
    return [make("register_code_spaces", sheet=table.sheet,
                 cell=cells[0] if len(cells) == 1 else None, kolumn=label,
                 vad="ett värde" if len(cells) == 1 else f"{len(cells)} värden",
                 dem="det" if len(cells) == 1 else "dem", celler=_cells_text(cells))]


def _one_or_together(table: Table, column: str, label: str,
                     found: Sequence[tuple[int, dict[str, Any]]], code: str,
                     **common: Any) -> list[Issue]:
    """A remark per row, or, for more than MANY rows, one (`code` + "_many") naming them."""
    if len(found) <= MANY:
        return [make(code, sheet=table.sheet, cell=table.cell(column, row), kolumn=label,
                     **common, **params) for row, params in found]
    return [make(f"{code}_many", sheet=table.sheet, kolumn=label, antal=len(found),
                 rader=_row_ranges([row for row, _ in found]), **common)]


def _remarks(frames: dict[str, pd.DataFrame], settings: RegisterSettings | None
             ) -> list[Issue]:
    """What a real plan holds that nobody need be stopped for. Rows already in error are
    left to their error."""
    tables: dict[str, Table] = {s: frames[f"{s}#table"] for s in KINDS}  # type: ignore[misc]
    remarks: list[Issue] = []
    activities, table = frames[S.ACTIVITIES], tables[S.ACTIVITIES]
    raw = {row: values for row, values in table.rows}
    listed = [(row, activity_id, start, end, responsible) for row, activity_id, start, end,
              responsible in _columns(activities, "activity_id", "start", "end", "responsible")
              if _given(activity_id)]

    def empty(row: int, column: str) -> bool:  # not an unreadable date, which is an error
        return column in table.columns and not clean_text(raw[row].get(column))

    if "start" not in table.columns:
        remarks.append(make("register_start_column_missing", sheet=S.ACTIVITIES))
    for position, column, label in ((2, "start", "Startdatum"), (3, "end", "Slutdatum")):
        missing = [(item[0], {"found": item[1]}) for item in listed
                   if item[position] is None and empty(item[0], column)]
        remarks += _one_or_together(table, column, label, missing,
                                    f"register_{column}_missing", alla=len(listed))
    if settings is not None:
        year = settings.year
        ahead = [(row, {"found": activity_id, "slut": end})
                 for row, activity_id, _, end, _ in listed
                 if isinstance(end, dt.date) and end.year > year + FAR_AHEAD_YEARS]
        remarks += _one_or_together(table, "end", "Slutdatum", ahead, "register_end_far_ahead",
                                    år=year, gräns=FAR_AHEAD_YEARS)
        ended = [(row, {"found": activity_id, "slut": end,
                        "ansvarig": ", ".join(responsible or ())})
                 for row, activity_id, _, end, responsible in listed
                 if isinstance(end, dt.date) and end.year < year]
        remarks += _one_or_together(table, "end", "Slutdatum", ended,
                                    "register_ended_before_year", år=year)

    # a period's end outside its tertial's months (a row given the next period's date): the
    # outputs would name "tertial 2 (maj–augusti)" beside an end in September
    for row, period, end in _columns(frames[S.PERIODS], "period", "period_end"):
        if (_given(period) and isinstance(end, dt.date) and str(period)[:4] == str(end.year)
                and end.month not in PERIOD_MONTHS.get(str(period)[-2:], range(1, 13))):
            remarks.append(make("register_period_end_months", sheet=S.PERIODS,
                                cell=tables[S.PERIODS].cell("period_end", row), found=end,
                                kolumn="Periodslut", slut=end, period=period,
                                namn=PERIOD_NAMES[str(period)[-2:]]))

    linked = {ks for ks_ids in activities["ks_ids"].tolist() for ks in ks_ids or ()}
    goals, goal_table = frames[S.BOARD_GOALS], tables[S.BOARD_GOALS]
    alone = [(row, {"found": ks_id, "ägare": owner})
             for row, ks_id, owner in _columns(goals, "ks_id", "owner")
             if _given(ks_id) and ks_id not in linked]
    remarks += _one_or_together(goal_table, "ks_id", "KS-mål-id", alone,
                                "register_goal_without_activity")

    responsible = {code for codes in activities["responsible"].tolist() for code in codes or ()}
    owners = set(goals["owner"].tolist())
    departments = tables[S.DEPARTMENTS]
    for row, code, name in _columns(frames[S.DEPARTMENTS], "code", "name"):
        if _given(code) and is_windows_device(code):  # its drop folder cannot be made
            remarks.append(make("register_code_windows_device", sheet=S.DEPARTMENTS,
                                cell=departments.cell("code", row), found=code, kod=code,
                                kolumn="Avdelningskod"))
        if _given(code) and code not in responsible:
            remarks.append(make("register_department_without_activity", sheet=S.DEPARTMENTS,
                                cell=departments.cell("code", row), found=code, kod=code,
                                namn=name, kolumn="Avdelningskod",
                                och_mål="" if code in owners else " och äger inget mål"))
    return remarks
