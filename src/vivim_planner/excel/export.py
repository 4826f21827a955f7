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

import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..domain import ALL_TABLES, Kind, Plan, column_letter
from ..domain.currency import currency_prefix
from ..domain.schema import ALLOCATIONS, BUILD_ITEMS, ESTIMATES, MILESTONES, OPERATING_COSTS, REVENUES
from ..domain.table import TableSpec
from ..engine import Finding, PlanResult, audit, category_key, compute, metric_values
from ..engine.rollup import positions_of
from . import formulas as F
from .formulas import CURRENCY_NAME, HOURS_NAME, PLAN_NAME, ROLLUP_SHEET, Derived, criterion, whole_column
from .styles import (MAX_TEXT_WIDTH, NOTES_WIDTH, Styles, decimals_needed, money_decimals, number_format, number_width,
                     text_width)

SUMMARY_SHEET = "Summary"
PLAN_SHEET = "Plan"
ROW_ID = "Row ID"
MANIFEST_PROPERTY = "VIVIM sheets"
FORMAT_PROPERTY = "VIVIM workbook format"
WORKBOOK_FORMAT = "1"
RESERVED_SHEETS = (SUMMARY_SHEET, PLAN_SHEET, ROLLUP_SHEET)

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
                   "cumulative", "operating", "revenue", "net", "cost_per_user")
SUMMARY_HEADERS = ("Milestone", "Name", "Start month", "End month", "Target users", "Low", "Mid", "High",
                   "Bottom-up", "Mid vs bottom-up", "Cumulative mid", "Operating cost / month",
                   "Revenue / month", "Net cost / month", "Cost per user / month")
SUMMARY_HEADER_ROW = 5
SCOL = {k: i for i, k in enumerate(SUMMARY_COLUMNS)}


CLASSIC_FUNCTIONS = frozenset({"ABS", "AND", "COUNTIFS", "IF", "IFERROR", "INDEX", "INT", "ISNUMBER", "MATCH", "MAX",
                               "MIN", "N", "NOT", "OR", "ROW", "SUM", "SUMIFS", "SUMPRODUCT"})
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


class _Writer:
    """One export: the workbook, its styles and the plan's computed figures."""

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
        self.flagged = {(f.table, f.row_id, f.field) for f in findings}

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
            return "0.0%", 1, ""
        d = decimals_needed(values)
        return number_format(d), d, ""

    def field_kind(self, f) -> str:  # noqa: ANN001 - Field
        if f.kind is Kind.MONEY:
            return "rate" if "/hour" in f.unit or "rate" in f.name else "money"
        if f.kind is Kind.INTEGER:
            return "integer"
        return "number"

    # -- plan settings -------------------------------------------------------------------------
    def plan_sheet(self, ws) -> None:  # noqa: ANN001
        st, s = self.st, self.plan.settings
        ws.write_string(0, 0, "Plan settings", st.get("title"))
        ws.write_string(1, 0, "Blue cells are inputs: change hours per month here and every team line, "
                              "total and cost per user follows.", st.get("subtitle"))
        ws.write_string(3, 0, "Setting", st.get("header"))
        ws.write_string(3, 1, "Value", st.get("header"))
        ws.write_string(3, 2, "What it does", st.get("header"))
        row = 4
        for key in s.keys():
            value = getattr(s, key)
            label = SETTING_LABELS.get(key, key.replace("_", " ").capitalize())
            ws.write_string(row, 0, label, st.get("label"))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                v = float(value)
                fmt = st.get("input", number_format(decimals_needed([v])))
                if _exact_in_16_digits(np.asarray([v]))[0]:
                    ws.write_number(row, 1, v, fmt)
                else:  # XlsxWriter writes 16 digits; a one-number formula keeps all 17
                    ws.write_formula(row, 1, f"={v!r}", fmt, v)
            else:
                wrap = {"text_wrap": True} if key == "notes" else {}
                ws.write_string(row, 1, str(value), st.get("input", "@", **wrap))
            ws.write_string(row, 2, SETTING_HELP.get(key, ""), st.get("note", text_wrap=False))
            if key in SETTING_NAMES:
                self.wb.define_name(SETTING_NAMES[key], f"={PLAN_SHEET}!$B${row + 1}")
            if key == "notes" and value:
                lines = sum(max(1, math.ceil(len(part) / (NOTES_WIDTH * 0.95))) for part in str(value).split("\n"))
                ws.set_row(row, min(409, 13.5 * lines))
            row += 1
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, NOTES_WIDTH)
        ws.set_column(2, 2, 80)
        self._page(ws, PLAN_SHEET, f"A1:C{row}", header_rows=None)

    # -- grid sheets ---------------------------------------------------------------------------
    def grid_sheet(self, ws, spec: TableSpec) -> None:  # noqa: ANN001
        """One table's sheet: a header row of field labels (row 1, so ``Team!F7`` is the same
        cell as in the grid and in messages), inputs column by column (references as the code /
        name the grid shows, empty inputs still styled as inputs), the derived formula columns,
        for stated figures the live recomputation beside each, and the hidden Row ID column."""
        plan, st = self.plan, self.st
        t = plan.tables[spec.name]
        n = len(t)
        derived: tuple[Derived, ...] = F.derived_columns(spec, plan)
        extra_cols: list[str] = []  # stated figures: the computed figure beside the stated one
        if spec.name == "stated_figures":
            extra_cols = ["Computed", "Difference", "Audit"]
        n_in = len(spec.fields)
        id_col = n_in + len(derived) + len(extra_cols)
        refs_col = {f.name: column_letter(i) for i, f in enumerate(spec.fields)}
        refs_col.update({d.key: column_letter(n_in + i) for i, d in enumerate(derived)})

        # headers
        for c, f in enumerate(spec.fields):
            ws.write_string(0, c, f.label, st.get("header"))
            if f.help or f.unit:
                ws.write_comment(0, c, (f.help or f.unit), {"visible": False, "x_scale": 1.6})
        for i, d in enumerate(derived):
            ws.write_string(0, n_in + i, d.label, st.get("header_formula"))
            if d.help:
                ws.write_comment(0, n_in + i, f"Formula: {d.help}", {"visible": False, "x_scale": 1.6})
        for i, label in enumerate(extra_cols):
            ws.write_string(0, n_in + len(derived) + i, label, st.get("header_formula"))
        ws.write_string(0, id_col, ROW_ID, st.get("header_formula"))
        ws.write_comment(0, id_col, "Keeps each row's identity for the import back into VIVIM Planner. "
                                    "Leave it as it is; new rows leave it empty.", {"visible": False})
        ws.set_row(0, 30)

        # input columns, column by column
        for c, f in enumerate(spec.fields):
            col = t.column(f.name)
            if f.kind is Kind.TEXT or f.kind is Kind.REF:
                if f.kind is Kind.REF:
                    texts = self._ref_texts(f.ref_table, col)
                else:
                    texts = col
                fmt = st.get("input", "@", text_wrap=True) if f.max_length > 200 else st.get("input", "@")
                flagged = self._flag_positions(spec.name, t, f.name)
                flag_fmt = st.get("flag", "@")
                for p, v in enumerate(texts):
                    if v:
                        ws.write_string(p + 1, c, v, flag_fmt if p in flagged else fmt)
                    else:  # an empty input still looks like a place to type
                        ws.write_blank(p + 1, c, None, fmt)
                ws.set_column(c, c, text_width(texts, f.label, NOTES_WIDTH if f.max_length > 200 else MAX_TEXT_WIDTH))
            else:
                arr = np.asarray(col, dtype=np.float64)
                num_fmt, decimals, prefix = self.column_style(self.field_kind(f), arr)
                fmt = st.get("input", num_fmt)
                flagged = self._flag_positions(spec.name, t, f.name)
                flag_fmt = st.get("flag", num_fmt)
                finite = np.flatnonzero(np.isfinite(arr)).tolist()
                for p in np.flatnonzero(~np.isfinite(arr)).tolist():
                    ws.write_blank(p + 1, c, None, fmt)  # an empty input still looks like a place to type
                exact = _exact_in_16_digits(arr[finite])
                write = ws.write_number
                per_row = self._stated_value_formats() if (spec.name, f.name) == ("stated_figures", "value") else None
                for p, ok in zip(finite, exact):
                    v = float(arr[p])
                    cell_fmt = flag_fmt if p in flagged else fmt
                    if per_row is not None:
                        cell_fmt = st.get("flag" if p in flagged else "input", per_row[p])
                    if ok:
                        write(p + 1, c, v, cell_fmt)
                    else:  # XlsxWriter writes 16 digits; a one-number formula keeps all 17
                        ws.write_formula(p + 1, c, f"={v!r}", cell_fmt, v)
                ws.set_column(c, c, number_width(arr, f.label, decimals, prefix))
                self._validate_numbers(ws, f, c, n)
            if f.kind is Kind.REF:
                self._validate_ref(ws, f, c, n)

        # derived columns, column by column
        for i, d in enumerate(derived):
            c = n_in + i
            values = d.values(plan, self.r)
            arr = np.asarray(values, dtype=np.float64)
            num_fmt, decimals, prefix = self.column_style(d.style, arr)
            fmt = st.get("formula", num_fmt)
            refs = {k: "" for k in refs_col}
            for p in range(n):
                r = str(p + 2)
                for k, letter in refs_col.items():
                    refs[k] = letter + r
                self.formula(ws, spec.sheet, p + 1, c, d.formula(refs, p), fmt, arr[p])
            ws.set_column(c, c, number_width(arr, d.label, decimals, prefix))

        if spec.name == "stated_figures":
            self._stated_extras(ws, spec, n_in + len(derived))

        # row ids, hidden
        ids = t.ids
        id_fmt = st.get("static", "0")
        for p in range(n):
            ws.write_number(p + 1, id_col, int(ids[p]), id_fmt)
        ws.set_column(id_col, id_col, 8, id_fmt, {"hidden": True})

        self._stated_cost_highlight(ws, spec, refs_col, n)
        ws.freeze_panes(1, 0)
        last = id_col - 1
        ws.autofilter(0, 0, max(n, 1), id_col)  # a sort moves each row's id with it
        self._page(ws, spec.sheet, f"A1:{column_letter(last)}{max(n, 1) + 1}", header_rows=0)

    def _ref_texts(self, table: str, ids: np.ndarray) -> list[str]:
        t = self.plan.tables[table]
        key = "code" if table == "milestones" else "name"
        labels = np.asarray(list(t.column(key)) + [""], dtype=object)
        pos = positions_of(t.ids, np.asarray(ids, dtype=np.int64))
        return labels[pos].tolist()  # -1 (no reference) picks the trailing ""

    def _flag_positions(self, table: str, t, field_name: str) -> set[int]:  # noqa: ANN001
        rows = {rid for (tb, rid, fn) in self.flagged if tb == table and fn == field_name}
        return {t.position(rid) for rid in rows if t.has_id(rid)}

    def _validate_numbers(self, ws, f, c: int, n: int) -> None:  # noqa: ANN001
        """Excel refuses out-of-range numbers as they are typed (the import checks again)."""
        if f.minimum is None and f.maximum is None:
            return
        lo = f.minimum if f.minimum is not None else -1e300
        hi = f.maximum if f.maximum is not None else 1e300
        kind = "integer" if f.kind is Kind.INTEGER else "decimal"
        ws.data_validation(1, c, n + 1000, c, {
            "validate": kind, "criteria": "between", "minimum": lo, "maximum": hi, "ignore_blank": True,
            "error_title": f.label, "error_message": f"{f.label} must be between {lo:,g} and {hi:,g}"[:255]})

    def _validate_ref(self, ws, f, c: int, n: int) -> None:  # noqa: ANN001
        target = next(s for s in ALL_TABLES if s.name == f.ref_table)
        key = "code" if f.ref_table == "milestones" else "name"
        letter = column_letter(target.column_index(key))
        count = len(self.plan.tables[f.ref_table]) + 1000  # rows an investor adds there count too
        source = f"={F.sheet_ref(target.sheet)}!${letter}$2:${letter}${count + 1}"
        ws.data_validation(1, c, n + 1000, c, {
            "validate": "list", "source": source, "ignore_blank": True, "error_type": "warning",
            "error_title": f.label,
            "error_message": f"Not a {target.noun} of sheet {target.sheet}; the import will refuse it"[:255]})

    def _stated_cost_highlight(self, ws, spec: TableSpec, refs: dict[str, str], n: int) -> None:  # noqa: ANN001
        """Red when a line's stated cost disagrees with its computed cost, the audit's own rule
        (whole dollars match within 0.50, figures with cents within half a cent); live."""
        computed = {"allocations": "cost", "build_items": "cost", "operating_costs": "monthly_cost"}.get(spec.name)
        if not computed or "stated_cost" not in refs or n == 0:
            return
        s, c = refs["stated_cost"] + "2", refs[computed] + "2"
        rule = (f"=AND(ISNUMBER({s}),OR(NOT(ISNUMBER({c})),"
                f"ABS({s}-N({c}))>IF(INT({s})={s},0.5,0.005)*(1+1E-9)+1E-9*ABS(N({c}))))")
        col = spec.column_index("stated_cost")
        ws.conditional_format(1, col, n, col, {"type": "formula", "criteria": rule,
                                              "format": self.st.get("flag")})

    # -- stated figures: the computed figure beside each stated one ------------------------------
    def _stated_extras(self, ws, spec: TableSpec, c0: int) -> None:  # noqa: ANN001
        plan, st = self.plan, self.st
        sf = plan.stated_figures
        values = metric_values(plan, self.r)
        flagged_groups: dict[tuple, str] = {}
        for f in self.findings:
            if f.table == "stated_figures" and sf.has_id(f.row_id):
                flagged_groups[self._group_key(sf.row(sf.position(f.row_id)))] = f.message
        money = st.money(*money_decimals(np.asarray(sf.column("value"))))
        val_col = column_letter(spec.column_index("value"))
        comp_col = column_letter(c0)
        for p in range(len(sf)):
            row = sf.row(p)
            mid = int(row["milestone"] or 0)
            cat = category_key(row["category"]) if row["category"] else ""
            computed = values.get((row["metric"], mid, cat, row["bound"]), math.nan)
            formula = self._metric_formula(row, p)
            fmt_num = self.st.money(2, 2) if row["metric"] == "cost_per_user" else money
            if row["metric"] in ("users",):
                fmt_num = number_format(0)
            self.formula(ws, spec.sheet, p + 1, c0, formula, st.get("formula", fmt_num), computed)
            r = p + 2
            diff = computed - float(row["value"]) if not math.isnan(computed) else math.nan
            self.formula(ws, spec.sheet, p + 1, c0 + 1,
                         f'=IF({comp_col}{r}="","",{comp_col}{r}-{val_col}{r})', st.get("formula", fmt_num), diff)
            message = flagged_groups.get(self._group_key(row))
            text = message if message else "matches"
            ws.write_string(p + 1, c0 + 2, text, st.get("flag" if message else "static", text_wrap=bool(message)))
            if message:
                ws.set_row(p + 1, 13.5 * max(1, math.ceil(len(message) / 80)) + 2)
        arr = np.asarray([values.get((r["metric"], int(r["milestone"] or 0),
                                      category_key(r["category"]) if r["category"] else "", r["bound"]), math.nan)
                          for r in sf.rows()], dtype=np.float64)
        prefix = currency_prefix(plan.settings.currency)
        ws.set_column(c0, c0 + 1, number_width(arr, "Difference", 2, prefix))
        ws.set_column(c0 + 2, c0 + 2, 70)
        if len(sf):
            ws.write_comment(0, c0 + 2, "The audit at export: the stated figure against its recomputation "
                                        "(printed rounding is not a finding).", {"visible": False})

    def _stated_value_formats(self) -> list[str]:
        """Number format of each stated figure: money as the source printed it (``$133,200``,
        ``$0.0053``), a user count as a count."""
        sf = self.plan.stated_figures
        out = []
        for metric, value, dec in zip(sf.column("metric"), sf.column("value"), sf.column("decimals")):
            d = max(0 if math.isnan(dec) else int(dec), decimals_needed([float(value)], 4) if math.isfinite(value) else 0)
            out.append(number_format(d) if metric == "users" else self.st.money(d))
        return out

    @staticmethod
    def _group_key(row: dict) -> tuple:
        cat = category_key(row["category"]) if row["category"] else ""
        return (row["metric"], int(row["milestone"] or 0), cat, row["bound"], float(row["value"]))

    def _summary_cell(self, key: str) -> str:
        """Whole data range of one Summary column, absolute: ``Summary!$G$6:$G$15``."""
        letter = column_letter(SCOL[key])
        return f"{SUMMARY_SHEET}!${letter}${SUMMARY_HEADER_ROW + 2}:${letter}${self.total_row}"

    def _metric_formula(self, row: dict, p: int) -> str:
        """The live formula of the figure a stated figure claims (mirrors engine.metric_values)."""
        metric, bound = row["metric"], row["bound"]
        mid = int(row["milestone"] or 0)
        has_cat = bool(row["category"])
        sf_spec = next(s for s in ALL_TABLES if s.name == "stated_figures")
        m_ref = f"{sf_spec.address(p, 'milestone')}"
        code = self.plan.ref_label("milestones", mid) if mid else ""
        crit = criterion(m_ref, code)
        if metric == "consolidated_total" and not mid and not has_cat and bound in ("low", "mid", "high", "value"):
            key = "mid" if bound == "value" else bound
            return f"={SUMMARY_SHEET}!${column_letter(SCOL[key])}${self.total_row + 1}"
        if not mid or self.n_ms == 0:
            return '=""'
        if metric == "build_subtotal" and has_cat and bound in ("value", "mid", "low", "high"):
            col = {"low": "cost_low", "high": "cost_high"}.get(bound, "cost")
            n_in = len(BUILD_ITEMS.fields)
            idx = n_in + [d.key for d in F.derived_columns(BUILD_ITEMS, self.plan)].index(col)
            values = whole_column(BUILD_ITEMS.sheet, idx)
            bm = whole_column(BUILD_ITEMS.sheet, BUILD_ITEMS.column_index("milestone"))
            bc = whole_column(BUILD_ITEMS.sheet, BUILD_ITEMS.column_index("category"))
            c_crit = criterion(sf_spec.address(p, "category"), row["category"])
            return (f'=IF(COUNTIFS({bm},{crit},{bc},{c_crit})=0,"",'
                    f"SUMIFS({values},{bm},{crit},{bc},{c_crit}))")
        if has_cat:
            return '=""'
        if metric == "allocations_subtotal" and bound == "value":
            n_in = len(ALLOCATIONS.fields)
            idx = n_in + [d.key for d in F.derived_columns(ALLOCATIONS, self.plan)].index("cost")
            return (f"=SUMIFS({whole_column(ALLOCATIONS.sheet, idx)},"
                    f"{whole_column(ALLOCATIONS.sheet, ALLOCATIONS.column_index('milestone'))},{crit})")
        column = None
        if metric == "estimate_total" and bound in ("low", "mid", "high", "value"):
            column = "mid" if bound == "value" else bound
        elif bound == "value":
            column = {"operating_total": "operating", "revenue_total": "revenue", "net_operating": "net",
                      "cost_per_user": "cost_per_user", "users": "users"}.get(metric)
        if column is None:
            return '=""'
        return (f'=IFERROR(INDEX({self._summary_cell(column)},MATCH({F.lookup_value(m_ref, code)},'
                f'{self._summary_cell("code")},0)),"")')

    # -- build roll-up ---------------------------------------------------------------------------
    def rollup_rows(self) -> list[tuple[int, int]]:
        """(milestone position, category index) of every pair the engine counts, milestones in
        row order, categories in the engine's order (Personnel first)."""
        present = self.r.present
        return [(m, c) for m in range(self.n_ms) for c in range(len(self.r.categories)) if present[m, c]]

    def rollup_sheet(self, ws) -> None:  # noqa: ANN001
        st, r, plan = self.st, self.r, self.plan
        sheet = ROLLUP_SHEET
        for c, h in enumerate(F.ROLLUP_HEADERS):
            ws.write_string(0, c, h, st.get("header" if c < 2 else "header_formula"))
        ws.set_row(0, 30)
        n_al = len(ALLOCATIONS.fields)
        al_cost = whole_column(ALLOCATIONS.sheet, n_al + 2)
        al_ms = whole_column(ALLOCATIONS.sheet, ALLOCATIONS.column_index("milestone"))
        n_bi = len(BUILD_ITEMS.fields)
        b = {band: whole_column(BUILD_ITEMS.sheet, n_bi + i) for i, band in enumerate(("mid", "low", "high"))}
        b_ms = whole_column(BUILD_ITEMS.sheet, BUILD_ITEMS.column_index("milestone"))
        b_cat = whole_column(BUILD_ITEMS.sheet, BUILD_ITEMS.column_index("category"))
        e = {band: whole_column(ESTIMATES.sheet, ESTIMATES.column_index(band)) for band in ("low", "mid", "high")}
        e_ms = whole_column(ESTIMATES.sheet, ESTIMATES.column_index("milestone"))
        e_cat = whole_column(ESTIMATES.sheet, ESTIMATES.column_index("category"))
        codes = plan.milestones.column("code")
        money = st.money(*money_decimals(np.concatenate([v.ravel() for v in r.bottom_up.values()] + [np.zeros(1)])))
        fmt = st.get("formula", money)
        text = st.get("static", "@")
        rows = self.rollup_rows()
        col = {k: column_letter(i) for i, k in enumerate(F.ROLLUP_COLUMNS)}
        for i, (m, c) in enumerate(rows):
            row = i + 1
            x = str(row + 1)
            code, cat = str(codes[m]), r.categories[c]
            ws.write_string(row, 0, code, text)
            ws.write_string(row, 1, cat, text)
            mc, cc = criterion("$A" + x, code), criterion("$B" + x, cat)
            for j, band in enumerate(("low", "mid", "high")):
                builds = f"SUMIFS({b[band]},{b_ms},{mc},{b_cat},{cc})"
                expr = builds + (f"+SUMIFS({al_cost},{al_ms},{mc})" if c == 0 else "")
                self.formula(ws, sheet, row, 2 + j, "=" + expr, fmt, r.bottom_up[band][m, c])
            for j, band in enumerate(("low", "mid", "high")):
                count = f'COUNTIFS({e_ms},{mc},{e_cat},{cc},{e[band]},"<>")'
                self.formula(ws, sheet, row, 5 + j, f'=IF({count}=0,"",SUMIFS({e[band]},{e_ms},{mc},{e_cat},{cc}))',
                             fmt, r.stated_estimate[band][m, c])
            bl, bm, bh = (col[k] + x for k in ("bu_low", "bu_mid", "bu_high"))
            sl, sm, sh = (col[k] + x for k in ("stated_low", "stated_mid", "stated_high"))
            em = col["est_mid"] + x
            # an empty mid is the bottom-up clipped into the stated low-high (MIN / MAX skip "")
            self.formula(ws, sheet, row, 9, f'=IF({sm}<>"",{sm},MIN(MAX({bm},{sl}),{sh}))', fmt,
                         r.estimate["mid"][m, c])
            self.formula(ws, sheet, row, 8, f'=IF({sl}<>"",{sl},MIN({bl},{em}))', fmt, r.estimate["low"][m, c])
            self.formula(ws, sheet, row, 10, f'=IF({sh}<>"",{sh},MAX({bh},{em}))', fmt, r.estimate["high"][m, c])
        ws.set_column(0, 0, text_width(codes, "Milestone", 16))
        ws.set_column(1, 1, text_width(r.categories, "Category"))
        prefix = currency_prefix(plan.settings.currency)
        all_vals = np.concatenate([v.ravel() for v in r.bottom_up.values()] + [np.zeros(1)])
        ws.set_column(2, 10, number_width(all_vals, "Estimate high", 0, prefix))
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(1, len(rows)), len(F.ROLLUP_HEADERS) - 1)
        self._page(ws, sheet, f"A1:K{max(1, len(rows)) + 1}", header_rows=0)

    # -- summary ---------------------------------------------------------------------------------
    def summary_sheet(self, ws) -> None:  # noqa: ANN001
        st, r, plan, s = self.st, self.r, self.plan, self.plan.settings
        sheet = SUMMARY_SHEET
        ms = plan.milestones
        self.formula(ws, sheet, 0, 0, f'={PLAN_NAME}&": build cost and cost per user"', st.get("title"),
                     f"{s.name}: build cost and cost per user")
        self.formula(ws, sheet, 1, 0,
                     f'="Money in "&{CURRENCY_NAME}&"; team lines at "&{HOURS_NAME}&" hours per FTE-month '
                     f'(sheet Plan). Build costs are one-off; operating cost, revenue and cost per user are per month."',
                     st.get("subtitle"),
                     f"Money in {s.currency}; team lines at {_excel_number_text(s.hours_per_month)} hours per "
                     f"FTE-month (sheet Plan). Build costs are one-off; operating cost, revenue and cost per user "
                     f"are per month.")
        ws.write_string(2, 0, "Input", st.get("input"))
        ws.write_string(2, 1, "Blue on cream: an input you can change (sheets Plan, Milestones, Rate card, Team, "
                              "Build costs...); every total follows.", st.get("note", text_wrap=False))
        ws.write_string(3, 0, "Formula", st.get("formula"))
        ws.write_string(3, 1, "Grey: a live formula over the inputs, with the value VIVIM Planner "
                              f"{__version__} computed on {datetime.now(timezone.utc):%Y-%m-%d}.",
                        st.get("note", text_wrap=False))
        empty = [spec.sheet for spec in ALL_TABLES if not len(plan.tables[spec.name])]
        if empty:
            ws.write_string(4, 1, f"Hidden sheets, empty in this plan (unhide one to add rows): {', '.join(empty)}.",
                            st.get("note", text_wrap=False))
        for c, h in enumerate(SUMMARY_HEADERS):
            ws.write_string(SUMMARY_HEADER_ROW, c, h, st.get("header" if c < 5 else "header_formula"))
        ws.set_row(SUMMARY_HEADER_ROW, 30)

        money = st.money(*money_decimals(np.concatenate([r.total[k] for k in r.total] + [np.zeros(1)])))
        ops_money = st.money(*money_decimals(np.concatenate([r.operating, r.revenue, np.zeros(1)])))
        fmt = {k: st.get("formula", money) for k in ("low", "mid", "high", "bottom_up", "cumulative")}
        fmt.update({k: st.get("formula", ops_money) for k in ("operating", "revenue", "net")})
        fmt["cost_per_user"] = st.get("formula", st.money(2, 2))
        fmt["variance"] = st.get("formula", "0.0%")
        text_fmt = st.get("formula", "@")
        int_fmt = st.get("formula", "#,##0")
        ms_col = {f.name: column_letter(i) for i, f in enumerate(MILESTONES.fields)}
        rollup = {k: whole_column(ROLLUP_SHEET, F.ROLLUP_COLUMNS.index(k)) for k in
                  ("est_low", "est_mid", "est_high", "bu_mid")}
        rollup_ms = whole_column(ROLLUP_SHEET, 0)
        n_op = len(OPERATING_COSTS.fields)
        op_amount = whole_column(OPERATING_COSTS.sheet, n_op)
        op_ms = whole_column(OPERATING_COSTS.sheet, OPERATING_COSTS.column_index("milestone"))
        rv_amount = whole_column(REVENUES.sheet, REVENUES.column_index("amount"))
        rv_ms = whole_column(REVENUES.sheet, REVENUES.column_index("milestone"))
        L = {k: column_letter(i) for k, i in SCOL.items()}
        first, last = SUMMARY_HEADER_ROW + 2, self.total_row  # 1-based data rows
        ms_sheet = F.sheet_ref(MILESTONES.sheet)
        for m in self.timeline.tolist():
            row = self.summary_row[int(ms.ids[m])]
            x = str(row + 1)
            src = str(m + 2)  # the milestone's row on its own sheet
            code = str(ms.column("code")[m])
            self.formula(ws, sheet, row, SCOL["code"], f"={ms_sheet}!{ms_col['code']}{src}", text_fmt, code)
            self.formula(ws, sheet, row, SCOL["name"], f"={ms_sheet}!{ms_col['name']}{src}", text_fmt,
                         str(ms.column("name")[m]))
            for key, fname in (("start", "start_month"), ("end", "end_month"), ("users", "target_users")):
                cell = f"{ms_sheet}!{ms_col[fname]}{src}"
                self.formula(ws, sheet, row, SCOL[key], f'=IF({cell}="","",{cell})', int_fmt,
                             ms.column(fname)[m])
            crit = criterion(f"$A{x}", code)
            for key, rk in (("low", "est_low"), ("mid", "est_mid"), ("high", "est_high"), ("bottom_up", "bu_mid")):
                self.formula(ws, sheet, row, SCOL[key], f"=SUMIFS({rollup[rk]},{rollup_ms},{crit})", fmt[key],
                             r.total[key][m])
            mid, bu = r.total["mid"][m], r.total["bottom_up"][m]
            self.formula(ws, sheet, row, SCOL["variance"],
                         f'=IF({L["bottom_up"]}{x}=0,"",{L["mid"]}{x}/{L["bottom_up"]}{x}-1)', fmt["variance"],
                         mid / bu - 1 if bu != 0 else math.nan)
            rng = {k: f"${L[k]}${first}:${L[k]}${last}" for k in ("start", "end", "mid")}
            earlier = (f"({rng['start']}<{L['start']}{x})+({rng['start']}={L['start']}{x})*({rng['end']}<{L['end']}{x})"
                       f"+({rng['start']}={L['start']}{x})*({rng['end']}={L['end']}{x})*(ROW({rng['start']})<=ROW())")
            self.formula(ws, sheet, row, SCOL["cumulative"], f"=SUMPRODUCT(({earlier})*{rng['mid']})",
                         fmt["cumulative"], r.cumulative["mid"][m])
            self.formula(ws, sheet, row, SCOL["operating"], f"=SUMIFS({op_amount},{op_ms},{crit})", fmt["operating"],
                         r.operating[m])
            self.formula(ws, sheet, row, SCOL["revenue"], f"=SUMIFS({rv_amount},{rv_ms},{crit})", fmt["revenue"],
                         r.revenue[m])
            self.formula(ws, sheet, row, SCOL["net"], f"={L['operating']}{x}-{L['revenue']}{x}", fmt["net"],
                         r.net_operating[m])
            self.formula(ws, sheet, row, SCOL["cost_per_user"],
                         f'=IF(N({L["users"]}{x})>0,{L["net"]}{x}/{L["users"]}{x},"")', fmt["cost_per_user"],
                         r.cost_per_user[m])
        # totals
        tr = self.total_row
        ws.write_string(tr, 0, "Total", st.get("total_label"))
        for c in range(1, len(SUMMARY_COLUMNS)):
            ws.write_blank(tr, c, None, st.get("total_label"))
        tfmt = st.get("total", money)
        for key in ("low", "mid", "high", "bottom_up"):
            expr = f"=SUM({L[key]}{first}:{L[key]}{last})" if self.n_ms else "=0"
            self.formula(ws, sheet, tr, SCOL[key], expr, tfmt, r.totals[key])
        tmid, tbu = r.totals["mid"], r.totals["bottom_up"]
        self.formula(ws, sheet, tr, SCOL["variance"],
                     f'=IF({L["bottom_up"]}{tr + 1}=0,"",{L["mid"]}{tr + 1}/{L["bottom_up"]}{tr + 1}-1)',
                     st.get("total", "0.0%"), tmid / tbu - 1 if tbu != 0 else math.nan)

        # widths
        ws.set_column(0, 0, text_width(list(ms.column("code")) + [f.cell for f in self.findings], "Milestone", 22))
        ws.set_column(1, 1, text_width(ms.column("name"), "Name", 40))
        ws.set_column(2, 3, 8)
        ws.set_column(4, 4, number_width(ms.column("target_users"), "Target users", 0))
        prefix = currency_prefix(s.currency)
        for key in ("low", "mid", "high", "bottom_up", "cumulative"):
            vals = np.concatenate([r.total[key if key != "cumulative" else "mid"], [r.totals["high"]]])
            ws.set_column(SCOL[key], SCOL[key], number_width(vals, SUMMARY_HEADERS[SCOL[key]], 0, prefix))
        ws.set_column(SCOL["variance"], SCOL["variance"], 10)
        for key in ("operating", "revenue", "net"):
            ws.set_column(SCOL[key], SCOL[key], number_width(np.concatenate([r.operating, r.revenue]),
                                                             "Operating cost", 0, prefix))
        ws.set_column(SCOL["cost_per_user"], SCOL["cost_per_user"], 12)
        ws.freeze_panes(SUMMARY_HEADER_ROW + 1, 1)

        chart_row = tr + 2
        chart_rows = self._charts(ws, chart_row) if self.n_ms else 0
        end = self._audit_block(ws, chart_row + chart_rows + 1)
        # no repeated header: below the milestone table come the charts and the audit's own table
        self._page(ws, sheet, f"A1:{column_letter(len(SUMMARY_COLUMNS) - 1)}{end}", header_rows=None)

    def _charts(self, ws, row: int) -> int:  # noqa: ANN001
        """Cost per user (line) and cumulative build cost (line) per milestone; returns the
        number of rows they cover."""
        first, last = SUMMARY_HEADER_ROW + 1, self.total_row - 1  # 0-based data rows
        cats = [SUMMARY_SHEET, first, SCOL["code"], last, SCOL["code"]]
        currency = self.plan.settings.currency
        prefix = currency_prefix(currency).replace('"', "")
        cpu = self.wb.add_chart({"type": "line"})
        cpu.add_series({"name": "Cost per user / month", "categories": cats,
                        "values": [SUMMARY_SHEET, first, SCOL["cost_per_user"], last, SCOL["cost_per_user"]],
                        "marker": {"type": "circle", "size": 6}, "line": {"width": 2.25, "color": "#1A4FA0"},
                        "data_labels": {"value": True, "position": "above", "num_format": f'"{prefix}"#,##0.00##',
                                        "font": {"size": 8, "color": "#5B6572"}}})
        cpu.set_title({"name": f"Cost per user per month ({currency})", "name_font": {"size": 12}})
        cpu.set_x_axis({"name": "Milestone (in time order)", "name_font": {"size": 9, "bold": False},
                        "label_position": "low"})
        cpu.set_y_axis({"name": f"{currency} per user per month", "num_format": f'"{prefix}"#,##0.00',
                        "name_font": {"size": 9, "bold": False}, "major_gridlines": {"visible": True,
                                                                                     "line": {"color": "#E3E7EC"}}})
        cpu.set_legend({"none": True})
        cpu.set_chartarea({"border": {"color": "#C9D1DB"}})
        cpu.show_blanks_as("gap")
        cpu.set_size({"width": 620, "height": 300})
        ws.insert_chart(row, 0, cpu, {"x_offset": 4, "y_offset": 4})

        cum = self.wb.add_chart({"type": "column"})
        cum.add_series({"name": "Mid build cost", "categories": cats,
                        "values": [SUMMARY_SHEET, first, SCOL["mid"], last, SCOL["mid"]],
                        "fill": {"color": "#9DB7D5"}, "gap": 60})
        line = self.wb.add_chart({"type": "line"})
        line.add_series({"name": "Cumulative mid", "categories": cats,
                         "values": [SUMMARY_SHEET, first, SCOL["cumulative"], last, SCOL["cumulative"]],
                         "marker": {"type": "diamond", "size": 6}, "line": {"width": 2.25, "color": "#1F3B57"}})
        cum.combine(line)
        cum.set_title({"name": f"Build cost per milestone and cumulative ({currency}, mid)",
                       "name_font": {"size": 12}})
        cum.set_x_axis({"name": "Milestone (in time order)", "name_font": {"size": 9, "bold": False}})
        cum.set_y_axis({"name": currency, "num_format": f'"{prefix}"#,##0,"K"',
                        "name_font": {"size": 9, "bold": False},
                        "major_gridlines": {"visible": True, "line": {"color": "#E3E7EC"}}})
        cum.set_legend({"position": "bottom"})
        cum.set_chartarea({"border": {"color": "#C9D1DB"}})
        cum.set_size({"width": 620, "height": 300})
        ws.insert_chart(row, SCOL["bottom_up"], cum, {"x_offset": 4, "y_offset": 4})
        return 16

    def _audit_block(self, ws, row: int) -> int:  # noqa: ANN001
        """The audit's findings: each stated figure beside its live recomputation. Returns the
        1-based last row used."""
        st = self.st
        n = len(self.findings)
        ws.write_string(row, 0, f"Audit: {n} stated figure{'s' * (n != 1)} the inputs do not reproduce"
                        if n else "Audit: every stated figure matches its recomputation", st.get("section"))
        ws.write_string(row + 1, 0, "Figures the source document prints, against what its own inputs give "
                                    "(printed rounding is not a finding). Computed and Difference are live; the "
                                    "explanation is as of export.", st.get("note", text_wrap=False))
        if not n:
            return row + 2
        head = row + 3
        heads = {0: "Cell", 1: "Where", 5: "Stated", 6: "Computed", 7: "Difference", 8: "Explanation"}
        for c in range(len(SUMMARY_COLUMNS)):
            ws.write_string(head, c, heads.get(c, ""), st.get("header" if c < 6 else "header_formula"))
        computed_col = self._computed_cells()
        money = st.money(*money_decimals(np.asarray([f.stated for f in self.findings])))
        for i, f in enumerate(self.findings):
            r = head + 1 + i
            sheet, _, addr = f.cell.partition("!")
            if addr:
                ws.write_url(r, 0, f"internal:{F.sheet_ref(sheet)}!{addr}", st.get("link"), string=f.cell)
            else:
                ws.write_string(r, 0, f.cell, st.get("static"))
            ws.merge_range(r, 1, r, 4, f.where, st.get("static"))
            fmt_num = st.money(2, 2) if abs(f.stated) < 1 and f.stated != 0 else money
            months = f.field == "months"
            num = st.get("static", "#,##0.##" if months else fmt_num)
            ws.write_number(r, 5, f.stated, num)
            target = computed_col.get((f.table, f.field))
            x = str(r + 1)
            if target and not months:
                t = self.plan.tables[f.table]
                src = f"{F.sheet_ref(target[0])}!{target[1]}{t.position(f.row_id) + 2}"
                self.formula(ws, SUMMARY_SHEET, r, 6, f'=IF({src}="","",{src})', st.get("formula", fmt_num),
                             f.computed)
                self.formula(ws, SUMMARY_SHEET, r, 7, f'=IF(G{x}="","",G{x}-F{x})', st.get("formula", fmt_num),
                             f.difference)
            else:
                for c, v in ((6, f.computed), (7, f.difference)):
                    if math.isnan(v):
                        ws.write_blank(r, c, None, num)
                    else:
                        ws.write_number(r, c, v, num)
            ws.merge_range(r, 8, r, len(SUMMARY_COLUMNS) - 1, f.message, st.get("static", text_wrap=True))
            lines = max(1, math.ceil(len(f.message) / 105))
            ws.set_row(r, 13.5 * lines + 2)
        return head + 1 + n

    def _computed_cells(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(table, stated field) -> (sheet, column letter) of the computed figure it is audited
        against."""
        out = {}
        for spec, key in ((ALLOCATIONS, "cost"), (BUILD_ITEMS, "cost"), (OPERATING_COSTS, "monthly_cost")):
            keys = [d.key for d in F.derived_columns(spec, self.plan)]
            out[(spec.name, "stated_cost")] = (spec.sheet, column_letter(len(spec.fields) + keys.index(key)))
        sf = next(s for s in ALL_TABLES if s.name == "stated_figures")
        out[("stated_figures", "value")] = (sf.sheet, column_letter(len(sf.fields)))
        return out

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


def export_workbook(plan: Plan, path: str | os.PathLike, result: PlanResult | None = None,
                    findings: list[Finding] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ExportInfo:
    """Write ``plan`` to the .xlsx file ``path`` (replaced atomically: a temp file beside it,
    then a rename). ``result`` / ``findings`` reuse a computation already made.
    ``progress(done, total)`` is called after each sheet and after saving (for a progress bar).

    Returns an :class:`ExportInfo`. Raises ``OSError`` when the file cannot be written.
    """
    path = Path(path)
    result = result or compute(plan)
    findings = audit(plan, result) if findings is None else findings
    order = sheet_order()
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
        total = len(order) + 1  # every sheet, then saving the file
        writer.summary_sheet(sheets[SUMMARY_SHEET])
        writer.plan_sheet(sheets[PLAN_SHEET])
        writer.tick(2, total)
        for i, spec in enumerate(ALL_TABLES):
            writer.grid_sheet(sheets[spec.sheet], spec)
            if not len(plan.tables[spec.name]):
                sheets[spec.sheet].hide()  # nothing to read or print; unhide it to add rows
            writer.tick(3 + i, total)
        writer.rollup_sheet(sheets[ROLLUP_SHEET])
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


__all__ = ["ExportInfo", "ROW_ID", "SUMMARY_HEADER_ROW", "export_workbook", "sheet_order"]
