"""The team plan document: a :class:`Plan` on a PostgreSQL server, edited by several people at once.

:class:`TeamDocument` offers what :class:`.PlanDocument` offers (``plan``, ``path``, ``apply``,
``revert``, ``readonly``/``readonly_reason``, ``checkpoint``, ``save_as``, ``close``), so the same
commands, engine and window work on it, plus what a shared plan needs:

- every edit is one transaction that checks the versions it read (:mod:`.postgres_sync`); a
  conflicting edit or undo is refused with :class:`.TeamConflict` naming who changed what, the plan
  is left as the server has it and nothing else is lost;
- :meth:`poll` applies other clients' edits, announced by LISTEN/NOTIFY carrying their ChangeSet,
  and returns the ChangeSet of what changed locally (the views refresh exactly that);
  :meth:`listen_socket` is the socket to watch (the window uses a ``QSocketNotifier``);
- :meth:`history` lists who changed which cell when;
- if the server goes away the document turns read-only with the reason (:attr:`offline`), and
  :meth:`reconnect` brings it back up to date when the server returns.

Credentials come from the URL, ``PGPASSWORD``/``.pgpass`` or ``password_prompt``; they are never
written into a plan, a message or the history (the author of a change is the server's
``current_user``).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Callable

import psycopg
from psycopg.types.json import Jsonb

from ..commands import ChangeSet, Command
from ..domain import SPECS, Plan
from .document import PlanDocument, PlanFileError
from .postgres_history import HistoryEntry, read_history
from .postgres_io import check_schema, connect as _connect, load_plan, publish_plan, reason as _reason
from .postgres_sync import NOTIFY_LIMIT, TeamConflict, changes_from_json, changes_json, read_changes, write_changes
from .postgres_url import TeamLocation, parse_team_url

ID_BLOCK = 100_000
"""Row ids a client reserves at a time (``vivim_plans.next_id``), so two clients adding rows at
once never pick the same id."""


class TeamDocument:
    """A team plan on a server; see the module docstring. Open with :meth:`open`, upload a local
    plan with :meth:`publish`."""

    def __init__(self, location: TeamLocation, conn: psycopg.Connection, plan_id: int, plan: Plan, revision: int,
                 readonly: bool = False):
        self.location, self._conn, self.plan_id, self.plan = location, conn, plan_id, plan
        self.revision = revision  # the last revision this plan shows
        self.client = uuid.uuid4().hex
        self.path = Path(_file_name(location.plan or "team plan"))
        self._readonly_request = readonly
        self.offline: str | None = None  # why the server cannot be reached, or None
        self._listen: psycopg.Connection | None = None
        self._ids: tuple[int, int] | None = None  # [next, end) of the reserved row ids
        self.on_remote: Callable[[ChangeSet], None] | None = None  # changes read outside poll()
        self.on_close: Callable[[], None] | None = None  # the window drops its socket watch
        self.epoch = 0  # counts (re)connections: the listen socket changes with each
        self.typing_since: int | None = None  # set by the window while a cell editor is open
        self.last_commit: tuple[int, ChangeSet] | None = None  # this document's last revision and its own ChangeSet
        try:
            if not readonly:
                self._prepare_ids()  # before anything (an import) asks the plan for a new id
            self._listen_start()
            self._catch_up()  # what was committed between loading and LISTEN
        except (psycopg.Error, PlanFileError) as e:
            self._lost(e)

    # -- opening --------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, readonly: bool = False, password_prompt: Callable | None = None) -> "TeamDocument":
        """Open the plan named by ``url``'s ``?plan=``. Raises :class:`PlanFileError`: no
        server, wrong credentials, no plan of that name (the message lists the plans there),
        a newer layout, damaged values."""
        location = parse_team_url(url)
        if not location.plan:
            raise PlanFileError(f"{location.display()}: the URL names no plan; add ?plan=NAME")
        conn, location = _connect(location, password_prompt)
        try:
            with conn.transaction():
                cur = conn.cursor()
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                check_schema(cur, location.display())
                row = cur.execute("SELECT id, revision FROM vivim_plans WHERE name = %s", (location.plan,)).fetchone()
                if row is None:
                    names = [r[0] for r in cur.execute("SELECT name FROM vivim_plans ORDER BY name").fetchall()]
                    there = f"; plans there: {', '.join(names)}" if names else "; there are no plans there yet"
                    raise PlanFileError(f"{location.display()}: no such plan{there}")
                plan = load_plan(cur, row[0], location.display())
        except psycopg.Error as e:
            conn.close()
            raise PlanFileError(f"{location.display()}: cannot read the plan ({_reason(e)})") from None
        except BaseException:
            conn.close()
            raise
        return cls(location, conn, row[0], plan, row[1], readonly)

    @staticmethod
    def publish(plan: Plan, url: str, source: str = "a local file", replace: bool = False,
                password_prompt: Callable | None = None) -> str:
        """Copy ``plan`` to the server as a new team plan (named by ``?plan=``, else by the
        plan's own name) in one transaction; returns the URL to open it (without password).
        Refuses a name in use unless ``replace``."""
        location = parse_team_url(url)
        location = location.with_plan(location.plan or plan.settings.name)
        conn, location = _connect(location, password_prompt)
        try:
            with conn.transaction():
                publish_plan(conn.cursor(), plan, location.plan, "publish", f"Published from {source}", replace,
                             location.display())
        except psycopg.Error as e:
            raise PlanFileError(f"{location.display()}: cannot publish ({_reason(e)})") from None
        finally:
            conn.close()
        return location.safe_url()

    def pull(self, out: str | Path, overwrite: bool = False) -> PlanDocument:
        """Write this plan as it is now to a local ``.vivim`` file (an offline copy) and return
        that document (the caller closes it)."""
        return PlanDocument.create(out, self.plan, overwrite=overwrite)

    # -- state ----------------------------------------------------------------------------------
    @property
    def readonly(self) -> bool:
        return self._readonly_request or self.offline is not None

    @property
    def readonly_reason(self) -> str | None:
        if self.offline is not None:
            return self.offline
        return "opened read-only" if self._readonly_request else None

    def display(self) -> str:
        """``plan 'Acme' on alex@db:5432/plans`` (no password)."""
        return self.location.display()

    # -- editing --------------------------------------------------------------------------------
    def apply(self, command: Command) -> ChangeSet:
        """Apply ``command`` and commit it as one revision; see :meth:`_commit`."""
        return self._commit(command, True)

    def revert(self, command: Command) -> ChangeSet:
        """Undo ``command`` as a new revision; refused if another client changed what it touches since."""
        return self._commit(command, False)

    def _commit(self, command: Command, forward: bool) -> ChangeSet:
        what = "the change" if forward and not hasattr(command, "_team_revision") else (
            "the redo" if forward else "the undo")
        if self.readonly:
            raise PlanFileError(f"{self.location.plan} is read-only ({self.readonly_reason}): {what} was not made")
        base = getattr(command, "_team_revision", None)
        if base is None:  # a new edit: checked against what the user saw when typing began
            base = self.revision if self.typing_since is None else min(self.typing_since, self.revision)
            self.typing_since = None
        step, back = (command.apply, command.revert) if forward else (command.revert, command.apply)
        try:
            self._prepare_ids()
        except psycopg.Error as e:
            self._lost(e)
            raise PlanFileError(f"{self.location.plan}: {what} was not made: the server {self.location.server()} cannot be reached "
                                f"({_reason(e)}); the plan is read-only until it is back") from None
        try:
            cs = step(self.plan)
        except (KeyError, IndexError, ValueError):  # a row it names was deleted by someone else
            self._resync_all()
            raise TeamConflict(f"{what.capitalize()} was not made: {self._missing(command)}") from None
        self._note_ids()
        try:
            revision, gap = self._persist(cs, base, command.label, "edit" if what == "the change" else what[4:])
        except TeamConflict:
            self._restore(back, cs)
            raise
        except psycopg.OperationalError as e:
            self._restore(back, cs, reconnect=False)
            self._lost(e)
            raise PlanFileError(f"{self.location.plan}: {what} was not acknowledged: the server {self.location.server()} "
                                f"cannot be reached ({_reason(e)}); the plan is read-only until it is back, and then "
                                f"shows whether it landed") from None
        except psycopg.Error as e:  # a reference to a row deleted meanwhile, a unique name taken...
            self._restore(back, cs)
            raise TeamConflict(f"{what.capitalize()} was not saved: another client changed the rows it depends on "
                               f"({_reason(e)})") from None
        command._team_revision = revision
        self.last_commit = (revision, ChangeSet().merge(cs))
        if gap:
            cs.merge(gap)
        return cs

    def _persist(self, cs: ChangeSet, base: int, label: str, yours: str) -> tuple[int, ChangeSet | None]:
        conn = self._conn
        # pipeline mode: statements whose results are not read go out together (BEGIN with the
        # revision, the writes with the history, NOTIFY and COMMIT): 3 round trips, not 8
        with conn.pipeline(), conn.transaction():
            cur = conn.cursor()
            row = cur.execute("UPDATE vivim_plans SET revision = revision + 1 WHERE id = %s RETURNING revision",
                              (self.plan_id,)).fetchone()
            if row is None:
                raise TeamConflict(f"{self.display()}: the plan was deleted from the server")
            revision = row[0]
            history = write_changes(cur, self.plan, self.plan_id, cs, revision, base, self.client, yours)
            data = changes_json(cs)
            cur.execute("INSERT INTO vivim_revisions (plan_id, revision, client, label, changes) "
                        "VALUES (%s, %s, %s, %s, %s)", (self.plan_id, revision, self.client, label, Jsonb(data)))
            if history:
                cur.executemany("INSERT INTO vivim_history (plan_id, revision, seq, tbl, row_id, field, kind, old, new) "
                                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                [(self.plan_id, revision, i, *h) for i, h in enumerate(history)])
            payload = json.dumps({"rev": revision, "client": self.client, "changes": data}, separators=(",", ":"))
            if len(payload.encode()) > NOTIFY_LIMIT:
                payload = json.dumps({"rev": revision, "client": self.client})
            cur.execute("SELECT pg_notify(%s, %s)", (self._channel(), payload))
        gap = None
        if revision > self.revision + 1:  # others committed in between: read what they changed
            gap = self._catch_up(upto=revision - 1)
        self.revision = max(self.revision, revision)
        return revision, gap

    def _restore(self, back, cs: ChangeSet, reconnect: bool = True) -> None:  # noqa: ANN001
        """After a refused write: undo the step in memory, then read back from the server every
        row it touched (and whatever else others changed), so the plan shows the server's values."""
        try:
            back(self.plan)
        except (KeyError, IndexError, ValueError):
            pass
        if not reconnect or self.offline is not None:
            return
        try:
            with self._conn.transaction():
                fresh = read_changes(self._conn.cursor(), self.plan, self.plan_id, [cs], self.display())
            fresh.merge(self._catch_up())
        except psycopg.Error:
            return
        if fresh and self.on_remote:
            self.on_remote(fresh)

    def _missing(self, command: Command) -> str:
        """Words for the rows ``command`` names that are no longer in the plan."""
        gone: list[tuple[str, int]] = []

        def walk(c) -> None:  # noqa: ANN001
            for sub in getattr(c, "commands", ()):
                walk(sub)
            for table, rid, *_ in getattr(c, "edits", ()):
                if not self.plan.tables[table].has_id(rid):
                    gone.append((table, rid))
        walk(command)
        if not gone:
            return "the rows it names were changed by another client; the plan now shows the server's version"
        table, rid = gone[0]
        who = self._deleted_by(table, rid)
        return f"a {SPECS[table].noun} row it changes was deleted{who}"

    def _deleted_by(self, table: str, rid: int) -> str:
        row = self._conn.execute(
            "SELECT r.author, extract(epoch FROM now() - r.at)::float8 FROM vivim_history h JOIN vivim_revisions r "
            "ON r.plan_id = h.plan_id AND r.revision = h.revision WHERE h.plan_id = %s AND h.tbl = %s AND "
            "h.row_id = %s AND h.kind = 'delete' ORDER BY h.revision DESC LIMIT 1", (self.plan_id, table, rid)).fetchone()
        return f" by {row[0]} {int(row[1])} s ago" if row else ""

    def _prepare_ids(self) -> None:
        """Make new rows take ids from this client's reserved block."""
        if self._ids is None or self._ids[1] - self._ids[0] < ID_BLOCK // 10:
            start = self._conn.execute("UPDATE vivim_plans SET next_id = next_id + %s WHERE id = %s "
                                       "RETURNING next_id - %s", (ID_BLOCK, self.plan_id, ID_BLOCK)).fetchone()[0]
            self._ids = (start, start + ID_BLOCK)
        self._own_ids()

    def _own_ids(self) -> None:
        """Point every table's next id into this client's block (after each load or refresh, so
        an Excel import's new rows also take ids nobody else can)."""
        if self._ids is not None:
            for t in self.plan.tables.values():
                t._max_id = self._ids[0] - 1

    def _note_ids(self) -> None:
        top = max((t._max_id for t in self.plan.tables.values()), default=0)
        if self._ids and top >= self._ids[0]:
            self._ids = (top + 1, self._ids[1])

    def _channel(self) -> str:
        return f"vivim_plan_{self.plan_id}"

    # -- other clients' edits -------------------------------------------------------------------
    def _listen_start(self) -> None:
        self._listen, _ = _connect(self.location)
        self._listen.execute(f"LISTEN {self._channel()}")
        self.epoch += 1

    def listen_socket(self) -> int | None:
        """The file descriptor that becomes readable when another client commits (or the server
        goes away); None while offline."""
        if self.offline is not None or self._listen is None:
            return None
        return self._listen.pgconn.socket

    def poll(self, timeout: float = 0.0) -> ChangeSet:
        """Apply other clients' edits announced so far, waiting up to ``timeout`` seconds for a
        new one if none is there yet; returns the ChangeSet of what changed here (empty: nothing
        new). A server that went away turns the document offline (read-only) instead of raising."""
        if self.offline is not None:
            return ChangeSet()
        try:
            deadline = time.monotonic() + timeout
            payloads = [json.loads(n.payload) for n in self._listen.notifies(timeout=0)]
            while not any(p.get("rev", 0) > self.revision for p in payloads):
                left = deadline - time.monotonic()
                if left <= 0:
                    return ChangeSet()
                payloads += [json.loads(n.payload) for n in self._listen.notifies(timeout=left, stop_after=1)]
            fresh = sorted((p for p in payloads if p["rev"] > self.revision), key=lambda p: p["rev"])
            revs = [p["rev"] for p in fresh]
            if revs == list(range(self.revision + 1, revs[-1] + 1)) and all("changes" in p for p in fresh):
                with self._conn.transaction():
                    cs = read_changes(self._conn.cursor(), self.plan, self.plan_id,
                                      [changes_from_json(p["changes"]) for p in fresh],
                                      self.display())
                self.revision = revs[-1]
                self._own_ids()
                return cs
            return self._catch_up()
        except psycopg.OperationalError as e:
            self._lost(e)
            return ChangeSet()

    def _catch_up(self, upto: int | None = None) -> ChangeSet:
        """Read every revision after :attr:`revision` (up to ``upto``) and apply what other
        clients changed, in one consistent snapshot."""
        with self._conn.transaction():
            cur = self._conn.cursor()
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            rows = cur.execute("SELECT revision, client, changes FROM vivim_revisions WHERE plan_id = %s AND "
                               "revision > %s AND revision <= %s ORDER BY revision",
                               (self.plan_id, self.revision, upto if upto is not None else 2 ** 62)).fetchall()
            if not rows:
                return ChangeSet()
            # every revision after ours, our own included: one whose commit we never heard back
            # from (the server went away during it) shows here whether it landed
            cs = read_changes(cur, self.plan, self.plan_id, [changes_from_json(c) for _r, _client, c in rows],
                              self.display())
        self.revision = max(self.revision, rows[-1][0])
        self._own_ids()
        return cs

    def _resync_all(self) -> None:
        with self._conn.transaction():
            cur = self._conn.cursor()
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            self.revision = cur.execute("SELECT revision FROM vivim_plans WHERE id = %s", (self.plan_id,)).fetchone()[0]
            fresh = load_plan(cur, self.plan_id, self.display())
        self.plan.settings = fresh.settings
        for name, t in fresh.tables.items():
            mine = self.plan.tables[name]
            mine.ids, mine._cols, mine._max_id, mine._pos_of_id = t.ids, t._cols, t._max_id, None
        self._own_ids()
        if self.on_remote:
            everything = ChangeSet(settings=set(self.plan.settings.keys()))
            for name in fresh.tables:
                everything.deleted[name] = [0]
            self.on_remote(everything)

    # -- offline --------------------------------------------------------------------------------
    def _lost(self, error: BaseException) -> None:
        self.offline = (f"the server {self.location.server()} cannot be reached ({_reason(error)}); the plan is "
                        f"read-only until it is back")
        for c in (self._conn, self._listen):
            try:
                c.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass

    def check(self) -> bool:
        """True when the server answers; a silent loss of the connection turns the document offline."""
        if self.offline is not None:
            return False
        try:
            self._conn.execute("SELECT 1")
            return True
        except psycopg.Error as e:
            self._lost(e)
            return False

    def reconnect(self) -> ChangeSet | None:
        """Try to reach the server again; on success the document is editable again and the
        ChangeSet of what others changed meanwhile is returned, else None."""
        if self.offline is None:
            return ChangeSet()
        try:
            self._conn, _ = _connect(self.location)
            self._listen_start()
            self.offline = None
            return self._catch_up()
        except (PlanFileError, psycopg.Error):
            self.offline = self.offline or "the server cannot be reached"
            return None

    # -- history --------------------------------------------------------------------------------
    def history(self, limit: int = 1000) -> list[HistoryEntry]:
        """The latest ``limit`` changed cells, rows and settings, newest first (see
        :func:`.postgres_history.read_history`)."""
        return read_history(self._conn, self.plan_id, self.plan, limit)

    # -- files ----------------------------------------------------------------------------------
    def checkpoint(self, truncate: bool = True) -> None:
        """Nothing to do: every edit is committed on the server as it is made."""

    def save_as(self, path: str | Path) -> None:
        """Write an offline copy of the plan to a ``.vivim`` file; this window stays on the team plan."""
        self.pull(path, overwrite=True).close()

    def close(self) -> None:
        """Close both connections (nothing is pending: every edit was committed)."""
        if self.on_close:
            self.on_close()
        for c in (self._conn, self._listen):
            try:
                if c is not None:
                    c.close()
            except Exception:  # noqa: BLE001
                pass


def _file_name(plan: str) -> str:
    """A name that stands in for a file name in titles and suggested export names."""
    name = "".join(ch if ch.isalnum() or ch in " -_()" else "_" for ch in plan).strip() or "team plan"
    return name
