"""The Timeline view: the plan month by month (months across, line labels frozen at the left,
sections Users, Team, Costs, Revenue, Profit, Cash; every cell computed, grey), the headline
break-even and runway figures, and three charts for a deck: headcount, burn and cash.

Every figure is the controller's :attr:`~vivim_planner.ui.controller.PlanController.timeline`
(the same result Summary, Economics, the CLI and the workbook read); the grid refreshes the
cells that changed after each edit; the charts redraw while the view is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from .chart_export import install_export
from .controller import PlanController
from .timeline_charts import BurnChart, CashChart, HeadcountChart
from .timeline_model import TimelineModel


def _month(tl, m: int | None) -> str:  # noqa: ANN001 - Timeline
    return f"month {m} ({tl.labels[m - 1]})" if m and not tl.labels[m - 1].startswith("Month") else \
        (f"month {m}" if m else "not within the plan's months")


class TimelineTab(QWidget):
    """The Timeline view over a :class:`PlanController`: ``grid`` (a QTableView over
    :class:`TimelineModel`), ``headline`` (break-evens, runway, cash low point) and the charts
    ``headcount``, ``burn`` and ``cash``."""

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.headline)
        self.model = TimelineModel(controller, self)
        self.grid = QTableView(self)
        self.grid.setObjectName("timelineGrid")
        self.grid.setModel(self.model)
        self.grid.setWordWrap(False)
        self.grid.setAlternatingRowColors(False)
        self.grid.verticalHeader().setDefaultSectionSize(21)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.grid.verticalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.grid.horizontalHeader().setDefaultSectionSize(86)
        self.grid.setCornerButtonEnabled(False)
        self.headcount, self.burn, self.cash = HeadcountChart(self), BurnChart(self), CashChart(self)
        charts = QWidget(self)
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        for chart in (self.headcount, self.burn, self.cash):
            row.addWidget(chart, 1)
        for chart, name in zip(self.charts(), ("headcount", "monthly burn", "cash")):
            install_export(chart, name, draw=lambda c: c.update_from(controller.timeline), controller=controller)
        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.grid)
        split.addWidget(charts)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer.addWidget(split, 1)
        note = QLabel("Each team line runs from its milestone's start for its months; build spend is the scenario's "
                      "estimate spread over the milestone (Personnel as the team is staffed); operating cost is the "
                      "milestone's lines plus the usage model at the month's users. All cells are computed.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6572;")
        outer.addWidget(note)
        self._stale, self._first = True, True
        controller.changed.connect(self.refresh)
        controller.document_replaced.connect(self.refresh)
        self.refresh()

    def charts(self) -> tuple:
        """The three charts, in the order they are shown."""
        return self.headcount, self.burn, self.cash

    def refresh(self, _changes=None) -> None:  # noqa: ANN001
        """Refresh the grid's changed cells, the headline and the charts while the view is
        shown; a hidden view only notes that it is stale and catches up when shown (typing in
        another grid never waits for it)."""
        if not self.isVisible() and not self._first:
            self._stale = True
            return
        self._first = False
        self.model.refresh()
        tl = self.controller.timeline
        runway = tl.runway_months
        if runway is not None:
            runway_text = f"<b>{runway:.1f} months</b> on {tl.starting_capital:,.0f} {tl.currency} of capital"
        else:
            runway_text = "the cash never runs out" if tl.starting_capital else "no capital in the plan"
        low = f"; cash is lowest in {_month(tl, tl.cash_low_month)}" if tl.cash_low_month else ""
        self.headline.setText(
            f"<b>{tl.horizon} months</b>, {tl.band.replace('_', '-')} build estimates. "
            f"Operating break-even: <b>{_month(tl, tl.operating_break_even_month)}</b> · "
            f"cash-flow break-even (team and build included): <b>{_month(tl, tl.cash_flow_break_even_month)}</b> · "
            f"runway: {runway_text}{low}.")
        self._draw()

    def _draw(self) -> None:
        tl = self.controller.timeline
        for chart in self.charts():
            chart.update_from(tl)
        self._stale = False

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if self._stale:
            self.refresh()
