"""The curve chart's parts that need no chart: users and money tick text, the log axes, the
legend sample, the hover read-out's text, where a breakpoint label goes, the plot's look."""

from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from ..domain.currency import currency_prefix
from ..engine.usage import Breakpoint, UsageModel
from . import format as fmt

GRID = "#8a94a3"
MAX_READOUT_COMPONENTS = 12
LEGEND_CHARS = 34  # longer series names are shortened in the legend (the read-out has them in full)


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


def readout_html(usage: UsageModel, users: float, currency: str, shown: Callable[[str], bool]) -> str:
    """HTML read-out of the cost model at ``users``: total (per month), cost per user, the
    low-high range, and each component for which ``shown(name)`` (all when none is), with the
    plan a service uses there; at most :data:`MAX_READOUT_COMPONENTS` components."""
    c = usage.evaluate([users])
    cur = currency

    def money(v: float) -> str:  # cents above a dollar, four decimals under it
        return fmt.money(v, cur, 2 if abs(v) >= 1 else None)

    total = float(c.total[0])
    parts = [f"<b>{compact_users(users)} users</b> ({users:,.0f})",
             f"total <b>{money(total)}/month</b>",
             f"<b>{money(total / users)}</b> per user"]
    if float(c.high[0] - c.low[0]) > 1e-9:
        parts.append(f"range {money(float(c.low[0]))} – {money(float(c.high[0]))}")
    comps = []
    names = [n for n in c.components if shown(n)] or list(c.components)
    rest = len(c.components) - min(len(names), MAX_READOUT_COMPONENTS)
    for name in names[:MAX_READOUT_COMPONENTS]:
        v = c.components[name]
        plan = f" ({c.plans[name][0]})" if name in c.plans else ""
        over = " <span style='color:#b03a2e'>over its limits</span>" if name in c.over_capacity and \
            c.over_capacity[name][0] else ""
        comps.append(f"{escape_html(name)}{escape_html(plan)} {money(float(v[0]))}{over}")
    if rest > 0:
        comps.append(f"{rest} more (Series menu)")
    text = " · ".join(parts)
    return text + ("<br>" + " · ".join(comps) if comps else "")


def label_start(occupied: list[tuple[float, float]], span: float) -> float:
    """Where along a breakpoint line (0 bottom, 1 top) a label ``span`` long (a fraction of the
    plot's height) starts so that it covers the least of the ``occupied`` height intervals (the
    curves and the band there); ties go to the top, then the bottom."""
    top = max(0.03, 0.97 - span)
    starts = [top, 0.03, *np.arange(0.08, top, 0.05)]

    def cover(start: float) -> float:
        a, b = start, start + span
        return sum(max(0.0, min(b, hi + 0.015) - max(a, lo - 0.015)) for lo, hi in occupied)

    return float(min(starts, key=cover))


def style_plot(plot: pg.PlotItem) -> None:
    """The curve chart's deck look: grey axes, 9 pt ticks, a light grid, a fixed view (no menu,
    no mouse zoom), a 72 px money axis."""
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


def elide(name: str, limit: int = LEGEND_CHARS) -> str:
    """A legend entry of at most ``limit`` characters (``Multi-cloud, multi-region (5+ re…``)."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
