"""The *Checks* sheet (FAST standard): each reconciliation of the workbook's own figures as two
live formulas that should agree, their difference (rounded to a millionth) and ``OK`` or
``DIFFERS``, red when it differs. A check whose figures the plan does not have is left out.

Checks, where they apply: team lines (sheet Team) = the Timeline's team cost; each milestone's
mid build estimate (sheet Milestones) = the roll-up's estimates = the Summary's total = the
Timeline's build spend; operating lines (sheet Operations) = the milestones' operating lines;
the paid tiers' shares of a paying subscriber add up to 100%; subscriptions per tier = paying
subscribers x the price per paying subscriber; cash at the end of the Timeline = the sum of its net cash flows.
"""

from __future__ import annotations

import numpy as np

from ..domain import column_letter
from ..domain.schema import ALLOCATIONS, MILESTONES, OPERATING_COSTS
from . import formulas as F
from .base import SCOL, SUMMARY_SHEET, WriterBase

CHECKS_SHEET = "Checks"
TOLERANCE = 1e-9
"""Relative difference below which two figures agree (float64 sums in another order)."""


class ChecksMixin(WriterBase):
    """Writes :data:`CHECKS_SHEET`; needs the Timeline, Summary and grids written first."""

    def _row_sum(self, key: str) -> str:
        from .timeline_sheet import FIRST_MONTH_COL, TIMELINE_SHEET

        r = self.timeline_rows[key] + 1
        a, b = column_letter(FIRST_MONTH_COL), column_letter(FIRST_MONTH_COL + self.tl.horizon - 1)
        return f"SUM({TIMELINE_SHEET}!${a}${r}:${b}${r})", f"{TIMELINE_SHEET}!${b}${r}"

    def checks(self) -> list[tuple[str, str, float, str, float]]:
        """(what, left formula, its value, right formula, its value) of every check that applies."""
        plan, r, tl = self.plan, self.r, self.tl
        out = []
        derived = [d.key for d in F.derived_columns(ALLOCATIONS, plan)]
        team_cost = F.whole_column(ALLOCATIONS.sheet, len(ALLOCATIONS.fields) + derived.index("cost"))
        have_tl = bool(tl.horizon and self.timeline_rows)
        if have_tl and len(plan.allocations):
            out.append(("Team lines (sheet Team) = the Timeline's team cost", f"=SUM({team_cost})",
                        float(np.nansum(r.allocation_cost)), "=" + self._row_sum("team_cost")[0],
                        float(tl.team_cost.sum())))
        if len(plan.milestones):
            ms_keys = [d.key for d in F.derived_columns(MILESTONES, plan)]
            ms_build = F.whole_column(MILESTONES.sheet, len(MILESTONES.fields) + ms_keys.index("build_mid"))
            ms_ops = F.whole_column(MILESTONES.sheet, len(MILESTONES.fields) + ms_keys.index("operating"))
            est = F.whole_column(F.ROLLUP_SHEET, F.ROLLUP_COLUMNS.index("est_mid"))
            total = f"={SUMMARY_SHEET}!${column_letter(SCOL['mid'])}${self.total_row + 1}"
            mids = float(np.nansum(r.total["mid"]))
            out.append(("Milestones' build (mid) = the roll-up's mid estimates", f"=SUM({ms_build})", mids,
                        f"=SUM({est})", float(np.nansum(r.estimate["mid"][r.present])) if r.present.size else 0.0))
            out.append(("Roll-up's mid estimates = the Summary's total (mid)", f"=SUM({est})",
                        float(np.nansum(r.estimate["mid"][r.present])) if r.present.size else 0.0, total,
                        float(r.totals["mid"])))
            if have_tl:
                out.append(("Summary's total (mid) = the Timeline's build spend", total, float(r.totals["mid"]),
                            "=" + self._row_sum("build_cost")[0], float(tl.build_spend.sum())))
            op_cost = F.whole_column(OPERATING_COSTS.sheet, len(OPERATING_COSTS.fields))
            if len(plan.operating_costs):
                out.append(("Operating lines (sheet Operations) = the milestones' operating lines",
                            f"=SUM({op_cost})", float(np.nansum(r.operating_amount)), f"=SUM({ms_ops})",
                            float(np.nansum(r.operating))))
        paid = [int(i) for i in tl.mix.tiers]
        if paid:
            from ..domain.economics_schema import PRICING_TIERS

            keys = [d.key for d in F.derived_columns(PRICING_TIERS, plan)]
            weight = F.whole_column(PRICING_TIERS.sheet, len(PRICING_TIERS.fields) + keys.index("weight"))
            price = F.whole_column(PRICING_TIERS.sheet, len(PRICING_TIERS.fields) + keys.index("price_used"))
            out.append(("Paid tiers' shares of a paying subscriber add up to 100%", f"=SUM({weight})",
                        float(np.sum(tl.mix.weights)), f'=IF(COUNTIFS({price},">0")>0,1,0)', 1.0))
            if have_tl:
                subs = [self._row_sum(f"sub:{t}")[0] for t in paid]
                out.append(("Subscriptions per tier = paying subscribers x price per paying subscriber",
                            "=" + "+".join(subs), float(tl.subscription_by_tier[paid].sum()),
                            f"={self._row_sum('paying')[0]}*{self.timeline_consts['mix_price']}",
                            float(tl.paying.sum() * tl.mix.price)))
        if have_tl:
            total_net, last_cash = self._row_sum("net")[0], self._row_sum("cash")[1]
            out.append(("Cash at the end of the Timeline = the sum of its net cash flows", f"={last_cash}",
                        float(tl.cash[-1]), "=" + total_net, float(tl.net_cash_flow.sum())))
        return out

    def checks_sheet(self, ws) -> int:  # noqa: ANN001
        """Write the checks; returns how many there are."""
        st, sheet = self.st, CHECKS_SHEET
        ws.write_string(0, 0, "Checks: the workbook reconciles with itself", st.get("title"))
        ws.write_string(1, 0, "Each line computes one figure two ways. OK when they agree (to a billionth); "
                              "after an edit, a red DIFFERS shows where the model no longer adds up.",
                        st.get("subtitle"))
        heads = ("Check", "Figure", "Same figure, other way", "Difference", "Status")
        for c, h in enumerate(heads):
            ws.write_string(3, c, h, st.get("header" if c == 0 else "header_formula"))
        money = st.get("formula", st.money(2))
        rows = self.checks()
        for i, (what, left, lv, right, rv) in enumerate(rows):
            row, x = 4 + i, str(5 + i)
            ws.write_string(row, 0, what, st.get("static", "@"))
            self.formula(ws, sheet, row, 1, left, money, lv)
            self.formula(ws, sheet, row, 2, right, money, rv)
            diff = round(lv - rv, 6)
            self.formula(ws, sheet, row, 3, f"=ROUND(B{x}-C{x},6)", money, diff + 0.0)
            ok = abs(diff) <= TOLERANCE * max(1.0, abs(lv), abs(rv))
            self.formula(ws, sheet, row, 4, f'=IF(ABS(D{x})<={TOLERANCE!r}*MAX(1,ABS(B{x}),ABS(C{x})),"OK","DIFFERS")',
                         st.get("formula", "@"), "OK" if ok else "DIFFERS")
        if rows:
            ws.conditional_format(4, 4, 3 + len(rows), 4, {"type": "cell", "criteria": "==", "value": '"DIFFERS"',
                                                          "format": st.get("flag")})
        ws.set_column(0, 0, 66)
        ws.set_column(1, 3, 18)
        ws.set_column(4, 4, 10)
        self._page(ws, sheet, f"A1:E{4 + len(rows)}", header_rows=3)
        return len(rows)
