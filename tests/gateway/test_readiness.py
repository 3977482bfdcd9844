"""`/healthz` is the gateway alone; `/readyz` asks every upstream in parallel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import serve

from .standins import elapsed, hung_server, refused_url, upstream_app


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
    assert body["services"] == {"auth": "ready", "content": "ready", "quiz": "ready"}


def test_readyz_is_503_naming_each_failing_upstream(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    with serve(upstream_app("quiz", ready=False)) as not_ready, hung_server() as hung:
        client = make_app(
            GATEWAY_AUTH_URL=hung,
            GATEWAY_CONTENT_URL=refused_url(),
            GATEWAY_QUIZ_URL=not_ready,
            GATEWAY_READY_TIMEOUT=0.3,
        ).test_client()
        started = time.perf_counter()
        with caplog.at_level(logging.WARNING, logger="services.gateway.readiness"):
            response = client.get("/readyz", headers={"X-Request-ID": "probe-2"})
        took = elapsed(started)
    assert response.status_code == 503
    assert took < 3.0  # the three checks ran side by side, each bounded
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["services"] == {"auth": "not ready", "content": "not ready", "quiz": "not ready"}
    # Why is in the log only (addresses and exception text stay out of the public answer).
    assert "127.0.0.1" not in response.get_data(as_text=True)
    reasons = {r.upstream: r.reason for r in caplog.records if r.request_id == "probe-2"}
    assert reasons == {"auth": "timeout", "content": "unreachable", "quiz": "unavailable"}


def test_readyz_is_503_when_one_upstream_is_down(make_app: Callable[..., Flask]) -> None:
    client = make_app(GATEWAY_CONTENT_URL=refused_url()).test_client()
    body = client.get("/readyz").get_json()
    assert body["status"] == "unavailable"
    assert body["services"] == {"auth": "ready", "content": "not ready", "quiz": "ready"}
