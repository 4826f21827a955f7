"""The workbook's *Simulation* sheet: the Monte Carlo percentiles of a plan as values (a
simulation is not a spreadsheet formula), labelled with the number of draws and the seed so an
investor can rerun it (``vivim-planner simulate PLAN --draws N --seed S``).

Sections: the headline sentences; total build cost P10 / P50 / P90 / mean beside the stated
low / mid / high; runway P10 / P50 / P90; per month cash P10 / P50 / P90, the P50 of cost and
revenue and P(cash < 0 by that month); the drivers (rank correlation with the ending cash).
"""

from __future__ import annotations

from ..engine.simulation import Simulation
from .styles import Styles

SIMULATION_SHEET = "Simulation"


def write_simulation_sheet(ws, st: Styles, sim: Simulation) -> int:  # noqa: ANN001 - xlsxwriter Worksheet
    """Write ``sim`` into the worksheet ``ws`` with the workbook's styles ``st``; returns the
    number of rows written. Money in the plan's currency; shares as percentages."""
    money = st.get("static", st.money(0))
    pct = st.get("static", "0%")
    months_fmt = st.get("static", "0.0")
    text = st.get("static", "@")
    ws.write_string(0, 0, f"Monte Carlo: {sim.draws:,} draws, seed {sim.seed}", st.get("title"))
    ws.write_string(1, 0, f"Values, not formulas: rerun with vivim-planner simulate PLAN --draws {sim.draws} "
                          f"--seed {sim.seed} (the same draws and seed give the same figures). "
                          f"{len(sim.inputs)} uncertain inputs; money in {sim.currency}.", st.get("subtitle"))
    row = 3
    for sentence in sim.sentences():
        ws.write_string(row, 0, sentence, st.get("note", text_wrap=False))
        row += 1
    row += 1
    ws.write_string(row, 0, "Total build cost", st.get("section"))
    row += 1
    q = sim.build_percentiles()
    heads = ("", "P10", "P50", "P90", "Mean", "Stated low", "Stated mid", "Stated high")
    for c, h in enumerate(heads):
        ws.write_string(row, c, h, st.get("header"))
    row += 1
    ws.write_string(row, 0, "Build cost", text)
    for c, v in enumerate((q["p10"], q["p50"], q["p90"], q["mean"], sim.stated_totals["low"],
                           sim.stated_totals["mid"], sim.stated_totals["high"]), start=1):
        ws.write_number(row, c, v, money)
    row += 2
    ws.write_string(row, 0, "Runway (months the cash lasts)", st.get("section"))
    row += 1
    for c, h in enumerate(("", "P10", "P50", "P90")):
        ws.write_string(row, c, h, st.get("header"))
    row += 1
    ws.write_string(row, 0, "Runway", text)
    for c, key in enumerate(("p10", "p50", "p90"), start=1):
        v = sim.runway_percentiles()[key]
        if v is None:
            ws.write_string(row, c, "never runs out" if sim.base.starting_capital > 0 else "no capital", text)
        else:
            ws.write_number(row, c, v, months_fmt)
    row += 2
    ws.write_string(row, 0, "By month", st.get("section"))
    row += 1
    heads = ("Month", "Label", "Cash P10", "Cash P50", "Cash P90", "Cost P50", "Revenue P50", "P(cash < 0)")
    for c, h in enumerate(heads):
        ws.write_string(row, c, h, st.get("header"))
    header_row = row
    row += 1
    for m in range(sim.months):
        ws.write_number(row, 0, m + 1, st.get("static", "0"))
        ws.write_string(row, 1, sim.labels[m], text)
        for c, v in enumerate((sim.cash[10][m], sim.cash[50][m], sim.cash[90][m], sim.cost[50][m],
                               sim.revenue[50][m]), start=2):
            ws.write_number(row, c, float(v), money)
        ws.write_number(row, 7, float(sim.p_cash_negative[m]), pct)
        row += 1
    row += 1
    ws.write_string(row, 0, "Drivers of the ending cash", st.get("section"))
    row += 1
    ws.write_string(row, 0, "Input", st.get("header"))
    ws.write_string(row, 1, "Rank correlation", st.get("header"))
    row += 1
    for name, corr in sim.drivers[:25]:
        ws.write_string(row, 0, name, text)
        ws.write_number(row, 1, corr, st.get("static", "+0.00;-0.00"))
        row += 1
    ws.set_column(0, 0, 44)
    ws.set_column(1, 7, 14)
    ws.freeze_panes(header_row + 1, 0) if sim.months else None
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, max(row - 1, 0), 7)
    ws.repeat_rows(header_row, header_row) if sim.months else None
    ws.set_header(f"&R{SIMULATION_SHEET}", {"margin": 0.25})
    return row
