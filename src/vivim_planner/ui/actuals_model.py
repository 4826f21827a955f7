"""The Plan vs actual grid's model: categories down (planned, actual and variance rows each),
``To date`` then the months across; variance cells coloured (red: over budget, or less revenue
than planned; green: under budget, or more revenue). Every figure is the engine's
:class:`~vivim_planner.engine.actuals.PlanVsActual`; after an edit only the changed cells are
signalled (rows that come or go are inserted or removed, never a reset).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..engine.actuals import PlanVsActual
from . import format as fmt
from . import roles as R
from .rowsync import sync_rows

OVER_BG = QBrush(QColor("#fbd9d3"))
UNDER_BG = QBrush(QColor("#d9ead3"))
OPEN_BG = QBrush(QColor("#f7f8fa"))
COMPUTED_BG = QBrush(QColor("#f1f3f6"))
OVER_FG = QBrush(QColor("#9c1c1c"))
UNDER_FG = QBrush(QColor("#274e13"))
MATERIAL = 0.005
"""A variance is coloured when it is at least this share of what was planned (0.5%), or, where
nothing was planned, at least one unit of money: ``+$0.07`` on $758 of hosting is on plan."""
_BOLD = QFont()
_BOLD.setBold(True)
ROWS = ("planned", "actual", "variance")


def layout(pva: PlanVsActual) -> tuple[list[str], dict[str, tuple[str, str, bool]], np.ndarray, np.ndarray]:
    """Row keys (``"Personnel:planned"``...), each row's (label, what, revenue), the values
    (rows x (1 + H): To date, then months; NaN: blank) and the variance shares (same shape)."""
    td = pva.to_date()
    H = len(pva.months)
    keys, info, vals, pcts = [], {}, [], []
    shown = [i for i in range(len(pva.categories)) if np.any(pva.planned[i] != 0) or np.any(pva.actual[i] != 0)]
    closed = pva.closed
    for i in shown:
        name, revenue = pva.categories[i], pva.kinds[i] == "revenue"
        actual = np.where(closed, pva.actual[i], np.nan)
        for what, first, row, pct in (
                ("planned", td["planned"][i], pva.planned[i], np.full(H, np.nan)),
                ("actual", td["actual"][i] if closed.any() else np.nan, actual, np.full(H, np.nan)),
                ("variance", td["variance"][i] if closed.any() else np.nan, pva.variance[i], pva.variance_pct[i])):
            keys.append(f"{name}:{what}")
            info[keys[-1]] = (name if what == "planned" else f"    {what}", what, revenue)
            vals.append(np.concatenate([[first], row]))
            pcts.append(np.concatenate([[td["variance_pct"][i] if what == "variance" else np.nan], pct]))
    sp, sa = pva.spend_planned, np.where(closed, pva.spend_actual, np.nan)
    p_td, a_td = float(sp[closed].sum()), float(pva.spend_actual[closed].sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        sv_pct = np.where(closed & (sp != 0), (sa - sp) / np.where(sp != 0, sp, 1.0), np.nan)
    for what, first, row, pct in (
            ("planned", p_td, sp, np.full(H, np.nan)), ("actual", a_td if closed.any() else np.nan, sa, np.full(H, np.nan)),
            ("variance", a_td - p_td if closed.any() else np.nan, sa - sp, sv_pct)):
        keys.append(f"total:{what}")
        info[keys[-1]] = ("Total spend" if what == "planned" else f"    {what}", "total-" + what, False)
        vals.append(np.concatenate([[first], row]))
        pcts.append(np.concatenate([[(a_td - p_td) / p_td if what == "variance" and p_td else np.nan], pct]))
    for key, label, row in (("cash:plan", "Cash at month end, plan", pva.plan_cash),
                            ("cash:reforecast", "Cash at month end, re-forecast", pva.cash)):
        keys.append(key)
        info[key] = (label, "cash", False)
        vals.append(np.concatenate([[np.nan], row]))
        pcts.append(np.full(H + 1, np.nan))
    return keys, info, (np.vstack(vals) if vals else np.zeros((0, H + 1))), (np.vstack(pcts) if pcts else np.zeros((0, H + 1)))


class PlanVsActualModel(QAbstractTableModel):
    """Read-only grid over a :class:`PlanVsActual` given to :meth:`set_result`. The vertical
    header holds the row labels; column 0 is ``To date`` (the closed months together)."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._keys: list[str] = []
        self._info: dict[str, tuple[str, str, bool]] = {}
        self._values = np.zeros((0, 1))
        self._pcts = np.zeros((0, 1))
        self._labels: tuple[str, ...] = ("To date",)
        self._closed = np.zeros(0, dtype=bool)
        self.currency = "USD"

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._labels)

    def row_of(self, key: str) -> int:
        """Row of ``key`` (``"Personnel:variance"``, ``"total:actual"``, ``"cash:reforecast"``)."""
        return self._keys.index(key)

    def value(self, row: int, column: int) -> float:
        return float(self._values[row, column])

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if orientation == Qt.Horizontal:
            if role == R.DISPLAY and section < len(self._labels):
                label = self._labels[section]
                return label + (" ✓" if section and self._closed[section - 1] else "")
            if role == R.TOOLTIP and section:
                return f"Month {section}: " + ("closed (actuals)" if self._closed[section - 1] else "plan")
            return None
        if section >= len(self._keys):
            return None
        label, what, _rev = self._info[self._keys[section]]
        if role == R.DISPLAY:
            return label
        if role == R.FONT and what in ("planned", "total-planned"):
            return _BOLD
        return None

    def _over(self, row: int, column: int) -> int:
        """+1 over budget (or revenue short), -1 under, 0 neither, for a variance cell."""
        key = self._keys[row]
        _label, what, revenue = self._info[key]
        v = self._values[row, column]
        if not what.endswith("variance") or math.isnan(v):
            return 0
        p = self._pcts[row, column]
        if abs(v) < 1.0 if math.isnan(p) else abs(p) < MATERIAL:
            return 0
        return (1 if v > 0 else -1) * (-1 if revenue else 1)

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        _label, what, _rev = self._info[self._keys[r]]
        v = float(self._values[r, c])
        if role == R.DISPLAY or role == R.TOOLTIP:
            if math.isnan(v):
                return "" if role == R.DISPLAY else None
            text = fmt.money(v, self.currency, 0 if role == R.DISPLAY else 2)
            if what.endswith("variance"):
                text = ("+" if v > 0 else "") + text
                p = self._pcts[r, c]
                if not math.isnan(p):
                    text += f" ({p:+.1%})"
            if role == R.TOOLTIP:
                return f"{self._info[self._keys[r]][0].strip()} {what.replace('total-', 'total ')}, {self._labels[c]}: {text}"
            return text
        if role == R.ALIGNMENT:
            return R.RIGHT
        if role == R.BACKGROUND:
            over = self._over(r, c)
            if over:
                return OVER_BG if over > 0 else UNDER_BG
            return OPEN_BG if c and not self._closed[c - 1] else COMPUTED_BG
        if role == R.FOREGROUND:
            over = self._over(r, c)
            return (OVER_FG if over > 0 else UNDER_FG) if over else None
        if role == R.FONT and what.startswith("total") or role == R.FONT and c == 0:
            return _BOLD
        return None

    def flags(self, index):  # noqa: ANN001
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable if index.isValid() else Qt.NoItemFlags

    def set_result(self, pva: PlanVsActual) -> None:
        """Show ``pva``; signal the columns and rows that come or go and the cells that changed."""
        keys, info, new, pcts = layout(pva)
        self.currency = pva.currency
        labels = ("To date",) + pva.labels
        n, old_n = len(labels), len(self._labels)
        if n < old_n:
            self.beginRemoveColumns(QModelIndex(), n, old_n - 1)
            self._labels, self._values, self._pcts = labels, self._values[:, :n], self._pcts[:, :n]
            self._closed = pva.closed
            self.endRemoveColumns()
        elif n > old_n:
            self.beginInsertColumns(QModelIndex(), old_n, n - 1)
            pad = np.full((len(self._keys), n - old_n), np.nan)
            self._labels, self._values, self._pcts = labels, np.hstack([self._values, pad]), np.hstack([self._pcts, pad])
            self._closed = pva.closed
            self.endInsertColumns()
        by_key = {k: (self._values[i], self._pcts[i]) for i, k in enumerate(self._keys)}

        def removed(start: int, end: int) -> None:
            self._values = np.delete(self._values, np.s_[start:end + 1], axis=0)
            self._pcts = np.delete(self._pcts, np.s_[start:end + 1], axis=0)

        def inserted(start: int, end: int) -> None:
            self._values = np.insert(self._values, [start] * (end - start + 1), np.nan, axis=0)
            self._pcts = np.insert(self._pcts, [start] * (end - start + 1), np.nan, axis=0)

        self._info = {**self._info, **info}
        sync_rows(self, self._keys, keys, removed, inserted)
        self._info = info
        blank = np.full(n, np.nan)
        before = np.vstack([by_key.get(k, (blank, blank))[0] for k in keys]) if keys else np.zeros((0, n))
        before_p = np.vstack([by_key.get(k, (blank, blank))[1] for k in keys]) if keys else np.zeros((0, n))
        old_closed = self._closed
        closed_changed = not np.array_equal(old_closed, pva.closed)
        self._values, self._pcts, self._closed = new, pcts, pva.closed
        if labels != self._labels or closed_changed:
            self._labels = labels
            self.headerDataChanged.emit(Qt.Horizontal, 0, max(n - 1, 0))
        same = ((before == new) | (np.isnan(before) & np.isnan(new))) & ((before_p == pcts) | (np.isnan(before_p) & np.isnan(pcts)))
        if closed_changed and len(old_closed) == len(pva.closed):  # a month closed or opened: its colours change
            same[:, 1 + np.flatnonzero(old_closed != pva.closed)] = False
        elif closed_changed:
            same[:] = False
        for i in np.flatnonzero(~same.all(axis=1)):
            changed = np.flatnonzero(~same[i])
            self.dataChanged.emit(self.index(int(i), int(changed[0])), self.index(int(i), int(changed[-1])))
