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


def place(start: np.ndarray, length: np.ndarray, rate: np.ndarray, group: np.ndarray, groups: int,
          horizon: int, amount: np.ndarray | None = None) -> np.ndarray:
    """Sum per group and month of ``rate`` x the part of each month that ``[start, start +
    length)`` covers.

    ``start``: shape (n,) plan time in months (month m is [m - 1, m)); ``length``: (n,) months
    (fractions count in part); ``rate``: the
    amount per month of each span (USD/month, FTE...); ``group``: (n,) int in 0..groups-1 (rows
    with a negative group are left out). Returns shape (groups, horizon). The sum over months of
    a span is ``rate x length`` (to rounding) when the horizon covers it; pass ``amount`` (n,)
    to place that total instead (``rate`` is then ignored): a lump sum over a sliver of a month
    keeps its amount exactly.

    O(n + groups x horizon): a span's first and last month get their part of its amount
    directly; the whole months between are a difference array (+rate, -rate) that one
    compensated running sum places. A span inside one month adds its amount, never its rate,
    so a large amount over a sliver of a month cannot swamp the other spans' months.
    """
    if horizon <= 0 or groups <= 0:
        return np.zeros((max(groups, 0), max(horizon, 0)))
    with np.errstate(over="ignore", invalid="ignore"):
        total = rate * length if amount is None else amount
    ok = (group >= 0) & (length > 0) & np.isfinite(start) & np.isfinite(length) & (total != 0) & np.isfinite(total)
    s, n, a, g = start[ok], length[ok], total[ok], group[ok]
    width = horizon + 2
    ka, kb = np.floor(s), np.floor(s + n)
    same = ka == kb
    w = a / n  # per whole month: only used where the span holds whole months, so w <= its amount
    first = np.where(same, a, a * ((ka + 1.0 - s) / n))  # what the first month holds
    whole = np.maximum(kb - ka - 1.0, 0.0)
    last = np.where(same, 0.0, a - first - w * whole)  # the rest: the span's amount is kept whole
    ka_i = np.clip(ka, 0, horizon + 1).astype(np.int64)
    kb_i = np.clip(kb, 0, horizon + 1).astype(np.int64)
    edges = np.bincount(np.concatenate([g * width + ka_i, g * width + kb_i]), weights=np.concatenate([first, last]),
                        minlength=groups * width).reshape(groups, width)
    inner = kb_i > ka_i + 1  # whole months strictly between the first and the last
    diff = np.bincount(np.concatenate([g[inner] * width + ka_i[inner] + 1, g[inner] * width + kb_i[inner]]),
                       weights=np.concatenate([w[inner], -w[inner]]), minlength=groups * width).reshape(groups, width)
    return (edges + _running_sum(diff))[:, :horizon]


def _running_sum(x: np.ndarray) -> np.ndarray:
    """Cumulative sum along axis 1 with Neumaier's compensation: +rate then -rate of a span
    leaves the months after it as exact as the rates allow."""
    out = np.empty_like(x)
    s = np.zeros(x.shape[0])
    c = np.zeros(x.shape[0])
    for k in range(x.shape[1]):
        v = x[:, k]
        t = s + v
        c += np.where(np.abs(s) >= np.abs(v), (s - t) + v, (v - t) + s)
        s = t
        out[:, k] = s + c
    return out


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
    with np.errstate(over="ignore", invalid="ignore"):
        cost = np.where(has_lump, lump, rate * hours * fte * span)
    return start, span, np.where(np.isfinite(cost), cost, 0.0), fte, mpos


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
