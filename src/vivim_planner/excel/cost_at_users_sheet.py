"""The *Cost at users* sheet: the usage model (:mod:`vivim_planner.engine.usage`) as formulas,
one row per user count, and a native chart of cost per user on a log users axis.

Rows: the plan's milestone targets and 100, 1K, 10K, 100K, 1M users (blue: type another count),
then one row per Timeline month at that month's active users (the Timeline's usage cost rows
read these). Columns: the infrastructure tier in force (the last "Users from" at or below the
users) and its low / high / mid; per meter the quantity (users x per user in its billing unit)
and its cost (MAX(0, quantity - included) x price per unit; packages rounded up; a meter
without a price is a hard limit); per service plan its cost (base fee + its meters) and whether
it fits; per service the cheapest plan that fits (else its dearest); per LLM segment users x
share x LLM cost per user; total low / high / mid and cost per user. USD per month.
"""

from __future__ import annotations

import math

import numpy as np

from ..domain import column_letter
from ..domain.usage_schema import INFRA_TIERS, METERS, SEGMENTS, SERVICE_PLANS
from . import formulas as F
from .base import WriterBase
from .helper_columns import rows_range

COST_AT_USERS_SHEET = "Cost at users"
HEADER_ROW = 3
STANDARD_USERS = (100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0)
CAP = 1e-9
"""Relative: usage this close to a hard limit still fits (the engine's tolerance)."""


def has_usage_model(plan) -> bool:  # noqa: ANN001 - Plan
    """Does the plan price users at all (tiers, services or LLM segments)?"""
    return any(len(plan.tables[t]) for t in ("infra_tiers", "service_plans", "segments"))


class CostAtUsersMixin(WriterBase):
    """Lays out and writes :data:`COST_AT_USERS_SHEET`."""

    def cau_layout(self) -> dict:
        """Columns (key -> 0-based) and rows of the sheet: ``user_rows`` (analyst's counts) and
        ``month_row(m)`` for Timeline month m; computed before the Timeline is written."""
        if hasattr(self, "_cau"):
            return self._cau
        plan, um = self.plan, self.usage
        cols: dict[str, int] = {}
        heads: list[str] = []

        def add(key: str, head: str) -> None:
            cols[key] = len(heads)
            heads.append(head)

        add("users", "Users")
        if len(um.tier_names):
            for k, h in (("tier", "Infrastructure tier"), ("infra_low", "Infra low"), ("infra_high", "Infra high"),
                         ("infra", "Infrastructure (mid)")):
                add(k, h)
        m_tab = plan.tables["meters"]
        for q in range(len(m_tab)):
            name = f"{plan.ref_label('usage_drivers', int(m_tab.get(q, 'driver')))} ({m_tab.get(q, 'unit')})"
            add(f"q:{q}", f"{name}: quantity")
            add(f"c:{q}", f"{name}: cost")
        sp = plan.tables["service_plans"]
        for p in range(len(sp)):
            add(f"plan:{p}", f"{sp.get(p, 'name')}: cost")
            add(f"fits:{p}", f"{sp.get(p, 'name')} fits")
        for s, name in enumerate(um.services):
            add(f"svc:{s}", name)
        for g, seg in enumerate(um.segments):
            add(f"llm:{g}", f"LLM: {seg.name}")
        for k, h in (("low", "Total low"), ("high", "Total high"), ("total", "Total (mid)"),
                     ("cpu", "Cost per user")):
            add(k, h)
        targets = [float(u) for u in np.nan_to_num(plan.milestones.column("target_users")) if u > 0]
        users = sorted(set(targets) | set(STANDARD_USERS) | {0.0})  # 0: the fixed cost (sheet Economics)
        first = HEADER_ROW + 1
        month0 = first + len(users) + 2
        self._cau = {"cols": cols, "heads": heads, "users": users, "first": first, "month0": month0,
                     "month_row": lambda m: month0 + m - 1}
        return self._cau

    def cau_ref(self, key: str, month: int) -> str:
        """The cell of column ``key`` at Timeline month ``month`` (for the Timeline's formulas)."""
        lay = self.cau_layout()
        return f"{F.sheet_ref(COST_AT_USERS_SHEET)}!${column_letter(lay['cols'][key])}${lay['month_row'](month) + 1}"

    def cost_at_users_sheet(self, ws) -> None:  # noqa: ANN001
        st, plan, sheet = self.st, self.plan, COST_AT_USERS_SHEET
        lay = self.cau_layout()
        C, L = lay["cols"], {k: column_letter(c) for k, c in lay["cols"].items()}
        ws.write_string(0, 0, f"{plan.settings.name}: what users cost per month", st.get("title"))
        ws.write_string(1, 0, "Type any user count in column A (blue). Every other cell is a live formula over the "
                              "sheets Infra tiers, Meters, Service plans, Usage drivers and Segments; the rows under "
                              "the chart are the Timeline's months.", st.get("subtitle"))
        for c, h in enumerate(lay["heads"]):
            ws.write_string(HEADER_ROW, c, h, st.get("header" if c == 0 else "header_formula"))
        ws.set_row(HEADER_ROW, 42)
        tl = self.tl
        rows = [(lay["first"] + i, u, f"{u:,.0f}") for i, u in enumerate(lay["users"])]
        month_rows = [(lay["month_row"](m), float(tl.users[m - 1]), m) for m in range(1, tl.horizon + 1)]
        ws.write_string(lay["month0"] - 1, 0, "At each month's active users (sheet Timeline reads these rows)",
                        st.get("section"))
        all_users = np.asarray([u for _, u, _ in rows] + [u for _, u, _ in month_rows], dtype=float)
        v = self._cau_values(all_users)
        users_row = self.timeline_rows.get("users")
        from .timeline_sheet import FIRST_MONTH_COL, TIMELINE_SHEET

        money = st.get("formula", st.money(2))
        for i, (row, u, tag) in enumerate(rows + month_rows):
            x = str(row + 1)
            if i < len(rows):
                ws.write_number(row, 0, u, st.get("input", "#,##0"))
            else:
                src = f"{TIMELINE_SHEET}!{column_letter(FIRST_MONTH_COL + tag - 1)}{users_row + 1}"
                self.formula(ws, sheet, row, 0, f"={src}", st.get("formula", "#,##0"), u)
            self._cau_row(ws, row, x, L, v, i, money)
        self._cau_chart(ws, lay, rows)
        ws.set_column(0, 0, 12)
        ws.set_column(1, len(lay["heads"]) - 1, 14)
        if "tier" in C:
            ws.set_column(C["tier"], C["tier"], 28)
        ws.freeze_panes(HEADER_ROW + 1, 1)
        last = month_rows[-1][0] if month_rows else rows[-1][0]
        self._page(ws, sheet, f"A1:{column_letter(len(lay['heads']) - 1)}{last + 1}", header_rows=HEADER_ROW)

    def _cau_row(self, ws, row: int, x: str, L: dict, v: dict, i: int, money) -> None:  # noqa: ANN001, PLR0913
        plan, um, sheet = self.plan, self.usage, COST_AT_USERS_SHEET
        u = f"$A{x}"
        n_t = len(plan.tables["infra_tiers"])
        parts_low, parts_high, parts_mid = [], [], []
        if "tier" in L:
            F_ = rows_range(INFRA_TIERS, INFRA_TIERS.column_index("users_from"), n_t)
            names = rows_range(INFRA_TIERS, INFRA_TIERS.column_index("name"), n_t)
            keys = [d.key for d in F.derived_columns(INFRA_TIERS, plan)]
            lo_r = rows_range(INFRA_TIERS, len(INFRA_TIERS.fields) + keys.index("tier_low"), n_t)
            hi_r = rows_range(INFRA_TIERS, len(INFRA_TIERS.fields) + keys.index("tier_high"), n_t)
            count = f"SUMPRODUCT(ISNUMBER({F_})*({F_}<={u}))"
            top = f"SUMPRODUCT(MAX(ISNUMBER({F_})*({F_}<={u})*{F_}))"
            pos = f"MATCH({top},{F_},0)"
            self.formula(ws, sheet, row, self._c("tier"), f'=IF({count}=0,"",INDEX({names},{pos}))',
                         self.st.get("formula", "@"), v["tier"][i])
            for key, rng in (("infra_low", lo_r), ("infra_high", hi_r)):
                self.formula(ws, sheet, row, self._c(key), f"=IF({count}=0,0,INDEX({rng},{pos}))", money, v[key][i])
            self.formula(ws, sheet, row, self._c("infra"), f"=({L['infra_low']}{x}+{L['infra_high']}{x})/2", money,
                         v["infra"][i])
            parts_low.append(f"{L['infra_low']}{x}")
            parts_high.append(f"{L['infra_high']}{x}")
            parts_mid.append(f"{L['infra']}{x}")
        m_tab = plan.tables["meters"]
        mk = [d.key for d in F.derived_columns(METERS, plan)]
        for q in range(len(m_tab)):
            a = f"{F.sheet_ref(METERS.sheet)}!${column_letter(len(METERS.fields) + mk.index('per_user_units'))}${q + 2}"
            w = f"{F.sheet_ref(METERS.sheet)}!${column_letter(len(METERS.fields) + mk.index('unit_price_one'))}${q + 2}"
            inc = f"N({F.sheet_ref(METERS.sheet)}!${column_letter(METERS.column_index('included'))}${q + 2})"
            pkg = f"N({F.sheet_ref(METERS.sheet)}!${column_letter(METERS.column_index('package'))}${q + 2})"
            qc = f"{L[f'q:{q}']}{x}"
            self.formula(ws, sheet, row, self._c(f"q:{q}"), f"={a}*{u}", self.st.get("formula", "#,##0.00"),
                         v[f"q:{q}"][i])
            billed = f"IF({pkg}>0,MAX(-INT(-(({qc}-{inc})/IF({pkg}>0,{pkg},1)-1E-9)),0)*{pkg},MAX({qc}-{inc},0))"
            self.formula(ws, sheet, row, self._c(f"c:{q}"), f'=IF({w}="",0,{billed}*{w})', money, v[f"c:{q}"][i])
        sp = plan.tables["service_plans"]
        plan_ids = [int(i) for i in sp.ids]
        m_plan = [plan_ids.index(int(m_tab.get(q, "plan"))) if int(m_tab.get(q, "plan")) in plan_ids else -1
                  for q in range(len(m_tab))]
        for p in range(len(sp)):
            base = f"N({F.sheet_ref(SERVICE_PLANS.sheet)}!${column_letter(SERVICE_PLANS.column_index('base_fee'))}${p + 2})"
            mine = [q for q in range(len(m_tab)) if m_plan[q] == p]
            cost = "+".join([base] + [f"{L[f'c:{q}']}{x}" for q in mine])
            self.formula(ws, sheet, row, self._c(f"plan:{p}"), f"={cost}", money, v[f"plan:{p}"][i])
            breaches = []
            for q in mine:
                w = f"{F.sheet_ref(METERS.sheet)}!${column_letter(len(METERS.fields) + mk.index('unit_price_one'))}${q + 2}"
                inc = f"N({F.sheet_ref(METERS.sheet)}!${column_letter(METERS.column_index('included'))}${q + 2})"
                breaches.append(f'({w}="")*({L[f"q:{q}"]}{x}>{inc}*(1+{CAP!r}))')
            fits = f"=IF({'+'.join(breaches)}>0,0,1)" if breaches else "=1"
            self.formula(ws, sheet, row, self._c(f"fits:{p}"), fits, self.st.get("formula", "0"), v[f"fits:{p}"][i])
        for s in range(len(um.services)):
            ps = [p for p in range(len(sp)) if sp.get(p, "service") == um.services[s]]
            cheapest = ",".join(f"IF({L[f'fits:{p}']}{x}=1,{L[f'plan:{p}']}{x},1E+300)" for p in ps)
            dearest = next(p for p in ps if sp.get(p, "name") == um.plan_names[int(um.dearest[s])]) \
                if any(sp.get(p, "name") == um.plan_names[int(um.dearest[s])] for p in ps) else ps[0]
            best = f"MIN({cheapest})"
            self.formula(ws, sheet, row, self._c(f"svc:{s}"),
                         f"=IF({best}<1E+300,{best},{L[f'plan:{dearest}']}{x})", money, v[f"svc:{s}"][i])
            for parts in (parts_low, parts_high, parts_mid):
                parts.append(f"{L[f'svc:{s}']}{x}")
        sk = [d.key for d in F.derived_columns(SEGMENTS, plan)]
        for g in range(len(um.segments)):
            share = f"N({F.sheet_ref(SEGMENTS.sheet)}!${column_letter(SEGMENTS.column_index('share'))}${g + 2})"
            cpu = f"{F.sheet_ref(SEGMENTS.sheet)}!${column_letter(len(SEGMENTS.fields) + sk.index('llm_cost'))}${g + 2}"
            self.formula(ws, sheet, row, self._c(f"llm:{g}"), f"={u}*{share}*{cpu}", money, v[f"llm:{g}"][i])
            for parts in (parts_low, parts_high, parts_mid):
                parts.append(f"{L[f'llm:{g}']}{x}")
        for key, parts in (("low", parts_low), ("high", parts_high), ("total", parts_mid)):
            self.formula(ws, sheet, row, self._c(key), "=" + ("+".join(parts) or "0"), money, v[key][i])
        self.formula(ws, sheet, row, self._c("cpu"), f'=IF(N({u})>0,{L["total"]}{x}/{u},"")',
                     self.st.get("formula", self.st.money(2, 2)), v["cpu"][i])

    def _c(self, key: str) -> int:
        return self.cau_layout()["cols"][key]

    def _cau_values(self, users: np.ndarray) -> dict[str, list]:
        """The engine's figures for every cell of the sheet at ``users`` (the cached values)."""
        plan, um = self.plan, self.usage
        cv = um.evaluate(users)
        out: dict[str, list] = {}
        if len(um.tier_names):
            idx = np.searchsorted(um.tier_from, users, side="right") - 1
            ok = idx >= 0
            safe = np.where(ok, idx, 0)
            out["tier"] = [um.tier_names[j] if k else "" for j, k in zip(safe, ok)]
            out["infra_low"] = np.where(ok, um.tier_low[safe], 0.0).tolist()
            out["infra_high"] = np.where(ok, um.tier_high[safe], 0.0).tolist()
            out["infra"] = cv.infrastructure.tolist()
        m_tab, sp = plan.tables["meters"], plan.tables["service_plans"]
        plan_ids = [int(i) for i in sp.ids]
        plan_cost = {p: np.nan_to_num(np.full(users.shape, float(sp.get(p, "base_fee")))) for p in range(len(sp))}
        plan_fits = {p: np.ones(users.shape, dtype=bool) for p in range(len(sp))}
        dr = plan.tables["usage_drivers"]
        d_pos = {int(i): q for q, i in enumerate(dr.ids)}
        from ..domain.units import conversion

        for q in range(len(m_tab)):
            d = d_pos[int(m_tab.get(q, "driver"))]
            a = float(dr.get(d, "per_user")) * conversion(dr.get(d, "unit"), m_tab.get(q, "unit"))
            inc = np.nan_to_num(float(m_tab.get(q, "included")))
            pkg = np.nan_to_num(float(m_tab.get(q, "package")))
            price, per = float(m_tab.get(q, "unit_price")), float(m_tab.get(q, "per"))
            per = 1.0 if math.isnan(per) or per <= 0 else per
            qty = a * users
            if pkg > 0:
                billed = np.maximum(np.ceil((qty - inc) / pkg - 1e-9), 0) * pkg
            else:
                billed = np.maximum(qty - inc, 0.0)
            cost = np.zeros(users.shape) if math.isnan(price) else billed * (price / per)
            out[f"q:{q}"], out[f"c:{q}"] = qty.tolist(), cost.tolist()
            p = plan_ids.index(int(m_tab.get(q, "plan")))
            plan_cost[p] = plan_cost[p] + cost
            if math.isnan(price):
                plan_fits[p] &= ~(qty > inc * (1 + CAP))
        for p in range(len(sp)):
            out[f"plan:{p}"], out[f"fits:{p}"] = plan_cost[p].tolist(), plan_fits[p].astype(float).tolist()
        for s, name in enumerate(um.services):
            out[f"svc:{s}"] = cv.components[name].tolist()
        for g, seg in enumerate(um.segments):
            out[f"llm:{g}"] = cv.components[f"LLM: {seg.name}"].tolist()
        out["low"], out["high"], out["total"] = cv.low.tolist(), cv.high.tolist(), cv.total.tolist()
        with np.errstate(divide="ignore", invalid="ignore"):
            out["cpu"] = np.where(users > 0, cv.total / users, np.nan).tolist()
        return out

    def _cau_chart(self, ws, lay: dict, rows: list) -> None:  # noqa: ANN001
        shown = [r for r in rows if r[1] > 0]  # a log axis has no 0
        first, last = shown[0][0], shown[-1][0]
        c_cpu = lay["cols"]["cpu"]
        cur = self.plan.settings.currency
        chart = self.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
        chart.add_series({"name": "Cost per user / month", "categories": [COST_AT_USERS_SHEET, first, 0, last, 0],
                          "values": [COST_AT_USERS_SHEET, first, c_cpu, last, c_cpu],
                          "marker": {"type": "circle", "size": 6}, "line": {"width": 2.25, "color": "#1A4FA0"}})
        chart.set_title({"name": f"Cost per user per month ({cur})", "name_font": {"size": 12}})
        chart.set_x_axis({"name": "Active users (log scale)", "log_base": 10, "num_format": "#,##0",
                          "name_font": {"size": 9, "bold": False}})
        chart.set_y_axis({"name": f"{cur} per user per month", "num_format": "#,##0.00##",
                          "name_font": {"size": 9, "bold": False},
                          "major_gridlines": {"visible": True, "line": {"color": "#E3E7EC"}}})
        chart.set_legend({"none": True})
        chart.set_size({"width": 620, "height": 300})
        ws.insert_chart(HEADER_ROW + 1, len(lay["heads"]) + 1, chart, {"x_offset": 8, "y_offset": 4})
