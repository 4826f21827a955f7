"""The Timeline view in the real window, offscreen: an FTE typed in the Team grid moves that
month's FTE, team cost and cash in the grid and the burn chart; Ctrl+Z puts them back; the grid
shows the engine's timeline; months that come or go are columns inserted or removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QLineEdit

from vivim_planner.engine.timeline import timeline
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow
from ui_plans import small_plan_file

SAMPLES = Path(__file__).resolve().parents[1] / "sample_models"


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


def _open(qtbot, path: Path) -> MainWindow:
    w = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(qtbot, tmp_path):
    return _open(qtbot, small_plan_file(tmp_path))


def view_action(window: MainWindow, title: str):  # noqa: ANN201 - QAction
    """The View menu's action that shows ``title`` (what a user picks)."""
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "View":
            for a in action.menu().actions():
                if a.text().replace("&", "").split("\t")[0] == title:
                    return a
    raise AssertionError(f"no View > {title}")


def type_into(qtbot, window: MainWindow, table: str, row: int, field: str, text: str) -> None:
    view = window.show_table(table)
    view.setCurrentIndex(view.model().index(row, view.plan_model.spec.column_index(field)))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_F2)
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key_Return)
    qtbot.waitUntil(lambda: not [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()])


def cell(window: MainWindow, key: str, month: int) -> float:
    model = window.timeline.model
    return model.value(model.row_of(key), month - 1)


def test_timeline_model_passes_qtmodeltester(qtmodeltester, window):
    qtmodeltester.check(window.timeline.model)


def test_the_grid_shows_the_engines_timeline(window):
    view_action(window, "Timeline").trigger()
    tl = timeline(window.controller.plan)
    model = window.timeline.model
    assert model.columnCount() == tl.horizon == 5
    assert [model.headerData(c, Qt.Horizontal) for c in range(5)] == [f"Month {m}" for m in range(1, 6)]
    for key, values in (("users", tl.users), ("fte", tl.fte), ("team_cost", tl.team_cost),
                        ("build_cost", tl.build_spend), ("operating_cost", tl.operating_cost), ("cash", tl.cash)):
        np.testing.assert_allclose([cell(window, key, m) for m in range(1, 6)], values, err_msg=key)
    assert model.index(model.row_of("cash"), 0).data() == f"-${-tl.cash[0]:,.0f}"


def test_an_fte_typed_in_the_team_grid_moves_the_timeline_and_ctrl_z_restores_it(qtbot, window):
    view_action(window, "Timeline").trigger()
    assert window.timeline.isVisible()
    burn = window.timeline.burn.bars
    before = {k: [cell(window, k, m) for m in (1, 2, 3)] for k in ("fte:Senior Developer", "team_cost", "cash")}
    burn_before = np.array(burn.opts["height"], dtype=float).copy()
    # M1's Senior Backend Engineer ($85/h, 240 h) from 1.0 to 2.0 FTE, typed as a user does
    type_into(qtbot, window, "allocations", 0, "fte", "2")
    view_action(window, "Timeline").trigger()
    after = {k: [cell(window, k, m) for m in (1, 2, 3)] for k in before}
    assert np.subtract(after["fte:Senior Developer"], before["fte:Senior Developer"]) == pytest.approx([1, 1, 1])
    assert np.subtract(after["team_cost"], before["team_cost"]) == pytest.approx([85 * 240] * 3)
    assert np.subtract(after["cash"], before["cash"]) == pytest.approx([-85 * 240 * k for k in (1, 2, 3)])
    burn_after = np.array(burn.opts["height"], dtype=float)
    assert burn_after[:3] - burn_before[:3] == pytest.approx([85 * 240] * 3)
    qtbot.keyClick(window.timeline.grid, Qt.Key_Z, Qt.ControlModifier)
    assert {k: [cell(window, k, m) for m in (1, 2, 3)] for k in before} == before
    np.testing.assert_allclose(np.array(burn.opts["height"], dtype=float), burn_before)


def test_months_that_come_are_columns_inserted_not_a_reset(qtbot, window):
    view_action(window, "Timeline").trigger()
    model = window.timeline.model
    signals = []
    model.modelReset.connect(lambda: signals.append("reset"))
    model.columnsInserted.connect(lambda _p, a, b: signals.append(("inserted", a, b)))
    type_into(qtbot, window, "milestones", 1, "end_month", "8")
    assert signals == []  # a hidden Timeline waits until it is shown
    view_action(window, "Timeline").trigger()
    assert signals == [("inserted", 5, 7)]
    assert model.headerData(7, Qt.Horizontal) == "Month 8"
    window.undo_action.trigger()
    assert model.columnCount() == 5  # shown: it follows at once


def test_a_start_month_labels_the_timeline_by_calendar(qtbot, window):
    window.show_table("milestones")
    command = window.controller.try_build(__import__("vivim_planner.commands", fromlist=["set_settings"]).set_settings,
                                          {"start_date": "Nov 2026"})
    assert window.controller.execute(command)
    view_action(window, "Timeline").trigger()
    model = window.timeline.model
    assert [model.headerData(c, Qt.Horizontal) for c in range(3)] == ["Nov 2026", "Dec 2026", "Jan 2027"]


def test_kalei_summary_and_timeline_show_the_same_month(qtbot, tmp_path):
    path = tmp_path / "kalei.vivim"
    shutil.copy(SAMPLES / "kalei.vivim", path)
    w = _open(qtbot, path)
    tl = w.controller.timeline
    model = w.summary.model
    phase = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "Phase 2: Traction")
    month = 6  # Phase 2 starts in month 6
    assert model.index(phase, 9).data() == f"${tl.operating_cost[month - 1]:,.0f}"
    assert model.index(phase, 10).data() == f"${tl.revenue[month - 1]:,.2f}"
    assert w.summary.cards["ops"].value.text() != "—"  # growth steps stand in for milestones


def test_economics_card_names_both_break_evens_as_the_timeline_has_them(qtbot, tmp_path):
    path = tmp_path / "vivim.vivim"
    shutil.copy(SAMPLES / "vivim.vivim", path)
    w = _open(qtbot, path)
    view_action(w, "Economics").trigger()
    line = w.controller.timeline
    card = w.economics.cards["be_month"]
    assert line.operating_break_even_month is not None
    assert card.value.text() == f"Month {line.operating_break_even_month}"
    cash = line.cash_flow_break_even_month
    assert ("never in the plan" if cash is None else f"month {cash}") in card.note.text()
    assert card.title.text() == "Operating break-even"


def test_a_copy_of_the_file_taken_once_typing_pauses_holds_every_edit(qtbot, window, tmp_path):
    """Edits commit to the write-ahead log at once; the checkpoint into the file itself runs when
    typing pauses (not inside each keystroke), so a file copied then (mail, sync) has them all."""
    import sqlite3

    path = window.controller.document.path
    for text in ("0.25", "0.75"):
        type_into(qtbot, window, "allocations", 0, "fte", text)
    timer = window.controller._checkpoint_timer
    assert timer.isActive()  # one checkpoint for the burst, still to come
    qtbot.waitUntil(lambda: not timer.isActive(), timeout=5000)
    copy = tmp_path / "mailed.vivim"
    shutil.copyfile(path, copy)  # the file alone, without its -wal side log
    con = sqlite3.connect(copy)
    fte = con.execute("SELECT fte FROM allocations ORDER BY ord LIMIT 1").fetchone()[0]
    con.close()
    assert fte == 0.75


def test_start_month_typed_on_the_summary_labels_the_timeline_and_undo_restores(qtbot, window):
    view_action(window, "Summary").trigger()
    edit = window.summary.fields["start_date"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "2026-11")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.controller.plan.settings.start_date == "2026-11"
    view_action(window, "Timeline").trigger()
    model = window.timeline.model
    assert model.headerData(0, Qt.Horizontal) == "Nov 2026"
    assert model.headerData(2, Qt.Horizontal) == "Jan 2027"
    horizon = window.summary.fields["horizon_months"]
    view_action(window, "Summary").trigger()
    horizon.setFocus()
    horizon.selectAll()
    qtbot.keyClicks(horizon, "12")
    qtbot.keyClick(horizon, Qt.Key_Return)
    assert window.controller.timeline.horizon == 12
    window.undo_action.trigger()
    window.undo_action.trigger()
    view_action(window, "Timeline").trigger()
    assert model.headerData(0, Qt.Horizontal) == "Month 1"
    assert window.controller.timeline.horizon == timeline(window.controller.plan).horizon == 5
