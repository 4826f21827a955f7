"""A grid column's header menu (sort A to Z / Z to A, filter, back to the plan's order) and
columns that widen when a value outgrows them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMenu, QTableView, QWidget, QWidgetAction

from . import roles as R

MAX_WIDTH = 420
"""Widest a column grows by itself (px); the user can drag it wider."""
PADDING = 18  # px of cell margins and the sort indicator around the text


def widen_columns(view: QTableView, top_left, bottom_right, max_rows: int = 200) -> None:  # noqa: ANN001
    """Widen the columns of ``view`` between two indexes of its (source) model whose text no
    longer fits; never narrows (a column the user made narrow stays so until a value outgrows
    it). Looks at ``max_rows`` rows at most, so a large paste stays fast."""
    if not top_left.isValid():
        return
    model = top_left.model()
    metrics = view.fontMetrics()
    bold = view.font()
    bold.setBold(True)
    bold_metrics = type(metrics)(bold)
    last = min(bottom_right.row(), top_left.row() + max_rows)
    for col in range(top_left.column(), bottom_right.column() + 1):
        need = 0
        for row in range(top_left.row(), last + 1):
            text = model.index(row, col).data(R.DISPLAY)
            if text:
                font = model.index(row, col).data(R.FONT)
                m = bold_metrics if font is not None and font.bold() else metrics
                need = max(need, m.horizontalAdvance(str(text)) + PADDING)
        if need > view.columnWidth(col):
            view.setColumnWidth(col, min(need, MAX_WIDTH))


def header_menu(grid, pos) -> QMenu:  # noqa: ANN001 - GridView, QPoint
    """Show the header menu of the column at ``pos`` (header coordinates); returns the menu."""
    header = grid.horizontalHeader()
    col = header.logicalIndexAt(pos)
    menu = column_menu(grid, col)
    if col >= 0:
        menu.popup(header.viewport().mapToGlobal(pos))
    return menu


def column_menu(grid, col: int) -> QMenu:  # noqa: ANN001 - GridView
    """The menu for column ``col``: sort either way, the plan's order, a filter box."""
    rows = grid.rows
    name = str(grid.plan_model.headerData(col, Qt.Horizontal) or "")
    menu = QMenu(grid)
    menu.setObjectName("columnMenu")
    menu.addAction(f"Sort by {name}, A to Z / smallest first", lambda: grid.sort_view(col, Qt.AscendingOrder))
    menu.addAction(f"Sort by {name}, Z to A / largest first", lambda: grid.sort_view(col, Qt.DescendingOrder))
    plan_order = menu.addAction("The plan's order (as in the file)", lambda: grid.sort_view(-1))
    plan_order.setEnabled(rows.sortColumn() >= 0)
    menu.addSeparator()
    box = QWidget(menu)
    lay = QHBoxLayout(box)
    lay.setContentsMargins(8, 2, 8, 2)
    lay.addWidget(QLabel("Show rows containing", box))
    edit = QLineEdit(box)
    edit.setObjectName("filterEdit")
    edit.setPlaceholderText("text (empty: all)")
    edit.setText(rows.filters.get(col, ""))
    edit.setClearButtonEnabled(True)
    lay.addWidget(edit)
    action = QWidgetAction(menu)
    action.setDefaultWidget(box)
    menu.addAction(action)

    def apply() -> None:
        grid.filter_view(col, edit.text())
        menu.close()

    edit.returnPressed.connect(apply)
    clear = menu.addAction("Show every row in the plan's order", lambda: grid.sort_view(-1, clear=True))
    clear.setEnabled(not rows.is_plain)
    return menu
