"""Service clients: the client-credentials grant, and the call to quiz on account deletion."""

from __future__ import annotations

import hmac
import logging

import requests
from flask import current_app

from services.common.errors import Problem, ServiceUnavailable
from services.common.http_client import ServiceClient

from .tokens import service_token

log = logging.getLogger(__name__)
SELF_CLIENT_ID = "auth"
# The auth service's own token may erase a deleted user's quiz data, and do nothing else.
SELF_SCOPES = ("quiz:erase",)


class InvalidClient(Problem):
    status, title, type_slug = 401, "Unauthorized", "invalid-client"


class UnsupportedGrant(Problem):
    status, title, type_slug = 400, "Bad Request", "unsupported-grant-type"


class InvalidScope(Problem):
    status, title, type_slug = 400, "Bad Request", "invalid-scope"


def granted_scopes(client_id: str, requested: str | None) -> list[str]:
    """The scopes a client's token carries: all configured ones, or the requested subset
    (RFC 6749 §3.3); asking for more is a 400 `invalid_scope`."""
    allowed = set(current_app.config["AUTH_SERVICE_SCOPES"].get(client_id, []))
    if not requested:
        return sorted(allowed)
    wanted = set(requested.split())
    if not wanted <= allowed:
        raise InvalidScope(
            "The client may not request these scopes.",
            error="invalid_scope",
            errors={
                "scope": [f"Not granted to this client: {' '.join(sorted(wanted - allowed))}."]
            },
        )
    return sorted(wanted)


def authenticate_client(grant_type: str, client_id: str, client_secret: str) -> str:
    """Check client credentials against `AUTH_SERVICE_CLIENTS`; returns the client id."""
    if grant_type != "client_credentials":
        raise UnsupportedGrant(
            "Only grant_type=client_credentials is supported.", error="unsupported_grant_type"
        )
    clients: dict[str, str] = current_app.config["AUTH_SERVICE_CLIENTS"]
    # Compare against a dummy for unknown ids too, so timing reveals nothing.
    expected = clients.get(client_id, "\x00" * 32)
    matches = hmac.compare_digest(expected.encode(), client_secret.encode())
    if not (matches and client_id in clients):
        log.warning("client-credentials grant refused for client %r", client_id)
        raise InvalidClient("Unknown client or wrong secret.", error="invalid_client")
    return client_id


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
