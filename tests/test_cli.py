"""The command line: reports over a small plan built here, bad files, and the Qt boundary.

Expected figures are worked out by hand from the plan's inputs below, not by the engine.
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from vivim_planner.cli import main
from vivim_planner.commands import History, InMemory, insert_rows
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_models" / "vivim.vivim"

HOURS = 100.0
DEV_RATE = 50.0
M1_DEV = DEV_RATE * HOURS * 3 * 1.0  # 15,000
M2_DEV = 80.0 * HOURS * 2 * 0.5  # 8,000 (line's own rate); the plan states 9,000
M1_TOTAL = M1_DEV + 1_200  # + servers
M2 = {"low": 7_000 + 500, "mid": 8_000 + (500 + 2_000) / 2, "high": 10_000 + 2_000,
      "bottom_up": M2_DEV + (500 + 2_000) / 2}


def make_plan() -> Plan:
    """Two milestones, one role, two team lines (one misstated), a ranged legal line, a stated
    Personnel estimate for M2, operating costs, revenue and two stated figures (one wrong)."""
    plan = Plan(PlanSettings(name="Tiny", currency="EUR", hours_per_month=HOURS))
    h = History(InMemory(plan))
    h.push(insert_rows(plan, "milestones", 0, [
        {"code": "M1", "name": "Prototype", "start_month": 1, "end_month": 3, "target_users": 100},
        {"code": "M2", "name": "Launch", "start_month": 4, "end_month": 6, "target_users": 1000}]))
    h.push(insert_rows(plan, "roles", 0, [{"name": "Dev", "hourly_rate": DEV_RATE}]))
    h.push(insert_rows(plan, "allocations", 0, [
        {"milestone": "M1", "role": "Dev", "months": 3, "fte": 1, "stated_cost": 15_000},
        {"milestone": "M2", "role": "Dev", "hourly_rate": 80, "months": 2, "fte": 0.5, "stated_cost": 9_000}]))
    h.push(insert_rows(plan, "build_items", 0, [
        {"milestone": "M1", "category": "Infrastructure", "description": "Servers", "amount": 1_200},
        {"milestone": "M2", "category": "Legal", "description": "Terms", "low": 500, "high": 2_000}]))
    h.push(insert_rows(plan, "estimates", 0, [
        {"milestone": "M2", "category": "Personnel", "low": 7_000, "mid": 8_000, "high": 10_000}]))
    h.push(insert_rows(plan, "operating_costs", 0, [
        {"milestone": "M1", "driver": "Hosting", "quantity": 2, "unit_cost": 50},
        {"milestone": "M2", "driver": "Support", "amount": 1_000}]))
    h.push(insert_rows(plan, "revenues", 0, [{"milestone": "M2", "source": "Pro", "amount": 400}]))
    h.push(insert_rows(plan, "stated_figures", 0, [
        {"milestone": "", "metric": "consolidated_total", "bound": "mid", "value": 25_000,
         "label": "Consolidated mid"},
        {"milestone": "M1", "metric": "operating_total", "value": 100, "label": "M1 operating"}]))
    return plan


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.vivim"
    PlanDocument.create(path, make_plan()).close()
    return path


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m vivim_planner ARGS`` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "vivim_planner", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


# -- summary ---------------------------------------------------------------------------------

def test_summary_json_has_the_issue_keys_and_hand_computed_figures(plan_file, capsys):
    assert main(["summary", str(plan_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"plan", "currency", "milestones", "totals"} <= set(data)
    assert data["plan"] == "Tiny" and data["currency"] == "EUR" and data["scenario"] == "mid"
    m1, m2 = data["milestones"]
    assert {"code", "name", "start_month", "end_month", "users", "build", "monthly_operating_cost",
            "monthly_revenue", "cost_per_user"} <= set(m1)
    assert set(m1["build"]) == set(data["totals"]) == {"low", "mid", "high", "bottom_up"}
    assert (m1["code"], m1["name"], m1["start_month"], m1["end_month"], m1["users"]) == ("M1", "Prototype", 1, 3, 100)
    assert m1["build"] == {k: M1_TOTAL for k in ("low", "mid", "high", "bottom_up")}
    assert m2["build"] == pytest.approx(M2)
    assert data["totals"] == pytest.approx({k: M1_TOTAL + v for k, v in M2.items()})
    assert m1["monthly_operating_cost"] == 2 * 50 and m1["monthly_revenue"] == 0
    assert m1["cost_per_user"] == pytest.approx(100 / 100)
    assert m2["cost_per_user"] == pytest.approx((1_000 - 400) / 1_000)
    assert m2["cumulative_build_cost"] == pytest.approx(M1_TOTAL + M2["mid"])


@pytest.mark.parametrize("given, key", [("low", "low"), ("high", "high"), ("bottom-up", "bottom_up"),
                                        ("Bottom_Up", "bottom_up")])
def test_summary_scenario_switch(plan_file, capsys, given, key):
    assert main(["summary", str(plan_file), "--json", "--scenario", given]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == key.replace("_", "-")
    assert data["total_build_cost"] == pytest.approx(M1_TOTAL + M2[key])
    assert [m["cumulative_build_cost"] for m in data["milestones"]] == pytest.approx([M1_TOTAL, M1_TOTAL + M2[key]])


def test_summary_table_is_readable(plan_file, capsys):
    assert main(["summary", str(plan_file), "--scenario", "high"]) == 0
    out = capsys.readouterr().out
    assert "EUR" in out.splitlines()[0] and "scenario: high" in out.splitlines()[0]
    m2 = next(line for line in out.splitlines() if line.startswith("M2 Launch"))
    assert "1,000" in m2 and "12,000" in m2 and "0.60" in m2
    total = next(line for line in out.splitlines() if line.startswith("Total"))
    assert f"{M1_TOTAL + M2['high']:,.0f}" in total and f"{M1_TOTAL + M2['low']:,.0f}" in total


def test_unknown_scenario_is_a_usage_error(plan_file, capsys):
    assert main(["summary", str(plan_file), "--scenario", "optimistic"]) == 2
    err = capsys.readouterr().err
    # scenarios may be named in the plan, so the name is checked once the plan is open
    assert err.strip() == 'vivim-planner: no scenario "optimistic"; the plan has low, mid, high, bottom-up'


def test_summary_leaves_the_file_untouched(plan_file):
    before = plan_file.read_bytes()
    assert main(["summary", str(plan_file)]) == 0
    assert main(["audit", str(plan_file)]) == 0
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tiny.vivim"]


# -- audit -----------------------------------------------------------------------------------

def test_audit_json_lists_each_misstated_figure(plan_file, capsys):
    assert main(["audit", str(plan_file), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert all(set(f) == {"where", "stated", "computed", "difference", "message", "cell"} for f in findings)
    by_stated = {f["stated"]: f for f in findings}
    assert set(by_stated) == {9_000, 25_000}  # the correct M1 line and M1 operating total are silent
    team = by_stated[9_000]
    assert team["computed"] == pytest.approx(M2_DEV) and team["difference"] == pytest.approx(M2_DEV - 9_000)
    assert team["where"].startswith("M2") and team["cell"].startswith("Team!")
    total = by_stated[25_000]
    assert total["computed"] == pytest.approx(M1_TOTAL + M2["mid"])
    assert isinstance(total["message"], str) and total["message"]


def test_audit_text_one_line_per_finding_and_a_count(plan_file):
    r = run_cli("audit", str(plan_file))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "2 findings"
    assert "Team!" in lines[0] and "9,000" in lines[0]


def test_audit_of_a_clean_plan_exits_0(tmp_path, capsys):
    path = tmp_path / "empty.vivim"
    PlanDocument.create(path).close()
    assert main(["audit", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["audit", str(path)]) == 0
    assert capsys.readouterr().out.startswith("0 findings")


# -- files that are not readable plans -------------------------------------------------------

def _corrupt(tmp_path: Path, plan_file: Path) -> Path:
    """A plan whose pages after the header are overwritten: SQLite magic, broken content."""
    data = bytearray(plan_file.read_bytes())
    page = struct.unpack(">H", data[16:18])[0] or 65536
    for i in range(100, len(data)):
        if i % page > 8 or i < page:
            data[i] = 0xA5
    path = tmp_path / "corrupt.vivim"
    path.write_bytes(bytes(data))
    return path


def _newer(tmp_path: Path, plan_file: Path) -> Path:
    path = tmp_path / "newer.vivim"
    path.write_bytes(plan_file.read_bytes())
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.close()
    return path


def _not_a_plan(tmp_path: Path, plan_file: Path) -> Path:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    return path


def _text(tmp_path: Path, plan_file: Path) -> Path:
    path = tmp_path / "notes.vivim"
    path.write_text("# VIVIM\nnot a database\n")
    return path


def _missing(tmp_path: Path, plan_file: Path) -> Path:
    return tmp_path / "nowhere" / "missing.vivim"


BAD_FILES = {"missing": (_missing, "no such file"), "corrupt": (_corrupt, "corrupt"),
             "newer": (_newer, "newer"), "not a plan": (_not_a_plan, "not a VIVIM plan"),
             "text": (_text, "not a VIVIM plan")}


@pytest.mark.parametrize("kind", list(BAD_FILES))
@pytest.mark.parametrize("command", [["summary"], ["summary", "--json"], ["audit", "--json"]])
def test_bad_file_exits_2_with_one_line(tmp_path, plan_file, kind, command):
    make, words = BAD_FILES[kind]
    bad = make(tmp_path, plan_file)
    r = run_cli(command[0], str(bad), *command[1:])
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("vivim-planner: ") and str(bad) in lines[0] and words in lines[0]
    assert "Traceback" not in r.stderr


def test_bad_file_in_process_returns_2(tmp_path, plan_file, capsys):
    bad = _newer(tmp_path, plan_file)
    assert main(["summary", str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1


def test_window_refuses_a_bad_file_before_opening_qt(tmp_path, plan_file):
    bad = _corrupt(tmp_path, plan_file)
    r = run_cli(str(bad))
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "corrupt" in r.stderr


# -- the Qt boundary -------------------------------------------------------------------------

QT_PROBE = """
import atexit, json, runpy, sys
out = sys.argv[1]
def report():
    loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')
                    or m.startswith('vivim_planner.ui'))
    with open(out, 'w') as fh:
        json.dump(loaded, fh)
atexit.register(report)
sys.argv = ['vivim-planner'] + sys.argv[2:]
runpy.run_module('vivim_planner', run_name='__main__')
"""


@pytest.mark.parametrize("command", [["summary", "--json"], ["summary"], ["audit"], ["audit", "--json"]])
def test_headless_commands_never_import_qt(tmp_path, plan_file, command):
    probe = tmp_path / "loaded.json"
    r = subprocess.run([sys.executable, "-c", QT_PROBE, str(probe), command[0], str(plan_file), *command[1:]],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(probe.read_text()) == []


def test_help_never_imports_qt(tmp_path):
    probe = tmp_path / "loaded.json"
    r = subprocess.run([sys.executable, "-c", QT_PROBE, str(probe), "--help"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and "summary" in r.stdout and "screenshot" in r.stdout
    assert json.loads(probe.read_text()) == []


# -- screenshot and window (vivim_planner.ui.app) --------------------------------------------

def test_screenshot_writes_a_png(tmp_path, plan_file):
    out = tmp_path / "summary.png"
    r = run_cli("screenshot", str(plan_file), str(out), "--tab", "Summary", env={"QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 1000


def test_screenshot_unknown_tab_is_a_usage_error(tmp_path, plan_file):
    out = tmp_path / "x.png"
    r = run_cli("screenshot", str(plan_file), str(out), "--tab", "No such tab",
                env={"QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 2
    assert "usage: vivim-planner screenshot" in r.stderr and "error:" in r.stderr
    assert "Traceback" not in r.stderr


def test_screenshot_into_a_missing_folder_exits_2_with_one_line(tmp_path, plan_file):
    out = tmp_path / "no" / "such" / "folder" / "x.png"
    r = run_cli("screenshot", str(plan_file), str(out))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [f"vivim-planner: {out}: the folder {out.parent} does not exist"]
    assert not out.parent.exists()


def test_screenshot_of_a_bad_plan_exits_2_with_one_line(tmp_path, plan_file):
    r = run_cli("screenshot", str(_text(tmp_path, plan_file)), str(tmp_path / "x.png"))
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "not a VIVIM plan" in r.stderr


@pytest.fixture
def fake_window(monkeypatch):
    """Replace ``ui.app.run_window`` with a recorder so no window opens."""
    import vivim_planner.ui.app as app

    calls = []

    def run_window(path, dialogs=False):
        calls.append(path)
        return 0

    monkeypatch.setattr(app, "run_window", run_window)
    return calls


def test_no_argument_opens_the_window_on_the_bundled_sample(fake_window):
    assert main([]) == 0
    assert fake_window == [None]


def test_plan_argument_opens_the_window_on_it(fake_window, plan_file):
    from vivim_planner.cli import gui_main

    assert main([str(plan_file)]) == 0
    assert gui_main([str(plan_file)]) == 0
    assert fake_window == [str(plan_file), str(plan_file)]


def test_window_on_a_missing_plan_exits_2_without_opening(fake_window, tmp_path, capsys):
    assert main([str(tmp_path / "gone.vivim")]) == 2
    assert fake_window == []
    assert "no such file" in capsys.readouterr().err


# -- the real sample (built by sample_models/build.py) ---------------------------------------

def test_sample_consolidated_totals_are_the_seeds(capsys):
    assert main(["summary", str(SAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["low"] == pytest.approx(1_275_800)
    assert data["totals"]["mid"] == pytest.approx(2_019_805)
    assert data["totals"]["high"] == pytest.approx(3_544_300)
    m6 = next(m for m in data["milestones"] if m["code"] == "M6")
    assert m6["cost_per_user"] == pytest.approx(400 / 75_000)
