"""Starting the window: the application object, icon, the bundled sample's working copy,
and offscreen screenshots for the CLI."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ..domain import PlanError
from ..samples import sample_path
from ..storage import PlanDocument
from .main_window import APP_NAME, MainWindow
from .team_window import ask_password, open_document

ICON_NAMES = ("vivim-planner.svg",)


def icon_path() -> Path | None:
    """The app icon inside the package, or in the source tree's ``resources/``."""
    here = Path(__file__).resolve().parents[1]
    for folder in (here / "resources", here.parents[1] / "resources"):
        for name in ICON_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named and with its icon."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("VIVIM")
    app.setApplicationDisplayName(APP_NAME)
    icon = icon_path()
    if icon:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def sample_working_copy() -> Path:
    """The user's own copy of the bundled VIVIM sample (made on first use), so edits never
    touch the installed file."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "Samples"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "vivim.vivim"
    if not target.exists():
        shutil.copyfile(sample_path("vivim"), target)
    return target


def run_window(path: str | None = None, dialogs: bool = False) -> int:
    """Open the window on ``path`` (None: the VIVIM sample) and run until it closes.
    Raises :class:`PlanFileError` when the file cannot be opened; with ``dialogs`` (started
    from a desktop icon, no console to read) it shows the reason in a dialog and returns 2."""
    app = application()
    try:
        doc = open_document(path, password_prompt=ask_password) if path else PlanDocument.open(sample_working_copy())
    except PlanError as e:
        if not dialogs:
            raise
        QMessageBox.critical(None, "Cannot open plan", str(e))
        return 2
    window = MainWindow(doc)
    window._remember(doc.path)
    window.show()
    return app.exec()


def screenshot(plan_path: str, out_png: str, tab: str | None = None) -> None:
    """Render the window on ``plan_path`` offscreen at 1280x800 on tab ``tab`` (default
    Summary) and save it as PNG. Raises ``ValueError`` for an unknown tab and
    :class:`PlanFileError` for a bad plan file; the plan file is opened read-only."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    doc = PlanDocument.open(plan_path, readonly=True)
    window = MainWindow(doc)
    try:
        window.tabs.setCurrentIndex(window.tab_index(tab or "Summary"))
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        if not window.grab().save(str(out_png)):
            raise OSError(f"{out_png}: cannot write the PNG")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
