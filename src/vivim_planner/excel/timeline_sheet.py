"""The *Timeline* sheet: the engine's monthly timeline (:mod:`vivim_planner.engine.timeline`)
with months across the columns, every cell a live formula over the input sheets that carries
the engine's value (FAST: one formula per row across the months).

Rows, in the order of :mod:`vivim_planner.engine.timeline_rows`: the milestone (and growth step)
in force; active users, paying subscribers (per paid tier); FTE per staffed role, headcount and
team cost (each team line's cost / month x the part of the month its span covers, SUMPRODUCT
over sheet Team's helper columns); build spend per milestone (its mid estimate spread evenly
over its months, the Personnel part like its team cost) and in total; operating lines of the
milestone in force, the usage model's components (values: the engine priced them at each month's
users), a growth step's stated cost, operating cost; startup costs, total spend; subscriptions
per tier (paying x share x price), revenue offsets, revenue, payment fees; operating profit, cash
flow, capital in, net cash flow, cash at month end (the running sum) and burn.

Month m is the column whose month number (row :data:`MONTH_ROW` + 1) is m; money in the plan's
currency per month.
"""

from __future__ import annotations

import numpy as np

from ..domain import column_letter
from ..domain.economics_schema import CAPITAL, GROWTH, PAYMENT_FEES, PRICING_TIERS
from ..domain.schema import ALLOCATIONS, MILESTONES, ROLES
from ..engine.timeline import OPERATING_LINES, STATED_STEP_COST, Timeline
from . import formulas as F
from .base import WriterBase
from .helper_columns import rows_range
from .styles import text_width

TIMELINE_SHEET = "Timeline"
FIRST_MONTH_COL = 2
MONTH_ROW = 9
"""0-based row of the month numbers; the calendar labels are the row below."""
KEY = 1_000_000
"""Row keys: month x KEY + sheet row, so MAX picks the latest month and then the later row."""


class TimelineMixin(WriterBase):
    """Writes :data:`TIMELINE_SHEET` from ``self.tl`` (the export's :class:`Timeline`)."""

    tl: Timeline

    def _dcol(self, spec, key: str) -> int:  # noqa: ANN001 - TableSpec
        keys = [d.key for d in F.derived_columns(spec, self.plan)]
        return len(spec.fields) + keys.index(key)

    def _rng(self, spec, col: int | str) -> str:  # noqa: ANN001
        c = spec.column_index(col) if isinstance(col, str) else col
        return rows_range(spec, c, len(self.plan.tables[spec.name]))

    def _cell(self, spec, col: int | str, p: int) -> str:  # noqa: ANN001
        c = spec.column_index(col) if isinstance(col, str) else col
        return f"{F.sheet_ref(spec.sheet)}!${column_letter(c)}${p + 2}"

    def _usage_keys(self) -> dict[str, str]:
        return _usage_keys_of(self.usage)

    def timeline_sheet(self, ws) -> None:  # noqa: ANN001
        tl, st, plan = self.tl, self.st, self.plan
        H = tl.horizon
        sheet = TIMELINE_SHEET
        cur = plan.settings.currency
        mcol = [column_letter(FIRST_MONTH_COL + i) for i in range(H)]
        hc = [f"{c}${MONTH_ROW + 1}" for c in mcol]
        ws.write_string(0, 0, f"{plan.settings.name}: the plan month by month", st.get("title"))
        ws.write_string(1, 0, f"Money in {cur} per month. Every grey cell is a live formula over the input sheets "
                              "(Team, Milestones, Pricing, Growth, Capital...); the usage model's cost rows read sheet "
                              "Cost at users at each month's users.", st.get("subtitle"))
        money = st.get("formula", st.money(0))
        money_bold = st.get("total", st.money(0))
        count = st.get("formula", "#,##0")
        fte_fmt = st.get("formula", "#,##0.00")
        text = st.get("formula", "@")
        label = st.get("label")
        section = st.get("section")

        # -- per-subscriber constants (column B) ------------------------------------------------
        n_tier = len(plan.tables["pricing_tiers"])
        price = self._rng(PRICING_TIERS, self._dcol(PRICING_TIERS, "price_used"))
        weight = self._rng(PRICING_TIERS, self._dcol(PRICING_TIERS, "weight"))
        fee_pm = self._rng(PRICING_TIERS, self._dcol(PRICING_TIERS, "fees"))
        conv = self._rng(PRICING_TIERS, "conversion")
        f_scope, f_tier = self._rng(PAYMENT_FEES, "scope"), self._rng(PAYMENT_FEES, "tier")
        f_pct, f_fixed = self._rng(PAYMENT_FEES, "percent"), self._rng(PAYMENT_FEES, "fixed")
        fees_t = plan.tables["payment_fees"]
        all_rev = [q for q in range(len(fees_t)) if fees_t.get(q, "scope") == "all revenue"
                   and not int(fees_t.get(q, "tier"))]
        consts = [
            ("paid_share", "Paid share of active users", f'=SUMIFS({conv},{price},">0")', tl.mix.paid_share, "0.00%"),
            ("mix_price", "Price per paying subscriber", f"=SUMPRODUCT({weight},{price})", tl.mix.price, st.money(2)),
            ("mix_fees", "Fees per paying subscriber", f"=SUMPRODUCT({weight},{fee_pm})", tl.mix.fees, st.money(2, 2)),
            ("offset_pct", "Fee share of revenue offsets", f'=SUMPRODUCT(({f_scope}="all revenue")*({f_tier}=""),{f_pct})',
             sum(float(np.nan_to_num(fees_t.get(q, "percent"))) for q in all_rev), "0.00%"),
            ("offset_fixed", "Fixed fee per offset customer",
             f'=SUMPRODUCT(({f_scope}="all revenue")*({f_tier}=""),{f_fixed})',
             sum(float(np.nan_to_num(fees_t.get(q, "fixed"))) for q in all_rev), st.money(2)),
        ]
        K: dict[str, str] = {}
        for i, (key, text_label, formula, value, fmt) in enumerate(consts):
            r = 3 + i
            ws.write_string(r, 0, text_label, label)
            self.formula(ws, sheet, r, 1, formula, st.get("formula", fmt), float(np.nan_to_num(value)))
            K[key] = f"$B${r + 1}"
        self.timeline_consts = {k: f"{TIMELINE_SHEET}!{v}" for k, v in K.items()}

        # -- month header --------------------------------------------------------------------------
        ws.write_string(MONTH_ROW, 0, "Month", st.get("header"))
        ws.write_string(MONTH_ROW, 1, "Unit", st.get("header"))
        ws.write_string(MONTH_ROW + 1, 0, "", st.get("header"))
        ws.write_string(MONTH_ROW + 1, 1, "", st.get("header"))
        for i in range(H):
            ws.write_number(MONTH_ROW, FIRST_MONTH_COL + i, i + 1, st.get("header", "0"))
            ws.write_string(MONTH_ROW + 1, FIRST_MONTH_COL + i, tl.labels[i], st.get("header_formula"))
        row = MONTH_ROW + 2
        R: dict[str, int] = {}  # key -> 0-based row

        def line(key: str, text_label: str, unit: str, make, values, fmt, hidden: bool = False) -> None:  # noqa: ANN001
            nonlocal row
            ws.write_string(row, 0, text_label, label if fmt is money_bold else st.get("static", "@"))
            ws.write_string(row, 1, unit, st.get("static", "@"))
            R[key] = row
            values = _snap(values)
            for i in range(H):
                self.formula(ws, sheet, row, FIRST_MONTH_COL + i, make(i), fmt, values[i])
            if hidden:
                ws.set_row(row, None, None, {"hidden": True})
            row += 1

        def ref(key: str, i: int) -> str:
            return f"{mcol[i]}{R[key] + 1}"

        def head(title: str) -> None:
            nonlocal row
            row += 1
            ws.write_string(row, 0, title, section)
            row += 1

        # -- what is in force ----------------------------------------------------------------------
        n_ms = len(plan.milestones)
        S, E = self._rng(MILESTONES, "start_month"), self._rng(MILESTONES, "end_month")
        pos = tl.milestone
        line("k_cover", "key: latest milestone covering the month", "key",
             lambda i: f"=SUMPRODUCT(MAX(({S}<={hc[i]})*({E}>={hc[i]})*({S}*{KEY}+ROW({S}))))",
             _keys(plan, tl, "cover"), count, hidden=True)
        line("k_ended", "key: milestone that ended last", "key",
             lambda i: f"=SUMPRODUCT(MAX(({E}<{hc[i]})*({E}>0)*({E}*{KEY}*{KEY}+{S}*{KEY}+ROW({S}))))",
             _keys(plan, tl, "ended"), count, hidden=True)
        line("ms_row", "Milestone in force (its row on sheet Milestones)", "row",
             lambda i: (f"=IF({ref('k_cover', i)}>0,{ref('k_cover', i)}-INT({ref('k_cover', i)}/{KEY})*{KEY},"
                        f"IF({ref('k_ended', i)}>0,{ref('k_ended', i)}-INT({ref('k_ended', i)}/{KEY})*{KEY},0))"),
             np.where(pos >= 0, pos + 2, 0).astype(float), count, hidden=True)
        codes = np.asarray(list(plan.milestones.column("code")) + [""], dtype=object)
        code_col = F.whole_column(MILESTONES.sheet, MILESTONES.column_index("code"))
        line("ms_code", "Milestone in force", "", lambda i: f'=IF({ref("ms_row", i)}>0,INDEX({code_col},{ref("ms_row", i)}),"")',
             codes[pos].tolist(), text)
        mr = lambda i: ref("ms_row", i)  # noqa: E731

        def ms_value(key: str):  # noqa: ANN202 - month index -> formula text
            col = F.whole_column(MILESTONES.sheet, self._dcol(MILESTONES, key) if key in
                                 [d.key for d in F.derived_columns(MILESTONES, plan)] else MILESTONES.column_index(key))
            return lambda i: f"IF({mr(i)}>0,N(INDEX({col},{mr(i)})),0)"

        use_growth = bool(tl.step_order)
        g_cost = F.whole_column(GROWTH.sheet, GROWTH.column_index("operating_cost"))
        if use_growth:
            G = self._rng(GROWTH, self._dcol(GROWTH, "first_month"))
            line("k_step", "key: growth step in force", "key",
                 lambda i: f"=SUMPRODUCT(MAX(({G}>=1)*({G}<={hc[i]})*({G}*{KEY}+ROW({G}))))",
                 _keys(plan, tl, "step"), count, hidden=True)
            line("step_row", "Growth step in force (its row on sheet Growth)", "row",
                 lambda i: f"={ref('k_step', i)}-INT({ref('k_step', i)}/{KEY})*{KEY}",
                 np.where(tl.step >= 0, tl.step + 2, 0).astype(float), count, hidden=True)
            names = np.asarray(list(plan.tables["growth"].column("name")) + [""], dtype=object)
            g_name = F.whole_column(GROWTH.sheet, GROWTH.column_index("name"))
            line("step", "Growth step in force", "",
                 lambda i: f'=IF({ref("step_row", i)}>0,INDEX({g_name},{ref("step_row", i)}),"")',
                 names[tl.step].tolist(), text)
        sr = lambda i: ref("step_row", i)  # noqa: E731

        # -- users -------------------------------------------------------------------------------------
        head("Users")
        if use_growth:
            g_users = F.whole_column(GROWTH.sheet, self._dcol(GROWTH, "users_used"))
            g_pay = F.whole_column(GROWTH.sheet, GROWTH.column_index("paying"))
            line("users", "Active users", "users", lambda i: f"=IF({sr(i)}>0,INDEX({g_users},{sr(i)}),0)", tl.users, count)
            line("paying", "Paying subscribers", "subscribers",
                 lambda i: (f'=IF({sr(i)}>0,IF(INDEX({g_pay},{sr(i)})<>"",INDEX({g_pay},{sr(i)}),'
                            f'{ref("users", i)}*{K["paid_share"]}),0)'), tl.paying, count)
        else:
            line("users", "Active users", "users", lambda i: "=" + ms_value("target_users")(i), tl.users, count)
            line("paying", "Paying subscribers", "subscribers", lambda i: f'={ref("users", i)}*{K["paid_share"]}',
                 tl.paying, count)
        paid = [int(i) for i in tl.mix.tiers]
        w_col = self._dcol(PRICING_TIERS, "weight")
        p_col = self._dcol(PRICING_TIERS, "price_used")
        if len(paid) > 1:
            for t in paid:
                line(f"paying:{t}", f"  paying {tl.tiers[t].name}", "subscribers",
                     lambda i, t=t: f'={ref("paying", i)}*{self._cell(PRICING_TIERS, w_col, t)}',
                     tl.paying_by_tier[t], count)

        # -- team -----------------------------------------------------------------------------------
        head("Team")
        A = self._rng(ALLOCATIONS, self._dcol(ALLOCATIONS, "span_start"))
        B = self._rng(ALLOCATIONS, self._dcol(ALLOCATIONS, "span_end"))
        cpm = self._rng(ALLOCATIONS, self._dcol(ALLOCATIONS, "cost_per_month"))
        fte = self._rng(ALLOCATIONS, "fte")
        role_rng, tms = self._rng(ALLOCATIONS, "role"), self._rng(ALLOCATIONS, "milestone")

        def ov(i: int) -> str:
            h = hc[i]
            hi, lo = f"({h}+({B}<{h})*({B}-{h}))", f"({h}-1+({A}>{h}-1)*({A}-{h}+1))"
            return f"({hi}-{lo})*({hi}>{lo})"

        staffed = np.flatnonzero(np.any(tl.fte_by_role != 0, axis=1)) if H else []
        for k in staffed:
            rc = self._cell(ROLES, "name", int(k))
            line(f"fte:{k}", f"  {tl.role_names[k]}", "FTE", lambda i, rc=rc: f"=SUMPRODUCT(({role_rng}={rc})*{ov(i)},{fte})",
                 tl.fte_by_role[k], fte_fmt)
        line("fte", "Headcount (FTE)", "FTE", lambda i: f"=SUMPRODUCT({fte},{ov(i)})", tl.fte, fte_fmt)
        line("team_cost", "Team cost (from team lines)", cur, lambda i: f"=SUMPRODUCT({cpm},{ov(i)})", tl.team_cost, money)

        # -- costs ----------------------------------------------------------------------------------
        head("Costs")
        build_rows = []
        per_ms = _build_by_milestone(tl, self.r)
        for m in range(n_ms):
            cells = {k: self._cell(MILESTONES, self._dcol(MILESTONES, k), m)
                     for k in ("build_mid", "build_personnel", "team_cost")}
            s_, e_ = self._cell(MILESTONES, "start_month", m), self._cell(MILESTONES, "end_month", m)
            code = self._cell(MILESTONES, "code", m)

            def build(i: int, c=cells, s_=s_, e_=e_, code=code) -> str:
                h = hc[i]
                ev = f"IF({e_}>={s_},MAX(0,MIN({h},{e_})-MAX({h}-1,{s_}-1))/({e_}-{s_}+1),0)"
                tm = f"SUMPRODUCT(({tms}={code})*{ov(i)},{cpm})"
                T, P, TT = c["build_mid"], c["build_personnel"], c["team_cost"]
                return f"=({T}-{P})*{ev}+{P}*IF({TT}>0,{tm}/{TT},{ev})"

            line(f"build:{m}", f"  build: {plan.milestones.get(m, 'code')}", cur, build, per_ms[m], money)
            build_rows.append(f"build:{m}")
        first_b, last_b = (R[build_rows[0]] + 1, R[build_rows[-1]] + 1) if build_rows else (0, 0)
        line("build_cost", f"Build spend ({tl.band.replace('_', '-')})", cur,
             lambda i: f"=SUM({mcol[i]}{first_b}:{mcol[i]}{last_b})" if build_rows else "=0", tl.build_spend, money_bold)

        stated_test = lambda i: f'IF({sr(i)}>0,INDEX({g_cost},{sr(i)})<>"",FALSE)'  # noqa: E731
        comps = dict(zip(tl.operating_names, tl.operating_by_component))
        lines_values = comps.get(OPERATING_LINES, np.zeros(H))
        op_rows = ["op_lines"]
        line("op_lines", "  operating: operating lines", cur,
             (lambda i: f"=IF({stated_test(i)},0,{ms_value('operating')(i)})") if use_growth
             else (lambda i: "=" + ms_value("operating")(i)), lines_values, money)
        live = self._usage_keys() if getattr(self, "cau", False) else {}
        for name, values in comps.items():
            if name in (OPERATING_LINES, STATED_STEP_COST):
                continue
            if name in live:
                key = live[name]
                cell = (lambda i, key=key: f'IF({stated_test(i)},0,{self.cau_ref(key, i + 1)})') if use_growth \
                    else (lambda i, key=key: self.cau_ref(key, i + 1))
                line(f"op:{name}", f"  operating: {name}", cur, lambda i, cell=cell: "=" + cell(i), values, money)
                op_rows.append(f"op:{name}")
                continue
            ws.write_string(row, 0, f"  operating: {name}", st.get("static", "@"))
            ws.write_string(row, 1, f"{cur} (value)", st.get("static", "@"))
            for i in range(H):
                ws.write_number(row, FIRST_MONTH_COL + i, float(values[i]), st.get("static", st.money(0)))
            R[f"op:{name}"] = row
            op_rows.append(f"op:{name}")
            row += 1
        if use_growth:
            line("op_stated", f"  operating: {STATED_STEP_COST.lower()}", cur,
                 lambda i: f'=IF({stated_test(i)},INDEX({g_cost},{sr(i)}),0)',
                 comps.get(STATED_STEP_COST, np.zeros(H)), money)
            op_rows.append("op_stated")
        line("operating_cost", "Operating cost", cur,
             lambda i: f"=SUM({mcol[i]}{R[op_rows[0]] + 1}:{mcol[i]}{R[op_rows[-1]] + 1})", tl.operating_cost, money_bold)
        amt = self._rng(CAPITAL, self._dcol(CAPITAL, "amount_used"))
        mon = self._rng(CAPITAL, self._dcol(CAPITAL, "month_used"))
        kind = self._rng(CAPITAL, "kind")
        line("startup", "Startup costs", cur, lambda i: f'=SUMIFS({amt},{mon},{hc[i]},{kind},"<>capital")',
             tl.startup_costs, money)
        line("total_spend", "Total spend", cur,
             lambda i: f"={ref('build_cost', i)}+{ref('operating_cost', i)}+{ref('startup', i)}",
             tl.build_spend + tl.operating_cost + tl.startup_costs, money_bold)

        # -- revenue ----------------------------------------------------------------------------------
        head("Revenue")
        sub_rows = []
        for t in [t for t in range(n_tier) if t in paid]:
            wc, pc = self._cell(PRICING_TIERS, w_col, t), self._cell(PRICING_TIERS, p_col, t)
            line(f"sub:{t}", f"  subscriptions: {tl.tiers[t].name}", cur,
                 lambda i, wc=wc, pc=pc: f'=({ref("paying", i)}*{wc})*{pc}', tl.subscription_by_tier[t], money)
            sub_rows.append(f"sub:{t}")
        line("offsets", "  revenue offsets", cur, lambda i: "=" + ms_value("offsets")(i), tl.stream_revenue, money)
        line("revenue", "Revenue", cur,
             lambda i: f"=SUM({mcol[i]}{R[(sub_rows or ['offsets'])[0]] + 1}:{mcol[i]}{R['offsets'] + 1})",
             tl.revenue, money_bold)
        line("fees", "Payment fees", cur,
             lambda i: (f'={ref("paying", i)}*{K["mix_fees"]}+{ref("offsets", i)}*{K["offset_pct"]}'
                        f'+{ms_value("customers")(i)}*{K["offset_fixed"]}'), tl.fees, money)

        # -- profit and cash --------------------------------------------------------------------------
        head("Profit and cash")
        line("profit", "Operating profit (revenue − fees − operating cost)", cur,
             lambda i: f"={ref('revenue', i)}-{ref('fees', i)}-{ref('operating_cost', i)}", tl.profit, money_bold)
        line("cash_flow", "Cash flow (after build and startup costs)", cur,
             lambda i: f"={ref('profit', i)}-{ref('build_cost', i)}-{ref('startup', i)}", tl.cash_flow, money_bold)
        line("capital_in", "Capital in", cur, lambda i: f'=SUMIFS({amt},{mon},{hc[i]},{kind},"capital")',
             tl.capital_in, money)
        line("net", "Net cash flow", cur, lambda i: f"={ref('cash_flow', i)}+{ref('capital_in', i)}",
             tl.net_cash_flow, money)
        line("cash", "Cash at month end", cur,
             lambda i: f"={ref('net', i)}" if i == 0 else f"={ref('cash', i - 1)}+{ref('net', i)}", tl.cash, money_bold)
        line("burn", "Burn", cur, lambda i: f"=MAX(0,-{ref('cash_flow', i)})", tl.burn, money)
        self.timeline_rows = R

        labels = ["Operating profit (revenue − fees − operating cost)"] + [f"  {n}" for n in tl.role_names]
        ws.set_column(0, 0, text_width(labels, "", 46))
        ws.set_column(1, 1, 12)
        ws.set_column(FIRST_MONTH_COL, FIRST_MONTH_COL + max(H - 1, 0), 11)
        ws.freeze_panes(MONTH_ROW + 2, FIRST_MONTH_COL)
        self._page(ws, sheet, f"A1:{mcol[-1] if H else 'B'}{row}", header_rows=None)
        ws.repeat_rows(MONTH_ROW, MONTH_ROW + 1)
        ws.repeat_columns(0, 1)
        ws.fit_to_pages(0, 1)


def _usage_keys_of(um) -> dict[str, str]:  # noqa: ANN001 - UsageModel
    """Timeline component name -> the Cost at users column it reads."""
    from ..engine.timeline import INFRASTRUCTURE

    keys = {INFRASTRUCTURE: "infra"} if len(um.tier_names) else {}
    keys.update({name: f"svc:{s}" for s, name in enumerate(um.services)})
    keys.update({f"LLM: {seg.name}": f"llm:{g}" for g, seg in enumerate(um.segments)})
    return keys


def _snap(values) -> list:  # noqa: ANN001
    """A row's cached values with float residue of the engine's spreading (a month that should
    hold 0 holding 1e-12 of a 1e5 row) set to 0: below 1e-12 of the row's largest amount."""
    if any(isinstance(v, str) for v in values):
        return list(values)
    arr = np.asarray(values, dtype=float)
    scale = float(np.max(np.abs(arr))) if arr.size else 0.0
    return np.where(np.abs(arr) <= 1e-12 * scale, 0.0, arr).tolist()


def _keys(plan, tl: Timeline, kind: str) -> np.ndarray:  # noqa: ANN001
    """The engine's own value of a key row (what MAX finds), for the cached values."""
    months = tl.months.astype(float)
    if kind == "step":
        g = np.asarray(tl.step_month, dtype=float)
        rows = np.arange(len(g)) + 2.0
        ok = (g[None, :] >= 1) & (g[None, :] <= months[:, None])
        return np.where(ok, g * KEY + rows, 0).max(axis=1, initial=0)
    s = np.asarray(plan.milestones.column("start_month"), dtype=float)
    e = np.asarray(plan.milestones.column("end_month"), dtype=float)
    rows = np.arange(len(s)) + 2.0
    m = months[:, None]
    if kind == "cover":
        ok = (s[None, :] <= m) & (e[None, :] >= m)
        return np.where(ok, s * KEY + rows, 0).max(axis=1, initial=0)
    ok = (e[None, :] < m) & (e[None, :] > 0)
    return np.where(ok, e * KEY * KEY + s * KEY + rows, 0).max(axis=1, initial=0)


def _build_by_milestone(tl: Timeline, r) -> np.ndarray:  # noqa: ANN001 - PlanResult
    """Build spend per milestone and month (milestones x H): the mid estimate less its Personnel
    part spread evenly, the Personnel part like the team cost (the engine's spread)."""
    from ..engine.rollup import PERSONNEL

    if not len(tl.spread_even):
        return np.zeros((0, tl.horizon))
    per = r.estimate[tl.band] if tl.band != "bottom_up" else np.where(r.present, r.bottom_up["mid"], 0.0)
    pers = per[:, r.categories.index(PERSONNEL)]
    total = per.sum(axis=1)
    return (total - pers)[:, None] * tl.spread_even + pers[:, None] * tl.spread_personnel
