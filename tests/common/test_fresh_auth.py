"""`require_fresh_auth`: sensitive changes need a token from a recent sign-in."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask, jsonify

from services.common.auth import init_token_verification, is_fresh, require_fresh_auth
from services.common.factory import create_base_app
from services.common.testing import TokenMinter


def sensitive_app(config: dict[str, Any]) -> Flask:
    """A service with one route that needs a fresh sign-in."""
    app = create_base_app(__name__, "probe", {"SERVICE_PROXY_COUNT": 0}, dict, config)
    init_token_verification(app)

    @app.post("/sensitive")
    @require_fresh_auth
    def sensitive() -> Any:
        return jsonify(ok=True)

    return app


@pytest.fixture
def client(minter: TokenMinter, redis_url: str, redis_prefix: str) -> Any:
    config = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix, **minter.app_config()}
    return sensitive_app(config).test_client()


@pytest.mark.parametrize(
    ("fresh", "expected"),
    [
        (True, True),
        (False, False),
        (4_102_444_800, True),  # a deadline in 2100
        (946_684_800.5, False),  # one in 2000
        ("yes", False),
        (None, False),
    ],
)
def test_is_fresh_reads_booleans_and_deadlines(fresh: Any, expected: bool) -> None:
    assert is_fresh({"fresh": fresh}) is expected


def test_a_fresh_token_passes(client: Any, minter: TokenMinter) -> None:
    response = client.post("/sensitive", headers=minter.headers(fresh=int(time.time()) + 300))
    assert response.status_code == 200


@pytest.mark.parametrize("fresh", [False, int(time.time()) - 10])
def test_a_stale_token_is_401_with_its_own_problem_type(
    client: Any, minter: TokenMinter, fresh: Any
) -> None:
    response = client.post("/sensitive", headers=minter.headers(fresh=fresh))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith(":fresh-sign-in-required")
    assert body["title"] == "Fresh sign-in required"
    assert "sign in again" in body["detail"].lower()
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_token_is_the_ordinary_401(client: Any) -> None:
    response = client.post("/sensitive")
    assert response.status_code == 401
    assert response.get_json()["type"].endswith(":unauthorized")
