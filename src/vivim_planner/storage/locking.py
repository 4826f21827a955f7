"""One writer per plan file, and no temp files left behind by a killed Save As or import.

:class:`WriterLock` is an advisory lock (``flock``) on the plan file itself, held for as long
as a window edits it: a second process that opens the same plan gets it read-only and is told
why, so two processes never overwrite each other's edits (an undo in one silently replaced an
edit in the other). ``flock`` locks are independent of the byte-range locks SQLite takes on
the same file. Where ``flock`` does not exist (Windows) the lock is not taken.

Temp files are written beside their target (``.plan.vivim.k3j2h1x0.tmp`` and SQLite's
``-journal`` of it) and locked while in use; :func:`remove_stale_temps` deletes the ones nobody
holds, each time a plan is written to that folder or opened there.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp(-journal|-wal|-shm)?$")
_SQLITE_MAGIC = b"SQLite format 3\x00"


class WriterLock:
    """An exclusive advisory lock on ``path`` for this process, or nothing when another
    process holds it (:attr:`held` is then False). :meth:`release` gives it up."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self.held = False
        if fcntl is None:
            self.held = True  # not enforced on this platform
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return
        self._fd, self.held = fd, True

    def release(self) -> None:
        """Give the lock up (closing the descriptor; call it after SQLite closed the file,
        since closing a descriptor drops this process's byte-range locks on the file)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.held = False


def locked_by_other(path: Path) -> bool:
    """True when another process holds the writer lock of the existing file ``path``."""
    if fcntl is None or not Path(path).exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases the probe's lock
    return False


class TempFile:
    """A temp file name beside ``target`` (``.name.XXXXXXXX.tmp``), locked while it is in use
    so :func:`remove_stale_temps` in another process leaves it alone. Use as a context
    manager; leaving removes whatever is left at its name (nothing after an ``os.replace``)
    and its journals, and gives up the lock."""

    def __init__(self, target: Path):
        folder = target.parent if str(target.parent) else Path(".")
        remove_stale_temps(folder)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
        self.path = Path(name)
        self._fd = fd
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.chmod(self.path, 0o666 & ~_umask())  # as a new file would be, not mkstemp's 0600


    def __enter__(self) -> "TempFile":
        return self

    def __exit__(self, *exc: object) -> None:
        for p in (self.path, *_journals(self.path)):
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        os.close(self._fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _journals(path: Path) -> list[Path]:
    return [Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm")]


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete the temp files of a Save As or import that was killed in ``folder``: names of the
    planner's pattern, empty or holding an SQLite database, that no process has locked, and
    their journals. Returns what was removed; errors (a read-only folder) are ignored."""
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(folder) if _TEMP_NAME.match(n)]
    except OSError:
        return removed
    for name in sorted(names):
        p = Path(folder) / name
        base = Path(re.sub(r"-(journal|wal|shm)$", "", str(p)))
        if base != p and base.exists():
            continue  # removed with its database below (or in use with it)
        if not _is_stale(p):
            continue
        for q in (p, *(_journals(p) if base == p else ())):
            try:
                q.unlink()
                removed.append(q)
            except OSError:
                pass
    return removed


def _is_stale(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    if head and head != _SQLITE_MAGIC and not path.name.endswith(("-journal", "-wal", "-shm")):
        return False  # not ours: never delete a file we did not write
    return not locked_by_other(path)
