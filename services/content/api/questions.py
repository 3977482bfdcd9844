"""Public study routes and authoring of questions."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from services.common.auth import optional_principal, require_role
from services.common.pagination import page_envelope

from .. import authoring, codec, holds
from ..caching import conditional, current_viewer
from ..queries import QuestionFilter, get_question, list_questions
from ..schemas import (
    QuestionInSchema,
    QuestionPageSchema,
    QuestionPatchSchema,
    QuestionQuerySchema,
    QuestionSourceSchema,
    QuestionStudySchema,
)
from ..study import hidden_answers, study_view, study_views

bp = Blueprint("questions", __name__, description="Questions: study, author")


STUDY_NOTE = (
    " Answer fields (option `correct`/`why`, `answer`, `accepted`, `key_points`,"
    " `model_answer`, `explanation`) are sent to signed-in callers only, and not for a question"
    " held by the caller's running interview: that question carries `held_until` instead."
    " An invalid token is a 401."
)


def _is_author() -> bool:
    """True when the request carries a valid token with the author role (public routes)."""
    principal = optional_principal()
    return principal is not None and principal.has_role("author")


@bp.get("/questions")
@conditional(per_audience=True)
@bp.arguments(QuestionQuerySchema, location="query", as_kwargs=True)
@bp.response(200, QuestionPageSchema)
@bp.doc(description=f"Active questions, filtered, searched, sorted and paginated.{STUDY_NOTE}")
def list_all(page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """Active questions, filtered, searched (`q`), sorted and paginated; study view."""
    viewer, now = current_viewer(), holds.now()
    hidden = hidden_answers(viewer, now)
    items, total = list_questions(QuestionFilter(**filters), page, per_page, hidden)
    views = study_views(items, viewer, now)
    return page_envelope(views, page, per_page, total)


@bp.get("/questions/<question_id>")
@conditional(per_audience=True)
@bp.response(200, QuestionStudySchema)
@bp.doc(description=f"One question; retired questions only for authors.{STUDY_NOTE}")
def show(question_id: str) -> Any:
    """One question, study view; retired questions only for authors."""
    question = get_question(question_id, include_retired=True)
    if question.retired and not _is_author():
        get_question(question_id)  # 404, as for an id that never existed
    return study_view(question, current_viewer(), holds.now())


@bp.get("/questions/<question_id>/source")
@require_role("author")
@bp.response(200, QuestionSourceSchema)
def source(question_id: str) -> dict[str, Any]:
    """The question in the bank format (what PUT takes back), retired ones included."""
    question = get_question(question_id, include_retired=True)
    return {
        "id": question.id,
        "version": question.version,
        "retired": question.retired,
        **codec.to_source(question),
    }


@bp.post("/questions")
@require_role("author")
@bp.arguments(QuestionInSchema)
@bp.response(201, QuestionStudySchema)
def create(payload: dict[str, Any]) -> dict[str, Any]:
    """Add a question; validated per type (422 with per-field errors)."""
    return codec.study_view(authoring.create_question(payload))


@bp.put("/questions/<question_id>")
@require_role("author")
@bp.arguments(QuestionInSchema)
@bp.response(200, QuestionStudySchema)
def replace(payload: dict[str, Any], question_id: str) -> dict[str, Any]:
    """Replace a question; `version` grows when anything changed."""
    question = get_question(question_id, include_retired=True)
    return codec.study_view(authoring.replace_question(question, payload))


@bp.patch("/questions/<question_id>")
@require_role("author")
# No body is an empty change: the question is returned unchanged.
@bp.arguments(QuestionPatchSchema(partial=True), required=False)
@bp.response(200, QuestionStudySchema)
def patch(payload: dict[str, Any], question_id: str) -> dict[str, Any]:
    """Change some fields (version grows when anything changed), or set `retired`."""
    question = get_question(question_id, include_retired=True)
    return codec.study_view(authoring.patch_question(question, payload))


@bp.delete("/questions/<question_id>")
@require_role("author")
@bp.response(204)
def retire(question_id: str) -> Response:
    """Retire a question (soft delete): gone from lists and draws, readable by authors."""
    authoring.retire_question(get_question(question_id, include_retired=True))
    return Response(status=204)
