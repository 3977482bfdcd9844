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


NOT_OPEN = (
    "Not finalised yet (review-not-open), or not an answered explain question (not-reviewable)"
)


@bp.put("/sessions/<session_id>/review/<int:position>")
@require_auth
@bp.arguments(ReviewSchema)
@bp.response(200, ReviewedSchema)
@bp.alt_response(409, description=NOT_OPEN)
def self_review(data: dict[str, Any], session_id: str, position: int) -> QuestionResult:
    """Review one of your explain answers, key point by key point.

    The score becomes final with source `self`, unless a reviewer has graded it. Idempotent.
    """
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
    """Explain answers awaiting a reviewer's grade, oldest first.

    Answered explain questions of finalised sessions scored by a suggestion or a self-review;
    filters `template` (a template id) and `topic`.
    """
    items, total = reviews.awaiting_reviewer(
        args["page"], args["per_page"], args.get("template"), args.get("topic")
    )
    return page_envelope([QuestionResult(q) for q in items], args["page"], args["per_page"], total)


@bp.put("/reviews/<session_id>/<int:position>")
@require_role("author", "admin")
@bp.arguments(ReviewSchema)
@bp.response(200, ReviewedSchema)
@bp.alt_response(409, description=NOT_OPEN)
def grade(data: dict[str, Any], session_id: str, position: int) -> QuestionResult:
    """Grade an explain answer, key point by key point.

    The score becomes final with source `reviewer`; it overrides the candidate's review, and a
    later one does not override it. Idempotent.
    """
    question = reviews.record_verdicts(
        session_id,
        position,
        data["points"],
        ScoreSource.REVIEWER,
        clock.now(),
        reviewer_sub=current_principal().sub,
    )
    return QuestionResult(question)
