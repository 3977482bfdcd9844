"""`/healthz` answers while alive; `/readyz` reports each dependency."""

from __future__ import annotations

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
    assert response.get_json()["checks"]["redis"]["ok"] is True


def test_readyz_503_names_the_failing_dependency():
    client = build_app(checks={"database": _failing, "other": lambda: None}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is False
    assert "database is down" in checks["database"]["error"]
    assert checks["other"]["ok"] is True


def test_readyz_reports_unreachable_redis():
    client = build_app(checks={"redis": redis_check("redis://127.0.0.1:1/0")}).test_client()
    assert client.get("/readyz").status_code == 503
