"""The Plan vs actual view: per category planned, actual and variance (coloured) with months
across and the closed months ticked; cumulative spend planned against actual; cash of the plan
against the re-forecast with both runways; the budget amendments; and the grids where actuals
are typed or pasted (*Actuals*), descriptions mapped (*Category map*) and amendments explained.

Every figure is :func:`vivim_planner.engine.actuals.plan_vs_actual` over the controller's
timeline (the window's scenario), the same result ``vivim-planner actuals`` prints. Actions:
*Import bank CSV…* (one undo step; a refused file lists every problem and changes nothing),
*Amend budget…* (an estimate changed with its reason), *Copy chart*, *Export charts…*
(PNG at 2x or SVG).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QSplitter, QTableView, QTabWidget,
                               QToolButton, QVBoxLayout, QWidget)

from ..engine.actuals import PlanVsActual, plan_vs_actual
from .actuals_charts import CumulativeSpendChart, ReforecastCashChart
from .actuals_model import PlanVsActualModel
from .chart_export import install_export
from .controller import PlanController
from .grid import GridView
from .table_model import PlanTableModel

GRIDS = (("actuals", "Actuals"), ("category_map", "Category map"), ("budget_amendments", "Budget amendments"))


def _runway(x: float | None) -> str:
    return "never runs out or no capital" if x is None else f"{x:.2f} months"


class AmendBudgetDialog(QDialog):
    """Milestone, category, estimate (low / mid / high), new budget and why; OK builds the
    :func:`~vivim_planner.commands.amendments.amend_budget` command and closes, or shows why not."""

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Amend budget")
        form = QFormLayout(self)
        plan = controller.plan
        self.milestone = QComboBox(self)
        self.milestone.addItems([str(c) for c in plan.milestones.column("code")])
        self.category = QComboBox(self)
        self.category.setEditable(True)
        self.bound = QComboBox(self)
        self.bound.addItems(["mid", "low", "high"])
        self.value = QLineEdit(self)
        self.why = QLineEdit(self)
        self.why.setPlaceholderText("e.g. Counsel's quote came in higher")
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #9c1c1c;")
        self.error.setWordWrap(True)
        for label, w in (("Milestone", self.milestone), ("Category", self.category), ("Estimate", self.bound),
                         ("New budget", self.value), ("Why", self.why)):
            form.addRow(label, w)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.milestone.currentTextChanged.connect(self._categories)
        self._categories(self.milestone.currentText())

    def _categories(self, code: str) -> None:
        plan = self.controller.plan
        mid = plan.find_ref("milestones", code) if code else None
        est = plan.estimates
        names = [est.get(p, "category") for p in range(len(est)) if int(est.get(p, "milestone")) == mid]
        self.category.clear()
        self.category.addItems(names)

    def submit(self) -> bool:
        """Build and run the amendment; False (reason shown) when it is refused."""
        from ..commands.amendments import amend_budget
        from ..domain import CellError

        try:
            command = amend_budget(self.controller.plan, self.milestone.currentText(), self.category.currentText(),
                                   self.bound.currentText(), self.value.text(), self.why.text())
        except CellError as e:
            self.error.setText(str(e))
            return False
        if self.controller.execute(command):
            self.accept()
            return True
        return False


class ActualsTab(QWidget):
    """The Plan vs actual view over a :class:`PlanController`. ``TITLE`` is its tab's title;
    ``grid`` (over :class:`PlanVsActualModel`), ``spend_chart``, ``cash_chart``, ``headline``,
    ``grids`` (table name -> :class:`GridView` of Actuals, Category map, Budget amendments) and
    the actions ``import_action``, ``amend_action``, ``copy_action``, ``export_action``."""

    TITLE = "Plan vs actual"

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self.result: PlanVsActual | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextSelectableByMouse)
        bar.addWidget(self.headline, 1)
        self.import_action = self._action("Import bank CSV…", self.import_dialog, "Ctrl+Shift+I",
                                          "Import a bank or accounting CSV export (date, description, amount)")
        self.import_map_action = self._action("Import with map file…", lambda: self.import_dialog(with_map=True), None,
                                              "Import a bank CSV with a pattern,category map file (remembered)")
        self.amend_action = self._action("Amend budget…", self.amend_dialog, None,
                                         "Change a milestone's budget and record why")
        self.copy_action = self._action("Copy chart", self.copy_chart, None, "Copy the cumulative spend chart (2x)")
        self.export_action = self._action("Export charts…", self.export_dialog, None,
                                          "Save both charts as PNG (2x) or SVG")
        for action in (self.import_action, self.import_map_action, self.amend_action, self.copy_action,
                       self.export_action):
            b = QToolButton(self)
            b.setDefaultAction(action)
            bar.addWidget(b)
        outer.addLayout(bar)
        self.model = PlanVsActualModel(self)
        self.grid = QTableView(self)
        self.grid.setObjectName("planVsActualGrid")
        self.grid.setModel(self.model)
        self.grid.setWordWrap(False)
        self.grid.verticalHeader().setDefaultSectionSize(21)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.grid.verticalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.grid.horizontalHeader().setDefaultSectionSize(132)
        self.spend_chart, self.cash_chart = CumulativeSpendChart(self), ReforecastCashChart(self)
        charts = QWidget(self)
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.spend_chart, 1)
        row.addWidget(self.cash_chart, 1)
        for chart, name in ((self.spend_chart, "cumulative spend"), (self.cash_chart, "re-forecast cash")):
            install_export(chart, name, draw=lambda c: c.update_from(self._result()), controller=controller)
        self.tables = QTabWidget(self)
        self.grids: dict[str, GridView] = {}
        for name, title in GRIDS:
            grid = GridView(PlanTableModel(controller, name), self.tables)
            self.grids[name] = grid
            self.tables.addTab(grid, title)
        split = QSplitter(Qt.Vertical, self)
        for w in (self.grid, charts, self.tables):
            split.addWidget(w)
        split.setSizes([300, 260, 180])
        outer.addWidget(split, 1)
        self._stale, self._first = True, True
        controller.changed.connect(self.refresh)
        controller.document_replaced.connect(self.refresh)
        self.refresh()

    def _action(self, text: str, slot, shortcut: str | None, tip: str) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        action.setToolTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def charts(self) -> tuple:
        return self.spend_chart, self.cash_chart

    def _result(self) -> PlanVsActual:
        """The figures shown (recomputed first if an edit left the hidden view stale)."""
        if self.result is not None and not self._stale:
            return self.result
        return plan_vs_actual(self.controller.plan, self.controller.timeline)

    # -- refresh ----------------------------------------------------------------------------
    def refresh(self, _changes=None) -> None:  # noqa: ANN001
        """Recompute plan vs actual while shown (a hidden view catches up when shown)."""
        if not self.isVisible() and not self._first:
            self._stale = True
            return
        self._first = False
        pva = plan_vs_actual(self.controller.plan, self.controller.timeline)
        self.result = pva
        self.model.set_result(pva)
        for chart in self.charts():
            chart.update_from(pva)
        self.headline.setText(self._headline(pva))
        self._stale = False

    def _headline(self, pva: PlanVsActual) -> str:
        if not pva.closed_months:
            return ("<b>No actuals yet.</b> Type them in the Actuals grid below, paste them, or import a bank CSV; "
                    "a month with any actual is closed and replaces the plan in cash and runway.")
        months = ", ".join(pva.labels[m - 1] for m in pva.closed_months)
        over = pva.overspend
        word = "over" if over > 0.005 else "under" if over < -0.005 else "on"
        change = "" if pva.runway is None or pva.plan_runway is None else f" ({pva.runway - pva.plan_runway:+.2f})"
        amend = f" · {len(pva.amendments)} budget amendment{'s' * (len(pva.amendments) != 1)}" if pva.amendments else ""
        return (f"Closed: <b>{months}</b> · net <b>{abs(over):,.0f} {pva.currency} {word}</b> plan · runway: plan "
                f"{_runway(pva.plan_runway)}, <b>re-forecast {_runway(pva.runway)}</b>{change}{amend}")

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- actions ----------------------------------------------------------------------------
    def import_bank(self, path: str | Path, mapping: str | Path | None = None, day_first: bool | None = None) -> bool:
        """Import ``path`` into the plan as one undo step. A refused file gets a dialog listing
        every problem (the plan is unchanged); a file whose dates could be either day or month
        first asks which."""
        from ..excel.bank_csv import BankImportError, plan_bank_import

        try:
            imp = plan_bank_import(self.controller.plan, path, mapping, day_first)
        except BankImportError as e:
            if day_first is None and any("--day-first" in line for line in e.errors):
                answer = QMessageBox.question(self, "Dates", "Is 03/04/2026 in this file 3 April (day first)?\n"
                                              "Yes: day first · No: month first (March 4)")
                return self.import_bank(path, mapping, answer == QMessageBox.Yes)
            said = f"{Path(path).name} was not imported: {len(e.errors)} problem{'s' * (len(e.errors) != 1)}"
            self.controller.message.emit(f"{said}; the plan is unchanged")
            box = QMessageBox(QMessageBox.Warning, "Cannot import", f"{said}. The plan is unchanged.", QMessageBox.Ok, self)
            box.setInformativeText("\n".join(e.errors[:12]) + ("\n…" if len(e.errors) > 12 else ""))
            box.setDetailedText("\n".join(e.errors + [f"note: {n}" for n in e.notes]))
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()
            self.import_box = box
            return False
        if not self.controller.execute(imp.command):
            return False
        lines = imp.lines(self.controller.plan)
        self.controller.message.emit(f"Imported {Path(path).name}: {lines[0]}" + (f" · {len(imp.notes)} refund(s)"
                                                                                  if imp.notes else ""))
        return True

    def import_dialog(self, with_map: bool = False) -> None:
        folder = str(self.controller.document.path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "Import bank CSV", folder, "CSV (*.csv *.txt);;All files (*)")
        if not path:
            return
        mapping = None
        if with_map:
            mapping, _ = QFileDialog.getOpenFileName(self, "Map file (pattern,category)", folder, "CSV (*.csv)")
            if not mapping:
                return
        self.import_bank(path, mapping)

    def amend_dialog(self) -> AmendBudgetDialog:
        dialog = AmendBudgetDialog(self.controller, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        self.amend_box = dialog
        return dialog

    def copy_chart(self) -> None:
        """Copy the cumulative spend chart (2x, slide size) to the clipboard."""
        self.spend_chart.export_actions.copy_to_clipboard()

    def export(self, path: str | Path) -> list[Path]:
        """Write both charts beside ``path``, drawn at slide size: ``NAME-spend.png`` and
        ``NAME-cash.png`` (or ``.svg``; :func:`.chart_export.save_chart`)."""
        path = Path(path)
        return [chart.export_actions.export(path.with_name(f"{path.stem}-{kind}{path.suffix}"))
                for kind, chart in (("spend", self.spend_chart), ("cash", self.cash_chart))]

    def export_dialog(self) -> None:
        doc = self.controller.document
        path, chosen = QFileDialog.getSaveFileName(self, "Export charts", str(doc.path.with_name(doc.path.stem + "-actuals.png")),
                                                   "PNG image, 2x (*.png);;SVG image (*.svg)")
        if not path:
            return
        if not path.lower().endswith((".png", ".svg")):
            path += ".svg" if "svg" in chosen.lower() else ".png"
        try:
            out = self.export(path)
        except (OSError, ValueError) as e:
            self.controller.message.emit(str(e))
            return
        self.controller.message.emit("Exported " + " and ".join(str(p) for p in out))
