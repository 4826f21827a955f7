"""Read a workbook we exported (perhaps edited in Excel or LibreOffice since) back into a plan.

Only inputs are read: the ``Plan`` sheet's settings and each table sheet's input columns, found
by their header labels (so columns and sheets may be re-ordered, and derived columns, added
columns and the ``Summary`` are ignored: the engine recomputes every figure). Rows match the
open plan's rows by the hidden ``Row ID`` column; rows without one are new.

Every cell is validated with the same rules as the grid, and every problem is collected, not
just the first: :class:`WorkbookError` lists them as ``Sheet!B7: reason``. On any error nothing
is returned, so an open plan is never touched.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..commands import PlanDiff, ReplacePlan, diff_plans
from ..domain import ALL_TABLES, CellError, FieldError, Kind, Plan, PlanSettings, column_letter, text_key
from ..domain.table import TableSpec
from .export import MANIFEST_PROPERTY, PLAN_SHEET, ROW_ID, SETTING_LABELS
from .reader import SheetCells, WorkbookCells, WorkbookError, read_workbook
from .import_notes import UNIT_SUFFIX, extra_column_notes, formula_notes, metric_codes
from .styles import metric_code


__all__ = ["ImportReport", "ImportResult", "WorkbookError", "import_command", "import_workbook", "read_plan"]


def _number_text(value: float) -> str:
    """A number read where text belongs (a code typed as 12): ``12``, ``1.5``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _as_text(raw: object) -> object:
    """A cell's value for a text or reference field: numbers, booleans and dates as text."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)):
        return _number_text(float(raw))
    if isinstance(raw, (datetime, date, time)):
        return raw.isoformat()
    if isinstance(raw, timedelta):
        return str(raw)
    return raw


def _as_number(raw: object) -> object:
    """A cell's value for a number field: dates and durations are not numbers (left as text
    so the field refuses them with its own message)."""
    if isinstance(raw, (datetime, date, time, timedelta)):
        return str(raw)
    return raw


def _is_empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _ref_key(table: str) -> str:
    """The field a reference to ``table`` shows (as :meth:`Plan.find_ref` matches it)."""
    return "code" if table == "milestones" else "name"


def _dependency_order(specs: tuple[TableSpec, ...]) -> list[TableSpec]:
    """Tables ordered so that every referenced table comes before the tables referring to it."""
    done: list[TableSpec] = []
    names = {s.name: s for s in specs}
    visiting: set[str] = set()

    def visit(spec: TableSpec) -> None:
        if spec in done or spec.name in visiting:
            return
        visiting.add(spec.name)
        for f in spec.fields:
            if f.kind is Kind.REF and f.ref_table in names and f.ref_table != spec.name:
                visit(names[f.ref_table])
        visiting.discard(spec.name)
        done.append(spec)

    for s in specs:
        visit(s)
    return done


class _Reader:
    """One import: the workbook's cells, the plan being built and the errors found so far."""

    def __init__(self, book: WorkbookCells, current: Plan | None):
        self.book, self.current = book, current
        self.errors: list[tuple[tuple, str]] = []  # (sort key, message)
        self.notes: list[str] = []
        self.sheet_order = {name: i for i, name in enumerate(book.sheets)}
        self.unreadable: set[str] = set()  # tables whose sheet or header is missing
        self.raw_keys: dict[str, set[str]] = {}  # table -> every code / name its sheet holds

    def error(self, sheet: str, row: int | None, col: int | None, reason: str) -> None:
        """Record ``Sheet!<cell>: reason`` (0-based row / column; None for the whole sheet)."""
        where = sheet if row is None or col is None else f"{sheet}!{column_letter(col)}{row + 1}"
        key = (self.sheet_order.get(sheet, -1), row if row is not None else -1, col if col is not None else -1)
        self.errors.append((key, f"{where}: {reason}"))

    # -- settings ---------------------------------------------------------------------------
    def settings(self) -> PlanSettings:
        defaults = PlanSettings()
        sheet = self.book.sheets.get(PLAN_SHEET)
        if sheet is None:
            self.error(PLAN_SHEET, None, None, "the sheet is missing (it holds the plan's name, currency and "
                                               "hours per month)")
            return defaults
        labels = {}
        for r, row in enumerate(sheet.rows):
            if row and isinstance(row[0], str) and row[0].strip():
                labels.setdefault(text_key(row[0]), r)
        values = {}
        for key in defaults.keys():
            try:
                PlanSettings.parse(key, getattr(defaults, key))
            except KeyError:  # a setting the import does not know how to read
                continue
            label = SETTING_LABELS.get(key, key.replace("_", " ").capitalize())
            r = labels.get(text_key(label))
            if r is None:
                if key in _OPTIONAL_SETTINGS:  # a workbook exported before the setting existed
                    values[key] = self._optional_setting(key)
                    continue
                self.error(PLAN_SHEET, None, None, f'no row labelled "{label}" in column A')
                continue
            if (r, 1) in sheet.errors:
                self.error(PLAN_SHEET, r, 1, f"{label} holds the error value {sheet.errors[(r, 1)]}; "
                                             f"type a value")
                continue
            if (r, 1) in sheet.unsaved:
                self.error(PLAN_SHEET, r, 1, f"{label} holds a formula saved without its result; type the value, "
                                             f"or open and save the workbook in Excel or LibreOffice first")
                continue
            raw = sheet.value(r, 1)
            if key == "hours_per_month":
                raw = _as_number(raw)
            else:
                raw = _as_text(raw)
            try:
                values[key] = PlanSettings.parse(key, raw)
            except CellError as e:
                self.error(PLAN_SHEET, r, 1, e.reason)
        return PlanSettings(**values)

    def _optional_setting(self, key: str) -> object:
        """A setting the workbook does not hold: the open plan's, else the default."""
        if self.current is not None:
            return getattr(self.current.settings, key)
        return getattr(PlanSettings(), key)

    # -- tables -----------------------------------------------------------------------------
    def header(self, spec: TableSpec, sheet: SheetCells) -> tuple[dict[str, int], int | None] | None:
        """Field name -> column of each input, and the Row ID column; None (errors recorded)
        when a header is missing or repeated."""
        head = sheet.rows[0] if sheet.rows else []
        seen: dict[str, int] = {}
        for c, v in enumerate(head):
            if isinstance(v, str) and v.strip():
                key = text_key(v)
                if key in seen:
                    if any(text_key(f.label) == key for f in spec.fields) or key == text_key(ROW_ID):
                        self.error(spec.sheet, 0, c, f'a second column headed "{v.strip()}"; delete one of them')
                        return None
                    continue
                seen[key] = c
                bare = text_key(UNIT_SUFFIX.sub("", v))  # "Input price (USD per MTok)" reads as "Input price"
                if bare != key and bare not in seen:
                    seen[bare] = c
        self.notes += extra_column_notes(spec, head)
        cols: dict[str, int] = {}
        ok = True
        for i, f in enumerate(spec.fields):
            c = seen.get(text_key(f.label))
            if c is None:
                found = head[i] if i < len(head) else ""
                if isinstance(found, str) and found.strip() and text_key(found) not in {
                        text_key(g.label) for g in spec.fields}:
                    self.error(spec.sheet, 0, i, f'the header should read "{f.label}", found "{found.strip()}"; '
                                                 f"headers must keep their exported names")
                else:
                    self.error(spec.sheet, None, None, f'no column headed "{f.label}"')
                ok = False
                continue
            cols[f.name] = c
        return (cols, seen.get(text_key(ROW_ID))) if ok else None

    def table(self, plan: Plan, spec: TableSpec, sheet: SheetCells) -> None:
        found = self.header(spec, sheet)
        if found is None:
            self.unreadable.add(spec.name)
            return
        cols, id_col = found
        self.notes += formula_notes(spec, sheet, cols)
        key = _ref_key(spec.name)
        if key in cols:  # references to a row refused here are not reported twice
            c = cols[key]
            self.raw_keys[spec.name] = {text_key(str(_as_text(row[c]))) for row in sheet.rows[1:]
                                        if c < len(row)}
        lookups = {f.name: self._lookup(plan, f.ref_table) for f in spec.fields
                   if f.kind is Kind.REF and f.ref_table != spec.name}
        self_refs = [f for f in spec.fields if f.kind is Kind.REF and f.ref_table == spec.name]
        fields = spec.fields
        data = sheet.rows[1:]
        width = len(sheet.rows[0]) if sheet.rows else 0

        def column(c: int | None) -> list[object]:
            if c is None:
                return [""] * len(data)
            if c < width and all(len(row) == width for row in (data[:1] + data[-1:])):
                return [row[c] for row in data]  # calamine's rows are rectangular
            return [row[c] if c < len(row) else "" for row in data]

        raw = [column(cols[f.name]) for f in fields]
        marked = {(r - 1) for (r, c) in (*sheet.errors, *sheet.unsaved) if r >= 1 and c in cols.values()}
        keep = [i for i, vals in enumerate(zip(*raw))
                if i in marked or any((v.strip() != "") if type(v) is str else (v is not None and v != "")
                                      for v in vals)]  # an empty row (a Row ID alone does not make a row)
        sheet_rows = [i + 1 for i in keep]  # workbook row (0-based) of each row read
        bad: set[int] = set()  # positions in keep of rows with a refused cell
        parsed: list[list[object]] = []
        for f, col in zip(fields, raw):
            values = [col[i] for i in keep]
            if f in self_refs:  # a row of this same sheet: resolved once every row has its id
                parsed.append(values)
                continue
            parsed.append(self._column(plan, spec, f, values, sheet, sheet_rows, cols[f.name],
                                       lookups.get(f.name), bad))
        ids = column(id_col)
        names = [f.name for f in fields]
        rows: list[dict[str, object]] = []
        accepted: list[int] = []
        for k, vals in enumerate(zip(*parsed)):
            if k in bad:
                continue
            values = dict(zip(names, vals))
            rid = ids[keep[k]]
            if type(rid) is float and rid.is_integer() and 0 < rid < 2 ** 53:
                values["id"] = int(rid)
            elif type(rid) is int and rid > 0:
                values["id"] = rid
            rows.append(values)
            accepted.append(sheet_rows[k])
        sheet_rows = accepted
        self._unique(spec, rows, sheet_rows, cols)  # among the rows read, even if others were refused
        if bad or any(self._errors_in(spec.sheet)):
            return
        self._assign_ids(spec, rows)
        if self_refs:
            self._resolve_self_refs(plan, spec, rows, sheet_rows, cols, self_refs)
            if any(self._errors_in(spec.sheet)):
                return
        table = plan.tables[spec.name]
        table.extend(rows)
        for p, values in enumerate(rows):
            row = dict(values)
            rid = row.pop("id")
            try:
                plan.check_row(spec.name, p, row, row_id=rid)
            except CellError as e:  # its address counts rows of the new table: say where it is in the sheet
                col = next((cols[f.name] for f in fields if spec.address(p, f.name) == e.cell), min(cols.values()))
                self.error(spec.sheet, sheet_rows[p], col, e.reason)

    def _errors_in(self, sheet: str):  # noqa: ANN202 - generator of bool
        return (m.startswith(f"{sheet}!") or m.startswith(f"{sheet}:") for _, m in self.errors)

    def refs_broken(self, spec: TableSpec) -> bool:
        """True when a table ``spec`` refers to could not be read at all (its sheet or a
        header is missing): its references cannot be checked, so its rows are not read."""
        return any(f.kind is Kind.REF and f.ref_table in self.unreadable for f in spec.fields)

    @staticmethod
    def _lookup(plan: Plan, table: str) -> dict[str, int]:
        t = plan.tables[table]
        key = _ref_key(table)
        return {text_key(str(v)): int(i) for v, i in zip(t.column(key), t.ids.tolist())}

    def _column(self, plan: Plan, spec: TableSpec, f, values: list[object], sheet: SheetCells,
                sheet_rows: list[int], c: int, lookup: dict[str, int] | None, bad: set[int]) -> list[object]:  # noqa: ANN001
        """Stored values of one input column (``values`` as read, row ``k`` at workbook row
        ``sheet_rows[k]``). Each distinct value goes through :meth:`Plan.parse_value` once
        (columns repeat values: FTE, months, categories), references through a lookup; a refused
        cell is handed to :meth:`_cell`, which records why, and its position added to ``bad``."""
        problems = {r for (r, col) in (*sheet.errors, *sheet.unsaved) if col == c}
        if f.name == "metric":  # the workbook shows "Allocations subtotal" for allocations_subtotal
            codes = metric_codes(spec, f)
            values = [metric_code(v, codes) for v in values]
        out: list[object] = [None] * len(values)
        slow: list[int] = []
        if f.kind is Kind.REF:
            for k, v in enumerate(values):
                rid = lookup.get(text_key(v)) if type(v) is str and lookup is not None else None
                if rid is not None:
                    out[k] = rid
                elif v == "" and not f.required:
                    out[k] = 0
                else:
                    slow.append(k)
        else:
            convert = _as_number if f.is_numeric else _as_text
            cache: dict[tuple[type, object], object] = {}
            for k, v in enumerate(values):
                key = (type(v), v)
                value = cache.get(key, _MISSING)
                if value is _MISSING:
                    try:
                        value = plan.parse_value(spec, f, convert(v))
                    except FieldError:
                        value = _BAD
                    cache[key] = value
                if value is _BAD:
                    slow.append(k)
                else:
                    out[k] = value
        if problems:
            slow = sorted(set(slow) | {k for k, r in enumerate(sheet_rows) if r in problems})
        for k in slow:
            value = self._cell(plan, spec, f, values[k], sheet, sheet_rows[k], c, lookup)
            if value is _BAD:
                bad.add(k)
            else:
                out[k] = value
        return out

    def _cell(self, plan: Plan, spec: TableSpec, f, raw: object, sheet: SheetCells, r: int, c: int,
              lookup: dict[str, int] | None) -> object:  # noqa: ANN001 - Field
        """The stored value of one cell, or ``_BAD`` after recording why not."""
        if (r, c) in sheet.errors:
            self.error(spec.sheet, r, c, f"{f.label} holds the error value {sheet.errors[(r, c)]}; "
                                         f"type a value or leave the cell empty")
            return _BAD
        if (r, c) in sheet.unsaved:
            self.error(spec.sheet, r, c, f"{f.label} holds a formula saved without its result; type the value, "
                                         f"or open and save the workbook in Excel or LibreOffice first")
            return _BAD
        if f.is_numeric:
            if type(raw) is float and math.isfinite(raw) and (f.minimum is None or raw >= f.minimum) and (
                    f.maximum is None or raw <= f.maximum) and (f.kind is not Kind.INTEGER or raw.is_integer()) and (
                    raw == 0 or abs(raw) >= f.smallest):
                return raw  # the common case, without the general parser
            raw = _as_number(raw)
        else:
            raw = _as_text(raw)
        if f.kind is Kind.REF and lookup is not None and not _is_empty(raw):
            folded = text_key(str(raw))
            rid = lookup.get(folded)
            if rid is not None:
                return rid
            if folded in self.raw_keys.get(f.ref_table, ()):
                return _BAD  # a row of that sheet that was refused: reported there
            raw = str(raw)  # unknown: let the plan say so in its own words
        try:
            return plan.parse_value(spec, f, raw)
        except FieldError as e:
            self.error(spec.sheet, r, c, e.reason)
            return _BAD

    def _resolve_self_refs(self, plan: Plan, spec: TableSpec, rows: list[dict], sheet_rows: list[int],
                           cols: dict[str, int], self_refs: list) -> None:
        """Resolve references to rows of the same sheet (a scenario based on another)."""
        key = _ref_key(spec.name)
        lookup = {text_key(str(v[key])): v["id"] for v in rows}
        for values, r in zip(rows, sheet_rows):
            for f in self_refs:
                raw = _as_text(values[f.name])
                if _is_empty(raw):
                    values[f.name] = 0
                    if f.required:
                        self.error(spec.sheet, r, cols[f.name], f"{f.label} is required")
                    continue
                rid = lookup.get(text_key(str(raw)))
                if rid is None:
                    self.error(spec.sheet, r, cols[f.name],
                               f'{f.label} must be an existing {spec.noun} ({spec.sheet}), got "{raw}"')
                    values[f.name] = 0
                else:
                    values[f.name] = rid

    def _unique(self, spec: TableSpec, rows: list[dict], sheet_rows: list[int], cols: dict[str, int]) -> None:
        """Every repeated code / name, reported where it repeats (case-insensitive)."""
        for key in spec.unique:
            seen: dict[str, int] = {}
            label = spec.field(key).label
            for values, r in zip(rows, sheet_rows):
                folded = text_key(str(values[key]))
                if folded in seen:
                    self.error(spec.sheet, r, cols[key],
                               f'{label} "{values[key]}" is already used by row {seen[folded] + 1}')
                else:
                    seen[folded] = r

    def _assign_ids(self, spec: TableSpec, rows: list[dict]) -> None:
        """Keep each row's Row ID (the first of a repeated one); give the others fresh ids, above
        every id of the sheet and of the open plan's table (so a new row never takes the id of
        a row the workbook deleted)."""
        used: set[int] = set()
        for values in rows:
            rid = values.get("id")
            if rid is not None and rid not in used:
                used.add(rid)
            else:
                values["id"] = None
        top = max(used, default=0)
        if self.current is not None and spec.name in self.current.tables:
            top = max(top, self.current.tables[spec.name].next_id() - 1)
        for values in rows:
            if values["id"] is None:
                top += 1
                values["id"] = top

    def keep_current(self, plan: Plan, spec: TableSpec) -> None:
        """A table the workbook was exported without (a newer table): keep the open plan's rows
        when every reference still resolves, else say which rows cannot be kept."""
        if self.current is None or spec.name not in self.current.tables:
            return
        old = self.current.tables[spec.name]
        if not len(old):
            return
        rows = old.rows()
        for p, row in enumerate(rows):
            for f in spec.fields:
                if f.kind is Kind.REF and row[f.name] and not plan.tables[f.ref_table].has_id(row[f.name]):
                    self.error(spec.sheet, None, None, f"the workbook has no sheet {spec.sheet}, and row {p + 2} of the "
                                                       f"open plan's {spec.sheet} refers to a row the workbook removed")
                    return
        plan.tables[spec.name].extend(rows)
        self.notes.append(f"{spec.sheet}: not in the workbook (exported before this table existed); "
                          f"kept the open plan's {len(rows)} rows")


_BAD = object()
_MISSING = object()
_OPTIONAL_SETTINGS = frozenset({"number_locale"})  # settings newer than the workbook format


def _manifest(properties: dict[str, str]) -> set[str] | None:
    """Table sheets the workbook was exported with (None when it does not say: then every
    table's sheet is required)."""
    chunks = []
    i = 1
    while f"{MANIFEST_PROPERTY} {i}" in properties:
        chunks.append(properties[f"{MANIFEST_PROPERTY} {i}"])
        i += 1
    if not chunks:
        return None
    return {name for chunk in chunks for name in chunk.split("|") if name}


def input_sheets() -> list[str]:
    """The sheets an import reads: ``Plan`` and one per table (not the Summary or the roll-up)."""
    return [PLAN_SHEET] + [s.sheet for s in ALL_TABLES]


def read_plan(path: str | os.PathLike, current: Plan | None = None) -> tuple[Plan, list[str]]:
    """The plan held by the workbook ``path``, and notes on what was kept from ``current``.

    ``current`` (the open plan, optional) only decides ids of new rows and supplies tables the
    workbook was exported without. Raises :class:`WorkbookError` listing every problem (not an
    .xlsx, a missing sheet, a renamed or repeated header, a bad value, an error value such as
    ``#REF!``, a repeated code or name, a broken row rule).
    """
    book = read_workbook(path, sheets=set(input_sheets()),
                         formula_columns={s.sheet: len(s.fields) for s in ALL_TABLES})
    reader = _Reader(book, current)
    plan = Plan(reader.settings())
    exported = _manifest(book.properties)
    for spec in _dependency_order(ALL_TABLES):
        sheet = book.sheets.get(spec.sheet)
        if sheet is None:
            if exported is not None and spec.sheet not in exported:
                reader.keep_current(plan, spec)
            else:
                reader.error(spec.sheet, None, None, "the sheet is missing")
                reader.unreadable.add(spec.name)
            continue
        if not reader.refs_broken(spec):
            reader.table(plan, spec, sheet)
    if reader.errors:
        raise WorkbookError([m for _, m in sorted(reader.errors, key=lambda e: e[0])])
    return plan, reader.notes


@dataclass
class SheetChanges:
    """Rows ``added`` / ``changed`` / ``deleted`` on one sheet (``moved`` when only the order
    changed)."""

    sheet: str
    added: int = 0
    changed: int = 0
    deleted: int = 0
    moved: bool = False

    def line(self) -> str:
        parts = [f"{n} {word}" for n, word in ((self.added, "added"), (self.changed, "changed"),
                                              (self.deleted, "deleted")) if n]
        if self.moved and not parts:
            parts.append("rows re-ordered")
        return f"{self.sheet}: {', '.join(parts)}"


@dataclass
class ImportReport:
    """What an import changes: per sheet (only sheets that change), the settings that change
    and notes (tables kept from the open plan)."""

    sheets: list[SheetChanges] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_diff(cls, diff: PlanDiff, notes: list[str] | None = None) -> "ImportReport":
        sheets = []
        for spec in ALL_TABLES:
            d = diff.tables.get(spec.name)
            if d:
                sheets.append(SheetChanges(spec.sheet, len(d.added), len(d.changed_rows), len(d.deleted), d.reordered))
        labels = [SETTING_LABELS.get(k, k) for k in diff.settings]
        return cls(sheets, labels, list(notes or []))

    @property
    def changed(self) -> bool:
        return bool(self.sheets or self.settings)

    def lines(self) -> list[str]:
        """One line per changed sheet (``Team: 1 added, 2 changed, 1 deleted``), the settings,
        the notes; ``["No changes: ..."]`` when nothing differs."""
        out = [s.line() for s in self.sheets]
        if self.settings:
            out.append(f"{PLAN_SHEET}: changed {', '.join(self.settings)}")
        out += self.notes
        return out or ["No changes: the workbook holds the plan as it is"]


@dataclass
class ImportResult:
    """A workbook read into ``plan`` (a new plan object), its ``diff`` from the plan it was
    compared with and the ``report`` of that diff."""

    plan: Plan
    diff: PlanDiff
    report: ImportReport


def import_workbook(path: str | os.PathLike, current: Plan | None = None) -> ImportResult:
    """Read the workbook ``path`` and compare it with ``current`` (default: an empty plan).
    Raises :class:`WorkbookError`; ``current`` is never changed."""
    plan, notes = read_plan(path, current)
    diff = diff_plans(current if current is not None else Plan(), plan)
    return ImportResult(plan, diff, ImportReport.from_diff(diff, notes))


def import_command(current: Plan, path: str | os.PathLike) -> tuple[ReplacePlan, ImportReport]:
    """The one-undo-step command that imports the workbook ``path`` into the open plan
    ``current``, and its report. Raises :class:`WorkbookError`; ``current`` is untouched until
    the command is applied."""
    result = import_workbook(path, current)
    tables = {name: result.plan.tables[name] for name in current.tables}
    command = ReplacePlan(result.plan.settings, tables, result.diff, label=f"Import {Path(path).name}")
    return command, result.report
