"""The usage model in the workbook is live (issue 10, item 1): sheet *Cost at users* prices each
user count with formulas over the usage grids, and the Timeline's usage rows read it. Inputs an
analyst edits with openpyxl, recalculated by LibreOffice, move the outputs to exactly what the
app computes after importing the same workbook: Vercel's CPU price (its $123.94 at 100,000
users), a user count typed in column A, an infrastructure component's high cost."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from test_excel_libreoffice import SAMPLES, _close, recalc  # noqa: E402,F401 - recalc is a fixture
from test_excel_timeline import _assert_matches, _rows  # noqa: E402

from vivim_planner.domain import column_letter  # noqa: E402
from vivim_planner.domain.usage_schema import INFRA_COMPONENTS, METERS  # noqa: E402
from vivim_planner.engine.timeline import timeline  # noqa: E402
from vivim_planner.engine.usage import curve  # noqa: E402
from vivim_planner.excel import export_workbook, import_workbook  # noqa: E402
from vivim_planner.excel.cost_at_users_sheet import COST_AT_USERS_SHEET, HEADER_ROW  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402


def _load(stem: str):  # noqa: ANN202 - Plan
    doc = PlanDocument.open(next(p for p in SAMPLES if p.stem == stem), readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def _table(ws) -> tuple[list[str], list[list]]:  # noqa: ANN001
    head = [c.value for c in ws[HEADER_ROW + 1]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 2)
            if isinstance(row[0].value, (int, float))]
    return head, rows


def _check_against_engine(ws, plan) -> None:  # noqa: ANN001
    head, rows = _table(ws)
    users = np.asarray([r[0] for r in rows], dtype=float)
    cv = curve(plan, users)
    total, cpu = head.index("Total (mid)"), head.index("Cost per user")
    for i, r in enumerate(rows):
        assert _close(r[total], float(cv.total[i])), (users[i], r[total], cv.total[i])
        assert _close(r[cpu], float(cv.total[i] / users[i])) if users[i] > 0 else r[cpu] in (None, "")


def test_vercel_cpu_price_and_a_typed_user_count_move_the_cost_at_users(recalc, tmp_path):
    plan = _load("vercel_per_user")
    out = tmp_path / "vercel.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    ws = wb[COST_AT_USERS_SHEET]
    head, rows = _table(openpyxl.load_workbook(out, data_only=True)[COST_AT_USERS_SHEET])
    at_100k = next(r for r in rows if r[0] == 100_000)
    assert round(at_100k[head.index("Total (mid)")], 2) == 123.94
    meters = wb[METERS.sheet]
    q = next(i for i in range(len(plan.tables["meters"])) if plan.tables["meters"].get(i, "unit") == "hours")
    price = column_letter(METERS.column_index("unit_price"))
    meters[f"{price}{q + 2}"].value = 0.2  # the active CPU price, was $0.128 an hour
    ws.cell(HEADER_ROW + 2, 1).value = 250_000  # the analyst's own user count in the first row
    wb.save(out)
    saved = recalc(out)
    after = import_workbook(saved, plan).plan
    lo = openpyxl.load_workbook(saved, data_only=True)
    _check_against_engine(lo[COST_AT_USERS_SHEET], after)
    head, rows = _table(lo[COST_AT_USERS_SHEET])
    assert rows[0][0] == 250_000
    moved = next(r for r in rows if r[0] == 100_000)[head.index("Total (mid)")]
    assert round(moved, 2) != 123.94 and _close(moved, float(curve(after, [100_000]).total[0]))
    _assert_matches(_rows(lo["Timeline"]), timeline(after))


def test_an_infrastructure_components_high_moves_the_band_and_timeline(recalc, tmp_path):
    plan = _load("infra_stages")
    out = tmp_path / "infra.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    comps = wb[INFRA_COMPONENTS.sheet]
    c = plan.tables["infra_components"]
    p = next(i for i in range(len(c)) if not c.get(i, "option") and c.get(i, "high") > 0)
    high = column_letter(INFRA_COMPONENTS.column_index("high"))
    comps[f"{high}{p + 2}"].value = c.get(p, "high") * 2 + 17
    wb.save(out)
    saved = recalc(out)
    after = import_workbook(saved, plan).plan
    tiers = plan.tables["infra_tiers"]
    at = float(tiers.get(tiers.position(int(c.get(p, "tier"))), "users_from"))  # the component's tier is in force
    assert curve(after, [at]).high[0] > curve(plan, [at]).high[0]
    lo = openpyxl.load_workbook(saved, data_only=True)
    _check_against_engine(lo[COST_AT_USERS_SHEET], after)
    head, rows = _table(lo[COST_AT_USERS_SHEET])
    users = np.asarray([r[0] for r in rows], dtype=float)
    cv = curve(after, users)
    for i, r in enumerate(rows):
        assert _close(r[head.index("Total high")], float(cv.high[i])), users[i]
    _assert_matches(_rows(lo["Timeline"]), timeline(after))
