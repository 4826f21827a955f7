"""Tables of the operating-cost model that answers "what does a user cost me at N users":
infrastructure tiers and their components, usage-priced services (plans with metered
quantities), usage drivers, LLM models and activities, user segments, and the usage figures a
source states for the audit.

Seeds: 002 (infrastructure stages by user count), 003 (Kalei's tokens per activity, model
prices, segments), 004 (Vercel Pro: base fee, included quotas and overage prices).
"""

from __future__ import annotations

from .fields import Field, Kind
from .table import TableSpec
from .units import UNIT_NAMES

USERS_MAX = 1e12
PRICE_MAX = 1e9

INFRA_TIERS = TableSpec(
    name="infra_tiers",
    sheet="Infra tiers",
    noun="infrastructure tier",
    unique=("name",),
    fields=(
        Field("name", "Tier", required=True, help="A stage of the infrastructure, e.g. Stage 2: Growing community"),
        Field("users_from", "Users from", Kind.INTEGER, "users", False, 0, USERS_MAX,
              help="The tier runs from this many users until the next tier starts; empty: not on the curve"),
        Field("users_to", "Users to", Kind.INTEGER, "users", False, 0, USERS_MAX,
              help="The most users the source says the tier serves"),
        Field("notes", "Notes", max_length=2000),
    ),
)

INFRA_COMPONENTS = TableSpec(
    name="infra_components",
    sheet="Infra components",
    noun="infrastructure component",
    fields=(
        Field("tier", "Tier", Kind.REF, required=True, ref_table="infra_tiers"),
        Field("component", "Component", required=True, default="New component"),
        Field("option", "Option", help="Alternatives of a tier (A: VPS, B: Kubernetes); empty: always paid"),
        Field("low", "Low", Kind.MONEY, "USD/month", False, 0, PRICE_MAX),
        Field("high", "High", Kind.MONEY, "USD/month", False, 0, PRICE_MAX, help="Empty: same as low"),
        Field("notes", "Notes", max_length=2000),
    ),
)

USAGE_DRIVERS = TableSpec(
    name="usage_drivers",
    sheet="Usage drivers",
    noun="usage driver",
    unique=("name",),
    fields=(
        Field("name", "Quantity", required=True, help="What users consume, e.g. Invocations, Active CPU"),
        Field("per_user", "Per user per month", Kind.NUMBER, "per user per month", True, 0, 1e15, default=0.0),
        Field("unit", "Unit", required=True, default="calls", choices=UNIT_NAMES),
        Field("notes", "Notes", max_length=2000),
    ),
)

SERVICE_PLANS = TableSpec(
    name="service_plans",
    sheet="Service plans",
    noun="service plan",
    unique=("name",),
    fields=(
        Field("name", "Plan", required=True, help="e.g. Vercel Pro"),
        Field("service", "Service", required=True, default="New service",
              help="Plans of one service are alternatives: the cheapest that fits the usage is used"),
        Field("base_fee", "Base fee", Kind.MONEY, "USD/month", False, 0, PRICE_MAX),
        Field("notes", "Notes", max_length=2000),
    ),
)

METERS = TableSpec(
    name="meters",
    sheet="Meters",
    noun="meter",
    fields=(
        Field("plan", "Plan", Kind.REF, required=True, ref_table="service_plans"),
        Field("driver", "Quantity", Kind.REF, required=True, ref_table="usage_drivers"),
        Field("unit", "Billing unit", required=True, default="calls", choices=UNIT_NAMES),
        Field("included", "Included", Kind.NUMBER, "billing units per month", False, 0, 1e18,
              help="Included quota per month; empty: none"),
        Field("unit_price", "Unit price", Kind.MONEY, "USD", False, 0, PRICE_MAX,
              help="Price of `Per` billing units over the quota; empty: the plan stops at its quota"),
        Field("per", "Per", Kind.NUMBER, "billing units", False, 1e-12, 1e18, default=1.0,
              help="The unit price buys this many billing units (e.g. 1,000,000 invocations)"),
        Field("package", "Package", Kind.NUMBER, "billing units", False, 0, 1e18, smallest=1e-12,
              help="Overage is rounded up to whole packages of this size; empty: billed exactly"),
        Field("notes", "Notes", max_length=2000),
    ),
)

LLM_MODELS = TableSpec(
    name="llm_models",
    sheet="LLM models",
    noun="LLM model",
    unique=("name",),
    fields=(
        Field("name", "Model", required=True),
        Field("input_price", "Input price", Kind.MONEY, "USD/MTok", True, 0, 1e6, default=0.0),
        Field("output_price", "Output price", Kind.MONEY, "USD/MTok", True, 0, 1e6, default=0.0),
        Field("cache_read", "Cache read multiplier", Kind.NUMBER, "x input price", False, 0, 1, default=0.1,
              help="Cached prompt tokens cost this share of the input price (Anthropic: 0.1)"),
        Field("batch_discount", "Batch discount", Kind.NUMBER, "share", False, 0, 1, default=0.5,
              help="Discount of the batch API on every token (Anthropic: 50%)"),
        Field("source", "Source"),
    ),
)

LLM_ACTIVITIES = TableSpec(
    name="llm_activities",
    sheet="LLM activities",
    noun="LLM activity",
    unique=("name",),
    fields=(
        Field("name", "Activity", required=True),
        Field("model", "Model", Kind.REF, required=True, ref_table="llm_models"),
        Field("cached_tokens", "Cached input", Kind.NUMBER, "tokens/session", False, 0, 1e9,
              help="System-prompt tokens read from the prompt cache per session"),
        Field("input_tokens", "Fresh input", Kind.NUMBER, "tokens/session", False, 0, 1e9),
        Field("output_tokens", "Output", Kind.NUMBER, "tokens/session", False, 0, 1e9),
        Field("batch_share", "Batch share", Kind.NUMBER, "share", False, 0, 1, default=0.0,
              help="Share of sessions run through the batch API (1 = all)"),
        Field("notes", "Notes", max_length=2000),
    ),
)

SEGMENTS = TableSpec(
    name="segments",
    sheet="Segments",
    noun="user segment",
    unique=("name",),
    fields=(
        Field("name", "Segment", required=True),
        Field("share", "Share of users", Kind.NUMBER, "share", False, 0, 1, default=1.0,
              help="Share of active users in this segment, e.g. 85%"),
        Field("notes", "Notes", max_length=2000),
    ),
)

SEGMENT_USAGE = TableSpec(
    name="segment_usage",
    sheet="Segment usage",
    noun="segment usage line",
    fields=(
        Field("segment", "Segment", Kind.REF, required=True, ref_table="segments"),
        Field("activity", "Activity", Kind.REF, required=True, ref_table="llm_activities"),
        Field("sessions", "Sessions per user per month", Kind.NUMBER, "sessions/month", False, 0, 1e6, default=0.0),
    ),
)

USAGE_METRICS = (
    "monthly_cost",  # at `users`: total monthly operating cost; subject: a component (service, infra component, LLM segment)
    "cost_per_user",  # at `users`: monthly cost / users; subject as above
    "quantity",  # at `users`: a usage driver's total in `unit` (users = 1: per user)
    "tier_cost",  # subject: an infrastructure tier; bound low / high
    "llm_cost_per_user",  # subject: a segment (or activity, per session); batch share as planned
    "llm_list_cost_per_user",  # the same at list price, without the batch discount
    "llm_input_tokens",  # subject: segment (per user per month) or activity (per session); billable
    "llm_output_tokens",  # as above, output tokens
)

USAGE_FIGURES = TableSpec(
    name="usage_figures",
    sheet="Stated usage",
    noun="stated usage figure",
    fields=(
        Field("metric", "Metric", required=True, default="monthly_cost", choices=USAGE_METRICS),
        Field("subject", "Subject", help="Service, driver, tier, segment or activity; empty: the total"),
        Field("users", "Users", Kind.INTEGER, "users", False, 0, USERS_MAX),
        Field("bound", "Bound", default="value", choices=("value", "low", "high")),
        Field("unit", "Unit", help="For quantities: the unit the source prints", choices=UNIT_NAMES),
        Field("value", "Stated value", Kind.NUMBER, "", True, -1e15, 1e15),
        Field("decimals", "Printed decimals", Kind.INTEGER, "", False, -9, 9, default=0.0,
              help="-3: printed to the thousand (86K)"),
        Field("label", "Where the source prints it"),
    ),
)

USAGE_TABLES: tuple[TableSpec, ...] = (
    INFRA_TIERS,
    INFRA_COMPONENTS,
    USAGE_DRIVERS,
    SERVICE_PLANS,
    METERS,
    LLM_MODELS,
    LLM_ACTIVITIES,
    SEGMENTS,
    SEGMENT_USAGE,
    USAGE_FIGURES,
)
