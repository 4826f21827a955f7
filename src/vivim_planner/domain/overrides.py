"""Where a scenario override points: a sheet, a row and a column of the plan, named as a user
sees them (``Pricing`` / ``Prism`` / ``Monthly price``), resolved to a table, a row id and a
field. Pure functions over a :class:`~vivim_planner.domain.plan.Plan`; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import FieldError
from .fields import Kind
from .schema import ALL_TABLES, SPECS
from .table import TableSpec

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan

# tables a scenario may not change: the scenarios themselves and what the audit compares
NOT_OVERRIDABLE = frozenset({"scenarios", "scenario_overrides", "stated_figures", "usage_figures",
                             "economics_figures", "uncertainty", "correlation_groups"})


@dataclass(frozen=True)
class Target:
    """A resolved override: ``table`` name, ``row_id`` (int64 id of the row), ``field`` name."""

    table: str
    row_id: int
    field: str


def spec_of_sheet(sheet: str) -> TableSpec:
    """The table whose sheet name (or storage name) is ``sheet``, case-insensitive.
    Raises :class:`FieldError` listing the sheets a scenario can change."""
    wanted = sheet.strip().casefold()
    for spec in ALL_TABLES:
        if spec.name in NOT_OVERRIDABLE:
            continue
        if wanted in (spec.sheet.casefold(), spec.name.casefold()):
            return spec
    names = ", ".join(s.sheet for s in ALL_TABLES if s.name not in NOT_OVERRIDABLE)
    raise FieldError(f'Sheet "{sheet}" is not a sheet a scenario can change; use one of {names}')


def key_field(spec: TableSpec) -> str | None:
    """The field that names a row of ``spec`` (``code`` for milestones, ``name`` where unique)."""
    if spec.name == "milestones":
        return "code"
    return spec.unique[0] if spec.unique else None


def find_row(plan: "Plan", spec: TableSpec, row: str) -> int:
    """Id of the row named ``row``: its code / name, or its row number as cell addresses count
    (``2`` or ``#2`` is the first row). Raises :class:`FieldError`."""
    table = plan.tables[spec.name]
    text = row.strip()
    key = key_field(spec)
    if key is not None:
        for pos, value in enumerate(table.column(key)):
            if str(value).casefold() == text.casefold():
                return int(table.ids[pos])
    number = text.lstrip("#")
    if number.isdigit() and 2 <= int(number) <= len(table) + 1:
        return int(table.ids[int(number) - 2])
    what = f"a {spec.field(key).label.lower()} of {spec.sheet} or a row number 2 to {len(table) + 1}" if key \
        else f"a row number of {spec.sheet}, 2 to {len(table) + 1}"
    raise FieldError(f'Row "{row}" is not {what}')


def find_field(spec: TableSpec, column: str) -> str:
    """Name of the field whose header (or storage name or column letter) is ``column``.
    The row's own key and references cannot be overridden. Raises :class:`FieldError`."""
    from .fields import column_letter

    wanted = column.strip().casefold()
    for i, f in enumerate(spec.fields):
        if wanted in (f.label.casefold(), f.name.casefold(), column_letter(i).casefold()):
            if f.kind is Kind.REF or f.name == key_field(spec):
                raise FieldError(f"Column {f.label} of {spec.sheet} names or links rows; a scenario changes values only")
            return f.name
    labels = ", ".join(f.label for f in spec.fields if f.kind is not Kind.REF and f.name != key_field(spec))
    raise FieldError(f'Column "{column}" is not a column of {spec.sheet}; use one of {labels}')


def resolve(plan: "Plan", sheet: str, row: str, column: str) -> Target:
    """Resolve an override's sheet, row and column; raises :class:`FieldError` for the first
    part that names nothing (the caller knows which cell that was from ``FieldError.part``)."""
    try:
        spec = spec_of_sheet(sheet)
    except FieldError as e:
        e.part = "sheet"  # type: ignore[attr-defined]
        raise
    try:
        rid = find_row(plan, spec, row)
    except FieldError as e:
        e.part = "row"  # type: ignore[attr-defined]
        raise
    try:
        name = find_field(spec, column)
    except FieldError as e:
        e.part = "field"  # type: ignore[attr-defined]
        raise
    return Target(spec.name, rid, name)


def scenario_chain(plan: "Plan", scenario_id: int) -> list[int]:
    """Ids from ``scenario_id`` back through its ``based_on`` bases (itself first). Raises
    :class:`FieldError` when the chain loops."""
    t = plan.tables["scenarios"]
    chain: list[int] = []
    rid = int(scenario_id)
    while rid:
        if rid in chain:
            names = " → ".join(t.get(t.position(i), "name") for i in chain + [rid])
            raise FieldError(f"Based on makes a loop: {names}")
        chain.append(rid)
        if not t.has_id(rid):
            break
        rid = int(t.get(t.position(rid), "based_on"))
    return chain


__all__ = ["NOT_OVERRIDABLE", "SPECS", "Target", "find_field", "find_row", "key_field", "resolve",
           "scenario_chain", "spec_of_sheet"]
