"""Write a plan to an .xlsx workbook for investors: inputs as plain cells, every derived
figure as a live formula carrying the engine's value as its cached result.

Sheets, in order: ``Summary`` (milestones x low / mid / high / bottom-up, cumulative, cost
per user, totals, two native charts and the audit's findings beside the stated figures),
``Plan`` (name, currency and hours per month as the named cells ``PlanName``, ``Currency`` and
``HoursPerMonth``; notes), one sheet per plan table in :data:`ALL_TABLES` order (header row =
field labels; references written as the code / name the grid shows; derived columns after the
inputs; a hidden ``Row ID`` column last so an import can tell changed rows from new ones), and
``Build roll-up`` (milestone x category: bottom-up bands, stated estimates, effective
estimates). Nothing here needs Qt.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import xlsxwriter

from .. import __version__
from ..domain import ALL_TABLES, Plan
from ..domain.table import TableSpec
from ..engine import Finding, PlanResult, audit, compute
from ..domain import PlanError
from ..engine.simulation import Simulation, simulate, uncertain_inputs
from ..engine.timeline import timeline
from ..engine.usage import UsageModel
from .formulas import ROLLUP_SHEET, derived_memo
from .simulation_sheet import SIMULATION_SHEET, write_simulation_sheet
from .audit_sheet import AuditMixin

from .base import (CLASSIC_FUNCTIONS, FORMAT_PROPERTY, MANIFEST_PROPERTY, PLAN_SHEET, RESERVED_SHEETS, ROW_ID,
                   SETTING_LABELS, SUMMARY_HEADER_ROW, SUMMARY_SHEET, WORKBOOK_FORMAT, ExportInfo, _Sheet)
from .grids import GridsMixin
from .summary_sheet import SummaryMixin
from .timeline_sheet import TIMELINE_SHEET, TimelineMixin
from ..domain.actuals_schema import ACTUALS
from .actuals_sheet import ACTUALS_SHEET, write_actuals_sheet
from .checks_sheet import CHECKS_SHEET, ChecksMixin
from .economics_sheet import ECONOMICS_SHEET, EconomicsMixin
from .cost_at_users_sheet import COST_AT_USERS_SHEET, CostAtUsersMixin, has_usage_model


class _Writer(GridsMixin, AuditMixin, SummaryMixin, TimelineMixin, ChecksMixin, CostAtUsersMixin,
              EconomicsMixin):
    """One export: every sheet family's writer over the same workbook and results."""


def manifest_chunks(sheets: list[str], limit: int = 255) -> list[str]:
    """The table sheets a workbook holds, as ``|``-separated chunks of at most ``limit``
    characters (Excel's limit for a custom property), stored as properties ``VIVIM sheets 1``,
    ``VIVIM sheets 2``... An import tells a deleted sheet from a table added after the export
    by this list."""
    chunks, current = [], ""
    for name in sheets:
        piece = name if not current else f"{current}|{name}"
        if len(piece) > limit and current:
            chunks.append(current)
            piece = name
        current = piece
    return chunks + [current] if current else chunks


def sheet_order(specs: tuple[TableSpec, ...] = ALL_TABLES) -> list[str]:
    """Sheet names in workbook order: Summary, Plan, one per table, the build roll-up."""
    clash = [s.sheet for s in specs if s.sheet in RESERVED_SHEETS]
    if clash:
        raise ValueError(f"table sheet names clash with the workbook's own sheets: {clash}")
    return [SUMMARY_SHEET, PLAN_SHEET] + [s.sheet for s in specs] + [ROLLUP_SHEET]


SIMULATION_DRAWS = 2_000
"""Draws of the workbook's Simulation sheet: enough for stable P10 / P50 / P90 (their standard
error is about 1% of the spread), few enough that an export stays fast."""


def _simulation(plan: Plan, result: PlanResult, um: UsageModel, draws: int, seed: int) -> Simulation | None:
    """The Monte Carlo run of a plan with ranges, else ``None`` (no ranges, ``draws`` < 1, or an
    *Uncertainty* row the engine refuses: the window and ``simulate`` say why)."""
    if draws < 1 or not uncertain_inputs(plan, result):
        return None
    try:
        return simulate(plan, "mid", draws=draws, seed=seed, result=result, usage=um)
    except PlanError:
        return None


def export_workbook(plan: Plan, path: str | os.PathLike, result: PlanResult | None = None,
                    findings: list[Finding] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    draws: int = SIMULATION_DRAWS, seed: int = 0) -> ExportInfo:
    """Write ``plan`` to the .xlsx file ``path`` (replaced atomically: a temp file beside it,
    then a rename). ``result`` / ``findings`` reuse a computation already made.
    ``progress(done, total)`` is called after each sheet and after saving (for a progress bar).
    A plan with ranges (:func:`vivim_planner.engine.simulation.uncertain_inputs`) gets a
    *Simulation* sheet of ``draws`` Monte Carlo draws with ``seed`` (``draws=0``: none).

    Returns an :class:`ExportInfo`. Raises ``OSError`` when the file cannot be written.
    """
    with derived_memo():
        return _export(plan, Path(path), result, findings, progress, draws, seed)


def _export(plan: Plan, path: Path, result: PlanResult | None, findings: list[Finding] | None,
            progress: Callable[[int, int], None] | None, draws: int, seed: int) -> ExportInfo:
    result = result or compute(plan)
    findings = audit(plan, result) if findings is None else findings
    um = UsageModel(plan)
    tl = timeline(plan, "mid", result, um)
    sim = _simulation(plan, result, um, draws, seed)
    order = sheet_order()
    cau = bool(tl.horizon) and has_usage_model(plan)
    order[1:1] = ([TIMELINE_SHEET] if tl.horizon else []) + ([COST_AT_USERS_SHEET] if cau else []) + \
        ([ECONOMICS_SHEET] if tl.horizon else [])
    actuals = bool(tl.horizon) and bool(len(plan.tables[ACTUALS.name]))
    order += [CHECKS_SHEET] + ([ACTUALS_SHEET] if actuals else []) + ([SIMULATION_SHEET] if sim is not None else [])
    info = ExportInfo(path, order)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False, "nan_inf_to_errors": False})
        wb.set_properties({"title": f"{plan.settings.name}: cost plan", "subject": "Build cost and cost per user",
                           "creator": "VIVIM Planner", "comments": f"Exported by VIVIM Planner {__version__}"})
        wb.set_custom_property(FORMAT_PROPERTY, WORKBOOK_FORMAT)
        for i, chunk in enumerate(manifest_chunks([s.sheet for s in ALL_TABLES])):
            wb.set_custom_property(f"{MANIFEST_PROPERTY} {i + 1}", chunk)
        sheets = {name: wb.add_worksheet(name, worksheet_class=_Sheet) for name in order}
        writer = _Writer(wb, plan, result, findings, info, progress)
        writer.set_timeline(tl)
        writer.usage, writer.cau = um, cau
        total = len(order) + 1  # every sheet, then saving the file
        if tl.horizon:
            writer.timeline_sheet(sheets[TIMELINE_SHEET])
        if cau:
            writer.cost_at_users_sheet(sheets[COST_AT_USERS_SHEET])
        writer.summary_sheet(sheets[SUMMARY_SHEET])
        if tl.horizon:
            writer.economics_sheet(sheets[ECONOMICS_SHEET])
        writer.plan_sheet(sheets[PLAN_SHEET])
        writer.tick(2, total)
        for i, spec in enumerate(ALL_TABLES):
            writer.grid_sheet(sheets[spec.sheet], spec)
            if not len(plan.tables[spec.name]):
                sheets[spec.sheet].hide()  # nothing to read or print; unhide it to add rows
            writer.tick(3 + i, total)
        writer.rollup_sheet(sheets[ROLLUP_SHEET])
        if not writer.rollup_rows():
            sheets[ROLLUP_SHEET].hide()
        writer.checks_sheet(sheets[CHECKS_SHEET])
        if actuals:
            write_actuals_sheet(sheets[ACTUALS_SHEET], writer.st, plan, tl)
            name = plan.settings.name.replace("&", "&&")
            sheets[ACTUALS_SHEET].set_header(f'&L&"Calibri,Bold"{name}&R{ACTUALS_SHEET}', {"margin": 0.25})
        if sim is not None:
            write_simulation_sheet(sheets[SIMULATION_SHEET], writer.st, sim)
        writer.tick(total - 1, total)
        sheets[SUMMARY_SHEET].activate()
        sheets[SUMMARY_SHEET].set_first_sheet()
        wb.close()
        writer.tick(total, total)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return info


__all__ = ["CLASSIC_FUNCTIONS", "MANIFEST_PROPERTY", "PLAN_SHEET", "SETTING_LABELS", "ExportInfo", "ROW_ID", "SUMMARY_HEADER_ROW", "export_workbook", "sheet_order"]

