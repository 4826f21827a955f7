"""Does a plan of a million team lines still import under the workbook limits, and what do the
checks before calamine cost?

Builds ``benchmarks/synthetic.py``'s plan with ``--lines`` team lines (default 1,000,000),
exports it, then times (once each; a million lines takes minutes):

- ``checks``: the bounded reading of :mod:`vivim_planner.excel.limits` (every part read up
  to its declared size, the Team sheet's extent, the shared strings) on the Team sheet;
- ``read``: :func:`vivim_planner.excel.reader.read_workbook` of the Team sheet (checks, calamine,
  the error scan);
- ``import``: :func:`vivim_planner.excel.import_workbook` of the whole workbook;

and prints the Team sheet's size against :data:`MAX_PART_BYTES` and its cells against
:data:`MAX_SHEET_CELLS`, with the peak resident memory. Prints figures, never fails on time.

    python benchmarks/import_limits.py [--lines 1000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from synthetic import make_plan  # noqa: E402

from vivim_planner.excel import export_workbook, import_workbook  # noqa: E402
from vivim_planner.excel.limits import MAX_PART_BYTES, MAX_SHEET_CELLS, check_sheet, read_part  # noqa: E402
from vivim_planner.excel.reader import _xml_parts, read_workbook  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    figures: dict[str, object] = {"team_lines": args.lines}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        plan = make_plan(milestones=50, roles=500, allocations=args.lines, cost_lines=5_000)
        path = Path(tmp) / "big.xlsx"
        export_workbook(plan, path)
        figures["build_and_export_s"] = round(time.perf_counter() - t, 1)
        del plan
        with zipfile.ZipFile(path) as zf:
            part = _xml_parts(zf, path.name)["Team"]
            info = zf.getinfo(part)
            figures["team_sheet_bytes"] = info.file_size
            figures["team_sheet_ratio"] = round(info.file_size / info.compress_size, 1)
            t = time.perf_counter()
            xml = read_part(zf, part, "Team")
            check_sheet(xml, "Team")
            figures["checks_s"] = round(time.perf_counter() - t, 2)
            del xml
        t = time.perf_counter()
        cells = read_workbook(path, {"Team"}).sheets["Team"]
        figures["read_team_s"] = round(time.perf_counter() - t, 2)
        figures["team_cells"] = len(cells.rows) * max(len(r) for r in cells.rows[:2])
        del cells
        t = time.perf_counter()
        result = import_workbook(path)
        figures["import_s"] = round(time.perf_counter() - t, 1)
        figures["imported_team_lines"] = len(result.plan.allocations)
    figures["max_part_bytes"] = MAX_PART_BYTES
    figures["max_sheet_cells"] = MAX_SHEET_CELLS
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for k, v in figures.items():
        print(f"{k:>22}: {v:,}" if isinstance(v, int) else f"{k:>22}: {v}")


if __name__ == "__main__":
    main()
