"""The Plan vs actual view in the real window, offscreen: it shows the engine's figures with
overspends coloured; an actual typed in its Actuals grid moves the variance and the re-forecast
runway and Ctrl+Z puts them back; Import bank CSV… imports in one undo step or lists every
problem and changes nothing; Amend budget… records the reason; the charts export as PNG and SVG."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit

from vivim_planner.engine.actuals import plan_vs_actual
from vivim_planner.engine.timeline import timeline
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.actuals_model import OVER_BG, UNDER_BG
from vivim_planner.ui.main_window import MainWindow

from plan_helpers import snapshot
from test_actuals_import import _fixed

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_models" / "vivim_actuals.vivim"
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "a.vivim"
    shutil.copy(SAMPLE, path)
    w = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(w)
    w.resize(1400, 950)
    w.show()
    qtbot.waitExposed(w)
    view_action(w, "Plan vs actual").trigger()
    assert w.actuals.isVisible()
    return w


def view_action(window: MainWindow, title: str):  # noqa: ANN201 - QAction
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "View":
            for a in action.menu().actions():
                if a.text().replace("&", "").split("\t")[0] == title:
                    return a
    raise AssertionError(f"no View > {title}")


def cell(window: MainWindow, key: str, month: int | None) -> float:
    """A number of the Plan vs actual grid: ``month`` None is the To date column."""
    m = window.actuals.model
    return m.value(m.row_of(key), 0 if month is None else month)


def test_the_model_passes_qtmodeltester(qtmodeltester, window):
    qtmodeltester.check(window.actuals.model)


def test_the_view_shows_the_engine_s_plan_vs_actual_with_overspends_coloured(window):
    plan = window.controller.plan
    pva = plan_vs_actual(plan, timeline(plan))
    for name in ("Personnel", "Infrastructure", "Legal", "Operating lines"):
        i = pva.categories.index(name)
        for m in (1, 2, 3):
            assert cell(window, f"{name}:planned", m) == pva.planned[i, m - 1]
            assert cell(window, f"{name}:actual", m) == pva.actual[i, m - 1]
            assert cell(window, f"{name}:variance", m) == pva.actual[i, m - 1] - pva.planned[i, m - 1]
        assert np.isnan(cell(window, f"{name}:variance", 4))  # an open month
    model = window.actuals.model
    over = model.index(model.row_of("Personnel:variance"), 1)
    under = model.index(model.row_of("Infrastructure:variance"), 1)
    assert model.data(over, Qt.BackgroundRole) == OVER_BG and model.data(under, Qt.BackgroundRole) == UNDER_BG
    assert model.data(over, Qt.DisplayRole) == "+$2,107 (+7.1%)"
    assert cell(window, "cash:reforecast", 22) == pytest.approx(pva.cash[-1])
    text = window.actuals.headline.text()
    assert "re-forecast 11.88 months" in text and "plan 11.96 months" in text and "1 budget amendment" in text


def test_an_actual_typed_moves_the_variance_and_runway_and_ctrl_z_restores_them(qtbot, window):
    tab = window.actuals
    grid = tab.grids["actuals"]
    tab.tables.setCurrentWidget(grid)
    acts = window.controller.plan.tables["actuals"]
    row = next(p for p in range(len(acts)) if acts.get(p, "description") == "GUSTO PAYROLL JAN")
    before = cell(window, "Personnel:variance", 1), tab.result.runway
    grid.setCurrentIndex(grid.model().index(row, grid.plan_model.spec.column_index("amount")))
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key_F2)
    editor = [w for w in grid.viewport().findChildren(QLineEdit) if w.isVisible()][0]
    editor.selectAll()
    qtbot.keyClicks(editor, "34,800")  # $10,000 more payroll in January
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: cell(window, "Personnel:variance", 1) != before[0])
    assert cell(window, "Personnel:variance", 1) == pytest.approx(before[0] + 10_000)
    burn = -float(timeline(window.controller.plan).net_cash_flow[11])  # the month the cash runs out
    assert tab.result.runway == pytest.approx(before[1] - 10_000 / burn)
    window.undo_action.trigger()
    assert cell(window, "Personnel:variance", 1) == pytest.approx(before[0]) and tab.result.runway == before[1]


def test_import_bank_csv_lists_every_problem_and_changes_nothing(qtbot, window, monkeypatch):
    plan = window.controller.plan
    before = snapshot(plan)
    answers = iter([(str(FIX / "bank_1000.csv"), ""), (str(FIX / "bank_map.csv"), "")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: next(answers))
    window.actuals.import_map_action.trigger()
    box = window.actuals.import_box
    qtbot.waitUntil(box.isVisible)
    detail = box.detailedText().splitlines()
    assert [line.split(":")[0] for line in detail[:6]] == [f"bank_1000.csv row {n}" for n in (101, 250, 402, 612, 777, 900)]
    assert detail[6].startswith("note: bank_1000.csv row 333: refund")
    assert snapshot(plan) == before
    assert "was not imported: 6 problems" in window.statusBar().currentMessage()
    box.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(FIX / "bank_1000.csv"), ""))
    window.actuals.import_action.trigger()  # without the map: the plan's own map lacks STRIPE FEES
    assert any('no category for "STRIPE FEES' in line for line in window.actuals.import_box.detailedText().splitlines())
    assert snapshot(plan) == before
    window.actuals.import_box.close()


def test_import_with_a_map_file_is_one_undo_step(qtbot, window, monkeypatch, tmp_path):
    fixed = _fixed(tmp_path)
    answers = iter([(str(fixed), ""), (str(FIX / "bank_map.csv"), "")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: next(answers))
    plan = window.controller.plan
    before = snapshot(plan)
    window.actuals.import_map_action.trigger()
    assert len(plan.tables["actuals"]) == 32 + 999
    assert window.statusBar().currentMessage().startswith("Imported bank_fixed.csv: 999 transactions imported")
    assert cell(window, "Payment fees:actual", None) > 0  # a category the sample had no actual in
    window.undo_action.trigger()
    assert snapshot(plan) == before


def test_amend_budget_records_the_reason_in_the_view(qtbot, window):
    window.actuals.amend_action.trigger()
    dialog = window.actuals.amend_box
    qtbot.waitUntil(dialog.isVisible)
    dialog.milestone.setCurrentText("M2")
    dialog.category.setCurrentText("Legal")
    qtbot.keyClicks(dialog.value, "5000")
    dialog.submit()
    assert "Say why" in dialog.error.text() and dialog.isVisible()  # refused without a reason
    qtbot.keyClicks(dialog.why, "IP assignment for two contractors")
    assert dialog.submit()
    am = window.controller.plan.tables["budget_amendments"]
    assert am.get(1, "reason") == "IP assignment for two contractors" and am.get(1, "new_value") == 5000
    assert "2 budget amendments" in window.actuals.headline.text()


def test_the_charts_export_as_png_and_svg(window, tmp_path):
    tab = window.actuals
    pva = tab.result
    spend = tab.spend_chart.actual.getData()
    np.testing.assert_allclose(spend[1], np.concatenate([[0], np.cumsum(pva.spend_actual)[:3]]))
    png = tab.export(tmp_path / "c.png")
    svg = tab.export(tmp_path / "c.svg")
    for p in png:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.fromstring(svg[1].read_text(encoding="utf-8"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t and t.startswith("Cash (USD), re-forecast runway 11.88") for t in texts)
    assert "re-forecast 11.88" in texts and "plan runway 11.96" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polyline"))) >= 2


def test_an_estimate_typed_after_actuals_shows_its_amendment_in_the_view(qtbot, window):
    grid = window.show_table("estimates")
    est = window.controller.plan.estimates
    row = next(p for p in range(len(est)) if window.controller.plan.ref_label("milestones", est.get(p, "milestone")) == "M2"
               and est.get(p, "category") == "Personnel")
    grid.setCurrentIndex(grid.model().index(row, grid.plan_model.spec.column_index("mid")))
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key_F2)
    editor = [w for w in grid.viewport().findChildren(QLineEdit) if w.isVisible()][0]
    editor.selectAll()
    qtbot.keyClicks(editor, "95000")
    qtbot.keyClick(editor, Qt.Key_Return)
    am = window.controller.plan.tables["budget_amendments"]
    qtbot.waitUntil(lambda: len(am) == 2)
    assert len(am) == 2 and (am.get(1, "old_value"), am.get(1, "new_value"), am.get(1, "bound")) == (80_000, 95_000, "mid")
    view_action(window, "Plan vs actual").trigger()
    assert "2 budget amendments" in window.actuals.headline.text()
    assert window.actuals.grids["budget_amendments"].model().rowCount() == 2
    window.undo_action.trigger()  # the edit and its amendment are one step
    assert len(am) == 1 and est.get(row, "mid") == 80_000
