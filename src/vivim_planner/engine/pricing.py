"""Pricing tiers per subscriber-month: price, fees, cost per user, contribution and margin, and
the paying mix the timeline bills each month. Pure; money in the plan's currency.

Definitions (seed 003 sections 5 and 6; seed 000 M9/M10; seed 004's Paddle 15%):

* **Price of a tier** (per subscriber-month) = monthly price x (1 - annual share) + annual
  price / 12 x annual share.
* **Fees** per subscriber-month = sum over the fees that apply to the tier of percent x price +
  fixed x payments per month (1 for a monthly subscriber, 1/12 for an annual one).
* **Cost per user** of a tier = its own figure, else its usage segment's LLM cost per user
  (:class:`~vivim_planner.engine.usage.UsageModel`), else 0.
* **Contribution** per subscriber = price - fees - cost per user; **gross margin** =
  contribution / price (seed 003: Prism ($4.99 - $0.63) / $4.99 = 87%).
* **Paying mix**: paying subscribers split over the paid tiers by their paying shares (evenly
  when every share is 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..domain import Plan
from .usage import UsageModel


def nz(x: float) -> float:
    """``x`` as a float, 0 for NaN (an empty cell)."""
    return 0.0 if math.isnan(x) else float(x)


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
class PayingMix:
    """The paid tiers as one subscriber: ``tiers`` (positions into the tier list), ``weights``
    (shares of a paying subscriber, summing to 1), ``paid_share`` (share of active users who
    pay), and the weighted ``price``, ``fees`` and ``contribution`` per subscriber-month
    (contribution NaN without a paid tier)."""

    tiers: np.ndarray
    weights: np.ndarray
    paid_share: float
    price: float
    fees: float
    contribution: float


def tier_economics(plan: Plan, usage: UsageModel) -> list[TierEconomics]:
    """Every pricing tier of ``plan`` in row order (see the module's definitions)."""
    tiers_t, fees_t = plan.tables["pricing_tiers"], plan.tables["payment_fees"]
    seg_cost = {int(i): s.cost for i, s in zip(plan.tables["segments"].ids, usage.segments)}
    seg_name = {int(i): s.name for i, s in zip(plan.tables["segments"].ids, usage.segments)}
    tier_ids = [int(i) for i in tiers_t.ids]
    out: list[TierEconomics] = []
    for p in range(len(tiers_t)):
        monthly = nz(tiers_t.get(p, "monthly_price"))
        annual = float(tiers_t.get(p, "annual_price"))
        a = 0.0 if math.isnan(annual) else nz(tiers_t.get(p, "annual_share"))
        price = monthly * (1 - a) + (0.0 if math.isnan(annual) else annual / 12 * a)
        payments = (1 - a) + a / 12
        fees = 0.0
        for q in range(len(fees_t)):
            t = int(fees_t.get(q, "tier"))
            if t and t != tier_ids[p]:
                continue
            if price > 0:
                fees += nz(fees_t.get(q, "percent")) * price + nz(fees_t.get(q, "fixed")) * payments
        own = float(tiers_t.get(p, "cost_per_user"))
        seg = int(tiers_t.get(p, "segment"))
        if not math.isnan(own):
            cpu, source = own, "input"
        elif seg and seg in seg_cost:
            cpu, source = seg_cost[seg], f"segment {seg_name[seg]}"
        else:
            cpu, source = 0.0, "none"
        contribution = price - fees - cpu
        out.append(TierEconomics(tiers_t.get(p, "name"), price, monthly, annual, nz(tiers_t.get(p, "conversion")),
                                 cpu, source, fees, contribution, contribution / price if price > 0 else math.nan))
    return out


def paying_mix(tiers: list[TierEconomics]) -> PayingMix:
    """The :class:`PayingMix` of ``tiers`` (the paid ones: price > 0)."""
    paid = np.array([i for i, t in enumerate(tiers) if t.price > 0], dtype=np.int64)
    shares = np.array([tiers[i].conversion for i in paid], dtype=np.float64)
    paid_share = float(shares.sum())
    if not len(paid):
        return PayingMix(paid, shares, 0.0, 0.0, 0.0, math.nan)
    weights = shares / paid_share if paid_share > 0 else np.full(len(paid), 1.0 / len(paid))

    def mix(attr: str) -> float:
        return float(np.dot(weights, [getattr(tiers[i], attr) for i in paid]))

    return PayingMix(paid, weights, paid_share, mix("price"), mix("fees"), mix("contribution"))
