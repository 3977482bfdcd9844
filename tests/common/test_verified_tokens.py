"""Each distinct token is verified once per process; revocation, expiry and every refusal still
apply on every request."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
import redis
from flask import Flask

from services.common.auth import KeySet, RevocationList, VerifiedTokens
from services.common.testing import TokenMinter

from .test_auth_verification import service_app


class CountingKeySet(KeySet):
    """A static key set that counts how often a key is asked for (once per verification)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        super().__init__(static_jwks=jwks)
        self.lookups = 0

    def key_for(self, kid: str | None) -> Any:
        self.lookups += 1
        return super().key_for(kid)


@pytest.fixture
def app_and_keys(
    minter: TokenMinter, redis_url: str, redis_prefix: str
) -> tuple[Flask, CountingKeySet]:
    config = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix, "AUTH_JWKS": None}
    keys = CountingKeySet(minter.jwks)
    app = service_app({**config, **minter.app_config(), "AUTH_JWKS": minter.jwks})
    # The probe app verified with its own key set; swap in the counting one.
    app.extensions["jwks"] = keys
    manager = app.extensions["flask-jwt-extended"]
    manager._decode_key_callback = lambda header, _claims: keys.key_for(header.get("kid"))
    return app, keys


def test_the_same_token_is_verified_once(
    app_and_keys: tuple[Flask, CountingKeySet], minter: TokenMinter
) -> None:
    app, keys = app_and_keys
    headers = minter.headers(sub="cand-1")
    client = app.test_client()
    for _ in range(3):
        response = client.get("/whoami", headers=headers)
        assert response.status_code == 200
        assert response.get_json() == {"sub": "cand-1"}
    assert keys.lookups == 1
    assert client.get("/whoami", headers=minter.headers(sub="cand-2")).status_code == 200
    assert keys.lookups == 2


def test_a_verified_token_revoked_later_is_refused(
    app_and_keys: tuple[Flask, CountingKeySet],
    minter: TokenMinter,
    redis_url: str,
    redis_prefix: str,
) -> None:
    app, _ = app_and_keys
    token = minter.token()
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.get("/whoami", headers=headers).status_code == 200
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    RevocationList(redis.Redis.from_url(redis_url), redis_prefix).revoke(jti, 60)
    response = client.get("/whoami", headers=headers)
    assert response.status_code == 401 and "revoked" in response.get_json()["detail"]


def test_refused_tokens_are_never_remembered(
    app_and_keys: tuple[Flask, CountingKeySet], minter: TokenMinter
) -> None:
    app, keys = app_and_keys
    client = app.test_client()
    expired = minter.headers(exp=int(time.time()) - 120)
    token = minter.token()
    tail = "AAAA" if not token.endswith("AAAA") else "BBBB"
    forged = {"Authorization": f"Bearer {token[:-4]}{tail}"}  # the signature no longer matches
    for headers in (expired, forged, expired, forged):
        assert client.get("/whoami", headers=headers).status_code == 401
    assert keys.lookups == 4


def test_entries_end_with_the_token_and_the_map_stays_bounded() -> None:
    verified = VerifiedTokens(max_entries=2)
    now = time.time()
    verified.put(("old", None, False), {"sub": "a", "exp": now - 1})
    assert verified.get(("old", None, False)) is None
    verified.put(("a", None, False), {"sub": "a", "exp": now + 60})
    claims = verified.get(("a", None, False))
    assert claims == {"sub": "a", "exp": now + 60}
    claims["sub"] = "changed"  # callers get a copy
    assert verified.get(("a", None, False)) == {"sub": "a", "exp": now + 60}
    for name in ("b", "c", "d"):
        verified.put((name, None, False), {"sub": name, "exp": now + 60})
    assert len(verified._claims) <= 2
