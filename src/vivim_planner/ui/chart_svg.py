"""SVG of a :class:`CurveChart`, written element by element from the chart's own data and
layout (plot area, ticks, legend positions), so every renderer draws it alike.

Qt's ``QSvgGenerator`` writes pyqtgraph's scene as groups under extreme transforms with
``vector-effect="non-scaling-stroke"``; slide tools and librsvg then draw dashed lines as
solid blocks and curves as filled shapes. This writer emits plain SVG 1.1 instead: a clip
path for the plot area, one ``<polyline>`` per unbroken run of each series, ``<text>`` for
every label (so a slide tool can edit it), all in the chart's logical pixels.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

if TYPE_CHECKING:  # pragma: no cover
    from .curve_chart import CurveChart

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
_DASH = {int(Qt.PenStyle.DashLine.value): "6,4", int(Qt.PenStyle.DotLine.value): "1.5,3",
         int(Qt.PenStyle.DashDotLine.value): "6,3,1.5,3"}


def _px(points: float) -> float:
    """Font points -> CSS pixels (96 per inch)."""
    return points * 96.0 / 72.0


def _text_width(text: str, size_px: float) -> float:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, round(size_px)))
    return QFontMetricsF(font).horizontalAdvance(text)


def _color(qcolor) -> tuple[str, float]:  # noqa: ANN001 - QColor
    return qcolor.name(), qcolor.alphaF()


def _stroke(pen, width: float | None = None) -> str:  # noqa: ANN001 - QPen
    color, alpha = _color(pen.color())
    w = width if width is not None else (pen.widthF() or 1.0)
    dash = _DASH.get(int(pen.style().value) if hasattr(pen.style(), "value") else int(pen.style()))
    out = f'stroke="{color}" stroke-width="{w:g}" fill="none" stroke-linejoin="round"'
    if alpha < 1:
        out += f' stroke-opacity="{alpha:.3f}"'
    if dash:
        out += f' stroke-dasharray="{dash}"'
    return out


def _text(x: float, y: float, text: str, size: float, color: str = "#33404f", anchor: str = "start",
          weight: str = "normal", rotate: float = 0.0) -> str:
    rot = f' transform="rotate({rotate:g} {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size:.1f}" fill="{color}" '
            f'text-anchor="{anchor}" font-weight="{weight}"{rot}>{escape(text)}</text>')


class _Frame:
    """Maps view coordinates (log10 users, cost or log10 cost) to SVG pixels."""

    def __init__(self, chart: "CurveChart"):
        vb = chart.getPlotItem().vb
        r = vb.sceneBoundingRect()
        self.left, self.top, self.width, self.height = r.left(), r.top(), r.width(), r.height()
        (self.x0, self.x1), (self.y0, self.y1) = vb.viewRange()

    def x(self, v: np.ndarray | float) -> np.ndarray | float:
        return self.left + (np.asarray(v) - self.x0) / (self.x1 - self.x0) * self.width

    def y(self, v: np.ndarray | float) -> np.ndarray | float:
        return self.top + (1.0 - (np.asarray(v) - self.y0) / (self.y1 - self.y0)) * self.height


def _polylines(frame: _Frame, x: np.ndarray, y: np.ndarray, style: str) -> list[str]:
    """One polyline per run of finite points."""
    ok = np.isfinite(x) & np.isfinite(y)
    out = []
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return out
    breaks = np.flatnonzero(np.diff(idx) != 1)
    for run in np.split(idx, breaks + 1):
        px, py = frame.x(x[run]), frame.y(y[run])
        pts = " ".join(f"{a:.2f},{b:.2f}" for a, b in zip(px, py))
        out.append(f'<polyline points="{pts}" {style} clip-path="url(#plot)"/>')
    return out


def chart_svg(chart: "CurveChart") -> str:
    """The chart as an SVG document (UTF-8 text) of the chart's size in logical pixels."""
    w, h = chart.width(), chart.height()
    plot = chart.getPlotItem()
    f = _Frame(chart)
    el: list[str] = [
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
        f'<defs><clipPath id="plot"><rect x="{f.left:.1f}" y="{f.top:.1f}" width="{f.width:.1f}" '
        f'height="{f.height:.1f}"/></clipPath></defs>',
    ]
    tick_px = _px(9)
    # grid, ticks and tick labels, from the axes' own tick logic
    for axis, horizontal in ((chart.users_axis, True), (chart.cost_axis, False)):
        lo, hi = (f.x0, f.x1) if horizontal else (f.y0, f.y1)
        for spacing, values in axis.tickValues(lo, hi, f.width if horizontal else f.height):
            labels = axis.tickStrings(values, 1.0, spacing)
            major = spacing is not None and labels and any(labels)
            for v, label in zip(values, labels):
                if horizontal:
                    px = float(f.x(v))
                    el.append(f'<line x1="{px:.1f}" y1="{f.top:.1f}" x2="{px:.1f}" y2="{f.top + f.height:.1f}" '
                              f'stroke="#8a94a3" stroke-opacity="{0.22 if major else 0.1}" stroke-width="1"/>')
                    if label:
                        el.append(_text(px, f.top + f.height + 6 + tick_px, label, tick_px, anchor="middle"))
                else:
                    py = float(f.y(v))
                    if not f.top - 0.5 <= py <= f.top + f.height + 0.5:
                        continue
                    el.append(f'<line x1="{f.left:.1f}" y1="{py:.1f}" x2="{f.left + f.width:.1f}" y2="{py:.1f}" '
                              f'stroke="#8a94a3" stroke-opacity="{0.22 if major else 0.1}" stroke-width="1"/>')
                    if label:
                        el.append(_text(f.left - 8, py + tick_px * 0.35, label, tick_px, anchor="end"))
    el.append(f'<line x1="{f.left:.1f}" y1="{f.top + f.height:.1f}" x2="{f.left + f.width:.1f}" '
              f'y2="{f.top + f.height:.1f}" stroke="#8a94a3" stroke-width="1"/>')
    el.append(f'<line x1="{f.left:.1f}" y1="{f.top:.1f}" x2="{f.left:.1f}" y2="{f.top + f.height:.1f}" '
              f'stroke="#8a94a3" stroke-width="1"/>')
    # axis titles where the chart puts them
    for axis, rotate in ((chart.users_axis, 0.0), (chart.cost_axis, -90.0)):
        r = axis.label.sceneBoundingRect() if axis.label.isVisible() else None
        if r is not None:
            text = axis.labelText
            el.append(_text(r.center().x() + (_px(10) * 0.35 if rotate else 0),
                            r.center().y() + (0 if rotate else _px(10) * 0.35),
                            text, _px(10), anchor="middle", rotate=rotate))
    # title and subtitle, centred over the plot
    title, sub = chart.title_texts()
    tr = plot.titleLabel.sceneBoundingRect()
    cx = tr.center().x()
    el.append(_text(cx, tr.top() + _px(13) + 2, title, _px(13), color="#14263d", anchor="middle", weight="bold"))
    if sub:
        el.append(_text(cx, tr.top() + _px(13) + 7 + _px(9), sub, _px(9), color="#5b6572", anchor="middle"))
    # band, components, total
    c = chart.curve
    if c is not None:
        if chart.band.isVisible():
            lo, hi = chart.band_low.yData, chart.band_high.yData
            ok = np.isfinite(lo) & np.isfinite(hi)
            if ok.any():
                xs = chart.x[ok]
                pts = np.concatenate([np.column_stack([f.x(xs), f.y(hi[ok])]),
                                      np.column_stack([f.x(xs[::-1]), f.y(lo[ok][::-1])])])
                color, alpha = _color(chart.band.brush().color())
                el.append(f'<polygon points="{" ".join(f"{a:.2f},{b:.2f}" for a, b in pts)}" fill="{color}" '
                          f'fill-opacity="{alpha:.3f}" stroke="none" clip-path="url(#plot)"/>')
        for item in (*chart.components.values(), chart.total):
            if item.isVisible() and item.yData is not None:
                el += _polylines(f, item.xData, item.yData, _stroke(item.opts["pen"]))
    # breakpoints: dashed verticals, labels along them on a white ground
    label_px = _px(9)
    for line in chart.break_lines:
        if not line.isVisible():
            continue
        px = float(f.x(line.value()))
        el.append(f'<line x1="{px:.1f}" y1="{f.top:.1f}" x2="{px:.1f}" y2="{f.top + f.height:.1f}" '
                  f'{_stroke(line.pen, 1)}/>')
        text = line.label.toPlainText()
        tw = _text_width(text, label_px)
        # the text reads bottom to top from the label's position along the line
        start_y = f.top + f.height * (1 - line.label.orthoPos)
        tx = px - 3
        el.append(f'<rect x="{tx - label_px + 1:.1f}" y="{start_y - tw - 2:.1f}" width="{label_px + 2:.1f}" '
                  f'height="{tw + 4:.1f}" fill="#ffffff" fill-opacity="0.92"/>')
        el.append(_text(tx, start_y, text, label_px, rotate=-90.0))
    # milestones: diamonds with their labels
    if chart.milestones.isVisible():
        data = chart.milestones.data
        color = chart.milestones.opts["brush"].color().name()
        for xv, yv, label in zip(data["x"], data["y"], chart.milestone_labels):
            if not (math.isfinite(xv) and math.isfinite(yv)):
                continue
            px, py = float(f.x(xv)), float(f.y(yv))
            s = 6.0
            el.append(f'<polygon points="{px:.1f},{py - s:.1f} {px + s * 0.75:.1f},{py:.1f} {px:.1f},{py + s:.1f} '
                      f'{px - s * 0.75:.1f},{py:.1f}" fill="{color}" stroke="#ffffff" stroke-width="1"/>')
            if label.isVisible():
                el.append(_text(px + 8, py - 6, label.toPlainText(), label_px, color=color))
    # legend: a sample and the name of each entry, where the chart's legend has them
    for sample, label in chart.legend.items:
        sr, lr = sample.sceneBoundingRect(), label.sceneBoundingRect()
        y = sr.center().y()
        item = sample.item
        if hasattr(item, "opts") and item.opts.get("fillBrush") is not None:
            color, alpha = _color(item.opts["fillBrush"].color())
            el.append(f'<rect x="{sr.left() + 2:.1f}" y="{y - 6:.1f}" width="18" height="12" fill="{color}" '
                      f'fill-opacity="{alpha:.3f}"/>')
        elif item is chart.milestones:
            color = item.opts["brush"].color().name()
            el.append(f'<polygon points="{sr.left() + 11:.1f},{y - 5:.1f} {sr.left() + 15:.1f},{y:.1f} '
                      f'{sr.left() + 11:.1f},{y + 5:.1f} {sr.left() + 7:.1f},{y:.1f}" fill="{color}"/>')
        else:
            el.append(f'<line x1="{sr.left() + 1:.1f}" y1="{y:.1f}" x2="{sr.left() + 21:.1f}" y2="{y:.1f}" '
                      f'{_stroke(item.opts["pen"])}/>')
        el.append(_text(lr.left() + 4, y + _px(9) * 0.35, _plain(label.text), _px(9), color="#14263d"))
    body = "\n".join(el)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}">\n<title>{escape(title)}</title>\n{body}\n</svg>\n')


def _plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
