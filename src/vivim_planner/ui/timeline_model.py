"""The Timeline grid's model: the timeline's rows (:mod:`vivim_planner.engine.timeline_rows`)
down, months across, every cell computed (grey, read-only).

The model keeps the numbers, not their text: :meth:`data` formats only the cells Qt paints,
and after an edit :meth:`refresh` compares the new numbers with the old ones (one vectorized
comparison) and signals ``dataChanged`` for exactly the changed cells of each row; rows and
month columns that come or go are inserted or removed, never a reset.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..engine.timeline_rows import TimelineRow, timeline_rows
from . import format as fmt
from . import roles as R
from .controller import PlanController
from .rowsync import sync_rows

COMPUTED_BG = QBrush(QColor("#f1f3f6"))
SECTION_BG = QBrush(QColor("#dfe7f1"))
NEGATIVE_FG = QBrush(QColor("#b42318"))
_BOLD = QFont()
_BOLD.setBold(True)


class TimelineModel(QAbstractTableModel):
    """Rows: a header row per section, then its lines; columns: months 1..H. The vertical
    header holds the line labels (so they stay in view while months scroll), the horizontal
    header the month labels (``Jan 2026``... or ``Month 1``...). ``row_key(r)`` names a row
    (``"cash"``, ``"fte:Senior Developer"``, ``"section:Costs"``)."""

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self._keys: list[str] = []
        self._rows: dict[str, TimelineRow | str] = {}
        self._values = np.zeros((0, 0))
        self._labels: tuple[str, ...] = ()
        self.currency = "USD"
        self.refresh()

    # -- shape ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._labels)

    def row_key(self, row: int) -> str:
        return self._keys[row]

    def row_of(self, key: str) -> int:
        """Row of ``key``; raises ValueError if the timeline has no such row."""
        return self._keys.index(key)

    def value(self, row: int, column: int) -> float:
        """The number in a cell (NaN on a section header row)."""
        return float(self._values[row, column])

    # -- content ----------------------------------------------------------------------------
    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if orientation == Qt.Horizontal:
            if role == R.DISPLAY and section < len(self._labels):
                return self._labels[section]
            if role == R.TOOLTIP:
                return f"Month {section + 1} of the plan"
            return None
        if section >= len(self._keys):
            return None
        row = self._rows[self._keys[section]]
        if role == R.DISPLAY:
            return row if isinstance(row, str) else row.label
        if role == R.FONT and (isinstance(row, str) or row.total):
            return _BOLD
        if role == R.TOOLTIP and not isinstance(row, str):
            unit = self.currency + " per month" if row.unit == "money" else row.unit
            return f"{row.section}: {row.label.strip()} ({unit})"
        return None

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        if not index.isValid():
            return None
        row = self._rows[self._keys[index.row()]]
        if isinstance(row, str):  # a section header
            return SECTION_BG if role == R.BACKGROUND else None
        if role == R.DISPLAY or role == R.TOOLTIP:
            v = float(self._values[index.row(), index.column()])
            if role == R.TOOLTIP:
                return f"{row.label.strip()}, {self._labels[index.column()]}: {self._text(row, v, full=True)}"
            return self._text(row, v)
        if role == R.ALIGNMENT:
            return R.RIGHT
        if role == R.BACKGROUND:
            return COMPUTED_BG
        if role == R.FONT and row.total:
            return _BOLD
        if role == R.FOREGROUND and row.unit == "money" and self._values[index.row(), index.column()] < -0.005:
            return NEGATIVE_FG
        return None

    def _text(self, row: TimelineRow, v: float, full: bool = False) -> str:
        """A cell as a person reads it: money to the unit, FTE to the hundredth, users whole;
        an exact zero as an en dash (accounting style), so the figures stand out."""
        if math.isnan(v):
            return ""
        if v == 0 and not full:
            return "–"
        if row.unit == "money":
            return fmt.money(v, self.currency, 2 if full else 0)
        if row.unit == "FTE":
            return fmt.number(v, 2)
        return fmt.number(v, None if full else 0)

    def flags(self, index):  # noqa: ANN001
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable if index.isValid() else Qt.NoItemFlags

    # -- refresh ----------------------------------------------------------------------------
    def refresh(self, _changes=None) -> None:  # noqa: ANN001
        """Re-read the controller's timeline; signal only what changed."""
        tl = self.controller.timeline
        self.currency = tl.currency
        keys, rows = [], {}
        section = None
        for r in timeline_rows(tl):
            if r.section != section:
                section = r.section
                keys.append(f"section:{section}")
                rows[keys[-1]] = section
            keys.append(r.key)
            rows[r.key] = r
        H = tl.horizon
        new = np.full((len(keys), H), np.nan)
        data = [i for i, k in enumerate(keys) if not isinstance(rows[k], str)]
        if data and H:
            new[data] = np.vstack([rows[keys[i]].values for i in data])
        if keys == self._keys and tl.labels == self._labels:  # an edit that moves figures only
            self._rows = rows
            self._emit_changed(self._values, new)
            return
        old_labels = self._labels
        # columns first (months come or go at the end), then rows, then the cells that changed;
        # _values stays in step with _keys x _labels through every signal
        if H < len(old_labels):
            self.beginRemoveColumns(QModelIndex(), H, len(old_labels) - 1)
            self._labels, self._values = tl.labels, self._values[:, :H]
            self.endRemoveColumns()
        elif H > len(old_labels):
            self.beginInsertColumns(QModelIndex(), len(old_labels), H - 1)
            self._labels = tl.labels
            self._values = np.hstack([self._values, np.full((len(self._keys), H - len(old_labels)), np.nan)])
            self.endInsertColumns()
        by_key = {k: self._values[i] for i, k in enumerate(self._keys)}

        def removed(start: int, end: int) -> None:
            self._values = np.delete(self._values, np.s_[start:end + 1], axis=0)

        def inserted(start: int, end: int) -> None:
            self._values = np.insert(self._values, [start] * (end - start + 1), np.nan, axis=0)

        self._rows = {**self._rows, **rows}
        sync_rows(self, self._keys, keys, removed, inserted)
        self._rows = rows
        before = np.vstack([by_key.get(k, np.full(H, np.nan)) for k in keys]) if keys else np.zeros((0, H))
        self._values = new
        if tl.labels != old_labels[:H]:
            self._labels = tl.labels
            self.headerDataChanged.emit(Qt.Horizontal, 0, max(H - 1, 0))
        self._labels = tl.labels
        self._emit_changed(before, new)

    def _emit_changed(self, before: np.ndarray, new: np.ndarray) -> None:
        """Keep ``new`` and signal, per row, the span of cells that differ from ``before``."""
        self._values = new
        same = (before == new) | (np.isnan(before) & np.isnan(new))
        for i in np.flatnonzero(~same.all(axis=1)):
            changed = np.flatnonzero(~same[i])
            self.dataChanged.emit(self.index(int(i), int(changed[0])), self.index(int(i), int(changed[-1])))
