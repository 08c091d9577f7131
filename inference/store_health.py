"""Is the SQLite store usable? The answer /readyz gives, and what scoring checks before it writes.

Four checks, cheapest first, each naming what is wrong in SQLite's own words where it has some:

1. the database opens and has this code's schema (migrated here if startup could not);
2. it can be written: a write transaction is begun, writes the header and is rolled back, and
   when that fails a read-only filesystem or the file that cannot be written (the database, a
   leftover ``-wal``/``-shm`` or its directory) is named; the disk has some free space left;
3. ``PRAGMA quick_check`` passes: it reads every page, so it runs on a schedule (every
   ``quick_check_interval_s``), not on every probe, and at once after a request met a damaged
   page (``report``);
4. the last damage seen stays the answer until a check passes again: scoring refuses to write
   new runs into a damaged file meanwhile.

One instance per process (each gunicorn worker); thread-safe.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .store import Store, StoreError, open_store

# SQLite result codes that mean the file itself is damaged, not busy or full.
_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_PROBE_TIMEOUT_MS = 1000  # a probe waits this long for another writer's lock, then calls it busy


@dataclass(frozen=True)
class StoreHealthOptions:
    quick_check_interval_s: float = 300.0
    min_free_mb: float = 16.0


class StoreHealth:
    def __init__(self, path: str | Path, busy_timeout_ms: int = 5000,
                 options: StoreHealthOptions | None = None) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.options = options or StoreHealthOptions()
        self._lock = threading.Lock()
        self._migrated = False
        self._damage: str | None = None  # what the last quick_check or request found
        self._last_quick_check = float("-inf")

    # -- startup ---------------------------------------------------------------------------------
    def migrate(self) -> str | None:
        """Create/upgrade the schema; the reason it could not (the service starts anyway)."""
        try:
            with open_store(self.path, self.busy_timeout_ms, migrate=True):
                pass
        except (sqlite3.Error, StoreError, OSError) as exc:
            return describe(exc)
        self._migrated = True
        return None

    # -- checks ----------------------------------------------------------------------------------
    def check(self) -> None:
        """Raise StoreError saying why the store is not usable; return when it is."""
        if not self._migrated:
            reason = self.migrate()
            if reason:
                raise StoreError(f"cannot open or prepare {self.path}: {reason}")
        try:
            with Store(self.path, _PROBE_TIMEOUT_MS) as store:
                store.ping()
                self._check_writable(store)
                self._check_free_space()
                self._maybe_quick_check(store)
        except sqlite3.Error as exc:
            self.report(exc)
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def require_sound(self) -> None:
        """Raise StoreError when the file was last seen damaged (no new runs go into it)."""
        if self._damage:
            raise StoreError(f"{self.path} is damaged ({self._damage}); restore it from a "
                             "backup (see the README)")

    def report(self, exc: BaseException) -> None:
        """Note an error a request met: damage is remembered and checked again at once."""
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorname", "").startswith(
                _DAMAGE_CODES):
            with self._lock:
                self._damage = str(exc)
                self._last_quick_check = float("-inf")

    def _check_writable(self, store: Store) -> None:
        conn = store.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            # BEGIN IMMEDIATE alone succeeds on a WAL database whose volume is mounted
            # read-only (SQLite 3.40 falls back to a private read-only -shm): only a write
            # says SQLITE_READONLY. The header's user_version rewritten to its own value is the
            # cheapest one; it is rolled back and never reaches the file.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute(f"PRAGMA user_version = {version}")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return  # another worker is writing: busy, not broken
            if _on_read_only_filesystem(self.path.parent):
                raise StoreError(f"{self.path.parent} is on a read-only filesystem "
                                 f"({describe(exc)}): mount the database volume read-write "
                                 "(runs and accounts can be read, nothing can be stored)"
                                 ) from exc
            blocked = self._unwritable_files()
            if blocked:
                raise StoreError(f"{', '.join(blocked)} cannot be written by this process "
                                 f"({describe(exc)}); a leftover read-only -wal/-shm file "
                                 "must be made writable or removed while the service is "
                                 "stopped") from exc
            raise
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def _unwritable_files(self) -> list[str]:
        candidates = [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]
        named = [str(p) for p in candidates if p.exists() and not os.access(p, os.W_OK)]
        if not os.access(self.path.parent, os.W_OK):
            named.append(f"the directory {self.path.parent}")
        return named

    def _check_free_space(self) -> None:
        free = shutil.disk_usage(self.path.parent).free
        if free < self.options.min_free_mb * 1024 * 1024:
            raise StoreError(f"the disk holding {self.path} is full ({free // 1024} kB free, "
                             f"less than {self.options.min_free_mb:g} MB)")

    def _maybe_quick_check(self, store: Store) -> None:
        now = time.monotonic()
        with self._lock:
            # Damage is checked again on every probe, so a restored file is ready at once.
            due = (self._damage is not None
                   or now - self._last_quick_check >= self.options.quick_check_interval_s)
            if due:
                self._last_quick_check = now
        if due:
            rows = store.conn.execute("PRAGMA quick_check").fetchall()
            found = "; ".join(str(r[0]) for r in rows[:3])
            with self._lock:
                self._damage = None if found == "ok" else f"quick_check: {found}"
        self.require_sound()


def _on_read_only_filesystem(directory: Path) -> bool:
    """Whether ``directory`` is on a filesystem mounted read-only (a read-only volume)."""
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def describe(exc: BaseException) -> str:
    """SQLite's own message, with its result code name when there is one."""
    name = getattr(exc, "sqlite_errorname", None)
    return f"{exc} ({name})" if name else str(exc)

