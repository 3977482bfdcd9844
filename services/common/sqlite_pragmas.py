"""SQLite settings for the embedded default store (`make run`, single-host installs).

Every new SQLite connection of every engine gets:

- `journal_mode=WAL`: readers no longer block the writer nor the writer the readers, and a commit
  appends to the log instead of rewriting pages through a rollback journal;
- `synchronous=NORMAL`: in WAL mode a commit no longer waits for an fsync of its own (the log
  is synced at checkpoints); a power cut may drop the last commits, never corrupt the file,
  which is SQLite's documented trade-off for WAL and ours for the embedded store (production
  runs PostgreSQL).

How long a writer that finds the database locked waits for its turn is a timeout like the
others, set with them in `timeouts.py` (`SQLITE_BUSY_TIMEOUT_S`).

PostgreSQL connections are left alone.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL")


def apply_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """Set `PRAGMAS` on a new SQLite connection (anything else passes untouched)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def tune_sqlite_connections() -> None:
    """Apply `PRAGMAS` to every SQLite connection opened from now on (idempotent)."""
    if not event.contains(Engine, "connect", apply_pragmas):
        event.listen(Engine, "connect", apply_pragmas)
