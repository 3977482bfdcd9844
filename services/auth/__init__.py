"""Auth service: accounts, Google sign-in, RS256 tokens, JWKS and service credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from services.common.factory import create_base_app

from . import api, cli, extensions, google, mail, security
from .config import defaults, from_env


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the auth service."""
    app = create_base_app(__name__, "auth", defaults(), from_env, config, db=extensions.db)
    security.init_app(app)
    extensions.init_app(app)
    mail.init_app(app)
    google.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    return app
