"""The timeline: one model over months that Summary, Economics, Curves and the CLI read.

Every sample and generated plans (hypothesis) give one number per month everywhere; the build
spend of each band adds up to its total; team lines land in their months."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from vivim_planner.commands import insert_rows
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.engine import compute, summary
from vivim_planner.engine.economics import economics
from vivim_planner.engine.periods import periods
from vivim_planner.engine.schedule import place
from vivim_planner.engine.timeline import timeline
from vivim_planner.engine.usage import UsageModel
from vivim_planner.storage import PlanDocument
from plan_strategies import month_plans

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_models").glob("*.vivim"))
BANDS = ("low", "mid", "high", "bottom_up")


def _load(path: Path) -> Plan:
    doc = PlanDocument.open(path, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def check_one_number(plan: Plan) -> None:
    """For every month and band: the timeline, Summary, Economics and the usage model (Curves)
    give the same operating cost, revenue and cash; build spend adds up to the band's total."""
    r = compute(plan)
    um = UsageModel(plan)
    for band in BANDS:
        tl = timeline(plan, band, r, um)
        e = economics(plan, band, r, um)
        assert tl.build_spend.sum() == pytest.approx(r.totals[band], rel=1e-9, abs=1e-6)
        assert tl.build_by_category.sum(axis=0) == pytest.approx(tl.build_spend, rel=1e-9, abs=1e-9)
        for attr in ("operating_cost", "revenue", "fees", "profit", "cash", "build_spend", "users"):
            np.testing.assert_allclose(getattr(e, attr), getattr(tl, attr), rtol=1e-9, atol=1e-9, err_msg=attr)
        np.testing.assert_allclose(tl.operating_by_component.sum(axis=0), tl.operating_cost, rtol=1e-9, atol=1e-9)
        # Curves: the usage model at the month's users + the operating lines of the milestone in force
        stated = np.isin(tl.step, [k for k in range(len(plan.tables["growth"]))
                                   if not math.isnan(plan.tables["growth"].get(k, "operating_cost"))])
        curve = um.evaluate(tl.users).total if tl.horizon else np.zeros(0)
        np.testing.assert_allclose(np.where(stated, tl.operating_cost, curve + tl.operating_lines),
                                   tl.operating_cost, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(np.cumsum(tl.net_cash_flow), tl.cash, rtol=1e-9, atol=1e-6)
        name = "bottom-up" if band == "bottom_up" else band
        s = summary(plan, name, r)
        for row, p in zip(s["milestones"], periods(plan, tl, r)):
            if p.month:
                i = p.month - 1
                assert row["monthly_operating_cost"] == pytest.approx(tl.operating_cost[i], rel=1e-9, abs=1e-9)
                assert row["monthly_revenue"] == pytest.approx(tl.revenue[i], rel=1e-9, abs=1e-9)
        assert s["break_even"] == {"operating_month": tl.operating_break_even_month,
                                   "cash_flow_month": tl.cash_flow_break_even_month}
        if tl.horizon:
            assert s["unit_economics"]["ending_cash"] == pytest.approx(tl.cash[-1], rel=1e-9, abs=1e-6)
        if tl.cash_flow_break_even_month:
            i = tl.cash_flow_break_even_month - 1
            assert tl.revenue[i] - tl.fees[i] - tl.operating_cost[i] - tl.build_spend[i] - tl.startup_costs[i] >= -1e-9
            assert (tl.cash_flow[:i][tl.revenue[:i] > 0] < -1e-9).all()  # the first such month
    # bottom-up: the Personnel spend is the team cost, month by month (plus any build line filed
    # under Personnel, which follows the team's months)
    tl = timeline(plan, "bottom_up", r, um)
    personnel = tl.build_by_category[tl.build_categories.index("Personnel")]
    assert personnel.sum() == pytest.approx(float(r.bottom_up["mid"][:, 0].sum()), rel=1e-9, abs=1e-6)
    if not any(c.strip().casefold() == "personnel" for c in plan.build_items.column("category")):
        np.testing.assert_allclose(personnel, tl.team_cost, rtol=1e-9, atol=1e-6)
    assert tl.team_cost.sum() == pytest.approx(float(np.nansum(r.allocation_cost)), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_view_gives_one_number_per_month(sample):
    check_one_number(_load(sample))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(month_plans())
def test_generated_plans_give_one_number_per_month(plan):
    check_one_number(plan)


def test_vivim_build_spend_adds_up_to_each_stated_total():
    plan = _load(next(p for p in SAMPLES if p.stem == "vivim"))
    stated = {"low": 1_275_800, "mid": 2_019_805, "high": 3_544_300, "bottom_up": 2_671_565}
    for band, total in stated.items():
        assert timeline(plan, band).build_spend.sum() == pytest.approx(total, rel=1e-12)


def test_vivim_cash_falls_with_team_and_build_and_never_breaks_even_on_cash_flow():
    plan = _load(next(p for p in SAMPLES if p.stem == "vivim"))
    tl = timeline(plan)
    e = economics(plan)
    assert tl.operating_break_even_month == e.break_even_month == 17  # M9's revenue covers its operations
    assert tl.cash_flow_break_even_month is None  # M9/M10 still pay a team and build spend
    assert tl.cash[-1] == pytest.approx(e.cash[-1]) == pytest.approx(-1_902_141)
    # M1 runs months 1-3 with two 3-month lines, a 3-month half FTE and a 2-month half FTE designer
    assert tl.fte[:2] == pytest.approx([3.0, 3.0])


def _plan_with_one_milestone(**line) -> Plan:
    plan = Plan(PlanSettings(hours_per_month=100))
    insert_rows(plan, "milestones", 0, [{"code": "M1", "name": "Build", "start_month": 2, "end_month": 4,
                                         "target_users": 10}]).apply(plan)
    insert_rows(plan, "roles", 0, [{"name": "Dev", "hourly_rate": 50}]).apply(plan)
    insert_rows(plan, "allocations", 0, [{"milestone": "M1", "role": "Dev", **line}]).apply(plan)
    return plan


def test_a_team_line_starts_with_its_milestone_and_a_part_month_counts_in_part():
    tl = timeline(_plan_with_one_milestone(months=2.5, fte=1.0))
    assert tl.fte.tolist() == [0.0, 1.0, 1.0, 0.5]
    assert tl.team_cost.tolist() == [0.0, 5_000.0, 5_000.0, 2_500.0]  # $50 x 100 h x FTE


def test_a_team_line_longer_than_its_milestone_keeps_its_whole_cost():
    plan = _plan_with_one_milestone(months=5, fte=0.5)
    tl = timeline(plan)
    assert tl.horizon == 6  # the line runs months 2-6, past M1's end in month 4
    assert tl.team_cost.sum() == compute(plan).totals["bottom_up"] == 50 * 100 * 5 * 0.5
    # the bottom-up Personnel spend follows the team, also past the milestone
    assert timeline(plan, "bottom_up").build_spend.tolist() == tl.team_cost.tolist()


def test_a_lump_sum_without_months_is_spread_over_its_milestone():
    tl = timeline(_plan_with_one_milestone(lump_sum=9_000, months=None))
    assert tl.team_cost.tolist() == [0.0, 3_000.0, 3_000.0, 3_000.0]


def test_a_stated_personnel_estimate_follows_the_team_profile():
    plan = _plan_with_one_milestone(months=1, fte=1.0)  # the whole team in month 2
    insert_rows(plan, "estimates", 0, [{"milestone": "M1", "category": "Personnel", "mid": 12_000}]).apply(plan)
    assert timeline(plan, "mid").build_spend.tolist() == [0.0, 12_000.0, 0.0, 0.0]


def test_other_build_categories_spread_evenly_over_the_milestone():
    plan = _plan_with_one_milestone(months=0)
    insert_rows(plan, "build_items", 0, [{"milestone": "M1", "category": "Legal", "amount": 3_000}]).apply(plan)
    tl = timeline(plan, "bottom_up")
    assert tl.build_by_category[tl.build_categories.index("Legal")].tolist() == [0.0, 1_000.0, 1_000.0, 1_000.0]


def test_a_start_month_labels_the_months_and_a_horizon_extends_them():
    plan = _plan_with_one_milestone(months=1)
    plan.settings = PlanSettings(start_date="2026-11", horizon_months=6)
    tl = timeline(plan)
    assert tl.labels == ("Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027", "Mar 2027", "Apr 2027")


def test_a_growth_steps_stated_cost_replaces_lines_and_usage_model():
    plan = _plan_with_one_milestone(months=1)
    insert_rows(plan, "operating_costs", 0, [{"milestone": "M1", "driver": "Hosting", "amount": 70}]).apply(plan)
    insert_rows(plan, "growth", 0, [{"name": "Launch", "month": 3, "users": 100, "operating_cost": 400}]).apply(plan)
    tl = timeline(plan)
    assert tl.operating_cost.tolist() == [0.0, 70.0, 400.0, 400.0]  # before the step: M1's lines
    assert tl.operating_lines.tolist() == [0.0, 70.0, 70.0, 70.0]


def test_place_is_the_overlap_of_each_span_with_each_month():
    rng = np.random.default_rng(7)
    n, groups, horizon = 200, 5, 12
    start = rng.integers(0, 8, n).astype(float) + rng.choice([0.0, 0.25, 0.5], n)
    end = start + rng.uniform(0, 6, n)
    rate = rng.uniform(-3, 10, n)
    group = rng.integers(-1, groups, n)
    got = place(start, end - start, rate, group, groups, horizon)
    want = np.zeros((groups, horizon))
    for s, e, w, g in zip(start, end, rate, group):
        for k in range(horizon):
            if g >= 0:
                want[g, k] += w * max(0.0, min(e, k + 1) - max(s, k))
    np.testing.assert_allclose(got, want, atol=1e-9)


def test_timeline_command_prints_the_months_as_json(tmp_path):
    sample = next(p for p in SAMPLES if p.stem == "kalei")
    r = subprocess.run([sys.executable, "-m", "vivim_planner", "timeline", str(sample), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    tl = timeline(_load(sample))
    assert set(data) >= {"plan", "currency", "scenario", "months", "break_even", "runway_months"}
    assert [m["cash"] for m in data["months"]] == pytest.approx(tl.cash.tolist())
    assert set(data["months"][0]) >= {"month", "label", "users", "paying_users", "fte", "team_cost", "build_cost",
                                      "operating_cost", "revenue", "fees", "profit", "cash"}
    assert data["break_even"]["operating_month"] == tl.operating_break_even_month == 4
    out = tmp_path / "k.csv"
    r = subprocess.run([sys.executable, "-m", "vivim_planner", "timeline", str(sample), "--csv", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[3:] == list(tl.labels)
    cash = next(line for line in lines if ",Cash at month end," in line).split(",")[3:]
    assert [float(x) for x in cash] == pytest.approx(tl.cash.tolist(), rel=1e-15)


def test_summary_of_kalei_and_vercel_shows_their_monthly_costs_and_revenue():
    for stem in ("kalei", "vercel_per_user"):
        s = summary(_load(next(p for p in SAMPLES if p.stem == stem)))
        assert s["periods"] == "growth steps" and s["milestones"]
        assert all(row["monthly_operating_cost"] > 0 for row in s["milestones"][1:])
        assert any(row["monthly_revenue"] > 0 for row in s["milestones"])
    vercel = summary(_load(next(p for p in SAMPLES if p.stem == "vercel_per_user")))
    last = vercel["milestones"][-1]
    assert (last["users"], round(last["monthly_operating_cost"], 2)) == (100_000, 123.94)  # seed 004 Step 6
    assert last["monthly_revenue"] == pytest.approx(100_000 * 0.2 * 10)  # 20% conversion at $10
