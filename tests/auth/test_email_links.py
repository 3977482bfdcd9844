"""Email verification and password reset by mailed, single-use, expiring links."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from services.auth.extensions import db
from services.auth.models import EmailToken

from .conftest import PASSWORD, AuthActions, bearer, build
from .mailbox import link_token, mails, text_of

PROBLEM = "application/problem+json"
NEW_PASSWORD = "a brand new passphrase"
PUBLIC = "https://interviews.example.org"


@pytest.fixture
def app(auth_config: dict[str, Any]) -> Iterator[Flask]:
    """The auth app with a public URL of its own (links are built from it)."""
    yield from build({**auth_config, "PUBLIC_URL": PUBLIC})


def verify_token(app: Flask) -> str:
    return link_token(mails(app)[-1], "verify")


def reset_token(app: Flask, client: FlaskClient, email: str = "ada@example.com") -> str:
    response = client.post("/api/auth/password/forgot", json={"email": email})
    assert response.status_code == 202
    return link_token(mails(app)[-1], "reset")


def problem_type(response: Any) -> str:
    assert response.mimetype == PROBLEM, response.get_data(as_text=True)
    return response.get_json()["type"].rsplit(":", 1)[1]


def test_registration_mails_a_verification_link_and_leaves_the_account_unverified(
    app: Flask, auth: AuthActions
) -> None:
    account = auth.register()
    assert account["email_verified"] is False
    [message] = mails(app)
    assert message["To"] == "ada@example.com"
    assert "Confirm your email address" in message["Subject"]
    assert f"{PUBLIC}/verify?token=" in text_of(message)
    html = message.get_body(preferencelist=("html",))
    assert html is not None and f"{PUBLIC}/verify?token=" in html.get_content()


def test_the_verification_link_verifies_the_address_once(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    token = verify_token(app)
    response = client.post("/api/auth/verify", json={"token": token})
    assert response.status_code == 200
    assert response.get_json()["email_verified"] is True
    me = client.get("/api/auth/me", headers=bearer(auth.login()["access_token"]))
    assert me.get_json()["email_verified"] is True

    again = client.post("/api/auth/verify", json={"token": token})
    assert again.status_code == 410
    assert problem_type(again) == "link-used"
    assert again.get_json()["title"] == "Link already used"


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_an_unknown_token_is_400_link_invalid(client: FlaskClient, token: str) -> None:
    response = client.post("/api/auth/verify", json={"token": token})
    assert response.status_code == 400
    assert problem_type(response) == "link-invalid"
    assert response.get_json()["title"] == "Invalid link"


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": 5}])
def test_verify_rejects_malformed_bodies_with_422(client: FlaskClient, body: dict) -> None:
    assert client.post("/api/auth/verify", json=body).status_code == 422


def test_an_expired_link_is_410_link_expired(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    token = verify_token(app)
    with app.app_context():
        db.session.execute(sa.update(EmailToken).values(expires_at=dt.datetime(2000, 1, 1)))
        db.session.commit()
    response = client.post("/api/auth/verify", json={"token": token})
    assert response.status_code == 410
    assert problem_type(response) == "link-expired"


def test_tokens_are_stored_only_as_hashes_with_their_lifetimes(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    token = verify_token(app)
    reset = reset_token(app, client)
    with app.app_context():
        rows = {row.purpose: row for row in db.session.scalars(sa.select(EmailToken))}
    assert rows["verify"].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert rows["reset"].token_hash == hashlib.sha256(reset.encode()).hexdigest()
    for row in rows.values():
        assert token not in row.token_hash and reset not in row.token_hash
    lifetime = {p: (r.expires_at - r.created_at).total_seconds() for p, r in rows.items()}
    assert lifetime["verify"] == pytest.approx(24 * 3600, abs=5)
    assert lifetime["reset"] == pytest.approx(3600, abs=5)


def test_resend_mails_a_fresh_link_and_verifying_spends_the_older_ones(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    pair = auth.signed_in()
    first = verify_token(app)
    response = client.post("/api/auth/verify/resend", headers=bearer(pair["access_token"]))
    assert response.status_code == 202
    second = verify_token(app)
    assert second != first and len(mails(app)) == 2
    assert client.post("/api/auth/verify", json={"token": second}).status_code == 200
    assert client.post("/api/auth/verify", json={"token": first}).status_code == 410

    done = client.post("/api/auth/verify/resend", headers=bearer(pair["access_token"]))
    assert done.status_code == 409
    assert problem_type(done) == "already-verified"


def test_resend_needs_a_signed_in_user(client: FlaskClient) -> None:
    assert client.post("/api/auth/verify/resend").status_code == 401


def test_resend_is_rate_limited_per_account(
    auth: AuthActions, client: FlaskClient, app: Flask
) -> None:
    app.config["AUTH_MAIL_LIMIT_ACCOUNT"] = "2 per hour"
    pair = auth.signed_in()
    statuses = [
        client.post("/api/auth/verify/resend", headers=bearer(pair["access_token"])).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_forgot_answers_the_same_for_known_and_unknown_addresses(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    before = len(mails(app))
    known = client.post("/api/auth/password/forgot", json={"email": "ADA@example.com"})
    unknown = client.post("/api/auth/password/forgot", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    sent = mails(app)[before:]
    assert [m["To"] for m in sent] == ["ada@example.com"]
    assert "Reset your" in sent[0]["Subject"]
    assert f"{PUBLIC}/reset?token=" in text_of(sent[0])


def test_forgot_is_rate_limited_per_address_known_or_not(app: Flask, client: FlaskClient) -> None:
    app.config["AUTH_MAIL_LIMIT_ACCOUNT"] = "2 per hour"
    statuses = [
        client.post("/api/auth/password/forgot", json={"email": "who@example.com"}).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]
    other = client.post("/api/auth/password/forgot", json={"email": "else@example.com"})
    assert other.status_code == 202


def test_forgot_is_rate_limited_per_client_address(app: Flask, client: FlaskClient) -> None:
    app.config["AUTH_MAIL_LIMIT_IP"] = "3 per hour"
    statuses = [
        client.post("/api/auth/password/forgot", json={"email": f"u{i}@example.com"}).status_code
        for i in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


def test_reset_sets_the_password_verifies_the_address_and_ends_every_sign_in(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    first = auth.signed_in()
    second = auth.login()
    token = reset_token(app, client)

    response = client.post(
        "/api/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204

    old = client.post("/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert old.status_code == 401
    fresh = auth.login(password=NEW_PASSWORD)
    for pair in (first, second):
        assert client.get("/api/auth/me", headers=bearer(pair["access_token"])).status_code == 401
        refreshed = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert refreshed.status_code == 401
    me = client.get("/api/auth/me", headers=bearer(fresh["access_token"]))
    assert me.get_json()["email_verified"] is True

    reused = client.post(
        "/api/auth/password/reset", json={"token": token, "new_password": "yet another phrase"}
    )
    assert reused.status_code == 410
    assert problem_type(reused) == "link-used"


def test_a_refused_new_password_keeps_the_reset_link_usable(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    token = reset_token(app, client)
    weak = client.post("/api/auth/password/reset", json={"token": token, "new_password": "short"})
    assert weak.status_code == 422
    assert weak.get_json()["errors"]["password"]
    ok = client.post(
        "/api/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert ok.status_code == 204


def test_a_verification_token_cannot_reset_a_password(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    token = verify_token(app)
    response = client.post(
        "/api/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert problem_type(response) == "link-invalid"


def test_development_logs_the_link(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="services.auth.account_mail"):
        AuthActions(client).register()
    token = verify_token(app)
    assert f"{PUBLIC}/verify?token={token}" in caplog.text


def test_deleting_the_account_deletes_its_tokens(
    app: Flask, auth: AuthActions, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.auth.api.accounts.delete_quiz_data", lambda _user_id: None)
    pair = auth.signed_in()
    response = client.delete("/api/auth/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 204
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EmailToken)) == 0


def test_openapi_documents_the_mailed_link_routes(client: FlaskClient) -> None:
    paths = client.get("/api/auth/openapi.json").get_json()["paths"]
    expected = {
        "/api/auth/verify": {"200", "400", "410"},
        "/api/auth/verify/resend": {"202", "409", "429", "503"},
        "/api/auth/password/forgot": {"202", "429"},
        "/api/auth/password/reset": {"204", "400", "410", "422"},
    }
    for path, statuses in expected.items():
        operation = paths[path]["post"]
        assert operation["summary"], path
        assert statuses <= set(operation["responses"]), (path, operation["responses"].keys())
    assert "401" in paths["/api/auth/password"]["post"]["responses"]
    assert "401" in paths["/api/auth/me"]["delete"]["responses"]
