"""Compare whole plans in tests: every table's rows (ids, order, values; NaN-aware) and the
settings, as plain data."""

from __future__ import annotations

import math
from dataclasses import asdict

from vivim_planner.domain import Plan


def _norm(v: object) -> object:
    return "<NaN>" if isinstance(v, float) and math.isnan(v) else v


def snapshot(plan: Plan) -> dict:
    """Every table's rows (ids, order, values; NaN-aware) and the settings."""
    out: dict = {"settings": asdict(plan.settings)}
    for name, t in plan.tables.items():
        out[name] = [{k: _norm(v) for k, v in t.row(p).items()} for p in range(len(t))]
    return out
