"""The PostgreSQL schema of team plans, generated from the domain's table specs (like the SQLite
one in :mod:`.schema`, which it leaves alone) with SQLAlchemy Core and run through psycopg.

One database holds any number of plans; every plan table carries ``plan_id``. Beside the SQLite
columns (``id``, ``ord``, one per field) each row has a ``version``: the plan revision that last
changed it (optimistic concurrency, :mod:`.postgres_sync`). Shared tables:

- ``vivim_meta``: ``format`` and ``schema_version`` of this layout (:data:`PG_SCHEMA_VERSION`).
- ``vivim_plans``: one row per plan: ``name`` (the ``?plan=`` of a URL), ``revision`` (last
  committed revision, also the per-plan write lock), ``next_id`` (row ids are handed out in
  blocks so two clients never pick the same id).
- ``vivim_settings``: plan settings as key / JSON text, with their ``version``.
- ``vivim_revisions``: one row per committed edit: who (``author`` = the server's
  ``current_user``), when, the client that made it, the undo label, and its ChangeSet as JSON.
- ``vivim_history``: one row per changed cell (or inserted / deleted row, or setting) of each
  revision, with the old and new values as JSON: the History view and conflict messages.
"""

from __future__ import annotations

from sqlalchemy import (BigInteger, Column, DateTime, Float, ForeignKeyConstraint, Index, Integer, MetaData,
                        PrimaryKeyConstraint, Table, Text, func, text)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.schema import CreateIndex, CreateTable

from ..domain import ALL_TABLES, Kind

PG_FORMAT = "vivim-planner-team"
PG_SCHEMA_VERSION = 1
"""Version of the PostgreSQL layout this code writes; a server with a newer one is refused."""
PREFIX = "vivim_"

metadata = MetaData()

meta_table = Table("vivim_meta", metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))

plans_table = Table(
    "vivim_plans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("revision", BigInteger, nullable=False, server_default=text("0")),
    Column("next_id", BigInteger, nullable=False, server_default=text("1")),
    Column("created_by", Text, nullable=False, server_default=func.current_user()),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

_PLAN_FK = lambda: ForeignKeyConstraint(["plan_id"], ["vivim_plans.id"], ondelete="CASCADE")  # noqa: E731

settings_table = Table(
    "vivim_settings", metadata,
    Column("plan_id", Integer, nullable=False), Column("key", Text, nullable=False),
    Column("value", Text, nullable=False), Column("version", BigInteger, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("plan_id", "key"), _PLAN_FK(),
)

revisions_table = Table(
    "vivim_revisions", metadata,
    Column("plan_id", Integer, nullable=False), Column("revision", BigInteger, nullable=False),
    Column("author", Text, nullable=False, server_default=func.current_user()),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("client", Text, nullable=False), Column("label", Text, nullable=False),
    Column("changes", JSONB, nullable=False),
    PrimaryKeyConstraint("plan_id", "revision"), _PLAN_FK(),
)

history_table = Table(
    "vivim_history", metadata,
    Column("plan_id", Integer, nullable=False), Column("revision", BigInteger, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("tbl", Text, nullable=False),  # a plan table's name, or "settings"
    Column("row_id", BigInteger, nullable=False),  # 0 for a setting
    Column("field", Text),  # the field or setting key; NULL for a whole row inserted / deleted
    Column("kind", Text, nullable=False),  # "set", "insert", "delete"
    Column("old", JSONB), Column("new", JSONB),
    PrimaryKeyConstraint("plan_id", "revision", "seq"),
    ForeignKeyConstraint(["plan_id", "revision"], ["vivim_revisions.plan_id", "vivim_revisions.revision"],
                         ondelete="CASCADE"),
)
Index("vivim_history_cell", history_table.c.plan_id, history_table.c.tbl, history_table.c.row_id,
      history_table.c.revision)


def table_name(name: str) -> str:
    """The PostgreSQL table of a plan table (``allocations`` -> ``vivim_allocations``)."""
    return PREFIX + name


def _plan_table(spec) -> Table:  # noqa: ANN001 - TableSpec
    cols = [Column("plan_id", Integer, nullable=False), Column("id", BigInteger, nullable=False),
            Column("ord", Integer, nullable=False)]
    constraints = [PrimaryKeyConstraint("plan_id", "id"), _PLAN_FK()]
    for f in spec.fields:
        if f.kind is Kind.TEXT:
            cols.append(Column(f.name, Text, nullable=False, server_default=text("''")))
        elif f.kind is Kind.REF:
            cols.append(Column(f.name, BigInteger))
            # composite: a reference points at a row of the same plan; checked at commit, so one
            # transaction may delete and re-insert rows in any order (like SQLite's deferred keys)
            constraints.append(ForeignKeyConstraint(
                ["plan_id", f.name], [f"{table_name(f.ref_table)}.plan_id", f"{table_name(f.ref_table)}.id"],
                deferrable=True, initially="DEFERRED"))
        else:
            cols.append(Column(f.name, Float(precision=53)))
    cols.append(Column("version", BigInteger, nullable=False, server_default=text("0")))
    return Table(table_name(spec.name), metadata, *cols, *constraints)


PLAN_TABLES: dict[str, Table] = {spec.name: _plan_table(spec) for spec in ALL_TABLES}
"""Plan table name -> its SQLAlchemy table on the server."""


def ddl_statements() -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` / ``CREATE INDEX IF NOT EXISTS`` statements of the whole
    layout, in dependency order, compiled for PostgreSQL (run them in one transaction)."""
    dialect = postgresql.dialect()
    out = []
    for table in metadata.sorted_tables:
        out.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
        for index in table.indexes:
            out.append(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))
    return out
