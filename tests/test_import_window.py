"""File > Import document…: the preview changes nothing until confirmed; Create plan writes and
opens the imported plan; rows from a CSV go into the open plan as one undo step, with the
column mapping changeable in the dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from vivim_planner.engine import audit
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow
from plan_helpers import snapshot

REPO = Path(__file__).resolve().parents[1]
SEED_000 = REPO / "sample_models" / "sources" / "seed_000_5ea900fb35f65773.md"


@pytest.fixture()
def window(qtbot, tmp_path):
    src = PlanDocument.open(REPO / "sample_models" / "vivim.vivim", readonly=True)
    doc = PlanDocument.create(tmp_path / "open.vivim", src.plan)
    src.close()
    w = MainWindow(doc)
    qtbot.addWidget(w)
    yield w
    w.close()


def _trigger_import(window, monkeypatch, path: Path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    action = window.import_document_action
    assert action.text().startswith("Import &document") and action in window.menuBar().actions()[0].menu().actions()
    action.trigger()
    return window.import_preview


def test_markdown_preview_shows_the_plan_and_report_and_changes_nothing(window, monkeypatch, qtbot):
    before = snapshot(window.controller.plan)
    steps = window.controller.undo_stack.count()
    dialog = _trigger_import(window, monkeypatch, SEED_000)
    assert dialog.isVisible() and dialog.kind == "markdown"
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[0] == "Plan it would create" and titles[1].startswith("Report (") and titles[3] == "Audit (27)"
    ms = dialog.tabs.widget(0)
    assert ms.rowCount() == 10 and ms.item(0, 0).text() == "M1" and ms.item(0, 5).text() == "90,400"
    report = dialog.tabs.widget(1)
    lines = {report.item(r, 0).text() for r in range(report.rowCount())}
    assert {"68", "880"} <= lines
    assert "2,019,805" in dialog.summary_label.text()
    dialog.reject()
    assert snapshot(window.controller.plan) == before and window.controller.undo_stack.count() == steps
    dialog.grab().save("/tmp/import_preview_md.png")


def test_create_plan_writes_and_opens_the_imported_plan(window, monkeypatch, tmp_path):
    dialog = _trigger_import(window, monkeypatch, SEED_000)
    target = tmp_path / "from-seed.vivim"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.confirm.click()
    assert window.controller.document.path == target
    assert len(audit(window.controller.plan)) == 27
    assert "Imported seed_000" in window.statusBar().currentMessage()


def test_a_csv_adds_rows_as_one_undo_step_with_the_mapping_changed_in_the_dialog(window, monkeypatch, tmp_path):
    csv = tmp_path / "hires.csv"
    csv.write_text("Phase,Position,Price,Months,Qty\nM1,Senior Developer,85,2,1\nM2,Data Engineer,80,1,0.5\n",
                   encoding="utf-8")
    c = window.controller
    before = snapshot(c.plan)
    steps = c.undo_stack.count()
    n = len(c.plan.allocations)
    dialog = _trigger_import(window, monkeypatch, csv)
    assert dialog.kind == "sheet" and dialog.grid_box.currentData() == "allocations"
    # "Price" is not a team field's usual name: map it to the hourly rate in the dialog
    box = dialog.field_boxes["Price"]
    assert box.currentData() == ""
    box.setCurrentIndex(box.findData("hourly_rate"))
    assert dialog.mapping == {"Price": "hourly_rate"}
    assert dialog.confirm.isEnabled(), dialog.errors
    assert snapshot(c.plan) == before  # nothing yet
    dialog.confirm.click()
    assert len(c.plan.allocations) == n + 2 and c.undo_stack.count() == steps + 1
    added = c.plan.allocations.rows()[-2:]
    assert [r["hourly_rate"] for r in added] == [85, 80]
    window.undo_action.trigger()
    assert snapshot(c.plan) == before


def test_a_bad_csv_lists_its_cells_and_cannot_be_confirmed(window, monkeypatch, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("Phase,Role,Hourly rate,Months,FTE\nM1,Senior Developer,lots,2,1\n", encoding="utf-8")
    before = snapshot(window.controller.plan)
    dialog = _trigger_import(window, monkeypatch, csv)
    assert not dialog.confirm.isEnabled()
    assert dialog.tabs.tabText(0) == "Problems (1)"
    assert dialog.tabs.widget(0).item(0, 0).text() == 'bad!C2: Hourly rate must be between 0 and 10,000, got "lots"'
    dialog.reject()
    assert snapshot(window.controller.plan) == before


def test_a_document_that_cannot_be_read_says_why_and_offers_nothing(window, monkeypatch, tmp_path, qtbot):
    bad = tmp_path / "photo.md"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    before = snapshot(window.controller.plan)
    dialog = _trigger_import(window, monkeypatch, bad)
    assert not dialog.confirm.isEnabled()
    assert "photo.md cannot be read" in dialog.summary_label.text() and "binary data" in dialog.summary_label.text()
    from PySide6.QtCore import Qt

    qtbot.keyClick(dialog, Qt.Key_Escape)  # Esc closes it, as any dialog
    assert not dialog.isVisible()
    assert snapshot(window.controller.plan) == before
