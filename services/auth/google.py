"""Sign-in with Google (or any OpenID provider) through Authlib's Flask client.

Authlib discovers the endpoints, sends `state`, `nonce` and a PKCE S256 challenge, and checks
the ID token's signature (provider JWKS), `iss`, `aud`, `exp` and `nonce`. Users are keyed by
(issuer, subject); an existing account is linked by email only when the provider vouches for it.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app, url_for
from joserfc.errors import JoseError

from services.common.errors import NotFound

from .accounts import find_by_email, normalise_email
from .extensions import db
from .models import Identity, User

log = logging.getLogger(__name__)
PROVIDER = "google"
GOOGLE_ISSUER = "https://accounts.google.com"


class GoogleNotConfigured(NotFound):
    title, type_slug = "Not Found", "provider-not-configured"


class LoginFailed(Exception):
    """A sign-in that must end on an error page, with no account created."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
        self.status = status


def init_google(app: Flask) -> None:
    """Register the Google client when GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are set."""
    oauth = OAuth(app)
    app.extensions["google_oauth"] = oauth
    if not is_configured(app):
        return
    oauth.register(
        PROVIDER,
        client_id=app.config["GOOGLE_CLIENT_ID"],
        client_secret=app.config["GOOGLE_CLIENT_SECRET"],
        server_metadata_url=app.config["GOOGLE_DISCOVERY_URL"],
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "timeout": app.config["GOOGLE_TIMEOUT_S"],
        },
    )


def is_configured(app: Flask) -> bool:
    """True when Google sign-in can be offered."""
    return bool(app.config.get("GOOGLE_CLIENT_ID") and app.config.get("GOOGLE_CLIENT_SECRET"))


def _client() -> Any:
    if not is_configured(current_app):
        raise GoogleNotConfigured("Sign-in with Google is not configured on this server.")
    return current_app.extensions["google_oauth"].create_client(PROVIDER)


def redirect_uri() -> str:
    """The callback URL registered at Google (external, as seen through the proxies)."""
    return current_app.config.get("GOOGLE_REDIRECT_URI") or url_for(
        "google.callback", _external=True
    )


def begin_login() -> Response:
    """Redirect to the provider's authorization endpoint (state, nonce, PKCE kept in session)."""
    client = _client()
    try:
        return client.authorize_redirect(redirect_uri())
    except (requests.RequestException, ValueError) as exc:
        log.error("Google sign-in unavailable: %s", exc)
        raise LoginFailed(
            "provider-unavailable", "Google cannot be reached right now.", 503
        ) from exc


def complete_login() -> User:
    """Finish the callback: exchange the code, verify the ID token, find or create the user."""
    client = _client()
    try:
        metadata = client.load_server_metadata()
        issuers = accepted_issuers(metadata.get("issuer", ""))
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": issuers}}
        )
    except (AuthlibBaseError, JoseError) as exc:
        error = getattr(exc, "error", type(exc).__name__)
        if error == "access_denied":
            raise LoginFailed(error, "Sign-in was cancelled at Google.", 403) from exc
        raise LoginFailed(str(error), "Google sign-in could not be verified.", 400) from exc
    except requests.RequestException as exc:
        raise LoginFailed(
            "provider-unavailable", "Google cannot be reached right now.", 503
        ) from exc
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise LoginFailed("no-id-token", "Google returned no verified identity.", 400)
    return user_for_claims(normalise_issuer(str(claims["iss"])), dict(claims))


def accepted_issuers(issuer: str) -> list[str]:
    """The issuer from discovery; for Google also its legacy form without the scheme."""
    if normalise_issuer(issuer) == GOOGLE_ISSUER:
        return [GOOGLE_ISSUER, "accounts.google.com"]
    return [issuer]


def normalise_issuer(issuer: str) -> str:
    """One spelling per issuer, so identities never split on Google's two forms."""
    return GOOGLE_ISSUER if issuer == "accounts.google.com" else issuer


def user_for_claims(issuer: str, claims: dict[str, Any]) -> User:
    """The user of a verified ID token: by identity, else linked by verified email, else new."""
    subject = str(claims["sub"])
    identity = db.session.scalar(
        sa.select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    )
    if identity is not None:
        return identity.user
    email = normalise_email(str(claims["email"])) if claims.get("email") else None
    verified = claims.get("email_verified") in (True, "true")
    user = find_by_email(email) if email else None
    if user is not None and not verified:
        raise LoginFailed(
            "email-unverified",
            "An account with this email already exists, and Google did not confirm the address "
            "belongs to you. Sign in with your password instead.",
            409,
        )
    if user is None:
        user = User(
            email=email if verified else None,
            name=str(claims.get("name") or (email or "").split("@", 1)[0] or "Google user"),
            roles=["candidate"],
        )
        db.session.add(user)
        log.info("creating user from %s identity %s", issuer, subject)
    else:
        log.info("linking %s identity %s to user %s by verified email", issuer, subject, user.id)
    db.session.add(
        Identity(user=user, provider=PROVIDER, issuer=issuer, subject=subject, email=email)
    )
    db.session.flush()
    return user
