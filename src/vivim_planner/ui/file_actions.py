"""The window's File menu work: open, new, Save, Save As (a plan, or a workbook for a name
ending in .xlsx), Open Recent, Open Sample (the user's own copy), Excel import / export and a
grid as CSV. :class:`FileActions` is a part of :class:`~vivim_planner.ui.main_window.MainWindow`
(it uses the window's ``controller``, ``recent_menu``, ``samples_menu`` and ``show_message``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from ..domain import Plan, PlanError, PlanSettings
from ..storage import SUFFIX, PlanDocument
from .doc_status import system_number_locale

APP_NAME = "VIVIM Planner"
MAX_RECENT = 8
FILE_FILTER = f"VIVIM plans (*{SUFFIX});;All files (*)"
SAVE_AS_FILTER = f"VIVIM plans (*{SUFFIX});;Excel workbook, a copy for others (*.xlsx)"


def plan_file_name(path: Path) -> Path:
    """``path`` with the plan suffix added when it has another one (``acme`` -> ``acme.vivim``,
    ``acme.v2`` -> ``acme.v2.vivim``): a name the user typed is never cut."""
    return path if path.suffix.lower() == SUFFIX else path.with_name(path.name + SUFFIX)


def saved_words(document) -> str:  # noqa: ANN001 - PlanDocument
    """What the title and the status bar say of the file: every edit is written as it is
    made, so ``All changes saved``; ``""`` for a plan that takes no edits (the title and the
    status bar say read-only there)."""
    return "" if document.readonly else "All changes saved"


def recent_paths(settings: QSettings) -> list[str]:
    """The Open Recent paths, newest first. QSettings hands a one-item list back as a plain
    string after a relaunch (and may hold anything in a hand-edited file): always a list of
    path strings here."""
    value = settings.value("recent", [])
    if isinstance(value, str):
        value = [value] if value else []
    if not isinstance(value, (list, tuple)):
        return []
    return [str(p) for p in value if isinstance(p, str) and p]


SAMPLE_TITLES = {
    "vivim": "VIVIM: ten milestones, team and build costs",
    "vivim_eur": "VIVIM in euros (decimal comma)",
    "kalei": "Kalei: LLM usage, pricing tiers and economics",
    "vercel_per_user": "Vercel Pro: cost per user of one service",
    "infra_stages": "Infrastructure stages and a provider comparison",
}


class FileActions:
    """Opening, creating, saving and exchanging plan files from the window's menus."""

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
        path = plan_file_name(Path(path))
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
        path, _ = QFileDialog.getSaveFileName(self, "Save plan as", str(doc.path), SAVE_AS_FILTER)
        if path:
            self.save_as(path)

    def save_as(self, path: str | Path) -> bool:
        """Copy the plan to ``path`` and go on editing there. A name ending in ``.xlsx`` is
        exported as a workbook instead (and editing stays in the plan file, as the message
        says); any other name gets ``.vivim`` added (``acme.v2`` -> ``acme.v2.vivim``)."""
        path = Path(path)
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            if not self.export_excel(path.with_suffix(".xlsx")):
                return False
            self.show_message(f"Exported a workbook to {path.with_suffix('.xlsx').name}; you go on editing "
                              f"{self.controller.document.path.name} (File > Import from Excel reads a workbook back)")
            return True
        path = plan_file_name(path)
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

    def _fill_samples(self) -> None:
        from ..samples import sample_names

        for name in sample_names():
            action = self.samples_menu.addAction(SAMPLE_TITLES.get(name, name))
            action.setToolTip("Opens your own copy; the bundled sample never changes")
            action.triggered.connect(lambda _checked=False, name=name: self.open_sample(name))

    def open_sample(self, name: str) -> bool:
        """Open the user's own copy of bundled sample ``name`` (made on first use), never the
        installed file."""
        from .app import sample_working_copy

        try:
            path = sample_working_copy(name)
        except (OSError, PlanError) as e:
            QMessageBox.warning(self, "Cannot open sample", str(e))
            return False
        if not self.open_path(path):
            return False
        self.show_message(f"Sample {SAMPLE_TITLES.get(name, name)}: your own copy at {path}; the bundled file "
                          f"stays as shipped")
        return True

    def _settings(self) -> QSettings:
        return QSettings("VIVIM", APP_NAME)

    def _remember(self, path: Path) -> None:
        path = Path(path).resolve()
        recent = [p for p in recent_paths(self._settings()) if p != str(path)]
        self._settings().setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = recent_paths(self._settings())
        for p in recent:
            action = self.recent_menu.addAction(p)
            action.triggered.connect(lambda _checked=False, p=p: self.open_path(p))
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

