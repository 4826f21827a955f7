"""Reading and writing whole plans on the server: the schema, publish (COPY), load, and the
value conversions between the plan's columns and PostgreSQL.

Stored values as in the SQLite file: numbers as double precision (NULL = empty), references as
row ids (NULL = none), text as text. JSON of one value (history, conflicts): a number, ``null``
or a string.
"""

from __future__ import annotations

import json
import math
from typing import Callable

import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from ..domain import ALL_TABLES, SPECS, Kind, Plan, PlanError, PlanSettings
from .document import PlanFileError, _validate_loaded
from .postgres_url import TeamLocation, needs_password
from .rows import fill_table
from .postgres_schema import PG_FORMAT, PG_SCHEMA_VERSION, ddl_statements, table_name

CONNECT_TIMEOUT = 5
"""Seconds libpq waits for a server to answer a connection (``connect_timeout``)."""
SCHEMA_LOCK = 0x5649_5649  # pg_advisory_xact_lock key while the layout is created ("VIVI")


def connect(location: TeamLocation, password_prompt: Callable | None = None) -> tuple[psycopg.Connection, TeamLocation]:
    """An autocommit connection to ``location``'s server and the location that worked (with the
    password ``password_prompt(location)`` gave, asked once, if the server wanted one). Raises
    :class:`PlanFileError` ``<where>: cannot connect (<libpq's reason>)``."""
    tried_prompt = False
    while True:
        try:
            conn = psycopg.connect(location.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                   application_name="VIVIM Planner", **location.connect_kwargs())
            return conn, location
        except psycopg.OperationalError as e:
            if needs_password(e) and password_prompt is not None and not tried_prompt:
                tried_prompt = True
                password = password_prompt(location)
                if password:
                    location = location.with_password(password)
                    continue
            raise PlanFileError(f"{location.display()}: cannot connect ({reason(e)})") from None


def reason(e: BaseException) -> str:
    """A connection error in one line, without libpq's repeated 'connection to server at' prefix."""
    text = " ".join(str(e).split())
    if "FATAL:" in text:
        text = text.split("FATAL:", 1)[1].strip()
    text = text.split(" This probably means")[0].replace("consuming input failed: ", "")
    return text or type(e).__name__


def stored(kind: Kind, value: object) -> object:
    """A plan value as the server stores it: None for empty numbers and references."""
    if kind is Kind.REF:
        return int(value) or None
    if kind is Kind.TEXT:
        return value
    return None if (value is None or math.isnan(value)) else float(value)


def local(kind: Kind, value: object) -> object:
    """A value read from the server as the plan holds it (NaN, 0 or "" for empty)."""
    if kind is Kind.REF:
        return 0 if value is None else int(value)
    if kind is Kind.TEXT:
        return "" if value is None else str(value)
    return math.nan if value is None else float(value)


def field_names(table: str) -> list[str]:
    return [f.name for f in SPECS[table].fields]


def ensure_schema(cur: psycopg.Cursor) -> None:
    """Create the team-plan tables if missing (under an advisory lock) and check the server's
    layout version; raises :class:`PlanFileError` for a newer one."""
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
    for statement in ddl_statements():
        cur.execute(statement)
    cur.execute("INSERT INTO vivim_meta (key, value) VALUES ('format', %s), ('schema_version', %s) "
                "ON CONFLICT (key) DO NOTHING", (PG_FORMAT, str(PG_SCHEMA_VERSION)))
    check_schema(cur, "this server")


def check_schema(cur: psycopg.Cursor, where: str) -> None:
    """Refuse a database whose team-plan layout is missing or newer than this version's."""
    cur.execute("SELECT to_regclass('vivim_meta') IS NOT NULL")
    if not cur.fetchone()[0]:
        raise PlanFileError(f"{where}: no team plans in this database yet; publish one first "
                            f"(vivim-planner publish PLAN.vivim URL)")
    meta = dict(cur.execute("SELECT key, value FROM vivim_meta").fetchall())
    if meta.get("format") != PG_FORMAT:
        raise PlanFileError(f"{where}: the vivim_ tables there are not VIVIM Planner's (format {meta.get('format')!r})")
    version = int(meta.get("schema_version", "0") or 0)
    if version > PG_SCHEMA_VERSION:
        raise PlanFileError(f"{where}: the team plans there were written by a newer VIVIM Planner (layout "
                            f"{version}, this version reads {PG_SCHEMA_VERSION}); update VIVIM Planner")


def publish_plan(cur: psycopg.Cursor, plan: Plan, name: str, client: str, label: str, replace: bool,
                 where: str) -> int:
    """Copy ``plan`` to the server as plan ``name`` (revision 1) in the caller's transaction;
    returns its plan id. Refuses an existing name unless ``replace`` (which deletes that plan
    with its history first). Rows go up with COPY, so 20,000 lines take a fraction of a second."""
    ensure_schema(cur)
    row = cur.execute("SELECT id FROM vivim_plans WHERE name = %s FOR UPDATE", (name,)).fetchone()
    if row and not replace:
        raise PlanFileError(f"{where}: a plan named {name!r} is there already; pick another name with "
                            f"?plan=NAME, or replace it (--replace)")
    if row:
        cur.execute("DELETE FROM vivim_plans WHERE id = %s", (row[0],))
    next_id = 1 + max((int(plan.tables[s.name].ids.max()) for s in ALL_TABLES if len(plan.tables[s.name])), default=0)
    plan_id = cur.execute("INSERT INTO vivim_plans (name, revision, next_id) VALUES (%s, 1, %s) RETURNING id",
                          (name, next_id)).fetchone()[0]
    cur.executemany("INSERT INTO vivim_settings (plan_id, key, value, version) VALUES (%s, %s, %s, 1)",
                    [(plan_id, k, json.dumps(getattr(plan.settings, k)), ) for k in plan.settings.keys()])
    cur.execute("INSERT INTO vivim_revisions (plan_id, revision, client, label, changes) VALUES (%s, 1, %s, %s, %s)",
                (plan_id, client, label, Jsonb({})))
    for spec in ALL_TABLES:
        t = plan.tables[spec.name]
        if not len(t):
            continue
        names = field_names(spec.name)
        cols = [[stored(f.kind, v) for v in _py(t.column(f.name))] for f in spec.fields]
        with cur.copy(f"COPY {table_name(spec.name)} (plan_id, id, ord, {', '.join(names)}, version) FROM STDIN") as cp:
            for p, rid in enumerate(t.ids.tolist()):
                cp.write_row((plan_id, rid, p, *(c[p] for c in cols), 1))
    return plan_id


def _py(column) -> list:  # noqa: ANN001 - numpy array or list
    return column.tolist() if isinstance(column, np.ndarray) else list(column)


def read_settings(cur: psycopg.Cursor, plan_id: int, where: str) -> PlanSettings:
    raw = dict(cur.execute("SELECT key, value FROM vivim_settings WHERE plan_id = %s", (plan_id,)).fetchall())
    values = {}
    for key in PlanSettings().keys():
        if key in raw:
            try:
                values[key] = PlanSettings.parse(key, json.loads(raw[key]))
            except (PlanError, ValueError) as e:
                raise PlanFileError(f"{where}: the plan is damaged (setting {key}: {e})") from None
    return PlanSettings(**values)


def read_table(cur: psycopg.Cursor, plan: Plan, plan_id: int, table: str) -> None:
    """Replace the rows of ``plan.tables[table]`` in place with the server's (in row order)."""
    names = field_names(table)
    rows = cur.execute(f"SELECT id, {', '.join(names)} FROM {table_name(table)} WHERE plan_id = %s "
                       f"ORDER BY ord, id", (plan_id,)).fetchall()
    fill_table(plan.tables[table], rows)


def load_plan(cur: psycopg.Cursor, plan_id: int, where: str) -> Plan:
    """The whole plan from the server, checked like a file (values in bounds, row rules)."""
    plan = Plan(read_settings(cur, plan_id, where))
    for spec in ALL_TABLES:
        read_table(cur, plan, plan_id, spec.name)
    try:
        _validate_loaded(plan, where)
    except PlanFileError as e:
        raise PlanFileError(str(e).replace("the file is corrupt", "the plan on the server is damaged")) from None
    return plan
