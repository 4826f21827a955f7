"""The Dashboard: the start page with a plan's headline figures and three small charts, each
a link to the view that explains it. Every figure is read from the controller's timeline and
result, the same numbers the Summary, Timeline and Economics views show (no sums of its own).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import format as fmt
from .controller import PlanController

CARD_STYLE = ("QFrame#dashCard { background: #f6f8fb; border: 1px solid #dfe5ee; border-radius: 8px; }"
              "QFrame#dashCard:hover { border-color: #7aa2d6; }"
              "QLabel#dashTitle { color: #5b6572; font-size: 11px; }"
              "QLabel#dashValue { color: #14263d; font-size: 22px; font-weight: 600; }"
              "QLabel#dashNote { color: #5b6572; font-size: 11px; }")


@dataclass(frozen=True)
class Headline:
    """One figure of the Dashboard: ``key``, ``title``, ``value`` (as shown), ``note`` and the
    ``view`` (its title in the sidebar) a click opens."""

    key: str
    title: str
    value: str
    note: str
    view: str


def _month(tl, m: int | None) -> str:  # noqa: ANN001 - Timeline
    return tl.labels[m - 1] if m and 1 <= m <= len(tl.labels) else ""


def headlines(controller: PlanController) -> list[Headline]:
    """The Dashboard's figures for the controller's plan in the window's scenario: build cost
    (the Summary's), peak monthly burn, runway and break-even (the timeline's), monthly cost
    and cost per user at the last milestone (the Summary's cards), audit findings."""
    from ..engine.periods import periods

    c = controller
    plan, r, tl = c.plan, c.result, c.timeline
    cur = plan.settings.currency
    band = c.band
    out = [Headline("build", f"Build cost ({band.replace('_', '-')})", fmt.money(r.totals[band], cur, 0),
                    f"low {fmt.compact_money(r.totals['low'], cur)} – high {fmt.compact_money(r.totals['high'], cur)}",
                    "Summary")]
    if tl.horizon:
        peak = int(np.argmax(tl.burn)) if len(tl.burn) else 0
        out.append(Headline("burn", "Peak monthly burn", fmt.money(float(tl.burn[peak]), cur, 0),
                            f"in {tl.labels[peak]}", "Timeline"))
        if tl.runway_months is None:
            runway, note = ("—", "no starting capital in the plan") if tl.starting_capital <= 0 else (
                "Beyond the plan", f"cash lasts past {tl.labels[-1]}")
        else:
            runway, note = f"{tl.runway_months:,.1f} months", f"from {fmt.compact_money(tl.starting_capital, cur)} capital"
        out.append(Headline("runway", "Runway", runway, note, "Economics"))
        be, cash_be = tl.operating_break_even_month, tl.cash_flow_break_even_month
        out.append(Headline("break_even", "Operating break-even", _month(tl, be) or "Not in the plan",
                            "cash-flow break-even (team and build too): "
                            + (_month(tl, cash_be) if cash_be else "not in the plan"), "Timeline"))
    rows = [p for p in periods(c.view_plan or plan, tl, r) if p.month]
    if rows:
        last = max(rows, key=lambda p: (p.month, p.start_month))
        name = last.code or last.name
        out.append(Headline("ops", "Monthly cost, last milestone", fmt.money(last.operating, cur, 0),
                            f"{name}: revenue {fmt.money(last.revenue, cur, 0)}", "Curves"))
        cpu = last.cost_per_user
        out.append(Headline("cpu", "Cost per user", fmt.money(cpu, cur, 4) if cpu == cpu else "—",
                            f"at {fmt.number(last.users)} users ({name})" if last.users > 0 else f"{name} has no users",
                            "Curves"))
    n = len(c.findings)
    out.append(Headline("audit", "Audit findings", f"{n}", "stated figures the plan does not reproduce" if n
                        else "every stated figure reproduces", "Audit"))
    return out


class Sparkline(QWidget):
    """A small line chart of one monthly series (zero line dashed), painted directly."""

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.values = np.zeros(0)
        self.color = QColor("#2f6fb5")
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def set_values(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=float)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802, ANN001
        v = self.values[np.isfinite(self.values)] if len(self.values) else self.values
        if len(v) < 2:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        box = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        lo, hi = min(float(v.min()), 0.0), max(float(v.max()), 0.0)
        span = (hi - lo) or 1.0

        def y(x: float) -> float:
            return box.bottom() - (x - lo) / span * box.height()

        p.setPen(QPen(QColor("#b8c2d0"), 1, Qt.DashLine))
        p.drawLine(QPointF(box.left(), y(0.0)), QPointF(box.right(), y(0.0)))
        path = QPainterPath()
        for i, x in enumerate(v):
            pt = QPointF(box.left() + i / (len(v) - 1) * box.width(), y(float(x)))
            path.moveTo(pt) if i == 0 else path.lineTo(pt)
        p.setPen(QPen(self.color, 2))
        p.drawPath(path)
        p.end()


class _Card(QFrame):
    clicked = Signal()

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("dashCard")
        self.setCursor(Qt.PointingHandCursor)
        v = QVBoxLayout(self)
        v.setContentsMargins(12, 8, 12, 8)
        v.setSpacing(2)
        self.title = QLabel(objectName="dashTitle")
        self.value = QLabel(objectName="dashValue")
        self.note = QLabel(objectName="dashNote")
        self.note.setWordWrap(True)
        for w in (self.title, self.value, self.note):
            v.addWidget(w)
        self.chart: Sparkline | None = None

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802, ANN001
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


CHARTS = (  # key, title, timeline series, view it opens
    ("cash", "Cash by month", "cash", "Timeline"),
    ("operating", "Monthly operating cost", "operating_cost", "Curves"),
    ("users", "Active users", "users", "Timeline"),
)


class Dashboard(QWidget):
    """Headline cards (click: the view behind the figure) and small charts of cash, operating
    cost and users by month. ``open_view(str)`` names the view to show."""

    open_view = Signal(str)

    def __init__(self, controller: PlanController, state=None, parent=None):  # noqa: ANN001 - ScenarioState
        super().__init__(parent)
        self.controller = controller
        self.setStyleSheet(CARD_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600; color: #14263d;")
        outer.addWidget(self.heading)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        outer.addLayout(self.grid)
        self.cards: dict[str, _Card] = {}
        charts = QGridLayout()
        charts.setSpacing(10)
        for i, (key, title, _series, view) in enumerate(CHARTS):
            card = _Card(self)
            card.title.setText(title)
            card.value.hide()
            card.chart = Sparkline(card)
            card.layout().insertWidget(1, card.chart, 1)
            card.clicked.connect(lambda view=view: self.open_view.emit(view))
            card.setToolTip(f"Open {view}")
            charts.addWidget(card, 0, i)
            self.cards[key] = card
        outer.addLayout(charts, 1)
        controller.changed.connect(self.refresh)
        controller.document_replaced.connect(self.refresh)
        if state is not None:
            state.changed.connect(self.refresh)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self.refresh()

    def refresh(self, _changes=None) -> None:  # noqa: ANN001
        """Re-read every figure from the controller's result and timeline; while hidden, only
        note that it is due (typing in a grid never rebuilds the timeline for it)."""
        if not self.isVisible() and hasattr(self, "_stale"):
            self._stale = True
            return
        self._stale = False
        c = self.controller
        self.heading.setText(f"{c.plan.settings.name or 'Untitled plan'}: the plan at a glance")
        figures = headlines(c)
        for i, h in enumerate(figures):
            card = self.cards.get(h.key)
            if card is None:
                card = _Card(self)
                card.clicked.connect(lambda key=h.key: self._open(key))
                self.cards[h.key] = card
                self.grid.addWidget(card, i // 4, i % 4)
            card.title.setText(h.title)
            card.value.setText(h.value)
            card.note.setText(h.note)
            card.setToolTip(f"Open {h.view}")
            card.view = h.view
            card.show()
        shown = {h.key for h in figures}
        for key, card in self.cards.items():
            if key not in shown and card.chart is None:
                card.hide()
        tl = c.timeline
        for key, _title, series, _view in CHARTS:
            values = getattr(tl, series) if tl.horizon else np.zeros(0)
            self.cards[key].chart.set_values(values)
            last = float(values[-1]) if len(values) else math.nan
            money = series != "users"
            self.cards[key].note.setText("" if math.isnan(last) else f"{tl.labels[-1]}: " + (
                fmt.compact_money(last, c.plan.settings.currency) if money else fmt.number(round(last))))

    def _open(self, key: str) -> None:
        self.open_view.emit(self.cards[key].view)
