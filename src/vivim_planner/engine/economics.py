"""Unit economics and cash: what a plan earns per subscriber and per month, when it breaks even,
how long its capital lasts and what its dividend pool holds. Pure; recomputed from the plan on
every call (no cache to go stale); money in the plan's currency.

Definitions (DESIGN.md field terms; seeds 003 sections 5, 6, 9 and 12, 000 M9/M10, 001):

* **Price of a tier** (per subscriber-month) = monthly price x (1 - annual share) + annual
  price / 12 x annual share.
* **Fees** per subscriber-month = sum over the fees that apply to the tier of percent x price +
  fixed x payments per month (1 for a monthly subscriber, 1/12 for an annual one).
* **Cost per user** of a tier = its own figure, else its usage segment's LLM cost per user
  (:class:`~vivim_planner.engine.usage.UsageModel`), else 0.
* **Contribution** per subscriber = price - fees - cost per user; **gross margin** =
  contribution / price (seed 003: Prism ($4.99 - $0.63) / $4.99 = 87%).
* **Timeline**, months 1..H (H = the last month any milestone, growth step or capital line
  names): a growth step holds from its month until the next step; without steps, users are the
  target users of the milestone in force (of the milestones covering a month, the one that
  started last; between milestones, the one that ended last). Paying subscribers = the step's
  figure, else users x the paying tiers' shares, split over the tiers by their shares.
* **Monthly operating cost** = the step's figure, else the operating lines of the milestone
  in force + the usage model at that month's users. **Revenue** = subscriptions + the revenue
  offsets of the milestone in force; fees with scope "all revenue" also take percent x offset
  + fixed x customers.
* **Profit** (a month) = revenue - fees - operating cost. **Build spend** = each milestone's
  build cost of the scenario's band spread evenly over its months. **Net cash flow** = profit -
  build spend - startup costs + capital; **cash** = its running sum; **burn** = what a month
  spends beyond its revenue (capital not counted).
* **Break-even subscribers** = ceil(fixed monthly cost / contribution per paying subscriber
  (the tiers' mix)), fixed monthly cost = the operating cost at zero users in the first month
  with users (operating lines + infrastructure tiers + service base fees; seed 003: "4 Prism
  subscribers at $4.99 cover the infrastructure"). **Break-even month** = first month with
  revenue whose profit is >= 0.
* **Runway** = months of the timeline the cash covers before it first falls below zero; past
  the timeline the last month's net flow continues; ``None`` when the cash never runs out (or
  the plan holds no capital). **Runway without revenue**: the same with revenue left out.
* **Steps**: each growth step at its first month (without growth steps, each milestone at its
  start month): users, paying, revenue, fees, cost, profit and margin = profit / revenue.
* **Dividend pool** (first policy): from its milestone's start, the month's profit (or revenue)
  when positive; users get ``users_share`` of it (seed 001: 70% users / 30% platform).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan
from .rollup import PlanResult, compute, positions_of
from .usage import UsageModel


@dataclass(frozen=True)
class TierEconomics:
    """One pricing tier per subscriber-month: ``price`` (effective), ``monthly_price``,
    ``annual_price`` (NaN: none), ``conversion`` (share of active users), ``cost_per_user``,
    ``cost_source`` (``"input"``, ``"segment <name>"`` or ``"none"``), ``fees``,
    ``contribution``; ``margin`` = contribution / price (NaN for a free tier)."""

    name: str
    price: float
    monthly_price: float
    annual_price: float
    conversion: float
    cost_per_user: float
    cost_source: str
    fees: float
    contribution: float
    margin: float


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

    Monthly arrays have shape (H,) and follow ``months`` (1..H): ``users``, ``paying``,
    ``subscription_revenue``, ``stream_revenue``, ``revenue``, ``fees``, ``operating_cost``,
    ``profit``, ``build_spend``, ``startup_costs``, ``capital_in``, ``net_cash_flow``, ``cash``,
    ``burn``, ``dividend_pool``, ``dividend_users``, ``dividend_platform``.
    """

    band: str
    currency: str
    tiers: list[TierEconomics]
    steps: list[StepEconomics]
    months: np.ndarray
    users: np.ndarray
    paying: np.ndarray
    subscription_revenue: np.ndarray
    stream_revenue: np.ndarray
    revenue: np.ndarray
    fees: np.ndarray
    operating_cost: np.ndarray
    profit: np.ndarray
    build_spend: np.ndarray
    startup_costs: np.ndarray
    capital_in: np.ndarray
    net_cash_flow: np.ndarray
    cash: np.ndarray
    burn: np.ndarray
    dividend_pool: np.ndarray
    dividend_users: np.ndarray
    dividend_platform: np.ndarray
    contribution_per_subscriber: float
    fixed_monthly_cost: float
    break_even_subscribers: int | None
    break_even_month: int | None
    runway_months: float | None
    runway_without_revenue: float | None
    starting_capital: float
    total_build_cost: float
    dividend_policy: str = ""
    notes: list[str] = field(default_factory=list)

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


def _nz(x: float) -> float:
    return 0.0 if math.isnan(x) else float(x)


def _in_force(starts: np.ndarray, ends: np.ndarray, months: np.ndarray) -> np.ndarray:
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


def _runway(flow: np.ndarray, start_cash: float = 0.0) -> float | None:
    """Months the cash covers: the month before the running sum of ``flow`` first drops below
    zero; past the end the last flow continues; ``None`` if it never runs out."""
    cash = start_cash + np.cumsum(flow)
    below = np.flatnonzero(cash < -1e-9)
    if below.size:
        m = int(below[0])
        prev = cash[m - 1] if m > 0 else start_cash
        # the part of month m+1 the remaining cash still pays for
        return float(m + (prev / -flow[m] if flow[m] < 0 and prev > 0 else 0.0))
    if not len(flow) or flow[-1] >= 0:
        return None
    return float(len(flow) + cash[-1] / -flow[-1])


def economics(plan: Plan, band: str = "mid", result: PlanResult | None = None,
              usage: UsageModel | None = None) -> Economics:
    """The :class:`Economics` of ``plan`` with the build estimates of ``band`` (``low``, ``mid``,
    ``high`` or ``bottom_up``). Apply a scenario first with
    :func:`vivim_planner.engine.scenarios.scenario_plan`. Never raises for odd data: an empty
    plan gives empty arrays and ``None`` break-even and runway."""
    band = "bottom_up" if band == "bottom-up" else band
    r = result or compute(plan)
    um = usage or UsageModel(plan)
    ms = plan.milestones
    tiers_t, fees_t = plan.tables["pricing_tiers"], plan.tables["payment_fees"]
    growth, cap, divs = plan.tables["growth"], plan.tables["capital"], plan.tables["dividend_policies"]
    seg_cost = {int(i): s.cost for i, s in zip(plan.tables["segments"].ids, um.segments)}
    seg_name = {int(i): s.name for i, s in zip(plan.tables["segments"].ids, um.segments)}
    notes: list[str] = []

    # -- tiers ----------------------------------------------------------------------------------
    tiers: list[TierEconomics] = []
    tier_ids = [int(i) for i in tiers_t.ids]
    for p in range(len(tiers_t)):
        monthly = _nz(tiers_t.get(p, "monthly_price"))
        annual = float(tiers_t.get(p, "annual_price"))
        a = 0.0 if math.isnan(annual) else _nz(tiers_t.get(p, "annual_share"))
        price = monthly * (1 - a) + (0.0 if math.isnan(annual) else annual / 12 * a)
        payments = (1 - a) + a / 12
        fees = 0.0
        for q in range(len(fees_t)):
            t = int(fees_t.get(q, "tier"))
            if t and t != tier_ids[p]:
                continue
            if price > 0:
                fees += _nz(fees_t.get(q, "percent")) * price + _nz(fees_t.get(q, "fixed")) * payments
        own = float(tiers_t.get(p, "cost_per_user"))
        seg = int(tiers_t.get(p, "segment"))
        if not math.isnan(own):
            cpu, source = own, "input"
        elif seg and seg in seg_cost:
            cpu, source = seg_cost[seg], f"segment {seg_name[seg]}"
        else:
            cpu, source = 0.0, "none"
        contribution = price - fees - cpu
        tiers.append(TierEconomics(tiers_t.get(p, "name"), price, monthly, annual, _nz(tiers_t.get(p, "conversion")),
                                   cpu, source, fees, contribution, contribution / price if price > 0 else math.nan))
    paid = [t for t in tiers if t.price > 0]
    paid_share = sum(t.conversion for t in paid)
    weights = np.array([t.conversion for t in paid]) / paid_share if paid_share > 0 else \
        np.full(len(paid), 1.0 / len(paid)) if paid else np.empty(0)
    sub_price = float(np.dot(weights, [t.price for t in paid])) if paid else 0.0
    sub_fees = float(np.dot(weights, [t.fees for t in paid])) if paid else 0.0
    sub_contrib = float(np.dot(weights, [t.contribution for t in paid])) if paid else math.nan

    # -- timeline -------------------------------------------------------------------------------
    starts = np.asarray(ms.column("start_month"), dtype=float)
    ends = np.asarray(ms.column("end_month"), dtype=float)
    g_mpos = positions_of(ms.ids, growth.column("milestone"))
    g_month = np.asarray(growth.column("month"), dtype=float).copy()
    for k in range(len(growth)):
        if math.isnan(g_month[k]) and g_mpos[k] >= 0:
            g_month[k] = starts[g_mpos[k]]
    last = [1.0]
    for arr in (ends, g_month, np.asarray(cap.column("month"), dtype=float)):
        ok = arr[~np.isnan(arr)]
        if ok.size:
            last.append(float(ok.max()))
    horizon = int(max(last)) if (len(ms) or len(growth) or len(cap)) else 0
    months = np.arange(1, horizon + 1)
    force = _in_force(starts, ends, months)
    has_force = force >= 0
    safe = np.where(has_force, force, 0)

    def per_milestone(values: np.ndarray) -> np.ndarray:
        return np.where(has_force, np.asarray(values, dtype=float)[safe] if len(values) else 0.0, 0.0)

    ms_ops = per_milestone(r.operating)
    streams = per_milestone(r.revenue)
    rv = plan.revenues
    rv_pos = positions_of(ms.ids, rv.column("milestone"))
    customers = np.zeros(len(ms))
    np.add.at(customers, rv_pos[rv_pos >= 0], np.nan_to_num(rv.column("customers"))[rv_pos >= 0])
    stream_customers = per_milestone(customers)

    users = per_milestone(np.nan_to_num(r.users))
    paying = users * paid_share
    stated_cost = np.full(horizon, np.nan)
    step_rows = [k for k in np.argsort(g_month, kind="stable") if not math.isnan(g_month[k])]
    if len(growth) and not step_rows:
        notes.append("Growth steps need a month or a milestone; none has one, so users follow the milestones")
    if step_rows:
        users = np.zeros(horizon)
        paying = np.zeros(horizon)
        for i, k in enumerate(step_rows):
            first = int(g_month[k])
            stop = int(g_month[step_rows[i + 1]]) if i + 1 < len(step_rows) else horizon + 1
            sel = (months >= first) & (months < stop)
            u = float(growth.get(int(k), "users"))
            if math.isnan(u):
                u = _nz(r.users[g_mpos[k]]) if g_mpos[k] >= 0 else 0.0
            pay = float(growth.get(int(k), "paying"))
            users[sel] = u
            paying[sel] = u * paid_share if math.isnan(pay) else pay
            stated_cost[sel] = float(growth.get(int(k), "operating_cost"))
    model_cost = um.evaluate(users).total if horizon else np.empty(0)
    operating = np.where(np.isnan(stated_cost), ms_ops + model_cost, stated_cost)

    subs = paying * sub_price
    fees = paying * sub_fees
    for q in range(len(fees_t)):
        if fees_t.get(q, "scope") == "all revenue" and not int(fees_t.get(q, "tier")):
            fees = fees + _nz(fees_t.get(q, "percent")) * streams + _nz(fees_t.get(q, "fixed")) * stream_customers
    revenue = subs + streams
    profit = revenue - fees - operating

    # -- build, capital, cash ---------------------------------------------------------------------
    build = np.zeros(horizon)
    per_ms = r.total[band] if len(ms) else np.empty(0)
    for p in range(len(ms)):
        s, e = starts[p], ends[p]
        if math.isnan(s) or math.isnan(e) or e < s:
            continue
        sel = (months >= s) & (months <= e)
        build[sel] += per_ms[p] / (e - s + 1)
    startup = np.zeros(horizon)
    capital_in = np.zeros(horizon)
    for q in range(len(cap)):
        amount = float(cap.get(q, "amount"))
        lo, hi = float(cap.get(q, "low")), float(cap.get(q, "high"))
        if math.isnan(amount):
            amount = lo if math.isnan(hi) else hi if math.isnan(lo) else (lo + hi) / 2
        amount = _nz(amount)
        m = int(_nz(cap.get(q, "month")) or 1)
        if 1 <= m <= horizon:
            (capital_in if cap.get(q, "kind") == "capital" else startup)[m - 1] += amount
    spend = profit - build - startup
    net = spend + capital_in
    cash = np.cumsum(net)
    burn = np.maximum(-spend, 0.0)
    starting_capital = float(capital_in.sum())
    runway = _runway(net) if starting_capital > 0 else None
    runway_no_rev = _runway(-(operating + build + startup) + capital_in) if starting_capital > 0 else None

    # -- break-even -------------------------------------------------------------------------------
    launch = np.flatnonzero(users > 0)
    at = int(launch[0]) if launch.size else 0
    fixed = (float(ms_ops[at]) if horizon else 0.0) + float(um.evaluate([0.0]).total[0])
    if paid and sub_contrib > 0:
        be_subs: int | None = int(math.ceil(fixed / sub_contrib - 1e-9))
    else:
        be_subs = None
        if paid:
            notes.append("A paying subscriber does not cover its own cost: no number of subscribers breaks even")
    ok = np.flatnonzero((revenue > 0) & (profit >= -1e-9))
    be_month = int(months[ok[0]]) if ok.size else None

    # -- dividends ---------------------------------------------------------------------------------
    pool = np.zeros(horizon)
    share_users = 0.0
    policy = ""
    if len(divs):
        policy = divs.get(0, "name")
        share_users = _nz(divs.get(0, "users_share"))
        mp = positions_of(ms.ids, np.asarray([divs.get(0, "from_milestone")], dtype=np.int64))[0]
        first = starts[mp] if mp >= 0 else 1.0
        base = revenue if divs.get(0, "basis") == "revenue" else profit
        pool = np.where(months >= first, np.maximum(base, 0.0), 0.0)
        if len(divs) > 1:
            notes.append(f"{len(divs)} dividend policies: the first ({policy}) applies")

    steps = []
    if step_rows:
        starts_of = [(growth.get(int(k), "name"), int(g_month[k])) for k in step_rows]
    else:  # no growth plan: the milestones, in time order, are the steps
        order = np.lexsort((np.arange(len(ms)), ends, starts)) if len(ms) else []
        starts_of = [(f"{ms.get(int(p), 'code')} {ms.get(int(p), 'name')}".strip(), int(starts[p]))
                     for p in order if not math.isnan(starts[p])]
    for name, first in starts_of:
        i = first - 1
        if not 0 <= i < horizon:
            continue
        rev = float(revenue[i])
        steps.append(StepEconomics(name, first, float(users[i]), float(paying[i]), rev,
                                   float(fees[i]), float(operating[i]), float(profit[i]),
                                   float(profit[i] / rev) if rev > 0 else math.nan))

    return Economics(
        band=band, currency=plan.settings.currency, tiers=tiers, steps=steps, months=months, users=users,
        paying=paying, subscription_revenue=subs, stream_revenue=streams, revenue=revenue, fees=fees,
        operating_cost=operating, profit=profit, build_spend=build, startup_costs=startup, capital_in=capital_in,
        net_cash_flow=net, cash=cash, burn=burn, dividend_pool=pool, dividend_users=pool * share_users,
        dividend_platform=pool * (1 - share_users) if len(divs) else pool * 0,
        contribution_per_subscriber=sub_contrib, fixed_monthly_cost=fixed, break_even_subscribers=be_subs,
        break_even_month=be_month, runway_months=runway, runway_without_revenue=runway_no_rev,
        starting_capital=starting_capital, total_build_cost=float(r.totals[band]), dividend_policy=policy,
        notes=notes,
    )
