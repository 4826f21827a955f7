"""Benchmark: exporting each chart of the window (offscreen) on the VIVIM sample: PNG at 2x, SVG,
and Copy (2x image + SVG on the clipboard), each drawn afresh at the deck size (1280 x 720) from
the view's figures. Median and max of ``--repeat`` runs per chart and format, in milliseconds.

No target in the issue; an export is a click, so anything well under a second reads as instant.
Prints the figures; never fails on time. Run from the repository root:
``python benchmarks/chart_export.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from vivim_planner.storage import PlanDocument
    from vivim_planner.ui.main_window import MainWindow

    root = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp())
    path = folder / "vivim.vivim"
    shutil.copy(root / "sample_models" / "vivim.vivim", path)
    w = MainWindow(PlanDocument.open(path))
    w.resize(1280, 720)
    w.show()
    w.uncertainty.draws.setValue(2_000)
    for tab in (w.summary, w.economics, w.timeline, w.sensitivity, w.uncertainty):
        w.tabs.setCurrentWidget(tab)
        app.processEvents()
    deadline = time.monotonic() + 120
    while (w.uncertainty.simulation is None or w.uncertainty._runs) and time.monotonic() < deadline:  # noqa: SLF001
        app.processEvents()
        time.sleep(0.02)
    w.sensitivity.recompute()
    charts = {"summary": w.summary.chart, "economics cash": w.economics.chart, "tornado": w.sensitivity.chart,
              "curve": w.curves.chart, "headcount": w.timeline.headcount, "burn": w.timeline.burn,
              "cash": w.timeline.cash, "fan": w.uncertainty.fan, "build histogram": w.uncertainty.histogram}
    print(f"chart export, VIVIM sample, median / max of {args.repeat} runs (ms)")
    print(f"{'chart':<18}{'PNG 2x':>16}{'SVG':>16}{'Copy':>16}")
    for name, chart in charts.items():
        ex = chart.export_actions
        row = []
        for kind in ("png", "svg", "copy"):
            times = []
            for i in range(args.repeat):
                t0 = time.perf_counter()
                if kind == "copy":
                    ex.copy_to_clipboard()
                else:
                    ex.export(folder / f"{name}-{i}.{kind}")
                times.append((time.perf_counter() - t0) * 1e3)
            times.sort()
            row.append(f"{times[len(times) // 2]:7.0f} / {times[-1]:5.0f}")
        print(f"{name:<18}" + "".join(f"{c:>16}" for c in row))
    w.uncertainty.wait()
    w.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
