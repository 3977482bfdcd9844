"""Sign-in with Google and the list of external providers.

Every failed sign-in raises `google.LoginFailed`; this blueprint's one error handler turns it
into the HTML error page a browser can show, since these routes are reached by navigation.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, redirect, render_template
from flask_smorest import Blueprint
from werkzeug.wrappers import Response

from services.common.auth import current_principal, require_auth

from .. import google, tokens
from ..extensions import db
from ..schemas import GoogleLoginArgsSchema, ProvidersSchema
from .cookies import set_token_cookies

bp = Blueprint("google", __name__, description="Google sign-in")
log = logging.getLogger(__name__)


@bp.errorhandler(google.LoginFailed)
def failure_page(failure: google.LoginFailed) -> Response:
    """The HTML error page for a failed sign-in, with the failure's status."""
    db.session.rollback()
    log.warning("Google sign-in failed: %s (%s)", failure.reason, failure.cause)
    # Only our own texts reach the page: the provider's `error_description` never does.
    html = render_template("login_error.html", message=failure.detail, reason=failure.reason)
    return Response(html, status=failure.status, mimetype="text/html")


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
    if args.get("connect"):
        return _begin_connect()
    return google.begin_login()


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
    pair = tokens.sign_in(google.complete_login())
    return set_token_cookies(redirect(google.post_login_redirect()), pair)
