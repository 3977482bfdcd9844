"""The report's content, computed from a finalised session, the candidate's earlier sessions and
the content service's study list. Reads only; storing is `store.py`'s job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from ..extensions import db
from ..models import FINAL_STATUSES, QuizSession, SessionQuestion
from . import levels
from .study import StudyClient

# Earlier sessions shown in the progress chart and compared per topic.
HISTORY_LIMIT = 20
SUGGESTIONS_PER_TOPIC = 3
STRONG_AND_WEAK = 3


# A question reduced to what scores need: (topic, points awarded or None, points).
Scored = tuple[str, float | None, float]


@dataclass(frozen=True)
class PastSession:
    """An earlier finalised session of the same candidate, reduced to its scores."""

    session_id: str
    title: str
    finalised_at: dt.datetime
    percent: float
    by_topic: dict[str, float]


# The question columns a report reads (the answer keys, options and reviews stay unloaded).
REPORTED_COLUMNS = (
    SessionQuestion.position,
    SessionQuestion.question_id,
    SessionQuestion.topic,
    SessionQuestion.type,
    SessionQuestion.difficulty,
    SessionQuestion.prompt,
    SessionQuestion.points,
    SessionQuestion.answer,
    SessionQuestion.saved_at,
    SessionQuestion.awarded,
    SessionQuestion.source,
    SessionQuestion.feedback,
)


def load_session(session_id: str) -> QuizSession | None:
    """The finalised session with its questions (one query), or None (missing, or still
    running)."""
    options = [
        joinedload(QuizSession.questions).load_only(*REPORTED_COLUMNS),
        lazyload(QuizSession.current_score),  # the report sums its questions itself
    ]
    session = db.session.get(QuizSession, session_id, options=options)
    if session is None or session.status not in FINAL_STATUSES:
        return None
    return session


def build_report_data(session: QuizSession, study: StudyClient) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data."""
    questions = list(session.questions)
    history = past_sessions(session)
    topics = topic_rows(questions, history)
    ranked = sorted(topics, key=lambda t: (t["percent"], t["topic"]))
    return {
        "session": session_facts(session),
        "score_version": session.score_version,
        "overall": overall(session, questions),
        "parts": parts(questions),
        "time": time_used(session),
        "topics": topics,
        "questions": question_rows(session, questions),
        "strongest": [t["topic"] for t in reversed(ranked) if t["percent"] >= levels.WEAK_BELOW][
            :STRONG_AND_WEAK
        ],
        "weakest": [t["topic"] for t in ranked if t["percent"] < levels.WEAK_BELOW][
            :STRONG_AND_WEAK
        ],
        "study_plan": study_plan(session, questions, ranked, study),
        "progress": progress(history, session, questions),
    }


def session_facts(session: QuizSession) -> dict[str, Any]:
    """Title, status, difficulty and times of the session."""
    return {
        "id": session.id,
        "title": session.title,
        "status": session.status,
        "difficulty": session.difficulty,
        "started_at": _iso(session.started_at),
        "finalised_at": _iso(session.finalised_at),
        "question_count": session.question_count,
    }


def overall(session: QuizSession, questions: Sequence[SessionQuestion]) -> dict[str, Any]:
    """Total, percent and the band verdict; `provisional` when free text awaits a verdict."""
    score = round(sum(q.awarded or 0.0 for q in questions), 4)
    max_score = float(sum(q.points for q in questions))
    pct = levels.percent(score, max_score)
    provisional = any(_source(q) == "provisional" for q in questions)
    return {
        "score": score,
        "max_score": max_score,
        "percent": pct,
        "provisional": provisional,
        **levels.band(pct, session.difficulty),
    }


def parts(questions: Sequence[SessionQuestion]) -> list[dict[str, Any]]:
    """Objective and free-text points apart, each with the sources its points come from."""
    rows = []
    for name, objective in (("objective", True), ("free_text", False)):
        chosen = [q for q in questions if (q.type in levels.OBJECTIVE_TYPES) == objective]
        if not chosen:
            continue
        score = round(sum(q.awarded or 0.0 for q in chosen), 4)
        max_score = float(sum(q.points for q in chosen))
        sources = sorted({_source(q) for q in chosen})
        rows.append(
            {
                "part": name,
                "questions": len(chosen),
                "score": score,
                "max_score": max_score,
                "percent": levels.percent(score, max_score),
                "sources": sources,
                "source_labels": [levels.SOURCE_LABELS[s] for s in sources],
            }
        )
    return rows


def time_used(session: QuizSession) -> dict[str, Any]:
    """Seconds used (start to finalising, at most the limit) against seconds allowed."""
    end = session.finalised_at or session.deadline
    used = max(0.0, min((end - session.started_at).total_seconds(), session.time_limit_s))
    return {
        "used_s": round(used),
        "allowed_s": session.time_limit_s,
        "percent": levels.percent(used, session.time_limit_s),
    }


def question_rows(
    session: QuizSession, questions: Sequence[SessionQuestion]
) -> list[dict[str, Any]]:
    """Per question: topic, type, points, source, time spent and the key points."""
    spent = time_spent(session, questions)
    rows = []
    for q in questions:
        feedback = q.feedback or {}
        row: dict[str, Any] = {
            "position": q.position,
            "topic": q.topic,
            "type": q.type,
            "difficulty": q.difficulty,
            "prompt": q.prompt,
            "answered": q.answer is not None,
            "points": q.points,
            "awarded": round(q.awarded or 0.0, 4),
            "source": _source(q),
            "source_label": levels.SOURCE_LABELS[_source(q)],
            "time_spent_s": spent.get(q.position),
            # Key points exist for explain answers only.
            "covered": list(feedback.get("covered", [])) if q.type == "explain" else [],
            "missed": list(feedback.get("missed", [])) if q.type == "explain" else [],
        }
        rows.append(row)
    return rows


def time_spent(
    session: QuizSession, questions: Sequence[SessionQuestion]
) -> dict[int, float | None]:
    """Seconds between each answer's last save and the save before it (the first from the start).

    Only the last save of each answer is stored, so this is the time up to that save since the
    previous answer was saved: an estimate that is exact when answers are given in one pass.
    """
    saved = sorted((q.saved_at, q.position) for q in questions if q.saved_at is not None)
    spent: dict[int, float | None] = {q.position: None for q in questions}
    previous = session.started_at
    for saved_at, position in saved:
        spent[position] = round(max(0.0, (saved_at - previous).total_seconds()), 1)
        previous = max(previous, saved_at)
    return spent


def topic_rows(
    questions: Sequence[SessionQuestion], history: Sequence[PastSession]
) -> list[dict[str, Any]]:
    """Per topic: score, questions, mastery and the change since the last session on it."""
    rows = []
    for topic, score, max_score, count in _topic_totals(_scored(questions)):
        pct = levels.percent(score, max_score)
        previous = next((p.by_topic[topic] for p in history if topic in p.by_topic), None)
        rows.append(
            {
                "topic": topic,
                "score": score,
                "max_score": max_score,
                "percent": pct,
                "questions": count,
                "mastery": levels.mastery(pct),
                "previous_percent": previous,
                "change": None if previous is None else round(pct - previous, 2),
            }
        )
    return rows


def study_plan(
    session: QuizSession,
    questions: Sequence[SessionQuestion],
    ranked: Sequence[dict[str, Any]],
    study: StudyClient,
) -> dict[str, Any]:
    """The missed key points, and for each weak topic bank questions to study next."""
    missed = [
        {"position": q.position, "topic": q.topic, "point": point}
        for q in questions
        if q.type == "explain"
        for point in (q.feedback or {}).get("missed", [])
    ]
    seen = {q.question_id for q in questions}
    topics = [
        {
            "topic": t["topic"],
            "percent": t["percent"],
            "mastery": t["mastery"],
            "questions": study.questions(
                t["topic"], session.difficulty, seen, SUGGESTIONS_PER_TOPIC
            ),
        }
        for t in ranked
        if t["percent"] < levels.WEAK_BELOW
    ]
    return {"missed_key_points": missed, "topics": topics}


def past_sessions(session: QuizSession) -> list[PastSession]:
    """The candidate's earlier finalised sessions, newest first (at most HISTORY_LIMIT).

    One query of plain rows, each session's questions' topics and points: only the scores are
    needed, not the ORM objects with their answers and keys."""
    finalised_at = session.finalised_at or session.deadline
    earlier = (
        sa.select(QuizSession.id, QuizSession.title, QuizSession.finalised_at)
        .where(
            QuizSession.user_sub == session.user_sub,
            QuizSession.id != session.id,
            QuizSession.status.in_(FINAL_STATUSES),
            QuizSession.finalised_at < finalised_at,
        )
        .order_by(QuizSession.finalised_at.desc())
        .limit(HISTORY_LIMIT)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            earlier.c.id,
            earlier.c.title,
            earlier.c.finalised_at,
            SessionQuestion.topic,
            SessionQuestion.awarded,
            SessionQuestion.points,
        )
        .join(SessionQuestion, SessionQuestion.session_id == earlier.c.id)
        .order_by(earlier.c.finalised_at.desc(), earlier.c.id, SessionQuestion.position)
    ).all()
    sessions: dict[str, tuple[str, dt.datetime]] = {}
    scored: dict[str, list[Scored]] = {}
    for row in rows:
        sessions.setdefault(row.id, (row.title, row.finalised_at))
        scored.setdefault(row.id, []).append((row.topic, row.awarded, row.points))
    return [
        _past(session_id, title, finalised, scored[session_id])
        for session_id, (title, finalised) in sessions.items()
    ]


def progress(
    history: Sequence[PastSession], session: QuizSession, questions: Sequence[SessionQuestion]
) -> list[dict[str, Any]]:
    """Score over time, oldest first, ending with this session: overall and per topic."""
    current = _past(
        session.id,
        session.title,
        session.finalised_at or session.deadline,
        _scored(questions),
    )
    return [
        {
            "session_id": p.session_id,
            "title": p.title,
            "finalised_at": _iso(p.finalised_at),
            "percent": p.percent,
            "by_topic": p.by_topic,
        }
        for p in [*reversed(history), current]
    ]


def _past(
    session_id: str,
    title: str,
    finalised_at: dt.datetime,
    scored: Sequence[Scored],
) -> PastSession:
    """A session reduced to its scores, from its questions' (topic, awarded, points)."""
    totals = _topic_totals(scored)
    score = sum(t[1] for t in totals)
    max_score = sum(t[2] for t in totals)
    return PastSession(
        session_id=session_id,
        title=title,
        finalised_at=finalised_at,
        percent=levels.percent(score, max_score),
        by_topic={t[0]: levels.percent(t[1], t[2]) for t in totals},
    )


def _scored(questions: Sequence[SessionQuestion]) -> list[Scored]:
    return [(q.topic, q.awarded, q.points) for q in questions]


def _topic_totals(scored: Sequence[Scored]) -> list[tuple[str, float, float, int]]:
    """Per topic, in name order: (topic, score, max score, questions)."""
    totals: dict[str, list[float]] = {}
    for topic, awarded, points in scored:
        entry = totals.setdefault(topic, [0.0, 0.0, 0.0])
        entry[0] += awarded or 0.0
        entry[1] += points
        entry[2] += 1
    return [(t, round(s, 4), m, int(n)) for t, (s, m, n) in sorted(totals.items())]


def _source(question: SessionQuestion) -> str:
    # Tolerant read: a per-question `source` (column or feedback entry) may not exist yet.
    stored = getattr(question, "source", None) or (question.feedback or {}).get("source")
    return levels.score_source(question.type, stored)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None
