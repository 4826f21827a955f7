"""What an import says about a workbook an analyst changed: headers carry units and still read,
and a column the analyst inserted is reported by its cell, not dropped silently."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from vivim_planner.domain import column_letter
from vivim_planner.domain.schema import ALLOCATIONS
from vivim_planner.excel import export_workbook, import_workbook
from vivim_planner.storage import PlanDocument

REPO = Path(__file__).resolve().parents[1]


def _vivim():  # noqa: ANN202 - Plan
    doc = PlanDocument.open(REPO / "sample_models" / "vivim.vivim", readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def test_an_inserted_column_is_reported_and_units_in_headers_read_back(tmp_path):
    plan = _vivim()
    out = tmp_path / "v.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    team = wb[ALLOCATIONS.sheet]
    assert team.cell(1, ALLOCATIONS.column_index("hourly_rate") + 1).value == "Hourly rate (USD per hour)"
    free = team.max_column + 1
    team.cell(1, free).value = "Analyst's comment"
    team.cell(2, free).value = "check with CTO"
    team.cell(1, ALLOCATIONS.column_index("fte") + 1).value = "fte"  # a header retyped in lower case
    wb.save(out)
    result = import_workbook(out, plan)
    assert not result.diff
    lines = result.report.lines()
    assert any(f'Team!{column_letter(free - 1)}1: column "Analyst\'s comment" is not one VIVIM Planner reads' in line
               for line in lines), lines
    assert not any("Hourly rate" in line or "Cost / month" in line for line in lines), lines


def test_metrics_show_as_words_and_read_back_as_codes(tmp_path):
    from vivim_planner.domain.schema import STATED_FIGURES

    plan = _vivim()
    out = tmp_path / "v.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    ws = wb[STATED_FIGURES.sheet]
    col = STATED_FIGURES.column_index("metric") + 1
    shown = [ws.cell(r, col).value for r in range(2, len(plan.stated_figures) + 2)]
    assert "Allocations subtotal" in shown and not any("_" in v for v in shown)
    ws.cell(2, col).value = plan.stated_figures.get(0, "metric")  # the stored code typed as such
    ws.cell(3, col).value = shown[1].upper()  # a label in another case
    wb.save(out)
    result = import_workbook(out, plan)
    assert not result.diff


def test_a_formula_typed_in_an_input_cell_imports_its_value_and_says_so(tmp_path):
    """The analyst types =0.5+0.25 as an FTE and Excel saves its value: the import takes 0.75 and
    the report names the cell; the export's own 17-digit number formulas are not reported."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_excel_libreoffice import _soffice  # noqa: F401 - the recalculation below needs it

    plan = _vivim()
    out = tmp_path / "v.xlsx"
    export_workbook(plan, out, draws=0)
    wb = openpyxl.load_workbook(out)
    fte = column_letter(ALLOCATIONS.column_index("fte"))
    wb[ALLOCATIONS.sheet][f"{fte}2"].value = "=0.5+0.25"
    wb.save(out)
    import subprocess

    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    from test_excel_libreoffice import RECALC_ALWAYS

    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    done = tmp_path / "lo"
    subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(done), str(out)], capture_output=True, timeout=240,
                   check=True)
    result = import_workbook(done / "v.xlsx", plan)
    assert result.plan.allocations.get(0, "fte") == 0.75
    lines = result.report.lines()
    assert any(f"Team!{fte}2: FTE holds a formula (=0.5+0.25); its value 0.75 was imported" in line
               for line in lines), lines
    assert sum("holds a formula" in line for line in lines) == 1, lines
