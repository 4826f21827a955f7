"""Plan vs actual and the re-forecast (engine/actuals.py), on a plan small enough to check by
hand and on VIVIM with three months of actuals."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from vivim_planner.commands import insert_rows
from vivim_planner.domain import Plan, PlanSettings, text_key
from vivim_planner.engine.actuals import plan_vs_actual
from vivim_planner.engine.timeline import timeline
from vivim_planner.storage import PlanDocument

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_models" / "vivim_actuals.vivim"


def _add(plan: Plan, table: str, rows: list[dict]) -> None:
    insert_rows(plan, table, len(plan.tables[table]), rows).apply(plan)


def small_plan() -> Plan:
    """$120,000 of infrastructure spread over months 1-12 ($10,000 a month) and $100,000 of
    capital in month 1: the cash runs out after exactly 10 months."""
    plan = Plan(PlanSettings(name="Small", start_date="2026-01"))
    _add(plan, "milestones", [{"code": "M1", "name": "Build", "start_month": 1, "end_month": 12}])
    _add(plan, "estimates", [{"milestone": "M1", "category": "Infrastructure", "low": 120_000, "mid": 120_000,
                              "high": 120_000}])
    _add(plan, "capital", [{"item": "Seed", "kind": "capital", "amount": 100_000, "month": 1}])
    return plan


def test_the_runway_moves_by_the_overspend_over_the_monthly_burn():
    plan = small_plan()
    tl = timeline(plan)
    assert tl.runway_months == 10.0
    _add(plan, "actuals", [{"month": 1, "category": "Infrastructure", "amount": 12_000},
                           {"month": 2, "category": "infrastructure", "amount": 9_000},
                           {"month": 3, "category": "Infrastructure", "amount": 11_000},
                           {"month": 3, "category": "Infrastructure", "amount": 3_000}])
    pva = plan_vs_actual(plan, timeline(plan))
    assert pva.closed_months == [1, 2, 3]
    assert pva.plan_runway == 10.0  # the original plan stays beside the re-forecast
    assert pva.overspend == 5_000.0
    assert pva.runway == 9.5  # $5,000 more spent at $10,000 a month: half a month less
    row = pva.categories.index("Infrastructure")
    assert pva.variance[row, :3].tolist() == [2_000.0, -1_000.0, 4_000.0]
    assert pva.variance_pct[row, :3].tolist() == [0.2, -0.1, 0.4]
    assert np.isnan(pva.variance[row, 3:]).all()  # open months have no variance
    assert pva.cash[2] == 100_000 - 35_000 and pva.plan_cash[2] == 100_000 - 30_000
    np.testing.assert_array_equal(pva.cash[3:], pva.plan_cash[3:] - 5_000)  # plan figures from then on


def test_revenue_beyond_the_plan_lengthens_the_runway_and_a_refund_counts_against_spend():
    plan = small_plan()
    _add(plan, "actuals", [{"month": 1, "category": "Infrastructure", "amount": 10_000},
                           {"month": 1, "category": "Revenue", "amount": 2_500},
                           {"month": 2, "category": "Infrastructure", "amount": 10_500},
                           {"month": 2, "category": "Infrastructure", "amount": -500}])
    pva = plan_vs_actual(plan, timeline(plan))
    assert pva.overspend == -2_500.0
    assert pva.runway == 10.25
    rev = pva.categories.index("Revenue")
    assert pva.variance[rev, 0] == 2_500.0 and np.isnan(pva.variance_pct[rev, 0])  # nothing was planned


def test_a_category_the_plan_lost_is_kept_and_months_past_the_end_are_noted():
    plan = small_plan()
    _add(plan, "actuals", [{"month": 2, "category": "Infrastructure", "amount": 700},
                           {"month": 30, "category": "Infrastructure", "amount": 1}])
    plan.estimates.set(0, "category", "Cloud")  # renamed after the fact: the actuals' category is gone
    pva = plan_vs_actual(plan, timeline(plan))
    i = pva.categories.index("Infrastructure")
    assert pva.kinds[i] == "unplanned" and pva.actual[i, 1] == 700 and pva.planned[i].sum() == 0
    assert pva.closed_months == [2] and "after the plan's last month (12)" in pva.notes[0]
    j = pva.categories.index("Cloud")
    assert pva.actual[j, 1] == 0 and pva.variance[j, 1] == -10_000  # a closed month: nothing spent there


def _sample() -> Plan:
    if not SAMPLE.exists():
        pytest.fail(f"{SAMPLE} is missing: run python sample_models/vivim_actuals.py")
    doc = PlanDocument.open(SAMPLE, readonly=True)
    plan = doc.plan
    doc.close()
    return plan


def test_vivim_with_actuals_variance_per_category_is_actual_minus_plan():
    plan = _sample()
    tl = timeline(plan)
    pva = plan_vs_actual(plan, tl)
    assert pva.closed_months == [1, 2, 3]
    acts = plan.tables["actuals"]
    by_key: dict[tuple[int, str], float] = {}
    for r in acts.rows():  # the actuals summed by hand, per month and category
        by_key[(int(r["month"]), text_key(r["category"]))] = by_key.get((int(r["month"]), text_key(r["category"])), 0) + r["amount"]
    plan_rows = dict(zip(tl.build_categories, tl.build_by_category))
    plan_rows.update(zip(tl.operating_names, tl.operating_by_component))
    plan_rows.update({"Revenue": tl.revenue, "Payment fees": tl.fees, "Startup costs": tl.startup_costs})
    checked = 0
    for i, name in enumerate(pva.categories):
        for m in (1, 2, 3):
            actual = by_key.get((m, text_key(name)), 0.0)
            planned = float(plan_rows[name][m - 1])
            assert pva.actual[i, m - 1] == pytest.approx(actual, abs=1e-9)
            assert pva.planned[i, m - 1] == planned
            assert pva.variance[i, m - 1] == pytest.approx(actual - planned, abs=1e-9)
            if planned:
                assert pva.variance_pct[i, m - 1] == pytest.approx((actual - planned) / planned)
            checked += actual != 0
    assert checked >= 12  # Personnel, Infrastructure, Third-Party, Legal and operating lines in each month
    spend = tl.build_spend + tl.operating_cost + tl.fees + tl.startup_costs
    np.testing.assert_allclose(pva.spend_planned, spend, rtol=0, atol=1e-6)
    np.testing.assert_allclose(tl.capital_in + tl.revenue - pva.spend_planned, tl.net_cash_flow, atol=1e-6)


def test_vivim_with_actuals_reforecast_runway_moves_by_exactly_the_overspend():
    plan = _sample()
    tl = timeline(plan)
    pva = plan_vs_actual(plan, tl)
    over = float(sum(r["amount"] for r in plan.tables["actuals"].rows() if r["category"] != "Revenue")
                 - (tl.build_spend + tl.operating_cost + tl.fees + tl.startup_costs)[:3].sum())
    assert over > 0 and pva.overspend == pytest.approx(over, abs=1e-6)
    np.testing.assert_allclose(pva.cash[3:], tl.cash[3:] - over, rtol=0, atol=1e-6)
    assert pva.plan_runway == tl.runway_months is not None and pva.runway is not None
    k = math.floor(pva.runway)  # the cash runs out in month k + 1, in both (checked), at that month's burn
    assert math.floor(pva.plan_runway) == k
    burn = -float(tl.net_cash_flow[k])
    assert pva.plan_runway - pva.runway == pytest.approx(over / burn, abs=1e-9)
