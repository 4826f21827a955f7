"""Edits as command objects.

Each command is built by a factory that validates the raw input against the plan first
(raising :class:`CellError` and changing nothing), so ``apply`` and ``revert`` never fail on
data. ``apply(plan)``/``revert(plan)`` return the :class:`ChangeSet` of what they did and can
be repeated in alternation (undo / redo).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..domain import SPECS, CellError, Kind, Plan, text_key
from .changes import ChangeSet


class Command:
    """Base class. ``label`` is what Edit > Undo shows ("Undo Edit FTE")."""

    label: str = "Edit"

    def apply(self, plan: Plan) -> ChangeSet:  # pragma: no cover - interface
        raise NotImplementedError

    def revert(self, plan: Plan) -> ChangeSet:  # pragma: no cover - interface
        raise NotImplementedError


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@dataclass
class SetCells(Command):
    """Set stored values: ``edits`` is a list of ``(table, row_id, field, new_value)``."""

    edits: list[tuple[str, int, str, object]]
    label: str = "Edit"
    _old: list[object] = field(default_factory=list, repr=False)

    def apply(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        self._old = []
        for table, rid, name, value in self.edits:
            t = plan.tables[table]
            pos = t.position(rid)
            self._old.append(t.get(pos, name))
            t.set(pos, name, value)
            cs.cell(table, rid, name)
        return cs

    def revert(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        for (table, rid, name, _), old in reversed(list(zip(self.edits, self._old))):
            t = plan.tables[table]
            t.set(t.position(rid), name, old)
            cs.cell(table, rid, name)
        return cs


@dataclass
class InsertRows(Command):
    """Insert rows into one table: ``rows`` is a list of ``(position, values)``, applied in order.
    Ids are given on first apply and kept for redo."""

    table: str
    rows: list[tuple[int, dict[str, object]]]
    label: str = "Add row"
    ids: list[int] = field(default_factory=list)

    def apply(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        t = plan.tables[self.table]
        new_ids = []
        for i, (pos, values) in enumerate(self.rows):
            rid = t.insert(pos, values, self.ids[i] if i < len(self.ids) else None)
            new_ids.append(rid)
            cs.insert(self.table, rid)
        self.ids = new_ids
        return cs

    def revert(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        t = plan.tables[self.table]
        for rid in reversed(self.ids):
            t.delete(t.position(rid))
            cs.delete(self.table, rid)
        return cs


@dataclass
class DeleteRows(Command):
    """Delete rows by id, with the rows of child tables that belong to a deleted milestone.
    Revert puts every row back at its old position with its old id."""

    table: str
    row_ids: list[int]
    label: str = "Delete rows"
    _removed: list[tuple[str, int, dict[str, object]]] = field(default_factory=list, repr=False)

    def _targets(self, plan: Plan) -> list[tuple[str, int]]:
        targets: list[tuple[str, int]] = []
        if self.table == "milestones":
            wanted = set(self.row_ids)
            for spec in SPECS.values():
                if spec.parent == "milestones":
                    t = plan.tables[spec.name]
                    mine = np.isin(t.column("milestone"), list(wanted))
                    targets += [(spec.name, int(rid)) for rid in t.ids[mine]]
        targets += [(self.table, rid) for rid in self.row_ids]
        return targets

    def apply(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        self._removed = []
        by_table: dict[str, list[int]] = {}
        for table, rid in self._targets(plan):
            by_table.setdefault(table, []).append(rid)
            cs.delete(table, rid)
        for table, rids in by_table.items():
            t = plan.tables[table]
            # all positions from one id lookup, then delete from the bottom up so each recorded
            # position stays valid (a position lookup after every delete is O(n) each time)
            for pos in sorted((t.position(rid) for rid in rids), reverse=True):
                self._removed.append((table, pos, t.delete(pos)))
        return cs

    def deleted_ids(self) -> dict[str, list[int]]:
        """Ids removed by the last apply, per table (the cascade included)."""
        out: dict[str, list[int]] = {}
        for table, _pos, row in self._removed:
            out.setdefault(table, []).append(int(row["id"]))
        return out

    def revert(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        for table, pos, row in reversed(self._removed):
            rid = int(row.pop("id"))
            plan.tables[table].insert(pos, row, rid)
            row["id"] = rid
            cs.insert(table, rid)
        return cs


@dataclass
class SetSettings(Command):
    """Change plan settings: ``changes`` maps a setting key to its parsed value."""

    changes: dict[str, object]
    label: str = "Edit plan settings"
    _old: dict[str, object] = field(default_factory=dict, repr=False)

    def apply(self, plan: Plan) -> ChangeSet:
        self._old = {k: getattr(plan.settings, k) for k in self.changes}
        plan.settings = plan.with_settings(**self.changes)
        return ChangeSet(settings=set(self.changes))

    def revert(self, plan: Plan) -> ChangeSet:
        plan.settings = plan.with_settings(**self._old)
        return ChangeSet(settings=set(self._old))


@dataclass
class Compound(Command):
    """Several commands as one undo step (a paste, an import)."""

    commands: list[Command]
    label: str = "Edit"

    def apply(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        for c in self.commands:
            cs.merge(c.apply(plan))
        return cs

    def revert(self, plan: Plan) -> ChangeSet:
        cs = ChangeSet()
        for c in reversed(self.commands):
            cs.merge(c.revert(plan))
        return cs


# -- factories: validate, then build ---------------------------------------------------------

def set_cells(plan: Plan, table: str, edits: Sequence[tuple[int, str, object]], label: str | None = None) -> Command:
    """Build a :class:`SetCells` from raw input ``(row_id, field, raw)`` for one table.

    Every value is parsed and every touched row re-checked as it would be after all edits.
    Raises :class:`CellError` for the first bad cell (in row, then column order); the plan is
    not touched. Edits that change nothing are dropped. An estimate changed in a plan with
    actuals also records its budget amendment (:mod:`.amendments`; then an ``AmendedEdit``).
    """
    spec = SPECS[table]
    t = plan.tables[table]
    rows: dict[int, dict[str, object]] = {}
    final: dict[tuple[int, str], object] = {}  # a cell edited twice takes its last value
    for rid, name, raw in sorted(edits, key=lambda e: (t.position(e[0]), spec.column_index(e[1]))):
        pos = t.position(rid)
        value = plan.parse_cell(table, pos, name, raw)
        row = rows.setdefault(rid, t.row(pos))
        row[name] = value
        final[(rid, name)] = value
    parsed = [(table, rid, name, value) for (rid, name), value in final.items()
              if not _same(t.get(t.position(rid), name), value)]
    for rid, row in rows.items():
        plan.check_row(table, t.position(rid), row, row_id=rid)
    for key in spec.unique:  # check_row compares with the table as it is; also among the edited rows
        seen: set[str] = set()
        for rid, row in rows.items():
            k = text_key(str(row[key]))
            if k in seen:
                raise CellError(spec.sheet, spec.address(t.position(rid), key),
                                f'{spec.field(key).label} "{row[key]}" appears twice')
            seen.add(k)
    if label is None:
        label = f"Edit {spec.field(parsed[0][2]).label}" if len(parsed) == 1 else f"Edit {len(parsed)} cells"
    return _amendments.record_amendments(plan, SetCells(parsed, label))  # a budget changed after actuals is recorded


def set_cell(plan: Plan, table: str, row_id: int, field_name: str, raw: object) -> SetCells:
    """One cell edit; see :func:`set_cells`."""
    return set_cells(plan, table, [(row_id, field_name, raw)])


def paste_block(plan: Plan, table: str, edits: Sequence[tuple[int, str, object]],
                new_rows: Sequence[Mapping[str, object]], label: str = "Paste") -> Compound:
    """A paste as one command: raw ``edits`` ``(row_id, field, raw)`` on existing rows plus
    ``new_rows`` appended after the last row. Each part is validated, then the whole is tried
    on the plan and undone again, so a value pasted twice (two rows given the same code) is
    refused like any other. Raises :class:`CellError`; the plan ends as it started."""
    parts: list[Command] = []
    if edits:
        parts.append(set_cells(plan, table, edits))
    if new_rows:
        parts.append(insert_rows(plan, table, len(plan.tables[table]), new_rows))
    command = Compound(parts, label)
    if SPECS[table].unique:
        command.apply(plan)
        try:
            plan.check_unique(table)
        finally:
            command.revert(plan)
    return command


def insert_rows(plan: Plan, table: str, position: int, raw_rows: Iterable[Mapping[str, object]] = ({},),
                label: str | None = None) -> InsertRows:
    """Build an :class:`InsertRows` for raw rows inserted at ``position`` (in order).

    Missing fields take :meth:`Plan.new_row_values`. Raises :class:`CellError` naming the
    cell of the first bad value (addresses count the new rows at their future positions).
    """
    spec = SPECS[table]
    if not 0 <= position <= len(plan.tables[table]):
        raise IndexError(f"cannot insert {spec.noun} rows at position {position} of {len(plan.tables[table])}")
    raw_rows = list(raw_rows)
    typed = [str(raw[key]) for raw in raw_rows for key in spec.unique if raw.get(key) is not None]
    rows = []
    pending: list[dict[str, object]] = []
    for i, raw in enumerate(raw_rows):
        pos = position + i
        # a generated code / name must differ from the rows added with this one
        parsed = {name: plan.parse_cell(table, pos, name, v) for name, v in raw.items()}
        values = plan.new_row_values(table, parsed, taken=typed + [str(p[k]) for p in pending for k in spec.unique]
                                     if spec.unique else ())  # no quadratic walk of a table without unique keys
        plan.check_row(table, pos, values)
        for key in spec.unique:  # unique among the new rows too
            if any(text_key(str(p[key])) == text_key(str(values[key])) for p in pending):
                raise CellError(spec.sheet, spec.address(pos, key),
                                f'{spec.field(key).label} "{values[key]}" appears twice')
        pending.append(values)
        rows.append((pos, values))
    n = len(rows)
    return InsertRows(table, rows, label or (f"Add {spec.noun}" if n == 1 else f"Add {n} rows"))


def delete_rows(plan: Plan, table: str, row_ids: Sequence[int], label: str | None = None) -> DeleteRows:
    """Build a :class:`DeleteRows`. Deleting a milestone also deletes its lines (undo restores
    them). Raises :class:`CellError` when a role is still used by team lines."""
    spec = SPECS[table]
    t = plan.tables[table]
    wanted = {int(r) for r in row_ids}
    for other in SPECS.values():  # rows that refer to these (milestones cascade instead)
        for f in other.fields:
            if f.kind is not Kind.REF or f.ref_table != table or (table == "milestones" and f.name == "milestone"):
                continue
            used = plan.tables[other.name].column(f.name)
            for rid in sorted(wanted, key=t.position):
                n = int((used == rid).sum())
                if n:
                    pos = t.position(rid)
                    key = "code" if table == "milestones" else "name"
                    lines = "team line(s)" if other.name == "allocations" else f"{other.noun}(s) in {other.sheet}"
                    raise CellError(spec.sheet, spec.address(pos, key),
                                    f'{spec.noun} "{t.get(pos, key)}" is used by {n} {lines}; reassign or delete them first')
    ids = sorted({int(r) for r in row_ids}, key=t.position)
    n = len(ids)
    return DeleteRows(table, ids, label or (f"Delete {spec.noun}" if n == 1 else f"Delete {n} rows"))


def set_settings(plan: Plan, raw: Mapping[str, object]) -> SetSettings:
    """Build a :class:`SetSettings`; raises :class:`CellError` at ``Plan!<key>``."""
    from ..domain import PlanSettings

    parsed = {k: PlanSettings.parse(k, v) for k, v in raw.items()}
    changed = {k: v for k, v in parsed.items() if not _same(getattr(plan.settings, k), v)}
    return SetSettings(changed, "Edit plan settings")


from . import amendments as _amendments  # noqa: E402 - it builds on the commands above
