"""The plan's tables: milestones, rate card, team allocations, build costs, estimates,
operating costs, revenue offsets and the figures a source document states; plus the
operating-cost model of ``usage_schema`` (tiers, services, drivers, LLM usage).

Field order is the grid's and the exported sheet's column order. Bounds come from what a
founder's plan can sensibly hold; each is named in the error a user sees.
"""

from __future__ import annotations

from .fields import Field, Kind
from .table import TableSpec
from .economics_schema import ECONOMICS_TABLES
from .usage_schema import USAGE_TABLES
from .uncertainty_schema import UNCERTAINTY_TABLES
from .actuals_schema import ACTUALS_TABLES

MONEY_MAX = 1e12  # a single line above a trillion is a typo, not a plan

MILESTONES = TableSpec(
    name="milestones",
    sheet="Milestones",
    noun="milestone",
    unique=("code",),
    fields=(
        Field("code", "Code", required=True, max_length=16, help="Short code such as M1"),
        Field("name", "Name", required=True),
        Field("phase", "Phase"),
        Field("start_month", "Start month", Kind.INTEGER, "month", True, 1, 600, default=1.0),
        Field("end_month", "End month", Kind.INTEGER, "month", True, 1, 600, default=1.0),
        Field("target_users", "Target users", Kind.INTEGER, "users", False, 0, 1e10),
        Field("notes", "Notes", max_length=2000),
    ),
)

ROLES = TableSpec(
    name="roles",
    sheet="Rate card",
    noun="role",
    unique=("name",),
    fields=(
        Field("name", "Role", required=True),
        Field("category", "Category"),
        Field("hourly_rate", "Hourly rate", Kind.MONEY, "USD/hour", False, 0, 10_000),
        Field("hourly_rate_low", "Rate low", Kind.MONEY, "USD/hour", False, 0, 10_000),
        Field("hourly_rate_high", "Rate high", Kind.MONEY, "USD/hour", False, 0, 10_000),
        Field("salary_low", "Salary low", Kind.MONEY, "USD/year", False, 0, 100_000_000),
        Field("salary_high", "Salary high", Kind.MONEY, "USD/year", False, 0, 100_000_000),
        Field("source", "Source"),
    ),
)

ALLOCATIONS = TableSpec(
    name="allocations",
    sheet="Team",
    noun="team line",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, required=True, ref_table="milestones"),
        Field("role", "Role", Kind.REF, required=True, ref_table="roles"),
        Field("title", "Line", help="The line's own title, e.g. Senior Backend Engineer"),
        Field("hourly_rate", "Hourly rate", Kind.MONEY, "USD/hour", False, 0, 10_000,
              help="Empty: the role's rate from the rate card"),
        Field("months", "Months", Kind.NUMBER, "months", False, 0, 120, default=1.0),
        Field("fte", "FTE", Kind.NUMBER, "FTE", False, 0, 10, default=1.0),
        Field("lump_sum", "Lump sum", Kind.MONEY, "USD", False, 0, MONEY_MAX,
              help="Cost of a line the source gives without rate or months"),
        Field("stated_cost", "Stated cost", Kind.MONEY, "USD", False, -MONEY_MAX, MONEY_MAX),
    ),
)

BUILD_ITEMS = TableSpec(
    name="build_items",
    sheet="Build costs",
    noun="build cost line",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, required=True, ref_table="milestones"),
        Field("category", "Category", required=True, default="Infrastructure"),
        Field("description", "Description"),
        Field("details", "Details"),
        Field("quantity", "Qty", Kind.NUMBER, "", False, 0, 1e9,
              help="With unit cost: cost = qty x unit cost (e.g. 4 months x $50/mo)"),
        Field("unit_cost", "Unit cost", Kind.MONEY, "USD", False, 0, MONEY_MAX),
        Field("amount", "Amount", Kind.MONEY, "USD", False, 0, MONEY_MAX),
        Field("low", "Low", Kind.MONEY, "USD", False, 0, MONEY_MAX),
        Field("high", "High", Kind.MONEY, "USD", False, 0, MONEY_MAX),
        Field("stated_cost", "Stated cost", Kind.MONEY, "USD", False, -MONEY_MAX, MONEY_MAX),
    ),
)

ESTIMATES = TableSpec(
    name="estimates",
    sheet="Estimates",
    noun="estimate",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, required=True, ref_table="milestones"),
        Field("category", "Category", required=True, default="Personnel"),
        Field("low", "Low", Kind.MONEY, "USD", False, 0, MONEY_MAX, help="Empty: bottom-up"),
        Field("mid", "Mid", Kind.MONEY, "USD", False, 0, MONEY_MAX, help="Empty: bottom-up"),
        Field("high", "High", Kind.MONEY, "USD", False, 0, MONEY_MAX, help="Empty: bottom-up"),
    ),
)

OPERATING_COSTS = TableSpec(
    name="operating_costs",
    sheet="Operations",
    noun="operating cost line",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, required=True, ref_table="milestones"),
        Field("driver", "Cost driver", required=True, default="New cost"),
        Field("calculation", "Calculation"),
        Field("quantity", "Qty", Kind.NUMBER, "", False, 0, 1e12),
        Field("unit_cost", "Unit cost", Kind.MONEY, "USD/month", False, 0, MONEY_MAX),
        Field("amount", "Monthly amount", Kind.MONEY, "USD/month", False, 0, MONEY_MAX),
        Field("stated_cost", "Stated", Kind.MONEY, "USD/month", False, -MONEY_MAX, MONEY_MAX),
    ),
)

REVENUES = TableSpec(
    name="revenues",
    sheet="Revenue",
    noun="revenue offset line",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, required=True, ref_table="milestones"),
        Field("source", "Source", required=True, default="New revenue"),
        Field("customers", "Customers", Kind.INTEGER, "customers", False, 0, 1e10),
        Field("amount", "Monthly revenue", Kind.MONEY, "USD/month", False, 0, MONEY_MAX),
    ),
)

# What a stated figure claims; the engine computes each metric (see engine.metrics).
METRICS = (
    "allocations_subtotal",  # per milestone: sum of team line costs
    "build_subtotal",  # per milestone and category: sum of build cost lines (bound low/high for ranges)
    "estimate_total",  # per milestone: sum of the category estimates (bound low/mid/high)
    "operating_total",  # per milestone: monthly operating cost
    "revenue_total",  # per milestone: monthly revenue offset
    "net_operating",  # per milestone: operating cost - revenue (negative is profit)
    "cost_per_user",  # per milestone: net operating cost / target users
    "users",  # per milestone: target users as a summary table repeats them
    "consolidated_total",  # whole plan: sum of milestone totals (bound low/mid/high)
)

STATED_FIGURES = TableSpec(
    name="stated_figures",
    sheet="Stated figures",
    noun="stated figure",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, ref_table="milestones"),
        Field("metric", "Metric", required=True, default="operating_total"),
        Field("category", "Category"),
        Field("bound", "Bound", default="value", help="low, mid, high or value"),
        Field("value", "Stated value", Kind.NUMBER, "", True, -1e15, 1e15),
        Field("decimals", "Printed decimals", Kind.INTEGER, "", False, 0, 9, default=0.0),
        Field("label", "Where the source prints it"),
    ),
)

ALL_TABLES: tuple[TableSpec, ...] = (
    MILESTONES,
    ROLES,
    ALLOCATIONS,
    BUILD_ITEMS,
    ESTIMATES,
    OPERATING_COSTS,
    REVENUES,
    STATED_FIGURES,
) + USAGE_TABLES + ECONOMICS_TABLES + UNCERTAINTY_TABLES + ACTUALS_TABLES
SPECS: dict[str, TableSpec] = {s.name: s for s in ALL_TABLES}
BOUNDS = ("low", "mid", "high", "value")
