"""LLM token economics and tier margins are live formulas (issue 10, items 2 and 3): a model's
price per MTok edited with openpyxl, recalculated by LibreOffice, moves Kalei's Prism cost per
user ($0.62568) and its 87% margin to exactly what the app computes after importing the same
workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from test_excel_libreoffice import SAMPLES, _close, recalc  # noqa: E402,F401 - recalc is a fixture

from vivim_planner.domain import column_letter  # noqa: E402
from vivim_planner.domain.economics_schema import PRICING_TIERS  # noqa: E402
from vivim_planner.domain.usage_schema import LLM_MODELS  # noqa: E402
from vivim_planner.engine.pricing import tier_economics  # noqa: E402
from vivim_planner.engine.usage import UsageModel  # noqa: E402
from vivim_planner.excel import export_workbook, import_workbook  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402


def _kalei():  # noqa: ANN202 - Plan
    doc = PlanDocument.open(next(p for p in SAMPLES if p.stem == "kalei"), readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def _tier_cells(ws) -> dict[str, dict[str, object]]:  # noqa: ANN001
    head = [c.value for c in ws[1]]
    return {ws.cell(r, 1).value: {h: ws.cell(r, c + 1).value for c, h in enumerate(head)}
            for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}


def test_a_price_per_mtok_moves_the_prism_cost_per_user_and_margin(recalc, tmp_path):
    plan = _kalei()
    before = {t.name: t for t in tier_economics(plan, UsageModel(plan))}
    assert round(before["Prism"].cost_per_user, 5) == 0.62568 and round(before["Prism"].margin, 2) == 0.87
    out = tmp_path / "kalei.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    models = wb[LLM_MODELS.sheet]
    price = column_letter(LLM_MODELS.column_index("input_price"))
    models[f"{price}2"].value = plan.tables["llm_models"].get(0, "input_price") * 3 + 0.25
    wb.save(out)
    saved = recalc(out)
    after_plan = import_workbook(saved, plan).plan
    after = {t.name: t for t in tier_economics(after_plan, UsageModel(after_plan))}
    assert after["Prism"].cost_per_user > before["Prism"].cost_per_user + 0.1
    cells = _tier_cells(openpyxl.load_workbook(saved, data_only=True)[PRICING_TIERS.sheet])
    for name, t in after.items():
        assert _close(cells[name]["Cost per user used"], t.cost_per_user), name
        assert _close(cells[name]["Contribution / subscriber"], t.contribution), name
        if t.price > 0:
            assert _close(cells[name]["Gross margin"], t.margin), name
    assert not _close(cells["Prism"]["Gross margin"], before["Prism"].margin)


def test_economics_sheet_is_the_engines_and_follows_a_price_edit(recalc, tmp_path):
    """Break-even subscribers, the contribution of a paying subscriber, the break-even months
    and runway on sheet Economics, before and after the Prism price is raised in the file."""
    from vivim_planner.domain.economics_schema import PRICING_TIERS as TIERS
    from vivim_planner.engine.economics import economics

    plan = _kalei()
    out = tmp_path / "kalei.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    tiers = wb[TIERS.sheet]
    p = next(i for i in range(len(plan.tables["pricing_tiers"]))
             if plan.tables["pricing_tiers"].get(i, "name") == "Prism")
    tiers[f"{column_letter(TIERS.column_index('monthly_price'))}{p + 2}"].value = 2.49
    wb.save(out)
    saved = recalc(out)
    after = import_workbook(saved, plan).plan
    ec, before = economics(after), economics(plan)
    assert ec.break_even_subscribers != before.break_even_subscribers
    ws = openpyxl.load_workbook(saved, data_only=True)["Economics"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 13) if ws.cell(r, 1).value}

    def at(prefix: str):  # noqa: ANN202
        return next(v for k, v in cells.items() if str(k).startswith(prefix))

    assert at("Break-even subscribers") == ec.break_even_subscribers
    assert _close(at("Contribution per paying subscriber"), ec.timeline.mix.contribution)
    assert _close(at("Fixed monthly cost"), ec.fixed_monthly_cost)
    assert (at("Operating break-even month") or None) == ec.timeline.operating_break_even_month
    runway = at("Runway")
    assert (runway in (None, "") and ec.runway_months is None) or _close(runway, ec.runway_months)
