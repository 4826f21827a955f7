"""How the Audit shows a finding's stated, computed and difference figures: in the figure's
own unit. Money in the plan's currency, shares as percentages, and usage figures (calls, GB,
ms, tokens, users, months) as plain numbers with their unit, never with a currency sign."""

from __future__ import annotations

import math
from typing import Callable

from ..domain import Plan
from . import format as fmt

_USAGE_MONEY = {"monthly_cost", "cost_per_user", "tier_cost", "llm_cost_per_user", "llm_list_cost_per_user"}
_USAGE_UNIT = {"llm_input_tokens": "tokens", "llm_output_tokens": "tokens"}
_ECONOMICS_SHARES = {"margin", "step_margin"}
_ECONOMICS_MONEY = {"contribution", "cost_per_user", "step_revenue", "step_cost", "step_profit"}
_ECONOMICS_UNIT = {"break_even_subscribers": "subscribers", "break_even_month": "", "runway_months": "months",
                   "runway_without_revenue": "months"}


def _row(plan: Plan, table: str, row_id: int) -> dict | None:
    t = plan.tables.get(table)
    if t is None or not t.has_id(row_id):
        return None
    return t.row(t.position(row_id))


def _usage_unit(plan: Plan, row: dict) -> str:
    if row["metric"] in _USAGE_UNIT:
        return _USAGE_UNIT[row["metric"]]
    if row["unit"]:
        return row["unit"]
    drivers = plan.tables["usage_drivers"]
    for p in range(len(drivers)):
        if drivers.get(p, "name").casefold() == row["subject"].strip().casefold():
            return drivers.get(p, "unit")
    return ""


def figure_format(plan: Plan, table: str, row_id: int, decimals: int | None = None) -> Callable[[float], str]:
    """A function writing a figure of the finding at ``table``/``row_id`` in its unit:
    ``$1,200`` for money, ``62%`` for shares, ``1,500,000 calls`` or ``2.5 GB`` for usage,
    ``12 months``; ``""`` for NaN. Team, build and operating lines are money."""
    cur = plan.settings.currency
    unit, kind = "", "money"
    row = _row(plan, table, row_id) if table in ("usage_figures", "economics_figures", "stated_figures") else None
    if row is not None:
        metric = row["metric"]
        if table == "usage_figures" and metric not in _USAGE_MONEY:
            kind, unit = "number", _usage_unit(plan, row)
        elif table == "economics_figures" and metric in _ECONOMICS_SHARES:
            kind = "share"
        elif table == "economics_figures" and metric not in _ECONOMICS_MONEY:
            kind, unit = "number", _ECONOMICS_UNIT.get(metric, "")
        elif table == "stated_figures" and metric == "users":
            kind, unit = "number", "users"

    def show(x: float) -> str:
        if x is None or math.isnan(x):
            return ""
        if kind == "share":
            return fmt.percent(round(x, 4))
        if kind == "number":
            text = f"{x:,.{min(fmt.decimals_of(round(x, 4), 4), 4)}f}"
            return f"{text} {unit}" if unit else text
        return fmt.money(x, cur, decimals)

    return show
