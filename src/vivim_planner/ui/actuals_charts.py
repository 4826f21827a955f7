"""Charts of plan vs actual for a deck (the deck style of :mod:`.timeline_charts`): cumulative
spend planned against actual (and the re-forecast after the last closed month), and cash of the
plan against the re-forecast with both runways marked. Each redraws from a
:class:`~vivim_planner.engine.actuals.PlanVsActual` with ``update_from``; the view gives them the
window's export (Copy, PNG 2x, SVG) with :func:`.chart_export.install_export`."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ..engine.actuals import PlanVsActual
from .charts import MoneyAxis
from .timeline_charts import BURN, CASH, MonthAxis, SignedMoneyAxis, _MonthChart

ACTUAL = "#e69138"
AHEAD = 3
"""Months after the last closed month the cumulative spend chart shows."""


class _Axes:
    """What :meth:`_MonthChart._frame` reads of a timeline: labels, currency, horizon (the first
    ``months`` months only, when given: the month ticks then follow what is in view)."""

    def __init__(self, pva: PlanVsActual, months: int | None = None):
        self.labels = pva.labels[:months] if months else pva.labels
        self.currency, self.horizon = pva.currency, len(self.labels)


class ActualsChart(_MonthChart):
    """A month chart with a legend below. Copy / PNG (2x) / SVG come from
    :func:`.chart_export.install_export`, as for every chart of the window."""

    def __init__(self, left: pg.AxisItem, parent=None):  # noqa: ANN001
        super().__init__(left, parent, legend_below=True)
        self.setMinimumHeight(240)


class CumulativeSpendChart(ActualsChart):
    """Cumulative spend: the plan (dashed), the actuals through the last closed month (with a
    point per closed month) and, after it, the re-forecast (actuals, then the plan's months).
    The view spans the closed months and :data:`AHEAD` months after them (at least six months),
    where the difference can be read; the whole plan is the cash chart's."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(MoneyAxis(orientation="left"), parent)
        plot = self.getPlotItem()
        self.planned = plot.plot(pen=pg.mkPen(CASH, width=2, style=Qt.DashLine))
        self.reforecast = plot.plot(pen=pg.mkPen(ACTUAL, width=1.5, style=Qt.DotLine))
        self.actual = plot.plot(pen=pg.mkPen(ACTUAL, width=3), symbol="o", symbolSize=7, symbolBrush=ACTUAL,
                                symbolPen="w")
        self.legend.addItem(self.planned, "Planned spend, cumulative")
        self.legend.addItem(self.actual, "Actual spend, cumulative")
        self.legend.addItem(self.reforecast, "Re-forecast (actuals, then the plan)")

    def update_from(self, pva: PlanVsActual) -> None:
        H = len(pva.months)
        last = pva.last_closed_month or 0
        end = min(H, max(last + AHEAD, 6))
        x = np.concatenate([[0.0], pva.months.astype(float)])[: end + 1]  # only what is in view
        planned = np.concatenate([[0.0], pva.cumulative_planned])[: end + 1]
        re = np.concatenate([[0.0], np.cumsum(pva.spend_actual)])[: end + 1]
        self.planned.setData(x, planned)
        if last:
            self.actual.setData(x[: last + 1], re[: last + 1])
            self.reforecast.setData(x[last:], re[last:])
        else:
            self.actual.setData([], [])
            self.reforecast.setData([], [])
        top = max(float(planned.max()) if H else 0.0, float(re.max()) if H else 0.0, 1.0)
        span = f", months 1-{end}" if end < H else ""
        self._frame(_Axes(pva, end), f"Cumulative spend ({pva.currency}): planned vs actual{span}", 0.0, top)
        self.getPlotItem().setXRange(0, max(end, 1) + 0.4, padding=0)


class ReforecastCashChart(ActualsChart):
    """Cash by month: the plan's (dashed) and the re-forecast's (solid), each runway's end marked."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(SignedMoneyAxis(orientation="left"), parent)
        plot = self.getPlotItem()
        plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#8a94a3", width=1)))
        self.cash = plot.plot(pen=pg.mkPen(BURN, width=2.5), symbol="o", symbolSize=5, symbolBrush=BURN, symbolPen="w")
        self.plan = plot.plot(pen=pg.mkPen(CASH, width=1.5, style=Qt.DashLine))  # over the re-forecast: both show
        self.legend.addItem(self.plan, "Cash, plan")
        self.legend.addItem(self.cash, "Cash, re-forecast")
        self.plan_runway = pg.InfiniteLine(angle=90, pen=pg.mkPen(CASH, width=1, style=Qt.DotLine), label="",
                                           labelOpts={"color": CASH, "position": 0.85, "anchors": [(0, 0.5), (0, 0.5)]})
        self.runway = pg.InfiniteLine(angle=90, pen=pg.mkPen(BURN, width=1.5, style=Qt.DashLine), label="",
                                      labelOpts={"color": BURN, "position": 0.95, "anchors": [(1, 0.5), (1, 0.5)]})
        for line in (self.plan_runway, self.runway):
            plot.addItem(line)
            line.hide()

    def update_from(self, pva: PlanVsActual) -> None:
        x = np.concatenate([[0.0], pva.months.astype(float)])
        plan, cash = np.concatenate([[0.0], pva.plan_cash]), np.concatenate([[0.0], pva.cash])
        self.plan.setData(x, plan)
        self.cash.setData(x, cash)
        H = len(pva.months)
        for line, value, text in ((self.plan_runway, pva.plan_runway, " plan runway {:.2f}"),
                                  (self.runway, pva.runway, "re-forecast {:.2f} ")):
            if value is not None and value <= H:
                line.show()
                line.setPos(value)
                line.label.setFormat(text.format(value))
            else:
                line.hide()
        lo = min(float(plan.min()), float(cash.min()), 0.0) if H else 0.0
        hi = max(float(plan.max()), float(cash.max()), 1.0) if H else 1.0
        if pva.runway is None:
            note = "no capital" if not np.any(pva.plan_cash) else "never runs out"
        else:
            note = f"re-forecast runway {pva.runway:.2f} months (plan {pva.plan_runway:.2f})" \
                if pva.plan_runway is not None else f"re-forecast runway {pva.runway:.2f} months"
        self._frame(_Axes(pva), f"Cash ({pva.currency}), {note}", lo, hi)
        self.getPlotItem().setXRange(0, max(H, 1) + 0.6, padding=0)


__all__ = ["ActualsChart", "CumulativeSpendChart", "MonthAxis", "ReforecastCashChart"]
