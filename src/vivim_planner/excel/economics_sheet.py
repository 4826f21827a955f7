"""The *Economics* sheet: unit economics and cash read off the Timeline, as formulas (the rules
of :mod:`vivim_planner.engine.economics`): the paying subscriber's price, fees, cost and
contribution (the tiers' mix; each tier's margin is on sheet Pricing), the fixed monthly cost
(operating lines at launch + the usage model at zero users), break-even subscribers
(ROUNDUP(fixed cost / contribution)), the operating and cash-flow break-even months, runway,
each period's month (users, revenue, fees, cost, profit, margin) and the dividend pool.
Money in the plan's currency per month.
"""

from __future__ import annotations

import math

import numpy as np

from ..domain import column_letter
from ..domain.economics_schema import DIVIDEND_POLICIES, PRICING_TIERS
from ..domain.schema import MILESTONES
from ..engine.economics import economics
from . import formulas as F
from .base import SCOL, SUMMARY_HEADER_ROW, SUMMARY_SHEET, WriterBase

ECONOMICS_SHEET = "Economics"
NEVER = 1e9
"""Stands for "no such month" inside MIN over the months."""


class EconomicsMixin(WriterBase):
    """Writes :data:`ECONOMICS_SHEET`; needs the Timeline and the Summary written first."""

    def _tl_row(self, key: str) -> str:
        from .timeline_sheet import FIRST_MONTH_COL, TIMELINE_SHEET

        r = self.timeline_rows[key] + 1
        a, b = column_letter(FIRST_MONTH_COL), column_letter(FIRST_MONTH_COL + self.tl.horizon - 1)
        return f"{TIMELINE_SHEET}!${a}${r}:${b}${r}"

    def economics_sheet(self, ws) -> None:  # noqa: ANN001
        from .timeline_sheet import MONTH_ROW

        st, plan, tl, sheet = self.st, self.plan, self.tl, ECONOMICS_SHEET
        ec = economics(plan, tl.band, self.r, self.usage, line=tl)
        money, cents = st.get("formula", st.money(0)), st.get("formula", st.money(2, 2))
        ws.write_string(0, 0, f"{plan.settings.name}: unit economics and cash", st.get("title"))
        ws.write_string(1, 0, "Live formulas over sheets Pricing, Timeline and Cost at users; each tier's price, "
                              "fees, cost per user and margin are on sheet Pricing.", st.get("subtitle"))
        months = self._tl_row("users").replace(f"${self.timeline_rows['users'] + 1}", f"${MONTH_ROW + 1}")
        keys = [d.key for d in F.derived_columns(PRICING_TIERS, plan)]
        col = {k: F.whole_column(PRICING_TIERS.sheet, len(PRICING_TIERS.fields) + keys.index(k))
               for k in ("weight", "contribution")}
        users, revenue, profit = self._tl_row("users"), self._tl_row("revenue"), self._tl_row("profit")
        ms_row = self._tl_row("ms_row")
        ms_ops = F.whole_column(MILESTONES.sheet, len(MILESTONES.fields) + [
            d.key for d in F.derived_columns(MILESTONES, plan)].index("operating"))
        lines: list[tuple[str, str, object, object]] = []
        lines.append(("Contribution per paying subscriber (the tiers' mix)",
                      f"=SUMPRODUCT({col['weight']},{col['contribution']})",
                      _num(tl.mix.contribution) if len(tl.mix.tiers) else 0.0, cents))
        launch = f"SUMPRODUCT(MIN(({users}>0)*{months}+({users}<=0)*{NEVER!r}))"
        launch_cell = "B6"
        lines.append(("Launch month (first with users)", f"=IF({launch}>={NEVER!r},1,{launch})",
                      float(int(np.flatnonzero(tl.users > 0)[0]) + 1 if np.any(tl.users > 0) else 1),
                      st.get("formula", "0")))
        at_zero = self._usage_at_zero()
        lines.append(("Fixed monthly cost (operating lines at launch + usage model at 0 users)",
                      f"=IF(INDEX({ms_row},{launch_cell})>0,INDEX({ms_ops},INDEX({ms_row},{launch_cell})),0)"
                      f"+{at_zero[0]}", ec.fixed_monthly_cost, money))
        lines.append(("Break-even subscribers (fixed cost / contribution, rounded up)",
                      '=IF(AND(B5>0,COUNTIFS({0},">0")>0),ROUNDUP(B7/B5-1E-9,0),"")'.format(col["weight"]),
                      float(ec.break_even_subscribers) if ec.break_even_subscribers is not None else "",
                      st.get("formula", "#,##0")))
        ok_op = f"({revenue}>0)*({profit}>=-1E-9)"
        lines.append(("Operating break-even month (revenue covers fees and operating cost)",
                      _first_month(ok_op, months), _month(tl.operating_break_even_month), st.get("formula", "0")))
        ok_cf = f"({revenue}>0)*({self._tl_row('cash_flow')}>=-1E-9)"
        lines.append(("Cash-flow break-even month (revenue covers team and build too)",
                      _first_month(ok_cf, months), _month(tl.cash_flow_break_even_month), st.get("formula", "0")))
        lines.append(("Runway (months the cash covers; empty: never runs out or no capital)",
                      self._runway_formula(months), _num(tl.runway_months) if tl.runway_months is not None else "",
                      st.get("formula", "0.0")))
        for i, (label, formula, value, fmt) in enumerate(lines):
            ws.write_string(4 + i, 0, label, st.get("label"))
            self.formula(ws, sheet, 4 + i, 1, formula, fmt, value)
        row = 4 + len(lines) + 1
        row = self._steps_block(ws, row + 1, ec, money)
        row = self._dividend_block(ws, row + 1, ec, money, months)
        ws.set_column(0, 0, 70)
        ws.set_column(1, 8, 14)
        self._page(ws, sheet, f"A1:I{row}", header_rows=None)

    def _usage_at_zero(self) -> tuple[str, float]:
        if getattr(self, "cau", False):
            from .cost_at_users_sheet import COST_AT_USERS_SHEET

            lay = self.cau_layout()
            zero = lay["users"].index(0.0) if 0.0 in lay["users"] else None
            if zero is not None:
                c = column_letter(lay["cols"]["total"])
                return f"{F.sheet_ref(COST_AT_USERS_SHEET)}!${c}${lay['first'] + zero + 1}", 0.0
        return "0", 0.0

    def _runway_formula(self, months: str) -> str:
        cash, net, cap = self._tl_row("cash"), self._tl_row("net"), self._tl_row("capital_in")
        H = self.tl.horizon
        below = f"SUMPRODUCT(MIN(({cash}<-1E-9)*{months}+({cash}>=-1E-9)*{NEVER!r}))"
        prev = f"IF({below}=1,0,INDEX({cash},{below}-1))"
        flow = f"INDEX({net},{below})"
        inside = f"({below}-1)+IF(AND({flow}<0,{prev}>0),{prev}/-{flow},0)"
        last_cash, last_net = f"INDEX({cash},{H})", f"INDEX({net},{H})"
        after = f'IF({last_net}>=0,"",{H}+{last_cash}/-{last_net})'
        return f'=IF(SUM({cap})>0,IF({below}<{NEVER!r},{inside},{after}),"")'

    def _steps_block(self, ws, row: int, ec, money) -> int:  # noqa: ANN001
        st, sheet = self.st, ECONOMICS_SHEET
        ws.write_string(row, 0, "Each period at its first month (the Summary's rows)", st.get("section"))
        row += 1
        heads = ("Period", "Month", "Users", "Paying", "Revenue", "Fees", "Operating cost", "Profit", "Margin")
        for c, h in enumerate(heads):
            ws.write_string(row, c, h, st.get("header" if c == 0 else "header_formula"))
        row += 1
        by_month = {s.month: s for s in ec.steps}
        for i in range(self.n_periods):
            srow = SUMMARY_HEADER_ROW + 2 + i
            m_cell = f"{SUMMARY_SHEET}!${column_letter(SCOL['month'])}${srow}"
            month = self.info.formula_cells.get(SUMMARY_SHEET, {}).get(f"{column_letter(SCOL['month'])}{srow}", "")
            s = by_month.get(int(month)) if isinstance(month, float) else None
            name = self.info.formula_cells.get(SUMMARY_SHEET, {}).get(f"B{srow}", "")
            code = self.info.formula_cells.get(SUMMARY_SHEET, {}).get(f"A{srow}", "")
            self.formula(ws, sheet, row, 0, f'=TRIM({SUMMARY_SHEET}!$A${srow}&" "&{SUMMARY_SHEET}!$B${srow})',
                         st.get("formula", "@"), f"{code} {name}".strip())
            self.formula(ws, sheet, row, 1, f"={m_cell}", st.get("formula", "0"), month)
            for c, (key, attr) in enumerate((("users", "users"), ("paying", "paying"), ("revenue", "revenue"),
                                             ("fees", "fees"), ("operating_cost", "cost"), ("profit", "profit")),
                                            start=2):
                value = getattr(s, attr) if s is not None else ""
                self.formula(ws, sheet, row, c, f'=IFERROR(INDEX({self._tl_row(key)},B{row + 1}),"")',
                             money if c >= 4 else st.get("formula", "#,##0"), value)
            margin = s.margin if s is not None and not math.isnan(s.margin) else ""
            self.formula(ws, sheet, row, 8, f'=IFERROR(IF(E{row + 1}>0,H{row + 1}/E{row + 1},""),"")',
                         st.get("formula", "0.0%"), margin)
            row += 1
        return row

    def _dividend_block(self, ws, row: int, ec, money, months: str) -> int:  # noqa: ANN001
        plan, st, sheet = self.plan, self.st, ECONOMICS_SHEET
        if not len(plan.tables["dividend_policies"]):
            return row
        ws.write_string(row, 0, f"Dividend pool over the plan (policy {ec.dividend_policy})", st.get("section"))
        d = F.sheet_ref(DIVIDEND_POLICIES.sheet)
        basis = f"{d}!${column_letter(DIVIDEND_POLICIES.column_index('basis'))}$2"
        share = f"N({d}!${column_letter(DIVIDEND_POLICIES.column_index('users_share'))}$2)"
        frm = f"{d}!${column_letter(DIVIDEND_POLICIES.column_index('from_milestone'))}$2"
        ms_code = F.whole_column(MILESTONES.sheet, MILESTONES.column_index("code"))
        ms_start = F.whole_column(MILESTONES.sheet, MILESTONES.column_index("start_month"))
        first = f'IFERROR(INDEX({ms_start},MATCH({frm},{ms_code},0)),1)'
        base = f'IF({basis}="revenue",1,0)*{self._tl_row("revenue")}+IF({basis}="revenue",0,1)*{self._tl_row("profit")}'
        pool = f"=SUMPRODUCT(({months}>={first})*(({base})>0)*({base}))"
        items = (("Pool (the months' positive profit, or revenue, from the policy's milestone)", pool,
                  float(ec.dividend_pool.sum())),
                 ("Users' share", f"=B{row + 2}*{share}", float(ec.dividend_users.sum())),
                 ("Platform's share", f"=B{row + 2}-B{row + 3}", float(ec.dividend_platform.sum())))
        for i, (label, formula, value) in enumerate(items):
            ws.write_string(row + 1 + i, 0, label, st.get("label"))
            self.formula(ws, sheet, row + 1 + i, 1, formula, money, value)
        return row + 1 + len(items)


def _num(x: float) -> object:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _month(m: int | None) -> object:
    return "" if m is None else float(m)


def _first_month(mask: str, months: str) -> str:
    first = f"SUMPRODUCT(MIN({mask}*{months}+(1-{mask})*{NEVER!r}))"
    return f'=IF({first}>={NEVER!r},"",{first})'
