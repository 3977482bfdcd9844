"""Mailed account links: proving the email address, and resetting a forgotten password."""

from __future__ import annotations

import logging
from email.message import EmailMessage

from flask import current_app, render_template

from services.common.errors import Conflict, ServiceUnavailable

from . import email_tokens, passwords
from .accounts import find_by_email
from .email_tokens import RESET, VERIFY
from .extensions import db
from .mail import Mailer, MailError, compose
from .models import User, utcnow
from .tokens import end_all_sessions

log = logging.getLogger(__name__)
SUBJECTS = {
    VERIFY: "Confirm your email address for Flask Interviews",
    RESET: "Reset your Flask Interviews password",
}
PAGES = {VERIFY: "verify", RESET: "reset"}


class AlreadyVerified(Conflict):
    type_slug = "already-verified"


def mailer() -> Mailer:
    """The app's mailer (see `mail.init_app`)."""
    return current_app.extensions["mailer"]


def link_message(user: User, purpose: str, token: str) -> EmailMessage:
    """The mail carrying `{PUBLIC_URL}/<page>?token=...` for `purpose`."""
    link = f"{current_app.config['PUBLIC_URL']}/{PAGES[purpose]}?token={token}"
    seconds = email_tokens.ttl(purpose).total_seconds()
    context = {
        "name": user.name or user.email,
        "email": user.email,
        "link": link,
        "hours": round(seconds / 3600),
        "minutes": round(seconds / 60),
    }
    message = compose(
        mailer().sender,
        str(user.email),
        SUBJECTS[purpose],
        render_template(f"mail/{purpose}.txt", **context),
        render_template(f"mail/{purpose}.html", **context),
    )
    if mailer().writes_files:
        # Development has no mail server: the log is where the developer finds the link.
        log.info("%s link for %s: %s", purpose, user.email, link)
    return message


def send_verification(user: User) -> None:
    """Mail a fresh verification link; 409 when already verified, 503 when mail fails."""
    if user.email_verified_at is not None:
        raise AlreadyVerified("This email address is already verified.")
    if not user.email:
        raise Conflict("This account has no email address to verify.")
    token = email_tokens.issue(user, VERIFY)
    db.session.commit()
    try:
        mailer().send(link_message(user, VERIFY, token))
    except MailError as exc:
        log.error("verification mail to user %s failed: %s", user.id, exc)
        raise ServiceUnavailable(
            "The verification mail could not be sent right now; try again in a few minutes."
        ) from exc


def send_verification_after_signup(user: User) -> None:
    """Like `send_verification`, but a mail failure never undoes the registration."""
    try:
        send_verification(user)
    except ServiceUnavailable:
        log.warning("user %s registered without a verification mail; resend later", user.id)


def verify_email(token: str) -> User:
    """Spend a verification token and mark its user's address verified."""
    row = email_tokens.find_usable(token, VERIFY)
    email_tokens.spend(row)
    user = db.session.get(User, row.user_id)
    assert user is not None  # tokens are deleted with their user
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.commit()
    log.info("email of user %s verified", user.id)
    return user


def request_reset(email: str) -> None:
    """Mail a reset link when an account has this address; the caller learns nothing either way.

    Delivery, the slow and variable part, runs on the mailer's thread: the answer does not wait
    for the mail server, so its timing does not tell a known address from an unknown one.
    """
    user = find_by_email(email)
    if user is None or not user.email:
        return
    token = email_tokens.issue(user, RESET)
    db.session.commit()
    message = link_message(user, RESET, token)
    user_id = user.id
    mailer().send_later(
        message, lambda exc: log.error("reset mail to user %s failed: %s", user_id, exc)
    )


def reset_password(token: str, new_password: str) -> None:
    """Set a new password from a reset link, prove the address, and end every sign-in."""
    row = email_tokens.find_usable(token, RESET)
    user = db.session.get(User, row.user_id)
    assert user is not None
    # The policy is checked before the token is spent, so a refused password keeps the link.
    passwords.check_policy(new_password, user.email, current_app.config["AUTH_PASSWORD_MIN_LENGTH"])
    email_tokens.spend(row)
    user.password_hash = passwords.hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    end_all_sessions(user.id, reason="password-reset")
    db.session.commit()
    log.info("password of user %s reset by mail link", user.id)
