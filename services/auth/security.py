"""Wiring of secrets, signing keys and flask-jwt-extended for the auth service."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt
from flask import Flask
from flask_jwt_extended import JWTManager

from services.common.auth import KeySet, init_token_verification, jti_is_revoked
from services.common.settings import ConfigError, is_production, require_settings

from .keys import KeyRing, ensure_key, ensure_secret
from .tokens import signing_key


class RingKeySet(KeySet):
    """Verification keys read straight from this service's own key ring (no HTTP)."""

    def __init__(self, ring: KeyRing) -> None:
        super().__init__()
        self.ring = ring

    def key_for(self, kid: str | None) -> Any:
        """The public key for `kid`, or an invalid-token error."""
        key = self.ring.public_key(kid)
        if key is None:
            raise jwt.InvalidTokenError("token signed with an unknown key")
        return key


def init_app(app: Flask) -> None:
    """The session secret, the signing keys and token issuing and verification."""
    init_secret_key(app)
    init_tokens(app, init_keys(app))


def init_secret_key(app: Flask) -> None:
    """Sign the Flask session (Authlib's state) with AUTH_SECRET_KEY; generated once in dev."""
    require_settings(app, "AUTH_SECRET_KEY")
    secret = app.config.get("AUTH_SECRET_KEY")
    if not secret:
        # Every worker reads the same file: a per-process random key breaks the OAuth state.
        secret = ensure_secret(Path(app.config["VAR_DIR"]) / "auth_secret_key")
    app.config["SECRET_KEY"] = secret


def init_keys(app: Flask) -> KeyRing:
    """Load the signing keys (production: refuse to start without them)."""
    delay = float(app.config["AUTH_KEY_ACTIVATION_DELAY_S"])
    key_file = app.config.get("AUTH_PRIVATE_KEY_FILE")
    directory = app.config.get("AUTH_SIGNING_KEYS_DIR")
    if key_file:
        ring = KeyRing(key_file=Path(key_file), activation_delay_s=delay)
    elif directory or not is_production(app):
        path = Path(directory or Path(app.config["VAR_DIR"]) / "keys")
        if not is_production(app):
            ensure_key(path)
        if not path.is_dir():
            raise ConfigError(f"AUTH_SIGNING_KEYS_DIR {path} does not exist")
        ring = KeyRing(directory=path, activation_delay_s=delay)
    else:
        raise ConfigError(
            "production needs AUTH_SIGNING_KEYS_DIR or AUTH_PRIVATE_KEY_FILE (see docs/auth.md)"
        )
    app.extensions["key_ring"] = ring
    return ring


def init_tokens(app: Flask, ring: KeyRing) -> JWTManager:
    """Verify with our own public keys; sign with the active private key and its `kid`."""
    app.config.setdefault("JWT_ENCODE_ISSUER", app.config["JWT_ISSUER"])
    app.config.setdefault("JWT_ENCODE_AUDIENCE", app.config["JWT_AUDIENCE"])
    manager = init_token_verification(app, keys=RingKeySet(ring), is_revoked=is_revoked)
    manager.encode_key_loader(lambda _identity: signing_key().private_key)
    manager.additional_headers_loader(lambda _identity: {"kid": signing_key().kid})
    return manager


def is_revoked(claims: Mapping[str, Any]) -> bool:
    """The auth service's revocation policy: access tokens by the revocation list; refresh
    tokens never there, since their family in the database decides (where reuse is detected)."""
    if claims.get("type") == "refresh":
        return False
    return jti_is_revoked(claims)
