"""Mailed links through nginx with a real SMTP server: verify the address, reset the password."""

from __future__ import annotations

import secrets

import pytest
import requests

from .support.client import PASSWORD, assert_problem, bearer, post
from .support.mailbox import link_token, wait_for_mail
from .support.stack import Stack

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "e2e a brand new passphrase"


def login(stack: Stack, email: str, password: str) -> requests.Response:
    return post(stack, "/api/auth/login", json={"email": email, "password": password})


def test_verify_then_forget_and_reset_the_password_by_mail(stack: Stack) -> None:
    email = f"e2e-mail-{secrets.token_hex(4)}@example.com"
    created = post(
        stack, "/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Mia"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["email_verified"] is False

    verification = wait_for_mail(stack.mail_dir, email, "Confirm your email address")
    assert f"{stack.base_url}/verify?token=" in str(verification.get_body(("plain",)))
    verified = post(stack, "/api/auth/verify", json={"token": link_token(verification, "verify")})
    assert verified.status_code == 200, verified.text
    assert verified.json()["email_verified"] is True

    old = login(stack, email, PASSWORD)
    assert old.status_code == 200, old.text
    old_pair = old.json()

    forgot = post(stack, "/api/auth/password/forgot", json={"email": email})
    assert forgot.status_code == 202, forgot.text
    reset_mail = wait_for_mail(stack.mail_dir, email, "Reset your")
    reset = post(
        stack,
        "/api/auth/password/reset",
        json={"token": link_token(reset_mail, "reset"), "new_password": NEW_PASSWORD},
    )
    assert reset.status_code == 204, reset.text

    assert_problem(login(stack, email, PASSWORD), 401)
    fresh = login(stack, email, NEW_PASSWORD)
    assert fresh.status_code == 200, fresh.text
    dead = post(stack, "/api/auth/refresh", json={"refresh_token": old_pair["refresh_token"]})
    assert_problem(dead, 401)
    revoked = requests.get(
        f"{stack.base_url}/api/auth/me", headers=bearer(old_pair["access_token"]), timeout=10
    )
    assert_problem(revoked, 401)


def test_forgot_password_for_an_unknown_address_looks_the_same_and_sends_nothing(
    stack: Stack,
) -> None:
    known = f"e2e-known-{secrets.token_hex(4)}@example.com"
    created = post(stack, "/api/auth/register", json={"email": known, "password": PASSWORD})
    assert created.status_code == 201
    unknown = f"e2e-nobody-{secrets.token_hex(4)}@example.com"
    answers = [
        post(stack, "/api/auth/password/forgot", json={"email": address})
        for address in (unknown, known)
    ]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    # Mail is delivered in order: once the known address's reset mail is in, nothing else came.
    wait_for_mail(stack.mail_dir, known, "Reset your")
    assert not any(unknown in path.read_text() for path in stack.mail_dir.glob("*.eml"))
