"""The workbook's *Plan vs actual* sheet: live formulas over the *Actuals* grid sheet.

Per category (the rows of :func:`vivim_planner.engine.actuals.plan_vs_actual`) four rows across
the months: **Planned** (the planner's timeline, as values: the timeline is computed by the
planner), **Actual** = ``SUMIFS`` of the *Actuals* sheet's amounts of that month and category in a
closed month, **Variance** = actual - planned and **Variance %** = variance / planned. A month is
closed when the *Actuals* sheet holds any row of it (row 6, ``COUNTIF``). Then total spend
planned / actual / variance, the plan's net cash flow (values) beside the re-forecast's (actual
revenue - actual spend + capital in for a closed month, else the plan's), both cash balances as
running sums, both runways (the planner's figures), and the budget amendments. Every formula
cell carries the planner's value, so a preview shows numbers; a changed amount on *Actuals*
moves every variance and the re-forecast cash that depend on it.

Call from the exporter after the grid sheets are written::

    from .actuals_sheet import ACTUALS_SHEET, write_actuals_sheet
    write_actuals_sheet(workbook.add_worksheet(ACTUALS_SHEET), styles, plan, timeline)
"""

from __future__ import annotations

from ..domain import Plan, column_letter
from ..domain.actuals_schema import ACTUALS
from ..engine.actuals import PlanVsActual, plan_vs_actual
from ..engine.timeline import Timeline
from .styles import Styles

ACTUALS_SHEET = "Plan vs actual"
FIRST_MONTH_COL = 3  # D: months start here; A category, B line, C to date
MONTH_ROW, CLOSED_ROW = 4, 5  # 0-based rows of the month numbers and the closed flags


def _criteria(text: str) -> str:
    """A category as an exact ``SUMIFS`` criterion: ``~`` before ``*``, ``?`` and ``~`` (which
    Excel and LibreOffice read as wildcards), quotes doubled."""
    escaped = "".join("~" + ch if ch in "*?~" else ch for ch in text).replace('"', '""')
    return f'"{escaped}"'


def _sheet_ref(sheet: str, col: str) -> str:
    return f"'{sheet}'!${col}:${col}"


def write_actuals_sheet(ws, st: Styles, plan: Plan, tl: Timeline, pva: PlanVsActual | None = None,
                        actuals_sheet: str = ACTUALS.sheet) -> int:  # noqa: ANN001 - xlsxwriter Worksheet
    """Write the Plan vs actual sheet of ``plan`` against the timeline ``tl`` into ``ws`` (styles
    ``st``); its formulas read the grid sheet ``actuals_sheet`` (columns as :data:`ACTUALS`
    orders them, header in row 1). Returns the number of rows written. Money in the plan's
    currency."""
    pva = pva or plan_vs_actual(plan, tl)
    H = len(pva.months)
    money, pct = st.money(0), "0.0%"
    f_money, f_pct = st.get("formula", money), st.get("formula", pct)
    v_money = st.get("static", money)
    month_col = column_letter(ACTUALS.column_index("month"))
    cat_col = column_letter(ACTUALS.column_index("category"))
    amt_col = column_letter(ACTUALS.column_index("amount"))
    months_ref, cats_ref, amounts_ref = (_sheet_ref(actuals_sheet, c) for c in (month_col, cat_col, amt_col))
    cols = [column_letter(FIRST_MONTH_COL + j) for j in range(H)]
    last = cols[-1] if cols else "D"
    ws.write_string(0, 0, f"Plan vs actual ({pva.currency})", st.get("title"))
    ws.write_string(1, 0, f"Actual = SUMIFS of the {actuals_sheet} sheet in a month that holds any actual (a closed "
                          f"month); planned = the planner's timeline; variance = actual - planned. Re-forecast: actuals "
                          f"in closed months, the plan elsewhere.", st.get("subtitle"))
    heads = ["Category", "", "To date"] + list(pva.labels)
    for c, h in enumerate(heads):
        ws.write_string(3, c, h, st.get("header"))
    ws.write_string(MONTH_ROW, 0, "Plan month", st.get("label"))
    ws.write_string(CLOSED_ROW, 0, "Closed (1: holds actuals)", st.get("label"))
    for j in range(H):
        ws.write_number(MONTH_ROW, FIRST_MONTH_COL + j, j + 1, st.get("static", "0"))
        ws.write_formula(CLOSED_ROW, FIRST_MONTH_COL + j, f"=IF(COUNTIF({months_ref},{cols[j]}${MONTH_ROW + 1})>0,1,0)",
                         st.get("formula", "0"), int(pva.closed[j]))
    closed = f"{cols[0] if cols else 'D'}${CLOSED_ROW + 1}:{last}${CLOSED_ROW + 1}"
    td = pva.to_date()
    row = CLOSED_ROW + 2
    planned_cells, actual_cells, revenue_actual = [], [], None
    for i, name in enumerate(pva.categories):
        if not (pva.planned[i].any() or pva.actual[i].any()):
            continue
        rp, ra, rv, rq = row, row + 1, row + 2, row + 3
        ws.write_string(rp, 0, name, st.get("label"))
        for r, line in zip((rp, ra, rv, rq), ("Planned", "Actual", "Variance", "Variance %")):
            ws.write_string(r, 1, line, st.get("static", "@"))
        ws.write_formula(rp, 2, f"=SUMPRODUCT(D{rp + 1}:{last}{rp + 1},{closed})", f_money, float(td["planned"][i]))
        ws.write_formula(ra, 2, f"=SUM(D{ra + 1}:{last}{ra + 1})", f_money, float(td["actual"][i]))
        ws.write_formula(rv, 2, f"=C{ra + 1}-C{rp + 1}", f_money, float(td["variance"][i]))
        p_td = td["variance_pct"][i]
        ws.write_formula(rq, 2, f'=IF(C{rp + 1}=0,"",C{rv + 1}/C{rp + 1})', f_pct, "" if p_td != p_td else float(p_td))
        for j, c in enumerate(cols):
            k = FIRST_MONTH_COL + j
            flag = f"{c}${CLOSED_ROW + 1}=1"
            ws.write_number(rp, k, float(pva.planned[i, j]), v_money)
            a = float(pva.actual[i, j]) if pva.closed[j] else ""
            ws.write_formula(ra, k, f'=IF({flag},SUMIFS({amounts_ref},{months_ref},{c}${MONTH_ROW + 1},{cats_ref},'
                                    f'{_criteria(name)}),"")', f_money, a)
            ws.write_formula(rv, k, f'=IF({flag},{c}{ra + 1}-{c}{rp + 1},"")', f_money,
                             float(pva.variance[i, j]) if pva.closed[j] else "")
            q = pva.variance_pct[i, j]
            ws.write_formula(rq, k, f'=IF(AND({flag},{c}{rp + 1}<>0),{c}{rv + 1}/{c}{rp + 1},"")', f_pct,
                             "" if q != q else float(q))
        _colour(ws, st, rv, rp, H, revenue=pva.kinds[i] == "revenue")
        if pva.kinds[i] == "revenue":
            revenue_actual = ra
        else:
            planned_cells.append(rp)
            actual_cells.append(ra)
        row += 5
    row = _totals(ws, st, pva, tl, row, cols, planned_cells, actual_cells, revenue_actual)
    row = _amendments(ws, st, pva, row + 1)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 11)
    ws.set_column(2, 2 + H, 13)
    ws.freeze_panes(CLOSED_ROW + 1, 3)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return row


def _colour(ws, st: Styles, rv: int, rp: int, H: int, revenue: bool) -> None:  # noqa: ANN001
    """Red where over budget (or revenue short), green where under, by at least 0.5% of the plan
    (or one unit where nothing was planned), as the window colours them."""
    if not H:
        return
    first = f"C{rv + 1}"
    plan = f"C{rp + 1}"
    material = f"OR({plan}=0,ABS({first})>=0.005*ABS({plan}))"
    over, under = (f"{first}<0", f"{first}>0") if revenue else (f"{first}>0", f"{first}<0")
    rng = (rv, 2, rv, 2 + H)
    for cond, fill, font in ((over, "#FBD9D3", "#9C1C1C"), (under, "#D9EAD3", "#274E13")):
        ws.conditional_format(*rng, {"type": "formula",
                                     "criteria": f"=AND(ISNUMBER({first}),{cond},{material},ABS({first})>=0.5)",
                                     "format": st.wb.add_format({"bg_color": fill, "font_color": font})})


def _totals(ws, st: Styles, pva: PlanVsActual, tl: Timeline, row: int, cols: list[str], planned: list[int],
            actual: list[int], revenue_actual: int | None) -> int:  # noqa: ANN001
    f_money, v_money = st.get("formula", st.money(0)), st.get("static", st.money(0))
    H = len(cols)
    names = ("Total spend, planned", "Total spend, actual", "Total spend, variance", "Capital in",
             "Net cash flow, plan", "Net cash flow, re-forecast", "Cash at month end, plan",
             "Cash at month end, re-forecast")
    rows = {n: row + k for k, n in enumerate(names)}
    for n, r in rows.items():
        ws.write_string(r, 0, n, st.get("total_label") if n.startswith("Cash") else st.get("label"))
    net_re = tl.capital_in + pva.revenue_actual - pva.spend_actual
    for j, c in enumerate(cols):
        k, flag = FIRST_MONTH_COL + j, f"{c}${CLOSED_ROW + 1}=1"
        p_sum = "+".join(f"{c}{r + 1}" for r in planned) or "0"
        a_sum = "+".join(f"N({c}{r + 1})" for r in actual) or "0"
        rp, ra, rv = rows["Total spend, planned"], rows["Total spend, actual"], rows["Total spend, variance"]
        ws.write_formula(rp, k, f"={p_sum}", f_money, float(pva.spend_planned[j]))
        ws.write_formula(ra, k, f'=IF({flag},{a_sum},"")', f_money, float(pva.spend_actual[j]) if pva.closed[j] else "")
        ws.write_formula(rv, k, f'=IF({flag},{c}{ra + 1}-{c}{rp + 1},"")', f_money,
                         float(pva.spend_actual[j] - pva.spend_planned[j]) if pva.closed[j] else "")
        ws.write_number(rows["Capital in"], k, float(tl.capital_in[j]), v_money)
        ws.write_number(rows["Net cash flow, plan"], k, float(tl.net_cash_flow[j]), v_money)
        rev = f"N({c}{revenue_actual + 1})" if revenue_actual is not None else "0"
        ws.write_formula(rows["Net cash flow, re-forecast"], k,
                         f'=IF({flag},{c}{rows["Capital in"] + 1}+{rev}-{c}{ra + 1},{c}{rows["Net cash flow, plan"] + 1})',
                         f_money, float(net_re[j]))
        for cash, net, values in (("Cash at month end, plan", "Net cash flow, plan", pva.plan_cash),
                                  ("Cash at month end, re-forecast", "Net cash flow, re-forecast", pva.cash)):
            prev = f"{cols[j - 1]}{rows[cash] + 1}+" if j else ""
            ws.write_formula(rows[cash], k, f"={prev}{c}{rows[net] + 1}", st.get("total", st.money(0)), float(values[j]))
    if H:  # to date, as the categories'
        rp, ra, rv = rows["Total spend, planned"], rows["Total spend, actual"], rows["Total spend, variance"]
        closed_row = f"D${CLOSED_ROW + 1}:{cols[-1]}${CLOSED_ROW + 1}"
        p_td, a_td = float(pva.spend_planned[pva.closed].sum()), float(pva.spend_actual[pva.closed].sum())
        ws.write_formula(rp, 2, f"=SUMPRODUCT(D{rp + 1}:{cols[-1]}{rp + 1},{closed_row})", f_money, p_td)
        ws.write_formula(ra, 2, f"=SUM(D{ra + 1}:{cols[-1]}{ra + 1})", f_money, a_td)
        ws.write_formula(rv, 2, f"=C{ra + 1}-C{rp + 1}", f_money, a_td - p_td)
    r = row + len(names) + 1
    ws.write_string(r, 0, "Runway, plan (months)", st.get("label"))
    ws.write_string(r + 1, 0, "Runway, re-forecast (months)", st.get("label"))
    for rr, v in ((r, pva.plan_runway), (r + 1, pva.runway)):
        if v is None:
            ws.write_string(rr, 2, "never runs out" if tl.starting_capital else "no capital", st.get("static", "@"))
        else:
            ws.write_number(rr, 2, float(v), st.get("static", "0.00"))
    ws.write_string(r + 2, 0, "Runways are the planner's: months until the cash first falls below zero, part months "
                              "counted (values; recompute in the planner after editing).", st.get("note", text_wrap=False))
    return r + 3


def _amendments(ws, st: Styles, pva: PlanVsActual, row: int) -> int:  # noqa: ANN001
    ws.write_string(row, 0, "Budget amendments", st.get("section"))
    row += 1
    if not pva.amendments:
        ws.write_string(row, 0, "None recorded.", st.get("note", text_wrap=False))
        return row + 1
    for c, h in enumerate(("When", "Milestone", "Category", "Estimate", "Old budget", "New budget", "Why")):
        ws.write_string(row, c, h, st.get("header"))
    for a in pva.amendments:
        row += 1
        for c, v in enumerate((a.when, a.milestone, a.category, a.bound)):
            ws.write_string(row, c, v, st.get("static", "@"))
        for c, v in ((4, a.old), (5, a.new)):
            if v is None:
                ws.write_string(row, c, "bottom-up", st.get("static", "@"))
            else:
                ws.write_number(row, c, v, st.get("static", st.money(0)))
        ws.write_string(row, 6, a.why, st.get("static", "@"))
    return row + 1
