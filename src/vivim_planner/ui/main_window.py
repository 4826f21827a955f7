"""The main window: one tab per grid, the Summary and the Audit; File and Edit menus; the
title shows the file and its modified state (the undo stack's clean state)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox,
                               QSplitter, QTabWidget, QTableView, QToolButton, QVBoxLayout, QHBoxLayout, QWidget)

from ..domain import Plan, PlanError, PlanSettings
from ..storage import SUFFIX, PlanDocument
from .doc_status import read_only_reason, status_tip, status_words, system_number_locale, title_mark
from .actuals_tab import ActualsTab
from .controller import PlanController
from .grid import GridView, ReportView
from .import_preview import add_import_action
from .reports import AuditModel
from .curves_tab import CurvesTab
from .economics_tab import EconomicsTab, SensitivityTab
from .scenario_bar import ScenarioBar, ScenarioState, link_summary
from .summary_tab import SummaryTab
from .timeline_tab import TimelineTab
from .uncertainty_tab import UncertaintyTab
from .team_window import install_team
from .table_model import PlanTableModel

APP_NAME = "VIVIM Planner"
MAX_RECENT = 8
FILE_FILTER = f"VIVIM plans (*{SUFFIX});;All files (*)"

GRID_TABS = (  # tab title, [(table, caption)], hint
    ("Milestones", [("milestones", "")], "Phases with a month range and a target user count."),
    ("Rate card", [("roles", "")], "Roles with their hourly rate; team lines use it unless they give their own."),
    ("Team", [("allocations", "")],
     "Team lines: cost = hourly rate x hours per month x months x FTE. Grey columns are computed."),
    ("Build costs", [("build_items", "One-off build cost lines"),
                     ("estimates", "Estimates per milestone and category (empty = bottom-up)")],
     "Cost = qty x unit cost, else the amount, else the midpoint of low-high."),
    ("Operations", [("operating_costs", "Monthly operating cost lines"), ("revenues", "Revenue offsets (per month)")],
     "Net monthly cost = operating cost - revenue; cost per user = net / target users."),
)
USAGE_TABS = (  # the operating-cost model by users; after the Audit, before its Curves
    ("Infrastructure", [("infra_tiers", "Tiers: a tier runs from its users until the next one starts"),
                        ("infra_components", "Components of each tier (USD/month, low - high)")],
     "Tiers without users from are reference sets (not on the curve). Components with an option are alternatives."),
    ("Services", [("service_plans", "Service plans (the cheapest plan of a service that fits is used)"),
                  ("meters", "Meters: included quota, unit price per `Per` units over it, packages"),
                  ("usage_drivers", "Usage drivers: what one user consumes per month")],
     "Plan cost = base fee + overage of each meter; a meter without a unit price is a hard limit."),
    ("LLM usage", [("llm_models", "Models (USD per million tokens)"), ("llm_activities", "Activities (tokens per session)"),
                   ("segments", "User segments"), ("segment_usage", "Sessions per user per month, by segment")],
     "Cost per session = (cached x cache read + fresh) x input price + output x output price, less the batch discount."),
)
ECONOMICS_TABS = (  # revenue, capital and scenarios; before the Economics and Sensitivity views
    ("Revenue", [("pricing_tiers", "Pricing tiers (cost per user from a usage segment, or typed)"),
                 ("payment_fees", "Payment fees"), ("growth", "Growth plan: each step holds until the next")],
     "Gross margin = (price - fees - cost per user) / price. Shares as 15% or 0.15."),
    ("Capital", [("capital", "Starting capital and one-off startup costs"), ("dividend_policies", "Dividend policy")],
     "Cash = capital - startup costs + each month's revenue - fees - operating cost - build spend."),
    ("Ranges", [("uncertainty", "Uncertain inputs (rows with their own low-high are drawn anyway)"),
                ("correlation_groups", "Correlation groups (rank correlation)")],
     "PERT by default, mode = the plan's value; fixed takes an input out."),
    ("Scenarios", [("scenarios", "Scenarios (low, mid and high always exist)"),
                   ("scenario_overrides", "Overrides: the scenario puts Value in Sheet / Row / Column"),
                   ("economics_figures", "Stated economics: margins, break-even, steps as the source prints them (audited)")],
     "Pick the scenario in the toolbar; every figure follows it. Duplicate… copies one with its overrides."),
)


class MainWindow(QMainWindow):
    """The planner window over one :class:`PlanDocument`."""

    def __init__(self, document: PlanDocument):
        super().__init__()
        self.controller = PlanController(document, self)
        self.scenario = ScenarioState(self.controller, self)  # first on controller.changed (scenario_bar.py)
        self.grids: dict[str, GridView] = {}
        self.setWindowIcon(QApplication.windowIcon())
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        for title, tables, hint in GRID_TABS:
            self.tabs.addTab(self._grid_tab(tables, hint), title)
        self.summary = SummaryTab(self.controller, self)
        self.tabs.addTab(self.summary, "Summary")
        self.tabs.addTab(self._audit_tab(), "Audit")
        for title, tables, hint in USAGE_TABS:
            self.tabs.addTab(self._grid_tab(tables, hint), title)
        self.curves = CurvesTab(self.controller, self)
        self.tabs.addTab(self.curves, "Curves")
        for title, tables, hint in ECONOMICS_TABS:
            self.tabs.addTab(self._grid_tab(tables, hint), title)
        self.economics = EconomicsTab(self.controller, self.scenario, self)
        self.tabs.addTab(self.economics, "Economics")
        self.timeline = TimelineTab(self.controller, self)
        self.tabs.addTab(self.timeline, "Timeline")
        self.sensitivity = SensitivityTab(self.controller, self.scenario, self)
        self.tabs.addTab(self.sensitivity, "Sensitivity")
        self.uncertainty = UncertaintyTab(self.controller, self)
        self.tabs.addTab(self.uncertainty, "Uncertainty")
        self.actuals = ActualsTab(self.controller, self)  # plan vs actual and its grids (actuals_tab.py)
        self.tabs.addTab(self.actuals, ActualsTab.TITLE)
        self.grids.update(self.actuals.grids)
        self.scenario_bar = ScenarioBar(self.scenario, self)
        self.addToolBar(self.scenario_bar)
        link_summary(self.scenario, self.summary)
        self.tabs.setCurrentIndex(self.tab_index("Summary"))
        self._build_actions()
        self.status_info = QLabel()
        self.statusBar().addPermanentWidget(self.status_info)
        stack = self.controller.undo_stack
        stack.cleanChanged.connect(self._on_clean_changed)
        self.controller.message.connect(self.show_message)
        self.controller.changed.connect(self._update_info)
        self.controller.audited.connect(self._update_info)
        self.controller.document_replaced.connect(self._on_document_replaced)
        self._on_document_replaced()
        self._fit_to_screen()
        self.name_box = QLabel()
        self.name_box.setMinimumWidth(110)
        self.name_box.setToolTip("The current cell, as messages and Excel name it")
        self.statusBar().addWidget(self.name_box)
        for grid in self.grids.values():
            grid.selectionModel().currentChanged.connect(lambda cur, _prev, g=grid: self._show_address(g, cur))
        self.controller.changed.connect(self._clear_refusal)
        install_team(self)  # File > Open Team Plan…, Team > History…, offline banner (team_window.py)

    def _fit_to_screen(self) -> None:
        screen = QApplication.primaryScreen()
        avail = screen.availableGeometry() if screen else None
        if avail is None or avail.width() < 400:
            self.resize(1280, 800)
            return
        self.resize(min(1280, int(avail.width() * 0.95)), min(800, int(avail.height() * 0.92)))

    def _show_address(self, grid: GridView, current) -> None:  # noqa: ANN001
        model = grid.plan_model
        if current.isValid():
            from ..domain import column_letter

            self.name_box.setText(f"{model.spec.sheet}!{column_letter(current.column())}{current.row() + 2}")

    def _clear_refusal(self, _changes=None) -> None:  # noqa: ANN001
        """A successful edit clears an earlier refusal from the status bar."""
        self.statusBar().clearMessage()

    # -- layout ----------------------------------------------------------------------------
    def _grid_tab(self, tables: list[tuple[str, str]], hint: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        splitter = QSplitter(Qt.Vertical, page)
        for name, caption in tables:
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            grid = GridView(PlanTableModel(self.controller, name), box)
            self.grids[name] = grid
            bar = QHBoxLayout()
            if caption:
                label = QLabel(f"<b>{caption}</b>")
                bar.addWidget(label)
            for text, slot, tip in (("+ Row", grid.insert_row, "Insert a row below the current one (Ctrl++)"),
                                    ("− Rows", grid.delete_selected_rows, "Delete the selected rows (Ctrl+-)")):
                b = QToolButton(box)
                b.setText(text)
                b.setToolTip(tip)
                b.clicked.connect(slot)
                bar.addWidget(b)
            bar.addStretch(1)
            if hint and name == tables[0][0]:
                h = QLabel(hint)
                h.setStyleSheet("color: #5b6572;")
                bar.addWidget(h)
            v.addLayout(bar)
            v.addWidget(grid)
            splitter.addWidget(box)
        layout.addWidget(splitter)
        return page

    def _audit_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        self.audit_label = QLabel()
        self.audit_label.setWordWrap(True)
        layout.addWidget(self.audit_label)
        splitter = QSplitter(Qt.Vertical, page)
        self.audit_model = AuditModel(self.controller, self)
        view = ReportView(page)
        view.setModel(self.audit_model)
        view.setSelectionBehavior(QTableView.SelectRows)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        hh = view.horizontalHeader()
        hh.setResizeContentsPrecision(100)  # widths from the first rows, set once per file
        hh.setStretchLastSection(True)
        view.doubleClicked.connect(self._go_to_finding)
        view.activated.connect(self._go_to_finding)
        self.audit_view = view
        self.audit_detail = QLabel("Select a finding to read it in full.")
        self.audit_detail.setWordWrap(True)
        self.audit_detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.audit_detail.setStyleSheet("background: #fff7f6; border: 1px solid #f3c9c5; padding: 6px;")
        view.selectionModel().currentRowChanged.connect(self._show_finding)
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addWidget(view)
        tv.addWidget(self.audit_detail)
        splitter.addWidget(top)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(QLabel("<b>Figures the source states</b> (what the audit checks; edit to correct a stated figure)"))
        grid = GridView(PlanTableModel(self.controller, "stated_figures"), box)
        self.grids["stated_figures"] = grid
        v.addWidget(grid)
        splitter.addWidget(box)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(QLabel("<b>Usage figures the source states</b> (costs, quantities and per-user figures of "
                           "the tiers, services and LLM usage at a number of users)"))
        grid = GridView(PlanTableModel(self.controller, "usage_figures"), box)
        self.grids["usage_figures"] = grid
        v.addWidget(grid)
        splitter.addWidget(box)
        splitter.setSizes([450, 220, 220])
        layout.addWidget(splitter)
        return page

    def tab_index(self, title: str) -> int:
        """Index of the tab called ``title`` (case-insensitive); raises ValueError if none."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).split(" (")[0].casefold() == title.casefold():
                return i
        names = ", ".join(self.tabs.tabText(i) for i in range(self.tabs.count()))
        raise ValueError(f"no tab {title!r}; tabs are: {names}")

    def tab_names(self) -> list[str]:
        return [self.tabs.tabText(i).split(" (")[0] for i in range(self.tabs.count())]

    # -- actions ---------------------------------------------------------------------------
    def _build_actions(self) -> None:
        stack = self.controller.undo_stack
        file_menu = self.menuBar().addMenu("&File")
        self._add(file_menu, "&New", self.new_plan, QKeySequence.New)
        self._add(file_menu, "&Open…", self.open_dialog, QKeySequence.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self._add(file_menu, "&Save", self.save, QKeySequence.Save)
        self._add(file_menu, "Save &As…", self.save_as_dialog, QKeySequence.SaveAs)
        file_menu.addSeparator()
        self._add(file_menu, "&Export to Excel…", self.export_excel_dialog, None)
        self._add(file_menu, "&Import from Excel…", self.import_excel_dialog, None)
        add_import_action(self, file_menu)  # File > Import document… (ui/import_preview.py)
        self._add(file_menu, "Export grid to &CSV…", self.export_csv_dialog, None)
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.Quit)

        edit = self.menuBar().addMenu("&Edit")
        undo = stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.Undo)
        redo = stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        # the grids handle these keys themselves; the menu shows them as hints
        self._add(edit, "Cu&t\tCtrl+X", lambda: self._grid_call("copy_selection", "clear_selection"), None)
        self._add(edit, "&Copy\tCtrl+C", lambda: self._grid_call("copy_selection"), None)
        self._add(edit, "&Paste\tCtrl+V", lambda: self._grid_call("paste"), None)
        self._add(edit, "C&lear cells\tDelete", lambda: self._grid_call("clear_selection"), None)
        edit.addSeparator()
        self._add(edit, "&Insert row\tCtrl++", lambda: self._grid_call("insert_row"), None)
        self._add(edit, "&Delete rows\tCtrl+-", lambda: self._grid_call("delete_selected_rows"), None)

        view = self.menuBar().addMenu("&View")
        for i in range(self.tabs.count()):  # Ctrl+1...9 for the first nine tabs
            self._add(view, self.tabs.tabText(i), lambda _checked=False, i=i: self.tabs.setCurrentIndex(i),
                      QKeySequence(f"Ctrl+{i + 1}") if i < 9 else None)
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&About VIVIM Planner", self._about, None)
        self._refresh_recent()

    def _add(self, menu, text, slot, shortcut) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _grid_call(self, *methods: str) -> None:
        grid = self.focused_grid()
        if grid is None:
            self.show_message("Select a cell in a grid first")
            return
        for m in methods:
            getattr(grid, m)()

    def focused_grid(self) -> GridView | None:
        w = QApplication.focusWidget()
        while w is not None and not isinstance(w, GridView):
            w = w.parentWidget()
        if w is not None:
            return w
        page = self.tabs.currentWidget()
        grids = page.findChildren(GridView) if page else []
        return grids[0] if grids else None

    # -- status ----------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Show a refusal or notice in the status bar (stays 10 s)."""
        self.statusBar().showMessage(text, 10_000)

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _update_info(self, _changes=None) -> None:  # noqa: ANN001
        doc = self.controller.document
        self.setWindowTitle(f"{doc.plan.settings.name} — {doc.path.name}{title_mark(doc)}[*] — {APP_NAME}")
        if hasattr(self, "audit_view"):
            self._show_finding(self.audit_view.currentIndex())
        s = self.controller.plan.settings
        n = len(self.controller.findings)
        self.status_info.setText(f"{status_words(doc)} · {s.currency} · {s.hours_per_month:g} h/month · "
                                 f"{n} audit finding{'s' * (n != 1)}")
        self.status_info.setToolTip(status_tip(doc))
        self.audit_label.setText(
            f"<b>{n} finding{'s' * (n != 1)}</b>: figures the plan states that its own inputs do not reproduce "
            f"(printed rounding is not a finding). Double-click a finding to go to its cell.")
        self.tabs.setTabText(self.tab_index("Audit"), f"Audit ({n})" if n else "Audit")

    def _on_document_replaced(self) -> None:
        doc = self.controller.document
        self.setWindowFilePath(str(doc.path))
        self.setWindowModified(False)
        self._update_info()  # sets the title too
        if doc.readonly:
            self.show_message(read_only_reason(doc))
        for grid in self.grids.values():
            grid.fit_columns()
        self.audit_view.resizeColumnsToContents()

    def _show_finding(self, current, _previous=None) -> None:  # noqa: ANN001
        f = self.audit_model.finding(current.row()) if current.isValid() else None
        self.audit_detail.setText(f"<b>{f.where}</b> ({f.cell}): {f.message}" if f else "Select a finding to read it in full.")

    def show_table(self, table: str) -> GridView:
        """Bring the tab holding ``table``'s grid to the front and return the grid."""
        grid = self.grids[table]
        page = grid
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        return grid

    def _go_to_finding(self, index) -> None:  # noqa: ANN001
        f = self.audit_model.finding(index.row())
        if f is None or f.table not in self.grids:
            return
        grid = self.show_table(f.table)
        model = grid.plan_model
        grid.go_to(model.row_of_id(f.row_id), model.spec.column_index(f.field))

    # -- files -----------------------------------------------------------------------------
    def open_path(self, path: str | Path) -> bool:
        """Open a plan file in this window; a refusal is shown and nothing changes."""
        try:
            doc = PlanDocument.open(path)
        except PlanError as e:
            QMessageBox.warning(self, "Cannot open plan", str(e))
            return False
        self.controller.replace_document(doc)
        self._remember(doc.path)
        return True

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open plan", str(self.controller.document.path.parent), FILE_FILTER)
        if path:
            self.open_path(path)

    def new_plan(self, path: str | Path | None = None) -> bool:
        """Create an empty plan at a place the user picks (edits are written there as they are
        made, so the file needs a home first) and open it."""
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
            path, _ = QFileDialog.getSaveFileName(self, "New plan", str(Path(folder) / f"New plan{SUFFIX}"),
                                                  FILE_FILTER)
            if not path:
                return False
        path = Path(path)
        if path.suffix != SUFFIX:
            path = path.with_suffix(SUFFIX)
        try:
            doc = PlanDocument.create(path, Plan(PlanSettings(name=path.stem, number_locale=system_number_locale())),
                                      overwrite=True)
        except PlanError as e:
            QMessageBox.warning(self, "Cannot create plan", str(e))
            return False
        self.controller.replace_document(doc)
        self._remember(doc.path)
        self.tabs.setCurrentIndex(self.tab_index("Milestones"))
        self.show_message("New plan: start with a milestone (+ Row), then roles in the Rate card and team lines")
        return True

    def save(self) -> None:
        """Every edit is already in the file; Save empties SQLite's side log and marks this
        state as the saved one."""
        try:
            self.controller.document.checkpoint()
        except Exception as e:  # noqa: BLE001 - a locked or vanished file: say so, keep editing
            self.show_message(f"Save: {e}")
            return
        self.controller.undo_stack.setClean()
        self.show_message(f"Saved: every edit is written to {self.controller.document.path.name} as you make it")

    def save_as_dialog(self) -> None:
        doc = self.controller.document
        path, _ = QFileDialog.getSaveFileName(self, "Save plan as", str(doc.path), FILE_FILTER)
        if path:
            self.save_as(path)

    def save_as(self, path: str | Path) -> bool:
        path = Path(path)
        if path.suffix != SUFFIX:
            path = path.with_suffix(SUFFIX)
        try:
            self.controller.document.save_as(path)
        except PlanError as e:
            QMessageBox.warning(self, "Cannot save plan", str(e))
            return False
        self.controller.undo_stack.setClean()
        self._on_document_replaced()
        self._remember(path)
        self.show_message(f"Saved as {path}")
        return True

    def _settings(self) -> QSettings:
        return QSettings("VIVIM", APP_NAME)

    def _remember(self, path: Path) -> None:
        s = self._settings()
        recent = [p for p in (s.value("recent", []) or []) if p != str(path)]
        s.setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._settings().value("recent", []) or []
        if isinstance(recent, str):
            recent = [recent]
        for p in recent:
            self.recent_menu.addAction(p, lambda p=p: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    # -- Excel and CSV (vivim_planner.excel does the work; these only ask where and report) ---------
    def export_excel_dialog(self) -> None:
        doc = self.controller.document
        path, _ = QFileDialog.getSaveFileName(self, "Export to Excel", str(doc.path.with_suffix(".xlsx")),
                                              "Excel workbook (*.xlsx)")
        if path:
            self.export_excel(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def export_excel(self, path: str | Path) -> bool:
        """Write the plan to an .xlsx workbook, with a progress dialog; a failure gets a dialog."""
        from PySide6.QtWidgets import QProgressDialog

        from ..excel import export_workbook

        progress = QProgressDialog("Writing the workbook…", "", 0, 1, self)
        progress.setCancelButton(None)
        progress.setMinimumDuration(400)  # shown only when the export is slow
        progress.setWindowModality(Qt.WindowModal)

        def step(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            QApplication.processEvents()

        try:
            self.controller.flush_audit()
            export_workbook(self.controller.plan, path, self.controller.result, self.controller.findings, step)
        except OSError as e:
            QMessageBox.warning(self, "Cannot export", f"{path}: {e.strerror or e}")
            return False
        finally:
            progress.close()
        self.show_message(f"Exported to {path}")
        return True

    def import_excel_dialog(self) -> None:
        doc = self.controller.document
        path, _ = QFileDialog.getOpenFileName(self, "Import from Excel", str(doc.path.parent),
                                              "Excel workbook (*.xlsx);;All files (*)")
        if path:
            self.import_excel(path)

    def import_excel(self, path: str | Path) -> bool:
        """Import a workbook into the open plan as one undo step. A bad workbook gets a dialog
        listing every bad cell and changes nothing; the report goes to the status bar."""
        from ..excel import WorkbookError, import_command

        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            command, report = import_command(self.controller.plan, path)
        except WorkbookError as e:
            QApplication.restoreOverrideCursor()
            box = QMessageBox(QMessageBox.Warning, "Cannot import", f"{Path(path).name} was not imported: "
                              f"{len(e.errors)} problem{'s' * (len(e.errors) != 1)}. The plan is unchanged.",
                              QMessageBox.Ok, self)
            box.setInformativeText("\n".join(e.errors[:12]) + ("\n…" if len(e.errors) > 12 else ""))
            box.setDetailedText("\n".join(e.errors))
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()  # window-modal, without a nested event loop
            self.import_box = box
            return False
        QApplication.restoreOverrideCursor()
        if not report.changed:
            self.show_message(" · ".join(report.lines()))
            return True
        if not self.controller.execute(command):
            return False
        self.show_message(f"Imported {Path(path).name}: " + " · ".join(report.lines()))
        return True

    def export_csv_dialog(self) -> None:
        from ..excel.grid_csv import csv_name, write_grid_csv

        grid = self.focused_grid()
        if grid is None:
            self.show_message("Open a grid's tab first: its table is exported")
            return
        table = grid.plan_model.name
        doc = self.controller.document
        path, _ = QFileDialog.getSaveFileName(self, "Export grid to CSV",
                                              str(doc.path.parent / csv_name(doc.plan, table)), "CSV (*.csv)")
        if not path:
            return
        try:
            write_grid_csv(self.controller.plan, table, path, self.controller.result)
        except OSError as e:
            QMessageBox.warning(self, "Cannot export", f"{path}: {e.strerror or e}")
            return
        self.show_message(f"Exported {grid.plan_model.spec.sheet} to {path}")

    def _about(self) -> None:
        from .. import __version__

        QMessageBox.about(self, APP_NAME, f"<b>{APP_NAME}</b> {__version__}<br>Cost planning for startup founders.")

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001
        self.uncertainty.wait()  # a simulation still running reads a copy; let it end first
        self.controller.document.close()
        super().closeEvent(event)
