"""The gateway's own pages: the landing page, `/healthz` and the aggregated `/readyz`."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, render_template

from ..readiness import aggregate_readiness
from ..upstreams import upstreams

bp = Blueprint("pages", __name__)

SERVICE_BLURBS = {
    "auth": "Accounts, Google sign-in, roles and the public keys that verify tokens.",
    "content": "Topics and the versioned question bank: study it, or write it as an author.",
    "quiz": "Timed mock interviews: sessions, autosaved answers, scores and reports.",
}


@bp.get("/")
def landing() -> str:
    """What the platform does, with links to the question bank and each service's API docs."""
    services = [(name, SERVICE_BLURBS.get(name, "")) for name in upstreams()]
    return render_template("index.html", services=services)


@bp.get("/healthz")
def healthz() -> Response:
    """The gateway process is alive (says nothing about the services behind it)."""
    return jsonify(status="ok", service="gateway")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Every upstream is ready (200), or 503; each service says only `ready` or `not ready`."""
    ready, services = aggregate_readiness(
        upstreams(), float(current_app.config["GATEWAY_READY_TIMEOUT"]), g.request_id
    )
    response = jsonify(
        status="ready" if ready else "unavailable", service="gateway", services=services
    )
    response.headers["Cache-Control"] = "no-store"
    return response, (200 if ready else 503)
