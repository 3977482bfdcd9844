"""Service-to-service routes: never routed by the gateway."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from services.common.auth import require_service

from .. import codec
from ..draw import draw_questions
from ..schemas import DrawRequestSchema, DrawResponseSchema

blp = Blueprint(
    "internal", __name__, url_prefix="/internal", description="For the quiz service only"
)


@blp.post("/questions/draw")
@require_service("content:draw")
@blp.arguments(DrawRequestSchema)
@blp.response(200, DrawResponseSchema)
@blp.alt_response(401, description="No valid token")
@blp.alt_response(403, description="Not a service token with the scope content:draw")
def draw(payload: dict[str, Any]) -> dict[str, Any]:
    """Draw `count` questions with answer keys, balanced across topics (409 when too few)."""
    questions = draw_questions(
        payload["topics"], payload["difficulty"], payload["count"], payload["exclude_ids"]
    )
    return {"items": [codec.draw_item(q) for q in questions]}
