"""The audit: every figure a source document states, against the engine's recomputation.

A :class:`Finding` is reported when a stated figure differs from the computed one by more than
the rounding of its printed precision (a figure printed as ``$0.005`` with 3 decimals matches
anything in [0.0045, 0.0055]). Differences are ``computed - stated`` in the plan's currency.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..domain import Plan, SPECS
from .rollup import PlanResult, category_key, compute, positions_of


@dataclass(frozen=True)
class Finding:
    """One disagreement between a stated and a computed figure.

    ``where``: human location (``"M1 · Team · DevOps/Infra Engineer"``); ``cell``: the grid
    address (``"Team!H4"``) or ``""``; ``table``/``row_id``/``field`` point at the offending
    stored cell so the window can mark it. ``difference`` = computed - stated.
    """

    where: str
    stated: float
    computed: float
    difference: float
    message: str
    cell: str = ""
    table: str = ""
    row_id: int = 0
    field: str = ""

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: d[k] for k in ("where", "stated", "computed", "difference", "message", "cell")}


def matches(stated: float, computed: float, decimals: int) -> bool:
    """True when ``computed`` printed with ``decimals`` decimals could read as ``stated``."""
    if math.isnan(computed):
        return False
    tolerance = 0.5 * 10.0 ** (-decimals)
    return abs(stated - computed) <= tolerance * (1 + 1e-9) + 1e-9 * abs(computed)


def money(x: float, decimals: int = 0) -> str:
    """``$1,234`` / ``-$0.31`` for messages (currency symbol omitted for non-USD plans by callers)."""
    if math.isnan(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    return f"{sign}${abs(x):,.{decimals}f}"


def _decimals_of(value: float) -> int:
    """Printed precision of a stated line figure: whole dollars unless it has cents."""
    return 0 if float(value).is_integer() else 2


class _Auditor:
    def __init__(self, plan: Plan, result: PlanResult):
        self.plan, self.r = plan, result
        self.findings: list[Finding] = []
        ms = plan.milestones
        self.code = {int(i): c for i, c in zip(ms.ids, ms.column("code"))}

    def mcode(self, mid: int) -> str:
        return self.code.get(int(mid), "Plan")

    def add(self, **kw) -> None:
        self.findings.append(Finding(**kw))

    # team lines -------------------------------------------------------------------------
    def team_lines(self) -> None:
        al, r, h = self.plan.allocations, self.r, self.r.hours_per_month
        stated = al.column("stated_cost")
        ms = self.plan.milestones
        mpos = positions_of(ms.ids, al.column("milestone"))
        duration = ms.column("end_month") - ms.column("start_month") + 1
        for p in np.flatnonzero(~np.isnan(stated)):
            s, c = float(stated[p]), float(r.allocation_cost[p])
            if matches(s, c, _decimals_of(s)):
                continue
            rate, months, fte = float(r.allocation_rate[p]), float(al.column("months")[p]), float(al.column("fte")[p])
            title = al.get(p, "title") or self.plan.ref_label("roles", al.get(p, "role"))
            basis = rate * months * fte
            hint = f" (as if {s / basis:,.4g} hours per month)" if basis > 0 else ""
            msg = (f"{title}: {money(rate)}/h x {h:g} h x {months:g} months x {fte:g} FTE = {money(c)}, "
                   f"but the source states {money(s)}{hint}")
            self.add(where=f"{self.mcode(al.get(p, 'milestone'))} · Team · {title}", stated=s, computed=c,
                     difference=c - s, message=msg, cell=f"Team!{SPECS['allocations'].address(p, 'stated_cost')}",
                     table="allocations", row_id=int(al.ids[p]), field="stated_cost")
        months = al.column("months")
        for p in np.flatnonzero(mpos >= 0):
            d = float(duration[mpos[p]])
            if not math.isnan(months[p]) and not math.isnan(d) and months[p] > d:
                title = al.get(p, "title") or self.plan.ref_label("roles", al.get(p, "role"))
                code = self.mcode(al.get(p, "milestone"))
                self.add(where=f"{code} · Team · {title}", stated=float(months[p]), computed=d,
                         difference=d - float(months[p]),
                         message=f"{title} is staffed for {months[p]:g} months but {code} lasts {d:g} months",
                         cell=f"Team!{SPECS['allocations'].address(p, 'months')}", table="allocations",
                         row_id=int(al.ids[p]), field="months")

    def priced_lines(self, table: str, computed: np.ndarray, label_field: str, unit: str) -> None:
        t = self.plan.tables[table]
        stated = t.column("stated_cost")
        spec = SPECS[table]
        for p in np.flatnonzero(~np.isnan(stated)):
            s, c = float(stated[p]), float(computed[p])
            if matches(s, c, _decimals_of(s)):
                continue
            title = t.get(p, label_field)
            q, u = t.get(p, "quantity"), t.get(p, "unit_cost")
            how = f"{q:g} x {money(u, 2 if not float(u).is_integer() else 0)} = {money(c)}" if not (
                math.isnan(q) or math.isnan(u)) else money(c)
            self.add(where=f"{self.mcode(t.get(p, 'milestone'))} · {spec.sheet} · {title}", stated=s, computed=c,
                     difference=c - s, message=f"{title}: {how}{unit}, but the source states {money(s)}{unit}",
                     cell=f"{spec.sheet}!{spec.address(p, 'stated_cost')}", table=table,
                     row_id=int(t.ids[p]), field="stated_cost")

    # stated figures ---------------------------------------------------------------------
    def stated_figures(self) -> None:
        sf = self.plan.stated_figures
        values = metric_values(self.plan, self.r)
        spec = SPECS["stated_figures"]
        for p in range(len(sf)):
            row = sf.row(p)
            mid = int(row["milestone"] or 0)
            cat = category_key(row["category"]) if row["category"] else ""
            key = (row["metric"], mid, cat, row["bound"])
            computed = values.get(key, math.nan)
            stated = float(row["value"])
            decimals = 0 if math.isnan(row["decimals"]) else int(row["decimals"])
            if matches(stated, computed, decimals):
                continue
            label = row["label"] or row["metric"]
            where = f"{self.mcode(mid)} · {label}" if mid else label
            detail = self._why(row, stated)
            msg = (f"{label} is stated as {money(stated, decimals)} but the inputs give "
                   f"{money(computed, max(decimals, 0 if abs(computed) >= 1 else 4))}{detail}")
            self.add(where=where, stated=stated, computed=computed,
                     difference=computed - stated if not math.isnan(computed) else math.nan,
                     message=msg, cell=f"{spec.sheet}!{spec.address(p, 'value')}", table="stated_figures",
                     row_id=int(sf.ids[p]), field="value")

    def _why(self, row: dict, stated: float) -> str:
        """Explain a subtotal mismatch: do the source's own printed lines add up to it?"""
        mid = int(row["milestone"] or 0)
        if row["metric"] == "allocations_subtotal":
            t = self.plan.allocations
            lines = t.column("stated_cost")[np.asarray(t.column("milestone")) == mid]
        elif row["metric"] == "build_subtotal" and row["bound"] == "value":
            t = self.plan.build_items
            sel = (np.asarray(t.column("milestone")) == mid) & np.array(
                [category_key(c) == category_key(row["category"]) for c in t.column("category")], dtype=bool)
            lines = np.where(np.isnan(t.column("stated_cost")), self.r.build_cost, t.column("stated_cost"))[sel]
        else:
            return ""
        printed = float(np.nansum(lines))
        if matches(stated, printed, 0):
            return "; the lines as printed do add up to it, so the difference comes from lines whose printed cost disagrees with their inputs"
        return f"; the lines as printed add up to {money(printed)}, not {money(stated)}"

    def run(self) -> list[Finding]:
        r = self.r
        self.team_lines()
        self.priced_lines("build_items", r.build_cost, "description", "")
        self.priced_lines("operating_costs", r.operating_amount, "driver", "/month")
        self.stated_figures()
        return self.findings


def metric_values(plan: Plan, result: PlanResult) -> dict[tuple[str, int, str, str], float]:
    """Computed value of every metric a stated figure can claim.

    Keys are ``(metric, milestone_id, category_key, bound)`` with ``milestone_id`` 0 for
    plan-wide metrics and ``category_key`` ``""`` where the metric has no category.
    """
    out: dict[tuple[str, int, str, str], float] = {}
    r, ms = result, plan.milestones
    al = plan.allocations
    a_mpos = positions_of(ms.ids, al.column("milestone"))
    personnel = np.bincount(a_mpos[a_mpos >= 0], weights=np.nan_to_num(r.allocation_cost[a_mpos >= 0]),
                            minlength=len(ms))
    bi = plan.build_items
    b_mpos = positions_of(ms.ids, bi.column("milestone"))
    cats = [category_key(c) for c in r.categories]
    b_codes = np.array([cats.index(category_key(c)) for c in bi.column("category")], dtype=np.int64)
    for m, mid in enumerate(ms.ids.tolist()):
        out[("allocations_subtotal", mid, "", "value")] = float(personnel[m])
        for b in ("low", "mid", "high"):
            out[("estimate_total", mid, "", b)] = float(r.total[b][m])
        out[("estimate_total", mid, "", "value")] = float(r.total["mid"][m])
        out[("operating_total", mid, "", "value")] = float(r.operating[m])
        out[("revenue_total", mid, "", "value")] = float(r.revenue[m])
        out[("net_operating", mid, "", "value")] = float(r.net_operating[m])
        out[("cost_per_user", mid, "", "value")] = float(r.cost_per_user[m])
        out[("users", mid, "", "value")] = float(r.users[m])
        sel = b_mpos == m
        for c in set(b_codes[sel].tolist()):
            s = sel & (b_codes == c)
            out[("build_subtotal", mid, cats[c], "value")] = float(np.nansum(r.build_cost[s]))
            out[("build_subtotal", mid, cats[c], "mid")] = float(np.nansum(r.build_cost[s]))
            out[("build_subtotal", mid, cats[c], "low")] = float(np.nansum(r.build_low[s]))
            out[("build_subtotal", mid, cats[c], "high")] = float(np.nansum(r.build_high[s]))
    for b in ("low", "mid", "high", "bottom_up"):
        out[("consolidated_total", 0, "", b)] = r.totals[b]
    out[("consolidated_total", 0, "", "value")] = r.totals["mid"]
    return out


def audit(plan: Plan, result: PlanResult | None = None) -> list[Finding]:
    """All findings of ``plan`` in table order (team lines, build lines, operating lines, stated
    figures). ``result`` may be passed to reuse a computation already made."""
    return _Auditor(plan, result or compute(plan)).run()
