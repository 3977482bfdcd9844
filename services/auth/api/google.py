"""Sign-in with Google, the JWKS and the list of external providers."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, jsonify, redirect, render_template
from flask_smorest import Blueprint
from werkzeug.wrappers import Response

from services.common.auth import current_principal, require_auth

from .. import google, tokens
from ..extensions import db
from ..schemas import GoogleLoginArgsSchema, JwksSchema, ProvidersSchema
from .cookies import set_token_cookies

bp = Blueprint("google", __name__, description="Google sign-in and public keys")
log = logging.getLogger(__name__)


@bp.get("/providers")
@bp.response(200, ProvidersSchema)
def providers() -> dict[str, Any]:
    """Which external sign-in options are configured (the web app hides the others)."""
    return {"google": google.is_configured(current_app)}


@bp.get("/login/google")
@bp.arguments(GoogleLoginArgsSchema, location="query")
@bp.response(302)
@bp.alt_response(401, description="`connect=1` without a signed-in user")
@bp.alt_response(403, description="`connect=1` with a service token")
@bp.alt_response(404, description="Google sign-in is not configured")
def login_google(args: dict[str, Any]) -> Response:
    """Redirect to Google with state, nonce and a PKCE S256 challenge. With `connect=1` (signed
    in, by cookie or Bearer), the callback connects the Google account to the signed-in user."""
    try:
        if args.get("connect"):
            return _begin_connect()
        return google.begin_login()
    except google.LoginFailed as failure:
        return _failure_page(failure)


@require_auth
def _begin_connect() -> Response:
    return google.begin_login(connect_user_id=current_principal().sub)


@bp.get("/callback/google")
@bp.response(302)
@bp.alt_response(400, description="HTML error page: the sign-in could not be verified")
@bp.alt_response(403, description="HTML error page: consent was denied")
@bp.alt_response(409, description="HTML error page: the identity clashes with an account")
@bp.alt_response(503, description="HTML error page: the provider cannot be reached")
def callback() -> Response:
    """Finish Google sign-in (or connecting): set the token cookies and go to `PUBLIC_URL` +
    `AUTH_POST_LOGIN_REDIRECT`."""
    try:
        user = google.complete_login()
        pair = tokens.start_session(user)
    except google.LoginFailed as failure:
        return _failure_page(failure)
    response = redirect(google.post_login_redirect())
    return set_token_cookies(response, pair)


def _failure_page(failure: google.LoginFailed) -> Response:
    db.session.rollback()
    log.warning("Google sign-in failed: %s (%s)", failure.reason, failure.detail)
    # Only our own texts reach the page: the provider's `error_description` never does.
    html = render_template("login_error.html", message=failure.message, reason=failure.reason)
    return Response(html, status=failure.status, mimetype="text/html")


@bp.get("/.well-known/jwks.json")
@bp.response(200, JwksSchema, description="The public keys (JWKS)")
def jwks() -> Response:
    """The public keys that verify this service's tokens (JWKS, RFC 7517)."""
    response = jsonify(tokens.key_ring().jwks())
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
