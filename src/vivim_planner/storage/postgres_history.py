"""The history of a team plan as the server keeps it (``vivim_history`` joined with
``vivim_revisions``): who changed which cell, row or setting when, in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from ..domain import SPECS, Plan
from .postgres_sync import show


@dataclass(frozen=True)
class HistoryEntry:
    """One changed cell, row or setting: ``revision``, ``at`` (server time, aware), ``author``
    (server user), ``label`` (the edit's undo text), ``where`` (``Team!F7``, ``Team row 9``,
    ``Plan: currency``), ``old`` / ``new`` in words."""

    revision: int
    at: datetime
    author: str
    label: str
    where: str
    old: str
    new: str


def read_history(conn: psycopg.Connection, plan_id: int, plan: Plan, limit: int = 1000) -> list[HistoryEntry]:
    """The latest ``limit`` changed cells, rows and settings of the plan, newest first; cells are
    placed where ``plan`` (the client's copy) has their rows now."""
    rows = conn.execute(
        "SELECT h.revision, r.at, r.author, r.label, h.tbl, h.row_id, h.field, h.kind, h.old, h.new "
        "FROM vivim_history h JOIN vivim_revisions r ON r.plan_id = h.plan_id AND r.revision = h.revision "
        "WHERE h.plan_id = %s ORDER BY h.revision DESC, h.seq LIMIT %s", (plan_id, limit)).fetchall()
    out = []
    for rev, at, author, label, tbl, rid, name, kind, old, new in rows:
        if tbl == "settings":
            where, o, n = f"Plan: {name.replace('_', ' ')}", show(plan, tbl, name, old), show(plan, tbl, name, new)
        elif tbl not in SPECS:
            continue
        else:
            spec, t = SPECS[tbl], plan.tables[tbl]
            here = t.has_id(rid)
            if name:
                where = f"{spec.sheet}!{spec.address(t.position(rid), name)}" if here else f"{spec.sheet}: deleted row"
                o, n = show(plan, tbl, name, old), show(plan, tbl, name, new)
            else:
                where = f"{spec.sheet} row {t.position(rid) + 2}" if here else f"{spec.sheet}: a row"
                o, n = ("", "added") if kind == "insert" else ("", "deleted")
        out.append(HistoryEntry(rev, at, author, label, where, o, n))
    return out
