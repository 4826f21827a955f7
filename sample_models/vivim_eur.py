"""Build ``sample_models/vivim_eur.vivim`` from seed 001's "Cost Model Summary" (VIVIM Digital
Twin Cost Database), the ten milestones in EUR.

The seed prints, per milestone, its timeline, users, total cost (mid) and cost per user, and a
"Total 22-Month Cost: EUR 1,894,685 (mid estimate)". Each milestone's total is its one estimate
(category "Total"); the seed prints the mid only, so low and high are set to it. The cost per
user column is seed 000's trajectory (operating cost / users; M9 and M10 net of revenue): the
monthly operating costs and M9/M10 revenue are taken from seed 000 so that the planner
recomputes those figures, and the printed ones are kept as stated figures for the audit. The
dividend policy is the seed's note "Dividend model assumes 70% user / 30% platform split".

Run: ``python sample_models/vivim_eur.py [OUT.vivim]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vivim_planner.commands import insert_rows
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

DEFAULT_OUT = Path(__file__).resolve().parent / "vivim_eur.vivim"

# | Milestone | Timeline | Users | Total Cost (Mid) | Cost/User |, as printed
SUMMARY = [
    ("M1", "Foundation", (1, 3), "500", 90_600, "0.08"),
    ("M2", "ACU", (3, 5), "2,500", 74_555, "0.028"),
    ("M3", "Compose", (5, 7), "10,000", 121_830, "0.019"),
    ("M4", "Context", (6, 9), "25,000", 188_300, "0.022"),
    ("M5", "Social", (8, 11), "50,000", 232_000, "0.023"),
    ("M6", "Consent", (10, 13), "75,000", 192_200, "0.005"),
    ("M7", "Scale", (12, 15), "100,000", 314_000, "0.075"),
    ("M8", "Training", (14, 17), "100,000", 356_000, "0.12"),
    ("M9", "Revenue", (17, 20), "100,000", 158_800, "-0.31"),
    ("M10", "Dividend", (20, 22), "100,000+", 166_400, "-0.26"),
]
TOTAL_22_MONTHS = 1_894_685  # "Total 22-Month Cost: EUR 1,894,685 (mid estimate)"

# Seed 000, "Total Monthly Ops" per milestone and the revenue offsets of M9 / M10 (per month)
MONTHLY_OPS = {"M1": 40, "M2": 70, "M3": 190, "M4": 550, "M5": 1_125, "M6": 400, "M7": 7_525,
               "M8": 11_692, "M9": 14_025, "M10": 18_525}
REVENUE = [("M9", "API Customers", 10, 25_000), ("M9", "Enterprise Deals", 3, 20_000),
           ("M10", "API + Enterprise", None, 45_000)]


def build_plan() -> Plan:
    plan = Plan(PlanSettings(
        name="VIVIM (EUR cost model, seed 001)", currency="EUR", hours_per_month=240,
        notes="Seed 001, VIVIM Digital Twin Cost Database: Cost Model Summary. All monetary values in EUR. "
              "Cost models assume BYOK for LLM APIs; GDPR-compliant EU providers; 70% user / 30% platform dividends."))
    rows: dict[str, list[dict]] = {"milestones": [], "estimates": [], "operating_costs": [], "revenues": [],
                                   "stated_figures": []}
    for code, name, (first, last), users, total, cpu in SUMMARY:
        n_users = float(users.rstrip("+").replace(",", ""))
        rows["milestones"].append(dict(code=code, name=name, start_month=first, end_month=last, target_users=n_users,
                                       notes=f"Seed 001 prints users as {users}" if users.endswith("+") else ""))
        rows["estimates"].append(dict(milestone=code, category="Total", low=total, mid=total, high=total))
        rows["operating_costs"].append(dict(milestone=code, driver="Total monthly ops",
                                            calculation="Seed 000's Total Monthly Ops", amount=MONTHLY_OPS[code]))
        label = f"Cost Model Summary, {code} row"
        rows["stated_figures"] += [
            dict(milestone=code, metric="estimate_total", bound="mid", value=total, label=label),
            dict(milestone=code, metric="users", value=n_users, label=label),
            dict(milestone=code, metric="cost_per_user", value=float(cpu), decimals=len(cpu.split(".")[1]), label=label),
        ]
    for code, source, customers, amount in REVENUE:
        rows["revenues"].append(dict(milestone=code, source=source, customers=customers, amount=amount))
    rows["stated_figures"].append(dict(milestone=None, metric="consolidated_total", bound="mid", value=TOTAL_22_MONTHS,
                                       label="Total 22-Month Cost (mid estimate)"))
    for table, values in rows.items():
        insert_rows(plan, table, 0, values).apply(plan)
    insert_rows(plan, "dividend_policies", 0, [dict(
        name="70% users / 30% platform", users_share=0.7, platform_share=0.3, basis="profit", from_milestone="M10",
        notes="Seed 001, Notes: Dividend model assumes 70% user / 30% platform split")]).apply(plan)
    return plan


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    PlanDocument.create(out, build_plan(), overwrite=True).close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
