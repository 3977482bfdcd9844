"""Routing: each prefix reaches its service with the path, query, method and body unchanged."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("target", "service", "path", "query"),
    [
        ("/api/auth/me", "auth", "/api/auth/me", ""),
        (
            "/api/content/topics?page=2&per_page=5",
            "content",
            "/api/content/topics",
            "page=2&per_page=5",
        ),
        (
            "/api/quiz/sessions/abc/answers/3?x=%20y&x=z",
            "quiz",
            "/api/quiz/sessions/abc/answers/3",
            "x=%20y&x=z",
        ),
        (
            "/api/content/questions?q=url_for%28%29&sort=-created",
            "content",
            "/api/content/questions",
            "q=url_for%28%29&sort=-created",
        ),
        ("/api/auth", "auth", "/api/auth", ""),
        ("/api/quiz/", "quiz", "/api/quiz/", ""),
    ],
)
def test_forward_reaches_service_with_path_and_query_unchanged(
    client: FlaskClient, target: str, service: str, path: str, query: str
) -> None:
    response = client.get(target)
    assert response.status_code == 200
    echoed = response.get_json()
    assert echoed["service"] == service
    assert echoed["path"] == path
    assert echoed["query"] == query


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_forward_passes_method_and_body_unchanged(client: FlaskClient, method: str) -> None:
    payload = b'{"email": "a@example.com", "password": "not json at all'
    response = client.open(
        "/api/auth/register", method=method, data=payload, content_type="application/json"
    )
    assert response.status_code == 200
    echoed = response.get_json()
    assert echoed["method"] == method
    assert echoed["body"] == payload.decode()
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["headers"]["content-length"] == str(len(payload))


def test_forward_head_returns_headers_without_body(client: FlaskClient) -> None:
    response = client.head("/api/content/topics")
    assert response.status_code == 200
    assert response.data == b""
    assert int(response.headers["Content-Length"]) > 0


@pytest.mark.parametrize("code", [201, 204, 400, 401, 409, 418, 422, 429, 500, 503])
def test_forward_passes_status_code_unchanged(client: FlaskClient, code: int) -> None:
    response = client.post(f"/api/quiz/status/{code}")
    assert response.status_code == code
    assert response.headers["X-Upstream"] == "quiz"
    if code != 204:
        assert response.data == f"status {code}".encode()


def test_forward_does_not_follow_redirects(client: FlaskClient) -> None:
    response = client.get("/api/auth/redirect")
    assert response.status_code == 302
    assert response.headers["Location"] == "/api/auth/elsewhere"
    assert response.data == b"<p>Moved to elsewhere.</p>"


@pytest.mark.parametrize(
    "path",
    [
        "/internal/questions/draw",
        "/internal",
        "/internal/oauth/token",
        "/api/content/internal/questions/draw",
        "/api/quiz/internal",
        "/api/auth/x/Internal/y",
        "/api/content/%69nternal/questions/draw",
        "/api/content/x%2Finternal%2Fy",
        "/api/content/../../internal/questions/draw",
        "/api/quiz/./sessions",
    ],
)
def test_internal_paths_are_never_routed(client: FlaskClient, path: str) -> None:
    response = client.post(path, json={"count": 1})
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 404
    assert "service" not in response.get_json()


@pytest.mark.parametrize("path", ["/api/other/x", "/api/users", "/nowhere", "/api"])
def test_unknown_routes_are_problem_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["title"] == "Not Found"
    assert body["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("TRACE", "/api/auth/me"),
        ("CONNECT", "/api/content/topics"),
        ("POST", "/"),
        ("DELETE", "/healthz"),
        ("PUT", "/readyz"),
    ],
)
def test_disallowed_methods_are_problem_405(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.mimetype == PROBLEM
    assert "GET" in response.headers["Allow"]
