"""``vivim-planner export PLAN OUT.xlsx [--draws N] [--seed S]``: the Simulation sheet is
labelled with the draws and seed asked for; --draws 0 leaves it out; a bad count is refused."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from vivim_planner.cli import main

KALEI = Path(__file__).resolve().parents[1] / "sample_models" / "kalei.vivim"


def test_export_labels_the_simulation_with_its_draws_and_seed(tmp_path, capsys):
    out = tmp_path / "k.xlsx"
    assert main(["export", str(KALEI), str(out), "--draws", "300", "--seed", "11"]) == 0
    assert "Simulation: 300 draws, seed 11" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out)["Simulation"]
    assert ws["A1"].value == "Monte Carlo: 300 draws, seed 11"
    assert main(["export", str(KALEI), str(out), "--draws", "0"]) == 0
    assert "Simulation" not in openpyxl.load_workbook(out).sheetnames


def test_a_bad_draw_count_is_refused(tmp_path, capsys):
    assert main(["export", str(KALEI), str(tmp_path / "k.xlsx"), "--draws", "-5"]) == 2
    assert "draws must be between 0 and 100,000, got -5" in capsys.readouterr().err
    assert not (tmp_path / "k.xlsx").exists()
