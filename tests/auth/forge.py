"""Forged and broken tokens for verification tests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(issuer: str, audience: str, **overrides: Any) -> dict[str, Any]:
    """Claims shaped like the auth service's access tokens."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    base: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": "user-1",
        "roles": ["admin"],
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "type": "access",
        "fresh": False,
        "csrf": uuid.uuid4().hex,
    }
    base.update(overrides)
    return base


def _unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"


def bad_tokens(
    key: rsa.RSAPrivateKey, kid: str, issuer: str, audience: str
) -> dict[str, Callable[[], str]]:
    """Tokens every verifier must refuse, by name (built lazily, so `exp` is fresh)."""

    def signed(priv: rsa.RSAPrivateKey = key, key_id: str = kid, **over: Any) -> str:
        return jwt.encode(claims(issuer, audience, **over), priv, "RS256", headers={"kid": key_id})

    def without(name: str) -> str:
        payload = claims(issuer, audience)
        del payload[name]
        return jwt.encode(payload, key, "RS256", headers={"kid": kid})

    def tampered_payload() -> str:
        header, _payload, signature = signed(roles=["candidate"]).split(".")
        return f"{header}.{_b64(json.dumps(claims(issuer, audience)).encode())}.{signature}"

    def tampered_signature() -> str:
        header, payload, signature = signed().split(".")
        flipped = signature[:-6] + ("AAAAAA" if signature[-6:] != "AAAAAA" else "BBBBBB")
        return f"{header}.{payload}.{flipped}"

    def alg_none() -> str:
        return _unsigned({"alg": "none", "typ": "JWT", "kid": kid}, claims(issuer, audience)) + "."

    def hs256_with_public_key() -> str:
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        head = _unsigned({"alg": "HS256", "typ": "JWT", "kid": kid}, claims(issuer, audience))
        return f"{head}.{_b64(hmac.new(pem, head.encode(), hashlib.sha256).digest())}"

    return {
        "expired": lambda: signed(exp=int(dt.datetime.now(dt.UTC).timestamp()) - 120),
        "tampered-payload": tampered_payload,
        "tampered-signature": tampered_signature,
        "alg-none": alg_none,
        "hs256-with-public-key": hs256_with_public_key,
        "unknown-kid": lambda: signed(priv=_OTHER_KEY, key_id="unknown-kid"),
        "other-key-same-kid": lambda: signed(priv=_OTHER_KEY),
        "no-kid": lambda: jwt.encode(claims(issuer, audience), key, "RS256"),
        "wrong-issuer": lambda: signed(iss="https://evil.example"),
        "wrong-audience": lambda: signed(aud="someone-else"),
        "refresh-as-access": lambda: signed(type="refresh"),
        **{
            f"no-{name}": (lambda n=name: without(n))
            for name in ("exp", "iat", "jti", "sub", "type")
        },
        "roles-a-string": lambda: signed(roles="admin"),
        "roles-not-strings": lambda: signed(roles=[["admin"]]),
        "garbage": lambda: "not.a.token",
    }


BAD_TOKEN_NAMES = list(bad_tokens(_OTHER_KEY, "k", "i", "a"))
