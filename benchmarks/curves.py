"""Benchmark: cost curves. (a) the engine: a synthetic plan of 200 usage-priced services
(1-3 plans each, about 3 meters a plan, free plans with hard caps) evaluated at 1,000 user
counts; (b) the Curves tab's redraw after an edit in the real window (offscreen): a unit
price typed in the Meters grid, from ``setData`` to the chart's new data, on seed 004's
Vercel plan and on the 200-service plan.

Targets (issue 3): (a) <= 10 ms per evaluation; (b) <= 16 ms p95. Prints the figures; never
fails on time. Run from the repository root: ``python benchmarks/curves.py [--json]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from vivim_planner.domain import Plan, PlanSettings  # noqa: E402
from vivim_planner.engine.usage import UsageModel  # noqa: E402

DRIVERS = [("Requests", "requests"), ("Compute", "seconds"), ("Egress", "KB"), ("Storage", "GB-months"),
           ("Emails", "emails"), ("Tokens", "tokens")]
BILLING = {"requests": "requests", "seconds": "hours", "KB": "GB", "GB-months": "GB-months", "emails": "emails",
           "tokens": "MTok"}


def synthetic_services(n_services: int = 200, seed: int = 3) -> Plan:
    """A plan of ``n_services`` services, each with 1-3 plans (a free plan with hard caps on
    a third of them, then paid plans with base fees, quotas and overage prices), ~3 meters a
    plan over six usage drivers."""
    rng = np.random.default_rng(seed)
    plan = Plan(PlanSettings(name=f"Synthetic: {n_services} services"))
    plan.tables["usage_drivers"].extend(
        {"id": i + 1, "name": name, "per_user": float(rng.uniform(1, 1000)), "unit": unit}
        for i, (name, unit) in enumerate(DRIVERS))
    plans, meters = [], []
    for s in range(n_services):
        n_plans = int(rng.integers(1, 4))
        free = n_plans > 1 and rng.random() < 0.5
        for k in range(n_plans):
            pid = len(plans) + 1
            is_free = free and k == 0
            plans.append({"id": pid, "name": f"Service {s} plan {k}", "service": f"Service {s}",
                          "base_fee": 0.0 if is_free else float(rng.choice([5, 20, 49, 99, 299]) * (k + 1))})
            for d in rng.choice(len(DRIVERS), size=int(rng.integers(2, 5)), replace=False):
                unit = BILLING[DRIVERS[d][1]]
                meters.append({"id": len(meters) + 1, "plan": pid, "driver": int(d) + 1, "unit": unit,
                               "included": float(rng.uniform(10, 1e5)) * (k + 1),
                               "unit_price": float("nan") if is_free else float(rng.uniform(0.01, 2)),
                               "per": 1.0, "package": float(rng.choice([0, 0, 10, 1000]))})
    plan.tables["service_plans"].extend(plans)
    plan.tables["meters"].extend(meters)
    return plan


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def time_engine(plan: Plan, points: int = 1000, repeats: int = 50) -> dict:
    users = np.geomspace(100, 1e6, points)
    build, evaluate, breaks = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = UsageModel(plan)
        t1 = time.perf_counter()
        model.evaluate(users)
        t2 = time.perf_counter()
        build.append((t1 - t0) * 1000)
        evaluate.append((t2 - t1) * 1000)
    for _ in range(max(3, repeats // 10)):
        t0 = time.perf_counter()
        model.breakpoints(100, 1e6)
        breaks.append((time.perf_counter() - t0) * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(5):
        model.evaluate(users)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(6)
    return {"services": len(model.services), "plans": len(model.plan_names), "meters": int(model.meter_plan.size),
            "points": points,
            "evaluate_ms": {"median": round(float(np.median(evaluate)), 2), "p95": round(percentile(evaluate, 95), 2)},
            "build_ms": {"median": round(float(np.median(build)), 2), "p95": round(percentile(build, 95), 2)},
            "breakpoints_ms": {"median": round(float(np.median(breaks)), 2)},
            "profile": out.getvalue()}


def time_redraw(plan: Plan, edits: int = 100) -> dict:
    """Type unit prices into the Meters grid of the real window; time setData -> new curve."""
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    from vivim_planner.storage import PlanDocument
    from vivim_planner.ui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="vivim-curves-"))
    path = folder / "plan.vivim"
    PlanDocument.create(path, plan).close()
    doc = PlanDocument.open(path)
    window = MainWindow(doc)
    window.show()
    window.tabs.setCurrentWidget(window.curves)
    app.processEvents()
    model = window.grids["meters"].plan_model
    col = model.spec.column_index("unit_price")
    prices = model.controller.plan.tables["meters"].column("unit_price")
    rows = [r for r in range(model.rowCount()) if np.isfinite(prices[r])]
    rng = np.random.default_rng(2)
    tab = window.curves
    refresh_ms: list[float] = []
    original = tab.refresh

    def timed_refresh() -> None:
        t0 = time.perf_counter()
        original()
        refresh_ms.append((time.perf_counter() - t0) * 1000)

    tab.refresh = timed_refresh
    edit_ms = []
    for i in range(edits):
        row = int(rows[i % len(rows)])
        before = tab.chart.total.yData.copy()
        text = f"{rng.uniform(0.05, 3):.3f}"
        t0 = time.perf_counter()
        ok = model.setData(model.index(row, col), text)
        edit_ms.append((time.perf_counter() - t0) * 1000)
        assert ok, window.statusBar().currentMessage()
        app.processEvents()  # paint, as the user would see it (not timed)
        assert tab.chart.total.yData is not before
    paint_ms = []
    for _ in range(10):
        t0 = time.perf_counter()
        tab.chart.viewport().repaint()
        paint_ms.append((time.perf_counter() - t0) * 1000)
    window.close()
    doc.close()
    return {"edits": edits, "components": len(tab.chart.components), "breakpoints": len(tab.chart.breaks),
            "edit_to_new_curve_ms": {"p50": round(percentile(edit_ms, 50), 2), "p95": round(percentile(edit_ms, 95), 2)},
            "curves_tab_refresh_ms": {"p50": round(percentile(refresh_ms, 50), 2),
                                      "p95": round(percentile(refresh_ms, 95), 2)},
            "chart_paint_ms": {"p50": round(percentile(paint_ms, 50), 2)}}


def vercel_plan() -> Plan:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sample_models"))
    import vercel_per_user  # noqa: PLC0415 - the sample's own builder (seed 004)

    return vercel_per_user.build_plan()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args()
    synthetic = synthetic_services(args.services)
    result = {"engine": time_engine(synthetic),
              "redraw_vercel": time_redraw(vercel_plan(), args.edits),
              "redraw_synthetic": time_redraw(synthetic_services(args.services), max(20, args.edits // 5)),
              "targets": {"evaluate_ms": 10, "redraw_p95_ms": 16}}
    if args.json:
        result["engine"].pop("profile")
        print(json.dumps(result, indent=2))
        return
    e = result["engine"]
    print(f"(a) engine: {e['services']} services, {e['plans']} plans, {e['meters']} meters x {e['points']:,} user counts")
    print(f"    evaluate:     median {e['evaluate_ms']['median']:.2f} ms, p95 {e['evaluate_ms']['p95']:.2f} ms (target <= 10 ms)")
    print(f"    build model:  median {e['build_ms']['median']:.2f} ms, p95 {e['build_ms']['p95']:.2f} ms")
    print(f"    breakpoints (100-1M): median {e['breakpoints_ms']['median']:.2f} ms")
    for key, name in (("redraw_vercel", "seed 004 Vercel plan"), ("redraw_synthetic", f"{args.services} services")):
        r = result[key]
        print(f"(b) redraw after a unit price edit, {name} ({r['components']} components, {r['breakpoints']} breakpoints):")
        print(f"    setData -> new curve: p50 {r['edit_to_new_curve_ms']['p50']:.2f} ms, "
              f"p95 {r['edit_to_new_curve_ms']['p95']:.2f} ms over {r['edits']} edits (target p95 <= 16 ms)")
        print(f"    of which Curves tab refresh: p50 {r['curves_tab_refresh_ms']['p50']:.2f} ms, "
              f"p95 {r['curves_tab_refresh_ms']['p95']:.2f} ms; a full chart paint {r['chart_paint_ms']['p50']:.2f} ms")
    print("engine evaluate profile (5 calls, top functions by own time):")
    print("\n".join(line for line in e["profile"].splitlines() if line.strip())[:2500])


if __name__ == "__main__":
    main()
