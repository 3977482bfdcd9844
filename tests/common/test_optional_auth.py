"""`optional_principal`: routes open to everyone that show more to signed-in callers."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
import redis
from flask import Flask, jsonify

from services.common.auth import RevocationList, init_token_verification, optional_principal
from services.common.factory import create_base_app
from services.common.testing import TokenMinter


@pytest.fixture
def app(minter: TokenMinter, redis_url: str, redis_prefix: str) -> Flask:
    config = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix, **minter.app_config()}
    app = create_base_app(__name__, "probe", {"SERVICE_PROXY_COUNT": 0}, dict, config)
    init_token_verification(app)

    @app.get("/open")
    def open_route() -> Any:
        principal = optional_principal()
        return jsonify(sub=None if principal is None else principal.sub)

    return app


def test_no_token_is_anonymous(app: Flask) -> None:
    response = app.test_client().get("/open")
    assert response.status_code == 200 and response.get_json() == {"sub": None}


def test_bearer_or_cookie_identifies_the_caller(app: Flask, minter: TokenMinter) -> None:
    client = app.test_client()
    assert client.get("/open", headers=minter.headers(sub="u-1")).get_json() == {"sub": "u-1"}
    client.set_cookie("access_token_cookie", minter.token(sub="u-2"))
    assert client.get("/open").get_json() == {"sub": "u-2"}


@pytest.mark.parametrize("kind", ["garbage", "expired", "foreign-key", "revoked"])
def test_a_present_but_invalid_token_is_401(
    app: Flask, minter: TokenMinter, redis_url: str, redis_prefix: str, kind: str
) -> None:
    if kind == "garbage":
        token = "not.a.jwt"
    elif kind == "expired":
        token = minter.token(ttl_s=-60)
    elif kind == "foreign-key":
        token = TokenMinter(kid="other-key").token()
    else:
        token = minter.token()
        jti = jwt.decode(token, options={"verify_signature": False})["jti"]
        RevocationList(redis.Redis.from_url(redis_url), redis_prefix).revoke(jti, 60)

    response = app.test_client().get("/open", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
