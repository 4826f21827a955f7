"""File > Import document…: a founder's Markdown, or any CSV / spreadsheet, previewed before
anything changes.

A Markdown document shows the plan it would create (its milestones with build cost, monthly
operating cost and cost per user, the audit's findings) and the import report; **Create plan…**
writes it to a new file and opens it. A CSV or spreadsheet shows how its columns map to the
grid's fields (each can be changed, as can the grid), the rows it would add and any bad cell
as ``Sheet!C7: reason``; **Add rows** adds them to the open plan as one undo step. Cancel, or
a document that cannot be read, leaves the open plan as it was.

:func:`open_import_dialog` is what the window's File menu calls.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout)

from ..domain import SPECS, PlanError
from ..engine import audit, summary
from ..sources import SourceError, import_markdown
from ..sources.spreadsheet import MappingError, read_sheet, sheet_command
from ..storage import SUFFIX, PlanDocument

FILTER = ("Founder documents (*.md *.markdown *.txt *.csv *.tsv *.xlsx);;Markdown (*.md *.markdown *.txt);;"
          "CSV (*.csv *.tsv);;Excel workbook (*.xlsx);;All files (*)")
SHEET_SUFFIXES = (".csv", ".tsv", ".xlsx")
_GREY, _AMBER = QColor("#777777"), QColor("#fff4d6")
_GRIDS = {"allocations": "Team", "roles": "Rate card", "build_items": "Build costs", "operating_costs": "Operations",
          "milestones": "Milestones", "revenues": "Revenue", "estimates": "Estimates"}


def _item(text: object, grey: bool = False, amber: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
    if grey:
        item.setForeground(QBrush(_GREY))
    if amber:
        item.setBackground(QBrush(_AMBER))
    if isinstance(text, (int, float)) or str(text).replace(",", "").replace(".", "").replace("-", "").isdigit():
        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return item


def _money(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.2f}" if abs(x) < 10 else f"{x:,.0f}"


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setEditTriggers(QTableWidget.NoEditTriggers)
    return t


def _report_table(report) -> QTableWidget:  # noqa: ANN001 - ImportReport
    t = _table(["Line", "What", "Became", "Needs hand help"])
    for e in report.entries:
        r = t.rowCount()
        t.insertRow(r)
        for c, v in enumerate((e.line, e.what, ("skipped: " if e.skipped else "") + e.became, e.help)):
            t.setItem(r, c, _item(v, grey=e.skipped and not e.help, amber=bool(e.help)))
    return t


class ImportPreviewDialog(QDialog):
    """The preview of one import (see the module docstring). ``kind`` is ``"markdown"`` or
    ``"sheet"``; ``confirm`` is the button that makes the change; ``result`` holds what was
    read (the new plan, or the rows), ``errors`` the problems that keep ``confirm`` disabled."""

    def __init__(self, window, path: Path):  # noqa: ANN001 - MainWindow
        super().__init__(window)
        self.window_, self.path = window, Path(path)
        self.setWindowTitle(f"Import {self.path.name}")
        self.resize(980, 640)
        self.kind = "sheet" if self.path.suffix.lower() in SHEET_SUFFIXES else "markdown"
        self.result = None
        self.errors: list[str] = []
        self.mapping: dict[str, str] = {}
        self.table_name: str | None = None
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.controls = QHBoxLayout()
        layout.addLayout(self.controls)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.confirm = QPushButton("Create plan…" if self.kind == "markdown" else "Add rows")
        self.confirm.setDefault(True)
        buttons.addButton(self.confirm, QDialogButtonBox.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.confirm.clicked.connect(self._confirmed)
        layout.addWidget(buttons)
        if self.kind == "sheet":
            self.grid_box = QComboBox()
            for name, title in _GRIDS.items():
                self.grid_box.addItem(title, name)
            self.grid_box.currentIndexChanged.connect(self._grid_changed)
            self.controls.addWidget(QLabel("Rows go to the grid"))
            self.controls.addWidget(self.grid_box)
            self.controls.addStretch(1)
        self.refresh()

    # -- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the source again with the current choices and show what it would do."""
        self.tabs.clear()
        self.errors = []
        if self.kind == "markdown":
            self._read_markdown()
        else:
            self._read_sheet()
        self.confirm.setEnabled(not self.errors and self.result is not None)

    def _read_markdown(self) -> None:
        try:
            self.result = import_markdown(self.path)
        except SourceError as e:
            self.result, self.errors = None, [str(e)]
            self.summary_label.setText(f"<b>{self.path.name} cannot be read.</b> {e}")
            return
        plan, report = self.result.plan, self.result.report
        s = summary(plan)
        findings = audit(plan)
        counts = ", ".join(f"{n:,} {t}" for t, n in report.counts.items() if n)
        self.summary_label.setText(
            f"<b>{plan.settings.name}</b> — {counts}. {plan.settings.currency}, {plan.settings.hours_per_month:g} hours "
            f"per FTE-month. Build cost (mid) {s['totals']['mid']:,.0f}; {len(findings)} audit findings; "
            f"{len(report.needs_help)} items need hand help. Nothing is written until you choose Create plan.")
        ms = _table(["Milestone", "Name", "Months", "Users", "Build low", "Build mid", "Build high", "Ops / month",
                     "Cost per user"])
        for m in s["milestones"]:
            r = ms.rowCount()
            ms.insertRow(r)
            values = (m["code"], m["name"], f"{m['start_month']:g}-{m['end_month']:g}", _money(m["users"]),
                      _money(m["build"]["low"]), _money(m["build"]["mid"]), _money(m["build"]["high"]),
                      _money(m["monthly_operating_cost"]),
                      "" if m["cost_per_user"] is None else f"{m['cost_per_user']:,.4g}")
            for c, v in enumerate(values):
                ms.setItem(r, c, _item(v))
        self.tabs.addTab(ms, "Plan it would create")
        self.tabs.addTab(_report_table(report), f"Report ({len(report.entries)})")
        notes = _table(["Decided by the importer"])
        for n in report.notes:
            notes.insertRow(notes.rowCount())
            notes.setItem(notes.rowCount() - 1, 0, _item(n))
        self.tabs.addTab(notes, "Notes")
        fs = _table(["Where", "Finding"])
        for f in findings:
            fs.insertRow(fs.rowCount())
            fs.setItem(fs.rowCount() - 1, 0, _item(f.where))
            fs.setItem(fs.rowCount() - 1, 1, _item(f.message))
        self.tabs.addTab(fs, f"Audit ({len(findings)})")

    def _read_sheet(self) -> None:
        plan = self.window_.controller.plan
        try:
            self.result = read_sheet(self.path, self.mapping, self.table_name, plan=plan)
        except MappingError as e:
            self.result, self.errors = None, e.errors
            if self.table_name is None and "do not say which grid" in e.errors[0]:
                self.table_name = self.grid_box.currentData()  # the grid shown: the user may change it
                self.errors = []
                self._read_sheet()
                return
        if self.result is not None and self.table_name is None:
            self.table_name = self.result.table
            self.grid_box.blockSignals(True)
            self.grid_box.setCurrentIndex(list(_GRIDS).index(self.result.table))
            self.grid_box.blockSignals(False)
        if self.result is not None:
            try:  # the rows must also fit the open plan (a role name used twice, a milestone)
                sheet_command(plan, self.result)
            except (MappingError, PlanError) as e:
                self.errors = getattr(e, "errors", [str(e)])
        self._mapping_tab()
        if self.result is not None:
            spec = SPECS[self.result.table]
            names = [f.name for f in spec.fields if any(f.name in r for r in self.result.rows)]
            rows = _table(["Source row"] + [spec.field(n).label for n in names])
            for src, values in list(zip(self.result.source_rows, self.result.rows))[:500]:
                r = rows.rowCount()
                rows.insertRow(r)
                rows.setItem(r, 0, _item(src, grey=True))
                for c, n in enumerate(names, 1):
                    v = values.get(n, "")
                    rows.setItem(r, c, _item(_money(v) if isinstance(v, float) else v))
            self.tabs.addTab(rows, f"Rows it would add ({len(self.result.rows):,})")
            self.tabs.addTab(_report_table(self.result.report), "Report")
        if self.errors:
            errs = _table(["Problem (the open plan is unchanged)"])
            for line in self.errors:
                errs.insertRow(errs.rowCount())
                errs.setItem(errs.rowCount() - 1, 0, _item(line, amber=True))
            self.tabs.insertTab(0, errs, f"Problems ({len(self.errors)})")
            self.tabs.setCurrentIndex(0)
        what = (f"{len(self.result.rows):,} rows for {SPECS[self.result.table].sheet}, added to the open plan as one "
                f"undo step when you choose Add rows" if self.result is not None else "nothing can be added yet")
        self.summary_label.setText(f"<b>{self.path.name}</b>: {what}." +
                                   (f" {len(self.errors)} problems: fix the mapping or the sheet." if self.errors else ""))

    def _mapping_tab(self) -> None:
        table = self.table_name or "allocations"
        headers = list(self.result.columns) if self.result is not None else list(self.mapping)
        if self.result is None:
            try:
                from ..sources.spreadsheet import read_cells

                _, cells = read_cells(self.path)
                headers = [str(c).strip() for c in next((r for r in cells if any(str(x).strip() for x in r)), []) if str(c).strip()]
            except MappingError:
                headers = []
        t = _table(["Column of the sheet", "Field of the grid"])
        self.field_boxes: dict[str, QComboBox] = {}
        labels = {f.label: f.name for f in SPECS[table].fields}
        for h in headers:
            r = t.rowCount()
            t.insertRow(r)
            t.setItem(r, 0, _item(h))
            box = QComboBox()
            box.addItem("(not used)", "")
            for label, name in labels.items():
                box.addItem(label, name)
            chosen = self.mapping.get(h)
            if chosen is None and self.result is not None:
                chosen = labels.get(self.result.columns.get(h, ""), "")
            box.setCurrentIndex(max(0, box.findData(chosen or "")))
            box.currentIndexChanged.connect(lambda _i, h=h, box=box: self._map_changed(h, box))
            t.setCellWidget(r, 1, box)
            self.field_boxes[h] = box
        self.tabs.addTab(t, "Columns")

    def _map_changed(self, header: str, box: QComboBox) -> None:
        name = box.currentData()
        if name:
            self.mapping[header] = name
        else:
            self.mapping.pop(header, None)
        self.refresh()
        self.tabs.setCurrentIndex(self.tabs.count() - 3 if self.result is not None else 0)

    def _grid_changed(self, _index: int) -> None:
        self.table_name = self.grid_box.currentData()
        self.mapping = {}
        self.refresh()

    # -- confirming --------------------------------------------------------------------------
    def _confirmed(self) -> None:
        if self.kind == "markdown":
            self._create_plan()
        else:
            self._add_rows()

    def _create_plan(self, path: str | None = None) -> None:
        if path is None:
            suggested = self.path.with_suffix(SUFFIX)
            path, _ = QFileDialog.getSaveFileName(self, "Create plan from document", str(suggested),
                                                  f"VIVIM plans (*{SUFFIX})")
            if not path:
                return
        target = Path(path)
        if target.suffix != SUFFIX:
            target = target.with_suffix(SUFFIX)
        try:
            PlanDocument.create(target, self.result.plan, overwrite=True).close()
        except PlanError as e:
            QMessageBox.warning(self, "Cannot create plan", str(e))
            return
        if self.window_.open_path(target):
            report = self.result.report
            self.window_.show_message(f"Imported {self.path.name} into {target.name}: "
                                      f"{len(report.entries)} blocks read, {len(report.needs_help)} need hand help")
        self.accept()

    def _add_rows(self) -> None:
        controller = self.window_.controller
        try:
            command = sheet_command(controller.plan, self.result)
        except (MappingError, PlanError) as e:
            self.errors = getattr(e, "errors", [str(e)])
            self.refresh()
            return
        if controller.execute(command):
            self.window_.show_message(f"Imported {len(self.result.rows):,} rows from {self.path.name} into "
                                      f"{SPECS[self.result.table].sheet} (one undo step)")
            self.accept()


def open_import_dialog(window, path: str | Path | None = None) -> ImportPreviewDialog | None:  # noqa: ANN001
    """File > Import document…: ask for a file (unless ``path``), then show its preview,
    window-modal without a nested event loop. The dialog is kept on ``window.import_preview``."""
    if path is None:
        folder = window.controller.document.path.parent
        path, _ = QFileDialog.getOpenFileName(window, "Import document", str(folder), FILTER)
        if not path:
            return None
    dialog = ImportPreviewDialog(window, Path(path))
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    window.import_preview = dialog
    dialog.open()
    return dialog


def add_import_action(window, menu) -> None:  # noqa: ANN001 - MainWindow, QMenu
    """Add File > Import document… to ``menu`` (the window's one hook)."""
    action = menu.addAction("Import &document (Markdown, CSV)…")
    action.triggered.connect(lambda: open_import_dialog(window))
    window.import_document_action = action
