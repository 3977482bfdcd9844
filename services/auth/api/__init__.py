"""HTTP routes of the auth service: public ones under `PREFIX`, internal ones at /internal."""

from __future__ import annotations

from flask import Flask, Response, request

from services.common.health import database_check, redis_check, register_health
from services.common.openapi import init_openapi

from ..config import PREFIX
from ..extensions import db
from . import accounts, admin, google, internal, jwks, links, sessions

PUBLIC_BLUEPRINTS = (sessions.bp, accounts.bp, links.bp, google.bp, jwks.bp, admin.bp)


def init_app(app: Flask) -> None:
    """Register the routes, their OpenAPI document and health checks, and the cache policy."""
    api = init_openapi(app, PREFIX)
    for blueprint in PUBLIC_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    # Internal routes stay out of the public OpenAPI document (the gateway never routes them).
    app.register_blueprint(internal.bp, url_prefix="/internal")
    register_health(
        app,
        "auth",
        PREFIX,
        {"database": database_check(db), "redis": redis_check(app.config["REDIS_URL"])},
    )
    app.after_request(no_store)


def no_store(response: Response) -> Response:
    """Mark API answers uncacheable unless the view set its own policy (as the JWKS does)."""
    # Tokens and account data must never sit in a shared cache.
    if "Cache-Control" not in response.headers and request.path.startswith(("/api/", "/internal")):
        response.headers["Cache-Control"] = "no-store"
    return response
