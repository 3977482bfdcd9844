"""Registration and the signed-in user's own account."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_jwt_extended import get_jwt
from flask_smorest import Blueprint

from services.common.auth import current_principal, require_auth, require_fresh_auth
from services.common.errors import Forbidden

from .. import account_mail, accounts, tokens
from ..extensions import client_address, limiter
from ..models import User
from ..quiz_client import delete_quiz_data
from ..schemas import PasswordChangeSchema, RegisterSchema, UserSchema
from .cookies import clear_token_cookies_later

bp = Blueprint("accounts", __name__, description="Local accounts and the current user")


def signed_in_user() -> User:
    """The account of the verified caller (403 for service tokens)."""
    principal = current_principal()
    if principal.sub.startswith("service:"):
        raise Forbidden("Service tokens have no account.")
    return accounts.get_user(principal.sub)


@bp.post("/register")
@limiter.limit(
    lambda: current_app.config["AUTH_REGISTER_LIMIT_IP"],
    key_func=client_address,
    scope="register-ip",
)
@bp.arguments(RegisterSchema)
@bp.response(201, UserSchema)
@bp.alt_response(409, description="The email is already registered")
def register(args: dict[str, Any]) -> dict[str, Any]:
    """Create a local account (password policy enforced), unverified; mail a verification link."""
    user = accounts.register(args["email"], args["password"], args["name"])
    account_mail.send_verification_after_signup(user)
    return user.to_dict()


@bp.get("/me")
@require_auth
@bp.response(200, UserSchema)
def me() -> dict[str, Any]:
    """The signed-in user."""
    return signed_in_user().to_dict()


@bp.delete("/me")
@require_fresh_auth
@bp.response(204)
@bp.alt_response(401, description="No token, or not a fresh sign-in (fresh-sign-in-required)")
@bp.alt_response(503, description="Quiz data could not be deleted; the account was kept")
def delete_me() -> None:
    """Delete the account (needs a fresh sign-in); quiz first erases or anonymises its data."""
    user = signed_in_user()
    delete_quiz_data(user.id)
    tokens.revoke_access(get_jwt())
    accounts.delete_user(user)
    clear_token_cookies_later()


@bp.post("/password")
@require_fresh_auth
@bp.arguments(PasswordChangeSchema)
@bp.response(204)
@bp.alt_response(401, description="No token, or not a fresh sign-in (fresh-sign-in-required)")
def change_password(args: dict[str, Any]) -> None:
    """Change (or set) the password (needs a fresh sign-in); every other sign-in is ended."""
    accounts.change_password(
        signed_in_user(),
        args["current_password"],
        args["new_password"],
        keep_family=get_jwt().get("sid"),
    )
