"""The workbook writer's shared parts: sheet names and layout constants, the worksheet class,
the record of formula cells (:class:`ExportInfo`), per-column number formats and page setup.
Each sheet family is a mixin over :class:`WriterBase` in its own module. Nothing here needs Qt."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
from xlsxwriter.worksheet import Worksheet

from ..domain import Kind, Plan, column_letter
from ..domain.currency import currency_prefix
from ..engine import Finding, PlanResult
from .formulas import CURRENCY_NAME, HOURS_NAME, PLAN_NAME, ROLLUP_SHEET
from .styles import Styles, decimals_needed, money_decimals, number_format


SUMMARY_SHEET = "Summary"
PLAN_SHEET = "Plan"
ROW_ID = "Row ID"
MANIFEST_PROPERTY = "VIVIM sheets"
FORMAT_PROPERTY = "VIVIM workbook format"
WORKBOOK_FORMAT = "1"
RESERVED_SHEETS = (SUMMARY_SHEET, PLAN_SHEET, ROLLUP_SHEET, "Timeline", "Cost at users", "Economics", "Checks", "Plan vs actual", "Simulation")

SETTING_LABELS = {"name": "Plan name", "currency": "Currency", "hours_per_month": "Hours per month",
                  "notes": "Notes", "number_locale": "Number format"}
SETTING_HELP = {
    "name": "The plan's name",
    "currency": "ISO 4217 code of every amount in this workbook",
    "hours_per_month": "Billable hours of one full-time person in a month; every team line's cost uses it",
    "notes": "Notes on the plan",
    "number_locale": "How numbers typed as text are read on import: 1,234.5 (decimal point) or 1.234,5 (decimal comma)",
}
SETTING_NAMES = {"name": PLAN_NAME, "currency": CURRENCY_NAME, "hours_per_month": HOURS_NAME}

# Summary sheet layout (0-based columns)
SUMMARY_COLUMNS = ("code", "name", "start", "end", "users", "low", "mid", "high", "bottom_up", "variance",
                   "cumulative", "operating", "revenue", "net", "cost_per_user", "month")
SUMMARY_HEADERS = ("Milestone", "Name", "Start month", "End month", "Target users", "Low", "Mid", "High",
                   "Bottom-up", "Mid vs bottom-up", "Cumulative mid", "Operating cost / month",
                   "Revenue / month", "Net cost / month", "Cost per user / month", "Figures of month")
SUMMARY_HEADER_ROW = 5
SCOL = {k: i for i, k in enumerate(SUMMARY_COLUMNS)}


CLASSIC_FUNCTIONS = frozenset({"ABS", "AND", "COUNTA", "COUNTIFS", "IF", "IFERROR", "INDEX", "INT", "ISNUMBER", "MATCH", "MAX",
                               "MIN", "N", "NOT", "OR", "ROUND", "ROUNDUP", "ROW", "SUM", "SUMIFS", "SUMPRODUCT", "TRIM"})
"""Every function the exported formulas use: all in Excel since 2007, so none needs the
``_xlfn.`` prefix of newer functions (tests check the formulas use nothing else)."""



class _Sheet(Worksheet):
    """XlsxWriter's worksheet without its per-formula search for Excel 365 function names
    (about 30 regular-expression passes per formula, most of an export's time). Our formulas
    use only :data:`CLASSIC_FUNCTIONS`, which need no rewriting; conditional formats and
    validations still go through XlsxWriter's own preparation."""

    def _prepare_formula(self, formula, expand_future_functions=False):  # noqa: ANN001, ANN202
        if expand_future_functions or "{" in formula[:1]:
            return super()._prepare_formula(formula, expand_future_functions)
        return formula[1:] if formula.startswith("=") else formula


def _cached(value: object) -> object:
    """A cached formula result: NaN (no value) becomes ``""``, numpy scalars plain floats."""
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else float(value)
    return value


@dataclass
class ExportInfo:
    """What :func:`export_workbook` wrote: ``path``, ``sheets`` in order, ``formula_cells``
    (sheet -> {A1 address: cached value}) so tests can compare a recalculation with it."""

    path: Path
    sheets: list[str]
    formula_cells: dict[str, dict[str, object]] = field(default_factory=dict)

    def record(self, sheet: str, row: int, col: int, value: object) -> None:
        self.formula_cells.setdefault(sheet, {})[f"{column_letter(col)}{row + 1}"] = value


class WriterBase:
    """One export: the workbook, its styles and the plan's computed figures (the sheet
    families are mixins over this class; see :mod:`.export`)."""

    def __init__(self, wb, plan: Plan, result: PlanResult, findings: list[Finding], info: ExportInfo,
                 progress: Callable[[int, int], None] | None):  # noqa: ANN001
        self.wb, self.plan, self.r, self.findings, self.info = wb, plan, result, findings, info
        self.st = Styles(wb, plan.settings.currency)
        self.progress = progress
        self.n_ms = len(plan.milestones)
        # summary rows follow the engine's time order (start month, end month, row)
        ms = plan.milestones
        self.timeline = np.lexsort((np.arange(self.n_ms), ms.column("end_month"), ms.column("start_month")))
        self.summary_row = {int(ms.ids[m]): SUMMARY_HEADER_ROW + 1 + i for i, m in enumerate(self.timeline)}
        self.total_row = SUMMARY_HEADER_ROW + 1 + self.n_ms
        self.timeline_rows: dict[str, int] = {}
        self.flagged: set = set()  # highlights are conditional formats on live differences, never static fills

    def set_timeline(self, tl) -> None:  # noqa: ANN001 - engine.timeline.Timeline
        """The export's timeline: the Timeline sheet writes it, the Summary reads its months. A
        plan without milestones lists its growth steps on the Summary instead."""
        self.tl = tl
        self.n_periods = self.n_ms if self.n_ms else len(tl.step_order)
        self.total_row = SUMMARY_HEADER_ROW + 1 + self.n_periods

    def formula(self, ws, sheet: str, row: int, col: int, text: str, fmt, value: object) -> None:  # noqa: ANN001
        cached = _cached(value)
        ws.write_formula(row, col, text, fmt, cached)
        self.info.record(sheet, row, col, cached)

    # -- per-column formats ------------------------------------------------------------------
    def column_style(self, kind: str, values: np.ndarray | list) -> tuple[str, int, str]:
        """(number format, decimals shown, prefix) of a numeric column of ``kind`` ``money``,
        ``rate``, ``cost_per_user``, ``number``, ``integer`` or ``percent``."""
        prefix = currency_prefix(self.plan.settings.currency)
        if kind == "rate":
            return self.st.money(2), 2, prefix
        if kind == "cost_per_user":
            return self.st.money(2, 2), 4, prefix
        if kind == "money":
            d, extra = money_decimals(values)
            return self.st.money(d, extra), d + extra, prefix
        if kind == "integer":
            return number_format(0), 0, ""
        if kind == "percent":
            d = decimals_needed(np.asarray(values, dtype=float) * 100, 2)
            return "0" + ("." + "0" * d if d else "") + "%", d, ""
        d = decimals_needed(values)
        return number_format(d), d, ""

    def field_kind(self, f) -> str:  # noqa: ANN001 - Field
        if f.kind is Kind.MONEY:
            return "rate" if "/hour" in f.unit or "rate" in f.name else "money"
        if f.kind is Kind.INTEGER:
            return "integer"
        if f.unit.startswith("share") and f.name != "correlation":
            return "percent"
        return "number"

    def header_text(self, f) -> str:  # noqa: ANN001 - Field
        """A column's header: its label and, where it has one, its unit in the plan's currency
        (``Input price (USD per MTok)``, ``Percent (%)``); the import reads either form."""
        unit = unit_text(f.unit, self.plan.settings.currency)
        words = [w for w in re.split(r"[\s/]+", unit.casefold()) if w]
        label = f.label.casefold()
        if not unit or f.name == "correlation" or all(w.rstrip("s") in label for w in words):
            return f.label
        return f"{f.label} ({unit})"


    # -- page setup ------------------------------------------------------------------------------
    def _page(self, ws, title: str, area: str, header_rows: int | None) -> None:  # noqa: ANN001
        """Landscape, one page wide, the header row repeated, plan / sheet / page in the margins."""
        ws.set_landscape()
        ws.set_paper(9)  # A4; Letter readers get it scaled to width anyway
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.print_area(area)
        if header_rows is not None:
            ws.repeat_rows(header_rows)
        name = self.plan.settings.name.replace("&", "&&")
        ws.set_header(f'&L&"Calibri,Bold"{name}&R{title.replace("&", "&&")}', {"margin": 0.25})
        ws.set_footer(f"&LVIVIM Planner export, {datetime.now(timezone.utc):%Y-%m-%d}&RPage &P of &N",
                      {"margin": 0.25})

    def tick(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)



def _exact_in_16_digits(values: np.ndarray) -> list[bool]:
    """For each value: does XlsxWriter's 16-significant-digit number text read back as exactly
    this float? (Values typed by people always do; a few computed ones need a 17th digit.)"""
    return [float(f"{v:.16G}") == v for v in values.tolist()]


def _excel_number_text(x: float) -> str:
    """How Excel turns a number into text in ``&``: 240 -> ``240``, 162.5 -> ``162.5``."""
    return f"{x:.15g}"


def unit_text(unit: str, currency: str) -> str:
    """A field's unit as a header shows it: money in ``currency`` (``USD/MTok`` -> ``EUR per
    MTok``), shares as ``%``; ``""`` where the label says it already (users, months, a bare
    amount, a count of customers)."""
    if not unit or unit in ("USD", "users", "month", "customers", "subscribers", "share of the payment"):
        return "%" if unit == "share of the payment" else ""
    if unit.startswith("share"):
        return "%" if unit == "share" else unit.replace("share of ", "% of ")
    if unit.startswith("USD"):
        rest = unit[3:]
        return f"{currency} per {rest[1:]}" if rest.startswith("/") else currency
    return unit
