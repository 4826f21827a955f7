"""The audit of stated economics figures: every margin, break-even, runway or step figure a
source prints (sheet *Stated economics*), against :func:`vivim_planner.engine.economics.
economics` of the scenario it speaks of. A figure matches when the computed one, printed with
the stated decimals, could read as it (:func:`vivim_planner.engine.audit.matches`); shares are
stored as fractions (87% -> 0.87, 2 decimals).

Seed 003 prints, for instance, Phase 1 at $4.99 as "$74.85 ... +$47 (62%)": $46.85 / $74.85 is
62.6%, which rounds to 63%: a finding, the seed's own rounding.
"""

from __future__ import annotations

import math

from ..domain import SPECS, Plan, PlanError
from ..domain.currency import currency_prefix
from .audit import Finding, matches, money
from .economics import Economics, economics
from .rollup import compute
from .scenarios import resolve_scenario

_SHARES = {"margin", "step_margin"}
_MONEY = {"contribution", "cost_per_user", "step_revenue", "step_cost", "step_profit"}
_NOUN = {
    "margin": "gross margin", "contribution": "contribution per subscriber", "cost_per_user": "cost per user",
    "break_even_subscribers": "break-even subscribers", "break_even_month": "break-even month",
    "runway_months": "runway", "runway_without_revenue": "runway without revenue",
    "step_revenue": "revenue", "step_cost": "monthly cost", "step_profit": "profit", "step_margin": "margin",
}


def economics_value(e: Economics, metric: str, subject: str) -> tuple[float, str]:
    """The computed figure for ``metric`` of ``subject`` (NaN with the reason when there is none)."""
    try:
        if metric in ("margin", "contribution", "cost_per_user"):
            t = e.tier(subject)
            return float({"margin": t.margin, "contribution": t.contribution, "cost_per_user": t.cost_per_user}[metric]), ""
        if metric.startswith("step_"):
            s = next((x for x in e.steps if x.name.casefold() == subject.casefold()
                      or x.name.split()[0].casefold() == subject.casefold()), None)
            if s is None:
                return math.nan, f'there is no growth step or milestone "{subject}"'
            return float(getattr(s, metric[5:])), ""
    except KeyError:
        return math.nan, f'there is no pricing tier "{subject}"'
    value = {"break_even_subscribers": e.break_even_subscribers, "break_even_month": e.break_even_month,
             "runway_months": e.runway_months, "runway_without_revenue": e.runway_without_revenue}[metric]
    return (math.nan, "the plan never reaches it") if value is None else (float(value), "")


def _show(metric: str, x: float, decimals: int, prefix: str) -> str:
    if metric in _SHARES:
        return f"{x * 100:.{max(decimals - 2, 0)}f}%"
    if metric in _MONEY:
        return money(x, max(decimals, 2) if abs(x) < 100 else max(decimals, 0), prefix)
    return f"{x:,.{max(decimals, 0)}f}"


def economics_findings(plan: Plan) -> list[Finding]:
    """Findings for every stated economics figure the plan does not reproduce, in row order;
    each names its cell (``Stated economics!D4``). A scenario that does not exist (or no longer
    applies) is a finding too."""
    table = plan.tables["economics_figures"]
    if not len(table):
        return []
    spec = SPECS["economics_figures"]
    prefix = currency_prefix(plan.settings.currency)
    cache: dict[str, Economics | str] = {}
    out: list[Finding] = []
    for p in range(len(table)):
        row = table.row(p)
        scenario = row["scenario"] or "mid"
        if scenario not in cache:
            try:
                r = resolve_scenario(plan, scenario)
                cache[scenario] = economics(r.plan, r.band, compute(r.plan))
            except PlanError as e:
                cache[scenario] = str(e)
        stated = float(row["value"])
        decimals = 0 if math.isnan(row["decimals"]) else int(row["decimals"])
        e = cache[scenario]
        if isinstance(e, str):
            computed, why = math.nan, e
        else:
            computed, why = economics_value(e, row["metric"], row["subject"])
        if matches(stated, computed, decimals):
            continue
        what = _NOUN[row["metric"]] + (f" of {row['subject']}" if row["subject"] else "")
        where = row["label"] or what
        where_scen = "" if scenario == "mid" else f" (scenario {scenario})"
        if math.isnan(computed):
            msg = f"Stated as {_show(row['metric'], stated, decimals, prefix)}, but {why}"
        else:
            msg = (f"Stated as {_show(row['metric'], stated, decimals, prefix)}, but the plan gives "
                   f"{_show(row['metric'], computed, decimals + 1 if row['metric'] in _SHARES else 2 if row['metric'] in _MONEY else decimals, prefix)}"
                   f" for the {what}{where_scen}")
        out.append(Finding(where=where, stated=stated, computed=computed,
                           difference=computed - stated if not math.isnan(computed) else math.nan,
                           message=msg, cell=f"{spec.sheet}!{spec.address(p, 'value')}", table="economics_figures",
                           row_id=int(table.ids[p]), field="value"))
    return out
