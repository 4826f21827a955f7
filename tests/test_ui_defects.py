"""The defects a founder met in the window (issue 11), each reproduced the user's way in:
menu actions triggered, shortcuts and keys pressed, clicks on the real widgets."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QToolButton

from ui_plans import small_plan_file
from vivim_planner.domain import ECONOMICS_METRICS, METRICS
from vivim_planner.domain.usage_schema import USAGE_METRICS
from vivim_planner.samples import sample_path
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import APP_NAME, MainWindow


@pytest.fixture(autouse=True)
def _isolated(tmp_path):
    """Test paths for app data, and QSettings in a folder of this test only."""
    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(tmp_path / "settings"))
    QSettings("VIVIM", APP_NAME).clear()
    yield
    QSettings("VIVIM", APP_NAME).clear()


def open_window(qtbot, path) -> MainWindow:
    w = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    return w


@pytest.fixture
def window(qtbot, tmp_path):
    return open_window(qtbot, small_plan_file(tmp_path))


def action(w: MainWindow, *path: str):
    """The menu action at ``path`` of menu texts without '&' (``"File", "New"``)."""
    actions = w.menuBar().actions()
    for i, name in enumerate(path):
        found = [a for a in actions if a.text().replace("&", "").split("\t")[0].rstrip("…") == name]
        assert found, f"no {name!r} in {[a.text() for a in actions]}"
        if i == len(path) - 1:
            return found[0]
        actions = found[0].menu().actions()


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def click_cell(qtbot, grid, row: int, col: int) -> None:
    rect = grid.visualRect(grid.rows.index(row, col))
    qtbot.mouseClick(grid.viewport(), Qt.LeftButton, pos=rect.center())


def type_keys(qtbot, grid, text: str) -> None:
    """Type into the focused grid's current cell as a user does (the first key opens the
    editor), then Enter."""
    qtbot.keyClicks(QApplication.focusWidget(), text[0])
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: not [e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible()])


# -- File > New / Ctrl+N ------------------------------------------------------------------------
def test_file_new_and_ctrl_n_create_a_plan(qtbot, window, tmp_path, monkeypatch):
    answers = iter([str(tmp_path / "first"), str(tmp_path / "second.vivim")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (next(answers), "")))
    action(window, "File", "New").trigger()
    assert window.controller.document.path == tmp_path / "first.vivim"
    assert len(window.controller.plan.milestones) == 0
    qtbot.keySequence(window, QKeySequence.New)
    assert window.controller.document.path == tmp_path / "second.vivim"


# -- + Row in a tab of several grids ----------------------------------------------------------------
def test_plus_row_under_the_second_grid_takes_the_typing(qtbot, window):
    window.show_table("operating_costs")
    costs, revenues = window.grids["operating_costs"], window.grids["revenues"]
    click_cell(qtbot, costs, 0, costs.plan_model.spec.column_index("driver"))
    before = [costs.plan_model.table.get(i, "driver") for i in range(len(costs.plan_model.table))]
    button = [b for b in revenues.parentWidget().findChildren(QToolButton) if b.text() == "+ Row"][0]
    qtbot.mouseClick(button, Qt.LeftButton)
    assert QApplication.focusWidget() is revenues
    source_col = revenues.plan_model.spec.column_index("source")
    revenues.setCurrentIndex(revenues.rows.index(revenues.currentIndex().row(), source_col))
    type_keys(qtbot, revenues, "Grants")
    plan = window.controller.plan
    assert "Grants" in [plan.revenues.get(i, "source") for i in range(len(plan.revenues))]
    assert [costs.plan_model.table.get(i, "driver") for i in range(len(costs.plan_model.table))] == before


# -- Open Recent ----------------------------------------------------------------------------------
def test_open_recent_holds_whole_paths_after_a_relaunch(qtbot, window, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    second = small_plan_file(other)
    first = window.controller.document.path.resolve()
    QSettings("VIVIM", APP_NAME).setValue("recent", str(first))  # a one-item list comes back as a string
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(second), "")))
    action(window, "File", "Open").trigger()
    recent = [a.text() for a in window.recent_menu.actions()]
    assert recent == [str(second.resolve()), str(first)]
    window.recent_menu.actions()[1].trigger()  # the older one opens again
    assert window.controller.document.path.resolve() == first


# -- Enter, paste with headers, a click below the rows ---------------------------------------------------
def test_enter_on_the_last_row_moves_to_the_new_row_and_typing_adds_a_line(qtbot, window):
    grid = window.show_table("milestones")
    plan = window.controller.plan
    click_cell(qtbot, grid, 1, 0)
    qtbot.keyClick(grid, Qt.Key_Return)
    assert grid.rows.is_new_row(grid.currentIndex().row()) and len(plan.milestones) == 2
    type_keys(qtbot, grid, "M3")
    assert [plan.milestones.get(i, "code") for i in range(3)] == ["M1", "M2", "M3"]
    assert grid.rows.is_new_row(grid.currentIndex().row())  # below the new line, as Excel moves


def test_a_paste_with_the_header_row_lands_its_data(qtbot, window):
    grid = window.show_table("milestones")
    m = grid.plan_model
    header = [m.headerData(c, Qt.Horizontal) for c in range(len(m.spec.fields))]
    click_cell(qtbot, grid, 2, 0)  # the new row
    QGuiApplication.clipboard().setText("\t".join(header) + "\nM3\tLaunch\t\t6\t8\t9000\n")
    qtbot.keySequence(grid, QKeySequence.Paste)
    plan = window.controller.plan
    assert len(plan.milestones) == 3 and plan.milestones.get(2, "code") == "M3"
    assert plan.milestones.get(2, "target_users") == 9000


def test_a_click_below_the_rows_is_where_a_paste_lands(qtbot, window):
    grid = window.show_table("milestones")
    last = grid.visualRect(grid.rows.index(grid.rows.rowCount() - 1, 0))
    below = last.center()
    below.setY(below.y() + 3 * last.height())
    assert grid.viewport().rect().contains(below)
    qtbot.mouseClick(grid.viewport(), Qt.LeftButton, pos=below)
    assert grid.rows.is_new_row(grid.currentIndex().row()) and grid.currentIndex().column() == 0
    QGuiApplication.clipboard().setText("M3\tLaunch\t\t6\t8\t9000")
    qtbot.keySequence(grid, QKeySequence.Paste)
    assert window.controller.plan.milestones.get(2, "name") == "Launch"


# -- display: widths, digits, percent ------------------------------------------------------------------
def test_columns_widen_when_a_value_grows(qtbot, window):
    grid = window.show_table("build_items")
    col = grid.plan_model.spec.column_index("amount")
    click_cell(qtbot, grid, 0, col)
    type_keys(qtbot, grid, "123456789012.5")
    shown = grid.plan_model.index(0, col).data()
    assert shown == "$123,456,789,012.50"
    assert grid.columnWidth(col) >= grid.fontMetrics().horizontalAdvance(shown)
    summary = window.summary.table
    window.tabs.setCurrentWidget(window.summary)
    sm = window.summary.model
    for c in range(sm.columnCount()):
        if c != 1:
            for r in range(sm.rowCount()):
                text = sm.index(r, c).data()
                assert summary.columnWidth(c) >= summary.fontMetrics().horizontalAdvance(text), (c, text)


def test_inputs_show_the_digits_typed_and_shares_as_percent(qtbot, window):
    grid = window.show_table("operating_costs")
    col = grid.plan_model.spec.column_index("unit_cost")
    click_cell(qtbot, grid, 0, col)
    type_keys(qtbot, grid, "0.00325")
    assert grid.plan_model.index(0, col).data() == "$0.00325"
    fees = window.show_table("payment_fees")
    pct = fees.plan_model.spec.column_index("percent")
    click_cell(qtbot, fees, fees.rows.rowCount() - 1, pct)  # the new row
    type_keys(qtbot, fees, "2.9%")
    plan = window.controller.plan
    assert plan.tables["payment_fees"].get(0, "percent") == pytest.approx(0.029)
    assert fees.plan_model.index(0, pct).data() == "2.9%"
    assert fees.plan_model.index(0, pct).data(Qt.EditRole) == "2.9%"


# -- the Audit and the words on screen -----------------------------------------------------------------
def sample_copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / f"{name}.vivim"
    doc = PlanDocument.open(sample_path(name), readonly=True)
    doc.save_as(target)
    doc.close()
    return target


def test_audit_shows_usage_figures_in_their_units(qtbot, tmp_path):
    w = open_window(qtbot, sample_copy(tmp_path, "vercel_per_user"))
    w.controller.flush_audit()
    model = w.audit_model
    rows = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    by_where = {r[0]: r for r in rows}
    calls = next(r for w_, r in by_where.items() if "calls" in w_.lower())
    assert calls[2].endswith("calls") and "$" not in calls[2] + calls[3] + calls[4]
    cpu = next(r for w_, r in by_where.items() if "CPU" in w_)
    assert cpu[2].endswith(" ms") and "$" not in cpu[2]
    gb = [r for w_, r in by_where.items() if "Bandwidth" in w_ and "users:" in w_]
    assert gb and all(r[2].endswith(" GB") and "$" not in r[2] for r in gb)
    total = next(r for w_, r in by_where.items() if w_.endswith("Total"))
    assert total[2].startswith("$")


def test_no_internal_codes_on_screen(qtbot, tmp_path):
    codes = set(METRICS) | set(USAGE_METRICS) | set(ECONOMICS_METRICS)
    codes -= {"users", "margin", "quantity", "contribution"}  # plain words, not codes
    bad_headers = {"Bound", "Own rate", "Printed decimals"}
    for name in ("vivim", "kalei", "vercel_per_user"):
        w = open_window(qtbot, sample_copy(tmp_path, name))
        for table, grid in w.grids.items():
            m = grid.plan_model
            headers = {str(m.headerData(c, Qt.Horizontal)) for c in range(m.columnCount())}
            assert not headers & bad_headers, (table, headers & bad_headers)
            shown = {str(m.index(r, c).data()) for r in range(m.rowCount()) for c in range(m.columnCount())}
            assert not shown & codes, (name, table, shown & codes)
        w.close()


def test_a_metric_typed_in_words_is_stored_as_its_code(qtbot, window):
    grid = window.show_table("stated_figures")
    col = grid.plan_model.spec.column_index("metric")
    click_cell(qtbot, grid, grid.rows.rowCount() - 1, 0)
    QGuiApplication.clipboard().setText("M1\tTeam cost of the milestone\t\tAs stated\t70000")
    qtbot.keySequence(grid, QKeySequence.Paste)
    table = window.controller.plan.tables["stated_figures"]
    assert len(table) == 1 and table.get(0, "metric") == "allocations_subtotal" and table.get(0, "bound") == "value"
    assert grid.plan_model.index(0, col).data() == "Team cost of the milestone"
    click_cell(qtbot, grid, 0, col)
    type_keys(qtbot, grid, "Monthly operating cost")
    assert table.get(0, "metric") == "operating_total"


# -- files: relaunch, samples, Save As, opening writes nothing, "All changes saved" ------------------------
def test_a_relaunch_opens_the_last_plan(qtbot, tmp_path, monkeypatch):
    from vivim_planner.ui.app import open_start_document

    first = open_window(qtbot, small_plan_file(tmp_path))
    other = tmp_path / "other"
    other.mkdir()
    second = small_plan_file(other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(second), "")))
    action(first, "File", "Open").trigger()
    first.close()
    doc, note = open_start_document(None)
    try:
        assert doc.path.resolve() == second.resolve() and note == ""
    finally:
        doc.close()


def test_samples_menu_opens_a_copy_and_the_bundled_file_is_untouched(qtbot, window):
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "Samples"
    (folder / "kalei.vivim").unlink(missing_ok=True)  # a copy an older version made is upgraded when opened
    bundled = digest(sample_path("kalei"))
    entry = [a for a in window.samples_menu.actions() if a.text().startswith("Kalei")][0]
    entry.trigger()
    path = window.controller.document.path
    assert path.name == "kalei.vivim" and path.resolve() != sample_path("kalei").resolve()
    assert window.controller.plan.settings.name and len(window.controller.plan.tables["llm_models"]) > 0
    assert digest(sample_path("kalei")) == bundled
    copy = digest(path)
    window.controller.document.close()
    time.sleep(0.01)
    PlanDocument.open(path).close()  # a second opening writes nothing either
    assert digest(path) == copy


def test_save_as_xlsx_writes_a_workbook_and_keeps_the_plan(qtbot, window, tmp_path, monkeypatch):
    plan_path = window.controller.document.path
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "acme.xlsx"), "")))
    action(window, "File", "Save As").trigger()
    book = tmp_path / "acme.xlsx"
    assert book.read_bytes()[:2] == b"PK"  # a zip: the workbook
    assert not (tmp_path / "acme.vivim").exists() and not (tmp_path / "acme.xlsx.vivim").exists()
    assert window.controller.document.path == plan_path
    assert "acme.xlsx" in window.statusBar().currentMessage()


def test_opening_a_plan_leaves_the_file_as_it_was(qtbot, window, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    target = small_plan_file(other)
    before = digest(target)
    time.sleep(0.01)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(target), "")))
    action(window, "File", "Open").trigger()
    assert window.controller.document.path == target
    window.close()
    assert digest(target) == before


def test_title_and_status_bar_say_all_changes_saved(qtbot, window):
    grid = window.show_table("milestones")
    click_cell(qtbot, grid, 0, 1)
    type_keys(qtbot, grid, "Foundations")
    assert window.controller.plan.milestones.get(0, "name") == "Foundations"
    assert "All changes saved" in window.windowTitle() and not window.isWindowModified()
    assert window.status_info.text().startswith("All changes saved")
