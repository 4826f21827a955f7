"""Any spreadsheet or CSV the app did not write, read into one grid by mapping its columns.

A sheet's header row names its columns; each is matched to a field of the target grid by the
field's name, its label or a synonym (``Hourly Rate`` -> ``hourly_rate``, ``Qty`` -> ``quantity``),
or as the user says (``--map "Hourly Rate=rate,Qty=fte"``). The target grid is the one whose
fields the headers match best, unless named. Every cell is checked by the grid's own rules and
every problem is listed as ``Sheet!C7: reason`` with the source sheet's own address; on any
error nothing is returned. Rows go into a new plan (:func:`import_sheet`) or into an open plan
as one undo step (:func:`sheet_command`).
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..commands import Compound, insert_rows
from ..domain import SPECS, FieldError, Kind, Plan, PlanError, PlanSettings, column_letter, text_key
from .builder import is_total
from .money import parse_money
from .report import ImportReport

MAX_CSV_BYTES = 64 * 1024 * 1024
"""Largest CSV read (64 MiB: a million team lines of ~60 bytes each)."""

TABLES = {  # what a user may call a grid -> its table
    "team": "allocations", "allocations": "allocations", "team lines": "allocations",
    "roles": "roles", "rate card": "roles", "rates": "roles",
    "build": "build_items", "build costs": "build_items", "build_items": "build_items", "costs": "build_items",
    "operations": "operating_costs", "operating": "operating_costs", "operating_costs": "operating_costs",
    "ops": "operating_costs", "milestones": "milestones", "phases": "milestones",
    "revenue": "revenues", "revenues": "revenues", "estimates": "estimates",
}
# header words a founder's sheet uses for each field, beyond the field's own name and label
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "allocations": {"milestone": ("phase", "stage", "sprint"), "role": ("position", "job", "rate card role"),
                    "title": ("name", "line", "person", "team member", "job title"),
                    "hourly_rate": ("rate", "hourly", "$/hr", "rate/hr", "hourly rate", "rate per hour"),
                    "months": ("duration", "# months", "no. of months"),
                    "fte": ("allocation", "% time", "headcount", "people", "qty", "quantity"),
                    "lump_sum": ("fixed fee", "flat fee"), "stated_cost": ("cost", "total", "amount", "total cost")},
    "roles": {"name": ("role", "position", "job", "title"), "hourly_rate": ("rate", "hourly", "$/hr", "rate/hr"),
              "salary_low": ("salary", "annual salary", "salary min"), "salary_high": ("salary max",),
              "hourly_rate_low": ("rate min", "min rate"), "hourly_rate_high": ("rate max", "max rate"),
              "category": ("department", "team", "function")},
    "build_items": {"milestone": ("phase", "stage"), "description": ("item", "component", "service", "activity",
                                                                     "expense", "name", "line item"),
                    "details": ("notes", "comment", "usage", "vendor"), "quantity": ("qty", "count", "units", "#"),
                    "unit_cost": ("unit price", "price", "rate", "each", "price each"),
                    "amount": ("cost", "amount", "one-off", "one-time", "total"), "low": ("min",),
                    "high": ("max",), "category": ("type", "group", "section")},
    "operating_costs": {"milestone": ("phase", "stage"), "driver": ("item", "service", "cost driver", "expense",
                                                                    "name", "line item", "tool"),
                        "calculation": ("notes", "formula", "how"), "quantity": ("qty", "count", "units", "seats"),
                        "unit_cost": ("unit price", "price", "price each", "per seat"),
                        "amount": ("monthly", "monthly cost", "per month", "cost/month", "cost", "amount", "mrr")},
    "milestones": {"code": ("id", "#", "milestone"), "name": ("title", "milestone name", "phase"),
                   "start_month": ("start", "from", "first month"), "end_month": ("end", "to", "last month"),
                   "target_users": ("users", "mau", "target")},
    "revenues": {"milestone": ("phase", "stage"), "source": ("stream", "item", "name", "product"),
                 "customers": ("count", "subscribers", "accounts"), "amount": ("revenue", "monthly", "mrr")},
    "estimates": {"milestone": ("phase", "stage"), "category": ("item", "area"), "low": ("min",),
                  "mid": ("expected", "likely", "base"), "high": ("max",)},
}
ALIASES = {"rate": "hourly_rate", "qty": "quantity", "unit": "unit_cost", "price": "unit_cost", "cost": "*cost",
           "users": "target_users", "start": "start_month", "end": "end_month", "item": "*item"}


class MappingError(PlanError):
    """A sheet that cannot be imported; ``errors`` lists every problem as ``Sheet!C7: reason``."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors[:20]))


@dataclass
class SheetImport:
    """Rows read from a sheet for ``table``: raw field values per row (checked), the source
    row number of each, ``columns`` (header -> field or ``""`` when unused) and the report."""

    table: str
    rows: list[dict]
    source_rows: list[int]
    columns: dict[str, str]
    report: ImportReport
    sheet: str = ""
    milestones: list[str] = field(default_factory=list)  # milestone codes the rows name
    roles: dict[str, float] = field(default_factory=dict)  # role names the rows name -> a rate
    field_columns: dict[str, int] = field(default_factory=dict)  # field -> its 0-based source column


def parse_map(text: str) -> dict[str, str]:
    """``"Hourly Rate=rate,Qty=fte"`` -> ``{"Hourly Rate": "rate", "Qty": "fte"}``. Raises
    :class:`MappingError` for a pair without ``=``."""
    out: dict[str, str] = {}
    for part in [p for p in text.split(",") if p.strip()]:
        if "=" not in part:
            raise MappingError([f'--map: "{part.strip()}" is not Header=field'])
        header, name = part.rsplit("=", 1)
        out[header.strip()] = name.strip()
    return out


def read_cells(path: str | os.PathLike, sheet: str | None = None) -> tuple[str, list[list[object]]]:
    """``(sheet name, rows of cell values)`` of a CSV/TSV file or one sheet of a workbook (read
    with the workbook importer's limits). Raises :class:`MappingError`."""
    from ..excel import WorkbookError
    from ..excel.reader import read_workbook

    p = Path(path)
    if p.suffix.lower() in (".csv", ".tsv", ".txt"):
        try:
            if p.stat().st_size > MAX_CSV_BYTES:
                raise MappingError([f"{p.name}: {p.stat().st_size / 1e6:,.1f} MB is more than the "
                                    f"{MAX_CSV_BYTES // 2**20} MiB a CSV file can be"])
            data = p.read_bytes()
        except OSError as e:
            raise MappingError([f"{p.name}: cannot read ({e.strerror or e})"]) from None
        if b"\0" in data:
            raise MappingError([f"{p.name}: binary data (a NUL byte), not a CSV file"])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
        sample = text[:20000]
        delimiter = "\t" if p.suffix.lower() == ".tsv" else max(",;\t", key=sample.count)
        return p.stem, [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    try:
        book = read_workbook(p)
    except WorkbookError as e:
        raise MappingError(e.errors) from None
    names = list(book.sheets)
    if not names:
        raise MappingError([f"{p.name}: the workbook has no sheets"])
    name = names[0]
    if sheet is not None:
        match = [n for n in names if text_key(n) == text_key(sheet)]
        if not match:
            raise MappingError([f"{p.name}: no sheet \"{sheet}\" (sheets: {', '.join(names)})"])
        name = match[0]
    return name, book.sheets[name].rows


def _field_of(table: str, word: str) -> str | None:
    """The field of ``table`` a header or ``--map`` word names, or ``None``."""
    spec = SPECS[table]
    key = text_key(word)
    alias = ALIASES.get(key)
    if alias == "*cost":
        alias = "stated_cost" if table == "allocations" else "amount"
    if alias == "*item":
        alias = {"allocations": "title", "roles": "name", "operating_costs": "driver", "revenues": "source",
                 "milestones": "name", "estimates": "category"}.get(table, "description")
    for f in spec.fields:
        if key in (text_key(f.name), text_key(f.label), text_key(f.name.replace("_", " "))) or alias == f.name:
            return f.name
    for name, words in SYNONYMS.get(table, {}).items():
        if key in words:
            return name
    return None


def _match(table: str, headers: list[str], mapping: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    cols: dict[int, str] = {}
    errors: list[str] = []
    keys = [text_key(h) for h in headers]
    for header, word in mapping.items():
        if text_key(header) not in keys:
            errors.append(f'--map: no column "{header}" (the headers are: {", ".join(h for h in headers if h)})')
            continue
        name = _field_of(table, word)
        if name is None:
            fields = ", ".join(f.name for f in SPECS[table].fields)
            errors.append(f'--map: "{word}" is not a field of {SPECS[table].sheet} (fields: {fields})')
            continue
        cols[keys.index(text_key(header))] = name
    for i, h in enumerate(headers):
        if i in cols or not h.strip() or any(text_key(k) == text_key(h) for k in mapping):
            continue
        name = _field_of(table, h)
        if name is not None and name not in cols.values():
            cols[i] = name
    return cols, errors


def guess_table(headers: list[str]) -> str | None:
    """The grid whose fields the headers name most (ties: none)."""
    scores = {t: len({n for h in headers if (n := _field_of(t, h))}) for t in SYNONYMS}
    best = max(scores.values(), default=0)
    tops = [t for t, s in scores.items() if s == best]
    if set(tops) == {"build_items", "operating_costs"}:  # Item | Qty | Cost: monthly only if it says so
        monthly = any(w in text_key(h) for h in headers for w in ("month", "/mo", "mrr", "recurring"))
        tops = ["operating_costs" if monthly else "build_items"]
    return tops[0] if best >= 2 and len(tops) == 1 else None


def _value(plan: Plan, table: str, name: str, raw: object) -> object:
    spec = SPECS[table]
    f = spec.field(name)
    if f.kind is Kind.MONEY and isinstance(raw, str) and raw.strip():
        m = parse_money(raw, plan.settings.number_locale)
        if m is not None and not m.is_range and not math.isnan(m.value) and not m.at_least:
            raw = m.value
    if f.kind is Kind.REF:
        return str(raw).strip() if raw not in (None, "") else None
    value = plan.parse_value(spec, f, raw if not isinstance(raw, str) else raw.strip())
    return value


def read_sheet(path: str | os.PathLike, mapping: dict[str, str] | None = None, table: str | None = None,
               sheet: str | None = None, plan: Plan | None = None) -> SheetImport:
    """Read a sheet's rows for one grid (see the module docstring). ``plan`` gives the rules
    (number format) and the rows a reference may name; raises :class:`MappingError`."""
    plan = plan or Plan()
    name, cells = read_cells(path, sheet)
    start = next((i for i, r in enumerate(cells) if any(str(c).strip() for c in r)), None)
    if start is None:
        raise MappingError([f"{name}: the sheet is empty"])
    headers = [str(c).strip() for c in cells[start]]
    target = TABLES.get(text_key(table)) if table else guess_table(headers)
    if table and target is None:
        raise MappingError([f'--table: "{table}" is not a grid (grids: {", ".join(sorted(set(TABLES)))})'])
    if target is None:
        raise MappingError([f"{name}: the headers ({', '.join(h for h in headers if h)}) do not say which grid the "
                            f"rows are for; name the grid (--table team, roles, build, operations, milestones or revenue)"])
    cols, errors = _match(target, headers, mapping or {})
    if errors:
        raise MappingError(errors)
    spec = SPECS[target]
    report = ImportReport(source=Path(path).name)
    used = {headers[i]: spec.field(n).label for i, n in cols.items()}
    unused = [h for i, h in enumerate(headers) if h and i not in cols]
    rows, sources, errors = [], [], []
    for r in range(start + 1, len(cells)):
        row = cells[r]
        if not any(str(c).strip() for c in row):
            continue
        first = next((str(c) for c in row if isinstance(c, str) and c.strip()), "")
        if is_total(first):
            report.add(r + 1, f"{name} row {r + 1}", f'a total row ("{first}"), not a line: kept out', skipped=True)
            continue
        values: dict = {}
        for c, fname in cols.items():
            raw = row[c] if c < len(row) else ""
            try:
                v = _value(plan, target, fname, raw)
            except FieldError as e:
                errors.append(f"{name}!{column_letter(c)}{r + 1}: {e.reason}")
                continue
            if v is not None and not (isinstance(v, float) and math.isnan(v)) and v != "":
                values[fname] = v
        missing = [f.label for f in spec.fields if f.required and f.kind is not Kind.REF and f.name not in values
                   and f.default is None]
        if missing:
            errors.append(f"{name}!A{r + 1}: {', '.join(missing)} is required (no value in this row)")
        rows.append(values)
        sources.append(r + 1)
    if not rows and not errors:
        errors.append(f"{name}: no rows under the header (row {start + 1})")
    if errors:
        raise MappingError(errors)
    result = SheetImport(target, rows, sources, {h: used.get(h, "") for h in headers if h}, report, name)
    result.field_columns = {n: i for i, n in cols.items()}
    result.milestones = list(dict.fromkeys(str(v["milestone"]) for v in rows if v.get("milestone")))
    for v in rows:
        if v.get("role"):
            result.roles.setdefault(str(v["role"]), v.get("hourly_rate", math.nan))
    mapped = ", ".join(f"{h} -> {f}" for h, f in used.items())
    header_entry = report.add(start + 1, f"{name} header", f"{len(rows)} rows -> {spec.sheet}: {mapped}" +
               (f"; not used: {', '.join(unused)}" if unused else ""))
    report.entries.insert(0, report.entries.pop(report.entries.index(header_entry)))
    return result


def _support_rows(plan: Plan, s: SheetImport) -> list:
    """Commands adding the milestones and roles the rows name that ``plan`` lacks."""
    cmds = []
    spec = SPECS[s.table]
    if "milestone" in spec.by_name:
        new = [c for c in s.milestones if plan.find_ref("milestones", c) is None]
        if not s.milestones and not len(plan.milestones):
            new = ["M1"]
            for v in s.rows:
                v["milestone"] = "M1"
        if new:
            cmds.append(insert_rows(plan, "milestones", len(plan.milestones), [dict(code=c, name=c) for c in new]))
            note = f"milestones added for the rows: {', '.join(new)}"
            if note not in s.report.notes:
                s.report.notes.append(note)
    if "role" in spec.by_name:
        new_roles = [n for n in s.roles if plan.find_ref("roles", n) is None]
        if new_roles:
            cmds.append(insert_rows(plan, "roles", len(plan.roles),
                                    [dict(name=n, hourly_rate=None if s.roles[n] != s.roles[n] else s.roles[n])
                                     for n in new_roles]))
            note = f"roles added to the rate card: {', '.join(new_roles)}"
            if note not in s.report.notes:
                s.report.notes.append(note)
    return cmds


def sheet_command(plan: Plan, s: SheetImport) -> Compound:
    """One undo step adding the sheet's rows (and the milestones and roles they name) to ``plan``.
    Raises :class:`MappingError` naming the source cell of a row the grid refuses."""
    parts = _support_rows(plan, s)
    for c in parts:
        c.apply(plan)
    try:
        try:
            rows_cmd = insert_rows(plan, s.table, len(plan.tables[s.table]), s.rows)
        except PlanError as e:
            from ..excel.reader import column_index

            cell = getattr(e, "cell", "")
            digits = "".join(ch for ch in cell if ch.isdigit())
            letters = "".join(ch for ch in cell if ch.isalpha())
            at = s.source_rows[int(digits) - 2 - len(plan.tables[s.table])] if digits else s.source_rows[0]
            fields = SPECS[s.table].fields
            fname = fields[column_index(letters)].name if letters and column_index(letters) < len(fields) else ""
            col = column_letter(s.field_columns[fname]) if fname in s.field_columns else "A"
            raise MappingError([f"{s.sheet}!{col}{at}: {getattr(e, 'reason', str(e))}"]) from None
    finally:
        for c in reversed(parts):
            c.revert(plan)
    return Compound(parts + [rows_cmd], f"Import {len(s.rows)} rows from {s.sheet}")


@dataclass
class SheetResult:
    """A new plan made of one imported sheet, and the report."""

    plan: Plan
    report: ImportReport


def import_sheet(path: str | os.PathLike, mapping: dict[str, str] | None = None, table: str | None = None,
                 sheet: str | None = None, name: str | None = None) -> SheetResult:
    """A new plan holding the sheet's rows (see :func:`read_sheet`); raises :class:`MappingError`."""
    plan = Plan(PlanSettings(name=name or Path(path).stem))
    s = read_sheet(path, mapping, table, sheet, plan)
    sheet_command(plan, s).apply(plan)
    s.report.counts = {SPECS[t].sheet: len(plan.tables[t]) for t in ("milestones", "roles", s.table) if len(plan.tables[t])}
    return SheetResult(plan, s.report)
