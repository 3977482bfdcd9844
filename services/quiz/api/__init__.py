"""HTTP layer of the quiz service: thin views over the domain modules. Public routes under
`PREFIX`, internal ones at /internal."""

from __future__ import annotations

from flask import Flask

from services.common.health import database_check, redis_check, register_health
from services.common.openapi import init_openapi

from ..config import PREFIX
from ..extensions import db
from . import internal, reports, reviews, sessions, stats, templates

PUBLIC_BLUEPRINTS = (templates.bp, sessions.bp, reviews.bp, stats.bp, reports.bp)


def init_app(app: Flask) -> None:
    """Register the routes, their OpenAPI document and the health checks."""
    api = init_openapi(app, PREFIX)
    for blueprint in PUBLIC_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    # Internal routes stay out of the public OpenAPI document (the gateway never routes them).
    app.register_blueprint(internal.bp, url_prefix="/internal")
    broker = app.extensions["celery"].conf.broker_url
    register_health(
        app, "quiz", PREFIX, {"database": database_check(db), "broker": redis_check(broker)}
    )
