"""Property: any interleaving of edits, undos, row inserts and deletes from two clients of one
team plan (a real PostgreSQL server) ends with every acknowledged edit present, unless a later
acknowledged edit replaced it, and both clients showing the server's plan.

Refused edits (conflicts) are allowed and must leave nothing behind. ``VIVIM_PROPERTY_SCALE``
multiplies the examples (as in test_undo_property.py); CI runs the small default.
"""

from __future__ import annotations

import itertools
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pg_server import pg_db, pg_server  # noqa: F401 - fixtures
from plan_helpers import snapshot
from ui_plans import small_plan_file
from vivim_planner.commands import History, delete_rows, insert_rows, set_cell
from vivim_planner.storage import PlanDocument
from vivim_planner.storage.postgres import TeamDocument
from vivim_planner.storage.postgres_sync import TeamConflict

SCALE = max(1, int(os.environ.get("VIVIM_PROPERTY_SCALE", "1")))
FIELDS = ("fte", "months")
VALUES = {"fte": ("0.25", "0.5", "1", "2"), "months": ("1", "2", "3", "6")}

step = st.one_of(
    st.tuples(st.sampled_from([0, 1]), st.just("set"), st.integers(0, 5), st.sampled_from(FIELDS), st.integers(0, 3)),
    st.tuples(st.sampled_from([0, 1]), st.just("undo")),
    st.tuples(st.sampled_from([0, 1]), st.just("poll")),
    st.tuples(st.sampled_from([0, 1]), st.just("insert")),
    st.tuples(st.sampled_from([0, 1]), st.just("delete"), st.integers(0, 5)),
)
_names = itertools.count()


def _norm(v):  # noqa: ANN001, ANN202
    return None if isinstance(v, float) and math.isnan(v) else v


@settings(max_examples=12 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_interleaved_edits_keep_every_acknowledged_edit(pg_server, pg_db, tmp_path_factory, steps):  # noqa: F811
    url = pg_server.url(pg_db, "alex", plan=f"prop{next(_names)}")
    src = PlanDocument.open(small_plan_file(tmp_path_factory.mktemp("prop")), readonly=True)
    TeamDocument.publish(src.plan, url)
    src.close()
    docs = [TeamDocument.open(url), TeamDocument.open(url.replace("alex@", "sam@"))]
    histories = [History(d) for d in docs]
    events: list[tuple[int, str, int, dict]] = []  # (revision, "set" | "insert" | "delete", row id, values)
    try:
        for s in steps:
            who, kind = s[0], s[1]
            doc, hist = docs[who], histories[who]
            t = doc.plan.allocations
            try:
                if kind == "poll":
                    doc.poll()
                    continue
                if kind == "set":
                    if not len(t):
                        continue
                    rid = int(t.ids[s[2] % len(t)])
                    hist.push(set_cell(doc.plan, "allocations", rid, s[3], VALUES[s[3]][s[4]]))
                elif kind == "undo":
                    if not hist.can_undo:
                        continue
                    hist.undo()
                elif kind == "insert":
                    hist.push(insert_rows(doc.plan, "allocations", len(t), [{"fte": "0.5", "months": "1"}]))
                elif kind == "delete":
                    if not len(t):
                        continue
                    hist.push(delete_rows(doc.plan, "allocations", [int(t.ids[s[2] % len(t)])]))
            except TeamConflict:
                # refused: nothing of it stays, and the document now shows the server's plan
                fresh = TeamDocument.open(url, readonly=True)
                assert snapshot(doc.plan) == snapshot(fresh.plan)
                fresh.close()
                continue
            revision, own = doc.last_commit
            t = doc.plan.allocations
            for rid in own.deleted.get("allocations", ()):
                events.append((revision, "delete", int(rid), {}))
            for rid in own.inserted.get("allocations", ()):
                p = t.position(rid)
                events.append((revision, "insert", int(rid), {f: _norm(t.get(p, f)) for f in FIELDS}))
            for rid, name in own.cells.get("allocations", ()):
                if name in FIELDS:
                    events.append((revision, "set", int(rid), {name: _norm(t.get(t.position(rid), name))}))
        server = TeamDocument.open(url, readonly=True)
        for d in docs:
            for _ in range(20):  # the last commits' notifications, each within a second or so
                if d.revision >= server.revision:
                    break
                d.poll(timeout=1)
            assert d.revision == server.revision
        assert snapshot(docs[0].plan) == snapshot(docs[1].plan) == snapshot(server.plan)
        expected: dict[int, dict] = {}
        present: dict[int, bool] = {}
        for _rev, kind, rid, values in sorted(events, key=lambda e: e[0]):
            if kind == "delete":
                present[rid] = False
            else:
                if kind == "insert":
                    present[rid] = True
                expected.setdefault(rid, {}).update(values)
        t = server.plan.allocations
        for rid, here in present.items():
            assert t.has_id(rid) == here, (rid, events)
        for rid, values in expected.items():
            if present.get(rid, True):
                p = t.position(rid)
                assert {f: _norm(t.get(p, f)) for f in values} == values, (rid, events)
        server.close()
    finally:
        for d in docs:
            d.close()
