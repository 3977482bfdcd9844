"""Quiz service configuration: defaults and environment."""

from __future__ import annotations

from typing import Any

from services.common.openapi import openapi_settings
from services.common.settings import env_bool, env_float, env_int, env_str, sqlite_url

PREFIX = "/api/quiz"


def defaults() -> dict[str, Any]:
    """Safe development defaults."""
    return {
        # How many of a candidate's latest sessions count as "recently seen" when drawing.
        "QUIZ_RECENT_SESSIONS": 3,
        **openapi_settings("Quiz", PREFIX),
    }


def from_env() -> dict[str, Any]:
    """Settings read from the environment (see `.env.example` and docs/quiz.md)."""
    return {
        "SQLALCHEMY_DATABASE_URI": env_str("QUIZ_DATABASE_URL", sqlite_url("quiz")),
        "QUIZ_CONTENT_URL": env_str("QUIZ_CONTENT_URL", "http://127.0.0.1:8002"),
        "QUIZ_AUTH_URL": env_str("QUIZ_AUTH_URL", "http://127.0.0.1:8001"),
        "QUIZ_CLIENT_ID": env_str("QUIZ_CLIENT_ID", "quiz"),
        "QUIZ_CLIENT_SECRET": env_str("QUIZ_CLIENT_SECRET"),
        "QUIZ_GRACE_S": env_float("QUIZ_GRACE_S", 5.0),
        "QUIZ_SWEEP_INTERVAL_S": env_float("QUIZ_SWEEP_INTERVAL_S", 15.0),
        "QUIZ_ONE_ACTIVE_SESSION": env_bool("QUIZ_ONE_ACTIVE_SESSION", True),
        "QUIZ_MIN_TIME_LIMIT_S": env_int("QUIZ_MIN_TIME_LIMIT_S", 60),
        "QUIZ_MAX_TIME_LIMIT_S": env_int("QUIZ_MAX_TIME_LIMIT_S", 4 * 3600),
        "QUIZ_MAX_QUESTIONS": env_int("QUIZ_MAX_QUESTIONS", 50),
        # Reports (docs/reports.md): retries of a build, and when the sweep re-sends one.
        "QUIZ_REPORT_MAX_RETRIES": env_int("QUIZ_REPORT_MAX_RETRIES", 5),
        "QUIZ_REPORT_RETRY_BACKOFF_S": env_float("QUIZ_REPORT_RETRY_BACKOFF_S", 2.0),
        "QUIZ_REPORT_RETRY_BACKOFF_MAX_S": env_float("QUIZ_REPORT_RETRY_BACKOFF_MAX_S", 60.0),
        "QUIZ_REPORT_RESEND_AFTER_S": env_float("QUIZ_REPORT_RESEND_AFTER_S", 300.0),
        # Test-only: every build sleeps this long first (tests kill a worker mid-build).
        "QUIZ_REPORT_BUILD_DELAY_S": env_float("QUIZ_REPORT_BUILD_DELAY_S", 0.0),
        # None means "use REDIS_URL" (resolved in celery_init_app, after overrides apply).
        "CELERY_BROKER_URL": env_str("CELERY_BROKER_URL"),
    }
