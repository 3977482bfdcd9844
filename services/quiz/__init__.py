"""Quiz service: interview templates, timed sessions, scoring, results and item statistics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from services.common.auth import init_token_verification
from services.common.database import init_database
from services.common.factory import create_base_app
from services.common.settings import require_settings

from . import api, cli
from .answer_targets import init_answer_targets
from .celery_app import celery_init_app
from .clients.content import init_content_client
from .clock import init_clock
from .config import defaults, from_env
from .extensions import db, migrate
from .gauges import init_gauges
from .report_queue import init_report_queue
from .reports.study import init_study_client
from .sessions import Rules


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the quiz service."""
    app = create_base_app(__name__, "quiz", defaults(), from_env, config, db=db)
    require_settings(app, "QUIZ_CLIENT_SECRET")
    init_database(app, db, migrate, __file__)
    init_token_verification(app)
    init_clock(app)
    init_answer_targets(app)
    init_content_client(app)
    init_study_client(app)
    init_report_queue(app)
    # The rules of the clock and of starting, read once from the config.
    app.extensions["quiz_rules"] = Rules.from_config(app.config)
    celery_init_app(app)
    api.init_app(app)
    cli.init_app(app)
    init_gauges(app)
    return app
