"""Monte Carlo over every range of a plan: N draws of the whole timeline at once.

Every uncertain input (:func:`uncertain_inputs`: the ranges a plan holds, and the rows of its
*Uncertainty* table) is drawn N times (:func:`draw_inputs`: PERT, triangular or uniform;
correlation groups by rank, Iman-Conover), and the timeline is recomputed for all draws in a
few vectorized passes over arrays of shape (draws, months) (:class:`_Draws`). No Python loop
runs per draw.

The model is the timeline's (:mod:`.timeline`), as differences from it: with every input at
its plan value the simulated months are the timeline's months exactly (a test checks it).

* **Build cost.** The mid estimate of each milestone x category is drawn across its row's low
  and high (an empty mid takes the drawn bottom-up figure, clipped into the stated low-high as
  the roll-up does); bottom-up moves with the drawn build lines, role rates and FTEs. Each
  milestone's draw is spread over its months with the timeline's shares (Personnel as the team
  is staffed in the plan: a drawn rate moves the milestone's total, not its monthly profile).
  The low / mid / high choice of a scenario gives way to the draw; the bottom-up scenario
  draws the bottom-up lines.
* **Operating cost.** The infrastructure tier in force costs its components' draws; services
  are priced at the drawn usage drivers and unit prices; LLM segments at the drawn token
  prices; an operating line at its drawn amount; a growth step's stated cost as stated.
* **Revenue** follows drawn prices, paying shares and growth steps' users and subscribers.
* **Outputs**: per month P10 / P50 / P90 of cost (build + operating + startup), revenue and
  cash; the distribution of total build cost, of the runway (months the cash lasts; ``inf``
  when it never runs out) and of the cash-flow break-even month; P(cash < 0 by month m); and
  the drivers: each input's Spearman rank correlation with the ending cash.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan
from ..domain.overrides import resolve
from ..domain.uncertainty_schema import EXPLICIT, RANGED
from .pricing import nz
from .rollup import PERSONNEL, PlanResult, compute, positions_of
from .timeline import TOLERANCE, Timeline, timeline
from .usage import UsageModel

DEFAULT_DRAWS = 10_000
PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class UncertainInput:
    """One drawn input: where it is (``table``, ``row_id``, ``field``; ``label`` as a person
    reads it), its range ``low`` <= ``mode`` <= ``high`` (``mode``: the plan's value), the
    ``distribution`` (PERT, triangular, uniform) and its correlation ``group`` (``""``: none)."""

    label: str
    table: str
    row_id: int
    field: str
    low: float
    mode: float
    high: float
    distribution: str = "PERT"
    group: str = ""


def _label(plan: Plan, table: str, pos: int, what: str) -> str:
    from ..domain import SPECS

    spec = SPECS[table]
    t = plan.tables[table]
    if table == "estimates":
        return f"{plan.ref_label('milestones', int(t.get(pos, 'milestone')))} {t.get(pos, 'category')} estimate"
    if table == "build_items":
        name = t.get(pos, "description") or t.get(pos, "category")
        return f"{plan.ref_label('milestones', int(t.get(pos, 'milestone')))} {name}"
    if table == "infra_components":
        return f"{plan.ref_label('infra_tiers', int(t.get(pos, 'tier')))}: {t.get(pos, 'component')}"
    if table == "allocations":
        title = t.get(pos, "title") or plan.ref_label("roles", int(t.get(pos, "role")))
        return f"{plan.ref_label('milestones', int(t.get(pos, 'milestone')))} {title} {what}"
    key = "item" if table == "capital" else "driver" if table == "operating_costs" else "name"
    name = t.get(pos, key) if key in spec.by_name else f"row {pos + 2}"
    return f"{spec.sheet} {name} {what}".strip()


def uncertain_inputs(plan: Plan, result: PlanResult | None = None) -> list[UncertainInput]:
    """Every input the simulation draws, in table order: the ranged inputs (:data:`RANGED`)
    whose low is below their high, with the *Uncertainty* rows applied (a row changes an
    input's distribution, range or group, makes an :data:`EXPLICIT` input uncertain, or with
    ``fixed`` takes one out). Raises :class:`PlanError` for a row that names no input (the
    grid refuses such rows; a file could still hold one)."""
    from ..domain import CellError, SPECS

    r = result or compute(plan)
    spec_u = SPECS["uncertainty"]
    rows: dict[tuple[str, int, str], dict] = {}
    ut = plan.tables["uncertainty"]
    for p in range(len(ut)):
        row = ut.row(p)
        try:
            tg = resolve(plan, row["sheet"], row["row"], row["field"])
        except Exception as e:  # noqa: BLE001 - FieldError with its part
            part = getattr(e, "part", "sheet")
            raise CellError(spec_u.sheet, spec_u.address(p, part), getattr(e, "reason", str(e))) from None
        rows[(tg.table, tg.row_id, tg.field)] = row
    out: list[UncertainInput] = []
    seen: set[tuple[str, int, str]] = set()

    def add(table: str, pos: int, fld: str, lo: float, mode: float, hi: float, what: str) -> None:
        t = plan.tables[table]
        key = (table, int(t.ids[pos]), fld)
        seen.add(key)
        spec_row = rows.get(key)
        dist, group = "PERT", ""
        if spec_row is not None:
            dist, group = spec_row["distribution"] or "PERT", (spec_row["correlation_group"] or "").strip()
            lo = lo if math.isnan(spec_row["low"]) else float(spec_row["low"])
            hi = hi if math.isnan(spec_row["high"]) else float(spec_row["high"])
        if dist == "fixed" or not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            return
        mode = min(max(mode if math.isfinite(mode) else (lo + hi) / 2, lo), hi)
        out.append(UncertainInput(_label(plan, table, pos, what), table, key[1], fld, lo, mode, hi, dist, group))

    es = plan.estimates
    for p in range(len(es)):
        mid = float(es.get(p, "mid"))
        if not math.isnan(mid):
            add("estimates", p, "mid", float(es.get(p, "low")), mid, float(es.get(p, "high")), "")
    for p in range(len(plan.build_items)):
        add("build_items", p, "amount", float(r.build_low[p]), float(r.build_cost[p]), float(r.build_high[p]), "")
    roles = plan.roles
    for p in range(len(roles)):
        add("roles", p, "hourly_rate", float(roles.get(p, "hourly_rate_low")), float(roles.get(p, "hourly_rate")),
            float(roles.get(p, "hourly_rate_high")), "hourly rate")
    ic = plan.tables["infra_components"]
    for p in range(len(ic)):
        if not ic.get(p, "option"):  # alternatives are drawn as one group per tier, below
            lo, hi = float(ic.get(p, "low")), float(ic.get(p, "high"))
            add("infra_components", p, "low", lo, (lo + hi) / 2, hi, "")
    tiers = plan.tables["infra_tiers"]
    for tier_id, (names, lo, hi) in option_bands(plan).items():
        if hi > lo and tiers.has_id(tier_id):
            out.append(UncertainInput(f"{tiers.get(tiers.position(tier_id), 'name')}: {names}", "infra_tiers",
                                      tier_id, "options", lo, (lo + hi) / 2, hi))
    cap = plan.tables["capital"]
    for p in range(len(cap)):
        lo, hi, amount = float(cap.get(p, "low")), float(cap.get(p, "high")), float(cap.get(p, "amount"))
        add("capital", p, "amount", lo, amount, hi, "")
    for (table, rid, fld), row in rows.items():
        if (table, rid, fld) in seen or (table, fld) not in EXPLICIT:
            continue
        t = plan.tables[table]
        pos = t.position(rid)
        value = float(t.get(pos, fld))
        if math.isnan(value) and (table, fld) == ("growth", "users"):
            continue  # a step without its own users takes its milestone's: nothing to draw from
        add(table, pos, fld, float(row["low"]), value, float(row["high"]), SPECS[table].field(fld).label.lower())
    return out


_GRID = 1 << 14
"""Points of the tabulated PERT quantile function (its interpolation error is ~1e-8 of the range)."""


def _pert_quantile(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """(cdf, x) of Beta(a, b) on [0, 1] for a, b >= 1 (PERT's shapes): the density integrated
    on a fine grid, so ``np.interp(u, cdf, x)`` is the quantile function."""
    x = np.linspace(0.0, 1.0, _GRID + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logpdf = (a - 1) * np.log(x) + (b - 1) * np.log1p(-x)
    pdf = np.exp(np.where(np.isfinite(logpdf), logpdf - np.nanmax(logpdf[np.isfinite(logpdf)]), -np.inf))
    cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)])
    return cdf / cdf[-1], x


def draw_inputs(inputs: list[UncertainInput], n: int, seed: int, groups: dict[str, float],
                scores: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """``n`` draws of every input, shape (n, inputs), reproducible for a ``seed``.

    Each input is its quantile function at a uniform draw u: PERT is low + (high - low) x
    Beta(1 + 4 (mode - low) / (high - low), 1 + 4 (high - mode) / (high - low)) (its quantile
    function tabulated once per shape), triangular and uniform in closed form. Inputs of a
    correlation group (``groups``: name -> Spearman rank correlation r) are reordered to the
    ranks of normal scores with Pearson correlation 2 sin(pi r / 6), which gives them rank
    correlation r (Iman-Conover), each keeping its own distribution. With ``scores`` also
    returns the u of each draw (float32, in the draws' final order): an input's ranks are its
    u's ranks, which makes rank correlations cheap."""
    rng = np.random.default_rng(seed)
    k = len(inputs)
    u = rng.random((n, k))
    out = np.empty((n, k))
    lo = np.array([i.low for i in inputs])
    hi = np.array([i.high for i in inputs])
    mode = np.array([i.mode for i in inputs])
    kind = np.array([i.distribution for i in inputs])
    span = hi - lo
    pert = np.flatnonzero(kind == "PERT")
    if pert.size:
        a = np.round(1 + 4 * (mode[pert] - lo[pert]) / span[pert], 12)
        b = np.round(1 + 4 * (hi[pert] - mode[pert]) / span[pert], 12)
        shapes: dict[tuple[float, float], list[int]] = {}
        for j, ab in zip(pert.tolist(), zip(a.tolist(), b.tolist())):
            shapes.setdefault(ab, []).append(j)
        for (sa, sb), cols in shapes.items():
            cdf, x = _pert_quantile(sa, sb)
            out[:, cols] = lo[cols] + span[cols] * np.interp(u[:, cols], cdf, x)
    tri = np.flatnonzero(kind == "triangular")
    if tri.size:
        c = (mode[tri] - lo[tri]) / span[tri]
        ut = u[:, tri]
        out[:, tri] = np.where(ut < c, lo[tri] + np.sqrt(ut * span[tri] * (mode[tri] - lo[tri])),
                               hi[tri] - np.sqrt((1 - ut) * span[tri] * (hi[tri] - mode[tri])))
    uni = np.flatnonzero(kind == "uniform")
    if uni.size:
        out[:, uni] = lo[uni] + span[uni] * u[:, uni]
    for name, r in sorted(groups.items()):
        members = [j for j, i in enumerate(inputs) if i.group.casefold() == name.casefold()]
        if len(members) < 2 or r <= 0:
            continue
        rho = 2 * math.sin(math.pi * min(r, 1.0) / 6)
        z = math.sqrt(rho) * rng.standard_normal((n, 1)) + math.sqrt(1 - rho) * rng.standard_normal((n, len(members)))
        ranks = _ranks(z).astype(np.int64)
        out[:, members] = np.take_along_axis(np.sort(out[:, members], axis=0), ranks, axis=0)
        u[:, members] = np.take_along_axis(np.sort(u[:, members], axis=0), ranks, axis=0)
    if scores:
        return out, u.astype(np.float32)
    return out


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks along axis 0 (ties broken by order; the draws are continuous): one sort of each
    column (contiguous, so it is fast), then its order scattered back."""
    xt = np.ascontiguousarray(x.T)
    order = np.argsort(xt, axis=1, kind="stable")
    ranks = np.empty(xt.shape, dtype=np.float64)
    ranks[np.arange(xt.shape[0])[:, None], order] = np.arange(xt.shape[1], dtype=np.float64)
    return ranks.T


def spearman(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman rank correlation of each column of ``x`` (n, k) with ``y`` (n,); NaN where
    either does not vary."""
    rx, ry = _ranks(x), _ranks(y[:, None])
    rx -= rx.mean(axis=0)
    ry -= ry.mean(axis=0)
    den = np.sqrt((rx ** 2).sum(axis=0) * (ry ** 2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(axis=0) / den, np.nan)


@dataclass(frozen=True)
class Simulation:
    """The result of :func:`simulate`. Per month (H,): ``cash``, ``cost`` (build + operating +
    startup), ``revenue`` percentiles as dicts {10, 50, 90}; ``p_cash_negative`` (share of
    draws whose cash has fallen below zero by that month). Per draw (draws,): ``total_build_cost``,
    ``runway`` (months; ``inf`` when the cash never runs out, NaN without capital),
    ``break_even`` (cash-flow break-even month, 0 when never). ``drivers``: (input label, rank
    correlation with the ending cash), strongest first. ``base``: the plan's own timeline."""

    draws: int
    seed: int
    band: str
    currency: str
    labels: tuple[str, ...]
    inputs: list[UncertainInput]
    cash: dict[int, np.ndarray]
    cost: dict[int, np.ndarray]
    revenue: dict[int, np.ndarray]
    p_cash_negative: np.ndarray
    total_build_cost: np.ndarray
    runway: np.ndarray
    break_even: np.ndarray
    ending_cash: np.ndarray
    drivers: list[tuple[str, float]]
    base: Timeline
    stated_totals: dict[str, float] = field(default_factory=dict)

    @property
    def months(self) -> int:
        return len(self.labels)

    def build_percentiles(self) -> dict[str, float]:
        """P10, P50, P90 and mean of total build cost (plan currency)."""
        q = np.percentile(self.total_build_cost, PERCENTILES)
        return {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2]), "mean": float(self.total_build_cost.mean())}

    def runway_percentiles(self) -> dict[str, float | None]:
        """P10 / P50 / P90 of the runway in months; ``None`` where that share of draws never
        runs out of cash (or the plan holds no capital)."""
        if np.isnan(self.runway).all():
            return {"p10": None, "p50": None, "p90": None}
        q = np.percentile(self.runway, PERCENTILES, method="inverted_cdf")  # a draw's own value: inf stays inf
        return {f"p{p}": (float(v) if math.isfinite(v) else None) for p, v in zip(PERCENTILES, q)}

    def p_cash_lasts(self, month: int) -> float:
        """Share of draws whose cash never falls below zero up to and including ``month``."""
        if not self.months:
            return 1.0
        m = min(max(month, 1), self.months)
        return float(1.0 - self.p_cash_negative[m - 1])

    def sentences(self) -> list[str]:
        """What a founder can quote: the build cost range, the chance the cash lasts to a few
        months, the runway's median, the cash-flow break-even."""
        out = []
        q = self.build_percentiles()
        cur = self.currency
        if max(self.stated_totals.values()) > 0 or q["p90"] > 0:
            out.append(f"80% of draws put the total build cost between {q['p10']:,.0f} and {q['p90']:,.0f} {cur} "
                       f"(median {q['p50']:,.0f}; stated low / mid / high {self.stated_totals['low']:,.0f} / "
                       f"{self.stated_totals['mid']:,.0f} / {self.stated_totals['high']:,.0f}).")
        if self.months:
            if self.base.starting_capital > 0:
                kept: list[tuple[int, float]] = []  # months whose chance differs from the next month said
                for month in sorted({min(self.months, m) for m in (6, 12, 18, self.months)}, reverse=True):
                    p = self.p_cash_lasts(month)
                    if not kept or round(p, 2) != round(kept[-1][1], 2):
                        kept.append((month, p))
                for month, p in reversed(kept):
                    label = self.labels[month - 1]
                    when = "" if label.startswith("Month") else f" ({label})"
                    out.append(f"{p:.0%} chance the cash lasts to month {month}{when}.")
                r = self.runway_percentiles()
                if r["p50"] is not None:
                    out.append(f"Median runway: {r['p50']:.1f} months.")
                else:
                    out.append("In at least half the draws the cash never runs out.")
            else:
                out.append("The plan holds no capital, so its cash is what it spends less what it earns: "
                           "add a capital line to see a runway.")
            share = float((self.break_even > 0).mean())
            out.append(f"{share:.0%} of draws reach cash-flow break-even within the plan's {self.months} months.")
        return out

    def to_json(self) -> dict:
        """``{draws, seed, band, total_build_cost {p10, p50, p90, mean}, months [{month, label,
        cash_p10, cash_p50, cash_p90, cost_p50, revenue_p50}], runway_months {p10, p50, p90},
        break_even_month {p10, p50, p90, share_within}, p_cash_negative_by_month [...], drivers
        [{input, correlation}]}`` (money in the plan's currency)."""
        months = [{"month": m + 1, "label": self.labels[m], "cash_p10": float(self.cash[10][m]),
                   "cash_p50": float(self.cash[50][m]), "cash_p90": float(self.cash[90][m]),
                   "cost_p50": float(self.cost[50][m]), "revenue_p50": float(self.revenue[50][m])}
                  for m in range(self.months)]
        hit = self.break_even[self.break_even > 0]
        be = {f"p{p}": (float(np.percentile(hit, p, method="inverted_cdf")) if hit.size else None)
              for p in PERCENTILES}
        be["share_within"] = float(hit.size / self.draws) if self.draws else 0.0
        return {"draws": self.draws, "seed": self.seed, "band": self.band.replace("_", "-"),
                "currency": self.currency, "inputs": len(self.inputs),
                "total_build_cost": self.build_percentiles(), "stated_totals": self.stated_totals,
                "months": months, "runway_months": self.runway_percentiles(), "break_even_month": be,
                "p_cash_negative_by_month": [float(x) for x in self.p_cash_negative],
                "drivers": [{"input": name, "correlation": c} for name, c in self.drivers]}


class _Draws:
    """The draws as columns, found by where each input lives."""

    def __init__(self, inputs: list[UncertainInput], values: np.ndarray):
        self.values = values
        self.by_kind: dict[tuple[str, str], dict[int, int]] = {}
        for j, i in enumerate(inputs):
            self.by_kind.setdefault((i.table, i.field), {})[i.row_id] = j

    def of(self, table: str, field_name: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions into ``ids`` that are drawn, in order, and their draws (n, k))."""
        found = self.by_kind.get((table, field_name))
        if not found:
            return np.zeros(0, dtype=np.int64), self.values[:, :0]
        rids = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
        cols = np.fromiter(found.values(), dtype=np.int64, count=len(found))
        pos = positions_of(np.asarray(ids, dtype=np.int64), rids)
        keep = np.flatnonzero(pos >= 0)
        order = keep[np.argsort(pos[keep], kind="stable")]
        return pos[order], self.values[:, cols[order]]


def simulate(plan: Plan, band: str = "mid", draws: int = DEFAULT_DRAWS, seed: int = 0,
             result: PlanResult | None = None, usage: UsageModel | None = None) -> Simulation:
    """Run ``draws`` draws of ``plan`` (apply a scenario first with
    :func:`vivim_planner.engine.scenarios.resolve_scenario`; ``band``: the scenario's build band:
    bottom-up draws the bottom-up lines, any other draws the mid estimates). Seeded and
    reproducible: the same plan, draws and seed give the same result. Raises :class:`PlanError`
    (a ``CellError``) for an *Uncertainty* row that names no input, ``ValueError`` for fewer
    than one draw."""
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    band = "bottom_up" if band in ("bottom-up", "bottom_up") else "mid"
    r = result or compute(plan)
    um = usage or UsageModel(plan)
    inputs = uncertain_inputs(plan, r)
    groups = {plan.tables["correlation_groups"].get(p, "name"): nz(plan.tables["correlation_groups"].get(p, "correlation"))
              for p in range(len(plan.tables["correlation_groups"]))}
    if inputs:
        values, scores = draw_inputs(inputs, draws, seed, groups, scores=True)
    else:
        values, scores = np.zeros((draws, 0)), np.zeros((draws, 0), dtype=np.float32)
    run = run_draws(plan, band, inputs, values, r, um)
    n, H = draws, run.base.horizon
    pct = lambda x: {p: np.percentile(x, p, axis=0) if H else np.zeros(0) for p in PERCENTILES}  # noqa: E731
    below = np.minimum.accumulate(run.cash, axis=1) < -TOLERANCE if H else np.zeros((n, 0), dtype=bool)
    ending = run.cash[:, -1] if H else np.zeros(n)
    target = ending if H and np.ptp(ending) > 0 else run.total_build_cost
    drivers = _drivers(inputs, values, scores, target)
    return Simulation(draws=n, seed=seed, band=band, currency=plan.settings.currency, labels=run.base.labels,
                      inputs=inputs, cash=pct(run.cash), cost=pct(run.build_spend + run.operating + run.startup),
                      revenue=pct(run.revenue), p_cash_negative=below.mean(axis=0) if H else np.zeros(0),
                      total_build_cost=run.total_build_cost, runway=run.runway, break_even=run.break_even,
                      ending_cash=ending, drivers=drivers, base=run.base,
                      stated_totals={k: float(r.totals[k]) for k in ("low", "mid", "high")})


def _drivers(inputs: list[UncertainInput], values: np.ndarray, scores: np.ndarray, target: np.ndarray,
             top: int = 40) -> list[tuple[str, float]]:
    """Inputs by the strength of their Spearman rank correlation with ``target``, strongest
    first. An input's ranks are those of its uniform scores, so a first pass correlates the
    scores (the empirical ranks over n, to O(1/sqrt(n))) and the ``top`` of them get their exact
    rank correlation."""
    n = len(target)
    if not inputs or n < 3 or np.ptp(target) == 0:
        return []
    ry = _ranks(target[:, None])[:, 0]
    ry -= ry.mean()
    s = scores.astype(np.float64) - 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        rough = (s.T @ ry) / np.sqrt((s ** 2).sum(axis=0) * (ry ** 2).sum())
    pick = np.argsort(-np.abs(np.nan_to_num(rough)), kind="stable")[:top]
    exact = spearman(values[:, pick], target)
    order = np.argsort(-np.abs(np.nan_to_num(exact)), kind="stable")
    return [(inputs[pick[j]].label, float(exact[j])) for j in order if math.isfinite(exact[j])]


@dataclass(frozen=True)
class Draws:
    """Every draw's months (n, H) and totals (n,), from :func:`run_draws`."""

    base: Timeline
    total_build_cost: np.ndarray
    build_spend: np.ndarray
    users: np.ndarray
    operating: np.ndarray
    revenue: np.ndarray
    fees: np.ndarray
    startup: np.ndarray
    capital_in: np.ndarray
    cash_flow: np.ndarray
    cash: np.ndarray
    runway: np.ndarray
    break_even: np.ndarray


def run_draws(plan: Plan, band: str, inputs: list[UncertainInput], values: np.ndarray,
              result: PlanResult | None = None, usage: UsageModel | None = None) -> Draws:
    """The timeline of every row of ``values`` (n, inputs): each input at its drawn value,
    everything else as the plan has it. With every input at its plan value (its mode) each row
    is the plan's own timeline (:func:`vivim_planner.engine.timeline.timeline`)."""
    band = "bottom_up" if band in ("bottom-up", "bottom_up") else "mid"
    r = result or compute(plan)
    um = usage or UsageModel(plan)
    tl = timeline(plan, band, r, um)
    d = _Draws(inputs, values)
    n, H = values.shape[0], tl.horizon
    total, build_spend = _build(plan, r, tl, d, n, band)
    users, paying_tiers, stated = _users(plan, tl, d, n)
    operating = _operating(plan, r, um, tl, d, n, users, stated)
    revenue, fees = _revenue(plan, tl, d, n, users, paying_tiers)
    startup, capital_in = _capital(plan, tl, d, n)
    cash_flow = revenue - fees - operating - build_spend - startup
    cash = np.cumsum(cash_flow + capital_in, axis=1)
    ok = (revenue > 0) & (cash_flow >= -TOLERANCE)
    first = np.where(ok.any(axis=1), ok.argmax(axis=1) + 1, 0) if H else np.zeros(n, dtype=np.int64)
    return Draws(tl, total, build_spend, users, operating, revenue, fees, startup, capital_in, cash_flow, cash,
                 _runway(cash_flow + capital_in, capital_in), first)


# -- the vectorized model, as differences from the timeline -------------------------------------

def _add_cells(arr: np.ndarray, m: np.ndarray, c: np.ndarray, delta: np.ndarray) -> None:
    """``arr[:, m[k], c[k]] += delta[:, k]`` for every k, repeated cells summed (arr: (n, M, C)):
    the columns of ``delta`` are summed per cell first (one sort, one reduceat)."""
    n, M, C = arr.shape
    if not len(m):
        return
    cells = m * C + c
    order = np.argsort(cells, kind="stable")
    sorted_cells = cells[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_cells[1:] != sorted_cells[:-1]]))
    summed = np.add.reduceat(delta[:, order], starts, axis=1)
    flat = arr.reshape(n, M * C)  # a view
    flat[:, sorted_cells[starts]] += summed


def _build(plan: Plan, r: PlanResult, tl: Timeline, d: _Draws, n: int, band: str) -> tuple[np.ndarray, np.ndarray]:
    """Total build cost (n,) and build spend (n, H) of every draw."""
    ms = plan.milestones
    M, C = len(ms), len(r.categories)
    H = tl.horizon
    if not M:
        return np.zeros(n), np.zeros((n, H))
    cats = {c.strip().casefold(): i for i, c in enumerate(r.categories)}
    bottom_up = np.broadcast_to(r.bottom_up["mid"], (n, M, C)).copy()
    # build lines drawn within their low-high
    bi = plan.build_items
    pos, draws = d.of("build_items", "amount", bi.ids)
    if pos.size:
        mpos = positions_of(ms.ids, bi.column("milestone"))[pos]
        cpos = np.array([cats[bi.get(int(p), "category").strip().casefold()] for p in pos], dtype=np.int64)
        delta = draws - r.build_cost[pos][None, :]
        ok = mpos >= 0
        _add_cells(bottom_up, mpos[ok], cpos[ok], delta[:, ok])
    # team lines: drawn role rates (lines without a rate or lump sum of their own) and FTEs
    al = plan.allocations
    personnel = cats[PERSONNEL.casefold()]
    a_m = positions_of(ms.ids, al.column("milestone"))
    months, fte = al.column("months"), al.column("fte")
    uses_role = np.isnan(al.column("hourly_rate")) & np.isnan(al.column("lump_sum")) & (a_m >= 0)
    rpos, rdraws = d.of("roles", "hourly_rate", plan.roles.ids)
    if rpos.size:
        line_role = positions_of(plan.roles.ids, al.column("role"))
        weight = np.zeros((len(rpos), M))  # hours of each drawn role's lines per milestone
        col_of = {int(p): k for k, p in enumerate(rpos)}
        for line in np.flatnonzero(uses_role):
            k = col_of.get(int(line_role[line]))
            if k is not None:
                weight[k, a_m[line]] += nz(r.hours_per_month * months[line] * fte[line])
        base_rate = np.asarray(plan.roles.column("hourly_rate"), dtype=float)[rpos]
        bottom_up[:, :, personnel] += (rdraws - base_rate[None, :]) @ weight
    fpos, fdraws = d.of("allocations", "fte", al.ids)
    if fpos.size:
        rate = np.nan_to_num(r.allocation_rate[fpos])
        no_lump = np.isnan(al.column("lump_sum")[fpos]) & (a_m[fpos] >= 0)
        per_fte = np.where(no_lump, rate * r.hours_per_month * np.nan_to_num(months[fpos]), 0.0)
        delta = (fdraws - np.nan_to_num(fte[fpos])[None, :]) * per_fte[None, :]
        _add_cells(bottom_up, np.where(no_lump, a_m[fpos], 0), np.full(len(fpos), personnel), delta)
    present = r.present
    if band == "bottom_up":
        est = np.where(present, bottom_up, 0.0)
    else:
        s_lo, s_mid, s_hi = (r.stated_estimate[k] for k in ("low", "mid", "high"))
        stated_mid = np.broadcast_to(s_mid, (n, M, C)).copy()
        es = plan.estimates
        epos, edraws = d.of("estimates", "mid", es.ids)
        if epos.size:
            em = positions_of(ms.ids, es.column("milestone"))[epos]
            ec = np.array([cats[es.get(int(p), "category").strip().casefold()] for p in epos], dtype=np.int64)
            delta = edraws - np.asarray(es.column("mid"), dtype=float)[epos][None, :]
            ok = em >= 0
            _add_cells(stated_mid, em[ok], ec[ok], delta[:, ok])
        with np.errstate(invalid="ignore"):
            fallback = np.fmin(np.fmax(bottom_up, s_lo[None]), s_hi[None])
        est = np.where(present[None], np.where(np.isnan(s_mid)[None], fallback, stated_mid), 0.0)
    total = est.sum(axis=(1, 2))
    others = est.sum(axis=2) - est[:, :, personnel]
    spend = est[:, :, personnel] @ tl.spread_personnel + others @ tl.spread_even
    return total, spend


def _users(plan: Plan, tl: Timeline, d: _Draws, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active users (n, H), paying subscribers per paid tier (n, tiers, H) and which months a
    growth step's stated cost holds (H,)."""
    H = tl.horizon
    growth = plan.tables["growth"]
    users = np.broadcast_to(tl.users, (n, H)).copy()
    paying_fixed = np.full(H, np.nan)  # a step's own paying subscribers, where it has them
    stated = np.zeros(H, dtype=bool)
    for k in set(tl.step.tolist()) - {-1}:
        sel = tl.step == k
        pay = float(growth.get(k, "paying"))
        if not math.isnan(pay):
            paying_fixed[sel] = pay
        stated[sel] = not math.isnan(float(growth.get(k, "operating_cost")))
    paying_step = np.broadcast_to(paying_fixed, (n, H)).copy()
    for fld, arr in (("users", users), ("paying", paying_step)):
        pos, draws = d.of("growth", fld, growth.ids)
        for j, k in enumerate(pos.tolist()):
            sel = tl.step == k
            arr[:, sel] = draws[:, j][:, None]
    # paying per tier: a step's subscribers split by the tiers' weights, else users x each share
    tiers = tl.tiers
    paid = tl.mix.tiers
    shares = np.broadcast_to(np.array([tiers[i].conversion for i in paid], dtype=float), (n, len(paid))).copy()
    pos, draws = d.of("pricing_tiers", "conversion", plan.tables["pricing_tiers"].ids)
    col = {int(i): j for j, i in enumerate(paid.tolist())}
    for j, p in enumerate(pos.tolist()):
        if p in col:
            shares[:, col[p]] = draws[:, j]
    total = shares.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(total > 0, shares / total, 1.0 / max(len(paid), 1))
    from_users = users[:, None, :] * shares[:, :, None]
    from_step = paying_step[:, None, :] * weights[:, :, None]
    paying = np.where(np.isnan(paying_step)[:, None, :], from_users, from_step)
    return users, paying, stated


def _operating(plan: Plan, r: PlanResult, um: UsageModel, tl: Timeline, d: _Draws, n: int,
               users: np.ndarray, stated: np.ndarray) -> np.ndarray:
    """Operating cost (n, H): lines of the milestone in force + tier + services + LLM, or a
    growth step's stated cost."""
    H = tl.horizon
    lines = np.broadcast_to(tl.operating_lines, (n, H)).copy()
    oc = plan.operating_costs
    pos, draws = d.of("operating_costs", "amount", oc.ids)
    if pos.size:
        line_ms = positions_of(plan.milestones.ids, oc.column("milestone"))[pos]
        for j, p in enumerate(pos.tolist()):
            qty, unit = float(oc.get(p, "quantity")), float(oc.get(p, "unit_cost"))
            if not (math.isnan(qty) or math.isnan(unit)):
                continue  # qty x unit cost wins over the amount, as in the roll-up
            base = nz(oc.get(p, "amount"))
            sel = tl.milestone == line_ms[j]
            lines[:, sel] += (draws[:, j] - base)[:, None]
    flat = users.ravel()
    # infrastructure: the tier in force at each draw's users, at its components' draws
    infra = np.zeros((n, H))
    if um.tier_from.size:
        tier_cost = _tier_draws(plan, um, d, n)  # (n, tiers on the curve)
        idx = np.searchsorted(um.tier_from, users, side="right") - 1
        rows = np.arange(n)[:, None]
        infra = np.where(idx >= 0, tier_cost[rows, np.maximum(idx, 0)], 0.0)
    # services: the cheapest plan that fits at each draw's usage and prices
    services = np.zeros((n, H))
    if um.services:
        per_user, price = _meter_draws(plan, um, d, n, H)
        if per_user is None and price is None:  # only the users vary: price each distinct count once
            distinct, inverse = np.unique(flat, return_inverse=True)
            c = um.evaluate(distinct)
            per_count = sum(c.components[name] for name, kind in c.kinds.items() if kind == "service")
            services = np.asarray(per_count)[inverse].reshape(n, H)
        else:
            services = um.service_costs(flat, per_user, price).sum(axis=0).reshape(n, H)
    llm = users * _llm_per_user(plan, um, d, n)[:, None]
    return np.where(stated[None, :], tl.operating_cost[None, :], lines + infra + services + llm)


def option_bands(plan: Plan) -> dict[int, tuple[str, float, float]]:
    """Tier id -> (label of its alternatives, low, high): the band of a tier's options as
    :class:`~vivim_planner.engine.usage.UsageModel` prices it (the cheapest option's low to the
    dearest option's high); tiers without options are left out."""
    comps = plan.tables["infra_components"]
    groups: dict[int, dict[str, list[float]]] = {}
    for p in range(len(comps)):
        option = comps.get(p, "option")
        if not option:
            continue
        lo, hi = float(comps.get(p, "low")), float(comps.get(p, "high"))
        lo, hi = (0.0 if math.isnan(lo) else lo), (lo if math.isnan(hi) else hi)
        acc = groups.setdefault(int(comps.get(p, "tier")), {}).setdefault(option, [0.0, 0.0])
        acc[0] += lo
        acc[1] += 0.0 if math.isnan(hi) else hi
    return {tier: (" or ".join(opts), min(v[0] for v in opts.values()), max(v[1] for v in opts.values()))
            for tier, opts in groups.items()}


def _tier_draws(plan: Plan, um: UsageModel, d: _Draws, n: int) -> np.ndarray:
    """Cost of each tier on the curve per draw (n, tiers): the mid of its band moved by the
    draws of its plain components and of its group of options (drawn as one input across the
    group's band)."""
    comps = plan.tables["infra_components"]
    on_curve = {name: i for i, name in enumerate(um.tier_names)}
    cost = np.broadcast_to((um.tier_low + um.tier_high) / 2, (n, len(um.tier_names))).copy()
    pos, draws = d.of("infra_components", "low", comps.ids)
    for j, p in enumerate(pos.tolist()):
        t = on_curve.get(plan.ref_label("infra_tiers", int(comps.get(p, "tier"))))
        if t is not None:
            lo, hi = float(comps.get(p, "low")), float(comps.get(p, "high"))
            cost[:, t] += draws[:, j] - (lo + hi) / 2
    tiers = plan.tables["infra_tiers"]
    pos, draws = d.of("infra_tiers", "options", tiers.ids)
    bands = option_bands(plan)
    for j, p in enumerate(pos.tolist()):
        t = on_curve.get(tiers.get(p, "name"))
        if t is not None:
            _label_text, lo, hi = bands[int(tiers.ids[p])]
            cost[:, t] += draws[:, j] - (lo + hi) / 2
    return cost


def _meter_draws(plan: Plan, um: UsageModel, d: _Draws, n: int, H: int):  # noqa: ANN202
    """Per-point meter parameters (meters x n*H) when usage drivers or unit prices are drawn,
    else ``(None, None)``."""
    from ..domain.units import conversion

    drivers, meters = plan.tables["usage_drivers"], plan.tables["meters"]
    dpos, ddraws = d.of("usage_drivers", "per_user", drivers.ids)
    mpos, mdraws = d.of("meters", "unit_price", meters.ids)
    if not dpos.size and not mpos.size:
        return None, None
    # the model sorts its meters by plan; match them back to the table by (plan, driver, unit)
    order = _meter_order(plan, um)
    per_user = np.repeat(um.meter_per_user[:, None], n, axis=1)
    price = np.repeat(um.meter_price[:, None], n, axis=1)
    d_col = {int(p): j for j, p in enumerate(dpos.tolist())}
    m_col = {int(p): j for j, p in enumerate(mpos.tolist())}
    for k, p in enumerate(order):
        drv = drivers.position(int(meters.get(p, "driver")))
        if drv in d_col:
            per_user[k] = ddraws[:, d_col[drv]] * conversion(drivers.get(drv, "unit"), meters.get(p, "unit"))
        if p in m_col:
            per = float(meters.get(p, "per"))
            per = 1.0 if math.isnan(per) or per <= 0 else per
            price[k] = mdraws[:, m_col[p]] / per
    return np.repeat(per_user, H, axis=1), np.repeat(price, H, axis=1)


def _meter_order(plan: Plan, um: UsageModel) -> list[int]:
    """Table position of each of the model's meters (the model keeps them sorted by plan)."""
    sp, meters = plan.tables["service_plans"], plan.tables["meters"]
    services = um.services
    plan_order = sorted(range(len(sp)), key=lambda p: (services.index(sp.get(p, "service")), p))
    rank = {int(sp.ids[p]): i for i, p in enumerate(plan_order)}
    return sorted(range(len(meters)), key=lambda p: rank[int(meters.get(p, "plan"))])


def _llm_per_user(plan: Plan, um: UsageModel, d: _Draws, n: int) -> np.ndarray:
    """LLM cost per active user per month (n,): every segment's share x its cost per user, at
    the drawn token prices (a session's cost is linear in each price)."""
    base = sum(s.share * s.cost for s in um.segments)
    models, acts = plan.tables["llm_models"], plan.tables["llm_activities"]
    ipos, idraws = d.of("llm_models", "input_price", models.ids)
    opos, odraws = d.of("llm_models", "output_price", models.ids)
    out = np.full(n, float(base))
    if not ipos.size and not opos.size:
        return out
    segs, usage = plan.tables["segments"], plan.tables["segment_usage"]
    share = {int(segs.ids[p]): nz(segs.get(p, "share")) for p in range(len(segs))}
    for q in range(len(usage)):
        sessions = nz(usage.get(q, "sessions")) * share.get(int(usage.get(q, "segment")), 0.0)
        a = acts.position(int(usage.get(q, "activity")))
        m = models.position(int(acts.get(a, "model")))
        cost, list_cost, billable_in, output = um.activity_cost[int(acts.ids[a])]
        keep = cost / list_cost if list_cost else 1.0 - nz(acts.get(a, "batch_share")) * nz(models.get(m, "batch_discount"))
        for positions, draws, amount, price_field in ((ipos, idraws, billable_in, "input_price"),
                                                      (opos, odraws, output, "output_price")):
            hit = np.flatnonzero(positions == m)
            if hit.size:
                delta = draws[:, hit[0]] - float(models.get(m, price_field))
                out += sessions * amount * delta / 1e6 * keep
    return out


def _revenue(plan: Plan, tl: Timeline, d: _Draws, n: int, users: np.ndarray,
             paying: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Revenue and fees (n, H): subscriptions at the drawn prices plus the offsets of the
    milestone in force; fees as :mod:`.pricing` computes them, per draw."""
    tiers_t, fees_t = plan.tables["pricing_tiers"], plan.tables["payment_fees"]
    paid = tl.mix.tiers
    H = tl.horizon
    monthly = np.broadcast_to(np.array([tl.tiers[i].monthly_price for i in paid], dtype=float), (n, len(paid))).copy()
    pos, draws = d.of("pricing_tiers", "monthly_price", tiers_t.ids)
    col = {int(i): j for j, i in enumerate(paid.tolist())}
    for j, p in enumerate(pos.tolist()):
        if p in col:
            monthly[:, col[p]] = draws[:, j]
    revenue = np.broadcast_to(tl.stream_revenue, (n, H)).copy()
    fees = np.broadcast_to(tl.fees - tl.paying * tl.mix.fees, (n, H)).copy()  # the offsets' fees
    tier_ids = [int(i) for i in tiers_t.ids]
    for j, i in enumerate(paid.tolist()):
        t = tl.tiers[i]
        annual = t.annual_price
        a = 0.0 if math.isnan(annual) else nz(tiers_t.get(i, "annual_share"))
        price = monthly[:, j] * (1 - a) + (0.0 if math.isnan(annual) else annual / 12 * a)
        payments = (1 - a) + a / 12
        fee = np.zeros(n)
        for q in range(len(fees_t)):
            tier = int(fees_t.get(q, "tier"))
            if tier and tier != tier_ids[i]:
                continue
            fee += np.where(price > 0, nz(fees_t.get(q, "percent")) * price + nz(fees_t.get(q, "fixed")) * payments, 0.0)
        revenue += paying[:, j, :] * price[:, None]
        fees += paying[:, j, :] * fee[:, None]
    return revenue, fees


def _capital(plan: Plan, tl: Timeline, d: _Draws, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Startup costs and capital in (n, H), capital lines at their draws."""
    H = tl.horizon
    startup = np.broadcast_to(tl.startup_costs, (n, H)).copy()
    capital = np.broadcast_to(tl.capital_in, (n, H)).copy()
    cap = plan.tables["capital"]
    pos, draws = d.of("capital", "amount", cap.ids)
    for j, p in enumerate(pos.tolist()):
        amount = float(cap.get(p, "amount"))
        lo, hi = float(cap.get(p, "low")), float(cap.get(p, "high"))
        if math.isnan(amount):
            amount = lo if math.isnan(hi) else hi if math.isnan(lo) else (lo + hi) / 2
        m = int(nz(cap.get(p, "month")) or 1)
        if 1 <= m <= H:
            target = capital if cap.get(p, "kind") == "capital" else startup
            target[:, m - 1] += draws[:, j] - nz(amount)
    return startup, capital


def _runway(flow: np.ndarray, capital_in: np.ndarray) -> np.ndarray:
    """Runway of every draw (:func:`vivim_planner.engine.timeline.runway` on each row): months
    the cash covers; ``inf`` when it never runs out; NaN for a draw without capital."""
    n, H = flow.shape
    out = np.full(n, np.inf)
    if not H:
        return np.full(n, np.nan)
    cash = np.cumsum(flow, axis=1)
    below = cash < -TOLERANCE
    hit = below.any(axis=1)
    m = below.argmax(axis=1)
    rows = np.arange(n)
    prev = np.where(m > 0, cash[rows, np.maximum(m - 1, 0)], 0.0)
    f = flow[rows, m]
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where((f < 0) & (prev > 0), prev / -f, 0.0)
    out[hit] = (m + part)[hit]
    last = flow[:, -1]
    tail = ~hit & (last < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[tail] = (H + cash[:, -1] / -last)[tail]
    out[capital_in.sum(axis=1) <= 0] = np.nan
    return out
