"""The operating-cost model: tables, validation, the vectorized engine, breakpoints, LLM usage
and the audit of stated usage figures. No Qt."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from vivim_planner.commands import delete_rows, insert_rows, set_cell
from vivim_planner.domain import CellError, Plan
from vivim_planner.domain.units import conversion
from vivim_planner.engine import audit
from vivim_planner.engine.usage import UsageModel
from vivim_planner.storage import PlanDocument

SAMPLES = __import__("pathlib").Path(__file__).resolve().parents[1] / "sample_models"


def _sample(name: str) -> Plan:
    doc = PlanDocument.open(SAMPLES / f"{name}.vivim", readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


@pytest.fixture
def kalei() -> Plan:
    return _sample("kalei")


@pytest.fixture
def vercel_sample() -> Plan:
    return _sample("vercel_per_user")


@pytest.fixture
def infra_sample() -> Plan:
    return _sample("infra_stages")


def vercel_plan() -> Plan:
    """Seed 004's Vercel Pro model: 862 calls, 15 s CPU, 470 KB per user a month."""
    plan = Plan()
    plan.tables["usage_drivers"].extend([
        {"id": 1, "name": "Invocations", "per_user": 862.0, "unit": "calls"},
        {"id": 2, "name": "Active CPU", "per_user": 15.0, "unit": "seconds"},
        {"id": 3, "name": "Bandwidth", "per_user": 470.0, "unit": "KB"},
    ])
    plan.tables["service_plans"].extend([{"id": 1, "name": "Vercel Pro", "service": "Vercel", "base_fee": 20.0}])
    plan.tables["meters"].extend([
        {"id": 1, "plan": 1, "driver": 1, "unit": "invocations", "included": 1e6, "unit_price": 0.6, "per": 1e6},
        {"id": 2, "plan": 1, "driver": 2, "unit": "hours", "included": 4.0, "unit_price": 0.128, "per": 1.0},
        {"id": 3, "plan": 1, "driver": 3, "unit": "GB", "included": 100.0, "unit_price": 0.15, "per": 1.0},
    ])
    return plan


def seed_004_formula(users: float) -> float:
    """Step 5's 'Vercel Pro Pricing Formula', written out independently of the engine."""
    invocations = users * 862
    cpu_hours = users * 15 / 3600
    gb = users * 470 * 1000 / 1e9
    return (20 + max(0.0, (invocations - 1e6) * 0.60 / 1e6) + max(0.0, (cpu_hours - 4) * 0.128)
            + max(0.0, (gb - 100) * 0.15))


# -- engine: usage-priced services -------------------------------------------------------------

def test_vercel_curve_gives_the_seed_figures_to_the_cent():
    c = UsageModel(vercel_plan()).evaluate([1_000, 10_000, 100_000])
    assert [round(x, 2) for x in c.total] == [20.02, 29.39, 123.94]
    assert np.allclose(c.cost_per_user, c.total / np.array([1e3, 1e4, 1e5]))
    assert list(c.components) == ["Vercel"] and np.array_equal(c.low, c.high)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1e8, allow_nan=False))
def test_any_user_count_is_priced_by_the_same_rules(users):
    got = UsageModel(vercel_plan()).evaluate([users]).total[0]
    assert got == pytest.approx(seed_004_formula(users), rel=1e-12, abs=1e-9)


def test_units_convert_seconds_to_hours_and_decimal_kb_to_gb():
    assert conversion("seconds", "hours") == pytest.approx(1 / 3600)
    assert conversion("KB", "GB") == pytest.approx(1e-6)
    assert conversion("GiB", "GB") == pytest.approx(1.073741824)
    with pytest.raises(Exception, match="hours cannot measure an amount in KB"):
        conversion("KB", "hours")


def test_a_package_rounds_the_overage_up_to_whole_packages():
    plan = vercel_plan()
    plan.tables["meters"].set(0, "package", 1e6)  # invocations billed per started million
    c = UsageModel(plan).evaluate([10_000])  # 7.62M over -> 8M billed
    assert c.total[0] == pytest.approx(20 + 8 * 0.6 + (41.6667 - 4) * 0.128, rel=1e-4)


def free_and_pro_plan() -> Plan:
    """A Supabase-like service: Free up to 50,000 MAU (hard cap), Pro $25 with 100,000 MAU then $0.00325."""
    plan = Plan()
    plan.tables["usage_drivers"].extend([{"id": 1, "name": "MAU", "per_user": 1.0, "unit": "users"}])
    plan.tables["service_plans"].extend([
        {"id": 1, "name": "Supabase Free", "service": "Supabase", "base_fee": 0.0},
        {"id": 2, "name": "Supabase Pro", "service": "Supabase", "base_fee": 25.0},
    ])
    plan.tables["meters"].extend([
        {"id": 1, "plan": 1, "driver": 1, "unit": "MAU", "included": 50_000.0},  # no price: a hard limit
        {"id": 2, "plan": 2, "driver": 1, "unit": "MAU", "included": 100_000.0, "unit_price": 0.00325, "per": 1.0},
    ])
    return plan


def test_a_free_plan_steps_up_to_the_paid_plan_at_its_limit():
    model = UsageModel(free_and_pro_plan())
    c = model.evaluate([10_000, 50_000, 50_001, 200_000])
    assert list(c.total) == pytest.approx([0, 0, 25, 25 + 100_000 * 0.00325])
    assert c.plans["Supabase"] == ["Supabase Free", "Supabase Free", "Supabase Pro", "Supabase Pro"]
    kinds = [(b.kind, round(b.users)) for b in model.breakpoints(100, 1e6)]
    assert kinds == [("step-up", 50_000), ("overage", 100_000)]
    assert "Supabase Free → Supabase Pro" in model.breakpoints(100, 1e6)[0].label


def test_past_every_limit_the_dearest_plan_is_billed_and_flagged():
    plan = free_and_pro_plan()
    plan.tables["meters"].set(1, "unit_price", math.nan)  # Pro capped too
    c = UsageModel(plan).evaluate([10, 500_000])
    assert list(c.over_capacity["Supabase"]) == [False, True]
    assert c.plans["Supabase"][1] == "Supabase Pro"


def test_breakpoints_are_where_each_included_quota_runs_out():
    points = UsageModel(vercel_plan()).breakpoints(100, 1e6)
    assert [round(b.users, 2) for b in points] == [960.0, 1160.09, 212765.96]
    assert points[0].label == "Vercel Pro: 4 hours of Active CPU included, used up at 960 users"


def test_marginal_cost_of_the_next_thousand_users():
    m = UsageModel(vercel_plan()).marginal_cost([10_000])
    assert m[0] == pytest.approx(862_000 * 0.6 / 1e6 + 1000 * 15 / 3600 * 0.128)


# -- engine: infrastructure tiers ---------------------------------------------------------------

def tier_plan() -> Plan:
    plan = Plan()
    plan.tables["infra_tiers"].extend([
        {"id": 1, "name": "Stage 1", "users_from": 1.0, "users_to": 1000.0},
        {"id": 2, "name": "Stage 2", "users_from": 1000.0, "users_to": 10000.0},
        {"id": 3, "name": "Comparison"},  # no users_from: reference only
    ])
    plan.tables["infra_components"].extend([
        {"id": 1, "tier": 1, "component": "VPS", "option": "A", "low": 40.0, "high": 80.0},
        {"id": 2, "tier": 1, "component": "K8s", "option": "B", "low": 72.0, "high": 72.0},
        {"id": 3, "tier": 2, "component": "Cluster", "low": 200.0, "high": 400.0},
        {"id": 4, "tier": 2, "component": "LB", "low": 20.0},
        {"id": 5, "tier": 3, "component": "AWS K8s", "option": "AWS", "low": 220.0},
    ])
    return plan


def test_tiers_give_bands_and_options_span_cheapest_to_dearest():
    c = UsageModel(tier_plan()).evaluate([0, 500, 1000, 1e6])
    assert list(c.low) == [0, 40, 220, 220] and list(c.high) == [0, 80, 420, 420]
    assert c.tiers == ["", "Stage 1", "Stage 2", "Stage 2"]
    assert c.at(1) == {"A or B": 60.0}
    assert c.at(2) == {"Cluster": 300.0, "LB": 20.0}


# -- engine: LLM usage (seed 003) ---------------------------------------------------------------

def test_kalei_ai_cost_per_user_is_computed_from_tokens(kalei):
    segments = {s.name: s for s in UsageModel(kalei).segments}
    free, prism = segments["Free user"], segments["Prism subscriber"]
    assert (free.input_tokens, free.output_tokens) == (47_440, 51_900)
    assert round(free.cost, 2) == 0.31 and free.cost == pytest.approx((47_440 * 1 + 51_900 * 5) / 1e6)
    assert round(prism.list_cost, 2) == 0.66 and round(prism.cost, 2) == 0.63
    spectrum = (8_000 * 1 + 12_000 * 5) / 1e6
    assert prism.list_cost - prism.cost == pytest.approx(spectrum * 0.5)


def test_editing_a_token_count_moves_the_segment_cost(kalei):
    acts = kalei.tables["llm_activities"]
    pos = list(acts.column("name")).index("Kaleidoscope turn")
    cmd = set_cell(kalei, "llm_activities", int(acts.ids[pos]), "output_tokens", "900")
    before = UsageModel(kalei).segments[0].cost
    cmd.apply(kalei)
    assert UsageModel(kalei).segments[0].cost == pytest.approx(before + 90 * 450 * 5 / 1e6)
    cmd.revert(kalei)
    assert UsageModel(kalei).segments[0].cost == before


# -- validation ------------------------------------------------------------------------------------

def test_bad_input_is_refused_with_the_cell_named():
    plan = vercel_plan()
    with pytest.raises(CellError, match=r'^Meters!E2: Unit price must be between 0 and 1,000,000,000, got -1$'):
        set_cell(plan, "meters", 1, "unit_price", "-1")
    with pytest.raises(CellError, match=r'^Meters!D3: Included must be between 0 .* got "lots"$'):
        set_cell(plan, "meters", 2, "included", "lots")
    with pytest.raises(CellError, match=r'^Meters!C2: GB cannot measure an amount in calls'):
        set_cell(plan, "meters", 1, "unit", "GB")
    with pytest.raises(CellError, match=r'^Meters!C2: Billing unit must be one of'):
        set_cell(plan, "meters", 1, "unit", "parsecs")
    tiers = tier_plan()
    with pytest.raises(CellError, match=r"^Infra tiers!C2: Users to 0 is below users from 1$"):
        set_cell(tiers, "infra_tiers", 1, "users_to", "0")
    with pytest.raises(CellError, match=r"^Infra components!E4: High 100 is below low 200$"):
        set_cell(tiers, "infra_components", 3, "high", "100")


def test_a_driver_unit_that_no_longer_fits_its_meters_is_refused():
    plan = vercel_plan()
    with pytest.raises(CellError, match=r"^Usage drivers!C3: Unit KB does not fit meter row 3"):
        set_cell(plan, "usage_drivers", 2, "unit", "KB")
    set_cell(plan, "usage_drivers", 2, "unit", "ms").apply(plan)  # same dimension: fine
    assert UsageModel(plan).evaluate([10_000]).total[0] < 29.39


def test_a_driver_used_by_meters_cannot_be_deleted():
    with pytest.raises(CellError, match=r'^Usage drivers!A2: usage driver "Invocations" is used by 1 meter'):
        delete_rows(vercel_plan(), "usage_drivers", [1])


def test_a_new_meter_takes_its_driver_unit():
    plan = vercel_plan()
    cmd = insert_rows(plan, "meters", 3, [{"driver": 2}])
    cmd.apply(plan)
    assert plan.tables["meters"].get(3, "unit") == "seconds"


# -- the audit of stated usage figures -----------------------------------------------------------

def test_the_audit_catches_where_seed_004_disagrees_with_itself(vercel_sample):
    findings = {f.where: f for f in audit(vercel_sample)}
    f = findings["Step 6, 20,000 users: Total"]
    assert (f.stated, round(f.computed, 2)) == (39.89, 39.9)
    assert "Step 6, 100,000 users: Bandwidth" in findings  # 47 GB, printed 46
    assert "Step 1: TOTAL PER USER calls/month" in findings  # activities add to 852, the seed uses 862
    assert "Step 6, 10,000 users: Total" not in findings and "Step 6, 100,000 users: Total" not in findings


def test_the_audit_catches_seed_002_totals_that_do_not_add_up(infra_sample):
    findings = {f.where: f for f in audit(infra_sample)}
    f = findings["Stage 3 Multi-Region Setup: Total (low)"]
    assert (f.stated, f.computed) == (2_350, 2_550)
    assert "Stage 2 Typical Setup: Total (high)" not in findings  # 895 adds up
    assert "Stage 2 headline: Monthly Cost (high)" in findings  # "$300-800" vs 895


def test_the_kalei_token_figures_agree_and_the_phase_totals_do_not(kalei):
    wheres = {f.where for f in audit(kalei)}
    assert not any("tokens" in w or "Cost with Haiku" in w or "Batch" in w for w in wheres)
    assert "Phase 3 Total ~EUR 425/month (1,000 DAU)" in wheres


# -- the vectorized engine against a plain reference ---------------------------------------------

def reference_total(plan: Plan, users: float) -> float:
    """The rules of engine.usage written as plain loops: per plan base + ceil-to-package overage,
    hard limits; per service the cheapest plan that fits, else the dearest plan."""
    sp, meters, drivers = plan.tables["service_plans"], plan.tables["meters"], plan.tables["usage_drivers"]
    by_service: dict[str, list[tuple[float, bool, float]]] = {}
    for p in range(len(sp)):
        cost, fits = float(sp.get(p, "base_fee")), True
        for m in range(len(meters)):
            if meters.get(m, "plan") != sp.ids[p]:
                continue
            d = list(drivers.ids).index(meters.get(m, "driver"))
            usage = float(drivers.get(d, "per_user")) * conversion(drivers.get(d, "unit"), meters.get(m, "unit")) * users
            included, price = float(meters.get(m, "included")), float(meters.get(m, "unit_price"))
            per, package = float(meters.get(m, "per")), float(meters.get(m, "package"))
            if math.isnan(price):
                fits &= usage <= included * (1 + 1e-9)
                continue
            over = max(0.0, usage - included)
            if package > 0:
                over = max(0.0, math.ceil(over / package - 1e-9)) * package
            cost += over * price / per
        by_service.setdefault(sp.get(p, "service"), []).append((cost, fits, float(sp.get(p, "base_fee"))))
    total = 0.0
    for options in by_service.values():
        fitting = [c for c, ok, _ in options if ok]
        total += min(fitting) if fitting else max(options, key=lambda o: o[2])[0]
    return total


@st.composite
def service_plans(draw) -> Plan:
    plan = Plan()
    units = [("calls", "requests"), ("seconds", "hours"), ("KB", "GB")]
    plan.tables["usage_drivers"].extend([{"id": i + 1, "name": f"D{i}", "unit": units[i][0],
                                          "per_user": draw(st.floats(0.01, 5000))} for i in range(3)])
    plans, meters = [], []
    for s in range(draw(st.integers(1, 3))):
        for k in range(draw(st.integers(1, 3))):
            plans.append({"id": len(plans) + 1, "name": f"S{s}P{k}", "service": f"S{s}",
                          "base_fee": draw(st.sampled_from([0.0, 5.0, 20.0, 99.0]))})
            for d in draw(st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True)):
                capped = draw(st.booleans()) and k == 0
                meters.append({"id": len(meters) + 1, "plan": len(plans), "driver": d + 1, "unit": units[d][1],
                               "included": draw(st.floats(0, 1e6)),
                               "unit_price": math.nan if capped else draw(st.floats(0.001, 3)),
                               "per": draw(st.sampled_from([1.0, 1000.0])),
                               "package": draw(st.sampled_from([math.nan, 0.5, 10.0, 1000.0]))})
    plan.tables["service_plans"].extend(plans)
    plan.tables["meters"].extend(meters)
    return plan


@settings(max_examples=150, deadline=None)
@given(service_plans(), st.lists(st.floats(0, 2e6), min_size=1, max_size=6), st.sampled_from([0, 64, 5000]))
def test_the_vectorized_engine_matches_plain_loops(monkeypatch_steps, plan, users, max_steps):
    import vivim_planner.engine.usage as usage

    monkeypatch_steps.setattr(usage, "_MAX_STEPS", max_steps)  # per point, mixed, mostly stepped
    got = UsageModel(plan).evaluate(users).total
    want = [reference_total(plan, u) for u in users]
    assert list(got) == pytest.approx(want, rel=1e-9, abs=1e-6)


@pytest.fixture(scope="module")
def monkeypatch_steps():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()
