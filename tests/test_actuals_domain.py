"""Actuals tables (schema 4): the migration from schema 3, the row rules, and budget amendments
recorded when an estimate changes after actuals exist (one undo step)."""

from __future__ import annotations

import math
import shutil
import sqlite3
from pathlib import Path

import pytest

from vivim_planner.commands import History, insert_rows, set_cell
from vivim_planner.commands.amendments import amend_budget
from vivim_planner.domain import CellError
from vivim_planner.domain.actuals_rules import actual_categories
from vivim_planner.engine.timeline import timeline
from vivim_planner.storage import SCHEMA_VERSION, PlanDocument
from vivim_planner.storage.integrity import connect, schema_difference

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_models").glob("*.vivim"))
NEW_TABLES = ("actuals", "category_map", "budget_amendments")


def _vivim_copy(tmp_path: Path) -> PlanDocument:
    path = tmp_path / "vivim.vivim"
    shutil.copy(ROOT / "sample_models" / "vivim.vivim", path)
    return PlanDocument.open(path)


def test_a_schema_3_file_gains_the_actuals_tables_and_nothing_else_changes(tmp_path):
    doc = _vivim_copy(tmp_path)
    before = {name: t.rows() for name, t in doc.plan.tables.items()}
    doc.close()
    path = tmp_path / "vivim.vivim"
    con = sqlite3.connect(path)  # make it the file schema 3 wrote: no actuals tables, version 3
    for name in NEW_TABLES:
        con.execute(f"DROP TABLE {name}")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    doc = PlanDocument.open(path)
    try:
        after = {name: t.rows() for name, t in doc.plan.tables.items()}
    finally:
        doc.close()
    assert SCHEMA_VERSION == 4
    assert str(after) == str(before)  # NaN-safe equality of every row of every table
    con = connect(path, readonly=True)
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)
        assert schema_difference(con) is None or schema_difference(con) == ""
        for name in NEW_TABLES:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (0,)
    finally:
        con.close()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_operating_component_of_a_sample_is_a_category_an_actual_can_take(path):
    doc = PlanDocument.open(path, readonly=True)
    try:
        tl = timeline(doc.plan)
        known = {c.casefold() for c in actual_categories(doc.plan)}
    finally:
        doc.close()
    names = set(tl.build_categories) | set(tl.operating_names)
    assert {n.casefold() for n in names} <= known


def test_an_unknown_category_and_a_date_outside_its_month_are_refused(tmp_path):
    doc = _vivim_copy(tmp_path)
    plan = doc.plan
    with pytest.raises(CellError) as e:
        insert_rows(plan, "actuals", 0, [{"month": 1, "category": "Infrastucture", "amount": 10}])
    assert str(e.value).startswith('Actuals!B2: Category "Infrastucture" is not a category of this plan')
    assert "Infrastructure" in str(e.value)
    with pytest.raises(CellError, match=r"Actuals!D2: Date must be a day written YYYY-MM-DD"):
        insert_rows(plan, "actuals", 0, [{"month": 1, "category": "Legal", "amount": 10, "date": "31/02/2026"}])
    plan.settings = plan.with_settings(start_date="2026-01")
    with pytest.raises(CellError, match=r"Actuals!A2: Month 1 does not match the date 2026-03-15, plan month 3"):
        insert_rows(plan, "actuals", 0, [{"month": 1, "category": "Legal", "amount": 10, "date": "2026-03-15"}])
    with pytest.raises(CellError, match=r"Category map!B2: Category \"Cloud\" is not a category"):
        insert_rows(plan, "category_map", 0, [{"pattern": "DIGITALOCEAN", "category": "Cloud"}])
    ok = insert_rows(plan, "actuals", 0, [{"month": 3, "category": "legal", "amount": "-1,200.50",
                                          "date": "2026-03-15"}])
    assert ok.rows[0][1]["amount"] == -1200.5  # a refund
    doc.close()


def test_an_estimate_changed_after_actuals_records_an_amendment_in_the_same_undo_step(tmp_path):
    doc = _vivim_copy(tmp_path)
    plan = doc.plan
    history = History(doc)
    est = plan.estimates
    rid = int(est.ids[0])
    before = float(est.get(0, "mid"))
    history.push(set_cell(plan, "estimates", rid, "mid", 90_000))  # no actuals yet: nothing recorded
    assert len(plan.tables["budget_amendments"]) == 0
    history.push(insert_rows(plan, "actuals", 0, [{"month": 1, "category": "Personnel", "amount": 30_000}]))
    history.push(set_cell(plan, "estimates", rid, "mid", 95_000))
    am = plan.tables["budget_amendments"]
    assert len(am) == 1
    row = am.row(0)
    assert (row["milestone"], row["category"], row["bound"], row["old_value"], row["new_value"]) == (
        int(est.get(0, "milestone")), est.get(0, "category"), "mid", 90_000.0, 95_000.0)
    assert row["changed_at"].endswith(" UTC") and len(row["changed_at"]) == len("2026-03-31 17:05 UTC")
    history.undo()
    assert len(am) == 0 and est.get(0, "mid") == 90_000.0
    history.redo()
    assert len(am) == 1 and est.get(0, "mid") == 95_000.0
    assert before != 95_000.0
    doc.close()


def test_amend_budget_keeps_the_reason_and_refuses_without_one(tmp_path):
    doc = _vivim_copy(tmp_path)
    plan = doc.plan
    with pytest.raises(CellError, match="Say why"):
        amend_budget(plan, "M1", "Legal", "mid", 4000, " ")
    with pytest.raises(CellError, match="M99"):
        amend_budget(plan, "M99", "Legal", "mid", 4000, "quote")
    with pytest.raises(CellError, match="Estimates!"):
        amend_budget(plan, "M1", "Legal", "mid", -5, "quote")
    history = History(doc)
    history.push(amend_budget(plan, "M1", "Legal", "mid", "4,000", "Counsel's quote", when="2026-03-31 17:05 UTC"))
    row = plan.tables["budget_amendments"].row(0)
    assert (row["category"], row["old_value"], row["new_value"], row["reason"], row["changed_at"]) == (
        "Legal", 2500.0, 4000.0, "Counsel's quote", "2026-03-31 17:05 UTC")
    history.push(amend_budget(plan, "M1", "Security", "high", 9000, "new line", when="x"))
    assert math.isnan(plan.tables["budget_amendments"].row(1)["old_value"])
    history.undo()
    assert len(plan.tables["budget_amendments"]) == 1
    doc.close()


def test_an_actual_keeps_a_category_the_plan_later_drops_and_the_rules_still_hold(tmp_path):
    from vivim_planner.commands import delete_rows

    doc = _vivim_copy(tmp_path)
    plan = doc.plan
    history = History(doc)
    history.push(insert_rows(plan, "milestones", len(plan.milestones), [{"code": "M11", "name": "Extra"}]))
    history.push(insert_rows(plan, "estimates", len(plan.estimates), [{"milestone": "M11", "category": "Security"}]))
    history.push(insert_rows(plan, "actuals", 0, [{"month": 2, "category": "security", "amount": 900}]))
    history.push(delete_rows(plan, "milestones", [plan.find_ref("milestones", "M11")]))  # Security is gone
    acts = plan.tables["actuals"]
    rid = int(acts.ids[0])
    row = acts.row(0)
    row.pop("id")
    plan.check_row("actuals", 0, row, row_id=rid)  # what it holds stays valid
    history.push(set_cell(plan, "actuals", rid, "amount", 950))  # and it can still be edited
    set_cell(plan, "actuals", rid, "category", "SECURITY")  # the same category, spelt otherwise: kept
    with pytest.raises(CellError, match='Category "Securty" is not a category'):
        set_cell(plan, "actuals", rid, "category", "Securty")  # another one must be the plan's
    with pytest.raises(CellError, match='Category "Security" is not a category'):
        insert_rows(plan, "actuals", 0, [{"month": 2, "category": "Security", "amount": 1}])  # and a new row's
    doc.close()
