"""Local accounts: registration, password policy, sign-in, the current user, password change."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from .conftest import PASSWORD, AuthActions, bearer

PROBLEM = "application/problem+json"


def test_register_returns_the_user_without_the_password(client: FlaskClient) -> None:
    response = client.post(
        "/api/auth/register",
        json={"email": "Ada@Example.com", "password": PASSWORD, "name": "Ada"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "ada@example.com"
    assert body["roles"] == ["candidate"]
    assert body["providers"] == ["password"]
    assert "password" not in body and "password_hash" not in body


def test_register_refuses_a_taken_email_with_409(auth: AuthActions, client: FlaskClient) -> None:
    auth.register("ada@example.com")
    response = client.post(
        "/api/auth/register", json={"email": "ADA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1!", "at least 10"),
        ("password123", "too common"),
        ("aaaaaaaaaaaa", "too simple"),
        ("ada@example.com", "email"),
        ("x" * 129, "at most 128"),
    ],
)
def test_register_enforces_the_password_policy(
    client: FlaskClient, password: str, fragment: str
) -> None:
    response = client.post(
        "/api/auth/register", json={"email": "ada@example.com", "password": password}
    )
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert fragment in " ".join(response.get_json()["errors"]["password"])


@pytest.mark.parametrize(
    "body",
    [{"email": "not-an-email", "password": PASSWORD}, {"password": PASSWORD}, {"email": "a@b.c"}],
)
def test_register_rejects_malformed_bodies_with_422(client: FlaskClient, body: dict) -> None:
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_login_returns_a_bearer_pair(auth: AuthActions) -> None:
    auth.register()
    pair = auth.login()
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 900
    assert pair["access_token"] and pair["refresh_token"]


def test_login_answers_the_same_for_unknown_email_and_wrong_password(
    auth: AuthActions, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.register()
    verified: list[str] = []
    original = PasswordHasher.verify

    def spy(self: PasswordHasher, hash: str, password: str) -> bool:
        verified.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    wrong = client.post("/api/auth/login", json={"email": "ada@example.com", "password": "nope"})
    unknown = client.post("/api/auth/login", json={"email": "bob@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong.get_json()) == strip(unknown.get_json())
    # Both paths pay for one argon2 verification, so timing does not tell them apart.
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)


def test_passwords_are_stored_as_argon2id(app: Flask, auth: AuthActions) -> None:
    from services.auth.accounts import find_by_email

    auth.register()
    with app.app_context():
        stored = find_by_email("ada@example.com").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_me_returns_the_signed_in_user(auth: AuthActions, client: FlaskClient) -> None:
    pair = auth.signed_in()
    response = client.get("/api/auth/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 200
    assert response.get_json()["email"] == "ada@example.com"
    assert set(response.get_json()) == {
        "id", "email", "name", "roles", "email_verified", "providers"
    }  # fmt: skip
    assert response.get_json()["email_verified"] is False


def test_me_without_a_token_is_401_problem(client: FlaskClient) -> None:
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_change_password_needs_the_current_one(auth: AuthActions, client: FlaskClient) -> None:
    pair = auth.signed_in()
    response = client.post(
        "/api/auth/password",
        json={"current_password": "wrong", "new_password": "a brand new secret"},
        headers=bearer(pair["access_token"]),
    )
    assert response.status_code == 422
    assert "current_password" in response.get_json()["errors"]


def test_change_password_ends_other_sign_ins_and_keeps_this_one(
    auth: AuthActions, client: FlaskClient
) -> None:
    here = auth.signed_in()
    elsewhere = auth.login()
    response = client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
        headers=bearer(here["access_token"]),
    )
    assert response.status_code == 204
    assert client.get("/api/auth/me", headers=bearer(elsewhere["access_token"])).status_code == 401
    assert client.get("/api/auth/me", headers=bearer(here["access_token"])).status_code == 200
    stale = client.post("/api/auth/refresh", headers=bearer(elsewhere["refresh_token"]))
    assert stale.status_code == 401
    assert auth.login(password="a brand new secret")["access_token"]
