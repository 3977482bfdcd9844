"""Issuing, rotating and revoking tokens.

Each sign-in starts a refresh-token *family*. Refreshing spends the presented refresh token and
issues a new pair in the same family; presenting a spent one again means it was stolen (or
replayed), so the whole family is revoked, including the access tokens issued in it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token

from services.common.auth import revocation_list
from services.common.errors import Unauthorized

from .extensions import db
from .keys import KeyRing, SigningKey
from .models import RefreshFamily, RefreshToken, User, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenPair:
    """An access token and the refresh token issued beside it."""

    access_token: str
    refresh_token: str
    expires_in: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON body API clients receive."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def key_ring() -> KeyRing:
    """The app's signing keys."""
    return current_app.extensions["key_ring"]


def signing_key() -> SigningKey:
    """The key this request signs with (chosen once, so `kid` and signature always agree)."""
    if "signing_key" not in g:
        g.signing_key = key_ring().active()
    return g.signing_key


def _ttl(name: str) -> dt.timedelta:
    return current_app.config[name]


def access_token_for(
    sub: str,
    roles: Iterable[str],
    ttl: dt.timedelta,
    fresh: dt.timedelta | bool = False,
    **claims: Any,
) -> tuple[str, str, dt.datetime]:
    """Sign an access token; returns (token, jti, naive UTC expiry).

    `fresh` as a timedelta makes the `fresh` claim a deadline: the token counts as a fresh
    sign-in for that long (flask-jwt-extended's convention).
    """
    jti = uuid.uuid4().hex
    expires = dt.datetime.now(dt.UTC) + ttl
    token = create_access_token(
        identity=sub,
        fresh=fresh,
        additional_claims={"roles": list(roles), "jti": jti, "exp": expires, **claims},
    )
    return token, jti, expires.replace(tzinfo=None)


def sign_in(user: User) -> TokenPair:
    """Begin a new refresh family for `user` and issue its first pair (a fresh sign-in)."""
    family = RefreshFamily(user_id=user.id)
    db.session.add(family)
    db.session.flush()
    window = dt.timedelta(seconds=int(current_app.config["AUTH_FRESH_WINDOW_S"]))
    pair = _issue_pair(user, family, fresh=window)
    db.session.commit()
    return pair


def _issue_pair(user: User, family: RefreshFamily, fresh: dt.timedelta | bool = False) -> TokenPair:
    # Only a sign-in is fresh; tokens from a refresh never are.
    access_ttl = _ttl("JWT_ACCESS_TOKEN_EXPIRES")
    access, access_jti, access_exp = access_token_for(
        user.id, user.roles or ["candidate"], access_ttl, fresh=fresh, sid=family.id
    )
    refresh_jti = uuid.uuid4().hex
    refresh_exp = dt.datetime.now(dt.UTC) + _ttl("JWT_REFRESH_TOKEN_EXPIRES")
    refresh = create_refresh_token(
        identity=user.id,
        additional_claims={"jti": refresh_jti, "exp": refresh_exp, "sid": family.id},
    )
    db.session.add(
        RefreshToken(
            jti=refresh_jti,
            family_id=family.id,
            expires_at=refresh_exp.replace(tzinfo=None),
            access_jti=access_jti,
            access_expires_at=access_exp,
        )
    )
    return TokenPair(access, refresh, int(access_ttl.total_seconds()))


def rotate(refresh_claims: dict[str, Any]) -> TokenPair:
    """Spend a verified refresh token and issue the next pair; detect reuse."""
    row = db.session.get(RefreshToken, refresh_claims.get("jti"))
    family = db.session.get(RefreshFamily, row.family_id) if row else None
    if row is None or family is None:
        raise Unauthorized("The refresh token is not known.")
    if family.revoked_at is not None:
        raise Unauthorized("The refresh token has been revoked.")
    # One conditional UPDATE decides who spends the token, even under concurrent requests.
    spent = db.session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.jti == row.jti, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        revoke_family(family, "reuse")
        db.session.commit()
        log.warning("refresh token reuse: family %s of user %s revoked", family.id, family.user_id)
        raise Unauthorized("The refresh token was already used; this sign-in has been ended.")
    user = db.session.get(User, family.user_id)
    if user is None:
        raise Unauthorized("The account no longer exists.")
    pair = _issue_pair(user, family)
    db.session.commit()
    return pair


def revoke_family(family: RefreshFamily, reason: str) -> None:
    """End a sign-in: its refresh tokens stop working and its live access tokens are revoked."""
    if family.revoked_at is None:
        family.revoked_at = utcnow()
        family.revoked_reason = reason
    now = utcnow()
    rows = db.session.scalars(
        sa.select(RefreshToken).where(
            RefreshToken.family_id == family.id, RefreshToken.access_expires_at > now
        )
    )
    revoked = revocation_list(current_app._get_current_object())  # type: ignore[attr-defined]
    for row in rows:
        revoked.revoke(row.access_jti, int((row.access_expires_at - now).total_seconds()) + 1)


def revoke_access(claims: dict[str, Any]) -> None:
    """Put one access token on the revocation list for the rest of its life."""
    remaining = int(claims["exp"] - dt.datetime.now(dt.UTC).timestamp()) + 1
    revocation_list(current_app._get_current_object()).revoke(  # type: ignore[attr-defined]
        claims["jti"], remaining
    )


def sign_out(access_claims: dict[str, Any]) -> None:
    """Sign out: revoke the access token and the sign-in (refresh family) it belongs to."""
    revoke_access(access_claims)
    family = db.session.get(RefreshFamily, access_claims.get("sid") or "")
    if family is not None and family.user_id == access_claims.get("sub"):
        revoke_family(family, "logout")
    db.session.commit()


def end_all_sessions(user_id: str, keep_family: str | None = None, reason: str = "") -> None:
    """Revoke every sign-in of a user (except `keep_family`), e.g. after a password change."""
    families = db.session.scalars(
        sa.select(RefreshFamily).where(
            RefreshFamily.user_id == user_id, RefreshFamily.revoked_at.is_(None)
        )
    )
    for family in families:
        if family.id != keep_family:
            revoke_family(family, reason or "revoked")


def service_token(client_id: str, scopes: Iterable[str]) -> tuple[str, int]:
    """A token for a service (sub `service:<client_id>`, role `service`, the granted `scope`);
    returns (token, ttl seconds)."""
    ttl_s = int(current_app.config["AUTH_SERVICE_TOKEN_TTL_S"])
    token, _jti, _exp = access_token_for(
        f"service:{client_id}",
        ["service"],
        dt.timedelta(seconds=ttl_s),
        scope=" ".join(sorted(set(scopes))),
    )
    return token, ttl_s
