"""The plan's periods: its milestones (or, in a plan without milestones, its growth steps),
each with its build cost and the timeline's monthly figures in the month that represents it.

What the Summary (tab, ``summary`` command, workbook sheet), the Curves' milestone points and
the audit's per-milestone figures read, so each shows the timeline's number:

* a milestone is represented by the first month it is in force (:func:`.schedule.in_force`;
  its start month if a later milestone covers all of it); a growth step by its first month;
* ``users``, ``operating`` (USD/month), ``revenue`` (USD/month) are the timeline's in that
  month; ``net`` = operating - revenue; ``cost_per_user`` = net / users (NaN without users;
  negative when revenue exceeds cost);
* build cost per band is the milestone's roll-up total (:attr:`.rollup.PlanResult.total`), 0
  for a growth step; ``cumulative`` runs over the periods in time order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..domain import Plan
from .rollup import SCENARIOS, PlanResult
from .timeline import Timeline


@dataclass(frozen=True)
class Period:
    """One row of the Summary. ``table`` / ``row_id``: the milestone or growth step it stands
    for; ``start_month`` / ``end_month`` (NaN: unknown); ``month``: the timeline month its
    monthly figures come from (0: outside the timeline, figures NaN); ``build``: band -> USD;
    ``build_cost``: the timeline's band; ``cumulative``: band -> running total over the periods
    in time order; monthly figures in USD/month."""

    table: str
    row_id: int
    code: str
    name: str
    start_month: float
    end_month: float
    month: int
    users: float
    build: dict[str, float]
    build_cost: float
    cumulative: dict[str, float]
    operating: float
    revenue: float
    net: float
    cost_per_user: float


def _at(values: np.ndarray, month: int) -> float:
    return float(values[month - 1]) if 1 <= month <= len(values) else math.nan


def periods(plan: Plan, tl: Timeline, r: PlanResult) -> list[Period]:
    """The :class:`Period` rows of ``plan`` in row order (milestones), or in time order (growth
    steps of a plan without milestones); ``[]`` for a plan with neither."""
    ms, growth = plan.milestones, plan.tables["growth"]
    rows: list[tuple] = []  # (table, id, code, name, start, end, month, build by band)
    if len(ms):
        starts, ends = ms.column("start_month"), ms.column("end_month")
        for p in range(len(ms)):
            month = int(tl.milestone_month[p]) or (int(starts[p]) if not math.isnan(starts[p]) else 0)
            rows.append(("milestones", int(ms.ids[p]), ms.get(p, "code"), ms.get(p, "name"), float(starts[p]),
                         float(ends[p]), month, {b: float(r.total[b][p]) for b in SCENARIOS}))
        order = np.lexsort((np.arange(len(ms)), ends, starts))
    else:
        firsts = [int(tl.step_month[k]) for k in tl.step_order]
        for i, k in enumerate(tl.step_order):
            last = (firsts[i + 1] - 1) if i + 1 < len(firsts) else tl.horizon
            rows.append(("growth", int(growth.ids[k]), "", growth.get(k, "name"), float(firsts[i]), float(last),
                         firsts[i], {b: 0.0 for b in SCENARIOS}))
        order = np.arange(len(rows))
    cumulative = {b: np.zeros(len(rows)) for b in SCENARIOS}
    for b in SCENARIOS:
        if len(rows):
            cumulative[b][order] = np.cumsum([rows[i][7][b] for i in order])
    out = []
    for i, (table, rid, code, name, start, end, month, build) in enumerate(rows):
        users, operating, revenue = _at(tl.users, month), _at(tl.operating_cost, month), _at(tl.revenue, month)
        net = operating - revenue
        out.append(Period(table, rid, code, name, start, end, month, users, build, build[tl.band],
                          {b: float(cumulative[b][i]) for b in SCENARIOS}, operating, revenue, net,
                          net / users if users > 0 else math.nan))
    return out
