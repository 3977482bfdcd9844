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
from ..results import result_view, session_summary, session_view
from ..schemas import (
    AnswerSchema,
    SavedAnswerSchema,
    SessionPageSchema,
    SessionSchema,
    StartSchema,
    SubmittedSchema,
    with_clock,
)
from ..schemas_result import ResultSchema
from ..templates import spec_for

blp = Blueprint("sessions", __name__, description="Timed interview sessions")


def _rules() -> sessions.Rules:
    return sessions.Rules.from_config(current_app.config)


@blp.route("/sessions")
class Sessions(MethodView):
    @require_auth
    @blp.arguments(StartSchema)
    @blp.response(201, SessionSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Start an interview from a template or a custom composition."""
        spec = spec_for(data, current_app.config)
        now = clock.now()
        session = sessions.start_session(
            current_principal().sub, spec, now, _rules(), content_client().draw
        )
        return session_view(session, now)

    @require_auth
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, SessionPageSchema)
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """The caller's sessions, newest first, with status and score (read-only)."""
        items, total = sessions.history(current_principal().sub, args["page"], args["per_page"])
        now = clock.now()
        summaries = [session_summary(s, now) for s in items]
        return page_envelope(summaries, args["page"], args["per_page"], total)


@blp.get("/sessions/<session_id>")
@require_auth
@blp.response(200, SessionSchema)
def get_session(session_id: str) -> dict[str, Any]:
    """Resume a session: clock, questions and saved answers (finalises it when overdue)."""
    now = clock.now()
    session = sessions.access_session(session_id, current_principal().sub, now, _rules())
    return session_view(session, now)


@blp.put("/sessions/<session_id>/answers/<int:position>")
@require_auth
@blp.arguments(AnswerSchema)
@blp.response(200, SavedAnswerSchema)
def put_answer(data: dict[str, Any], session_id: str, position: int) -> dict[str, Any]:
    """Save one answer (idempotent); 409 after the deadline plus grace or after submitting."""
    now = clock.now()
    saved = sessions.save_answer(
        session_id, current_principal().sub, position, data["answer"], now, _rules()
    )
    values = {"position": saved.position, "answer": saved.answer, "saved_at": saved.saved_at}
    return with_clock(values, saved.deadline, now)


@blp.post("/sessions/<session_id>/submit")
@require_auth
@blp.response(200, SubmittedSchema)
def submit(session_id: str) -> dict[str, Any]:
    """Finalise and score the session; submitting again returns the same outcome."""
    now = clock.now()
    session = sessions.submit_session(session_id, current_principal().sub, now, _rules())
    return session_summary(session, now)


@blp.get("/sessions/<session_id>/result")
@require_auth
@blp.response(200, ResultSchema)
def result(session_id: str) -> dict[str, Any]:
    """Per question: the answer, points, correct answer, model answer, covered/missed points."""
    now = clock.now()
    session = sessions.finalised_session(session_id, current_principal().sub, now, _rules())
    return result_view(session, now)
