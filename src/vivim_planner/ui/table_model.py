"""An editable Qt model over one plan table, plus its computed (read-only) columns.

Input columns are the table spec's fields in order (so ``Team!F7`` names the same cell in
the grid and in the messages); computed columns follow. ``setData`` never changes the plan
itself: it builds a validated command and hands it to the controller (one undo step); a
refusal returns False and the reason goes to the status bar. After each change the model
emits ``dataChanged`` only for cells whose value or look changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..commands import ChangeSet, set_cell
from ..domain import SPECS, Field, Kind, Plan
from ..engine import PlanResult
from ..engine.rollup import estimate_bottom_up, positions_of
from . import format as fmt
from . import roles as R
from . import words
from .controller import PlanController
from .rowsync import sync_rows
from .usage_columns import USAGE_COLUMNS

INPUT_BG = QBrush(QColor("#ffffff"))
COMPUTED_BG = QBrush(QColor("#f1f4f8"))
FLAG_BG = QBrush(QColor("#fde2e1"))
COMPUTED_FG = QBrush(QColor("#1f3b57"))
MUTED_FG = QBrush(QColor("#8a94a3"))


def is_percent(f: Field) -> bool:
    """Shares (stored 0-1, unit ``share...``) are shown and edited as percentages."""
    return f.kind is Kind.NUMBER and f.unit.startswith("share")


@dataclass(frozen=True)
class Computed:
    """A read-only column: ``values(plan, result)`` gives one float per row in table order."""

    label: str
    values: Callable[[Plan, PlanResult], np.ndarray]
    money: bool = True
    help: str = ""
    usage: bool = False  # values(plan, usage_model) instead of values(plan, result)


def _role_use(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    al = plan.allocations
    rpos = positions_of(plan.roles.ids, al.column("role"))
    ok = rpos >= 0
    n = len(plan.roles)
    own = ~np.isnan(al.column("hourly_rate")) | ~np.isnan(al.column("lump_sum"))
    return (np.bincount(rpos[ok], minlength=n).astype(float),
            np.bincount(rpos[ok], weights=own[ok].astype(float), minlength=n))


COMPUTED: dict[str, tuple[Computed, ...]] = {
    "milestones": (
        Computed("Duration", lambda p, r: p.milestones.column("end_month") - p.milestones.column("start_month") + 1,
                 money=False, help="End month - start month + 1 (months)"),
    ),
    "allocations": (
        Computed("Rate used", lambda p, r: r.allocation_rate, help="The line's rate, else its role's rate (USD/hour)"),
        Computed("Hours", lambda p, r: r.hours_per_month * p.allocations.column("months") * p.allocations.column("fte"),
                 money=False, help="Hours per month x months x FTE"),
        Computed("Cost", lambda p, r: r.allocation_cost, help="Rate used x hours (or the lump sum)"),
    ),
    "build_items": (
        Computed("Cost", lambda p, r: r.build_cost, help="Qty x unit cost, else amount, else the low-high midpoint"),
    ),
    "estimates": (
        Computed("Bottom-up", estimate_bottom_up, help="The milestone's lines of this category"),
        Computed("Mid - bottom-up", lambda p, r: p.estimates.column("mid") - estimate_bottom_up(p, r),
                 help="Variance of the stated mid estimate against the bottom-up figure"),
    ),
    "operating_costs": (
        Computed("Monthly cost", lambda p, r: r.operating_amount, help="Qty x unit cost, else the amount (USD/month)"),
    ),
    "revenues": (),
    "roles": (
        Computed("Team lines", lambda p, r: _role_use(p)[0], money=False, help="Team lines of this role"),
        Computed("Lines with own rate", lambda p, r: _role_use(p)[1], money=False,
                 help="Of those, lines with their own hourly rate: a rate card change does not reach them"),
    ),
    "stated_figures": (),
}
COMPUTED.update({table: tuple(Computed(label, fn, money, help_, usage=True) for label, fn, money, help_ in cols)
                 for table, cols in USAGE_COLUMNS.items()})


class PlanTableModel(QAbstractTableModel):
    """Qt model of table ``table_name`` of the controller's plan.

    Roles: Display (formatted, currency with separators), Edit (plain text for the editor),
    ToolTip (unit, help, audit finding), Background (input white, computed grey, flagged red),
    TextAlignment (numbers right). ``UserRole`` gives the stored value.
    """

    def __init__(self, controller: PlanController, table_name: str, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self.spec = SPECS[table_name]
        self.name = table_name
        self.computed = COMPUTED.get(table_name, ())
        self._ids: list[int] = []
        self._values: list[np.ndarray] = []
        self._flags: dict[tuple[int, str], str] = {}
        self._reset_snapshot()
        controller.changed.connect(self._on_changed)
        controller.audited.connect(self._on_audited)
        controller.document_replaced.connect(self._on_replaced)

    # -- shape -----------------------------------------------------------------------------
    @property
    def table(self):  # noqa: ANN201 - Table
        return self.controller.plan.tables[self.name]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.spec.fields) + len(self.computed)

    def field_at(self, column: int) -> Field | None:
        """The input field of a column, or None for a computed column."""
        return self.spec.fields[column] if column < len(self.spec.fields) else None

    def row_id(self, row: int) -> int:
        return self._ids[row]

    def row_of_id(self, row_id: int) -> int:
        return self._ids.index(row_id)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if orientation == Qt.Horizontal:
            f = self.field_at(section)
            if role == R.DISPLAY:
                return words.header(f) if f else self.computed[section - len(self.spec.fields)].label
            if role == R.TOOLTIP:
                if f:
                    unit = f" ({self._unit(f)})" if self._unit(f) else ""
                    return f"{words.header(f)}{unit}{': ' + f.help if f.help else ''}"
                c = self.computed[section - len(self.spec.fields)]
                return f"{c.label} (computed): {c.help}"
            if role == R.FONT and not f:
                font = QFont()
                font.setItalic(True)
                return font
        elif role == R.DISPLAY:
            return str(section + 2)  # spreadsheet row numbers: the header is row 1
        return None

    def _unit(self, f: Field) -> str:
        if f.kind is Kind.MONEY:
            return f.unit.replace("USD", self.controller.plan.settings.currency)
        return f.unit

    def flags(self, index) -> Qt.ItemFlags:  # noqa: ANN001
        if not index.isValid():
            return Qt.NoItemFlags
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        return base | Qt.ItemIsEditable if self.field_at(index.column()) else base

    # -- data ------------------------------------------------------------------------------
    _ROLES = frozenset({R.DISPLAY, R.EDIT, R.USER, R.ALIGNMENT, R.BACKGROUND, R.TOOLTIP, R.FOREGROUND})

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        if role not in self._ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        n_in = len(self.spec.fields)
        if col >= n_in:
            return self._computed_data(row, col - n_in, role)
        f = self.spec.fields[col]
        if role == R.ALIGNMENT:
            return R.RIGHT if f.is_numeric else R.LEFT
        if role == R.BACKGROUND:
            return FLAG_BG if (self._ids[row], f.name) in self._flags else INPUT_BG
        if role == R.TOOLTIP:
            return self._flags.get((self._ids[row], f.name)) or (f.help or None)
        table = self.table
        value = table.get(table.position(self._ids[row]), f.name)
        if role == R.DISPLAY:
            return self._display(f, value)
        if role == R.EDIT:
            if f.kind is Kind.REF:
                return self.controller.plan.ref_label(f.ref_table, value)
            if is_percent(f):
                return fmt.percent(value)
            if f.is_numeric:
                return fmt.plain(value)
            return words.choice_words(value) if f.name in words.CHOICE_FIELDS else value
        if role == R.USER:
            return value
        if role == R.FOREGROUND and f.name == "hourly_rate" and isinstance(value, float) and math.isnan(value):
            return MUTED_FG  # the role's rate applies
        return None

    def _display(self, f: Field, value: object) -> str:
        if f.kind is Kind.REF:
            return self.controller.plan.ref_label(f.ref_table, value)
        if f.kind is Kind.MONEY:
            return fmt.typed_money(value, self.controller.plan.settings.currency)
        if is_percent(f):
            return fmt.percent(value)
        if f.is_numeric:
            return fmt.typed_number(value)
        return words.choice_words(value) if f.name in words.CHOICE_FIELDS else value

    def _computed_data(self, row: int, k: int, role: int):  # noqa: ANN202
        if role == R.ALIGNMENT:
            return R.RIGHT
        if role == R.BACKGROUND:
            return COMPUTED_BG
        if role == R.FOREGROUND:
            return COMPUTED_FG
        c = self.computed[k]
        v = float(self._values[k][row]) if row < len(self._values[k]) else math.nan
        if role == R.DISPLAY:
            return fmt.money(v, self.controller.plan.settings.currency) if c.money else fmt.number(v)
        if role == R.EDIT:
            return fmt.plain(v)
        if role == R.USER:
            return v
        if role == R.TOOLTIP:
            if math.isnan(v) and self.name == "allocations":
                return "No hourly rate: give the line a rate or its role a rate card rate"
            return f"{c.label}: {c.help}"
        return None

    def setData(self, index, value, role=Qt.EditRole) -> bool:  # noqa: N802, ANN001
        """Validate and apply one edit as an undo step; False (and a status message) if refused."""
        f = self.field_at(index.column()) if index.isValid() else None
        if f is None or role != R.EDIT:
            return False
        value = words.choice_code(f, value)
        command = self.controller.try_build(set_cell, self.name, self._ids[index.row()], f.name, value)
        if command is None:
            return False
        if not command.edits:
            return True
        return self.controller.execute(command)

    # -- refresh ---------------------------------------------------------------------------
    def _computed_values(self) -> list[np.ndarray]:
        plan, r = self.controller.plan, self.controller.result
        return [np.asarray(c.values(plan, self.controller.usage if c.usage else r), dtype=np.float64)
                for c in self.computed]

    def _flag_map(self) -> dict[tuple[int, str], str]:
        out: dict[tuple[int, str], str] = {}
        for f in self.controller.findings:
            if f.table == self.name:
                key = (f.row_id, f.field)
                out[key] = f"{out[key]}\n{f.message}" if key in out else f.message
        return out

    def _reset_snapshot(self) -> None:
        self._ids = self.table.ids.tolist()
        self._values = self._computed_values()
        self._flags = self._flag_map()

    def _on_replaced(self) -> None:
        self.beginResetModel()  # a different file: everything is new
        self._reset_snapshot()
        self.endResetModel()

    def _on_changed(self, cs: ChangeSet) -> None:
        if cs.structural(self.name):
            self._sync_rows()
        n_in = len(self.spec.fields)
        # input cells that changed
        rows_cols: dict[int, list[int]] = {}
        for rid, fname in cs.cells.get(self.name, ()):
            try:
                row = self.row_of_id(rid)
            except ValueError:
                continue
            rows_cols.setdefault(row, []).append(self.spec.column_index(fname))
        for row, cols in rows_cols.items():
            self.dataChanged.emit(self.index(row, min(cols)), self.index(row, max(cols)))
        # references whose label changed (a milestone code, a role name)
        for i, f in enumerate(self.spec.fields):
            if f.kind is Kind.REF and any(fn in ("code", "name") for _, fn in cs.cells.get(f.ref_table, ())):
                if self._ids:
                    self.dataChanged.emit(self.index(0, i), self.index(len(self._ids) - 1, i))
        if cs.settings & {"currency"} and self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Horizontal, 0, self.columnCount() - 1)
        # computed columns: only rows whose value changed
        new = self._computed_values()
        for k, (old, cur) in enumerate(zip(self._values, new)):
            if len(old) == len(cur):
                diff = np.flatnonzero(~((old == cur) | (np.isnan(old) & np.isnan(cur))))
            else:
                diff = np.arange(len(cur))
            self._values[k] = cur
            for start, stop in _runs(diff):
                self.dataChanged.emit(self.index(start, n_in + k), self.index(stop, n_in + k))

    def _on_audited(self) -> None:
        """Audit markers that appeared, changed or went away."""
        flags = self._flag_map()
        for key in set(flags) ^ set(self._flags) | {k for k in flags if self._flags.get(k) != flags[k]}:
            rid, fname = key
            if rid in self._ids and fname in self.spec.by_name:
                idx = self.index(self.row_of_id(rid), self.spec.column_index(fname))
                self.dataChanged.emit(idx, idx)
        self._flags = flags

    def _sync_rows(self) -> None:
        """Bring the row snapshot in line with the table using remove / insert signals."""
        def removed(a: int, b: int) -> None:
            self._values = [np.delete(v, slice(a, b + 1)) for v in self._values]

        def inserted(a: int, b: int) -> None:
            self._values = [np.insert(v, a, np.full(b - a + 1, np.nan)) for v in self._values]

        sync_rows(self, self._ids, self.table.ids.tolist(), removed, inserted)


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous runs of sorted indices: [1,2,3,7] -> [(1,3),(7,7)]."""
    if len(indices) == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) != 1)
    starts = np.concatenate([[indices[0]], indices[breaks + 1]])
    ends = np.concatenate([indices[breaks], [indices[-1]]])
    return list(zip(starts.tolist(), ends.tolist()))

