"""Account rules: registration, password sign-in and changes, roles, deletion."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from services.common.errors import Conflict, NotFound, Problem, ValidationFailed

from . import email_tokens, passwords
from .extensions import db
from .models import RefreshFamily, RefreshToken, User
from .tokens import end_all_sessions

log = logging.getLogger(__name__)
ASSIGNABLE_ROLES = ("candidate", "author", "admin")


class InvalidCredentials(Problem):
    status, title, type_slug = 401, "Unauthorized", "invalid-credentials"


class EmailTaken(Conflict):
    type_slug = "email-taken"


class LastAdmin(Conflict):
    type_slug = "last-admin"


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """The user with this email, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def get_user(user_id: str) -> User:
    """The user with this id, or 404."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def register(email: str, password: str, name: str, roles: Iterable[str] = ("candidate",)) -> User:
    """Create a local account; 422 on a weak password, 409 when the email is taken."""
    email = normalise_email(email)
    passwords.check_policy(password, email, current_app.config["AUTH_PASSWORD_MIN_LENGTH"])
    if find_by_email(email) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(
        email=email,
        name=name.strip() or email.split("@", 1)[0],
        password_hash=passwords.hash_password(password),
        roles=list(roles),
    )
    db.session.add(user)
    db.session.commit()
    log.info("registered user %s", user.id)
    return user


def authenticate(email: str, password: str) -> User:
    """The user for these credentials; one answer for unknown email and wrong password."""
    user = find_by_email(email)
    # An unknown email still pays for a hash check, so timing does not reveal accounts.
    if not passwords.verify_password(user.password_hash if user else None, password):
        raise InvalidCredentials("The email or password is incorrect.")
    assert user is not None and user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


def change_password(user: User, current: str | None, new: str, keep_family: str | None) -> None:
    """Set a new password (the current one is required when there is one); end other sign-ins."""
    if user.password_hash and not passwords.verify_password(user.password_hash, current or ""):
        raise ValidationFailed(
            "The current password is incorrect.",
            errors={"current_password": ["The current password is incorrect."]},
        )
    passwords.check_policy(new, user.email, current_app.config["AUTH_PASSWORD_MIN_LENGTH"])
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(user.id, keep_family=keep_family, reason="password-change")
    db.session.commit()


def set_roles(user: User, roles: Iterable[str]) -> User:
    """Replace a user's roles; refuses to remove the last admin."""
    wanted = sorted(set(roles))
    unknown = set(wanted) - set(ASSIGNABLE_ROLES)
    if unknown or not wanted:
        raise ValidationFailed(
            "Unknown or missing roles.",
            errors={"roles": [f"Choose from {', '.join(ASSIGNABLE_ROLES)}."]},
        )
    if "admin" in (user.roles or []) and "admin" not in wanted and count_admins() <= 1:
        raise LastAdmin("This is the last admin; appoint another admin first.")
    user.roles = wanted
    db.session.commit()
    log.info("roles of user %s set to %s", user.id, wanted)
    return user


def count_admins() -> int:
    """How many users hold the admin role."""
    return sum(1 for roles in db.session.scalars(sa.select(User.roles)) if "admin" in (roles or []))


def delete_user(user: User) -> None:
    """Remove the account, its identities and sign-ins (their access tokens are revoked)."""
    end_all_sessions(user.id, reason="account-deleted")
    email_tokens.delete_for(user.id)
    family_ids = sa.select(RefreshFamily.id).where(RefreshFamily.user_id == user.id)
    db.session.execute(sa.delete(RefreshToken).where(RefreshToken.family_id.in_(family_ids)))
    db.session.execute(sa.delete(RefreshFamily).where(RefreshFamily.user_id == user.id))
    db.session.delete(user)
    db.session.commit()
    log.info("deleted user %s", user.id)
