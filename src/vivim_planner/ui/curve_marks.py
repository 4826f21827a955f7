"""The curve chart's marks: the plan's milestones as labelled points and the breakpoints as
dashed verticals whose labels sit where they cover the least of the curves. A mixin of
:class:`~vivim_planner.ui.curve_chart.CurveChart` (it reads the chart's items and data)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..engine.usage import Breakpoint
from .curve_axes import breakpoint_text, label_start, money_tick


def _pen(color: str, width: float, style: Qt.PenStyle = Qt.SolidLine) -> pg.QtGui.QPen:
    return pg.mkPen(color, width=width, style=style)

USERS_MIN, USERS_MAX = 100.0, 1e6
MILESTONE = "#b03a2e"
MAX_COMPONENTS_SHOWN = 8  # more components start hidden (the legend stays readable); toggles bring them back
MAX_BREAKPOINTS_DRAWN = 16  # more lines would be a barcode; the Curves tab lists every breakpoint


class CurveMarks:
    """Milestone points and breakpoint lines of a :class:`CurveChart` (mixin)."""

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
            # on a white ground: readable where a curve crosses it
            item = pg.TextItem("", color=QColor(MILESTONE), anchor=(-0.08, 1.05), fill=(255, 255, 255, 215))
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
            label.setPosition(label_start(self._occupied_at(x, y0, y1), span))
            label.setText(text)

    def drawn_breaks(self) -> list[Breakpoint]:
        """The breakpoints drawn: tier starts, and those of the components shown (all of them
        while there are few components); at most :data:`MAX_BREAKPOINTS_DRAWN`."""
        names = self.components
        keep = set(names) if len(names) <= MAX_COMPONENTS_SHOWN else {n for n in names if self.is_shown(n)}
        return [bp for bp in self.breaks if bp.kind == "tier" or bp.subject in keep][:MAX_BREAKPOINTS_DRAWN]

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
