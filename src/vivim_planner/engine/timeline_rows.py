"""The timeline as rows a person reads, months across: the layout the Timeline view, the
``timeline --csv`` file and the workbook's Timeline sheet share (FAST standard: one row per
line item, one formula per row across the months; sections Users, Team, Costs, Revenue, Profit,
Cash). Pure; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .timeline import OPERATING_LINES, Timeline

SECTIONS = ("Users", "Team", "Costs", "Revenue", "Profit", "Cash")


@dataclass(frozen=True)
class TimelineRow:
    """One line of the timeline: its ``section`` (:data:`SECTIONS`), ``label``, ``key`` (stable
    id such as ``"cash"`` or ``"fte:Senior Developer"``), ``unit`` (``"users"``, ``"FTE"`` or
    ``"money"``), ``values`` shape (H,), and ``total``: a subtotal or headline row (bold)."""

    section: str
    label: str
    key: str
    unit: str
    values: np.ndarray
    total: bool = False


def _nonzero(values: np.ndarray) -> bool:
    return bool(np.any(np.abs(values) > 0))


def timeline_rows(tl: Timeline) -> list[TimelineRow]:
    """Every row of ``tl`` in reading order. Breakdown rows that are zero in every month are
    left out (a role nobody fills, a tier nobody pays); headline rows are always there."""
    rows: list[TimelineRow] = []

    def add(section: str, label: str, key: str, unit: str, values: np.ndarray, total: bool = False) -> None:
        rows.append(TimelineRow(section, label, key, unit, np.asarray(values, dtype=float), total))

    add("Users", "Active users", "users", "users", tl.users, True)
    add("Users", "Paying subscribers", "paying", "users", tl.paying)
    if len(tl.mix.tiers) > 1:
        for i in (i for i in tl.mix.tiers if _nonzero(tl.paying_by_tier[i])):
            add("Users", f"  paying {tl.tiers[i].name}", f"paying:{tl.tiers[i].name}", "users", tl.paying_by_tier[i])
    staffed = np.flatnonzero(np.any(tl.fte_by_role != 0, axis=1)) if tl.horizon else []
    for i in staffed:
        add("Team", f"  {tl.role_names[i]}", f"fte:{tl.role_names[i]}", "FTE", tl.fte_by_role[i])
    add("Team", "Headcount (FTE)", "fte", "FTE", tl.fte, True)
    add("Team", "Team cost (from team lines)", "team_cost", "money", tl.team_cost)
    for name, values in zip(tl.build_categories, tl.build_by_category):
        if _nonzero(values):
            add("Costs", f"  build: {name}", f"build:{name}", "money", values)
    add("Costs", f"Build spend ({tl.band.replace('_', '-')})", "build_cost", "money", tl.build_spend, True)
    for name, values in zip(tl.operating_names, tl.operating_by_component):
        if name == OPERATING_LINES or _nonzero(values):
            add("Costs", f"  operating: {name}", f"operating:{name}", "money", values)
    add("Costs", "Operating cost", "operating_cost", "money", tl.operating_cost, True)
    if _nonzero(tl.startup_costs):
        add("Costs", "Startup costs", "startup_costs", "money", tl.startup_costs)
    add("Costs", "Total spend", "total_spend", "money", tl.build_spend + tl.operating_cost + tl.startup_costs, True)
    for i, t in enumerate(tl.tiers):
        if _nonzero(tl.subscription_by_tier[i]):
            add("Revenue", f"  subscriptions: {t.name}", f"subscriptions:{t.name}", "money", tl.subscription_by_tier[i])
    if _nonzero(tl.stream_revenue):
        add("Revenue", "  revenue offsets", "stream_revenue", "money", tl.stream_revenue)
    add("Revenue", "Revenue", "revenue", "money", tl.revenue, True)
    add("Revenue", "Payment fees", "fees", "money", tl.fees)
    add("Profit", "Operating profit (revenue − fees − operating cost)", "profit", "money", tl.profit, True)
    add("Profit", "Cash flow (after build and startup costs)", "cash_flow", "money", tl.cash_flow, True)
    if _nonzero(tl.capital_in):
        add("Cash", "Capital in", "capital_in", "money", tl.capital_in)
    add("Cash", "Net cash flow", "net_cash_flow", "money", tl.net_cash_flow)
    add("Cash", "Cash at month end", "cash", "money", tl.cash, True)
    add("Cash", "Burn", "burn", "money", tl.burn)
    return rows
