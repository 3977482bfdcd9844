"""One writer at a time per SQLite file within a process, handed over without polling.

SQLite lets one transaction write at a time. A writer that finds the file locked runs SQLite's
busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, ... ms between retries until the busy
timeout. In a threaded gunicorn worker the transaction holding the lock is usually waiting for
the GIL, not for the disk, so the waiting writers sleep through the moment it commits and each
sleep grows: a save that needs the lock for well under a millisecond can wait tens of
milliseconds for it (the load bench's tail, docs/performance.md).

`SerialWriterConnection`, the DB-API connection every SQLite engine opens (`factory=` in
`timeouts.py`), takes a process-wide lock per database file before the statement that opens a
write transaction (the `BEGIN` Python's sqlite3 issues implicitly before INSERT, UPDATE, DELETE
and REPLACE, or an explicit one) and releases it when the transaction ends: on commit,
rollback, close, or a statement after which no transaction is open. A waiting writer blocks on
the lock and wakes as soon as it is released. Other processes (a second worker, the Celery
worker) still meet SQLite's own locking and busy handler, as before.

A writer waits for the lock as long as SQLite's busy timeout and then fails as SQLite would,
with `database is locked`. Private in-memory databases are never shared between connections
and take no lock.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from typing import Any

# The statements Python's sqlite3 opens a transaction before (it looks at the first keyword the
# same way), and an explicit BEGIN.
_OPENS_WRITE = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|BEGIN)\b", re.IGNORECASE)

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def writer_lock(database: str) -> threading.Lock | None:
    """The process's lock for writers to `database` (None for a private in-memory database)."""
    if database == ":memory:" or database == "" or "mode=memory" in database:
        return None
    key = database if database.startswith("file:") else os.path.realpath(database)
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


class SerialWriterCursor(sqlite3.Cursor):
    """A cursor whose statements take and give back their connection's writer lock."""

    connection: SerialWriterConnection

    def execute(self, sql: str, parameters: Any = (), /) -> SerialWriterCursor:
        """Run one statement, holding the writer lock if it opens a write transaction."""
        self.connection.before_statement(sql)
        try:
            super().execute(sql, parameters)
        finally:
            self.connection.after_statement()
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> SerialWriterCursor:
        """Run one statement for each set of parameters, as `execute` does."""
        self.connection.before_statement(sql)
        try:
            super().executemany(sql, seq_of_parameters)
        finally:
            self.connection.after_statement()
        return self


class SerialWriterConnection(sqlite3.Connection):
    """A sqlite3 connection that serialises its process's write transactions on one file."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._writer_lock = writer_lock(os.fsdecode(database))
        self._wait_s = float(kwargs.get("timeout", args[0] if args else 5.0))
        self._holds_lock = False

    def cursor(self, factory: Any = SerialWriterCursor) -> Any:  # type: ignore[override]
        """A cursor that takes the writer lock when its statement opens a write transaction."""
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:  # type: ignore[override]
        """The connection's shortcut, through a locking cursor."""
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Any:  # type: ignore[override]
        """The connection's shortcut, through a locking cursor."""
        return self.cursor().executemany(sql, seq_of_parameters)

    def before_statement(self, sql: str) -> None:
        """Take the writer lock before a statement that opens a write transaction."""
        if self._writer_lock is None or self._holds_lock or self.in_transaction:
            return
        if not _OPENS_WRITE.match(sql):
            return
        if not self._writer_lock.acquire(timeout=self._wait_s):
            raise sqlite3.OperationalError("database is locked")
        self._holds_lock = True

    def after_statement(self) -> None:
        """Give the lock back if the statement left no transaction open (it failed, or it
        was a COMMIT or ROLLBACK of its own)."""
        if self._holds_lock and not self.in_transaction:
            self._release()

    def commit(self) -> None:
        """Commit, then let the next writer in (a failed commit keeps the transaction, and the
        lock, until it is rolled back)."""
        super().commit()
        self._release()

    def rollback(self) -> None:
        """Roll back, then let the next writer in."""
        try:
            super().rollback()
        finally:
            self._release()

    def __exit__(self, *exc_info: Any) -> Any:
        """`with connection:` commits or rolls back in C, past `commit` and `rollback` above."""
        try:
            return super().__exit__(*exc_info)
        finally:
            if not self.in_transaction:
                self._release()

    def close(self) -> None:
        """Close (SQLite rolls back what is open), then let the next writer in."""
        try:
            super().close()
        finally:
            self._release()

    def __del__(self) -> None:
        # A connection dropped without being closed must not keep the other writers out.
        self._release()

    def _release(self) -> None:
        if getattr(self, "_holds_lock", False):
            self._holds_lock = False
            self._writer_lock.release()  # type: ignore[union-attr]
