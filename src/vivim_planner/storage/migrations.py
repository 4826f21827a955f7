"""Schema migrations: ``MIGRATIONS[v]`` upgrades a file from schema ``v`` to ``v + 1``.

- 1 -> 2: adds the operating-cost model's tables (infrastructure tiers, services, meters,
  usage drivers, LLM usage, stated usage figures) and any later table or column of schema 2.
  The step is additive: it creates every table the current schema has and the file lacks, adds
  missing columns as empty and their indexes, so no existing value changes. After it the file
  must hold exactly the current schema (checked by the caller).
- 2 -> 3: adds the uncertainty tables (distributions of inputs, correlation groups) and only
  those, so a schema-2 file that lost a table of its own is refused by the caller's check rather
  than given an empty table.
- 3 -> 4: adds the actuals tables (actuals by month and category, the description -> category
  map of bank imports, budget amendments) and only those.
"""

from __future__ import annotations

from typing import Callable

from ..domain import Kind
from .schema import MODELS, SCHEMA_VERSION


def _add_missing_tables_and_columns(conn) -> None:  # noqa: ANN001 - SQLAlchemy connection
    from ..domain import SPECS

    existing = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, model in MODELS.items():
        if name not in existing:
            model.__table__.create(conn)
            continue
        columns = {r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({name})")}
        for f in SPECS[name].fields:
            if f.name in columns:
                continue
            if f.kind is Kind.TEXT:
                conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {f.name} VARCHAR NOT NULL DEFAULT ''")
            elif f.kind is Kind.REF:
                conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {f.name} INTEGER REFERENCES {f.ref_table}(id)")
            else:
                conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {f.name} FLOAT")
        for index in model.__table__.indexes:  # the indexes of columns added above
            index.create(conn, checkfirst=True)


def _add_tables(*names: str) -> Callable:
    """A migration step creating exactly the tables ``names`` (with their indexes)."""
    def step(conn) -> None:  # noqa: ANN001 - SQLAlchemy connection
        for name in names:
            MODELS[name].__table__.create(conn, checkfirst=True)  # step 1 makes every table it lacks
    return step


MIGRATIONS: dict[int, Callable] = {
    1: _add_missing_tables_and_columns,
    2: _add_tables("correlation_groups", "uncertainty"),
    3: _add_tables("actuals", "category_map", "budget_amendments"),
}


def migrate(conn, version: int) -> None:  # noqa: ANN001 - SQLAlchemy connection
    """Upgrade an open file from ``version`` to :data:`SCHEMA_VERSION` inside the caller's
    transaction. Raises ``ValueError`` when no migration path exists."""
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no migration from schema {version}")
        step(conn)
        version += 1
        conn.exec_driver_sql("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
