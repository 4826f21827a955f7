"""The real window, offscreen: edits in the grid reach the plan, the file and every figure;
undo restores them; bad input changes nothing; clipboard and rows behave like a spreadsheet."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QLineEdit
from pytestqt.qt_compat import qt_api

from ui_plans import small_plan_file
from vivim_planner.commands import set_cell
from vivim_planner.engine import compute
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow
from vivim_planner.ui.reports import AuditModel, SummaryModel
from vivim_planner.ui.table_model import PlanTableModel

FTE_COL = 5  # Team: Milestone, Role, Line, Hourly rate, Months, FTE ...


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def window(qtbot, tmp_path):
    doc = PlanDocument.open(small_plan_file(tmp_path))
    w = MainWindow(doc)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def rows_of(table) -> list[str]:
    """Rows as text so NaN compares equal to NaN."""
    return [repr(r) for r in table.rows()]


def cost_col(model: PlanTableModel) -> int:
    return len(model.spec.fields) + [c.label for c in model.computed].index("Cost")


def show_summary(w: MainWindow):  # noqa: ANN201 - the Summary's model
    """View > Summary, as a user opens it (the view catches up with edits made while hidden)."""
    for action in w.menuBar().actions():
        if action.text().replace("&", "") == "View":
            next(a for a in action.menu().actions() if a.text().replace("&", "").split("\t")[0] == "Summary").trigger()
    assert w.summary.isVisible()
    return w.summary.model


def summary_row(w: MainWindow, code: str) -> int:
    m = show_summary(w)
    return [m.cell(r, 0) for r in range(m.rowCount())].index(code)


def type_into(qtbot, view, row: int, col: int, text: str) -> None:
    """Select a cell, type over it and press Enter, as a user does."""
    view.window().show_table(view.plan_model.name)
    index = view.model().index(row, col)
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_F2)
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, "F2 opens one cell editor"
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key_Return)
    # the delegate commits on a queued call, then deletes the editor
    qtbot.waitUntil(lambda: not [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()])


def test_models_pass_qtmodeltester(qtmodeltester, window):
    for grid in window.grids.values():
        qtmodeltester.check(grid.model())
    qtmodeltester.check(window.summary.model)
    qtmodeltester.check(window.audit_model)


def test_fte_edit_updates_cost_milestone_and_summary_and_undo_restores(qtbot, window):
    grid = window.grids["allocations"]
    model = grid.plan_model
    plan = window.controller.plan
    before = compute(plan)
    row = 0  # Senior Backend Engineer: $85/h x 240 h x 3 months x 1 FTE
    assert model.index(row, cost_col(model)).data() == "$61,200"
    m1 = summary_row(window, "M1")
    bottom_up_before = window.summary.model.cell(m1, 7)

    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column(), b.row(), b.column())))
    type_into(qtbot, grid, row, FTE_COL, "0.5")

    assert model.index(row, FTE_COL).data() == "0.5"
    assert model.index(row, cost_col(model)).data() == "$30,600"  # 85 x 240 x 3 x 0.5
    after = compute(plan)
    assert after.total["bottom_up"][0] == pytest.approx(before.total["bottom_up"][0] - 30_600)
    assert show_summary(window).cell(m1, 7) == f"${after.total['bottom_up'][0]:,.0f}" != bottom_up_before
    assert not window.isWindowModified() and "All changes saved" in window.windowTitle()  # written already
    # only the edited row was signalled, never the whole table
    assert all(a == b == row for a, _, b, _ in changed), changed
    # the file already holds the edit
    reopened = PlanDocument.open(window.controller.document.path, readonly=True)
    assert reopened.plan.allocations.get(0, "fte") == 0.5
    reopened.close()

    window.undo_action.trigger()
    assert model.index(row, FTE_COL).data() == "1"
    assert model.index(row, cost_col(model)).data() == "$61,200"
    restored = compute(plan)
    for key in ("low", "mid", "high", "bottom_up"):
        assert restored.totals[key] == before.totals[key]
    assert show_summary(window).cell(m1, 7) == bottom_up_before
    assert not window.isWindowModified()
    window.redo_action.trigger()
    assert model.index(row, cost_col(model)).data() == "$30,600"


def test_bad_input_is_refused_in_the_cell_and_changes_nothing(qtbot, window):
    grid = window.grids["allocations"]
    model = grid.plan_model
    plan = window.controller.plan
    rows_before = rows_of(plan.allocations)
    steps = window.controller.undo_stack.count()
    type_into(qtbot, grid, 1, FTE_COL, "abc")
    assert rows_of(plan.allocations) == rows_before
    assert window.controller.undo_stack.count() == steps
    assert window.statusBar().currentMessage() == 'Team!F3: FTE must be between 0 and 10, got "abc"'
    assert model.index(1, FTE_COL).data() == "0.5"
    type_into(qtbot, grid, 1, FTE_COL, "11")
    assert "FTE must be between 0 and 10, got 11" in window.statusBar().currentMessage()
    assert rows_of(plan.allocations) == rows_before


def test_model_change_reaches_the_view(window):
    """The other direction: a command applied outside the grid shows up in it."""
    ctrl = window.controller
    model = window.grids["allocations"].plan_model
    rid = int(ctrl.plan.allocations.ids[2])
    assert ctrl.execute(set_cell(ctrl.plan, "allocations", rid, "months", "4"))
    assert model.index(2, 4).data() == "4"
    assert model.index(2, cost_col(model)).data() == "$31,200"  # 65 x 240 x 4 x 0.5


def test_hours_per_month_setting_recomputes_every_line_and_undoes(qtbot, window):
    model = window.grids["allocations"].plan_model
    show_summary(window)  # the settings are typed on the Summary
    edit = window.summary.fields["hours_per_month"]
    edit.setText("160")
    edit.editingFinished.emit()
    assert model.index(0, cost_col(model)).data() == "$40,800"  # 85 x 160 x 3
    window.undo_action.trigger()
    assert model.index(0, cost_col(model)).data() == "$61,200"
    assert edit.text() == "240"
    edit.setText("0")
    edit.editingFinished.emit()
    assert "Hours per month must be between 1 and 744" in window.statusBar().currentMessage()
    assert window.controller.plan.settings.hours_per_month == 240


def test_copy_and_paste_tsv_as_one_undo_step(qtbot, window):
    grid = window.grids["allocations"]
    model = grid.plan_model
    plan = window.controller.plan
    grid.setCurrentIndex(model.index(0, 4))
    grid.selectionModel().select(grid._range(0, 4, 1, 5), grid.selectionModel().SelectionFlag.ClearAndSelect)
    grid.copy_selection()
    assert QGuiApplication.clipboard().text() == "3\t1\n3\t0.5\n"

    rows_before = rows_of(plan.allocations)
    steps = window.controller.undo_stack.count()
    grid.setCurrentIndex(model.index(1, 4))
    grid.selectionModel().clearSelection()
    assert grid.paste("2\t0.25\n1\t1\n4\t2\n")
    # rows 2 and 3 (0-based 1 and 2) get months / FTE; the third pasted line adds a row
    assert plan.allocations.get(1, "months") == 2 and plan.allocations.get(1, "fte") == 0.25
    assert plan.allocations.get(2, "months") == 1 and plan.allocations.get(2, "fte") == 1
    assert len(plan.allocations) == 4 and plan.allocations.get(3, "months") == 4
    assert model.rowCount() == 4 and model.index(3, cost_col(model)).data() == "$163,200"  # new rows take the first role: 85 x 240 x 4 x 2
    assert window.controller.undo_stack.count() == steps + 1
    window.undo_action.trigger()
    assert rows_of(plan.allocations) == rows_before


def test_paste_with_a_bad_cell_changes_nothing(window):
    grid = window.grids["allocations"]
    plan = window.controller.plan
    before = rows_of(plan.allocations)
    grid.setCurrentIndex(grid.model().index(0, 4))
    assert not grid.paste("2\t0.5\n3\tlots\n")
    assert rows_of(plan.allocations) == before
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Paste refused, nothing changed: Team!F3:") and '"lots"' in msg


def test_single_value_fills_the_selection(window):
    grid = window.grids["allocations"]
    plan = window.controller.plan
    grid.setCurrentIndex(grid.model().index(0, FTE_COL))
    grid.selectionModel().select(grid._range(0, FTE_COL, 2, FTE_COL), grid.selectionModel().SelectionFlag.ClearAndSelect)
    assert grid.paste("0.75\n")
    assert [plan.allocations.get(i, "fte") for i in range(3)] == [0.75, 0.75, 0.75]


def test_delete_key_clears_cells_and_enter_moves_down(qtbot, window):
    grid = window.grids["allocations"]
    model = grid.plan_model
    plan = window.controller.plan
    grid.setCurrentIndex(model.index(1, 3))  # hourly rate override $80
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key_Delete)
    assert math.isnan(plan.allocations.get(1, "hourly_rate"))
    assert model.index(1, cost_col(model)).data() == "$30,600"  # falls back to the role's $85
    qtbot.keyClick(grid, Qt.Key_Return)
    assert grid.currentIndex().row() == 2
    window.undo_action.trigger()
    assert plan.allocations.get(1, "hourly_rate") == 80


def test_insert_and_delete_rows_with_undo(qtbot, window):
    grid = window.grids["milestones"]
    plan = window.controller.plan
    n_alloc = len(plan.allocations)
    grid.setCurrentIndex(grid.model().index(1, 0))
    assert grid.insert_row()
    assert len(plan.milestones) == 3 and plan.milestones.get(2, "code") == "M3"
    assert show_summary(window).rowCount() == 4  # three milestones and the total
    grid.setCurrentIndex(grid.model().index(0, 0))
    grid.selectionModel().clearSelection()
    assert grid.delete_selected_rows()  # M1 and its lines go
    assert [plan.milestones.get(i, "code") for i in range(len(plan.milestones))] == ["M2", "M3"]
    assert len(plan.allocations) == n_alloc - 2
    assert window.grids["allocations"].model().rowCount() == n_alloc - 2
    window.undo_action.trigger()
    assert len(plan.allocations) == n_alloc
    assert window.grids["allocations"].model().rowCount() == n_alloc
    window.undo_action.trigger()
    assert len(plan.milestones) == 2


def test_deleting_a_role_in_use_is_refused(window):
    grid = window.grids["roles"]
    grid.setCurrentIndex(grid.model().index(0, 0))
    assert not grid.delete_selected_rows()
    assert "is used by 2 team line(s)" in window.statusBar().currentMessage()
    assert len(window.controller.plan.roles) == 2


def test_audit_marks_the_cell_and_double_click_goes_there(window):
    model = window.grids["allocations"].plan_model
    stated_col = model.spec.column_index("stated_cost")
    assert "source states $9,600" in model.index(1, stated_col).data(Qt.ToolTipRole)
    audit = window.audit_model
    assert isinstance(audit, AuditModel) and audit.rowCount() == 1
    window._go_to_finding(audit.index(0, 0))
    grid = window.grids["allocations"]
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Team"
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (1, stated_col)
    # fixing the stated figure clears the finding
    assert model.setData(model.index(1, stated_col), "28800")
    window.controller.flush_audit()  # the audit runs when the event loop is idle
    assert audit.rowCount() == 0 and window.tabs.tabText(window.tab_index("Audit")) == "Audit"


def test_save_as_continues_in_the_new_file(window, tmp_path):
    target = tmp_path / "copy.vivim"
    assert window.save_as(target)
    assert window.controller.document.path == target
    assert "copy.vivim" in window.windowTitle()
    model = window.grids["allocations"].plan_model
    assert model.setData(model.index(0, FTE_COL), "2")
    reopened = PlanDocument.open(target, readonly=True)
    assert reopened.plan.allocations.get(0, "fte") == 2
    reopened.close()


def test_summary_screenshot_is_rendered(window, tmp_path):
    window.tabs.setCurrentIndex(window.tab_index("Summary"))
    out = tmp_path / "summary.png"
    assert window.grab().save(str(out))
    image = QImage(str(out))
    assert image.width() >= 800 and image.height() >= 500
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
    assert len(colours) > 5  # not a blank window
    assert isinstance(window.summary.model, SummaryModel)
    assert qt_api is not None


def test_view_menu_switches_to_each_tab(window):
    view_menu = [m for m in window.menuBar().actions() if m.text() == "&View"][0].menu()
    for action in [a for a in view_menu.actions() if not a.isSeparator()]:
        action.trigger()
        assert window.tabs.tabText(window.tabs.currentIndex()).split(" (")[0] == action.text()


def test_typing_over_a_reference_cell_replaces_it(qtbot, window):
    grid = window.show_table("allocations")
    model = grid.plan_model
    grid.setCurrentIndex(model.index(0, 0))  # Milestone: M1
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key_F2)
    from PySide6.QtWidgets import QComboBox

    combo = [w for w in grid.viewport().findChildren(QComboBox) if w.isVisible()][0]
    qtbot.keyClicks(combo.lineEdit(), "M2")
    qtbot.keyClick(combo.lineEdit(), Qt.Key_Return)
    qtbot.waitUntil(lambda: not [w for w in grid.viewport().findChildren(QComboBox) if w.isVisible()])
    assert model.index(0, 0).data() == "M2"


def test_tab_commits_and_moves_right_without_editing(qtbot, window):
    grid = window.show_table("allocations")
    model = grid.plan_model
    grid.setCurrentIndex(model.index(0, 4))
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key_F2)
    editor = [w for w in grid.viewport().findChildren(QLineEdit) if w.isVisible()][0]
    editor.selectAll()
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key_Tab)
    qtbot.waitUntil(lambda: not [w for w in grid.viewport().findChildren(QLineEdit) if w.isVisible()])
    assert model.index(0, 4).data() == "2"
    assert grid.currentIndex().column() == 5
    assert grid.state() != grid.State.EditingState


def test_insert_then_delete_removes_only_the_new_row(window):
    grid = window.show_table("milestones")
    plan = window.controller.plan
    grid.setCurrentIndex(grid.model().index(1, 0))
    assert grid.insert_row()
    assert len(grid.selectionModel().selectedIndexes()) == 1
    assert grid.delete_selected_rows()
    assert [plan.milestones.get(i, "code") for i in range(len(plan.milestones))] == ["M1", "M2"]


def test_deleting_a_milestone_says_what_went_with_it_and_a_good_edit_clears_refusals(window):
    grid = window.show_table("milestones")
    grid.setCurrentIndex(grid.model().index(0, 0))
    assert grid.delete_selected_rows()
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Deleted 1 milestone and") and "Ctrl+Z" in msg
    model = grid.plan_model
    assert not model.setData(model.index(0, 3), "abc")
    assert "Start month" in window.statusBar().currentMessage()
    assert model.setData(model.index(0, 3), "2")
    assert window.statusBar().currentMessage() == ""


def test_new_plan_is_created_where_asked_and_guides_the_first_step(window, tmp_path):
    target = tmp_path / "fresh"
    assert window.new_plan(target)
    assert window.controller.document.path == tmp_path / "fresh.vivim"
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Milestones"
    team = window.grids["allocations"]
    assert not team.insert_row()
    assert "add a milestone in Milestones first" in window.statusBar().currentMessage()


def test_a_formula_is_refused_with_its_reason(window):
    model = window.grids["build_items"].plan_model
    assert not model.setData(model.index(0, model.spec.column_index("amount")), "=3*75")
    assert "takes a number, not a formula" in window.statusBar().currentMessage()


def test_a_bad_file_from_the_desktop_gets_a_dialog(monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from vivim_planner.ui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[2]))
    assert app.run_window(str(tmp_path / "moved.vivim"), dialogs=True) == 2
    assert len(shown) == 1 and "no such file" in shown[0]


def test_rate_card_shows_which_lines_a_rate_change_reaches(window):
    model = window.grids["roles"].plan_model
    n = len(model.spec.fields)
    # Senior Developer: two team lines, one (DevOps) with its own $80 rate
    assert (model.index(0, n).data(), model.index(0, n + 1).data()) == ("2", "1")
    assert (model.index(1, n).data(), model.index(1, n + 1).data()) == ("1", "0")


def test_summary_table_copies_what_it_shows(window):
    view = window.summary.table
    view.selectAll()
    view.copy_selection()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["Code", "Milestone", "Months"]
    assert lines[1].split("\t")[0] == "M1" and lines[-1].split("\t")[1] == "Total"


def test_pasting_the_same_code_twice_is_refused_and_the_file_stays_valid(window):
    grid = window.show_table("milestones")
    plan = window.controller.plan
    grid.setCurrentIndex(grid.model().index(1, 0))  # M2's code, then a new row below
    assert not grid.paste("MX\nMX\n")
    assert "Code \"MX\" is already used" in window.statusBar().currentMessage()
    assert [plan.milestones.get(i, "code") for i in range(len(plan.milestones))] == ["M1", "M2"]
    path = window.controller.document.path
    PlanDocument.open(path, readonly=True).close()  # still opens


def test_an_undo_that_cannot_be_written_keeps_stack_plan_and_file_in_step(qtbot, window):
    ctrl = window.controller
    model = window.grids["allocations"].plan_model
    assert model.setData(model.index(0, FTE_COL), "0.25")
    ctrl.document.readonly = True  # the next write fails, as on a full disk
    window.undo_action.trigger()
    assert "could not be saved" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: ctrl.undo_stack.index() == 1)  # the stack steps back to the edit
    assert ctrl.plan.allocations.get(0, "fte") == 0.25
    ctrl.document.readonly = False
    window.undo_action.trigger()
    assert ctrl.plan.allocations.get(0, "fte") == 1.0
    window.redo_action.trigger()
    assert ctrl.plan.allocations.get(0, "fte") == 0.25


def test_window_title_follows_the_plan_name(window):
    edit = window.summary.fields["name"]
    edit.setText("Kalei seed round")
    edit.editingFinished.emit()
    assert window.windowTitle().startswith("Kalei seed round — demo.vivim")
