"""Schema migrations: ``MIGRATIONS[v]`` upgrades a file from schema ``v`` to ``v + 1``.

Schema 1 is the first released layout, so there is nothing to migrate yet; a file that
claims an older schema than 1 is not one this program ever wrote.
"""

from __future__ import annotations

from typing import Callable

from .schema import SCHEMA_VERSION

MIGRATIONS: dict[int, Callable] = {}


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
