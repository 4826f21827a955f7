"""The plan's summary as plain data (what ``vivim-planner summary --json`` prints)."""

from __future__ import annotations

import math

from ..domain import Plan
from .rollup import PlanResult, compute

SCENARIO_NAMES = {"low": "low", "mid": "mid", "high": "high", "bottom-up": "bottom_up", "bottom_up": "bottom_up"}


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def summary(plan: Plan, scenario: str = "mid", result: PlanResult | None = None) -> dict:
    """Summary of ``plan`` for one scenario (``low``, ``mid``, ``high`` or ``bottom-up``).

    Shape: ``{"plan", "currency", "hours_per_month", "scenario", "milestones": [{"code", "name",
    "start_month", "end_month", "users", "build": {"low", "mid", "high", "bottom_up"},
    "build_cost", "cumulative_build_cost", "monthly_operating_cost", "monthly_revenue",
    "net_monthly_operating_cost", "cost_per_user"}], "totals": {"low", "mid", "high",
    "bottom_up"}, "total_build_cost"}``. Money in the plan's currency; operating figures per
    month; cost per user per user per month (``null`` for a milestone without users).
    ``scenario`` may also name a row of the Scenarios sheet: its overrides are applied to a copy
    of the plan first (:mod:`.scenarios`) and ``result`` is ignored. ``"unit_economics"``:
    :meth:`.economics.Economics.to_json` (``tiers`` [{name, price, cost_per_user, margin, ...}],
    ``break_even_subscribers``, ``break_even_month``, ``runway_months``, ...).
    Raises :class:`.scenarios.ScenarioError` (a ``PlanError`` and a ``KeyError``) for an unknown scenario.
    """
    from .economics import economics
    from .scenarios import resolve_scenario

    resolved = resolve_scenario(plan, scenario)
    if resolved.plan is not plan:
        plan, result = resolved.plan, None
    key = resolved.band
    r = result or compute(plan)
    ms = plan.milestones
    rows = []
    for m in range(len(ms)):
        rows.append({
            "code": ms.get(m, "code"),
            "name": ms.get(m, "name"),
            "start_month": _num(ms.get(m, "start_month")),
            "end_month": _num(ms.get(m, "end_month")),
            "users": _num(ms.get(m, "target_users")),
            "build": {k: float(r.total[k][m]) for k in ("low", "mid", "high", "bottom_up")},
            "build_cost": float(r.total[key][m]),
            "cumulative_build_cost": float(r.cumulative[key][m]),
            "monthly_operating_cost": float(r.operating[m]),
            "monthly_revenue": float(r.revenue[m]),
            "net_monthly_operating_cost": float(r.net_operating[m]),
            "cost_per_user": _num(r.cost_per_user[m]),
        })
    return {
        "plan": plan.settings.name,
        "currency": plan.settings.currency,
        "hours_per_month": plan.settings.hours_per_month,
        "scenario": resolved.name,
        "build_band": "bottom-up" if key == "bottom_up" else key,
        "milestones": rows,
        "totals": dict(r.totals),
        "total_build_cost": r.totals[key],
        "unit_economics": economics(plan, key, r).to_json(),
    }
