"""Google sign-in, end to end against a real local OpenID provider, with the Flask test client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.auth.extensions import db
from services.auth.models import Identity, User

from .conftest import PASSWORD, AuthActions, bearer, build
from .oidc import Provider, pkce_matches, query, running_provider

PUBLIC_URL = "https://interviews.example"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """One provider for the module; each test uses subjects of its own."""
    with running_provider() as running:
        yield running


@pytest.fixture
def app(auth_config: dict[str, Any], provider: Provider) -> Iterator[Flask]:
    """The auth app with Google pointing at the local provider."""
    yield from build(
        {
            **auth_config,
            "GOOGLE_DISCOVERY_URL": provider.discovery_url,
            "GOOGLE_CLIENT_ID": "unit-client",
            "GOOGLE_CLIENT_SECRET": "unit-secret",
            "AUTH_POST_LOGIN_REDIRECT": "/dashboard",
            "PUBLIC_URL": PUBLIC_URL,
        }
    )


def start(client: FlaskClient) -> str:
    """GET the login route; returns the provider URL it redirects to."""
    response = client.get("/api/auth/login/google")
    assert response.status_code == 302
    return response.headers["Location"]


def callback(client: FlaskClient, location: str) -> Any:
    """Follow the provider's redirect back to our callback."""
    parts = urlsplit(location)
    assert parts.path == "/api/auth/callback/google"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: FlaskClient, provider: Provider, sub: str) -> Any:
    """The whole dance for `sub`; returns the callback response."""
    return callback(client, provider.authorize(start(client), sub))


def new_sub() -> str:
    return f"google-{uuid.uuid4().hex[:12]}"


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return db.session.query(User).count(), db.session.query(Identity).count()


def assert_failure_page(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "Sign-in failed" in response.get_data(as_text=True)
    assert not response.headers.getlist("Set-Cookie") or all(
        not h.startswith(("access_token_cookie", "refresh_token_cookie"))
        for h in response.headers.getlist("Set-Cookie")
    )


def test_login_redirect_carries_state_nonce_and_pkce_s256(
    client: FlaskClient, provider: Provider
) -> None:
    params = query(start(client))
    assert params["response_type"] == "code" and params["client_id"] == "unit-client"
    assert set(params["scope"].split()) >= {"openid", "email", "profile"}
    assert params["state"] and params["nonce"]
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert params["redirect_uri"] == f"{PUBLIC_URL}/api/auth/callback/google"


def test_first_login_creates_the_user_and_sets_cookies(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@gmail.test", email_verified=True, name="Grace")
    authorize_url = start(client)
    response = callback(client, provider.authorize(authorize_url, sub))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PUBLIC_URL}/dashboard"
    me = client.get("/api/auth/me").get_json()
    assert me["email"] == f"{sub}@gmail.test" and me["name"] == "Grace"
    assert me["providers"] == ["google"] and me["roles"] == ["candidate"]
    # PKCE: the verifier sent to the token endpoint matches the challenge sent to authorize.
    verifier = provider.token_requests()[-1]["code_verifier"][0]
    assert pkce_matches(verifier, query(authorize_url)["code_challenge"])


def test_second_login_finds_the_same_user(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@gmail.test", email_verified=True)
    sign_in(client, provider, sub)
    first = client.get("/api/auth/me").get_json()["id"]
    again = app.test_client()
    assert sign_in(again, provider, sub).status_code == 302
    assert again.get("/api/auth/me").get_json()["id"] == first
    assert counts(app) == (1, 1)


def test_verified_email_takes_over_a_squatted_local_account(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    # Someone registers the owner's address with a password of their own and signs in.
    squatter_client = app.test_client()
    squatter = AuthActions(squatter_client)
    local = squatter.register("ada@example.com")
    squatter_pair = squatter.login("ada@example.com")
    # The owner signs in with Google, which vouches for the address.
    sub = new_sub()
    provider.set_user(sub, email="Ada@Example.com", email_verified=True)
    assert sign_in(client, provider, sub).status_code == 302
    me = client.get("/api/auth/me").get_json()
    assert me["id"] == local["id"]
    assert me["providers"] == ["google"] and me["email_verified"] is True
    assert counts(app) == (1, 1)
    # Every way in the squatter held is gone: password, refresh token, access token.
    refused = squatter_client.post(
        "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert refused.status_code == 401
    again = app.test_client().post(
        "/api/auth/refresh", headers=bearer(squatter_pair["refresh_token"])
    )
    assert again.status_code == 401
    me_as_squatter = app.test_client().get(
        "/api/auth/me", headers=bearer(squatter_pair["access_token"])
    )
    assert me_as_squatter.status_code == 401
    # The owner stays signed in and can sign in with Google again.
    assert client.get("/api/auth/me").status_code == 200
    assert sign_in(app.test_client(), provider, sub).status_code == 302


def test_another_identity_of_the_same_issuer_is_refused_with_409(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    first, second = new_sub(), new_sub()
    provider.set_user(first, email="grace@example.com", email_verified=True)
    provider.set_user(second, email="grace@example.com", email_verified=True)
    assert sign_in(client, provider, first).status_code == 302
    response = sign_in(app.test_client(), provider, second)
    assert_failure_page(response, 409)
    assert "different Google account" in response.get_data(as_text=True)
    assert counts(app) == (1, 1)


def test_unverified_email_does_not_link(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    AuthActions(app.test_client()).register("ada@example.com")
    sub = new_sub()
    provider.set_user(sub, email="ada@example.com", email_verified=False)
    assert_failure_page(sign_in(client, provider, sub), 409)
    assert counts(app) == (1, 0)


def test_unverified_email_without_a_clash_creates_an_account_without_email(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@elsewhere.test", email_verified=False)
    assert sign_in(client, provider, sub).status_code == 302
    assert client.get("/api/auth/me").get_json()["email"] is None


def test_wrong_state_is_refused(app: Flask, client: FlaskClient, provider: Provider) -> None:
    sub = new_sub()
    back = provider.authorize(start(client), sub)
    params = query(back)
    forged = f"/api/auth/callback/google?{urlencode({**params, 'state': 'forged'})}"
    assert_failure_page(client.get(forged), 400)
    assert counts(app) == (0, 0)


def test_replayed_code_is_refused(app: Flask, client: FlaskClient, provider: Provider) -> None:
    sub = new_sub()
    back = provider.authorize(start(client), sub)
    with client.session_transaction() as session:
        saved = dict(session)
    assert callback(client, back).status_code == 302
    # Put the spent state back, so only the provider's one-time code check can stop the replay.
    with client.session_transaction() as session:
        session.update(saved)
    assert_failure_page(callback(client, back), 400)
    assert counts(app) == (1, 1)


def test_id_token_with_another_nonce_is_refused(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    parts = urlsplit(start(client))
    params = {**query(urlunsplit(parts)), "nonce": "attacker-nonce"}
    tampered = urlunsplit(parts._replace(query=urlencode(params)))
    assert_failure_page(callback(client, provider.authorize(tampered, new_sub())), 400)
    assert counts(app) == (0, 0)


def test_id_token_for_another_audience_is_refused(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    parts = urlsplit(start(client))
    params = {**query(urlunsplit(parts)), "client_id": "other-client"}
    back = provider.authorize(urlunsplit(parts._replace(query=urlencode(params))), new_sub())
    with provider.client_override("other-client"):
        response = callback(client, back)
    assert_failure_page(response, 400)
    assert counts(app) == (0, 0)


def test_denied_consent_ends_on_a_clear_page(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    back = provider.authorize(start(client), deny=True)
    assert query(back)["error"] == "access_denied"
    response = callback(client, back)
    assert_failure_page(response, 403)
    assert "cancelled" in response.get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_provider_down_ends_on_a_clear_page(auth_config: dict[str, Any]) -> None:
    for app in build(
        {
            **auth_config,
            "GOOGLE_DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
            "GOOGLE_CLIENT_ID": "unit-client",
            "GOOGLE_CLIENT_SECRET": "unit-secret",
        }
    ):
        response = app.test_client().get("/api/auth/login/google")
        assert_failure_page(response, 503)


def test_google_not_configured_hides_the_button_and_answers_404(
    auth_config: dict[str, Any],
) -> None:
    for app in build(auth_config):
        client = app.test_client()
        assert client.get("/api/auth/providers").get_json() == {"google": False}
        for path in ("/api/auth/login/google", "/api/auth/callback/google?code=x&state=y"):
            response = client.get(path)
            assert response.status_code == 404
            assert response.mimetype == "application/problem+json"
            assert "not configured" in response.get_json()["detail"]


def test_providers_reports_google_when_configured(client: FlaskClient) -> None:
    assert client.get("/api/auth/providers").get_json() == {"google": True}


def test_redirects_come_from_public_url_not_from_a_forged_host(
    auth_config: dict[str, Any], provider: Provider
) -> None:
    config = {
        **auth_config,
        "SERVICE_PROXY_COUNT": 2,
        "PUBLIC_URL": PUBLIC_URL,
        "AUTH_POST_LOGIN_REDIRECT": "/dashboard",
        "GOOGLE_DISCOVERY_URL": provider.discovery_url,
        "GOOGLE_CLIENT_ID": "unit-client",
        "GOOGLE_CLIENT_SECRET": "unit-secret",
    }
    forged = {
        "Host": "evil.example",
        "X-Forwarded-For": "203.0.113.9, 10.0.0.2",
        "X-Forwarded-Proto": "https, http",
        "X-Forwarded-Host": "evil.example, evil.example",
    }
    for app in build(config):
        client = app.test_client()
        response = client.get("/api/auth/login/google", headers=forged)
        redirect_uri = query(response.headers["Location"])["redirect_uri"]
        assert redirect_uri == f"{PUBLIC_URL}/api/auth/callback/google"
        sub = new_sub()
        back = urlsplit(provider.authorize(response.headers["Location"], sub))
        done = client.get(f"{back.path}?{back.query}", headers=forged)
        assert done.status_code == 302
        assert done.headers["Location"] == f"{PUBLIC_URL}/dashboard"


def test_the_error_page_never_shows_text_from_the_query_string(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    state = query(start(client))["state"]
    attack = urlencode(
        {
            "error": "Call_0800_EVIL",
            "error_description": "Your account is locked. Call +1 800 EVIL now <b>urgent</b>",
            "state": state,
        }
    )
    response = client.get(f"/api/auth/callback/google?{attack}")
    assert_failure_page(response, 400)
    page = response.get_data(as_text=True)
    for text in ("EVIL", "locked", "urgent", "Call_0800"):
        assert text not in page
    assert "could not be verified" in page
    assert counts(app) == (0, 0)


def test_claims_only_in_userinfo_are_fetched_before_deciding(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@gmail.test", email_verified=True, name="Lin")
    provider.userinfo_only(sub)
    assert sign_in(client, provider, sub).status_code == 302
    me = client.get("/api/auth/me").get_json()
    assert me["email"] == f"{sub}@gmail.test" and me["name"] == "Lin"
    assert me["email_verified"] is True


def test_userinfo_email_takes_over_the_local_account_too(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    local = AuthActions(app.test_client()).register("lin@example.com")
    sub = new_sub()
    provider.set_user(sub, email="lin@example.com", email_verified=True, name="Lin")
    provider.userinfo_only(sub)
    assert sign_in(client, provider, sub).status_code == 302
    assert client.get("/api/auth/me").get_json()["id"] == local["id"]
    assert counts(app) == (1, 1)


def test_userinfo_about_another_subject_is_refused(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@gmail.test", email_verified=True, name="Lin")
    provider.userinfo_only(sub)
    back = provider.authorize(start(client), sub)
    with provider.userinfo_about("someone-else"):
        response = callback(client, back)
    assert_failure_page(response, 400)
    assert counts(app) == (0, 0)


def test_a_signed_in_user_connects_google(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    auth = AuthActions(client)
    local = auth.register("ada@example.com")
    auth.login("ada@example.com")
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@gmail.test", email_verified=True)
    location = client.get("/api/auth/login/google?connect=1")
    assert location.status_code == 302
    assert (
        callback(client, provider.authorize(location.headers["Location"], sub)).status_code == 302
    )
    me = client.get("/api/auth/me").get_json()
    assert me["id"] == local["id"] and me["providers"] == ["password", "google"]
    # Connecting is not a takeover: the password keeps working.
    assert auth.login("ada@example.com")["access_token"]
    # And the Google account now signs in to this account.
    other = app.test_client()
    assert sign_in(other, provider, sub).status_code == 302
    assert other.get("/api/auth/me").get_json()["id"] == local["id"]


def test_connecting_an_identity_of_another_user_is_refused_with_409(
    app: Flask, client: FlaskClient, provider: Provider
) -> None:
    sub = new_sub()
    provider.set_user(sub, email=f"{sub}@gmail.test", email_verified=True)
    assert sign_in(app.test_client(), provider, sub).status_code == 302
    auth = AuthActions(client)
    auth.register("ada@example.com")
    auth.login("ada@example.com")
    location = client.get("/api/auth/login/google?connect=1").headers["Location"]
    response = callback(client, provider.authorize(location, sub))
    assert_failure_page(response, 409)
    assert client.get("/api/auth/me").get_json()["providers"] == ["password"]


def test_connecting_needs_a_signed_in_user(client: FlaskClient) -> None:
    response = client.get("/api/auth/login/google?connect=1")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
