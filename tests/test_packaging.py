"""Packaging: the entry points run, the wheel ships the sample plan and the icon, and CI runs
the README's own test command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_python_m_help_lists_the_commands():
    r = subprocess.run([sys.executable, "-m", "vivim_planner", "--help"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: vivim-planner [PLAN]")
    for command in ("summary", "audit", "screenshot"):
        assert command in r.stdout


def test_console_script_is_installed_beside_python():
    script = Path(sys.executable).parent / ("vivim-planner.exe" if os.name == "nt" else "vivim-planner")
    assert script.exists(), "install the project (pip install -e .) to get the vivim-planner command"
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "vivim-planner 0.1.0"


def test_wheel_ships_the_sample_plan_the_icon_and_the_entry_points(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = tmp_path.glob("vivim_planner-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert {"vivim_planner/samples/vivim.vivim", "vivim_planner/resources/vivim-planner.svg",
                "vivim_planner/cli/__init__.py", "vivim_planner/cli/common.py", "vivim_planner/__main__.py"} <= names
        for sample in (REPO / "sample_models").glob("*.vivim"):  # every committed sample ships
            assert zf.read(f"vivim_planner/samples/{sample.name}") == sample.read_bytes(), sample.name
        assert zf.read("vivim_planner/resources/vivim-planner.svg").lstrip().startswith(b"<")
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(entry_points).decode()
    assert re.search(r"^vivim-planner = vivim_planner\.cli:main$", text, re.M)
    assert re.search(r"^vivim-planner-gui = vivim_planner\.cli:gui_main$", text, re.M)


def _fenced_commands(markdown: str) -> list[str]:
    return re.findall(r"^```(?:sh|bash|shell)\n(.*?)\n```", markdown, re.M | re.S)


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first, second = _fenced_commands(readme)[:2]
    assert "vivim-planner" in first and "pytest" in second
    r = subprocess.run(["bash", str(REPO / ".ci" / "run"), "--print-test-command"], capture_output=True, text=True,
                       cwd=REPO, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == second.strip()
