"""Headers: end-to-end ones pass unchanged both ways; hop-by-hop ones stop at the gateway."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.gateway.headers import Hop, downstream_response_headers, upstream_request_headers


def test_forward_passes_auth_and_cache_headers_unchanged(app: Flask) -> None:
    # A cookie-less test client: one with a cookie jar replaces the Cookie header we send.
    client = app.test_client(use_cookies=False)
    sent = {
        "Authorization": "Bearer abc.def.ghi",
        "Cookie": "access_token_cookie=tok; csrf_access_token=csrf",
        "X-CSRF-TOKEN": "csrf",
        "If-None-Match": '"v7"',
        "Accept": "application/json",
        "Accept-Language": "nl, en;q=0.5",
        "User-Agent": "pytest-client/1.0",
        "X-Forwarded-Prefix": "/edge",
    }
    echoed = client.get("/api/content/questions", headers=sent).get_json()["headers"]
    for name, value in sent.items():
        assert echoed[name.lower()] == value


def test_forward_keeps_every_set_cookie(client: FlaskClient) -> None:
    response = client.get("/api/auth/cookies")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2
    assert any(c.startswith("access_token_cookie=tok;") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("csrf_access_token=csrf;") for c in cookies)


def test_forward_never_shares_cookies_between_callers(client: FlaskClient) -> None:
    client.get("/api/auth/cookies")
    other = client.application.test_client(use_cookies=False)
    echoed = other.get("/api/auth/me").get_json()["headers"]
    assert "cookie" not in echoed


def test_forward_relays_etag_and_not_modified(client: FlaskClient) -> None:
    fresh = client.get("/api/content/etag")
    assert fresh.headers["ETag"] == '"v1"'
    cached = client.get("/api/content/etag", headers={"If-None-Match": '"v1"'})
    assert cached.status_code == 304
    assert cached.headers["ETag"] == '"v1"'


def test_forward_strips_hop_by_hop_request_headers(client: FlaskClient) -> None:
    sent = {
        "Connection": "keep-alive, X-Hop-Secret",
        "Keep-Alive": "timeout=5",
        "X-Hop-Secret": "do not forward",
        "Proxy-Authorization": "Basic Zm9vOmJhcg==",
        "Proxy": "http://evil.example",
        "TE": "trailers",
        "Upgrade": "websocket",
        "Trailer": "X-Checksum",
        "X-End-To-End": "kept",
    }
    echoed = client.get("/api/quiz/sessions", headers=sent).get_json()["headers"]
    for name in (
        "keep-alive",
        "x-hop-secret",
        "proxy-authorization",
        "proxy",
        "te",
        "upgrade",
        "trailer",
    ):
        assert name not in echoed
    assert echoed.get("connection", "").lower() in ("", "keep-alive", "close")
    assert echoed["x-end-to-end"] == "kept"


def test_forward_strips_hop_by_hop_response_headers(client: FlaskClient) -> None:
    response = client.get("/api/content/hop")
    assert response.data == b"streamed body"
    assert response.headers["X-Kept"] == "yes"
    for name in ("Connection", "X-Private", "Keep-Alive", "Transfer-Encoding"):
        assert name not in response.headers


def test_forward_propagates_the_incoming_request_id(client: FlaskClient) -> None:
    response = client.get("/api/auth/me", headers={"X-Request-ID": "edge-42.abc"})
    assert response.get_json()["headers"]["x-request-id"] == "edge-42.abc"
    assert response.headers["X-Request-ID"] == "edge-42.abc"


@pytest.mark.parametrize("incoming", [None, "", "not valid\tid", "x" * 200])
def test_forward_generates_a_request_id_when_missing_or_invalid(
    client: FlaskClient, incoming: str | None
) -> None:
    headers = {"X-Request-ID": incoming} if incoming is not None else {}
    response = client.get("/api/content/topics", headers=headers)
    upstream_id = response.get_json()["headers"]["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", upstream_id)
    assert response.headers["X-Request-ID"] == upstream_id


def test_forward_appends_peer_to_x_forwarded_for(client: FlaskClient) -> None:
    echoed = client.get(
        "/api/auth/me",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    ).get_json()["headers"]
    assert echoed["x-forwarded-for"] == "203.0.113.9, 10.0.0.5"
    # The services trust two hops (nginx, gateway): nginx's value stays second from the right.
    assert echoed["x-forwarded-proto"] == "https, http"


def test_forward_starts_x_forwarded_for_without_a_proxy_in_front(client: FlaskClient) -> None:
    echoed = client.get("/api/auth/me", environ_base={"REMOTE_ADDR": "192.0.2.1"}).get_json()[
        "headers"
    ]
    assert echoed["x-forwarded-for"] == "192.0.2.1"
    assert echoed["x-forwarded-proto"] == "http"


def test_forward_keeps_the_public_host(client: FlaskClient) -> None:
    echoed = client.get(
        "/api/auth/me",
        base_url="http://interviews.example:8080",
        headers={"X-Forwarded-Host": "interviews.example:8080", "X-Forwarded-Port": "8080"},
    ).get_json()["headers"]
    assert echoed["host"] == "interviews.example:8080"
    assert echoed["x-forwarded-host"] == "interviews.example:8080, interviews.example:8080"
    assert echoed["x-forwarded-port"].startswith("8080, ")


def test_upstream_request_headers_drops_headers_named_in_connection() -> None:
    incoming = [
        ("Connection", "Upgrade, X-Foo"),
        ("X-Foo", "1"),
        ("X-Bar", "2"),
        ("Content-Length", "3"),
        ("Expect", "100-continue"),
    ]
    headers = upstream_request_headers(incoming, Hop("10.0.0.1", "http", "gw", "8000"), "rid")
    names = [name.lower() for name, _ in headers]
    assert names == [
        "x-bar",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-request-id",
    ]


def test_downstream_response_headers_keeps_repeated_headers() -> None:
    upstream = [
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Connection", "close"),
        ("Transfer-Encoding", "chunked"),
        ("Server", "gunicorn"),
        ("Date", "Tue, 24 Nov 2026 06:09:30 GMT"),
        ("Location", "/x"),
    ]
    assert downstream_response_headers(upstream) == [
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Location", "/x"),
    ]
