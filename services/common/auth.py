"""Token verification every service shares: RS256 JWTs checked against the auth service's JWKS.

Keys are cached by `kid` and refetched (at most every `AUTH_JWKS_MIN_REFETCH_S`) when a token
names an unknown one, so services keep verifying from the cache while the auth service is down.
The revocation list lives in Redis under `<REDIS_KEY_PREFIX>revoked:<jti>`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import jwt
import redis
import requests
from flask import Flask, Response, current_app, g
from flask_jwt_extended import JWTManager, get_jwt, verify_jwt_in_request

from .errors import Forbidden, ServiceUnavailable, Unauthorized, problem_response
from .http_client import pooled_session

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

ROLES = ("candidate", "author", "admin", "service")
USER_ROLES = frozenset({"candidate", "author", "admin"})
SERVICE_ROLE = "service"
# Claims every token of ours carries; a token without one of them is refused outright.
REQUIRED_CLAIMS = ("exp", "iat", "jti", "sub", "type")
# A role stands in for the roles it implies: an admin may do what an author may.
ROLE_IMPLIES: Mapping[str, frozenset[str]] = {
    "admin": frozenset({"author", "candidate"}),
    "author": frozenset({"candidate"}),
}


# After a failed JWKS fetch, the next attempt may come this soon (seconds).
FAILED_FETCH_RETRY_S = 1.0
# JWKS documents the gunicorn master fetched before forking (`prefetch_jwks`), by URL: a worker
# forked (or re-forked after a crash or `max_requests`) while the auth service is down starts
# with the keys instead of refusing every token until auth is back.
_inherited_jwks: dict[str, Mapping[str, Any]] = {}


def prefetch_jwks(url: str | None = None, timeout: tuple[float, float] = (1.0, 1.0)) -> bool:
    """Fetch the JWKS into this process's memory for workers forked from it; False on failure
    (the document fetched last time, if any, is kept)."""
    from .settings import shared_settings

    url = url or shared_settings()["AUTH_JWKS_URL"]
    try:
        response = requests.get(str(url), timeout=timeout)
        response.raise_for_status()
        document = response.json()
        parse_jwks(document)
    except (requests.RequestException, ValueError, jwt.PyJWKError, AttributeError) as exc:
        log.info("JWKS prefetch from %s failed: %s", url, exc)
        return False
    _inherited_jwks[str(url)] = document
    return True


class KeySet:
    """Public keys by `kid`, from a static JWKS document or fetched from a JWKS URL."""

    def __init__(
        self,
        url: str | None = None,
        static_jwks: Mapping[str, Any] | None = None,
        min_refetch_s: float = 30.0,
        timeout: tuple[float, float] = (1.0, 3.0),
    ) -> None:
        self.url = url
        self.min_refetch_s = min_refetch_s
        self.timeout = timeout
        self._keys: dict[str, Any] = {}
        self._last_fetch = float("-inf")
        self._lock = threading.Lock()
        self._session: requests.Session | None = None
        if static_jwks is not None:
            self._keys = parse_jwks(static_jwks)
        elif url is not None and url in _inherited_jwks:
            self._keys = parse_jwks(_inherited_jwks[url])

    def key_for(self, kid: str | None) -> Any:
        """The public key for `kid`; refetches once (rate-limited) when it is unknown."""
        if not kid:
            raise jwt.InvalidTokenError("token header has no kid")
        key = self._keys.get(kid)
        if key is None and self.url:
            self._refresh()
            key = self._keys.get(kid)
        if key is None:
            raise jwt.InvalidTokenError("token signed with an unknown key")
        return key

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_fetch < self.min_refetch_s:
                return
            self._last_fetch = time.monotonic()
            if self._session is None:
                self._session = pooled_session(2)
            try:
                response = self._session.get(str(self.url), timeout=self.timeout)
                response.raise_for_status()
                fetched = parse_jwks(response.json())
            except (requests.RequestException, ValueError) as exc:
                log.warning("JWKS fetch from %s failed, keeping cached keys: %s", self.url, exc)
                # Try again soon, not after the whole interval: a worker that started while the
                # auth service was down must learn the keys as soon as it is back.
                self._last_fetch -= max(self.min_refetch_s - FAILED_FETCH_RETRY_S, 0.0)
                return
            # Keep keys we already trust: a rotation publishes old and new side by side anyway.
            self._keys.update(fetched)


def parse_jwks(document: Mapping[str, Any]) -> dict[str, Any]:
    """Map `kid` to key for every RSA signing key of a JWKS document."""
    keys: dict[str, Any] = {}
    for entry in document.get("keys", []):
        if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig" or not entry.get("kid"):
            continue
        keys[entry["kid"]] = jwt.PyJWK(dict(entry), algorithm="RS256").key
    return keys


@dataclass
class RevocationList:
    """Revoked token ids in Redis, each kept as long as the token would have lived."""

    client: redis.Redis
    prefix: str = "fi:"

    def key(self, jti: str) -> str:
        """The Redis key that marks `jti` as revoked."""
        return f"{self.prefix}revoked:{jti}"

    def revoke(self, jti: str, ttl_s: int) -> None:
        """Mark `jti` revoked for `ttl_s` seconds (at least one)."""
        self.client.set(self.key(jti), "1", ex=max(int(ttl_s), 1))

    def is_revoked(self, jti: str | None) -> bool:
        """True when `jti` is on the list. Raises `ServiceUnavailable` when Redis is down."""
        if not jti:
            return True
        try:
            return bool(self.client.exists(self.key(jti)))
        except redis.RedisError as exc:
            log.error("revocation list unavailable: %s", exc)
            raise ServiceUnavailable(
                "The token revocation list cannot be checked right now."
            ) from exc


def revocation_list(app: Flask) -> RevocationList:
    """The app's revocation list (one Redis client per app)."""
    existing = app.extensions.get("revocation_list")
    if existing is None:
        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=1, socket_connect_timeout=1
        )
        existing = RevocationList(client, app.config.get("REDIS_KEY_PREFIX", "fi:"))
        app.extensions["revocation_list"] = existing
    return existing


def verification_settings(app: Flask) -> dict[str, Any]:
    """flask-jwt-extended settings shared by the issuer and every verifier."""
    return {
        "JWT_ALGORITHM": "RS256",
        "JWT_DECODE_ALGORITHMS": ["RS256"],
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_IN_COOKIES": True,
        "JWT_COOKIE_SAMESITE": "Lax",
        "JWT_COOKIE_SECURE": app.config.get("JWT_COOKIE_SECURE", False),
        "JWT_DECODE_ISSUER": app.config["JWT_ISSUER"],
        "JWT_DECODE_AUDIENCE": app.config["JWT_AUDIENCE"],
        "JWT_DECODE_LEEWAY": app.config.get("JWT_LEEWAY_S", 10),
        "JWT_IDENTITY_CLAIM": "sub",
        "JWT_ERROR_MESSAGE_KEY": "detail",
    }


RevocationPolicy = Callable[[Mapping[str, Any]], bool]


def jti_is_revoked(claims: Mapping[str, Any]) -> bool:
    """The default revocation policy: a token is revoked when its `jti` is on the list."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return revocation_list(app).is_revoked(claims.get("jti"))


class VerifiedTokens:
    """Claims of tokens already verified in this process, each kept until its `exp`, with the
    `kid` of the key that signed it.

    A candidate's browser sends the same access token with every autosave; checking its
    signature and claims again gives the same answer until it expires, so each distinct token is
    verified once per process. Bounded: past `max_entries` the whole map starts afresh.
    Revocation is not part of this: it is still looked up on every request.
    """

    def __init__(self, max_entries: int = 2048) -> None:
        self.max_entries = max_entries
        self._claims: dict[tuple[str, str | None, bool], dict[str, Any]] = {}
        self._kids: dict[tuple[str, str | None, bool], str | None] = {}

    def get(self, key: tuple[str, str | None, bool]) -> dict[str, Any] | None:
        """A copy of the claims verified for `key`, unless absent or expired by now."""
        claims = self._claims.get(key)
        if claims is None:
            return None
        if time.time() >= float(claims.get("exp") or 0):
            self._claims.pop(key, None)
            self._kids.pop(key, None)
            return None
        return dict(claims)

    def kid(self, key: tuple[str, str | None, bool]) -> str | None:
        """The `kid` remembered with `key`'s claims (None when absent or not given)."""
        return self._kids.get(key)

    def put(
        self, key: tuple[str, str | None, bool], claims: Mapping[str, Any], kid: str | None = None
    ) -> None:
        """Remember verified claims (a copy) and the `kid` of the key that signed them."""
        if len(self._claims) >= self.max_entries:
            self._claims.clear()
            self._kids.clear()
        self._claims[key] = dict(claims)
        self._kids[key] = kid


class CachingJWTManager(JWTManager):
    """flask-jwt-extended's manager, verifying each distinct token once (see `VerifiedTokens`).

    Whatever fails verification (bad signature, unknown key, expired, wrong issuer or audience,
    missing claims, CSRF mismatch) raises as before and is never remembered. A remembered token
    is still refused once the key that signed it is retired: its `kid`, remembered with the
    claims (the token's header is not parsed again), is looked up in the key set (a dictionary
    lookup) on every use."""

    def __init__(self, app: Flask, verified: VerifiedTokens, keys: Any) -> None:
        self.verified = verified
        self.keys = keys
        super().__init__(app)

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: str | None = None, allow_expired: bool = False
    ) -> dict[str, Any]:
        key = (encoded_token, csrf_value, allow_expired)
        claims = self.verified.get(key)
        if claims is not None and self._key_still_trusted(self.verified.kid(key)):
            return claims
        claims = dict(super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired))
        self.verified.put(key, claims, jwt.get_unverified_header(encoded_token).get("kid"))
        return claims

    def _key_still_trusted(self, kid: str | None) -> bool:
        try:
            self.keys.key_for(kid)
        except jwt.InvalidTokenError:
            return False
        return True


def init_token_verification(
    app: Flask, keys: KeySet | None = None, is_revoked: RevocationPolicy = jti_is_revoked
) -> JWTManager:
    """Verify RS256 tokens on `app` with `keys` (default: `AUTH_JWKS` or `AUTH_JWKS_URL`),
    refusing every token for which `is_revoked(claims)` is true."""
    for name, value in verification_settings(app).items():
        app.config.setdefault(name, value)
    if keys is None:
        keys = KeySet(
            url=app.config.get("AUTH_JWKS_URL"),
            static_jwks=app.config.get("AUTH_JWKS"),
            min_refetch_s=float(app.config.get("AUTH_JWKS_MIN_REFETCH_S", 30)),
        )
    app.extensions["jwks"] = keys
    manager = CachingJWTManager(app, VerifiedTokens(), keys)

    @manager.decode_key_loader
    def _decode_key(header: dict[str, Any], claims: dict[str, Any]) -> Any:
        # The header is unverified: only `kid` is read, and only our pinned key set is consulted.
        # The claims are checked here, before flask-jwt-extended fills in defaults (a missing
        # `type` would become "access"); the signature is verified over these same claims next.
        check_claims(claims)
        return keys.key_for(header.get("kid"))

    manager.token_in_blocklist_loader(lambda _header, claims: is_revoked(claims))

    def unauthorized(detail: str) -> Response:
        return problem_response(
            401,
            "Unauthorized",
            detail,
            type_slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="flask-interviews"'},
        )

    manager.unauthorized_loader(lambda reason: unauthorized(_sentence(reason)))
    manager.invalid_token_loader(lambda reason: unauthorized(f"Invalid token: {reason}."))
    manager.expired_token_loader(lambda _h, _c: unauthorized("The token has expired."))
    manager.revoked_token_loader(lambda _h, _c: unauthorized("The token has been revoked."))
    manager.needs_fresh_token_loader(lambda _h, _c: unauthorized("A fresh sign-in is required."))
    manager.token_verification_failed_loader(lambda _h, _c: unauthorized("Token claims rejected."))
    manager.user_lookup_error_loader(lambda _h, _c: unauthorized("Unknown user."))
    return manager


def check_claims(claims: Mapping[str, Any]) -> None:
    """Refuse a token that lacks a required claim or carries `roles` that are not strings."""
    missing = [name for name in REQUIRED_CLAIMS if claims.get(name) in (None, "")]
    if missing:
        raise jwt.MissingRequiredClaimError(missing[0])
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise jwt.InvalidTokenError("roles must be a list of strings")
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        raise jwt.InvalidTokenError("scope must be a space-separated string")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else f"{text}."


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject, roles and id."""

    sub: str
    roles: frozenset[str]
    jti: str | None
    claims: Mapping[str, Any]

    @property
    def is_service(self) -> bool:
        """True for a service's client-credentials token (never a user)."""
        return SERVICE_ROLE in self.roles

    @property
    def scopes(self) -> frozenset[str]:
        """The scopes a service token was granted (RFC 9068 `scope`, space-separated)."""
        return frozenset(str(self.claims.get("scope") or "").split())

    def has_role(self, *wanted: str) -> bool:
        """True when the principal holds, or implies, any of `wanted`."""
        held = set(self.roles)
        for role in self.roles:
            held |= ROLE_IMPLIES.get(role, frozenset())
        return bool(held & set(wanted))


def current_principal() -> Principal:
    """The verified caller of this request (call inside `require_auth`)."""
    claims = get_jwt()
    return Principal(
        sub=str(claims["sub"]),
        roles=frozenset(claims.get("roles") or []),
        jti=claims.get("jti"),
        claims=claims,
    )


def _authenticate() -> Principal:
    verify_jwt_in_request()
    principal = current_principal()
    g.principal_sub = principal.sub
    return principal


def _authenticate_user() -> Principal:
    principal = _authenticate()
    if principal.is_service:
        # A service credential acts for a service, never as a user: 403, like a missing role.
        raise Forbidden("Service credentials cannot be used on user routes.")
    return principal


def optional_principal() -> Principal | None:
    """The verified caller when the request carries a token, None when it carries none; an
    invalid, expired or revoked token is still a 401 (for routes open to everyone that show more
    to signed-in callers)."""
    if verify_jwt_in_request(optional=True) is None:
        return None
    principal = current_principal()
    g.principal_sub = principal.sub
    return principal


def require_auth(fn: F) -> F:
    """Allow the view only to a signed-in user (401 without a valid token, 403 for a service
    token)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _authenticate_user()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class FreshSignInRequired(Unauthorized):
    """The token is valid but not from a recent sign-in (401)."""

    title, type_slug = "Fresh sign-in required", "fresh-sign-in-required"


def is_fresh(claims: Mapping[str, Any]) -> bool:
    """True when the token's `fresh` claim is true or a deadline still ahead."""
    fresh = claims.get("fresh", False)
    if isinstance(fresh, bool):
        return fresh
    if isinstance(fresh, int | float):
        return fresh >= time.time()
    return False


def require_fresh_auth(fn: F) -> F:
    """Like `require_auth`, and the token must come from a recent sign-in (401 otherwise)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        principal = _authenticate_user()
        if not is_fresh(principal.claims):
            raise FreshSignInRequired(
                "This change needs a recent sign-in. Sign in again with your password "
                "(or Google), then retry.",
                headers={"WWW-Authenticate": 'Bearer realm="flask-interviews"'},
            )
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_role(*roles: str) -> Callable[[F], F]:
    """Allow the view only to users holding one of `roles` (401 without a token, 403 without
    the role or with a service token). Service routes use `require_service`."""
    unknown = set(roles) - USER_ROLES
    if unknown:
        raise ValueError(
            f"unknown roles: {sorted(unknown)} (guard service routes with require_service)"
        )

    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = _authenticate_user()
            if not principal.has_role(*roles):
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def require_service(scope: str) -> Callable[[F], F]:
    """Allow the view only to a service token granted `scope` (401 without a valid token, 403
    for a user token or a service token without the scope)."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = _authenticate()
            if not principal.is_service:
                raise Forbidden("This route is for services only.")
            if scope not in principal.scopes:
                raise Forbidden(f"This needs a service credential with the scope {scope}.")
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
