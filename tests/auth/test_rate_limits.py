"""Login rate limits per IP and per account, counted in real Redis under the key prefix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from .conftest import PASSWORD, AuthActions, build


@pytest.fixture
def app(auth_config: dict[str, Any]) -> Iterator[Flask]:
    """Auth with small limits so tests reach them quickly."""
    yield from build(
        {
            **auth_config,
            "AUTH_LOGIN_LIMIT_IP": "4 per minute",
            "AUTH_LOGIN_LIMIT_ACCOUNT": "2 per minute",
        }
    )


def login(client: FlaskClient, email: str, password: str, ip: str = "198.51.100.1") -> Any:
    return client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def assert_429(response: Any) -> None:
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_failed_logins_lock_the_account_with_429(auth: AuthActions, client: FlaskClient) -> None:
    auth.register()
    for _ in range(2):
        assert login(client, "ada@example.com", "wrong").status_code == 401
    # Even the right password waits now, and from another address too.
    assert_429(login(client, "ADA@example.com", PASSWORD, ip="198.51.100.2"))
    assert login(client, "bob@example.com", "wrong").status_code == 401


def test_successful_logins_do_not_count_against_the_account(
    auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert login(client, "ada@example.com", PASSWORD, ip=ip).status_code == 200


def test_one_address_is_limited_across_accounts(client: FlaskClient) -> None:
    for n in range(4):
        assert login(client, f"user{n}@example.com", "wrong").status_code == 401
    assert_429(login(client, "user9@example.com", "wrong"))
    assert login(client, "user9@example.com", "wrong", ip="198.51.100.7").status_code == 401


def test_limit_counters_live_under_the_redis_key_prefix(
    client: FlaskClient, redis_url: str, redis_prefix: str
) -> None:
    login(client, "probe-7f3a@example.com", "wrong", ip="192.0.2.77")
    store = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in store.scan_iter("*probe-7f3a*")]
    keys += [k.decode() for k in store.scan_iter("*192.0.2.77*")]
    assert len(keys) >= 2
    assert all(key.startswith(redis_prefix) for key in keys)
