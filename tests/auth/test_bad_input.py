"""NUL characters and deeply nested JSON are 400 problems on every auth route, never 500s."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .conftest import PASSWORD, AuthActions


def _assert_400(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_login_with_nul_in_email_is_400(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    body = _assert_400(
        client.post("/api/auth/login", json={"email": "ada\u0000@example.com", "password": "x"})
    )
    assert "email" in body["errors"]


def test_register_with_nul_in_name_is_400_and_creates_nothing(client: FlaskClient) -> None:
    body = {"email": "nul@example.com", "password": PASSWORD, "name": "A\u0000da"}
    _assert_400(client.post("/api/auth/register", json=body))
    login = client.post("/api/auth/login", json={"email": "nul@example.com", "password": PASSWORD})
    assert login.status_code == 401


@pytest.mark.timeout(30)
@pytest.mark.parametrize("url", ["/api/auth/login", "/api/auth/register", "/api/auth/refresh"])
def test_deeply_nested_json_is_400(client: FlaskClient, url: str) -> None:
    _assert_400(client.post(url, data="[" * 100_000, content_type="application/json"))


@pytest.mark.parametrize(
    "url", ["/api/auth/users/%00/roles", "/api/auth/me?x=%00", "/api/auth/login/google?next=%00"]
)
def test_nul_in_path_or_query_is_400(client: FlaskClient, url: str) -> None:
    _assert_400(client.get(url))
