"""Human verdicts on explain answers: the candidate's review and the reviewers' queue."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from services.common.auth import current_principal, require_auth, require_role
from services.common.pagination import page_envelope

from .. import clock, reviews, sessions
from ..models import ScoreSource
from ..results import QuestionResult
from ..schemas_result import ReviewArgsSchema, ReviewedSchema, ReviewPageSchema, ReviewSchema

bp = Blueprint("reviews", __name__, description="Self-review and reviewer grades")


@bp.put("/sessions/<session_id>/review/<int:position>")
@require_auth
@bp.arguments(ReviewSchema)
@bp.response(200, ReviewedSchema)
def self_review(data: dict[str, Any], session_id: str, position: int) -> QuestionResult:
    """The candidate's verdict per key point of an explain answer: the score becomes final
    (source `self`) unless a reviewer has graded it. Idempotent; 409 before finalising."""
    now = clock.now()
    rules = sessions.Rules.from_config(current_app.config)
    session = sessions.access_session(session_id, current_principal().sub, now, rules)
    question = reviews.record_verdicts(session.id, position, data["points"], ScoreSource.SELF, now)
    return QuestionResult(question)


@bp.get("/reviews")
@require_role("author", "admin")
@bp.arguments(ReviewArgsSchema, location="query")
@bp.response(200, ReviewPageSchema)
def review_queue(args: dict[str, Any]) -> dict[str, Any]:
    """Explain answers awaiting a reviewer's grade, oldest first (filters: template, topic)."""
    items, total = reviews.awaiting_reviewer(
        args["page"], args["per_page"], args.get("template"), args.get("topic")
    )
    return page_envelope([QuestionResult(q) for q in items], args["page"], args["per_page"], total)


@bp.put("/reviews/<session_id>/<int:position>")
@require_role("author", "admin")
@bp.arguments(ReviewSchema)
@bp.response(200, ReviewedSchema)
def grade(data: dict[str, Any], session_id: str, position: int) -> QuestionResult:
    """A reviewer's verdict per key point (source `reviewer`): it overrides a self-review.
    Idempotent; 409 before finalising."""
    question = reviews.record_verdicts(
        session_id,
        position,
        data["points"],
        ScoreSource.REVIEWER,
        clock.now(),
        reviewer_sub=current_principal().sub,
    )
    return QuestionResult(question)
