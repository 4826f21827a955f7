"""SVG of a month chart of :mod:`.actuals_charts`, written element by element from the chart's
own data and layout (plot area, the axes' ticks, its curves, vertical markers and legend).

pyqtgraph's ``SVGExporter`` fails on this Qt version's path data (pyqtgraph issue #3485), and
Qt's ``QSvgGenerator`` writes transforms slide tools misdraw (see :mod:`.chart_svg`); this writer
emits plain SVG 1.1: a clip path for the plot area, a ``<polyline>`` per unbroken run of each
curve, circles for its points, and ``<text>`` for every label, in the chart's logical pixels.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg

from .chart_svg import FONT, _polylines, _stroke, _text

if TYPE_CHECKING:  # pragma: no cover
    from .actuals_charts import ActualsChart


class _Frame:
    """Maps view coordinates (months, money) to SVG pixels."""

    def __init__(self, chart: "ActualsChart"):
        vb = chart.getPlotItem().vb
        r = vb.sceneBoundingRect()
        self.left, self.top, self.width, self.height = r.left(), r.top(), r.width(), r.height()
        (self.x0, self.x1), (self.y0, self.y1) = vb.viewRange()

    def x(self, v: np.ndarray | float) -> np.ndarray | float:
        return self.left + (np.asarray(v) - self.x0) / (self.x1 - self.x0) * self.width

    def y(self, v: np.ndarray | float) -> np.ndarray | float:
        return self.top + (1.0 - (np.asarray(v) - self.y0) / (self.y1 - self.y0)) * self.height


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html or "").replace("&nbsp;", " ").strip()


def month_chart_svg(chart: "ActualsChart") -> str:
    """The chart as an SVG document (UTF-8 text) of the chart's size in logical pixels."""
    w, h = chart.width(), chart.height()
    plot = chart.getPlotItem()
    f = _Frame(chart)
    el = [f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
          f'<defs><clipPath id="plot"><rect x="{f.left:.1f}" y="{f.top:.1f}" width="{f.width:.1f}" '
          f'height="{f.height:.1f}"/></clipPath></defs>']
    for spacing, values in chart.left_axis.tickValues(f.y0, f.y1, f.height)[:1]:  # major ticks, as drawn labelled
        for v, label in zip(values, chart.left_axis.tickStrings(values, 1.0, spacing)):
            y = float(f.y(v))
            if f.top - 0.5 <= y <= f.top + f.height + 0.5:
                el.append(f'<line x1="{f.left:.1f}" y1="{y:.1f}" x2="{f.left + f.width:.1f}" y2="{y:.1f}" '
                          f'stroke="#33404f" stroke-opacity="0.15" stroke-width="1"/>')
                el.append(_text(f.left - 6, y + 4, label, 12, anchor="end"))
    for spacing, values in chart.months_axis.tickValues(f.x0, f.x1, f.width)[:1]:
        for v, label in zip(values, chart.months_axis.tickStrings(values, 1.0, spacing)):
            x = float(f.x(v))
            if f.left <= x <= f.left + f.width:
                el.append(_text(x, f.top + f.height + 16, label, 12, anchor="middle"))
    el.append(f'<rect x="{f.left:.1f}" y="{f.top:.1f}" width="{f.width:.1f}" height="{f.height:.1f}" '
              f'fill="none" stroke="#8a94a3" stroke-width="1"/>')
    el.append(_text(f.left + f.width / 2, f.top + f.height + 34, "Month", 12, anchor="middle"))
    marks = 0
    for item in plot.items:
        if isinstance(item, pg.InfiniteLine) and item.isVisible():
            pen = item.pen
            if item.angle == 90:
                x = float(f.x(item.value()))
                el.append(f'<line x1="{x:.1f}" y1="{f.top:.1f}" x2="{x:.1f}" y2="{f.top + f.height:.1f}" {_stroke(pen)}/>')
                label = item.label.textItem.toPlainText() if item.label is not None else ""
                if label.strip():  # alternately right and left of its line, so two close lines stay readable
                    el.append(_text(x + 4 if marks % 2 == 0 else x - 4, f.top + 14 + 14 * marks, label.strip(), 11,
                                    color=pen.color().name(), anchor="start" if marks % 2 == 0 else "end"))
                    marks += 1
            else:
                y = float(f.y(item.value()))
                el.append(f'<line x1="{f.left:.1f}" y1="{y:.1f}" x2="{f.left + f.width:.1f}" y2="{y:.1f}" {_stroke(pen)}/>')
    for item in plot.listDataItems():
        x, y = item.getData()
        if x is None or not len(x):
            continue
        pen = pg.mkPen(item.opts["pen"])
        el += _polylines(f, np.asarray(x, float), np.asarray(y, float), _stroke(pen))
        if item.opts.get("symbol"):
            color = pg.mkBrush(item.opts["symbolBrush"]).color().name()
            r = float(item.opts.get("symbolSize", 6)) / 2
            el += [f'<circle cx="{float(f.x(a)):.1f}" cy="{float(f.y(b)):.1f}" r="{r:.1f}" fill="{color}" '
                   f'stroke="#ffffff" clip-path="url(#plot)"/>' for a, b in zip(x, y) if np.isfinite(a) and np.isfinite(b)]
    el.append(_text(w / 2, 20, _plain(plot.titleLabel.text), 15, color="#14263d", anchor="middle"))
    entries = chart.legend.items if chart.legend is not None else []
    for k, (sample, label) in enumerate(entries):
        lx, ly = 40 + (k % 2) * (w / 2), h - 30 + (k // 2) * 18 - 18 * ((len(entries) - 1) // 2)
        pen = pg.mkPen(sample.item.opts["pen"]) if hasattr(sample.item, "opts") else pg.mkPen("#33404f")
        el.append(f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 24:.1f}" y2="{ly - 4:.1f}" {_stroke(pen, 2.5)}/>')
        el.append(_text(lx + 30, ly, _plain(label.text), 12))
    body = "\n".join(el)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
            f'width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">\n{body}\n</svg>\n')


__all__ = ["month_chart_svg"]
