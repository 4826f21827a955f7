"""Scenarios side by side: per scenario the headline figures of
:mod:`vivim_planner.engine.economics`, with each one's variance against a base scenario. What
``vivim-planner compare`` prints and the Economics tab's comparison shows. Pure; no Qt.

Figures (plan currency): build cost of the scenario's band, operating cost and revenue over the
plan's months, total cost, cash at the end, break-even subscribers and month, runway, the
dividend pool, and each tier's gross margin (``margin:<tier>``).
"""

from __future__ import annotations

ROWS = (  # key, label, kind ("money", "int", "months", "pct")
    ("total_build_cost", "Build cost", "money"),
    ("total_operating_cost", "Operating cost, all months", "money"),
    ("total_revenue", "Revenue, all months", "money"),
    ("total_cost", "Total cost", "money"),
    ("ending_cash", "Cash at the end", "money"),
    ("break_even_subscribers", "Break-even subscribers", "int"),
    ("break_even_month", "Operating break-even month", "int"),
    ("cash_flow_break_even_month", "Cash-flow break-even month", "int"),
    ("runway_months", "Runway (months)", "months"),
    ("dividend_pool", "Dividend pool", "money"),
)


def compare_data(plan, names: list[str] | None = None, base: str = "mid") -> dict:  # noqa: ANN001 - Plan
    """``{"plan", "currency", "base", "scenarios": [{"scenario", "build_band", "figures": {key: value},
    "variance": {key: value - base value}, "variance_pct": {key: % of base}}]}``; tier margins
    appear as ``margin:<tier>`` keys. Raises ``PlanError`` for an unknown scenario or base."""
    from .economics import economics
    from .rollup import compute
    from .scenarios import resolve_scenario, scenario_names

    names = names or scenario_names(plan)
    rows = []
    for name in names:
        r = resolve_scenario(plan, name)
        e = economics(r.plan, r.band, compute(r.plan))
        j = e.to_json()
        figures = {k: (e.total_build_cost if k == "total_build_cost" else j.get(k)) for k, _, _ in ROWS}
        for t in j["tiers"]:
            figures[f"margin:{t['name']}"] = t["margin"]
        rows.append({"scenario": r.name, "build_band": r.band.replace("_", "-"), "overrides": len(r.overrides),
                     "figures": figures})
    base_row = next((x for x in rows if x["scenario"].casefold() == base.casefold()), None)
    if base_row is None:
        resolve_scenario(plan, base)  # an unknown base is refused like an unknown scenario
        base_row = rows[0] if rows else None  # a base left out of the comparison: the first shown
    for x in rows:
        x["variance"], x["variance_pct"] = {}, {}
        for k, v in x["figures"].items():
            b = base_row["figures"].get(k) if base_row else None
            ok = isinstance(v, (int, float)) and isinstance(b, (int, float))
            x["variance"][k] = (v - b) if ok else None
            x["variance_pct"][k] = ((v - b) / abs(b) * 100) if ok and b else None
    return {"plan": plan.settings.name, "currency": plan.settings.currency,
            "base": base_row["scenario"] if base_row else None, "scenarios": rows}
