"""Auth test fixtures: a fresh auth app per test on SQLite and PostgreSQL, real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.auth import create_app
from services.auth.extensions import db
from services.common.testing import fresh_tables

SERVICE_SECRET = "quiz-secret-0123456789abcdef"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One signing key directory for the run (generating RSA keys per test is slow)."""
    return tmp_path_factory.mktemp("auth-keys")


@pytest.fixture
def auth_config(
    database_url: str, redis_url: str, redis_prefix: str, keys_dir: Path, tmp_path: Path
) -> dict[str, Any]:
    """The test configuration of the auth app (cheap argon2, private keys and Redis prefix)."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "VAR_DIR": str(tmp_path),
        "AUTH_SECRET_KEY": "test-secret-key-0123456789abcdef",
        "AUTH_SIGNING_KEYS_DIR": str(keys_dir),
        "AUTH_KEY_ACTIVATION_DELAY_S": 0,
        "AUTH_ARGON2_TIME_COST": 1,
        "AUTH_ARGON2_MEMORY_KIB": 1024,
        "AUTH_ARGON2_PARALLELISM": 1,
        "AUTH_SERVICE_CLIENTS": {"quiz": SERVICE_SECRET},
        "AUTH_QUIZ_URL": "http://127.0.0.1:9",
        "GOOGLE_CLIENT_ID": None,
        "GOOGLE_CLIENT_SECRET": None,
        "SERVICE_PROXY_COUNT": 0,
    }


def build(config: dict[str, Any]) -> Iterator[Flask]:
    """Create the app and its tables; drop them afterwards (PostgreSQL is shared per run)."""
    with fresh_tables(create_app(config), db) as app:
        yield app


@pytest.fixture
def app(auth_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh auth app."""
    yield from build(auth_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the auth app."""
    return app.test_client()


class AuthActions:
    """Register and sign in through the public API."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(self, email: str = "ada@example.com", password: str = PASSWORD) -> dict:
        """Register a local account and return it."""
        response = self.client.post(
            "/api/auth/register", json={"email": email, "password": password, "name": "Ada"}
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def login(self, email: str = "ada@example.com", password: str = PASSWORD) -> dict:
        """Sign in and return the token pair."""
        response = self.client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def signed_in(self, email: str = "ada@example.com") -> dict:
        """Register and sign in."""
        self.register(email)
        return self.login(email)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Helper for registering and signing in."""
    return AuthActions(client)


def bearer(token: str) -> dict[str, str]:
    """An Authorization header."""
    return {"Authorization": f"Bearer {token}"}


def set_cookie_headers(response: Any) -> dict[str, str]:
    """The raw Set-Cookie header for each cookie name."""
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}
