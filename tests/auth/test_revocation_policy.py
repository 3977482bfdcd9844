"""The revocation policy is an argument of the shared verifier; auth passes its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify

from services.auth.security import is_revoked
from services.common.auth import init_token_verification, require_auth, revocation_list
from services.common.factory import create_base_app
from services.common.testing import TokenMinter


def probe_app(config: dict[str, Any], policy: Any = None) -> Flask:
    """A minimal service verifying tokens, with `policy` as its revocation policy if given."""
    app = create_base_app(__name__, "probe", {"SERVICE_PROXY_COUNT": 0}, dict, config)
    if policy is None:
        init_token_verification(app)
    else:
        init_token_verification(app, is_revoked=policy)

    @app.get("/whoami")
    @require_auth
    def whoami() -> Any:
        return jsonify(ok=True)

    return app


def test_the_verifier_refuses_what_the_given_policy_calls_revoked(
    minter: TokenMinter, redis_url: str, redis_prefix: str
) -> None:
    config = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix, **minter.app_config()}
    seen: list[str] = []

    def refuse_bob(claims: Mapping[str, Any]) -> bool:
        seen.append(claims["sub"])
        return claims["sub"] == "bob"

    client = probe_app(config, refuse_bob).test_client()
    assert client.get("/whoami", headers=minter.headers("ada")).status_code == 200
    refused = client.get("/whoami", headers=minter.headers("bob"))
    assert refused.status_code == 401 and "revoked" in refused.get_json()["detail"]
    assert seen == ["ada", "bob"]


def test_the_default_policy_is_the_revocation_list(
    minter: TokenMinter, redis_url: str, redis_prefix: str
) -> None:
    config = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix, **minter.app_config()}
    app = probe_app(config)
    claims = minter.claims("ada", ["candidate"])
    token = minter.token("ada", jti=claims["jti"])
    revocation_list(app).revoke(claims["jti"], 60)
    response = app.test_client().get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_auth_judges_refresh_tokens_by_family_not_by_the_list(app: Flask) -> None:
    with app.app_context():
        revocation_list(app).revoke("listed", 60)
        assert is_revoked({"type": "access", "jti": "listed"})
        assert not is_revoked({"type": "access", "jti": "other"})
        # A refresh token's family in the database decides; the list is never consulted.
        assert not is_revoked({"type": "refresh", "jti": "listed"})
