"""Unit economics and cash: what a plan earns per subscriber and per month, when it breaks even,
how long its capital lasts and what its dividend pool holds. Pure; recomputed from the plan on
every call (no cache to go stale); money in the plan's currency.

Every monthly figure is the :class:`~vivim_planner.engine.timeline.Timeline`'s (users, revenue,
fees, operating cost, build spend, cash...): this module adds what is read off it.
Definitions (DESIGN.md field terms; seeds 003 sections 5, 6, 9 and 12, 000 M9/M10, 001):

* **Tiers**: price, fees, cost per user, contribution and gross margin per subscriber-month
  (:mod:`vivim_planner.engine.pricing`; seed 003: Prism ($4.99 - $0.63) / $4.99 = 87%).
* **Break-even subscribers** = ceil(fixed monthly cost / contribution per paying subscriber
  (the tiers' mix)), fixed monthly cost = the operating cost at zero users in the first month
  with users (operating lines + infrastructure tiers + service base fees; seed 003: "4 Prism
  subscribers at $4.99 cover the infrastructure").
* **Break-even month** = the timeline's *operating* break-even (the first month with revenue
  whose revenue covers its fees and operating cost); **cash-flow break-even month** = the first
  month whose revenue covers everything spent in it, team and build included.
* **Runway** = months the cash covers (:func:`vivim_planner.engine.timeline.runway`);
  **runway without revenue**: the same with revenue left out.
* **Steps**: each growth step at its first month (without growth steps, each milestone at the
  first month it is in force): users, paying, revenue, fees, cost, profit and margin = profit /
  revenue.
* **Dividend pool** (first policy): from its milestone's start, the month's profit (or revenue)
  when positive; users get ``users_share`` of it (seed 001: 70% users / 30% platform).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan
from .pricing import TierEconomics, nz
from .rollup import PlanResult, positions_of
from .timeline import Timeline, timeline as compute_timeline
from .usage import UsageModel


@dataclass(frozen=True)
class StepEconomics:
    """A growth step at its first month: users, paying subscribers, revenue, fees, operating
    cost, profit (all per month) and margin = profit / revenue (NaN without revenue)."""

    name: str
    month: int
    users: float
    paying: float
    revenue: float
    fees: float
    cost: float
    profit: float
    margin: float


@dataclass(frozen=True)
class Economics:
    """Every figure of :mod:`vivim_planner.engine.economics` for one plan state and band.

    ``timeline`` holds the monthly figures; the monthly arrays here (``users``, ``paying``,
    ``revenue``, ``fees``, ``operating_cost``, ``profit``, ``build_spend``, ``cash``, ``burn``...)
    are the timeline's own, shape (H,), following ``months`` (1..H); ``dividend_pool``,
    ``dividend_users`` and ``dividend_platform`` are computed here.
    """

    timeline: Timeline
    steps: list[StepEconomics]
    dividend_pool: np.ndarray
    dividend_users: np.ndarray
    dividend_platform: np.ndarray
    fixed_monthly_cost: float
    break_even_subscribers: int | None
    dividend_policy: str = ""
    notes: list[str] = field(default_factory=list)

    # the timeline's figures, read where they are computed
    band = property(lambda self: self.timeline.band)
    currency = property(lambda self: self.timeline.currency)
    tiers = property(lambda self: self.timeline.tiers)
    months = property(lambda self: self.timeline.months)
    users = property(lambda self: self.timeline.users)
    paying = property(lambda self: self.timeline.paying)
    subscription_revenue = property(lambda self: self.timeline.subscription_revenue)
    stream_revenue = property(lambda self: self.timeline.stream_revenue)
    revenue = property(lambda self: self.timeline.revenue)
    fees = property(lambda self: self.timeline.fees)
    operating_cost = property(lambda self: self.timeline.operating_cost)
    profit = property(lambda self: self.timeline.profit)
    build_spend = property(lambda self: self.timeline.build_spend)
    startup_costs = property(lambda self: self.timeline.startup_costs)
    capital_in = property(lambda self: self.timeline.capital_in)
    net_cash_flow = property(lambda self: self.timeline.net_cash_flow)
    cash = property(lambda self: self.timeline.cash)
    burn = property(lambda self: self.timeline.burn)
    break_even_month = property(lambda self: self.timeline.operating_break_even_month)
    cash_flow_break_even_month = property(lambda self: self.timeline.cash_flow_break_even_month)
    runway_months = property(lambda self: self.timeline.runway_months)
    runway_without_revenue = property(lambda self: self.timeline.runway_without_revenue)
    starting_capital = property(lambda self: self.timeline.starting_capital)
    total_build_cost = property(lambda self: self.timeline.total_build_cost)
    contribution_per_subscriber = property(lambda self: self.timeline.mix.contribution)

    @property
    def total_operating_cost(self) -> float:
        return float(self.operating_cost.sum())

    @property
    def total_cost(self) -> float:
        """Build cost of the band + operating costs and startup costs over the timeline."""
        return self.total_build_cost + self.total_operating_cost + float(self.startup_costs.sum())

    def tier(self, name: str) -> TierEconomics:
        for t in self.tiers:
            if t.name.casefold() == name.casefold():
                return t
        raise KeyError(name)

    def step(self, name: str) -> StepEconomics:
        for s in self.steps:
            if s.name.casefold() == name.casefold():
                return s
        raise KeyError(name)

    def to_json(self) -> dict:
        """Plain data: ``tiers`` ({name, price, cost_per_user, fees, contribution, margin}),
        ``break_even_subscribers``, ``break_even_month``, ``runway_months``, ... (NaN -> None)."""
        def num(x: float | None) -> float | None:
            return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else float(x)

        return {
            "tiers": [{"name": t.name, "price": num(t.price), "cost_per_user": num(t.cost_per_user),
                       "fees": num(t.fees), "contribution": num(t.contribution), "margin": num(t.margin),
                       "paying_share": num(t.conversion)} for t in self.tiers],
            "break_even_subscribers": self.break_even_subscribers,
            "break_even_month": self.break_even_month,
            "cash_flow_break_even_month": self.cash_flow_break_even_month,
            "runway_months": num(self.runway_months),
            "runway_without_revenue_months": num(self.runway_without_revenue),
            "fixed_monthly_cost": num(self.fixed_monthly_cost),
            "contribution_per_subscriber": num(self.contribution_per_subscriber),
            "starting_capital": num(self.starting_capital),
            "steps": [{"name": s.name, "month": s.month, "users": num(s.users), "paying": num(s.paying),
                       "revenue": num(s.revenue), "cost": num(s.cost), "profit": num(s.profit),
                       "margin": num(s.margin)} for s in self.steps],
            "months": len(self.months),
            "total_revenue": num(float(self.revenue.sum())),
            "total_operating_cost": num(self.total_operating_cost),
            "total_cost": num(self.total_cost),
            "ending_cash": num(float(self.cash[-1])) if len(self.cash) else None,
            "dividend_policy": self.dividend_policy or None,
            "dividend_pool": num(float(self.dividend_pool.sum())),
            "dividend_to_users": num(float(self.dividend_users.sum())),
        }


def economics(plan: Plan, band: str = "mid", result: PlanResult | None = None,
              usage: UsageModel | None = None, line: Timeline | None = None) -> Economics:
    """The :class:`Economics` of ``plan`` with the build estimates of ``band`` (``low``, ``mid``,
    ``high`` or ``bottom_up``). Apply a scenario first with
    :func:`vivim_planner.engine.scenarios.resolve_scenario`. ``line``: the plan's timeline when
    the caller has it already (else it is computed). Never raises for odd data: an empty plan
    gives empty arrays and ``None`` break-even and runway."""
    um = usage or UsageModel(plan)
    tl = line or compute_timeline(plan, band, result, um)
    ms, growth, divs = plan.milestones, plan.tables["growth"], plan.tables["dividend_policies"]
    notes = list(tl.notes)
    H = tl.horizon
    months = tl.months

    # -- break-even subscribers -------------------------------------------------------------------
    launch = np.flatnonzero(tl.users > 0)
    at = int(launch[0]) if launch.size else 0
    fixed = (float(tl.operating_lines[at]) if H else 0.0) + float(um.evaluate([0.0]).total[0])
    paid = len(tl.mix.tiers) > 0
    sub_contrib = tl.mix.contribution
    if paid and sub_contrib > 0:
        be_subs: int | None = int(math.ceil(fixed / sub_contrib - 1e-9))
    else:
        be_subs = None
        if paid:
            notes.append("A paying subscriber does not cover its own cost: no number of subscribers breaks even")

    # -- dividends ---------------------------------------------------------------------------------
    pool = np.zeros(H)
    share_users = 0.0
    policy = ""
    if len(divs):
        policy = divs.get(0, "name")
        share_users = nz(divs.get(0, "users_share"))
        mp = positions_of(ms.ids, np.asarray([divs.get(0, "from_milestone")], dtype=np.int64))[0]
        first = float(ms.column("start_month")[mp]) if mp >= 0 else 1.0
        base = tl.revenue if divs.get(0, "basis") == "revenue" else tl.profit
        pool = np.where(months >= first, np.maximum(base, 0.0), 0.0)
        if len(divs) > 1:
            notes.append(f"{len(divs)} dividend policies: the first ({policy}) applies")

    # -- steps ---------------------------------------------------------------------------------------
    if tl.step_order:
        starts_of = [(growth.get(k, "name"), int(tl.step_month[k])) for k in tl.step_order]
    else:  # no growth plan: the milestones, in time order, are the steps
        starts = np.asarray(ms.column("start_month"), dtype=float)
        order = np.lexsort((np.arange(len(ms)), ms.column("end_month"), starts)) if len(ms) else []
        starts_of = [(f"{ms.get(int(p), 'code')} {ms.get(int(p), 'name')}".strip(),
                      int(tl.milestone_month[p]) or int(starts[p]))
                     for p in order if not math.isnan(starts[p])]
    steps = []
    for name, first in starts_of:
        i = first - 1
        if not 0 <= i < H:
            continue
        rev = float(tl.revenue[i])
        steps.append(StepEconomics(name, first, float(tl.users[i]), float(tl.paying[i]), rev,
                                   float(tl.fees[i]), float(tl.operating_cost[i]), float(tl.profit[i]),
                                   float(tl.profit[i] / rev) if rev > 0 else math.nan))

    return Economics(
        timeline=tl, steps=steps, dividend_pool=pool, dividend_users=pool * share_users,
        dividend_platform=pool * (1 - share_users) if len(divs) else pool * 0,
        fixed_monthly_cost=fixed, break_even_subscribers=be_subs, dividend_policy=policy, notes=notes,
    )
