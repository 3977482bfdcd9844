"""Client-credentials tokens for services, and account deletion through the quiz service."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient

from services.common.testing import serve

from .conftest import SERVICE_SECRET, AuthActions, bearer, build

TOKEN_URL = "/internal/oauth/token"


def grant(client_id: str = "quiz", secret: str = SERVICE_SECRET) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


@pytest.mark.parametrize("style", ["json", "form", "basic"])
def test_client_credentials_issue_a_service_token(client: FlaskClient, style: str) -> None:
    if style == "json":
        response = client.post(TOKEN_URL, json=grant())
    elif style == "form":
        response = client.post(TOKEN_URL, data=grant())
    else:
        basic = base64.b64encode(f"quiz:{SERVICE_SECRET}".encode()).decode()
        response = client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "service:quiz" and claims["roles"] == ["service"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (grant(secret="wrong-secret-0123456789"), 401),
        (grant(client_id="stranger"), 401),
        ({**grant(), "grant_type": "password"}, 400),
        ({"grant_type": "client_credentials"}, 422),
    ],
)
def test_client_credentials_refuse_bad_requests(
    client: FlaskClient, body: dict[str, str], status: int
) -> None:
    response = client.post(TOKEN_URL, json=body)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_no_configured_clients_means_no_service_tokens(auth_config: dict[str, Any]) -> None:
    for app in build({**auth_config, "AUTH_SERVICE_CLIENTS": {}}):
        assert app.test_client().post(TOKEN_URL, json=grant()).status_code == 401


def test_service_token_has_no_account(client: FlaskClient) -> None:
    token = client.post(TOKEN_URL, json=grant()).get_json()["access_token"]
    assert client.get("/api/auth/me", headers=bearer(token)).status_code == 403


class FakeQuiz:
    """Records deletion calls; answers with a chosen status."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.status = 204

    def app(self) -> Flask:
        app = Flask("fake_quiz")

        @app.delete("/internal/users/<path:sub>/data")
        def forget(sub: str) -> Response:
            self.calls.append((sub, request.headers.get("Authorization", "")))
            return Response(status=self.status)

        return app


@pytest.fixture
def quiz() -> Iterator[tuple[FakeQuiz, str]]:
    fake = FakeQuiz()
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def app(auth_config: dict[str, Any], quiz: tuple[FakeQuiz, str]) -> Iterator[Flask]:
    yield from build({**auth_config, "AUTH_QUIZ_URL": quiz[1]})


def test_delete_account_asks_quiz_first_then_removes_everything(
    app: Flask, auth: AuthActions, client: FlaskClient, quiz: tuple[FakeQuiz, str]
) -> None:
    fake, _url = quiz
    pair = auth.signed_in()
    user_id = client.get("/api/auth/me", headers=bearer(pair["access_token"])).get_json()["id"]
    response = client.delete("/api/auth/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 204
    ((sub, authorization),) = fake.calls
    assert sub == user_id
    claims = jwt.decode(authorization.split()[1], options={"verify_signature": False})
    assert claims["sub"] == "service:auth" and claims["roles"] == ["service"]
    assert client.get("/api/auth/me", headers=bearer(pair["access_token"])).status_code == 401
    assert (
        client.post("/api/auth/refresh", headers=bearer(pair["refresh_token"])).status_code == 401
    )
    assert (
        client.post(
            "/api/auth/login",
            json={"email": "ada@example.com", "password": "correct horse battery"},
        ).status_code
        == 401
    )
    auth.register()  # the email is free again


@pytest.mark.parametrize("quiz_status", [500, 503, 404])
def test_delete_account_keeps_it_when_quiz_fails(
    auth: AuthActions, client: FlaskClient, quiz: tuple[FakeQuiz, str], quiz_status: int
) -> None:
    quiz[0].status = quiz_status
    pair = auth.signed_in()
    response = client.delete("/api/auth/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "kept" in response.get_json()["detail"]
    assert client.get("/api/auth/me", headers=bearer(pair["access_token"])).status_code == 200


def test_delete_account_keeps_it_when_quiz_is_unreachable(
    auth_config: dict[str, Any], tmp_path: Path
) -> None:
    for app in build({**auth_config, "AUTH_QUIZ_URL": "http://127.0.0.1:9"}):
        client = app.test_client()
        pair = AuthActions(client).signed_in()
        response = client.delete("/api/auth/me", headers=bearer(pair["access_token"]))
        assert response.status_code == 503
        assert client.get("/api/auth/me", headers=bearer(pair["access_token"])).status_code == 200


def test_a_client_may_ask_for_a_subset_of_its_scopes_only(client: FlaskClient) -> None:
    granted = client.post(TOKEN_URL, json={**grant(), "scope": "content:draw"})
    assert granted.status_code == 200 and granted.get_json()["scope"] == "content:draw"
    refused = client.post(TOKEN_URL, json={**grant(), "scope": "content:draw quiz:erase"})
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["error"] == "invalid_scope"
