"""The *Summary* sheet: per period (milestone) the build bands, cumulative, monthly operating
cost, revenue and cost per user as live formulas, totals and two native charts."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import numpy as np

from .. import __version__
from ..domain import ALL_TABLES, column_letter
from ..domain.currency import currency_prefix
from ..domain.schema import MILESTONES, OPERATING_COSTS, REVENUES
from . import formulas as F
from .formulas import CURRENCY_NAME, HOURS_NAME, PLAN_NAME, ROLLUP_SHEET, criterion, whole_column
from .styles import money_decimals, number_width, text_width
from .base import SCOL, SUMMARY_COLUMNS, SUMMARY_HEADERS, SUMMARY_HEADER_ROW, SUMMARY_SHEET, WriterBase, _excel_number_text


class SummaryMixin(WriterBase):
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

