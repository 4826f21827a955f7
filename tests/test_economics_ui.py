"""The window offscreen: the Economics view shows seed 003's margins, the scenario switch changes
every figure (Summary, grids' computed columns, Economics, Sensitivity) and agrees with the CLI,
duplicating a scenario is one undo step, bad economics input is refused naming the cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths

from vivim_planner.commands import insert_rows
from vivim_planner.engine import summary
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow

SAMPLES = Path(__file__).resolve().parents[1] / "sample_models"


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


def _window(qtbot, tmp_path, name: str) -> MainWindow:
    path = tmp_path / name
    shutil.copy(SAMPLES / name, path)
    w = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.tabs.setCurrentIndex(w.tab_index("Economics"))  # the view recomputes while it is shown
    return w


def _tier_row(w: MainWindow, name: str) -> list[str]:
    t = w.economics.tiers
    for r in range(t.rowCount()):
        if t.item(r, 0).text() == name:
            return [t.item(r, c).text() for c in range(t.columnCount())]
    raise KeyError(name)


def _step_row(w: MainWindow, name: str) -> list[str]:
    t = w.economics.steps
    for r in range(t.rowCount()):
        if t.item(r, 0).text() == name:
            return [t.item(r, c).text() for c in range(t.columnCount())]
    raise KeyError(name)


def test_economics_view_shows_kalei_margins_and_break_even(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "kalei.vivim")
    w.tabs.setCurrentIndex(w.tab_index("Economics"))
    prism = _tier_row(w, "Prism")
    assert prism[1] == "$4.99" and prism[3] == "$0.6257" and prism[5] == "87.5%"
    assert w.economics.cards["be_subs"].value.text() == "4"
    assert _step_row(w, "Phase 1: Launch")[-1] == "62.6%"
    # scenarios side by side: break-even subscribers at $4.99 and at the old $7.99
    t = w.economics.compare
    headers = [t.horizontalHeaderItem(j).text() for j in range(t.columnCount())]
    row = [t.item(r, 0).text() for r in range(t.rowCount())].index("Break-even subscribers")
    assert t.item(row, headers.index("mid")).text() == "4"
    old = t.item(row, headers.index("Old price $7.99"))
    assert old.text() == "2" and old.toolTip() == "−2 against mid (−50%)"


def test_switching_scenario_changes_the_economics_and_matches_the_cli(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "kalei.vivim")
    bar = w.scenario_bar
    bar.combo.setCurrentText("Old price $7.99")
    bar.combo.activated.emit(bar.combo.currentIndex())
    assert w.scenario.name == "Old price $7.99"
    assert _tier_row(w, "Prism")[1] == "$7.99"
    assert _step_row(w, "Phase 1: Launch")[-1] == "65.0%"  # seed 003: +$52 (65%)
    cli = summary(w.controller.plan, "Old price $7.99")["unit_economics"]
    assert w.economics.cards["be_subs"].value.text() == str(cli["break_even_subscribers"]) == "2"
    assert "5 overrides" in bar.note.text()
    # the plan itself is unchanged: the grid still shows the typed price
    model = w.grids["pricing_tiers"].plan_model
    assert model.index(1, 1).data() == "$4.99"
    bar.combo.setCurrentText("mid")
    bar.combo.activated.emit(bar.combo.currentIndex())
    assert _tier_row(w, "Prism")[1] == "$4.99" and w.economics.cards["be_subs"].value.text() == "4"


def test_scenario_overrides_reach_the_summary_and_grids_and_band_follows(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "vivim.vivim")
    c = w.controller
    # a scenario that puts 200,000 users on M7: its cost per user halves everywhere
    add = insert_rows(c.plan, "scenarios", 0, [{"name": "Big M7", "band": "high"}])
    assert c.execute(add)
    sid = c.plan.find_ref("scenarios", "Big M7")
    assert c.execute(insert_rows(c.plan, "scenario_overrides", 0, [
        {"scenario": sid, "sheet": "Milestones", "row": "M7", "field": "Target users", "value": "200,000"}]))
    w.tabs.setCurrentIndex(w.tab_index("Summary"))  # the Summary catches up when shown
    m = w.summary.model
    row = [m.cell(r, 0) for r in range(m.rowCount())].index("M7")
    cpu_col = m.columnCount() - 1
    before = m.index(row, cpu_col).data()
    w.scenario.set_scenario("Big M7")
    after = m.index(row, cpu_col).data()
    assert before == "$0.0752" and after == "$0.0376"  # 7,525 / 100,000 (a float a hair below .07525) and / 200,000
    assert w.summary.scenario.currentText() == "high"  # the Summary's band follows the scenario
    cli = summary(c.plan, "Big M7")
    assert cli["milestones"][6]["cost_per_user"] == pytest.approx(7525 / 200_000)
    # picking a band on the Summary switches the window to that built-in scenario
    w.summary.scenario.setCurrentText("low")
    assert w.scenario.name == "low" and m.index(row, cpu_col).data() == "$0.0752"
    w.tabs.setCurrentIndex(w.tab_index("Economics"))  # hidden views catch up when shown
    assert w.economics.economics.total_build_cost == 1_275_800
    w.scenario.set_scenario("Big M7")
    assert w.economics.economics.total_build_cost == cli["total_build_cost"] == 3_544_300


def test_duplicate_a_scenario_with_its_overrides_in_one_undo_step(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "kalei.vivim")
    plan = w.controller.plan
    n_s, n_o = len(plan.tables["scenarios"]), len(plan.tables["scenario_overrides"])
    assert w.scenario.duplicate("Old price $7.99", "Old price, my copy")
    assert len(plan.tables["scenarios"]) == n_s + 1 and len(plan.tables["scenario_overrides"]) == n_o + 5
    assert w.scenario.name == "Old price, my copy" and _tier_row(w, "Prism")[1] == "$7.99"
    assert not w.scenario.duplicate("mid", "old price, MY copy")  # refused: the name is taken
    assert "already used" in w.statusBar().currentMessage()
    w.controller.undo_stack.undo()
    assert len(plan.tables["scenarios"]) == n_s and len(plan.tables["scenario_overrides"]) == n_o
    assert w.scenario.name == "mid"  # its scenario is gone: the window falls back to mid


@pytest.mark.parametrize("table, row, col, text, message", [
    ("pricing_tiers", 1, 4, "120%", "Pricing!E3: Paying share must be between 0% and 100%, got 120%"),
    ("pricing_tiers", 1, 1, "-4.99", "Pricing!B3: Monthly price must be between 0 and 1,000,000,000, got -4.99"),
    ("scenarios", 1, 0, "Old price $7.99", 'Scenarios!A3: Scenario "Old price $7.99" is already used by row 2'),
])
def test_bad_economics_input_is_refused_naming_the_cell(qtbot, tmp_path, table, row, col, text, message):
    w = _window(qtbot, tmp_path, "kalei.vivim")
    model = w.grids[table].plan_model
    before = model.index(row, col).data()
    assert model.setData(model.index(row, col), text) is False
    assert w.statusBar().currentMessage() == message
    assert model.index(row, col).data() == before
    assert not w.isWindowModified()


def test_sensitivity_tab_draws_and_exports_the_tornado(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "vivim.vivim")
    w.tabs.setCurrentIndex(w.tab_index("Sensitivity"))
    w.sensitivity.recompute()
    assert w.sensitivity.tornado.swings[0].label == "Estimates · M7 Personnel · Mid"
    png = w.sensitivity.export(tmp_path / "t.png")
    svg = w.sensitivity.export(tmp_path / "t.svg")
    assert png.read_bytes()[:4] == b"\x89PNG" and "M7 Personnel" in svg.read_text()
    w.sensitivity.copy_chart()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().image().width() == 2400  # 1200 logical pixels at 2x
    w.scenario.set_scenario("high")
    qtbot.waitUntil(lambda: not w.sensitivity._stale, timeout=10_000)
    assert w.sensitivity.tornado.scenario == "high"
    assert w.sensitivity.tornado.swings[0].label == "Estimates · M7 Personnel · High"


def test_the_audit_tab_lists_the_seeds_economics_rounding(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "kalei.vivim")
    cells = [f.cell for f in w.controller.findings]
    assert "Stated economics!D15" in cells and "Stated economics!D17" in cells
    assert w.tabs.tabText(w.tab_index("Audit")) == f"Audit ({len(w.controller.findings)})"
    # after an edit the audit runs again and keeps them (once)
    model = w.grids["pricing_tiers"].plan_model
    assert model.setData(model.index(1, 3), "10%")
    w.controller.flush_audit()
    assert [f.cell for f in w.controller.findings].count("Stated economics!D15") == 1


def test_the_curves_follow_a_scenario_that_changes_usage(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "kalei.vivim")
    c = w.controller
    assert c.execute(insert_rows(c.plan, "scenarios", 0, [{"name": "Heavy users"}]))
    sid = c.plan.find_ref("scenarios", "Heavy users")
    assert c.execute(insert_rows(c.plan, "scenario_overrides", 0, [
        {"scenario": sid, "sheet": "Segments", "row": "Prism subscriber", "field": "Share of users", "value": "50%"}]))
    before = float(c.usage.evaluate([1000]).total[0])
    w.scenario.set_scenario("Heavy users")
    assert [s.share for s in c.usage.segments] == [0.85, 0.5]  # the model the Curves tab draws
    after = float(c.usage.evaluate([1000]).total[0])
    assert after > before
    w.tabs.setCurrentIndex(w.tab_index("Curves"))
    drawn = w.curves.chart.curve
    assert drawn is not None
    assert list(drawn.total) == list(c.usage.evaluate(drawn.users).total)  # drawn from the scenario's model
    w.scenario.set_scenario("mid")
    assert float(c.usage.evaluate([1000]).total[0]) == before


def test_duplicating_a_builtin_scenario_keeps_its_build_estimates(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "vivim.vivim")
    assert w.scenario.duplicate("high", "High, my variant")
    assert w.scenario.name == "High, my variant" and w.scenario.band == "high"
    assert w.economics.economics.total_build_cost == 3_544_300
    assert w.summary.scenario.currentText() == "high"


def test_a_grids_computed_columns_follow_the_scenario_and_its_inputs_stay_the_plans(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, "vivim.vivim")
    c = w.controller
    assert c.execute(insert_rows(c.plan, "scenarios", 0, [{"name": "Dearer backend"}]))
    sid = c.plan.find_ref("scenarios", "Dearer backend")
    # Team row 2 (cell addresses count the header as row 1): Senior Backend Engineer, $85/h x 240 h x 3
    assert c.execute(insert_rows(c.plan, "scenario_overrides", 0, [
        {"scenario": sid, "sheet": "Team", "row": "2", "field": "Hourly rate", "value": "$100"}]))
    model = w.grids["allocations"].plan_model
    cost_col = len(model.spec.fields) + [x.label for x in model.computed].index("Cost")
    rate_col = model.spec.column_index("hourly_rate")
    assert model.index(0, cost_col).data() == "$61,200"
    w.scenario.set_scenario("Dearer backend")
    assert model.index(0, cost_col).data() == "$72,000"  # 100 x 240 x 3
    assert model.index(0, rate_col).data() == "$85"  # the input shown and edited is the plan's own
    cli = summary(c.plan, "Dearer backend")
    assert cli["milestones"][0]["build"]["bottom_up"] == summary(c.plan)["milestones"][0]["build"]["bottom_up"] + 10_800
