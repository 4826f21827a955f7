"""Build ``sample_models/vercel_per_user.vivim`` from seed 004 (Per-User Cost Breakdown, Vercel Pro).

Usage per user (Steps 1-3): 862 calls, 15 s of active CPU and 470 KB of responses a month.
Vercel Pro (Step 5): $20 base, 1M invocations then $0.60 per 1M, 4 h of active CPU then
$0.128/h, 100 GB of transfer then $0.15/GB. Every row of Step 6's table and Step 7's
cost-per-user table is kept as a stated figure for the audit, together with the per-user
totals of Steps 1 and 3 that the seed rounds before using.

Run: ``python sample_models/vercel_per_user.py [OUT.vivim]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

DEFAULT_OUT = Path(__file__).resolve().parent / "vercel_per_user.vivim"

# Step 6: users, invocations, CPU hours, bandwidth, invocation cost, CPU cost, BW cost, total
STEP6 = [
    (100, "86K", "0.42", "47 MB", "0", "0", "0", "20.00"),
    (500, "431K", "2.08", "235 MB", "0", "0", "0", "20.00"),
    (1_000, "862K", "4.17", "470 MB", "0", "0.02", "0", "20.02"),
    (2_000, "1.72M", "8.33", "940 MB", "0.43", "0.55", "0", "20.98"),
    (3_000, "2.59M", "12.5", "1.4 GB", "0.95", "1.09", "0", "22.04"),
    (5_000, "4.31M", "20.8", "2.3 GB", "1.99", "2.15", "0", "24.14"),
    (10_000, "8.62M", "41.7", "4.6 GB", "4.57", "4.82", "0", "29.39"),
    (20_000, "17.2M", "83.3", "9.2 GB", "9.74", "10.15", "0", "39.89"),
    (50_000, "43.1M", "208", "23 GB", "25.26", "26.15", "0", "71.41"),
    (100_000, "86.2M", "417", "46 GB", "51.12", "52.82", "0", "123.94"),
]
# Step 7, "Cost Per User Decreases as You Scale": users, total cost, cost per user
STEP7 = [(100, "20", "0.20"), (1_000, "20", "0.02"), (10_000, "29", "0.0029"),
         (50_000, "71", "0.0014"), (100_000, "124", "0.0012")]


def printed(text: str) -> tuple[float, int]:
    """A figure as printed -> (value, decimals): ``"86K"`` -> (86000, -3), ``"1.72M"`` -> (1720000, 4)."""
    scale, places = 1.0, 0
    if text[-1] in "KM":
        scale = 1e3 if text[-1] == "K" else 1e6
        places = 3 if text[-1] == "K" else 6
        text = text[:-1]
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text) * scale, decimals - places


def build_plan() -> Plan:
    plan = Plan(PlanSettings(name="Vercel Pro: cost per user (seed 004)", currency="USD", horizon_months=18.0,
                             notes="Seed 004, Per-User Cost Breakdown (January 2025): Vercel Pro pricing "
                                   "against the extension's measured per-user activity."))
    plan.tables["usage_drivers"].extend([
        {"id": 1, "name": "Invocations", "per_user": 862.0, "unit": "calls",
         "notes": "Step 1: 10 + 720 + 60 + 60 + 2 = 852 calls; the seed rounds up to 862 to be conservative"},
        {"id": 2, "name": "Active CPU", "per_user": 15.0, "unit": "seconds",
         "notes": "Step 3: 10,400 + 2.3 + 114 + 4,500 = 15,016 ms, used as 15 s"},
        {"id": 3, "name": "Bandwidth", "per_user": 470.0, "unit": "KB",
         "notes": "Step 3: 480,400 bytes, used as 470 KB (decimal: 1 GB = 1,000,000 KB)"},
    ])
    plan.tables["service_plans"].extend([
        {"id": 1, "name": "Vercel Pro", "service": "Vercel", "base_fee": 20.0,
         "notes": "Step 5: Vercel Pro pricing formula; the $20 includes $20 of usage credit"},
    ])
    plan.tables["meters"].extend([
        {"id": 1, "plan": 1, "driver": 1, "unit": "invocations", "included": 1_000_000.0, "unit_price": 0.60,
         "per": 1_000_000.0, "notes": "$0.60 per 1M invocations over 1M"},
        {"id": 2, "plan": 1, "driver": 2, "unit": "hours", "included": 4.0, "unit_price": 0.128, "per": 1.0,
         "notes": "$0.128 per active-CPU hour over 4 h; I/O wait is free"},
        {"id": 3, "plan": 1, "driver": 3, "unit": "GB", "included": 100.0, "unit_price": 0.15, "per": 1.0,
         "notes": "$0.15 per GB of transfer over 100 GB"},
    ])
    figures: list[dict] = []

    def stated(metric: str, value: float, label: str, *, users: float = float("nan"), subject: str = "",
               unit: str = "", decimals: int = 0) -> None:
        figures.append({"id": len(figures) + 1, "metric": metric, "subject": subject, "users": float(users),
                        "bound": "value", "unit": unit, "value": value, "decimals": float(decimals), "label": label})

    stated("quantity", 852.0, "Step 1: TOTAL PER USER calls/month", users=1, subject="Invocations", unit="calls")
    stated("quantity", 15_016.0, "Step 3: TOTAL ACTIVE CPU PER USER", users=1, subject="Active CPU", unit="ms")
    stated("quantity", 480_400.0, "Step 3: TOTAL BANDWIDTH PER USER", users=1, subject="Bandwidth", unit="bytes")
    for users, inv, cpu, bw, inv_cost, cpu_cost, bw_cost, total in STEP6:
        row = f"Step 6, {users:,} users"
        v, d = printed(inv)
        stated("quantity", v, f"{row}: Invocations", users=users, subject="Invocations", unit="invocations", decimals=d)
        v, d = printed(cpu)
        stated("quantity", v, f"{row}: CPU Hours", users=users, subject="Active CPU", unit="hours", decimals=d)
        number, unit = bw.split()
        v, d = printed(number)
        stated("quantity", v, f"{row}: Bandwidth", users=users, subject="Bandwidth", unit=unit, decimals=d)
        for subject, text, column in (("Vercel Pro: Invocations", inv_cost, "Invocation Cost"),
                                      ("Vercel Pro: Active CPU", cpu_cost, "CPU Cost"),
                                      ("Vercel Pro: Bandwidth", bw_cost, "BW Cost")):
            v, d = printed(text)
            stated("monthly_cost", v, f"{row}: {column}", users=users, subject=subject, decimals=d)
        v, d = printed(total)
        stated("monthly_cost", v, f"{row}: Total", users=users, decimals=d)
    for users, total, per_user in STEP7:
        row = f"Step 7, {users:,} users"
        v, d = printed(total)
        stated("monthly_cost", v, f"{row}: Total Cost", users=users, decimals=d)
        v, d = printed(per_user)
        stated("cost_per_user", v, f"{row}: Cost Per User", users=users, decimals=d)
    plan.tables["usage_figures"].extend(figures)
    add_revenue_and_growth(plan)
    return plan


# -- What the seed does not say, added so the plan has months --------------------------------
# The seed prices user scales, not dates. The growth plan walks Step 4's scales (1K, 5K, 10K,
# 20K, 50K, 100K users) one per quarter, so the timeline, the Summary and the cash show them;
# the months are ours. The revenue side is the seed's own ("Revenue per User (20% conversion,
# $10/month)", "Paddle: 15% of $10 subscription").
GROWTH_SCALES = (1_000, 5_000, 10_000, 20_000, 50_000, 100_000)


def add_revenue_and_growth(plan: Plan) -> None:
    """A $10 subscription at 20% conversion with Paddle's 15% fee (seed 004's conclusion), and
    a growth plan of Step 4's scales, one every three months (an assumption: the seed has no dates)."""
    plan.tables["pricing_tiers"].extend([
        {"id": 1, "name": "Subscription", "monthly_price": 10.0, "annual_share": 0.0, "conversion": 0.20,
         "notes": "Conclusion: 20% conversion at $10/month"}])
    plan.tables["payment_fees"].extend([
        {"id": 1, "name": "Paddle", "percent": 0.15, "fixed": 0.0, "scope": "subscriptions",
         "notes": "Conclusion: Paddle takes $1.50 per user (15% of $10)"}])
    plan.tables["growth"].extend([
        {"id": i, "name": f"{users:,} users", "month": float(1 + 3 * (i - 1)), "users": float(users),
         "notes": "Step 4's scale; one scale per quarter is an assumption of this sample"}
        for i, users in enumerate(GROWTH_SCALES, 1)])


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    PlanDocument.create(out, build_plan(), overwrite=True).close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
