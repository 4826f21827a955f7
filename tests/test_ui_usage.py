"""The operating-cost grids and the Curves tab in the real window, offscreen: the models pass
qtmodeltester, computed columns show the engine's figures, an edit of a unit price or an
included quota moves the curve at once and undo moves it back, bad input changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from vivim_planner.commands import insert_rows
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.domain.usage_schema import USAGE_TABLES
from vivim_planner.engine.usage import UsageModel
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow

VERCEL_ROWS = [  # seed 004: Vercel Pro against 862 calls, 15 s of active CPU and 470 KB per user
    ("usage_drivers", [{"name": "Invocations", "per_user": 862, "unit": "calls"},
                       {"name": "Active CPU", "per_user": 15, "unit": "seconds"},
                       {"name": "Bandwidth", "per_user": 470, "unit": "KB"}]),
    ("service_plans", [{"name": "Vercel Pro", "service": "Vercel", "base_fee": 20}]),
    ("meters", [
        {"plan": "Vercel Pro", "driver": "Invocations", "unit": "invocations", "included": 1_000_000,
         "unit_price": 0.60, "per": 1_000_000},
        {"plan": "Vercel Pro", "driver": "Active CPU", "unit": "hours", "included": 4, "unit_price": 0.128},
        {"plan": "Vercel Pro", "driver": "Bandwidth", "unit": "GB", "included": 100, "unit_price": 0.15},
    ]),
    ("usage_figures", [{"metric": "monthly_cost", "users": 10_000, "value": 29.39, "decimals": 2,
                        "label": "Step 6, 10,000 users: Total"}]),
]
EXTRA_ROWS = [  # milestones with operating costs, a ranged tier pair and one LLM segment
    ("milestones", [{"code": "M1", "name": "Launch", "start_month": 1, "end_month": 3, "target_users": 1_000},
                    {"code": "M2", "name": "Growth", "start_month": 4, "end_month": 9, "target_users": 50_000}]),
    ("operating_costs", [{"milestone": "M1", "driver": "Hosting", "amount": 40},
                         {"milestone": "M2", "driver": "Hosting", "amount": 400}]),
    ("infra_tiers", [{"name": "Stage 1", "users_from": 0, "users_to": 5_000},
                     {"name": "Stage 2", "users_from": 5_000, "users_to": 100_000}]),
    ("infra_components", [{"tier": "Stage 1", "component": "VPS", "low": 5, "high": 10},
                          {"tier": "Stage 2", "component": "VPS", "low": 40, "high": 80}]),
    ("llm_models", [{"name": "Haiku", "input_price": 1, "output_price": 5, "cache_read": 0.1, "batch_discount": 0.5}]),
    ("llm_activities", [{"name": "Chat turn", "model": "Haiku", "cached_tokens": 600, "input_tokens": 300,
                         "output_tokens": 450}]),
    ("segments", [{"name": "Free user", "share": 1.0}]),
    ("segment_usage", [{"segment": "Free user", "activity": "Chat turn", "sessions": 10}]),
]
SERVICES_ONLY = "services"


def usage_plan(extra: bool = True) -> Plan:
    """Seed 004's Vercel Pro plan; with ``extra`` also milestones, tiers and an LLM segment."""
    plan = Plan(PlanSettings(name="Usage demo"))
    for table, rows in VERCEL_ROWS + (EXTRA_ROWS if extra else []):
        insert_rows(plan, table, len(plan.tables[table]), rows).apply(plan)
    return plan


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "usage.vivim"
    PlanDocument.create(path, usage_plan()).close()
    w = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def type_into(qtbot, window, table: str, row: int, field: str, text: str) -> None:
    """Select a cell of ``table``'s grid, type over it and press Enter, as a user does."""
    view = window.show_table(table)
    index = view.model().index(row, view.plan_model.spec.column_index(field))
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_F2)
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, "F2 opens one cell editor"
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key_Return)
    qtbot.waitUntil(lambda: not [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()])


def total_y(window) -> np.ndarray:
    """The plotted total (USD/month) of the Curves tab's chart, as the plot item holds it."""
    return np.array(window.curves.chart.total.yData, copy=True)


def computed(window, table: str, label: str, row: int) -> str:
    model = window.grids[table].plan_model
    col = len(model.spec.fields) + [c.label for c in model.computed].index(label)
    return model.index(row, col).data()


def rows_of(plan, table: str) -> list[str]:
    return [repr(r) for r in plan.tables[table].rows()]


def test_new_tables_have_grids_on_their_tabs_and_models_pass_qtmodeltester(qtmodeltester, window):
    names = window.tab_names()
    for tab in ("Infrastructure", "Services", "LLM usage", "Curves"):
        assert tab in names
    for spec in USAGE_TABLES:
        model = window.grids[spec.name].model()
        assert model.rowCount() == len(window.controller.plan.tables[spec.name])
        qtmodeltester.check(model)
    for table, tab in (("infra_components", "Infrastructure"), ("meters", "Services"), ("segment_usage", "LLM usage")):
        window.show_table(table)
        assert window.tabs.currentIndex() == window.tab_index(tab)
    assert window.tabs.widget(window.tab_index("Audit")).isAncestorOf(window.grids["usage_figures"])


def test_computed_columns_show_the_engines_figures(window):
    # 15 s of active CPU a month is 0.0042 hours; 4 included hours last to 960 users
    assert computed(window, "meters", "Per user", 1) == "0.0042"
    assert computed(window, "meters", "Quota lasts to", 1) == "960"
    assert computed(window, "meters", "Quota lasts to", 0) == "1,160"  # 1M / 862 = 1,160.09
    # (600 x 0.1 x $1 + 300 x $1 + 450 x $5) / 1M = $0.00261 a session; 10 sessions a user
    assert computed(window, "llm_activities", "Cost / session", 0) == "$0.0026"
    assert computed(window, "segments", "LLM cost / user", 0) == "$0.0261"
    assert computed(window, "segment_usage", "Cost / user", 0) == "$0.0261"
    assert computed(window, "infra_tiers", "Low total", 1) == "$40"
    assert computed(window, "infra_tiers", "High total", 1) == "$80"


def test_unit_price_edit_moves_the_curve_at_once_and_undo_moves_it_back(qtbot, window):
    chart = window.curves.chart
    before = total_y(window)
    users = chart.users
    type_into(qtbot, window, "meters", 0, "unit_price", "1.20")  # invocations: $0.60 -> $1.20 per 1M
    after = total_y(window)
    over = users > 1_000_000 / 862 * 1.01  # past the included million invocations
    assert np.all(after[over] > before[over])
    assert np.array_equal(after[~over & (users < 1000)], before[~over & (users < 1000)])
    # the plotted data is the engine's figure for the edited plan
    expected = UsageModel(window.controller.plan).evaluate(users).total
    np.testing.assert_allclose(after, expected, rtol=1e-12)
    window.undo_action.trigger()
    assert np.array_equal(total_y(window), before)
    window.redo_action.trigger()
    assert np.array_equal(total_y(window), after)


def test_included_quota_edit_moves_curve_and_breakpoint_and_undo_restores(qtbot, window):
    chart = window.curves.chart
    before = total_y(window)
    assert any("4 hours of Active CPU used up · 960 users" == t for t in window.curves.breakpoint_texts())
    type_into(qtbot, window, "meters", 1, "included", "40")  # active CPU: 4 h -> 40 h included
    after = total_y(window)
    cpu_window = (chart.users > 1_000) & (chart.users < 9_000)  # CPU overage is gone here
    assert np.all(after[cpu_window] < before[cpu_window])
    texts = window.curves.breakpoint_texts()
    assert "40 hours of Active CPU used up · 9.6K users" in texts
    labels = [line.label.toPlainText() for line in chart.break_lines if line.isVisible()]
    assert "40 hours of Active CPU used up · 9.6K users" in labels
    window.undo_action.trigger()
    assert np.array_equal(total_y(window), before)
    assert "4 hours of Active CPU used up · 960 users" in window.curves.breakpoint_texts()


@pytest.mark.parametrize(("table", "row", "field", "text", "cell"), [
    ("meters", 0, "unit_price", "-1", "Meters!E2"),
    ("meters", 1, "included", "lots", "Meters!D3"),
    ("infra_tiers", 1, "users_to", "10", "Infra tiers!C3"),
])
def test_bad_input_is_refused_naming_the_cell_and_nothing_changes(qtbot, window, table, row, field, text, cell):
    plan = window.controller.plan
    before_rows = {t.name: rows_of(plan, t.name) for t in USAGE_TABLES}
    before_curve = total_y(window)
    steps = window.controller.undo_stack.count()
    type_into(qtbot, window, table, row, field, text)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"{cell}: "), message
    assert {t.name: rows_of(plan, t.name) for t in USAGE_TABLES} == before_rows
    assert np.array_equal(total_y(window), before_curve)
    assert window.controller.undo_stack.count() == steps
    assert not window.isWindowModified()


def test_tier_bound_message_says_which_bound(qtbot, window):
    type_into(qtbot, window, "infra_tiers", 1, "users_to", "10")
    assert window.statusBar().currentMessage() == "Infra tiers!C3: Users to 10 is below users from 5,000"


def test_choice_fields_edit_with_a_combo_of_their_choices(qtbot, window):
    view = window.show_table("meters")
    index = view.model().index(1, view.plan_model.spec.column_index("unit"))
    view.setCurrentIndex(index)
    view.edit(index)
    combos = [w for w in view.viewport().findChildren(QComboBox) if w.isVisible()]
    assert len(combos) == 1
    items = [combos[0].itemText(i) for i in range(combos[0].count())]
    assert {"hours", "minutes", "GB", "calls"} <= set(items)
    combos[0].setCurrentText("minutes")  # 4 "minutes" included instead of 4 hours
    before = total_y(window)
    view.commitData(combos[0])
    view.closeEditor(combos[0], view.itemDelegate().EndEditHint.NoHint)
    assert window.controller.plan.tables["meters"].get(1, "unit") == "minutes"
    assert computed(window, "meters", "Per user", 1) == "0.25"  # 15 s = 0.25 minutes
    assert not np.array_equal(total_y(window), before)


def test_curves_redraw_only_when_their_inputs_change(qtbot, window, monkeypatch):
    calls = []
    original = window.curves.chart.update_from
    monkeypatch.setattr(window.curves.chart, "update_from", lambda *a, **k: (calls.append(1), original(*a, **k)))
    type_into(qtbot, window, "usage_figures", 0, "label", "Step 6: Total")  # a stated figure: not an input
    assert calls == []
    type_into(qtbot, window, "usage_drivers", 0, "per_user", "900")
    assert calls == [1]


def test_milestones_are_points_at_their_users_and_the_timelines_operating_cost(window):
    chart = window.curves.chart
    data = chart.milestones.data
    np.testing.assert_allclose(data["x"], np.log10([1_000, 50_000]))
    # the month's operating cost: the milestone's operating lines ($40, $400) + the usage model at its users
    usage = window.controller.usage.evaluate([1_000, 50_000]).total
    tl = window.controller.timeline
    months = [int(m) for m in tl.milestone_month]
    np.testing.assert_allclose(data["y"], [tl.operating_cost[m - 1] for m in months])
    np.testing.assert_allclose(data["y"], np.array([40, 400]) + usage)
    assert [label.toPlainText().split(" · ")[0] for label in chart.milestone_labels] == ["M1", "M2"]


def test_kind_toggle_plots_cost_per_user_on_a_log_axis(qtbot, window):
    tab = window.curves
    window.tabs.setCurrentWidget(tab)
    total = total_y(window)
    qtbot.mouseClick(tab.kind_buttons["per-user"], Qt.LeftButton)
    assert tab.chart.kind == "per-user" and tab.kind_buttons["per-user"].isChecked()
    np.testing.assert_allclose(tab.chart.total.yData, np.log10(total / tab.chart.users))
    assert "Cost per user" in tab.chart.getPlotItem().getAxis("left").labelText
    qtbot.mouseClick(tab.kind_buttons["total"], Qt.LeftButton)
    np.testing.assert_allclose(tab.chart.total.yData, total)


def test_series_toggles_hide_and_show_components(window):
    tab = window.curves
    chart = tab.chart
    names = chart.series_names()
    assert names[:2] == ["Total", "Low – high range"] and "Vercel" in names and "LLM: Free user" in names
    tab._fill_series_menu()
    action = next(a for a in tab.series_menu.actions() if a.text() == "Vercel")
    assert action.isChecked() and chart.components["Vercel"].isVisible()
    action.setChecked(False)
    assert not chart.components["Vercel"].isVisible()
    legend = [label.text for _, label in chart.legend.items]
    assert "Vercel" not in legend and "LLM: Free user" in legend
    action.setChecked(True)
    assert chart.components["Vercel"].isVisible()


def test_hover_read_out_names_users_total_per_user_and_components(window):
    chart = window.curves.chart
    text = chart.readout(10_000)
    # Vercel $29.39 + Stage 2 VPS $40-$80 (mid $60) + LLM 10,000 x $0.0261 = $350.39 ($330.39-$370.39)
    assert "<b>10K users</b> (10,000)" in text and "total <b>$350.39/month</b>" in text
    assert "<b>$0.0350</b> per user" in text and "range $330.39 – $370.39" in text
    assert "Vercel (Vercel Pro) $29.39" in text and "VPS $60.00" in text and "LLM: Free user $261.00" in text
