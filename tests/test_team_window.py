"""The window on a team plan, offscreen, against a real PostgreSQL server: File > Open Team
Plan…, typing into a grid lands on the server, another client's edit refreshes exactly the
changed cells and the totals, a conflicting edit is refused in the status bar, History, and
the offline banner while the server is away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QInputDialog

from pg_server import pg_db, pg_server  # noqa: F401 - fixtures
from test_ui_window import FTE_COL, cost_col, type_into
from ui_plans import small_plan_file
from vivim_planner.commands import set_cell
from vivim_planner.engine import compute
from vivim_planner.storage import PlanDocument
from vivim_planner.storage.postgres import TeamDocument
from vivim_planner.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


def publish_small(tmp_path, url: str) -> None:
    doc = PlanDocument.open(small_plan_file(tmp_path), readonly=True)
    TeamDocument.publish(doc.plan, url)
    doc.close()


@pytest.fixture
def team_window(qtbot, tmp_path, pg_server, pg_db, monkeypatch):  # noqa: F811
    url = pg_server.url(pg_db, "alex", plan="small")
    publish_small(tmp_path, url)
    (tmp_path / "local").mkdir()
    w = MainWindow(PlanDocument.open(small_plan_file(tmp_path / "local")))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (url, True)))
    w.open_team_action.trigger()
    assert isinstance(w.controller.document, TeamDocument)
    yield w
    w.close()


def test_open_team_plan_action_and_a_typed_edit_lands_on_the_server(qtbot, team_window, pg_server, pg_db):  # noqa: F811
    w = team_window
    assert "small" in w.windowTitle() and "alex" in w.statusBar().currentMessage()
    grid = w.grids["allocations"]
    type_into(qtbot, grid, 0, FTE_COL, "0.5")
    assert grid.plan_model.index(0, cost_col(grid.plan_model)).data() == "$30,600"
    other = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    assert other.plan.allocations.get(0, "fte") == 0.5
    assert compute(other.plan).totals == compute(w.controller.plan).totals
    other.close()
    w.undo_action.trigger()
    again = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    assert again.plan.allocations.get(0, "fte") == 1.0
    again.close()


def test_another_clients_edit_refreshes_exactly_that_cell_and_the_totals(qtbot, team_window, pg_server, pg_db):  # noqa: F811
    w = team_window
    grid = w.grids["allocations"]
    model = grid.plan_model
    other = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    rid = int(other.plan.allocations.ids[0])
    signalled = []
    model.dataChanged.connect(lambda a, b: signalled.append((a.row(), b.row())))
    other.apply(set_cell(other.plan, "allocations", rid, "fte", "0.5"))
    qtbot.waitUntil(lambda: model.index(0, FTE_COL).data() == "0.5", timeout=3000)
    assert model.index(0, cost_col(model)).data() == "$30,600"
    assert signalled and all(a == b == 0 for a, b in signalled)
    assert compute(w.controller.plan).totals == compute(other.plan).totals
    # alex types over the same cell without having seen a newer edit of sam's: refused, shown
    other.apply(set_cell(other.plan, "allocations", rid, "fte", "2"))
    w.team_link._drop_notifier()  # alex's window has not heard of it yet
    type_into(qtbot, grid, 0, FTE_COL, "0.75")
    assert "Team!F2 was changed to 2 by sam" in w.statusBar().currentMessage()
    assert "your 0.75 was not applied" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: model.index(0, FTE_COL).data() == "2", timeout=3000)
    other.close()


def test_history_view_lists_who_changed_which_cell(qtbot, team_window, pg_server, pg_db):  # noqa: F811
    w = team_window
    type_into(qtbot, w.grids["allocations"], 0, FTE_COL, "0.5")
    other = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    other.apply(set_cell(other.plan, "milestones", int(other.plan.milestones.ids[0]), "name", "Prototype v2"))
    w.history_action.trigger()
    view = w.history_dock.widget()
    qtbot.waitUntil(lambda: view.table.rowCount() >= 2 and view.table.item(0, 1).text() == "sam", timeout=3000)
    rows = [[view.table.item(r, c).text() for c in range(6)] for r in range(view.table.rowCount())]
    assert rows[0][1:5] == ["sam", "Milestones!B2", '"Foundation"', '"Prototype v2"']
    assert rows[1][1:5] == ["alex", "Team!F2", "1", "0.5"]
    w.resize(1400, 800)
    w.grab().save("/tmp/team_history.png")
    other.close()


def test_ctrl_z_after_a_remote_change_is_refused_in_the_status_bar(qtbot, team_window, pg_server, pg_db):  # noqa: F811
    w = team_window
    grid = w.grids["allocations"]
    model = grid.plan_model
    type_into(qtbot, grid, 0, FTE_COL, "0.5")
    other = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    other.apply(set_cell(other.plan, "allocations", int(other.plan.allocations.ids[0]), "fte", "2"))
    qtbot.waitUntil(lambda: model.index(0, FTE_COL).data() == "2", timeout=3000)
    stack = w.controller.undo_stack
    index = stack.index()
    w.undo_action.trigger()
    message = w.statusBar().currentMessage()
    assert "Team!F2 was changed to 2 by sam" in message and "your undo to 1 was not applied" in message
    qtbot.waitUntil(lambda: stack.index() == index, timeout=2000)  # the step stays undoable later
    assert model.index(0, FTE_COL).data() == "2"
    fresh = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    assert fresh.plan.allocations.get(0, "fte") == 2
    fresh.close()
    other.close()


def test_open_team_plan_asks_for_a_password_the_server_wants(qtbot, tmp_path, pg_server, pg_db, monkeypatch):  # noqa: F811
    from pg_server import PASSWORD, PASSWORD_ROLE

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    url = pg_server.url(pg_db, PASSWORD_ROLE, plan="small")
    publish_small(tmp_path, url.replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:{PASSWORD}@"))
    (tmp_path / "local").mkdir()
    w = MainWindow(PlanDocument.open(small_plan_file(tmp_path / "local")))
    qtbot.addWidget(w)
    asked = []

    def get_text(parent, title, label, *rest):  # noqa: ANN001, ANN002, ANN202
        asked.append(title)
        return (PASSWORD, True) if title == "Password" else (url, True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    w.open_team_action.trigger()
    assert asked == ["Open Team Plan", "Password"]
    assert isinstance(w.controller.document, TeamDocument)
    assert PASSWORD not in w.windowTitle() + w.statusBar().currentMessage()
    w.close()


def test_a_remote_edit_waits_while_the_cell_editor_is_open_and_the_typed_value_is_refused(
        qtbot, team_window, pg_server, pg_db):  # noqa: F811
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    w = team_window
    grid = w.grids["allocations"]
    model = grid.plan_model
    w.show_table("allocations")
    grid.setCurrentIndex(model.index(0, FTE_COL))
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key_F2)
    editor = next(e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible())
    other = TeamDocument.open(pg_server.url(pg_db, "sam", plan="small"))
    other.apply(set_cell(other.plan, "allocations", int(other.plan.allocations.ids[0]), "fte", "0.5"))
    qtbot.wait(600)
    assert model.index(0, FTE_COL).data() == "1"  # not under the user's fingers
    editor.selectAll()
    qtbot.keyClicks(editor, "0.75")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: "was changed to 0.5 by sam" in w.statusBar().currentMessage(), timeout=3000)
    assert "your 0.75 was not applied" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: model.index(0, FTE_COL).data() == "0.5", timeout=3000)
    other.close()
