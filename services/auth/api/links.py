"""Mailed links: verify the email address, and reset a forgotten password."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from services.common.auth import current_principal, require_auth

from .. import account_mail, accounts
from ..extensions import client_address, limiter
from ..schemas import (
    AcceptedSchema,
    ForgotPasswordSchema,
    ResetPasswordSchema,
    UserSchema,
    VerifySchema,
)
from .accounts import signed_in_user

bp = Blueprint("links", __name__, description="Email verification and password reset by mail")
FORGOT_ACCEPTED = {
    "detail": "If an account uses this address, a link to reset its password is on its way."
}


def _mail_limit_ip() -> str:
    return current_app.config["AUTH_MAIL_LIMIT_IP"]


def _mail_limit_account() -> str:
    return current_app.config["AUTH_MAIL_LIMIT_ACCOUNT"]


def body_email_key() -> str:
    """Rate-limit key for the address named in the body (known or not: no enumeration)."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"email:{accounts.normalise_email(email) if isinstance(email, str) else '-'}"


def principal_key() -> str:
    """Rate-limit key for the signed-in account (the limit runs after `require_auth`)."""
    return f"user:{current_principal().sub}"


@bp.post("/verify")
@bp.arguments(VerifySchema)
@bp.response(200, UserSchema)
@bp.alt_response(400, description="Unknown token (problem type link-invalid)")
@bp.alt_response(410, description="Used or expired token (link-used, link-expired)")
def verify(args: dict[str, Any]) -> dict[str, Any]:
    """Verify the email address with the token from the verification mail."""
    return account_mail.verify_email(args["token"]).to_dict()


@bp.post("/verify/resend")
@require_auth
@bp.response(202, AcceptedSchema)
@bp.alt_response(409, description="The address is already verified")
@bp.alt_response(429, description="Too many mails asked for; see Retry-After")
@bp.alt_response(503, description="The mail server could not be reached; try again later")
@limiter.limit(_mail_limit_ip, key_func=client_address, scope="mail-ip")
@limiter.limit(_mail_limit_account, key_func=principal_key, scope="mail-account")
def resend_verification() -> dict[str, Any]:
    """Mail a fresh verification link to the signed-in user's address."""
    account_mail.send_verification(signed_in_user())
    return {"detail": "A new verification link is on its way."}


@bp.post("/password/forgot")
@bp.arguments(ForgotPasswordSchema)
@bp.response(202, AcceptedSchema)
@bp.alt_response(429, description="Too many requests for this address or client; Retry-After")
@limiter.limit(_mail_limit_ip, key_func=client_address, scope="mail-ip")
@limiter.limit(_mail_limit_account, key_func=body_email_key, scope="mail-account")
def forgot_password(args: dict[str, Any]) -> dict[str, Any]:
    """Mail a password-reset link; the same 202 whether or not an account has the address."""
    account_mail.request_reset(args["email"])
    return FORGOT_ACCEPTED


@bp.post("/password/reset")
@bp.arguments(ResetPasswordSchema)
@bp.response(204)
@bp.alt_response(400, description="Unknown token (problem type link-invalid)")
@bp.alt_response(410, description="Used or expired token (link-used, link-expired)")
@bp.alt_response(422, description="The new password does not meet the policy")
def reset_password(args: dict[str, Any]) -> None:
    """Set a new password with the token from the reset mail; every sign-in is ended."""
    account_mail.reset_password(args["token"], args["new_password"])
