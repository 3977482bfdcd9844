"""`/healthz` answers while alive; `/readyz` reports each dependency as ready or not ready."""

from __future__ import annotations

import json
import logging

import pytest

from services.common.health import redis_check

from .conftest import build_app


def _failing() -> None:
    raise ConnectionError("database is down")


def test_healthz_at_root_and_prefix(client):
    for path in ("/healthz", "/api/sample/healthz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_json()["status"] == "ok"


def test_readyz_ready_when_checks_pass(redis_url):
    client = build_app(checks={"redis": redis_check(redis_url)}).test_client()
    response = client.get("/api/sample/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"redis": "ready"}


def test_readyz_503_names_the_failing_dependency():
    client = build_app(checks={"database": _failing, "other": lambda: None}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "not ready", "other": "ready"}


def test_readyz_keeps_the_failure_out_of_the_body_and_logs_it(caplog: pytest.LogCaptureFixture):
    def leaky() -> None:
        raise ConnectionError('connection to "db.internal:5432" failed for role "svc_admin"')

    client = build_app(checks={"database": leaky}).test_client()
    with caplog.at_level(logging.WARNING, logger="services.common.health"):
        response = client.get("/readyz", headers={"X-Request-ID": "probe-7"})

    text = json.dumps(response.get_json())
    assert "db.internal" not in text and "svc_admin" not in text and "Error" not in text
    record = next(r for r in caplog.records if r.name == "services.common.health")
    assert "db.internal" in record.getMessage() and "ConnectionError" in record.getMessage()
    assert record.request_id == "probe-7" and record.check == "database"


def test_readyz_reports_unreachable_redis():
    client = build_app(checks={"redis": redis_check("redis://127.0.0.1:1/0")}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"redis": "not ready"}
    assert "127.0.0.1" not in response.get_data(as_text=True)
