"""Content and quiz trust auth's tokens and only those: the same refusals as at auth itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify
from flask.testing import FlaskClient

from services.common.auth import current_principal, require_auth, require_role

from .conftest import SERVICE_SECRET, AuthActions, bearer
from .forge import BAD_TOKEN_NAMES, bad_tokens

SERVICES = ["content", "quiz"]


def add_probes(app: Flask) -> Flask:
    """Routes guarded the way real views are, to observe the verifier alone."""

    @app.get("/probe/any")
    @require_auth
    def probe_any() -> Any:
        return jsonify(sub=current_principal().sub)

    @app.post("/probe/author")
    @require_role("author")
    def probe_author() -> Any:
        return jsonify(sub=current_principal().sub)

    return app


@pytest.fixture
def services(app: Flask, auth_config: dict[str, Any], tmp_path: Path) -> Iterator[dict]:
    """Content and quiz apps trusting the auth app's JWKS and sharing its revocation list."""
    from services.content import create_app as create_content
    from services.quiz import create_app as create_quiz

    jwks = app.test_client().get("/api/auth/.well-known/jwks.json").get_json()
    shared = {
        "AUTH_JWKS": jwks,
        "AUTH_JWKS_URL": None,
        "REDIS_URL": auth_config["REDIS_URL"],
        "REDIS_KEY_PREFIX": auth_config["REDIS_KEY_PREFIX"],
        "SERVICE_PROXY_COUNT": 0,
    }
    built = {
        "content": create_content(
            {**shared, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'content.db'}"}
        ),
        "quiz": create_quiz(
            {
                **shared,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'quiz.db'}",
                "QUIZ_CLIENT_SECRET": SERVICE_SECRET,
            }
        ),
    }
    from services.quiz.extensions import db as quiz_db

    with built["quiz"].app_context():
        quiz_db.create_all()
    yield {name: add_probes(service).test_client() for name, service in built.items()}
    with built["quiz"].app_context():
        quiz_db.engine.dispose()


def _key(app: Flask) -> Any:
    with app.app_context():
        return app.extensions["key_ring"].active()


@pytest.mark.parametrize("service", SERVICES)
def test_services_accept_a_token_issued_by_auth(
    auth: AuthActions, services: dict[str, FlaskClient], service: str
) -> None:
    pair = auth.signed_in()
    response = services[service].get("/probe/any", headers=bearer(pair["access_token"]))
    assert response.status_code == 200


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("name", BAD_TOKEN_NAMES)
def test_services_refuse_bad_tokens_with_401_problem(
    app: Flask, services: dict[str, FlaskClient], service: str, name: str
) -> None:
    key = _key(app)
    token = bad_tokens(key.private_key, key.kid, "flask-interviews-auth", "flask-interviews")[
        name
    ]()
    response = services[service].get("/probe/any", headers=bearer(token))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("service", SERVICES)
def test_services_refuse_a_token_revoked_by_logout(
    auth: AuthActions, client: FlaskClient, services: dict[str, FlaskClient], service: str
) -> None:
    pair = auth.signed_in()
    client.post("/api/auth/logout", headers=bearer(pair["access_token"]))
    response = services[service].get("/probe/any", headers=bearer(pair["access_token"]))
    assert response.status_code == 401
    assert "revoked" in response.get_json()["detail"]


@pytest.mark.parametrize("service", SERVICES)
def test_services_refuse_tokens_of_a_family_ended_by_refresh_reuse(
    auth: AuthActions, client: FlaskClient, services: dict[str, FlaskClient], service: str
) -> None:
    first = auth.signed_in()
    second = client.post("/api/auth/refresh", headers=bearer(first["refresh_token"])).get_json()
    assert (
        client.post("/api/auth/refresh", headers=bearer(first["refresh_token"])).status_code == 401
    )
    for token in (first["access_token"], second["access_token"]):
        response = services[service].get("/probe/any", headers=bearer(token))
        assert response.status_code == 401


@pytest.mark.parametrize("service", SERVICES)
def test_services_refuse_a_refresh_token_as_access(
    auth: AuthActions, services: dict[str, FlaskClient], service: str
) -> None:
    pair = auth.signed_in()
    response = services[service].get("/probe/any", headers=bearer(pair["refresh_token"]))
    assert response.status_code == 401


@pytest.mark.parametrize("service", SERVICES)
def test_role_checks_are_401_without_token_and_403_without_role(
    auth: AuthActions, services: dict[str, FlaskClient], service: str
) -> None:
    candidate = auth.signed_in()["access_token"]
    client = services[service]
    assert client.post("/probe/author").status_code == 401
    forbidden = client.post("/probe/author", headers=bearer(candidate))
    assert forbidden.status_code == 403
    assert forbidden.mimetype == "application/problem+json"


@pytest.mark.parametrize("service", SERVICES)
def test_role_check_passes_with_a_role_granted_by_an_admin(
    app: Flask,
    auth: AuthActions,
    client: FlaskClient,
    services: dict[str, FlaskClient],
    service: str,
) -> None:
    from services.auth import accounts

    user = auth.register()
    with app.app_context():
        accounts.set_roles(accounts.get_user(user["id"]), ["author"])
    token = auth.login()["access_token"]
    assert services[service].post("/probe/author", headers=bearer(token)).status_code == 200


def quiz_client_token(client: FlaskClient) -> str:
    """A client-credentials token of the quiz client, as the quiz service obtains it."""
    response = client.post(
        "/internal/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "quiz",
            "client_secret": SERVICE_SECRET,
        },
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def test_quiz_internal_erasure_accepts_the_auth_service_token_only(
    app: Flask, auth: AuthActions, client: FlaskClient, services: dict[str, FlaskClient]
) -> None:
    from services.auth.quiz_client import SELF_CLIENT_ID, SELF_SCOPES
    from services.auth.tokens import service_token

    with app.test_request_context():
        own, _ttl = service_token(SELF_CLIENT_ID, SELF_SCOPES)
    user_token = auth.signed_in()["access_token"]
    quiz = services["quiz"]
    assert quiz.delete("/internal/users/u1/data").status_code == 401
    assert quiz.delete("/internal/users/u1/data", headers=bearer(user_token)).status_code == 403
    # The quiz client's own credential may draw questions, not erase anybody's data.
    refused = quiz.delete("/internal/users/u1/data", headers=bearer(quiz_client_token(client)))
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert quiz.delete("/internal/users/u1/data", headers=bearer(own)).status_code == 204


def test_quiz_client_token_carries_only_the_draw_scope(client: FlaskClient) -> None:
    import jwt

    claims = jwt.decode(quiz_client_token(client), options={"verify_signature": False})
    assert claims["scope"] == "content:draw" and claims["roles"] == ["service"]


def test_a_wrong_scope_is_refused_on_the_draw(app: Flask, services: dict[str, FlaskClient]) -> None:
    from services.auth.tokens import service_token

    with app.test_request_context():
        token, _ttl = service_token("quiz", ["quiz:erase"])
    body = {"topics": [], "count": 1}
    response = services["content"].post(
        "/internal/questions/draw", json=body, headers=bearer(token)
    )
    assert response.status_code == 403
    assert "content:draw" in response.get_json()["detail"]


def test_service_tokens_are_refused_on_user_routes_with_403(
    client: FlaskClient, services: dict[str, FlaskClient]
) -> None:
    headers = bearer(quiz_client_token(client))
    calls = [
        client.get("/api/auth/me", headers=headers),
        services["content"].post("/api/content/questions", json={}, headers=headers),
        services["content"].get("/api/content/questions/q1/source", headers=headers),
        services["quiz"].get("/api/quiz/sessions", headers=headers),
        services["quiz"].get("/probe/any", headers=headers),
    ]
    for response in calls:
        assert response.status_code == 403, response.get_json()
        assert response.mimetype == "application/problem+json"
