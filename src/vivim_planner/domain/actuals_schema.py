"""Tables of what really happened: actuals (money spent or earned in a plan month, by
category), the description -> category mapping a bank import remembers, and the budget
amendments recorded when a milestone's budget changes after actuals exist.

An actual's **category** is one of the plan's categories (:func:`.actuals_rules.actual_categories`):
its build categories (Personnel, Infrastructure, Legal...), its operating-cost components as the
timeline names them (``Operating lines``, ``Infrastructure tier``, a service, ``LLM: <segment>``),
``Startup costs``, ``Payment fees`` and ``Revenue``. The **amount** is money spent (a refund is
negative), except for ``Revenue``, where it is money earned. A month holding any actual is
*closed*: the plan-vs-actual comparison and the re-forecast read every category of that month
from the actuals (:mod:`vivim_planner.engine.actuals`).

Seed 001 (VIVIM Digital Twin Cost Database) keeps ``budget_line_items`` ("budget vs actual")
and ``budget_amendments`` ("budget changes"); an amendment here holds the milestone, category
and bound of the estimate, its old and new value, when and why.
"""

from __future__ import annotations

from .fields import Field, Kind
from .table import TableSpec

MONEY_MAX = 1e12  # as domain.schema: a single line above a trillion is a typo

OPERATING_LINES = "Operating lines"
INFRASTRUCTURE_TIER = "Infrastructure tier"
STATED_STEP_COST = "Growth step's stated cost"
LLM_PREFIX = "LLM: "
"""Operating-cost components as :mod:`vivim_planner.engine.timeline` names them (a test checks
every sample's timeline components are categories an actual can take)."""
STARTUP_COSTS = "Startup costs"
PAYMENT_FEES = "Payment fees"
REVENUE = "Revenue"
"""Categories beside the build categories and operating components: one-off startup costs,
payment fees, and revenue (an actual of this category is money earned)."""

ACTUALS = TableSpec(
    name="actuals",
    sheet="Actuals",
    noun="actual",
    fields=(
        Field("month", "Month", Kind.INTEGER, "month", True, 1, 600, default=1.0,
              help="Plan month (1 = the plan's first month); a month with any actual is closed"),
        Field("category", "Category", required=True, default="Personnel",
              help="A build category, an operating component, Startup costs, Payment fees or Revenue"),
        Field("amount", "Amount", Kind.MONEY, "USD", True, -MONEY_MAX, MONEY_MAX, default=0.0,
              help="Money spent (a refund is negative); for Revenue, money earned"),
        Field("date", "Date", help="The transaction's date, YYYY-MM-DD (bank imports fill it)"),
        Field("description", "Description", help="The bank's or the accounts' text"),
        Field("source", "Source", help="Where the figure comes from: typed, bank.csv row 12..."),
        Field("note", "Note", max_length=2000),
    ),
)

CATEGORY_MAP = TableSpec(
    name="category_map",
    sheet="Category map",
    noun="category mapping",
    unique=("pattern",),
    fields=(
        Field("pattern", "Description contains", required=True,
              help='Text a bank description contains, e.g. DIGITALOCEAN (case does not matter)'),
        Field("category", "Category", required=True, default="Infrastructure",
              help="The category such a transaction counts in"),
        Field("note", "Note", max_length=2000),
    ),
)

AMENDMENT_BOUNDS = ("low", "mid", "high")

BUDGET_AMENDMENTS = TableSpec(
    name="budget_amendments",
    sheet="Budget amendments",
    noun="budget amendment",
    parent="milestones",
    fields=(
        Field("milestone", "Milestone", Kind.REF, required=True, ref_table="milestones"),
        Field("category", "Category", required=True, default="Personnel"),
        Field("bound", "Estimate", required=True, default="mid", choices=AMENDMENT_BOUNDS),
        Field("old_value", "Old budget", Kind.MONEY, "USD", False, 0, MONEY_MAX, help="Empty: bottom-up"),
        Field("new_value", "New budget", Kind.MONEY, "USD", False, 0, MONEY_MAX, help="Empty: bottom-up"),
        Field("changed_at", "When", help="Date and time of the change (UTC), e.g. 2026-03-31 17:05"),
        Field("reason", "Why", max_length=2000, help="The reason, e.g. Security audit quote came in higher"),
    ),
)

ACTUALS_TABLES: tuple[TableSpec, ...] = (ACTUALS, CATEGORY_MAP, BUDGET_AMENDMENTS)
