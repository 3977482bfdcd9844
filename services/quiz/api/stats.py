"""Item statistics for authors and admins."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from services.common.auth import require_role
from services.common.pagination import page_slice

from ..schemas_stats import ItemStatPageSchema, StatArgsSchema
from ..stats import item_statistics

bp = Blueprint("stats", __name__, description="Item statistics (authors)")


@bp.get("/stats/questions")
@require_role("author")
@bp.arguments(StatArgsSchema, location="query")
@bp.response(200, ItemStatPageSchema)
def question_stats(args: dict[str, Any]) -> dict[str, Any]:
    """Attempts, facility, discrimination and flags per question, from finalised sessions."""
    items = item_statistics(args.get("topic"))
    if args["flagged"]:
        items = [i for i in items if set(i["flags"]) - {"insufficient_data"}]
    return page_slice(items, args["page"], args["per_page"])
