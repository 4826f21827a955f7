"""Any spreadsheet or CSV into a grid: columns matched by synonyms or ``--map``, every cell checked
by the grid's rules with errors at the source's own ``Sheet!Cell``, nothing written on an error,
and into an open plan as one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from vivim_planner.cli import main
from vivim_planner.commands import History, InMemory
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.engine import summary
from vivim_planner.sources.spreadsheet import MappingError, guess_table, import_sheet, read_sheet, sheet_command
from vivim_planner.storage import PlanDocument


def run(capsys, *args: str):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def team_csv(tmp_path) -> Path:
    p = tmp_path / "team.csv"
    p.write_text("Phase,Position,Person,Hourly Rate,Months,Qty,Notes\n"
                 "M1,Engineer,Ana,$85,3,1,lead\n"
                 "M1,Designer,Ben,60,2,50%,\n"
                 "M2,Engineer,Ana,85,4,1,\n"
                 "Total,,,,,,\n", encoding="utf-8")
    return p


def test_a_csv_with_a_map_becomes_team_lines(tmp_path, capsys, team_csv):
    out = tmp_path / "team.vivim"
    code, text, err = run(capsys, "import", str(team_csv), str(out), "--map",
                          "Hourly Rate=rate,Qty=fte,Position=role,Person=title")
    assert code == 0, err
    assert "Hourly Rate -> Hourly rate" in text and "Qty -> FTE" in text and "not used: Notes" in text
    assert 'a total row ("Total"), not a line: kept out' in text
    doc = PlanDocument.open(out, readonly=True)
    try:
        plan = doc.plan
        rows = plan.allocations.rows()
        assert [(plan.ref_label("roles", r["role"]), r["title"], r["hourly_rate"], r["months"], r["fte"]) for r in rows] == [
            ("Engineer", "Ana", 85, 3, 1), ("Designer", "Ben", 60, 2, 0.5), ("Engineer", "Ana", 85, 4, 1)]
        assert summary(plan)["totals"]["mid"] == (85 * 3 + 60 * 2 * 0.5 + 85 * 4) * 160
    finally:
        doc.close()


def test_bad_cells_are_listed_at_the_sources_address_and_nothing_is_written(tmp_path, capsys):
    bad = tmp_path / "Hiring plan.csv"
    bad.write_text("Phase,Position,Hourly Rate,Months,Qty\nM1,Engineer,abc,3,1\nM1,Designer,60,2,11\n"
                   "M1,Writer,60,\"0,5\",1\n", encoding="utf-8")
    out = tmp_path / "out.vivim"
    code, _, err = run(capsys, "import", str(bad), str(out), "--map", "Hourly Rate=rate,Qty=fte,Position=role")
    assert code == 2
    assert err.splitlines() == [
        'vivim-planner: Hiring plan!C2: Hourly rate must be between 0 and 10,000, got "abc"',
        "vivim-planner: Hiring plan!E3: FTE must be between 0 and 10, got 11",
        'vivim-planner: Hiring plan!D4: Months got "0,5", a decimal comma: write 0.5 (this plan writes numbers as '
        "1,234.5; its number format setting changes that)",
    ]
    assert not out.exists()


def test_map_errors_name_the_header_or_field(team_csv):
    with pytest.raises(MappingError) as e:
        read_sheet(team_csv, {"Hourly rat": "rate", "Qty": "speed"}, table="team")
    assert e.value.errors[0].startswith('--map: no column "Hourly rat" (the headers are: Phase, Position')
    assert e.value.errors[1].startswith('--map: "speed" is not a field of Team (fields: milestone, role')


def test_headers_pick_the_grid_or_ask_for_table(tmp_path):
    assert guess_table(["Item", "Qty", "Unit price", "Cost"]) == "build_items"
    assert guess_table(["Role", "Hourly rate", "Months", "FTE"]) == "allocations"
    assert guess_table(["Service", "Seats", "Price each", "Monthly cost"]) == "operating_costs"
    p = tmp_path / "x.csv"
    p.write_text("Alpha,Beta\n1,2\n", encoding="utf-8")
    with pytest.raises(MappingError, match="name the grid"):
        read_sheet(p)


def test_a_foreign_workbook_sheet_into_build_costs(tmp_path, capsys):
    book = tmp_path / "budget.xlsx"
    wb = xlsxwriter.Workbook(book)
    ws = wb.add_worksheet("Notes")
    ws.write(0, 0, "nothing here")
    ws = wb.add_worksheet("Budget")
    for r, row in enumerate([["Item", "Qty", "Unit price", "Cost"], ["Laptop", 2, 1800, None],
                             ["Logo", None, None, "$2,500"], ["Total", None, None, 6100]]):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.close()
    out = tmp_path / "b.vivim"
    code, text, err = run(capsys, "import", str(book), str(out), "--sheet", "budget", "--table", "build")
    assert code == 0, err
    doc = PlanDocument.open(out, readonly=True)
    try:
        rows = doc.plan.build_items.rows()
        assert [(r["description"], r["quantity"], r["unit_cost"], r["amount"]) for r in rows][0][:3] == ("Laptop", 2, 1800)
        assert rows[1]["amount"] == 2_500 and len(rows) == 2
        assert summary(doc.plan)["totals"]["mid"] == 6_100
    finally:
        doc.close()
    # a bad cell in the workbook is named by its sheet and cell
    wb = xlsxwriter.Workbook(book)
    ws = wb.add_worksheet("Budget")
    ws.write_row(0, 0, ["Item", "Qty", "Unit price"])
    ws.write_row(1, 0, ["Laptop", -2, 1800])
    wb.close()
    code, _, err = run(capsys, "import", str(book), str(tmp_path / "c.vivim"), "--table", "build")
    assert code == 2 and "Budget!B2: Qty must be" in err


def test_rows_into_an_open_plan_are_one_undo_step(team_csv):
    plan = Plan(PlanSettings(name="Open"))
    s = read_sheet(team_csv, {"Hourly Rate": "rate", "Qty": "fte", "Position": "role", "Person": "title"}, plan=plan)
    history = History(InMemory(plan))
    history.push(sheet_command(plan, s))
    assert (len(plan.milestones), len(plan.roles), len(plan.allocations)) == (2, 2, 3)
    history.undo()
    assert (len(plan.milestones), len(plan.roles), len(plan.allocations)) == (0, 0, 0)
    history.redo()
    assert len(plan.allocations) == 3


def test_import_sheet_returns_the_plan_without_writing(team_csv):
    result = import_sheet(team_csv, {"Hourly Rate": "rate", "Qty": "fte", "Position": "role"})
    assert len(result.plan.allocations) == 3 and result.report.counts["Team"] == 3


def test_someone_elses_workbook_needs_no_flags(tmp_path, capsys):
    book = tmp_path / "mine.xlsx"
    wb = xlsxwriter.Workbook(book)
    ws = wb.add_worksheet("Costs")
    ws.write_row(0, 0, ["Item", "Qty", "Unit price"])
    ws.write_row(1, 0, ["Laptop", 2, 1800])
    wb.close()
    code, text, err = run(capsys, "import", str(book), str(tmp_path / "m.vivim"))
    assert code == 0, err
    assert "Costs header -> 1 rows -> Build costs: Item -> Description, Qty -> Qty, Unit price -> Unit cost" in text
