"""`/healthz` (the process answers) and `/readyz` (its dependencies answer) for every service.

`/readyz` is public (through the gateway), so it says only `ready` or `not ready` per
dependency; why a check failed (which carries host names, roles, addresses) goes to the log,
with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import redis
from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

from .request_log import current_request_id

READY, NOT_READY = "ready", "not ready"
log = logging.getLogger(__name__)
Check = Callable[[], None]


def database_check(db: Any) -> Check:
    """A check that runs `SELECT 1` on the service's database."""

    def check() -> None:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return check


def redis_check(url: str) -> Check:
    """A check that pings Redis with a short timeout."""

    def check() -> None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()

    return check


def run_checks(checks: Mapping[str, Check]) -> tuple[bool, dict[str, str]]:
    """Run every check; report each as `ready` or `not ready` and log why one failed."""
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = READY
        except Exception as exc:  # a failed dependency is a report, not a crash
            results[name] = NOT_READY
            log.warning(
                "readiness check %s failed: %s: %s",
                name,
                type(exc).__name__,
                exc,
                extra={"check": name, "request_id": current_request_id()},
            )
    return all(r == READY for r in results.values()), results


def health_blueprint(name: str, service: str, checks: Mapping[str, Check]) -> Blueprint:
    """A blueprint with `/healthz` and `/readyz`; register it once per URL prefix."""
    bp = Blueprint(name, __name__)

    @bp.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        """The process is alive."""
        return jsonify(status="ok", service=service)

    @bp.get("/readyz")
    def readyz():  # type: ignore[no-untyped-def]
        """Every dependency answers (503 otherwise); each says only `ready` or `not ready`."""
        ready, results = run_checks(checks)
        body = {
            "status": "ready" if ready else "unavailable",
            "service": service,
            "checks": results,
        }
        return jsonify(body), (200 if ready else 503)

    return bp


def register_health(app: Flask, service: str, prefix: str, checks: Mapping[str, Check]) -> None:
    """Serve health at the root (for container probes) and under the public prefix."""
    app.register_blueprint(health_blueprint("health_root", service, checks))
    app.register_blueprint(health_blueprint("health", service, checks), url_prefix=prefix)
