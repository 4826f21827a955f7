"""Engine: every figure computed by hand from the definitions in engine/rollup.py.

The plan below is small enough to check on paper; each expected number is derived in the
comment above it (hours per month 160 unless stated).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.engine import PERSONNEL, category_key, compute, summary

NAN = math.nan


def hand_plan(hours: float = 160.0) -> Plan:
    plan = Plan(PlanSettings(name="Hand plan", hours_per_month=hours))
    plan.milestones.extend([
        {"id": 1, "code": "M1", "name": "MVP", "start_month": 1.0, "end_month": 3.0, "target_users": 0.0},
        {"id": 2, "code": "M2", "name": "Beta", "start_month": 4.0, "end_month": 6.0, "target_users": 1000.0},
        {"id": 3, "code": "M3", "name": "Launch", "start_month": 7.0, "end_month": 9.0, "target_users": 500.0},
    ])
    plan.roles.extend([
        {"id": 1, "name": "Backend", "hourly_rate": 100.0},
        {"id": 2, "name": "Designer", "hourly_rate": 80.0},
        {"id": 3, "name": "Advisor"},  # no rate on the card
    ])
    plan.allocations.extend([
        # 100 x 160 x 3 x 0.5 = 24,000 (role rate)
        {"id": 1, "milestone": 1, "role": 1, "months": 3.0, "fte": 0.5},
        # own rate 90 overrides the designer's 80: 90 x 160 x 2 x 1 = 28,800
        {"id": 2, "milestone": 1, "role": 2, "hourly_rate": 90.0, "months": 2.0, "fte": 1.0},
        # lump sum: 5,000 whatever the rate
        {"id": 3, "milestone": 2, "role": 3, "lump_sum": 5000.0, "months": 6.0, "fte": 1.0},
        # no rate anywhere: NaN, counts as 0
        {"id": 4, "milestone": 2, "role": 3, "months": 1.0, "fte": 1.0},
        # 100 x 160 x 1 x 0.25 = 4,000
        {"id": 5, "milestone": 2, "role": 1, "months": 1.0, "fte": 0.25},
    ])
    plan.build_items.extend([
        # qty x unit = 4 x 50 = 200; the amount is ignored when both are given
        {"id": 1, "milestone": 1, "category": "Infrastructure", "quantity": 4.0, "unit_cost": 50.0, "amount": 999.0},
        # same category written differently: amount 1,000
        {"id": 2, "milestone": 1, "category": " infrastructure ", "amount": 1000.0},
        # range only: point = midpoint 4,000, band 2,000 - 6,000
        {"id": 3, "milestone": 1, "category": "Legal", "low": 2000.0, "high": 6000.0},
        # amount 500 with high 800: point 500, low defaults to 500, high 800
        {"id": 4, "milestone": 2, "category": "Legal", "amount": 500.0, "high": 800.0},
        # qty without unit: the amount, 300
        {"id": 5, "milestone": 2, "category": "Marketing", "quantity": 2.0, "amount": 300.0},
    ])
    plan.estimates.extend([
        {"id": 1, "milestone": 1, "category": "personnel", "low": 50000.0, "mid": 60000.0, "high": 70000.0},
        {"id": 2, "milestone": 1, "category": "Legal"},  # empty: bottom-up
        {"id": 3, "milestone": 2, "category": "MARKETING", "mid": 1000.0},  # only mid stated
        {"id": 4, "milestone": 3, "category": "Contingency", "low": 100.0, "mid": 200.0, "high": 300.0},
    ])
    plan.operating_costs.extend([
        {"id": 1, "milestone": 2, "driver": "Cloud", "quantity": 10.0, "unit_cost": 25.0},  # 250
        {"id": 2, "milestone": 2, "driver": "Support", "amount": 750.0},  # 750
        {"id": 3, "milestone": 3, "driver": "Email", "quantity": 3.0, "amount": 100.0},  # 100
        {"id": 4, "milestone": 1, "driver": "Domain", "amount": 400.0},  # 400
    ])
    plan.revenues.extend([
        {"id": 1, "milestone": 2, "source": "Pro", "amount": 200.0},
        {"id": 2, "milestone": 3, "source": "Pro", "amount": 600.0},
    ])
    return plan


def test_team_line_cost_uses_role_rate_own_rate_and_lump_sum():
    r = compute(hand_plan())
    np.testing.assert_array_equal(r.allocation_rate, [100.0, 90.0, NAN, NAN, 100.0])
    np.testing.assert_array_equal(r.allocation_cost, [24000.0, 28800.0, 5000.0, NAN, 4000.0])


def test_team_line_cost_scales_with_hours_per_month():
    r = compute(hand_plan(hours=240.0))
    # 100 x 240 x 3 x 0.5 = 36,000; 90 x 240 x 2 = 43,200; lump sum unchanged; 100 x 240 x 0.25 = 6,000
    np.testing.assert_array_equal(r.allocation_cost, [36000.0, 43200.0, 5000.0, NAN, 6000.0])
    assert r.hours_per_month == 240.0


def test_an_own_rate_of_zero_is_a_rate_not_a_gap():
    plan = hand_plan()
    plan.allocations.set(0, "hourly_rate", 0.0)
    assert compute(plan).allocation_cost[0] == 0.0


def test_build_line_point_and_band():
    r = compute(hand_plan())
    np.testing.assert_array_equal(r.build_cost, [200.0, 1000.0, 4000.0, 500.0, 300.0])
    np.testing.assert_array_equal(r.build_low, [200.0, 1000.0, 2000.0, 500.0, 300.0])
    np.testing.assert_array_equal(r.build_high, [200.0, 1000.0, 6000.0, 800.0, 300.0])


def test_build_line_with_only_one_end_of_a_range_stands_at_that_end():
    plan = Plan()
    plan.milestones.extend([{"id": 1, "code": "M1", "name": "x", "start_month": 1.0, "end_month": 1.0}])
    plan.build_items.extend([{"id": 1, "milestone": 1, "category": "X", "low": 10.0},
                             {"id": 2, "milestone": 1, "category": "X", "high": 30.0}])
    r = compute(plan)
    # a line "from $10" counts $10 in every scenario, not $10 in low and nothing in mid / high
    assert r.build_cost.tolist() == [10.0, 30.0]
    assert r.build_low.tolist() == [10.0, 30.0] and r.build_high.tolist() == [10.0, 30.0]
    assert r.total["low"][0] == r.total["mid"][0] == r.total["high"][0] == 40.0


def test_an_empty_estimate_stays_within_what_is_stated():
    plan = Plan()
    plan.milestones.extend([{"id": 1, "code": "M1", "name": "x", "start_month": 1.0, "end_month": 1.0}])
    plan.build_items.extend([{"id": 1, "milestone": 1, "category": "Design", "amount": 9000.0}])
    plan.estimates.extend([{"id": 1, "milestone": 1, "category": "Design", "low": 1000.0, "high": 2000.0}])
    r = compute(plan)
    # the empty mid takes bottom-up (9,000) clipped into the stated 1,000 - 2,000
    assert (r.total["low"][0], r.total["mid"][0], r.total["high"][0]) == (1000.0, 2000.0, 2000.0)


def test_cumulative_follows_the_months_not_the_row_order():
    plan = Plan()
    plan.milestones.extend([
        {"id": 1, "code": "M1", "name": "a", "start_month": 1.0, "end_month": 3.0},
        {"id": 3, "code": "M3", "name": "c", "start_month": 7.0, "end_month": 7.0},
        {"id": 2, "code": "M2", "name": "b", "start_month": 4.0, "end_month": 6.0}])
    plan.build_items.extend([{"id": i, "milestone": i, "category": "X", "amount": 100.0 * i} for i in (1, 2, 3)])
    r = compute(plan)
    # rows M1, M3, M2: M1 100; M2 100 + 200 = 300; M3 300 + 300 = 600
    assert r.cumulative["mid"].tolist() == [100.0, 600.0, 300.0]


def test_categories_match_case_insensitively_personnel_first():
    r = compute(hand_plan())
    assert r.categories == (PERSONNEL, "Infrastructure", "Legal", "Marketing", "Contingency")
    assert r.category_index("  LEGAL ") == 2
    assert category_key(" Infrastructure ") == category_key("INFRASTRUCTURE")
    # both infrastructure lines land in one cell: 200 + 1,000
    assert r.bottom_up["mid"][0, 1] == 1200.0


def test_bottom_up_per_milestone_and_category():
    r = compute(hand_plan())
    # columns: Personnel, Infrastructure, Legal, Marketing, Contingency
    np.testing.assert_array_equal(r.bottom_up["mid"], [
        [52800.0, 1200.0, 4000.0, 0.0, 0.0],   # 24,000 + 28,800 ; 200 + 1,000 ; midpoint 4,000
        [9000.0, 0.0, 500.0, 300.0, 0.0],      # 5,000 + NaN(0) + 4,000 ; 500 ; 300
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ])
    np.testing.assert_array_equal(r.bottom_up["low"][:, 2], [2000.0, 500.0, 0.0])
    np.testing.assert_array_equal(r.bottom_up["high"][:, 2], [6000.0, 800.0, 0.0])
    # Personnel has no band: the same in low, mid and high
    for band in ("low", "high"):
        np.testing.assert_array_equal(r.bottom_up[band][:, 0], [52800.0, 9000.0, 0.0])


def test_estimates_fall_back_to_bottom_up_where_empty():
    r = compute(hand_plan())
    # M1: Personnel stated 50k/60k/70k; Infrastructure no estimate row -> bottom-up 1,200;
    #     Legal estimate row empty -> bottom-up band 2,000 / 4,000 / 6,000
    # M2: Personnel bottom-up 9,000; Legal bottom-up 500 / 500 / 800; Marketing mid stated 1,000,
    #     low empty -> bottom-up 300; high empty -> bottom-up 300 but never below the mid: 1,000
    # M3: Contingency 100 / 200 / 300 (no lines at all)
    np.testing.assert_array_equal(r.estimate["low"], [
        [50000.0, 1200.0, 2000.0, 0.0, 0.0], [9000.0, 0.0, 500.0, 300.0, 0.0], [0.0, 0.0, 0.0, 0.0, 100.0]])
    np.testing.assert_array_equal(r.estimate["mid"], [
        [60000.0, 1200.0, 4000.0, 0.0, 0.0], [9000.0, 0.0, 500.0, 1000.0, 0.0], [0.0, 0.0, 0.0, 0.0, 200.0]])
    np.testing.assert_array_equal(r.estimate["high"], [
        [70000.0, 1200.0, 6000.0, 0.0, 0.0], [9000.0, 0.0, 800.0, 1000.0, 0.0], [0.0, 0.0, 0.0, 0.0, 300.0]])
    assert r.stated_estimate["mid"][0, 0] == 60000.0
    assert math.isnan(r.stated_estimate["mid"][0, 2]) and math.isnan(r.stated_estimate["low"][1, 3])
    assert r.present.tolist() == [[True, True, True, False, False],
                                  [True, False, True, True, False],
                                  [False, False, False, False, True]]


def test_milestone_totals_cumulative_and_plan_totals():
    r = compute(hand_plan())
    # low:  50,000 + 1,200 + 2,000 = 53,200 ; 9,000 + 500 + 300 = 9,800 ; 100
    # mid:  60,000 + 1,200 + 4,000 = 65,200 ; 9,000 + 500 + 1,000 = 10,500 ; 200
    # high: 70,000 + 1,200 + 6,000 = 77,200 ; 9,000 + 800 + 1,000 = 10,800 ; 300
    # bottom-up (mid band of the lines): 52,800 + 1,200 + 4,000 = 58,000 ; 9,800 ; 0
    expected = {"low": [53200.0, 9800.0, 100.0], "mid": [65200.0, 10500.0, 200.0],
                "high": [77200.0, 10800.0, 300.0], "bottom_up": [58000.0, 9800.0, 0.0]}
    for k, v in expected.items():
        np.testing.assert_array_equal(r.total[k], v)
        np.testing.assert_array_equal(r.cumulative[k], np.cumsum(v))
        assert r.totals[k] == sum(v)
    assert r.totals == {"low": 63100.0, "mid": 75900.0, "high": 88300.0, "bottom_up": 67800.0}


def test_operating_revenue_net_and_cost_per_user():
    r = compute(hand_plan())
    np.testing.assert_array_equal(r.operating_amount, [250.0, 750.0, 100.0, 400.0])
    np.testing.assert_array_equal(r.operating, [400.0, 1000.0, 100.0])
    np.testing.assert_array_equal(r.revenue, [0.0, 200.0, 600.0])
    np.testing.assert_array_equal(r.net_operating, [400.0, 800.0, -500.0])
    np.testing.assert_array_equal(r.users, [0.0, 1000.0, 500.0])
    # M1 has 0 users: NaN, not inf; M2 800 / 1,000; M3 profit -500 / 500
    assert math.isnan(r.cost_per_user[0])
    assert r.cost_per_user[1:].tolist() == [0.8, -1.0]


def test_cost_per_user_is_nan_without_a_user_target():
    plan = hand_plan()
    plan.milestones.set(1, "target_users", NAN)
    assert math.isnan(compute(plan).cost_per_user[1])


def test_lines_of_a_missing_milestone_are_ignored():
    plan = hand_plan()
    plan.allocations.set(0, "milestone", 99)  # dangling (never happens through commands)
    plan.build_items.set(0, "milestone", 0)
    r = compute(plan)
    assert r.bottom_up["mid"][0, 0] == 28800.0
    assert r.bottom_up["mid"][0, 1] == 1000.0


def test_empty_plan_computes_to_empty_arrays():
    r = compute(Plan())
    assert r.categories == (PERSONNEL,)
    assert r.total["mid"].shape == (0,) and r.totals["mid"] == 0.0
    assert r.bottom_up["mid"].shape == (0, 1)


def test_compute_is_pure_and_never_stale():
    plan = hand_plan()
    before = compute(plan)
    again = compute(plan)
    assert before.totals == again.totals
    plan.allocations.set(0, "fte", 1.0)  # 100 x 160 x 3 x 1 = 48,000: +24,000
    after = compute(plan)
    assert after.totals["bottom_up"] == before.totals["bottom_up"] + 24000.0
    assert before.allocation_cost[0] == 24000.0  # an earlier result is not mutated
    after.users[1] = -1.0  # nor does a result alias the plan's columns
    assert plan.milestones.get(1, "target_users") == 1000.0


def test_summary_reports_one_scenario():
    s = summary(hand_plan(), "bottom-up")
    assert s["scenario"] == "bottom-up" and s["total_build_cost"] == 67800.0
    assert [m["build_cost"] for m in s["milestones"]] == [58000.0, 9800.0, 0.0]
    assert [m["cumulative_build_cost"] for m in s["milestones"]] == [58000.0, 67800.0, 67800.0]
    assert s["milestones"][0]["cost_per_user"] is None and s["milestones"][1]["cost_per_user"] == 0.8
    assert summary(hand_plan(), "high")["total_build_cost"] == 88300.0
    with pytest.raises(KeyError):
        summary(hand_plan(), "worst")


def test_audit_reads_a_stated_figure_with_cents_at_its_own_precision():
    from vivim_planner.engine import audit

    plan = hand_plan()
    m2 = 2  # operating 1,000 per month
    plan.stated_figures.extend([
        {"id": 1, "milestone": m2, "metric": "operating_total", "bound": "value", "value": 1000.49, "decimals": 0.0},
        {"id": 2, "milestone": m2, "metric": "operating_total", "bound": "value", "value": 1000.0, "decimals": 0.0}])
    where = [f.cell for f in audit(plan)]
    assert "Stated figures!E2" in where  # 1,000.49 printed with cents is not 1,000
    assert "Stated figures!E3" not in where
