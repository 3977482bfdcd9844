"""Local sign-in, token refresh and sign-out."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request
from flask_jwt_extended import get_jwt, verify_jwt_in_request
from flask_smorest import Blueprint

from services.common.auth import require_auth

from .. import accounts, tokens
from ..extensions import client_address, limiter
from ..schemas import LoginSchema, RefreshSchema, TokenPairSchema
from .cookies import clear_token_cookies_later, set_token_cookies_later

F = TypeVar("F", bound=Callable[..., Any])
bp = Blueprint("sessions", __name__, description="Sign-in with a password, refresh, sign-out")


def account_key() -> str:
    """Rate-limit key for the account named in a login body."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"account:{accounts.normalise_email(email) if isinstance(email, str) else '-'}"


def account_address_key() -> str:
    """Rate-limit key for the account named in a login body, from this client address."""
    return f"{account_key()}|{client_address()}"


# Every limit is counted (an atomic increment in Redis) before the password is checked, so
# parallel requests cannot slip past it. Per account the tight limit is per client address:
# guesses from one address do not lock the owner out elsewhere; a slower per-account ceiling
# bounds guesses spread over many addresses.
@bp.post("/login")
@limiter.limit(
    lambda: current_app.config["AUTH_LOGIN_LIMIT_IP"], key_func=client_address, scope="login-ip"
)
@limiter.limit(
    lambda: current_app.config["AUTH_LOGIN_LIMIT_ACCOUNT_IP"],
    key_func=account_address_key,
    scope="login-account-ip",
)
@limiter.limit(
    lambda: current_app.config["AUTH_LOGIN_LIMIT_ACCOUNT"],
    key_func=account_key,
    scope="login-account",
)
@bp.arguments(LoginSchema)
@bp.response(200, TokenPairSchema)
@bp.alt_response(401, description="Wrong email or password (one answer for both)")
@bp.alt_response(429, description="Too many attempts; see Retry-After")
def login(args: dict[str, Any]) -> dict[str, Any]:
    """Sign in with email and password: tokens as JSON and as httpOnly cookies."""
    user = accounts.authenticate(args["email"], args["password"])
    pair = tokens.sign_in(user)
    set_token_cookies_later(pair)
    return pair.to_dict()


def require_refresh_token(fn: F) -> F:
    """Allow the view only with a valid refresh token (cookie + X-CSRF-TOKEN, Bearer, or the
    JSON body's `refresh_token`); 401 otherwise."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Only a JSON object can carry `refresh_token`; anything else must not reach the
        # body lookup of flask-jwt-extended, which expects a mapping.
        in_body = isinstance(request.get_json(silent=True), dict)
        locations = ["headers", "json", "cookies"] if in_body else ["headers", "cookies"]
        verify_jwt_in_request(refresh=True, locations=locations)
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@bp.post("/refresh")
@require_refresh_token
@bp.arguments(RefreshSchema, required=False)
@bp.response(200, TokenPairSchema)
@bp.alt_response(401, description="Invalid, revoked or reused refresh token")
def refresh(_args: dict[str, Any]) -> dict[str, Any]:
    """Trade a refresh token (cookie + X-CSRF-TOKEN, Bearer, or body) for a new pair."""
    pair = tokens.rotate(get_jwt())
    set_token_cookies_later(pair)
    return pair.to_dict()


@bp.post("/logout")
@require_auth
@bp.response(204)
def logout() -> None:
    """Sign out: revoke this access token and its sign-in's refresh tokens; clear cookies."""
    tokens.sign_out(get_jwt())
    clear_token_cookies_later()
