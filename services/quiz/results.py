"""Shaping sessions for the API: the candidate's running view and the finalised result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .extensions import db
from .models import ACTIVE, QuizSession, SessionQuestion, SessionScore
from .schemas import with_clock

SUMMARY_FIELDS = (
    "id", "status", "title", "template_id", "topics", "difficulty", "question_count",
    "time_limit_s", "started_at", "finalised_at", "score", "max_score", "percent",
)  # fmt: skip


def session_summary(session: QuizSession, now: dt.datetime) -> dict[str, Any]:
    """The session's public fields and clock (no questions)."""
    values = {name: getattr(session, name) for name in SUMMARY_FIELDS}
    return with_clock(values, session.deadline, now, active=session.status == ACTIVE)


def session_view(session: QuizSession, now: dt.datetime) -> dict[str, Any]:
    """The session as the candidate sees it while answering (the schema drops the key)."""
    return {**session_summary(session, now), "questions": list(session.questions)}


def result_view(session: QuizSession, now: dt.datetime) -> dict[str, Any]:
    """A finalised session with per-question answers, points and the correct answers."""
    score = db.session.query(SessionScore).filter_by(session_id=session.id).one()
    return {
        **session_summary(session, now),
        "by_topic": score.by_topic,
        "questions": [result_question(q) for q in session.questions],
    }


def result_question(question: SessionQuestion) -> dict[str, Any]:
    """One scored question with everything the candidate needs to learn from it."""
    key = question.answer_key
    feedback = question.feedback or {}
    correct_ids = set(key.get("correct", [])) if question.type in ("single", "multi") else set()
    why = key.get("why") or {}
    return {
        "position": question.position,
        "topic": question.topic,
        "type": question.type,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "options": [
            {
                "id": o["id"],
                "text": o["text"],
                "correct": o["id"] in correct_ids,
                "why": why.get(o["id"]),
            }
            for o in question.options
        ],
        "points": question.points,
        "answer": question.answer,
        "saved_at": question.saved_at,
        "awarded": question.awarded,
        "correct": bool(feedback.get("correct")),
        "correct_answer": correct_answer(question.type, key),
        "model_answer": question.model_answer,
        "explanation": question.explanation,
        "references": question.references,
        "covered": feedback.get("covered", []),
        "missed": feedback.get("missed", []),
        "question_id": question.question_id,
        "question_version": question.question_version,
    }


def correct_answer(kind: str, key: dict[str, Any]) -> Any:
    """What a full-marks answer is, per type."""
    if kind in ("single", "multi", "true_false"):
        return key.get("correct")
    if kind == "short":
        return key.get("accepted", [])
    return [point["point"] for point in key.get("rubric", [])]
