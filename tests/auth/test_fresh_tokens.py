"""Sign-in issues fresh access tokens; refreshed ones are not; sensitive changes need fresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.auth import tokens
from services.auth.extensions import db
from services.auth.models import User

from .conftest import PASSWORD, AuthActions, bearer, build

NEW_PASSWORD = "a brand new secret"


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def refreshed(client: FlaskClient, pair: dict) -> dict:
    response = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 200
    return response.get_json()


def change_password(client: FlaskClient, access_token: str) -> Any:
    return client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(access_token),
    )


def assert_fresh_sign_in_required(response: Any) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith(":fresh-sign-in-required")
    assert "sign in again" in body["detail"].lower()


def test_password_sign_in_is_fresh_for_the_window(auth: AuthActions) -> None:
    claims = claims_of(auth.signed_in()["access_token"])
    assert claims["fresh"] - claims["iat"] == pytest.approx(300, abs=2)


def test_refreshed_tokens_are_not_fresh(auth: AuthActions, client: FlaskClient) -> None:
    pair = refreshed(client, auth.signed_in())
    assert claims_of(pair["access_token"])["fresh"] is False


def test_every_new_sign_in_is_fresh_google_included(app: Flask, auth: AuthActions) -> None:
    # The Google callback signs in with the same `tokens.sign_in`.
    auth.register()
    with app.test_request_context(), app.app_context():
        user = db.session.query(User).one()
        claims = claims_of(tokens.sign_in(user).access_token)
    assert claims["fresh"] > claims["iat"]


def test_changing_the_password_needs_a_fresh_sign_in(
    auth: AuthActions, client: FlaskClient
) -> None:
    stale = refreshed(client, auth.signed_in())
    assert_fresh_sign_in_required(change_password(client, stale["access_token"]))
    assert change_password(client, auth.login()["access_token"]).status_code == 204


def test_deleting_the_account_needs_a_fresh_sign_in(
    auth: AuthActions, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.auth.api.accounts.delete_quiz_data", lambda _user_id: None)
    stale = refreshed(client, auth.signed_in())
    response = client.delete("/api/auth/me", headers=bearer(stale["access_token"]))
    assert_fresh_sign_in_required(response)
    assert client.get("/api/auth/me", headers=bearer(stale["access_token"])).status_code == 200


@pytest.fixture
def expired_window_app(auth_config: dict[str, Any]) -> Iterator[Flask]:
    """Sign-ins whose freshness has already run out (a negative window)."""
    yield from build({**auth_config, "AUTH_FRESH_WINDOW_S": -60})


def test_a_sign_in_older_than_the_window_is_no_longer_fresh(expired_window_app: Flask) -> None:
    client = expired_window_app.test_client()
    pair = AuthActions(client).signed_in()
    assert_fresh_sign_in_required(change_password(client, pair["access_token"]))
