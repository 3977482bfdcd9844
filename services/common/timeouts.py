"""Database timeouts every service gets, so a slow or lost database is a 503 within seconds.

The values are the platform's, one table of them in docs/operations.md ("Timeouts"). They are
merged into `SQLALCHEMY_ENGINE_OPTIONS` by the factory; a service's own options win.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .sqlite_writers import SerialWriterConnection

# Below the gateway's read timeout (25 s) and gunicorn's worker timeout (30 s).
STATEMENT_TIMEOUT_MS = 10_000
# A lock held by another transaction (the session row a finalisation holds) is waited on briefly.
LOCK_TIMEOUT_MS = 5_000
CONNECT_TIMEOUT_S = 3
# Waiting for a free connection of the process's pool (SQLAlchemy's default is 30 s).
POOL_TIMEOUT_S = 5
# SQLite waits this long for another writer's lock before "database is locked" (a writer of the
# same process waits as long for its turn: sqlite_writers.py).
SQLITE_BUSY_TIMEOUT_S = 5


def database_engine_options(url: str) -> dict[str, Any]:
    """Timeout options for a SQLAlchemy engine on `url` (PostgreSQL or SQLite)."""
    if url.startswith("postgresql"):
        return {
            "pool_timeout": POOL_TIMEOUT_S,
            "connect_args": {
                "connect_timeout": CONNECT_TIMEOUT_S,
                "options": (
                    f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}"
                ),
            },
        }
    if url.startswith("sqlite"):
        return {
            "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S, "factory": SerialWriterConnection}
        }
    return {}


def apply_database_timeouts(app: Flask) -> None:
    """Add the timeouts to the app's engine options (options already set are kept)."""
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if not url:
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    for key, value in database_engine_options(url).items():
        if key == "connect_args":
            options["connect_args"] = {**value, **options.get("connect_args", {})}
        else:
            options.setdefault(key, value)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
