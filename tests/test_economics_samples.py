"""The economics of the sample plans against their seeds: seed 001's EUR cost model (22-month total
EUR 1,894,685), VIVIM's M9/M10 revenue and 70/30 dividend policy (seeds 000/001); each committed
file is what its script builds."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from vivim_planner.engine import audit, summary
from vivim_planner.engine.economics import economics
from vivim_planner.storage import PlanDocument

SAMPLES = Path(__file__).resolve().parents[1] / "sample_models"


def _load(path: Path):
    doc = PlanDocument.open(path, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def _rows(plan, name):
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in plan.tables[name].rows()]


@pytest.mark.parametrize("script, sample", [("vivim_eur.py", "vivim_eur.vivim"), ("kalei.py", "kalei.vivim")])
def test_committed_sample_is_what_its_script_builds(tmp_path, script, sample):
    out = tmp_path / sample
    run = subprocess.run([sys.executable, str(SAMPLES / script), str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    fresh, committed = _load(out), _load(SAMPLES / sample)
    assert fresh.settings == committed.settings
    for name in committed.tables:
        assert _rows(fresh, name) == _rows(committed, name), f"{name} differs: run sample_models/{script}"


def test_eur_plan_totals_the_seed_22_month_cost():
    plan = _load(SAMPLES / "vivim_eur.vivim")
    s = summary(plan)
    assert s["currency"] == "EUR"
    assert s["total_build_cost"] == 1_894_685  # "Total 22-Month Cost: EUR 1,894,685 (mid estimate)"
    assert [m["build_cost"] for m in s["milestones"]] == [90_600, 74_555, 121_830, 188_300, 232_000, 192_200,
                                                          314_000, 356_000, 158_800, 166_400]
    assert s["milestones"][-1]["end_month"] == 22
    assert audit(plan) == []  # every printed total and cost per user is recomputed
    e = economics(plan)
    assert len(e.months) == 22 and e.build_spend.sum() == pytest.approx(1_894_685)


def test_vivim_pays_70_percent_of_m10_profit_to_users():
    plan = _load(SAMPLES / "vivim.vivim")
    e = economics(plan)
    assert e.dividend_policy == "70% users / 30% platform"
    # M10 runs months 20-22 with $45,000 revenue and $18,525 operating cost a month (seed 000)
    assert e.dividend_pool[19:22] == pytest.approx([26_475] * 3)
    assert e.dividend_pool[:19].sum() == 0  # M9's profit comes before the first dividend
    assert e.dividend_users.sum() == pytest.approx(0.7 * 3 * 26_475)
    assert e.break_even_month == 17  # M9's revenue covers its operations from its first month
    assert e.stream_revenue[16] == 45_000


def test_without_a_growth_plan_the_milestones_are_the_steps():
    e = economics(_load(SAMPLES / "vivim.vivim"))
    assert [s.name.split()[0] for s in e.steps] == [f"M{i}" for i in range(1, 11)]
    m9 = e.steps[8]
    # seed 000 M9: $45,000 revenue offset against $14,025 of monthly ops: "Net Platform Cost ($30,975)"
    assert (m9.month, m9.revenue, m9.cost, m9.profit) == (17, 45_000, 14_025, 30_975)
    assert m9.margin == pytest.approx(30_975 / 45_000)
    assert math.isnan(e.steps[0].margin)  # M1 earns nothing


def test_kalei_stated_economics_are_reproduced_but_for_the_seeds_own_rounding():
    from vivim_planner.engine.economics_audit import economics_findings

    plan = _load(SAMPLES / "kalei.vivim")
    assert len(plan.tables["economics_figures"]) == 22
    findings = economics_findings(plan)
    # "$74.85 ... +$47 (62%)": 46.85 / 74.85 = 62.6%; "$299.40 ... +$200": 299.40 - 100 = 199.40
    assert [(f.cell, f.stated, round(f.computed, 4)) for f in findings] == [
        ("Stated economics!D15", 0.62, 0.6259), ("Stated economics!D17", 200, 199.4)]
    assert findings[0].message == ("Stated as 62%, but the plan gives 62.6% for the margin of Phase 1: Launch")


def test_a_stated_figure_of_a_missing_scenario_is_a_finding():
    from vivim_planner.commands import insert_rows
    from vivim_planner.engine.economics_audit import economics_findings

    plan = _load(SAMPLES / "kalei.vivim")
    insert_rows(plan, "economics_figures", 0, [{"metric": "margin", "subject": "Prism", "scenario": "Gone",
                                                "value": "87%", "decimals": 2}]).apply(plan)
    f = economics_findings(plan)[0]
    assert f.cell == "Stated economics!D2" and 'no scenario "Gone"' in f.message
