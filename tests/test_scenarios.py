"""Scenarios (engine and CLI, no Qt): the Kalei sample's prices, phases and break-even from seed
003, overrides of any input, named scenarios in summary / compare, and refusals naming the cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vivim_planner.cli import main
from vivim_planner.commands import insert_rows, set_cell
from vivim_planner.domain import CellError
from vivim_planner.engine import summary
from vivim_planner.engine.economics import economics
from vivim_planner.engine.scenarios import ScenarioError, resolve_scenario, scenario_names
from vivim_planner.storage import PlanDocument

REPO = Path(__file__).resolve().parents[1]
KALEI = REPO / "sample_models" / "kalei.vivim"
VIVIM = REPO / "sample_models" / "vivim.vivim"


def _load(path: Path):
    doc = PlanDocument.open(path, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


@pytest.fixture()
def kalei():
    return _load(KALEI)


# -- seed 003 "must show" -------------------------------------------------------------------------

def test_kalei_prism_at_4_99_has_an_87_percent_margin_from_its_token_cost(kalei):
    prism = economics(kalei).tier("Prism")
    assert prism.price == 4.99
    assert prism.cost_source == "segment Prism subscriber"  # from tokens x Haiku 4.5 prices, not typed in
    assert round(prism.cost_per_user, 2) == 0.63
    assert round(prism.margin * 100) == 87


def test_kalei_fixed_costs_are_covered_by_4_prism_subscribers(kalei):
    e = economics(kalei)
    assert e.fixed_monthly_cost == pytest.approx(8.45 + 5.00)  # VPS 1000 G12 + domain: the launch tier
    assert e.break_even_subscribers == 4


def test_kalei_phase_1_at_the_old_price_has_a_65_percent_margin(kalei):
    r = resolve_scenario(kalei, "Old price $7.99")
    assert r.plan is not kalei and len(r.overrides) == 5
    e = economics(r.plan, r.band)
    assert e.tier("Prism").price == 7.99
    phase1 = e.step("Phase 1: Launch")
    assert (phase1.paying, phase1.revenue, phase1.cost) == (10, pytest.approx(79.90), 28)
    assert round(phase1.margin * 100) == 65  # seed 003 section 5: "+$52 (65%)"
    # the plan itself is untouched by the scenario
    assert economics(kalei).tier("Prism").price == 4.99
    assert economics(kalei).step("Phase 1: Launch").paying == 15


def test_kalei_startup_budget_and_runway(kalei):
    e = economics(kalei)
    assert e.starting_capital == 2000
    assert e.startup_costs.sum() == pytest.approx(99 + 25 + 55 + 51 + 100 + 25 + 120)  # "~EUR 450-500"
    assert e.runway_months is None  # profitable from launch: the cash never runs out
    assert 12 <= e.runway_without_revenue <= 14  # seed: "roughly 12-14 months of runway" with no customer


# -- scenarios ------------------------------------------------------------------------------------

def test_builtin_scenarios_always_exist_and_named_ones_follow(kalei):
    assert scenario_names(kalei)[:4] == ["low", "mid", "high", "bottom-up"]
    assert "Old price $7.99" in scenario_names(kalei)
    with pytest.raises(ScenarioError, match='no scenario "nope"'):
        resolve_scenario(kalei, "nope")


def test_a_scenario_based_on_another_inherits_its_overrides_and_wins(kalei):
    base = kalei.find_ref("scenarios", "Old price $7.99")
    insert_rows(kalei, "scenarios", 3, [{"name": "Old price, high build", "based_on": "Old price $7.99",
                                         "band": "high"}]).apply(kalei)
    new = kalei.find_ref("scenarios", "Old price, high build")
    assert base and new
    insert_rows(kalei, "scenario_overrides", len(kalei.tables["scenario_overrides"]),
                [{"scenario": new, "sheet": "Pricing", "row": "Prism", "field": "Monthly price", "value": "6.99"}]).apply(kalei)
    r = resolve_scenario(kalei, "old price, HIGH build")
    e = economics(r.plan, r.band)
    assert r.band == "high"
    assert e.tier("Prism").price == 6.99  # its own override wins
    assert e.step("Phase 1: Launch").paying == 10  # inherited


def test_summary_of_a_scenario_changes_every_figure_it_touches(kalei):
    mid, old = summary(kalei, "mid"), summary(kalei, "Old price $7.99")
    assert old["scenario"] == "Old price $7.99" and old["build_band"] == "mid"
    tiers = {t["name"]: t for t in old["unit_economics"]["tiers"]}
    assert tiers["Prism"]["price"] == 7.99
    assert old["unit_economics"]["break_even_subscribers"] == 2
    assert mid["unit_economics"]["break_even_subscribers"] == 4


def test_vivim_build_scenarios_change_the_totals():
    plan = _load(VIVIM)
    assert summary(plan, "high")["total_build_cost"] == 3_544_300
    assert economics(resolve_scenario(plan, "high").plan, "high").total_build_cost == 3_544_300


# -- refusals ----------------------------------------------------------------------------------------

def test_two_scenarios_with_one_name_are_refused(kalei):
    with pytest.raises(CellError) as err:
        insert_rows(kalei, "scenarios", 3, [{"name": "old price $7.99"}])
    assert str(err.value) == 'Scenarios!A5: Scenario "old price $7.99" is already used by row 2'
    assert len(kalei.tables["scenarios"]) == 3


def test_a_scenario_cannot_be_based_on_itself(kalei):
    rid = kalei.find_ref("scenarios", "Typical usage")
    with pytest.raises(CellError) as err:
        set_cell(kalei, "scenarios", rid, "based_on", "Typical usage")
    assert str(err.value).startswith('Scenarios!B3: Scenario "Typical usage" cannot be based on itself')


@pytest.mark.parametrize("field, raw, message", [
    ("sheet", "Nowhere", 'Overrides!B2: Sheet "Nowhere" is not a sheet a scenario can change'),
    ("row", "Prism++", 'Overrides!C2: Row "Prism++" is not a tier of Pricing'),
    ("field", "Colour", 'Overrides!D2: Column "Colour" is not a column of Pricing'),
    ("value", "-1", "Overrides!E2: Monthly price must be between 0 and 1,000,000,000, got -1"),
])
def test_an_override_must_name_a_real_cell_and_hold_a_value_it_accepts(kalei, field, raw, message):
    ov = kalei.tables["scenario_overrides"]
    rid = int(ov.ids[0])
    before = ov.get(0, field)
    with pytest.raises(CellError) as err:
        set_cell(kalei, "scenario_overrides", rid, field, raw)
    assert str(err.value).startswith(message)
    assert ov.get(0, field) == before


# -- CLI --------------------------------------------------------------------------------------------

def test_cli_summary_json_has_unit_economics(capsys):
    assert main(["summary", str(KALEI), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ue = data["unit_economics"]
    prism = next(t for t in ue["tiers"] if t["name"] == "Prism")
    assert set(prism) >= {"name", "price", "cost_per_user", "margin"}
    assert round(prism["margin"], 2) == 0.87 and ue["break_even_subscribers"] == 4
    assert "runway_months" in ue


def test_cli_scenario_flag_names_a_plan_scenario(capsys):
    assert main(["summary", str(KALEI), "--json", "--scenario", "Old price $7.99"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "Old price $7.99"
    assert main(["summary", str(KALEI), "--scenario", "nope"]) == 2
    assert 'no scenario "nope"' in capsys.readouterr().err


def test_cli_compare_prints_scenarios_side_by_side_with_variances(capsys):
    assert main(["compare", str(VIVIM)]) == 0
    out = capsys.readouterr().out
    assert "low" in out and "high" in out and "2,019,805" in out and "+1,524,495 (+75%)" in out
    assert main(["compare", str(KALEI), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    old = next(s for s in data["scenarios"] if s["scenario"] == "Old price $7.99")
    assert old["variance"]["break_even_subscribers"] == -2
    assert old["figures"]["margin:Prism"] == pytest.approx((7.99 - 0.62568) / 7.99, abs=1e-4)
    # an unknown base is refused with the plan's scenarios, never quietly replaced by the first
    assert main(["compare", str(KALEI), "--base", "nope"]) == 2
    assert 'no scenario "nope"' in capsys.readouterr().err


def test_every_other_report_takes_scenario_too(tmp_path, capsys):
    plan = _load(KALEI)
    insert_rows(plan, "scenarios", 3, [{"name": "Heavy users"}]).apply(plan)
    sid = plan.find_ref("scenarios", "Heavy users")
    insert_rows(plan, "scenario_overrides", len(plan.tables["scenario_overrides"]), [
        {"scenario": sid, "sheet": "Segments", "row": "Prism subscriber", "field": "Share of users", "value": "50%"},
    ]).apply(plan)
    path = tmp_path / "k.vivim"
    PlanDocument.create(path, plan).close()
    assert main(["curve", str(path), "--users", "1000", "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert main(["curve", str(path), "--users", "1000", "--json", "--scenario", "Heavy users"]) == 0
    heavy = json.loads(capsys.readouterr().out)
    assert heavy != base  # more Prism subscribers cost more LLM tokens
    assert main(["export", str(path), str(tmp_path / "x.xlsx"), "--scenario", "nope"]) == 2
    assert 'no scenario "nope"' in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_summary_table_ends_with_the_unit_economics(capsys):
    assert main(["summary", str(KALEI)]) == 0
    out = capsys.readouterr().out
    assert "  Prism: 4.99/month, cost per user 0.6257, gross margin 87.5%" in out
    assert "  Break-even: 4 paying subscribers cover 13.45 of fixed monthly cost" in out
    assert main(["summary", str(VIVIM)]) == 0
    assert "Dividend pool (70% users / 30% platform): 79,425, of which users 55,598" in capsys.readouterr().out
