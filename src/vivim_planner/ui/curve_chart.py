"""The cost curve chart: monthly operating cost (or cost per user) against active users on a
log axis from 100 to 1M, deck-ready (white, titled, money ticks, legend), and its export.

x is plotted as ``log10(users)`` and, in the cost-per-user view, y as ``log10(USD per user)``;
the axes print the real values (100, 1K ... 1M; $0.01, $0.10, $1). Doing the log ourselves
keeps ticks readable, where pyqtgraph's log mode overlaps its labels.

The chart draws from arrays: :meth:`CurveChart.update_from` evaluates the plan's
:class:`UsageModel` at :data:`N_POINTS` log-spaced user counts and calls ``setData`` on items
made once; only a change in the set of components, breakpoints or milestones adds or removes
items. :func:`render_chart` writes PNG or SVG headless (the CLI's ``chart`` command).
"""

from __future__ import annotations

import math
import os
import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from ..domain import Plan
from ..domain.currency import currency_prefix
from ..engine import PlanResult, compute
from ..engine.usage import Breakpoint, Curve, UsageModel
from . import format as fmt

USERS_MIN, USERS_MAX = 100.0, 1e6
N_POINTS = 400
KINDS = ("total", "per-user")
TOTAL, BAND, MILESTONES, BREAKPOINTS = "Total", "Low – high range", "Milestones", "Breakpoints"
MAX_COMPONENTS_SHOWN = 8  # more components start hidden (the legend stays readable); toggles bring them back
MAX_BREAKPOINTS_DRAWN = 16  # more lines would be a barcode; the Curves tab lists every breakpoint
MAX_READOUT_COMPONENTS = 12
LEGEND_CHARS = 34  # longer series names are shortened in the legend (the read-out has them in full)
EXPORT_SIZE = (1280, 720)  # logical pixels of an exported chart: 16:9, a slide

INK, MUTED, GRID = "#14263d", "#5b6572", "#8a94a3"
NAVY = "#1f4e79"
BAND_BRUSH = (159, 197, 232, 110)
MILESTONE = "#b03a2e"
PALETTE = ("#e69138", "#6aa84f", "#8e7cc3", "#45818e", "#c27ba0", "#3c78d8", "#bf9000", "#76a5af",
           "#a61c00", "#38761d", "#674ea7", "#134f5c")
_STYLE_OF_KIND = {"infra": Qt.SolidLine, "service": Qt.DashLine, "llm": Qt.DashDotLine}


def compact_users(u: float) -> str:
    """``100``, ``1K``, ``2.5K``, ``213K``, ``1M``: users as axis ticks and labels print them."""
    if not math.isfinite(u):
        return ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if u >= limit * 0.9995:
            scaled = u / limit
            text = f"{scaled:.2f}" if scaled < 9.995 else f"{scaled:.1f}" if scaled < 99.95 else f"{scaled:.0f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + suffix
    return f"{u:.0f}" if u >= 1 else f"{u:.2g}"


def money_tick(value: float, currency: str = "USD") -> str:
    """Money as an axis tick or read-out prints it: ``$1.2K``, ``$20``, ``$1.50``, ``$0.08``,
    ``$0.0012`` (two significant digits under a cent), ``$0``."""
    if not math.isfinite(value):
        return ""
    a = abs(value)
    if a >= 1000:
        return fmt.compact_money(value, currency)
    sign = "-" if value < 0 else ""
    p = currency_prefix(currency)
    if a == 0:
        return f"{p}0"
    if a >= 100 or float(a).is_integer():
        return f"{sign}{p}{a:,.0f}"
    if a >= 0.01:
        return f"{sign}{p}{a:,.2f}"
    decimals = min(12, 1 - math.floor(math.log10(a)))
    return f"{sign}{p}{a:.{decimals}f}".rstrip("0")


def breakpoint_text(bp: Breakpoint) -> str:
    """A breakpoint's short label for the chart: ``1M invocations used up · 1.16K users``."""
    head = re.sub(r" (at|from) [\d,.]+ users$", "", bp.label)
    if bp.kind == "overage":
        m = re.match(r"^(?P<plan>.*?): (?P<what>.*) included, used up$", head)
        if m:
            head = f"{m['what']} used up"
    return f"{head} · {compact_users(bp.users)} users"


class UsersAxis(pg.AxisItem):
    """Bottom axis over ``log10(users)``: labelled decades (100, 1K ... 1M), unlabelled ticks
    at 2-9 x each decade."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, ANN001, ANN201
        lo, hi = math.floor(minVal), math.ceil(maxVal)
        majors = [float(d) for d in range(lo, hi + 1) if minVal - 1e-9 <= d <= maxVal + 1e-9]
        minors = [d + math.log10(k) for d in range(lo, hi + 1) for k in range(2, 10)
                  if minVal <= d + math.log10(k) <= maxVal]
        return [(1.0, majors), (None, minors)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        if spacing is None:
            return ["" for _ in values]
        return [compact_users(10 ** v) for v in values]


class CostAxis(pg.AxisItem):
    """Left axis: money ticks; over ``log10(USD)`` when :attr:`log` is set (decades labelled,
    and 2x / 5x labelled too when fewer than three decades show)."""

    def __init__(self, **kw) -> None:  # noqa: ANN003
        super().__init__(**kw)
        self.currency = "USD"
        self.log = False

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, ANN001, ANN201
        if not self.log:
            levels = super().tickValues(minVal, maxVal, size)
            self._major = levels[0][0] if levels else None  # only the major level is labelled
            return levels
        lo, hi = math.floor(minVal), math.ceil(maxVal)
        majors = [float(d) for d in range(lo, hi + 1) if minVal <= d <= maxVal]
        mids = [d + math.log10(k) for d in range(lo, hi + 1) for k in (2, 5) if minVal <= d + math.log10(k) <= maxVal]
        if len(majors) >= 3:
            return [(1.0, majors), (None, mids)]
        return [(1.0, majors), (0.5, mids)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        if self.log:
            if spacing is None:
                return ["" for _ in values]
            return [money_tick(10 ** v, self.currency) for v in values]
        if spacing != getattr(self, "_major", spacing):
            return ["" for _ in values]
        return [money_tick(v * scale, self.currency) if v >= 0 else "" for v in values]


class _Sample(pg.ItemSample):
    """A legend sample: a filled box for the band (pyqtgraph draws a triangle), the item's
    own line or symbol otherwise. Clicks do nothing: the Series menu shows and hides series."""

    def paint(self, p, *args) -> None:  # noqa: ANN001, ANN002
        brush = getattr(self.item, "opts", {}).get("fillBrush")
        if brush is None:
            super().paint(p, *args)
            return
        p.setPen(pg.mkPen(self.item.opts["pen"]))
        p.setBrush(pg.mkBrush(brush))
        p.drawRect(QRectF(1, 4, 18, 13))

    def mouseClickEvent(self, event) -> None:  # noqa: N802, ANN001
        event.ignore()


def _pen(color: str, width: float, style: Qt.PenStyle = Qt.SolidLine) -> pg.QtGui.QPen:
    return pg.mkPen(color, width=width, style=style)


class CurveChart(pg.PlotWidget):
    """Operating cost against users. ``kind`` is ``"total"`` (USD/month, linear y) or
    ``"per-user"`` (USD per user per month, log y). Series: the total (mid of the band), the
    low-high band, one line per component, breakpoints (dashed verticals, labelled) and the
    plan's milestones (target users, monthly operating cost) as labelled points.

    Signals: ``hovered(str)`` an HTML read-out under the mouse (``""`` when it leaves);
    ``series_changed()`` when the list of toggleable series changed.
    """

    hovered = Signal(str)
    series_changed = Signal()

    def __init__(self, parent=None, kind: str = "total"):  # noqa: ANN001
        self.users_axis = UsersAxis(orientation="bottom")
        self.cost_axis = CostAxis(orientation="left")
        super().__init__(parent, background="w", axisItems={"left": self.cost_axis, "bottom": self.users_axis})
        self.kind = kind
        self.grid = np.geomspace(USERS_MIN, USERS_MAX, N_POINTS)
        self.users = self.grid  # the grid plus both sides of every jump (see update_from)
        self.x = np.log10(self.users)
        self.curve: Curve | None = None
        self.usage: UsageModel | None = None
        self.breaks: list[Breakpoint] = []
        self.currency = "USD"
        self.plan_name = ""
        self._look: tuple = ()
        self.hidden: set[str] = set()  # series the user switched off
        self._auto_hidden: set[str] = set()  # components beyond MAX_COMPONENTS_SHOWN, until toggled
        self._ms: tuple[list[str], np.ndarray, np.ndarray] = ([], np.empty(0), np.empty(0))
        plot = self.getPlotItem()
        self._style(plot)
        self.band_low = pg.PlotDataItem(pen=_pen("#9fc5e8", 1), connect="finite")
        self.band_high = pg.PlotDataItem(pen=_pen("#9fc5e8", 1), connect="finite")
        self.band = pg.FillBetweenItem(self.band_low, self.band_high, brush=pg.mkBrush(*BAND_BRUSH))
        for item in (self.band, self.band_low, self.band_high):
            plot.addItem(item)
        # the legend's sample of the band (a FillBetweenItem cannot draw one itself)
        self.band_sample = pg.PlotDataItem(pen=_pen("#9fc5e8", 1), fillLevel=0, fillBrush=pg.mkBrush(*BAND_BRUSH))
        self.components: dict[str, pg.PlotDataItem] = {}
        self.total = pg.PlotDataItem(pen=_pen(NAVY, 3), connect="finite")
        self.total.setZValue(10)
        plot.addItem(self.total)
        self.milestones = pg.ScatterPlotItem(symbol="d", size=11, brush=pg.mkBrush(MILESTONE), pen=pg.mkPen("w"))
        self.milestones.setZValue(20)
        plot.addItem(self.milestones)
        self.milestone_labels: list[pg.TextItem] = []
        self.break_lines: list[pg.InfiniteLine] = []
        self.cross = pg.InfiniteLine(angle=90, pen=_pen(GRID, 1, Qt.DotLine))
        self.cross.setZValue(30)
        self.cross.hide()
        plot.addItem(self.cross, ignoreBounds=True)
        # the legend sits in a margin right of the plot: it never hides a curve or a label
        self.legend = pg.LegendItem(labelTextColor=INK, verSpacing=-4, sampleType=_Sample)
        self.legend.setParentItem(plot)
        self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 46))
        self._legend_key: tuple = ()
        self.scene().sigMouseMoved.connect(self._on_mouse)
        plot.vb.sigResized.connect(self._on_resized)  # label lengths are fractions of the plot's height
        self.setMinimumHeight(260)
        self._apply_kind()

    # -- look ------------------------------------------------------------------------------
    @staticmethod
    def _style(plot: pg.PlotItem) -> None:
        font = QFont()
        font.setPointSize(9)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(GRID))
            axis.setTextPen(pg.mkPen("#33404f"))
            axis.setTickFont(font)
            axis.setStyle(tickTextOffset=6, autoExpandTextSpace=True)
        plot.getAxis("left").setWidth(72)
        plot.getAxis("bottom").setStyle(hideOverlappingLabels=False)  # "100" and "1M" sit on the plot's edges
        plot.showGrid(x=True, y=True, alpha=0.12)
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()

    def _apply_kind(self) -> None:
        plot = self.getPlotItem()
        per_user = self.kind == "per-user"
        self.cost_axis.log = per_user
        self.cost_axis.currency = self.currency
        cur = self.currency
        plot.setLabel("bottom", "Active users per month (log scale)", color="#33404f", size="10pt")
        if per_user:
            plot.setLabel("left", f"Cost per user ({cur} per user per month, log scale)", color="#33404f", size="10pt")
        else:
            plot.setLabel("left", f"Monthly operating cost ({cur}/month)", color="#33404f", size="10pt")
        title = "Cost per user by active users" if per_user else "Monthly operating cost by active users"
        sub = self.plan_name
        if self.curve is not None and not self.has_model:
            sub += " — no tiers, services or LLM usage yet: only the milestones' operating costs"
        self._titles = (title, sub)
        sub = f"<br><span style='font-size:9pt; color:{MUTED}'>{_escape(sub)}</span>" if sub else ""
        plot.setTitle(f"<span style='font-size:13pt; color:{INK}'><b>{title}</b></span>{sub}")
        self.cost_axis.picture = None
        self.cost_axis.update()

    def title_texts(self) -> tuple[str, str]:
        """The title and the subtitle (plan name, and a note when there is no model yet), plain text."""
        return self._titles

    def set_kind(self, kind: str) -> None:
        """Show ``"total"`` (USD/month) or ``"per-user"`` (USD per user per month)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if kind != self.kind:
            self.kind = kind
            self._apply_kind()
            self._draw()

    # -- data ------------------------------------------------------------------------------
    def update_from(self, plan: Plan, result: PlanResult, usage: UsageModel | None = None,
                    line: "Timeline | None" = None) -> None:
        """Redraw from the plan's operating-cost model (``usage``, built if not given) and its
        milestones (or growth steps) as points: the timeline's users and monthly operating cost
        in the month each one stands for (:mod:`vivim_planner.engine.periods`; ``line``: the
        plan's timeline, computed if not given)."""
        usage = usage if usage is not None else UsageModel(plan)
        self.usage = usage
        self.breaks = usage.breakpoints(USERS_MIN, USERS_MAX)
        # a tier change or a plan step-up is a jump: evaluate just before it and at it, so the
        # step is drawn vertical, not as a slope between two grid points
        jumps = np.array([bp.users for bp in self.breaks if bp.kind in ("tier", "step-up")])
        users = np.unique(np.concatenate([self.grid, jumps, jumps * (1 - 1e-9)])) if jumps.size else self.grid
        if not np.array_equal(users, self.users):
            self.users, self.x = users, np.log10(users)
        self.curve = usage.evaluate(self.users)
        from ..engine.periods import periods
        from ..engine.timeline import timeline

        rows = periods(plan, line if line is not None else timeline(plan, "mid", result, usage), result)
        users = np.array([p.users for p in rows], dtype=np.float64)
        operating = np.array([p.operating for p in rows], dtype=np.float64)
        ok = (users > 0) & np.isfinite(users) & np.isfinite(operating)
        codes = [p.code or p.name for p, k in zip(rows, ok) if k]
        self._ms = (codes, users[ok], operating[ok])
        look = (plan.settings.currency, plan.settings.name, self.has_model)
        if look != self._look:
            self._look = look
            self.currency, self.plan_name = plan.settings.currency, plan.settings.name
            self._apply_kind()
        self._draw()

    @property
    def has_model(self) -> bool:
        """True when the plan has an operating-cost model to draw (tiers, services or LLM usage)."""
        return bool(self.curve is not None and self.curve.components)

    def series_names(self) -> list[str]:
        """Toggleable series in legend order: total, band, components, milestones, breakpoints."""
        comps = list(self.curve.components) if self.curve is not None else []
        return [TOTAL, BAND, *comps, MILESTONES, BREAKPOINTS]

    def is_shown(self, name: str) -> bool:
        return name not in self.hidden and name not in self._auto_hidden

    def set_shown(self, name: str, shown: bool) -> None:
        """Switch one series on or off (see :meth:`series_names`)."""
        self._auto_hidden.discard(name)
        if shown:
            self.hidden.discard(name)
        else:
            self.hidden.add(name)
        self._draw()

    def _y(self, values: np.ndarray) -> np.ndarray:
        """Plotted y of monthly costs (USD/month) at :attr:`users` for the current kind."""
        if self.kind == "total":
            return values
        with np.errstate(divide="ignore", invalid="ignore"):
            per = values / self.users
            return np.where(per > 0, np.log10(np.where(per > 0, per, 1.0)), np.nan)

    def _draw(self) -> None:
        c = self.curve
        if c is None:
            return
        self._sync_components(c)
        shown = self.is_shown
        self.total.setData(self.x, self._y(c.total))
        self.total.setVisible(shown(TOTAL) and self.has_model)
        ranged = bool(np.any(c.high - c.low > 1e-9 * np.maximum(c.high, 1.0)))
        band_on = shown(BAND) and ranged
        if band_on:  # the fill's path is rebuilt once, not once per edge
            for item in (self.band_low, self.band_high):
                item.blockSignals(True)
            self.band_low.setData(self.x, self._y(c.low))
            self.band_high.setData(self.x, self._y(c.high))
            for item in (self.band_low, self.band_high):
                item.blockSignals(False)
            self.band.updatePath()
        for item in (self.band, self.band_low, self.band_high):
            item.setVisible(band_on)
        for name, item in self.components.items():  # hidden series get their data when shown
            on = shown(name)
            if on:
                item.setData(self.x, self._y(c.components[name]))
            item.setVisible(on)
        self._draw_milestones(shown(MILESTONES))
        self._fit_range(band_on)
        self._draw_breakpoints(shown(BREAKPOINTS))
        self._sync_legend(band_on)

    def _sync_components(self, c: Curve) -> None:
        names = list(c.components)
        if names == list(self.components):
            return
        plot = self.getPlotItem()
        for name in [n for n in self.components if n not in c.components]:
            plot.removeItem(self.components.pop(name))
        for i, name in enumerate(names):
            if name not in self.components:
                color = PALETTE[i % len(PALETTE)]
                item = pg.PlotDataItem(pen=_pen(color, 1.8, _STYLE_OF_KIND.get(c.kinds.get(name), Qt.SolidLine)),
                                       connect="finite")
                item.setZValue(5)
                plot.addItem(item)
                self.components[name] = item
        self.components = {n: self.components[n] for n in names}
        peak = {n: float(np.nanmax(c.components[n])) if len(self.users) else 0.0 for n in names}
        keep = set(sorted(names, key=lambda n: -peak[n])[:MAX_COMPONENTS_SHOWN])
        if len(names) == 1:  # one component is the total itself
            keep = set()
        self._auto_hidden = {n for n in names if n not in keep}
        self.series_changed.emit()

    def _draw_milestones(self, on: bool) -> None:
        codes, users, operating = self._ms
        inside = (users >= USERS_MIN * 0.999) & (users <= USERS_MAX * 1.001)
        x = np.log10(users[inside]) if len(users) else np.empty(0)
        y_cost = operating[inside]
        y = y_cost if self.kind == "total" else np.log10(np.maximum(y_cost / users[inside], 1e-300))
        y = np.where(np.isfinite(y), y, np.nan)
        self.milestones.setData(x, y)
        self.milestones.setVisible(on and len(x) > 0)
        labels = [f"{code} · {money_tick(v, self.currency)}" for code, v in
                  zip([c for c, k in zip(codes, inside) if k],
                      y_cost if self.kind == "total" else y_cost / users[inside])]
        plot = self.getPlotItem()
        while len(self.milestone_labels) < len(labels):
            item = pg.TextItem("", color=QColor(MILESTONE), anchor=(-0.08, 1.05))
            item.setZValue(21)
            plot.addItem(item)
            self.milestone_labels.append(item)
        while len(self.milestone_labels) > len(labels):
            plot.removeItem(self.milestone_labels.pop())
        for item, text, xi, yi in zip(self.milestone_labels, labels, x, y):
            item.setText(text)
            item.setPos(float(xi), float(yi) if math.isfinite(yi) else 0.0)
            item.setVisible(on and math.isfinite(yi))

    def _draw_breakpoints(self, on: bool) -> None:
        """Dashed verticals at the breakpoints, each label along its line where it covers the
        least of the curves (call after the range is set)."""
        plot = self.getPlotItem()
        breaks = self.drawn_breaks()
        while len(self.break_lines) < len(breaks):
            line = pg.InfiniteLine(angle=90, pen=_pen("#7f8c9d", 1, Qt.DashLine), label="",
                                   labelOpts={"position": 0.6, "rotateAxis": (1, 0), "color": "#33404f",
                                              "fill": (255, 255, 255, 235), "anchors": [(0, 0.5), (0, 0.5)]})
            line.setZValue(15)  # above the curves: a label stays readable where a curve crosses it
            plot.addItem(line, ignoreBounds=True)
            self.break_lines.append(line)
        while len(self.break_lines) > len(breaks):
            plot.removeItem(self.break_lines.pop())
        (y0, y1), height = plot.vb.viewRange()[1], plot.vb.height()
        for line, bp in zip(self.break_lines, breaks):
            text = breakpoint_text(bp)
            label = line.label
            label.format = text.replace("{", "{{").replace("}", "}}")  # InfLineLabel formats {value}
            line.setToolTip(bp.label)
            line.setVisible(on)
            x = math.log10(bp.users)
            line.setPos(x)
            span = (label.textItem.boundingRect().width() + 10) / height if height > 50 else 0.45
            label.anchors = [(0, 0.5), (0, 0.5)]  # the text starts at the position and reads upwards
            label.setPosition(self._label_start(x, y0, y1, span))
            label.setText(text)

    def _on_resized(self, *_args) -> None:  # noqa: ANN002
        if self.curve is not None:
            self._draw_breakpoints(self.is_shown(BREAKPOINTS))

    def drawn_breaks(self) -> list[Breakpoint]:
        """The breakpoints drawn: tier starts, and those of the components shown (all of them
        while there are few components); at most :data:`MAX_BREAKPOINTS_DRAWN`."""
        names = self.components
        keep = set(names) if len(names) <= MAX_COMPONENTS_SHOWN else {n for n in names if self.is_shown(n)}
        return [bp for bp in self.breaks if bp.kind == "tier" or bp.subject in keep][:MAX_BREAKPOINTS_DRAWN]

    def _label_start(self, x: float, y0: float, y1: float, span: float) -> float:
        """Where along a breakpoint line (0 bottom, 1 top) a label ``span`` long starts so that
        it covers the least of the curves and the band there; ties go to the top, then the
        bottom."""
        occupied = self._occupied_at(x, y0, y1)
        top = max(0.03, 0.97 - span)
        starts = [top, 0.03, *np.arange(0.08, top, 0.05)]

        def cover(start: float) -> float:
            a, b = start, start + span
            return sum(max(0.0, min(b, hi + 0.015) - max(a, lo - 0.015)) for lo, hi in occupied)

        return float(min(starts, key=cover))

    def _occupied_at(self, x: float, y0: float, y1: float) -> list[tuple[float, float]]:
        """Height intervals (0 bottom, 1 top of the view) the visible curves cover at ``x``: the
        segment each draws between its points either side, and the band between its edges."""
        if y1 <= y0:
            return []
        i = int(np.clip(np.searchsorted(self.x, x), 1, len(self.x) - 1))
        out = []
        for item in (self.total, *self.components.values()):
            if item.isVisible() and item.yData is not None and len(item.yData) == len(self.x):
                seg = item.yData[[i - 1, i]]
                seg = seg[np.isfinite(seg)]
                if seg.size:
                    out.append(((seg.min() - y0) / (y1 - y0), (seg.max() - y0) / (y1 - y0)))
        if self.band.isVisible():
            both = np.concatenate([self.band_low.yData[[i - 1, i]], self.band_high.yData[[i - 1, i]]])
            both = both[np.isfinite(both)]
            if both.size:
                out.append(((both.min() - y0) / (y1 - y0), (both.max() - y0) / (y1 - y0)))
        return out

    def _fit_range(self, band_on: bool) -> None:
        plot = self.getPlotItem()
        plot.setXRange(math.log10(USERS_MIN), math.log10(USERS_MAX), padding=0.02)
        c = self.curve
        series = []
        if self.is_shown(TOTAL) and self.has_model:
            series.append(self._y(c.total))
        if band_on:
            series.append(self._y(c.high))
            series.append(self._y(c.low))
        series += [self._y(c.components[n]) for n in self.components if self.is_shown(n)]
        if self.is_shown(MILESTONES) and len(self.milestones.data):
            series.append(self.milestones.data["y"])
        finite = np.concatenate([s[np.isfinite(s)] for s in series]) if series else np.empty(0)
        if self.kind == "total":
            top = float(finite.max()) if finite.size else 0.0
            top = top if top > 0 else 1.0
            plot.setYRange(-top * 0.025, top * 1.12, padding=0)  # room under $0 for its tick label
        else:
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-2.0, 0.0)
            total = self._y(c.total)
            if np.isfinite(total).any():  # components far below the total are not the story
                lo = max(lo, float(np.nanmin(total)) - 2.0)
            if hi - lo < 1.0:
                mid = (hi + lo) / 2
                lo, hi = mid - 0.5, mid + 0.5
            plot.setYRange(lo - 0.08 * (hi - lo), hi + 0.22 * (hi - lo), padding=0)

    def _sync_legend(self, band_on: bool) -> None:
        entries = []
        if self.is_shown(TOTAL) and self.has_model:
            entries.append((self.total, "Total (mid)" if band_on else "Total"))
        if band_on:
            entries.append((self.band_sample, BAND))
        entries += [(item, _elide(name)) for name, item in self.components.items() if self.is_shown(name)]
        if self.is_shown(MILESTONES) and self.milestones.isVisible():
            entries.append((self.milestones, "Plan milestones (operating cost)"))
        key = tuple((id(i), n) for i, n in entries)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        for item, name in entries:
            self.legend.addItem(item, name)
        width = self.legend.boundingRect().width() if entries else 0.0
        self.getPlotItem().layout.setContentsMargins(10, 8, width + 18, 8)

    # -- hover -----------------------------------------------------------------------------
    def readout(self, users: float) -> str:
        """HTML read-out at ``users``: total, cost per user, range, each component (and the
        plan a service uses there)."""
        if self.usage is None:
            return ""
        c = self.usage.evaluate([users])
        cur = self.currency

        def money(v: float) -> str:  # cents above a dollar, four decimals under it
            return fmt.money(v, cur, 2 if abs(v) >= 1 else None)

        total = float(c.total[0])
        parts = [f"<b>{compact_users(users)} users</b> ({users:,.0f})",
                 f"total <b>{money(total)}/month</b>",
                 f"<b>{money(total / users)}</b> per user"]
        if float(c.high[0] - c.low[0]) > 1e-9:
            parts.append(f"range {money(float(c.low[0]))} – {money(float(c.high[0]))}")
        comps = []
        names = [n for n in c.components if self.is_shown(n)] or list(c.components)
        rest = len(c.components) - min(len(names), MAX_READOUT_COMPONENTS)
        for name in names[:MAX_READOUT_COMPONENTS]:
            v = c.components[name]
            plan = f" ({c.plans[name][0]})" if name in c.plans else ""
            over = " <span style='color:#b03a2e'>over its limits</span>" if name in c.over_capacity and c.over_capacity[name][0] else ""
            comps.append(f"{_escape(name)}{_escape(plan)} {money(float(v[0]))}{over}")
        if rest > 0:
            comps.append(f"{rest} more (Series menu)")
        text = " · ".join(parts)
        return text + ("<br>" + " · ".join(comps) if comps else "")

    def _on_mouse(self, pos: QPointF) -> None:
        vb = self.getPlotItem().vb
        if self.curve is None or not vb.sceneBoundingRect().contains(pos):
            self.cross.hide()
            self.hovered.emit("")
            return
        x = vb.mapSceneToView(pos).x()
        x = min(max(x, math.log10(USERS_MIN)), math.log10(USERS_MAX))
        users = float(f"{10 ** x:.3g}")  # three significant digits: 12,300 users, not 12,287.4
        self.cross.setPos(math.log10(users))
        self.cross.show()
        self.hovered.emit(self.readout(users))

    # -- export ----------------------------------------------------------------------------
    @contextmanager
    def _pens_scaled(self, scale: float):  # noqa: ANN202
        """Widen every line ``scale`` times while exporting: pyqtgraph's pens are cosmetic
        (a width in device pixels), so a 2x image would otherwise get hairlines."""
        undo = []
        if scale != 1.0:
            for item in (self.total, self.band_low, self.band_high, *self.components.values()):
                undo.append((item.setPen, item.opts["pen"]))
                item.setPen(_widened(item.opts["pen"], scale))
            for line in self.break_lines:
                undo.append((line.setPen, line.pen))
                line.setPen(_widened(line.pen, scale))
            for axis in (self.users_axis, self.cost_axis):
                undo.append((axis.setPen, axis.pen()))
                axis.setPen(_widened(axis.pen(), scale))
            self._apply_kind()  # AxisItem.setPen recolours the axis titles; put them back
        try:
            yield
        finally:
            for setter, pen in reversed(undo):
                setter(pen)
            if undo:
                self._apply_kind()  # AxisItem.setPen recolours the axis titles; put them back

    def image(self, scale: float = 2.0) -> QImage:
        """The chart as an image of ``scale`` x its size in pixels (device pixel ratio
        ``scale``: text and lines are drawn at that resolution, not scaled up)."""
        self.cross.hide()
        w, h = self.width(), self.height()
        img = QImage(max(1, round(w * scale)), max(1, round(h * scale)), QImage.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(scale)
        img.fill(QColor("white"))
        painter = QPainter(img)
        painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
        with self._pens_scaled(scale):  # the scene, not QWidget.render: a view applies the ratio twice
            self.scene().render(painter, QRectF(0, 0, w, h), QRectF(self.viewport().rect()))
        painter.end()
        return img

    def save_png(self, path: str | Path, scale: float = 2.0) -> Path:
        """Write the chart as PNG at ``scale`` x (2: a retina or slide-ready image)."""
        path = Path(path)
        if not self.image(scale).save(str(path), "PNG"):
            raise OSError(f"{path}: cannot write the PNG")
        return path

    def svg_bytes(self) -> bytes:
        """The chart as SVG (plain SVG 1.1: vector lines, text as text; see :mod:`.chart_svg`)."""
        from .chart_svg import chart_svg

        self.cross.hide()
        return chart_svg(self).encode("utf-8")

    def save_svg(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.svg_bytes())
        return path

    def save(self, path: str | Path, scale: float = 2.0) -> Path:
        """Write PNG or SVG by the file's extension."""
        suffix = Path(path).suffix.lower()
        if suffix == ".svg":
            return self.save_svg(path)
        if suffix == ".png":
            return self.save_png(path, scale)
        raise ValueError(f"{path}: the chart is written as .png or .svg")


def _widened(pen: QPen, scale: float) -> QPen:
    out = QPen(pen)
    out.setWidthF((pen.widthF() or 1.0) * scale)  # width 0 is a 1-pixel cosmetic pen
    return out


def _elide(name: str, limit: int = LEGEND_CHARS) -> str:
    """A legend entry of at most ``limit`` characters (``Multi-cloud, multi-region (5+ re…``)."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@contextmanager
def exporting_copy(source: CurveChart | None, plan: Plan, result: PlanResult, usage: UsageModel | None = None,
                   kind: str | None = None, size: tuple[int, int] = EXPORT_SIZE, line=None):  # noqa: ANN201, ANN001
    """A chart laid out offscreen at ``size`` (logical pixels) for export, drawn from ``plan``;
    with ``source`` it shows the same view and series as that chart. Needs a QApplication.
    Use as ``with exporting_copy(...) as chart: chart.save(path)``."""
    from PySide6.QtWidgets import QApplication

    chart = CurveChart(kind=kind or (source.kind if source is not None else "total"))
    try:
        if source is not None:
            chart.hidden = set(source.hidden)
        chart.setAttribute(Qt.WA_DontShowOnScreen, True)
        chart.resize(*size)
        chart.show()
        chart.update_from(plan, result, usage, line)
        if source is not None and chart.curve is not None:  # the source's automatic choices too
            chart._auto_hidden = set(source._auto_hidden) & set(chart.curve.components)
            chart._draw()
        QApplication.processEvents()
        chart._draw()  # again, now that the view box has its final size (label placement)
        yield chart
    finally:
        chart.close()
        chart.deleteLater()


def render_chart(plan: Plan, out_path: str | Path, kind: str = "total", scale: float = 2.0,
                 size: tuple[int, int] = EXPORT_SIZE) -> Path:
    """Write the plan's cost curve to ``out_path`` (``.png`` at ``scale`` x ``size`` pixels,
    or ``.svg`` of ``size``), headless: a QApplication is made offscreen if none exists.

    ``kind``: ``"total"`` (monthly operating cost, USD/month) or ``"per-user"`` (USD per user
    per month). Raises ``ValueError`` for another kind or extension, ``OSError`` when the file
    cannot be written. Returns the path written.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    suffix = Path(out_path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"{out_path}: the chart is written as .png or .svg")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication([])
    with exporting_copy(None, plan, compute(plan), kind=kind, size=size) as chart:
        return chart.save(out_path, scale)
