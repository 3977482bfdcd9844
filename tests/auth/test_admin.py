"""Roles: the create-admin command and the admin route that sets roles."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from .conftest import AuthActions, bearer


def make_admin(app: Flask, email: str = "root@example.com") -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", email, "--password", "a long admin secret"]
    )
    assert result.exit_code == 0, result.output


def test_create_admin_creates_an_admin_who_can_sign_in(app: Flask, auth: AuthActions) -> None:
    make_admin(app)
    token = auth.login("root@example.com", "a long admin secret")["access_token"]
    me = auth.client.get("/api/auth/me", headers=bearer(token)).get_json()
    assert me["roles"] == ["admin"]


def test_create_admin_prompts_for_what_is_missing(app: Flask, auth: AuthActions) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin"], input="root@example.com\na long admin secret\na long admin secret\n"
    )
    assert result.exit_code == 0, result.output
    assert auth.login("root@example.com", "a long admin secret")


def test_create_admin_promotes_an_existing_account(app: Flask, auth: AuthActions) -> None:
    auth.register("ada@example.com")
    make_admin(app, "ada@example.com")
    token = auth.login()["access_token"]
    assert auth.client.get("/api/auth/me", headers=bearer(token)).get_json()["roles"] == [
        "admin",
        "candidate",
    ]


def test_create_admin_enforces_the_password_policy(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "root@example.com", "--password", "password"]
    )
    assert result.exit_code != 0


def test_admin_sets_roles_effective_at_next_sign_in(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    user = auth.register("ada@example.com")
    make_admin(app)
    admin = auth.login("root@example.com", "a long admin secret")["access_token"]
    response = client.put(
        f"/api/auth/users/{user['id']}/roles", json={"roles": ["author"]}, headers=bearer(admin)
    )
    assert response.status_code == 200
    assert response.get_json()["roles"] == ["author"]
    assert auth.login()["access_token"]
    token = auth.login()["access_token"]
    assert client.get("/api/auth/me", headers=bearer(token)).get_json()["roles"] == ["author"]


def test_roles_route_is_401_without_token_and_403_for_non_admins(
    auth: AuthActions, client: FlaskClient
) -> None:
    user = auth.register("ada@example.com")
    path = f"/api/auth/users/{user['id']}/roles"
    assert client.put(path, json={"roles": ["admin"]}).status_code == 401
    token = auth.login()["access_token"]
    response = client.put(path, json={"roles": ["admin"]}, headers=bearer(token))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_roles_route_validates_roles_and_users(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    make_admin(app)
    admin = bearer(auth.login("root@example.com", "a long admin secret")["access_token"])
    me = client.get("/api/auth/me", headers=admin).get_json()
    assert (
        client.put(
            "/api/auth/users/nope/roles", json={"roles": ["author"]}, headers=admin
        ).status_code
        == 404
    )
    bad = client.put(
        f"/api/auth/users/{me['id']}/roles", json={"roles": ["service"]}, headers=admin
    )
    assert bad.status_code == 422
    last = client.put(
        f"/api/auth/users/{me['id']}/roles", json={"roles": ["author"]}, headers=admin
    )
    assert last.status_code == 409
