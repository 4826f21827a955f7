"""Build ``sample_models/kalei.vivim`` from seed 003 (Kalei: Infrastructure & Financial Plan).

The AI cost is computed from tokens, not typed in: each activity (Mirror session,
Kaleidoscope turn, Lens affirmation, Spectrum analysis) holds its cached system-prompt, fresh
input and output tokens (section 2); Claude Haiku 4.5 costs $1.00 / $5.00 per MTok with cache
reads at 0.1x and the Batch API at 50% off (section 1); the free user and the Prism subscriber
hold their sessions per month. That gives $0.31 per free user and $0.66 per Prism subscriber,
$0.63 with Spectrum on the Batch API.

Users on the curve are active users, the unit the seed prices AI in. The phases' fixed costs
are infrastructure tiers whose boundaries follow the seed's "When to Scale" triggers in
active users (VPS 2000 past 200 concurrent users, Phase 3 at ~1,000 DAU). The seed adds euro
and dollar amounts at parity in its phase tables (e.g. "50 active x $0.25 avg = ~EUR 12.50");
the plan keeps its amounts as printed, in one currency. Figures printed with "~" are read as
whole units.

Run: ``python sample_models/kalei.py [OUT.vivim]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

DEFAULT_OUT = Path(__file__).resolve().parent / "kalei.vivim"
NAN = float("nan")

# section 1: model, input USD/MTok, output USD/MTok, source
MODELS = [
    ("Claude Haiku 4.5", 1.00, 5.00, "Anthropic API (Option A): primary engine"),
    ("Claude Haiku 3", 0.25, 1.25, "Anthropic API (Option A)"),
    ("Claude Sonnet 4.5", 3.00, 15.00, "Anthropic API (Option A)"),
    ("Qwen3-235B-A22B", 0.45, 1.80, "OpenRouter / Fireworks (Option B)"),
    ("Llama 3.3 70B", 0.20, 0.20, "Together AI (Option B)"),
    ("Qwen3-32B", 0.29, 0.39, "Groq (Option B): fallback for simple tasks"),
]
# section 2: activity, cached system prompt, fresh input, output tokens per session, batch share, notes
ACTIVITIES = [
    ("Mirror session", 800, 400 + 200 + 300, 500 + 150 + 400, 0.0,
     "Writing 400 in; 5 highlights 500 out; 2 inline reframes 200 in / 150 out; reflection 300 in / 400 out"),
    ("Kaleidoscope turn", 600, 300, 450, 0.0, "Fragment + context 300 in; 3 reframe perspectives 450 out"),
    ("Lens affirmation", 400, 200, 100, 0.0, "User context + goals 200 in; affirmation 100 out"),
    ("Spectrum analysis", 0, 8_000 / 4, 12_000 / 4, 1.0, "4 analyses: 8,000 in / 12,000 out a month; Batch API"),
]
# segment, share of active users, {activity: sessions per user per month}
SEGMENTS = [
    ("Free user", 0.85, {"Kaleidoscope turn": 90, "Mirror session": 8, "Lens affirmation": 30},
     "3 Turns/day, 2 Mirror sessions/week, daily Lens; 85% of active users (Phase 3: 15% conversion)"),
    ("Prism subscriber", 0.15, {"Kaleidoscope turn": 180, "Mirror session": 16, "Lens affirmation": 30,
                                "Spectrum analysis": 4},
     "Unlimited usage, assumed 2x a free user plus Spectrum"),
]
# section 4: phase, active users from, [(component, low, high)]
PHASES = [
    ("Phase 0: Pre-launch", NAN, [("Netcup VPS 1000 G12", 8.45, 8.45), ("Domain (kalei.ai)", 5.00, 5.00),
                                  ("Claude API (dev/testing, free credit)", 0, 0), ("Expo Free Tier", 0, 0),
                                  ("Cloudflare, Sentry, email", 0, 0)]),
    ("Phase 1: Launch", 0, [("Netcup VPS 1000 G12", 8.45, 8.45), ("Domain (kalei.ai)", 5.00, 5.00),
                            ("Expo Free Tier", 0, 0), ("Infrastructure (Cloudflare, etc.)", 0, 0)]),
    ("Phase 2: Traction", 200, [("Netcup VPS 2000 G12", 15.59, 15.59), ("Domain (kalei.ai)", 5.00, 5.00),
                                ("Expo Starter (OTA updates)", 19.00, 19.00), ("Email (may need paid tier)", 0, 10)]),
    ("Phase 3: Growth", 1_000, [("Netcup VPS 4000 G12", 26.18, 26.18), ("Domain (kalei.ai)", 5.00, 5.00),
                                ("Expo Production plan", 99.00, 99.00), ("Email paid tier", 20, 20),
                                ("Sentry paid", 26, 26)]),
]
USERS_TO = {"Phase 1: Launch": 200, "Phase 2: Traction": 1_000, "Phase 3: Growth": 10_000}


def build_plan() -> Plan:
    # Section 6's "Path to Sustainability" runs to month 18: the timeline runs that far too.
    plan = Plan(PlanSettings(name="Kalei: infrastructure & financial plan (seed 003)", currency="USD",
                             horizon_months=18.0,
                             notes="Seed 003 (February 2026). Starting capital EUR 0-2,000; burn target under "
                                   "EUR 30/month at launch. Amounts as the seed prints them (EUR and USD at parity)."))
    t = plan.tables
    t["llm_models"].extend([{"id": i, "name": n, "input_price": a, "output_price": b, "cache_read": 0.1,
                             "batch_discount": 0.5, "source": s} for i, (n, a, b, s) in enumerate(MODELS, 1)])
    t["llm_activities"].extend([{"id": i, "name": n, "model": 1, "cached_tokens": float(c), "input_tokens": float(f),
                                 "output_tokens": float(o), "batch_share": b, "notes": note}
                                for i, (n, c, f, o, b, note) in enumerate(ACTIVITIES, 1)])
    activity_id = {a[0]: i for i, a in enumerate(ACTIVITIES, 1)}
    usage = []
    for i, (name, share, sessions, note) in enumerate(SEGMENTS, 1):
        t["segments"].insert(i - 1, {"id": i, "name": name, "share": share, "notes": note})
        for activity, n in sessions.items():
            usage.append({"id": len(usage) + 1, "segment": i, "activity": activity_id[activity], "sessions": float(n)})
    t["segment_usage"].extend(usage)
    comps = []
    for i, (name, users_from, components) in enumerate(PHASES, 1):
        t["infra_tiers"].insert(i - 1, {"id": i, "name": name, "users_from": float(users_from),
                                        "users_to": float(USERS_TO.get(name, NAN)),
                                        "notes": "Reference: months 1-3, no users yet" if name.startswith("Phase 0") else ""})
        for component, low, high in components:
            comps.append({"id": len(comps) + 1, "tier": i, "component": component, "low": float(low), "high": float(high)})
    t["infra_components"].extend(comps)

    figures: list[dict] = []

    def stated(metric: str, subject: str, value: float, label: str, *, users: float = NAN, bound: str = "value",
               decimals: int = 0) -> None:
        figures.append({"id": len(figures) + 1, "metric": metric, "subject": subject, "users": float(users),
                        "bound": bound, "unit": "", "value": float(value), "decimals": float(decimals), "label": label})

    # section 2: billable input per session ("With caching: ~980 billable input tokens")
    stated("llm_input_tokens", "Mirror session", 980, "Mirror: effective input with caching")
    stated("llm_input_tokens", "Kaleidoscope turn", 360, "Kaleidoscope: billable input tokens with caching")
    stated("llm_input_tokens", "Lens affirmation", 240, "Lens: billable input tokens with caching")
    for segment, tokens_in, tokens_out in (("Free user", 47_440, 51_900), ("Prism subscriber", 95_680, 112_800)):
        stated("llm_input_tokens", segment, tokens_in, f"{segment}: Total billable input tokens")
        stated("llm_output_tokens", segment, tokens_out, f"{segment}: Total output tokens")
    stated("llm_list_cost_per_user", "Free user", 0.31, "Free user: Cost with Haiku 4.5", decimals=2)
    stated("llm_cost_per_user", "Free user", 0.31, "Free user: Cost with Haiku 4.5 (no batch work)", decimals=2)
    stated("llm_list_cost_per_user", "Prism subscriber", 0.66, "Prism subscriber: Cost with Haiku 4.5", decimals=2)
    stated("llm_cost_per_user", "Prism subscriber", 0.63, "Prism subscriber: effective with Spectrum on the Batch API",
           decimals=2)
    # section 4: phase totals (fixed costs plus the AI bill at the phase's active users)
    stated("tier_cost", "Phase 0: Pre-launch", 13.50, "Phase 0 Total ~EUR 13.50/month")
    stated("monthly_cost", "", 26, "Phase 1 Total ~EUR 26/month (50 DAU)", users=50)
    stated("monthly_cost", "", 90, "Phase 2 Total ~EUR 90-100/month (200 DAU)", users=200, bound="low")
    stated("monthly_cost", "", 100, "Phase 2 Total ~EUR 90-100/month (200 DAU)", users=200, bound="high")
    stated("monthly_cost", "", 425, "Phase 3 Total ~EUR 425/month (1,000 DAU)", users=1_000)
    t["usage_figures"].extend(figures)
    add_economics(plan)
    return plan


# =============================================================================================
# Pricing, phases, break-even and startup budget (seed 003 sections 5, 6, 9 and 12)
# =============================================================================================
# section 12: tier, $/month, $/year, share of active users, usage segment (cost per user from the
# token model), cost per user typed in (only where no segment models the tier), notes
TIERS = [
    ("Free", 0.00, NAN, 0.0, "Free user", NAN, "3 Turns/day, 2 Mirror/week, basic Lens, 30-day Gallery"),
    ("Prism", 4.99, 39.99, 0.15, "Prism subscriber", NAN,
     "Section 5: $4.99/month, annual $39.99/year ($3.33/month); 15% conversion (Phase 3)"),
    ("Prism+", 9.99, 79.99, 0.0, None, 0.70,
     "Phase 2 launch: full Spectrum dashboard, weekly/monthly insights; section 12: our cost ~$0.70 per user"),
]
# sections 4-5, "Revised projections at $4.99": phase, from month, active users (DAU), paying, monthly
# cost. Phase 0 is months 1-3 (section 4); the later phases' months are read off section 6's "Path to
# Sustainability" (500 users by month 6 = Phase 2's 500-2,000 users; 3,000 by month 12 = Phase 3).
PHASE_STEPS = [
    ("Phase 0: Pre-launch", 1, 0, 0, NAN, "Months 1-3: development, no users; cost = the usage model (~EUR 13.50)"),
    ("Phase 1: Launch", 4, 50, 15, 28, "~50 DAU; 15 paying (higher conversion at lower price); costs ~$28"),
    ("Phase 2: Traction", 6, 200, 60, 100, "~200 DAU; 60 paying; costs ~$100"),
    ("Phase 3: Growth", 12, 1_000, 250, 450, "~1,000 DAU; 250 paying; costs ~$450"),
]
# section 9, "Startup Budget Allocation" (EUR at parity, as the plan keeps amounts): item, amount or
# (low, high), what it covers
STARTUP = [
    ("Apple Developer Account", 99, "Annual fee, required for App Store"),
    ("Google Play Developer", 25, "One-time fee"),
    ("Domain (kalei.ai, 1 year)", 55, "Annual registration (~EUR 55)"),
    ("Netcup VPS (6 months prepaid)", 51, "Runway for half a year of hosting (~EUR 51)"),
    ("Claude API credits (initial deposit)", 100, "Covers dev + testing + first ~300 active user-months"),
    ("Design assets (fonts, if not free)", (0, 50), "Inter + custom weight = free. Icon set if needed."),
    ("Contingency", 120, "Unexpected costs (~EUR 120)"),
]
# scenarios: name, notes, [(sheet, row, column, value)]
KALEI_SCENARIOS = [
    ("Old price $7.99", "Section 5, 'The Old Price': Prism at $7.99 with 10 / 40 / 150 paying subscribers",
     [("Pricing", "Prism", "Monthly price", "7.99"), ("Growth", "Phase 1: Launch", "Paying subscribers", "10"),
      ("Growth", "Phase 2: Traction", "Paying subscribers", "40"),
      ("Growth", "Phase 3: Growth", "Paying subscribers", "150"),
      ("Growth", "Phase 3: Growth", "Monthly cost", "425")]),
    ("Typical usage", "Section 12's cost per user (~$0.45 per Prism subscriber, 'most users won't hit max usage')",
     [("Pricing", "Prism", "Cost per user", "0.45")]),
    ("Store fees 15%", "App Store / Google Play take 15% of each payment (small-business rate); the seed counts none",
     [("Fees", "App Store / Google Play", "Percent", "15%")]),
]

# figures the seed prints, for the audit: metric, subject, scenario, value as stored (shares as
# fractions), printed decimals of that value, where the seed prints it
STATED_ECONOMICS = [dict(metric=m, subject=s, scenario=sc, value=float(v), decimals=float(d), label=label)
                    for m, s, sc, v, d, label in [
    ("margin", "Prism", "", 0.87, 2, "Section 5: at $0.63/month per Prism subscriber, the margin is still 87%"),
    ("break_even_subscribers", "", "", 4, 0, "Section 6: 4 Prism subscribers at $4.99 cover the infrastructure"),
    ("step_revenue", "Phase 1: Launch", "Old price $7.99", 79.90, 2, "Section 5, $7.99: Phase 1 revenue 10 x $7.99"),
    ("step_profit", "Phase 1: Launch", "Old price $7.99", 52, 0, "Section 5, $7.99: Phase 1 margin +$52"),
    ("step_margin", "Phase 1: Launch", "Old price $7.99", 0.65, 2, "Section 5, $7.99: Phase 1 (65%)"),
    ("step_revenue", "Phase 2: Traction", "Old price $7.99", 319.60, 2, "Section 5, $7.99: Phase 2 revenue 40 x $7.99"),
    ("step_profit", "Phase 2: Traction", "Old price $7.99", 220, 0, "Section 5, $7.99: Phase 2 margin +$220"),
    ("step_margin", "Phase 2: Traction", "Old price $7.99", 0.69, 2, "Section 5, $7.99: Phase 2 (69%)"),
    ("step_revenue", "Phase 3: Growth", "Old price $7.99", 1198.50, 2, "Section 5, $7.99: Phase 3 revenue 150 x $7.99"),
    ("step_profit", "Phase 3: Growth", "Old price $7.99", 773, 0, "Section 5, $7.99: Phase 3 margin +$773"),
    ("step_margin", "Phase 3: Growth", "Old price $7.99", 0.65, 2, "Section 5, $7.99: Phase 3 (65%)"),
    ("step_revenue", "Phase 1: Launch", "", 74.85, 2, "Revised projections at $4.99: Phase 1 monthly revenue"),
    ("step_profit", "Phase 1: Launch", "", 47, 0, "Revised projections at $4.99: Phase 1 margin +$47"),
    ("step_margin", "Phase 1: Launch", "", 0.62, 2, "Revised projections at $4.99: Phase 1 (62%)"),
    ("step_revenue", "Phase 2: Traction", "", 299.40, 2, "Revised projections at $4.99: Phase 2 monthly revenue"),
    ("step_profit", "Phase 2: Traction", "", 200, 0, "Revised projections at $4.99: Phase 2 margin +$200"),
    ("step_margin", "Phase 2: Traction", "", 0.67, 2, "Revised projections at $4.99: Phase 2 (67%)"),
    ("step_revenue", "Phase 3: Growth", "", 1247.50, 2, "Revised projections at $4.99: Phase 3 monthly revenue"),
    ("step_profit", "Phase 3: Growth", "", 798, 0, "Revised projections at $4.99: Phase 3 margin +$798"),
    ("step_margin", "Phase 3: Growth", "", 0.64, 2, "Revised projections at $4.99: Phase 3 (64%)"),
    ("margin", "Prism", "Typical usage", 0.91, 2, "Section 12: Prism margin 91% at ~$0.45 per user"),
    ("margin", "Prism+", "", 0.93, 2, "Section 12: Prism+ margin 93% at ~$0.70 per user"),
]]


def add_economics(plan: Plan) -> None:
    """Kalei's tiers, phases (growth steps), startup budget, a store fee (0% as the seed counts it)
    and three scenarios. The margins, break-even and runway are computed from these inputs:
    Prism ($4.99 - $0.63) / $4.99 = 87%; 13.45 a month of fixed cost / $4.36 = 4 subscribers."""
    t = plan.tables
    segment_id = {name: int(i) for i, name in zip(t["segments"].ids, t["segments"].column("name"))}
    t["pricing_tiers"].extend([
        {"id": i, "name": n, "monthly_price": m, "annual_price": a, "annual_share": 0.0, "conversion": c,
         "segment": segment_id[seg] if seg else 0, "cost_per_user": cpu, "notes": note}
        for i, (n, m, a, c, seg, cpu, note) in enumerate(TIERS, 1)])
    t["payment_fees"].extend([{"id": 1, "name": "App Store / Google Play", "percent": 0.0, "fixed": 0.0,
                               "scope": "subscriptions",
                               "notes": "Seed 003's margins leave store fees out; see the scenario Store fees 15%"}])
    t["growth"].extend([{"id": i, "name": n, "month": float(m), "users": float(u), "paying": float(p),
                         "operating_cost": float(c), "notes": note}
                        for i, (n, m, u, p, c, note) in enumerate(PHASE_STEPS, 1)])
    rows = [{"id": 1, "item": "Starting capital (max)", "kind": "capital", "amount": 2000.0, "month": 1.0,
             "notes": "Section 'The Constraint': EUR 0-2,000 max"}]
    for item, amount, note in STARTUP:
        row = {"id": len(rows) + 1, "item": item, "kind": "startup cost", "month": 1.0, "notes": note}
        if isinstance(amount, tuple):
            row.update(low=float(amount[0]), high=float(amount[1]))
        else:
            row["amount"] = float(amount)
        rows.append(row)
    t["capital"].extend(rows)
    overrides = []
    for i, (name, note, changes) in enumerate(KALEI_SCENARIOS, 1):
        t["scenarios"].insert(i - 1, {"id": i, "name": name, "based_on": 0, "band": "", "notes": note})
        for sheet, row, column, value in changes:
            overrides.append({"id": len(overrides) + 1, "scenario": i, "sheet": sheet, "row": row, "field": column,
                              "value": value})
    t["scenario_overrides"].extend(overrides)
    t["economics_figures"].extend([dict(f, id=i) for i, f in enumerate(STATED_ECONOMICS, 1)])


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    PlanDocument.create(out, build_plan(), overwrite=True).close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
