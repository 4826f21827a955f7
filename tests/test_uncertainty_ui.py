"""The Uncertainty view in the real window, offscreen: it runs in the background when shown,
draws the engine's percentiles, follows an edit, drops a result an edit has overtaken, and
never runs while hidden."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QStandardPaths

from vivim_planner.engine.simulation import simulate
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow
from test_timeline_ui import type_into, view_action
from ui_plans import small_plan_file


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(PlanDocument.open(small_plan_file(tmp_path)))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.uncertainty.wait()


def test_shown_it_simulates_in_the_background_and_draws_the_engines_percentiles(qtbot, window):
    tab = window.uncertainty
    tab.draws.setValue(2_000)
    assert tab.simulation is None
    with qtbot.waitSignal(tab.finished, timeout=30_000):
        view_action(window, "Uncertainty").trigger()
    sim = tab.simulation
    engine = simulate(window.controller.plan, draws=2_000, seed=0)
    np.testing.assert_allclose(sim.total_build_cost, engine.total_build_cost)
    _x, y = tab.fan.p50.getData()
    np.testing.assert_allclose(y[1:], engine.cash[50])
    assert "80% of draws put the total build cost between" in tab.sentences.text()
    assert tab.drivers.rowCount() > 0 and tab.drivers.item(0, 0).text() == engine.drivers[0][0]


def test_an_edit_runs_it_again_and_the_result_follows_the_plan(qtbot, window):
    tab = window.uncertainty
    tab.draws.setValue(1_000)
    with qtbot.waitSignal(tab.finished, timeout=30_000):
        view_action(window, "Uncertainty").trigger()
    before = tab.simulation.total_build_cost.copy()
    # the Legal estimate of M1: low 500, mid 2,500, high 8,000 -> a dearer mid moves every draw
    type_into(qtbot, window, "estimates", 0, "mid", "6000")
    assert tab.stale  # hidden while the grid was edited: it waits
    with qtbot.waitSignal(tab.finished, timeout=30_000):
        view_action(window, "Uncertainty").trigger()
    after = tab.simulation.total_build_cost
    assert after.mean() > before.mean()
    np.testing.assert_allclose(after, simulate(window.controller.plan, draws=1_000, seed=0).total_build_cost)


def test_a_result_an_edit_has_overtaken_is_dropped(qtbot, window):
    tab = window.uncertainty
    old = simulate(window.controller.plan, draws=200, seed=0)
    tab.generation = 5
    tab._done(4, old)  # noqa: SLF001 - a run that started before the latest edit reports late
    assert tab.simulation is None
    tab._done(5, old)  # noqa: SLF001
    assert tab.simulation is old


def test_hidden_it_does_not_run(qtbot, window):
    tab = window.uncertainty
    type_into(qtbot, window, "estimates", 0, "mid", "3000")
    qtbot.wait(600)
    assert tab.simulation is None and not tab._runs  # noqa: SLF001
