"""Extension instances of the auth service, bound to an app by `init_app`."""

from flask import Flask, request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from services.common.database import init_database


def client_address() -> str:
    """The caller's address as ProxyFix resolved it (nginx and the gateway sit in front)."""
    return request.remote_addr or "unknown"


db = SQLAlchemy()
migrate = Migrate()
# Fail open to per-process in-memory counting when Redis is unreachable: logins keep working and
# stay limited, which beats both a 500 and no limit at all.
limiter = Limiter(
    key_func=client_address,
    headers_enabled=True,
    swallow_errors=True,
    in_memory_fallback_enabled=True,
    key_prefix="auth",
    retry_after="delta-seconds",
)


def init_app(app: Flask) -> None:
    """Bind the database, its migrations and the rate limiter to `app`."""
    init_database(app, db, migrate, __file__)
    init_rate_limits(app)


def init_rate_limits(app: Flask) -> None:
    """Flask-Limiter on the shared Redis, every key under `REDIS_KEY_PREFIX`."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    app.config.setdefault(
        "RATELIMIT_STORAGE_OPTIONS",
        {
            "key_prefix": f"{app.config['REDIS_KEY_PREFIX']}limits",
            "socket_timeout": 1,
            "socket_connect_timeout": 1,
        },
    )
    limiter.init_app(app)
