"""Auth service: accounts, Google sign-in, RS256 tokens, JWKS and service credentials."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from services.common.factory import create_base_app
from services.common.health import database_check, redis_check, register_health
from services.common.openapi import init_openapi

from .config import PREFIX, defaults, from_env
from .extensions import db, limiter, migrate
from .google import init_google
from .mail import init_mail
from .security import init_keys, init_secret_key, init_tokens


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the auth service."""
    app = create_base_app(__name__, "auth", defaults(), from_env, config, db=db)
    init_secret_key(app)
    init_tokens(app, init_keys(app))
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables there.
        render_as_batch=True,
        compare_type=True,
    )
    init_rate_limits(app)
    init_mail(app)
    init_google(app)
    api = init_openapi(app, PREFIX)
    register_blueprints(app, api)
    register_health(
        app,
        "auth",
        PREFIX,
        {"database": database_check(db), "redis": redis_check(app.config["REDIS_URL"])},
    )
    app.after_request(_no_store)

    from .cli import register_cli

    register_cli(app)
    return app


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


def register_blueprints(app: Flask, api: Any) -> None:
    """Public routes under /api/auth, internal ones at /internal."""
    from .api import accounts, admin, google, internal, links, sessions

    for blueprint in (sessions.bp, accounts.bp, links.bp, google.bp, admin.bp):
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    app.register_blueprint(internal.bp)


def _no_store(response: Response) -> Response:
    # Tokens and account data must never sit in a shared cache; the JWKS sets its own policy.
    if "Cache-Control" not in response.headers and request.path.startswith(("/api/", "/internal")):
        response.headers["Cache-Control"] = "no-store"
    return response
