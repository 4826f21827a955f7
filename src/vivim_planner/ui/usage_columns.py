"""Computed (read-only) columns of the operating-cost grids: what a tier costs, how much of a
meter's billing unit one user uses and how long its quota lasts, what an LLM session and a
segment's user cost. Each function takes the plan and its :class:`UsageModel` and returns one
float per row in table order (NaN where there is nothing to show).

``table_model`` wraps these as its ``Computed`` columns; the figures come from the engine
(:mod:`vivim_planner.engine.usage`) or, for unit conversions, from the domain, never from
arithmetic of their own.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..domain import FieldError, Plan
from ..domain.units import conversion
from ..engine.rollup import positions_of
from ..engine.usage import UsageModel

ColumnFn = Callable[[Plan, UsageModel], np.ndarray]


def _tier_band(plan: Plan, usage: UsageModel, which: int) -> np.ndarray:
    """Low (0) or high (1) monthly cost of each tier (USD/month); NaN for tiers off the curve
    (no ``users_from``: a reference set such as a provider comparison)."""
    names = plan.tables["infra_tiers"].column("name")
    band = usage.tier_low if which == 0 else usage.tier_high
    by_name = {n: float(v) for n, v in zip(usage.tier_names, band)}
    return np.array([by_name.get(n, math.nan) for n in names], dtype=np.float64)


def meter_per_user(plan: Plan, usage: UsageModel | None = None) -> np.ndarray:
    """Each meter's usage by one user per month in the meter's billing unit (the driver's
    per-user amount converted, e.g. 15 seconds -> 0.004167 hours); NaN where the units do not
    convert. Vectorized: one conversion per distinct pair of units."""
    meters, drivers = plan.tables["meters"], plan.tables["usage_drivers"]
    pos = positions_of(drivers.ids, np.asarray(meters.column("driver"), dtype=np.int64))
    ok = pos >= 0
    per_user = np.where(ok, np.asarray(drivers.column("per_user"), dtype=np.float64)[np.where(ok, pos, 0)]
                        if len(drivers) else np.nan, np.nan)
    driver_units = drivers.column("unit")
    factors: dict[tuple[str, str], float] = {}
    factor = np.full(len(meters), np.nan)
    for p, (d, unit) in enumerate(zip(pos.tolist(), meters.column("unit"))):
        if d < 0:
            continue
        key = (driver_units[d], unit)
        if key not in factors:
            try:
                factors[key] = conversion(*key)
            except (KeyError, FieldError):  # an unknown unit or a mismatch shows empty, never raises in paint
                factors[key] = math.nan
        factor[p] = factors[key]
    return per_user * factor


def meter_quota_users(plan: Plan, usage: UsageModel | None = None) -> np.ndarray:
    """The most users a meter's included quota covers: floor(included / per-user usage), in
    whole users (1M invocations / 862 a user: 1,160 users; overage starts past them)."""
    per_user = meter_per_user(plan)
    included = np.asarray(plan.tables["meters"].column("included"), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor(np.where(per_user > 0, included / np.where(per_user > 0, per_user, 1.0), np.nan) + 1e-9)


def _activity(plan: Plan, usage: UsageModel, k: int) -> np.ndarray:
    ids = plan.tables["llm_activities"].ids
    return np.array([usage.activity_cost.get(int(i), (math.nan,) * 4)[k] for i in ids], dtype=np.float64)


def _segment(plan: Plan, usage: UsageModel, attr: str) -> np.ndarray:
    return np.array([getattr(s, attr) for s in usage.segments], dtype=np.float64)


def segment_usage_cost(plan: Plan, usage: UsageModel) -> np.ndarray:
    """Each segment usage line's cost per user of the segment per month: sessions x the
    activity's cost per session (USD, batch share as planned)."""
    su = plan.tables["segment_usage"]
    sessions = np.nan_to_num(np.asarray(su.column("sessions"), dtype=np.float64))
    per_session = np.array([usage.activity_cost.get(int(a), (math.nan,))[0] for a in su.column("activity")],
                           dtype=np.float64)
    return sessions * per_session


# table -> ((label, fn, money, help), ...)
USAGE_COLUMNS: dict[str, tuple[tuple[str, ColumnFn, bool, str], ...]] = {
    "infra_tiers": (
        ("Low total", lambda p, u: _tier_band(p, u, 0), True,
         "Sum of the tier's components, cheapest option (USD/month); empty: the tier is not on the curve"),
        ("High total", lambda p, u: _tier_band(p, u, 1), True,
         "Sum of the tier's components, dearest option (USD/month); empty: the tier is not on the curve"),
    ),
    "meters": (
        ("Per user", meter_per_user, False, "One user's usage per month in the billing unit (converted from the driver)"),
        ("Quota lasts to", meter_quota_users, False, "The most users the included quota covers; overage starts past them (users)"),
    ),
    "llm_activities": (
        ("Cost / session", lambda p, u: _activity(p, u, 0), True,
         "USD per session with the batch share as planned: tokens x the model's prices"),
        ("List cost / session", lambda p, u: _activity(p, u, 1), True, "USD per session at list price, no batch discount"),
    ),
    "segments": (
        ("LLM cost / user", lambda p, u: _segment(p, u, "cost"), True,
         "USD per user of the segment per month, batch share as planned"),
        ("List cost / user", lambda p, u: _segment(p, u, "list_cost"), True,
         "USD per user per month at list price, no batch discount"),
    ),
    "segment_usage": (
        ("Cost / user", segment_usage_cost, True, "Sessions x the activity's cost per session (USD per user per month)"),
    ),
}
