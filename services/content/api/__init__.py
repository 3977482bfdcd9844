"""HTTP routes of the content service: public ones under `PREFIX`, internal ones at /internal."""

from __future__ import annotations

from flask import Flask

from services.common.health import database_check, register_health
from services.common.openapi import init_openapi

from ..config import PREFIX
from ..extensions import db
from . import exchange, internal, questions, topics

PUBLIC_BLUEPRINTS = (topics.bp, questions.bp, exchange.bp)


def init_app(app: Flask) -> None:
    """Register the routes, their OpenAPI document and the health checks."""
    api = init_openapi(app, PREFIX)
    for blueprint in PUBLIC_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    # Documented with the public routes (its tag says who may call it); the gateway never
    # routes /internal.
    api.register_blueprint(internal.bp, url_prefix="/internal")
    register_health(app, "content", PREFIX, {"database": database_check(db)})
