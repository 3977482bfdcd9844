"""Interview sessions: start, resume, answer, submit, result, history."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.common.auth import current_principal, require_auth
from services.common.pagination import PageArgsSchema, page_envelope

from .. import clock, sessions
from ..clients.content import content_client
from ..interview_templates import spec_for
from ..results import Clocked, clocked, session_result
from ..schemas import (
    AnswerSchema,
    SavedAnswerSchema,
    SessionPageSchema,
    SessionSchema,
    StartSchema,
    SubmittedSchema,
)
from ..schemas_result import ResultSchema

bp = Blueprint("sessions", __name__, description="Timed interview sessions")


def _rules() -> sessions.Rules:
    rules: sessions.Rules = current_app.extensions["quiz_rules"]
    return rules


@bp.route("/sessions")
class Sessions(MethodView):
    @require_auth
    @bp.arguments(StartSchema)
    @bp.response(201, SessionSchema)
    def post(self, data: dict[str, Any]) -> Clocked:
        """Start an interview from a template or a custom composition."""
        spec = spec_for(data, current_app.config)
        now = clock.now()
        session = sessions.start_session(
            current_principal().sub, spec, now, _rules(), content_client().draw
        )
        return clocked(session, now)

    @require_auth
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, SessionPageSchema)
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """The caller's sessions, newest first, with status and score (read-only)."""
        items, total = sessions.history(current_principal().sub, args["page"], args["per_page"])
        now = clock.now()
        return page_envelope(
            [clocked(s, now) for s in items], args["page"], args["per_page"], total
        )


@bp.get("/sessions/<session_id>")
@require_auth
@bp.response(200, SessionSchema)
def get_session(session_id: str) -> Clocked:
    """Resume a session: clock, questions and saved answers (finalises it when overdue)."""
    now = clock.now()
    return clocked(sessions.access_session(session_id, current_principal().sub, now, _rules()), now)


@bp.put("/sessions/<session_id>/answers/<int:position>")
@require_auth
@bp.arguments(AnswerSchema)
@bp.response(200, SavedAnswerSchema)
def put_answer(data: dict[str, Any], session_id: str, position: int) -> sessions.SavedAnswer:
    """Save one answer (idempotent); 409 after the deadline plus grace or after submitting."""
    now = clock.now()
    saved = sessions.save_answer(
        session_id, current_principal().sub, position, data["answer"], now, _rules()
    )
    return saved


@bp.post("/sessions/<session_id>/submit")
@require_auth
@bp.response(200, SubmittedSchema)
def submit(session_id: str) -> Clocked:
    """Finalise and score the session; submitting again returns the same outcome."""
    now = clock.now()
    return clocked(sessions.submit_session(session_id, current_principal().sub, now, _rules()), now)


@bp.get("/sessions/<session_id>/result")
@require_auth
@bp.response(200, ResultSchema)
def result(session_id: str) -> Clocked:
    """The result of a finalised session, question by question.

    Per question: the answer, the points and their source, the correct answer, the model answer
    and, for explain answers, each key point's suggestion, evidence and verdict.
    """
    now = clock.now()
    session = sessions.finalised_session(session_id, current_principal().sub, now, _rules())
    return session_result(session, now)
