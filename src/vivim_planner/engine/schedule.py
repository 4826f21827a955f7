"""Placing a plan's rows in its months: the horizon, the milestone in force, and spreading an
amount over a span of months. Pure, vectorized helpers of :mod:`vivim_planner.engine.timeline`.

Months are numbered 1..H; month m covers the interval [m - 1, m) of plan time (in months), so
a span that starts with month s and lasts ``L`` months (``L`` may be fractional: 2.5 months)
covers [s - 1, s - 1 + L), and a month it covers in part gets that part of its amount.
"""

from __future__ import annotations

import math

import numpy as np

from ..domain import Plan
from .rollup import positions_of


def place(start: np.ndarray, end: np.ndarray, rate: np.ndarray, group: np.ndarray, groups: int,
          horizon: int) -> np.ndarray:
    """Sum per group and month of ``rate`` x the part of each month that ``[start, end)`` covers.

    ``start`` / ``end``: shape (n,) plan time in months (month m is [m - 1, m)); ``rate``: the
    amount per month of each span (USD/month, FTE...); ``group``: (n,) int in 0..groups-1 (rows
    with a negative group are left out). Returns shape (groups, horizon). The sum over months of
    a span is ``rate x (end - start)`` when the horizon covers it. O(n + groups x horizon):
    each span adds four entries to a difference array, one cumulative sum places them all.
    """
    out = np.zeros((groups, horizon + 2))
    ok = (group >= 0) & (end > start) & np.isfinite(start) & np.isfinite(end) & (rate != 0) & np.isfinite(rate)
    if not ok.any() or horizon <= 0:
        return out[:, :horizon]
    s, e, w, g = start[ok], end[ok], rate[ok], group[ok]
    width = horizon + 2
    idx, val = [], []
    for edge, sign in ((s, 1.0), (e, -1.0)):
        whole = np.floor(edge)
        frac = edge - whole
        k = np.clip(whole.astype(np.int64), 0, horizon + 1)
        k1 = np.clip(k + 1, 0, horizon + 1)
        idx += [g * width + k, g * width + k1]
        val += [sign * w * (1.0 - frac), sign * w * frac]
    diff = np.bincount(np.concatenate(idx), weights=np.concatenate(val), minlength=groups * width)
    return np.cumsum(diff.reshape(groups, width), axis=1)[:, :horizon]


def in_force(starts: np.ndarray, ends: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Position of the milestone in force at each month (-1: none started yet): of those
    covering the month, the one that started last (then the later row); between milestones,
    the one that ended last. Vectorized: (months x milestones) comparisons."""
    n = len(starts)
    out = np.full(len(months), -1, dtype=np.int64)
    if not n or not len(months):
        return out
    m = np.asarray(months, dtype=float)[:, None]
    by_start = np.lexsort((np.arange(n), starts))  # rank = position in this order
    rank = np.empty(n, dtype=np.int64)
    rank[by_start] = np.arange(n)
    with np.errstate(invalid="ignore"):
        covering = (starts[None, :] <= m) & (m <= ends[None, :])
        ended = ends[None, :] < m
    best = np.where(covering, rank[None, :], -1).max(axis=1)
    has = best >= 0
    out[has] = by_start[best[has]]
    by_end = np.lexsort((np.arange(n), starts, ends))
    rank_end = np.empty(n, dtype=np.int64)
    rank_end[by_end] = np.arange(n)
    last = np.where(ended, rank_end[None, :], -1).max(axis=1)
    use = ~has & (last >= 0)
    out[use] = by_end[last[use]]
    return out


def team_spans(plan: Plan, hours: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each team line lies in plan time and what it costs per month there.

    A line starts with its milestone's start month and runs for its ``months`` (a fraction of a
    month counts in part), past the milestone's end if it says so: the line's whole cost is
    kept. A line with a lump sum costs lump / months per month; a lump sum without months is
    spread over its milestone's months. Returns ``(start, end, cost_rate, fte, milestone)``,
    each shape (lines,): plan time in months, USD/month (0 where the rate is unknown), FTE, and
    the milestone's position (-1 for a dangling line). The sum over months of ``cost_rate`` is
    the line's cost of :func:`vivim_planner.engine.rollup.compute` (rate x hours x months x FTE).
    """
    al, ms, roles = plan.allocations, plan.milestones, plan.roles
    mpos = positions_of(ms.ids, al.column("milestone"))
    safe = np.where(mpos >= 0, mpos, 0)
    m_start = np.asarray(ms.column("start_month"), dtype=float)
    m_end = np.asarray(ms.column("end_month"), dtype=float)
    n = len(al)
    if not len(ms):
        empty = np.zeros(n)
        return empty, empty, empty, empty, np.full(n, -1, dtype=np.int64)
    start = np.where(mpos >= 0, m_start[safe] - 1.0, np.nan)
    months = np.asarray(al.column("months"), dtype=float)
    fte = np.nan_to_num(np.asarray(al.column("fte"), dtype=float))
    rpos = positions_of(roles.ids, al.column("role"))
    role_rate = np.append(roles.column("hourly_rate"), np.nan)[rpos]
    own = al.column("hourly_rate")
    rate = np.where(np.isnan(own), role_rate, own)
    lump = np.asarray(al.column("lump_sum"), dtype=float)
    has_lump = ~np.isnan(lump)
    no_months = ~(months > 0)
    span = np.where(has_lump & no_months, m_end[safe] - m_start[safe] + 1.0, np.nan_to_num(months))
    end = start + span
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_rate = np.where(has_lump, np.where(span > 0, lump / span, 0.0), rate * hours * fte)
    return start, end, np.nan_to_num(cost_rate), fte, mpos


def horizon(plan: Plan, team_end: np.ndarray, growth_months: np.ndarray) -> int:
    """Months 1..H of the timeline: H is the last month any milestone, growth step, capital
    line or team line names, and at least the plan's ``horizon_months`` setting (which extends
    a plan, never cuts one short: build spend past it would be lost). 0 for a plan naming no
    month at all."""
    last = [float(plan.settings.horizon_months or 0.0)]
    for arr in (plan.milestones.column("end_month"), growth_months, plan.tables["capital"].column("month"),
                team_end):
        arr = np.asarray(arr, dtype=float)
        ok = arr[np.isfinite(arr)]
        if ok.size:
            last.append(float(math.ceil(ok.max() - 1e-9)) if arr is team_end else float(ok.max()))
    return int(max(last))
