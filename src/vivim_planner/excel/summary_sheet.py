"""The *Summary* sheet: per period (milestone) the build bands, cumulative, monthly operating
cost, revenue and cost per user as live formulas, totals and two native charts."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import numpy as np

from .. import __version__
from ..domain import ALL_TABLES, column_letter
from ..domain.currency import currency_prefix
from ..domain.schema import MILESTONES
from . import formulas as F
from .formulas import CURRENCY_NAME, HOURS_NAME, PLAN_NAME, ROLLUP_SHEET, criterion, whole_column
from .styles import money_decimals, number_width, text_width
from ..engine.periods import periods as plan_periods
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
        growth_plan = not self.n_ms and self.n_periods
        for c, h in enumerate(SUMMARY_HEADERS):
            if growth_plan and c in (SCOL["code"], SCOL["name"], SCOL["users"]):
                h = {SCOL["code"]: "Period", SCOL["name"]: "Growth step", SCOL["users"]: "Active users"}[c]
            ws.write_string(SUMMARY_HEADER_ROW, c, h, st.get("header" if c < 5 else "header_formula"))
        ws.set_row(SUMMARY_HEADER_ROW, 30)

        money = st.money(*money_decimals(np.concatenate([r.total[k] for k in r.total] + [np.zeros(1)])))
        ops_money = st.money(*money_decimals(np.concatenate([r.operating, r.revenue, np.zeros(1)])))
        fmt = {k: st.get("formula", money) for k in ("low", "mid", "high", "bottom_up", "cumulative")}
        fmt.update({k: st.get("formula", ops_money) for k in ("operating", "revenue", "net")})
        fmt["cost_per_user"] = st.get("formula", st.money(2, 2))
        fmt["variance"] = st.get("formula", "0.0%")
        fmt["month"] = st.get("formula", "0")
        text_fmt = st.get("formula", "@")
        int_fmt = st.get("formula", "#,##0")
        ms_col = {f.name: column_letter(i) for i, f in enumerate(MILESTONES.fields)}
        rollup = {k: whole_column(ROLLUP_SHEET, F.ROLLUP_COLUMNS.index(k)) for k in
                  ("est_low", "est_mid", "est_high", "bu_mid")}
        rollup_ms = whole_column(ROLLUP_SHEET, 0)
        L = {k: column_letter(i) for k, i in SCOL.items()}
        first, last = SUMMARY_HEADER_ROW + 2, self.total_row  # 1-based data rows
        ms_sheet = F.sheet_ref(MILESTONES.sheet)
        periods = {p.row_id: p for p in plan_periods(plan, self.tl, r)}
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
            self._monthly(ws, row, periods[int(ms.ids[m])], fmt, f"ROW({ms_sheet}!$A${src})",
                          f"{ms_sheet}!${ms_col['start_month']}${src}")
        if not self.n_ms:
            self._growth_rows(ws, periods, fmt, text_fmt, int_fmt)
        # totals
        tr = self.total_row
        ws.write_string(tr, 0, "Total", st.get("total_label"))
        for c in range(1, len(SUMMARY_COLUMNS)):
            ws.write_blank(tr, c, None, st.get("total_label"))
        tfmt = st.get("total", money)
        for key in ("low", "mid", "high", "bottom_up"):
            expr = f"=SUM({L[key]}{first}:{L[key]}{last})" if self.n_periods else "=0"
            self.formula(ws, sheet, tr, SCOL[key], expr, tfmt, r.totals[key])
        tmid, tbu = r.totals["mid"], r.totals["bottom_up"]
        self.formula(ws, sheet, tr, SCOL["variance"],
                     f'=IF({L["bottom_up"]}{tr + 1}=0,"",{L["mid"]}{tr + 1}/{L["bottom_up"]}{tr + 1}-1)',
                     st.get("total", "0.0%"), tmid / tbu - 1 if tbu != 0 else math.nan)

        # widths
        ws.set_column(0, 0, text_width(list(ms.column("code")) + [f.cell for f in self.findings], "Milestone", 22))
        names = list(ms.column("name")) if self.n_ms else list(self.plan.tables["growth"].column("name"))
        ws.set_column(1, 1, text_width(names, "Name", 40))
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
        ws.set_column(SCOL["month"], SCOL["month"], 9)
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

    def _timeline_at(self, key: str, month: str) -> str:
        """The Timeline row ``key`` in the month whose number is in cell ``month`` ("" outside)."""
        from .timeline_sheet import FIRST_MONTH_COL, TIMELINE_SHEET

        r = self.timeline_rows[key] + 1
        a, b = column_letter(FIRST_MONTH_COL), column_letter(FIRST_MONTH_COL + self.tl.horizon - 1)
        return f'IFERROR(INDEX({TIMELINE_SHEET}!${a}${r}:${b}${r},{month}),"")'

    def _monthly(self, ws, row: int, p, fmt: dict, ms_row: str | None, start: str) -> None:  # noqa: ANN001
        """A period's month and the Timeline's users, operating cost, revenue, net cost and cost
        per user in it (``ms_row``: the formula of the milestone's sheet row, or None for a
        growth step, whose month is its start)."""
        from .timeline_sheet import FIRST_MONTH_COL, TIMELINE_SHEET

        L = {k: column_letter(i) for k, i in SCOL.items()}
        x = str(row + 1)
        sheet = SUMMARY_SHEET
        if not self.tl.horizon or not self.timeline_rows:
            for key in ("operating", "revenue", "net", "cost_per_user", "month"):
                ws.write_blank(row, SCOL[key], None, fmt.get(key, fmt["operating"]))
            return
        mrow = self.timeline_rows["ms_row"] + 1 if ms_row else 0
        a, b = column_letter(FIRST_MONTH_COL), column_letter(FIRST_MONTH_COL + self.tl.horizon - 1)
        month = (f"=IFERROR(MATCH({ms_row},{TIMELINE_SHEET}!${a}${mrow}:${b}${mrow},0),{start})" if ms_row
                 else f"={start}")
        self.formula(ws, sheet, row, SCOL["month"], month, fmt["month"], float(p.month) if p.month else "")
        m = f"{L['month']}{x}"
        self.formula(ws, sheet, row, SCOL["operating"], "=" + self._timeline_at("operating_cost", m),
                     fmt["operating"], p.operating)
        self.formula(ws, sheet, row, SCOL["revenue"], "=" + self._timeline_at("revenue", m), fmt["revenue"], p.revenue)
        op, rv = f"{L['operating']}{x}", f"{L['revenue']}{x}"
        self.formula(ws, sheet, row, SCOL["net"], f'=IF(OR({op}="",{rv}=""),"",{op}-{rv})', fmt["net"], p.net)
        users = self._timeline_at("users", m)
        self.formula(ws, sheet, row, SCOL["cost_per_user"],
                     f'=IF(N({users})>0,IFERROR({L["net"]}{x}/{users},""),"")',
                     fmt["cost_per_user"], p.cost_per_user)

    def _growth_rows(self, ws, periods: dict, fmt: dict, text_fmt, int_fmt) -> None:  # noqa: ANN001
        """A plan without milestones: one Summary row per growth step in time order (its name,
        first and last month, users; no build cost), its monthly figures the Timeline's."""
        from ..domain.economics_schema import GROWTH
        sheet = SUMMARY_SHEET
        g_sheet = F.sheet_ref(GROWTH.sheet)
        keys = [d.key for d in F.derived_columns(GROWTH, self.plan)]
        first_col = column_letter(len(GROWTH.fields) + keys.index("first_month"))
        users_col = column_letter(len(GROWTH.fields) + keys.index("users_used"))
        steps = [periods[int(self.plan.tables["growth"].ids[k])] for k in self.tl.step_order]
        for i, (k, p) in enumerate(zip(self.tl.step_order, steps)):
            row = SUMMARY_HEADER_ROW + 1 + i
            src = str(k + 2)
            ws.write_string(row, SCOL["code"], "", text_fmt)
            self.formula(ws, sheet, row, SCOL["name"], f"={g_sheet}!$A${src}", text_fmt, p.name)
            self.formula(ws, sheet, row, SCOL["start"], f"={g_sheet}!${first_col}${src}", int_fmt, p.start_month)
            nxt = f"{column_letter(SCOL['start'])}{row + 2}-1" if i + 1 < len(steps) else str(self.tl.horizon)
            self.formula(ws, sheet, row, SCOL["end"], f"={nxt}", int_fmt, p.end_month)
            self.formula(ws, sheet, row, SCOL["users"], f"={g_sheet}!${users_col}${src}", int_fmt,
                         float(self._growth_users(k)))
            for key in ("low", "mid", "high", "bottom_up", "cumulative"):
                ws.write_number(row, SCOL[key], 0.0, fmt[key])
            ws.write_blank(row, SCOL["variance"], None, fmt["variance"])
            self._monthly(ws, row, p, fmt, None, f"{column_letter(SCOL['start'])}{row + 1}")

    def _growth_users(self, k: int) -> float:
        from .helper_columns import growth_helpers

        d = next(d for d in growth_helpers(self.plan) if d.key == "users_used")
        return float(d.values(self.plan, self.r)[k])
