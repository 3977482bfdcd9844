"""`/healthz` is the gateway alone; `/readyz` asks every upstream in parallel."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from .standins import elapsed, hung_server, refused_url, serve, upstream_app


def test_healthz_answers_without_upstreams(make_app: Callable[..., Flask]) -> None:
    client = make_app(
        GATEWAY_AUTH_URL=refused_url(),
        GATEWAY_CONTENT_URL=refused_url(),
        GATEWAY_QUIZ_URL=refused_url(),
    ).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "service": "gateway"}


def test_readyz_is_200_when_every_upstream_is_ready(client: FlaskClient) -> None:
    response = client.get("/readyz", headers={"X-Request-ID": "probe-1"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert set(body["services"]) == {"auth", "content", "quiz"}
    for name, detail in body["services"].items():
        assert detail["status"] == "ready"
        assert detail["service"] == name
        assert detail["checks"]["database"]["ok"] is True
        assert detail["ms"] >= 0


def test_readyz_is_503_naming_each_failing_upstream(make_app: Callable[..., Flask]) -> None:
    with serve(upstream_app("quiz", ready=False)) as not_ready, hung_server() as hung:
        client = make_app(
            GATEWAY_AUTH_URL=hung,
            GATEWAY_CONTENT_URL=refused_url(),
            GATEWAY_QUIZ_URL=not_ready,
            GATEWAY_READY_TIMEOUT=0.3,
        ).test_client()
        started = time.perf_counter()
        response = client.get("/readyz")
        took = elapsed(started)
    assert response.status_code == 503
    assert took < 3.0  # the three checks ran side by side, each bounded
    body = response.get_json()
    assert body["status"] == "unavailable"
    services = body["services"]
    assert services["auth"]["status"] == "timeout"
    assert services["content"]["status"] == "unreachable"
    assert services["quiz"]["status"] == "unavailable"
    assert services["quiz"]["http_status"] == 503
    assert services["quiz"]["checks"]["database"]["ok"] is False


def test_readyz_is_503_when_one_upstream_is_down(make_app: Callable[..., Flask]) -> None:
    client = make_app(GATEWAY_CONTENT_URL=refused_url()).test_client()
    body = client.get("/readyz").get_json()
    assert body["status"] == "unavailable"
    assert body["services"]["auth"]["status"] == "ready"
    assert body["services"]["quiz"]["status"] == "ready"
    assert body["services"]["content"]["status"] == "unreachable"
