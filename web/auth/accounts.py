"""Users, API tokens and failed sign-ins, in the service's SQLite database (store migration 2).

Passwords are kept only as werkzeug scrypt hashes, tokens only as SHA-256 digests (a token is
32 random bytes, so a fast digest is enough and keeps each API request cheap). Failed sign-ins
are counted in the database rather than in memory, so the limit holds across gunicorn workers.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from inference.store import Store

TOKEN_PREFIX = "sk_"
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64
# Checked against when the user does not exist, so an unknown name takes as long as a wrong
# password (the hash's parameters are werkzeug's default scrypt ones).
_DUMMY_HASH = generate_password_hash("not a password; compared for timing only")


class AccountError(ValueError):
    """A name or password that cannot be used; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool
    created_at: str
    session_epoch: int = 0  # sessions issued in another epoch are over (``end_sessions``)


@dataclass(frozen=True)
class Token:
    id: int
    prefix: str
    created_at: str
    last_used_at: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(row["id"], row["name"], bool(row["is_admin"]), row["created_at"],
                row["session_epoch"])


class Accounts:
    """Account operations over one store connection (one per request in the web app)."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.conn.execute(sql, params)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return cursor

    # -- users -----------------------------------------------------------------------------------
    def create_user(self, name: str, password: str, is_admin: bool = False) -> User:
        name = name.strip()
        if not name or len(name) > MAX_NAME_LENGTH or any(c.isspace() for c in name):
            raise AccountError(f"a user name is 1-{MAX_NAME_LENGTH} characters without spaces")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        try:
            cursor = self._write(
                "INSERT INTO users (name, password_hash, is_admin, created_at) VALUES (?,?,?,?)",
                (name, generate_password_hash(password), int(is_admin), _now()))
        except sqlite3.IntegrityError:
            raise AccountError(f"there is already a user named {name!r}") from None
        user = self.get_user(int(cursor.lastrowid or 0))
        assert user is not None
        return user

    def get_user(self, user_id: int) -> User | None:
        return _user(self.conn.execute("SELECT * FROM users WHERE id = ?",
                                       (user_id,)).fetchone())

    def end_sessions(self, user_id: int) -> None:
        """End every session of the user, on every browser, including copies of its cookie."""
        self._write("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?",
                    (user_id,))

    def find_user(self, name: str) -> User | None:
        return _user(self.conn.execute("SELECT * FROM users WHERE name = ?",
                                       (name.strip(),)).fetchone())

    def list_users(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT u.id, u.name, u.is_admin, u.created_at, "
            "(SELECT COUNT(*) FROM runs r WHERE r.owner_id = u.id) AS runs, "
            "(SELECT COUNT(*) FROM tokens t WHERE t.user_id = u.id) AS tokens "
            "FROM users u ORDER BY u.name").fetchall()
        return [dict(r) for r in rows]

    def delete_user(self, name: str) -> bool:
        """Delete the user with their tokens and runs (foreign keys cascade)."""
        return self._write("DELETE FROM users WHERE name = ?", (name.strip(),)).rowcount > 0

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is right; None for a wrong password or unknown name
        (indistinguishable, also in time)."""
        row = self.conn.execute("SELECT * FROM users WHERE name = ?",
                                (name.strip(),)).fetchone()
        stored = row["password_hash"] if row is not None else _DUMMY_HASH
        if not check_password_hash(stored, password) or row is None:
            return None
        return _user(row)

    # -- tokens ----------------------------------------------------------------------------------
    def create_token(self, user_id: int) -> str:
        """A new API token for the user; returned once, stored only as its digest."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._write("INSERT INTO tokens (user_id, token_sha256, prefix, created_at) "
                    "VALUES (?,?,?,?)", (user_id, _digest(token), token[:10], _now()))
        return token

    def list_tokens(self, user_id: int) -> list[Token]:
        rows = self.conn.execute("SELECT id, prefix, created_at, last_used_at FROM tokens "
                                 "WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
        return [Token(r["id"], r["prefix"], r["created_at"], r["last_used_at"]) for r in rows]

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        return self._write("DELETE FROM tokens WHERE id = ? AND user_id = ?",
                           (token_id, user_id)).rowcount > 0

    def revoke_all_tokens(self, user_id: int) -> int:
        return self._write("DELETE FROM tokens WHERE user_id = ?", (user_id,)).rowcount

    def user_for_token(self, token: str) -> User | None:
        row = self.conn.execute(
            "SELECT u.*, t.id AS token_id, t.last_used_at FROM tokens t "
            "JOIN users u ON u.id = t.user_id WHERE t.token_sha256 = ?",
            (_digest(token),)).fetchone()
        if row is None:
            return None
        today = _now()[:10]
        if (row["last_used_at"] or "")[:10] != today:  # at most one write a day per token
            self._write("UPDATE tokens SET last_used_at = ? WHERE id = ?",
                        (_now(), row["token_id"]))
        return _user(row)

    # -- failed sign-ins -------------------------------------------------------------------------
    def recent_failures(self, subject: str, window_s: float) -> int:
        since = time.time() - window_s
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM login_failures WHERE subject = ? AND at >= ?",
            (subject, since)).fetchone()[0])

    def record_failure(self, subjects: list[str], window_s: float) -> None:
        """Count a failed sign-in against each subject; forget failures older than the window."""
        now = time.time()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM login_failures WHERE at < ?", (now - window_s,))
            self.conn.executemany("INSERT INTO login_failures (subject, at) VALUES (?, ?)",
                                  [(s, now) for s in subjects])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def clear_failures(self, subject: str) -> None:
        self._write("DELETE FROM login_failures WHERE subject = ?", (subject,))

    # -- instance values -------------------------------------------------------------------------
    def instance_value(self, key: str, make: str) -> str:
        """The stored value for ``key``; ``make`` is stored first if there is none (the first
        process to ask wins, the others read its value)."""
        self._write("INSERT OR IGNORE INTO instance (key, value) VALUES (?, ?)", (key, make))
        return str(self.conn.execute("SELECT value FROM instance WHERE key = ?",
                                     (key,)).fetchone()[0])

    def claim_instance_time(self, key: str, not_before: float) -> bool:
        """Atomically set ``key`` to now if it is unset or older than ``not_before`` (epoch
        seconds); True when this call did (so only one process does hourly work)."""
        now = time.time()
        cursor = self._write(
            "INSERT INTO instance (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value WHERE CAST(instance.value AS REAL) < ?",
            (key, repr(now), not_before))
        return cursor.rowcount > 0
