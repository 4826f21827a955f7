"""The timeline: one model over months, which every view, command and workbook cell reads.

A plan is inputs; :func:`timeline` computes, for each month 1..H (:func:`.schedule.horizon`),
in this order, with arrays of shape (lines, months) and a few vectorized passes:

* **Users.** Where the plan has a growth plan, a step holds from its month until the next
  step: its active users (else its milestone's target users) and paying subscribers (else
  active users x the paid tiers' shares). Without one, the target users of the milestone in
  force: of the milestones covering a month, the one that started last (then the later row);
  between milestones, the one that ended last (:func:`.schedule.in_force`). One rule for every
  figure that depends on the milestone in force. Paying subscribers split over the paid tiers
  by their paying shares (:func:`.pricing.paying_mix`).
* **Team.** Each team line from its milestone's start month for its months
  (:func:`.schedule.team_spans`): FTE per role and in total (headcount), and team cost =
  hourly rate x hours per month x FTE in each month it covers (the line's bottom-up cost).
* **Build spend.** The scenario's build cost of each milestone and category
  (:attr:`.rollup.PlanResult.estimate`, or bottom-up) spread over the milestone's months; the
  Personnel category follows the milestone's team cost month by month (so the bottom-up
  scenario's Personnel spend *is* the team cost), evenly where it has no team lines. The sum
  over months is the scenario's total build cost.
* **Operating cost** = the operating lines of the milestone in force + the usage model
  (infrastructure tier, usage-priced services, LLM segments; :mod:`.usage`) at that month's
  active users; a growth step that states its monthly cost replaces both.
* **Revenue** = paying subscribers x each tier's price + the revenue offsets of the milestone
  in force. **Fees**: per subscriber as :mod:`.pricing` says; a fee of scope "all revenue"
  also takes percent x offsets + fixed x their customers.
* **Profit** (operating) = revenue - fees - operating cost. **Cash flow** = profit - build
  spend - startup costs; **net cash flow** = cash flow + capital in; **cash** = its running
  sum; **burn** = what a month spends beyond its revenue (max(0, -cash flow)).
* **Break-even**, named precisely: *operating* break-even = the first month with revenue whose
  revenue covers its fees and operating cost; *cash-flow* break-even = the first month with
  revenue whose revenue covers everything spent that month (team and build included);
  *cash low point* = the month cumulative cash is lowest, when it rises after it.
* **Runway** = months the cash covers before it first falls below zero (in part for the last
  month); past the horizon the last month's net flow continues; ``None`` when the cash never
  runs out or the plan holds no capital.

Money is in the plan's currency (USD/month per month); users are active users per month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan
from ..domain.plan import month_labels
from .pricing import PayingMix, TierEconomics, nz, paying_mix, tier_economics
from .rollup import PERSONNEL, PlanResult, compute, positions_of
from .schedule import Spans, horizon as plan_horizon, in_force, place, team_spans
from .usage import UsageModel

OPERATING_LINES = "Operating lines"
STATED_STEP_COST = "Growth step's stated cost"
INFRASTRUCTURE = "Infrastructure tier"
TOLERANCE = 1e-9
"""Money this close to zero counts as zero when a break-even or the cash running out is found."""


@dataclass(frozen=True)
class Timeline:
    """The month-by-month result of one plan state and build band.

    Vectors have shape (H,) and follow ``months`` (1..H); matrices have one row per name of
    the tuple beside them. ``labels``: ``Jan 2026``... with a start month, else ``Month 1``...
    ``milestone``: position of the milestone in force (-1: none); ``step``: position of the
    growth step in force (-1: none). ``users``, ``paying`` (subscribers), ``paying_by_tier``
    (tiers x H; free tiers hold 0). ``fte_by_role`` / ``team_cost_by_role`` (roles x H, FTE and
    USD/month), ``fte`` (headcount), ``team_cost``. ``build_by_category`` (categories x H),
    ``build_spend``; ``spread_even`` / ``spread_personnel`` (milestones x H): the share of a
    milestone's build cost (other categories / Personnel) that falls in each month (rows add up
    to 1 for a milestone within the months). ``operating_by_component`` (components x H, USD/month), ``operating_cost``;
    ``operating_lines``: the operating lines of the milestone in force (also where a growth
    step's stated cost replaces them).
    ``subscription_by_tier``, ``subscription_revenue``, ``stream_revenue`` (offsets),
    ``revenue``, ``fees``, ``profit``, ``startup_costs``, ``capital_in``, ``cash_flow``,
    ``net_cash_flow``, ``cash``, ``cash_without_revenue`` (the same with no revenue and no fees),
    ``burn``. ``milestone_month``: the first month each milestone
    is in force (0: never), where its per-milestone figures are read.
    """

    band: str
    currency: str
    months: np.ndarray
    labels: tuple[str, ...]
    milestone: np.ndarray
    step: np.ndarray
    users: np.ndarray
    paying: np.ndarray
    tiers: list[TierEconomics]
    mix: PayingMix
    paying_by_tier: np.ndarray
    role_names: tuple[str, ...]
    fte_by_role: np.ndarray
    fte: np.ndarray
    team_cost_by_role: np.ndarray
    team_cost: np.ndarray
    build_categories: tuple[str, ...]
    build_by_category: np.ndarray
    build_spend: np.ndarray
    spread_even: np.ndarray
    spread_personnel: np.ndarray
    operating_names: tuple[str, ...]
    operating_by_component: np.ndarray
    operating_cost: np.ndarray
    operating_lines: np.ndarray
    subscription_by_tier: np.ndarray
    subscription_revenue: np.ndarray
    stream_revenue: np.ndarray
    revenue: np.ndarray
    fees: np.ndarray
    profit: np.ndarray
    startup_costs: np.ndarray
    capital_in: np.ndarray
    cash_flow: np.ndarray
    net_cash_flow: np.ndarray
    cash: np.ndarray
    cash_without_revenue: np.ndarray
    burn: np.ndarray
    milestone_month: np.ndarray
    step_month: np.ndarray
    step_order: tuple[int, ...]
    total_build_cost: float
    operating_break_even_month: int | None
    cash_flow_break_even_month: int | None
    cash_low_month: int | None
    runway_months: float | None
    runway_without_revenue: float | None
    notes: list[str] = field(default_factory=list)

    @property
    def horizon(self) -> int:
        return len(self.months)

    @property
    def starting_capital(self) -> float:
        return float(self.capital_in.sum())

    def at(self, month: int) -> dict[str, float]:
        """The month's headline figures (``month`` 1..H): users, paying_users, fte, team_cost,
        build_cost, operating_cost, revenue, fees, profit, cash (what ``timeline --json`` lists)."""
        i = month - 1
        return {"users": float(self.users[i]), "paying_users": float(self.paying[i]), "fte": float(self.fte[i]),
                "team_cost": float(self.team_cost[i]), "build_cost": float(self.build_spend[i]),
                "operating_cost": float(self.operating_cost[i]), "revenue": float(self.revenue[i]),
                "fees": float(self.fees[i]), "profit": float(self.profit[i]), "cash": float(self.cash[i])}


def runway(flow: np.ndarray, start_cash: float = 0.0) -> float | None:
    """Months the cash covers: the month before the running sum of ``flow`` first drops below
    zero, plus the part of that month the remaining cash pays for; past the end the last flow
    continues; ``None`` if it never runs out."""
    cash = start_cash + np.cumsum(flow)
    below = np.flatnonzero(cash < -TOLERANCE)
    if below.size:
        m = int(below[0])
        prev = cash[m - 1] if m > 0 else start_cash
        return float(m + (prev / -flow[m] if flow[m] < 0 and prev > 0 else 0.0))
    if not len(flow) or flow[-1] >= 0:
        return None
    return float(len(flow) + cash[-1] / -flow[-1])


def _first(months: np.ndarray, mask: np.ndarray) -> int | None:
    ok = np.flatnonzero(mask)
    return int(months[ok[0]]) if ok.size else None


def _growth(plan: Plan, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Growth steps: each one's first month (its own, else its milestone's start; NaN: none),
    its milestone's position and the steps that have a month, in time order."""
    growth, ms = plan.tables["growth"], plan.milestones
    g_mpos = positions_of(ms.ids, growth.column("milestone"))
    g_month = np.asarray(growth.column("month"), dtype=float).copy()
    fill = np.isnan(g_month) & (g_mpos >= 0)
    g_month[fill] = starts[g_mpos[fill]]
    order = [int(k) for k in np.argsort(g_month, kind="stable") if not math.isnan(g_month[k])]
    return g_month, g_mpos, order


def timeline(plan: Plan, band: str = "mid", result: PlanResult | None = None,
             usage: UsageModel | None = None) -> Timeline:
    """The :class:`Timeline` of ``plan`` with the build estimates of ``band`` (``low``, ``mid``,
    ``high`` or ``bottom_up``/``bottom-up``). Apply a scenario first with
    :func:`vivim_planner.engine.scenarios.resolve_scenario`. ``result`` and ``usage`` may be
    passed when the caller has them for this plan state. Never raises for odd data: an empty
    plan gives a timeline of 0 months and ``None`` break-even and runway."""
    band = "bottom_up" if band == "bottom-up" else band
    r = result or compute(plan)
    um = usage or UsageModel(plan)
    ms, growth = plan.milestones, plan.tables["growth"]
    notes: list[str] = []
    starts = np.asarray(ms.column("start_month"), dtype=float)
    ends = np.asarray(ms.column("end_month"), dtype=float)
    g_month, g_mpos, step_order = _growth(plan, starts)
    t_start, t_len, t_cost, t_fte, t_mpos = team_spans(plan, r.hours_per_month)
    H = plan_horizon(plan, (t_start + t_len)[t_mpos >= 0], g_month)
    months = np.arange(1, H + 1)
    force = in_force(starts, ends, months)
    has_force = force >= 0
    safe = np.where(has_force, force, 0)

    def per_milestone(values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        return np.where(has_force, values[safe], 0.0) if len(values) else np.zeros(H)

    # -- users --------------------------------------------------------------------------------
    tiers = tier_economics(plan, um)
    mix = paying_mix(tiers)
    users = per_milestone(np.nan_to_num(ms.column("target_users")))
    paying = users * mix.paid_share
    step = np.full(H, -1, dtype=np.int64)
    stated_cost = np.full(H, np.nan)
    if len(growth) and not step_order:
        notes.append("Growth steps need a month or a milestone; none has one, so users follow the milestones")
    if step_order:
        users, paying = np.zeros(H), np.zeros(H)
        firsts = [int(g_month[k]) for k in step_order] + [H + 1]
        target = np.nan_to_num(ms.column("target_users"))
        for i, k in enumerate(step_order):
            sel = (months >= firsts[i]) & (months < firsts[i + 1])
            u = float(growth.get(k, "users"))
            if math.isnan(u):
                u = float(target[g_mpos[k]]) if g_mpos[k] >= 0 else 0.0
            pay = float(growth.get(k, "paying"))
            users[sel] = u
            paying[sel] = u * mix.paid_share if math.isnan(pay) else pay
            stated_cost[sel] = float(growth.get(k, "operating_cost"))
            step[sel] = k
    paying_by_tier = np.zeros((len(tiers), H))
    if len(mix.tiers):
        paying_by_tier[mix.tiers] = mix.weights[:, None] * paying[None, :]

    # -- team -----------------------------------------------------------------------------------
    roles = plan.roles
    rpos = positions_of(roles.ids, plan.allocations.column("role"))
    spans = Spans(t_start, t_len, H)
    placed = t_mpos >= 0
    rgroup = np.where(placed, np.where(rpos >= 0, rpos, len(roles)), -1)  # a line whose role is gone: its own row
    fte_by_role, team_cost_by_role = spans.place_all([t_fte * t_len, t_cost], rgroup, len(roles) + 1)
    fte, team_cost = fte_by_role.sum(axis=0), team_cost_by_role.sum(axis=0)
    fte_by_role, team_cost_by_role = fte_by_role[:-1], team_cost_by_role[:-1]
    team_by_milestone = spans.place(t_cost, t_mpos, len(ms))

    # -- build spend ------------------------------------------------------------------------------
    valid = np.isfinite(starts) & np.isfinite(ends) & (ends >= starts)
    length = np.where(valid, ends - starts + 1.0, 1.0)
    even = place(starts - 1.0, np.where(valid, length, 0.0), 1.0 / length, np.arange(len(ms)), len(ms), H)
    per_ms = (r.estimate[band] if band != "bottom_up" else np.where(r.present, r.bottom_up["mid"], 0.0)) \
        if len(ms) else np.zeros((0, len(r.categories)))
    team_total = team_by_milestone.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = np.where((team_total > 0)[:, None], team_by_milestone / team_total[:, None], even)
    personnel = r.categories.index(PERSONNEL)
    shapes = np.broadcast_to(even, (len(r.categories), *even.shape)).copy() if len(ms) else np.zeros((len(r.categories), 0, H))
    if len(ms):
        shapes[personnel] = profile
    build_by_category = np.einsum("mc,cmh->ch", per_ms, shapes) if len(ms) else np.zeros((len(r.categories), H))
    build_spend = build_by_category.sum(axis=0)

    # -- operating cost -----------------------------------------------------------------------------
    curve = um.evaluate(users)
    lines = per_milestone(r.operating)
    comp_names = [OPERATING_LINES, INFRASTRUCTURE]
    comp_rows = [lines, curve.infrastructure if curve.infrastructure is not None else np.zeros(H)]
    for name, kind in curve.kinds.items():
        if kind != "infra":
            comp_names.append(name)
            comp_rows.append(curve.components[name])
    comps = np.vstack(comp_rows) if H else np.zeros((len(comp_rows), 0))
    stated = ~np.isnan(stated_cost)
    comps[:, stated] = 0.0
    comp_names.append(STATED_STEP_COST)
    comps = np.vstack([comps, np.where(stated, stated_cost, 0.0)[None, :]])
    keep = [i for i, name in enumerate(comp_names) if i == 0 or np.any(comps[i] != 0)]
    operating_by_component = comps[keep]
    operating_names = tuple(comp_names[i] for i in keep)
    operating = np.where(stated, stated_cost, lines + curve.total)

    # -- revenue and fees -------------------------------------------------------------------------
    prices = np.array([t.price for t in tiers], dtype=float)
    subscription_by_tier = paying_by_tier * prices[:, None] if len(tiers) else np.zeros((0, H))
    subscription = subscription_by_tier.sum(axis=0)
    streams = per_milestone(r.revenue)
    rv = plan.revenues
    rv_pos = positions_of(ms.ids, rv.column("milestone"))
    customers = np.zeros(len(ms))
    np.add.at(customers, rv_pos[rv_pos >= 0], np.nan_to_num(rv.column("customers"))[rv_pos >= 0])
    stream_customers = per_milestone(customers)
    fees = paying * mix.fees
    fees_t = plan.tables["payment_fees"]
    for q in range(len(fees_t)):
        if fees_t.get(q, "scope") == "all revenue" and not int(fees_t.get(q, "tier")):
            fees = fees + nz(fees_t.get(q, "percent")) * streams + nz(fees_t.get(q, "fixed")) * stream_customers
    revenue = subscription + streams
    profit = revenue - fees - operating

    # -- capital, cash ----------------------------------------------------------------------------
    cap = plan.tables["capital"]
    startup, capital_in = np.zeros(H), np.zeros(H)
    for q in range(len(cap)):
        amount = float(cap.get(q, "amount"))
        lo, hi = float(cap.get(q, "low")), float(cap.get(q, "high"))
        if math.isnan(amount):
            amount = lo if math.isnan(hi) else hi if math.isnan(lo) else (lo + hi) / 2
        m = int(nz(cap.get(q, "month")) or 1)
        if 1 <= m <= H:
            (capital_in if cap.get(q, "kind") == "capital" else startup)[m - 1] += nz(amount)
    cash_flow = profit - build_spend - startup
    net = cash_flow + capital_in
    cash = np.cumsum(net)
    burn = np.maximum(-cash_flow, 0.0)
    dry_flow = capital_in - operating - build_spend - startup
    has_capital = capital_in.sum() > 0
    earning = revenue > 0
    low = int(np.argmin(cash)) if H else 0
    cash_low = int(months[low]) if H and low < H - 1 and cash[-1] > cash[low] + TOLERANCE else None

    return Timeline(
        band=band, currency=plan.settings.currency, months=months,
        labels=tuple(month_labels(plan.settings.start_date, H)), milestone=force, step=step,
        users=users, paying=paying, tiers=tiers, mix=mix, paying_by_tier=paying_by_tier,
        role_names=tuple(roles.column("name")), fte_by_role=fte_by_role, fte=fte,
        team_cost_by_role=team_cost_by_role, team_cost=team_cost, build_categories=r.categories,
        build_by_category=build_by_category, build_spend=build_spend,
        spread_even=even if len(ms) else np.zeros((0, H)), spread_personnel=profile if len(ms) else np.zeros((0, H)),
        operating_names=operating_names,
        operating_by_component=operating_by_component, operating_cost=operating, operating_lines=lines,
        subscription_by_tier=subscription_by_tier, subscription_revenue=subscription, stream_revenue=streams,
        revenue=revenue, fees=fees, profit=profit, startup_costs=startup, capital_in=capital_in,
        cash_flow=cash_flow, net_cash_flow=net, cash=cash, cash_without_revenue=np.cumsum(dry_flow), burn=burn,
        milestone_month=_first_month_in_force(force, len(ms)),
        step_month=np.array([int(g_month[k]) if not math.isnan(g_month[k]) else 0 for k in range(len(growth))],
                            dtype=np.int64),
        step_order=tuple(step_order), total_build_cost=float(r.totals[band]),
        operating_break_even_month=_first(months, earning & (profit >= -TOLERANCE)),
        cash_flow_break_even_month=_first(months, earning & (cash_flow >= -TOLERANCE)),
        cash_low_month=cash_low,
        runway_months=runway(net) if has_capital else None,
        runway_without_revenue=runway(dry_flow) if has_capital else None,
        notes=notes,
    )


def _first_month_in_force(force: np.ndarray, n: int) -> np.ndarray:
    """Per milestone, the first month (1-based) it is in force; 0 where it never is."""
    out = np.zeros(n, dtype=np.int64)
    found, first = np.unique(force, return_index=True)
    ok = found >= 0
    out[found[ok]] = first[ok] + 1
    return out
