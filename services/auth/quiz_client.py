"""The auth service's own call to quiz: erasing a deleted user's interview data."""

from __future__ import annotations

import logging

import requests
from flask import current_app

from services.common.errors import ServiceUnavailable
from services.common.http_client import ServiceClient

from .tokens import service_token

log = logging.getLogger(__name__)
SELF_CLIENT_ID = "auth"
# The auth service's own token may erase a deleted user's quiz data, and do nothing else.
SELF_SCOPES = ("quiz:erase",)


def quiz_client() -> ServiceClient:
    """A pooled client for the quiz service (one per app)."""
    existing = current_app.extensions.get("quiz_client")
    if existing is None:
        existing = ServiceClient(
            current_app.config["AUTH_QUIZ_URL"],
            connect_timeout=current_app.config["HTTP_CONNECT_TIMEOUT"],
            read_timeout=current_app.config["HTTP_READ_TIMEOUT"],
            pool_size=4,
        )
        current_app.extensions["quiz_client"] = existing
    return existing


def delete_quiz_data(user_id: str) -> None:
    """Ask quiz to remove or anonymise the user's data; 503 when it cannot confirm."""
    token, _ttl = service_token(SELF_CLIENT_ID, SELF_SCOPES)
    try:
        response = quiz_client().request(
            "DELETE",
            f"/internal/users/{user_id}/data",
            headers={"Authorization": f"Bearer {token}"},
        )
    except requests.RequestException as exc:
        log.error("quiz unreachable while deleting user %s: %s", user_id, exc)
        raise ServiceUnavailable(
            "Your interview data could not be deleted right now, so the account was kept. "
            "Please try again later."
        ) from exc
    if response.status_code not in (200, 204):
        log.error("quiz answered %s while deleting user %s", response.status_code, user_id)
        raise ServiceUnavailable(
            "Your interview data could not be deleted right now, so the account was kept. "
            "Please try again later."
        )
