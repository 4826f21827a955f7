"""The plan document: a :class:`Plan` bound to its ``.vivim`` SQLite file.

Every command is written through in one SQLite transaction as it is applied, so a crash loses
nothing that was acknowledged. Files from a newer schema, non-plan files, corrupt files and
files whose schema is not exactly the one this version writes (a planted trigger, a dropped
column) are refused with :class:`PlanFileError`. Nothing read from a file is ever executed.

A file that cannot be written (permissions, a read-only medium) or that another process has
open for editing (:class:`~.locking.WriterLock`) opens read-only, with :attr:`PlanDocument.
readonly_reason` saying why; every edit is then refused with that reason before it touches
the plan.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np

from ..commands import ChangeSet, Command
from ..domain import (ALL_TABLES, METRICS, CellError, Kind, Plan, PlanError, PlanSettings,
                      forbidden_character, text_key)
from ..domain.schema import BOUNDS
from .integrity import connect, schema_difference
from .locking import TempFile, WriterLock, locked_by_other, remove_stale_temps
from .rows import fill_table
from .version import FORMAT, SCHEMA_VERSION

if TYPE_CHECKING:  # SQLAlchemy and the table classes load on the first write, not to read a plan
    from sqlalchemy import Engine

SQLITE_MAGIC = b"SQLite format 3\x00"
SUFFIX = ".vivim"


class PlanFileError(PlanError):
    """A plan file cannot be opened or written; the message names the file and the reason."""


def _engine(path: Path, readonly: bool = False) -> Engine:
    """An engine over the file ``path`` (opened by path, never through a URL or an unquoted
    URI; see :func:`.integrity.connect`)."""
    from sqlalchemy.pool import StaticPool
    from sqlmodel import create_engine

    path = Path(path)

    def creator() -> sqlite3.Connection:
        con = connect(path, readonly)
        if not readonly:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")  # durable against an app crash in WAL mode
        return con

    return create_engine("sqlite://", creator=creator, poolclass=StaticPool)


def _memory_copy(path: Path) -> Engine:
    """An engine over an in-memory copy of the file (SQLite backup API), for reading an
    older file without writing to it."""
    from sqlalchemy.pool import StaticPool
    from sqlmodel import create_engine

    source = connect(path, readonly=True)
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        source.backup(memory)
    finally:
        source.close()
    memory.execute("PRAGMA trusted_schema=OFF")
    memory.execute("PRAGMA foreign_keys=ON")
    return create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool)


class _Rows:
    def __init__(self, cursor: sqlite3.Cursor):
        self._cursor = cursor

    def all(self) -> list[tuple]:
        return self._cursor.fetchall()

    def scalar(self) -> object:
        row = self._cursor.fetchone()
        return None if row is None else row[0]


class _ReaderConnection:
    """What :func:`_load` asks of a connection (``exec_driver_sql(...).all()``), over sqlite3."""

    def __init__(self, con: sqlite3.Connection):
        self.driver_connection = con

    def exec_driver_sql(self, sql: str, params: tuple = ()) -> _Rows:
        return _Rows(self.driver_connection.execute(sql, params))

    def __enter__(self) -> "_ReaderConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.driver_connection.rollback()


class _SqliteReader:
    """A read-only connection to a current-version plan with the few calls of an SQLAlchemy
    engine that reading needs (``connect``, ``raw_connection``, ``dispose``), so opening a plan
    imports neither SQLAlchemy nor SQLModel; the first edit swaps in a real engine."""

    def __init__(self, path: Path):
        self._con = connect(path, readonly=True)

    def connect(self) -> _ReaderConnection:
        return _ReaderConnection(self._con)

    def raw_connection(self) -> "_RawConnection":
        return _RawConnection(self._con)

    def dispose(self) -> None:
        self._con.close()


class _RawConnection:
    def __init__(self, con: sqlite3.Connection):
        self.driver_connection = con

    def close(self) -> None:  # the reader owns the connection
        pass


def _message(e: BaseException) -> str:
    """The reason of a database error in words, without the SQL statement SQLAlchemy adds."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).split("\n[SQL:")[0].strip()
    if "database is locked" in text or "database table is locked" in text:
        return "another program holds the file locked (a backup or sync tool?); try again in a moment"
    if "readonly database" in text:
        return "the file cannot be written (it is read-only)"
    return text


def _identify(path: Path, readonly: bool = True) -> int:
    """Check that ``path`` is a plan this version can read, without changing the file (a file
    we refuse keeps its bytes and journal mode). Returns the file's schema version; a file of
    the current version must hold exactly the schema this version writes."""
    try:
        con = connect(path, readonly=readonly)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "meta" not in tables:
                raise PlanFileError(f"{path}: not a VIVIM plan (an SQLite database without plan tables)")
            check = con.execute("PRAGMA quick_check").fetchone()[0]  # before trusting what meta says
            if check != "ok":
                raise PlanFileError(f"{path}: the file is corrupt ({check})")
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") != FORMAT:
                raise PlanFileError(f"{path}: not a VIVIM plan (format {meta.get('format')!r})")
            try:
                version = int(meta.get("schema_version", "0"))
            except (TypeError, ValueError):
                raise PlanFileError(f"{path}: the file is corrupt (schema version {meta.get('schema_version')!r})") from None
            if version > SCHEMA_VERSION:
                raise PlanFileError(
                    f"{path}: written by a newer VIVIM Planner (file schema {version}, this version "
                    f"reads up to {SCHEMA_VERSION}); update VIVIM Planner to open it")
            if version == SCHEMA_VERSION:
                _refuse_foreign_schema(path, con)
            return version
        finally:
            con.close()
    except sqlite3.Error as e:
        raise PlanFileError(f"{path}: the file is corrupt or not a plan ({_message(e)})") from None


def _refuse_foreign_schema(path: Path, con: sqlite3.Connection) -> None:
    difference = schema_difference(con)
    if difference:
        raise PlanFileError(f"{path}: not a plan as VIVIM Planner writes it ({difference}); the file is "
                            f"left as it is and nothing in it was run")


def _unwritable_reason(path: Path) -> str | None:
    """Why ``path`` cannot be opened for writing, or ``None``."""
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:  # marked read-only, even for root
        return "the file is read-only"
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK):
        return "its folder cannot be written"
    return None


def _check_header(path: Path) -> None:
    if not path.exists():
        raise PlanFileError(f"{path}: no such file")
    if path.is_dir():
        raise PlanFileError(f"{path}: is a folder, not a plan file")
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise PlanFileError(f"{path}: not a VIVIM plan (the file is not an SQLite database)")


class PlanDocument:
    """A plan and the file it lives in.

    Open with :meth:`open`, make a new file with :meth:`create`. :meth:`apply` and
    :meth:`revert` run a command on the plan and commit its changes in one transaction; if the
    write fails the plan is restored and :class:`PlanFileError` raised.
    """

    def __init__(self, path: Path, plan: Plan, engine: Engine, readonly: bool = False,
                 readonly_reason: str | None = None, lock: WriterLock | None = None):
        self.path, self.plan, self.engine, self.readonly = Path(path), plan, engine, readonly
        self.readonly_reason = readonly_reason or ("opened read-only" if readonly else None)
        self._lock = lock
        # an event loop (the window) may set this False and call checkpoint() when idle instead,
        # so a burst of edits pays one checkpoint; the write-ahead log holds every commit meanwhile
        self.checkpoint_after_commit = True
        self._writer_due = False  # True: opened for editing, not written yet (read-only engine)
        self._reader = None

    def _writer(self) -> None:
        """Switch from the read-only engine an unedited document reads with to the writing one."""
        if self._writer_due and self.engine is self._reader:
            self.engine.dispose()
            self.engine = _engine(self.path)
            self._writer_due = False

    # -- opening and creating --------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, plan: Plan | None = None, overwrite: bool = False) -> "PlanDocument":
        """Write ``plan`` (default: empty) to a new file at ``path`` and open it.
        Refuses to replace an existing file unless ``overwrite``, and a file another process
        has open for editing in any case."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise PlanFileError(f"{path}: a file of that name exists already")
        if locked_by_other(path):
            raise PlanFileError(f"{path}: the plan is open for editing in another window; close it there first")
        plan = plan or Plan()
        try:
            with TempFile(path) as tmp:
                from sqlmodel import SQLModel

                from .schema import MODELS, Meta, Setting
                engine = _engine(tmp.path)
                SQLModel.metadata.create_all(engine, tables=[Meta.__table__, Setting.__table__] +
                                             [MODELS[s.name].__table__ for s in ALL_TABLES])
                with engine.begin() as conn:
                    conn.execute(Meta.__table__.insert(), [
                        {"key": "format", "value": FORMAT}, {"key": "schema_version", "value": str(SCHEMA_VERSION)}])
                    _write_settings(conn, plan.settings, plan.settings.keys())
                    for spec in ALL_TABLES:
                        rows = [_row_values(plan, spec.name, p) for p in range(len(plan.tables[spec.name]))]
                        if rows:
                            conn.execute(MODELS[spec.name].__table__.insert(), rows)
                _finish(engine)
                os.replace(tmp.path, path)
        except (OSError, sqlite3.Error) as e:
            raise PlanFileError(f"{path}: cannot write the plan ({_message(e)})") from None
        except Exception as e:  # SQLAlchemy wraps sqlite3 errors
            if isinstance(getattr(e, "orig", None), sqlite3.Error):
                raise PlanFileError(f"{path}: cannot write the plan ({_message(e)})") from None
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike, readonly: bool = False) -> "PlanDocument":
        """Open a ``.vivim`` file. ``readonly`` opens without write access (CLI reports).

        A file that cannot be written, or that another process has open for editing, opens
        read-only as well, with :attr:`readonly_reason` saying why. Raises
        :class:`PlanFileError`: missing file, not an SQLite file, not a plan, written by a
        newer version, a schema other than this version's, or corrupt (failed integrity
        check, values out of range).
        """
        path = Path(path)
        _check_header(path)
        reason, lock = None, None
        if not readonly:
            reason = _unwritable_reason(path)
            if reason is None:
                lock = WriterLock(path)
                if not lock.held:
                    reason = ("the plan is open for editing in another window or program; it is shown read-only "
                              "here so that neither overwrites the other's edits")
                    lock = None
            readonly = reason is not None
        try:
            version = _identify(path, readonly=readonly)  # before the engine below switches the file to WAL
            doc = cls._open_checked(path, version, readonly, reason, lock)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if not readonly:
            remove_stale_temps(path.parent if str(path.parent) else Path("."))
        return doc

    @classmethod
    def _open_checked(cls, path: Path, version: int, readonly: bool, reason: str | None,
                      lock: WriterLock | None) -> "PlanDocument":
        upgrade = version < SCHEMA_VERSION
        # an older file opened read-only is upgraded in a private in-memory copy, never on disk;
        # a current one is read and checked read-only first, so a refused file keeps its bytes
        if upgrade:
            engine = _memory_copy(path) if readonly else _engine(path)
        else:
            engine = _SqliteReader(path)
        try:
            if upgrade:
                from .migrations import migrate

                with engine.begin() as conn:
                    migrate(conn, version)
                    _refuse_foreign_schema(path, conn.connection.driver_connection)  # rolls the upgrade back
            with engine.connect() as conn:
                plan = _load(conn, path)
            # a current file opened for editing stays on the read-only engine until the first
            # edit (_writer), so opening and closing it leaves its bytes and time as they were
        except sqlite3.DatabaseError as e:
            engine.dispose()
            raise PlanFileError(f"{path}: the file is corrupt or not a plan ({_message(e)})") from None
        except (PlanFileError, ValueError, KeyError, TypeError) as e:
            engine.dispose()
            if isinstance(e, PlanFileError):
                raise
            raise PlanFileError(f"{path}: the file is corrupt ({e})") from None
        except Exception as e:  # SQLAlchemy wraps sqlite3 errors
            engine.dispose()
            if isinstance(getattr(e, "orig", None), sqlite3.Error):
                raise PlanFileError(f"{path}: the file is corrupt or not a plan ({_message(e)})") from None
            raise
        doc = cls(path, plan, engine, readonly, reason, lock)
        doc._writer_due = not upgrade and not readonly
        doc._reader = engine
        return doc

    # -- editing ---------------------------------------------------------------------------
    def apply(self, command: Command) -> ChangeSet:
        """Apply ``command`` and commit it. On a write error the plan is restored."""
        return self._commit(command.apply, command.revert, "the change")

    def revert(self, command: Command) -> ChangeSet:
        """Revert ``command`` and commit that. On a write error the plan is restored."""
        return self._commit(command.revert, command.apply, "the undo")

    def _commit(self, step, undo_step, what: str) -> ChangeSet:  # noqa: ANN001 - bound command methods
        if self.readonly and self.readonly_reason:  # refused before the plan changes at all
            raise PlanFileError(f"{self.path.name} is read-only ({self.readonly_reason}): {what} was not made; "
                                f"use File > Save As to edit a copy")
        cs = step(self.plan)
        try:
            self._persist(cs)
        except Exception as e:
            undo_step(self.plan)
            raise PlanFileError(f"{self.path}: {what} could not be saved ({_message(e)})") from None
        if self.checkpoint_after_commit:
            try:
                self.checkpoint(truncate=False)  # committed already: the log replays it if this fails
            except Exception:  # noqa: BLE001 - e.g. a reader holds the file; the next edit retries
                pass
        return cs

    def _persist(self, cs: ChangeSet) -> None:
        if self.readonly:
            raise PlanFileError(f"{self.path}: opened read-only")
        self._writer()
        from .schema import MODELS

        with self.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            if cs.settings:
                _write_settings(conn, self.plan.settings, cs.settings)
            for spec in ALL_TABLES:
                name = spec.name
                table = MODELS[name].__table__
                t = self.plan.tables[name]
                deleted = set(cs.deleted.get(name, ())) - {i for i in cs.inserted.get(name, ()) if t.has_id(i)}
                if deleted:
                    conn.execute(table.delete().where(table.c.id.in_(sorted(deleted))))
                inserted = [i for i in dict.fromkeys(cs.inserted.get(name, ())) if t.has_id(i)]
                if inserted:
                    conn.execute(table.insert(), [_row_values(self.plan, name, t.position(i)) for i in inserted])
                changed: dict[int, set[str]] = {}
                for rid, fname in cs.cells.get(name, ()):
                    if t.has_id(rid) and rid not in inserted:
                        changed.setdefault(rid, set()).add(fname)
                for rid, fnames in changed.items():
                    p = t.position(rid)
                    conn.execute(table.update().where(table.c.id == rid),
                                 {f: _stored(spec.field(f).kind, t.get(p, f)) for f in fnames})
                if cs.structural(name) and len(t):
                    conn.exec_driver_sql(
                        f"UPDATE {name} SET ord = ? WHERE id = ?",
                        [(p, int(i)) for p, i in enumerate(t.ids)])

    def checkpoint(self, truncate: bool = True) -> None:
        """Copy committed changes from the write-ahead log into the .vivim file itself, so a
        copy of the file taken while the app is open (mail, sync, backup) holds every edit.
        Runs after every committed command (or, in the window, once typing pauses);
        ``truncate`` also empties the log (Save)."""
        if self.readonly or self._writer_due and self.engine is self._reader:  # nothing written yet
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA wal_checkpoint({'TRUNCATE' if truncate else 'PASSIVE'})")

    # -- files -----------------------------------------------------------------------------
    def save_as(self, path: str | os.PathLike) -> None:
        """Copy the plan to ``path`` (SQLite backup into a locked temp file beside it, then an
        atomic replace) and continue editing there, holding its writer lock; this works from a
        read-only document too. The old file keeps everything committed so far. Refuses a
        target another process has open for editing."""
        path = Path(path)
        if path.resolve() == self.path.resolve():
            if self.readonly:
                raise PlanFileError(f"{path}: this is the file open read-only; save to another name")
            self.checkpoint()
            return
        if locked_by_other(path):
            raise PlanFileError(f"{path}: that plan is open for editing in another window; pick another name")
        try:
            with TempFile(path) as tmp:
                src = self.engine.raw_connection()
                try:
                    dst = sqlite3.connect(str(tmp.path))
                    src.driver_connection.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                    dst.close()
                finally:
                    src.close()
                os.replace(tmp.path, path)
        except (OSError, sqlite3.Error) as e:
            raise PlanFileError(f"{path}: cannot save ({_message(e)})") from None
        self.close()
        self.path = path
        lock = WriterLock(path)
        self._lock = lock if lock.held else None
        self.engine = _engine(path)
        self.readonly, self.readonly_reason = False, None
        self._writer_due = False

    def close(self) -> None:
        """Checkpoint and leave the file as a single self-contained file; give up the writer lock."""
        if not self.readonly and not (self._writer_due and self.engine is self._reader):
            _finish(self.engine)
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _finish(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    except Exception:  # pragma: no cover - another connection still open; WAL stays, no data lost
        pass
    engine.dispose()


def _stored(kind: Kind, value: object) -> object:
    if kind is Kind.REF:
        return int(value) or None
    if kind is Kind.TEXT:
        return value
    return None if (value is None or math.isnan(value)) else float(value)


def _row_values(plan: Plan, table: str, position: int) -> dict[str, object]:
    t = plan.tables[table]
    row = {f.name: _stored(f.kind, t.get(position, f.name)) for f in t.spec.fields}
    row["id"] = int(t.ids[position])
    row["ord"] = position
    return row


def _write_settings(conn, settings: PlanSettings, keys) -> None:  # noqa: ANN001
    from .schema import Setting

    table = Setting.__table__
    for key in keys:
        conn.execute(table.delete().where(table.c.key == key))
        conn.execute(table.insert(), {"key": key, "value": json.dumps(getattr(settings, key))})


def _load(conn, path: Path) -> Plan:  # noqa: ANN001
    raw = dict(conn.exec_driver_sql("SELECT key, value FROM settings").all())
    values = {}
    for key in PlanSettings().keys():
        if key in raw:
            try:
                values[key] = PlanSettings.parse(key, json.loads(raw[key]))
            except (PlanError, ValueError) as e:
                raise PlanFileError(f"{path}: the file is corrupt (setting {key}: {e})") from None
    plan = Plan(PlanSettings(**values))
    for spec in ALL_TABLES:
        names = [f.name for f in spec.fields]
        rows = conn.exec_driver_sql(f"SELECT id, {', '.join(names)} FROM {spec.name} ORDER BY ord, id").all()
        if rows:
            fill_table(plan.tables[spec.name], rows)
    _validate_loaded(plan, path)
    return plan


def _validate_loaded(plan: Plan, path: Path) -> None:
    """Refuse a file whose stored values break the plan's rules (hand-edited or damaged):
    every value must be one the grid would accept, every row must pass :meth:`Plan.check_row`.
    Vectorized: row rules run only on the rows a whole-column test flags."""
    for spec in ALL_TABLES:
        t = plan.tables[spec.name]
        for f in spec.fields:
            col = t.column(f.name)
            if f.kind is Kind.REF:
                known = plan.tables[f.ref_table].ids
                bad = np.flatnonzero(~np.isin(col, known) & ((col != 0) | f.required))
            elif f.is_numeric:
                arr = np.asarray(col)
                with np.errstate(invalid="ignore"):
                    mask = (arr != 0) & (np.abs(arr) < f.smallest)  # subnormals and the like
                    if f.minimum is not None:
                        mask |= arr < f.minimum
                    if f.maximum is not None:
                        mask |= arr > f.maximum
                    if f.required:
                        mask |= np.isnan(arr)
                    if f.kind is Kind.INTEGER:
                        mask |= np.isfinite(arr) & (arr != np.floor(arr))
                bad = np.flatnonzero(mask)
            else:
                bad = [p for p, v in enumerate(col)
                       if len(v) > f.max_length or (f.required and not v.strip())
                       or (not v.isprintable() or not v.isascii()) and forbidden_character(v, f.multiline)]
            if len(bad):
                p = int(bad[0])
                raise PlanFileError(
                    f"{path}: the file is corrupt ({spec.sheet}!{spec.address(p, f.name)}: "
                    f"{f.label} value {t.get(p, f.name)!r} is not allowed)")
    sf = plan.stated_figures
    for name, allowed in (("metric", METRICS), ("bound", BOUNDS)):
        for p, v in enumerate(sf.column(name)):
            if v not in allowed:
                try:
                    plan.parse_cell("stated_figures", p, name, v)
                except CellError as e:
                    raise PlanFileError(f"{path}: the file is corrupt ({e})") from None
    for table, p in sorted(_rows_to_check(plan)):
        t = plan.tables[table]
        row = t.row(p)
        rid = row.pop("id")
        try:
            plan.check_row(table, p, row, row_id=rid)
        except CellError as e:
            raise PlanFileError(f"{path}: the file is corrupt ({e})") from None


def _rows_to_check(plan: Plan) -> set[tuple[str, int]]:
    """Positions that may break a row rule (month order, low/mid/high, unique codes and names)."""
    out: set[tuple[str, int]] = set()
    with np.errstate(invalid="ignore"):
        ms = plan.milestones
        out.update(("milestones", int(p)) for p in np.flatnonzero(ms.column("end_month") < ms.column("start_month")))
        for name in ("estimates", "build_items"):
            t = plan.tables[name]
            lo, hi = t.column("low"), t.column("high")
            mask = lo > hi
            if name == "estimates":
                mid = t.column("mid")
                mask |= (mid < lo) | (mid > hi)
            out.update((name, int(p)) for p in np.flatnonzero(mask))
    for spec in ALL_TABLES:
        for key in spec.unique:
            seen: set[str] = set()
            for p, v in enumerate(plan.tables[spec.name].column(key)):
                k = text_key(v)
                if k in seen:
                    out.add((spec.name, p))
                seen.add(k)
    return out
