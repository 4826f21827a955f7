"""What a grid shows over its :class:`PlanTableModel`: the plan's rows, then one empty row to
type a new line into (Enter on the last row moves there, a click below the rows lands there,
a paste there adds rows), optionally sorted or filtered by a column as a *view*: the plan's
own row order is never changed by sorting.

Layers: ``PlanTableModel`` + :class:`NewRowModel` -> ``QConcatenateTablesProxyModel`` ->
:class:`GridRows` (``QSortFilterProxyModel``). The new row stays last in either sort order and
is never filtered out.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QConcatenateTablesProxyModel, QModelIndex, QSortFilterProxyModel, Qt

from ..commands import insert_rows
from . import roles as R
from .table_model import PlanTableModel
from .words import choice_code

NEW_ROW_FG = "#8a94a3"


class NewRowModel(QAbstractTableModel):
    """One empty row below a plan table; typing a value into it adds a line with that value
    (one undo step), the rest of the line at its defaults."""

    def __init__(self, source: PlanTableModel, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.source = source

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 1

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.source.columnCount()

    def flags(self, index) -> Qt.ItemFlags:  # noqa: ANN001
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        return base | Qt.ItemIsEditable if self.source.field_at(index.column()) else base

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        if role == R.EDIT:
            return ""
        if role == R.TOOLTIP:
            return f"Type here to add a {self.source.spec.noun}"
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if orientation == Qt.Vertical and role == R.DISPLAY:
            return "+"
        if orientation == Qt.Vertical and role == R.TOOLTIP:
            return f"A new {self.source.spec.noun}: type or paste here"
        return None

    def setData(self, index, value, role=Qt.EditRole) -> bool:  # noqa: N802, ANN001
        """Add a row at the end holding ``value`` in this column; False (and the reason in
        the status bar) when it is refused. An empty value adds nothing."""
        f = self.source.field_at(index.column())
        if f is None or role != R.EDIT or value in (None, ""):
            return False
        src = self.source
        value = choice_code(f, value)
        command = src.controller.try_build(insert_rows, src.name, src.rowCount(), [{f.name: value}])
        return command is not None and src.controller.execute(command)


class GridRows(QSortFilterProxyModel):
    """The grid's rows: sorted by one column (or the plan's order) and filtered by a text per
    column (a row shows when every filtered column's text contains its filter, ignoring case).
    The new row is last and always shown."""

    def __init__(self, source: PlanTableModel, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.plan_model = source
        self.new_row = NewRowModel(source, self)
        self.joined = QConcatenateTablesProxyModel(self)
        self.joined.addSourceModel(source)
        self.joined.addSourceModel(self.new_row)
        self.filters: dict[int, str] = {}
        self.setSourceModel(self.joined)
        self.setDynamicSortFilter(True)
        self.setSortRole(R.USER)
        self.sort(-1)  # the plan's order

    def is_new_row(self, row: int) -> bool:
        """Whether view row ``row`` is the empty row below the plan's rows."""
        return row >= self.rowCount() - 1

    def source_row(self, row: int) -> int:
        """The plan table row of view row ``row`` (``plan_model.rowCount()`` for the new row)."""
        return self.mapToSource(self.index(row, 0)).row()

    def view_row(self, source_row: int) -> int:
        """The view row of plan row ``source_row`` (-1 when the filter hides it)."""
        return self.mapFromSource(self.joined.index(source_row, 0)).row()

    def set_filter(self, column: int, text: str) -> None:
        """Show only rows whose ``column`` text contains ``text`` (empty: no filter there)."""
        self._refilter(lambda: self.filters.__setitem__(column, text.casefold()) if text
                       else self.filters.pop(column, None))

    def clear_view(self) -> None:
        """Back to every row in the plan's order."""
        self._refilter(self.filters.clear)
        self.sort(-1)

    def _refilter(self, change) -> None:  # noqa: ANN001
        """Apply ``change()`` to the filters and refilter (Qt 6.9's begin/endFilterChange
        where it has them, ``invalidateFilter`` before)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    @property
    def is_plain(self) -> bool:
        """True when the rows are the plan's, all of them, in its order."""
        return not self.filters and self.sortColumn() < 0

    _HEADER_ROLES = frozenset({R.DISPLAY, R.TOOLTIP, R.FONT})  # the roles the plan's model answers

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, ANN001
        if role not in self._HEADER_ROLES:
            return None
        text = super().headerData(section, orientation, role)
        if orientation == Qt.Horizontal and role == R.DISPLAY and section in self.filters:
            return f"{text} (filtered)"
        if orientation == Qt.Vertical and role == R.DISPLAY and section < self.rowCount() - 1 and not self.is_plain:
            return str(self.source_row(section) + 2)  # the plan's row number, as messages name it
        return text

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802, ANN001
        if not self.filters or row >= self.plan_model.rowCount():
            return True
        for col, text in self.filters.items():
            shown = self.plan_model.index(row, col).data(R.DISPLAY)
            if text not in str(shown or "").casefold():
                return False
        return True

    def lessThan(self, left, right) -> bool:  # noqa: N802, ANN001
        n = self.plan_model.rowCount()
        if left.row() >= n or right.row() >= n:  # the new row: last in either order
            last_left = left.row() >= n
            return (not last_left) if self.sortOrder() == Qt.AscendingOrder else last_left
        f = self.plan_model.field_at(left.column())
        role = R.DISPLAY if f is not None and f.kind.value == "ref" else R.USER
        a, b = left.data(role), right.data(role)
        a_empty = a is None or a == "" or a != a
        b_empty = b is None or b == "" or b != b
        if a_empty or b_empty:  # empty cells after the filled ones, in either order
            return (not a_empty and b_empty) == (self.sortOrder() == Qt.AscendingOrder) if a_empty != b_empty else False
        if isinstance(a, str) or isinstance(b, str):
            return str(a).casefold() < str(b).casefold()
        return a < b
