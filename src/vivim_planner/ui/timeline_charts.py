"""Charts of the timeline for a founder's deck (pyqtgraph, deck style of :mod:`.charts`):
headcount by month stacked by role, monthly burn, and cash with the runway marked. Each
redraws from a :class:`~vivim_planner.engine.timeline.Timeline` with ``update_from`` (items are
made once and given new arrays) and labels its months as the plan does (``Jan 26``... with a
start month, else 1, 2, 3...)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from ..engine.timeline import Timeline
from .charts import MoneyAxis, NiceAxis, month_plot

LEGEND_RIGHT_FROM = 900
"""From this width (logical pixels) a chart's legend goes right of the plot, else under it."""
MAX_ROLES = 5
"""Roles drawn one by one in the headcount chart; the rest are stacked as "Other roles"."""
PALETTE = ("#1f4e79", "#6fa8dc", "#e69138", "#93c47d", "#8e7cc3", "#c27ba0", "#76a5af", "#f1c232", "#b7b7b7")
BURN = "#cc4125"
CASH = "#1f4e79"
GREEN = "#38761d"


class MonthAxis(pg.AxisItem):
    """Month ticks: the plan's calendar labels (``Jan 26``) when it has a start month, else
    month numbers; never more than about a dozen ticks."""

    def __init__(self, **kw) -> None:  # noqa: ANN003
        super().__init__(orientation="bottom", **kw)
        self.labels: tuple[str, ...] = ()

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803, ANN001, ANN201
        n = len(self.labels)
        if not n:
            return super().tickValues(minVal, maxVal, size)
        step = max(1, math.ceil(n / 12))
        if step > 1 and step % 3:  # quarters read better than every fifth month
            step += 3 - step % 3
        return [(step, [float(m) for m in range(1, n + 1, step)])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        out = []
        for v in values:
            m = int(round(v))
            label = self.labels[m - 1] if 1 <= m <= len(self.labels) else ""
            out.append(label[:3] + " " + label[-2:] if label and not label.startswith("Month") else str(m))
        return out


class SignedMoneyAxis(MoneyAxis):
    """Money ticks that show negatives too (cash falls below zero)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        return [self.money(v * scale, spacing) for v in values]


class _MonthChart(pg.GraphicsLayoutWidget):
    """A titled month chart: money or FTE on the left, months along the bottom; with
    ``legend_below`` a legend under the plot (in columns, never over the bars), else none (the
    title names the one series)."""

    def __init__(self, left: pg.AxisItem, parent=None, legend_below: bool = False):  # noqa: ANN001
        super().__init__(parent)
        self.setBackground("w")
        self.months_axis = MonthAxis()
        self.left_axis = left
        left.setWidth(58)  # room for "-$1.25M" from the first paint (auto-widening comes a paint late)
        self.plot = self.addPlot(row=0, col=0, axisItems={"left": left, "bottom": self.months_axis})
        inside = month_plot(self.plot)
        self.plot.legend = None
        inside.scene().removeItem(inside) if inside.scene() else None
        self.legend = None
        if legend_below:
            self.legend = pg.LegendItem(colCount=2, labelTextColor="#33404f", horSpacing=12, verSpacing=-4)
            self.legend_right = False
            self.legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its own size, not the row's
            self.addItem(self.legend, row=1, col=0)
        self.setMinimumHeight(180)

    def getPlotItem(self) -> pg.PlotItem:  # noqa: N802 - as pg.PlotWidget names it
        return self.plot

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        if getattr(self, "legend", None) is not None:  # (also called while the view is being made)
            self.place_legend(self.width() >= LEGEND_RIGHT_FROM)

    def place_legend(self, right: bool) -> None:
        """The legend right of the plot (a wide chart: a slide) or under it (a narrow one)."""
        if right == self.legend_right:
            return
        self.legend_right = right
        self.ci.removeItem(self.legend)
        self.addItem(self.legend, row=0 if right else 1, col=1 if right else 0)
        self.legend.setColumnCount(1 if right else 2)
        self.legend.layout.setVerticalSpacing(2 if right else -4)
        self.ci.layout.setContentsMargins(6, 6, 18 if right else 6, 6)
        self._fill_legend()
        self.ci.layout.setAlignment(self.legend, Qt.AlignTop | Qt.AlignLeft)

    def _fill_legend(self) -> None:
        """Hook: re-add the legend's entries in the order its place needs."""

    def _frame(self, tl: Timeline, title: str, lo: float, hi: float) -> None:
        plot = self.getPlotItem()
        plot.setTitle(title, color="#14263d", size="11pt")
        self.months_axis.labels = tl.labels
        self.months_axis.picture = None
        if isinstance(self.left_axis, MoneyAxis):
            self.left_axis.currency = tl.currency
        self.left_axis.picture = None
        pad = (hi - lo) * 0.06 or 1.0
        plot.setYRange(lo - pad, hi + pad, padding=0)  # room under 0 for its tick label
        plot.setXRange(0.4, max(tl.horizon, 1) + 0.6, padding=0)


class HeadcountChart(_MonthChart):
    """FTE by month, stacked by role: the :data:`MAX_ROLES` roles with the most FTE-months,
    then the others together."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(NiceAxis("left"), parent, legend_below=True)
        self.getPlotItem().setLabel("left", "FTE", color="#33404f")
        self.bars: list[pg.BarGraphItem] = []
        self.names: list[str] = []

    def series(self, tl: Timeline) -> list[tuple[str, np.ndarray]]:
        """(name, FTE by month) in stacking order, biggest first."""
        if not len(tl.role_names):
            return []
        months = tl.fte_by_role.sum(axis=1)
        order = [int(i) for i in np.argsort(-months, kind="stable") if months[i] > 0]
        out = [(tl.role_names[i], tl.fte_by_role[i]) for i in order[:MAX_ROLES]]
        rest = order[MAX_ROLES:]
        if rest:
            out.append((f"Other roles ({len(rest)})", tl.fte_by_role[rest].sum(axis=0)))
        return out

    def _fill_legend(self) -> None:
        """Role names, in the stack's order from the top when the legend stands beside it."""
        self.legend.clear()
        pairs = list(zip(self.bars, self.names))
        for bar, name in reversed(pairs) if self.legend_right else pairs:
            self.legend.addItem(bar, name if len(name) <= 22 else name[:21] + "…")

    def update_from(self, tl: Timeline) -> None:
        plot = self.getPlotItem()
        series = self.series(tl)
        names = [name for name, _ in series]
        if names != self.names:  # the legend changes only when the roles shown do
            for bar in self.bars:
                plot.removeItem(bar)
            self.bars = []
            for k, name in enumerate(names):
                bar = pg.BarGraphItem(x=[], height=[], width=0.8, brush=PALETTE[k % len(PALETTE)], pen=pg.mkPen("w"))
                plot.addItem(bar)
                self.bars.append(bar)
            self.names = names
            self._fill_legend()
        x = tl.months.astype(float)
        below = np.zeros(tl.horizon)
        for bar, (_name, values) in zip(self.bars, series):
            bar.setOpts(x=x, height=values, y0=below.copy(), width=0.8)
            below = below + values
        title = "Headcount by month (FTE, stacked by role)" if series else "Headcount by month (FTE): no team lines yet"
        self._frame(tl, title, 0.0, max(float(below.max()) if tl.horizon else 0, 1.0))


class BurnChart(_MonthChart):
    """Monthly burn (what a month spends beyond its revenue: team, build, operating and
    startup costs less revenue and fees) as bars; months that earn more than they spend show
    no bar."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(MoneyAxis(orientation="left"), parent)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=BURN, pen=pg.mkPen("w"))
        self.getPlotItem().addItem(self.bars)

    def update_from(self, tl: Timeline) -> None:
        self.bars.setOpts(x=tl.months.astype(float), height=tl.burn, width=0.8)
        top = float(tl.burn.max()) if tl.horizon else 0.0
        self._frame(tl, f"Monthly burn ({tl.currency}), {tl.band.replace('_', '-')} build estimates", 0.0,
                    max(top, 1.0))


class CashChart(_MonthChart):
    """Cash at the end of each month, a zero line, the runway's end marked (the month the cash
    runs out) and the cash-flow break-even month, if they fall within the plan's months."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(SignedMoneyAxis(orientation="left"), parent)
        plot = self.getPlotItem()
        plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#8a94a3", width=1)))
        self.cash = plot.plot(pen=pg.mkPen(CASH, width=2.5), symbol="o", symbolSize=5, symbolBrush=CASH,
                              symbolPen="w")
        self.runway = pg.InfiniteLine(angle=90, pen=pg.mkPen(BURN, width=1.5, style=Qt.DashLine), label="runway",
                                      labelOpts={"color": BURN, "position": 0.9, "anchors": [(1, 0.5), (1, 0.5)]})
        self.break_even = pg.InfiniteLine(angle=90, pen=pg.mkPen(GREEN, width=1, style=Qt.DotLine),
                                          label="break-even",
                                          labelOpts={"color": GREEN, "position": 0.9, "anchors": [(0, 0.5), (0, 0.5)]})
        for line in (self.runway, self.break_even):
            plot.addItem(line)
            line.hide()

    def update_from(self, tl: Timeline) -> None:
        x = np.concatenate([[0.0], tl.months.astype(float)])
        cash = np.concatenate([[0.0], tl.cash])
        self.cash.setData(x, cash)
        runway = tl.runway_months
        if runway is not None and runway <= tl.horizon:
            self.runway.show()  # before the label's text: a hidden label ignores it
            self.runway.setPos(runway)
            self.runway.label.setFormat(f"cash runs out ({runway:.1f}) ")
        else:
            self.runway.hide()
        be = tl.cash_flow_break_even_month
        if be is not None:
            self.break_even.show()
            self.break_even.setPos(be)
            self.break_even.label.setFormat(f" cash-flow break-even ({be})")
        else:
            self.break_even.hide()
        lo, hi = (float(cash.min()), float(cash.max())) if tl.horizon else (0.0, 1.0)
        if runway is None:
            note = "no capital" if not tl.starting_capital else "never runs out"
        else:
            note = f"runway {runway:.1f} months"
        self._frame(tl, f"Cash by month ({tl.currency}), {note}", min(lo, 0.0), max(hi, 1.0))
        self.getPlotItem().setXRange(0, max(tl.horizon, 1) + 0.6, padding=0)
