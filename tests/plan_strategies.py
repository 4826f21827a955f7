"""Hypothesis strategies of whole plans, shared by the round-trip, timeline and workbook tests."""

from __future__ import annotations

from hypothesis import strategies as st

from vivim_planner.commands import History, InMemory, insert_rows
from vivim_planner.domain import CellError, Plan, PlanSettings

TEXT = st.text(alphabet=list("abcXYZ019 *?~=<>'\"&é-/#()"), min_size=1, max_size=10).filter(lambda s: s.strip())
MONEY = st.one_of(st.none(), st.integers(0, 500_000).map(float),
                  st.floats(0, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def plans(draw) -> Plan:  # noqa: ANN001
    """A small valid plan with awkward names (wildcards, quotes, operators), empty cells and
    numbers that need all 17 digits; rows the plan refuses are simply left out."""
    plan = Plan(PlanSettings(name=PlanSettings.parse("name", draw(TEXT)), currency=draw(st.sampled_from(["USD", "EUR", "GBP", "CHF"])),
                             hours_per_month=draw(st.floats(1, 744, allow_nan=False))))
    h = History(InMemory(plan))

    def add(table: str, rows: list[dict]) -> None:
        for row in rows:
            try:
                h.push(insert_rows(plan, table, len(plan.tables[table]), [row]))
            except CellError:
                pass

    n_ms = draw(st.integers(1, 4))
    starts = draw(st.lists(st.integers(1, 24), min_size=n_ms, max_size=n_ms))
    add("milestones", [{"code": draw(TEXT), "name": draw(TEXT), "start_month": s,
                        "end_month": s + draw(st.integers(0, 6)),
                        "target_users": draw(st.one_of(st.none(), st.integers(0, 10 ** 6)))} for s in starts])
    add("roles", [{"name": draw(TEXT), "category": draw(TEXT), "hourly_rate": draw(st.one_of(st.none(), st.floats(0, 400)))}
                  for _ in range(draw(st.integers(1, 4)))])
    codes = list(plan.milestones.column("code")) or ["?"]
    roles = list(plan.roles.column("name")) or ["?"]
    cats = ["Personnel", "Infrastructure", "R&D *", "legal?"]
    add("allocations", [{"milestone": draw(st.sampled_from(codes)), "role": draw(st.sampled_from(roles)),
                         "hourly_rate": draw(st.one_of(st.none(), st.floats(0, 400))),
                         "months": draw(st.one_of(st.none(), st.floats(0, 12))),
                         "fte": draw(st.one_of(st.none(), st.sampled_from([0.25, 0.5, 1.0, 1 / 3]))),
                         "lump_sum": draw(st.one_of(st.none(), MONEY)), "stated_cost": draw(MONEY)}
                        for _ in range(draw(st.integers(0, 6)))])
    add("build_items", [{"milestone": draw(st.sampled_from(codes)), "category": draw(st.sampled_from(cats)),
                         "description": draw(TEXT), "quantity": draw(st.one_of(st.none(), st.floats(0, 50))),
                         "unit_cost": draw(MONEY), "amount": draw(MONEY), "low": draw(MONEY), "high": draw(MONEY)}
                        for _ in range(draw(st.integers(0, 5)))])
    add("estimates", [{"milestone": draw(st.sampled_from(codes)), "category": draw(st.sampled_from(cats)),
                       "low": draw(MONEY), "mid": draw(MONEY), "high": draw(MONEY)}
                      for _ in range(draw(st.integers(0, 4)))])
    add("operating_costs", [{"milestone": draw(st.sampled_from(codes)), "driver": draw(TEXT),
                             "quantity": draw(st.one_of(st.none(), st.floats(0, 1e4))), "unit_cost": draw(MONEY),
                             "amount": draw(MONEY)} for _ in range(draw(st.integers(0, 3)))])
    add("revenues", [{"milestone": draw(st.sampled_from(codes)), "source": draw(TEXT), "amount": draw(MONEY)}
                     for _ in range(draw(st.integers(0, 2)))])
    add("stated_figures", [{"milestone": draw(st.sampled_from(codes + [""])),
                            "metric": draw(st.sampled_from(["estimate_total", "operating_total", "cost_per_user",
                                                            "consolidated_total", "build_subtotal"])),
                            "category": draw(st.sampled_from(["", "Infrastructure"])),
                            "bound": draw(st.sampled_from(["value", "low", "mid", "high"])),
                            "value": draw(st.floats(-1e6, 1e6, allow_nan=False))}
                           for _ in range(draw(st.integers(0, 3)))])
    return plan




@st.composite
def month_plans(draw) -> Plan:  # noqa: ANN001
    """A cost plan (:func:`plans`) with a revenue side and a usage model: pricing tiers, fees,
    capital and startup costs, sometimes a growth plan, infrastructure tiers and one usage-priced
    service, so every part of the timeline has something to compute."""
    plan = draw(plans())
    h = History(InMemory(plan))

    def add(table: str, rows: list[dict]) -> None:
        for row in rows:
            try:
                h.push(insert_rows(plan, table, len(plan.tables[table]), [row]))
            except CellError:
                pass

    small = st.one_of(st.none(), st.floats(0, 50, allow_nan=False))
    add("pricing_tiers", [{"name": f"Tier {i}", "monthly_price": draw(st.sampled_from([0.0, 4.99, 10.0, 29.0])),
                           "conversion": draw(st.sampled_from([0.0, 0.05, 0.2])),
                           "cost_per_user": draw(small)} for i in range(draw(st.integers(0, 3)))])
    add("payment_fees", [{"name": "Fee", "percent": draw(st.sampled_from([0.0, 0.029, 0.15])),
                          "fixed": draw(st.sampled_from([0.0, 0.3])),
                          "scope": draw(st.sampled_from(["subscriptions", "all revenue"]))}
                         for _ in range(draw(st.integers(0, 1)))])
    add("capital", [{"item": "Savings", "kind": "capital", "amount": draw(MONEY), "month": 1},
                    {"item": "Laptop", "kind": "startup cost", "low": draw(MONEY), "high": draw(MONEY),
                     "month": draw(st.integers(1, 30))}][: draw(st.integers(0, 2))])
    codes = list(plan.milestones.column("code"))
    if draw(st.booleans()):
        add("growth", [{"name": f"Step {i}", "month": draw(st.one_of(st.none(), st.integers(1, 30))),
                        "milestone": draw(st.sampled_from(codes + [""])),
                        "users": draw(st.one_of(st.none(), st.integers(0, 200_000))),
                        "paying": draw(st.one_of(st.none(), st.integers(0, 5_000))),
                        "operating_cost": draw(st.one_of(st.none(), st.floats(0, 5e4)))}
                       for i in range(draw(st.integers(1, 3)))])
    if draw(st.booleans()):
        add("infra_tiers", [{"name": "Small", "users_from": 0}, {"name": "Large", "users_from": draw(st.integers(1, 10 ** 5))}])
        add("infra_components", [{"tier": t, "component": "Server", "low": draw(MONEY), "high": None}
                                 for t in ("Small", "Large")])
        add("usage_drivers", [{"name": "Calls", "per_user": draw(st.floats(0, 2_000)), "unit": "calls"}])
        add("service_plans", [{"name": "Pro", "service": "API host", "base_fee": draw(st.sampled_from([0.0, 20.0]))}])
        add("meters", [{"plan": "Pro", "driver": "Calls", "unit": "calls", "included": 1e6, "unit_price": 0.6,
                        "per": 1e6, "package": draw(st.sampled_from([None, 1e6]))}])
    return plan
