"""Property: any sequence of edits, undone completely, gives back the plan it started from.

Hypothesis draws a small plan and a sequence of edits (cell edits with valid and invalid
raw text, multi-cell edits, row inserts, deletes including milestones with their lines,
settings changes, and undos along the way). Edits the plan refuses must change nothing;
accepted ones go through a :class:`History`. Then undo-all must give the starting tables
(ids, order, values, NaN-aware, column dtypes), settings and computed figures, and redo-all
the state after the edits. Run against an in-memory plan and against a ``.vivim`` file,
where the file must also match memory after the edits, after undo-all and after redo-all.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vivim_planner.commands import History, InMemory, delete_rows, insert_rows, set_cells, set_settings
from vivim_planner.domain import METRICS, SPECS, CellError, Kind, Plan
from vivim_planner.domain.schema import BOUNDS
from vivim_planner.engine import compute
from vivim_planner.storage import PlanDocument
from plan_helpers import load_synthetic




make_plan = load_synthetic().make_plan

TABLES = tuple(SPECS)


# -- comparing plans ---------------------------------------------------------------------------

def _norm(v: object) -> object:
    return "<NaN>" if isinstance(v, float) and math.isnan(v) else v


def snapshot(plan: Plan) -> dict:
    out: dict = {"settings": dataclasses.asdict(plan.settings)}
    for name, t in plan.tables.items():
        out[name] = [{k: _norm(v) for k, v in t.row(p).items()} for p in range(len(t))]
        out[name + ".dtypes"] = {f: (type(c).__name__, getattr(c, "dtype", None) and str(c.dtype))
                                 for f, c in t._cols.items()}
        out[name + ".ids"] = str(t.ids.dtype)
    return out


def results_equal(a, b) -> None:  # noqa: ANN001
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, dict):
            assert x.keys() == y.keys(), f.name
            for k in x:
                np.testing.assert_array_equal(x[k], y[k], err_msg=f"{f.name}[{k}]")
        else:
            np.testing.assert_array_equal(x, y, err_msg=f.name)


def assert_valid(plan: Plan) -> None:
    """Every stored value is one its field accepts and every row passes the row rules."""
    for name, t in plan.tables.items():
        spec = t.spec
        for p in range(len(t)):
            row = t.row(p)
            rid = row.pop("id")
            for f in spec.fields:
                v = row[f.name]
                if f.kind is Kind.REF:
                    if v or f.required:
                        assert plan.parse_cell(name, p, f.name, v) == v
                elif f.is_numeric:
                    parsed = plan.parse_cell(name, p, f.name, v)
                    assert _norm(parsed) == _norm(v)
                else:
                    assert plan.parse_cell(name, p, f.name, v) == v
            plan.check_row(name, p, row, row_id=rid)


# -- drawing plans and edits ---------------------------------------------------------------------

@st.composite
def plans(draw) -> Plan:  # noqa: ANN001
    plan = make_plan(milestones=draw(st.integers(1, 4)), roles=draw(st.integers(1, 4)),
                     allocations=draw(st.integers(0, 8)), cost_lines=draw(st.integers(0, 6)),
                     seed=draw(st.integers(0, 2**16)), operating_lines=draw(st.integers(0, 3)),
                     revenue_lines=draw(st.integers(0, 3)))
    plan.stated_figures.extend([
        {"milestone": 1, "metric": "operating_total", "value": 10.0},
        {"milestone": 0, "metric": "consolidated_total", "bound": "mid", "value": -2.5, "decimals": 1.0},
    ][:draw(st.integers(0, 2))])
    return plan


NUMBER_TEXT = st.sampled_from([
    "0", "1", "2", "3", "2.5", "10", "600", "601", "1,200", "$85", "12.5%", "(300)", "1.2k", "3M", "-1",
    "", " ", "abc", "1e20", "nan", "0.25", "99999", "7"])
TEXT = st.one_of(
    st.sampled_from(["", "M1", "m2", "M3", "Backend", "Legal", "infrastructure", "Personnel", "x" * 17,
                     "operating_total", "cost_per_user", "mid", "low", "value", "max", "New role 1"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
)


def raw_value(draw, plan: Plan, table: str, field_name: str) -> object:  # noqa: ANN001
    f = SPECS[table].field(field_name)
    if f.kind is Kind.REF:
        target = plan.tables[f.ref_table]
        key = "code" if f.ref_table == "milestones" else "name"
        labels = list(target.column(key)) + ["nope", ""]
        choices = st.sampled_from(labels).map(lambda s: s.lower() if len(s) % 2 else s)
        return draw(st.one_of(choices, st.sampled_from(target.ids.tolist() + [999]) if len(target) else choices))
    if f.is_numeric:
        lo = -1000 if f.minimum is None else int(f.minimum)
        hi = lo + 1000 if f.maximum is None else int(min(f.maximum, lo + 1000))
        valid = st.integers(lo, hi).flatmap(lambda v: st.sampled_from([v, str(v), f"{v:,}", f"${v}"]))
        if f.kind is not Kind.INTEGER:
            valid = st.one_of(valid, st.floats(lo, hi, allow_nan=False))
        return draw(st.one_of(valid, valid, NUMBER_TEXT, st.integers(-5, 700), st.floats(-10, 1e4, allow_nan=False)))
    if table == "stated_figures" and field_name in ("metric", "bound"):
        return draw(st.one_of(st.sampled_from(METRICS if field_name == "metric" else BOUNDS), TEXT))
    return draw(TEXT)


def draw_edit(draw, plan: Plan):  # noqa: ANN001, ANN201
    """A command built from drawn raw input, or ``None`` when the plan refuses the input."""
    kind = draw(st.sampled_from(["cell"] * 4 + ["cells"] * 2 + ["insert"] * 3 + ["delete"] * 2
                                + ["delete_milestone", "settings"]))
    try:
        if kind in ("cell", "cells"):
            table = draw(st.sampled_from([t for t in TABLES if len(plan.tables[t])] or ["milestones"]))
            t = plan.tables[table]
            if not len(t):
                return None
            n = 1 if kind == "cell" else draw(st.integers(2, 4))
            edits = []
            for _ in range(n):
                rid = draw(st.sampled_from(t.ids.tolist()))
                name = draw(st.sampled_from([f.name for f in t.spec.fields]))
                edits.append((rid, name, raw_value(draw, plan, table, name)))
            return set_cells(plan, table, edits)
        if kind == "insert":
            table = draw(st.sampled_from(TABLES))
            t = plan.tables[table]
            pos = draw(st.integers(0, len(t)))
            rows = []
            for _ in range(draw(st.integers(1, 2))):
                names = draw(st.lists(st.sampled_from([f.name for f in t.spec.fields]), max_size=3, unique=True))
                rows.append({n: raw_value(draw, plan, table, n) for n in names})
            return insert_rows(plan, table, pos, rows)
        if kind in ("delete", "delete_milestone"):
            table = "milestones" if kind == "delete_milestone" else draw(st.sampled_from(TABLES))
            t = plan.tables[table]
            if not len(t):
                return None
            ids = draw(st.lists(st.sampled_from(t.ids.tolist()), min_size=1, max_size=2))
            return delete_rows(plan, table, ids)
        key = draw(st.sampled_from(["hours_per_month", "currency", "name", "notes"]))
        raw = draw(st.one_of(NUMBER_TEXT, st.sampled_from(["eur", "GBP", "usd", "EURO", "Plan B"]), st.integers(-1, 800)))
        return set_settings(plan, {key: raw})
    except CellError:
        return None


def run_edits(history: History, data, n_steps: int) -> None:  # noqa: ANN001
    plan = history.target.plan
    for _ in range(n_steps):
        if history.can_undo and data.draw(st.integers(0, 9), label="undo?") == 0:
            history.undo()
            assert_valid(plan)
            continue
        before = snapshot(plan)
        cmd = _draw_command(data, plan)
        assert snapshot(plan) == before, "building a command (or refusing input) changed the plan"
        if cmd is None:
            event("input refused")
        else:
            event(f"{type(cmd).__name__}" + (f" {cmd.table}" if hasattr(cmd, "table") else ""))
            history.push(cmd)
            assert_valid(plan)


def _draw_command(data, plan: Plan):  # noqa: ANN001, ANN202
    @st.composite
    def command(draw):  # noqa: ANN001, ANN202
        return draw_edit(draw, plan)

    return data.draw(command(), label="edit")


def check_undo_redo(history: History, start: dict, start_result, data, reread=None) -> None:  # noqa: ANN001
    plan = history.target.plan
    assert_valid(plan)  # the synthetic plans are valid to start with
    run_edits(history, data, data.draw(st.integers(1, 14), label="steps"))
    while history.can_redo:  # steps undone along the way and not overwritten come back first
        history.redo()
    end, end_result = snapshot(plan), compute(plan)
    if reread:
        assert reread() == end
    while history.can_undo:
        history.undo()
    assert snapshot(plan) == start
    results_equal(compute(plan), start_result)
    if reread:
        assert reread() == start
    while history.can_redo:
        history.redo()
    assert snapshot(plan) == end
    results_equal(compute(plan), end_result)
    if reread:
        assert reread() == end
    assert not history.can_redo


# VIVIM_PROPERTY_SCALE=20 runs twenty times as many examples (a soak run before a release).
SCALE = max(1, int(os.environ.get("VIVIM_PROPERTY_SCALE", "1")))


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), data=st.data())
def test_undo_everything_restores_the_plan_in_memory(plan, data):
    start, start_result = snapshot(plan), compute(plan)
    check_undo_redo(History(InMemory(plan)), start, start_result, data)


@settings(max_examples=30 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), data=st.data())
def test_undo_everything_restores_the_plan_and_its_file(plan, data):
    start = snapshot(plan)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "prop.vivim"
        doc = PlanDocument.create(path, plan)
        try:
            assert snapshot(doc.plan) == start

            def reread() -> dict:
                other = PlanDocument.open(path, readonly=True)
                try:
                    return snapshot(other.plan)
                finally:
                    other.close()

            check_undo_redo(History(doc), start, compute(doc.plan), data, reread)
        finally:
            doc.close()
