"""Content service configuration: defaults and environment."""

from __future__ import annotations

from typing import Any

from services.common.openapi import openapi_settings
from services.common.settings import env_int, env_str, sqlite_url

PREFIX = "/api/content"


def defaults() -> dict[str, Any]:
    """Safe development defaults."""
    return {
        # Bodies above this are refused with 413 (imports are the only large ones).
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        **openapi_settings("Content", PREFIX),
    }


def from_env() -> dict[str, Any]:
    """Settings read from the environment (see `.env.example`)."""
    return {
        "SQLALCHEMY_DATABASE_URI": env_str("CONTENT_DATABASE_URL", sqlite_url("content")),
        # Seconds browsers and the gateway may reuse a list before revalidating with its ETag.
        "CONTENT_CACHE_MAX_AGE": env_int("CONTENT_CACHE_MAX_AGE", 60),
    }
