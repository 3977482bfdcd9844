"""Extension instances of the auth service, bound to an app in `create_app`."""

from flask import request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy


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
