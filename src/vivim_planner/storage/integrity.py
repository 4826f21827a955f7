"""What a plan file may hold, checked before anything in it is used, and how it is opened.

A ``.vivim`` file must hold exactly the schema this version writes: the same tables with the
same columns (name, declared type, primary key, hidden or generated columns included), the
same foreign keys and indexes, and no trigger or view at all. SQLite runs a trigger found in a
file on the next write (a planted one deleted every team line while the window still showed
them), so anything extra or missing is refused before the first statement that could fire it.
Every connection also sets ``PRAGMA trusted_schema=OFF`` (SQLite's own defence: functions with
side effects cannot run from a schema) and is opened by its file path, never by a URI built from
unquoted text (``plan%41.vivim`` is not ``planA.vivim``, ``b#1.vivim`` is not ``b``).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path

from .schema_ddl import DDL

_PRAGMAS = ("PRAGMA trusted_schema=OFF", "PRAGMA foreign_keys=ON", "PRAGMA cell_size_check=ON")


def connect(path: Path, readonly: bool = False, timeout: float = 5.0) -> sqlite3.Connection:
    """An sqlite3 connection to the file ``path``: by path for writing, by a properly quoted
    ``file:`` URI (``mode=ro``) for reading only. Every defence pragma is set. Raises
    ``sqlite3.Error``."""
    if readonly:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout,
                              check_same_thread=False)
    else:
        con = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
    for pragma in _PRAGMAS:
        con.execute(pragma)
    return con


def describe(con: sqlite3.Connection) -> dict[str, object]:
    """The schema of a database as comparable facts: per table its columns ``(name, type, pk,
    hidden)``, foreign keys ``(column, table, to, on_update, on_delete)`` and indexes ``(name,
    unique, columns, partial)``; plus the names of triggers and views."""
    objects = con.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    tables: dict[str, object] = {}
    for kind, name, _tbl in objects:
        if kind != "table" or name.startswith("sqlite_"):
            continue
        q = name.replace('"', '""')
        columns = frozenset((r[1], (r[2] or "").upper(), r[5], r[6])
                            for r in con.execute(f'PRAGMA table_xinfo("{q}")'))
        fks = frozenset((r[3], r[2], r[4], r[5], r[6]) for r in con.execute(f'PRAGMA foreign_key_list("{q}")'))
        indexes = []
        for r in con.execute(f'PRAGMA index_list("{q}")'):
            iname = r[1].replace('"', '""')
            cols = tuple(c[2] for c in con.execute(f'PRAGMA index_info("{iname}")'))
            indexes.append((r[1] if not r[1].startswith("sqlite_autoindex") else "(key)", r[2], cols, r[4]))
        tables[name] = (columns, fks, frozenset(indexes))
    return {
        "tables": tables,
        "triggers": sorted(n for k, n, _ in objects if k == "trigger"),
        "views": sorted(n for k, n, _ in objects if k == "view"),
    }


@lru_cache(maxsize=1)
def expected_schema() -> dict[str, object]:
    """:func:`describe` of the schema this version writes: the stored DDL of ``schema_ddl``
    run in memory (built once; no SQLAlchemy, so opening a plan stays quick). A test checks the
    stored DDL against the SQLModel tables (:func:`schema_from_models`)."""
    con = sqlite3.connect(":memory:")
    try:
        for statement in DDL:
            con.execute(statement)
        return describe(con)
    finally:
        con.close()


def schema_ddl_from_models() -> tuple[str, ...]:
    """The CREATE statements SQLite stores for the SQLModel tables of ``schema`` (what
    ``schema_ddl.DDL`` must hold)."""
    from sqlmodel import SQLModel, create_engine

    from .schema import MODELS, Meta, Setting

    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[Meta.__table__, Setting.__table__] +
                                 [m.__table__ for m in MODELS.values()])
    raw = engine.raw_connection()
    try:
        rows = raw.driver_connection.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name").fetchall()
        return tuple(r[0] for r in rows)
    finally:
        raw.close()
        engine.dispose()


def write_schema_ddl() -> Path:
    """Rewrite ``schema_ddl.py`` from :func:`schema_ddl_from_models`; returns its path."""
    from .version import SCHEMA_VERSION

    path = Path(__file__).with_name("schema_ddl.py")
    text = path.read_text()
    head = text[:text.index("DDL: tuple[str, ...] = (")]
    tail = text[text.index("\n)\n", text.index("DDL: tuple")) + 3:]
    head = head.replace(head[head.index("schema "):head.index(" as SQLite")], f"schema {SCHEMA_VERSION}", 1)
    body = "".join(f"    {s!r},\n" for s in schema_ddl_from_models())
    path.write_text(head + "DDL: tuple[str, ...] = (\n" + body + ")\n" + tail)
    return path


def schema_difference(con: sqlite3.Connection) -> str | None:
    """One line saying how the database's schema differs from :func:`expected_schema`, or
    ``None`` when it is exactly that schema."""
    want, have = expected_schema(), describe(con)
    if have["triggers"]:
        return f"it holds a trigger ({', '.join(have['triggers'])}) that the planner never writes"
    if have["views"]:
        return f"it holds a view ({', '.join(have['views'])}) that the planner never writes"
    extra = sorted(set(have["tables"]) - set(want["tables"]))
    if extra:
        return f"it holds a table the planner does not write ({', '.join(extra)})"
    missing = sorted(set(want["tables"]) - set(have["tables"]))
    if missing:
        return f"the table {', '.join(missing)} is missing"
    for name, (w_cols, w_fks, w_idx) in want["tables"].items():
        h_cols, h_fks, h_idx = have["tables"][name]
        w_names, h_names = {c[0]: c for c in w_cols}, {c[0]: c for c in h_cols}
        if set(w_names) - set(h_names):
            return f"the table {name} lacks the column {', '.join(sorted(set(w_names) - set(h_names)))}"
        if set(h_names) - set(w_names):
            return f"the table {name} has a column the planner does not write ({', '.join(sorted(set(h_names) - set(w_names)))})"
        changed = sorted(c for c in w_names if w_names[c] != h_names[c])
        if changed:
            return f"the column {name}.{changed[0]} is not declared as the planner declares it"
        if w_fks != h_fks:
            return f"the table {name}'s references to other tables are not the planner's"
        if w_idx != h_idx:
            odd = sorted(i[0] for i in h_idx ^ w_idx)
            return f"the indexes of the table {name} are not the planner's ({', '.join(odd)})"
    return None
