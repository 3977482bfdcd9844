"""A session's score from its questions' points: the total, per topic and per source.

Values in, values out: the questions carry `awarded`, `points`, `topic` and `source`; the
result is what a `SessionScore` row holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from .models import ScoreSource


class ScoredQuestion(Protocol):
    """What totals need of a question."""

    topic: str
    points: float
    awarded: float | None
    source: ScoreSource | None


def percent(score: float, max_score: float) -> float:
    """`score` as a percent of `max_score`, two decimals (0 when nothing was at stake)."""
    return round(100.0 * score / max_score, 2) if max_score else 0.0


def _part(score: float, max_score: float) -> dict[str, float]:
    return {"score": round(score, 4), "max_score": round(max_score, 4)}


def score_totals(questions: Iterable[ScoredQuestion]) -> dict[str, Any]:
    """`score`, `max_score`, `percent`, `by_topic` and `score_parts` (every source, zeros
    included, so a reader never has to guess whether a part is missing or nothing)."""
    topics: dict[str, list[float]] = {}
    parts = {source.value: [0.0, 0.0] for source in ScoreSource}
    for question in questions:
        awarded = question.awarded or 0.0
        for bucket in (
            topics.setdefault(question.topic, [0.0, 0.0]),
            parts[(question.source or ScoreSource.SERVER).value],
        ):
            bucket[0] += awarded
            bucket[1] += question.points
    score = round(sum(s for s, _ in topics.values()), 4)
    max_score = float(sum(m for _, m in topics.values()))
    return {
        "score": score,
        "max_score": max_score,
        "percent": percent(score, max_score),
        "by_topic": {
            topic: {**_part(s, m), "percent": percent(round(s, 4), m)}
            for topic, (s, m) in topics.items()
        },
        "score_parts": {source: _part(s, m) for source, (s, m) in parts.items()},
    }
