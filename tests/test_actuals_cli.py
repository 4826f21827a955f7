"""``vivim-planner actuals`` and ``import-actuals``: the figures are the engine's, a bad bank
file changes nothing in the plan file and is reported row by row, a good one lands in one go."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from vivim_planner.cli import main
from vivim_planner.engine.actuals import plan_vs_actual
from vivim_planner.engine.timeline import timeline
from vivim_planner.storage import PlanDocument

from test_actuals_import import _fixed

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_models" / "vivim_actuals.vivim"
FIX = ROOT / "tests" / "fixtures"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_actuals_json_is_the_engine_s_plan_vs_actual(capsys):
    assert main(["actuals", str(SAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    doc = PlanDocument.open(SAMPLE, readonly=True)
    pva = plan_vs_actual(doc.plan, timeline(doc.plan))
    doc.close()
    td = pva.to_date()
    assert data["closed_months"] == [1, 2, 3]
    for c in data["categories"]:
        i = pva.categories.index(c["category"])
        assert (c["planned"], c["actual"], c["variance"]) == (td["planned"][i], td["actual"][i], td["variance"][i])
        assert c["variance"] == pytest.approx(c["actual"] - c["planned"], abs=1e-9)
    for m in data["months"]:
        for name, v in m["categories"].items():
            assert v["variance"] == pytest.approx(v["actual"] - v["planned"], abs=1e-9)
    assert data["runway"] == {"plan": pva.plan_runway, "reforecast": pva.runway,
                              "change": pva.runway - pva.plan_runway}
    assert data["amendments"][0]["why"].startswith("Counsel's quotes") and data["amendments"][0]["new"] == 4000
    assert main(["actuals", str(SAMPLE)]) == 0
    text = capsys.readouterr().out
    assert "Personnel" in text and "re-forecast 11.88 months" in text and "Budget amendments:" in text


def test_import_actuals_refuses_the_1000_row_file_and_leaves_the_plan_file_as_it_was(tmp_path, capsys):
    plan = tmp_path / "p.vivim"
    shutil.copy(SAMPLE, plan)
    before = _digest(plan)
    code = main(["import-actuals", str(plan), str(FIX / "bank_1000.csv"), "--map", str(FIX / "bank_map.csv")])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0].endswith("bank_1000.csv: 6 problems; nothing was imported")
    assert [line.split(":")[0] for line in err[1:7]] == [f"bank_1000.csv row {n}" for n in (101, 250, 402, 612, 777, 900)]
    assert err[7].startswith("note: bank_1000.csv row 333: refund of 120.00 USD")
    assert _digest(plan) == before


def test_import_actuals_of_the_fixed_file_then_actuals_counts_it(tmp_path, capsys):
    plan = tmp_path / "p.vivim"
    shutil.copy(SAMPLE, plan)
    fixed = _fixed(tmp_path)
    assert main(["import-actuals", str(plan), str(fixed), "--map", str(FIX / "bank_map.csv"), "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("Checked (--dry-run, nothing written): 999 transactions imported")
    assert main(["import-actuals", str(plan), str(fixed), "--map", str(FIX / "bank_map.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("999 transactions imported into Jan 2026, Feb 2026, Mar 2026")
    doc = PlanDocument.open(plan, readonly=True)
    assert len(doc.plan.tables["actuals"]) == 32 + 999
    doc.close()
    assert main(["actuals", str(plan), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["closed_months"] == [1, 2, 3] and data["overspend"] > 0
