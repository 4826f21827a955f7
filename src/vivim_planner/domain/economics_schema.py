"""Tables of the revenue side of a plan and of its scenarios: pricing tiers, payment fees,
starting capital and one-off startup costs, a user growth plan, a dividend policy, named
scenarios and the overrides a scenario makes to any input.

Seeds: 003 (Kalei: tiers Free / Prism $4.99 / Prism+ $9.99, phases with paying subscribers and
monthly costs, the EUR 2,000 startup budget of section 9), 000 (VIVIM's M9/M10 revenue offsets,
Stripe 2.9% + $0.30), 001 (dividend policy: 70% users / 30% platform).

Shares (conversion, fee percent, dividend split) are stored as fractions 0-1 and typed as
``15%`` or ``0.15``. Money is in the plan's currency per month unless a unit says otherwise.
The row rules (shares of a dividend that add up to 100%, overrides that name a real cell and
hold a value that cell accepts) live in :meth:`vivim_planner.domain.plan.Plan.check_row`.
"""

from __future__ import annotations

from .fields import Field, Kind
from .table import TableSpec

PRICE_MAX = 1e9
USERS_MAX = 1e12

BANDS = ("low", "mid", "high", "bottom-up")
"""Build-cost bands a scenario can use (the stated estimates, or the bottom-up lines)."""

PRICING_TIERS = TableSpec(
    name="pricing_tiers",
    sheet="Pricing",
    noun="pricing tier",
    unique=("name",),
    fields=(
        Field("name", "Tier", required=True, help="e.g. Free, Prism, Prism+"),
        Field("monthly_price", "Monthly price", Kind.MONEY, "USD/month", True, 0, PRICE_MAX, default=0.0),
        Field("annual_price", "Annual price", Kind.MONEY, "USD/year", False, 0, PRICE_MAX,
              help="Price of a year paid at once; empty: no annual plan"),
        Field("annual_share", "Annual share", Kind.NUMBER, "share", False, 0, 1, default=0.0,
              help="Share of this tier's subscribers paying yearly (their month costs annual price / 12)"),
        Field("conversion", "Paying share", Kind.NUMBER, "share of active users", True, 0, 1, default=0.0,
              help="Share of active users on this tier, e.g. 5%; a free tier holds the rest"),
        Field("segment", "Usage segment", Kind.REF, ref_table="segments",
              help="Cost per user comes from this segment of the usage model (LLM tokens x prices)"),
        Field("cost_per_user", "Cost per user", Kind.MONEY, "USD/user/month", False, 0, PRICE_MAX,
              help="Empty: the usage segment's cost; a figure here wins over the segment"),
        Field("notes", "Notes", max_length=2000),
    ),
)

FEE_SCOPES = ("subscriptions", "all revenue")

PAYMENT_FEES = TableSpec(
    name="payment_fees",
    sheet="Fees",
    noun="payment fee",
    unique=("name",),
    fields=(
        Field("name", "Fee", required=True, help="e.g. Stripe, App Store"),
        Field("percent", "Percent", Kind.NUMBER, "share of the payment", False, 0, 1, default=0.0,
              help="Share of each payment, e.g. 2.9% or 15%"),
        Field("fixed", "Fixed per payment", Kind.MONEY, "USD/transaction", False, 0, PRICE_MAX, default=0.0),
        Field("tier", "Tier", Kind.REF, ref_table="pricing_tiers", help="Empty: every paid tier"),
        Field("scope", "Applies to", default="subscriptions", choices=FEE_SCOPES,
              help="subscriptions, or all revenue (revenue offsets too: one payment per customer a month)"),
        Field("notes", "Notes", max_length=2000),
    ),
)

CAPITAL_KINDS = ("capital", "startup cost")

CAPITAL = TableSpec(
    name="capital",
    sheet="Capital",
    noun="capital line",
    fields=(
        Field("item", "Item", required=True, default="New item"),
        Field("kind", "Kind", required=True, default="startup cost", choices=CAPITAL_KINDS,
              help="capital adds cash (savings, a raise); a startup cost is spent once"),
        Field("amount", "Amount", Kind.MONEY, "USD", False, 0, 1e12, help="Empty: the midpoint of low-high"),
        Field("low", "Low", Kind.MONEY, "USD", False, 0, 1e12),
        Field("high", "High", Kind.MONEY, "USD", False, 0, 1e12),
        Field("month", "Month", Kind.INTEGER, "month", False, 1, 600, default=1.0,
              help="Plan month the cash arrives or is spent"),
        Field("notes", "Notes", max_length=2000),
    ),
)

GROWTH = TableSpec(
    name="growth",
    sheet="Growth",
    noun="growth step",
    parent="milestones",  # a step tied to a milestone goes with it
    unique=("name",),
    fields=(
        Field("name", "Step", required=True, help="e.g. Phase 1, Month 6"),
        Field("milestone", "Milestone", Kind.REF, ref_table="milestones",
              help="Optional: the step starts at this milestone's start month and takes its users and "
                   "operating cost where this row leaves them empty"),
        Field("month", "From month", Kind.INTEGER, "month", False, 1, 600,
              help="The step holds from this month until the next step; empty: its milestone's start"),
        Field("users", "Active users", Kind.INTEGER, "users", False, 0, USERS_MAX,
              help="Empty: the milestone's target users"),
        Field("paying", "Paying subscribers", Kind.INTEGER, "subscribers", False, 0, USERS_MAX,
              help="Empty: active users x each tier's paying share"),
        Field("operating_cost", "Monthly cost", Kind.MONEY, "USD/month", False, 0, 1e12,
              help="Empty: the milestone's operating lines plus the usage model at these users"),
        Field("notes", "Notes", max_length=2000),
    ),
)

DIVIDEND_BASES = ("profit", "revenue")

DIVIDEND_POLICIES = TableSpec(
    name="dividend_policies",
    sheet="Dividends",
    noun="dividend policy",
    unique=("name",),
    fields=(
        Field("name", "Policy", required=True),
        Field("users_share", "Users' share", Kind.NUMBER, "share", True, 0, 1, default=0.7),
        Field("platform_share", "Platform share", Kind.NUMBER, "share", True, 0, 1, default=0.3),
        Field("basis", "Pool", default="profit", choices=DIVIDEND_BASES,
              help="profit: revenue - fees - operating cost of each month with a profit; revenue: all of it"),
        Field("from_milestone", "From milestone", Kind.REF, ref_table="milestones",
              help="Pays from this milestone's start month; empty: from month 1"),
        Field("notes", "Notes", max_length=2000),
    ),
)

SCENARIOS = TableSpec(
    name="scenarios",
    sheet="Scenarios",
    noun="scenario",
    unique=("name",),
    fields=(
        Field("name", "Scenario", required=True,
              help="low, mid and high always exist; a row of that name adds overrides to it"),
        Field("based_on", "Based on", Kind.REF, ref_table="scenarios",
              help="Starts from this scenario's overrides; its own win"),
        Field("band", "Build estimate", choices=BANDS,
              help="Which build estimates the scenario uses; empty: its name's (low/mid/high) or its base's, else mid"),
        Field("notes", "Notes", max_length=2000),
    ),
)

SCENARIO_OVERRIDES = TableSpec(
    name="scenario_overrides",
    sheet="Overrides",
    noun="scenario override",
    fields=(
        Field("scenario", "Scenario", Kind.REF, required=True, ref_table="scenarios"),
        Field("sheet", "Sheet", required=True, default="Pricing",
              help="The sheet (tab) of the input, e.g. Pricing, Growth, Estimates"),
        Field("row", "Row", required=True, default="1",
              help="The row's code or name (Prism, M7), or its row number as cell addresses count (2 = first)"),
        Field("field", "Column", required=True, default="Monthly price", help="The column's header, e.g. Monthly price"),
        Field("value", "Value", required=True, default="0", help="What the scenario puts in that cell, as you would type it"),
        Field("notes", "Notes", max_length=2000),
    ),
)

ECONOMICS_METRICS = (
    "margin",  # subject: a tier; gross margin as a share (87% -> 0.87)
    "contribution",  # subject: a tier; price - fees - cost per user, per subscriber-month
    "cost_per_user",  # subject: a tier; the cost per user it is priced against
    "break_even_subscribers",  # the plan: paying subscribers that cover the fixed monthly cost
    "break_even_month",  # the plan: first month whose revenue covers its costs
    "runway_months",  # the plan: months the cash lasts
    "runway_without_revenue",  # the plan: months the cash lasts with no revenue at all
    "step_revenue",  # subject: a growth step (or milestone code); revenue in its first month
    "step_cost",  # as above, the month's operating cost
    "step_profit",  # as above, revenue - fees - cost
    "step_margin",  # as above, profit / revenue as a share
)

ECONOMICS_FIGURES = TableSpec(
    name="economics_figures",
    sheet="Stated economics",
    noun="stated economics figure",
    fields=(
        Field("metric", "Metric", required=True, default="margin", choices=ECONOMICS_METRICS),
        Field("subject", "Subject", help="Tier, growth step or milestone; empty for the plan's own figures"),
        Field("scenario", "Scenario", help="The scenario the source speaks of; empty: mid"),
        Field("value", "Stated value", Kind.NUMBER, "", True, -1e15, 1e15, help="Shares as 87% or 0.87"),
        Field("decimals", "Printed decimals", Kind.INTEGER, "", False, -9, 9, default=0.0,
              help="Of the value as stored: 87% is 0.87, printed to 2 decimals"),
        Field("label", "Where the source prints it"),
    ),
)

ECONOMICS_TABLES: tuple[TableSpec, ...] = (
    PRICING_TIERS,
    PAYMENT_FEES,
    CAPITAL,
    GROWTH,
    DIVIDEND_POLICIES,
    SCENARIOS,
    SCENARIO_OVERRIDES,
    ECONOMICS_FIGURES,
)
