"""The audit in the workbook is live (issue 10, item 4): a stated figure fixed in the file
(as an analyst would) turns its verdict to "matches now" and the Summary's count drops by one
after LibreOffice recalculates; highlights are conditional formats, never static fills."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from test_excel_libreoffice import SAMPLES, recalc  # noqa: E402,F401 - recalc is a fixture

from vivim_planner.engine import audit, compute  # noqa: E402
from vivim_planner.excel import export_workbook  # noqa: E402
from vivim_planner.excel.audit_sheet import STATUS_COL  # noqa: E402
from vivim_planner.excel.styles import FLAG_FILL  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402


def _heading(ws) -> tuple[int, str]:  # noqa: ANN001
    r = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Audit: "))
    return r, ws.cell(r, 1).value


def test_fixing_a_stated_cost_in_the_file_clears_its_finding(recalc, tmp_path):
    doc = PlanDocument.open(next(p for p in SAMPLES if p.stem == "vivim"), readonly=True)
    plan = doc.plan
    doc.close()
    findings = audit(plan, compute(plan))
    f = next(f for f in findings if f.table == "allocations" and f.field == "stated_cost")
    out = tmp_path / "vivim.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    sheet, addr = f.cell.split("!")
    cell = wb[sheet][addr]
    assert (cell.fill.fgColor.rgb or "").upper()[-6:] != FLAG_FILL[1:].upper()  # no static red fill
    assert wb[sheet].conditional_formatting  # the red comes from a rule on the live cost
    cell.value = f.computed  # the analyst corrects the stated cost to what the inputs give
    wb.save(out)
    summary = openpyxl.load_workbook(recalc(out), data_only=True)["Summary"]
    formulas = openpyxl.load_workbook(out)["Summary"]
    row = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == f.cell)
    assert summary.cell(row, STATUS_COL + 1).value == 0
    assert summary.cell(row, 9).value == "matches now"
    r_head, text = _heading(summary)
    n = int(re.match(r"Audit: (\d+) of (\d+)", text).group(1))
    total = int(re.match(r"Audit: (\d+) of (\d+)", text).group(2))
    cells = {g.cell for g in findings}
    still = sum(1 for r in range(1, summary.max_row + 1)
                if summary.cell(r, 1).value in cells and summary.cell(r, STATUS_COL + 1).value == 1)
    assert total == len(findings) and n == still < total
    assert str(formulas.cell(r_head, 1).value).startswith('="Audit: "&SUM(')  # the count is a formula
