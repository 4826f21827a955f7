"""The plan's summary as plain data (what ``vivim-planner summary --json`` prints): its periods
(:mod:`.periods`) read off the timeline, the build totals, break-even and unit economics."""

from __future__ import annotations

import math

from ..domain import Plan
from .rollup import PlanResult, compute

SCENARIO_NAMES = {"low": "low", "mid": "mid", "high": "high", "bottom-up": "bottom_up", "bottom_up": "bottom_up"}


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def summary(plan: Plan, scenario: str = "mid", result: PlanResult | None = None) -> dict:
    """Summary of ``plan`` for one scenario (``low``, ``mid``, ``high``, ``bottom-up`` or a row of
    the Scenarios sheet, whose overrides are applied to a copy of the plan first; ``result`` is
    then ignored).

    Shape: ``{"plan", "currency", "hours_per_month", "scenario", "build_band", "periods" (``"milestones"``
    or ``"growth steps"``), "milestones": [{"code", "name", "start_month", "end_month", "month",
    "users", "build": {"low", "mid", "high", "bottom_up"}, "build_cost", "cumulative_build_cost",
    "monthly_operating_cost", "monthly_revenue", "net_monthly_operating_cost", "cost_per_user"}],
    "totals": {"low", "mid", "high", "bottom_up"}, "total_build_cost", "months", "break_even":
    {"operating_month", "cash_flow_month"}, "runway_months", "unit_economics"}``.

    Each row's monthly figures are the timeline's in the row's ``month`` (:mod:`.periods`): the
    first month a milestone is in force, or a growth step's first month in a plan without
    milestones. Money in the plan's currency; operating figures per month; cost per user =
    (operating cost - revenue) / users per user per month (``null`` without users).
    ``unit_economics``: :meth:`.economics.Economics.to_json` (``tiers`` [{name, price,
    cost_per_user, margin, ...}], ``break_even_subscribers``, ``runway_months``, ...).
    Raises :class:`.scenarios.ScenarioError` (a ``PlanError`` and a ``KeyError``) for an unknown scenario.
    """
    from .economics import economics
    from .periods import periods
    from .scenarios import resolve_scenario
    from .timeline import timeline
    from .usage import UsageModel

    resolved = resolve_scenario(plan, scenario)
    if resolved.plan is not plan:
        plan, result = resolved.plan, None
    key = resolved.band
    r = result or compute(plan)
    um = UsageModel(plan)
    tl = timeline(plan, key, r, um)
    rows = [{
        "code": p.code,
        "name": p.name,
        "start_month": _num(p.start_month),
        "end_month": _num(p.end_month),
        "month": p.month or None,
        "users": _num(p.users),
        "build": dict(p.build),
        "build_cost": p.build_cost,
        "cumulative_build_cost": p.cumulative[key],
        "monthly_operating_cost": _num(p.operating),
        "monthly_revenue": _num(p.revenue),
        "net_monthly_operating_cost": _num(p.net),
        "cost_per_user": _num(p.cost_per_user),
    } for p in periods(plan, tl, r)]
    return {
        "plan": plan.settings.name,
        "currency": plan.settings.currency,
        "hours_per_month": plan.settings.hours_per_month,
        "scenario": resolved.name,
        "build_band": "bottom-up" if key == "bottom_up" else key,
        "periods": "milestones" if len(plan.milestones) else "growth steps",
        "milestones": rows,
        "totals": dict(r.totals),
        "total_build_cost": r.totals[key],
        "months": tl.horizon,
        "break_even": {"operating_month": tl.operating_break_even_month,
                       "cash_flow_month": tl.cash_flow_break_even_month},
        "runway_months": tl.runway_months,
        "unit_economics": economics(plan, key, r, um, line=tl).to_json(),
    }
