"""What the API shows of a session beyond its columns: the server's clock at the moment of the
response, and the parts of a scored question the result derives from its snapshot and review.
Output schemas dump the models and call these; nothing is shaped twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .explain_suggestions import COVERED, MISSED
from .models import QuizSession, SessionQuestion, SessionStatus
from .question_types import question_type
from .reviews import final_verdicts, rubric_points


class Clocked:
    """A session, or one of its questions, as served at `now`: the model's own attributes
    plus `server_now`, `deadline` and `remaining_s` (0 once the session is closed)."""

    def __init__(self, model: Any, session: QuizSession, now: dt.datetime) -> None:
        self._model, self._session, self.server_now = model, session, now

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    @property
    def deadline(self) -> dt.datetime:
        """When the session's time is up."""
        return self._session.deadline

    @property
    def remaining_s(self) -> float:
        """Seconds left to answer, never negative; 0 once the session is closed."""
        if self._session.status != SessionStatus.ACTIVE:
            return 0.0
        return round(max(0.0, (self._session.deadline - self.server_now).total_seconds()), 3)


def clocked(session: QuizSession, now: dt.datetime) -> Clocked:
    """The session as served at `now`."""
    return Clocked(session, session, now)


class QuestionResult:
    """A scored question as its result shows it: the model's own attributes plus what the
    result derives from the snapshot, the scorer's evidence and the verdicts."""

    def __init__(self, question: SessionQuestion) -> None:
        self._question = question

    def __getattr__(self, name: str) -> Any:
        return getattr(self._question, name)

    @property
    def options(self) -> list[dict[str, Any]]:
        """The options with whether each is correct and why (none for text types)."""
        question = self._question
        if not question_type(question.type).has_options:
            return []
        key = question.answer_key
        correct_ids, why = set(key.get("correct", [])), key.get("why") or {}
        return [
            {**o, "correct": o["id"] in correct_ids, "why": why.get(o["id"])}
            for o in question.options
        ]

    @property
    def correct(self) -> bool | None:
        """Whether the answer is right; None while only a suggestion scores it."""
        return (self._question.feedback or {}).get("correct")

    @property
    def correct_answer(self) -> Any:
        """What a full-marks answer is."""
        return question_type(self._question.type).correct_answer(self._question.answer_key)

    @property
    def key_points(self) -> list[dict[str, Any]]:
        """Per rubric key point: the automatic suggestion and its evidence sentence, the
        candidate's and the reviewer's verdicts, and the final verdict (None until a
        person's)."""
        question = self._question
        suggested = {s["point"]: s for s in (question.feedback or {}).get("suggestions", [])}
        own = {v["point"]: v["verdict"] for v in question.self_verdicts or []}
        graded = {v["point"]: v["verdict"] for v in question.reviewer_verdicts or []}
        final = {v["point"]: v["verdict"] for v in final_verdicts(question) or []}
        return [
            {
                "point": point,
                "suggestion": suggested.get(point, {}).get("suggestion", MISSED),
                "evidence": suggested.get(point, {}).get("evidence"),
                "against": bool(suggested.get(point, {}).get("against")),
                "note": suggested.get(point, {}).get("note"),
                "self_verdict": own.get(point),
                "reviewer_verdict": graded.get(point),
                "verdict": final.get(point),
            }
            for point in rubric_points(question)
        ]

    @property
    def covered(self) -> list[str]:
        """Key points covered: by the final verdict once there is one, else as suggested."""
        return [p["point"] for p in self.key_points if (p["verdict"] or p["suggestion"]) == COVERED]

    @property
    def missed(self) -> list[str]:
        """The other key points (partly covered ones included)."""
        return [p["point"] for p in self.key_points if (p["verdict"] or p["suggestion"]) != COVERED]


class SessionResult(Clocked):
    """A finalised session as its result shows it."""

    @property
    def questions(self) -> list[QuestionResult]:
        """Every question with its result."""
        return [QuestionResult(q) for q in self._session.questions]


def session_result(session: QuizSession, now: dt.datetime) -> SessionResult:
    """The finalised session's result as served at `now`."""
    return SessionResult(session, session, now)
