"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from services.common.errors import ValidationFailed

SITE_PASSWORDS_FILE = Path(__file__).with_name("site_passwords.txt")
MAX_LENGTH = 128


def hasher(app: Flask | None = None) -> PasswordHasher:
    """The app's argon2id hasher (parameters from config)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    existing = app.extensions.get("password_hasher")
    if existing is None:
        existing = PasswordHasher(
            time_cost=app.config["AUTH_ARGON2_TIME_COST"],
            memory_cost=app.config["AUTH_ARGON2_MEMORY_KIB"],
            parallelism=app.config["AUTH_ARGON2_PARALLELISM"],
        )
        app.extensions["password_hasher"] = existing
        # Verified against when the email is unknown, so both failures cost the same time.
        app.extensions["dummy_password_hash"] = existing.hash("not-a-real-password")
    return existing


def hash_password(password: str) -> str:
    """Hash `password` for storage."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check `password` against `stored_hash`; with no hash, burn the same time and say no."""
    ph = hasher()
    target = stored_hash or current_app.extensions["dummy_password_hash"]
    try:
        ok = ph.verify(target, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(ok and stored_hash)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Breached passwords attackers try first, lower-cased; loaded once per process.

    zxcvbn's list of the 30,000 most common passwords from public breaches (MIT licence,
    shipped inside the package, no network), plus a few words specific to this site.
    """
    lines = SITE_PASSWORDS_FILE.read_text().splitlines()
    site = (line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(word.lower() for word in (*FREQUENCY_LISTS["passwords"], *site))


def check_policy(password: str, email: str | None = None, min_length: int = 10) -> None:
    """Raise `ValidationFailed` (per-field) when `password` is too weak."""
    problems: list[str] = []
    if len(password) < min_length:
        problems.append(f"Use at least {min_length} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        problems.append("This password is too common or too simple; choose another.")
    if email and lowered in {email.lower(), email.split("@", 1)[0].lower()}:
        problems.append("The password must not be your email address.")
    if problems:
        raise ValidationFailed(
            "The password does not meet the policy.", errors={"password": problems}
        )
