"""Monte Carlo: closed forms, reproducibility, one model with the timeline, and VIVIM's
percentiles inside its stated low and high."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from vivim_planner.commands import insert_rows
from vivim_planner.domain import CellError, Plan, PlanSettings
from vivim_planner.engine.simulation import draw_inputs, run_draws, simulate, spearman, uncertain_inputs
from vivim_planner.engine.timeline import timeline
from vivim_planner.storage import PlanDocument

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_models").glob("*.vivim"))
N = 10_000


def _load(stem: str) -> Plan:
    doc = PlanDocument.open(next(p for p in SAMPLES if p.stem == stem), readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def _plan(lines: list[dict], uncertainty: list[dict] = (), groups: list[dict] = ()) -> Plan:
    plan = Plan(PlanSettings())
    insert_rows(plan, "milestones", 0, [{"code": "M1", "name": "Build", "start_month": 1, "end_month": 2}]).apply(plan)
    insert_rows(plan, "build_items", 0, [{"milestone": "M1", "category": "Legal", **line} for line in lines]).apply(plan)
    if groups:
        insert_rows(plan, "correlation_groups", 0, list(groups)).apply(plan)
    if uncertainty:
        insert_rows(plan, "uncertainty", 0, list(uncertainty)).apply(plan)
    return plan


def test_a_single_uniform_input_has_the_uniform_percentiles():
    plan = _plan([{"description": "Counsel", "low": 1_000, "high": 2_000}],
                 [{"sheet": "Build costs", "row": "2", "field": "Amount", "distribution": "uniform"}])
    q = simulate(plan, draws=N, seed=3).build_percentiles()
    # the P-th percentile of U(1000, 2000) is 1000 + 10 P; its standard error at N draws is about 3
    assert q["p10"] == pytest.approx(1_100, abs=15)
    assert q["p50"] == pytest.approx(1_500, abs=15)
    assert q["p90"] == pytest.approx(1_900, abs=15)


def test_a_sum_of_independent_pert_inputs_has_the_sum_of_pert_means():
    ranges = [(500, 800, 2_000), (1_000, 1_200, 1_500), (0, 100, 900), (5_000, 9_000, 10_000)]
    plan = _plan([{"description": f"Line {i}", "amount": m, "low": lo, "high": hi} for i, (lo, m, hi) in enumerate(ranges)])
    total = simulate(plan, draws=N, seed=11).total_build_cost
    mean = sum((lo + 4 * m + hi) / 6 for lo, m, hi in ranges)
    var = sum(((lo + 4 * m + hi) / 6 - lo) * (hi - (lo + 4 * m + hi) / 6) / 7 for lo, m, hi in ranges)
    assert abs(total.mean() - mean) <= 3 * math.sqrt(var / N)


def test_a_fixed_plan_has_no_spread_and_is_the_timeline():
    plan = _plan([{"description": "Counsel", "amount": 1_500, "low": 1_000, "high": 2_000}],
                 [{"sheet": "Build costs", "row": "2", "field": "Amount", "distribution": "fixed"}])
    sim = simulate(plan, draws=500)
    assert not sim.inputs
    tl = timeline(plan)
    for p in (10, 50, 90):
        np.testing.assert_allclose(sim.cash[p], tl.cash)
    assert np.ptp(sim.total_build_cost) == 0 and sim.total_build_cost[0] == 1_500


def test_the_same_seed_gives_the_same_result_and_another_seed_another():
    plan = _load("vivim")
    a, b, c = simulate(plan, draws=2_000, seed=7), simulate(plan, draws=2_000, seed=7), simulate(plan, draws=2_000, seed=8)
    assert np.array_equal(a.total_build_cost, b.total_build_cost) and a.to_json() == b.to_json()
    assert not np.array_equal(a.total_build_cost, c.total_build_cost)


@pytest.mark.parametrize("sample", [p.stem for p in SAMPLES])
@pytest.mark.parametrize("band", ["mid", "bottom_up"])
def test_every_input_at_its_plan_value_gives_the_timeline(sample, band):
    """One model: the simulation's months are the timeline's when no input moves."""
    plan = _load(sample)
    inputs = uncertain_inputs(plan)
    modes = np.repeat(np.array([[i.mode for i in inputs]]), 2, axis=0) if inputs else np.zeros((2, 0))
    run = run_draws(plan, band, inputs, modes)
    tl = timeline(plan, band)
    for mine, theirs in (("cash", "cash"), ("operating", "operating_cost"), ("revenue", "revenue"),
                         ("fees", "fees"), ("build_spend", "build_spend"), ("users", "users")):
        np.testing.assert_allclose(getattr(run, mine), np.broadcast_to(getattr(tl, theirs), getattr(run, mine).shape),
                                   rtol=1e-9, atol=1e-6, err_msg=mine)
    assert run.total_build_cost == pytest.approx([tl.build_spend.sum()] * 2, rel=1e-9, abs=1e-6)


def test_vivim_build_cost_percentiles_lie_within_its_stated_low_and_high():
    sim = simulate(_load("vivim"), draws=N, seed=0)
    q = sim.build_percentiles()
    assert 1_275_800 <= sim.total_build_cost.min() and sim.total_build_cost.max() <= 3_544_300
    assert 1_275_800 < q["p10"] < q["p50"] < q["p90"] < 3_544_300
    assert sim.stated_totals == {"low": 1_275_800, "mid": 2_019_805, "high": 3_544_300}
    # the personnel estimates of the longest milestones drive the cash most (seed 000's M7, M8)
    top = [name for name, _ in sim.drivers[:4]]
    assert any("M7 Personnel" in name for name in top) and any("M8 Personnel" in name for name in top)
    assert all(c < 0 for _, c in sim.drivers[:4])  # a dearer estimate leaves less cash


def test_a_correlation_group_gives_its_rank_correlation():
    lines = [{"description": f"Line {i}", "amount": 100, "low": 50, "high": 200} for i in range(3)]
    unc = [{"sheet": "Build costs", "row": str(i + 2), "field": "Amount", "correlation_group": "Legal"} for i in range(3)]
    plan = _plan(lines, unc, [{"name": "Legal", "correlation": 0.7}])
    inputs = uncertain_inputs(plan)
    x = draw_inputs(inputs, N, 5, {"Legal": 0.7})
    assert spearman(x[:, :1], x[:, 1]) == pytest.approx([0.7], abs=0.03)
    lo, hi = np.min(x), np.max(x)
    assert 50 <= lo and hi <= 200  # each input keeps its own range


def test_runway_and_probability_of_running_out_follow_the_draws():
    plan = _plan([{"description": "Counsel", "amount": 10_000, "low": 5_000, "high": 15_000}],
                 [{"sheet": "Build costs", "row": "2", "field": "Amount", "distribution": "uniform"}])
    insert_rows(plan, "capital", 0, [{"item": "Savings", "kind": "capital", "amount": 8_000, "month": 1}]).apply(plan)
    sim = simulate(plan, draws=N, seed=2)
    # half the build cost falls in each of months 1 and 2: the cash is below zero by month 2
    # exactly when the line costs more than 8,000, P = (15,000 - 8,000) / 10,000
    assert sim.p_cash_negative[1] == pytest.approx(0.7, abs=0.02)
    assert sim.p_cash_lasts(2) == pytest.approx(0.3, abs=0.02)
    assert 0 < sim.runway_percentiles()["p10"] < 2


def test_an_uncertainty_row_must_name_an_input_with_a_range():
    plan = _plan([{"description": "Counsel", "amount": 100}])
    insert_rows(plan, "pricing_tiers", 0, [{"name": "Pro", "monthly_price": 10, "conversion": 0.1}]).apply(plan)
    with pytest.raises(CellError, match=r"^Uncertainty!C2: Column Notes of Pricing is not an input the simulation draws"):
        insert_rows(plan, "uncertainty", 0, [{"sheet": "Pricing", "row": "Pro", "field": "Notes"}])
    with pytest.raises(CellError, match=r"^Uncertainty!E2: Pricing Monthly price has no range of its own"):
        insert_rows(plan, "uncertainty", 0, [{"sheet": "Pricing", "row": "Pro", "field": "Monthly price"}])
    with pytest.raises(CellError, match=r"^Uncertainty!F2: High 5 is below low 9"):
        insert_rows(plan, "uncertainty", 0, [{"sheet": "Pricing", "row": "Pro", "field": "Monthly price",
                                              "low": 9, "high": 5}])
    with pytest.raises(CellError, match=r'^Uncertainty!G2: Group "Sales" is not a row of Correlation groups'):
        insert_rows(plan, "uncertainty", 0, [{"sheet": "Pricing", "row": "Pro", "field": "Monthly price",
                                              "low": 5, "high": 15, "correlation_group": "Sales"}])


EXPLICIT_ROWS = {  # sample -> Uncertainty rows giving ranges to inputs without their own
    "kalei": [{"sheet": "Pricing", "row": "Prism", "field": "Monthly price", "low": 3.99, "high": 7.99},
              {"sheet": "Pricing", "row": "Prism", "field": "Paying share", "low": 0.05, "high": 0.3},
              {"sheet": "LLM models", "row": "2", "field": "Input price", "low": 0.8, "high": 1.5},
              {"sheet": "LLM models", "row": "2", "field": "Output price", "low": 4, "high": 6},
              {"sheet": "Growth", "row": "Phase 2: Traction", "field": "Active users", "low": 100, "high": 400},
              {"sheet": "Growth", "row": "Phase 3: Growth", "field": "Paying subscribers", "low": 100, "high": 400}],
    "vercel_per_user": [{"sheet": "Usage drivers", "row": "Active CPU", "field": "Per user per month", "low": 5, "high": 40},
                        {"sheet": "Meters", "row": "3", "field": "Unit price", "low": 0.05, "high": 0.5},
                        {"sheet": "Usage drivers", "row": "Bandwidth", "field": "Per user per month", "low": 100,
                         "high": 5_000}],
    "vivim": [{"sheet": "Team", "row": "2", "field": "FTE", "low": 0.5, "high": 2},
              {"sheet": "Operations", "row": "4", "field": "Monthly amount", "low": 5, "high": 900}],
    "infra_stages": [],
}


def _input_cases():
    for stem, rows in EXPLICIT_ROWS.items():
        plan = _load(stem)
        if rows:
            insert_rows(plan, "uncertainty", 0, rows).apply(plan)
        kinds = {}
        for i in uncertain_inputs(plan):
            kinds.setdefault((i.table, i.field), i)  # the first input of each kind
        for (table, fld), i in kinds.items():
            yield pytest.param(stem, rows, table, i.row_id, fld, id=f"{stem}-{table}.{fld}")


@pytest.mark.parametrize("stem, rows, table, row_id, fld", list(_input_cases()))
def test_one_input_drawn_moves_the_months_as_typing_it_into_the_plan_does(stem, rows, table, row_id, fld):
    """The simulation's model against the engine's: a draw of one input gives the timeline of
    the plan with that value typed in (operating cost, revenue, build spend and cash)."""
    from vivim_planner.commands import set_cells

    plan = _load(stem)
    if rows:
        insert_rows(plan, "uncertainty", 0, rows).apply(plan)
    inputs = uncertain_inputs(plan)
    j = next(k for k, i in enumerate(inputs) if (i.table, i.row_id, i.field) == (table, row_id, fld))
    i = inputs[j]
    value = i.low + 0.37 * (i.high - i.low)
    values = np.array([[x.mode for x in inputs]])
    values[0, j] = value
    run = run_draws(plan, "mid", inputs, values)
    edits = [(row_id, fld, value)]
    if table == "infra_components":  # a component's draw is its monthly cost: low = high = the draw
        edits = [(row_id, "low", value), (row_id, "high", value)]
    elif table == "infra_tiers":  # a tier's alternatives drawn as one: every option costs the draw
        comps = plan.tables["infra_components"]
        first_of: dict[str, int] = {}
        for p in range(len(comps)):
            if int(comps.get(p, "tier")) == row_id and comps.get(p, "option"):
                first_of.setdefault(comps.get(p, "option"), int(comps.ids[p]))
        cell = {rid: value if rid in first_of.values() else 0.0 for rid in
                (int(comps.ids[p]) for p in range(len(comps)) if int(comps.get(p, "tier")) == row_id
                 and comps.get(p, "option"))}
        set_cells(plan, "infra_components", [(rid, f, v) for rid, v in cell.items() for f in ("low", "high")]).apply(plan)
        edits = []
    elif table == "capital" or table == "build_items":
        edits.append((row_id, "low", min(value, i.low)))
    if edits:
        set_cells(plan, table, edits).apply(plan)
    tl = timeline(plan)
    monthly = [("operating", "operating_cost"), ("revenue", "revenue")]
    if table in ("roles", "allocations"):
        # a drawn rate or FTE moves its milestone's Personnel total; within the milestone the
        # simulation keeps the plan's staffing profile (module docstring), so compare totals
        assert run.build_spend[0].sum() == pytest.approx(tl.build_spend.sum(), rel=1e-9)
        assert run.cash[0][-1] == pytest.approx(tl.cash[-1], rel=1e-9)
    else:
        monthly += [("build_spend", "build_spend"), ("cash", "cash")]
    for mine, theirs in monthly:
        np.testing.assert_allclose(getattr(run, mine)[0], getattr(tl, theirs), rtol=1e-9, atol=1e-6, err_msg=mine)


def test_simulate_command_prints_the_percentiles_as_json_and_repeats_with_its_seed():
    import json
    import subprocess
    import sys

    sample = str(next(p for p in SAMPLES if p.stem == "vivim"))
    runs = [subprocess.run([sys.executable, "-m", "vivim_planner", "simulate", sample, "--draws", "2000", "--seed", "4",
                            "--json"], capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    data = json.loads(runs[0].stdout)
    assert json.loads(runs[1].stdout) == data
    assert set(data) >= {"draws", "seed", "total_build_cost", "months", "runway_months", "p_cash_negative_by_month",
                         "drivers"}
    assert (data["draws"], data["seed"]) == (2000, 4)
    assert set(data["total_build_cost"]) == {"p10", "p50", "p90", "mean"}
    assert set(data["months"][0]) >= {"month", "cash_p10", "cash_p50", "cash_p90"}
    assert data["months"][0]["cash_p10"] <= data["months"][0]["cash_p50"] <= data["months"][0]["cash_p90"]
    assert data["drivers"][0]["input"] and -1 <= data["drivers"][0]["correlation"] <= 1
    engine = simulate(_load("vivim"), draws=2000, seed=4).to_json()
    assert data["total_build_cost"] == engine["total_build_cost"]
    bad = subprocess.run([sys.executable, "-m", "vivim_planner", "simulate", sample, "--draws", "0"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "draws must be between 1 and 1,000,000, got 0" in bad.stderr


def test_the_simulation_sheet_holds_the_percentiles_labelled_with_draws_and_seed(tmp_path):
    import openpyxl
    import xlsxwriter

    from vivim_planner.excel.simulation_sheet import write_simulation_sheet
    from vivim_planner.excel.styles import Styles

    sim = simulate(_load("vivim"), draws=1_500, seed=9)
    path = tmp_path / "sim.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    write_simulation_sheet(wb.add_worksheet("Simulation"), Styles(wb, "USD"), sim)
    wb.close()
    ws = openpyxl.load_workbook(path)["Simulation"]
    assert ws["A1"].value == "Monte Carlo: 1,500 draws, seed 9"
    cells = {(r, c): ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in range(1, 9)}
    build_row = next(r for (r, c), v in cells.items() if c == 1 and v == "Build cost")
    q = sim.build_percentiles()
    assert [cells[(build_row, c)] for c in range(2, 9)] == pytest.approx(
        [q["p10"], q["p50"], q["p90"], q["mean"], 1_275_800, 2_019_805, 3_544_300])
    head = next(r for (r, c), v in cells.items() if c == 3 and v == "Cash P10")
    assert [cells[(head + 1 + m, 4)] for m in range(sim.months)] == pytest.approx(sim.cash[50].tolist())
    driver_head = next(r for (r, c), v in cells.items() if c == 2 and v == "Rank correlation")
    assert cells[(driver_head + 1, 1)] == sim.drivers[0][0]
