"""The account page: profile, resend, Google, password change with fresh sign-in, deletion."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from .conftest import post_form


def test_account_needs_a_sign_in_and_comes_back(browser: FlaskClient) -> None:
    response = browser.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=/account"


def test_account_shows_the_profile_and_its_actions(signed_in: FlaskClient) -> None:
    html = signed_in.get("/account").get_data(as_text=True)
    assert "Ada" in html and "ada@example.com" in html and "not verified" in html
    assert "Resend verification mail" in html
    assert 'href="/api/auth/login/google?connect=1"' in html
    for label in ("Current password", "New password", "Type your email to confirm"):
        assert f">{label}</label>" in html


def test_resend_verification(signed_in: FlaskClient) -> None:
    response = post_form(signed_in, "/account/resend", {}, "/account")
    assert response.headers["Location"] == "/account"
    assert "We sent a new verification link" in signed_in.get("/account").get_data(as_text=True)


def test_wrong_current_password_is_shown_next_to_the_field(signed_in: FlaskClient) -> None:
    response = post_form(
        signed_in,
        "/account/password",
        {"current_password": "wrong", "new_password": "a long new one"},
        "/account",
    )
    html = response.get_data(as_text=True)
    assert 'id="current_password-error"' in html
    assert "The current password is incorrect." in html


def test_stale_sign_in_is_sent_to_sign_in_again_and_back(signed_in: FlaskClient) -> None:
    signed_in.set_cookie("access_token_cookie", "tok-stale")
    response = post_form(
        signed_in,
        "/account/password",
        {"current_password": "right", "new_password": "a long new one"},
        "/account",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=/account"
    assert "sign in again" in signed_in.get("/signin").get_data(as_text=True)


def test_password_change(signed_in: FlaskClient) -> None:
    response = post_form(
        signed_in,
        "/account/password",
        {"current_password": "right", "new_password": "a long new one"},
        "/account",
    )
    assert response.headers["Location"] == "/account"


def test_delete_needs_the_typed_email(signed_in: FlaskClient, state: dict[str, Any]) -> None:
    response = post_form(
        signed_in, "/account/delete", {"confirm_email": "bob@example.com"}, "/account"
    )
    assert "Type the email address of this account exactly." in response.get_data(as_text=True)
    assert "deleted" not in state
    done = post_form(signed_in, "/account/delete", {"confirm_email": "ADA@example.com"}, "/account")
    assert done.status_code == 302 and state["deleted"] is True
    assert any(c.startswith("access_token_cookie=;") for c in done.headers.getlist("Set-Cookie"))
