"""Bottom-up costs and milestone roll-ups, vectorized over the plan's columns.

Definitions (DESIGN.md field terms):

* team line cost (USD) = hourly rate x hours per month x months x FTE, where the hourly rate is
  the line's own rate or else its role's rate card rate; a line with a lump sum costs that sum.
* build cost line (USD): qty x unit cost when both are given, else its amount, else the
  midpoint of its low-high range (or the one end given); its low/high band defaults to that
  point value.
* bottom-up per milestone x category: Personnel = sum of team lines; other categories = sum of
  build cost lines of that category.
* estimate per milestone x category and scenario (low / mid / high): the stated estimate, or
  the bottom-up figure of that scenario's band where the estimate is empty, kept within what
  is stated (an empty mid is clipped into a stated low-high; an empty low never exceeds the
  mid, an empty high never falls below it).
* milestone total per scenario = sum over its categories; cumulative over milestones in time
  order (start month, end month, then row order).
* operating cost (USD/month) per line: qty x unit cost, else its amount; per milestone the sum.
* net operating cost = operating cost - revenue offsets; cost per user = net / target users.

Everything is recomputed from the plan on each call: there is no cache to go stale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..domain import Plan

PERSONNEL = "Personnel"
SCENARIOS = ("low", "mid", "high", "bottom_up")


def category_key(name: str) -> str:
    """Categories match case-insensitively and ignoring surrounding spaces."""
    return name.strip().casefold()


def positions_of(ids: np.ndarray, refs: np.ndarray) -> np.ndarray:
    """Position in ``ids`` of each id in ``refs`` (int64 array); -1 where not found."""
    if len(ids) == 0:
        return np.full(len(refs), -1, dtype=np.int64)
    top = int(max(ids.max(), refs.max() if len(refs) else 0)) + 1
    lookup = np.full(top, -1, dtype=np.int64)
    lookup[ids] = np.arange(len(ids))
    safe = np.clip(refs, 0, top - 1)
    out = lookup[safe]
    out[(refs <= 0) | (refs >= top)] = -1
    return out


def _qty_times_unit(qty: np.ndarray, unit: np.ndarray, amount: np.ndarray) -> np.ndarray:
    both = ~np.isnan(qty) & ~np.isnan(unit)
    return np.where(both, qty * unit, amount)


@dataclass(frozen=True)
class PlanResult:
    """Every computed figure of a plan; arrays follow the tables' row order.

    Per team line: ``allocation_rate`` (USD/hour, NaN when neither line nor role has one),
    ``allocation_cost`` (USD, NaN when it cannot be computed).
    Per build cost line: ``build_cost``, ``build_low``, ``build_high`` (USD).
    Per operating line: ``operating_amount`` (USD/month).
    ``categories``: display names, Personnel first; matrices ``(n_milestones, n_categories)``:
    ``bottom_up[band]`` and ``estimate[scenario]`` (effective, with bottom-up fallback);
    ``stated_estimate[scenario]`` (NaN where empty); ``present`` (category used by milestone).
    Per milestone (vectors): ``total[scenario]``, ``cumulative[scenario]``, ``operating``,
    ``revenue``, ``net_operating`` (USD/month), ``users``, ``cost_per_user`` (USD/user/month,
    NaN with no users). ``totals[scenario]``: the plan's consolidated build cost (USD).
    """

    hours_per_month: float
    allocation_rate: np.ndarray
    allocation_cost: np.ndarray
    build_cost: np.ndarray
    build_low: np.ndarray
    build_high: np.ndarray
    operating_amount: np.ndarray
    categories: tuple[str, ...]
    present: np.ndarray
    bottom_up: dict[str, np.ndarray]
    stated_estimate: dict[str, np.ndarray]
    estimate: dict[str, np.ndarray]
    total: dict[str, np.ndarray]
    cumulative: dict[str, np.ndarray]
    operating: np.ndarray
    revenue: np.ndarray
    net_operating: np.ndarray
    users: np.ndarray
    cost_per_user: np.ndarray
    totals: dict[str, float]

    def category_index(self, name: str) -> int:
        keys = [category_key(c) for c in self.categories]
        return keys.index(category_key(name))


def _category_codes(names: list[str], order: dict[str, int], display: list[str]) -> np.ndarray:
    """Code of each name's category (``order``: key -> code, grown with new categories in order
    of first appearance; ``display`` their names as first written). Each distinct spelling is
    folded once, so a plan of 20,000 lines in a dozen categories costs a dozen folds."""
    spellings: dict[str, int] = {}
    local = np.fromiter((spellings.setdefault(n, len(spellings)) for n in names), dtype=np.int64, count=len(names))
    lut = np.empty(len(spellings), dtype=np.int64)
    for name, i in spellings.items():  # distinct spellings, in order of first appearance
        key = category_key(name)
        code = order.get(key)
        if code is None:
            code = order[key] = len(display)
            display.append(name.strip())
        lut[i] = code
    return lut[local]


def _sum_by(mpos: np.ndarray, codes: np.ndarray | None, values: np.ndarray, n_m: int, n_c: int) -> np.ndarray:
    ok = mpos >= 0
    v = np.nan_to_num(values[ok])
    if codes is None:
        return np.bincount(mpos[ok], weights=v, minlength=n_m).astype(np.float64)
    flat = mpos[ok] * n_c + codes[ok]
    return np.bincount(flat, weights=v, minlength=n_m * n_c).astype(np.float64).reshape(n_m, n_c)


def compute(plan: Plan) -> PlanResult:
    """Compute every derived figure of ``plan``. Pure; O(rows); no errors for odd data
    (missing rates give NaN line costs that count as 0 in sums)."""
    hours = float(plan.settings.hours_per_month)
    ms, roles, al, bi, es = plan.milestones, plan.roles, plan.allocations, plan.build_items, plan.estimates
    n_m = len(ms)

    # team lines
    rpos = positions_of(roles.ids, al.column("role"))
    role_rate = np.append(roles.column("hourly_rate"), np.nan)[rpos]  # -1 -> NaN
    own = al.column("hourly_rate")
    rate = np.where(np.isnan(own), role_rate, own)
    lump = al.column("lump_sum")
    cost = np.where(np.isnan(lump), rate * hours * al.column("months") * al.column("fte"), lump)

    # build cost lines
    amount = bi.column("amount")
    low_in, high_in = bi.column("low"), bi.column("high")
    # the midpoint of a low-high range; a range with one end given stands at that end
    midpoint = np.where(np.isnan(low_in), high_in, np.where(np.isnan(high_in), low_in, (low_in + high_in) / 2))
    point = _qty_times_unit(bi.column("quantity"), bi.column("unit_cost"), amount)
    point = np.where(np.isnan(point), midpoint, point)
    b_low = np.where(np.isnan(low_in), point, low_in)
    b_high = np.where(np.isnan(high_in), point, high_in)

    # categories: Personnel first, then build lines and estimates in order of appearance
    order: dict[str, int] = {category_key(PERSONNEL): 0}
    display = [PERSONNEL]
    b_codes = _category_codes(bi.column("category"), order, display)
    e_codes = _category_codes(es.column("category"), order, display)
    n_c = len(display)

    a_mpos = positions_of(ms.ids, al.column("milestone"))
    b_mpos = positions_of(ms.ids, bi.column("milestone"))
    e_mpos = positions_of(ms.ids, es.column("milestone"))

    personnel = _sum_by(a_mpos, None, cost, n_m, n_c)
    bottom_up = {}
    for band, values in (("low", b_low), ("mid", point), ("high", b_high)):
        m = _sum_by(b_mpos, b_codes, values, n_m, n_c)
        m[:, 0] += personnel
        bottom_up[band] = m
    present = np.zeros((n_m, n_c), dtype=bool)
    present[:, 0] = _sum_by(a_mpos, None, np.ones(len(al)), n_m, n_c) > 0
    ok = b_mpos >= 0
    present[b_mpos[ok], b_codes[ok]] = True

    stated_estimate, estimate = {}, {}
    ok = e_mpos >= 0
    for band in ("low", "mid", "high"):
        vals = es.column(band)[ok]
        has = ~np.isnan(vals)
        acc = np.zeros((n_m, n_c))
        cnt = np.zeros((n_m, n_c))
        np.add.at(acc, (e_mpos[ok][has], e_codes[ok][has]), vals[has])
        np.add.at(cnt, (e_mpos[ok][has], e_codes[ok][has]), 1)
        stated_estimate[band] = np.where(cnt > 0, acc, np.nan)
    # empty cells fall back to bottom-up, kept inside what is stated: an empty mid lies within
    # the stated low-high, an empty low / high does not cross the (effective) mid
    s_lo, s_mid, s_hi = stated_estimate["low"], stated_estimate["mid"], stated_estimate["high"]
    with np.errstate(invalid="ignore"):
        mid = np.where(np.isnan(s_mid), np.fmin(np.fmax(bottom_up["mid"], s_lo), s_hi), s_mid)
        estimate["mid"] = mid
        estimate["low"] = np.where(np.isnan(s_lo), np.fmin(bottom_up["low"], mid), s_lo)
        estimate["high"] = np.where(np.isnan(s_hi), np.fmax(bottom_up["high"], mid), s_hi)
    present[e_mpos[ok], e_codes[ok]] = True
    estimate = {k: np.where(present, v, 0.0) for k, v in estimate.items()}

    total = {band: estimate[band].sum(axis=1) for band in ("low", "mid", "high")}
    total["bottom_up"] = np.where(present, bottom_up["mid"], 0.0).sum(axis=1)
    # cumulative in time order (start month, then end month, then row), whatever the row order
    timeline = np.lexsort((np.arange(n_m), ms.column("end_month"), ms.column("start_month")))
    cumulative = {}
    for k, v in total.items():
        c = np.empty(n_m)
        c[timeline] = np.cumsum(v[timeline])
        cumulative[k] = c
    totals = {k: float(v.sum()) for k, v in total.items()}

    # operations
    oc = plan.operating_costs
    op_amount = _qty_times_unit(oc.column("quantity"), oc.column("unit_cost"), oc.column("amount"))
    operating = _sum_by(positions_of(ms.ids, oc.column("milestone")), None, op_amount, n_m, n_c)
    rv = plan.revenues
    revenue = _sum_by(positions_of(ms.ids, rv.column("milestone")), None, rv.column("amount"), n_m, n_c)
    net = operating - revenue
    users = ms.column("target_users")
    with np.errstate(divide="ignore", invalid="ignore"):
        cpu = np.where(users > 0, net / users, np.nan)

    return PlanResult(
        hours_per_month=hours, allocation_rate=rate, allocation_cost=cost,
        build_cost=point, build_low=b_low, build_high=b_high, operating_amount=op_amount,
        categories=tuple(display), present=present, bottom_up=bottom_up,
        stated_estimate=stated_estimate, estimate=estimate, total=total, cumulative=cumulative,
        operating=operating, revenue=revenue, net_operating=net, users=users.copy(),
        cost_per_user=cpu, totals=totals,
    )


def estimate_bottom_up(plan: Plan, r: PlanResult) -> np.ndarray:
    """Bottom-up (mid) figure, USD, of each estimate row's milestone x category: shape
    (estimates,), NaN where the row's milestone is unknown."""
    es = plan.estimates
    mpos = positions_of(plan.milestones.ids, es.column("milestone"))
    keys = [category_key(c) for c in r.categories]
    cpos = np.array([keys.index(category_key(c)) for c in es.column("category")], dtype=np.int64)
    out = np.full(len(es), np.nan)
    ok = mpos >= 0
    out[ok] = r.bottom_up["mid"][mpos[ok], cpos[ok]]
    return out
