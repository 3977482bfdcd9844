"""Sign-in with Google, the JWKS and the list of external providers."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, jsonify, redirect, render_template
from flask_smorest import Blueprint
from werkzeug.wrappers import Response

from .. import google, tokens
from ..extensions import db
from ..schemas import JwksSchema, ProvidersSchema
from .cookies import set_token_cookies

bp = Blueprint("google", __name__, description="Google sign-in and public keys")
log = logging.getLogger(__name__)


@bp.get("/providers")
@bp.response(200, ProvidersSchema)
def providers() -> dict[str, Any]:
    """Which external sign-in options are configured (the web app hides the others)."""
    return {"google": google.is_configured(current_app)}


@bp.get("/login/google")
@bp.response(302)
@bp.alt_response(404, description="Google sign-in is not configured")
def login_google() -> Response:
    """Redirect to Google with state, nonce and a PKCE S256 challenge."""
    try:
        return google.begin_login()
    except google.LoginFailed as failure:
        return _failure_page(failure)


@bp.get("/callback/google")
@bp.response(302)
def callback() -> Response:
    """Finish Google sign-in: set the token cookies and go to the dashboard."""
    try:
        user = google.complete_login()
        pair = tokens.start_session(user)
    except google.LoginFailed as failure:
        return _failure_page(failure)
    response = redirect(current_app.config["AUTH_POST_LOGIN_REDIRECT"])
    return set_token_cookies(response, pair)


def _failure_page(failure: google.LoginFailed) -> Response:
    db.session.rollback()
    log.warning("Google sign-in failed: %s (%s)", failure.reason, failure.message)
    html = render_template("login_error.html", message=failure.message, reason=failure.reason)
    return Response(html, status=failure.status, mimetype="text/html")


@bp.get("/.well-known/jwks.json")
@bp.response(200, JwksSchema, description="The public keys (JWKS)")
def jwks() -> Response:
    """The public keys that verify this service's tokens (JWKS, RFC 7517)."""
    response = jsonify(tokens.key_ring().jwks())
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
