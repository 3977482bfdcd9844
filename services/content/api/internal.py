"""Service-to-service routes: never routed by the gateway."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from services.common.auth import require_service

from ..draw import draw_and_hold
from ..holds import now, release_session
from ..schemas import (
    DrawRequestSchema,
    DrawResponseSchema,
    ReleaseRequestSchema,
    ReleaseResponseSchema,
)

bp = Blueprint("internal", __name__, description="For the quiz service only")


@bp.post("/questions/draw")
@require_service("content:draw")
@bp.arguments(DrawRequestSchema)
@bp.response(200, DrawResponseSchema)
@bp.alt_response(401, description="No valid token")
@bp.alt_response(403, description="Not a service token with the scope content:draw")
def draw(payload: dict[str, Any]) -> dict[str, Any]:
    """Draw `count` questions with answer keys, balanced across topics (409 when too few), and
    hold them for the candidate's session when `hold` is given."""
    items = draw_and_hold(
        payload["topics"],
        payload["difficulty"],
        payload["count"],
        payload["exclude_ids"],
        payload["hold"],
    )
    return {"items": items}


@bp.post("/holds/release")
@require_service("content:draw")
@bp.arguments(ReleaseRequestSchema)
@bp.response(200, ReleaseResponseSchema)
@bp.alt_response(401, description="No valid token")
@bp.alt_response(403, description="Not a service token with the scope content:draw")
def release(payload: dict[str, Any]) -> dict[str, Any]:
    """Release the holds of a finalised session (idempotent)."""
    return {"released": release_session(payload["session_id"], now())}
