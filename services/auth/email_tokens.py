"""Single-use, expiring tokens carried by mailed links (verify an address, reset a password).

The token is 256 random bits; the database keeps only its SHA-256. A fast hash is enough here
(unlike passwords): nobody can guess a random 256-bit value, the hash only keeps a leaked
table from being turned into working links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from services.common.errors import Problem

from .extensions import db
from .models import EmailToken, User, utcnow

VERIFY = "verify"
RESET = "reset"
TTL_SETTINGS = {VERIFY: "AUTH_VERIFY_TOKEN_TTL_S", RESET: "AUTH_RESET_TOKEN_TTL_S"}


class LinkInvalid(Problem):
    status, title, type_slug = 400, "Invalid link", "link-invalid"


class LinkUsed(Problem):
    status, title, type_slug = 410, "Link already used", "link-used"


class LinkExpired(Problem):
    status, title, type_slug = 410, "Link expired", "link-expired"


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def ttl(purpose: str) -> dt.timedelta:
    """How long a token of `purpose` stays valid."""
    return dt.timedelta(seconds=int(current_app.config[TTL_SETTINGS[purpose]]))


def issue(user: User, purpose: str) -> str:
    """Add a new token for `user` to the session (the caller commits); returns the raw token."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=digest(token),
            expires_at=utcnow() + ttl(purpose),
        )
    )
    return token


def find_usable(token: str, purpose: str) -> EmailToken:
    """The unspent, unexpired row of `token`; a clear 400/410 problem otherwise."""
    row = db.session.scalar(
        sa.select(EmailToken).where(
            EmailToken.token_hash == digest(token), EmailToken.purpose == purpose
        )
    )
    if row is None:
        raise LinkInvalid("This link is not valid. Check that it was copied completely.")
    if row.used_at is not None:
        raise LinkUsed("This link has already been used. Ask for a new one if you need it.")
    if row.expires_at <= utcnow():
        raise LinkExpired("This link has expired. Ask for a new one.")
    return row


def spend(row: EmailToken) -> None:
    """Mark `row` used, and with it every other open token of the same user and purpose.

    One conditional UPDATE decides who spends the token, even under concurrent requests.
    """
    now = utcnow()
    spent = db.session.execute(
        sa.update(EmailToken)
        .where(EmailToken.id == row.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        raise LinkUsed("This link has already been used. Ask for a new one if you need it.")
    db.session.execute(
        sa.update(EmailToken)
        .where(
            EmailToken.user_id == row.user_id,
            EmailToken.purpose == row.purpose,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


def delete_for(user_id: str) -> None:
    """Remove every token of a user (account deletion)."""
    db.session.execute(sa.delete(EmailToken).where(EmailToken.user_id == user_id))
