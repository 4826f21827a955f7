"""Find across every grid (Ctrl+F): a bar under the views with the text to look for; Enter
or F3 goes to the next cell that shows it, Shift+Enter / Shift+F3 to the previous one, Escape
closes the bar. Cells match on the text they show, ignoring case, in the sidebar's order of
grids, row by row."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from . import roles as R


@dataclass(frozen=True)
class Match:
    """One cell that shows the text: ``table``, plan ``row``, ``column`` and its address."""

    table: str
    row: int
    column: int
    where: str


def find_cells(window, text: str) -> list[Match]:  # noqa: ANN001 - MainWindow
    """Every grid cell of ``window`` whose shown text contains ``text`` (ignoring case), in
    the order of the sidebar's views, then rows, then columns."""
    from ..domain import column_letter

    needle = text.casefold().strip()
    if not needle:
        return []
    grids = list(window.grids.items())  # builds grid pages not shown yet (not the chart views)
    order = []
    for i in range(window.nav.count()):
        page = window.nav.container(i)
        order += [(name, g) for name, g in grids if page.isAncestorOf(g) and (name, g) not in order]
    out = []
    for name, grid in order:
        m = grid.plan_model
        for r in range(m.rowCount()):
            for c in range(m.columnCount()):
                shown = m.index(r, c).data(R.DISPLAY)
                if shown and needle in str(shown).casefold():
                    out.append(Match(name, r, c, f"{m.spec.sheet}!{column_letter(c)}{r + 2}"))
    return out


class FindBar(QWidget):
    """The find bar of ``window``; hidden until :meth:`start` (Ctrl+F)."""

    def __init__(self, window, parent=None):  # noqa: ANN001 - MainWindow
        super().__init__(parent)
        self.window_ = window
        self.matches: list[Match] = []
        self.position = -1
        self._searched = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(QLabel("Find:", self))
        self.edit = QLineEdit(self)
        self.edit.setObjectName("findEdit")
        self.edit.setPlaceholderText("text or number as shown, in every grid")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMaximumWidth(360)
        self.edit.textChanged.connect(self._changed)
        self.edit.installEventFilter(self)
        lay.addWidget(self.edit)
        for text, tip, step in (("▲", "Previous (Shift+Enter, Shift+F3)", -1), ("▼", "Next (Enter, F3)", 1)):
            b = QToolButton(self)
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _checked=False, step=step: self.go(step))
            lay.addWidget(b)
        self.result = QLabel(self)
        self.result.setStyleSheet("color: #5b6572;")
        lay.addWidget(self.result, 1)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        close.clicked.connect(lambda _checked=False: self.stop())
        lay.addWidget(close)
        self.hide()

    def start(self) -> None:
        """Show the bar with its text selected, ready to type."""
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def stop(self) -> None:
        self.hide()
        grid = self.window_.focused_grid()
        if grid is not None:
            grid.setFocus()

    def _changed(self, _text: str) -> None:
        self._searched = None  # searched again on the next Enter: the plan may have changed too

    def go(self, step: int = 1) -> Match | None:
        """Go to the next (``step`` 1) or previous (-1) match; returns it, or None."""
        text = self.edit.text()
        if self._searched != text or not self.matches:
            self.matches = find_cells(self.window_, text)
            self._searched = text
            self.position = -1 if step > 0 else 0
        if not self.matches:
            self.result.setText("No cell shows that" if text.strip() else "")
            return None
        self.position = (self.position + step) % len(self.matches)
        match = self.matches[self.position]
        grid = self.window_.show_table(match.table)
        grid.go_to(match.row, match.column)
        self.edit.setFocus()  # keep typing or press Enter again
        self.result.setText(f"{self.position + 1} of {len(self.matches)}: {match.where}")
        return match

    def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001
        """Enter / F3 (Shift: backwards) and Escape in the text box."""
        if obj is self.edit and event.type() == QEvent.KeyPress:
            key, shift = event.key(), bool(event.modifiers() & Qt.ShiftModifier)
            if key in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_F3):
                self.go(-1 if shift else 1)
                return True
            if key == Qt.Key_Escape:
                self.stop()
                return True
        return super().eventFilter(obj, event)
