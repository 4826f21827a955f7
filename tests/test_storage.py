"""Storage: the .vivim file round-trips the plan, writes every command through, refuses bad files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from vivim_planner.commands import History, delete_rows, insert_rows, set_cell, set_cells, set_settings
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.engine import compute
from vivim_planner.storage import SCHEMA_VERSION, PlanDocument, PlanFileError
from plan_helpers import load_synthetic, snapshot


def make_plan() -> Plan:
    """Every table populated, with NaNs, empty texts, non-ASCII text and a non-default setting."""
    plan = Plan(PlanSettings(name="Storage ✓ plan", currency="EUR", hours_per_month=172.5, notes="line 1\nline 2"))
    plan.milestones.extend([
        {"id": 1, "code": "M1", "name": "MVP", "phase": "Build", "start_month": 1.0, "end_month": 3.0},
        {"id": 5, "code": "M2", "name": "Beta – ü", "start_month": 4.0, "end_month": 6.0, "target_users": 1e6},
        {"id": 3, "code": "M3", "name": "Launch", "start_month": 7.0, "end_month": 9.0, "target_users": 5000.0},
    ])
    plan.roles.extend([
        {"id": 1, "name": "Backend", "category": "Eng", "hourly_rate": 100.5, "salary_low": 90000.0},
        {"id": 2, "name": "Designer", "hourly_rate_low": 60.0, "hourly_rate_high": 90.0, "source": "survey"},
    ])
    plan.allocations.extend([
        {"id": 10, "milestone": 1, "role": 1, "title": "Lead", "months": 3.0, "fte": 0.5},
        {"id": 2, "milestone": 5, "role": 2, "hourly_rate": 77.25, "months": 2.0, "fte": 1.0},
        {"id": 7, "milestone": 3, "role": 1, "lump_sum": 12345.67, "stated_cost": -5.0},
    ])
    plan.build_items.extend([
        {"id": 1, "milestone": 5, "category": "Legal", "amount": 500.0, "details": "incorporation"},
        {"id": 2, "milestone": 1, "category": "Infra", "quantity": 2.0, "unit_cost": 10.0, "low": 5.0, "high": 50.0},
    ])
    plan.estimates.extend([{"id": 1, "milestone": 5, "category": "Legal", "low": 1.0, "mid": 2.0, "high": 3.0},
                           {"id": 2, "milestone": 1, "category": "Personnel"}])
    plan.operating_costs.extend([{"id": 1, "milestone": 5, "driver": "Cloud", "quantity": 3.0, "unit_cost": 7.5},
                                 {"id": 4, "milestone": 3, "driver": "Email", "amount": 900.0}])
    plan.revenues.extend([{"id": 1, "milestone": 5, "source": "Pro", "customers": 10.0, "amount": 50.0}])
    plan.stated_figures.extend([{"id": 1, "milestone": 5, "metric": "operating_total", "value": 22.5, "decimals": 2.0},
                                {"id": 2, "metric": "consolidated_total", "bound": "mid", "value": 1.0}])
    return plan




def reread(path: Path) -> dict:
    """What a fresh reader of the file sees (while the document may still be open)."""
    doc = PlanDocument.open(path, readonly=True)
    try:
        return snapshot(doc.plan)
    finally:
        doc.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def doc(tmp_path):
    d = PlanDocument.create(tmp_path / "plan.vivim", make_plan())
    yield d
    d.close()


# -- round trip ----------------------------------------------------------------------------------

def test_create_open_round_trip_keeps_every_table_and_setting(tmp_path):
    plan = make_plan()
    expected = snapshot(plan)
    path = tmp_path / "plan.vivim"
    doc = PlanDocument.create(path, plan)
    assert snapshot(doc.plan) == expected
    doc.close()
    assert {p.name for p in tmp_path.iterdir()} == {"plan.vivim"}  # no temp, -wal or -shm left
    again = PlanDocument.open(path)
    assert snapshot(again.plan) == expected
    assert compute(again.plan).totals == compute(plan).totals
    # next ids continue after the largest stored id
    assert again.plan.allocations.next_id() == 11
    again.close()


def test_empty_plan_round_trips(tmp_path):
    doc = PlanDocument.create(tmp_path / "empty.vivim")
    doc.close()
    assert reread(tmp_path / "empty.vivim") == snapshot(Plan())


def test_create_refuses_to_replace_a_file_unless_asked(tmp_path):
    path = tmp_path / "plan.vivim"
    path.write_text("precious")
    with pytest.raises(PlanFileError, match="exists already"):
        PlanDocument.create(path, make_plan())
    assert path.read_text() == "precious"
    PlanDocument.create(path, make_plan(), overwrite=True).close()
    assert reread(path) == snapshot(make_plan())


# -- write-through ----------------------------------------------------------------------------

def test_every_applied_command_is_in_the_file_at_once(doc):
    h = History(doc)
    steps = [
        set_cells(doc.plan, "allocations", [(10, "fte", "2"), (2, "hourly_rate", "")]),
        insert_rows(doc.plan, "allocations", 1, [{"role": "Designer", "title": "new"}, {"milestone": "M1"}]),
        set_settings(doc.plan, {"hours_per_month": "200", "currency": "gbp"}),
        delete_rows(doc.plan, "milestones", [5]),
        insert_rows(doc.plan, "milestones", 0, [{"code": "M0", "name": "Pre", "start_month": "1", "end_month": "1"}]),
        set_cell(doc.plan, "milestones", 1, "code", "A1"),
    ]
    states = [snapshot(doc.plan)]
    for cmd in steps:
        h.push(cmd)
        states.append(snapshot(doc.plan))
        assert reread(doc.path) == states[-1]
    for i in range(len(steps), 0, -1):
        h.undo()
        assert snapshot(doc.plan) == states[i - 1]
        assert reread(doc.path) == states[i - 1]
    for i in range(1, len(steps) + 1):
        h.redo()
        assert reread(doc.path) == states[i]


def test_deleted_milestone_children_come_back_from_the_file_after_undo(doc):
    start = snapshot(doc.plan)
    cmd = delete_rows(doc.plan, "milestones", [5])
    doc.apply(cmd)
    stored = reread(doc.path)
    assert [r["id"] for r in stored["allocations"]] == [10, 7]
    assert stored["estimates"] == [start["estimates"][1]]
    doc.revert(cmd)
    assert reread(doc.path) == start
    doc.close()
    assert reread(doc.path) == start


def test_row_order_is_stored(doc):
    cmd = insert_rows(doc.plan, "operating_costs", 1, [{"driver": "middle"}])
    doc.apply(cmd)
    assert [r["driver"] for r in reread(doc.path)["operating_costs"]] == ["Cloud", "middle", "Email"]


# -- save as -----------------------------------------------------------------------------------

def test_save_as_copies_the_plan_and_continues_there(doc, tmp_path):
    doc.apply(set_cell(doc.plan, "allocations", 10, "fte", "2"))
    state = snapshot(doc.plan)
    old_path = doc.path
    new_path = tmp_path / "sub" / "copy.vivim"
    new_path.parent.mkdir()
    doc.save_as(new_path)
    assert doc.path == new_path
    assert reread(new_path) == state
    doc.apply(set_cell(doc.plan, "allocations", 10, "fte", "3"))
    assert reread(new_path)["allocations"][0]["fte"] == 3.0
    assert reread(old_path) == state  # the old file keeps what was committed before
    assert {p.name for p in new_path.parent.iterdir()} - {"copy.vivim", "copy.vivim-wal", "copy.vivim-shm"} == set()


def test_save_as_over_an_existing_file_replaces_it(doc, tmp_path):
    target = tmp_path / "other.vivim"
    target.write_bytes(b"old content")
    doc.save_as(target)
    assert reread(target) == snapshot(make_plan())


# -- refusing files ----------------------------------------------------------------------------

def test_missing_file_is_refused(tmp_path):
    with pytest.raises(PlanFileError, match="no such file"):
        PlanDocument.open(tmp_path / "nope.vivim")


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(PlanFileError, match="folder"):
        PlanDocument.open(tmp_path)


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n" * 10, b"SQLite format 2\x00" + b"\0" * 200])
def test_a_file_that_is_not_sqlite_is_refused(tmp_path, content):
    path = tmp_path / "notes.vivim"
    path.write_bytes(content)
    with pytest.raises(PlanFileError) as e:
        PlanDocument.open(path)
    assert "not an SQLite database" in str(e.value) and str(path) in str(e.value)
    assert path.read_bytes() == content


def test_an_sqlite_file_that_is_not_a_plan_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(PlanFileError, match="not a VIVIM plan"):
        PlanDocument.open(path)
    # refusing a file must not convert it (journal mode) or leave files beside it
    assert digest(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["other.db"]


def test_an_sqlite_file_with_a_foreign_meta_table_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('format', 'something-else')")
    con.commit()
    con.close()
    with pytest.raises(PlanFileError, match="not a VIVIM plan"):
        PlanDocument.open(path)


def _write_sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


def test_a_plan_from_a_newer_version_is_refused(doc):
    doc.close()
    _write_sql(doc.path, f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    before = digest(doc.path)
    for readonly in (False, True):
        with pytest.raises(PlanFileError) as e:
            PlanDocument.open(doc.path, readonly=readonly)
        assert "newer" in str(e.value) and str(SCHEMA_VERSION + 1) in str(e.value)
    assert digest(doc.path) == before


@pytest.mark.parametrize("version", ["0", "x", "-3"])
def test_a_plan_with_an_unknown_old_schema_is_refused(doc, version):
    doc.close()
    _write_sql(doc.path, f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")
    with pytest.raises(PlanFileError, match="plan"):
        PlanDocument.open(doc.path)




def _big_plan_file(tmp_path: Path) -> Path:
    return load_synthetic().write_plan(tmp_path / "big.vivim", milestones=10, roles=50, allocations=2000, cost_lines=500)


def test_a_truncated_file_is_refused(tmp_path):
    path = _big_plan_file(tmp_path)
    data = path.read_bytes()
    for size in (len(data) // 2, 4096 + 100, 100):
        path.write_bytes(data[:size])
        with pytest.raises(PlanFileError, match="corrupt|not"):
            PlanDocument.open(path)


def test_a_file_with_garbage_in_its_pages_is_refused(tmp_path):
    path = _big_plan_file(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(1, len(data) // page, 3):  # scribble over every third page after the first
        data[p * page + 8: p * page + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))
    with pytest.raises(PlanFileError, match="corrupt"):
        PlanDocument.open(path)


@pytest.mark.parametrize("statement, where", [
    ("UPDATE allocations SET fte = 50 WHERE id = 2", "Team!F3"),
    ("UPDATE allocations SET months = -1 WHERE id = 10", "Team!E2"),
    ("UPDATE roles SET hourly_rate = 1e9 WHERE id = 1", "Rate card!C2"),
    ("UPDATE milestones SET start_month = NULL WHERE id = 3", "Milestones!D4"),
    ("UPDATE milestones SET target_users = 2.5 WHERE id = 3", "Milestones!F4"),
    ("UPDATE milestones SET code = '' WHERE id = 1", "Milestones!A2"),
    ("UPDATE milestones SET end_month = 1 WHERE id = 3", "Milestones!E4"),
    ("UPDATE milestones SET code = 'm1' WHERE id = 3", "Milestones!A4"),
    ("UPDATE roles SET name = 'BACKEND' WHERE id = 2", "Rate card!A3"),
    ("UPDATE estimates SET low = 10 WHERE id = 1", "Estimates!"),
    ("UPDATE build_items SET low = 500 WHERE id = 2", "Build costs!I3"),
    ("UPDATE stated_figures SET metric = 'profit' WHERE id = 1", "Stated figures!B2"),
    ("UPDATE stated_figures SET bound = 'max' WHERE id = 2", "Stated figures!D3"),
    ("UPDATE allocations SET role = 99 WHERE id = 7", "Team!B4"),
    ("UPDATE allocations SET milestone = NULL WHERE id = 7", "Team!A4"),
    ("UPDATE allocations SET fte = 'abc' WHERE id = 2", ""),
    ("UPDATE settings SET value = '5000' WHERE key = 'hours_per_month'", "hours_per_month"),
    ("UPDATE settings SET value = 'not json' WHERE key = 'currency'", "currency"),
])
def test_a_file_with_a_value_the_plan_would_refuse_is_refused(doc, statement, where):
    doc.close()
    _write_sql(doc.path, "PRAGMA foreign_keys=OFF", statement)
    with pytest.raises(PlanFileError) as e:
        PlanDocument.open(doc.path)
    assert "corrupt" in str(e.value) and where in str(e.value)


# -- write failures ----------------------------------------------------------------------------

class BrokenEngine:
    """Stands in for the document's SQLAlchemy engine: every write fails like a full disk."""

    def begin(self):
        raise sqlite3.OperationalError("database or disk is full")

    def connect(self):
        raise sqlite3.OperationalError("database or disk is full")

    def dispose(self):
        pass


def test_a_failed_write_leaves_the_plan_unchanged(doc):
    start_plan, start_file = snapshot(doc.plan), reread(doc.path)
    real = doc.engine
    doc.engine = BrokenEngine()
    h = History(doc)
    for cmd in (set_cells(doc.plan, "allocations", [(10, "fte", "2"), (7, "title", "x")]),
                insert_rows(doc.plan, "roles", 0, [{"name": "QA"}]),
                delete_rows(doc.plan, "milestones", [5]),
                set_settings(doc.plan, {"currency": "USD"})):
        with pytest.raises(PlanFileError, match="could not be saved") as e:
            h.push(cmd)
        assert "disk is full" in str(e.value)
        assert snapshot(doc.plan) == start_plan
        assert not h.can_undo and h.is_clean
    doc.engine = real
    assert reread(doc.path) == start_file


def test_a_failed_undo_or_redo_keeps_the_history_in_step(doc):
    h = History(doc)
    h.push(set_cell(doc.plan, "allocations", 10, "fte", "2"))
    edited = snapshot(doc.plan)
    real = doc.engine
    doc.engine = BrokenEngine()
    with pytest.raises(PlanFileError, match="undo could not be saved"):
        h.undo()
    assert snapshot(doc.plan) == edited
    assert h.can_undo and not h.can_redo  # the edit is still there, so it must still be undoable
    doc.engine = real
    h.undo()
    assert doc.plan.allocations.get(0, "fte") == 0.5 and reread(doc.path)["allocations"][0]["fte"] == 0.5
    doc.engine = BrokenEngine()
    with pytest.raises(PlanFileError):
        h.redo()
    assert doc.plan.allocations.get(0, "fte") == 0.5
    assert h.can_redo and not h.can_undo
    doc.engine = real
    h.redo()
    assert reread(doc.path) == edited


def test_a_readonly_document_refuses_edits_and_keeps_the_plan(doc):
    doc.close()
    ro = PlanDocument.open(doc.path, readonly=True)
    start = snapshot(ro.plan)
    with pytest.raises(PlanFileError, match="read-only"):
        ro.apply(set_cell(ro.plan, "allocations", 10, "fte", "2"))
    assert snapshot(ro.plan) == start
    ro.close()


def test_stored_ddl_is_the_schema_the_tables_write():
    """Opening a plan checks its schema against storage/schema_ddl.py (no SQLAlchemy at open);
    that stored DDL must be exactly what the SQLModel tables create. After a schema change run
    ``python -m vivim_planner.storage.schema_ddl``."""
    from vivim_planner.storage.integrity import schema_ddl_from_models
    from vivim_planner.storage.schema_ddl import DDL

    assert DDL == schema_ddl_from_models()


SAMPLE = Path(__file__).resolve().parents[1] / "sample_models" / "vivim.vivim"


def test_opening_a_plan_for_reading_loads_no_sqlalchemy(tmp_path):
    """The window's first paint reads the plan with sqlite3 alone; SQLAlchemy and the table
    classes load on the first edit."""
    import subprocess
    import sys

    code = ("import sys; from vivim_planner.storage import PlanDocument; "
            f"d = PlanDocument.open({str(SAMPLE)!r}, readonly=True); "
            "print(len(d.plan.allocations), 'sqlalchemy' in sys.modules, 'sqlmodel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 0 and out[1:] == ["False", "False"]
