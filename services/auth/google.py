"""Sign-in with Google (or any OpenID provider) through Authlib's Flask client.

Authlib discovers the endpoints, sends `state`, `nonce` and a PKCE S256 challenge, and checks
the ID token's signature (provider JWKS), `iss`, `aud`, `exp` and `nonce`. Users are keyed by
(issuer, subject); an existing account is taken over by email only when the provider vouches
for the address (see "Linking rule" in docs/auth.md).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import requests
import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app, session
from joserfc.errors import JoseError

from services.common.errors import NotFound, Problem

from .accounts import find_by_email, normalise_email
from .config import PREFIX
from .extensions import db
from .models import Identity, User, utcnow
from .tokens import end_all_sessions

log = logging.getLogger(__name__)
PROVIDER = "google"
GOOGLE_ISSUER = "https://accounts.google.com"
# Flask-session key holding the id of the signed-in user who asked to connect Google.
CONNECT_KEY = "google_connect_user"


class GoogleNotConfigured(NotFound):
    title, type_slug = "Not Found", "provider-not-configured"


# Every way a Google sign-in can fail: (HTTP status, the sentence the page shows). The page
# only ever shows these texts, never anything the provider or the query string supplied.
FAILURES: dict[str, tuple[int, str]] = {
    "cancelled": (403, "Sign-in was cancelled at Google."),
    "not-verified": (400, "Google sign-in could not be verified. Please start again."),
    "provider-unavailable": (503, "Google cannot be reached right now. Please try again later."),
    "no-identity": (400, "Google returned no verified identity."),
    "email-unverified": (
        409,
        "An account with this email already exists, and Google did not confirm the address "
        "belongs to you. Sign in with your password instead.",
    ),
    "identity-conflict": (
        409,
        "This account is already connected to a different Google account. Sign in with that "
        "Google account instead.",
    ),
    "identity-taken": (
        409,
        "This Google account is already connected to another account here. Sign in with it, or "
        "connect a different Google account.",
    ),
    "account-gone": (409, "The account you wanted to connect no longer exists."),
}


class LoginFailed(Problem):
    """A sign-in that must end on an error page; `reason` is one of `FAILURES`.

    The problem's detail is the sentence the page shows; `cause` says what went wrong and is
    only logged.
    """

    def __init__(self, reason: str, cause: str = "") -> None:
        if reason not in FAILURES:
            raise ValueError(f"unknown sign-in failure reason {reason!r}")
        status, message = FAILURES[reason]
        super().__init__(message)
        self.status = status
        self.title = HTTPStatus(status).phrase
        self.type_slug = f"sign-in-{reason}"
        self.reason = reason
        self.cause = cause


def init_app(app: Flask) -> None:
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
            "timeout": app.config["AUTH_GOOGLE_TIMEOUT_S"],
        },
    )


def is_configured(app: Flask) -> bool:
    """True when Google sign-in can be offered."""
    return bool(app.config.get("GOOGLE_CLIENT_ID") and app.config.get("GOOGLE_CLIENT_SECRET"))


def _client() -> Any:
    if not is_configured(current_app):
        raise GoogleNotConfigured("Sign-in with Google is not configured on this server.")
    return current_app.extensions["google_oauth"].create_client(PROVIDER)


def public_url(path: str) -> str:
    """An absolute URL on the public origin (`PUBLIC_URL`), never derived from the Host header."""
    if "://" in path:
        return path
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/" + path.lstrip("/")


def redirect_uri() -> str:
    """The callback URL registered at Google: `AUTH_GOOGLE_REDIRECT_URI`, else on `PUBLIC_URL`."""
    return current_app.config["AUTH_GOOGLE_REDIRECT_URI"] or public_url(f"{PREFIX}/callback/google")


def post_login_redirect() -> str:
    """Where the browser goes after signing in (`AUTH_POST_LOGIN_REDIRECT` on `PUBLIC_URL`)."""
    return public_url(current_app.config["AUTH_POST_LOGIN_REDIRECT"])


def begin_login(connect_user_id: str | None = None) -> Response:
    """Redirect to the provider's authorization endpoint (state, nonce, PKCE kept in session);
    with `connect_user_id`, the callback connects the identity to that signed-in user."""
    client = _client()
    session.pop(CONNECT_KEY, None)
    if connect_user_id:
        session[CONNECT_KEY] = connect_user_id
    try:
        return client.authorize_redirect(redirect_uri())
    except (requests.RequestException, ValueError) as exc:
        raise LoginFailed("provider-unavailable", str(exc)) from exc


def complete_login() -> User:
    """Finish the callback: exchange the code, verify the ID token, find, create or connect."""
    client = _client()
    connect_user_id = session.pop(CONNECT_KEY, None)
    try:
        metadata = client.load_server_metadata()
        issuers = accepted_issuers(metadata.get("issuer", ""))
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": issuers}}
        )
    except (AuthlibBaseError, JoseError) as exc:
        # `error` may come straight from the query string: it picks a reason, it is never shown.
        error = getattr(exc, "error", None)
        reason = "cancelled" if error == "access_denied" else "not-verified"
        raise LoginFailed(reason, f"{type(exc).__name__}: {str(error)[:80]!r}") from exc
    except requests.RequestException as exc:
        raise LoginFailed("provider-unavailable", str(exc)) from exc
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise LoginFailed("no-identity")
    claims = with_userinfo(client, token, dict(claims))
    issuer = normalise_issuer(str(claims["iss"]))
    if connect_user_id:
        return connect_identity(str(connect_user_id), issuer, claims)
    return user_for_claims(issuer, claims)


def with_userinfo(client: Any, token: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """Complete ID-token claims from the UserInfo endpoint when the ID token lacks the email or
    name (OpenID Connect Core 5.4 lets a provider return them only there)."""
    if claims.get("email") and claims.get("name"):
        return claims
    try:
        info = dict(client.userinfo(token=token))
    except requests.RequestException as exc:
        raise LoginFailed("provider-unavailable", f"userinfo: {exc}") from exc
    except ValueError as exc:
        raise LoginFailed("not-verified", f"userinfo is not JSON: {exc}") from exc
    if str(info.get("sub")) != str(claims["sub"]):
        # OIDC Core 5.3.2: a UserInfo answer about someone else must not be used.
        raise LoginFailed("not-verified", "userinfo sub differs from the ID token's")
    merged = dict(claims)
    if not claims.get("email") and info.get("email"):
        # The address and the provider's word on it travel together, from one source.
        merged["email"] = info["email"]
        merged["email_verified"] = info.get("email_verified", False)
    if not claims.get("name") and info.get("name"):
        merged["name"] = info["name"]
    return merged


def accepted_issuers(issuer: str) -> list[str]:
    """The issuer from discovery; for Google also its legacy form without the scheme."""
    if normalise_issuer(issuer) == GOOGLE_ISSUER:
        return [GOOGLE_ISSUER, "accounts.google.com"]
    return [issuer]


def normalise_issuer(issuer: str) -> str:
    """One spelling per issuer, so identities never split on Google's two forms."""
    return GOOGLE_ISSUER if issuer == "accounts.google.com" else issuer


def _identity(issuer: str, subject: str) -> Identity | None:
    return db.session.scalar(
        sa.select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    )


def _verified_email(claims: dict[str, Any]) -> tuple[str | None, bool]:
    email = normalise_email(str(claims["email"])) if claims.get("email") else None
    return email, claims.get("email_verified") in (True, "true")


def _refuse_second_identity(user: User, issuer: str) -> None:
    if any(identity.issuer == issuer for identity in user.identities):
        raise LoginFailed("identity-conflict", f"user {user.id} has another {issuer} identity")


def _link(user: User, issuer: str, subject: str, email: str | None) -> None:
    _refuse_second_identity(user, issuer)
    db.session.add(
        Identity(user=user, provider=PROVIDER, issuer=issuer, subject=subject, email=email)
    )


def user_for_claims(issuer: str, claims: dict[str, Any]) -> User:
    """The user of a verified ID token: by identity, else taking over the account with the
    verified email, else a new account (the linking rule in docs/auth.md)."""
    subject = str(claims["sub"])
    identity = _identity(issuer, subject)
    if identity is not None:
        return identity.user
    email, verified = _verified_email(claims)
    user = find_by_email(email) if email else None
    if user is not None and not verified:
        raise LoginFailed("email-unverified", f"user {user.id}")
    if user is None:
        user = User(
            email=email if verified else None,
            email_verified_at=utcnow() if verified else None,
            name=str(claims.get("name") or (email or "").split("@", 1)[0] or "Google user"),
            roles=["candidate"],
        )
        db.session.add(user)
        log.info("creating user from %s identity %s", issuer, subject)
    else:
        take_over(user, issuer, subject)
    _link(user, issuer, subject, email)
    db.session.flush()
    return user


def take_over(user: User, issuer: str, subject: str) -> None:
    """The mailbox owner claims the account: mark the address verified and end every other way
    in (the password and every sign-in with its access tokens), which whoever registered the
    address before may hold."""
    _refuse_second_identity(user, issuer)
    log.warning(
        "%s identity %s takes over user %s by verified email: password and sign-ins revoked",
        issuer,
        subject,
        user.id,
    )
    user.email_verified_at = user.email_verified_at or utcnow()
    user.password_hash = None
    end_all_sessions(user.id, reason="email-takeover")


def connect_identity(user_id: str, issuer: str, claims: dict[str, Any]) -> User:
    """Connect the identity to the signed-in user who asked for it (409 when it is another
    user's, or the user already has another identity of this issuer)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LoginFailed("account-gone", f"user {user_id}")
    subject = str(claims["sub"])
    identity = _identity(issuer, subject)
    if identity is not None:
        if identity.user_id != user.id:
            raise LoginFailed("identity-taken", f"belongs to user {identity.user_id}")
        return user
    email, verified = _verified_email(claims)
    _link(user, issuer, subject, email)
    if verified and email is not None and email == user.email:
        user.email_verified_at = user.email_verified_at or utcnow()
    log.info("connected %s identity %s to user %s", issuer, subject, user.id)
    db.session.flush()
    return user
