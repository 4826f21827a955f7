"""The window's File > Import from Excel: one undo step; a bad workbook lists its cells in a
dialog and leaves the plan alone; File > Export writes a workbook that imports back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from vivim_planner.engine import compute
from vivim_planner.excel import export_workbook
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.main_window import MainWindow
from plan_helpers import snapshot

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def window(qtbot, tmp_path):
    src = PlanDocument.open(REPO / "sample_models" / "vivim.vivim", readonly=True)
    doc = PlanDocument.create(tmp_path / "open.vivim", src.plan)
    src.close()
    w = MainWindow(doc)
    qtbot.addWidget(w)
    yield w
    w.close()


def test_import_is_one_undo_step(window, tmp_path):
    c = window.controller
    start = snapshot(c.plan)
    out = tmp_path / "v.xlsx"
    assert window.export_excel(out)
    wb = openpyxl.load_workbook(out)
    wb["Team"]["D2"].value = 100  # M1's first line: $85/h -> $100/h
    wb["Team"].delete_rows(5)
    wb.save(out)
    steps = c.undo_stack.count()
    assert window.import_excel(out)
    assert c.undo_stack.count() == steps + 1
    assert c.undo_stack.undoText().startswith("Import v.xlsx")
    imported = snapshot(c.plan)
    assert len(c.plan.allocations) == len(start["allocations"]) - 1
    assert c.plan.allocations.get(0, "hourly_rate") == 100.0
    assert c.result.totals["bottom_up"] == compute(c.plan).totals["bottom_up"]
    assert "Team: 1 changed, 1 deleted" in window.statusBar().currentMessage()
    assert window.grids["allocations"].model().rowCount() == len(c.plan.allocations)
    c.undo_stack.undo()
    assert snapshot(c.plan) == start
    assert window.grids["allocations"].model().rowCount() == len(start["allocations"])
    c.undo_stack.redo()
    assert snapshot(c.plan) == imported


def test_a_bad_workbook_lists_its_cells_and_changes_nothing(window, tmp_path, qtbot):
    c = window.controller
    start = snapshot(c.plan)
    out = tmp_path / "v.xlsx"
    export_workbook(c.plan, out)
    wb = openpyxl.load_workbook(out)
    wb["Team"]["F3"].value = -1
    wb["Rate card"]["C2"].value = "lots"
    wb.save(out)
    steps = c.undo_stack.count()
    assert not window.import_excel(out)
    box = window.import_box
    assert "2 problems" in box.text()
    assert box.detailedText().splitlines() == ['Rate card!C2: Hourly rate must be between 0 and 10,000, got "lots"',
                                               "Team!F3: FTE must be between 0 and 10, got -1"]
    box.close()
    assert c.undo_stack.count() == steps
    assert snapshot(c.plan) == start


def test_file_menu_has_the_excel_actions(window):
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert {"&Export to Excel…", "&Import from Excel…", "Export grid to &CSV…"} <= set(texts)


def test_export_grid_to_csv_writes_the_current_grid(window, tmp_path, monkeypatch):
    import csv

    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "team.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    window.show_table("allocations").setFocus()
    window.export_csv_dialog()
    with open(target, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["Milestone", "Role", "Line"]
    assert len(rows) == len(window.controller.plan.allocations) + 1
    assert "Exported Team" in window.statusBar().currentMessage()


def test_export_to_excel_from_the_menu(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "investors"  # no suffix: .xlsx is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel workbook (*.xlsx)"))
    window.export_excel_dialog()
    wb = openpyxl.load_workbook(tmp_path / "investors.xlsx", read_only=True)
    assert wb.sheetnames[0] == "Summary"
