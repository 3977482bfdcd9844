"""Auth through nginx and the gateway: local accounts, token rotation, cookies, Google sign-in."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urljoin

import pytest
import requests

from tests.auth.oidc import query

from .support.client import PASSWORD, assert_problem, bearer, register_and_login
from .support.stack import Stack

pytestmark = pytest.mark.e2e


def browser() -> requests.Session:
    """A cookie-keeping client, like a browser (no proxies from the environment)."""
    session = requests.Session()
    session.trust_env = False
    return session


def test_register_login_me_refresh_and_logout_with_bearer_tokens(stack: Stack) -> None:
    api = browser()
    email, pair = register_and_login(stack.base_url, api)
    me = api.get(f"{stack.base_url}/api/auth/me", headers=bearer(pair["access_token"]), timeout=10)
    assert me.status_code == 200 and me.json()["email"] == email

    rotated = api.post(
        f"{stack.base_url}/api/auth/refresh",
        json={"refresh_token": pair["refresh_token"]},
        timeout=10,
    )
    assert rotated.status_code == 200, rotated.text
    fresh = rotated.json()
    assert fresh["refresh_token"] != pair["refresh_token"]

    logout = api.post(
        f"{stack.base_url}/api/auth/logout", headers=bearer(fresh["access_token"]), timeout=10
    )
    assert logout.status_code == 204
    gone = api.get(
        f"{stack.base_url}/api/auth/me", headers=bearer(fresh["access_token"]), timeout=10
    )
    assert_problem(gone, 401)
    again = api.post(
        f"{stack.base_url}/api/auth/refresh",
        json={"refresh_token": fresh["refresh_token"]},
        timeout=10,
    )
    assert_problem(again, 401)


def test_refresh_reuse_ends_the_sign_in_at_every_service(stack: Stack) -> None:
    api = browser()
    _email, first = register_and_login(stack.base_url, api)
    second = api.post(
        f"{stack.base_url}/api/auth/refresh", headers=bearer(first["refresh_token"]), timeout=10
    ).json()
    reuse = api.post(
        f"{stack.base_url}/api/auth/refresh", headers=bearer(first["refresh_token"]), timeout=10
    )
    assert_problem(reuse, 401)
    for path in ("/api/auth/me", "/api/quiz/sessions"):
        response = api.get(
            f"{stack.base_url}{path}", headers=bearer(second["access_token"]), timeout=10
        )
        assert_problem(response, 401)


def test_cookie_session_needs_the_csrf_header_through_the_gateway(stack: Stack) -> None:
    session = browser()
    register_and_login(stack.base_url, session)
    assert session.cookies.get("access_token_cookie")
    assert session.get(f"{stack.base_url}/api/auth/me", timeout=10).status_code == 200
    refused = session.post(f"{stack.base_url}/api/auth/logout", timeout=10)
    assert_problem(refused, 401)
    refresh = session.post(
        f"{stack.base_url}/api/auth/refresh",
        headers={"X-CSRF-TOKEN": session.cookies.get("csrf_refresh_token")},
        timeout=10,
    )
    assert refresh.status_code == 200, refresh.text
    logout = session.post(
        f"{stack.base_url}/api/auth/logout",
        headers={"X-CSRF-TOKEN": session.cookies.get("csrf_access_token")},
        timeout=10,
    )
    assert logout.status_code == 204
    assert session.get(f"{stack.base_url}/api/auth/me", timeout=10).status_code == 401


def test_jwks_is_public_through_nginx(stack: Stack) -> None:
    response = requests.get(f"{stack.base_url}/api/auth/.well-known/jwks.json", timeout=10)
    assert response.status_code == 200
    assert all(key["alg"] == "RS256" and "d" not in key for key in response.json()["keys"])


def test_internal_token_route_is_not_reachable_from_outside(stack: Stack) -> None:
    response = requests.post(
        f"{stack.base_url}/internal/oauth/token",
        json={"grant_type": "client_credentials", "client_id": "quiz", "client_secret": "x"},
        timeout=10,
    )
    assert response.status_code == 404


def google_sign_in(stack: Stack, session: requests.Session, sub: str) -> requests.Response:
    """Drive the redirects like a browser: our login route, the provider's form, our callback."""
    start = session.get(
        f"{stack.base_url}/api/auth/login/google", allow_redirects=False, timeout=10
    )
    assert start.status_code == 302, start.text
    authorize_url = start.headers["Location"]
    params = query(authorize_url)
    assert params["redirect_uri"] == f"{stack.base_url}/api/auth/callback/google"
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"] and params["nonce"]
    page = session.get(authorize_url, timeout=10)
    assert page.status_code == 200
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', page.text, re.S)
    assert form and 'name="sub"' in form.group(1)
    back = session.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:500]
    callback = urljoin(authorize_url, back.headers["Location"])
    assert callback.startswith(f"{stack.base_url}/api/auth/callback/google?")
    return session.get(callback, allow_redirects=False, timeout=10)


def test_google_sign_in_through_nginx_creates_then_finds_the_user(stack: Stack) -> None:
    sub = f"e2e-google-{secrets.token_hex(4)}"
    email = f"{sub}@gmail.test"
    requests.put(
        f"{stack.oidc_url}/users/{sub}",
        json={"email": email, "email_verified": True, "name": "E2E Google"},
        timeout=10,
    ).raise_for_status()
    assert requests.get(f"{stack.base_url}/api/auth/providers", timeout=10).json() == {
        "google": True
    }

    first = browser()
    done = google_sign_in(stack, first, sub)
    assert done.status_code == 302 and done.headers["Location"] == f"{stack.base_url}/"
    me = first.get(f"{stack.base_url}/api/auth/me", timeout=10)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email and me.json()["providers"] == ["google"]

    second = browser()
    assert google_sign_in(stack, second, sub).status_code == 302
    assert second.get(f"{stack.base_url}/api/auth/me", timeout=10).json()["id"] == me.json()["id"]


def test_google_sign_in_with_a_forged_state_ends_on_an_error_page(stack: Stack) -> None:
    session = browser()
    start = session.get(
        f"{stack.base_url}/api/auth/login/google", allow_redirects=False, timeout=10
    )
    back = session.post(
        start.headers["Location"], data={"sub": "e2e-forged"}, allow_redirects=False, timeout=10
    )
    params = {**query(back.headers["Location"]), "state": "forged"}
    response = session.get(f"{stack.base_url}/api/auth/callback/google", params=params, timeout=10)
    assert response.status_code == 400
    assert "Sign-in failed" in response.text
    assert not session.cookies.get("access_token_cookie")


def test_deleting_an_account_clears_quiz_data_first(stack: Stack) -> None:
    api = browser()
    email, pair = register_and_login(stack.base_url, api)
    deleted = api.delete(
        f"{stack.base_url}/api/auth/me", headers=bearer(pair["access_token"]), timeout=10
    )
    assert deleted.status_code == 204, deleted.text
    login = api.post(
        f"{stack.base_url}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert_problem(login, 401)
