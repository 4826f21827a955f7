"""A tornado chart for decks: one horizontal bar per input, from the plan's total cost with the
input at its low value to the total with it at its high value, biggest spread on top, a line at
the base total. Painted with QPainter from one layout (:func:`layout`) that the SVG writer
(:func:`tornado_svg`) also uses, so the PNG (2x) and the SVG show the same chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..engine.sensitivity import Tornado
from . import format as fmt
from .charts import tick_money

LOW_COLOR = "#6fa8dc"  # the input at its low value
HIGH_COLOR = "#1f4e79"  # the input at its high value
TEXT = "#33404f"
TITLE = "#14263d"
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Item:
    """One thing to draw: ``kind`` ``"rect"`` (x, y, w, h, color), ``"line"`` (x, y to x2, y2),
    or ``"text"`` (x, y baseline, text, size px, color, anchor start/middle/end, bold)."""

    kind: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    color: str = TEXT
    text: str = ""
    size: float = 12.0
    anchor: str = "start"
    bold: bool = False
    dash: bool = False


def _width(text: str, size: float, bold: bool = False) -> float:
    font = QFont(FONT)
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return QFontMetricsF(font).horizontalAdvance(text)


def _nice_step(span: float) -> float:
    raw = span / 5 if span > 0 else 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def layout(t: Tornado | None, width: float, height: float, top: int = 12) -> list[Item]:
    """Everything the chart draws at ``width`` x ``height`` logical pixels (at most ``top`` bars)."""
    items: list[Item] = [Item("rect", 0, 0, width, height, "#ffffff")]
    if t is None:
        items.append(Item("text", width / 2, height / 2, text="Computing the tornado…", anchor="middle"))
        return items
    cur = t.currency
    swings = t.swings[:top]
    by_break_even = t.by == "break-even"
    if by_break_even:
        # months when an input moves the break-even month, else paying subscribers
        use_month = any(s.be_month_low != s.be_month_high for s in swings)
        base = t.base_break_even_month if use_month else t.base_break_even_subscribers
        ends = [((s.be_month_low, s.be_month_high) if use_month else (s.be_subs_low, s.be_subs_high)) for s in swings]
        title = "What moves break-even most"
        sub = (f"Break-even at {'month ' if use_month else ''}{base if base is not None else 'never'}"
               f"{'' if use_month else ' paying subscribers'} with every input as planned; each bar: "
               f"with one input at its low and at its high (its own range, else ±20%)")
        axis = "Break-even month" if use_month else "Paying subscribers to break even"
        def label_of(v: float) -> str:  # noqa: E306
            return f"{v:,.0f}"
    else:
        base = t.base_cost
        ends = [(s.cost_low, s.cost_high) for s in swings]
        title = "What moves total cost most"
        sub = (f"Total cost {fmt.money(base, cur, 0)} with every input as planned; each bar: the total with one "
               f"input at its low and at its high (its own range, else ±20%)")
        axis = f"Total cost of the plan ({cur})"
        def label_of(v: float) -> str:  # noqa: E306
            return fmt.compact_money(v, cur)
    items.append(Item("text", 14, 24, text=f"{title} ({t.scenario} scenario)", size=15, color=TITLE, bold=True))
    items.append(Item("text", 14, 44, text=sub, size=11))
    if not swings or base is None:
        why = "The plan does not break even as planned" if base is None else "No input changes it"
        items.append(Item("text", width / 2, height / 2, text=why, anchor="middle"))
        return items
    known = [v for pair in ends for v in pair if v is not None]
    label_w = min(max(_width(s.label, 11) for s in swings) + 12, width * 0.45)
    left, right = 14 + label_w, width - 24
    top_y, bottom_y = 64, height - 46
    lo, hi = min(known + [base]), max(known + [base])
    pad = (hi - lo) * 0.08 or max(abs(base) * 0.05, 1.0)
    if by_break_even:
        pad = max(pad, 0.6)  # whole months / subscribers: room for the end labels
    lo, hi = lo - pad, hi + pad

    def x_of(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    # axis ticks
    step = max(_nice_step(hi - lo), 1.0) if by_break_even else _nice_step(hi - lo)
    tick = (lo // step + 1) * step
    while tick < hi:
        x = x_of(tick)
        items.append(Item("line", x, top_y, x, bottom_y, "#e3e8ef"))
        text = f"{tick:,.0f}" if by_break_even else tick_money(tick, step, cur)
        items.append(Item("text", x, bottom_y + 16, text=text, size=10.5, anchor="middle"))
        tick += step
    items.append(Item("text", (left + right) / 2, height - 10, text=axis, size=11, anchor="middle"))
    row_h = (bottom_y - top_y) / len(swings)
    bar_h = min(row_h * 0.62, 26)
    for i, s in enumerate(swings):
        cy = top_y + row_h * (i + 0.5)
        label = s.label
        while _width(label, 11) > label_w - 10 and len(label) > 8:
            label = label[:-2].rstrip() + "…" if not label.endswith("…") else label[:-2] + "…"
        items.append(Item("text", left - 8, cy + 4, text=label, size=11, anchor="end"))
        low_end, high_end = ends[i]
        for value, color in ((low_end, LOW_COLOR), (high_end, HIGH_COLOR)):
            if value is None:
                continue
            a, b = sorted((x_of(base), x_of(value)))
            if b - a > 0.2:
                items.append(Item("rect", a, cy - bar_h / 2, b - a, bar_h, color))
        for value, color in ((low_end, LOW_COLOR), (high_end, HIGH_COLOR)):
            if value is None:  # this end never breaks even
                items.append(Item("text", right, cy + 4, text="never", size=10, anchor="end", color=color))
                continue
            delta = value - base
            if abs(delta) < (0.5 if not by_break_even else 1e-9):
                continue
            x = x_of(value)
            text = ("+" if delta > 0 else "−") + label_of(abs(delta))
            items.append(Item("text", x + (4 if delta > 0 else -4), cy + 4, text=text, size=10,
                               anchor="start" if delta > 0 else "end"))
    items.append(Item("line", x_of(base), top_y - 4, x_of(base), bottom_y, TITLE, dash=True))
    # legend
    lx = width - 250
    for j, (color, text) in enumerate(((LOW_COLOR, "input at its low"), (HIGH_COLOR, "input at its high"))):
        items.append(Item("rect", lx + j * 120, 15, 12, 12, color))
        items.append(Item("text", lx + j * 120 + 16, 25, text=text, size=11))
    return items


def paint(painter: QPainter, items: list[Item]) -> None:
    """Draw ``items`` with ``painter`` (antialiased)."""
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
    for it in items:
        if it.kind == "rect":
            painter.fillRect(QRectF(it.x, it.y, it.w, it.h), QColor(it.color))
        elif it.kind == "line":
            pen = QPen(QColor(it.color))
            pen.setWidthF(1.2)
            if it.dash:
                pen.setStyle(Qt.DashLine)
            painter.setPen(pen)
            painter.drawLine(int(it.x), int(it.y), int(it.w), int(it.h))
        else:
            font = QFont(FONT)
            font.setPixelSize(max(1, round(it.size)))
            font.setBold(it.bold)
            painter.setFont(font)
            painter.setPen(QColor(it.color))
            w = QFontMetricsF(font).horizontalAdvance(it.text)
            x = it.x - (w if it.anchor == "end" else w / 2 if it.anchor == "middle" else 0)
            painter.drawText(QRectF(x, it.y - it.size, w + 2, it.size * 1.4), Qt.AlignLeft | Qt.AlignTop, it.text)


def tornado_svg(items: list[Item], width: float, height: float) -> str:
    """Plain SVG 1.1 of the same ``items`` (rects, lines, editable text)."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
           f'viewBox="0 0 {width:g} {height:g}" font-family="{FONT}, Helvetica, Arial, sans-serif">']
    for it in items:
        if it.kind == "rect":
            out.append(f'<rect x="{it.x:.2f}" y="{it.y:.2f}" width="{it.w:.2f}" height="{it.h:.2f}" fill="{it.color}"/>')
        elif it.kind == "line":
            dash = ' stroke-dasharray="5,4"' if it.dash else ""
            out.append(f'<line x1="{it.x:.2f}" y1="{it.y:.2f}" x2="{it.w:.2f}" y2="{it.h:.2f}" '
                       f'stroke="{it.color}" stroke-width="1.2"{dash}/>')
        else:
            weight = ' font-weight="bold"' if it.bold else ""
            out.append(f'<text x="{it.x:.2f}" y="{it.y:.2f}" font-size="{it.size:g}" fill="{it.color}" '
                       f'text-anchor="{it.anchor}"{weight}>{escape(it.text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


class TornadoChart(QWidget):
    """The tornado as a widget; :meth:`set_tornado` redraws, :meth:`save` writes PNG (2x) / SVG."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.tornado: Tornado | None = None
        self.top = 12
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def set_tornado(self, t: Tornado | None) -> None:
        self.tornado = t
        self.update()

    def items(self, width: float | None = None, height: float | None = None) -> list[Item]:
        return layout(self.tornado, width or self.width(), height or self.height(), self.top)

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001
        painter = QPainter(self)
        try:
            paint(painter, self.items())
        finally:
            painter.end()

    def image(self, scale: float = 2.0, size: tuple[int, int] = (1200, 640)) -> QImage:
        w, h = size
        img = QImage(round(w * scale), round(h * scale), QImage.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(scale)
        img.fill(QColor("white"))
        painter = QPainter(img)
        try:
            paint(painter, self.items(w, h))
        finally:
            painter.end()
        return img

    def svg_bytes(self, size: tuple[int, int] = (1200, 640)) -> bytes:
        """The tornado as SVG 1.1 (UTF-8) of ``size`` logical pixels: the same layout as the PNG."""
        return tornado_svg(self.items(*size), *size).encode("utf-8")

    def save(self, path: str | Path, scale: float = 2.0, size: tuple[int, int] = (1200, 640)) -> Path:
        """Write ``path`` as PNG (``scale`` x ``size``) or SVG by its extension; raises
        ``OSError`` when it cannot be written, ``ValueError`` for another extension."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_bytes(self.svg_bytes(size))
        elif suffix == ".png":
            if not self.image(scale, size).save(str(path), "PNG"):
                raise OSError(f"{path}: cannot write the PNG")
        else:
            raise ValueError(f"{path}: the chart is written as .png or .svg")
        return path


def render_tornado(t: Tornado, out: str | Path) -> None:
    """Write the tornado ``t`` to ``out`` (PNG at 2x or SVG, by extension), creating an
    offscreen QApplication when none runs (the ``tornado`` command). Raises ``OSError``."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 - fonts need an application
    chart = TornadoChart()
    chart.set_tornado(t)
    chart.save(out)
