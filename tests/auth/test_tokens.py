"""Tokens issued by auth: claims, JWKS, refresh rotation with reuse detection, sign-out."""

from __future__ import annotations

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from .conftest import AuthActions, bearer
from .forge import BAD_TOKEN_NAMES, bad_tokens

PROBLEM = "application/problem+json"


def _public_key(client: FlaskClient, token: str):
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = client.get("/api/auth/.well-known/jwks.json").get_json()
    entry = next(k for k in jwks["keys"] if k["kid"] == kid)
    return jwt.PyJWK(entry).key


def test_access_token_is_rs256_with_kid_and_the_contract_claims(
    auth: AuthActions, client: FlaskClient
) -> None:
    token = auth.signed_in()["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"]
    claims = jwt.decode(
        token,
        _public_key(client, token),
        algorithms=["RS256"],
        audience="flask-interviews",
        issuer="flask-interviews-auth",
    )
    assert claims["type"] == "access" and claims["roles"] == ["candidate"]
    assert claims["jti"] and claims["csrf"] and claims["sid"]
    assert isinstance(claims["sub"], str)
    assert 890 <= claims["exp"] - claims["iat"] <= 910


def test_refresh_token_lives_thirty_days(auth: AuthActions, client: FlaskClient) -> None:
    token = auth.signed_in()["refresh_token"]
    claims = jwt.decode(token, _public_key(client, token), ["RS256"], audience="flask-interviews")
    assert claims["type"] == "refresh"
    assert abs(claims["exp"] - claims["iat"] - 30 * 24 * 3600) < 10


def test_jwks_publishes_public_keys_only(client: FlaskClient) -> None:
    response = client.get("/api/auth/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response.headers["Cache-Control"]
    for key in response.get_json()["keys"]:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
        assert key["kid"] and not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_refresh_rotates_both_tokens(auth: AuthActions, client: FlaskClient) -> None:
    first = auth.signed_in()
    response = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert client.get("/api/auth/me", headers=bearer(second["access_token"])).status_code == 200


def test_refresh_reuse_revokes_the_whole_family(auth: AuthActions, client: FlaskClient) -> None:
    first = auth.signed_in()
    other_sign_in = auth.login()
    second = client.post("/api/auth/refresh", headers=bearer(first["refresh_token"])).get_json()
    reuse = client.post("/api/auth/refresh", headers=bearer(first["refresh_token"]))
    assert reuse.status_code == 401 and reuse.mimetype == PROBLEM
    assert "already used" in reuse.get_json()["detail"]
    # The thief's and the owner's tokens of that family are all dead now ...
    assert (
        client.post("/api/auth/refresh", headers=bearer(second["refresh_token"])).status_code == 401
    )
    for token in (first["access_token"], second["access_token"]):
        assert client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    # ... while another sign-in of the same user is untouched.
    assert (
        client.get("/api/auth/me", headers=bearer(other_sign_in["access_token"])).status_code == 200
    )


def test_access_token_cannot_refresh(auth: AuthActions, client: FlaskClient) -> None:
    pair = auth.signed_in()
    response = client.post("/api/auth/refresh", headers=bearer(pair["access_token"]))
    assert response.status_code == 401 and response.mimetype == PROBLEM


def test_logout_revokes_access_and_refresh_tokens(auth: AuthActions, client: FlaskClient) -> None:
    pair = auth.signed_in()
    assert client.post("/api/auth/logout", headers=bearer(pair["access_token"])).status_code == 204
    me = client.get("/api/auth/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 401 and "revoked" in me.get_json()["detail"]
    assert (
        client.post("/api/auth/refresh", headers=bearer(pair["refresh_token"])).status_code == 401
    )


def test_revoked_jti_lives_in_redis_for_the_token_lifetime(
    app: Flask, auth: AuthActions, client: FlaskClient, redis_prefix: str
) -> None:
    from services.common.auth import revocation_list

    pair = auth.signed_in()
    jti = jwt.decode(pair["access_token"], options={"verify_signature": False})["jti"]
    client.post("/api/auth/logout", headers=bearer(pair["access_token"]))
    redis_list = revocation_list(app)
    assert redis_list.key(jti).startswith(redis_prefix)
    assert 850 <= redis_list.client.ttl(redis_list.key(jti)) <= 905


@pytest.mark.parametrize("name", BAD_TOKEN_NAMES)
def test_bad_tokens_are_refused_with_401_problem(
    app: Flask, client: FlaskClient, name: str
) -> None:
    with app.app_context():
        key = app.extensions["key_ring"].active()
    token = bad_tokens(key.private_key, key.kid, "flask-interviews-auth", "flask-interviews")[
        name
    ]()
    response = client.get("/api/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 401
