"""Public topic list."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..caching import conditional
from ..queries import topics_with_counts
from ..schemas import TopicSchema

bp = Blueprint("topics", __name__, description="Topics of the bank")


@bp.get("/topics")
@conditional
@bp.response(200, TopicSchema(many=True))
def list_topics() -> list[dict[str, Any]]:
    """Every topic with its description and number of active questions."""
    return topics_with_counts()
