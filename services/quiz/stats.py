"""Item statistics for authors: how each question performs across finalised sessions.

Only final scores count: server-scored questions and explain answers with a person's verdict
(self or reviewer); a provisional suggestion (source `auto`) is left out until it is judged.

Classical test theory: facility is the mean fraction of the points earned; discrimination is
the facility among the top 27% of sessions (by total percent) minus that among the bottom 27%.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import FINAL_SOURCES, FINAL_STATUSES, QuizSession, SessionQuestion, SessionScore

GROUP_FRACTION = 0.27
MIN_ATTEMPTS_FOR_FLAGS = 5
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.9, 0.2, 0.2


def item_statistics(topic: str | None = None) -> list[dict[str, Any]]:
    """Per question: attempts, facility, discrimination and flags, most attempted first."""
    query = (
        sa.select(
            SessionQuestion.question_id,
            SessionQuestion.question_key,
            SessionQuestion.topic,
            SessionQuestion.type,
            SessionQuestion.difficulty,
            SessionQuestion.awarded,
            SessionQuestion.points,
            SessionScore.percent,
        )
        .join(QuizSession, QuizSession.id == SessionQuestion.session_id)
        .join(
            SessionScore,
            sa.and_(
                SessionScore.session_id == QuizSession.id,
                SessionScore.version == QuizSession.score_version,
            ),
        )
        .where(
            QuizSession.status.in_(FINAL_STATUSES),
            SessionQuestion.awarded.is_not(None),
            SessionQuestion.source.in_(FINAL_SOURCES),
        )
    )
    if topic:
        query = query.where(SessionQuestion.topic == topic)
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in db.session.execute(query):
        grouped[row.question_id].append(row)
    stats = [_item(rows) for rows in grouped.values()]
    return sorted(stats, key=lambda s: (-s["attempts"], s["question_key"]))


def _item(rows: list[Any]) -> dict[str, Any]:
    first = rows[-1]
    fractions = [(r.percent or 0.0, (r.awarded / r.points) if r.points else 0.0) for r in rows]
    attempts = len(fractions)
    facility = sum(f for _, f in fractions) / attempts
    discrimination = discrimination_index(fractions)
    return {
        "question_id": first.question_id,
        "question_key": first.question_key,
        "topic": first.topic,
        "type": first.type,
        "difficulty": first.difficulty,
        "attempts": attempts,
        "facility": round(facility, 3),
        "discrimination": None if discrimination is None else round(discrimination, 3),
        "flags": flags(attempts, facility, discrimination),
    }


def discrimination_index(pairs: list[tuple[float, float]]) -> float | None:
    """Mean item fraction of the upper 27% minus the lower 27%, ranked by session percent."""
    if len(pairs) < 2:
        return None
    ranked = sorted(pairs, key=lambda p: p[0], reverse=True)
    group = max(1, math.ceil(GROUP_FRACTION * len(ranked)))
    upper = sum(f for _, f in ranked[:group]) / group
    lower = sum(f for _, f in ranked[-group:]) / group
    return upper - lower


def flags(attempts: int, facility: float, discrimination: float | None) -> list[str]:
    """Which warnings a question earns (none until enough attempts make them meaningful)."""
    if attempts < MIN_ATTEMPTS_FOR_FLAGS:
        return ["insufficient_data"]
    found = []
    if facility >= TOO_EASY:
        found.append("too_easy")
    if facility <= TOO_HARD:
        found.append("too_hard")
    if discrimination is not None and discrimination < LOW_DISCRIMINATION:
        found.append("not_discriminating")
    return found
