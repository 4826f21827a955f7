"""Build ``sample_models/vivim_actuals.vivim``: the VIVIM plan (``build.py``, seed 000) three
months in, with what was really spent.

* The plan starts in January 2026 and holds $1,000,000 of capital in month 1. Both are
  illustrative: seed 000 states no start date and no funding; without them no bank date could be
  placed and no runway computed.
* ``vivim_actuals_bank.csv`` (32 transactions, January to March 2026: payroll, contractors,
  cloud, SaaS, counsel, one credit note) is imported through the same bank import as
  ``vivim-planner import-actuals`` with ``vivim_actuals_map.csv``, whose lines the plan remembers
  in its Category map.
* M1's Legal budget is amended after those actuals (mid $2,500 -> $4,000, with its reason), as
  seed 001's ``budget_amendments`` records budget changes.

Run: ``python sample_models/vivim_actuals.py [OUT.vivim]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import build_plan  # noqa: E402 - the VIVIM plan of seed 000, as build.py writes it

from vivim_planner.commands import insert_rows  # noqa: E402
from vivim_planner.commands.amendments import amend_budget  # noqa: E402
from vivim_planner.excel.bank_csv import plan_bank_import  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402

DEFAULT_OUT = HERE / "vivim_actuals.vivim"
BANK, MAP = HERE / "vivim_actuals_bank.csv", HERE / "vivim_actuals_map.csv"
START = "2026-01"
CAPITAL = 1_000_000.0
AMENDMENT = ("M1", "Legal", "mid", 4_000, "Counsel's quotes for the ToS and the provider terms came in above the "
             "template estimate", "2026-03-31 17:05 UTC")


def build_actuals_plan():  # noqa: ANN201 - Plan
    plan = build_plan()
    plan.settings = plan.with_settings(name="VIVIM (with actuals, Jan-Mar 2026)", start_date=START)
    insert_rows(plan, "capital", 0, [dict(item="Pre-seed round (illustrative)", kind="capital", amount=CAPITAL,
                                          month=1, notes="Seed 000 states no funding; set for the runway")]).apply(plan)
    plan_bank_import(plan, BANK, MAP).command.apply(plan)
    milestone, category, bound, new, why, when = AMENDMENT
    amend_budget(plan, milestone, category, bound, new, why, when=when).apply(plan)
    return plan


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    PlanDocument.create(out, build_actuals_plan(), overwrite=True).close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
