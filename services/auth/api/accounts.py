"""Registration and the signed-in user's own account."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_jwt_extended import get_jwt
from flask_smorest import Blueprint

from services.common.auth import current_principal, require_auth
from services.common.errors import Forbidden

from .. import accounts, tokens
from ..clients import delete_quiz_data
from ..extensions import client_address, limiter
from ..models import User
from ..schemas import PasswordChangeSchema, RegisterSchema, UserSchema
from .cookies import clear_token_cookies_later

bp = Blueprint("accounts", __name__, description="Local accounts and the current user")


def _me() -> User:
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
    """Create a local account (password policy enforced)."""
    return accounts.register(args["email"], args["password"], args["name"]).to_dict()


@bp.get("/me")
@bp.response(200, UserSchema)
@require_auth
def me() -> dict[str, Any]:
    """The signed-in user."""
    return _me().to_dict()


@bp.delete("/me")
@bp.response(204)
@bp.alt_response(503, description="Quiz data could not be deleted; the account was kept")
@require_auth
def delete_me() -> None:
    """Delete the account; the quiz service first removes or anonymises its interview data."""
    user = _me()
    delete_quiz_data(user.id)
    tokens.revoke_access(get_jwt())
    accounts.delete_user(user)
    clear_token_cookies_later()


@bp.post("/password")
@bp.arguments(PasswordChangeSchema)
@bp.response(204)
@require_auth
def change_password(args: dict[str, Any]) -> None:
    """Change (or set) the password; every other sign-in of the account is ended."""
    accounts.change_password(
        _me(), args["current_password"], args["new_password"], keep_family=get_jwt().get("sid")
    )
