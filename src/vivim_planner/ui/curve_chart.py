"""The cost curve chart: monthly operating cost (or cost per user) against active users on a
log axis from 100 to 1M, deck-ready (white, titled, money ticks, legend), and its export.

x is plotted as ``log10(users)`` and, in the cost-per-user view, y as ``log10(USD per user)``;
the axes print the real values (100, 1K ... 1M; $0.01, $0.10, $1). Doing the log ourselves
keeps ticks readable, where pyqtgraph's log mode overlaps its labels.

The chart draws from arrays: :meth:`CurveChart.update_from` evaluates the plan's
:class:`UsageModel` at :data:`N_POINTS` log-spaced user counts and calls ``setData`` on items
made once; only a change in the set of components, breakpoints or milestones adds or removes
items. Ticks and texts are in :mod:`.curve_axes`, milestones and breakpoints in
:mod:`.curve_marks`; export (PNG 2x / SVG) is :mod:`.chart_export`'s, and
:func:`.curve_export.render_chart` writes the chart headless (the CLI's ``chart`` command).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QImage

from ..domain import Plan
from ..engine import PlanResult
from ..engine.usage import Breakpoint, Curve, UsageModel
from .chart_export import EXPORT_SIZE, chart_image, save_chart  # noqa: F401 - EXPORT_SIZE for the Curves tab
from .curve_axes import (CostAxis, UsersAxis, _Sample, breakpoint_text, compact_users, elide, escape_html,  # noqa: F401
                         money_tick, readout_html, style_plot)
from .curve_marks import MAX_BREAKPOINTS_DRAWN, MAX_COMPONENTS_SHOWN, USERS_MAX, USERS_MIN, CurveMarks  # noqa: F401

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.timeline import Timeline

N_POINTS = 400
KINDS = ("total", "per-user")
TOTAL, BAND, MILESTONES, BREAKPOINTS = "Total", "Low – high range", "Milestones", "Breakpoints"

INK, MUTED, GRID = "#14263d", "#5b6572", "#8a94a3"
NAVY = "#1f4e79"
BAND_BRUSH = (159, 197, 232, 110)
MILESTONE = "#b03a2e"
PALETTE = ("#e69138", "#6aa84f", "#8e7cc3", "#45818e", "#c27ba0", "#3c78d8", "#bf9000", "#76a5af",
           "#a61c00", "#38761d", "#674ea7", "#134f5c")
_STYLE_OF_KIND = {"infra": Qt.SolidLine, "service": Qt.DashLine, "llm": Qt.DashDotLine}


def _pen(color: str, width: float, style: Qt.PenStyle = Qt.SolidLine) -> pg.QtGui.QPen:
    return pg.mkPen(color, width=width, style=style)


class CurveChart(CurveMarks, pg.PlotWidget):
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
        style_plot(plot)
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
        sub = f"<br><span style='font-size:9pt; color:{MUTED}'>{escape_html(sub)}</span>" if sub else ""
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

    def _on_resized(self, *_args) -> None:  # noqa: ANN002
        if self.curve is not None:
            self._draw_breakpoints(self.is_shown(BREAKPOINTS))

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
        entries += [(item, elide(name)) for name, item in self.components.items() if self.is_shown(name)]
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

    def readout(self, users: float) -> str:
        """HTML read-out at ``users``: total, cost per user, range, each component shown (and
        the plan a service uses there); see :func:`.curve_axes.readout_html`."""
        return readout_html(self.usage, users, self.currency, self.is_shown) if self.usage is not None else ""

    # -- hover -----------------------------------------------------------------------------
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
    def image(self, scale: float = 2.0) -> QImage:
        """The chart as an image of ``scale`` x its size in pixels (device pixel ratio
        ``scale``: text and lines drawn at that resolution; see :func:`.chart_export.chart_image`)."""
        self.cross.hide()
        return chart_image(self, scale)

    def save(self, path: str | Path, scale: float = 2.0) -> Path:
        """Write PNG or SVG by the file's extension (``ValueError`` for another, ``OSError``
        when it cannot be written)."""
        return save_chart(self, path, scale)
