"""Quiz service: interview templates, timed sessions, scoring, results and item statistics."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from services.common.auth import init_token_verification
from services.common.factory import create_base_app
from services.common.health import database_check, redis_check, register_health
from services.common.openapi import init_openapi
from services.common.settings import require_settings

from .celery_app import celery_init_app
from .cli import init_cli
from .clients.content import init_content_client
from .clock import init_clock
from .config import PREFIX, defaults, from_env
from .extensions import db, migrate
from .gauges import init_gauges


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the quiz service."""
    app = create_base_app(__name__, "quiz", defaults(), from_env, config, db=db)
    require_settings(app, "QUIZ_CLIENT_SECRET")
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    init_token_verification(app)
    init_clock(app)
    init_content_client(app)
    celery = celery_init_app(app)
    api = init_openapi(app, PREFIX)
    from .api import internal, sessions, stats, templates

    for blueprint in (templates.blp, sessions.blp, stats.blp):
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    app.register_blueprint(internal.bp)
    init_cli(app)
    init_gauges(app)
    register_health(
        app,
        "quiz",
        PREFIX,
        {"database": database_check(db), "broker": redis_check(celery.conf.broker_url)},
    )
    return app
