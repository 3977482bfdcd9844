"""Sign-in pages: forms with CSRF tokens, the auth service called as the user, errors by field."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from .conftest import csrf_token, post_form


def last_call(state: dict[str, Any], path: str) -> tuple[str, str, dict[str, str], Any]:
    return [call for call in state["calls"] if call[1] == path][-1]


def test_signin_sets_the_auth_cookies_and_returns_to_next(
    browser: FlaskClient, state: dict[str, Any]
) -> None:
    page = browser.get("/signin?next=/study").get_data(as_text=True)
    response = browser.post(
        "/signin",
        data={
            "email": "ada@example.com",
            "password": "right",
            "next": "/study",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/study"
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("access_token_cookie=tok-ada") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("csrf_access_token=csrf-ada") for c in cookies)
    # The auth service saw the real client in the forwarding chain (its rate limits need it).
    assert "x-forwarded-for" in {k.lower() for k in last_call(state, "/api/auth/login")[2]}
    account = browser.get("/account").get_data(as_text=True)
    assert "ada@example.com" in account and "Sign out" in account


def test_signin_never_redirects_off_site(browser: FlaskClient) -> None:
    page = browser.get("/signin").get_data(as_text=True)
    response = browser.post(
        "/signin",
        data={
            "email": "ada@example.com",
            "password": "right",
            "next": "https://evil.example/",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.headers["Location"] == "/dashboard"


def test_signin_without_a_csrf_token_is_refused(
    browser: FlaskClient, state: dict[str, Any]
) -> None:
    response = browser.post("/signin", data={"email": "ada@example.com", "password": "right"})
    assert response.status_code == 400
    assert "Please try again" in response.get_data(as_text=True)
    assert not any(call[1] == "/api/auth/login" for call in state.get("calls", []))


def test_wrong_password_is_shown_on_the_form(browser: FlaskClient) -> None:
    response = post_form(browser, "/signin", {"email": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "The email or password is wrong." in html
    assert 'value="ada@example.com"' in html


def test_rate_limited_signin_says_how_long_to_wait(browser: FlaskClient) -> None:
    response = post_form(browser, "/signin", {"email": "busy@example.com", "password": "x"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "120"
    assert "wait about 2 minutes" in response.get_data(as_text=True)


def test_service_down_gives_a_friendly_page(browser: FlaskClient, state: dict[str, Any]) -> None:
    state["down"] = True
    response = browser.get("/study")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Temporarily unavailable" in html and "<main" in html


def test_unreachable_service_gives_a_friendly_page(make_app: Any) -> None:
    from ..standins import refused_url

    app = make_app(GATEWAY_CONTENT_URL=refused_url(), GATEWAY_SECRET_KEY="k")
    response = app.test_client().get("/study", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_google_button_only_when_configured(browser: FlaskClient, state: dict[str, Any]) -> None:
    assert "/api/auth/login/google" not in browser.get("/signin").get_data(as_text=True)
    state["google"] = True
    assert 'href="/api/auth/login/google"' in browser.get("/signin").get_data(as_text=True)


def test_register_maps_password_errors_to_the_field(browser: FlaskClient) -> None:
    response = post_form(
        browser, "/register", {"email": "new@example.com", "password": "weak", "name": "N"}
    )
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html and "Use at least 12 characters." in html
    assert 'aria-describedby="password-hint password-error"' in html


def test_register_then_check_your_mail_page_names_var_mail(browser: FlaskClient) -> None:
    response = post_form(
        browser, "/register", {"email": "new@example.com", "password": "long enough pass"}
    )
    html = response.get_data(as_text=True)
    assert "Check your mail" in html and "new@example.com" in html and "var/mail/" in html


def test_register_with_a_taken_email_says_so(browser: FlaskClient) -> None:
    response = post_form(
        browser, "/register", {"email": "taken@example.com", "password": "long enough pass"}
    )
    assert "An account already uses this email address." in response.get_data(as_text=True)


def test_verify_posts_the_token_and_says_the_result(
    browser: FlaskClient, state: dict[str, Any]
) -> None:
    assert "Email confirmed" in browser.get("/verify?token=good").get_data(as_text=True)
    assert last_call(state, "/api/auth/verify")[3] == {"token": "good"}
    assert "already been used" in browser.get("/verify?token=used").get_data(as_text=True)
    assert "not valid" in browser.get("/verify?token=junk").get_data(as_text=True)
    assert "did not work" in browser.get("/verify").get_data(as_text=True)


def test_forgot_then_reset_with_field_errors(browser: FlaskClient) -> None:
    sent = post_form(browser, "/forgot", {"email": "ada@example.com"})
    assert "Check your mail" in sent.get_data(as_text=True)
    weak = post_form(
        browser, "/reset", {"token": "good", "new_password": "weak"}, "/reset?token=good"
    )
    html = weak.get_data(as_text=True)
    assert 'id="new_password-error"' in html and "Too easy to guess." in html
    done = post_form(
        browser, "/reset", {"token": "good", "new_password": "a long new one"}, "/reset?token=good"
    )
    assert done.status_code == 302 and done.headers["Location"] == "/signin"
    assert "Your password has been changed" in browser.get("/signin").get_data(as_text=True)


def test_reset_with_a_dead_link_says_so(browser: FlaskClient) -> None:
    response = post_form(
        browser, "/reset", {"token": "old", "new_password": "a long new one"}, "/reset?token=old"
    )
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_signout_forwards_the_csrf_cookie_and_clears_the_session(
    signed_in: FlaskClient, state: dict[str, Any]
) -> None:
    response = post_form(signed_in, "/signout", {})
    assert response.status_code == 302
    headers = last_call(state, "/api/auth/logout")[2]
    assert headers["X-Csrf-Token"] == "csrf-ada"
    assert "access_token_cookie=tok-ada" in headers["Cookie"]
    assert any(
        c.startswith("access_token_cookie=;") for c in response.headers.getlist("Set-Cookie")
    )
