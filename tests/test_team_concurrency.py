"""Two clients on one team plan (a real PostgreSQL server): optimistic concurrency, nothing lost.

Each test opens the plan twice, as alex and as sam, the way two laptops would."""

from __future__ import annotations

import math

import pytest

from pg_server import pg_db, pg_server  # noqa: F401 - fixtures
from plan_helpers import snapshot
from vivim_planner.commands import History, delete_rows, insert_rows, paste_block, set_cell, set_settings
from vivim_planner.engine import compute
from vivim_planner.samples import sample_path
from vivim_planner.storage import PlanDocument
from vivim_planner.storage.postgres import TeamDocument
from vivim_planner.storage.postgres_sync import TeamConflict


@pytest.fixture
def two(pg_server, pg_db):  # noqa: F811
    """(alex's document, sam's document, url) on one freshly published copy of the VIVIM sample."""
    url = pg_server.url(pg_db, "alex", plan="vivim")
    src = PlanDocument.open(sample_path("vivim"), readonly=True)
    TeamDocument.publish(src.plan, url)
    src.close()
    alex = TeamDocument.open(url)
    sam = TeamDocument.open(pg_server.url(pg_db, "sam", plan="vivim"))
    yield alex, sam, url
    alex.close()
    sam.close()


def fte(doc: TeamDocument, rid: int) -> float:
    t = doc.plan.allocations
    return t.get(t.position(rid), "fte")


def fresh(url: str) -> TeamDocument:
    return TeamDocument.open(url, readonly=True)


def test_different_cells_both_land_even_in_one_row(two):
    alex, sam, url = two
    a, b = (int(i) for i in alex.plan.allocations.ids[:2])
    alex.apply(set_cell(alex.plan, "allocations", a, "fte", "0.5"))
    sam.apply(set_cell(sam.plan, "allocations", b, "fte", "0.25"))  # sam has not seen alex's edit yet
    sam.apply(set_cell(sam.plan, "allocations", a, "months", "2"))  # same row as alex, another cell
    server = fresh(url)
    t = server.plan.allocations
    assert (t.get(t.position(a), "fte"), t.get(t.position(b), "fte"), t.get(t.position(a), "months")) == (0.5, 0.25, 2)
    # sam's commits read what alex did in between: both documents show the server's plan
    alex.poll()
    assert snapshot(alex.plan) == snapshot(sam.plan) == snapshot(server.plan)
    assert compute(sam.plan).totals == compute(server.plan).totals
    server.close()


def test_same_cell_second_is_refused_with_who_changed_what_and_nothing_is_lost(two):
    alex, sam, url = two
    rid = int(alex.plan.allocations.ids[4])
    pos = alex.plan.allocations.position(rid)
    alex.apply(set_cell(alex.plan, "allocations", rid, "fte", "0.5"))
    sam_history = History(sam)
    with pytest.raises(TeamConflict) as e:
        sam_history.push(set_cell(sam.plan, "allocations", rid, "fte", "0.75"))
    assert str(e.value).startswith(f"Team!F{pos + 2} was changed to 0.5 by alex ")
    assert str(e.value).endswith("s ago; your 0.75 was not applied")
    assert not sam_history.can_undo  # no phantom undo step
    assert fte(sam, rid) == 0.5  # sam now sees alex's value, as the server has it
    server = fresh(url)
    assert fte(server, rid) == 0.5
    assert snapshot(server.plan) == snapshot(sam.plan)
    server.close()
    # seen it: sam may now overwrite it
    sam_history.push(set_cell(sam.plan, "allocations", rid, "fte", "0.75"))
    assert fte(fresh(url), rid) == 0.75


def test_editing_a_row_another_client_deleted_is_refused(two):
    alex, sam, url = two
    t = alex.plan.build_items
    rid = int(t.ids[2])
    alex.apply(delete_rows(alex.plan, "build_items", [rid]))
    with pytest.raises(TeamConflict, match=r"^Build costs row \d+ was deleted by alex \d+ s ago; your edit was not applied"):
        sam.apply(set_cell(sam.plan, "build_items", rid, "amount", "1234"))
    assert not sam.plan.build_items.has_id(rid)  # sam's plan follows the server
    server = fresh(url)
    assert snapshot(server.plan) == snapshot(sam.plan)
    assert not server.plan.build_items.has_id(rid)


def test_deleting_a_row_another_client_just_changed_is_refused(two):
    alex, sam, url = two
    rid = int(alex.plan.allocations.ids[1])
    alex.apply(set_cell(alex.plan, "allocations", rid, "fte", "0.5"))
    with pytest.raises(TeamConflict, match=r"^Team row \d+ was changed by alex \d+ s ago \(FTE to 0.5\); your delete"):
        sam.apply(delete_rows(sam.plan, "allocations", [rid]))
    assert fte(sam, rid) == 0.5 and fte(fresh(url), rid) == 0.5


def test_undo_after_a_remote_change_is_refused_never_silently_applied(two):
    alex, sam, url = two
    rid = int(alex.plan.allocations.ids[0])
    original = fte(alex, rid)
    hist = History(alex)
    hist.push(set_cell(alex.plan, "allocations", rid, "fte", "0.25"))
    sam.poll(timeout=2)
    assert fte(sam, rid) == 0.25
    sam.apply(set_cell(sam.plan, "allocations", rid, "fte", "0.5"))
    alex.poll(timeout=2)  # alex even sees sam's value: the undo would still overwrite it
    with pytest.raises(TeamConflict, match=r"^Team!F\d+ was changed to 0.5 by sam \d+ s ago; your undo to "
                                           rf"{original:g} was not applied"):
        hist.undo()
    assert hist.can_undo  # the step stays, as with a failed write
    assert fte(alex, rid) == 0.5 == fte(fresh(url), rid)


def test_undo_and_redo_of_own_edits_work_when_others_touch_other_cells(two):
    alex, sam, url = two
    a, b = (int(i) for i in alex.plan.allocations.ids[:2])
    hist = History(alex)
    hist.push(set_cell(alex.plan, "allocations", a, "fte", "0.25"))
    hist.push(set_cell(alex.plan, "allocations", a, "fte", "0.5"))
    sam.apply(set_cell(sam.plan, "allocations", b, "fte", "2"))
    hist.undo()
    hist.undo()
    hist.redo()
    server = fresh(url)
    assert fte(server, a) == 0.25 and fte(server, b) == 2
    assert snapshot(server.plan) == snapshot(alex.plan)


def test_rows_added_at_once_by_two_clients_get_distinct_ids_and_both_land(two):
    alex, sam, url = two
    n = len(alex.plan.build_items)
    alex.apply(insert_rows(alex.plan, "build_items", n, [{"description": "Alex's laptop", "amount": "1500"}]))
    sam.apply(insert_rows(sam.plan, "build_items", n, [{"description": "Sam's monitor", "amount": "400"}]))
    sam.apply(paste_block(sam.plan, "build_items", [], [{"description": "Desk", "amount": "300"}]))
    server = fresh(url)
    items = server.plan.build_items.column("description")
    assert {"Alex's laptop", "Sam's monitor", "Desk"} <= set(items)
    assert len(set(server.plan.build_items.ids.tolist())) == n + 3
    alex.poll(timeout=2)
    assert snapshot(alex.plan) == snapshot(sam.plan) == snapshot(server.plan)
    # what an Excel import asks for a new row (Table.next_id) stays in each client's own block
    ids = set(server.plan.build_items.ids.tolist())
    mine, theirs = alex.plan.build_items.next_id(), sam.plan.build_items.next_id()
    assert mine not in ids and theirs not in ids and abs(mine - theirs) >= 1000


def test_a_setting_changed_by_both_refuses_the_second(two):
    alex, sam, url = two
    alex.apply(set_settings(alex.plan, {"hours_per_month": "150"}))
    with pytest.raises(TeamConflict, match=r"^Plan: hours per month was changed to 150.0? by alex .* your 170.0? was not"):
        sam.apply(set_settings(sam.plan, {"hours_per_month": "170"}))
    assert sam.plan.settings.hours_per_month == 150 == fresh(url).plan.settings.hours_per_month


def test_a_team_line_whose_role_was_deleted_meanwhile_is_refused(two):
    alex, sam, url = two
    roles = alex.plan.roles
    used = set(alex.plan.allocations.column("role").tolist())
    free = next(int(r) for r in roles.ids if int(r) not in used)
    alex.apply(delete_rows(alex.plan, "roles", [free]))
    rid = int(sam.plan.allocations.ids[0])
    name = sam.plan.roles.get(sam.plan.roles.position(free), "name")
    with pytest.raises(TeamConflict, match="another client changed the rows it depends on"):
        sam.apply(set_cell(sam.plan, "allocations", rid, "role", name))
    assert snapshot(sam.plan) == snapshot(fresh(url).plan)
    assert not math.isnan(fte(sam, rid))


def test_a_commit_reaches_the_other_client_as_its_changeset(two):
    alex, sam, url = two
    rid = int(alex.plan.allocations.ids[2])
    alex.apply(set_cell(alex.plan, "allocations", rid, "fte", "1.5"))
    cs = sam.poll(timeout=5)  # LISTEN/NOTIFY: wakes as soon as alex's commit is announced
    assert cs.cells == {"allocations": {(rid, "fte")}} and not cs.inserted and not cs.deleted
    assert fte(sam, rid) == 1.5 and sam.revision == alex.revision
    assert compute(sam.plan).totals == compute(alex.plan).totals
    assert not sam.poll()  # nothing new: an empty ChangeSet
    mid = len(alex.plan.build_items) // 2
    alex.apply(insert_rows(alex.plan, "build_items", mid, [{"description": "Inserted mid-table", "amount": "99"}]))
    cs = sam.poll(timeout=5)
    assert cs.structural("build_items") and cs.inserted["build_items"] == [int(alex.plan.build_items.ids[mid])]
    assert snapshot(sam.plan) == snapshot(alex.plan)  # the row sits where alex put it
