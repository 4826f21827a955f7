"""Tables of a plan's uncertainty: the distribution of an input and the groups of inputs that
move together, for the Monte Carlo simulation (:mod:`vivim_planner.engine.simulation`).

Every input that holds its own low and high is uncertain by default (:data:`RANGED`): an
estimate's mid between its row's low and high, a build cost line between its low and high, a
role's hourly rate within the rate card's range, an infrastructure component between its low
and high, a capital line between its low and high; each a PERT distribution with the plan's
own value as its mode. A row of *Uncertainty* names any such input, or one of
:data:`EXPLICIT` (a price, a paying share, a usage driver...), by sheet / row / column as a
scenario override does, and gives its distribution, range and correlation group; a row with
distribution ``fixed`` takes a ranged input out of the simulation.

Seeds: 000 (low / mid / high per category, "$500-$2,000" lines, the rate card's ranges), 002
("$40-80/month" components), 003 ("$0.15-$0.40 per active user").
"""

from __future__ import annotations

from .fields import Field, Kind
from .table import TableSpec

DISTRIBUTIONS = ("PERT", "triangular", "uniform", "fixed")
"""PERT (beta with the mode weighted 4, the default), triangular, uniform between low and
high, or fixed at the input's value."""

RANGED: dict[tuple[str, str], tuple[str, str]] = {
    ("estimates", "mid"): ("low", "high"),
    ("build_items", "amount"): ("low", "high"),
    ("roles", "hourly_rate"): ("hourly_rate_low", "hourly_rate_high"),
    ("infra_components", "low"): ("low", "high"),
    ("capital", "amount"): ("low", "high"),
}
"""(table, input field) -> the fields of the same row that hold its low and high. The input
field is what a row of *Uncertainty* names (an infrastructure component by its Low column)."""

EXPLICIT: frozenset[tuple[str, str]] = frozenset({
    ("pricing_tiers", "monthly_price"),
    ("pricing_tiers", "conversion"),
    ("growth", "users"),
    ("growth", "paying"),
    ("usage_drivers", "per_user"),
    ("meters", "unit_price"),
    ("llm_models", "input_price"),
    ("llm_models", "output_price"),
    ("allocations", "fte"),
    ("operating_costs", "amount"),
})
"""Inputs without a range of their own that a row of *Uncertainty* can make uncertain (with
its own low and high)."""

UNCERTAINTY = TableSpec(
    name="uncertainty",
    sheet="Uncertainty",
    noun="uncertain input",
    fields=(
        Field("sheet", "Sheet", required=True, default="Pricing",
              help="The input's sheet (tab), e.g. Pricing, Estimates, Usage drivers"),
        Field("row", "Row", required=True, default="2",
              help="The row's code or name (Prism, M7), or its row number as cell addresses count"),
        Field("field", "Column", required=True, default="Monthly price", help="The input's column header"),
        Field("distribution", "Distribution", required=True, default="PERT", choices=DISTRIBUTIONS,
              help="PERT (mode weighted 4), triangular, uniform, or fixed (not drawn)"),
        Field("low", "Low", Kind.NUMBER, "", False, -1e15, 1e15,
              help="Lowest value drawn; empty: the row's own low (inputs with a range)"),
        Field("high", "High", Kind.NUMBER, "", False, -1e15, 1e15,
              help="Highest value drawn; empty: the row's own high (inputs with a range)"),
        Field("correlation_group", "Group", help="Inputs of one correlation group move together (see Correlation groups)"),
        Field("notes", "Notes", max_length=2000),
    ),
)

CORRELATION_GROUPS = TableSpec(
    name="correlation_groups",
    sheet="Correlation groups",
    noun="correlation group",
    unique=("name",),
    fields=(
        Field("name", "Group", required=True, help="e.g. Personnel"),
        Field("correlation", "Rank correlation", Kind.NUMBER, "share", True, 0, 1, default=0.8,
              help="Spearman rank correlation between any two inputs of the group, 0 to 100%"),
        Field("notes", "Notes", max_length=2000),
    ),
)

UNCERTAINTY_TABLES: tuple[TableSpec, ...] = (UNCERTAINTY, CORRELATION_GROUPS)
