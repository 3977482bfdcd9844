"""`/healthz` (the process answers) and `/readyz` (its dependencies answer) for every service."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import redis
from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

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


def run_checks(checks: Mapping[str, Check]) -> tuple[bool, dict[str, Any]]:
    """Run every check; report each as ok/error with its duration."""
    results: dict[str, Any] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"ok": True}
        except Exception as exc:  # a failed dependency is a report, not a crash
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results


def health_blueprint(name: str, service: str, checks: Mapping[str, Check]) -> Blueprint:
    """A blueprint with `/healthz` and `/readyz`; register it once per URL prefix."""
    bp = Blueprint(name, __name__)

    @bp.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        """The process is alive."""
        return jsonify(status="ok", service=service)

    @bp.get("/readyz")
    def readyz():  # type: ignore[no-untyped-def]
        """Every dependency answers (503 with per-check detail otherwise)."""
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
