"""Login rate limits per address, per account and address, and per account, counted in real
Redis under the key prefix before any password is checked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
import redis
import requests
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import serve

from .conftest import PASSWORD, AuthActions, build


@pytest.fixture
def app(auth_config: dict[str, Any]) -> Iterator[Flask]:
    """Auth with small limits so tests reach them quickly."""
    yield from build(
        {
            **auth_config,
            "AUTH_LOGIN_LIMIT_IP": "4 per minute",
            "AUTH_LOGIN_LIMIT_ACCOUNT_IP": "2 per minute",
            "AUTH_LOGIN_LIMIT_ACCOUNT": "6 per minute",
            "AUTH_REGISTER_LIMIT_IP": "2 per hour",
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


def test_failed_logins_lock_the_account_for_that_address_only(
    auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    for _ in range(2):
        assert login(client, "ada@example.com", "wrong").status_code == 401
    # Even the right password waits now from the guessing address ...
    assert_429(login(client, "ADA@example.com", PASSWORD))
    # ... but the owner elsewhere is not locked out, and other accounts are untouched.
    assert login(client, "ada@example.com", PASSWORD, ip="198.51.100.2").status_code == 200
    assert login(client, "bob@example.com", "wrong").status_code == 401


def test_guesses_spread_over_addresses_meet_the_account_ceiling(
    auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    for n in range(6):
        assert (
            login(client, "ada@example.com", "wrong", ip=f"198.51.100.{10 + n}").status_code == 401
        )
    assert login(client, "ada@example.com", PASSWORD, ip="198.51.100.99").status_code == 429


def test_the_owner_signs_in_from_several_addresses(auth: AuthActions, client: FlaskClient) -> None:
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


def attempt(url: str, body: dict[str, str], _n: int) -> int:
    """One login over HTTP; its status."""
    return requests.post(url, json=body, timeout=60).status_code


@pytest.mark.timeout(120)
def test_parallel_guesses_check_no_more_passwords_than_the_limit(
    auth_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.auth import passwords

    checked = []
    lock = threading.Lock()
    verify = passwords.verify_password

    def counting(stored_hash: str | None, password: str) -> bool:
        with lock:
            checked.append(password)
        return verify(stored_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    config = {
        **auth_config,
        "AUTH_LOGIN_LIMIT_IP": "1000 per minute",
        "AUTH_LOGIN_LIMIT_ACCOUNT_IP": "5 per minute",
        "AUTH_LOGIN_LIMIT_ACCOUNT": "50 per hour",
    }
    for app in build(config):
        AuthActions(app.test_client()).register()
        checked.clear()
        with serve(app) as base_url:
            url = f"{base_url}/api/auth/login"
            body = {"email": "ada@example.com", "password": "wrong password"}
            with ThreadPoolExecutor(max_workers=30) as pool:
                statuses = list(pool.map(partial(attempt, url, body), range(60)))
        assert sorted(set(statuses)) == [401, 429]
        assert statuses.count(401) <= 5
        assert len(checked) <= 5


def test_registrations_from_one_address_are_limited(client: FlaskClient) -> None:
    def register(email: str, ip: str) -> Any:
        return client.post(
            "/api/auth/register",
            json={"email": email, "password": PASSWORD, "name": "N"},
            environ_base={"REMOTE_ADDR": ip},
        )

    assert register("one@example.com", "198.51.100.7").status_code == 201
    assert register("two@example.com", "198.51.100.7").status_code == 201
    limited = register("three@example.com", "198.51.100.7")
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert int(limited.headers["Retry-After"]) > 0
    assert register("three@example.com", "198.51.100.8").status_code == 201
