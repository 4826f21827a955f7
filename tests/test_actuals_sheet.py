"""The workbook's Plan vs actual sheet (excel/actuals_sheet.py): its cached values are the
engine's; LibreOffice recalculating it reproduces every formula cell; an amount changed on the
Actuals sheet moves the variance and the re-forecast cash as the engine says it would."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from vivim_planner.commands import set_cell
from vivim_planner.domain.actuals_schema import ACTUALS
from vivim_planner.engine.actuals import plan_vs_actual
from vivim_planner.engine.timeline import timeline
from vivim_planner.excel.actuals_sheet import ACTUALS_SHEET, write_actuals_sheet
from vivim_planner.excel.styles import Styles
from vivim_planner.storage import PlanDocument

from test_excel_libreoffice import _close, recalc  # noqa: F401 - the LibreOffice fixture

SAMPLE = Path(__file__).resolve().parents[1] / "sample_models" / "vivim_actuals.vivim"


def _plan():
    doc = PlanDocument.open(SAMPLE, readonly=True)
    plan = doc.plan
    doc.close()
    return plan


def _workbook(path: Path, plan, cached_from=None) -> None:  # noqa: ANN001
    """An Actuals grid sheet (as the exporter lays it out: header row 1, fields in spec order)
    and the Plan vs actual sheet; ``cached_from``: the plan whose figures the cached values hold."""
    wb = xlsxwriter.Workbook(str(path))
    st = Styles(wb, plan.settings.currency)
    ws = wb.add_worksheet(ACTUALS.sheet)
    t = plan.tables["actuals"]
    for c, f in enumerate(ACTUALS.fields):
        ws.write_string(0, c, f.label)
        for p in range(len(t)):
            v = t.get(p, f.name)
            ws.write(p + 1, c, v if v == v else None)
    base = cached_from or plan
    write_actuals_sheet(wb.add_worksheet(ACTUALS_SHEET), st, base, timeline(base))
    wb.close()


def _cell(ws, label: str, line: str, month: int):  # noqa: ANN001, ANN202
    """The value of category ``label``'s ``line`` row (Planned / Actual / Variance) in ``month``."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            for k in range(4):
                if ws.cell(r + k, 2).value == line:
                    return ws.cell(r + k, 3 + month).value
    raise AssertionError(f"no {label} {line}")


def _row(ws, label: str, month: int):  # noqa: ANN001, ANN202
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            return ws.cell(r, 3 + month).value
    raise AssertionError(label)


def test_the_cached_values_are_the_engine_s(tmp_path):
    plan = _plan()
    pva = plan_vs_actual(plan, timeline(plan))
    out = tmp_path / "a.xlsx"
    _workbook(out, plan)
    ws = openpyxl.load_workbook(out, data_only=True)[ACTUALS_SHEET]
    i = pva.categories.index("Personnel")
    assert _cell(ws, "Personnel", "Variance", 1) == pytest.approx(pva.variance[i, 0])
    assert _cell(ws, "Personnel", "Actual", 4) in (None, "")
    assert _row(ws, "Cash at month end, re-forecast", 22) == pytest.approx(pva.cash[-1])


def test_libreoffice_reproduces_the_sheet_and_it_is_live(recalc, tmp_path):  # noqa: F811
    plan = _plan()
    out = tmp_path / "a.xlsx"
    _workbook(out, plan)
    cached = openpyxl.load_workbook(out, data_only=True)[ACTUALS_SHEET]
    formulas = openpyxl.load_workbook(out)[ACTUALS_SHEET]
    again = openpyxl.load_workbook(recalc(out), data_only=True)[ACTUALS_SHEET]
    n = 0
    for row in formulas.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                n += 1
                assert _close(again[c.coordinate].value, cached[c.coordinate].value), (
                    c.coordinate, c.value, again[c.coordinate].value, cached[c.coordinate].value)
    assert n > 500
    # live: January's payroll $10,000 higher on the Actuals sheet, cached values of the old plan
    changed = _plan()
    acts = changed.tables["actuals"]
    p = next(p for p in range(len(acts)) if acts.get(p, "description") == "GUSTO PAYROLL JAN")
    set_cell(changed, "actuals", int(acts.ids[p]), "amount", 34_800).apply(changed)
    live = tmp_path / "live.xlsx"
    _workbook(live, changed, cached_from=plan)
    ws = openpyxl.load_workbook(recalc(live), data_only=True)[ACTUALS_SHEET]
    pva = plan_vs_actual(changed, timeline(changed))
    i = pva.categories.index("Personnel")
    assert _cell(ws, "Personnel", "Variance", 1) == pytest.approx(pva.variance[i, 0])
    assert _cell(ws, "Personnel", "Variance", 1) == pytest.approx(_cell(cached, "Personnel", "Variance", 1) + 10_000)
    for m in (1, 10, 22):
        assert _row(ws, "Cash at month end, re-forecast", m) == pytest.approx(pva.cash[m - 1])
