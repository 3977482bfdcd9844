"""Helpers for tests: mint RS256 tokens the way the auth service does, with a test key."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TEST_ISSUER = "flask-interviews-auth"
TEST_AUDIENCE = "flask-interviews"


@lru_cache(maxsize=4)
def _private_key(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TokenMinter:
    """Signs access tokens with a throwaway RSA key and publishes its JWKS."""

    def __init__(
        self, kid: str = "test-key", issuer: str = TEST_ISSUER, audience: str = TEST_AUDIENCE
    ) -> None:
        self.kid = kid
        self.issuer = issuer
        self.audience = audience
        self.private_key = _private_key(kid)

    @property
    def jwks(self) -> dict[str, Any]:
        """The public half as a JWKS document."""
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def app_config(self) -> dict[str, Any]:
        """Config entries that make a service trust this minter's tokens."""
        return {"AUTH_JWKS": self.jwks, "JWT_ISSUER": self.issuer, "JWT_AUDIENCE": self.audience}

    def claims(
        self, sub: str, roles: Iterable[str], ttl_s: int = 900, **overrides: Any
    ) -> dict[str, Any]:
        """Claims of an access token as the auth service issues them."""
        now = dt.datetime.now(dt.UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "roles": list(roles),
            "jti": uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + dt.timedelta(seconds=ttl_s),
            "type": "access",
            "fresh": False,
            "csrf": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self,
        sub: str = "user-1",
        roles: Iterable[str] = ("candidate",),
        headers: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        """A signed access token; `overrides` replace claims (None removes one)."""
        return jwt.encode(
            self.claims(sub, roles, **overrides),
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid, **(headers or {})},
        )

    def headers(
        self, sub: str = "user-1", roles: Iterable[str] = ("candidate",), **overrides: Any
    ) -> dict[str, str]:
        """An `Authorization: Bearer` header for a fresh token."""
        return {"Authorization": f"Bearer {self.token(sub, roles, **overrides)}"}
