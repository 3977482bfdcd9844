"""Incoming service clients: who may get a token by the client-credentials grant, with which
scopes."""

from __future__ import annotations

import hmac
import logging

from flask import current_app

from services.common.errors import Problem

log = logging.getLogger(__name__)


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
