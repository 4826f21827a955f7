"""Monthly operating cost at any number of users: infrastructure tiers, usage-priced services
and LLM usage, vectorized over an array of user counts.

The rules (seeds 002, 003, 004):

- **Infrastructure tiers.** A tier runs from its ``users_from`` until the next tier starts
  (tiers without ``users_from`` are reference sets, e.g. a provider comparison, and are not on
  the curve). Its cost is the sum of its components' low / high (USD/month); components with an
  ``option`` are alternatives: the band spans the cheapest option's low to the dearest's high.
- **Usage-priced services.** Each meter converts the driver's per-user amount into its billing
  unit (:mod:`vivim_planner.domain.units`), subtracts the included quota, rounds the overage up
  to whole packages and prices it at ``unit_price`` per ``per`` units. A plan costs its base
  fee plus its meters; a meter without a unit price is a hard limit the plan cannot exceed.
  Of a service's plans the cheapest one that fits is used, which makes a free plan step up to
  a paid one at its limit. Seed 004: ``$20 + $0.60/1M invocations over 1M + $0.128/h of
  active CPU over 4 h + $0.15/GB over 100 GB``.
- **LLM usage.** Per session of an activity: ``(cached x cache_read x input price + fresh
  input x input price + output x output price) / 1e6`` USD, less ``batch_share x
  batch_discount`` of it. A segment's cost per user sums sessions x session cost; at N users a
  segment costs ``N x share x cost per user`` (seed 003: $0.31 per free user, $0.66 per Prism
  subscriber, $0.63 with Spectrum on the batch API).

Everything is USD (the plan's currency) per month; users are active users per month.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan
from ..domain.units import conversion

_CAP_TOLERANCE = 1e-9  # relative: usage this close to a hard limit still fits
_MAX_STEPS = 64  # a packaged meter with more packages than this in range is evaluated per point


@dataclass(frozen=True)
class Curve:
    """Operating cost over user counts.

    ``users``: shape (n,) users. ``low`` / ``high`` / ``total`` (mid of the band): USD/month,
    shape (n,). ``components``: name -> USD/month (n,) at the mid of its band, in the order
    infrastructure, services, LLM; ``kinds``: name -> ``"infra" | "service" | "llm"``.
    ``plans``: service -> the plan used at each point (n,) list. ``over_capacity``: service ->
    bool (n,) where no plan of the service fits (its dearest plan is then billed past its limits).
    ``tiers``: the infrastructure tier in force at each point (``""`` before the first);
    ``present``: infra component -> bool (n,), True where the tier in force has it.
    ``infrastructure``: mid of the band of the tier in force, USD/month (n,) (its components
    do not add up to it where a tier has alternatives); ``total`` = infrastructure + every
    service + every LLM segment.
    """

    users: np.ndarray
    low: np.ndarray
    high: np.ndarray
    components: dict[str, np.ndarray]
    kinds: dict[str, str]
    plans: Mapping[str, list[str]] = field(default_factory=dict)
    over_capacity: dict[str, np.ndarray] = field(default_factory=dict)
    tiers: list[str] = field(default_factory=list)
    present: dict[str, np.ndarray] = field(default_factory=dict)
    infrastructure: np.ndarray | None = None

    def at(self, i: int) -> dict[str, float]:
        """Components that apply at point ``i`` (the active tier's, every service and segment):
        name -> USD/month."""
        return {k: float(v[i]) for k, v in self.components.items() if k not in self.present or self.present[k][i]}

    @property
    def total(self) -> np.ndarray:
        """Mid of the band, USD/month."""
        return (self.low + self.high) / 2.0

    @property
    def cost_per_user(self) -> np.ndarray:
        """``total / users`` in USD per user per month; NaN at zero users."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.users > 0, self.total / np.where(self.users > 0, self.users, 1), np.nan)


class _PlanNames(Mapping):
    """service -> name of the plan used at each point, built only for the services asked for."""

    def __init__(self, services: list[str], plan_names: list[str], chosen: np.ndarray):
        self._index = {name: i for i, name in enumerate(services)}
        self._names, self._chosen = plan_names, chosen

    def __getitem__(self, service: str) -> list[str]:
        return [self._names[int(c)] for c in self._chosen[self._index[service]]]

    def __iter__(self):  # noqa: ANN204
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass(frozen=True)
class Breakpoint:
    """A user count where the bill changes its rule: a tier starts (``kind="tier"``), an
    included quota runs out and overage starts (``"overage"``), or a service moves to another
    plan (``"step-up"``). ``users`` may be fractional (100 GB / 470 KB per user = 212,765.96)."""

    users: float
    kind: str
    subject: str
    label: str


@dataclass(frozen=True)
class SegmentCost:
    """LLM cost of one user segment per user per month (USD): ``cost`` with the batch share the
    plan sets, ``list_cost`` at list price; ``input_tokens`` (billable: cached tokens count at
    the cache-read multiplier) and ``output_tokens`` per user per month."""

    name: str
    share: float
    cost: float
    list_cost: float
    input_tokens: float
    output_tokens: float


class UsageModel:
    """A plan's operating-cost model as arrays, built once per plan state and evaluated at any
    user counts. Build it again after an edit (it costs microseconds per row).

    ``tier_bands``: every tier's (low, high) USD/month by case-folded name, reference tiers
    (no ``users_from``) included; ``tier_names`` / ``tier_from`` / ``tier_low`` / ``tier_high``:
    the tiers on the curve, in order of ``users_from``."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self._build_services(plan)
        self._build_tiers(plan)
        self._build_llm(plan)

    # -- construction ------------------------------------------------------------------------
    def _build_services(self, plan: Plan) -> None:
        sp, meters, drivers = plan.tables["service_plans"], plan.tables["meters"], plan.tables["usage_drivers"]
        services = list(dict.fromkeys(sp.column("service")))
        self.services: list[str] = services
        order = sorted(range(len(sp)), key=lambda p: (services.index(sp.get(p, "service")), p))
        self.plan_names = [sp.get(p, "name") for p in order]
        self.plan_service = np.array([services.index(sp.get(p, "service")) for p in order], dtype=np.int64)
        self.plan_base = np.nan_to_num(np.asarray(sp.column("base_fee"), dtype=np.float64)[order])
        plan_index = {int(sp.ids[p]): i for i, p in enumerate(order)}
        self.service_starts = np.searchsorted(self.plan_service, np.arange(len(services)))
        driver_pos = {int(rid): p for p, rid in enumerate(drivers.ids)}
        rows = []
        for p in range(len(meters)):
            d = driver_pos[int(meters.get(p, "driver"))]
            per_user = float(drivers.get(d, "per_user")) * conversion(drivers.get(d, "unit"), meters.get(p, "unit"))
            price, per = float(meters.get(p, "unit_price")), float(meters.get(p, "per"))
            per = 1.0 if math.isnan(per) or per <= 0 else per
            rows.append((plan_index[int(meters.get(p, "plan"))], per_user, float(meters.get(p, "included")),
                         price / per, float(meters.get(p, "package")), drivers.get(d, "name"), meters.get(p, "unit")))
        rows.sort(key=lambda r: r[0])
        self.meter_plan = np.array([r[0] for r in rows], dtype=np.int64)
        self.meter_per_user = np.array([r[1] for r in rows], dtype=np.float64)
        self.meter_included = np.nan_to_num(np.array([r[2] for r in rows], dtype=np.float64))
        price = np.array([r[3] for r in rows], dtype=np.float64)
        self.meter_capped = np.isnan(price)
        self.meter_price = np.nan_to_num(price)
        self.meter_package = np.nan_to_num(np.array([r[4] for r in rows], dtype=np.float64))
        self.meter_names = [f"{r[5]} ({r[6]})" for r in rows]
        self.meter_units = [r[6] for r in rows]
        n_plans = len(self.plan_names)
        self.service_ends = np.append(self.service_starts[1:], n_plans).astype(np.int64)
        self.dearest = np.array([a + int(np.argmax(self.plan_base[a:b])) for a, b in
                                 zip(self.service_starts, self.service_ends)], dtype=np.int64)
        # A meter without a package costs price x max(0, a x users - included) = w x max(0,
        # users - t): linear past its threshold t. Those are summed per plan as slope and
        # intercept steps (difference arrays), so their cost is (plans x users) work, not
        # (meters x users). Packaged meters are evaluated directly; capped meters only limit.
        priced = ~self.meter_capped & (self.meter_per_user > 0)
        linear = np.flatnonzero(priced & (self.meter_package <= 0))
        self._lin_plan = self.meter_plan[linear]
        self._lin_t = self.meter_included[linear] / self.meter_per_user[linear]
        self._lin_w = self.meter_price[linear] * self.meter_per_user[linear]
        self._lin_wt = self.meter_price[linear] * self.meter_included[linear]
        self._pkg_rows = np.flatnonzero(priced & (self.meter_package > 0))
        # a plan with hard limits fits up to the fewest users any of them allows
        self._cap_users = np.full(n_plans, np.inf)
        caps = np.flatnonzero(self.meter_capped & (self.meter_per_user > 0))
        np.minimum.at(self._cap_users, self.meter_plan[caps],
                      self.meter_included[caps] * (1 + _CAP_TOLERANCE) / self.meter_per_user[caps])
        # the cheapest plan of each service is found slot by slot (k-th plan of every service
        # that has one) instead of with reduceat, which is slow along the first axis
        counts = self.service_ends - self.service_starts
        order = np.argsort(-counts, kind="stable")
        self._by_plan_count = (order, counts[order])

    def _build_tiers(self, plan: Plan) -> None:
        tiers, comps = plan.tables["infra_tiers"], plan.tables["infra_components"]
        n_tiers = len(tiers)
        position = {int(rid): p for p, rid in enumerate(tiers.ids)}
        low, high = np.zeros(n_tiers), np.zeros(n_tiers)  # every tier, the curve's and reference ones
        mids: dict[tuple[int, str], float] = {}
        options: dict[int, dict[str, list[float]]] = {}
        for p in range(len(comps)):
            t = position[int(comps.get(p, "tier"))]
            lo = float(comps.get(p, "low"))
            hi = float(comps.get(p, "high"))
            lo, hi = (0.0 if math.isnan(lo) else lo), (lo if math.isnan(hi) else hi)
            hi = 0.0 if math.isnan(hi) else hi
            option = comps.get(p, "option")
            if option:
                acc = options.setdefault(t, {}).setdefault(option, [0.0, 0.0])
                acc[0] += lo
                acc[1] += hi
                continue
            name = comps.get(p, "component")
            mids[(t, name)] = mids.get((t, name), 0.0) + (lo + hi) / 2
            low[t] += lo
            high[t] += hi
        for t, opts in options.items():
            olo = min(v[0] for v in opts.values())
            ohi = max(v[1] for v in opts.values())
            low[t] += olo
            high[t] += ohi
            mids[(t, " or ".join(opts))] = (olo + ohi) / 2
        self.tier_bands = {tiers.get(t, "name").casefold(): (float(low[t]), float(high[t])) for t in range(n_tiers)}
        starts = np.asarray(tiers.column("users_from"), dtype=np.float64)
        on_curve = [int(p) for p in np.argsort(starts, kind="stable") if not math.isnan(starts[p])]
        self.tier_names = [tiers.get(p, "name") for p in on_curve]
        self.tier_from = starts[on_curve] if on_curve else np.empty(0)
        self.tier_low, self.tier_high = low[on_curve], high[on_curve]
        row = {t: i for i, t in enumerate(on_curve)}
        self.infra_names = list(dict.fromkeys(name for (t, name) in mids if t in row))
        self.tier_component_mid = np.zeros((len(on_curve), len(self.infra_names)))
        self.tier_has = np.zeros((len(on_curve), len(self.infra_names)), dtype=bool)
        for (t, name), v in mids.items():
            if t in row:
                self.tier_component_mid[row[t], self.infra_names.index(name)] = v
                self.tier_has[row[t], self.infra_names.index(name)] = True

    def _build_llm(self, plan: Plan) -> None:
        models, acts = plan.tables["llm_models"], plan.tables["llm_activities"]
        segs, usage = plan.tables["segments"], plan.tables["segment_usage"]
        model_pos = {int(rid): p for p, rid in enumerate(models.ids)}
        self.activity_cost: dict[int, tuple[float, float, float, float]] = {}
        for p in range(len(acts)):
            m = model_pos[int(acts.get(p, "model"))]
            price_in, price_out = float(models.get(m, "input_price")), float(models.get(m, "output_price"))
            cache = _num(models.get(m, "cache_read"))
            discount = _num(models.get(m, "batch_discount"))
            cached, fresh, out = (_num(acts.get(p, k)) for k in ("cached_tokens", "input_tokens", "output_tokens"))
            billable_in = fresh + cached * cache
            list_cost = (billable_in * price_in + out * price_out) / 1e6
            cost = list_cost * (1.0 - _num(acts.get(p, "batch_share")) * discount)
            self.activity_cost[int(acts.ids[p])] = (cost, list_cost, billable_in, out)
        self.segments: list[SegmentCost] = []
        seg_cols = usage.column("segment")
        for p in range(len(segs)):
            rid = int(segs.ids[p])
            totals = np.zeros(4)
            for q in np.flatnonzero(seg_cols == rid):
                sessions = _num(usage.get(int(q), "sessions"))
                totals += sessions * np.array(self.activity_cost[int(usage.get(int(q), "activity"))])
            self.segments.append(SegmentCost(segs.get(p, "name"), _num(segs.get(p, "share")), *map(float, totals)))

    # -- evaluation ----------------------------------------------------------------------------
    def plan_costs(self, users: np.ndarray, service: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Cost of every service plan at ``users`` (shape (n,)): ``(cost, fits)``, both shape
        (plans, n); cost in USD/month, ``fits`` False where a hard limit is exceeded.
        With ``service`` given, only that service's plans (rows in plan order)."""
        users = np.asarray(users, dtype=np.float64)
        if service is None:
            a, b = 0, len(self.plan_names)
        else:
            a, b = int(self.service_starts[service]), int(self.service_ends[service])
        order = None
        if users.size > 1 and bool(np.any(users[1:] < users[:-1])):
            order = np.argsort(users, kind="stable")
            users = users[order]
        n = users.size
        # each plan's cost is base + users x slope - intercept, where slope and intercept change
        # at given user counts: summed as weighted counts (bincount) then cumulated along users
        width = n + 1
        slope_at: list[np.ndarray] = []
        slope_by: list[np.ndarray] = []
        intercept_at: list[np.ndarray] = []
        intercept_by: list[np.ndarray] = []
        la, lb = np.searchsorted(self._lin_plan, [a, b])
        if lb > la:
            at = (self._lin_plan[la:lb] - a) * width + np.searchsorted(users, self._lin_t[la:lb], side="left")
            slope_at.append(at)
            slope_by.append(self._lin_w[la:lb])
            intercept_at.append(at)
            intercept_by.append(self._lin_wt[la:lb])
        direct = np.empty(0, dtype=np.int64)
        pa, pb = np.searchsorted(self.meter_plan[self._pkg_rows], [a, b]) if self._pkg_rows.size else (0, 0)
        if pb > pa and n:
            rows = self._pkg_rows[pa:pb]
            per_user, included = self.meter_per_user[rows], self.meter_included[rows]
            pkg, jump = self.meter_package[rows], self.meter_package[rows] * self.meter_price[rows]
            # packages used = ceil((per_user x users - included) / package - 1e-9), at least 0
            # (the 1e-9 keeps float noise, 7.000000001 packages, from adding one): the j-th
            # package starts past (included + (j - 1 + 1e-9) x package) / per_user users
            most = np.maximum(np.ceil((per_user * users[-1] - included) / pkg - 1e-9), 0).astype(np.int64)
            few = most <= _MAX_STEPS
            stepped = np.flatnonzero(few)
            if stepped.size:
                counts = most[stepped]
                m = np.repeat(stepped, counts)
                j = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
                start = (included[m] + (j + 1e-9) * pkg[m]) / per_user[m]
                intercept_at.append((self.meter_plan[rows[m]] - a) * width + np.searchsorted(users, start, side="right"))
                intercept_by.append(-jump[m])
            direct = rows[~few]
        size = (b - a) * width
        slope = _weighted_counts(slope_at, slope_by, size).reshape(b - a, width)
        intercept = _weighted_counts(intercept_at, intercept_by, size).reshape(b - a, width)
        np.cumsum(slope, axis=1, out=slope)
        np.cumsum(intercept, axis=1, out=intercept)
        slope *= np.append(users, 0.0)
        slope -= intercept
        cost = slope[:, :n]
        cost += self.plan_base[a:b, None]
        if direct.size:  # packaged meters with many packages in range: evaluated point by point
            pkg = self.meter_package[direct]
            over = np.multiply.outer(self.meter_per_user[direct] / pkg, users)
            over -= (self.meter_included[direct] / pkg + 1e-9)[:, None]
            np.ceil(over, out=over)
            np.maximum(over, 0.0, out=over)
            over *= (pkg * self.meter_price[direct])[:, None]
            for plans_k, rows_k in _slots(self.meter_plan[direct] - a):  # one meter per plan at a time
                cost[plans_k] += over[rows_k]
        fits = users[None, :] <= self._cap_users[a:b, None]
        if order is not None:
            inverse = np.empty_like(order)
            inverse[order] = np.arange(order.size)
            cost, fits = cost[:, inverse], fits[:, inverse]
        return cost, fits

    def _choose(self, cost: np.ndarray, fits: np.ndarray, service: int | None = None) -> np.ndarray:
        """Plan index (into all plans) each service uses: the cheapest that fits, else its
        dearest plan. Shape (services, n), or (n,) for one ``service``."""
        masked = np.where(fits, cost, np.inf)
        if service is not None:
            a = int(self.service_starts[service])
            choice = a + np.argmin(masked, axis=0)
            return np.where(np.isfinite(masked.min(axis=0)), choice, self.dearest[service])
        return self._cheapest(masked)[0]

    def _cheapest(self, masked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(choice, best)`` over all services for plan costs ``masked`` (inf where a plan does
        not fit): plan index and its cost, shape (services, n); the dearest plan where none fits."""
        n = masked.shape[1]
        # services ordered by plan count (most first): slot k is then a prefix of them
        order, counts = self._by_plan_count
        starts = self.service_starts[order]
        best = masked[starts]
        choice = np.repeat(starts[:, None], n, axis=1)
        for k in range(1, int(counts[0]) if counts.size else 0):
            m = int(np.count_nonzero(counts > k))  # the services with more than k plans
            candidate = masked[starts[:m] + k]
            better = candidate < best[:m]
            np.copyto(best[:m], candidate, where=better)
            np.copyto(choice[:m], (starts[:m] + k)[:, None], where=better)
        none = ~np.isfinite(best)
        if none.any():
            choice = np.where(none, self.dearest[order][:, None], choice)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        return choice[inverse], best[inverse]

    def evaluate(self, users: np.ndarray | list[float]) -> Curve:
        """The :class:`Curve` at ``users`` (any shape-(n,) sequence of user counts >= 0)."""
        users = np.asarray(users, dtype=np.float64).ravel()
        n = users.size
        components: dict[str, np.ndarray] = {}
        kinds: dict[str, str] = {}
        low = np.zeros(n)
        high = np.zeros(n)
        tiers = [""] * n
        present: dict[str, np.ndarray] = {}
        infrastructure = np.zeros(n)
        # infrastructure: the tier that has started last
        if self.tier_from.size:
            idx = np.searchsorted(self.tier_from, users, side="right") - 1
            active = idx >= 0
            safe = np.where(active, idx, 0)
            low += np.where(active, self.tier_low[safe], 0.0)
            high += np.where(active, self.tier_high[safe], 0.0)
            infrastructure = (low + high) / 2.0
            per = np.where(active[:, None], self.tier_component_mid[safe], 0.0)
            has = self.tier_has[safe] & active[:, None]
            for j, name in enumerate(self.infra_names):
                components[name] = per[:, j]
                kinds[name] = "infra"
                present[name] = has[:, j]
            tiers = [self.tier_names[i] if ok else "" for i, ok in zip(idx, active)]
        # services: the cheapest plan that fits
        plans: Mapping[str, list[str]] = {}
        over: dict[str, np.ndarray] = {}
        if self.services:
            chosen, value = self._services_at(users)
            none_fit = ~np.isfinite(value)
            if none_fit.any():  # past every limit: the dearest plan, billed as if unlimited
                cost, _fits = self.plan_costs(users)
                value = np.where(none_fit, cost[self.dearest], value)
            for s, name in enumerate(self.services):
                components[name] = value[s]
                kinds[name] = "service"
                over[name] = none_fit[s]
            total = value.sum(axis=0)
            low += total
            high += total
            plans = _PlanNames(self.services, self.plan_names, chosen)
        # LLM usage: linear in users
        for seg in self.segments:
            name = f"LLM: {seg.name}"
            value = users * seg.share * seg.cost
            components[name] = value
            kinds[name] = "llm"
            low += value
            high += value
        return Curve(users, low, high, components, kinds, plans, over, tiers, present, infrastructure)

    def service_costs(self, users: np.ndarray, per_user: np.ndarray | None = None,
                      price: np.ndarray | None = None) -> np.ndarray:
        """Cost of every service (USD/month), shape (services, n), at ``users`` (n,) when each
        point has meter parameters of its own: ``per_user`` and ``price`` (meters x n, in the
        meters' billing units, price per one unit; ``None``: the plan's). The rules of
        :meth:`evaluate` (quota, packages rounded up, hard limits, the cheapest plan that
        fits, else the dearest), evaluated point by point: O(meters x n). The Monte Carlo
        simulation uses it when usage drivers or unit prices are drawn."""
        users = np.asarray(users, dtype=np.float64).ravel()
        n, k = users.size, len(self.meter_plan)
        a = self.meter_per_user[:, None] if per_user is None else np.asarray(per_user, dtype=np.float64)
        w = self.meter_price[:, None] if price is None else np.asarray(price, dtype=np.float64)
        quantity = a * users[None, :] if k else np.zeros((0, n))
        over = np.maximum(quantity - self.meter_included[:, None], 0.0)
        pkg = self.meter_package[:, None]
        packaged = np.broadcast_to(pkg > 0, over.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            packages = np.maximum(np.ceil((quantity - self.meter_included[:, None]) / np.where(pkg > 0, pkg, 1) - 1e-9), 0)
        billed = np.where(packaged, packages * pkg, over)
        meter_cost = np.where(self.meter_capped[:, None], 0.0, billed * w)
        breach = self.meter_capped[:, None] & (quantity > self.meter_included[:, None] * (1 + _CAP_TOLERANCE))
        n_plans = len(self.plan_names)
        cost = np.repeat(self.plan_base[:, None], n, axis=1)
        fits = np.ones((n_plans, n), dtype=bool)
        for plans_k, rows_k in _slots(self.meter_plan):  # one meter per plan at a time
            cost[plans_k] += meter_cost[rows_k]
            fits[plans_k] &= ~breach[rows_k]
        if not n_plans:
            return np.zeros((0, n))
        _choice, best = self._cheapest(np.where(fits, cost, np.inf))
        none = ~np.isfinite(best)
        if none.any():
            best = np.where(none, cost[self.dearest], best)
        return best

    def _services_at(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(plan index, cost)`` of each service at ``users``: shape (services, n) each; the
        cost is inf where no plan fits."""
        cost, fits = self.plan_costs(users)
        return self._cheapest(np.where(fits, cost, np.inf))

    def marginal_cost(self, users: np.ndarray | list[float], step: float = 1000.0) -> np.ndarray:
        """Extra monthly cost (USD/month) of the next ``step`` users at each of ``users``."""
        users = np.asarray(users, dtype=np.float64).ravel()
        return self.evaluate(users + step).total - self.evaluate(users).total

    # -- breakpoints -----------------------------------------------------------------------------
    def breakpoints(self, lo: float = 1.0, hi: float = 1e7) -> list[Breakpoint]:
        """Where the bill changes its rule between ``lo`` and ``hi`` users, sorted by users:
        tier starts, quotas of the plan in use running out, and plan step-ups (found on a
        log grid and refined by bisection to a relative 1e-9)."""
        out: list[Breakpoint] = []
        for name, start in zip(self.tier_names, self.tier_from):
            if lo <= start <= hi:
                out.append(Breakpoint(float(start), "tier", name, f"{name} from {_users(start)} users"))
        if self.services:
            grid = np.geomspace(max(lo, 1e-9), hi, 600)
            chosen = self._choose(*self.plan_costs(grid))
            for s, service in enumerate(self.services):
                for k in np.flatnonzero(chosen[s, 1:] != chosen[s, :-1]):
                    u = self._refine(s, grid[k], grid[k + 1], int(chosen[s, k]))
                    old = self.plan_names[chosen[s, k]]
                    new = self.plan_names[self._choose(*self.plan_costs([u], s), s)[0]]
                    out.append(Breakpoint(u, "step-up", service, f"{service}: {old} → {new} at {_users(u)} users"))
            ok = (~self.meter_capped) & (self.meter_per_user > 0) & (self.meter_included > 0)
            candidates = np.flatnonzero(ok)
            u_all = self.meter_included[candidates] / self.meter_per_user[candidates]
            keep = (u_all >= lo) & (u_all <= hi)
            candidates, u_all = candidates[keep], u_all[keep]
            if candidates.size:
                in_force = self._choose(*self.plan_costs(u_all * (1 + 1e-9)))  # (services, k)
                for j, (m, u) in enumerate(zip(candidates, u_all)):
                    plan_i = int(self.meter_plan[m])
                    s = int(self.plan_service[plan_i])
                    if in_force[s, j] != plan_i:
                        continue
                    driver = self.meter_names[m].split(" (")[0]
                    unit = self.meter_units[m]
                    what = f"{_qty(self.meter_included[m])} {unit}"
                    if driver.casefold() not in unit.casefold() and unit.casefold() not in driver.casefold():
                        what += f" of {driver}"
                    out.append(Breakpoint(float(u), "overage", self.services[s],
                                          f"{self.plan_names[plan_i]}: {what} included, used up at {_users(u)} users"))
        return sorted(out, key=lambda b: b.users)

    def _refine(self, service: int, a: float, b: float, before: int) -> float:
        """The user count in (a, b] where ``service`` stops using plan ``before``, to a relative
        1e-9: three rounds of 64 log-spaced points, evaluating that service alone."""
        for _ in range(4):
            pts = np.geomspace(a, b, 64)
            choice = self._choose(*self.plan_costs(pts, service), service)
            k = int(np.argmax(choice != before))  # first point past the change
            if k == 0:
                return float(b)
            a, b = float(pts[k - 1]), float(pts[k])
            if b / a - 1 < 1e-9:
                break
        return float(b)


def _weighted_counts(at: list[np.ndarray], by: list[np.ndarray], size: int) -> np.ndarray:
    """Sum of the weights ``by`` at flat positions ``at``, as a float array of ``size``."""
    if not at:
        return np.zeros(size)
    return np.bincount(np.concatenate(at), weights=np.concatenate(by), minlength=size)  # float64


def _slots(owner: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """For rows sorted by ``owner``: per slot k, (owners that have a k-th row, those rows)."""
    if owner.size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    rank = np.arange(owner.size) - np.repeat(starts, np.diff(np.r_[starts, owner.size]))
    return [(owner[rank == k], np.flatnonzero(rank == k)) for k in range(int(rank.max()) + 1)]


def usage_model(plan: Plan) -> UsageModel:
    """Build the :class:`UsageModel` of ``plan``. Raises ``KeyError`` on a dangling reference
    (the plan's own rules prevent one)."""
    return UsageModel(plan)


def curve(plan: Plan, users: np.ndarray | list[float]) -> Curve:
    """Shortcut: ``UsageModel(plan).evaluate(users)``."""
    return UsageModel(plan).evaluate(users)


def _num(v: object) -> float:
    x = float(v)
    return 0.0 if math.isnan(x) else x


def _users(u: float) -> str:
    return f"{u:,.0f}" if u >= 100 or float(u).is_integer() else f"{u:,.2f}"


def _qty(x: float) -> str:
    if x >= 1e6 and (x / 1e6).is_integer():
        return f"{x / 1e6:g}M"
    return f"{x:,.10g}"
