"""Test helpers: compare whole plans as plain data, and load the benchmarks' synthetic plan."""

from __future__ import annotations

import importlib.util
import math
from dataclasses import asdict
from pathlib import Path

from vivim_planner.domain import Plan


def _norm(v: object) -> object:
    return "<NaN>" if isinstance(v, float) and math.isnan(v) else v


def snapshot(plan: Plan) -> dict:
    """Every table's rows (ids, order, values; NaN-aware) and the settings."""
    out: dict = {"settings": asdict(plan.settings)}
    for name, t in plan.tables.items():
        out[name] = [{k: _norm(v) for k, v in t.row(p).items()} for p in range(len(t))]
    return out


def load_synthetic():  # noqa: ANN201 - the benchmarks.synthetic module
    """``benchmarks/synthetic.py``, loaded by path (the repository root need not be on sys.path)."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("vivim_benchmarks_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
