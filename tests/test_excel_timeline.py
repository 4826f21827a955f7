"""The workbook's Timeline sheet is the engine's timeline as live formulas.

For every sample: the Timeline rows LibreOffice recalculates equal :func:`engine.timeline` month
by month (users, FTE, team cost, build, operating cost, revenue, fees, profit, cash). An FTE and
an hourly rate edited with openpyxl (as an analyst would in Excel), recalculated by LibreOffice,
move the Timeline to exactly what the app computes after importing that same workbook.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_excel_libreoffice import SAMPLES, _close, recalc  # noqa: E402,F401 - recalc is a fixture

from vivim_planner.domain import column_letter  # noqa: E402
from vivim_planner.domain.schema import ALLOCATIONS  # noqa: E402
from vivim_planner.engine.timeline import timeline  # noqa: E402
from vivim_planner.excel import export_workbook, import_workbook  # noqa: E402
from vivim_planner.excel.timeline_sheet import FIRST_MONTH_COL, MONTH_ROW, TIMELINE_SHEET  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402

ROWS = {"Active users": "users", "Paying subscribers": "paying", "Headcount (FTE)": "fte",
        "Team cost (from team lines)": "team_cost", "Operating cost": "operating_cost", "Revenue": "revenue",
        "Payment fees": "fees", "Operating profit (revenue − fees − operating cost)": "profit",
        "Cash flow (after build and startup costs)": "cash_flow", "Cash at month end": "cash", "Burn": "burn"}


def _load(path: Path):  # noqa: ANN202 - Plan
    doc = PlanDocument.open(path, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def _rows(ws) -> dict[str, list]:  # noqa: ANN001
    """Timeline label -> its values across the months, read from a recalculated sheet."""
    months = []
    c = FIRST_MONTH_COL + 1
    while isinstance(ws.cell(MONTH_ROW + 1, c).value, (int, float)):
        months.append(c)
        c += 1
    out = {}
    for r in range(MONTH_ROW + 3, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if isinstance(label, str) and label.strip():
            out[label.strip()] = [ws.cell(r, c).value for c in months]
    return out


def _assert_matches(rows: dict[str, list], tl) -> None:  # noqa: ANN001
    assert len(rows["Cash at month end"]) == tl.horizon
    build = next(k for k in rows if k.startswith("Build spend"))
    checks = dict(ROWS, **{build: "build_spend"})
    for label, attr in checks.items():
        expected = getattr(tl, attr)
        bad = [(m + 1, got, float(expected[m])) for m, got in enumerate(rows[label])
               if not _close(got, float(expected[m])) and abs(float(got) - float(expected[m])) > 1e-9]
        assert not bad, (label, bad[:5])


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_the_recalculated_timeline_is_the_engines(sample, recalc, tmp_path):
    plan = _load(sample)
    out = tmp_path / f"{sample.stem}.xlsx"
    info = export_workbook(plan, out, draws=0)
    assert TIMELINE_SHEET in info.sheets and len(info.formula_cells[TIMELINE_SHEET]) > 10 * timeline(plan).horizon
    lo = openpyxl.load_workbook(recalc(out), data_only=True)
    _assert_matches(_rows(lo[TIMELINE_SHEET]), timeline(plan))
    # the Checks sheet: every reconciliation holds
    checks = [(lo["Checks"].cell(r, 1).value, lo["Checks"].cell(r, 5).value) for r in range(5, lo["Checks"].max_row + 1)]
    assert len(checks) >= (5 if sample.stem.startswith("vivim") else 1) and all(status == "OK" for _, status in checks), checks


def test_a_figure_typed_over_a_formula_shows_on_the_checks_sheet(recalc, tmp_path):
    plan = _load(next(p for p in SAMPLES if p.stem == "vivim"))
    out = tmp_path / "vivim.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    ws = wb[TIMELINE_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Team cost (from team lines)")
    ws.cell(row, FIRST_MONTH_COL + 1).value = 1234.5  # a pasted number where month 1's formula was
    wb.save(out)
    checks = openpyxl.load_workbook(recalc(out), data_only=True)["Checks"]
    status = {checks.cell(r, 1).value: (checks.cell(r, 4).value, checks.cell(r, 5).value)
              for r in range(5, checks.max_row + 1)}
    diff, verdict = status["Team lines (sheet Team) = the Timeline's team cost"]
    assert verdict == "DIFFERS" and diff == pytest.approx(timeline(plan).team_cost[0] - 1234.5)
    assert status["Cash at the end of the Timeline = the sum of its net cash flows"][1] == "OK"


def test_an_fte_and_a_rate_edited_in_the_workbook_move_the_timeline_cash(recalc, tmp_path):
    sample = next(p for p in SAMPLES if p.stem == "vivim")
    plan = _load(sample)
    before = timeline(plan)
    out = tmp_path / "vivim.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    team = wb[ALLOCATIONS.sheet]
    fte = column_letter(ALLOCATIONS.column_index("fte"))
    rate = column_letter(ALLOCATIONS.column_index("hourly_rate"))
    al = plan.allocations
    priced = [i for i in range(len(al)) if al.get(i, "fte") > 0 and al.get(i, "months") > 0
              and al.get(i, "hourly_rate") > 0 and al.get(i, "lump_sum") != al.get(i, "lump_sum")]
    p, q = priced[0], priced[len(priced) // 2]  # lines of two different milestones
    assert al.get(p, "milestone") != al.get(q, "milestone")
    team[f"{fte}{p + 2}"].value = al.get(p, "fte") + 0.75
    team[f"{rate}{q + 2}"].value = al.get(q, "hourly_rate") * 1.5 + 3.25
    wb.save(out)
    saved = recalc(out)
    after = timeline(import_workbook(saved, plan).plan)
    # mid band: the build spend is the estimates, whose Personnel part follows the team cost month
    # by month, so the edits move the team cost and the months' cash (not the ending cash)
    assert abs(after.team_cost - before.team_cost).max() > 1.0
    moved = int((abs(after.cash - before.cash) > 1.0).argmax())
    assert abs(after.cash[moved] - before.cash[moved]) > 1.0
    ws = openpyxl.load_workbook(saved, data_only=True)[TIMELINE_SHEET]
    rows = _rows(ws)
    _assert_matches(rows, after)
    assert not _close(rows["Cash at month end"][moved], float(before.cash[moved]))
    assert not _close(rows["Team cost (from team lines)"][moved], float(before.team_cost[moved]))


def test_a_team_line_typed_below_the_last_one_is_in_every_total(recalc, tmp_path):
    """A row the analyst adds in the spare rows of Team: the roll-up, the Summary's totals and
    the Timeline count it, and the import brings it back as a new row with the same figures."""
    from vivim_planner.engine import compute

    plan = _load(next(p for p in SAMPLES if p.stem == "vivim"))
    out = tmp_path / "vivim.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    team = wb[ALLOCATIONS.sheet]
    r = len(plan.allocations) + 2
    values = {"milestone": "M2", "role": plan.roles.get(0, "name"), "title": "Added in Excel", "hourly_rate": 97,
              "months": 2.5, "fte": 0.8}
    for name, v in values.items():
        team[f"{column_letter(ALLOCATIONS.column_index(name))}{r}"].value = v
    wb.save(out)
    saved = recalc(out)
    back = import_workbook(saved, plan)
    assert back.diff.tables["allocations"].added
    after, r_after = timeline(back.plan), compute(back.plan)
    lo = openpyxl.load_workbook(saved, data_only=True)
    _assert_matches(_rows(lo[TIMELINE_SHEET]), after)
    assert abs(after.team_cost.sum() - timeline(plan).team_cost.sum() - 97 * 240 * 2.5 * 0.8) < 1e-6
    summary = lo["Summary"]
    from test_excel_libreoffice import FIRST

    total = FIRST + len(plan.milestones)
    assert _close(summary.cell(total, 9).value, r_after.totals["bottom_up"])  # Bottom-up total
    assert r_after.totals["bottom_up"] != compute(plan).totals["bottom_up"]
