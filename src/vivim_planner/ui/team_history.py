"""The History view of a team plan: who changed which cell when, newest first, as the server
keeps it (``vivim_history``). It follows live edits while open; double-click a row to go to
the cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

COLUMNS = ("When", "Who", "Where", "Was", "Now", "Edit")
LIMIT = 1000


class HistoryView(QWidget):
    """A table of :class:`~vivim_planner.storage.postgres.HistoryEntry` rows for the window's document."""

    def __init__(self, window):  # noqa: ANN001 - MainWindow
        super().__init__(window)
        self.window = window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        window.controller.changed.connect(lambda _cs: self.refresh(only_if_shown=True))
        window.controller.document_replaced.connect(lambda: self.refresh(only_if_shown=True))
        self.entries = []
        self.refresh()

    def refresh(self, only_if_shown: bool = False) -> None:
        """Read the history again (after every local or remote edit while shown)."""
        if only_if_shown and not self.isVisible():
            return
        doc = self.window.controller.document
        if not hasattr(doc, "history"):
            self.entries = []
            self.caption.setText("History is kept for team plans (File > Open Team Plan…); a local file has "
                                 "only its undo steps (Edit > Undo).")
        elif doc.offline:
            self.caption.setText(f"Offline: {doc.offline}")
            return
        else:
            try:
                self.entries = doc.history(LIMIT)
            except Exception as e:  # noqa: BLE001 - the server went away between two checks
                self.caption.setText(f"History not available: {e}")
                return
            self.caption.setText(f"<b>{doc.display()}</b>: the latest {len(self.entries)} changes, newest first; "
                                 f"hover a row for its revision")
        self.table.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            when = e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            for c, text in enumerate((when, e.author, e.where, e.old, e.new, e.label)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"Revision {e.revision}: {e.label}")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()


def show_history(window) -> QDockWidget:  # noqa: ANN001 - MainWindow
    """Show (creating once) the History dock of ``window``."""
    dock = getattr(window, "history_dock", None)
    if dock is None:
        dock = QDockWidget("History", window)
        dock.setObjectName("history_dock")
        dock.setWidget(HistoryView(window))
        dock.setMinimumWidth(520)
        window.addDockWidget(Qt.RightDockWidgetArea, dock)
        window.history_dock = dock
    dock.widget().refresh()
    dock.show()
    dock.raise_()
    return dock
