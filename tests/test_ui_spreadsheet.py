"""Spreadsheet habits in the real window: Find (Ctrl+F) across grids, sort and filter a
column from its header menu as a view (the plan's order kept), the totals row."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QStandardPaths, Qt
from PySide6.QtGui import QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

from ui_plans import small_plan_file
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow
from vivim_planner.ui.totals import TotalsBar


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(PlanDocument.open(small_plan_file(tmp_path)))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    return w


def test_ctrl_f_finds_cells_across_grids_and_enter_steps_through_them(qtbot, window):
    qtbot.keySequence(window, QKeySequence.Find)
    edit = window.find_bar.edit
    assert window.find_bar.isVisible() and QApplication.focusWidget() is edit
    qtbot.keyClicks(edit, "senior")
    qtbot.keyClick(edit, Qt.Key_Return)
    grid = window.focused_grid() or window.grids["roles"]
    first = grid.currentIndex()
    assert "senior" in first.data().casefold()
    seen = [(grid.plan_model.name, grid.source_row(first.row()), first.column())]
    for _ in range(len(window.find_bar.matches) - 1):
        qtbot.keyClick(edit, Qt.Key_Return)
        g = window.tabs.currentWidget().findChildren(type(grid))
        cur = [x for x in g if x.hasFocus() or x.currentIndex().isValid()]
        m = window.find_bar.matches[window.find_bar.position]
        seen.append((m.table, m.row, m.column))
        shown = window.grids[m.table].plan_model.index(m.row, m.column).data()
        assert "senior" in shown.casefold() and cur
    tables = {t for t, _, _ in seen}
    assert {"roles", "allocations"} <= tables  # the Rate card and the Team's lines
    assert len(set(seen)) == len(seen) >= 3
    assert window.find_bar.result.text().startswith(f"{len(seen)} of {len(seen)}")
    qtbot.keyClick(edit, Qt.Key_Escape)
    assert not window.find_bar.isVisible()


def header_menu(qtbot, grid, column: int):
    header = grid.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2)
    QApplication.sendEvent(header.viewport(), QContextMenuEvent(QContextMenuEvent.Mouse, pos,
                                                                        header.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    return QApplication.activePopupWidget()


def menu_action(menu, start: str):
    return next(a for a in menu.actions() if a.text().startswith(start))


def test_sort_and_filter_are_a_view_and_the_plans_order_stays(qtbot, window):
    grid = window.show_table("allocations")
    m = grid.plan_model
    plan = window.controller.plan
    order = list(plan.allocations.ids)
    fte = m.spec.column_index("fte")
    menu = header_menu(qtbot, grid, fte)
    menu_action(menu, "Sort by FTE, A to Z").trigger()
    menu.close()
    shown = [grid.rows.index(r, fte).data(Qt.UserRole) for r in range(grid.rows.rowCount() - 1)]
    assert shown == sorted(shown) and shown != [plan.allocations.get(i, "fte") for i in range(3)]
    assert list(plan.allocations.ids) == order  # the plan's own order
    assert grid.rows.is_new_row(grid.rows.rowCount() - 1)  # the new row stays last
    # an edit in the sorted view goes to the row it shows
    top = grid.source_row(0)
    grid.setCurrentIndex(grid.rows.index(0, m.spec.column_index("title")))
    grid.setFocus()
    qtbot.keyClicks(grid, "Z")
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "ed")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: not [e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible()])
    assert plan.allocations.get(top, "title") == "Zed"
    # a filter on the role column
    role = m.spec.column_index("role")
    menu = header_menu(qtbot, grid, role)
    box = menu.findChild(QLineEdit, "filterEdit")
    qtbot.keyClicks(box, "designer")
    qtbot.keyClick(box, Qt.Key_Return)
    assert grid.rows.rowCount() - 1 == 1 and "Designer" in grid.rows.index(0, role).data()
    assert "showing 1 of 3 rows" in window.statusBar().currentMessage()
    totals = grid.parentWidget().findChild(TotalsBar)
    cost = len(m.spec.fields) + [c.label for c in m.computed].index("Cost")
    totals.refresh()
    assert totals.values[cost] == pytest.approx(window.controller.result.allocation_cost[grid.source_row(0)])
    menu = header_menu(qtbot, grid, role)
    menu_action(menu, "Show every row").trigger()
    menu.close()
    assert grid.rows.rowCount() - 1 == 3 and [grid.source_row(r) for r in range(3)] == [0, 1, 2]


def test_totals_row_is_the_sum_the_engine_computes(qtbot, window):
    grid = window.show_table("allocations")
    totals = grid.parentWidget().findChild(TotalsBar)
    assert totals.isVisible()
    m = grid.plan_model
    cost = len(m.spec.fields) + [c.label for c in m.computed].index("Cost")
    r = window.controller.result
    assert totals.values[cost] == pytest.approx(float(np.nansum(r.allocation_cost)))
    assert totals.text(cost) == f"${float(np.nansum(r.allocation_cost)):,.0f}"
    # an edit moves the total
    fte = m.spec.column_index("fte")
    assert m.setData(m.index(0, fte), "2")
    qtbot.waitUntil(lambda: totals.values[cost] == pytest.approx(float(np.nansum(window.controller.result.allocation_cost))))
    rates = window.grids["roles"].parentWidget().findChild(TotalsBar)
    assert not rates.isVisibleTo(window)  # an hourly rate has no total
