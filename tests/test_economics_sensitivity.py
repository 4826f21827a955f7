"""Tornado (engine, no Qt; the chart export with Qt offscreen): inputs swung between their own
range or +-20%, ranked by the spread of total cost or break-even."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plan_helpers import snapshot
from vivim_planner.cli import main
from vivim_planner.engine.sensitivity import tornado
from vivim_planner.storage import PlanDocument

SAMPLES = Path(__file__).resolve().parents[1] / "sample_models"


def _load(name: str):
    doc = PlanDocument.open(SAMPLES / name, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


@pytest.fixture(scope="module")
def vivim_tornado():
    return tornado(_load("vivim.vivim"))


def test_vivim_total_cost_is_moved_most_by_the_biggest_personnel_estimates(vivim_tornado):
    t = vivim_tornado
    assert t.base_cost == pytest.approx(2_019_805 + 152_336)  # build (mid) + 22 months of operations
    top = t.swings[0]
    # M7 Personnel: mid $280,000 swung across its stated $200,000 - $450,000 (seed 000, M7 summary)
    assert top.label == "Estimates · M7 Personnel · Mid"
    assert (top.base, top.low, top.high, top.source) == (280_000, 200_000, 450_000, "range")
    assert (top.cost_low, top.cost_high) == (pytest.approx(t.base_cost - 80_000), pytest.approx(t.base_cost + 170_000))
    spreads = [s.cost_spread for s in t.swings]
    assert spreads == sorted(spreads, reverse=True)
    assert all(s.cost_spread > 0 for s in t.swings)  # inputs that change nothing are left out


def test_inputs_without_a_range_swing_20_percent(vivim_tornado):
    ops = next(s for s in vivim_tornado.swings if s.table == "operating_costs")
    assert ops.source == "±20%"
    assert (ops.low, ops.high) == (pytest.approx(ops.base * 0.8), pytest.approx(ops.base * 1.2))


def test_the_plan_is_not_changed_by_swinging_it():
    plan = _load("kalei.vivim")
    before = snapshot(plan)
    tornado(plan)
    assert snapshot(plan) == before


def test_kalei_break_even_is_moved_by_fixed_costs_and_price():
    t = tornado(_load("kalei.vivim"), by="break-even")
    labels = [s.label for s in t.swings]
    assert "Pricing · Prism · Monthly price" in labels
    price = t.swings[labels.index("Pricing · Prism · Monthly price")]
    assert (price.be_subs_low, price.be_subs_high) == (4, 3)  # 13.45 / (3.99 - 0.63) -> 4; at 5.99 -> 3


def test_a_scenario_is_swung_as_its_overrides_leave_the_plan():
    t = tornado(_load("kalei.vivim"), "Old price $7.99", by="break-even")
    assert t.scenario == "Old price $7.99" and t.base_break_even_subscribers == 2


def test_cli_tornado_json_and_chart_export(tmp_path, capsys):
    assert main(["tornado", str(SAMPLES / "vivim.vivim"), "--json", "--top", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["input"] for s in data["swings"]][:2] == ["Estimates · M7 Personnel · Mid", "Estimates · M8 Personnel · Mid"]
    png, svg = tmp_path / "t.png", tmp_path / "t.svg"
    assert main(["tornado", str(SAMPLES / "vivim.vivim"), str(png)]) == 0
    assert main(["tornado", str(SAMPLES / "vivim.vivim"), str(svg)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert text.startswith("<svg") and "Estimates · M7 Personnel · Mid" in text and "input at its high" in text


def test_a_break_even_tornado_is_drawn_in_break_even_units(tmp_path, capsys):
    svg = tmp_path / "be.svg"
    assert main(["tornado", str(SAMPLES / "kalei.vivim"), str(svg), "--by", "break-even"]) == 0
    text = svg.read_text()
    assert "What moves break-even most" in text and "Paying subscribers to break even" in text
    assert "Total cost of the plan" not in text
