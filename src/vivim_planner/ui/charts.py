"""Deck-ready charts (pyqtgraph): white background, titled, money ticks, labelled points."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

from ..domain import Plan
from ..domain.currency import currency_prefix
from ..engine import PlanResult
from . import format as fmt

MID_BLUE = "#1f4e79"
BAND = (159, 197, 232, 90)
LOW_HIGH = "#6fa8dc"


TICK_PX = {"vertical": 64, "horizontal": 120}
"""About one labelled tick per this many pixels along an axis (5 to 8 steps over the range)."""


def nice_step(span: float, count: float) -> float:
    """The 1-2-2.5-5 x 10^k step nearest above ``span / count`` (``nice_step(1.9e6, 5)`` is 500K)."""
    raw = span / count if span > 0 and count > 0 else 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag * (1 + 1e-9):
            return m * mag
    return 10 * mag


class NiceAxis(pg.AxisItem):
    """Ticks (and grid lines) at a round step (:func:`nice_step`) giving 5 to 8 steps for the
    axis's length; pyqtgraph's own spacing labels every minor tick of a tall chart ($10K, $20K
    ... $200K) or only two."""

    _major: float | None = None

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803, ANN001, ANN201
        span = maxVal - minVal
        if not (math.isfinite(span) and span > 0 and size > 0):
            self._major = None
            return super().tickSpacing(minVal, maxVal, size)
        px = TICK_PX["vertical" if self.orientation in ("left", "right") else "horizontal"]
        step = nice_step(span, min(8.0, max(5.0, size / px)))
        self._major = step
        return [(step, 0.0)]  # one level: every tick labelled, whatever a subclass's tickStrings does

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        return [_plain_tick(v * scale, spacing) for v in values]


def _plain_tick(value: float, step: float | None) -> str:
    """``2.5``, ``5``, ``7.5``: as many decimals as the step has, no trailing zeros."""
    d = next((d for d in range(7) if step and abs(round(step, d) - step) <= 1e-9 * max(1.0, step)), 0)
    text = f"{value:,.{d}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class MoneyAxis(NiceAxis):
    """Axis ticks as compact money at round steps: $500K, $1M, $1.5M (no negatives: a cost axis)."""

    def __init__(self, currency: str = "USD", **kw) -> None:  # noqa: ANN003
        super().__init__(**kw)
        self.currency = currency
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        return [self.money(v * scale, spacing) if v >= 0 else "" for v in values]

    def money(self, value: float, step: float | None) -> str:
        """A tick: compact money with the decimals its step needs (``$1.895M`` beside ``$1.9M``)."""
        return tick_money(value, step, self.currency, strip=True) if step else fmt.compact_money(value, self.currency)


def step_decimals(step: float) -> int:
    """Decimals that print ``step`` exactly (0.25 -> 2, 0.5 -> 1, 2 -> 0), at most 6."""
    return next((d for d in range(7) if abs(round(step, d) - step) <= 1e-9 * max(1.0, abs(step))), 6)


def tick_money(value: float, step: float, currency: str, strip: bool = False) -> str:
    """An axis tick with just the decimals its step needs: ``$3.690M`` beside ``$3.695M``
    (compact money alone would print both as ``$3.69M``); ``strip`` drops trailing zeros
    (``$1M``, ``$1.25M``, ``$1.5M``)."""
    a = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= limit * 0.9995:
            decimals = step_decimals(step / limit) if step < limit else 0
            text = f"{a / limit:,.{decimals}f}"
            if strip and "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{'-' if value < 0 else ''}{currency_prefix(currency)}{text}{suffix}"
    return fmt.money(value, currency, 0 if step >= 1 else 2)


class WholeMonthAxis(pg.AxisItem):
    """Month ticks at whole months only (every 1, 2, 3, 6 or 12 months, as the width allows)."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803, ANN001, ANN201
        first, last = max(1, math.ceil(minVal)), math.floor(maxVal)
        if last < first:
            return []
        room = max(2, int(size // 48))
        step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if (last - first) / s + 1 <= room), 120)
        start = first if step == 1 else math.ceil(first / step) * step
        return [(float(step), [float(m) for m in range(start, last + 1, step)])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        return [str(int(round(v))) for v in values]


def month_plot(plot) -> "pg.LegendItem":  # noqa: ANN001 - pyqtgraph PlotItem
    """Give ``plot`` the deck style with a fixed view (no menu, no mouse zoom) and a "Month"
    x axis (whole months; a plain axis is replaced by :class:`WholeMonthAxis`); returns its legend."""
    if type(plot.getAxis("bottom")) is pg.AxisItem:
        plot.setAxisItems({"bottom": WholeMonthAxis(orientation="bottom")})
    _style(plot)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setLabel("bottom", "Month", color="#33404f")
    return plot.addLegend(offset=(10, 10), labelTextColor="#33404f")


def _style(plot: pg.PlotItem) -> None:
    font = QFont()
    font.setPointSize(9)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen("#8a94a3"))
        axis.setTextPen(pg.mkPen("#33404f"))
        axis.setTickFont(font)
    plot.showGrid(x=False, y=True, alpha=0.15)


class CumulativeBuildChart(pg.PlotWidget):
    """Cumulative build cost by month: the mid scenario as a line, low-high as a band,
    each milestone's end marked with its code. Call :meth:`update_from` after a change."""

    def __init__(self, parent=None):  # noqa: ANN001
        self.money_axis = MoneyAxis(orientation="left")
        super().__init__(parent, background="w", axisItems={"left": self.money_axis})
        plot = self.getPlotItem()
        self.legend = month_plot(plot)
        self.low = plot.plot(pen=pg.mkPen(LOW_HIGH, width=1, style=pg.QtCore.Qt.DashLine), name="Low / high")
        self.high = plot.plot(pen=pg.mkPen(LOW_HIGH, width=1, style=pg.QtCore.Qt.DashLine))
        self.band = pg.FillBetweenItem(self.low, self.high, brush=pg.mkBrush(*BAND))
        plot.addItem(self.band)
        self.mid = plot.plot(pen=pg.mkPen(MID_BLUE, width=2.5), symbol="o", symbolSize=7,
                             symbolBrush=MID_BLUE, symbolPen="w", name="Mid estimate")
        self.bottom_up = plot.plot(pen=pg.mkPen("#e69138", width=1.5), symbol="t", symbolSize=6,
                                   symbolBrush="#e69138", symbolPen="w", name="Bottom-up")
        self.labels: list[pg.TextItem] = []
        self.setMinimumHeight(220)

    def update_from(self, plan: Plan, result: PlanResult) -> None:
        """Redraw from the latest result (milestones in table order, x = end month). Does
        nothing when the plotted figures did not change; labels are reused, not rebuilt."""
        ms = plan.milestones
        end = np.asarray(ms.column("end_month"), dtype=float)
        ok = ~np.isnan(end)
        codes = [c for c, k in zip(ms.column("code"), ok) if k]
        key = (plan.settings.currency, tuple(codes), end[ok].tobytes(),
               *(result.cumulative[k][ok].tobytes() for k in ("low", "mid", "high", "bottom_up")))
        if key == getattr(self, "_drawn", None):
            return
        self._drawn = key
        plot = self.getPlotItem()
        if self.money_axis.currency != plan.settings.currency or not plot.titleLabel.text:
            self.money_axis.currency = plan.settings.currency
            plot.setTitle(f"Cumulative build cost ({plan.settings.currency})", color="#14263d", size="11pt")
            self.money_axis.picture = None
            self.money_axis.update()
        x = np.concatenate([[0.0], end[ok]])
        order = np.argsort(x, kind="stable")
        series = {k: np.concatenate([[0.0], result.cumulative[k][ok]])[order]
                  for k in ("low", "mid", "high", "bottom_up")}
        x = x[order]
        self.low.setData(x, series["low"])
        self.high.setData(x, series["high"])
        self.mid.setData(x, series["mid"])
        self.bottom_up.setData(x, series["bottom_up"])
        while len(self.labels) < len(codes):
            label = pg.TextItem("", color=QColor("#33404f"), anchor=(1.1, 1.2))
            plot.addItem(label)
            self.labels.append(label)
        while len(self.labels) > len(codes):
            plot.removeItem(self.labels.pop())
        for label, code, xi, yi in zip(self.labels, codes, end[ok], result.cumulative["mid"][ok]):
            label.setText(code)
            label.setPos(float(xi), float(yi))
        top = max(float(series["high"].max()) if len(x) else 0.0, 1000.0)  # an empty plan: $0-$1K
        if not math.isfinite(top):
            top = 1.0
        plot.setYRange(-top * 0.025, top * 1.08, padding=0)  # room under $0 for its tick label
        plot.setXRange(0, max(float(x.max()) if len(x) else 1.0, 3.0) + 0.5, padding=0)
