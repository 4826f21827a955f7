"""Commands: validation before anything changes, apply / revert symmetry, cascades, history."""

from __future__ import annotations

import math

import pytest

from vivim_planner.commands import (ChangeSet, Compound, History, InMemory, delete_rows, insert_rows, set_cell,
                                    set_cells, set_settings)
from vivim_planner.domain import CellError, Plan, PlanSettings
from vivim_planner.engine import compute
from plan_helpers import load_synthetic, snapshot


def make_plan() -> Plan:
    plan = Plan(PlanSettings(name="Commands", hours_per_month=160.0))
    plan.milestones.extend([
        {"id": 1, "code": "M1", "name": "MVP", "start_month": 1.0, "end_month": 3.0, "target_users": 100.0},
        {"id": 2, "code": "M2", "name": "Beta", "start_month": 4.0, "end_month": 6.0, "target_users": 1000.0},
        {"id": 3, "code": "M3", "name": "Launch", "start_month": 7.0, "end_month": 9.0, "target_users": 5000.0},
    ])
    plan.roles.extend([
        {"id": 1, "name": "Backend", "hourly_rate": 100.0},
        {"id": 2, "name": "Designer", "hourly_rate": 80.0},
        {"id": 3, "name": "Unused", "hourly_rate": 10.0},
    ])
    # children of M2 interleaved with others so restoring positions matters
    plan.allocations.extend([
        {"id": 1, "milestone": 1, "role": 1, "months": 3.0, "fte": 1.0},
        {"id": 2, "milestone": 2, "role": 1, "months": 2.0, "fte": 0.5, "title": "a"},
        {"id": 3, "milestone": 1, "role": 2, "months": 1.0, "fte": 1.0},
        {"id": 4, "milestone": 2, "role": 2, "months": 2.0, "fte": 1.0, "title": "b"},
        {"id": 5, "milestone": 3, "role": 1, "months": 4.0, "fte": 2.0},
    ])
    plan.build_items.extend([
        {"id": 1, "milestone": 2, "category": "Legal", "amount": 500.0},
        {"id": 2, "milestone": 1, "category": "Infra", "quantity": 2.0, "unit_cost": 10.0},
    ])
    plan.estimates.extend([{"id": 1, "milestone": 2, "category": "Legal", "low": 1.0, "mid": 2.0, "high": 3.0}])
    plan.operating_costs.extend([{"id": 1, "milestone": 2, "driver": "Cloud", "amount": 300.0},
                                 {"id": 2, "milestone": 3, "driver": "Cloud", "amount": 900.0}])
    plan.revenues.extend([{"id": 1, "milestone": 2, "source": "Pro", "amount": 50.0}])
    plan.stated_figures.extend([{"id": 1, "milestone": 2, "metric": "operating_total", "value": 300.0},
                                {"id": 2, "milestone": 0, "metric": "consolidated_total", "value": 1.0}])
    return plan




# -- set_cells ---------------------------------------------------------------------------------

def test_set_cell_apply_and_revert():
    plan = make_plan()
    start = snapshot(plan)
    cmd = set_cell(plan, "allocations", 3, "fte", "50%")
    assert cmd.label == "Edit FTE"
    assert snapshot(plan) == start  # building a command changes nothing
    cs = cmd.apply(plan)
    assert plan.allocations.get(2, "fte") == 0.5
    assert cs.cells == {"allocations": {(3, "fte")}} and not cs.inserted and not cs.deleted
    cs = cmd.revert(plan)
    assert snapshot(plan) == start and cs.cells == {"allocations": {(3, "fte")}}
    cmd.apply(plan)
    assert plan.allocations.get(2, "fte") == 0.5


@pytest.mark.parametrize("edits, where", [
    ([(1, "fte", "0.5"), (4, "fte", "abc")], "Team!F5"),         # second value bad
    ([(4, "months", "2"), (2, "fte", "11")], "Team!F3"),         # first in row order is reported
    ([(1, "role", "CEO"), (1, "fte", "1")], "Team!B2"),          # unknown reference
    ([(5, "milestone", ""), (5, "title", "x")], "Team!A6"),      # required reference emptied
])
def test_set_cells_refuses_the_whole_batch_on_any_bad_value(edits, where):
    plan = make_plan()
    start = snapshot(plan)
    with pytest.raises(CellError) as e:
        set_cells(plan, "allocations", edits)
    assert e.value.where == where
    assert snapshot(plan) == start


def test_set_cells_checks_rows_as_they_would_be_after_all_edits():
    plan = make_plan()
    start = snapshot(plan)
    # moving both months at once is fine even though either alone would break the order
    cmd = set_cells(plan, "milestones", [(1, "start_month", "10"), (1, "end_month", "12")])
    # but an end before the start is refused, and so is a duplicate code
    with pytest.raises(CellError, match=r"^Milestones!E3: End month 2 is before start month 4$"):
        set_cells(plan, "milestones", [(2, "end_month", "2"), (1, "name", "renamed")])
    with pytest.raises(CellError, match=r'^Milestones!A4: Code "m1" is already used by row 2$'):
        set_cells(plan, "milestones", [(3, "code", "m1")])
    with pytest.raises(CellError, match=r"^Estimates!D2: Mid 9 lies outside low 1 to high 3$"):
        set_cell(plan, "estimates", 1, "mid", "9")
    assert snapshot(plan) == start
    cmd.apply(plan)
    assert plan.milestones.row(0)["start_month"] == 10.0 and plan.milestones.row(0)["end_month"] == 12.0


def test_set_cells_refuses_two_rows_renamed_alike_in_one_batch():
    plan = make_plan()
    start = snapshot(plan)
    with pytest.raises(CellError, match=r'^Rate card!A3: Role "qa" appears twice$'):
        set_cells(plan, "roles", [(1, "name", "QA"), (2, "name", "qa")])
    with pytest.raises(CellError, match=r'^Milestones!A4: Code "X" appears twice$'):
        set_cells(plan, "milestones", [(3, "code", "X"), (1, "code", "x "), (1, "name", "y")])
    assert snapshot(plan) == start
    set_cells(plan, "roles", [(1, "name", "QA"), (2, "name", "Design")]).apply(plan)
    assert plan.roles.column("name")[:2] == ["QA", "Design"]


def test_set_cells_drops_edits_that_change_nothing_and_merges_labels():
    plan = make_plan()
    cmd = set_cells(plan, "allocations", [(1, "fte", "1"), (1, "months", "3"), (2, "title", "a")])
    assert cmd.edits == []
    assert not cmd.apply(plan)
    cmd = set_cells(plan, "allocations", [(1, "fte", "2"), (2, "months", "1")])
    assert cmd.label == "Edit 2 cells"
    # an emptied optional number is NaN, and emptying an empty cell is no edit
    assert set_cell(plan, "allocations", 1, "hourly_rate", "").edits == []
    cmd = set_cell(plan, "allocations", 1, "months", "")
    cmd.apply(plan)
    assert math.isnan(plan.allocations.get(0, "months"))


def test_set_cells_resolves_references_by_code_and_recompute_follows():
    plan = make_plan()
    before = compute(plan).bottom_up["mid"][:, 0].copy()
    cmd = set_cells(plan, "allocations", [(1, "milestone", "m3"), (1, "role", "designer")])
    cmd.apply(plan)
    assert plan.allocations.row(0)["milestone"] == 3 and plan.allocations.row(0)["role"] == 2
    after = compute(plan).bottom_up["mid"][:, 0]
    # line 1 moved from M1 (100 x 160 x 3 = 48,000) to M3 at the designer's rate (80 x 160 x 3 = 38,400)
    assert after[0] == before[0] - 48000.0
    assert after[2] == before[2] + 38400.0
    cmd.revert(plan)
    assert compute(plan).bottom_up["mid"][:, 0].tolist() == before.tolist()


def test_editing_the_same_cell_twice_in_one_batch_reverts_to_the_original():
    plan = make_plan()
    start = snapshot(plan)
    cmd = set_cells(plan, "allocations", [(1, "fte", "2"), (1, "fte", "3")])
    cmd.apply(plan)
    assert plan.allocations.get(0, "fte") == 3.0
    cmd.revert(plan)
    assert snapshot(plan) == start


# -- inserting rows -----------------------------------------------------------------------------

def test_insert_rows_at_a_position_and_undo_redo_keep_ids():
    plan = make_plan()
    start = snapshot(plan)
    cmd = insert_rows(plan, "allocations", 1, [{"role": "Designer", "fte": "0.5"}, {"milestone": "M1"}])
    assert snapshot(plan) == start
    cs = cmd.apply(plan)
    assert cmd.ids == [6, 7] and cs.inserted == {"allocations": [6, 7]}
    assert plan.allocations.ids.tolist() == [1, 6, 7, 2, 3, 4, 5]
    new = plan.allocations.row(1)
    assert (new["role"], new["fte"], new["milestone"], new["months"]) == (2, 0.5, 3, 1.0)  # last milestone
    assert plan.allocations.row(2)["milestone"] == 1 and plan.allocations.row(2)["role"] == 1  # first role
    cs = cmd.revert(plan)
    assert snapshot(plan) == start and cs.deleted == {"allocations": [7, 6]}
    cmd.apply(plan)
    assert plan.allocations.ids.tolist() == [1, 6, 7, 2, 3, 4, 5]


def test_insert_rows_refuses_bad_values_at_their_future_address():
    plan = make_plan()
    start = snapshot(plan)
    with pytest.raises(CellError, match=r'^Team!F4: FTE must be between 0 and 10, got "x"$'):
        insert_rows(plan, "allocations", 1, [{}, {"fte": "x"}])
    with pytest.raises(CellError, match=r'^Milestones!A5: Code "M1" is already used by row 2$'):
        insert_rows(plan, "milestones", 3, [{"code": "M1"}])
    with pytest.raises(CellError, match=r'^Rate card!A6: Role "qa" appears twice$'):
        insert_rows(plan, "roles", 3, [{"name": "QA"}, {"name": "qa"}])
    assert snapshot(plan) == start


def test_insert_rows_refuses_a_position_outside_the_table():
    plan = make_plan()
    start = snapshot(plan)
    for pos in (-1, 6, 100):
        with pytest.raises(IndexError):
            insert_rows(plan, "allocations", pos, [{}])
    assert snapshot(plan) == start
    insert_rows(plan, "allocations", 5, [{}]).apply(plan)  # the end is a valid position
    assert plan.allocations.ids.tolist()[-1] == 6


def test_several_new_milestones_and_roles_get_distinct_codes_and_names():
    plan = make_plan()
    cmd = insert_rows(plan, "milestones", 3, [{}, {}, {"name": "Scale"}])
    cmd.apply(plan)
    assert plan.milestones.column("code") == ["M1", "M2", "M3", "M4", "M5", "M6"]
    cmd = insert_rows(plan, "roles", 0, [{"category": "Eng"}, {"category": "Ops"}])
    cmd.apply(plan)
    assert plan.roles.column("name")[:2] == ["New role 4", "New role 5"]
    # a name typed for a later row is not handed out to an earlier one
    cmd = insert_rows(plan, "roles", 0, [{}, {"name": "New role 6"}])
    cmd.apply(plan)
    assert plan.roles.column("name")[:2] == ["New role 7", "New role 6"]


# -- deleting rows ------------------------------------------------------------------------------

def test_delete_rows_and_restore_in_place():
    plan = make_plan()
    start = snapshot(plan)
    cmd = delete_rows(plan, "allocations", [4, 2, 4])
    cs = cmd.apply(plan)
    assert plan.allocations.ids.tolist() == [1, 3, 5]
    assert sorted(cs.deleted["allocations"]) == [2, 4]
    cmd.revert(plan)
    assert snapshot(plan) == start


def test_deleting_a_milestone_cascades_and_undo_restores_children_in_place():
    plan = make_plan()
    start = snapshot(plan)
    cmd = delete_rows(plan, "milestones", [2])
    cs = cmd.apply(plan)
    assert plan.milestones.ids.tolist() == [1, 3]
    assert plan.allocations.ids.tolist() == [1, 3, 5]
    assert len(plan.build_items) == 1 and len(plan.estimates) == 0 and len(plan.revenues) == 0
    assert plan.operating_costs.ids.tolist() == [2]
    assert plan.stated_figures.ids.tolist() == [2]  # plan-wide figure (no milestone) stays
    assert cs.deleted == {"milestones": [2], "allocations": [2, 4], "build_items": [1], "estimates": [1],
                          "operating_costs": [1], "revenues": [1], "stated_figures": [1]}
    for name, t in plan.tables.items():
        if "milestone" in t.spec.by_name:
            assert 2 not in set(t.column("milestone").tolist()), name
    cmd.revert(plan)
    assert snapshot(plan) == start
    cmd.apply(plan)
    cmd.revert(plan)
    assert snapshot(plan) == start


def test_deleting_several_milestones_at_once_round_trips():
    plan = make_plan()
    start = snapshot(plan)
    cmd = delete_rows(plan, "milestones", [3, 1])
    cmd.apply(plan)
    assert plan.milestones.ids.tolist() == [2] and plan.allocations.ids.tolist() == [2, 4]
    cmd.revert(plan)
    assert snapshot(plan) == start


def test_deleting_milestones_of_a_larger_plan_restores_every_line_in_place():
    plan = load_synthetic().make_plan(milestones=6, roles=8, allocations=600, cost_lines=150, seed=3)
    start = snapshot(plan)
    h = History(InMemory(plan))
    h.push(delete_rows(plan, "milestones", [4, 2]))
    h.push(delete_rows(plan, "allocations", plan.allocations.ids[::3].tolist()))
    for name, t in plan.tables.items():
        if "milestone" in t.spec.by_name:
            assert not ({2, 4} & set(t.column("milestone").tolist())), name
    h.undo()
    h.undo()
    assert snapshot(plan) == start
    h.redo()
    assert 4 not in plan.milestones.ids.tolist()


def test_deleting_a_role_in_use_is_refused():
    plan = make_plan()
    start = snapshot(plan)
    with pytest.raises(CellError) as e:
        delete_rows(plan, "roles", [3, 2])
    assert str(e.value) == 'Rate card!A3: role "Designer" is used by 2 team line(s); reassign or delete them first'
    assert snapshot(plan) == start
    delete_rows(plan, "roles", [3]).apply(plan)
    assert plan.roles.ids.tolist() == [1, 2]


# -- settings ----------------------------------------------------------------------------------

def test_settings_edit_apply_revert_and_recompute():
    plan = make_plan()
    before = compute(plan).allocation_cost[0]  # 100 x 160 x 3 x 1 = 48,000
    assert before == 48000.0
    cmd = set_settings(plan, {"hours_per_month": "240", "currency": "eur", "name": "Commands"})
    assert cmd.changes == {"hours_per_month": 240.0, "currency": "EUR"}  # unchanged name dropped
    cs = cmd.apply(plan)
    assert cs.settings == {"hours_per_month", "currency"}
    assert plan.settings.currency == "EUR" and compute(plan).allocation_cost[0] == 72000.0
    cmd.revert(plan)
    assert plan.settings == PlanSettings(name="Commands", hours_per_month=160.0)
    with pytest.raises(CellError, match=r"^Plan: Hours per month must be between 1 and 744"):
        set_settings(plan, {"currency": "GBP", "hours_per_month": "1000"})
    assert plan.settings.currency == "USD"


# -- compound and history ---------------------------------------------------------------------

def test_compound_is_one_step_and_reverts_in_reverse_order():
    plan = make_plan()
    start = snapshot(plan)
    ins = insert_rows(plan, "milestones", 3, [{"code": "M9"}])
    edit = set_cell(plan, "milestones", 1, "name", "First")
    history = History(InMemory(plan))
    cs = history.push(Compound([ins, edit], "Paste"))
    assert cs.inserted == {"milestones": [4]} and cs.cells == {"milestones": {(1, "name")}}
    history.undo()
    assert snapshot(plan) == start
    history.redo()
    assert plan.milestones.column("code")[-1] == "M9" and plan.milestones.get(0, "name") == "First"


def test_history_undo_redo_and_clean_state():
    plan = make_plan()
    start = snapshot(plan)
    h = History(InMemory(plan))
    assert h.is_clean and not h.can_undo and not h.can_redo
    assert h.undo() == ChangeSet() and h.redo() == ChangeSet()
    h.push(set_cell(plan, "allocations", 1, "fte", "2"))
    assert not h.is_clean and h.can_undo
    after_one = snapshot(plan)
    h.push(set_cell(plan, "milestones", 1, "name", "x"))
    h.set_clean()  # saved here
    assert h.is_clean
    h.undo()
    assert not h.is_clean and snapshot(plan) == after_one
    h.redo()
    assert h.is_clean
    h.undo()
    h.undo()
    assert snapshot(plan) == start and not h.can_undo and h.can_redo
    # a new edit discards the redo branch, and with it the saved state: never clean again
    h.push(set_cell(plan, "allocations", 2, "fte", "1"))
    assert not h.can_redo and not h.is_clean
    h.undo()
    assert not h.is_clean
    h.redo()
    assert not h.is_clean


def test_history_clean_state_survives_edits_after_the_save_point():
    plan = make_plan()
    h = History(InMemory(plan))
    h.push(set_cell(plan, "allocations", 1, "fte", "2"))
    h.set_clean()
    h.push(set_cell(plan, "allocations", 1, "fte", "3"))
    h.push(set_cell(plan, "allocations", 1, "fte", "4"))
    assert not h.is_clean
    h.undo()
    h.undo()
    assert h.is_clean and plan.allocations.get(0, "fte") == 2.0


def test_a_cell_edited_twice_in_one_command_takes_its_last_value():
    from vivim_planner.commands import set_cells
    from vivim_planner.domain import Plan

    plan = Plan()
    plan.milestones.extend([{"id": 1, "code": "M1", "name": "A", "start_month": 1.0, "end_month": 3.0}])
    plan.estimates.extend([{"id": 1, "milestone": 1, "category": "Personnel", "low": 10.0, "high": 30.0}])
    cmd = set_cells(plan, "estimates", [(1, "mid", "0"), (1, "mid", "")])  # 0 alone is refused
    assert cmd.edits == []
    cmd = set_cells(plan, "estimates", [(1, "mid", "0"), (1, "mid", "20")])
    cmd.apply(plan)
    assert plan.estimates.get(0, "mid") == 20.0
