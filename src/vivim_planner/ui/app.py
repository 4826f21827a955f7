"""Starting the window: the application object, icon, the bundled sample's working copy,
and offscreen screenshots for the CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ..domain import PlanError
from ..samples import sample_path
from ..storage import PlanDocument
from .main_window import APP_NAME, MainWindow

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


def sample_working_copy(name: str = "vivim") -> Path:
    """The user's own copy of bundled sample ``name`` (made on first use, in this version's
    file format), so edits never touch the installed file and opening it writes nothing.
    Raises ``FileNotFoundError`` for an unknown sample, :class:`PlanError` when the copy
    cannot be written."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "Samples"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.vivim"
    if not target.exists():
        source = PlanDocument.open(sample_path(name), readonly=True)  # upgraded in memory if older
        try:
            source.save_as(target)
        finally:
            source.close()
    return target


def last_plan() -> Path | None:
    """The plan the window had open last (the newest Open Recent entry that still exists)."""
    from PySide6.QtCore import QSettings

    from .file_actions import recent_paths

    for p in recent_paths(QSettings("VIVIM", APP_NAME)):
        if Path(p).is_file():
            return Path(p)
    return None


def open_start_document(path: str | None = None) -> tuple[PlanDocument, str]:
    """The document the window starts on: ``path``; without one the last plan (when it still
    opens), else the user's copy of the VIVIM sample. Returns it and a message for the status
    bar (``""`` when there is nothing to say). Raises :class:`PlanError` for a bad ``path``."""
    if path:  # a .vivim path or a team plan's URL
        from .team_window import ask_password, open_document

        return open_document(path, password_prompt=ask_password), ""
    last = last_plan()
    if last is not None:
        try:
            return PlanDocument.open(last), ""
        except PlanError as e:
            note = f"The last plan did not open ({e}); this is the VIVIM sample"
            return PlanDocument.open(sample_working_copy()), note
    return PlanDocument.open(sample_working_copy()), ""


def run_window(path: str | None = None, dialogs: bool = False) -> int:
    """Open the window on ``path`` (None: the last plan, else the VIVIM sample's copy) and
    run until it closes. Raises :class:`PlanFileError` when the file cannot be opened; with
    ``dialogs`` (started from a desktop icon, no console to read) it shows the reason in a
    dialog and returns 2."""
    app = application()
    try:
        doc, note = open_start_document(path)
    except PlanError as e:
        if not dialogs:
            raise
        QMessageBox.critical(None, "Cannot open plan", str(e))
        return 2
    window = MainWindow(doc)
    if note:
        window.show_message(note)
    window._remember(doc.path)
    window.show()
    return app.exec()


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720). Raises ``ValueError`` naming the text for anything else
    (each side 320 to 7680 px)."""
    try:
        w, h = (int(x) for x in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"size {text!r}: write it as WIDTHxHEIGHT, e.g. 1280x720") from None
    if not (320 <= w <= 7680 and 320 <= h <= 7680):
        raise ValueError(f"size {text!r}: each side must be 320 to 7680 pixels")
    return w, h


def screenshot(plan_path: str, out_png: str, tab: str | None = None, size: tuple[int, int] = (1280, 800)) -> None:
    """Render the window on ``plan_path`` offscreen at ``size`` (width, height in px) on view
    ``tab`` (default the Dashboard) and save it as PNG. Raises ``ValueError`` for an unknown
    view and :class:`PlanFileError` for a bad plan file; the plan file is opened read-only."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    doc = PlanDocument.open(plan_path, readonly=True)
    window = MainWindow(doc)
    try:
        window.tabs.setCurrentIndex(window.tab_index(tab or "Dashboard"))
        window.resize(*size)
        window.show()
        app.processEvents()
        window.resize(*size)
        app.processEvents()
        if not window.grab().save(str(out_png)):
            raise OSError(f"{out_png}: cannot write the PNG")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
