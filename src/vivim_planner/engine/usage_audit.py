"""The audit of the operating-cost model: every stated usage figure (``usage_figures``)
against the usage engine, within the precision the source prints it with.

A figure names a metric, a subject and a user count (see ``USAGE_METRICS`` in
:mod:`vivim_planner.domain.usage_schema`): the total or one component's monthly cost at N
users, a cost per user, a usage quantity in a stated unit, a tier's low / high, an LLM
segment's or activity's cost and tokens. ``decimals`` may be negative: ``86K`` is printed to
the thousand (-3), so anything in [85,500, 86,500] matches.
"""

from __future__ import annotations

import math

import numpy as np

from ..domain import SPECS, Plan
from ..domain.currency import currency_prefix
from ..domain.units import conversion
from .audit import Finding, matches, money
from .usage import UsageModel

_NOUN = {
    "monthly_cost": "monthly cost", "cost_per_user": "cost per user", "quantity": "usage",
    "tier_cost": "tier cost", "llm_cost_per_user": "LLM cost per user",
    "llm_list_cost_per_user": "LLM cost per user at list price",
    "llm_input_tokens": "billable input tokens", "llm_output_tokens": "output tokens",
}
_MONEY_METRICS = {"monthly_cost", "cost_per_user", "tier_cost", "llm_cost_per_user", "llm_list_cost_per_user"}


def usage_value(model: UsageModel, row: dict) -> tuple[float, str]:
    """The computed value of one stated usage figure ``row`` and its unit word.

    Returns ``(NaN, reason)`` when the subject is unknown or the figure cannot be computed.
    """
    plan = model.plan
    metric, subject, bound = row["metric"], row["subject"].strip(), row["bound"]
    users = float(row["users"])
    key = subject.casefold()
    if metric in ("monthly_cost", "cost_per_user"):
        if math.isnan(users) or users < 0:
            return math.nan, "the figure needs a user count"
        c = model.evaluate(np.array([users]))
        if not subject:
            value = {"low": c.low, "high": c.high}.get(bound, c.total)[0]
        else:
            value = _component(model, c, users, key)
            if value is None:
                return math.nan, f'"{subject}" is not a component of the model'
        if metric == "cost_per_user":
            value = value / users if users > 0 else math.nan
        return float(value), ""
    if metric == "quantity":
        drivers = plan.tables["usage_drivers"]
        for p in range(len(drivers)):
            if drivers.get(p, "name").casefold() == key:
                unit = row["unit"] or drivers.get(p, "unit")
                n = 1.0 if math.isnan(users) else users
                return float(drivers.get(p, "per_user")) * n * conversion(drivers.get(p, "unit"), unit), unit
        return math.nan, f'"{subject}" is not a usage driver'
    if metric == "tier_cost":
        if key not in model.tier_bands:
            return math.nan, f'"{subject}" is not an infrastructure tier'
        lo, hi = model.tier_bands[key]
        return {"low": lo, "high": hi}.get(bound, (lo + hi) / 2), ""
    if metric.startswith("llm_"):
        index = {"llm_cost_per_user": 0, "llm_list_cost_per_user": 1, "llm_input_tokens": 2, "llm_output_tokens": 3}[metric]
        for seg in model.segments:
            if seg.name.casefold() == key:
                return float((seg.cost, seg.list_cost, seg.input_tokens, seg.output_tokens)[index]), ""
        acts = plan.tables["llm_activities"]
        for p in range(len(acts)):
            if acts.get(p, "name").casefold() == key:
                return float(model.activity_cost[int(acts.ids[p])][index]), "per session"
        return math.nan, f'"{subject}" is neither a segment nor an LLM activity'
    return math.nan, f'"{metric}" is not a usage metric'


def _component(model: UsageModel, c, users: float, key: str) -> float | None:  # noqa: ANN001 - Curve
    for name, values in c.components.items():
        if name.casefold() == key or (c.kinds[name] == "llm" and name[5:].casefold() == key):
            return float(values[0])
    # a meter: "<plan>: <quantity>" -> its overage cost at this user count
    for m, meter in enumerate(model.meter_names):
        plan_name = model.plan_names[int(model.meter_plan[m])]
        if f"{plan_name}: {meter.split(' (')[0]}".casefold() == key:
            usage = model.meter_per_user[m] * users
            over = max(usage - model.meter_included[m], 0.0)
            pkg = model.meter_package[m]
            if pkg > 0:
                over = math.ceil(round(over / pkg, 9)) * pkg
            return over * model.meter_price[m]
    return None


def usage_findings(plan: Plan, model: UsageModel | None = None) -> list[Finding]:
    """Findings for every stated usage figure that the model does not reproduce, in row order.

    Each names the sheet cell (``Stated usage!F7``), stated and computed values and a sentence.
    """
    model = model or UsageModel(plan)
    table = plan.tables["usage_figures"]
    spec = SPECS["usage_figures"]
    prefix = currency_prefix(plan.settings.currency)
    out: list[Finding] = []
    for p in range(len(table)):
        row = table.row(p)
        stated = float(row["value"])
        decimals = 0 if math.isnan(row["decimals"]) else int(row["decimals"])
        computed, unit = usage_value(model, row)
        if matches(stated, computed, decimals):
            continue
        label = row["label"] or f'{_NOUN.get(row["metric"], row["metric"])} of {row["subject"] or "the total"}'
        if math.isnan(computed):
            msg = f"Stated as {stated:,g}, but {unit}"
        elif row["metric"] in _MONEY_METRICS:
            d = max(decimals, 0)
            shown = max(d, 2) if abs(computed) < 100 else d
            msg = (f"Stated as {money(stated, d, prefix)}, but the model gives "
                   f"{money(computed, shown, prefix)}{_at(row)}")
        else:
            d = max(decimals, 0)
            shown = f"{computed:,.{max(d, 2)}f}".rstrip("0").rstrip(".")
            msg = f"Stated as {stated:,.{d}f} {unit}, but the model gives {shown} {unit}{_at(row)}"
        out.append(Finding(where=label, stated=stated, computed=computed,
                           difference=computed - stated if not math.isnan(computed) else math.nan,
                           message=msg, cell=f"{spec.sheet}!{spec.address(p, 'value')}", table="usage_figures",
                           row_id=int(table.ids[p]), field="value"))
    return out


def _at(row: dict) -> str:
    users = float(row["users"])
    if math.isnan(users) or row["metric"] in ("tier_cost",) or row["metric"].startswith("llm_"):
        return ""
    return " per user" if users == 1 else f" at {users:,.0f} users"
