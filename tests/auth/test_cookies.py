"""Browser cookies: flags, path scoping and CSRF double-submit protection."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import AuthActions, build, set_cookie_headers


def test_login_sets_httponly_samesite_cookies(auth: AuthActions, client: FlaskClient) -> None:
    auth.register()
    response = client.post(
        "/api/auth/login", json={"email": "ada@example.com", "password": "correct horse battery"}
    )
    cookies = set_cookie_headers(response)
    access, refresh = cookies["access_token_cookie"], cookies["refresh_token_cookie"]
    for header in (access, refresh):
        assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert "Path=/;" in access or access.endswith("Path=/")
    assert "Path=/api/auth/refresh" in refresh
    # The CSRF cookies are readable by the page's script: that is the double submit.
    for name in ("csrf_access_token", "csrf_refresh_token"):
        assert "HttpOnly" not in cookies[name] and "SameSite=Lax" in cookies[name]


def test_cookies_are_secure_in_production(
    auth_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    # Production needs a mail server; nothing listens on the discard port, which is fine here.
    for app in build({**auth_config, "SMTP_URL": "smtp://127.0.0.1:9"}):
        client = app.test_client()
        AuthActions(client).register()
        response = client.post(
            "/api/auth/login",
            json={"email": "ada@example.com", "password": "correct horse battery"},
        )
        assert app.config["SESSION_COOKIE_SECURE"] is True
        for header in set_cookie_headers(response).values():
            assert "Secure" in header


def test_cookie_session_reads_without_csrf_header(auth: AuthActions, client: FlaskClient) -> None:
    auth.signed_in()
    assert client.get("/api/auth/me").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/auth/logout", None),
        ("post", "/api/auth/password", {"current_password": "x", "new_password": "y" * 12}),
        ("delete", "/api/auth/me", None),
    ],
)
def test_cookie_write_without_csrf_header_is_refused(
    auth: AuthActions, client: FlaskClient, method: str, path: str, body: dict | None
) -> None:
    auth.signed_in()
    response = getattr(client, method)(path, json=body)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "CSRF" in response.get_json()["detail"]
    assert client.get("/api/auth/me").status_code == 200  # nothing happened


def test_cookie_write_with_wrong_csrf_header_is_refused(
    auth: AuthActions, client: FlaskClient
) -> None:
    auth.signed_in()
    response = client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": "forged"})
    assert response.status_code == 401


def test_cookie_logout_with_csrf_header_clears_cookies(
    auth: AuthActions, client: FlaskClient
) -> None:
    auth.signed_in()
    csrf = client.get_cookie("csrf_access_token").value
    response = client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 204
    assert client.get_cookie("access_token_cookie") is None
    assert client.get_cookie("refresh_token_cookie", path="/api/auth/refresh") is None
    assert client.get("/api/auth/me").status_code == 401


def test_cookie_refresh_needs_the_refresh_csrf_token(
    auth: AuthActions, client: FlaskClient
) -> None:
    auth.signed_in()
    assert client.post("/api/auth/refresh").status_code == 401
    csrf = client.get_cookie("csrf_refresh_token").value
    response = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 200
    assert client.get_cookie("csrf_refresh_token").value != csrf
    assert client.get("/api/auth/me").status_code == 200


def test_token_cookies_live_as_long_as_their_tokens(
    auth_config: dict[str, Any],
) -> None:
    import datetime as dt

    config = {
        **auth_config,
        "JWT_ACCESS_TOKEN_EXPIRES": dt.timedelta(seconds=300),
        "JWT_REFRESH_TOKEN_EXPIRES": dt.timedelta(seconds=7200),
    }
    for app in build(config):
        client = app.test_client()
        AuthActions(client).register()
        response = client.post(
            "/api/auth/login",
            json={"email": "ada@example.com", "password": "correct horse battery"},
        )
        cookies = set_cookie_headers(response)
        for name in ("access_token_cookie", "csrf_access_token"):
            assert "Max-Age=300;" in cookies[name] + ";", cookies[name]
        for name in ("refresh_token_cookie", "csrf_refresh_token"):
            assert "Max-Age=7200;" in cookies[name] + ";", cookies[name]
