"""The operating-cost samples (seeds 002, 003, 004), the `curve` command, and the upgrade of
schema-1 files to the tables the operating-cost model added."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vivim_planner.engine import summary
from vivim_planner.storage import PlanFileError, SCHEMA_VERSION, PlanDocument
from plan_helpers import snapshot

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_models"
SCRIPTS = ["vercel_per_user", "infra_stages", "kalei"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vivim_planner", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_committed_sample_is_what_its_script_builds(tmp_path, name):
    out = tmp_path / f"{name}.vivim"
    run = subprocess.run([sys.executable, str(SAMPLES / f"{name}.py"), str(out)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    fresh, committed = (PlanDocument.open(p, readonly=True) for p in (out, SAMPLES / f"{name}.vivim"))
    try:
        assert snapshot(fresh.plan) == snapshot(committed.plan), f"run sample_models/{name}.py"
    finally:
        fresh.close()
        committed.close()


def test_curve_json_gives_seed_004s_figures_to_the_cent():
    r = run_cli("curve", str(SAMPLES / "vercel_per_user.vivim"), "--users", "1000,10000,100000", "--json")
    assert r.returncode == 0, r.stderr
    points = json.loads(r.stdout)
    assert [p["users"] for p in points] == [1000, 10000, 100000]
    assert [round(p["monthly_cost"], 2) for p in points] == [20.02, 29.39, 123.94]
    assert set(points[0]) == {"users", "monthly_cost", "cost_per_user", "low", "high", "components"}
    assert points[1]["cost_per_user"] == pytest.approx(points[1]["monthly_cost"] / 10000)
    assert points[2]["components"] == {"Vercel": pytest.approx(points[2]["monthly_cost"])}


def test_curve_json_shows_the_tier_in_force_with_its_band():
    r = run_cli("curve", str(SAMPLES / "infra_stages.vivim"), "--users", "5000", "--json")
    (p,) = json.loads(r.stdout)
    assert (p["low"], p["high"], p["monthly_cost"]) == (320, 895, 607.5)
    assert sum(p["components"].values()) == pytest.approx(607.5) and "Redis cache" in p["components"]


def test_curve_table_and_bad_user_counts():
    r = run_cli("curve", str(SAMPLES / "kalei.vivim"), "--users", "1K")
    assert r.returncode == 0 and "1,000" in r.stdout and "$530.93" in r.stdout
    r = run_cli("curve", str(SAMPLES / "kalei.vivim"), "--users", "lots")
    assert r.returncode == 2 and 'user counts must be numbers, got "lots"' in r.stderr


QT_PROBE = """
import atexit, json, runpy, sys
out = sys.argv[1]
def report():
    loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))
    with open(out, 'w') as fh:
        json.dump(loaded, fh)
atexit.register(report)
sys.argv = ['vivim-planner'] + sys.argv[2:]
runpy.run_module('vivim_planner', run_name='__main__')
"""


def test_curve_never_imports_qt(tmp_path):
    probe = tmp_path / "loaded.json"
    r = subprocess.run([sys.executable, "-c", QT_PROBE, str(probe), "curve", str(SAMPLES / "kalei.vivim"), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(probe.read_text()) == []


# -- schema 1 files ---------------------------------------------------------------------------------

FIXTURE = REPO / "tests" / "fixtures" / "vivim_schema1.vivim"


def test_a_schema_1_file_is_upgraded_on_open_and_keeps_every_value(tmp_path):
    old = tmp_path / "old.vivim"
    shutil.copy(FIXTURE, old)
    doc = PlanDocument.open(old)
    try:
        assert len(doc.plan.tables["meters"]) == 0
        totals = summary(doc.plan)["totals"]
    finally:
        doc.close()
    assert totals == {"low": 1275800.0, "mid": 2019805.0, "high": 3544300.0, "bottom_up": 2671565.0}
    import sqlite3

    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'meters'").fetchone() == (1,)


def test_a_schema_1_file_opened_read_only_is_not_written(tmp_path):
    old = tmp_path / "old.vivim"
    shutil.copy(FIXTURE, old)
    before = hashlib.sha256(old.read_bytes()).hexdigest()
    r = run_cli("summary", str(old), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["totals"]["mid"] == 2019805.0
    assert hashlib.sha256(old.read_bytes()).hexdigest() == before
    assert not Path(str(old) + "-wal").exists()


def test_a_current_version_file_missing_a_table_is_refused_not_recreated_empty(tmp_path):
    import sqlite3

    path = tmp_path / "dropped.vivim"
    shutil.copy(SAMPLES / "vercel_per_user.vivim", path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE segment_usage")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    r = run_cli("curve", str(path), "--users", "10000", "--json")
    assert r.returncode == 2
    assert "the table segment_usage is missing" in r.stderr and r.stderr.count("\n") == 1
    with pytest.raises(PlanFileError, match="segment_usage is missing"):
        PlanDocument.open(path)  # writable too: refused, not recreated empty
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
