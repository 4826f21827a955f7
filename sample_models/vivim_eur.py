"""Build ``sample_models/vivim_eur.vivim`` from seed 001's "Cost Model Summary" (VIVIM Digital
Twin Cost Database), the ten milestones in EUR.

    python sample_models/vivim_eur.py [OUT.vivim]

Source: ``sources/seed_001_6127a1f57b4be99b.md``, read by the planner's Markdown import: the
summary table's rows become the milestones (timeline, users), each total cost (mid) their one
estimate (category "Total"; the seed prints the mid only, so low and high are set to it), and
the printed totals, users, cost per user and "Total 22-Month Cost: €1,894,685 (mid estimate)"
stated figures for the audit.

What the seed does not say, added here:

1. the plan's name and notes, and 240 hours per FTE-month (seed 000's; no team lines here);
2. the monthly operating costs and M9/M10 revenue behind its cost-per-user column, which is
   seed 000's trajectory (``MONTHLY_OPS``, ``REVENUE``), so the planner recomputes those figures;
3. M10's note on its "100,000+" users;
4. the dividend policy of its Notes, "Dividend model assumes 70% user / 30% platform split".
"""

from __future__ import annotations

import sys
from pathlib import Path

from vivim_planner.commands import insert_rows, set_cells
from vivim_planner.domain import Plan
from vivim_planner.sources import ImportOptions, import_markdown
from vivim_planner.storage import PlanDocument

HERE = Path(__file__).resolve().parent
SEED = HERE / "sources" / "seed_001_6127a1f57b4be99b.md"
DEFAULT_OUT = HERE / "vivim_eur.vivim"

NAME = "VIVIM (EUR cost model, seed 001)"
NOTES = ("Seed 001, VIVIM Digital Twin Cost Database: Cost Model Summary. All monetary values in EUR. "
         "Cost models assume BYOK for LLM APIs; GDPR-compliant EU providers; 70% user / 30% platform dividends.")
# Seed 000, "Total Monthly Ops" per milestone and the revenue offsets of M9 / M10 (per month)
MONTHLY_OPS = {"M1": 40, "M2": 70, "M3": 190, "M4": 550, "M5": 1_125, "M6": 400, "M7": 7_525,
               "M8": 11_692, "M9": 14_025, "M10": 18_525}
REVENUE = [("M9", "API Customers", 10, 25_000), ("M9", "Enterprise Deals", 3, 20_000),
           ("M10", "API + Enterprise", None, 45_000)]


def build_plan() -> Plan:
    """Seed 001 imported, then the four additions above."""
    plan = import_markdown(SEED, ImportOptions(name=NAME, hours_per_month=240)).plan
    plan.settings = plan.with_settings(notes=NOTES)
    ms = plan.milestones
    m10 = int(ms.ids[[ms.get(p, "code") for p in range(len(ms))].index("M10")])
    set_cells(plan, "milestones", [(m10, "notes", "Seed 001 prints users as 100,000+")]).apply(plan)
    insert_rows(plan, "operating_costs", 0, [
        dict(milestone=code, driver="Total monthly ops", calculation="Seed 000's Total Monthly Ops", amount=amount)
        for code, amount in MONTHLY_OPS.items()]).apply(plan)
    insert_rows(plan, "revenues", 0, [dict(milestone=code, source=source, customers=customers, amount=amount)
                                      for code, source, customers, amount in REVENUE]).apply(plan)
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
