"""The totals row under a grid: the sum of each amount column over the rows the grid shows
(every row, or those a filter leaves), aligned under its column as a spreadsheet's SUBTOTAL.

Only amounts add up: team line and build cost lines, estimates, operating costs and revenue
offsets, capital; a rate, a unit cost or a price per unit has no total. The sums are of the
same stored and computed values the cells show (the engine's ``PlanResult`` arrays)."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from ..domain import Kind
from . import format as fmt

TOTAL_TABLES = frozenset({"allocations", "build_items", "estimates", "operating_costs", "revenues", "capital"})
"""Tables whose amount columns have a totals row."""
_NOT_AMOUNTS = frozenset({"unit_cost", "unit_price", "hourly_rate"})
_COMPUTED_AMOUNTS = frozenset({"Cost", "Monthly cost", "Bottom-up", "Mid - bottom-up"})


def total_columns(model) -> list[int]:  # noqa: ANN001 - PlanTableModel
    """The columns of ``model`` that have a total (amounts in the plan's currency)."""
    if model.name not in TOTAL_TABLES:
        return []
    cols = [i for i, f in enumerate(model.spec.fields)
            if f.kind is Kind.MONEY and f.unit in ("USD", "USD/month") and f.name not in _NOT_AMOUNTS]
    n = len(model.spec.fields)
    cols += [n + k for k, c in enumerate(model.computed) if c.money and c.label in _COMPUTED_AMOUNTS]
    return cols


def column_values(model, column: int) -> np.ndarray:  # noqa: ANN001 - PlanTableModel
    """Every row's value of ``column`` in the plan's order (NaN for empty)."""
    n = len(model.spec.fields)
    if column < n:
        return np.asarray(model.table.column(model.spec.fields[column].name), dtype=float)
    return np.asarray(model._values[column - n], dtype=float)  # the computed values the cells show


def totals(grid) -> dict[int, float]:  # noqa: ANN001 - GridView
    """Column -> sum over the rows ``grid`` shows (its filter applied)."""
    model = grid.plan_model
    cols = total_columns(model)
    if not cols:
        return {}
    rows = grid.rows
    if rows.filters:
        shown = np.array([rows.source_row(r) for r in range(rows.rowCount() - 1)], dtype=int)
    else:
        shown = slice(None)
    return {c: float(np.nansum(column_values(model, c)[shown])) for c in cols}


class TotalsBar(QWidget):
    """A one-line strip under ``grid`` with each amount column's total under it (bold); hidden
    for grids without amounts. Follows column widths and horizontal scrolling."""

    def __init__(self, grid, parent=None):  # noqa: ANN001 - GridView
        super().__init__(parent)
        self.grid = grid
        self.values: dict[int, float] = {}
        self.setFixedHeight(22)
        self.setVisible(bool(total_columns(grid.plan_model)))
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.timeout.connect(self.refresh)
        rows = grid.rows
        for signal in (rows.dataChanged, rows.rowsInserted, rows.rowsRemoved, rows.layoutChanged, rows.modelReset):
            signal.connect(lambda *_a: self._due.start(0))
        grid.fitted.connect(self.refresh)
        grid.horizontalHeader().sectionResized.connect(lambda *_a: self.update())
        grid.horizontalScrollBar().valueChanged.connect(lambda *_a: self.update())
        self.refresh()

    def refresh(self) -> None:
        """Recompute the sums (after a burst of edits, once)."""
        self.values = totals(self.grid)
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        for col in self.values:  # a total wider than its column widens it, as a cell's value does
            need = metrics.horizontalAdvance(self.text(col)) + 14
            if need > self.grid.columnWidth(col):
                self.grid.setColumnWidth(col, min(need, 420))
        shown = self.grid.rows.rowCount() - 1
        self.setToolTip(f"Totals of the {shown} row{'s' * (shown != 1)} shown"
                        + (" (filtered)" if self.grid.rows.filters else ""))
        self.update()

    def text(self, column: int) -> str:
        """The total shown under ``column`` (``""`` when it has none)."""
        v = self.values.get(column)
        return "" if v is None or math.isnan(v) else fmt.money(v, self.grid.plan_model.controller.plan.settings.currency)

    def paintEvent(self, _event) -> None:  # noqa: N802, ANN001
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#e8eef6"))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#14263d"))
        g = self.grid
        x0 = g.verticalHeader().width() + g.frameWidth()
        hh = g.horizontalHeader()
        p.drawText(QRect(4, 0, max(x0 - 6, 40), self.height()), Qt.AlignLeft | Qt.AlignVCenter, "Total")
        right_edge = x0 + g.viewport().width() - 4  # not under the grid's scroll bar
        for col in self.values:
            x = x0 + hh.sectionViewportPosition(col)
            right = min(x + hh.sectionSize(col) - 6, right_edge)
            if right <= max(x, x0):
                continue
            p.drawText(QRect(x, 0, right - x, self.height()), Qt.AlignRight | Qt.AlignVCenter, self.text(col))
        p.end()
