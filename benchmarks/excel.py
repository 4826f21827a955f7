"""Excel export and import of the large synthetic plan, each beside the library alone.

    python benchmarks/excel.py [--repeat N] [--json]

Builds ``benchmarks/synthetic.py``'s plan (50 milestones, 500 roles, 20,000 team lines, 5,000
build cost lines...), then times (best of N):

* export: :func:`vivim_planner.excel.export_workbook` (engine, audit, formats, formulas with
  cached values, charts), against XlsxWriter alone writing the very same cells (every string,
  number, formula with its cached value and formatted empty input, recorded during an export)
  with one format, once
  through XlsxWriter's own worksheet and once through ours (which skips XlsxWriter's per-formula
  search for Excel 365 function names, a library cost rather than ours);
* import: :func:`vivim_planner.excel.read_plan` (read, validate every cell, build the plan) and
  :func:`vivim_planner.excel.import_workbook` into the open plan (plus the row-by-row diff),
  against python-calamine alone reading the same sheets, and openpyxl (read-only) for scale.

Target: each within 1.5x of the library alone. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import make_plan  # noqa: E402

from vivim_planner.excel import export as export_module  # noqa: E402
from vivim_planner.excel import export_workbook, import_workbook, read_plan  # noqa: E402
from vivim_planner.excel.importer import input_sheets  # noqa: E402


def best_of(n: int, fn):  # noqa: ANN001, ANN201
    best, out = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def record_cells(plan, path: Path) -> tuple[list[tuple], list[str]]:  # noqa: ANN001
    """Every cell an export writes, as ``(sheet, method, row, col, value, cached)``, and the
    workbook's sheets in order."""
    cells: list[tuple] = []
    originals = {m: getattr(Worksheet, m) for m in ("write_string", "write_number", "write_formula", "write_blank")}

    def spy(method: str):  # noqa: ANN202
        def call(self, row, col, value, fmt=None, cached=None):  # noqa: ANN001, ANN202
            cells.append((self.name, method, row, col, value, cached))
            return originals[method](self, row, col, value, fmt, *([cached] if method == "write_formula" else []))
        return call

    try:
        for m in originals:
            setattr(Worksheet, m, spy(m))
        info = export_workbook(plan, path)
    finally:
        for m, f in originals.items():
            setattr(Worksheet, m, f)
    return cells, info.sheets


def xlsxwriter_alone(cells: list[tuple], sheets: list[str], path: Path, worksheet_class=None) -> None:  # noqa: ANN001
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    ws = {name: wb.add_worksheet(name, worksheet_class=worksheet_class) for name in sheets}
    fmt = wb.add_format({"bg_color": "#FFF8E1"})  # without a format XlsxWriter skips a blank
    for sheet, method, row, col, value, cached in cells:
        w = ws[sheet]
        if method == "write_formula":
            w.write_formula(row, col, value, None, cached)
        elif method == "write_number":
            w.write_number(row, col, value)
        elif method == "write_blank":  # a formatted empty cell (an empty input)
            w.write_blank(row, col, None, fmt)
        else:
            w.write_string(row, col, value)
    wb.close()


def calamine_alone(path: Path, sheets: list[str]) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in sheets
               if n in book.sheet_names)


def openpyxl_alone(path: Path, sheets: list[str]) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for name in sheets if name in wb.sheetnames for _ in wb[name].iter_rows(values_only=True))
    wb.close()
    return n


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    plan = make_plan()
    counts = ", ".join(f"{len(t):,} {name}" for name, t in plan.tables.items() if len(t))
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        out = folder / "synthetic.xlsx"
        cells, sheets = record_cells(plan, out)
        n_formulas = sum(1 for c in cells if c[1] == "write_formula")
        t_export, _ = best_of(args.repeat, lambda: export_workbook(plan, out))
        t_xw, _ = best_of(args.repeat, lambda: xlsxwriter_alone(cells, sheets, folder / "alone.xlsx"))
        t_xw_fast, _ = best_of(args.repeat, lambda: xlsxwriter_alone(cells, sheets, folder / "alone2.xlsx",
                                                                     export_module._Sheet))
        read = input_sheets()
        t_read, _ = best_of(args.repeat, lambda: read_plan(out, plan))
        t_import, result = best_of(args.repeat, lambda: import_workbook(out, plan))
        t_cal, rows = best_of(args.repeat, lambda: calamine_alone(out, read))
        t_opx, _ = best_of(1, lambda: openpyxl_alone(out, read))
        size = out.stat().st_size / 1e6

    figures = {
        "plan": counts, "cells_written": len(cells), "formula_cells": n_formulas, "rows_read": rows,
        "file_mb": round(size, 1),
        "export_s": t_export, "xlsxwriter_alone_s": t_xw, "xlsxwriter_alone_no_formula_scan_s": t_xw_fast,
        "read_plan_s": t_read, "import_s": t_import, "calamine_alone_s": t_cal, "openpyxl_read_only_s": t_opx,
        "export_ratio": t_export / t_xw, "export_ratio_no_scan": t_export / t_xw_fast,
        "read_ratio": t_read / t_cal, "import_ratio": t_import / t_cal,
        "import_report": result.report.lines(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return figures
    print(f"plan: {counts}")
    print(f"workbook: {len(cells):,} cells ({n_formulas:,} formulas with cached values), {size:.1f} MB; "
          f"best of {args.repeat}")
    print(f"export_workbook:                       {t_export:7.2f} s")
    print(f"  XlsxWriter alone, same cells:        {t_xw:7.2f} s   -> export is {t_export / t_xw:.2f}x (target <= 1.5x)")
    print(f"  XlsxWriter alone, no formula scan:   {t_xw_fast:7.2f} s   -> export is {t_export / t_xw_fast:.2f}x")
    print(f"read_plan (read + validate + build):   {t_read:7.2f} s")
    print(f"import_workbook into the open plan:    {t_import:7.2f} s   ({'; '.join(result.report.lines())})")
    print(f"  python-calamine alone, same sheets:  {t_cal:7.2f} s   -> read_plan is {t_read / t_cal:.2f}x, "
          f"import {t_import / t_cal:.2f}x (target <= 1.5x)")
    print(f"  openpyxl read-only, same sheets:     {t_opx:7.2f} s   (for scale: the usual pure-Python reader)")
    return figures


if __name__ == "__main__":
    main()
