"""Plain SVG 1.1 of any pyqtgraph chart (a ``PlotWidget`` or a ``GraphicsLayoutWidget``),
written element by element from the scene's own items, so every renderer draws it alike.

Qt's ``QSvgGenerator`` (and pyqtgraph's SVG exporter) write the scene as groups under extreme
transforms with ``vector-effect="non-scaling-stroke"``; slide tools and librsvg then draw dashed
lines as solid blocks and curves as filled shapes. This writer walks the scene in paint order and
emits plain elements in the chart's logical pixels (scene coordinates = widget pixels):

- axes: the axis line, ticks, grid lines and tick labels exactly as the axis draws them
  (``AxisItem.generateDrawSpecs``: the same ticks, the same hidden overlapping labels);
- curves (``PlotCurveItem``): one ``<polyline>`` per unbroken run of finite points;
- points (``ScatterPlotItem``): circles, squares, diamonds, triangles;
- bars (``BarGraphItem``): one ``<rect>`` per bar; areas (``FillBetweenItem`` and other path
  items): ``<polygon>``; ``InfiniteLine``: a line across its view;
- every text item (titles, axis titles, legend names, line labels, point labels) as ``<text>``
  a slide tool can edit, with its size, weight, colour and rotation.

Data items are clipped to their plot area. Each series is a ``<g class="line|points|bars|area">``
(with ``<title>`` naming it when it has a name), so a reader can find the plotted values.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QTextFormat
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsTextItem

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
PX_PER_PT = 96.0 / 72.0  # font points -> CSS pixels
_DASH = {Qt.PenStyle.DashLine: "6,4", Qt.PenStyle.DotLine: "1.5,3", Qt.PenStyle.DashDotLine: "6,3,1.5,3",
         Qt.PenStyle.DashDotDotLine: "6,3,1.5,3,1.5,3"}


def _color(c: QColor) -> str:
    return c.name()


def _stroke(pen, scale: float = 1.0) -> str:  # noqa: ANN001 - QPen
    """SVG stroke attributes of a QPen (``fill="none"``); ``stroke="none"`` for ``NoPen``."""
    if pen is None or pen.style() == Qt.PenStyle.NoPen:
        return 'stroke="none" fill="none"'
    c = pen.color()
    w = (pen.widthF() or 1.0) * scale
    out = f'stroke="{_color(c)}" stroke-width="{w:g}" fill="none" stroke-linejoin="round"'
    if c.alphaF() < 1:
        out += f' stroke-opacity="{c.alphaF():.3f}"'
    dash = _DASH.get(pen.style())
    if dash:
        out += f' stroke-dasharray="{dash}"'
    return out


def _fill(brush) -> str:  # noqa: ANN001 - QBrush
    if brush is None or brush.style() == Qt.BrushStyle.NoBrush:
        return 'fill="none"'
    c = brush.color()
    return f'fill="{_color(c)}"' + (f' fill-opacity="{c.alphaF():.3f}"' if c.alphaF() < 1 else "")


def _pts(x: np.ndarray, y: np.ndarray) -> str:
    return " ".join(f"{a:.3f},{b:.3f}" for a, b in zip(x, y))


def _map(tr, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 - QTransform
    """Apply a QTransform (affine) to arrays of points."""
    return tr.m11() * x + tr.m21() * y + tr.dx(), tr.m12() * x + tr.m22() * y + tr.dy()


def text_element(x: float, y: float, text: str, size: float, color: str = "#33404f", anchor: str = "start",
                 bold: bool = False, rotate: float = 0.0) -> str:
    """One ``<text>`` with its baseline at (x, y) pixels, ``size`` in pixels, ``rotate`` degrees."""
    rot = f' transform="rotate({rotate:.2f} {x:.2f} {y:.2f})"' if abs(rotate) > 0.01 else ""
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-family="{FONT}" font-size="{size:.1f}" fill="{color}" '
            f'text-anchor="{anchor}"{weight}{rot}>{escape(text)}</text>')


class _Writer:
    def __init__(self) -> None:
        self.defs: list[str] = []
        self.body: list[str] = []
        self._clips: dict[int, str] = {}

    def clip_of(self, item) -> str:  # noqa: ANN001
        """`` clip-path="url(#…)"`` for the plot area of the item's view box, or ``""``."""
        vb = item.getViewBox() if hasattr(item, "getViewBox") else None
        if vb is None or not hasattr(vb, "sceneBoundingRect"):
            return ""
        key = id(vb)
        if key not in self._clips:
            r = vb.sceneBoundingRect()
            name = f"plot{len(self._clips) + 1}"
            self._clips[key] = name
            self.defs.append(f'<clipPath id="{name}"><rect x="{r.left():.2f}" y="{r.top():.2f}" '
                             f'width="{r.width():.2f}" height="{r.height():.2f}"/></clipPath>')
        return f' clip-path="url(#{self._clips[key]})"'

    def group(self, kind: str, name: str, elements: list[str], clip: str = "") -> None:
        if not elements:
            return
        title = f"<title>{escape(name)}</title>" if name else ""
        self.body.append(f'<g class="{kind}"{clip}>{title}' + "".join(elements) + "</g>")

    # -- items -------------------------------------------------------------------------------
    def axis(self, axis: pg.AxisItem) -> None:
        img = QImage(4, 4, QImage.Format_ARGB32_Premultiplied)
        painter = QPainter(img)
        try:
            axis_spec, ticks, texts = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        tr = axis.sceneTransform()
        el = []
        for pen, p1, p2 in [axis_spec, *ticks]:
            a, b = tr.map(QPointF(p1[0], p1[1])), tr.map(QPointF(p2[0], p2[1]))
            el.append(f'<line x1="{a.x():.3f}" y1="{a.y():.3f}" x2="{b.x():.3f}" y2="{b.y():.3f}" {_stroke(pen)}/>')
        font = axis.style.get("tickFont") or QFont()
        size = _font_px(font)
        fm = QFontMetricsF(_pixel_font(font, size))
        color = _color(axis.textPen().color())
        for rect, flags, text in texts:
            r = tr.mapRect(rect)
            flags = int(flags)
            if flags & int(Qt.AlignRight):
                x, anchor = r.right(), "end"
            elif flags & int(Qt.AlignHCenter):
                x, anchor = r.center().x(), "middle"
            else:
                x, anchor = r.left(), "start"
            if flags & int(Qt.AlignTop):
                y = r.top() + fm.ascent()
            elif flags & int(Qt.AlignBottom):
                y = r.bottom() - fm.descent()
            else:
                y = r.center().y() + (fm.ascent() - fm.descent()) / 2
            el.append(text_element(x, y, text, size, color, anchor))
        self.group("axis", "", el)

    def curve(self, item: pg.PlotCurveItem) -> None:
        x, y = item.getData()
        if x is None or y is None or not len(x):
            return
        x, y = _map(item.sceneTransform(), np.asarray(x, float), np.asarray(y, float))
        ok = np.isfinite(x) & np.isfinite(y)
        idx = np.flatnonzero(ok)
        el = []
        brush, level = item.opts.get("brush"), item.opts.get("fillLevel")
        if brush is not None and level is not None and idx.size:
            bx, by = _map(item.sceneTransform(), np.array([item.xData[idx[-1]], item.xData[idx[0]]], float),
                          np.array([level, level], float))
            el.append(f'<polygon points="{_pts(np.r_[x[idx], bx], np.r_[y[idx], by])}" '
                      f'{_fill(pg.mkBrush(brush))} stroke="none"/>')
        if idx.size:
            style = _stroke(pg.mkPen(item.opts["pen"]))
            for run in np.split(idx, np.flatnonzero(np.diff(idx) != 1) + 1):
                el.append(f'<polyline points="{_pts(x[run], y[run])}" {style}/>')
        self.group("line", _name(item), el, self.clip_of(item))

    def scatter(self, item: pg.ScatterPlotItem) -> None:
        data = item.data
        if not len(data):
            return
        x, y = _map(item.sceneTransform(), np.asarray(data["x"], float), np.asarray(data["y"], float))
        opts = item.opts
        fill = _fill(pg.mkBrush(opts["brush"]))
        stroke = _stroke(pg.mkPen(opts["pen"]))
        el = [_symbol(opts.get("symbol") or "o", float(opts.get("size") or 7), px, py, fill, stroke)
              for px, py in zip(x, y) if math.isfinite(px) and math.isfinite(py)]
        self.group("points", _name(item), el, self.clip_of(item))

    def bars(self, item: pg.BarGraphItem) -> None:
        x0, y0, x1, y1 = (np.broadcast_to(np.asarray(v, float), np.broadcast(*item._getNormalizedCoords()).shape)
                          for v in item._getNormalizedCoords())
        if not x0.size:
            return
        tr = item.sceneTransform()
        ax, ay = _map(tr, x0, y0)
        bx, by = _map(tr, x1, y1)
        fill = _fill(pg.mkBrush(item.opts.get("brush") or (128, 128, 128)))
        pen = item.opts.get("pen")
        stroke = _stroke(pg.mkPen(pen)).replace(' fill="none"', "") if pen is not None else 'stroke="none"'
        el = [f'<rect x="{min(a, b):.3f}" y="{min(c, d):.3f}" width="{abs(b - a):.3f}" height="{abs(d - c):.3f}" '
              f'{fill} {stroke}/>' for a, b, c, d in zip(ax, bx, ay, by) if math.isfinite(a + b + c + d)]
        self.group("bars", _name(item), el, self.clip_of(item))

    def path(self, item: QGraphicsPathItem) -> None:
        polys = item.path().toFillPolygons(item.sceneTransform())
        fill = _fill(item.brush())
        el = [f'<polygon points="{" ".join(f"{p.x():.3f},{p.y():.3f}" for p in poly)}" {fill} stroke="none"/>'
              for poly in polys if poly.size() > 2]
        self.group("area", "", el, self.clip_of(item))

    def infinite_line(self, line: pg.InfiniteLine) -> None:
        vb = line.getViewBox()
        if vb is None:
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        v = line.value()
        if line.angle % 180 == 90:
            a, b = vb.mapViewToScene(QPointF(v, y0)), vb.mapViewToScene(QPointF(v, y1))
        elif line.angle % 180 == 0:
            a, b = vb.mapViewToScene(QPointF(x0, v)), vb.mapViewToScene(QPointF(x1, v))
        else:
            return
        self.group("rule", "", [f'<line x1="{a.x():.2f}" y1="{a.y():.2f}" x2="{b.x():.2f}" y2="{b.y():.2f}" '
                                f'{_stroke(line.currentPen)}/>'], self.clip_of(line))

    def text_ground(self, item: pg.TextItem) -> None:
        """The filled box behind a ``TextItem`` (a line label on a white ground)."""
        if item.fill.style() == Qt.BrushStyle.NoBrush:
            return
        poly = item.textItem.mapToScene(item.textItem.boundingRect())
        self.body.append(f'<polygon points="{" ".join(f"{p.x():.2f},{p.y():.2f}" for p in poly)}" '
                         f'{_fill(item.fill)} stroke="none"/>')

    def text(self, t: QGraphicsTextItem) -> None:
        """Each run of one format in a text item's document, at its laid-out position."""
        tr = t.sceneTransform()
        angle = math.degrees(math.atan2(tr.m12(), tr.m11()))
        scale = math.hypot(tr.m11(), tr.m12()) or 1.0
        base_font, base_color = t.font(), t.defaultTextColor()
        block = t.document().begin()
        while block.isValid():
            layout, text = block.layout(), block.text()
            if layout is not None and layout.lineCount():
                origin = layout.position()
                for fr in block.textFormats():
                    font = fr.format.font().resolve(base_font)
                    color = fr.format.foreground().color() if fr.format.hasProperty(QTextFormat.ForegroundBrush) \
                        else base_color
                    size = _font_px(font)
                    start = fr.start
                    for piece in text[fr.start:fr.start + fr.length].split("\u2028"):
                        lead = len(piece) - len(piece.lstrip())
                        if piece.strip():
                            rel = start + lead
                            line = layout.lineForTextPosition(rel)
                            cx = line.cursorToX(rel)
                            cx = cx[0] if isinstance(cx, tuple) else cx
                            p = tr.map(QPointF(origin.x() + cx, origin.y() + line.y() + line.ascent()))
                            self.body.append(text_element(p.x(), p.y(), piece.strip(), size * scale, _color(color),
                                                          bold=font.bold(), rotate=angle))
                        start += len(piece) + 1
            block = block.next()

    def sample(self, s: pg.ItemSample) -> None:
        """A legend sample: a box for bars and filled areas, the symbol for points, else the line."""
        r = s.sceneBoundingRect()
        item, cy = s.item, r.center().y()
        opts = getattr(item, "opts", {})
        el = []
        if isinstance(item, pg.BarGraphItem) or opts.get("fillBrush") is not None:
            brush = opts.get("brush") if isinstance(item, pg.BarGraphItem) else opts.get("fillBrush")
            pen = opts.get("pen")
            stroke = _stroke(pg.mkPen(pen)).replace(' fill="none"', "") if pen is not None else 'stroke="none"'
            el.append(f'<rect x="{r.left() + 2:.2f}" y="{cy - 7:.2f}" width="18" height="14" '
                      f'{_fill(pg.mkBrush(brush))} {stroke}/>')
        elif isinstance(item, pg.ScatterPlotItem):
            el.append(_symbol(opts.get("symbol") or "o", float(opts.get("size") or 7), r.left() + 11, cy,
                              _fill(pg.mkBrush(opts["brush"])), _stroke(pg.mkPen(opts["pen"]))))
        else:
            el.append(f'<line x1="{r.left() + 1:.2f}" y1="{cy:.2f}" x2="{r.left() + 21:.2f}" y2="{cy:.2f}" '
                      f'{_stroke(pg.mkPen(opts.get("pen")))}/>')
        self.group("legend-sample", "", el)


def _name(item) -> str:  # noqa: ANN001
    parent = item.parentItem()
    for it in (item, parent):
        name = it.name() if hasattr(it, "name") and callable(it.name) else None
        if name:
            return str(name)
    return ""


def _font_px(font: QFont) -> float:
    return float(font.pixelSize()) if font.pixelSize() > 0 else font.pointSizeF() * PX_PER_PT


def _pixel_font(font: QFont, px: float) -> QFont:
    f = QFont(font)
    f.setPixelSize(max(1, round(px)))
    return f


def _symbol(symbol: str, size: float, x: float, y: float, fill: str, stroke: str) -> str:
    stroke = stroke.replace(' fill="none"', "")
    h = size / 2
    if symbol == "s":
        return f'<rect x="{x - h:.2f}" y="{y - h:.2f}" width="{size:.2f}" height="{size:.2f}" {fill} {stroke}/>'
    shapes = {"d": [(0, -h), (h * 0.75, 0), (0, h), (-h * 0.75, 0)],
              "t": [(-h, -h * 0.6), (h, -h * 0.6), (0, h)], "t1": [(-h, h * 0.6), (h, h * 0.6), (0, -h)]}
    if symbol in shapes:
        pts = " ".join(f"{x + a:.2f},{y + b:.2f}" for a, b in shapes[symbol])
        return f'<polygon points="{pts}" {fill} {stroke}/>'
    return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{h:.2f}" {fill} {stroke}/>'


def scene_svg(view: pg.GraphicsView, title: str = "") -> str:
    """The chart shown by ``view`` (a pyqtgraph ``GraphicsView``: ``PlotWidget``,
    ``GraphicsLayoutWidget``) as an SVG document (UTF-8 text) of the view's size in logical
    pixels, on white. ``title`` becomes the document's ``<title>`` (else the first plot's title)."""
    vp = view.viewport().rect()
    w, h = vp.width(), vp.height()
    view.scene().prepareForPaint()  # view boxes update their data -> pixel transforms lazily, before a paint
    out = _Writer()
    out.body.append(f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>')
    for item in view.scene().items(Qt.AscendingOrder):
        if not item.isVisible() or item.opacity() <= 0 or _hidden_above(item):
            continue
        if isinstance(item, pg.AxisItem):
            out.axis(item)
        elif isinstance(item, pg.PlotCurveItem):
            out.curve(item)
        elif isinstance(item, pg.ScatterPlotItem):
            out.scatter(item)
        elif isinstance(item, pg.BarGraphItem):
            out.bars(item)
        elif isinstance(item, pg.InfiniteLine):
            out.infinite_line(item)
        elif isinstance(item, pg.ItemSample):
            out.sample(item)
        elif isinstance(item, pg.TextItem):
            out.text_ground(item)
        elif isinstance(item, QGraphicsTextItem):
            out.text(item)
        elif isinstance(item, QGraphicsPathItem):
            out.path(item)
        if not title and isinstance(item, pg.PlotItem) and item.titleLabel.text:
            title = _plain_first_line(item.titleLabel.text)
    defs = f"<defs>{''.join(out.defs)}</defs>\n" if out.defs else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}">\n<title>{escape(title)}</title>\n{defs}' + "\n".join(out.body) + "\n</svg>\n")


def _hidden_above(item) -> bool:  # noqa: ANN001
    """True when an ancestor is hidden (an item inside a hidden plot or legend)."""
    p = item.parentItem()
    while p is not None:
        if not p.isVisible():
            return True
        p = p.parentItem()
    return False


def _plain_first_line(html: str) -> str:
    import re

    first = re.split(r"<br\s*/?>", html, maxsplit=1)[0]
    text = re.sub(r"<[^>]+>", "", first)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()

