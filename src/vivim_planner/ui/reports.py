"""Read-only models of computed reports: the Summary (milestones x scenarios, cumulative,
operations and cost per user) and the Audit (findings). Both refresh from the controller's
latest result and signal only the cells whose text changed."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..engine import SCENARIO_NAMES
from . import format as fmt
from . import roles as R
from .controller import PlanController
from .rowsync import sync_rows

TOTAL_KEY = -1
_SCENARIO_COLUMN = {"low": 4, "mid": 5, "high": 6, "bottom_up": 7}
_SUMMARY_ROLES = frozenset({R.DISPLAY, R.ALIGNMENT, R.BACKGROUND, R.FONT, R.FOREGROUND, R.TOOLTIP})
TOTAL_BG = QBrush(QColor("#e8eef6"))
NEGATIVE_FG = QBrush(QColor("#1a7f37"))  # net profit reads green
FLAG_BG = QBrush(QColor("#fde2e1"))


class _ReportModel(QAbstractTableModel):
    headers: tuple[str, ...] = ()
    tooltips: tuple[str, ...] = ()
    numeric_from = 0
    refresh_on: str | None = "changed"  # the controller signal after which the rows are rebuilt (None: the owner does)

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self._keys: list = []
        self._rows: dict = {}
        self.refresh()
        if self.refresh_on:
            getattr(controller, self.refresh_on).connect(self.refresh)
        controller.document_replaced.connect(self.refresh)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if orientation == Qt.Horizontal:
            if role == R.DISPLAY:
                return self.headers[section]
            if role == R.TOOLTIP and section < len(self.tooltips):
                return self.tooltips[section] or None
        return None

    def build(self) -> tuple[list, dict]:  # pragma: no cover - interface
        raise NotImplementedError

    def refresh(self, _changes=None) -> None:  # noqa: ANN001
        """Recompute rows; emit row inserts/removals and dataChanged for changed cells only."""
        keys, rows = self.build()
        old = self._rows
        self._rows = {**old, **rows}
        sync_rows(self, self._keys, keys)
        self._rows = rows
        for r, key in enumerate(self._keys):
            new, before = rows.get(key), old.get(key)
            if before is None or new is None:
                continue
            changed = [c for c in range(len(self.headers)) if new[c] != before[c]]
            if changed:
                self.dataChanged.emit(self.index(r, min(changed)), self.index(r, max(changed)))

    def cell(self, row: int, col: int) -> tuple:
        return self._rows[self._keys[row]][col]


class SummaryModel(_ReportModel):
    """One row per milestone (a plan without milestones: per growth step) plus a total row.
    Columns: code, name, months, users, build cost low / mid / high / bottom-up (plan currency),
    cumulative of the chosen scenario, monthly operating cost, monthly revenue, net monthly cost,
    cost per user (per user per month), the monthly figures read off the timeline in the first
    month the row is in force."""

    headers = ("Code", "Milestone", "Months", "Users", "Low", "Mid", "High", "Bottom-up", "Cumulative",
               "Monthly ops", "Revenue", "Net monthly", "Cost / user")
    tooltips = ("", "", "Start to end month", "Active users in the row's first month",
                "Build cost, low estimate", "Build cost, mid estimate", "Build cost, high estimate",
                "Build cost computed from the team and build cost lines",
                "Running total of the chosen scenario",
                "Operating cost per month (operating lines + infrastructure, services and LLM usage at its users)",
                "Revenue per month (subscriptions + revenue offsets)", "Operating cost - revenue, per month (negative: profit)",
                "Net monthly cost / target users (per user per month)")
    numeric_from = 3
    refresh_on = None  # the Summary view refreshes it when shown (edits elsewhere stay fast)

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        self.scenario = "mid"
        super().__init__(controller, parent)

    def set_scenario(self, name: str) -> None:
        """Choose which scenario the cumulative column follows (low, mid, high, bottom-up)."""
        self.scenario = SCENARIO_NAMES[name]
        self.refresh()
        self.headerDataChanged.emit(Qt.Horizontal, 8, 8)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if orientation == Qt.Horizontal and section == 8 and role == R.DISPLAY:
            return f"Cumulative ({self.scenario.replace('_', '-')})"
        return super().headerData(section, orientation, role)

    def build(self) -> tuple[list, dict]:
        """Rows of :func:`vivim_planner.engine.periods.periods`: the milestones (or growth steps)
        with the timeline's monthly figures in the month each one stands for."""
        from ..engine.periods import periods

        c = self.controller
        plan, r = c.plan, c.result
        cur = plan.settings.currency
        keys, rows = [], {}
        m = fmt.money
        for p in periods(c.view_plan or plan, c.timeline, r):
            s, e = p.start_month, p.end_month
            months = "" if math.isnan(s) or math.isnan(e) else f"{s:g}" if s == e else f"{s:g}–{e:g}"
            key = (p.table, p.row_id)
            keys.append(key)
            cpu = p.cost_per_user
            rows[key] = (
                p.code, p.name, months, fmt.number(p.users) if not math.isnan(p.users) else "",
                m(p.build["low"], cur, 0), m(p.build["mid"], cur, 0),
                m(p.build["high"], cur, 0), m(p.build["bottom_up"], cur, 0),
                m(p.cumulative[self.scenario], cur, 0),
                m(p.operating, cur) if not math.isnan(p.operating) else "",
                m(p.revenue, cur) if p.revenue and not math.isnan(p.revenue) else "",
                m(p.net, cur) if not math.isnan(p.net) else "",
                m(cpu, cur, 4 if abs(cpu) < 1 else 2) if not math.isnan(cpu) else "",
            )
        keys.append(TOTAL_KEY)
        t = r.totals
        rows[TOTAL_KEY] = ("", "Total", "", "", m(t["low"], cur, 0), m(t["mid"], cur, 0), m(t["high"], cur, 0),
                           m(t["bottom_up"], cur, 0), m(t[self.scenario], cur, 0), "", "", "", "")
        return keys, rows

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        if role not in _SUMMARY_ROLES or not index.isValid():
            return None
        key = self._keys[index.row()]
        if role == R.DISPLAY:
            return self.cell(index.row(), index.column())
        if role == R.ALIGNMENT:
            return R.RIGHT if index.column() >= self.numeric_from else R.LEFT
        if role == R.BACKGROUND and key == TOTAL_KEY:
            return TOTAL_BG
        if role == R.FONT and (key == TOTAL_KEY or index.column() == _SCENARIO_COLUMN[self.scenario]):
            font = QFont()
            font.setBold(True)
            return font
        if role == R.FOREGROUND and index.column() in (11, 12) and self.cell(index.row(), index.column()).startswith("-"):
            return NEGATIVE_FG
        if role == R.TOOLTIP and index.column() == 12 and key != TOTAL_KEY:
            return "Net monthly operating cost / target users; negative means revenue covers the costs"
        return None


class AuditModel(_ReportModel):
    """One row per audit finding: where, cell, stated, computed, difference (computed -
    stated), and the explanation."""

    headers = ("Where", "Cell", "Stated", "Computed", "Difference", "Finding")
    numeric_from = 2
    refresh_on = "audited"

    def build(self) -> tuple[list, dict]:
        from .audit_format import figure_format

        keys, rows = [], {}
        for f in self.controller.findings:
            key = (f.table, f.row_id, f.field, f.where)
            if key in rows:
                key = key + (len(keys),)
            keys.append(key)
            dec = 4 if abs(f.stated) < 1 and f.stated != 0 else None
            show = figure_format(self.controller.plan, f.table, f.row_id, dec)  # its unit: $, %, calls, GB...
            rows[key] = (f.where, f.cell, show(f.stated), show(f.computed), show(f.difference), f.message)
        return keys, rows

    def finding(self, row: int):  # noqa: ANN201 - Finding
        key = self._keys[row]
        for f in self.controller.findings:
            if (f.table, f.row_id, f.field, f.where) == key[:4]:
                return f
        return None

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        if role not in _SUMMARY_ROLES or not index.isValid():
            return None
        if role == R.DISPLAY:
            return self.cell(index.row(), index.column())
        if role == R.TOOLTIP:
            return self.cell(index.row(), 5)
        if role == R.ALIGNMENT:
            col = index.column()
            return R.RIGHT if 2 <= col <= 4 else R.LEFT
        if role == R.BACKGROUND and index.column() == 2:
            return FLAG_BG
        return None
