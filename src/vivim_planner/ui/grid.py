"""The spreadsheet grid: keyboard navigation, clipboard as TSV (Excel / LibreOffice), clearing
cells, adding and deleting rows. Every change goes through the controller as one undo step."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QComboBox, QHeaderView, QMenu,
                               QStyledItemDelegate, QTableView)

from ..commands import delete_rows, insert_rows, paste_block, set_cells
from ..domain import CellError, Kind
from .table_model import PlanTableModel


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


class RefDelegate(QStyledItemDelegate):
    """Editors: a drop-down of milestone codes / role names for reference columns, the
    default line editor elsewhere. The model validates whatever is typed."""

    def createEditor(self, parent, option, index):  # noqa: N802, ANN001
        model = index.model()
        f = model.field_at(index.column()) if isinstance(model, PlanTableModel) else None
        if f is not None and f.kind is Kind.REF:
            combo = QComboBox(parent)
            combo.setEditable(True)
            table = model.controller.plan.tables[f.ref_table]
            key = "code" if f.ref_table == "milestones" else "name"
            combo.addItems(list(table.column(key)))
            combo.setInsertPolicy(QComboBox.NoInsert)
            return combo
        if f is not None and f.choices:  # units, metrics, bounds: pick one (typing still works)
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItems(([""] if not f.required else []) + list(f.choices))
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

    Keys: arrows move; Enter / Shift+Enter commit and move down / up; Tab / Shift+Tab move
    right / left; F2 or typing edits; Delete clears the selected input cells; Ctrl+C / Ctrl+V
    copy and paste TSV (a single copied value fills the whole selection; rows pasted past the
    end are added); Ctrl++ inserts a row, Ctrl+- deletes the selected rows.
    """

    def __init__(self, model: PlanTableModel, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setModel(model)
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
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.fit_columns()

    @property
    def plan_model(self) -> PlanTableModel:
        return self.model()

    def fit_columns(self) -> None:
        """Size columns to their contents once, judging by the first rows only (Qt would
        otherwise ask every row of a 20,000-line table)."""
        self.horizontalHeader().setResizeContentsPrecision(100)
        self.resizeColumnsToContents()
        for c in range(self.model().columnCount()):
            self.setColumnWidth(c, min(max(self.columnWidth(c) + 12, 70), 260))

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
            self._move(1, 0)

    def _move(self, drow: int, dcol: int) -> None:
        cur = self.currentIndex()
        if not cur.isValid():
            return
        row = min(max(cur.row() + drow, 0), self.model().rowCount() - 1)
        col = min(max(cur.column() + dcol, 0), self.model().columnCount() - 1)
        self.setCurrentIndex(self.model().index(row, col))

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
        m = self.model()
        rows = [[m.index(r, c).data(Qt.EditRole) or "" for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]
        QGuiApplication.clipboard().setText(to_tsv(rows))

    def paste(self, text: str | None = None) -> bool:
        """Paste TSV at the current cell as one undo step. Computed columns are skipped; rows
        beyond the last are added. On any bad value nothing changes and the reason is shown."""
        m = self.plan_model
        block = parse_tsv(QGuiApplication.clipboard().text() if text is None else text)
        sel = self._selected_block()
        if not block or sel is None:
            return False
        r0, c0, r1, c1 = sel
        if len(block) == 1 and len(block[0]) == 1 and (r1 > r0 or c1 > c0):
            block = [[block[0][0]] * (c1 - c0 + 1) for _ in range(r1 - r0 + 1)]  # fill the selection
        n_fields = len(m.spec.fields)
        edits, new_rows = [], []
        for i, cells in enumerate(block):
            row = r0 + i
            values = {}
            for j, raw in enumerate(cells):
                col = c0 + j
                if col >= n_fields:
                    continue
                values[m.spec.fields[col].name] = raw
            if row < m.rowCount():
                edits += [(m.row_id(row), name, raw) for name, raw in values.items()]
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
        m = self.model()
        r1, c1 = min(r1, m.rowCount() - 1), min(c1, m.columnCount() - 1)
        return QItemSelection(m.index(r0, c0), m.index(r1, c1))

    def clear_selection(self) -> bool:
        """Empty the selected input cells (one undo step); required cells refuse."""
        m = self.plan_model
        edits = []
        for idx in self.selectionModel().selectedIndexes() or [self.currentIndex()]:
            f = m.field_at(idx.column()) if idx.isValid() else None
            if f is not None:
                edits.append((m.row_id(idx.row()), f.name, ""))
        if not edits:
            return False
        command = m.controller.try_build(set_cells, m.name, edits)
        if command is None or not command.edits:
            return command is not None
        return m.controller.execute(command)

    # -- rows ------------------------------------------------------------------------------
    def insert_row(self) -> bool:
        """Add a row below the current one (same milestone), or at the end; select it."""
        m = self.plan_model
        cur = self.currentIndex()
        pos = cur.row() + 1 if cur.isValid() else m.rowCount()
        raw = {}
        if cur.isValid() and "milestone" in m.spec.by_name:
            raw["milestone"] = m.table.get(m.table.position(m.row_id(cur.row())), "milestone")
        command = m.controller.try_build(insert_rows, m.name, pos, [raw])
        if command is None or not m.controller.execute(command):
            return False
        col = cur.column() if cur.isValid() else 0
        self.select_only(m.index(pos, col))
        return True

    def delete_selected_rows(self) -> bool:
        """Delete every row that has a selected cell (one undo step)."""
        m = self.plan_model
        rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()} or
                      ({self.currentIndex().row()} if self.currentIndex().isValid() else set()))
        if not rows:
            return False
        command = m.controller.try_build(delete_rows, m.name, [m.row_id(r) for r in rows])
        if command is None:
            return False
        col = max(self.currentIndex().column(), 0)
        ok = m.controller.execute(command)
        if ok:
            if m.rowCount():
                self.select_only(m.index(min(rows[0], m.rowCount() - 1), col))
            children = sum(len(ids) for t, ids in command.deleted_ids().items() if t != m.name)
            if children:
                m.controller.message.emit(f"Deleted {len(rows)} {m.spec.noun}{'s' * (len(rows) != 1)} and "
                                          f"{children} line{'s' * (children != 1)} that belonged to them "
                                          f"(Ctrl+Z brings them back)")
        return ok

    def select_only(self, index) -> None:  # noqa: ANN001
        """Make ``index`` the current cell and the whole selection."""
        self.selectionModel().setCurrentIndex(index, QItemSelectionModel.ClearAndSelect)

    def _context_menu(self, pos) -> None:  # noqa: ANN001
        menu = QMenu(self)
        menu.addAction("Copy", self.copy_selection, QKeySequence.Copy)
        menu.addAction("Paste", self.paste, QKeySequence.Paste)
        menu.addAction("Clear cells", self.clear_selection, QKeySequence.Delete)
        menu.addSeparator()
        menu.addAction("Insert row below", self.insert_row, QKeySequence("Ctrl++"))
        menu.addAction("Delete rows", self.delete_selected_rows, QKeySequence("Ctrl+-"))
        menu.exec(self.viewport().mapToGlobal(pos))

    def go_to(self, row: int, column: int) -> None:
        """Select and show one cell (used by the Audit tab)."""
        idx = self.model().index(row, column)
        self.select_only(idx)
        self.scrollTo(idx, QAbstractItemView.PositionAtCenter)
        self.setFocus()



class ReportView(QTableView):
    """A read-only table (Summary, Audit) whose selection copies as TSV with Ctrl+C, as
    displayed (currency and separators), so it pastes into a slide or a sheet."""

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
