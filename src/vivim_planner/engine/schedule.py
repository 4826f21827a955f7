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


class Spans:
    """Spans of plan time ``[start, start + length)`` (shape (n,) each, in months; month m is
    [m - 1, m), fractions count in part) laid over months 1..``horizon``; the geometry is worked
    out once and :meth:`place` spreads any number of amounts over it.

    A span's first and last month get their part of its amount directly; the whole months
    between are a difference array (+rate, -rate, rate = amount / length) summed along the
    months. A span inside one month adds its amount, never its rate, so a large
    amount over a sliver of a month cannot swamp the other spans' months. O(n + groups x H).
    """

    def __init__(self, start: np.ndarray, length: np.ndarray, horizon: int):
        start, length = np.asarray(start, dtype=float), np.asarray(length, dtype=float)
        self.horizon, self.width = horizon, horizon + 2
        self.valid = (length > 0) & np.isfinite(start) & np.isfinite(length)
        s, n = np.where(self.valid, start, 0.0), np.where(self.valid, length, 1.0)
        ka, kb = np.floor(s), np.floor(s + n)
        self.length = n
        self.same = ka == kb
        self.first_share = np.where(self.same, 1.0, (ka + 1.0 - s) / n)
        self.whole = np.maximum(kb - ka - 1.0, 0.0)
        self.ka = np.clip(ka, 0, horizon + 1).astype(np.int64)
        self.kb = np.clip(kb, 0, horizon + 1).astype(np.int64)
        self.inner = self.valid & (self.kb > self.ka + 1)

    def place(self, amount: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
        """Sum per group and month of each span's ``amount`` (n,) spread over the months it
        covers; ``group`` (n,) in 0..groups-1 (negative: left out). Shape (groups, horizon); a
        span's months add up to its amount (to rounding) when the horizon covers it."""
        return self.place_all([amount], group, groups)[0]

    def place_all(self, amounts: list[np.ndarray], group: np.ndarray, groups: int) -> list[np.ndarray]:
        """:meth:`place` for several amounts over the same groups (the index work is shared).

        A span's first and last months take their parts of its amount directly (nothing there
        is added and later taken away, so a large amount over a sliver of a month leaves the
        other months exact); the whole months between are +rate after its first month and -rate
        at its last in a difference array, summed along the months (rate = amount / length <=
        amount, so rounding stays within a few ulps of the span's own amount)."""
        H, width = self.horizon, self.width
        if H <= 0 or groups <= 0:
            return [np.zeros((max(groups, 0), max(H, 0))) for _ in amounts]
        use = self.valid & (group >= 0)
        base = np.where(use, group, 0) * width
        edge_idx = np.concatenate([base + self.ka, base + self.kb])
        run_idx = np.concatenate([base + np.minimum(self.ka + 1, width - 1), base + self.kb])
        size = groups * width
        out = []
        for amount in amounts:
            a = np.asarray(amount, dtype=float)
            a = np.where(use & np.isfinite(a), a, 0.0)
            first = a * self.first_share
            w = np.where(self.inner, a / self.length, 0.0)
            last = np.where(self.same, 0.0, a - first - w * self.whole)  # the span's amount is kept whole
            edges = np.bincount(edge_idx, weights=np.concatenate([first, last]), minlength=size)
            runs = np.bincount(run_idx, weights=np.concatenate([w, -w]), minlength=size)
            placed = edges.reshape(groups, width) + np.cumsum(runs.reshape(groups, width), axis=1)
            out.append(placed[:, :H])
        return out


def place(start: np.ndarray, length: np.ndarray, rate: np.ndarray, group: np.ndarray, groups: int,
          horizon: int) -> np.ndarray:
    """Sum per group and month of ``rate`` (per month: USD/month, FTE) x the part of each month
    that ``[start, start + length)`` covers; shape (groups, horizon). See :class:`Spans`."""
    with np.errstate(over="ignore", invalid="ignore"):
        amount = np.asarray(rate, dtype=float) * np.asarray(length, dtype=float)
    return Spans(start, length, horizon).place(amount, np.asarray(group), groups)


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
