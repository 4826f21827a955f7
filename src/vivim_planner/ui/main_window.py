"""The main window: a sidebar of views (grids, the Dashboard, Summary, charts, the Audit)
grouped by the founder's questions, File / Edit / View menus, a find bar; the title and the
status bar say "All changes saved" (every edit is in the file as it is made)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QSplitter, QTableView,
                               QToolButton, QVBoxLayout, QWidget)

from ..storage import PlanDocument
from .controller import PlanController
from .doc_status import read_only_reason, status_tip, status_words, title_mark
from .file_actions import (APP_NAME, FILE_FILTER, MAX_RECENT, SAMPLE_TITLES, FileActions, plan_file_name,  # noqa: F401
                           recent_paths, saved_words)
from .dashboard import Dashboard
from .find import FindBar
from .grid import GridView, ReportView
from .navigation import LazyPage, Navigator
from .reports import AuditModel
from .scenario_bar import ScenarioBar, ScenarioState
from .table_model import PlanTableModel
from .team_window import install_team

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
    ("Services", [("usage_drivers", "Usage drivers: what one user consumes per month (meters price them)"),
                  ("service_plans", "Service plans (the cheapest plan of a service that fits is used)"),
                  ("meters", "Meters: included quota, unit price per `Per` units over it, packages")],
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


class GridIndex(Mapping):
    """``window.grids``: table name -> its :class:`GridView`; a grid's page is built when its
    grid is first asked for (or its view first shown). ``built`` holds the grids made so far."""

    def __init__(self, window: "MainWindow"):
        self.window = window
        self.built: dict[str, GridView] = {}
        self.page_of: dict[str, str] = {}  # table -> the title of the view holding its grid

    def __getitem__(self, table: str) -> GridView:
        if table not in self.built and table in self.page_of:
            self.window.nav.widget(self.window.tab_index(self.page_of[table]))
        return self.built[table]

    def __iter__(self):  # noqa: ANN204
        return iter(list(self.page_of) + [t for t in self.built if t not in self.page_of])

    def __len__(self) -> int:
        return len(set(self.page_of) | set(self.built))

    def __contains__(self, table: object) -> bool:
        return table in self.page_of or table in self.built


def _view(module: str, name: str):  # noqa: ANN202 - a view class
    """Class ``name`` of ``vivim_planner.ui.<module>``, imported when a view is first built."""
    import importlib

    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


class MainWindow(FileActions, QMainWindow):
    """The planner window over one :class:`PlanDocument`."""

    def __init__(self, document: PlanDocument):
        super().__init__()
        self.controller = PlanController(document, self)
        self.scenario = ScenarioState(self.controller, self)  # first on controller.changed (scenario_bar.py)
        self.grids = GridIndex(self)
        self.setWindowIcon(QApplication.windowIcon())
        self.nav = Navigator(self)
        self.tabs = self.nav  # the QTabWidget calls (count, tabText, setCurrentIndex...) work on it
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.nav, 1)
        self.find_bar = FindBar(self, central)
        column.addWidget(self.find_bar)
        self.setCentralWidget(central)
        grid_tabs = {title: (tables, hint) for title, tables, hint in GRID_TABS + USAGE_TABS + ECONOMICS_TABS}

        def grids(group: str, *titles: str) -> None:  # grid pages are built when first shown or asked for
            for title in titles:
                tables, hint = grid_tabs[title]
                self.nav.add_lazy_view(group, title, lambda tables=tables, hint=hint: self._grid_tab(tables, hint))
                for name, _caption in tables:
                    self.grids.page_of[name] = title

        self.dashboard = Dashboard(self.controller, self.scenario, self)
        self.nav.add_view("Start", "Dashboard", self.dashboard, "The headline figures; click one to open its view")
        grids("Plan", "Milestones", "Rate card", "Team", "Build costs")
        self.nav.add_lazy_view("Plan", "Summary", self._make_summary, "Plan settings and build cost by milestone")
        grids("Run costs", "Operations", "Infrastructure", "Services", "LLM usage")
        self.nav.add_lazy_view("Run costs", "Curves", lambda: _view("curves_tab", "CurvesTab")(self.controller, self),
                               "Monthly cost and cost per user against users")
        grids("Money", "Revenue", "Capital")
        self.nav.add_lazy_view("Money", "Economics", lambda: _view("economics_tab", "EconomicsTab")(
            self.controller, self.scenario, self), "Margins, break-even, runway")
        self.nav.add_lazy_view("Money", "Timeline", lambda: _view("timeline_tab", "TimelineTab")(self.controller, self),
                               "Every figure month by month")
        self.nav.add_lazy_view("Money", "Uncertainty", lambda: _view("uncertainty_tab", "UncertaintyTab")(
            self.controller, self), "Monte Carlo over the ranges")
        self.nav.add_lazy_view("Money", "Plan vs actual", self._make_actuals, "Spending so far against the plan")
        for table in ("actuals", "category_map", "budget_amendments"):  # the Plan vs actual view's grids
            self.grids.page_of[table] = "Plan vs actual"
        grids("What if", "Scenarios", "Ranges")
        self.nav.add_lazy_view("What if", "Sensitivity", lambda: _view("economics_tab", "SensitivityTab")(
            self.controller, self.scenario, self), "The inputs that move the plan most")
        self.nav.add_view("Check", "Audit", self._audit_tab(), "Stated figures the plan does not reproduce")
        self.scenario_bar = ScenarioBar(self.scenario, self)
        self.addToolBar(self.scenario_bar)
        self.dashboard.open_view.connect(lambda view: self.tabs.setCurrentIndex(self.tab_index(view)))
        self.tabs.setCurrentIndex(self.tab_index("Dashboard"))
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
        self.controller.changed.connect(self._clear_refusal)
        install_team(self)  # File > Open Team Plan…, Team > History…, offline banner (team_window.py)

    # -- views built on first use (their charts import pyqtgraph) ------------------------------
    def _make_summary(self) -> QWidget:
        from .scenario_bar import link_summary
        from .summary_tab import SummaryTab

        summary = SummaryTab(self.controller, self)
        link_summary(self.scenario, summary)
        return summary

    def _make_actuals(self) -> QWidget:
        from .actuals_tab import ActualsTab

        tab = ActualsTab(self.controller, self)  # plan vs actual and its grids (actuals_tab.py)
        for table, grid in tab.grids.items():
            self.grids.built[table] = grid
            grid.selectionModel().currentChanged.connect(lambda cur, _prev, g=grid: self._show_address(g, cur))
        return tab

    def built(self, title: str) -> bool:
        """Whether view ``title`` exists yet (lazy views are built when first shown)."""
        holder = self.nav.container(self.tab_index(title))
        return not isinstance(holder, LazyPage) or holder.built is not None

    summary = property(lambda self: self.nav.widget(self.tab_index("Summary")), doc="The Summary view (built on use).")
    curves = property(lambda self: self.nav.widget(self.tab_index("Curves")), doc="The Curves view.")
    economics = property(lambda self: self.nav.widget(self.tab_index("Economics")), doc="The Economics view.")
    timeline = property(lambda self: self.nav.widget(self.tab_index("Timeline")), doc="The Timeline view.")
    uncertainty = property(lambda self: self.nav.widget(self.tab_index("Uncertainty")), doc="The Uncertainty view.")
    actuals = property(lambda self: self.nav.widget(self.tab_index("Plan vs actual")), doc="Plan vs actual.")
    sensitivity = property(lambda self: self.nav.widget(self.tab_index("Sensitivity")), doc="The Sensitivity view.")

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

            row = grid.source_row(current.row())  # the plan's row, whatever the view's sort
            where = f"{column_letter(current.column())}{row + 2}" if row < model.rowCount() else "new row"
            self.name_box.setText(f"{model.spec.sheet}!{where}")

    def _clear_refusal(self, _changes=None) -> None:  # noqa: ANN001
        """A successful edit clears an earlier refusal from the status bar."""
        self.statusBar().clearMessage()

    # -- layout ----------------------------------------------------------------------------
    def _grid_tab(self, tables: list[tuple[str, str]], hint: str) -> QWidget:
        """A page of one or more grids, each under a bar of its caption and row buttons, and
        with its totals row (:class:`~vivim_planner.ui.totals.TotalsBar`); the page's hint on
        top, wrapped, so no page is wider than a laptop screen."""
        from .totals import TotalsBar

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        if hint:
            h = QLabel(hint, page)
            h.setWordWrap(True)
            h.setStyleSheet("color: #5b6572;")
            layout.addWidget(h)
        splitter = QSplitter(Qt.Vertical, page)
        for name, caption in tables:
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(2)
            grid = self._new_grid(name, box)
            bar = QHBoxLayout()
            if caption:
                label = QLabel(f"<b>{caption}</b>", box)
                label.setWordWrap(True)
                label.setMinimumWidth(120)
                bar.addWidget(label, 1)
            for text, slot, tip in (("+ Row", grid.insert_row, "Insert a row below the current one (Ctrl++)"),
                                    ("− Rows", grid.delete_selected_rows, "Delete the selected rows (Ctrl+-)")):
                b = QToolButton(box)
                b.setText(text)
                b.setToolTip(tip)
                b.clicked.connect(lambda _checked=False, slot=slot: slot())
                bar.addWidget(b)
            if not caption:
                bar.addStretch(1)
            v.addLayout(bar)
            v.addWidget(grid)
            v.addWidget(TotalsBar(grid, box))
            splitter.addWidget(box)
        layout.addWidget(splitter, 1)
        return page

    def _new_grid(self, table: str, parent: QWidget) -> GridView:
        grid = GridView(PlanTableModel(self.controller, table), parent)
        self.grids.built[table] = grid
        grid.selectionModel().currentChanged.connect(lambda cur, _prev, g=grid: self._show_address(g, cur))
        return grid

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
        grid = self._new_grid("stated_figures", box)
        v.addWidget(grid)
        splitter.addWidget(box)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(QLabel("<b>Usage figures the source states</b> (costs, quantities and per-user figures of "
                           "the tiers, services and LLM usage at a number of users)"))
        grid = self._new_grid("usage_figures", box)
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
        self.samples_menu = file_menu.addMenu("Open Sa&mple")
        self._fill_samples()
        self._add(file_menu, "&Save", self.save, QKeySequence.Save)
        self._add(file_menu, "Save &As…", self.save_as_dialog, QKeySequence.SaveAs)
        file_menu.addSeparator()
        self._add(file_menu, "&Export to Excel…", self.export_excel_dialog, None)
        self._add(file_menu, "&Import from Excel…", self.import_excel_dialog, None)
        # File > Import document… (ui/import_preview.py's add_import_action, with the module and its
        # Markdown parser imported on first use rather than at start-up)
        action = file_menu.addAction("Import &document (Markdown, CSV)…")
        action.triggered.connect(lambda _checked=False: _view("import_preview", "open_import_dialog")(self))
        self.import_document_action = action
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
        self._add(edit, "&Find…", self.find_bar.start, QKeySequence.Find)
        self._add(edit, "Find &next", lambda: self.find_bar.go(1), QKeySequence.FindNext)
        self._add(edit, "Find pre&vious", lambda: self.find_bar.go(-1), QKeySequence.FindPrevious)
        edit.addSeparator()
        self._add(edit, "&Insert row\tCtrl++", lambda: self._grid_call("insert_row"), None)
        self._add(edit, "&Delete rows\tCtrl+-", lambda: self._grid_call("delete_selected_rows"), None)

        view = self.menuBar().addMenu("&View")
        for i in range(self.tabs.count()):  # Ctrl+1...9 for the first nine views
            if i and self.nav.group_of(i) != self.nav.group_of(i - 1):
                view.addSeparator()
            self._add(view, self.tabs.tabText(i), lambda _checked=False, i=i: self.tabs.setCurrentIndex(i),
                      QKeySequence(f"Ctrl+{i + 1}") if i < 9 else None)
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&About VIVIM Planner", self._about, None)
        self._refresh_recent()

    def _add(self, menu, text, slot, shortcut) -> QAction:  # noqa: ANN001
        """A menu action calling ``slot()`` with no argument (``triggered`` carries a
        ``checked`` flag that a slot with an optional parameter would take for its value)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
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
        """Every edit is in the file as soon as it is made: the window is never "modified"
        (the title and status bar say "All changes saved" instead, and closing asks nothing)."""
        self.setWindowModified(False)

    def _update_info(self, _changes=None) -> None:  # noqa: ANN001
        doc = self.controller.document
        self.setWindowTitle(f"{doc.plan.settings.name} — {doc.path.name}{title_mark(doc)}{' — ' + saved_words(doc) if saved_words(doc) else ''} — {APP_NAME}")
        if hasattr(self, "audit_view"):
            self._show_finding(self.audit_view.currentIndex())
        s = self.controller.plan.settings
        n = len(self.controller.findings)
        saved = f"{saved_words(doc)} · " if saved_words(doc) else ""
        self.status_info.setText(f"{saved}{status_words(doc)} · {s.currency} · {s.hours_per_month:g} h/month · "
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
        for grid in self.grids.built.values():
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

    def _about(self) -> None:
        from .. import __version__

        QMessageBox.about(self, APP_NAME, f"<b>{APP_NAME}</b> {__version__}<br>Cost planning for startup founders.")

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001
        if self.built("Uncertainty"):
            self.uncertainty.wait()  # a simulation still running reads a copy; let it end first
        self.controller.document.close()
        super().closeEvent(event)
