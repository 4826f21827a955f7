"""Hostile input through the window: over 200 hostile strings into every input column, by
``setData`` and by Ctrl+V; a read-only plan in the title and status bar; the number locale in
the status bar; a crafted workbook imported from the File menu."""

from __future__ import annotations

import math
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLineEdit

from hostile_corpus import SAMPLE, export_sample, with_sheet_xml, _append_cell
from ui_plans import small_plan_file
from vivim_planner.commands import insert_rows
from vivim_planner.domain import ALL_TABLES, SPECS, CellError, Kind, forbidden_character
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.controller import PlanController
from vivim_planner.ui.grid import GridView
from vivim_planner.ui.main_window import MainWindow
from vivim_planner.ui.table_model import PlanTableModel

BASE = [
    "0,5", "1,5", "12,34", "1.234,5", "-0,25", "0.5", "15%", "0.5%", "(5%)", "1e-320", "5e-324", "-1e-310", "1e-400",
    "1e400", "-1e400", "nan", "NaN", "inf", "-inf", "Infinity", "0x10", "1_0_0k0", "١٢", "１２", "−4", "1..2", "--1",
    "12 apples", "=1+1", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+1+1", "@SUM(1)", "-2+3",
    "\x00", "CEO\x00x", "\x1b[2J", "a\x07b", "a\x7fb", "two\nlines", "tab\there", "cr\rhere", "evil\u202egnp",
    "x\u2066y", "x\ud800", "\u2028", "Designer\u200b", "Ｄｅｓｉｇｎｅｒ", "DESIGNER", "M1\u200b", "ｍ１",
    "x" * 250, "x" * 2100, "", " ", "\u00a0", "\u200b", "-1", "-0", "0", "1e308", "1.7976931348623157e308", "99999999999",
    "1,2,3,4", "1.2.3", "(300)", "$-5", "€1.234,56", "2.2250738585072014e-308", "3M", "2b", "1.2k", "k", "%", "()",
    "TRUE", "null", "None", "'", '"', "\\", "<b>x</b>", "&amp;", "%s%n", "{0}", "${x}", "../../etc/passwd",
    "DROP TABLE roles;--", "'; DELETE FROM allocations; --", "🙂", "é", "e\u0301", "\ufeff", "\ufffe", "\U0010ffff",
]
WRAPS = [lambda s: f" {s} ", lambda s: s + "\u200b"]  # padded, and with a zero-width tail
HOSTILE = list(dict.fromkeys(BASE + [w(s) for s in BASE[:60] for w in WRAPS]))
CLIPBOARD = [s for s in HOSTILE if not any("\ud800" <= c <= "\udfff" for c in s)]
"""What a clipboard can hold: a lone surrogate is no text Qt can carry (handing one to
QClipboard.setText crashes PySide itself), so only setData gets those."""


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


def _window(qtbot, path):  # noqa: ANN001, ANN202
    w = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _row_state(plan, table: str) -> tuple:  # noqa: ANN001
    t = plan.tables[table]
    return tuple(repr(t.row(p)) for p in range(len(t))), tuple(len(x) for x in plan.tables.values())


def _valid(plan, spec, field, value) -> bool:  # noqa: ANN001
    """An accepted value is one the plan may hold: a normal finite number within bounds, text
    without control characters, a reference to a row that exists."""
    if field.is_numeric:
        if math.isnan(value):
            return not field.required
        return (math.isfinite(value) and (value == 0 or abs(value) >= field.smallest)
                and (field.minimum is None or value >= field.minimum)
                and (field.maximum is None or value <= field.maximum)
                and (field.kind is not Kind.INTEGER or float(value).is_integer()))
    if field.kind is Kind.REF:
        return value == 0 and not field.required or plan.tables[field.ref_table].has_id(value)
    return value == value.strip() and forbidden_character(value, field.multiline) is None and len(value) <= field.max_length


def test_hostile_strings_through_setdata_and_paste_are_refused_with_a_reason_or_stored_right(qtbot, tmp_path):
    """Every input column of every table, through the table model's ``setData`` and through
    Ctrl+V into its grid (the real PlanController, models and GridViews; the window's charts
    and report tabs are left out, and the file lives in memory-backed /dev/shm where there is
    one, so the 80,000 edits take about a minute). An accepted value stays: the next string
    is judged against the plan as it then is."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path
    path = folder / "hostile.vivim"
    shutil.copy(SAMPLE, path)
    doc = PlanDocument.open(path)
    for spec in ALL_TABLES:  # one row in every table, so every input column can be typed into
        if not len(doc.plan.tables[spec.name]):
            try:
                doc.apply(insert_rows(doc.plan, spec.name, 0))
            except CellError:
                pass
    ctrl = PlanController(doc)
    messages: list[str] = []
    ctrl.message.connect(messages.append)
    assert len(HOSTILE) >= 200 and len(CLIPBOARD) >= 200
    columns = refused = accepted = 0
    problems: list[str] = []
    for spec in ALL_TABLES:
        model = PlanTableModel(ctrl, spec.name)
        if not model.rowCount():
            continue
        grid = GridView(model)
        qtbot.addWidget(grid)
        grid.show()
        for col, field in enumerate(spec.fields):
            columns += 1
            index = model.index(0, col)
            for via, strings in (("setData", HOSTILE), ("paste", CLIPBOARD)):
                for text in strings:
                    before, depth = _row_state(ctrl.plan, spec.name), ctrl.undo_stack.index()
                    messages.clear()
                    if via == "setData":
                        ok = model.setData(index, text, Qt.EditRole)
                    else:
                        grid.select_only(index)
                        QGuiApplication.clipboard().setText(text)
                        qtbot.keySequence(grid, QKeySequence.Paste)
                        ok = ctrl.undo_stack.index() != depth
                    where = f"{spec.sheet}.{field.label} {via} {text[:40]!r}"
                    if not ok:
                        refused += 1
                        if _row_state(ctrl.plan, spec.name) != before or ctrl.undo_stack.index() != depth:
                            problems.append(f"{where}: refused but the plan changed")
                        elif not any(m.strip() for m in messages) and via == "setData":
                            problems.append(f"{where}: refused without a reason")
                        continue
                    accepted += 1
                    t = ctrl.plan.tables[spec.name]
                    value = t.get(t.position(model.row_id(0)), field.name)
                    if not _valid(ctrl.plan, spec, field, value):
                        problems.append(f"{where}: stored {value!r}")
                    if text.strip() and field.kind is Kind.TEXT and not field.choices and value != text.strip() \
                            and via == "setData":
                        problems.append(f"{where}: stored {value!r}, not the text typed")
        grid.close()
    doc.close()
    if folder != tmp_path:
        shutil.rmtree(folder)
    assert not problems, "\n".join(problems[:40])
    assert columns >= 100 and refused > 0 and accepted > 0
    print(f"{len(HOSTILE)} hostile strings x {columns} input columns x (setData, paste): "
          f"{refused} refused with a reason, {accepted} stored as valid values")


def _action(w: MainWindow, text: str) -> QAction:
    return next(a for a in w.findChildren(QAction) if a.text().replace("&", "").startswith(text))


def test_a_read_only_plan_says_so_refuses_edits_and_saves_as_a_copy(qtbot, tmp_path, monkeypatch):
    path = small_plan_file(tmp_path)
    os.chmod(path, stat.S_IRUSR)
    w = _window(qtbot, path)
    assert "[read-only]" in w.windowTitle()
    assert w.status_info.text().startswith("Read-only · Numbers 1,234.5")
    assert "Read-only: the file is read-only; File > Save As edits a copy" in w.status_info.toolTip()
    assert w.statusBar().currentMessage() == "Read-only: the file is read-only; File > Save As edits a copy"
    grid = w.grids["allocations"]
    model = grid.plan_model
    assert not model.setData(model.index(0, 5), "0.25", Qt.EditRole)
    assert "read-only (the file is read-only)" in w.statusBar().currentMessage()
    assert w.controller.plan.allocations.get(0, "fte") == 1.0
    copy = tmp_path / "copy.vivim"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    _action(w, "Save As").trigger()
    assert "[read-only]" not in w.windowTitle() and "Read-only" not in w.status_info.text()
    assert model.setData(model.index(0, 5), "0.25", Qt.EditRole)
    w.grab().save(str(tmp_path / "after_save_as.png"))
    w.close()
    reopened = PlanDocument.open(copy, readonly=True)
    assert reopened.plan.allocations.get(0, "fte") == 0.25
    reopened.close()


def test_a_plan_open_in_another_window_opens_read_only(qtbot, tmp_path):
    import subprocess
    import sys
    import textwrap

    path = small_plan_file(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys
        from vivim_planner.storage import PlanDocument
        d = PlanDocument.open(sys.argv[1]); print("open", flush=True); sys.stdin.readline(); d.close()
    """), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        w = _window(qtbot, path)
        assert "[read-only]" in w.windowTitle()
        assert "Read-only" in w.status_info.text()
        assert "open for editing in another window" in w.statusBar().currentMessage()
        w.grab().save(str(tmp_path / "read_only.png"))
        w.close()
    finally:
        holder.communicate("\n", timeout=30)


def test_the_number_locale_shows_in_the_status_bar_and_decides_how_cells_read(qtbot, tmp_path):
    w = _window(qtbot, small_plan_file(tmp_path))
    assert "Numbers 1,234.5" in w.status_info.text() and "decimal point" in w.status_info.toolTip()
    model = w.grids["allocations"].plan_model
    assert not model.setData(model.index(0, 5), "0,5", Qt.EditRole)
    assert 'Team!F2: FTE got "0,5", a decimal comma: write 0.5' in w.statusBar().currentMessage()
    w.tabs.setCurrentIndex(w.tab_index("Summary"))
    edit: QLineEdit = w.summary.fields["number_locale"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "1.234,5")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert w.controller.plan.settings.number_locale == "1.234,5"
    assert "Numbers 1.234,5" in w.status_info.text() and "decimal comma" in w.status_info.toolTip()
    assert model.setData(model.index(0, 5), "0,5", Qt.EditRole)
    assert w.controller.plan.allocations.get(0, "fte") == 0.5


def test_a_crafted_workbook_imported_from_the_file_menu_is_refused_and_the_window_lives(qtbot, tmp_path, monkeypatch):
    src = export_sample(tmp_path / "vivim.xlsx")
    crafted = tmp_path / "crafted.xlsx"
    with_sheet_xml(src, "Team", _append_cell(b'<c r="XFD1048576"><v>1</v></c>'))(crafted)
    w = _window(qtbot, small_plan_file(tmp_path))
    before = [repr(t.rows()) for t in w.controller.plan.tables.values()]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(crafted), ""))
    _action(w, "Import from Excel").trigger()
    box = w.import_box
    assert "crafted.xlsx was not imported" in box.text()
    assert "Team: the sheet has a cell at XFD1048576" in box.informativeText()
    assert [repr(t.rows()) for t in w.controller.plan.tables.values()] == before
    box.close()
    assert w.isVisible()
