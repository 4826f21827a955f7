"""Where a team plan lives: ``postgresql://user[:password]@host[:port]/database?plan=NAME``.

Credentials come from the URL, from libpq's own ``PGPASSWORD`` / ``~/.pgpass`` (psycopg reads
them), or from a prompt the caller passes in; they are kept in memory for the connection only.
:meth:`TeamLocation.display` and :meth:`TeamLocation.safe_url` never contain a password, and
every message, title and recent-files entry uses them.

:func:`open_document` opens either kind of plan: a ``.vivim`` path (:class:`.PlanDocument`) or a
team URL (:class:`.postgres.TeamDocument`, imported only then).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Callable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .document import PlanFileError

SCHEMES = ("postgresql", "postgres")


def is_team_url(location: object) -> bool:
    """True when ``location`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.split("://", 1)[0].lower() in SCHEMES and "://" in location


@dataclass(frozen=True)
class TeamLocation:
    """A parsed team URL. ``conninfo``: the URL for libpq without ``plan`` (it may hold a
    password: never print it); ``plan``: the plan's name, or None."""

    conninfo: str
    plan: str | None
    user: str
    host: str
    port: str
    database: str
    password: str | None = field(default=None, repr=False, compare=False)  # from a prompt; memory only

    def connect_kwargs(self) -> dict:
        """Keyword arguments of ``psycopg.connect`` besides the conninfo (the prompted password)."""
        return {"password": self.password} if self.password else {}

    def display(self) -> str:
        """``plan NAME on alex@db.example.com:5432/plans`` (no password)."""
        where = f"{self.user + '@' if self.user else ''}{self.host}{':' + self.port if self.port else ''}/{self.database}"
        return f"plan {self.plan!r} on {where}" if self.plan else where

    def server(self) -> str:
        """``alex@host:port/db`` (no password, no plan)."""
        return replace(self, plan=None).display()

    def safe_url(self) -> str:
        """The URL without its password (for the recent-plans list)."""
        parts = urlsplit(self.conninfo)
        netloc = parts.hostname or ""
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if parts.port:
            netloc += f":{parts.port}"
        if parts.username:
            netloc = f"{quote(unquote(parts.username), safe='')}@{netloc}"
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
        if self.plan:
            query.append(("plan", self.plan))
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))

    def with_password(self, password: str) -> "TeamLocation":
        """The same place with ``password`` added to the connection (from a prompt)."""
        return replace(self, password=password)

    def with_plan(self, plan: str) -> "TeamLocation":
        return replace(self, plan=plan)


def parse_team_url(url: str) -> TeamLocation:
    """Parse a team URL. Raises :class:`PlanFileError` for a URL that is not ``postgresql://``
    or names no database; ``plan`` may be missing (publish takes the plan's own name)."""
    if not is_team_url(url):
        raise PlanFileError(f"{url}: not a team plan URL (postgresql://user@host/database?plan=NAME)")
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    plans = [v for k, v in query if k == "plan"]
    rest = [(k, v) for k, v in query if k != "plan"]  # a ?password= stays for libpq, never shown
    database = unquote(parts.path.lstrip("/"))
    try:
        port = str(parts.port or "")
    except ValueError:
        raise PlanFileError(f"{_without_password(url)}: the port is not a number") from None
    host = parts.hostname or "localhost"
    user = unquote(parts.username or "") or os.environ.get("PGUSER", "")
    safe = TeamLocation("", None, user, host, port, database or "?")
    if not database:
        raise PlanFileError(f"{safe.display()}: the URL names no database (postgresql://user@host/DATABASE?plan=NAME)")
    if len(plans) > 1:
        raise PlanFileError(f"{safe.display()}: the URL names more than one plan")
    plan = plans[0].strip() if plans else None
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))
    return TeamLocation(conninfo, plan or None, user, host, port, database)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit((parts.scheme, f"{(parts.username or '')}@{netloc[-1]}", parts.path, parts.query, ""))


def needs_password(error: BaseException) -> bool:
    """True when a connection failed for want of a (right) password."""
    text = str(error)
    return "no password supplied" in text or "password authentication failed" in text


def terminal_password_prompt(location: TeamLocation) -> str | None:
    """Ask for the password on the terminal, not echoed; None without a terminal (CI, a pipe)."""
    import getpass
    import sys

    if not sys.stdin or not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {location.server()}: ")


def open_document(location: str, readonly: bool = False,
                  password_prompt: Callable[[TeamLocation], str | None] | None = None):  # noqa: ANN201
    """Open a plan file path or a team URL. ``password_prompt(location)`` is asked when the
    server wants a password the URL and ``PGPASSWORD``/``.pgpass`` did not give (None: give up).
    Raises :class:`PlanFileError` with the reason."""
    if is_team_url(location):
        from .postgres import TeamDocument

        return TeamDocument.open(location, readonly=readonly, password_prompt=password_prompt)
    from .document import PlanDocument

    return PlanDocument.open(location, readonly=readonly)
