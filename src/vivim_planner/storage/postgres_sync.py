"""Optimistic concurrency for team plans: one edit = one transaction that checks the versions it
read, writes the changed rows with the new revision, records the history and notifies.

:func:`write_changes` runs inside the caller's transaction after it took the plan's revision
(``UPDATE vivim_plans ... RETURNING revision``, which also serialises writers of one plan, so
the checks see every commit before theirs). A row whose ``version`` is newer than the revision
the edit was based on was changed since; the history says by whom and which cells, and only a
change by another client to a cell this edit touches (or the row deleted) refuses it, with
:class:`TeamConflict` saying who changed what: ``Team!F7 was changed to 0.5 by alex 20 s ago;
your 0.75 was not applied``.

:func:`read_changes` brings a plan up to date with the ChangeSets of other clients' revisions:
changed cells are read back row by row, a table whose rows were added or removed is re-read.
"""

from __future__ import annotations

import json
import math

import psycopg
from psycopg.types.json import Jsonb

from ..commands import ChangeSet
from ..domain import SPECS, Kind, Plan
from .document import PlanFileError
from .postgres_io import field_names, local, read_settings, read_table, stored
from .postgres_schema import table_name

NOTIFY_LIMIT = 7900
"""Bytes of a NOTIFY payload PostgreSQL accepts (8000 less some room); a larger ChangeSet is
announced by its revision only and read from ``vivim_revisions``."""


class TeamConflict(PlanFileError):
    """An edit (or undo) refused because another client changed what it touches since it was read."""


def changes_json(cs: ChangeSet) -> dict:
    """A ChangeSet as JSON: ``{"cells": {table: [[id, field], ...]}, "inserted": {...},
    "deleted": {...}, "settings": [...]}``."""
    return {"cells": {t: sorted([int(i), f] for i, f in c) for t, c in cs.cells.items() if c},
            "inserted": {t: [int(i) for i in ids] for t, ids in cs.inserted.items() if ids},
            "deleted": {t: [int(i) for i in ids] for t, ids in cs.deleted.items() if ids},
            "settings": sorted(cs.settings)}


def changes_from_json(data: dict) -> ChangeSet:
    cs = ChangeSet()
    for t, cells in (data.get("cells") or {}).items():
        cs.cells[t] = {(int(i), str(f)) for i, f in cells}
    for t, ids in (data.get("inserted") or {}).items():
        cs.inserted[t] = [int(i) for i in ids]
    for t, ids in (data.get("deleted") or {}).items():
        cs.deleted[t] = [int(i) for i in ids]
    cs.settings = set(data.get("settings") or ())
    return cs


def show(plan: Plan, table: str, name: str, value: object) -> str:
    """A value in words for a message: ``0.5``, ``"Designer"``, ``empty``, a reference by its
    code or name."""
    if table == "settings":
        return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else f"{value}"
    f = SPECS[table].field(name)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" or (
            f.kind is Kind.REF and not value):
        return "empty"
    if f.kind is Kind.REF:
        t = plan.tables[f.ref_table]
        if t.has_id(int(value)):
            key = "code" if "code" in t.spec.by_name else "name"
            return f'"{t.get(t.position(int(value)), key)}"'
        return f"row {int(value)}"
    if f.kind is Kind.TEXT:
        return f'"{value}"'
    return f"{float(value):.15g}"


def _ago(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    if s < 90:
        return f"{s} s ago"
    if s < 5400:
        return f"{round(s / 60)} min ago"
    return f"{round(s / 3600)} h ago"


def _where(plan: Plan, table: str, rid: int, name: str | None, stored_row: dict | None = None) -> str:
    """``Team!F7`` (a cell) or ``Team row 7``; a row this plan no longer holds is placed by the
    server's row order (``stored_row["ord"]``)."""
    spec = SPECS[table]
    t = plan.tables[table]
    if t.has_id(rid):
        p = t.position(rid)
    elif stored_row is not None and stored_row.get("ord") is not None:
        p = int(stored_row["ord"])
    else:
        return f"{spec.sheet}: a {spec.noun} row"
    return f"{spec.sheet}!{spec.address(p, name)}" if name else f"{spec.sheet} row {p + 2}"


def _other_changes(cur, plan_id: int, table: str, ids: list[int], base: int, client: str) -> list[tuple]:  # noqa: ANN001
    """History of ``ids`` after revision ``base`` by other clients, newest first:
    ``(row_id, field, kind, new, author, seconds_ago)``."""
    return cur.execute(
        "SELECT h.row_id, h.field, h.kind, h.new, r.author, extract(epoch FROM now() - r.at)::float8 "
        "FROM vivim_history h JOIN vivim_revisions r ON r.plan_id = h.plan_id AND r.revision = h.revision "
        "WHERE h.plan_id = %s AND h.tbl = %s AND h.row_id = ANY(%s) AND h.revision > %s AND r.client <> %s "
        "ORDER BY h.revision DESC, h.seq DESC", (plan_id, table, ids, base, client)).fetchall()


def _refuse(problems: list[str]) -> None:
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TeamConflict(problems[0] + more)


def write_changes(cur: psycopg.Cursor, plan: Plan, plan_id: int, cs: ChangeSet, revision: int, base: int,
                  client: str, yours: str) -> list[tuple]:
    """Check and write ``cs`` (already applied to ``plan``) as ``revision``; returns the history
    rows. ``base``: the revision the edit was made against; ``yours``: ``"edit"`` or ``"undo"``
    (for the message). Raises :class:`TeamConflict` (the caller rolls back)."""
    history: list[tuple] = []
    problems: list[str] = []
    for table in sorted(cs.tables()):
        if table not in SPECS:
            continue
        spec, t, pg = SPECS[table], plan.tables[table], table_name(table)
        cells: dict[int, set[str]] = {}
        for rid, name in cs.cells.get(table, ()):
            cells.setdefault(int(rid), set()).add(name)
        inserted = [int(i) for i in dict.fromkeys(cs.inserted.get(table, ())) if t.has_id(i)]
        deleted = sorted({int(i) for i in cs.deleted.get(table, ()) if i} - set(inserted))
        cells = {rid: names for rid, names in cells.items() if rid not in inserted and t.has_id(rid)}
        touched = sorted(set(cells) | set(deleted) | set(inserted))
        current = {r[0]: (r[1], r[2]) for r in cur.execute(
            f"SELECT id, version, to_jsonb({pg}) FROM {pg} WHERE plan_id = %s AND id = ANY(%s) FOR UPDATE",
            (plan_id, touched)).fetchall()} if touched else {}
        newer = [rid for rid in set(cells) | set(deleted) if rid in current and current[rid][0] > base]
        gone = [rid for rid in set(cells) | set(deleted) if rid not in current]
        others = _other_changes(cur, plan_id, table, sorted(newer + gone), base, client) if newer or gone else []
        for rid in sorted(set(cells) | set(deleted), key=lambda r: (t.position(r) if t.has_id(r) else -1, r)):
            mine = [o for o in others if o[0] == rid]
            if rid in gone:
                by = next((o for o in mine if o[2] == "delete"), None)
                who = f" by {by[4]} {_ago(by[5])}" if by else ""
                what = "your delete was not needed" if rid in deleted else f"your {yours} was not applied"
                problems.append(f"{_where(plan, table, rid, None)} was deleted{who}; {what}")
                continue
            if rid in deleted:
                if mine:
                    o = mine[0]
                    detail = f" ({spec.field(o[1]).label} to {show(plan, table, o[1], o[3])})" if o[1] else ""
                    problems.append(f"{_where(plan, table, rid, None, current[rid][1])} was changed by {o[4]} {_ago(o[5])}{detail}; "
                                    f"your {'delete' if yours == 'edit' else yours} was not applied")
                continue
            for name in sorted(cells[rid], key=spec.column_index):
                hit = next((o for o in mine if o[1] == name or o[2] == "insert"), None)
                if hit:
                    now = current[rid][1].get(name)
                    you = show(plan, table, name, t.get(t.position(rid), name))
                    problems.append(f"{_where(plan, table, rid, name)} was changed to {show(plan, table, name, now)} "
                                    f"by {hit[4]} {_ago(hit[5])}; your {you if yours == 'edit' else yours + ' to ' + you} "
                                    f"was not applied")
        for rid in inserted:
            if rid in current:
                problems.append(f"{_where(plan, table, rid, None)} is there already (another client restored or "
                                f"added it); your {yours} was not applied")
        _refuse(problems)
        history += _write_table(cur, plan, plan_id, table, cells, inserted, deleted, current, revision)
        if cs.structural(table) and len(t):
            cur.execute(f"UPDATE {pg} AS r SET ord = u.ord FROM unnest(%s::bigint[], %s::int[]) AS u(id, ord) "
                        f"WHERE r.plan_id = %s AND r.id = u.id AND r.ord <> u.ord",
                        (t.ids.tolist(), list(range(len(t))), plan_id))
    if cs.settings:
        history += _write_settings(cur, plan, plan_id, sorted(cs.settings), revision, base, client, yours)
    return history


def _write_table(cur, plan: Plan, plan_id: int, table: str, cells: dict[int, set[str]], inserted: list[int],  # noqa: ANN001
                 deleted: list[int], current: dict, revision: int) -> list[tuple]:
    spec, t, pg = SPECS[table], plan.tables[table], table_name(table)
    history = []
    if deleted:
        cur.execute(f"DELETE FROM {pg} WHERE plan_id = %s AND id = ANY(%s)", (plan_id, deleted))
        history += [(table, rid, None, "delete", Jsonb(_row_json(current[rid][1], table)), None) for rid in deleted]
    if inserted:
        names = field_names(table)
        rows = []
        for rid in inserted:
            p = t.position(rid)
            values = [stored(f.kind, t.get(p, f.name)) for f in spec.fields]
            rows.append((plan_id, rid, p, *values, revision))
            history.append((table, rid, None, "insert", None, Jsonb(dict(zip(names, values)))))
        cur.executemany(f"INSERT INTO {pg} (plan_id, id, ord, {', '.join(names)}, version) "
                        f"VALUES ({', '.join(['%s'] * (len(names) + 4))})", rows)
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for rid, names in cells.items():
        p = t.position(rid)
        key = tuple(sorted(names, key=spec.column_index))
        values = [stored(spec.field(n).kind, t.get(p, n)) for n in key]
        groups.setdefault(key, []).append((*values, revision, plan_id, rid))
        history += [(table, rid, n, "set", Jsonb(current[rid][1].get(n)), Jsonb(v)) for n, v in zip(key, values)]
    for key, rows in groups.items():
        sets = ", ".join(f"{n} = %s" for n in key)
        cur.executemany(f"UPDATE {pg} SET {sets}, version = %s WHERE plan_id = %s AND id = %s", rows)
    return history


def _row_json(row: dict, table: str) -> dict:
    return {n: row.get(n) for n in field_names(table)}


def _write_settings(cur, plan: Plan, plan_id: int, keys: list[str], revision: int, base: int, client: str,  # noqa: ANN001
                    yours: str) -> list[tuple]:
    rows = {k: (v, ver) for k, v, ver in cur.execute(
        "SELECT key, value, version FROM vivim_settings WHERE plan_id = %s AND key = ANY(%s) FOR UPDATE",
        (plan_id, keys)).fetchall()}
    if any(ver > base for _v, ver in rows.values()):
        for key, _n, _k, new, author, ago in cur.execute(
                "SELECT h.field, 0, h.kind, h.new, r.author, extract(epoch FROM now() - r.at)::float8 "
                "FROM vivim_history h JOIN vivim_revisions r ON r.plan_id = h.plan_id AND r.revision = h.revision "
                "WHERE h.plan_id = %s AND h.tbl = 'settings' AND h.field = ANY(%s) AND h.revision > %s "
                "AND r.client <> %s ORDER BY h.revision DESC", (plan_id, keys, base, client)).fetchall():
            you = show(plan, "settings", key, getattr(plan.settings, key))
            raise TeamConflict(f"Plan: {key.replace('_', ' ')} was changed to {show(plan, 'settings', key, new)} by "
                               f"{author} {_ago(ago)}; your {you if yours == 'edit' else yours + ' to ' + you} "
                               f"was not applied")
    history = []
    for key in keys:
        value = getattr(plan.settings, key)
        cur.execute("INSERT INTO vivim_settings (plan_id, key, value, version) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (plan_id, key) DO UPDATE SET value = excluded.value, version = excluded.version",
                    (plan_id, key, json.dumps(value), revision))
        old = json.loads(rows[key][0]) if key in rows else None
        history.append(("settings", 0, key, "set", Jsonb(old), Jsonb(value)))
    return history


def read_changes(cur: psycopg.Cursor, plan: Plan, plan_id: int, changes: list[ChangeSet], where: str) -> ChangeSet:
    """Bring ``plan`` in line with the server for everything ``changes`` (other clients'
    revisions) touched; returns the ChangeSet of what changed locally, for the views."""
    wanted = ChangeSet()
    for cs in changes:
        wanted.merge(cs)
    out = ChangeSet()
    for table in sorted(wanted.tables()):
        if table not in SPECS:
            continue
        t = plan.tables[table]
        if wanted.structural(table):
            before = set(t.ids.tolist())
            read_table(cur, plan, plan_id, table)
            after = set(t.ids.tolist())
            out.inserted[table] = sorted(after - before)
            out.deleted[table] = sorted(before - after)
            if not out.inserted[table] and not out.deleted[table]:
                out.deleted[table] = [0]  # re-ordered only (see commands.replace.REORDERED)
            out.cells[table] = {(int(r), f) for r, f in wanted.cells.get(table, ()) if int(r) in after}
            continue
        rows: dict[int, set[str]] = {}
        for rid, name in wanted.cells.get(table, ()):
            if t.has_id(rid):
                rows.setdefault(int(rid), set()).add(name)
        if not rows:
            continue
        names = field_names(table)
        spec = SPECS[table]
        for r in cur.execute(f"SELECT id, {', '.join(names)} FROM {table_name(table)} WHERE plan_id = %s "
                             f"AND id = ANY(%s)", (plan_id, sorted(rows))).fetchall():
            p = t.position(r[0])
            for f, v in zip(spec.fields, r[1:]):
                t.set(p, f.name, local(f.kind, v))
        out.cells[table] = {(rid, n) for rid, names_ in rows.items() for n in names_}
    if wanted.settings:
        plan.settings = read_settings(cur, plan_id, where)
        out.settings = set(wanted.settings)
    return out
