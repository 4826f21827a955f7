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
    user counts. Build it again after an edit (it costs microseconds per row)."""

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
        self._any_package = bool((self.meter_package > 0).any())
        # slot k holds the k-th meter of every plan that has one (and the k-th plan of every
        # service): sums and minima become a few fancy-indexed adds instead of reduceat
        self._meter_slots = _slots(self.meter_plan)
        self._plan_slots = _slots(self.plan_service)
        self._capped_rows = np.flatnonzero(self.meter_capped)

    def _build_tiers(self, plan: Plan) -> None:
        tiers, comps = plan.tables["infra_tiers"], plan.tables["infra_components"]
        starts = np.asarray(tiers.column("users_from"), dtype=np.float64)
        on_curve = [p for p in np.argsort(starts, kind="stable") if not math.isnan(starts[p])]
        self.tier_names = [tiers.get(int(p), "name") for p in on_curve]
        self.tier_from = starts[on_curve] if on_curve else np.empty(0)
        tier_of = {int(tiers.ids[p]): i for i, p in enumerate(on_curve)}
        names: list[str] = []
        mids: dict[tuple[int, str], float] = {}
        low = np.zeros(len(on_curve))
        high = np.zeros(len(on_curve))
        options: dict[int, dict[str, list[float]]] = {}
        for p in range(len(comps)):
            i = tier_of.get(int(comps.get(p, "tier")))
            if i is None:
                continue
            lo = float(comps.get(p, "low"))
            hi = float(comps.get(p, "high"))
            lo, hi = (0.0 if math.isnan(lo) else lo), (lo if math.isnan(hi) else hi)
            hi = 0.0 if math.isnan(hi) else hi
            option = comps.get(p, "option")
            if option:
                acc = options.setdefault(i, {}).setdefault(option, [0.0, 0.0])
                acc[0] += lo
                acc[1] += hi
                continue
            name = comps.get(p, "component")
            names.append(name)
            mids[(i, name)] = mids.get((i, name), 0.0) + (lo + hi) / 2
            low[i] += lo
            high[i] += hi
        for i, opts in options.items():
            olo = min(v[0] for v in opts.values())
            ohi = max(v[1] for v in opts.values())
            low[i] += olo
            high[i] += ohi
            name = " or ".join(opts)
            names.append(name)
            mids[(i, name)] = (olo + ohi) / 2
        self.tier_low, self.tier_high = low, high
        self.infra_names = list(dict.fromkeys(names))
        self.tier_component_mid = np.zeros((len(on_curve), len(self.infra_names)))
        self.tier_has = np.zeros((len(on_curve), len(self.infra_names)), dtype=bool)
        for (i, name), v in mids.items():
            self.tier_component_mid[i, self.infra_names.index(name)] = v
            self.tier_has[i, self.infra_names.index(name)] = True

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
        cost = np.repeat(self.plan_base[a:b, None], users.size, axis=1)
        fits = np.ones_like(cost, dtype=bool)
        ma, mb = np.searchsorted(self.meter_plan, [a, b])
        if mb > ma:
            rows = slice(ma, mb)
            over = np.multiply.outer(self.meter_per_user[rows], users)
            exceeded = None  # (capped meters of these rows, n): usage past a hard limit
            caps = self._capped_rows[(self._capped_rows >= ma) & (self._capped_rows < mb)]
            if caps.size:
                limit = self.meter_included[caps] * (1 + _CAP_TOLERANCE)
                exceeded = over[caps - ma] > limit[:, None]
            over -= self.meter_included[rows, None]
            np.maximum(over, 0.0, out=over)
            if self._any_package:
                pkg = self.meter_package[rows]
                k = np.flatnonzero(pkg > 0)
                if k.size:
                    over[k] = np.ceil(np.round(over[k] / pkg[k, None], 9)) * pkg[k, None]
            over *= self.meter_price[rows, None]
            for plans_k, meters_k in self._meter_slots:
                sel = (meters_k >= ma) & (meters_k < mb)
                if sel.any():
                    cost[plans_k[sel] - a] += over[meters_k[sel] - ma]
            if exceeded is not None:
                for plans_k, rows_k in _slots(self.meter_plan[caps]):  # plans with several limits
                    fits[plans_k - a] &= ~exceeded[rows_k]
        return cost, fits

    def _choose(self, cost: np.ndarray, fits: np.ndarray, service: int | None = None) -> np.ndarray:
        """Plan index (into all plans) each service uses: the cheapest that fits, else its
        dearest plan. Shape (services, n), or (n,) for one ``service``."""
        masked = np.where(fits, cost, np.inf)
        if service is not None:
            a = int(self.service_starts[service])
            choice = a + np.argmin(masked, axis=0)
            return np.where(np.isfinite(masked.min(axis=0)), choice, self.dearest[service])
        services_0, plans_0 = self._plan_slots[0]
        best = masked[plans_0].copy()  # every service has a first plan
        choice = np.repeat(plans_0[:, None], masked.shape[1], axis=1)
        for services_k, plans_k in self._plan_slots[1:]:
            candidate = masked[plans_k]
            better = candidate < best[services_k]
            best[services_k] = np.where(better, candidate, best[services_k])
            choice[services_k] = np.where(better, plans_k[:, None], choice[services_k])
        return np.where(np.isfinite(best), choice, self.dearest[:, None])

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
        # infrastructure: the tier that has started last
        if self.tier_from.size:
            idx = np.searchsorted(self.tier_from, users, side="right") - 1
            active = idx >= 0
            safe = np.where(active, idx, 0)
            low += np.where(active, self.tier_low[safe], 0.0)
            high += np.where(active, self.tier_high[safe], 0.0)
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
            cost, fits = self.plan_costs(users)
            chosen = self._choose(cost, fits)
            value = np.take_along_axis(cost, chosen, axis=0)  # (services, n)
            none_fit = ~np.take_along_axis(fits, chosen, axis=0)
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
        return Curve(users, low, high, components, kinds, plans, over, tiers, present)

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
