"""A team plan whose server goes away: read-only with the reason, nothing typed lost without a
message, and back to editing (with what others did meanwhile) when the server returns."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QStandardPaths

from pg_server import start_server
from plan_helpers import snapshot
from test_ui_window import FTE_COL, type_into
from ui_plans import small_plan_file
from vivim_planner.commands import set_cell
from vivim_planner.domain import PlanError
from vivim_planner.storage import PlanDocument
from vivim_planner.storage.postgres import TeamDocument
from vivim_planner.ui.main_window import MainWindow
from vivim_planner.ui import team_window


@pytest.fixture
def server(tmp_path):
    """A cluster of this test's own, so stopping it touches no other test."""
    s = start_server(tmp_path / "pg")
    yield s
    s.remove()


@pytest.fixture
def url(server, tmp_path):
    db = "offline"
    server.create_database(db)
    u = server.url(db, "alex", plan="small")
    src = PlanDocument.open(small_plan_file(tmp_path), readonly=True)
    TeamDocument.publish(src.plan, u)
    src.close()
    return u


def test_server_gone_makes_the_plan_read_only_and_it_recovers(server, url):
    doc = TeamDocument.open(url)
    rid = int(doc.plan.allocations.ids[0])
    before = snapshot(doc.plan)
    server.stop(mode="immediate")
    with pytest.raises(PlanError, match="the server .* cannot be reached"):
        doc.apply(set_cell(doc.plan, "allocations", rid, "fte", "0.5"))
    assert doc.readonly and "cannot be reached" in doc.readonly_reason
    assert snapshot(doc.plan) == before  # the refused edit left nothing behind
    with pytest.raises(PlanError, match=r"read-only \(the server .* cannot be reached.*\): the change was not made"):
        doc.apply(set_cell(doc.plan, "allocations", rid, "fte", "0.5"))
    assert not doc.poll() and doc.reconnect() is None and doc.readonly  # still away
    server.start()
    other = TeamDocument.open(url.replace("alex@", "sam@"))
    other.apply(set_cell(other.plan, "allocations", rid, "months", "4"))
    cs = doc.reconnect()
    assert cs.cells == {"allocations": {(rid, "months")}}  # what sam did while alex was offline
    assert not doc.readonly and doc.offline is None
    doc.apply(set_cell(doc.plan, "allocations", rid, "fte", "0.5"))
    assert other.poll(timeout=5).cells == {"allocations": {(rid, "fte")}}
    assert snapshot(other.plan) == snapshot(doc.plan)
    other.close()
    doc.close()


def test_window_shows_the_offline_banner_refuses_typing_and_recovers(qtbot, server, url, tmp_path, monkeypatch):
    QStandardPaths.setTestModeEnabled(True)
    monkeypatch.setattr(team_window, "CHECK_MS", 300)
    w = MainWindow(TeamDocument.open(url))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    link = w.team_link
    link.timer.setInterval(300)
    assert not link.banner.isVisible()
    server.stop(mode="immediate")
    qtbot.waitUntil(lambda: link.banner.isVisible(), timeout=10_000)
    assert "Offline: the server alex@127.0.0.1" in link.banner_label.text()
    assert "[read-only]" in w.windowTitle()
    grid = w.grids["allocations"]
    type_into(qtbot, grid, 0, FTE_COL, "0.5")
    assert "read-only" in w.statusBar().currentMessage() and "was not made" in w.statusBar().currentMessage()
    assert grid.plan_model.index(0, FTE_COL).data() == "1"
    w.resize(1280, 500)
    w.grab().save("/tmp/team_offline.png")
    server.start()
    qtbot.waitUntil(lambda: not link.banner.isVisible(), timeout=15_000)
    assert "Back online" in w.statusBar().currentMessage() and "[read-only]" not in w.windowTitle()
    type_into(qtbot, grid, 0, FTE_COL, "0.5")
    again = TeamDocument.open(url)
    assert again.plan.allocations.get(0, "fte") == 0.5
    again.close()
    w.close()
