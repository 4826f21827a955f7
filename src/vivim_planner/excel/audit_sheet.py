"""The audit in the workbook: beside each stated figure its live recomputation and difference
(sheet *Stated figures*), and the findings block on the Summary."""

from __future__ import annotations

import math

import numpy as np

from ..domain import ALL_TABLES, column_letter
from ..domain.currency import currency_prefix
from ..domain.schema import ALLOCATIONS, BUILD_ITEMS, OPERATING_COSTS
from ..domain.table import TableSpec
from ..engine import category_key, metric_values
from . import formulas as F
from .formulas import criterion, whole_column
from .styles import decimals_needed, money_decimals, number_format, number_width
from .base import SCOL, SUMMARY_COLUMNS, SUMMARY_HEADER_ROW, SUMMARY_SHEET, WriterBase


class AuditMixin(WriterBase):
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
            dec_cell = f"{column_letter(spec.column_index('decimals'))}{r}"
            diff_cell = f"{column_letter(c0 + 1)}{r}"
            ok = (f"ABS({diff_cell})<=0.5*10^(-N({dec_cell}))*(1+1E-9)+1E-9*ABS({comp_col}{r})")
            text = (f'=IF({comp_col}{r}="","",IF({ok},"matches","the inputs give "&ROUND({comp_col}{r},4)'
                    f'&", the source states "&{val_col}{r}))')
            self.formula(ws, spec.sheet, p + 1, c0 + 2, text, st.get("formula", "@"),
                         _verdict(computed, float(row["value"]), row["decimals"]))
            message = flagged_groups.get(self._group_key(row))
            if message:
                ws.write_comment(p + 1, c0 + 2, f"At export: {message}", {"visible": False, "x_scale": 2})
        if len(sf):
            col = spec.column_index("value")
            dec, diff = column_letter(spec.column_index("decimals")), column_letter(c0 + 1)
            rule = (f"=AND(ISNUMBER(${diff}2),ABS(${diff}2)>0.5*10^(-N(${dec}2))*(1+1E-9)"
                    f"+1E-9*ABS(N(${comp_col}2)))")
            ws.conditional_format(1, col, len(sf), col, {"type": "formula", "criteria": rule,
                                                        "format": st.get("flag")})
            ws.conditional_format(1, c0 + 2, len(sf), c0 + 2, {"type": "formula", "criteria": rule.replace(
                f"${diff}2", f"${diff}2"), "format": st.get("flag")})
        arr = np.asarray([values.get((r["metric"], int(r["milestone"] or 0),
                                      category_key(r["category"]) if r["category"] else "", r["bound"]), math.nan)
                          for r in sf.rows()], dtype=np.float64)
        prefix = currency_prefix(plan.settings.currency)
        ws.set_column(c0, c0 + 1, number_width(arr, "Difference", 2, prefix))
        ws.set_column(c0 + 2, c0 + 2, 70)
        if len(sf):
            ws.write_comment(0, c0 + 2, "Live: the stated figure against its recomputation, within half of "
                                        "its last printed digit; the audit's explanation at export is the note.",
                             {"visible": False})

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


    def _audit_block(self, ws, row: int) -> int:  # noqa: ANN001
        """The audit's findings: each stated figure beside its live recomputation. Returns the
        1-based last row used."""
        st = self.st
        n = len(self.findings)
        if not n:
            ws.write_string(row, 0, "Audit: every stated figure matches its recomputation", st.get("section"))
        ws.write_string(row + 1, 0, "Figures the source document prints, against what its own inputs give "
                                    "(printed rounding is not a finding). Computed, Difference, the verdict and the "
                                    "count are live; the audit's explanation at export is each verdict's note.",
                        st.get("note", text_wrap=False))
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
            if addr:  # the stated figure itself, so a fix in its cell reaches the verdict
                stated = f"{F.sheet_ref(sheet)}!{addr}"
                self.formula(ws, SUMMARY_SHEET, r, 5, f"=N({stated})", st.get("formula", "#,##0.##" if months else fmt_num), f.stated)
            else:
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
            still = f"{column_letter(STATUS_COL)}{x}"
            tol = f"(0.005+0.495*(INT(F{x})=F{x}))*(1+1E-9)"
            differs = 1.0 if math.isnan(f.difference) or abs(f.difference) > (
                0.5 if float(f.stated).is_integer() else 0.005) * (1 + 1e-9) else 0.0
            self.formula(ws, SUMMARY_SHEET, r, STATUS_COL, f'=IF(N(G{x})=0,IF(G{x}="",1,IF(ABS(H{x})>{tol},1,0)),'
                                                          f'IF(ABS(H{x})>{tol},1,0))', st.get("formula", "0"), differs)
            ws.merge_range(r, 8, r, STATUS_COL - 1, "", st.get("formula", "@", text_wrap=True))
            self.formula(ws, SUMMARY_SHEET, r, 8, f'=IF({still}=0,"matches now","stated "&F{x}&IF(G{x}="","",'
                                                 f'", the inputs give "&ROUND(G{x},2)))',
                         st.get("formula", "@", text_wrap=True), _summary_verdict(f, differs))
            ws.write_comment(r, 8, f"At export: {f.message}", {"visible": False, "x_scale": 2.5})
        ws.write_string(head, STATUS_COL, "Differs (1)", st.get("header_formula"))
        self.formula(ws, SUMMARY_SHEET, row, 0,
                     f'="Audit: "&SUM({column_letter(STATUS_COL)}{head + 2}:{column_letter(STATUS_COL)}{head + 1 + n})'
                     f'&" of {n} stated figures flagged at export the inputs do not reproduce"', st.get("section"),
                     f"Audit: {int(sum(1 for f in self.findings if _differs(f)))} of {n} stated figures flagged at "
                     f"export the inputs do not reproduce")
        ws.conditional_format(head + 1, 0, head + n, 0, {"type": "formula", "criteria": f"=${column_letter(STATUS_COL)}{head + 2}=1",
                                                        "format": st.get("flag")})
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


STATUS_COL = len(SUMMARY_COLUMNS) - 1
"""Summary column of each finding's live verdict (1: still differs)."""


def _excel_round(x: float, digits: int) -> float:
    """Excel's ROUND: half away from zero, on the number's shortest decimal form."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _text(x: float) -> str:
    """A number joined to text with ``&`` (General: up to 15 significant digits)."""
    return f"{x:.15g}"


def _verdict(computed: float, stated: float, decimals: float) -> str:
    """The Stated figures sheet's live verdict, as its formula computes it."""
    if math.isnan(computed):
        return ""
    d = 0.0 if math.isnan(decimals) else float(decimals)
    if abs(computed - stated) <= 0.5 * 10 ** (-d) * (1 + 1e-9) + 1e-9 * abs(computed):
        return "matches"
    return f"the inputs give {_text(_excel_round(computed, 4))}, the source states {_text(stated)}"


def _differs(f) -> bool:  # noqa: ANN001 - Finding
    return math.isnan(f.difference) or abs(f.difference) > (0.5 if float(f.stated).is_integer() else 0.005) * (1 + 1e-9)


def _summary_verdict(f, differs: float) -> str:  # noqa: ANN001 - Finding
    if not differs:
        return "matches now"
    computed = "" if math.isnan(f.computed) else f", the inputs give {_text(_excel_round(f.computed, 2))}"
    return f"stated {_text(f.stated)}{computed}"
