"""A throwaway PostgreSQL cluster for the team-plan tests and benchmarks.

:class:`PgServer` runs ``initdb`` and ``pg_ctl`` from PostgreSQL's own binaries
(``/usr/lib/postgresql/<N>/bin``, or ``$VIVIM_PG_BIN``) on a data folder of the test's temp
folder (as root: a ``postgres``-owned folder linked from it, see :meth:`PgServer._own_folder`), listening on 127.0.0.1 on a free port, trust authentication for local test roles
(``alex``, ``sam``; ``carol`` needs her password; the superuser is ``vivim``). PostgreSQL refuses to run as root, so as root
the cluster belongs to the ``postgres`` system user the Debian package creates.

Fixtures: ``pg_server`` (one cluster per test session), ``pg_db`` (a fresh database per test:
its URL without a plan). Without PostgreSQL they skip, except under ``CI=true``, where a
missing server is a failure (``.ci/run`` installs it).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SUPERUSER = "vivim"
TEST_ROLES = ("alex", "sam")
PASSWORD_ROLE, PASSWORD = "carol", "carol-Pa55-word"
"""A role that must give its password (scram-sha-256): the credential tests use it."""


def pg_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    env = os.environ.get("VIVIM_PG_BIN")
    candidates = [env] if env else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file():
            return Path(c)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster in ``folder``: :meth:`start`, :meth:`stop`, :meth:`url`.

    ``fsync``: off for tests (a throwaway cluster), on for benchmarks that time commits. Commits
    are always synchronous: with ``synchronous_commit=off`` the last commits before an
    ``immediate`` stop (the offline tests' "server gone") could be lost from the WAL, so a plan
    published just before vanished under load.
    """

    def __init__(self, folder: Path, fsync: bool = False):
        bindir = pg_bindir()
        if bindir is None:
            raise FileNotFoundError("PostgreSQL is not installed (no initdb; apt-get install postgresql)")
        self.bindir, self.fsync = bindir, fsync
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._owner, self._private = None, None
        if os.geteuid() == 0:  # initdb and postgres refuse root: the cluster belongs to `postgres`
            self._owner = pwd.getpwnam("postgres")
            self._own_folder()
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync",
                  "--no-instructions")
        hba = self.data / "pg_hba.conf"
        lines = hba.read_text()
        hba.write_text(f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n" + lines)

    def _own_folder(self) -> None:
        """pytest's temp folders are private to root (and other root test runs reset their
        permissions), so the cluster lives in a folder of the ``postgres`` user's own under /tmp,
        linked from the test's temp folder as ``cluster`` and removed by :meth:`remove`."""
        self._private = Path(tempfile.mkdtemp(prefix="vivim-pg-"))
        os.chown(self._private, self._owner.pw_uid, self._owner.pw_gid)
        link = self.folder / "cluster"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(self._private)
        self.folder = self._private

    def remove(self) -> None:
        """Stop the server and delete a cluster folder kept outside the test's temp folder."""
        self.stop(mode="immediate")
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {}
        if self._owner:
            kwargs = {"user": self._owner.pw_uid, "group": self._owner.pw_gid}
        return subprocess.run([str(self.bindir / tool), *args], capture_output=True, text=True, check=check,
                              cwd=self.folder, **kwargs)

    def start(self) -> None:
        """Start the server (again, on the same port) and wait until it accepts connections."""
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                f"-c fsync={'on' if self.fsync else 'off'} -c synchronous_commit=on "
                f"-c full_page_writes={'on' if self.fsync else 'off'} -c max_connections=100")
        r = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "60", "start",
                      check=False)
        if r.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {r.stderr.strip()}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate``: as if it crashed or the network went away)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres", user: str = SUPERUSER, plan: str | None = None) -> str:
        """``postgresql://user@127.0.0.1:port/database[?plan=...]``."""
        from urllib.parse import quote

        tail = f"?plan={quote(plan)}" if plan else ""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}{tail}"

    def create_database(self, name: str) -> str:
        """A new empty database every test role may use; returns its URL (superuser, no plan)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.url(name), autocommit=True) as con:
            # the team's roles share the plans, as a DBA would set up for a team
            con.execute("GRANT ALL ON SCHEMA public TO PUBLIC")
            roles = ", ".join((SUPERUSER, *TEST_ROLES, PASSWORD_ROLE))
            con.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {roles} IN SCHEMA public GRANT ALL ON TABLES TO PUBLIC")
            con.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {roles} IN SCHEMA public GRANT ALL ON SEQUENCES TO PUBLIC")
        return self.url(name)

    def create_roles(self) -> None:
        """The test roles (before any database that grants them access is made)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            for role in TEST_ROLES:
                if not con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    con.execute(f"CREATE ROLE {role} LOGIN")
            if not con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PASSWORD_ROLE,)).fetchone():
                con.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")


def _missing(reason: str):  # noqa: ANN202
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(reason)


def start_server(folder: Path, fsync: bool = False) -> PgServer:
    """A started :class:`PgServer` with the test roles; skips (fails under CI) without PostgreSQL."""
    try:
        server = PgServer(folder, fsync=fsync)
    except FileNotFoundError as e:
        _missing(str(e))
    server.start()
    server.create_roles()
    return server


_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):  # noqa: ANN001, ANN201
    server = start_server(tmp_path_factory.mktemp("pg"))
    yield server
    server.remove()


@pytest.fixture
def pg_db(pg_server):  # noqa: ANN001, ANN201
    """A fresh database for one test; yields its name (make URLs with ``pg_server.url``)."""
    name = f"t{os.getpid()}_{next(_counter)}_{int(time.time() * 1000) % 100000}"
    pg_server.create_database(name)
    return name
