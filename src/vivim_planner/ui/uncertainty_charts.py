"""Charts of a Monte Carlo simulation for a founder's deck (deck style of :mod:`.charts`): a fan
chart of cash by month (P10-P90 band, P50 line, zero line) with the runway's distribution as a
histogram under it, and the histogram of total build cost with the stated low / mid / high
marked. Each redraws from a :class:`~vivim_planner.engine.simulation.Simulation` with
``update_from``."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ..engine.simulation import Simulation
from . import format as fmt
from .charts import MoneyAxis, NiceAxis, step_decimals, month_plot
from .timeline_charts import MonthAxis, SignedMoneyAxis

BAND = (111, 168, 220, 110)
P50 = "#1f4e79"
RUNWAY = "#cc4125"
STATED = {"low": "#6fa8dc", "mid": "#1f4e79", "high": "#e69138"}


def _style(plot: pg.PlotItem) -> None:
    month_plot(plot)
    if plot.legend is not None:
        plot.legend.scene().removeItem(plot.legend) if plot.legend.scene() else None
        plot.legend = None


class FanChart(pg.GraphicsLayoutWidget):
    """Cash at month end: the P10-P90 band of the draws, the P50 line and zero; under it, the
    share of draws whose cash runs out in each month (the runway's histogram)."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setBackground("w")
        self.months_axis, self.runway_axis = MonthAxis(), MonthAxis()
        self.money_axis = SignedMoneyAxis(orientation="left")
        self.money_axis.setWidth(58)
        self.plot = self.addPlot(row=0, col=0, axisItems={"left": self.money_axis, "bottom": self.months_axis})
        _style(self.plot)
        self.plot.setLabel("left", "Cash at month end", color="#33404f")
        self.plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#8a94a3", width=1)))
        self.p10 = self.plot.plot(pen=pg.mkPen(BAND[:3], width=1))
        self.p90 = self.plot.plot(pen=pg.mkPen(BAND[:3], width=1))
        self.band = pg.FillBetweenItem(self.p10, self.p90, brush=pg.mkBrush(*BAND))
        self.plot.addItem(self.band)
        self.p50 = self.plot.plot(pen=pg.mkPen(P50, width=2.5), symbol="o", symbolSize=4, symbolBrush=P50, symbolPen="w")
        share_axis = ShareAxis("left")
        share_axis.setWidth(58)
        self.runway_plot = self.addPlot(row=1, col=0, axisItems={"left": share_axis, "bottom": self.runway_axis})
        _style(self.runway_plot)
        self.runway_plot.setLabel("left", "Runs out", color="#33404f")
        self.runway_plot.setXLink(self.plot)
        self.runway_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=RUNWAY, pen=pg.mkPen("w"))
        self.runway_plot.addItem(self.runway_bars)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 1)
        self.setMinimumHeight(260)

    def update_from(self, sim: Simulation) -> None:
        H = sim.months
        for axis in (self.months_axis, self.runway_axis):
            axis.labels = sim.labels
            axis.picture = None
        self.money_axis.currency = sim.currency
        self.money_axis.picture = None
        x = np.concatenate([[0.0], np.arange(1, H + 1, dtype=float)])
        lo, mid, hi = (np.concatenate([[0.0], sim.cash[p]]) for p in (10, 50, 90))
        self.p10.setData(x, lo)
        self.p90.setData(x, hi)
        self.p50.setData(x, mid)
        runs_out = sim.runway[np.isfinite(sim.runway)]
        within = float(np.isfinite(sim.runway).sum() and (sim.runway <= H).mean())
        capital = not np.isnan(sim.runway).all()  # no capital: nothing to run out
        note = "" if not capital or within else f": the cash lasts all {H} months in every draw"
        self.plot.setTitle(f"Cash by month ({sim.currency}), P10–P90 and P50{note}", color="#14263d", size="11pt")
        self.show_runway(capital and within > 0)  # an empty histogram says nothing the title does not
        self.runway_plot.setTitle(f"Cash runs out: {within:.0%} of draws within {H} months", color="#33404f",
                                  size="9pt")
        bottom, top = float(min(lo.min(), 0.0)), float(max(hi.max(), 0.0))
        pad = (top - bottom) * 0.06 or 1.0
        self.plot.setYRange(bottom - pad, top + pad, padding=0)
        self.plot.setXRange(0, max(H, 1) + 0.6, padding=0)
        months = np.clip(np.floor(runs_out) + 1, 1, None)  # the month in which the cash runs out
        counts = np.bincount(months[months <= H].astype(np.int64), minlength=H + 1)[1:] if H else np.zeros(0)
        share = counts / max(sim.draws, 1)
        self.runway_bars.setOpts(x=np.arange(1, H + 1, dtype=float), height=share, width=0.8)
        self.runway_plot.setYRange(0, max(float(share.max()) if share.size else 0.0, 0.01) * 1.15, padding=0)


    def show_runway(self, on: bool) -> None:
        """Show the runway histogram under the fan, or give the fan its room."""
        self.runway_plot.setVisible(on)
        self.runway_plot.setMaximumHeight(1e6 if on else 0)
        self.runway_plot.setMinimumHeight(0)
        self.ci.layout.setRowStretchFactor(1, 1 if on else 0)


class ShareAxis(NiceAxis):
    """Shares of the draws as percent ticks: 5%, 10%."""

    def __init__(self, orientation: str, **kw) -> None:  # noqa: ANN003
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        d = step_decimals(spacing * 100) if spacing else 0
        return [f"{v * 100:.{d}f}%" for v in values]


class BuildCostHistogram(pg.PlotWidget):
    """Total build cost over the draws as a histogram, the stated low / mid / high totals as
    vertical lines."""

    def __init__(self, parent=None):  # noqa: ANN001
        self.money_axis = MoneyAxis(orientation="bottom")
        super().__init__(parent, background="w", axisItems={"bottom": self.money_axis, "left": NiceAxis("left")})
        plot = self.getPlotItem()
        _style(plot)
        plot.setLabel("bottom", "Total build cost", color="#33404f")
        plot.setLabel("left", "Draws", color="#33404f")
        self.bars = pg.BarGraphItem(x=[], height=[], width=1.0, brush="#9db7d5", pen=pg.mkPen("w"))
        plot.addItem(self.bars)
        self.lines = {}
        for name, color in STATED.items():
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(color, width=1.5, style=Qt.DashLine), label=f"stated {name}",
                                   labelOpts={"color": color, "position": 0.92, "anchors": [(0.5, 0), (0.5, 0)]})
            plot.addItem(line)
            self.lines[name] = line
        self.setMinimumHeight(200)

    def update_from(self, sim: Simulation) -> None:
        plot = self.getPlotItem()
        self.money_axis.currency = sim.currency
        self.money_axis.picture = None
        total = sim.total_build_cost
        q = sim.build_percentiles()
        plot.setTitle(f"Total build cost ({sim.currency}): P50 {fmt.compact_money(q['p50'], sim.currency)}",
                      color="#14263d", size="11pt")
        lo = min(float(total.min()), sim.stated_totals["low"]) if total.size else 0.0
        hi = max(float(total.max()), sim.stated_totals["high"]) if total.size else 1.0
        if hi - lo <= 1e-9 * max(abs(hi), 1.0):  # every draw and stated total alike: centre them
            d = max(abs(lo) * 0.01, 1.0)
            lo, hi = lo - d, hi + d
        if np.ptp(total) > 0:
            edges = np.linspace(float(total.min()), float(total.max()) + 1e-9 * max(abs(hi), 1), 41)
        else:  # one bar, centred on the one value
            v, w = (float(total[0]) if total.size else (lo + hi) / 2), (hi - lo) / 40
            edges = np.array([v - w / 2, v + w / 2])
        counts, edges = np.histogram(total, bins=edges)
        self.bars.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=counts, width=float(edges[1] - edges[0]) * 0.92)
        labelled: dict[float, list[str]] = {}  # stated totals that coincide share one label
        for name, line in self.lines.items():
            v = sim.stated_totals.get(name, math.nan)
            line.setVisible(bool(v) and math.isfinite(v))
            line.setPos(v)
            same = next((k for k in labelled if math.isclose(k, v, rel_tol=1e-9)), None) if math.isfinite(v) else None
            if same is None:
                labelled[v] = [name]
            else:
                labelled[same].append(name)
        for v, names in labelled.items():
            for i, name in enumerate(names):
                self.lines[name].label.setFormat(f"stated {' = '.join(names)}" if i == 0 else "")
        pad = (hi - lo) * 0.05
        plot.setXRange(lo - pad, hi + pad, padding=0)
        plot.setYRange(0, max(int(counts.max()) if counts.size else 1, 1) * 1.2, padding=0)
