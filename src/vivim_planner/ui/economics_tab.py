"""The Economics and Sensitivity tabs: margins per pricing tier, the growth steps' revenue and
margin, break-even, runway and the dividend pool, a runway chart of cash by month; and the
tornado of the inputs that move total cost (or break-even) most, with PNG / SVG export.

Both follow the window's scenario (:class:`~vivim_planner.ui.scenario_bar.ScenarioState`).
Economics recomputes after every edit (it costs milliseconds); the tornado recomputes every
input once per refresh (about a second for the VIVIM sample), so it runs only while its tab
is shown, a moment after the last edit.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFrame, QGridLayout, QScrollArea, QHBoxLayout, QHeaderView,
                               QLabel, QSplitter, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from ..engine.compare import ROWS, compare_data
from ..engine.economics import Economics, economics
from ..engine.sensitivity import Tornado, input_count, tornado
from . import format as fmt
from .chart_export import install_export
from .charts import MoneyAxis, month_plot
from .controller import PlanController
from .scenario_bar import ScenarioState
from .summary_tab import CARD_STYLE, _Card
from .tornado_chart import TornadoChart

GREEN, RED = "#1a7f37", "#b42318"
AUTO_INPUTS = 1500
"""Up to this many inputs the tornado recomputes by itself (a second or two); above, on request."""


def _pct(x: float) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x * 100:.1f}%"


def _item(text: str, tip: str = "", right: bool = True, color: str | None = None) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
    if right:
        it.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    if tip:
        it.setToolTip(tip)
    if color:
        it.setForeground(pg.mkColor(color))
    return it


def _table(headers: list[str], tips: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    for i, tip in enumerate(tips):
        t.horizontalHeaderItem(i).setToolTip(tip)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
    t.verticalHeader().setDefaultSectionSize(22)
    return t


class SignedMoneyAxis(MoneyAxis):
    """Money ticks that show negative cash too (−$1.2M)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201
        return [("−" if v < 0 else "") + fmt.compact_money(abs(v * scale), self.currency) for v in values]


def _fmt_figure(v: object, kind: str, currency: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if kind == "pct":
        return f"{v * 100:.1f}%"
    if kind == "months":
        return f"{v:,.1f}"
    if kind == "int":
        return f"{v:,.0f}"
    return fmt.compact_money(v, currency)


class RunwayChart(pg.PlotWidget):
    """Cash at the end of each month (the plan's currency): with revenue (solid) and without
    (dashed), a zero line, and the break-even month marked."""

    def __init__(self, parent=None):  # noqa: ANN001
        self.money_axis = SignedMoneyAxis(orientation="left")
        super().__init__(parent, background="w", axisItems={"left": self.money_axis})
        plot = self.getPlotItem()
        self.legend = month_plot(plot)
        plot.setLabel("left", "Cash at month end", color="#33404f")
        self.zero = pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#8a94a3", width=1))
        plot.addItem(self.zero)
        self.cash = plot.plot(pen=pg.mkPen("#1f4e79", width=2.5), symbol="o", symbolSize=5, symbolBrush="#1f4e79",
                              symbolPen="w", name="Cash")
        self.no_revenue = plot.plot(pen=pg.mkPen("#e69138", width=1.5, style=Qt.DashLine), name="Cash without revenue")
        self.be_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(GREEN, width=1, style=Qt.DotLine),
                                       label="break-even", labelOpts={"color": GREEN, "position": 0.5})
        plot.addItem(self.be_line)
        self.setMinimumHeight(200)

    def update_from(self, e: Economics) -> None:
        plot = self.getPlotItem()
        self.money_axis.currency = e.currency
        self.money_axis.picture = None
        plot.setTitle(f"Cash by month ({e.currency}), {e.band.replace('_', '-')} build estimates",
                      color="#14263d", size="11pt")
        x = np.concatenate([[0.0], e.months.astype(float)])
        cash = np.concatenate([[0.0], e.cash])
        dry = np.concatenate([[0.0], e.timeline.cash_without_revenue])
        self.cash.setData(x, cash)
        self.no_revenue.setData(x, dry)
        self.no_revenue.setVisible(bool(e.revenue.any()))
        if e.break_even_month is not None:
            self.be_line.setPos(e.break_even_month)
            self.be_line.show()
        else:
            self.be_line.hide()
        if len(x) > 1:
            lo, hi = float(min(cash.min(), dry.min(), 0)), float(max(cash.max(), dry.max(), 0))
            pad = (hi - lo) * 0.06 or 1.0
            plot.setYRange(lo - pad, hi + pad, padding=0)
            plot.setXRange(0, float(x.max()) + 0.5, padding=0)
            # the legend goes where the cash line is not: top right when cash falls, bottom right when it rises
            falling = cash[-1] < cash.max() / 2
            self.legend.anchor((1, 0) if falling else (1, 1), (1, 0) if falling else (1, 1),
                               offset=(-10, 10) if falling else (-10, -10))


class EconomicsTab(QWidget):
    """Unit economics of the window's scenario, recomputed after every edit and switch."""

    def __init__(self, controller: PlanController, state: ScenarioState, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller, self.state = controller, state
        self.economics: Economics | None = None
        self.setStyleSheet(CARD_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        self.title = QLabel()
        outer.addWidget(self.title)
        cards = QGridLayout()
        self.cards = {k: _Card(t, self) for k, t in (
            ("be_subs", "Break-even subscribers"), ("be_month", "Operating break-even"), ("runway", "Runway"),
            ("fixed", "Fixed monthly cost"), ("cost", "Total cost"), ("dividend", "Dividend pool"))}
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, i // 3, i % 3)  # two rows of three: fits beside a sidebar at 1280 px
        outer.addLayout(cards)
        split = QSplitter(Qt.Horizontal, self)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("<b>Margin per pricing tier</b> (per subscriber per month)"))
        self.tiers = _table(["Tier", "Price", "Fees", "Cost per user", "Contribution", "Gross margin", "Paying share"],
                            ["", "Monthly price, or the monthly / annual mix", "Payment fees per subscriber-month",
                             "Own figure, else the usage segment's LLM cost per user", "Price - fees - cost per user",
                             "(price - fees - cost per user) / price", "Share of active users on the tier"])
        lv.addWidget(self.tiers)
        lv.addWidget(QLabel("<b>Growth steps</b> (a month at each step's start; without a growth plan, each milestone's)"))
        self.steps = _table(["Step", "From month", "Active users", "Paying", "Revenue", "Monthly cost", "Profit", "Margin"],
                            ["", "", "", "Paying subscribers", "Subscriptions + revenue offsets", "Operating cost",
                             "Revenue - fees - monthly cost", "Profit / revenue"])
        lv.addWidget(self.steps)
        lv.addWidget(QLabel("<b>Scenarios side by side</b> (variance against mid in the tooltip; "
                            "the current scenario in bold)"))
        self.compare = _table(["Figure"], [""])
        self.compare.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        lv.addWidget(self.compare)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #5b6572;")
        lv.addWidget(self.notes)
        lv.addStretch(1)
        scroll = QScrollArea(self)  # the tables keep their full height; the column scrolls, never overlaps
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setMinimumWidth(360)
        split.addWidget(scroll)
        self.chart = RunwayChart(self)
        install_export(self.chart, "cash by month", controller=controller,
                       draw=lambda c: self.economics and c.update_from(self.economics))
        split.addWidget(self.chart)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 440])
        outer.addWidget(split, 1)
        self._stale = True
        controller.changed.connect(self.refresh)
        controller.document_replaced.connect(self.refresh)
        state.changed.connect(self.refresh)

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self, *_args) -> None:  # noqa: ANN002
        """Recompute now if the tab is shown, else when it is next shown (edits stay fast)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        c, s = self.controller, self.state
        e = economics(s.plan, s.band, c.result, c.usage, line=c.timeline)
        self.economics = e
        cur = e.currency
        self.title.setText(f"<b>Unit economics</b> — scenario <b>{s.name}</b> "
                           f"({s.band.replace('_', '-')} build estimates"
                           + (f", {len(s.overrides)} override{'s' * (len(s.overrides) != 1)})" if s.overrides else ")"))
        self.cards["be_subs"].set("—" if e.break_even_subscribers is None else f"{e.break_even_subscribers:,}",
                                  f"cover {fmt.money(e.fixed_monthly_cost, cur, 2)}/month at "
                                  f"{fmt.money(e.contribution_per_subscriber, cur, 2)} each"
                                  if e.break_even_subscribers is not None else "no paid tier covers its cost")
        cash_be = e.cash_flow_break_even_month
        self.cards["be_month"].set("—" if e.break_even_month is None else f"Month {e.break_even_month}",
                                   "operating: revenue covers operating cost; cash-flow (team and build too): "
                                   + ("never in the plan" if cash_be is None else f"month {cash_be}"))
        if e.starting_capital <= 0:
            self.cards["runway"].set("—", "add capital on the Capital tab")
        elif e.runway_months is None:
            self.cards["runway"].set("Never runs out", f"{fmt.money(e.starting_capital, cur, 0)} capital; without revenue "
                                     + (f"{e.runway_without_revenue:.1f} months" if e.runway_without_revenue else "lasts"))
        else:
            self.cards["runway"].set(f"{e.runway_months:.1f} months", f"{fmt.money(e.starting_capital, cur, 0)} capital")
        self.cards["fixed"].set(fmt.money(e.fixed_monthly_cost, cur, 2), "operating cost at zero users")
        self.cards["cost"].set(fmt.compact_money(e.total_cost, cur),
                               f"build {fmt.compact_money(e.total_build_cost, cur)} + {len(e.months)} months of operations")
        self.cards["dividend"].set(fmt.compact_money(float(e.dividend_pool.sum()), cur),
                                   f"{e.dividend_policy}: users {fmt.compact_money(float(e.dividend_users.sum()), cur)}"
                                   if e.dividend_policy else "no dividend policy")
        self.tiers.setRowCount(len(e.tiers))
        for i, t in enumerate(e.tiers):
            color = None if not math.isfinite(t.margin) else (GREEN if t.margin >= 0 else RED)
            cells = [_item(t.name, right=False), _item(fmt.money(t.price, cur, 2)), _item(fmt.money(t.fees, cur, 2)),
                     _item(fmt.money(t.cost_per_user, cur, 4), f"from {t.cost_source}"),
                     _item(fmt.money(t.contribution, cur, 2)), _item(_pct(t.margin), color=color),
                     _item(_pct(t.conversion))]
            for j, it in enumerate(cells):
                self.tiers.setItem(i, j, it)
        self.steps.setRowCount(len(e.steps))
        for i, st in enumerate(e.steps):
            color = None if not math.isfinite(st.margin) else (GREEN if st.margin >= 0 else RED)
            cells = [_item(st.name, right=False), _item(f"{st.month}"), _item(fmt.number(st.users, 0)),
                     _item(fmt.number(st.paying, 0)), _item(fmt.money(st.revenue, cur, 2)), _item(fmt.money(st.cost, cur, 2)),
                     _item(fmt.money(st.profit, cur, 2), color=color), _item(_pct(st.margin), color=color)]
            for j, it in enumerate(cells):
                self.steps.setItem(i, j, it)
        for table in (self.tiers, self.steps):
            for j in range(1, table.columnCount()):
                table.resizeColumnToContents(j)
            table.setFixedHeight(table.horizontalHeader().height() + 22 * max(table.rowCount(), 1) + 6)
        self.notes.setText(" ".join(e.notes) or "Gross margin = (price − fees − cost per user) / price. "
                           "Break-even subscribers = fixed monthly cost / contribution per paying subscriber, rounded up.")
        self.chart.update_from(e)
        self._fill_compare()

    def _fill_compare(self) -> None:
        from ..domain import PlanError

        try:
            data = compare_data(self.controller.plan)
        except PlanError as err:  # a scenario whose override no longer fits: say so, show the rest
            self.compare.setRowCount(0)
            self.notes.setText(str(err))
            return
        cur = data["currency"]
        scen = data["scenarios"]
        keys = list(ROWS) + sorted({(k, f"Margin {k.split(':', 1)[1]}", "pct") for x in scen for k in x["figures"]
                                    if k.startswith("margin:")})
        t = self.compare
        t.setColumnCount(1 + len(scen))
        t.setHorizontalHeaderLabels(["Figure"] + [x["scenario"] for x in scen])
        t.setRowCount(len(keys))
        for i, (k, label, kind) in enumerate(keys):
            t.setItem(i, 0, _item(label, right=False))
            for j, x in enumerate(scen, 1):
                v, dv, pct = x["figures"].get(k), x["variance"].get(k), x["variance_pct"].get(k)
                text = _fmt_figure(v, kind, cur)
                tip = "" if not dv else f"{'+' if dv > 0 else '−'}{_fmt_figure(abs(dv), kind, cur)} against {data['base']}" \
                    + (f" ({pct:+.0f}%)".replace("-", "−") if isinstance(pct, (int, float)) else "")
                it = _item(text, tip)
                if x["scenario"] == self.state.name:
                    f = it.font()
                    f.setBold(True)
                    it.setFont(f)
                t.setItem(i, j, it)
        for j in range(1, t.columnCount()):
            t.resizeColumnToContents(j)
        t.setFixedHeight(t.horizontalHeader().height() + 22 * max(t.rowCount(), 1) + 6)


class SensitivityTab(QWidget):
    """The tornado of the window's scenario, ranked by total cost or break-even; export PNG / SVG."""

    def __init__(self, controller: PlanController, state: ScenarioState, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller, self.state = controller, state
        self.tornado: Tornado | None = None
        self._stale = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Rank by"))
        self.by = QComboBox(self)
        self.by.addItems(["cost", "break-even"])
        self.by.currentTextChanged.connect(lambda _t: self._mark_stale(0))
        bar.addWidget(self.by)
        self.status = QLabel()
        self.status.setStyleSheet("color: #5b6572;")
        bar.addWidget(self.status, 1)
        for text, slot in (("Recompute", self.recompute), ("Copy", self.copy_chart),
                           ("Export PNG…", self.export_png_dialog), ("Export SVG…", self.export_svg_dialog)):
            b = QToolButton(self)
            b.setText(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
        outer.addLayout(bar)
        self.chart = TornadoChart(self)
        install_export(self.chart, "tornado", controller=controller, button=False,  # the bar has the buttons
                       before=lambda: (self._stale or self.tornado is None) and self.recompute())
        outer.addWidget(self.chart, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.recompute)
        controller.changed.connect(lambda _cs=None: self._mark_stale())
        controller.document_replaced.connect(lambda: self._mark_stale())
        state.changed.connect(lambda _n: self._mark_stale())

    def _too_big(self) -> bool:
        n = input_count(self.state.plan, self.state.band)
        if n > AUTO_INPUTS:
            self.status.setText(f"{n:,} inputs to swing: press Recompute (it recomputes the plan {2 * n:,} times)")
            return True
        return False

    def _mark_stale(self, delay: int = 400) -> None:
        self._stale = True
        if self.isVisible() and not self._too_big():
            self.status.setText("Recomputing…")
            self._timer.start(delay)

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if self._stale and not self._too_big():
            self._timer.start(0)

    def recompute(self) -> None:
        """Swing every input now (blocking; about a second on the VIVIM sample)."""
        t = tornado(self.controller.plan, self.state.name, by=self.by.currentText())
        self.tornado = t
        self._stale = False
        self.chart.set_tornado(t)
        self.status.setText(f"{t.inputs} inputs swung (own low-high, else ±20%); {len(t.swings)} move the "
                            f"{'break-even' if t.by == 'break-even' else 'total cost'}; top {self.chart.top} shown")

    def export(self, path: str | Path) -> Path:
        if self._stale or self.tornado is None:
            self.recompute()
        return self.chart.save(path)

    def _export_dialog(self, suffix: str, pattern: str) -> None:
        doc = self.controller.document
        path, _ = QFileDialog.getSaveFileName(self, "Export tornado", str(doc.path.with_name(doc.path.stem + f"-tornado{suffix}")),
                                              pattern)
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        try:
            self.export(path)
        except OSError as e:
            self.controller.message.emit(str(e))
            return
        self.controller.message.emit(f"Exported the tornado to {path}")

    def copy_chart(self) -> None:
        """Put the tornado on the clipboard as an image (2x), for a slide."""
        from PySide6.QtGui import QGuiApplication

        if self._stale or self.tornado is None:
            self.recompute()
        QGuiApplication.clipboard().setImage(self.chart.image())
        self.controller.message.emit("Copied the tornado chart")

    def export_png_dialog(self) -> None:
        self._export_dialog(".png", "PNG image (*.png)")

    def export_svg_dialog(self) -> None:
        self._export_dialog(".svg", "SVG image (*.svg)")
