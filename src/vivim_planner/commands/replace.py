"""Replace a whole plan's contents in one undoable step (an Excel import).

:func:`replace_plan` compares the open plan with a validated new one row by row (rows are
matched by id) and builds a :class:`ReplacePlan` whose ChangeSet names exactly the rows
added, deleted and the cells changed, so the document writes only those and the grids refresh
only those. :class:`PlanDiff` counts the same per table for the import report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan, PlanSettings
from ..domain.table import Table
from .changes import ChangeSet
from .edits import Command

REORDERED = 0
"""Row id put in a ChangeSet's ``deleted`` list of a table whose rows only changed order. No
row has id 0 (ids start at 1), so nothing is deleted, but the table counts as structurally
changed: the document rewrites its row order and the grids re-sync their rows."""


@dataclass
class TableDiff:
    """Differences of one table: ``added`` / ``deleted`` row ids, ``changed`` cells
    ``(row_id, field)``, ``changed_rows`` (ids with any changed cell) and ``reordered``
    (the kept rows are in another order)."""

    added: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    changed: list[tuple[int, str]] = field(default_factory=list)
    changed_rows: list[int] = field(default_factory=list)
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.deleted or self.changed or self.reordered)


@dataclass
class PlanDiff:
    """Differences between two plans: ``tables`` (name -> :class:`TableDiff`, only tables
    that differ) and ``settings`` (keys whose value differs)."""

    tables: dict[str, TableDiff] = field(default_factory=dict)
    settings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tables or self.settings)


def _equal_columns(a: np.ndarray | list, b: np.ndarray | list) -> np.ndarray:
    """Element-wise equality, NaN equal to NaN."""
    if isinstance(a, list):
        return np.fromiter((x == y for x, y in zip(a, b)), dtype=bool, count=len(a))
    a, b = np.asarray(a), np.asarray(b)
    eq = a == b
    if a.dtype.kind == "f":
        eq |= np.isnan(a) & np.isnan(b)
    return eq


def diff_tables(old: Table, new: Table) -> TableDiff:
    """Compare two versions of one table by row id. O(rows x fields), vectorized per column."""
    d = TableDiff()
    old_ids, new_ids = old.ids, new.ids
    keep_old = np.isin(old_ids, new_ids)
    keep_new = np.isin(new_ids, old_ids)
    d.deleted = old_ids[~keep_old].tolist()
    d.added = new_ids[~keep_new].tolist()
    common = new_ids[keep_new]
    if len(common):
        old_pos = np.fromiter((old.position(i) for i in common.tolist()), dtype=np.int64, count=len(common))
        new_pos = np.flatnonzero(keep_new)
        d.reordered = not np.array_equal(old_ids[keep_old], common)
        changed_any = np.zeros(len(common), dtype=bool)
        for f in old.spec.fields:
            a, b = old.column(f.name), new.column(f.name)
            if isinstance(a, list):
                same = _equal_columns([a[p] for p in old_pos.tolist()], [b[p] for p in new_pos.tolist()])
            else:
                same = _equal_columns(np.asarray(a)[old_pos], np.asarray(b)[new_pos])
            for k in np.flatnonzero(~same).tolist():
                d.changed.append((int(common[k]), f.name))
            changed_any |= ~same
        d.changed_rows = common[changed_any].tolist()
    return d


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Every difference between ``old`` and ``new`` (same tables expected; a table missing
    from one side compares as empty)."""
    out = PlanDiff()
    for key in old.settings.keys():
        if not _same(getattr(old.settings, key), getattr(new.settings, key, None)):
            out.settings.append(key)
    for name, table in old.tables.items():
        other = new.tables.get(name)
        if other is None:
            other = Table(table.spec)
        d = diff_tables(table, other)
        if d:
            out.tables[name] = d
    return out


def _change_set(diff: PlanDiff, forward: bool) -> ChangeSet:
    cs = ChangeSet(settings=set(diff.settings))
    for name, d in diff.tables.items():
        added, deleted = (d.added, d.deleted) if forward else (d.deleted, d.added)
        for rid in added:
            cs.insert(name, rid)
        for rid in deleted:
            cs.delete(name, rid)
        for rid, f in d.changed:
            cs.cell(name, rid, f)
        if d.reordered and not (added or deleted):
            cs.delete(name, REORDERED)
    return cs


@dataclass
class ReplacePlan(Command):
    """Swap the plan's settings and every table for those of another plan, as one undo step.

    ``apply`` installs the new tables and settings; ``revert`` puts the previous ones back.
    Both return the ChangeSet of the rows and cells that differ (see :data:`REORDERED`).
    Tables are swapped as objects: with a linear history the tables a revert takes away are in
    exactly the state ``apply`` left them in, so redo installs them again unchanged.
    """

    settings: PlanSettings
    tables: dict[str, Table]
    diff: PlanDiff
    label: str = "Import from Excel"
    _previous: tuple[PlanSettings, dict[str, Table]] | None = field(default=None, repr=False)

    def apply(self, plan: Plan) -> ChangeSet:
        self._previous = (plan.settings, {name: plan.tables[name] for name in self.tables})
        plan.settings = self.settings
        plan.tables.update(self.tables)
        return _change_set(self.diff, forward=True)

    def revert(self, plan: Plan) -> ChangeSet:
        if self._previous is None:  # never applied: nothing to undo
            return ChangeSet()
        settings, tables = self._previous
        self.settings = plan.settings
        self.tables = {name: plan.tables[name] for name in self.tables}
        plan.settings = settings
        plan.tables.update(tables)
        self._previous = None
        return _change_set(self.diff, forward=False)


def replace_plan(plan: Plan, new: Plan, label: str = "Import from Excel") -> ReplacePlan:
    """Build the :class:`ReplacePlan` that turns ``plan`` into ``new``. ``new`` must be a
    validated plan (an import checks every cell first) with the same tables as ``plan``; it
    must not be used afterwards (its tables move into ``plan`` on apply).

    Raises ``ValueError`` when ``new`` lacks one of ``plan``'s tables.
    """
    missing = [name for name in plan.tables if name not in new.tables]
    if missing:
        raise ValueError(f"the new plan has no table {', '.join(missing)}")
    diff = diff_plans(plan, new)
    return ReplacePlan(new.settings, {name: new.tables[name] for name in plan.tables}, diff, label)
