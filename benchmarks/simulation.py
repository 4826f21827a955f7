"""Benchmark: Monte Carlo draws of a whole plan (issue 14).

Times :func:`vivim_planner.engine.simulation.simulate` with 10,000 draws of the VIVIM sample
(22 months) and of the synthetic plan (50 milestones over 60 months, 500 roles, 20,000 team
lines, 5,000 build cost lines; ``benchmarks.synthetic``), each run in a fresh process so its
peak memory is its own. Targets: VIVIM <= 1 s, synthetic <= 10 s. Prints the figures (wall and
CPU time, peak RSS); never fails on time.

Run from the repository root: ``python benchmarks/simulation.py [--json] [--draws 10000]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one(kind: str, draws: int, repeat: int = 3) -> dict:
    """Run in this process: best and median of ``repeat`` simulations of ``kind``."""
    import numpy as np

    from vivim_planner.engine import compute
    from vivim_planner.engine.simulation import simulate, uncertain_inputs

    if kind == "vivim":
        from vivim_planner.storage import PlanDocument

        doc = PlanDocument.open(ROOT / "sample_models" / "vivim.vivim", readonly=True)
        plan = doc.plan
        doc.close()
    else:
        from benchmarks.synthetic import make_plan

        plan = make_plan(span_months=60)
    result = compute(plan)
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        sim = simulate(plan, draws=draws, seed=0, result=result)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"plan": kind, "draws": draws, "months": sim.months, "inputs": len(uncertain_inputs(plan, result)),
            "wall_s": {"median": round(float(np.median(walls)), 3), "best": round(min(walls), 3)},
            "cpu_s": {"median": round(float(np.median(cpus)), 3)},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "total_build_cost": sim.build_percentiles()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--one", choices=("vivim", "synthetic"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.draws)))
        return
    results = []
    for kind in ("vivim", "synthetic"):
        run = subprocess.run([sys.executable, __file__, "--one", kind, "--draws", str(args.draws)],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    targets = {"vivim": 1.0, "synthetic": 10.0}
    for r in results:
        q = r["total_build_cost"]
        print(f"{r['plan']:>9}: {r['draws']:,} draws x {r['months']} months, {r['inputs']:,} inputs: "
              f"median {r['wall_s']['median']:.3f} s wall ({r['cpu_s']['median']:.3f} s CPU), best {r['wall_s']['best']:.3f} s "
              f"(target <= {targets[r['plan']]:g} s); peak RSS {r['peak_rss_mb']:.0f} MB; "
              f"build cost P10 {q['p10']:,.0f} / P50 {q['p50']:,.0f} / P90 {q['p90']:,.0f}")


if __name__ == "__main__":
    main()
