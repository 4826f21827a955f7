"""Bad workbooks: each gives the expected list of ``Sheet!Cell: reason`` and leaves the open
plan (and its file) untouched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from vivim_planner.cli import main
from vivim_planner.excel import WorkbookError, export_workbook, import_command, import_workbook
from vivim_planner.storage import PlanDocument
from plan_helpers import snapshot

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_models" / "vivim.vivim"


@pytest.fixture()
def doc(tmp_path):
    src = PlanDocument.open(SAMPLE, readonly=True)
    d = PlanDocument.create(tmp_path / "open.vivim", src.plan)
    src.close()
    yield d
    d.close()


@pytest.fixture()
def exported(doc, tmp_path) -> Path:
    out = tmp_path / "plan.xlsx"
    export_workbook(doc.plan, out)
    return out


def _edit(src: Path, edit) -> Path:  # noqa: ANN001
    wb = openpyxl.load_workbook(src)
    edit(wb)
    dst = src.with_name("edited.xlsx")
    wb.save(dst)
    return dst


def _errors(doc: PlanDocument, path: Path) -> list[str]:
    """The import's error list; asserts the open plan and its file did not change."""
    before = snapshot(doc.plan)
    file_bytes = doc.path.read_bytes()
    with pytest.raises(WorkbookError) as info:
        import_command(doc.plan, path)
    assert snapshot(doc.plan) == before
    assert doc.path.read_bytes() == file_bytes
    assert str(info.value).splitlines()[0] == info.value.errors[0]
    return info.value.errors


def test_not_an_xlsx(doc, tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("milestone,cost\nM1,100\n")
    assert _errors(doc, bad) == ["notes.xlsx: not an Excel workbook (.xlsx); save it from Excel or LibreOffice "
                                 "as an Excel 2007-365 workbook"]


def test_a_zip_that_is_no_workbook(doc, tmp_path):
    import zipfile

    bad = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert _errors(doc, bad) == ["archive.xlsx: not an Excel workbook (.xlsx): a zip file without a workbook"]


def test_a_missing_sheet(doc, exported):
    path = _edit(exported, lambda wb: wb.remove(wb["Estimates"]))
    assert _errors(doc, path) == ["Estimates: the sheet is missing"]


def test_a_renamed_header(doc, exported):
    def edit(wb):  # noqa: ANN001
        wb["Team"]["F1"].value = "Full-time"

    assert _errors(doc, _edit(exported, edit)) == [
        'Team!F1: the header should read "FTE", found "Full-time"; headers must keep their exported names']


def test_bad_cells_are_all_listed_in_sheet_row_column_order(doc, exported):
    def edit(wb):  # noqa: ANN001
        team = wb["Team"]
        team["F7"].value = "abc"  # text in a number cell
        team["E4"].value = "#REF!"  # an error value (openpyxl writes it as one)
        team["F5"].value = -1  # FTE out of range
        team["A9"].value = "M99"  # a milestone that does not exist
        wb["Milestones"]["F3"].value = 2.5  # users must be whole

    assert _errors(doc, _edit(exported, edit)) == [
        "Milestones!F3: Target users must be a whole number, got 2.5",
        "Team!E4: Months holds the error value #REF!; type a value or leave the cell empty",
        "Team!F5: FTE must be between 0 and 10, got -1",
        'Team!F7: FTE must be between 0 and 10, got "abc"',
        'Team!A9: Milestone must be an existing milestone (Milestones), got "M99"',
    ]


def test_a_duplicated_role(doc, exported):
    row = len(doc.plan.roles) + 2

    def edit(wb):  # noqa: ANN001
        rc = wb["Rate card"]
        rc.cell(row, 1).value = rc["A2"].value.upper()  # a copied role: names are unique whatever their case
        rc.cell(row, 3).value = 99

    name = doc.plan.roles.get(0, "name")
    assert _errors(doc, _edit(exported, edit)) == [
        f'Rate card!A{row}: Role "{name.upper()}" is already used by row 2']


def test_row_rules_name_the_cell(doc, exported):
    def edit(wb):  # noqa: ANN001
        wb["Milestones"]["E3"].value = 2  # M2's end month before its start month (3)
        est = wb["Estimates"]
        est["C2"].value, est["E2"].value = 5000, 100  # high below low

    errors = _errors(doc, _edit(exported, edit))
    assert errors == ["Milestones!E3: End month 2 is before start month 3", "Estimates!E2: High 100 is below low 5,000"]


def test_a_formula_saved_without_its_result(doc, exported):
    def edit(wb):  # noqa: ANN001
        wb["Team"]["D3"].value = "=80*1.1"  # openpyxl keeps no result: calamine would read ""

    assert _errors(doc, _edit(exported, edit)) == [
        "Team!D3: Hourly rate holds a formula saved without its result; type the value, or open and save "
        "the workbook in Excel or LibreOffice first"]


def test_derived_columns_and_summary_are_ignored(doc, exported):
    def edit(wb):  # noqa: ANN001
        wb["Team"]["K2"].value = "#REF!"  # a broken formula in a derived column
        wb["Summary"]["G7"].value = "nonsense"
        wb["Team"]["Z1"].value = "Investor notes"  # an added column
        wb["Team"]["Z2"].value = "ask about this"

    result = import_workbook(_edit(exported, edit), doc.plan)
    assert not result.diff


def test_cli_import_lists_every_bad_cell_and_writes_nothing(exported, tmp_path, capsys):
    def edit(wb):  # noqa: ANN001
        wb["Team"]["F5"].value = -1
        wb["Team"]["F7"].value = "abc"

    out = tmp_path / "new.vivim"
    code = main(["import", str(_edit(exported, edit)), str(out)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err == ["vivim-planner: Team!F5: FTE must be between 0 and 10, got -1",
                   'vivim-planner: Team!F7: FTE must be between 0 and 10, got "abc"']
    assert not out.exists()


def test_cli_export_then_import(tmp_path, capsys):
    xlsx, plan = tmp_path / "v.xlsx", tmp_path / "v.vivim"
    assert main(["export", str(SAMPLE), str(xlsx)]) == 0
    assert main(["import", str(xlsx), str(plan)]) == 0
    assert main(["import", str(xlsx), str(plan)]) == 2  # no silent overwrite
    assert "exists already" in capsys.readouterr().err
    a, b = PlanDocument.open(SAMPLE, readonly=True), PlanDocument.open(plan, readonly=True)
    try:
        assert snapshot(a.plan) == snapshot(b.plan)
    finally:
        a.close()
        b.close()


QT_PROBE = """
import atexit, json, runpy, sys
out = sys.argv[1]
def report():
    with open(out, 'w') as fh:
        json.dump(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')
                         or m.startswith('vivim_planner.ui')), fh)
atexit.register(report)
sys.argv = ['vivim-planner'] + sys.argv[2:]
runpy.run_module('vivim_planner', run_name='__main__')
"""


def test_export_and_import_commands_never_import_qt(tmp_path):
    import json
    import subprocess
    import sys

    xlsx, csv_dir, plan = tmp_path / "v.xlsx", tmp_path / "csv", tmp_path / "v.vivim"
    for args in (["export", str(SAMPLE), str(xlsx)], ["export", str(SAMPLE), str(csv_dir), "--csv"],
                 ["import", str(xlsx), str(plan)]):
        probe = tmp_path / "loaded.json"
        r = subprocess.run([sys.executable, "-c", QT_PROBE, str(probe), *args], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        assert json.loads(probe.read_text()) == [], args
    assert plan.exists() and len(list(csv_dir.glob("*.csv"))) > 8


def test_bad_plan_settings(doc, exported):
    def edit(wb):  # noqa: ANN001
        ws = wb["Plan"]
        rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
        ws.cell(rows["Hours per month"], 2).value = "=240*2"  # no saved result
        ws.cell(rows["Currency"], 2).value = "dollars"
        ws.cell(rows["Plan name"], 1).value = "Title"  # the label the import looks for is gone

    assert _errors(doc, _edit(exported, edit)) == [
        'Plan: no row labelled "Plan name" in column A',
        'Plan!B6: Currency must be a 3-letter ISO code such as USD or EUR, got "dollars"',
        "Plan!B7: Hours per month holds a formula saved without its result; type the value, or open and save "
        "the workbook in Excel or LibreOffice first"]


def test_a_repeated_name_is_reported_beside_other_bad_cells(doc, exported):
    row = len(doc.plan.roles) + 2

    def edit(wb):  # noqa: ANN001
        rc = wb["Rate card"]
        rc.cell(row, 1).value = rc["A2"].value
        rc["C3"].value = "lots"

    name = doc.plan.roles.get(0, "name")
    assert _errors(doc, _edit(exported, edit)) == [
        'Rate card!C3: Hourly rate must be between 0 and 10,000, got "lots"',
        f'Rate card!A{row}: Role "{name}" is already used by row 2']
