"""Content service: topics, the versioned question bank, study API and authoring."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from services.common.auth import init_token_verification
from services.common.factory import create_base_app
from services.common.health import database_check, register_health
from services.common.openapi import init_openapi

from . import api, cli, fts
from .config import PREFIX, defaults, from_env
from .extensions import db, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the content service."""
    app = create_base_app(__name__, "content", defaults(), from_env, config, db=db)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        # The full-text search objects are managed by fts.py, not by the models.
        include_name=fts.include_name,
        include_object=fts.include_object,
    )
    init_token_verification(app)
    api.register(init_openapi(app, PREFIX))
    register_health(app, "content", PREFIX, {"database": database_check(db)})
    cli.init_app(app)
    return app
