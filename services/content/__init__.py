"""Content service: topics, the versioned question bank, study API and authoring."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from services.common.auth import init_token_verification
from services.common.database import init_database
from services.common.factory import create_base_app

from . import api, cli, fts
from .config import defaults, from_env
from .extensions import db, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the content service."""
    app = create_base_app(__name__, "content", defaults(), from_env, config, db=db)
    # The full-text search objects are managed by fts.py, not by the models.
    init_database(
        app, db, migrate, __file__, include_name=fts.include_name, include_object=fts.include_object
    )
    init_token_verification(app)
    api.init_app(app)
    cli.init_app(app)
    return app
