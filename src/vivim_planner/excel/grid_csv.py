"""CSV export of the plan's grids: one file per table, the header row as the grid shows it,
references as codes / names, numbers in full precision without separators (so any tool reads
them back exactly), empty cells empty; the derived columns follow with the engine's values.

Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``)
is written with a leading apostrophe, OWASP's rule against CSV injection: every text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return. Numbers are never changed.
"""

from __future__ import annotations

import csv
import math
import os
import re
from pathlib import Path

import numpy as np

from ..domain import ALL_TABLES, SPECS, Kind, Plan
from ..engine import PlanResult, compute
from .formulas import derived_columns


def _number(value: float) -> str:
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel, LibreOffice or Google Sheets read a CSV cell as a formula
(OWASP, "CSV Injection")."""


def escape_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: ``'=1+1`` for ``=1+1``; other text
    unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def grid_rows(plan: Plan, table: str, result: PlanResult | None = None) -> list[list[str]]:
    """Header and data rows of one table's grid as text. Raises ``KeyError`` for an unknown
    table."""
    spec = SPECS[table]
    t = plan.tables[table]
    result = result or compute(plan)
    derived = derived_columns(spec, plan, helpers=False)
    columns: list[list[str]] = []
    for f in spec.fields:
        col = t.column(f.name)
        if f.kind is Kind.REF:
            columns.append([escape_text(plan.ref_label(f.ref_table, int(v))) for v in col])
        elif f.kind is Kind.TEXT:
            columns.append([escape_text(v) for v in col])
        else:
            columns.append([_number(float(v)) for v in col])
    for d in derived:
        columns.append([_number(float(v)) for v in np.asarray(d.values(plan, result), dtype=np.float64)])
    header = [escape_text(f.label) for f in spec.fields] + [escape_text(d.label) for d in derived]
    return [header] + [list(row) for row in zip(*columns)] if len(t) else [header]


def write_grid_csv(plan: Plan, table: str, path: str | os.PathLike, result: PlanResult | None = None) -> Path:
    """Write one table's grid to the CSV file ``path`` (UTF-8 with a byte-order mark, which
    Excel needs to read accents; comma-separated). Returns the path. Raises ``OSError``."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(grid_rows(plan, table, result))
    return path


def csv_name(plan: Plan, table: str) -> str:
    """File name of a table's CSV: ``VIVIM - Rate card.csv`` (characters a file name cannot
    hold become ``_``)."""
    text = f"{plan.settings.name} - {SPECS[table].sheet}.csv"
    return re.sub(r'[\\/:*?"<>|]', "_", text)


def export_csv(plan: Plan, folder: str | os.PathLike) -> list[Path]:
    """Write every table's grid to ``folder`` (created if missing), one CSV each; returns the
    paths in table order. Raises ``OSError``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = compute(plan)
    return [write_grid_csv(plan, spec.name, folder / csv_name(plan, spec.name), result) for spec in ALL_TABLES]
