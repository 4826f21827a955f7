"""Benchmark: process start to the first paint of the window on the VIVIM sample, beside a
bare PySide6 window (a QWidget with a label) in the same run; median of N runs each.

Each run is a fresh Python process (``sys.executable``), started after the parent reads the
wall clock; the child prints the wall clock when its window receives its first Paint event
and exits. The app's child does what ``vivim-planner`` does without a file argument: the
``QApplication``, the user's copy of the sample (made beforehand, in a temporary home so the
real one is untouched), the ``MainWindow`` on it, ``show()``. The bare child imports PySide6,
makes a ``QApplication`` and shows a ``QWidget``. Both run on the same Qt platform (default
``offscreen``; ``--platform xcb`` under an X server).

Goal (issue 11): the app's median at most 4x the bare window's. Run from the repository root:
``python benchmarks/startup.py [--runs 5] [--json]``. Prints the figures; never fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PAINTED = """
from PySide6.QtCore import QEvent, QObject
class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            print("PAINTED", time.time(), flush=True)
            os._exit(0)
        return False
"""

BARE = """
import os, sys, time
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
""" + _PAINTED + """
app = QApplication(sys.argv[:1])
w = QWidget()
QVBoxLayout(w).addWidget(QLabel("VIVIM Planner"))
w.resize(1280, 800)
spy = _FirstPaint()
w.installEventFilter(spy)
w.show()
app.exec()
"""

APP = """
import os, sys, time
""" + _PAINTED + """
from vivim_planner.ui.app import application, open_start_document
from vivim_planner.ui.main_window import MainWindow
app = application()
doc, _note = open_start_document(sys.argv[1])
w = MainWindow(doc)
spy = _FirstPaint()
w.installEventFilter(spy)
w.show()
app.exec()
"""


def first_paint(code: str, args: list[str], env: dict[str, str]) -> float:
    """Seconds from just before the child process starts to its window's first paint."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("PAINTED"):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no paint: exit {out.returncode}\n{out.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM of the children")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": args.platform, "HOME": home, "XDG_DATA_HOME": f"{home}/data",
               "XDG_CONFIG_HOME": f"{home}/config", "PYTHONPATH": str(ROOT / "src")}
        prep = subprocess.run([sys.executable, "-c", "from vivim_planner.ui.app import application, "
                               "sample_working_copy; application(); print(sample_working_copy())"],
                              capture_output=True, text=True, env=env, check=True)
        plan = prep.stdout.strip().splitlines()[-1]
        first_paint(BARE, [], env)  # warm the file cache for both
        first_paint(APP, [plan], env)
        bare, app = [], []
        for _ in range(args.runs):  # interleaved, so a busy moment of the machine hits both
            bare.append(first_paint(BARE, [], env))
            app.append(first_paint(APP, [plan], env))
    figures = {"runs": args.runs, "platform": args.platform,
               "bare_window_s": round(statistics.median(bare), 3), "app_sample_s": round(statistics.median(app), 3)}
    figures["ratio"] = round(figures["app_sample_s"] / figures["bare_window_s"], 2)
    figures["bare_all_s"] = [round(x, 3) for x in bare]
    figures["app_all_s"] = [round(x, 3) for x in app]
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"first paint, median of {args.runs} ({args.platform}): bare PySide6 window {figures['bare_window_s']:.3f} s, "
              f"VIVIM sample {figures['app_sample_s']:.3f} s, ratio {figures['ratio']:.2f}x (goal <= 4x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
