"""The auth service documents its routes in OpenAPI and serves health checks."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_openapi_documents_the_public_routes(client: FlaskClient) -> None:
    response = client.get("/api/auth/openapi.json")
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    for path in (
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/auth/login/google",
        "/api/auth/callback/google",
        "/api/auth/providers",
        "/api/auth/users/{user_id}/roles",
    ):
        assert path in paths, path
    assert client.get("/api/auth/docs").status_code == 200


def test_readyz_checks_database_and_redis(client: FlaskClient) -> None:
    body = client.get("/api/auth/readyz").get_json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "redis"}
