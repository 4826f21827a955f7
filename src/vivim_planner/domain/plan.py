"""The in-memory plan: settings plus one :class:`Table` per entity, and the rules that
turn typed input into stored values (with the cell address in every refusal).
"""

from __future__ import annotations

import math
import re

import numpy as np
from dataclasses import dataclass, fields as dc_fields, replace
from typing import Iterable, Mapping

from .errors import CellError, FieldError
from .fields import (DECIMAL_COMMA, DECIMAL_POINT, NUMBER_LOCALES, Field, Kind, forbidden_character,
                     format_number_for_message, parse_number_text, text_key)
from .schema import ALL_TABLES, BOUNDS, METRICS, SPECS
from .table import Table, TableSpec
from .units import conversion

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ECONOMICS_RULES = frozenset({"pricing_tiers", "dividend_policies", "scenarios", "scenario_overrides"})
_UNCERTAINTY_RULES = frozenset({"uncertainty"})
_ACTUALS_RULES = frozenset({"actuals", "category_map"})
_OPTIONAL_REFS_EMPTY = frozenset({"pricing_tiers", "payment_fees", "growth", "dividend_policies", "scenarios"})

DEFAULT_HOURS_PER_MONTH = 160.0
"""Full-time hours in a month when a plan says nothing else (40 h x 4 weeks)."""

MAX_MONTH = 600
"""The last plan month any table may name (50 years; the bound of every month field)."""

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")
_SLASH_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")
_NAMED_MONTH = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")


def parse_start_date(raw: object) -> str:
    """The calendar month of plan month 1 as ``"YYYY-MM"``, from ``2026-01``, ``2026-01-15``,
    ``01/2026``, ``Jan 2026`` or ``January 2026``; ``""`` for empty. Raises :class:`FieldError`
    (``Start month must be a month such as 2026-01 or Jan 2026, got "soon"``)."""
    text = str(raw or "").strip()
    if not text:
        return ""
    low = text.casefold()
    year = month = 0
    if m := _ISO_MONTH.match(low):
        year, month = int(m.group(1)), int(m.group(2))
    elif m := _SLASH_MONTH.match(low):
        year, month = int(m.group(2)), int(m.group(1))
    elif (m := _NAMED_MONTH.match(low)) and m.group(1)[:3] in _MONTHS and _full_month(m.group(1)):
        year, month = int(m.group(2)), _MONTHS.index(m.group(1)[:3]) + 1
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise FieldError(f'Start month must be a month such as 2026-01 or Jan 2026, got "{text}"')
    return f"{year:04d}-{month:02d}"


def _full_month(word: str) -> bool:
    """``jan``, ``janu``... ``january`` (a prefix of the month's English name, 3 letters or more)."""
    names = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december")
    return any(n.startswith(word) for n in names)


def month_labels(start_date: str, count: int) -> list[str]:
    """Labels of plan months 1..``count``: ``Jan 2026``, ``Feb 2026``... from ``start_date``
    (``"YYYY-MM"``), else ``Month 1``, ``Month 2``..."""
    if not start_date:
        return [f"Month {m}" for m in range(1, count + 1)]
    year, month = int(start_date[:4]), int(start_date[5:7]) - 1
    out = []
    for k in range(count):
        y, m = divmod(month + k, 12)
        out.append(f"{_MONTHS[m].capitalize()} {year + y}")
    return out


@dataclass(frozen=True)
class PlanSettings:
    """Plan-wide inputs.

    ``currency``: ISO 4217 code (``"USD"``). ``hours_per_month``: billable hours of one FTE in
    a month, used by every team line (default 160; the VIVIM seed's lines imply 240).
    ``start_date``: the calendar month of plan month 1 as ``"YYYY-MM"`` (``""``: months are
    numbered only); the timeline labels its months ``Jan 2026``... ``horizon_months``: the
    timeline runs at least this many months (0: to the last month the plan names).
    ``number_locale``: how typed and pasted numbers are written, :data:`DECIMAL_POINT`
    (``1,234.5``, the default of files that predate the setting) or :data:`DECIMAL_COMMA`
    (``1.234,5``); a new plan takes it from the system locale.
    """

    name: str = "Untitled plan"
    currency: str = "USD"
    hours_per_month: float = DEFAULT_HOURS_PER_MONTH
    notes: str = ""
    start_date: str = ""
    horizon_months: float = 0.0
    number_locale: str = DECIMAL_POINT

    @staticmethod
    def parse(key: str, raw: object) -> object:
        """Validate one setting; raises :class:`CellError` such as ``Plan: Hours per month must be
        between 1 and 744, got 0``."""
        try:
            if key == "name":
                text = str(raw or "").strip()
                if not text:
                    raise FieldError("Plan name is required")
                bad = forbidden_character(text)
                if bad:
                    raise FieldError(f"Plan name cannot hold {bad}; type the name without it")
                return text[:200]
            if key == "currency":
                code = str(raw or "").strip().upper()
                if not _CURRENCY.match(code):
                    raise FieldError(f"Currency must be a 3-letter ISO code such as USD or EUR, got {format_number_for_message(raw)}")
                return code
            if key == "hours_per_month":
                try:
                    value = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_number_text(str(raw))
                except (ValueError, TypeError):
                    value = math.nan
                if not (1 <= value <= 744):
                    raise FieldError(f"Hours per month must be between 1 and 744, got {format_number_for_message(raw)}")
                return value
            if key == "notes":
                text = str(raw or "")
                bad = forbidden_character(text, multiline=True)
                if bad:
                    raise FieldError(f"Notes cannot hold {bad}; type the text without it")
                return text
            if key == "start_date":
                return parse_start_date(raw)
            if key == "horizon_months":
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    return 0.0
                try:
                    value = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_number_text(str(raw))
                except (ValueError, TypeError):
                    value = math.nan
                if not (value == 0 or 1 <= value <= MAX_MONTH) or value != int(value):
                    raise FieldError(f"Horizon must be a whole number of months from 1 to {MAX_MONTH} (or empty), "
                                     f"got {format_number_for_message(raw)}")
                return float(value)
            if key == "number_locale":
                return parse_number_locale(raw)
        except FieldError as e:
            raise CellError("Plan", "", e.reason) from None  # the reason names the setting
        raise KeyError(key)

    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in dc_fields(self))


_LOCALE_WORDS = {"point": DECIMAL_POINT, ".": DECIMAL_POINT, "decimal point": DECIMAL_POINT,
                 "comma": DECIMAL_COMMA, ",": DECIMAL_COMMA, "decimal comma": DECIMAL_COMMA}


def parse_number_locale(raw: object) -> str:
    """The number locale named by ``raw``: ``"1,234.5"``, ``"point"`` or ``"."`` give
    :data:`DECIMAL_POINT`; ``"1.234,5"``, ``"comma"`` or ``","`` give :data:`DECIMAL_COMMA`.
    Raises :class:`FieldError` for anything else."""
    text = str(raw or "").strip()
    if text in NUMBER_LOCALES:
        return text
    found = _LOCALE_WORDS.get(text_key(text))
    if found is None:
        raise FieldError(f'Number format must be {DECIMAL_POINT} (decimal point) or {DECIMAL_COMMA} '
                         f'(decimal comma), got "{text}"')
    return found


def number_locale_of(decimal_separator: str) -> str:
    """The number locale of a system whose decimal separator is ``decimal_separator``
    (``","`` in a German or French locale): the default of a new plan."""
    return DECIMAL_COMMA if decimal_separator.strip() == "," else DECIMAL_POINT


class Plan:
    """A whole plan held in memory.

    ``tables`` maps table name (``"allocations"``...) to its :class:`Table`; attributes give
    the same tables by name. The plan validates but never performs I/O.
    """

    def __init__(self, settings: PlanSettings | None = None):
        self.settings = settings or PlanSettings()
        self.tables: dict[str, Table] = {spec.name: Table(spec) for spec in ALL_TABLES}

    # convenient names
    milestones = property(lambda self: self.tables["milestones"])
    roles = property(lambda self: self.tables["roles"])
    allocations = property(lambda self: self.tables["allocations"])
    build_items = property(lambda self: self.tables["build_items"])
    estimates = property(lambda self: self.tables["estimates"])
    operating_costs = property(lambda self: self.tables["operating_costs"])
    revenues = property(lambda self: self.tables["revenues"])
    stated_figures = property(lambda self: self.tables["stated_figures"])

    def with_settings(self, **changes: object) -> PlanSettings:
        return replace(self.settings, **changes)

    # -- references -------------------------------------------------------------------------
    def ref_label(self, table_name: str, row_id: int) -> str:
        """Text a reference shows: a milestone's code, a role's name; ``""`` for none."""
        if not row_id:
            return ""
        table = self.tables[table_name]
        try:
            pos = table.position(row_id)
        except KeyError:
            return f"#{row_id}?"
        key = "code" if table_name == "milestones" else "name"
        return str(table.get(pos, key))

    def find_ref(self, table_name: str, text: str) -> int | None:
        """Id of the row whose code/name equals ``text`` (compared by :func:`text_key`: case,
        full-width forms and zero-width characters do not count), else ``None``."""
        table = self.tables[table_name]
        key = "code" if table_name == "milestones" else "name"
        wanted = text_key(text)
        for pos, value in enumerate(table.column(key)):
            if text_key(value) == wanted:
                return int(table.ids[pos])
        return None

    # -- parsing input ----------------------------------------------------------------------
    def parse_value(self, spec: TableSpec, field: Field, raw: object) -> object:
        """Parse raw input for ``field``; references accept a code/name or a row id.

        Raises :class:`FieldError` (no location).
        """
        if field.kind is Kind.REF and raw is not None and not (isinstance(raw, str) and not raw.strip()):
            if isinstance(raw, (int,)) and not isinstance(raw, bool):
                if not self.tables[field.ref_table].has_id(raw):
                    raise FieldError(f"{field.label} {raw} does not exist")
                return int(raw)
            ref = self.find_ref(field.ref_table, str(raw))
            if ref is None:
                target = SPECS[field.ref_table]
                raise FieldError(
                    f'{field.label} must be an existing {target.noun} ({target.sheet}), got "{raw}"'
                )
            return ref
        value = field.parse(raw, self.settings.number_locale)
        if spec.name == "stated_figures":
            if field.name == "metric" and value not in METRICS:
                raise FieldError(f"Metric must be one of {', '.join(METRICS)}, got \"{value}\"")
            if field.name == "bound" and value not in BOUNDS:
                raise FieldError(f"Bound must be one of {', '.join(BOUNDS)}, got \"{value}\"")
        return value

    def parse_cell(self, table_name: str, position: int | None, field_name: str, raw: object) -> object:
        """Parse input for one cell; ``position`` (or ``None`` for a new row) locates errors.

        Raises :class:`CellError` such as ``Team!F7: FTE must be between 0 and 10, got "abc"``.
        """
        spec = SPECS[table_name]
        field = spec.field(field_name)
        try:
            return self.parse_value(spec, field, raw)
        except FieldError as e:
            raise CellError(spec.sheet, self._address(spec, position, field_name), e.reason) from None

    @staticmethod
    def _address(spec: TableSpec, position: int | None, field_name: str) -> str:
        if position is None:
            return ""
        return spec.address(position, field_name)

    def check_row(self, table_name: str, position: int | None, values: Mapping[str, object],
                  row_id: int | None = None) -> None:
        """Row-level rules for a row as it would be after an edit.

        ``values`` holds every field's stored value. Checks: required fields, month order,
        unique codes/names, estimate bounds (low <= mid <= high) and references that exist.
        Raises :class:`CellError` naming the cell at fault.
        """
        spec = SPECS[table_name]

        def fail(field_name: str, reason: str) -> None:
            raise CellError(spec.sheet, self._address(spec, position, field_name), reason)

        for f in spec.fields:
            v = values.get(f.name)
            if f.required and (v is None or v == "" or v == 0 and f.kind is Kind.REF
                               or isinstance(v, float) and math.isnan(v)):
                if f.kind is Kind.REF and not len(self.tables[f.ref_table]):
                    target = SPECS[f.ref_table]
                    fail(f.name, f"{f.label} is required: add a {target.noun} in {target.sheet} first")
                fail(f.name, f"{f.label} is required")
            if f.kind is Kind.REF and v and not self.tables[f.ref_table].has_id(int(v)):
                fail(f.name, f"{f.label} refers to a {SPECS[f.ref_table].noun} that does not exist")
        if table_name == "milestones":
            s, e = values.get("start_month"), values.get("end_month")
            if s is not None and e is not None and not math.isnan(s) and not math.isnan(e) and e < s:
                fail("end_month", f"End month {e:g} is before start month {s:g}")
        if table_name == "estimates":
            lo, mid, hi = (values.get(k, math.nan) for k in ("low", "mid", "high"))
            if not math.isnan(lo) and not math.isnan(hi) and lo > hi:
                fail("high", f"High {hi:,.0f} is below low {lo:,.0f}")
            if not math.isnan(mid) and ((not math.isnan(lo) and mid < lo) or (not math.isnan(hi) and mid > hi)):
                fail("mid", f"Mid {mid:,.0f} lies outside low {lo:,.0f} to high {hi:,.0f}")
        if table_name in ("build_items", "infra_components"):
            lo, hi = values.get("low", math.nan), values.get("high", math.nan)
            if not math.isnan(lo) and not math.isnan(hi) and lo > hi:
                fail("high", f"High {hi:,.0f} is below low {lo:,.0f}")
        if table_name == "infra_tiers":
            lo, hi = values.get("users_from", math.nan), values.get("users_to", math.nan)
            if not math.isnan(lo) and not math.isnan(hi) and hi < lo:
                fail("users_to", f"Users to {hi:,.0f} is below users from {lo:,.0f}")
        if table_name == "meters" and values.get("driver") and values.get("unit"):
            drivers = self.tables["usage_drivers"]
            if drivers.has_id(int(values["driver"])):
                pos = drivers.position(int(values["driver"]))
                try:
                    conversion(drivers.get(pos, "unit"), str(values["unit"]))
                except FieldError as e:
                    fail("unit", f'{e.reason}: {drivers.get(pos, "name")} is measured in {drivers.get(pos, "unit")}')
        if table_name == "usage_drivers" and row_id is not None and values.get("unit"):
            meters = self.tables["meters"]
            for pos in np.flatnonzero(meters.column("driver") == row_id):
                try:
                    conversion(str(values["unit"]), meters.get(int(pos), "unit"))
                except FieldError:
                    fail("unit", f'Unit {values["unit"]} does not fit meter row {int(pos) + 2} '
                                 f'(Meters), which bills {values.get("name")} in {meters.get(int(pos), "unit")}')
        if table_name in _ECONOMICS_RULES:  # pricing, dividends, scenarios (economics_rules.py)
            from .economics_rules import check_economics_row

            check_economics_row(self, table_name, values, row_id, fail)
        if table_name in _UNCERTAINTY_RULES:  # a distribution names a real input (uncertainty_rules.py)
            from .uncertainty_rules import check_uncertainty_row

            check_uncertainty_row(self, values, fail)
        if table_name in _ACTUALS_RULES:  # a known category, a date in its month (actuals_rules.py)
            from .actuals_rules import check_actuals_row

            check_actuals_row(self, table_name, values, fail, row_id)
        for key in spec.unique:
            v = text_key(str(values.get(key, "")))
            table = self.tables[table_name]
            for pos, other in enumerate(table.column(key)):
                if text_key(other) == v and (row_id is None or int(table.ids[pos]) != row_id):
                    fail(key, f'{spec.field(key).label} "{values.get(key)}" is already used by row {pos + 2}')

    def check_unique(self, table_name: str) -> None:
        """Every code / name of the table is unique (by :func:`text_key`). Raises
        :class:`CellError` at the second row holding a repeated value."""
        spec = SPECS[table_name]
        table = self.tables[table_name]
        for key in spec.unique:
            seen: dict[str, int] = {}
            for pos, value in enumerate(table.column(key)):
                folded = text_key(value)
                if folded in seen:
                    raise CellError(spec.sheet, spec.address(pos, key),
                                    f'{spec.field(key).label} "{value}" is already used by row {seen[folded] + 2}')
                seen[folded] = pos

    def new_row_values(self, table_name: str, overrides: Mapping[str, object] | None = None,
                       taken: Iterable[str] = ()) -> dict[str, object]:
        """Values of a fresh row: defaults, plus sensible references (the last milestone,
        the first role) and a unique code or name, also distinct from ``taken`` (the codes or
        names of other rows being added with it). ``overrides`` win."""
        spec = SPECS[table_name]
        taken_keys = {text_key(str(t)) for t in taken}
        values: dict[str, object] = {
            f.name: (f.default if f.default is not None else f.empty_value()) for f in spec.fields
        }
        if "milestone" in spec.by_name and len(self.milestones):
            values["milestone"] = int(self.milestones.ids[-1])
        if "role" in spec.by_name and len(self.roles):
            values["role"] = int(self.roles.ids[0])
        if table_name == "milestones":
            n = len(self.milestones) + 1
            while self.find_ref("milestones", f"M{n}") is not None or f"m{n}" in taken_keys:
                n += 1
            values.update(code=f"M{n}", name=f"Milestone {n}")
            if len(self.milestones):
                last_end = float(self.milestones.column("end_month")[-1])
                if not math.isnan(last_end):
                    values.update(start_month=last_end + 1, end_month=last_end + 1)
        if table_name != "milestones" and "name" in spec.unique:
            n = len(self.tables[table_name]) + 1
            word = "role" if table_name == "roles" else spec.noun
            while (self.find_ref(table_name, f"New {word} {n}") is not None
                   or text_key(f"new {word} {n}") in taken_keys):
                n += 1
            values["name"] = f"New {word} {n}"
        if table_name in _OPTIONAL_REFS_EMPTY:  # an optional link (tier of a fee, base scenario) starts empty
            values.update({f.name: 0 for f in spec.fields if f.kind is Kind.REF and not f.required})
        for f in spec.fields:  # a new line refers to the first row of what it needs
            if f.kind is Kind.REF and not (table_name in _OPTIONAL_REFS_EMPTY and not f.required) \
                    and f.name not in ("milestone", "role") and len(self.tables[f.ref_table]):
                values[f.name] = int(self.tables[f.ref_table].ids[0])
        values.update(overrides or {})
        drivers = self.tables["usage_drivers"]
        if (table_name == "meters" and "unit" not in (overrides or {}) and isinstance(values.get("driver"), int)
                and drivers.has_id(values["driver"])):
            values["unit"] = drivers.get(drivers.position(values["driver"]), "unit")  # a meter bills its driver's unit
        return values
