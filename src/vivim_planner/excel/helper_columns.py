"""Derived columns the *Timeline* sheet reads: each grid's per-row figures that the monthly
formulas sum over (one formula per row, FAST style), after the grid's own derived columns.

* **Team**: the line's span in plan time (``Starts after month`` a = its milestone's start - 1,
  ``Ends at month`` b = a + its months; a lump sum without months spans its milestone) and its
  ``Cost / month`` (cost / months); a dangling line spans nothing. Month m covers [m - 1, m),
  so the line's part of month m is MAX(0, MIN(m, b) - MAX(m - 1, a)) months
  (:mod:`vivim_planner.engine.schedule`).
* **Milestones**: the build estimate (mid) and its Personnel part, the team lines' cost, the
  operating lines, revenue offsets and offset customers of the milestone (what the timeline
  takes for the months it is in force).
* **Pricing**: each tier's effective price, payments per month, fees per subscriber-month and
  share of a paying subscriber (:mod:`vivim_planner.engine.pricing`).
* **Growth**: the step's first month (0: none) and active users (its own, else its milestone's).
* **Capital**: the amount used (else the midpoint of low-high) and the month (empty: 1).

Every helper is a number, never ``""``, because SUMPRODUCT's arithmetic refuses text.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

import numpy as np

from ..domain import Plan
from ..domain.schema import ALLOCATIONS, MILESTONES, OPERATING_COSTS, REVENUES
from ..engine import PlanResult
from ..engine.rollup import PERSONNEL, positions_of
from ..engine.schedule import team_spans
from .formulas import ROLLUP_COLUMNS, ROLLUP_SHEET, Derived, criterion, lookup_value, nth, whole_column

SPARE_ROWS = 1000
"""Rows below a grid's last row that the Timeline's sums also cover (rows an analyst adds)."""


def rows_range(spec, col: int, n: int) -> str:  # noqa: ANN001 - TableSpec
    """Absolute range of one column over a grid's rows and :data:`SPARE_ROWS` more:
    ``Team!$P$2:$P$1121``."""
    from ..domain import column_letter
    from .formulas import sheet_ref

    letter = column_letter(col)
    return f"{sheet_ref(spec.sheet)}!${letter}$2:${letter}${n + 1 + SPARE_ROWS}"


def _ms_lookup(plan: Plan, table_name: str, field: str):  # noqa: ANN202
    """Per row of ``table_name``: the formula text of its milestone's ``field`` (INDEX / MATCH
    on the milestone code) and the codes, for escaping."""
    t = plan.tables[table_name]
    codes = [plan.ref_label("milestones", int(m)) for m in t.column("milestone")]
    ms_codes = whole_column(MILESTONES.sheet, MILESTONES.column_index("code"))
    col = whole_column(MILESTONES.sheet, MILESTONES.column_index(field))

    def look(refs: dict[str, str], p: int) -> str:
        return f"INDEX({col},MATCH({lookup_value(refs['milestone'], nth(codes, p))},{ms_codes},0))"

    return look


def team_helpers(plan: Plan) -> tuple[Derived, ...]:
    start = _ms_lookup(plan, "allocations", "start_month")
    end = _ms_lookup(plan, "allocations", "end_month")

    def spans(p: Plan, r: PlanResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s, length, cost, _, mpos = team_spans(p, r.hours_per_month)
        placed = (mpos >= 0) & np.isfinite(s)
        ok = placed & (length > 0)
        a = np.where(placed, s, 0.0)
        b = np.where(placed, s + np.nan_to_num(length), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            cpm = np.where(ok, cost / length, 0.0)
        return a, b, cpm

    def a_formula(refs: dict[str, str], p: int) -> str:
        return f"=IFERROR({start(refs, p)}-1,0)"

    def b_formula(refs: dict[str, str], p: int) -> str:
        m, lump = refs["months"], refs["lump_sum"]
        span = f'IF(AND({lump}<>"",NOT(N({m})>0)),{end(refs, p)}-{start(refs, p)}+1,N({m}))'
        return f"=IFERROR({refs['span_start']}+{span}*ISNUMBER({start(refs, p)}),0)"

    def cpm_formula(refs: dict[str, str], p: int) -> str:
        a, b, c = refs["span_start"], refs["span_end"], refs["cost"]
        return f"=IF({b}>{a},N({c})/({b}-{a}),0)"

    return (
        Derived("span_start", "Starts after month", a_formula, lambda p, r: spans(p, r)[0], "number",
                "The line's milestone's start month - 1 (plan time); 0 for a line without a milestone"),
        Derived("span_end", "Ends at month", b_formula, lambda p, r: spans(p, r)[1], "number",
                "Starts after month + months (a lump sum without months: its milestone's months)"),
        Derived("cost_per_month", "Cost / month", cpm_formula, lambda p, r: spans(p, r)[2], "money",
                "Cost / (ends at - starts after): what the line costs in each month it covers"),
    )


def _per_milestone(plan: Plan, table, field: str, values: np.ndarray) -> np.ndarray:  # noqa: ANN001
    pos = positions_of(plan.milestones.ids, table.column("milestone"))
    out = np.zeros(len(plan.milestones))
    ok = pos >= 0
    np.add.at(out, pos[ok], np.nan_to_num(np.asarray(values, dtype=float))[ok])
    return out


def milestone_helpers(plan: Plan) -> tuple[Derived, ...]:
    codes = list(plan.milestones.column("code"))
    est = whole_column(ROLLUP_SHEET, ROLLUP_COLUMNS.index("est_mid"))
    r_ms, r_cat = whole_column(ROLLUP_SHEET, 0), whole_column(ROLLUP_SHEET, 1)
    n_al = len(ALLOCATIONS.fields)
    al_cost = whole_column(ALLOCATIONS.sheet, n_al + 2)
    al_ms = whole_column(ALLOCATIONS.sheet, ALLOCATIONS.column_index("milestone"))
    op_amount = whole_column(OPERATING_COSTS.sheet, len(OPERATING_COSTS.fields))
    op_ms = whole_column(OPERATING_COSTS.sheet, OPERATING_COSTS.column_index("milestone"))
    rv = {k: whole_column(REVENUES.sheet, REVENUES.column_index(k)) for k in ("amount", "customers", "milestone")}

    def sumifs(values: str, crit_range: str, extra: str = "") -> Callable:
        return lambda refs, p: f"=SUMIFS({values},{crit_range},{criterion(refs['code'], nth(codes, p))}{extra})"

    def personnel(p: Plan, r: PlanResult) -> np.ndarray:
        return r.estimate["mid"][:, r.categories.index(PERSONNEL)] if len(p.milestones) else np.zeros(0)

    return (
        Derived("build_mid", "Build (mid)", sumifs(est, r_ms), lambda p, r: r.total["mid"], "money",
                f"The milestone's mid estimates (sheet {ROLLUP_SHEET}); the Timeline spreads it over its months"),
        Derived("build_personnel", "of which Personnel", sumifs(est, r_ms, f',{r_cat},"{PERSONNEL}"'), personnel,
                "money", "Spread like the milestone's team cost, month by month"),
        Derived("team_cost", "Team lines' cost", sumifs(al_cost, al_ms),
                lambda p, r: _per_milestone(p, p.allocations, "milestone", r.allocation_cost), "money",
                "Sum of the milestone's team lines (sheet Team)"),
        Derived("operating", "Operating lines / month", sumifs(op_amount, op_ms), lambda p, r: r.operating, "money",
                "Monthly operating lines of the milestone, in every month it is in force"),
        Derived("offsets", "Revenue offsets / month", sumifs(rv["amount"], rv["milestone"]),
                lambda p, r: r.revenue, "money", "Revenue offsets of the milestone, in every month it is in force"),
        Derived("customers", "Offset customers", sumifs(rv["customers"], rv["milestone"]),
                lambda p, r: _per_milestone(p, p.revenues, "milestone", p.revenues.column("customers")), "number",
                "Customers paying the offsets (fees of scope 'all revenue' charge each once a month)"),
    )


def pricing_helpers(plan: Plan) -> tuple[Derived, ...]:
    from ..domain.economics_schema import PAYMENT_FEES, PRICING_TIERS
    from ..engine.pricing import paying_mix, tier_economics
    from ..engine.usage import UsageModel

    n_fee = len(plan.tables["payment_fees"])
    n_tier = len(plan.tables["pricing_tiers"])
    f_tier = rows_range(PAYMENT_FEES, PAYMENT_FEES.column_index("tier"), n_fee)
    f_pct = rows_range(PAYMENT_FEES, PAYMENT_FEES.column_index("percent"), n_fee)
    f_fixed = rows_range(PAYMENT_FEES, PAYMENT_FEES.column_index("fixed"), n_fee)
    n_in = len(PRICING_TIERS.fields)
    price_col = rows_range(PRICING_TIERS, n_in, n_tier)
    conv_col = rows_range(PRICING_TIERS, PRICING_TIERS.column_index("conversion"), n_tier)

    def tiers(p: Plan) -> list:
        return tier_economics(p, UsageModel(p))

    def price(refs: dict[str, str], p: int) -> str:
        m, y, s = refs["monthly_price"], refs["annual_price"], refs["annual_share"]
        a = f'IF({y}="",0,N({s}))'
        return f'=N({m})*(1-{a})+IF({y}="",0,{y}/12*{a})'

    def payments(refs: dict[str, str], p: int) -> str:
        y, s = refs["annual_price"], refs["annual_share"]
        a = f'IF({y}="",0,N({s}))'
        return f"=(1-{a})+{a}/12"

    def fees(refs: dict[str, str], p: int) -> str:
        pr, pay, name = refs["price_used"], refs["payments"], refs["name"]
        share = f'SUMPRODUCT(({f_tier}="")+({f_tier}={name}),{f_pct})'
        fixed = f'SUMPRODUCT(({f_tier}="")+({f_tier}={name}),{f_fixed})'
        return f"=IF({pr}>0,{share}*{pr}+{fixed}*{pay},0)"

    def weight(refs: dict[str, str], p: int) -> str:
        pr, conv = refs["price_used"], refs["conversion"]
        total = f'SUMIFS({conv_col},{price_col},">0")'
        return f'=IF({pr}>0,IF({total}>0,N({conv})/{total},1/COUNTIFS({price_col},">0")),0)'

    def weights(p: Plan, r: PlanResult) -> np.ndarray:
        ts = tiers(p)
        mix = paying_mix(ts)
        out = np.zeros(len(ts))
        out[mix.tiers] = mix.weights
        return out

    def payments_values(p: Plan, r: PlanResult) -> np.ndarray:
        t = p.tables["pricing_tiers"]
        out = []
        for q in range(len(t)):
            a = 0.0 if math.isnan(t.get(q, "annual_price")) else (0.0 if math.isnan(t.get(q, "annual_share"))
                                                                  else float(t.get(q, "annual_share")))
            out.append((1 - a) + a / 12)
        return np.asarray(out, dtype=float)

    return (
        Derived("price_used", "Price / subscriber-month", price, lambda p, r: [t.price for t in tiers(p)], "money",
                "Monthly price x (1 - annual share) + annual price / 12 x annual share"),
        Derived("payments", "Payments / month", payments, payments_values, "number",
                "1 for a monthly subscriber, 1/12 for an annual one, by the annual share"),
        Derived("fees", "Fees / subscriber-month", fees, lambda p, r: [t.fees for t in tiers(p)], "money",
                "Of each fee for every tier or this one: percent x price + fixed x payments (paid tiers)"),
        Derived("weight", "Share of paying", weight, weights, "percent",
                "This tier's part of a paying subscriber: its paying share / all paid tiers' (evenly when all are 0)"),
    )


def growth_helpers(plan: Plan) -> tuple[Derived, ...]:
    start = _ms_lookup(plan, "growth", "start_month")
    users = _ms_lookup(plan, "growth", "target_users")

    def first(p: Plan, r: PlanResult) -> np.ndarray:
        from ..engine.timeline import _growth

        g_month, _, _ = _growth(p, np.asarray(p.milestones.column("start_month"), dtype=float))
        return np.nan_to_num(g_month)

    def users_values(p: Plan, r: PlanResult) -> np.ndarray:
        g = p.tables["growth"]
        pos = positions_of(p.milestones.ids, g.column("milestone"))
        target = np.append(np.nan_to_num(p.milestones.column("target_users")), 0.0)[pos]
        own = np.asarray(g.column("users"), dtype=float)
        return np.where(np.isnan(own), target, own)

    return (
        Derived("first_month", "Holds from month", lambda refs, p: (
            f'=IF({refs["month"]}<>"",{refs["month"]},IFERROR({start(refs, p)},0))'), first, "integer",
            "From month, else its milestone's start month (0: the step has neither and is not used)"),
        Derived("users_used", "Users used", lambda refs, p: (
            f'=IF({refs["users"]}<>"",{refs["users"]},IFERROR(N({users(refs, p)}),0))'), users_values, "integer",
            "Active users, else its milestone's target users"),
    )


def capital_helpers(plan: Plan) -> tuple[Derived, ...]:
    def amount(refs: dict[str, str], p: int) -> str:
        a, lo, hi = refs["amount"], refs["low"], refs["high"]
        return f'=IF({a}<>"",{a},IF({lo}="",N({hi}),IF({hi}="",{lo},({lo}+{hi})/2)))'

    def amount_values(p: Plan, r: PlanResult) -> np.ndarray:
        c = p.tables["capital"]
        a, lo, hi = (np.asarray(c.column(k), dtype=float) for k in ("amount", "low", "high"))
        mid = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2))
        return np.nan_to_num(np.where(np.isnan(a), mid, a))

    def month_values(p: Plan, r: PlanResult) -> np.ndarray:
        m = np.nan_to_num(np.asarray(p.tables["capital"].column("month"), dtype=float))
        return np.where(m == 0, 1.0, np.trunc(m))

    return (
        Derived("amount_used", "Amount used", amount, amount_values, "money", "Amount, else the midpoint of low-high"),
        Derived("month_used", "Month used", lambda refs, p: f'=IF(N({refs["month"]})=0,1,INT({refs["month"]}))',
                month_values, "integer", "The month it lands in (empty: month 1)"),
    )


def _numeric(make: Callable[[Plan], tuple[Derived, ...]]) -> Callable[[Plan], tuple[Derived, ...]]:
    """``make`` with every column's empty-row value 0 (SUMPRODUCT refuses text)."""
    return lambda plan: tuple(replace(d, blank=0.0) for d in make(plan))


def _pricing(plan: Plan) -> tuple[Derived, ...]:
    from .llm_columns import tier_columns

    return _numeric(pricing_helpers)(plan) + tier_columns(plan)


def _llm(name: str, module: str = "llm_columns") -> Callable[[Plan], tuple[Derived, ...]]:
    def make(plan: Plan) -> tuple[Derived, ...]:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{module}"), name)(plan)

    return make


HELPERS = {"allocations": _numeric(team_helpers), "milestones": _numeric(milestone_helpers),
           "pricing_tiers": _pricing, "growth": _numeric(growth_helpers), "capital": _numeric(capital_helpers),
           "llm_activities": _llm("activity_columns"), "segment_usage": _llm("segment_usage_columns"),
           "segments": _llm("segment_columns"), "infra_components": _llm("component_columns", "usage_columns"),
           "infra_tiers": _llm("tier_columns", "usage_columns"), "meters": _llm("meter_columns", "usage_columns")}
"""Table name -> the helper columns the Timeline sheet reads (after the grid's own derived columns)."""

