"""Benchmark: actuals. (a) checking and building the import of a bank CSV of N rows (default
10,000, the sample's vendors over a year) into the VIVIM plan with actuals; (b) applying it
(one SQLite transaction); (c) ``plan_vs_actual`` over the plan with those actuals. Prints the
figures; never fails on time. Run from the repository root:
``python benchmarks/actuals.py [--rows N] [--json]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vivim_planner.engine.actuals import plan_vs_actual  # noqa: E402
from vivim_planner.engine.timeline import timeline  # noqa: E402
from vivim_planner.excel.bank_csv import plan_bank_import  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402

VENDORS = ["GUSTO PAYROLL", "DEEL CONTRACTOR", "DIGITALOCEAN.COM", "AWS EMEA", "OPENAI *API", "GITHUB INC",
           "FIGMA", "LEGALZOOM", "CLOUDFLARE", "SUPABASE"]


def write_bank(path: Path, rows: int) -> None:
    rng = random.Random(16)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Date", "Description", "Amount", "Currency", "Reference"])
        for i in range(rows):
            month = 4 + i * 12 // rows  # April 2026 to March 2027: after the sample's own actuals
            year, m = 2026 + (month - 1) // 12, (month - 1) % 12 + 1
            w.writerow([f"{year}-{m:02d}-{1 + rng.randrange(28):02d}", f"{VENDORS[i % len(VENDORS)]} {i}",
                        f"{rng.uniform(5, 900):.2f}", "USD", f"B{i:07d}"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plan_path = tmp / "p.vivim"
        shutil.copy(ROOT / "sample_models" / "vivim_actuals.vivim", plan_path)
        bank = tmp / "bank.csv"
        write_bank(bank, args.rows)
        doc = PlanDocument.open(plan_path)
        t0 = time.perf_counter()
        imp = plan_bank_import(doc.plan, bank)
        t1 = time.perf_counter()
        doc.apply(imp.command)
        t2 = time.perf_counter()
        tl = timeline(doc.plan)
        t3 = time.perf_counter()
        pva = plan_vs_actual(doc.plan, tl)
        t4 = time.perf_counter()
        doc.close()
    figures = {"rows": args.rows, "check_and_build_s": t1 - t0, "apply_s": t2 - t1, "timeline_s": t3 - t2,
               "plan_vs_actual_s": t4 - t3, "closed_months": len(pva.closed_months)}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{args.rows:,} bank rows: check + build {figures['check_and_build_s'] * 1000:,.0f} ms, "
              f"apply (one transaction) {figures['apply_s'] * 1000:,.0f} ms; timeline {figures['timeline_s'] * 1000:,.1f} ms, "
              f"plan vs actual {figures['plan_vs_actual_s'] * 1000:,.1f} ms over {figures['closed_months']} closed months")
    return 0


if __name__ == "__main__":
    sys.exit(main())
