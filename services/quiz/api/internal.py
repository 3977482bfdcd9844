"""Service-to-service routes, at /internal on the service root (never routed by the gateway)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response

from services.common.auth import require_service

from ..privacy import forget_user

log = logging.getLogger(__name__)
bp = Blueprint("internal", __name__)


@bp.delete("/users/<path:sub>/data")
@require_service("quiz:erase")
def delete_user_data(sub: str) -> Response:
    """Forget a deleted account: remove active sessions, anonymise finalised ones (204)."""
    counts = forget_user(sub)
    log.info("user data forgotten", extra=counts)
    return Response(status=204)
