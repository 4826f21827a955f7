"""The audit: every figure a source document states, against the engine's recomputation.

A :class:`Finding` is reported when a stated figure differs from the computed one by more than
the rounding of its printed precision (a figure printed as ``$0.005`` with 3 decimals matches
anything in [0.0045, 0.0055]). Differences are ``computed - stated`` in the plan's currency.

Each finding explains itself: a team line shows its arithmetic and which single input would
reproduce the stated cost; a subtotal says whether the lines as printed add up to it (then the
gap comes from named lines whose printed cost is wrong) or not (then the subtotal itself is
mis-added). One claim printed in several places (a total repeated in a summary table) is one
finding naming every place, not one finding per place.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np

from ..domain.currency import currency_prefix
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


def printed_decimals(value: float) -> int:
    """Decimals a figure is written with: 70 -> 0, 70.49 -> 2, 0.005 -> 3 (at most 6)."""
    for d in range(7):
        if round(value, d) == value:
            return d
    return 6


def matches(stated: float, computed: float, decimals: int) -> bool:
    """True when ``computed`` printed with ``decimals`` decimals could read as ``stated``."""
    if math.isnan(computed):
        return False
    tolerance = 0.5 * 10.0 ** (-decimals)
    return abs(stated - computed) <= tolerance * (1 + 1e-9) + 1e-9 * abs(computed)


def money(x: float, decimals: int = 0, prefix: str = "$") -> str:
    """``$1,234`` / ``-€0.31`` for messages; ``prefix`` is the plan's currency prefix."""
    if math.isnan(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    return f"{sign}{prefix}{abs(x):,.{decimals}f}"


def _is_step(x: float, step: float) -> bool:
    """True when ``x`` is a positive multiple of ``step`` (up to float noise); False for an
    infinity (a stated cost over a tiny rate)."""
    return x > 0 and math.isfinite(x / step) and abs(x / step - round(x / step)) < 1e-6


def _fraction_words(ratio: float) -> str:
    """``1/3`` for 0.3333..., ``""`` when the ratio is no simple fraction."""
    if not (0 < ratio < 10) or not math.isfinite(ratio):
        return ""
    f = Fraction(ratio).limit_denominator(12)
    if f == 1 or abs(float(f) - ratio) > 1e-9 * max(1.0, ratio):
        return ""
    return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else f"{f.numerator} times"


def _months(m: float) -> str:
    return f"{m:g} month" if m == 1 else f"{m:g} months"


_METRIC_NOUN = {
    "allocations_subtotal": "personnel subtotal",
    "build_subtotal": "build cost subtotal",
    "estimate_total": "estimate total",
    "operating_total": "monthly operating cost",
    "revenue_total": "monthly revenue",
    "net_operating": "net monthly operating cost",
    "cost_per_user": "cost per user",
    "users": "user count",
    "consolidated_total": "consolidated total",
}


def _mismatches(stated: np.ndarray, computed: np.ndarray) -> np.ndarray:
    """Positions where a stated line figure (whole dollars, or cents when it has them) does
    not match the computed one; vectorized so large plans audit fast."""
    whole = np.floor(stated) == stated
    tolerance = np.where(whole, 0.5, 0.005) * (1 + 1e-9) + 1e-9 * np.abs(computed)
    with np.errstate(invalid="ignore"):
        ok = np.abs(stated - computed) <= tolerance
    return np.flatnonzero(~np.isnan(stated) & ~ok)


class _Auditor:
    def __init__(self, plan: Plan, result: PlanResult):
        self.plan, self.r = plan, result
        self.periods = milestone_periods(plan, result)
        self.findings: list[Finding] = []
        ms = plan.milestones
        self.code = {int(i): c for i, c in zip(ms.ids, ms.column("code"))}
        self.hours = self.r.hours_per_month
        self.prefix = currency_prefix(plan.settings.currency)

    def money(self, x: float, decimals: int = 0) -> str:
        """An amount in the audited plan's currency."""
        return money(x, decimals, self.prefix)

    def signed(self, x: float) -> str:
        """``+$19,200`` / ``-$60``: a difference with its sign."""
        return ("+" if x >= 0 else "-") + self.money(abs(x))

    def mcode(self, mid: int) -> str:
        return self.code.get(int(mid), "Plan")

    def add(self, **kw) -> None:
        self.findings.append(Finding(**kw))

    def line_title(self, p: int) -> str:
        al = self.plan.allocations
        return al.get(p, "title") or self.plan.ref_label("roles", al.get(p, "role"))

    # team lines -------------------------------------------------------------------------
    def _team_hint(self, stated: float, rate: float, months: float, fte: float, computed: float) -> str:
        """Which single input, changed, gives the stated cost: ', 1/3 of that: it fits 80 h ...'."""
        h = self.hours
        if not (rate > 0 and months > 0 and fte > 0 and computed > 0 and stated > 0):
            return ""
        fits = [f"{stated / (rate * months * fte):,.4g} h per month instead of {h:g}"]
        m = stated / (rate * h * fte)
        if _is_step(m, 0.5) and m <= 120:
            fits.append(f"{_months(m)} instead of {months:g}")
        f = stated / (rate * h * months)
        if _is_step(f, 0.05) and f <= 10:
            fits.append(f"{f:g} FTE instead of {fte:g}")
        frac = _fraction_words(stated / computed)
        share = f", {frac} of that" if frac else ""
        return f"{share}: it fits {', or '.join(fits)}"

    def team_lines(self) -> None:
        al, r, h = self.plan.allocations, self.r, self.hours
        stated = al.column("stated_cost")
        ms = self.plan.milestones
        mpos = positions_of(ms.ids, al.column("milestone"))
        duration = ms.column("end_month") - ms.column("start_month") + 1
        for p in _mismatches(stated, r.allocation_cost):
            s, c = float(stated[p]), float(r.allocation_cost[p])
            rate, months, fte = float(r.allocation_rate[p]), float(al.column("months")[p]), float(al.column("fte")[p])
            title = self.line_title(p)
            lump = float(al.column("lump_sum")[p])
            if not math.isnan(lump):
                msg = f"{title}: its lump sum is {self.money(lump)}, but the source states {self.money(s)}"
            elif math.isnan(c):
                msg = (f"{title}: the cost cannot be computed (no hourly rate on the line or its role), "
                       f"the source states {self.money(s)}")
            else:
                msg = (f"{title}: {self.money(rate)}/h × {h:g} h × {_months(months)} × {fte:g} FTE = {self.money(c)}, "
                       f"but the source states {self.money(s)}{self._team_hint(s, rate, months, fte, c)}")
            self.add(where=f"{self.mcode(al.get(p, 'milestone'))} · Team · {title}", stated=s, computed=c,
                     difference=c - s, message=msg, cell=f"Team!{SPECS['allocations'].address(p, 'stated_cost')}",
                     table="allocations", row_id=int(al.ids[p]), field="stated_cost")
        months = al.column("months")
        line_duration = np.where(mpos >= 0, np.append(duration, np.nan)[mpos], np.nan)
        with np.errstate(invalid="ignore"):
            too_long = np.flatnonzero(months > line_duration)  # NaN compares False
        for p in too_long:
            d = float(line_duration[p])
            title = self.line_title(p)
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
        for p in _mismatches(stated, computed):
            s, c = float(stated[p]), float(computed[p])
            title = t.get(p, label_field)
            q, u = t.get(p, "quantity"), t.get(p, "unit_cost")
            how = f"{q:g} × {self.money(u, 2 if not float(u).is_integer() else 0)} = {self.money(c)}" if not (
                math.isnan(q) or math.isnan(u)) else self.money(c)
            self.add(where=f"{self.mcode(t.get(p, 'milestone'))} · {spec.sheet} · {title}", stated=s, computed=c,
                     difference=c - s, message=f"{title}: {how}{unit}, but the source states {self.money(s)}{unit}",
                     cell=f"{spec.sheet}!{spec.address(p, 'stated_cost')}", table=table,
                     row_id=int(t.ids[p]), field="stated_cost")

    # stated figures ---------------------------------------------------------------------
    def stated_figures(self) -> None:
        sf = self.plan.stated_figures
        values = metric_values(self.plan, self.r, self.periods)
        spec = SPECS["stated_figures"]
        # one claim (same metric, milestone, category, bound and value) printed in several places
        # is one finding that names every place
        groups: dict[tuple, list[int]] = {}
        for p in range(len(sf)):
            row = sf.row(p)
            mid = int(row["milestone"] or 0)
            cat = category_key(row["category"]) if row["category"] else ""
            groups.setdefault((row["metric"], mid, cat, row["bound"], float(row["value"])), []).append(p)
        for (metric, mid, cat, bound, stated), positions in groups.items():
            rows = [sf.row(p) for p in positions]
            decimals = max(max(0 if math.isnan(r["decimals"]) else int(r["decimals"]), printed_decimals(float(r["value"])))
                           for r in rows)
            computed = values.get((metric, mid, cat, bound), math.nan)
            if matches(stated, computed, decimals):
                continue
            row, p = rows[0], positions[0]
            code = self.mcode(mid) if mid else ""
            labels = [r["label"] or _METRIC_NOUN.get(metric, metric) for r in rows]
            label = labels[0]
            where = label
            if code:
                rest = re.sub(rf"^{re.escape(code)}\b[\s:,·-]*", "", label)
                where = f"{code} · {rest or label}"
            also = ""
            if len(labels) > 1:
                also = f" (also printed as {', '.join(dict.fromkeys(labels[1:]))})"
            bound_word = f" ({bound})" if bound in ("low", "mid", "high") else ""
            msg = (f"{label}{bound_word} is stated as {self.money(stated, decimals)}{also}, but "
                   f"{self._computed_words(row, computed, decimals)}{self._why(row, stated, computed)}")
            self.add(where=where, stated=stated, computed=computed,
                     difference=computed - stated if not math.isnan(computed) else math.nan,
                     message=msg, cell=f"{spec.sheet}!{spec.address(p, 'value')}", table="stated_figures",
                     row_id=int(sf.ids[p]), field="value")

    def _computed_words(self, row: dict, computed: float, decimals: int) -> str:
        """How the engine arrives at the figure, in words: 'its team lines cost $162,000 ...'."""
        metric, mid, bound = row["metric"], int(row["milestone"] or 0), row["bound"]
        code = self.mcode(mid)
        m = None
        if mid:
            try:
                m = self.plan.milestones.position(mid)
            except KeyError:
                m = None
        shown = self.money(computed, max(decimals, 0 if abs(computed) >= 1 or computed == 0 else 4))
        if math.isnan(computed):
            if metric == "build_subtotal":
                return f"{code} has no build cost lines of category \"{row['category']}\" to add up"
            if metric == "cost_per_user":
                return f"{code} has no target users to divide by"
            if metric not in _METRIC_NOUN:
                return f"\"{metric}\" is not a figure the planner computes"
            return "the plan has nothing to compute it from"
        band = bound if bound in ("low", "mid", "high") else "mid"
        if metric == "allocations_subtotal":
            return f"its team lines cost {shown} at {self.hours:g} h per month"
        if metric == "build_subtotal":
            what = {"low": "the low ends of its", "high": "the high ends of its"}.get(bound, "its")
            return f"{what} {row['category']} lines add up to {shown}"
        if metric == "estimate_total":
            return f"its {band} category estimates add up to {shown}"
        if metric == "consolidated_total":
            return f"the {band} milestone totals add up to {shown}"
        if metric == "operating_total":
            return f"its operating cost lines add up to {shown}/month"
        if metric == "revenue_total":
            return f"its revenue lines add up to {shown}/month"
        if metric == "net_operating" and m is not None:
            p = self.periods[mid]
            return (f"operating cost {self.money(p.operating)} - revenue {self.money(p.revenue)} "
                    f"= {shown}/month in month {p.month}")
        if metric == "cost_per_user" and m is not None:
            p = self.periods[mid]
            return (f"net operating cost {self.money(p.net)} / {p.users:,.0f} users "
                    f"= {shown} per user per month in month {p.month}")
        if metric == "users":
            return f"{code}'s target users are {computed:,.0f}"
        return f"the inputs give {shown}"

    def _why(self, row: dict, stated: float, computed: float) -> str:
        """Explain a subtotal mismatch: do the source's own printed lines add up to it?"""
        mid = int(row["milestone"] or 0)
        if row["metric"] == "allocations_subtotal":
            t = self.plan.allocations
            sel = np.asarray(t.column("milestone")) == mid
            lines = t.column("stated_cost")[sel]
            if np.isnan(lines).any():
                return ""
            printed = float(lines.sum())
            costs = self.r.allocation_cost
            wrong = [(self.line_title(p), float(costs[p] - t.column("stated_cost")[p]))
                     for p in np.flatnonzero(sel)
                     if not matches(float(t.column("stated_cost")[p]), float(costs[p]), 0)]
            if not matches(stated, printed, 0):
                return (f"; its lines as printed add up to {self.money(printed)}, so the subtotal is "
                        f"{'also ' if wrong else ''}mis-added by {self.signed(stated - printed)}")
            if not wrong:
                return ""
            names = ", ".join(f"{n} ({self.signed(d)})" for n, d in wrong)
            n = len(wrong)
            return (f"; the lines as printed do add up to {self.money(stated)}, so the {self.money(abs(computed - stated))} "
                    f"gap comes from the {n} line{'s' if n > 1 else ''} whose printed cost disagrees with rate × "
                    f"hours × months × FTE: {names}")
        if row["metric"] == "build_subtotal":
            t = self.plan.build_items
            sel = (np.asarray(t.column("milestone")) == mid) & np.array(
                [category_key(c) == category_key(row["category"]) for c in t.column("category")], dtype=bool)
            if not sel.any():
                return ""
            column = {"low": self.r.build_low, "high": self.r.build_high}.get(row["bound"], self.r.build_cost)
            if row["bound"] in ("low", "high"):
                printed = float(np.nansum(column[sel]))
            else:
                printed = float(np.nansum(np.where(np.isnan(t.column("stated_cost")), column, t.column("stated_cost"))[sel]))
            return self._priced_lines_why(stated, printed, computed, "subtotal", say_both=True)
        if row["metric"] == "operating_total":
            t = self.plan.operating_costs
            sel = np.asarray(t.column("milestone")) == mid
            if not sel.any():
                return ""
            printed = float(np.nansum(np.where(np.isnan(t.column("stated_cost")), self.r.operating_amount,
                                               t.column("stated_cost"))[sel]))
            return self._priced_lines_why(stated, printed, computed, "total", say_both=False)
        return ""

    def _priced_lines_why(self, stated: float, printed: float, computed: float, word: str, say_both: bool) -> str:
        """Why a subtotal of qty x unit lines is off: its lines' printed costs, its own
        addition, or (``say_both``) both."""
        if matches(stated, printed, 0):
            return ("; the lines as printed do add up to it, so the difference comes from lines whose "
                    "printed cost disagrees with their quantity × unit cost")
        if matches(printed, computed, 0):
            return (f"; every line's printed cost agrees with its inputs, so the {word} itself is "
                    f"mis-added: {self.money(abs(stated - printed))} too {'high' if stated > printed else 'low'}")
        if not say_both:
            return ""
        return (f"; the lines as printed add up to {self.money(printed)}, so the {word} is also mis-added "
                f"by {self.signed(stated - printed)}")

    def run(self) -> list[Finding]:
        r = self.r
        self.team_lines()
        self.priced_lines("build_items", r.build_cost, "description", "")
        self.priced_lines("operating_costs", r.operating_amount, "driver", "/month")
        self.stated_figures()
        return self.findings


def milestone_periods(plan: Plan, result: PlanResult) -> dict:
    """Milestone id -> its :class:`~vivim_planner.engine.periods.Period` (the Summary's row: the
    timeline's monthly figures in the first month the milestone is in force)."""
    from .periods import periods
    from .timeline import timeline

    return {p.row_id: p for p in periods(plan, timeline(plan, "mid", result), result)}


def metric_values(plan: Plan, result: PlanResult, by_milestone: dict | None = None
                  ) -> dict[tuple[str, int, str, str], float]:
    """Computed value of every metric a stated figure can claim.

    Keys are ``(metric, milestone_id, category_key, bound)`` with ``milestone_id`` 0 for
    plan-wide metrics and ``category_key`` ``""`` where the metric has no category. Operating
    and revenue totals are the milestone's lines; its net operating cost and cost per user are
    the Summary's (the timeline's month, usage model and subscriptions included:
    :func:`milestone_periods`, which ``by_milestone`` may pass when the caller has it).
    """
    out: dict[tuple[str, int, str, str], float] = {}
    by_milestone = by_milestone if by_milestone is not None else milestone_periods(plan, result)
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
        out[("net_operating", mid, "", "value")] = by_milestone[mid].net
        out[("cost_per_user", mid, "", "value")] = by_milestone[mid].cost_per_user
        out[("users", mid, "", "value")] = float(ms.column("target_users")[m])
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
    figures, then stated usage figures of the operating-cost model). ``result`` may be passed to
    reuse a computation already made."""
    from .usage_audit import usage_findings  # it builds on this module's Finding

    findings = _Auditor(plan, result or compute(plan)).run()
    if len(plan.tables["usage_figures"]):
        findings += usage_findings(plan)
    return findings
