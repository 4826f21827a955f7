"""The Summary tab: plan settings, headline figures and the milestone summary table."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QSplitter, QVBoxLayout, QWidget)

from ..commands import set_settings
from . import format as fmt
from .chart_export import install_export
from .charts import CumulativeBuildChart
from .grid import ReportView
from .controller import PlanController
from .reports import SummaryModel

CARD_STYLE = ("QFrame#card { background: #f6f8fb; border: 1px solid #dfe5ee; border-radius: 8px; }"
              "QLabel#cardTitle { color: #5b6572; font-size: 11px; }"
              "QLabel#cardValue { color: #14263d; font-size: 20px; font-weight: 600; }"
              "QLabel#cardNote { color: #5b6572; font-size: 11px; }")


class _Card(QFrame):
    def __init__(self, title: str, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("card")
        v = QVBoxLayout(self)
        v.setContentsMargins(12, 8, 12, 8)
        v.setSpacing(2)
        self.title = QLabel(title, objectName="cardTitle")
        self.value = QLabel(objectName="cardValue")
        self.note = QLabel(objectName="cardNote")
        for w in (self.title, self.value, self.note):
            v.addWidget(w)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class SummaryTab(QWidget):
    """Settings (name, currency, hours per month) as undoable edits; cards with the plan's
    build cost range, duration and peak users; the summary table (per milestone low / mid /
    high / bottom-up, cumulative, monthly operations, cost per user) with a total row."""

    SETTINGS = (("name", "Plan name"), ("currency", "Currency (ISO)"), ("hours_per_month", "Hours per month (1 FTE)"),
                ("number_locale", "Number format (1,234.5 or 1.234,5)"),
                ("start_date", "Start month (YYYY-MM)"), ("horizon_months", "Horizon (months; 0: last milestone)"))

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self.setStyleSheet(CARD_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)

        top = QHBoxLayout()
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label in self.SETTINGS:
            edit = QLineEdit(self)
            edit.setMaximumWidth(260)
            edit.editingFinished.connect(lambda key=key: self._commit_setting(key))
            form.addRow(label, edit)
            self.fields[key] = edit
        top.addLayout(form)
        cards = QGridLayout()
        self.cards = {k: _Card(t, self) for k, t in (
            ("mid", "Build cost (mid)"), ("range", "Low – high"), ("bottom_up", "Bottom-up (from lines)"),
            ("span", "Timeline"), ("ops", "Monthly ops, last milestone"), ("cpu", "Cost per user, last milestone"))}
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, i // 3, i % 3)
        top.addLayout(cards, 1)
        outer.addLayout(top)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Build cost by milestone</b>"))
        bar.addStretch(1)
        bar.addWidget(QLabel("Cumulative of"))
        self.scenario = QComboBox(self)
        self.scenario.addItems(["low", "mid", "high", "bottom-up"])
        self.scenario.setCurrentText("mid")
        self.scenario.currentTextChanged.connect(self._scenario_changed)
        bar.addWidget(self.scenario)
        outer.addLayout(bar)

        self.model = SummaryModel(controller, self)
        self.table = ReportView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.Stretch)  # others sized in refresh() when rows change
        self.chart = CumulativeBuildChart(self)
        install_export(self.chart, "cumulative build cost", controller=controller,
                       draw=lambda c: c.update_from(controller.plan, controller.result))
        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer.addWidget(split, 1)
        note = QLabel("Estimates are the stated low / mid / high per category; an empty estimate uses the "
                      "bottom-up figure. Monthly figures are the timeline's in each row's first month; "
                      "cost per user = (monthly operating cost − revenue) / users.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6572;")
        outer.addWidget(note)
        self._stale = False
        controller.changed.connect(self._changed)
        controller.document_replaced.connect(self.refresh)
        self.refresh()

    def _changed(self, _changes=None) -> None:  # noqa: ANN001
        """Refresh now if the view is shown, else when it is next shown (edits stay fast)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        """Catch up with edits made while hidden; focus the table, not the plan name, so Ctrl+Z
        undoes the plan, not the text box."""
        if self._stale:
            self.refresh()
        super().showEvent(event)
        self.table.setFocus()

    def _scenario_changed(self, name: str) -> None:
        self.model.set_scenario(name)
        self.refresh()

    def _commit_setting(self, key: str) -> None:
        edit = self.fields[key]
        command = self.controller.try_build(set_settings, {key: edit.text()})
        if command is None or not command.changes:
            self._show_settings()  # refused or unchanged: show the stored value again
            return
        self.controller.execute(command)

    def _show_settings(self) -> None:
        s = self.controller.plan.settings
        for key, edit in self.fields.items():
            value = getattr(s, key)
            text = f"{value:g}" if isinstance(value, float) else str(value)
            if edit.text() != text:
                edit.setText(text)

    def refresh(self, _changes=None) -> None:  # noqa: ANN001
        """Update the settings fields and headline cards from the latest result; size the
        table's columns when its rows change (not on every edit: that asks every cell)."""
        self._stale = False
        self.model.refresh()
        self._show_settings()
        shape = (self.model.rowCount(), self.controller.plan.settings.currency, self.model.scenario)
        if shape != getattr(self, "_sized_for", None):
            self._sized_for = shape
            for c in range(self.model.columnCount()):
                if c != 1:
                    self.table.resizeColumnToContents(c)
            # show every milestone without scrolling when they fit; the chart takes the rest
            rows_h = self.table.horizontalHeader().height() + 22 * self.model.rowCount() + 4
            self.table.setMinimumHeight(min(rows_h, 150))  # fits 720 px; the splitter gives it more
        plan, r = self.controller.plan, self.controller.result
        self.chart.update_from(plan, r)
        cur = plan.settings.currency
        scen = self.model.scenario
        t = r.totals
        name = scen.replace("_", "-")
        self.cards["mid"].title.setText(f"Build cost ({name})")
        self.cards["mid"].set(fmt.money(t[scen], cur, 0), f"mid estimate: {fmt.money(t['mid'], cur, 0)}"
                              if scen != "mid" else f"{len(plan.milestones)} milestones, stated estimates")
        self.cards["range"].set(f"{fmt.compact_money(t['low'], cur)} – {fmt.compact_money(t['high'], cur)}",
                                f"{fmt.money(t['low'], cur, 0)} to {fmt.money(t['high'], cur, 0)}")
        gap = t["bottom_up"] - t["mid"]
        self.cards["bottom_up"].set(fmt.money(t["bottom_up"], cur, 0),
                                    f"{'+' if gap >= 0 else '−'}{fmt.money(abs(gap), cur, 0)} vs mid estimate")
        from ..engine.periods import periods

        c = self.controller
        tl = c.timeline
        rows = periods(c.view_plan or plan, tl, r)
        dated = [p for p in rows if p.month]
        if tl.horizon:
            what = f"{len(plan.milestones)} milestones" if len(plan.milestones) else f"{len(rows)} growth steps"
            self.cards["span"].set(f"{tl.horizon} month{'s' * (tl.horizon != 1)}",
                                   f"{what}, {tl.labels[0]} to {tl.labels[-1]}")
        else:
            self.cards["span"].set("—", "add a milestone or a growth step")
        if dated:
            last = max(dated, key=lambda p: (p.month, p.start_month))  # the latest in time, whatever the row order
            name = last.code or last.name
            self.cards["ops"].title.setText("Monthly ops, last milestone" if last.table == "milestones"
                                            else "Monthly ops, last growth step")
            self.cards["ops"].set(fmt.money(last.operating, cur, 0),
                                  f"revenue {fmt.money(last.revenue, cur, 0)}, net {fmt.money(last.net, cur, 0)}")
            self.cards["cpu"].title.setText("Cost per user, " + ("last milestone" if last.table == "milestones"
                                                                 else "last growth step"))
            cpu = last.cost_per_user
            self.cards["cpu"].set(fmt.money(cpu, cur, 4) if cpu == cpu else "—",
                                  f"at {fmt.number(last.users)} users ({name}, month {last.month})"
                                  if last.users > 0 else f"{name} has no users yet")
        else:
            for card in ("ops", "cpu"):
                self.cards[card].set("—", "add a milestone or a growth step")
