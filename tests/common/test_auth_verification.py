"""The shared verifier: JWKS fetched over HTTP and cached by kid, revocation list, roles."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
import redis
from flask import Flask, jsonify

from services.common.auth import (
    FAILED_FETCH_RETRY_S,
    KeySet,
    Principal,
    RevocationList,
    current_principal,
    init_token_verification,
    parse_jwks,
    prefetch_jwks,
    require_auth,
    require_role,
)
from services.common.factory import create_base_app
from services.common.testing import LocalServer, TokenMinter


class JwksServer:
    """A JWKS endpoint whose document tests can change; counts fetches."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.fetches = 0
        app = Flask("jwks")

        @app.get("/jwks.json")
        def jwks() -> Any:
            self.fetches += 1
            return jsonify(self.document)

        self.app = app


def service_app(config: dict[str, Any]) -> Flask:
    """A minimal service verifying tokens the way content, quiz and the gateway do."""
    app = create_base_app(__name__, "probe", {"SERVICE_PROXY_COUNT": 0}, dict, config)
    init_token_verification(app)

    @app.get("/whoami")
    @require_auth
    def whoami() -> Any:
        return jsonify(sub=current_principal().sub)

    @app.get("/authors")
    @require_role("author")
    def authors() -> Any:
        return jsonify(ok=True)

    return app


@pytest.fixture
def base_config(redis_url: str, redis_prefix: str) -> dict[str, Any]:
    return {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix, "AUTH_JWKS": None}


def test_keyset_fetches_by_kid_and_keeps_serving_from_cache(minter: TokenMinter) -> None:
    server = JwksServer(minter.jwks)
    with LocalServer(server.app) as served:
        keys = KeySet(url=f"{served.url}/jwks.json", min_refetch_s=0)
        assert keys.key_for(minter.kid) is not None
        assert keys.key_for(minter.kid) is not None
        assert server.fetches == 1
        served.stop()
        # The auth service is down: cached keys still verify, unknown ones are refused.
        assert keys.key_for(minter.kid) is not None
        with pytest.raises(jwt.InvalidTokenError):
            keys.key_for("unknown")


def test_keyset_refetches_unknown_kids_at_most_once_per_interval(minter: TokenMinter) -> None:
    rotated = TokenMinter(kid="rotated-key")
    server = JwksServer(minter.jwks)
    with LocalServer(server.app) as served:
        url = f"{served.url}/jwks.json"
        keys = KeySet(url=url, min_refetch_s=3600)
        keys.key_for(minter.kid)
        server.document = {"keys": minter.jwks["keys"] + rotated.jwks["keys"]}
        for _ in range(5):
            with pytest.raises(jwt.InvalidTokenError):
                keys.key_for("forged-kid")
        assert server.fetches == 1  # a flood of bogus kids does not hammer the auth service
        eager = KeySet(url=url, min_refetch_s=0)
        eager.key_for(minter.kid)
        assert eager.key_for(rotated.kid) is not None  # a rotated key is learnt on first sight
        assert eager.key_for(minter.kid) is not None  # and the old one is still trusted


@pytest.mark.parametrize(
    ("entry", "kept"),
    [
        ({"kty": "RSA", "use": "sig"}, True),
        ({"kty": "RSA"}, True),
        ({"kty": "RSA", "use": "enc"}, False),
        ({"kty": "RSA", "use": "sig", "kid": ""}, False),
        ({"kty": "oct", "k": "c2VjcmV0", "use": "sig"}, False),
    ],
)
def test_parse_jwks_keeps_only_rsa_signing_keys_with_kid(
    minter: TokenMinter, entry: dict[str, Any], kept: bool
) -> None:
    base = dict(minter.jwks["keys"][0])
    base.pop("use", None)
    document = {"keys": [{**base, **entry}]}
    if entry["kty"] == "oct":
        document = {"keys": [{**entry, "kid": "hmac"}]}
    assert bool(parse_jwks(document)) is kept


def test_service_verifies_through_jwks_url_and_survives_auth_outage(
    minter: TokenMinter, base_config: dict[str, Any]
) -> None:
    server = JwksServer(minter.jwks)
    with LocalServer(server.app) as served:
        config = {**base_config, "AUTH_JWKS_URL": f"{served.url}/jwks.json"}
        client = service_app(config).test_client()
        assert client.get("/whoami", headers=minter.headers(sub="u1")).get_json() == {"sub": "u1"}
        served.stop()
        assert client.get("/whoami", headers=minter.headers(sub="u2")).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "headers"),
    [
        ({"jti": None}, None),
        ({"iss": "someone-else"}, None),
        ({"aud": "another-api"}, None),
        ({}, {"alg": "HS256"}),
    ],
)
def test_service_refuses_tokens_missing_or_misusing_claims(
    minter: TokenMinter,
    base_config: dict[str, Any],
    overrides: dict[str, Any],
    headers: dict | None,
) -> None:
    client = service_app({**base_config, **minter.app_config()}).test_client()
    if headers:
        claims = minter.claims("u1", ["candidate"])
        token = jwt.encode(
            claims,
            "a-shared-secret-of-at-least-32-bytes!",
            algorithm="HS256",
            headers={"kid": minter.kid},
        )
    else:
        token = minter.token(**overrides)
    response = client.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_revoked_jti_is_refused_and_expires_with_the_token(
    minter: TokenMinter, base_config: dict[str, Any], redis_url: str, redis_prefix: str
) -> None:
    app = service_app({**base_config, **minter.app_config()})
    revoked = RevocationList(redis.Redis.from_url(redis_url), redis_prefix)
    token = minter.token()
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    revoked.revoke(jti, 120)
    assert revoked.is_revoked(jti) and not revoked.is_revoked("other")
    assert 0 < revoked.client.ttl(revoked.key(jti)) <= 120
    response = app.test_client().get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "revoked" in response.get_json()["detail"]


def test_unreachable_revocation_list_fails_closed_with_503(
    minter: TokenMinter, base_config: dict[str, Any]
) -> None:
    config = {**base_config, **minter.app_config(), "REDIS_URL": "redis://127.0.0.1:9/0"}
    response = service_app(config).test_client().get("/whoami", headers=minter.headers())
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("roles", "status"),
    [(None, 401), (["candidate"], 403), (["author"], 200), (["admin"], 200), (["service"], 403)],
)
def test_require_role_answers_401_403_or_passes(
    minter: TokenMinter, base_config: dict[str, Any], roles: list[str] | None, status: int
) -> None:
    client = service_app({**base_config, **minter.app_config()}).test_client()
    headers = minter.headers(roles=roles) if roles else {}
    assert client.get("/authors", headers=headers).status_code == status


def test_principal_roles_imply_lesser_roles() -> None:
    admin = Principal("u", frozenset({"admin"}), "j", {})
    assert admin.has_role("author") and admin.has_role("candidate")
    assert not admin.has_role("service")
    assert not Principal("u", frozenset({"candidate"}), "j", {}).has_role("author")


def test_require_role_rejects_unknown_role_names() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        require_role("superuser")


def test_require_role_leaves_services_to_require_service() -> None:
    with pytest.raises(ValueError, match="require_service"):
        require_role("service")


def test_keyset_retries_soon_after_a_failed_fetch(
    minter: TokenMinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker that started while the auth service was down has no keys; once auth is back it
    # learns them on the next token after FAILED_FETCH_RETRY_S, not after the whole interval.
    server = JwksServer(minter.jwks)
    with LocalServer(server.app) as served:
        url = f"{served.url}/jwks.json"
        keys = KeySet(url=url.replace("jwks.json", "missing.json"), min_refetch_s=3600)
        with pytest.raises(jwt.InvalidTokenError):
            keys.key_for(minter.kid)  # the fetch fails (404): nothing cached
        keys.url = url  # auth is back
        now = time.monotonic()
        monkeypatch.setattr(time, "monotonic", lambda: now + FAILED_FETCH_RETRY_S + 0.01)
        assert keys.key_for(minter.kid) is not None
        assert server.fetches == 1


def test_keyset_starts_with_keys_prefetched_before_the_fork(minter: TokenMinter) -> None:
    # The gunicorn master prefetches the JWKS before forking; a worker forked while the auth
    # service is down still verifies tokens with those keys.
    server = JwksServer(minter.jwks)
    with LocalServer(server.app) as served:
        url = f"{served.url}/jwks.json"
        assert prefetch_jwks(url)
        served.stop()
        assert not prefetch_jwks(url)  # auth down: the last document is kept
        keys = KeySet(url=url, min_refetch_s=3600)
        assert keys.key_for(minter.kid) is not None
        assert server.fetches == 1
