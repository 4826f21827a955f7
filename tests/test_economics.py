"""Unit economics, break-even, runway and dividends (engine, no Qt), on a small plan built here
from seed 003 (Kalei) sections 2, 5, 6 and 9, and refusals of bad economics input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vivim_planner.commands import insert_rows, set_cell
from vivim_planner.domain import CellError, Plan, PlanSettings
from vivim_planner.engine.economics import economics
from vivim_planner.engine.usage import UsageModel


def kalei_like() -> Plan:
    """Seed 003's Prism user (section 2: Haiku 4.5 at $1 / $5 per MTok, cache reads at 0.1x,
    Spectrum on the batch API at 50% off), its tiers (section 12), its infrastructure at launch
    (VPS EUR 8.45 ~ $9.20 + domain ~$5; section 3) and its startup budget (section 9)."""
    plan = Plan(PlanSettings(name="Kalei-like", currency="USD"))
    plan.tables["llm_models"].extend([{"id": 1, "name": "Haiku 4.5", "input_price": 1.0, "output_price": 5.0,
                                       "cache_read": 0.1, "batch_discount": 0.5}])
    plan.tables["llm_activities"].extend([
        {"id": 1, "name": "Kaleidoscope", "model": 1, "cached_tokens": 600.0, "input_tokens": 300.0, "output_tokens": 450.0},
        {"id": 2, "name": "Mirror", "model": 1, "cached_tokens": 800.0, "input_tokens": 900.0, "output_tokens": 1050.0},
        {"id": 3, "name": "Lens", "model": 1, "cached_tokens": 400.0, "input_tokens": 200.0, "output_tokens": 100.0},
        {"id": 4, "name": "Spectrum", "model": 1, "input_tokens": 2000.0, "output_tokens": 3000.0, "batch_share": 1.0},
    ])
    plan.tables["segments"].extend([{"id": 1, "name": "Free", "share": 0.85}, {"id": 2, "name": "Prism", "share": 0.15}])
    plan.tables["segment_usage"].extend([
        {"id": 1, "segment": 1, "activity": 1, "sessions": 90.0}, {"id": 2, "segment": 1, "activity": 2, "sessions": 8.0},
        {"id": 3, "segment": 1, "activity": 3, "sessions": 30.0},
        {"id": 4, "segment": 2, "activity": 1, "sessions": 180.0}, {"id": 5, "segment": 2, "activity": 2, "sessions": 16.0},
        {"id": 6, "segment": 2, "activity": 3, "sessions": 30.0}, {"id": 7, "segment": 2, "activity": 4, "sessions": 4.0},
    ])
    plan.tables["infra_tiers"].extend([{"id": 1, "name": "Launch", "users_from": 0.0}])
    plan.tables["infra_components"].extend([
        {"id": 1, "tier": 1, "component": "Netcup VPS 1000", "low": 9.20},
        {"id": 2, "tier": 1, "component": "Domain", "low": 5.0},
    ])
    plan.tables["pricing_tiers"].extend([
        {"id": 1, "name": "Free", "monthly_price": 0.0, "conversion": 0.0, "segment": 1},
        {"id": 2, "name": "Prism", "monthly_price": 4.99, "annual_price": 39.99, "annual_share": 0.0,
         "conversion": 0.15, "segment": 2},
    ])
    plan.tables["growth"].extend([
        {"id": 1, "name": "Phase 0", "month": 1.0, "users": 0.0, "paying": 0.0},
        {"id": 2, "name": "Phase 1", "month": 4.0, "users": 50.0, "paying": 15.0, "operating_cost": 28.0},
        {"id": 3, "name": "Phase 2", "month": 10.0, "users": 200.0, "paying": 60.0, "operating_cost": 100.0},
    ])
    plan.tables["capital"].extend([
        {"id": 1, "item": "Founders' budget", "kind": "capital", "amount": 2000.0, "month": 1.0},
        {"id": 2, "item": "Apple Developer", "kind": "startup cost", "amount": 99.0, "month": 1.0},
        {"id": 3, "item": "Design assets", "kind": "startup cost", "low": 0.0, "high": 50.0, "month": 1.0},
    ])
    return plan


def test_prism_cost_per_user_comes_from_the_usage_model_and_gives_87_percent():
    plan = kalei_like()
    e = economics(plan)
    prism = e.tier("Prism")
    assert prism.cost_source == "segment Prism"
    assert prism.cost_per_user == pytest.approx(UsageModel(plan).segments[1].cost)
    assert round(prism.cost_per_user, 2) == 0.63  # seed 003: "~$0.63/month"
    assert prism.margin == pytest.approx((4.99 - prism.cost_per_user) / 4.99)
    assert round(prism.margin * 100) == 87
    assert math.isnan(e.tier("Free").margin)


def test_break_even_subscribers_cover_the_fixed_costs():
    e = economics(kalei_like())
    assert e.fixed_monthly_cost == pytest.approx(14.20)  # the launch tier at zero users
    assert e.break_even_subscribers == 4  # seed 003: "4 Prism subscribers at $4.99 cover the infrastructure"
    assert e.break_even_subscribers == math.ceil(14.20 / (4.99 - e.tier("Prism").cost_per_user))


def test_phase_margin_follows_price_and_paying_subscribers():
    plan = kalei_like()
    set_cell(plan, "pricing_tiers", 2, "monthly_price", "$7.99").apply(plan)
    set_cell(plan, "growth", 2, "paying", "10").apply(plan)
    step = economics(plan).step("Phase 1")
    assert step.revenue == pytest.approx(79.90)
    assert round(step.margin * 100) == 65  # seed 003 section 5: +$52 (65%)


def test_cash_runway_and_break_even_month():
    e = economics(kalei_like())
    assert e.starting_capital == 2000
    assert e.startup_costs[0] == pytest.approx(99 + 25)  # design assets: midpoint of 0-50
    # months 1-3 before launch cost the launch tier only; launch in month 4 is already profitable
    assert e.operating_cost[:3] == pytest.approx([14.20] * 3)
    assert e.break_even_month == 4
    assert e.runway_months is None  # the cash never runs out
    # without revenue the reserve pays for the monthly cost for years, not forever
    assert e.runway_without_revenue is not None and e.runway_without_revenue > 12
    assert e.cash[-1] == pytest.approx(2000 - 124 + e.profit.sum())


def test_runway_counts_the_months_the_cash_covers():
    plan = kalei_like()
    set_cell(plan, "capital", 1, "amount", "300").apply(plan)  # 300 - 124 = 176 at 14.2 a month
    set_cell(plan, "growth", 2, "paying", "0").apply(plan)
    set_cell(plan, "growth", 3, "paying", "0").apply(plan)
    e = economics(plan)
    assert e.break_even_month is None
    # 176 - 3 x 14.2 = 133.4 at the end of month 3; then 28 a month: 21.4 left after month 7,
    # which pays for 21.4 / 28 of month 8
    assert e.runway_months == pytest.approx(7 + 21.4 / 28)
    assert e.runway_without_revenue == pytest.approx(e.runway_months)


def test_fees_reduce_the_margin():
    plan = kalei_like()
    insert_rows(plan, "payment_fees", 0, [{"name": "App Store", "percent": "15%"}]).apply(plan)
    prism = economics(plan).tier("Prism")
    assert prism.fees == pytest.approx(0.15 * 4.99)
    assert prism.margin == pytest.approx((4.99 * 0.85 - prism.cost_per_user) / 4.99)
    insert_rows(plan, "payment_fees", 1, [{"name": "Stripe", "percent": "2.9%", "fixed": "$0.30"}]).apply(plan)
    assert economics(plan).tier("Prism").fees == pytest.approx(0.15 * 4.99 + 0.029 * 4.99 + 0.30)


def test_annual_share_prices_a_month_at_the_annual_price_over_twelve():
    plan = kalei_like()
    set_cell(plan, "pricing_tiers", 2, "annual_share", "50%").apply(plan)
    assert economics(plan).tier("Prism").price == pytest.approx(0.5 * 4.99 + 0.5 * 39.99 / 12)


def test_dividend_pool_splits_profit_70_30():
    plan = kalei_like()
    insert_rows(plan, "dividend_policies", 0, [{"name": "VIVIM", "users_share": "70%", "platform_share": "30%"}]).apply(plan)
    e = economics(plan)
    assert e.dividend_pool.sum() == pytest.approx(np.maximum(e.profit, 0).sum())
    assert e.dividend_users.sum() == pytest.approx(0.7 * e.dividend_pool.sum())


def test_an_empty_plan_has_no_break_even_and_no_runway():
    e = economics(Plan())
    assert e.break_even_subscribers is None and e.break_even_month is None and e.runway_months is None
    assert len(e.months) == 0


# -- bad input is refused, naming the cell; nothing changes -----------------------------------------

def test_a_conversion_of_120_percent_is_refused_at_its_cell():
    plan = kalei_like()
    with pytest.raises(CellError) as err:
        set_cell(plan, "pricing_tiers", 2, "conversion", "120%")
    assert str(err.value).startswith("Pricing!E3: Paying share")
    assert plan.tables["pricing_tiers"].get(1, "conversion") == 0.15


def test_paying_shares_over_100_percent_together_are_refused():
    plan = kalei_like()
    with pytest.raises(CellError) as err:
        insert_rows(plan, "pricing_tiers", 2, [{"name": "Prism+", "monthly_price": "9.99", "conversion": "90%"}])
    assert str(err.value).startswith("Pricing!E4: Paying shares of all tiers would add up to 105%")


def test_a_negative_price_is_refused_at_its_cell():
    plan = kalei_like()
    with pytest.raises(CellError) as err:
        set_cell(plan, "pricing_tiers", 2, "monthly_price", "-4.99")
    assert str(err.value).startswith("Pricing!B3: Monthly price must be")
    assert plan.tables["pricing_tiers"].get(1, "monthly_price") == 4.99


def test_dividend_shares_must_add_up_to_100_percent():
    plan = kalei_like()
    with pytest.raises(CellError) as err:
        insert_rows(plan, "dividend_policies", 0, [{"name": "X", "users_share": "70%", "platform_share": "20%"}])
    assert str(err.value) == ("Dividends!C2: Users' share 70% and platform share 20% add up to 90%; "
                              "they must add up to 100%")
    assert len(plan.tables["dividend_policies"]) == 0


def test_the_milestone_in_force_is_the_latest_started_and_holds_through_gaps():
    from vivim_planner.engine.schedule import in_force as _in_force

    starts = np.array([1.0, 3.0, 8.0, np.nan])
    ends = np.array([3.0, 5.0, 9.0, np.nan])
    got = _in_force(starts, ends, np.arange(0, 11))
    # month 0: none; 3: M2 started later than M1; 6-7: M2 ended last; 10: M3 carries on
    assert got.tolist() == [-1, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]


def test_operating_cost_and_revenue_follow_the_milestone_in_force():
    plan = Plan()
    plan.milestones.extend([
        {"id": 1, "code": "M1", "name": "A", "start_month": 1.0, "end_month": 2.0, "target_users": 10.0},
        {"id": 2, "code": "M2", "name": "B", "start_month": 2.0, "end_month": 3.0, "target_users": 20.0},
    ])
    plan.operating_costs.extend([{"id": 1, "milestone": 1, "driver": "x", "amount": 100.0},
                                 {"id": 2, "milestone": 2, "driver": "y", "amount": 300.0}])
    plan.revenues.extend([{"id": 1, "milestone": 2, "source": "API", "customers": 2.0, "amount": 500.0}])
    plan.estimates.extend([{"id": 1, "milestone": 1, "category": "Personnel", "low": 1.0, "mid": 2000.0, "high": 3000.0}])
    e = economics(plan)
    assert e.operating_cost.tolist() == [100, 300, 300]
    assert e.revenue.tolist() == [0, 500, 500] and e.break_even_month == 2
    assert e.build_spend.tolist() == [1000, 1000, 0]  # M1's 2,000 over its two months
    insert_rows(plan, "payment_fees", 0, [{"name": "Stripe", "percent": "2.9%", "fixed": "0.30",
                                           "scope": "all revenue"}]).apply(plan)
    assert economics(plan).fees.tolist() == pytest.approx([0, 0.029 * 500 + 0.6, 0.029 * 500 + 0.6])
