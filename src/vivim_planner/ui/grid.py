"""The spreadsheet grid: keyboard navigation, clipboard as TSV (Excel / LibreOffice), clearing
cells, adding and deleting rows. Every change goes through the controller as one undo step."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QComboBox, QHeaderView, QMenu,
                               QStyledItemDelegate, QTableView)

from ..commands import delete_rows, insert_rows, paste_block, set_cells
from ..domain import METRICS, CellError, Kind
from ..domain.schema import BOUNDS
from ..domain.fields import text_key
from .grid_proxy import GridRows
from .grid_view_menu import header_menu, widen_columns
from .table_model import PlanTableModel
from .words import choice_code, choice_words


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from clipboard text as Excel / LibreOffice copy it (tab-separated, quoted
    cells may hold tabs or newlines, one trailing newline)."""
    if not text:
        return []
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR (classic Mac) ends a row too
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    except csv.Error:  # malformed quoting: one cell, which the field then judges
        return [[text]]
    return [r if r else [""] for r in rows]


def to_tsv(rows: list[list[str]]) -> str:
    """TSV text that Excel and LibreOffice paste as cells (quotes only where needed)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buf.getvalue()


CHOICES_OF = {"metric": METRICS, "bound": BOUNDS}  # the stated figures' codes (validated by the plan)


class RefDelegate(QStyledItemDelegate):
    """Editors: a drop-down of milestone codes / role names for reference columns, the
    default line editor elsewhere. The model validates whatever is typed."""

    def createEditor(self, parent, option, index):  # noqa: N802, ANN001
        model = self.parent().plan_model
        f = model.field_at(index.column())
        if f is not None and f.kind is Kind.REF:
            combo = QComboBox(parent)
            combo.setEditable(True)
            table = model.controller.plan.tables[f.ref_table]
            key = "code" if f.ref_table == "milestones" else "name"
            combo.addItems(list(table.column(key)))
            combo.setInsertPolicy(QComboBox.NoInsert)
            return combo
        choices = f.choices or (CHOICES_OF.get(f.name, ()) if f is not None and model.name == "stated_figures" else ())
        if f is not None and choices:  # units, metrics, bounds: pick one (typing still works)
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItems(([""] if not f.required else []) + [choice_words(c) for c in choices])
            combo.setInsertPolicy(QComboBox.NoInsert)
            combo.setMaxVisibleItems(15)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index) -> None:  # noqa: N802, ANN001
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data(Qt.EditRole) or "")
            editor.lineEdit().selectAll()  # typing replaces the value, as in any cell
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802, ANN001
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.EditRole)
            return
        super().setModelData(editor, model, index)


class GridView(QTableView):
    """A table view that behaves like a spreadsheet.

    Keys: arrows move; Enter / Shift+Enter commit and move down / up (from the last row to
    the empty row below it, where typing adds a line); Tab / Shift+Tab move right / left; F2
    or typing edits; Delete clears the selected input cells; Ctrl+C / Ctrl+V copy and paste
    TSV (a single copied value fills the whole selection; rows pasted past the end are added;
    a first row that repeats the column headers is skipped); Ctrl++ inserts a row, Ctrl+-
    deletes the selected rows. The header's context menu sorts or filters the rows as a view.
    Rows of :attr:`rows` (the view) map to rows of :attr:`plan_model` (the plan's order) with
    :meth:`source_row` and :meth:`view_index`.
    """

    fitted = Signal()
    """Emitted after the columns were sized to their contents (the totals row follows)."""

    def __init__(self, model: PlanTableModel, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.rows = GridRows(model, self)
        self.setModel(self.rows)
        self.setItemDelegate(RefDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)
        self.setCornerButtonEnabled(True)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.Fixed)
        vh.setDefaultSectionSize(24)
        hh = self.horizontalHeader()
        hh.setHighlightSections(True)
        hh.setStretchLastSection(False)
        hh.setContextMenuPolicy(Qt.CustomContextMenu)
        hh.customContextMenuRequested.connect(lambda pos: header_menu(self, pos))
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.fit_columns()
        model.dataChanged.connect(lambda tl, br, _roles=(): widen_columns(self, tl, br))

    def model(self) -> PlanTableModel:  # noqa: D401
        """The plan's model (``plan_model``): rows in the plan's order, without the new row.
        Its indexes work wherever a view index does here (see :meth:`setCurrentIndex`)."""
        return self.rows.plan_model

    @property
    def plan_model(self) -> PlanTableModel:
        return self.rows.plan_model

    def source_row(self, row: int) -> int:
        """The plan row of view row ``row`` (``plan_model.rowCount()`` for the new row)."""
        return self.rows.source_row(row)

    def view_index(self, row: int, column: int):  # noqa: ANN201 - QModelIndex
        """The view's index of plan row ``row`` (the new row for ``rowCount()``)."""
        if row >= self.plan_model.rowCount():
            return self.rows.index(self.rows.rowCount() - 1, column)
        return self.rows.index(self.rows.view_row(row), column)

    def _own(self, index):  # noqa: ANN001, ANN202
        """A view index for an index of the view or of the plan model."""
        if index.isValid() and index.model() is self.plan_model:
            return self.view_index(index.row(), index.column())
        return index

    def setCurrentIndex(self, index) -> None:  # noqa: N802, ANN001
        super().setCurrentIndex(self._own(index))

    def edit(self, index, *args):  # noqa: ANN001, ANN002, ANN201
        """Open the editor of a view or plan-model index (Qt's own calls pass view indexes)."""
        return super().edit(self._own(index), *args)

    def fit_columns(self) -> None:
        """Size columns to their contents once per file, judging by the first rows only (Qt
        would otherwise ask every row of a 20,000-line table), when the grid is first shown
        (a window of 28 grids starts without measuring them all); values that grow later
        widen their column (:func:`widen_columns`)."""
        if not self.isVisible():
            self._fit_due = True
            return
        self._fit_due = False
        self.horizontalHeader().setResizeContentsPrecision(100)
        self.resizeColumnsToContents()
        for c in range(self.rows.columnCount()):
            self.setColumnWidth(c, min(max(self.columnWidth(c) + 12, 70), 260))
        self.fitted.emit()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if getattr(self, "_fit_due", False):
            self.fit_columns()

    # -- keyboard --------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001
        key, mods = event.key(), event.modifiers()
        if event.matches(QKeySequence.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.Paste):
            self.paste()
            return
        if event.matches(QKeySequence.Cut):
            self.copy_selection()
            self.clear_selection()
            return
        if key in (Qt.Key_Delete, Qt.Key_Backspace) and self.state() != QAbstractItemView.EditingState:
            self.clear_selection()
            return
        if key in (Qt.Key_Return, Qt.Key_Enter) and self.state() != QAbstractItemView.EditingState:
            self._move(-1 if mods & Qt.ShiftModifier else 1, 0)
            return
        if mods & Qt.ControlModifier and key in (Qt.Key_Plus, Qt.Key_Equal):
            self.insert_row()
            return
        if mods & Qt.ControlModifier and key == Qt.Key_Minus:
            self.delete_selected_rows()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802, ANN001
        """Enter commits and moves down, Tab / Shift+Tab commit and move right / left, as in
        Excel: the next cell is selected, not opened for editing."""
        if hint in (QAbstractItemDelegate.EditNextItem, QAbstractItemDelegate.EditPreviousItem):
            super().closeEditor(editor, QAbstractItemDelegate.NoHint)
            self._move(0, 1 if hint == QAbstractItemDelegate.EditNextItem else -1)
            return
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.SubmitModelCache:
            self._move(1, 0)  # a line typed into the new row was added above it: it moves with it

    def _move(self, drow: int, dcol: int) -> None:
        cur = self.currentIndex()
        if not cur.isValid():
            return
        row = min(max(cur.row() + drow, 0), self.rows.rowCount() - 1)
        col = min(max(cur.column() + dcol, 0), self.rows.columnCount() - 1)
        self.setCurrentIndex(self.rows.index(row, col))

    def mousePressEvent(self, event) -> None:  # noqa: N802, ANN001
        """A click below the last row selects the empty row in that column, where a paste or
        typing lands (as a click on an empty sheet row does)."""
        if not self.indexAt(event.position().toPoint()).isValid() and event.button() == Qt.LeftButton:
            col = self.columnAt(int(event.position().x()))
            if col >= 0 and self.rows.rowCount():
                self.select_only(self.rows.index(self.rows.rowCount() - 1, col))
                self.setFocus()
                return
        super().mousePressEvent(event)

    # -- clipboard -------------------------------------------------------------------------
    def _selected_block(self) -> tuple[int, int, int, int] | None:
        idx = self.selectionModel().selectedIndexes()
        if not idx:
            cur = self.currentIndex()
            if not cur.isValid():
                return None
            idx = [cur]
        rows = [i.row() for i in idx]
        cols = [i.column() for i in idx]
        return min(rows), min(cols), max(rows), max(cols)

    def copy_selection(self) -> None:
        """Copy the selected block as TSV of plain values (numbers without separators)."""
        block = self._selected_block()
        if block is None:
            return
        r0, c0, r1, c1 = block
        m = self.rows
        rows = [[m.index(r, c).data(Qt.EditRole) or "" for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)
                if not self.rows.is_new_row(r)]
        QGuiApplication.clipboard().setText(to_tsv(rows))

    def _without_header(self, block: list[list[str]], c0: int) -> list[list[str]]:
        """Drop a first row that repeats this grid's column headers (a sheet copied with its
        header row, or this grid's own export)."""
        if len(block) < 2:
            return block
        m = self.plan_model
        heads = [str(m.headerData(c0 + j, Qt.Horizontal) or "") for j in range(len(block[0]))]
        labels = [m.field_at(c0 + j).label if m.field_at(c0 + j) else h for j, h in enumerate(heads)]
        first = [text_key(c) for c in block[0]]
        if any(first) and all(not c or c in (text_key(h), text_key(lab)) for c, h, lab in zip(first, heads, labels)):
            return block[1:]
        return block

    def paste(self, text: str | None = None) -> bool:
        """Paste TSV at the current cell as one undo step. Computed columns are skipped; rows
        beyond the last are added. On any bad value nothing changes and the reason is shown."""
        m = self.plan_model
        block = parse_tsv(QGuiApplication.clipboard().text() if not isinstance(text, str) else text)
        sel = self._selected_block()
        if not block or sel is None:
            return False
        r0, c0, r1, c1 = sel
        block = self._without_header(block, c0)
        if len(block) == 1 and len(block[0]) == 1 and (r1 > r0 or c1 > c0):
            block = [[block[0][0]] * (c1 - c0 + 1) for _ in range(r1 - r0 + 1)]  # fill the selection
        n_fields = len(m.spec.fields)
        edits, new_rows = [], []
        last_view = self.rows.rowCount() - 1  # the new row
        for i, cells in enumerate(block):
            row = r0 + i
            values = {}
            for j, raw in enumerate(cells):
                col = c0 + j
                if col >= n_fields:
                    continue
                f = m.spec.fields[col]
                values[f.name] = choice_code(f, raw)
            if row < last_view:
                edits += [(m.row_id(self.source_row(row)), name, raw) for name, raw in values.items()]
            else:
                new_rows.append(values)
        ctrl = m.controller
        n = len(block) * max(len(r) for r in block)
        try:
            command = paste_block(ctrl.plan, m.name, edits, new_rows, f"Paste {n} cell{'s' if n != 1 else ''}")
        except CellError as e:
            ctrl.message.emit(f"Paste refused, nothing changed: {e}")
            return False
        ok = ctrl.execute(command)
        if ok:
            width = max(len(r) for r in block)
            self.selectionModel().select(self._range(r0, c0, r0 + len(block) - 1, c0 + width - 1),
                                         QItemSelectionModel.ClearAndSelect)
        return ok

    def _range(self, r0: int, c0: int, r1: int, c1: int) -> QItemSelection:
        m = self.rows
        r1, c1 = min(r1, m.rowCount() - 1), min(c1, m.columnCount() - 1)
        return QItemSelection(m.index(r0, c0), m.index(r1, c1))

    def clear_selection(self) -> bool:
        """Empty the selected input cells (one undo step); required cells refuse."""
        m = self.plan_model
        edits = []
        for idx in self.selectionModel().selectedIndexes() or [self.currentIndex()]:
            f = m.field_at(idx.column()) if idx.isValid() and not self.rows.is_new_row(idx.row()) else None
            if f is not None:
                edits.append((m.row_id(self.source_row(idx.row())), f.name, ""))
        if not edits:
            return False
        command = m.controller.try_build(set_cells, m.name, edits)
        if command is None or not command.edits:
            return command is not None
        return m.controller.execute(command)

    # -- rows ------------------------------------------------------------------------------
    def insert_row(self) -> bool:
        """Add a row below the current one (same milestone), or at the end; select it and
        take the keyboard focus, so typing goes into the new row."""
        m = self.plan_model
        cur = self.currentIndex()
        on_row = cur.isValid() and not self.rows.is_new_row(cur.row())
        src = self.source_row(cur.row()) if on_row else -1
        pos = src + 1 if on_row else m.rowCount()
        raw = {}
        if on_row and "milestone" in m.spec.by_name:
            raw["milestone"] = m.table.get(m.table.position(m.row_id(src)), "milestone")
        command = m.controller.try_build(insert_rows, m.name, pos, [raw])
        if command is None or not m.controller.execute(command):
            return False
        col = cur.column() if cur.isValid() else 0
        self.select_only(self.view_index(pos, col))
        self.setFocus()
        return True

    def delete_selected_rows(self) -> bool:
        """Delete every row that has a selected cell (one undo step)."""
        m = self.plan_model
        view_rows = {i.row() for i in self.selectionModel().selectedIndexes()} or (
            {self.currentIndex().row()} if self.currentIndex().isValid() else set())
        rows = sorted(self.source_row(r) for r in view_rows if not self.rows.is_new_row(r))
        if not rows:
            return False
        command = m.controller.try_build(delete_rows, m.name, [m.row_id(r) for r in rows])
        if command is None:
            return False
        col = max(self.currentIndex().column(), 0)
        top = min(view_rows)
        ok = m.controller.execute(command)
        if ok:
            self.select_only(self.rows.index(min(top, self.rows.rowCount() - 1), col))
            children = sum(len(ids) for t, ids in command.deleted_ids().items() if t != m.name)
            if children:
                m.controller.message.emit(f"Deleted {len(rows)} {m.spec.noun}{'s' * (len(rows) != 1)} and "
                                          f"{children} line{'s' * (children != 1)} that belonged to them "
                                          f"(Ctrl+Z brings them back)")
        return ok

    def select_only(self, index) -> None:  # noqa: ANN001
        """Make ``index`` (of the view or the plan model) the current cell and the whole selection."""
        self.selectionModel().setCurrentIndex(self._own(index), QItemSelectionModel.ClearAndSelect)

    def _context_menu(self, pos) -> None:  # noqa: ANN001
        menu = QMenu(self)
        menu.addAction("Copy", lambda: self.copy_selection(), QKeySequence.Copy)
        menu.addAction("Paste", lambda: self.paste(), QKeySequence.Paste)
        menu.addAction("Clear cells", lambda: self.clear_selection(), QKeySequence.Delete)
        menu.addSeparator()
        menu.addAction("Insert row below", lambda: self.insert_row(), QKeySequence("Ctrl++"))
        menu.addAction("Delete rows", lambda: self.delete_selected_rows(), QKeySequence("Ctrl+-"))
        menu.exec(self.viewport().mapToGlobal(pos))

    # -- sort and filter as a view -----------------------------------------------------------
    def sort_view(self, column: int, order=Qt.AscendingOrder, clear: bool = False) -> None:  # noqa: ANN001
        """Show the rows sorted by ``column`` (-1: the plan's order); ``clear`` also drops every
        filter. The plan's own row order (the file, the workbook) does not change."""
        if clear:
            self.rows.clear_view()
        else:
            self.rows.sort(column, order)
        hh = self.horizontalHeader()
        hh.setSortIndicatorShown(self.rows.sortColumn() >= 0)
        hh.setSortIndicator(self.rows.sortColumn(), self.rows.sortOrder())
        self._say_view()

    def filter_view(self, column: int, text: str) -> None:
        """Show only rows whose ``column`` contains ``text`` (ignoring case); empty: all."""
        self.rows.set_filter(column, text.strip())
        self._say_view()

    def _say_view(self) -> None:
        m = self.plan_model
        if self.rows.is_plain:
            m.controller.message.emit(f"{m.spec.sheet}: every row in the plan's order")
            return
        parts = []
        if self.rows.filters:
            parts.append("rows where " + " and ".join(
                f'{m.headerData(c, Qt.Horizontal)} contains "{t}"' for c, t in self.rows.filters.items()))
        if self.rows.sortColumn() >= 0:
            way = "A to Z" if self.rows.sortOrder() == Qt.AscendingOrder else "Z to A"
            parts.append(f"sorted by {m.headerData(self.rows.sortColumn(), Qt.Horizontal)}, {way}")
        shown = self.rows.rowCount() - 1
        m.controller.message.emit(f"{m.spec.sheet}: showing {shown} of {m.rowCount()} rows, " + ", ".join(parts)
                                  + "; the plan's own order is unchanged (header menu: the plan's order)")

    def go_to(self, row: int, column: int) -> None:
        """Select and show one cell of plan row ``row`` (used by the Audit and Find); a view
        filter that hides it is cleared first."""
        if self.rows.view_row(row) < 0:
            self.rows.clear_view()
        idx = self.view_index(row, column)
        self.select_only(idx)
        self.scrollTo(idx, QAbstractItemView.PositionAtCenter)
        self.setFocus()


class ReportView(QTableView):
    """A read-only table (Summary, Audit) whose selection copies as TSV with Ctrl+C, as
    displayed (currency and separators), so it pastes into a slide or a sheet. A column
    widens when a figure outgrows it (never shown as "$...")."""

    def setModel(self, model) -> None:  # noqa: N802, ANN001
        super().setModel(model)
        model.dataChanged.connect(lambda tl, br, _roles=(): widen_columns(self, tl, br))
        model.rowsInserted.connect(lambda _p, first, last: widen_columns(
            self, model.index(first, 0), model.index(last, model.columnCount() - 1)))

    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001
        if event.matches(QKeySequence.Copy):
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> None:
        idx = self.selectionModel().selectedIndexes()
        if not idx:
            return
        rows = sorted({i.row() for i in idx})
        cols = sorted({i.column() for i in idx})
        m = self.model()
        header = [m.headerData(c, Qt.Horizontal) for c in cols]
        body = [[m.index(r, c).data() or "" for c in cols] for r in rows]
        QGuiApplication.clipboard().setText(to_tsv([header] + body if len(rows) > 1 else body))
