"""Token verification every service shares: RS256 JWTs checked against the auth service's JWKS.

Keys are cached by `kid` and refetched (at most every `AUTH_JWKS_MIN_REFETCH_S`) when a token
names an unknown one, so services keep verifying from the cache while the auth service is down.
The revocation list lives in Redis under `<REDIS_KEY_PREFIX>revoked:<jti>`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import jwt
import redis
import requests
from flask import Flask, Response, current_app, g
from flask_jwt_extended import JWTManager, get_jwt, verify_jwt_in_request

from .errors import Forbidden, ServiceUnavailable, problem_response
from .http_client import pooled_session

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

ROLES = ("candidate", "author", "admin", "service")
# A role stands in for the roles it implies: an admin may do what an author may.
ROLE_IMPLIES: Mapping[str, frozenset[str]] = {
    "admin": frozenset({"author", "candidate"}),
    "author": frozenset({"candidate"}),
}


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


def init_token_verification(app: Flask, keys: KeySet | None = None) -> JWTManager:
    """Verify RS256 tokens on `app` with `keys` (default: `AUTH_JWKS` or `AUTH_JWKS_URL`)."""
    for name, value in verification_settings(app).items():
        app.config.setdefault(name, value)
    if keys is None:
        keys = KeySet(
            url=app.config.get("AUTH_JWKS_URL"),
            static_jwks=app.config.get("AUTH_JWKS"),
            min_refetch_s=float(app.config.get("AUTH_JWKS_MIN_REFETCH_S", 30)),
        )
    app.extensions["jwks"] = keys
    manager = JWTManager(app)

    @manager.decode_key_loader
    def _decode_key(header: dict[str, Any], _claims: dict[str, Any]) -> Any:
        # The header is unverified: only `kid` is read, and only our pinned key set is consulted.
        return keys.key_for(header.get("kid"))

    @manager.token_in_blocklist_loader
    def _is_revoked(_header: dict[str, Any], claims: dict[str, Any]) -> bool:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return revocation_list(app).is_revoked(claims.get("jti"))

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

    def has_role(self, *wanted: str) -> bool:
        """True when the principal holds, or implies, any of `wanted`."""
        held = set(self.roles)
        for role in self.roles:
            held |= ROLE_IMPLIES.get(role, frozenset())
        return bool(held & set(wanted))


def current_principal() -> Principal:
    """The verified caller of this request (call inside `require_auth`)."""
    claims = get_jwt()
    roles = claims.get("roles") or []
    return Principal(
        sub=str(claims["sub"]),
        roles=frozenset(roles if isinstance(roles, list) else [roles]),
        jti=claims.get("jti"),
        claims=claims,
    )


def _authenticate() -> Principal:
    verify_jwt_in_request()
    principal = current_principal()
    g.principal_sub = principal.sub
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
    """Allow the view only with a valid, unrevoked access token (401 otherwise)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _authenticate()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_role(*roles: str) -> Callable[[F], F]:
    """Allow the view only to callers holding one of `roles` (401 without a token, 403 without
    the role)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = _authenticate()
            if not principal.has_role(*roles):
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def roles_of(claims: Mapping[str, Any]) -> Iterable[str]:
    """The roles a claims mapping carries, as a list."""
    roles = claims.get("roles") or []
    return roles if isinstance(roles, list) else [roles]
