"""Pure scorers, one per question type (the registry in `question_types` says which applies).

Each scorer takes the candidate's answer and the question's answer key (values only, no
database) and returns the fraction of the question's points earned plus what explains it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .explain_suggestions import COVERED, suggest_points, suggested_fraction
from .short_answers import normalise, short_answer_matches

MAX_TEXT_SCORED = 10_000


@dataclass(frozen=True)
class Scored:
    """The fraction (0..1) of a question's points earned, and the evidence for it. `correct`
    is None when the machine cannot tell (an explain answer before a person's verdict)."""

    fraction: float
    correct: bool | None
    detail: Mapping[str, Any] = field(default_factory=dict)


Scorer = Callable[[Any, Mapping[str, Any]], Scored]


def score_single(answer: Any, key: Mapping[str, Any]) -> Scored:
    """All or nothing: the one chosen option must be the correct one."""
    chosen = answer[0] if isinstance(answer, list) and len(answer) == 1 else answer
    correct = chosen in key.get("correct", [])
    return Scored(1.0 if correct else 0.0, correct, {"chosen": [chosen]})


def score_true_false(answer: Any, key: Mapping[str, Any]) -> Scored:
    """All or nothing."""
    correct = isinstance(answer, bool) and answer is key.get("correct")
    return Scored(1.0 if correct else 0.0, correct, {})


def score_multi(answer: Any, key: Mapping[str, Any]) -> Scored:
    """Partial credit: +1/k per correct choice, -1/k per wrong one, floored at 0 (k = number
    of correct options), so ticking every box earns no more than ticking none."""
    correct_ids = set(key.get("correct", []))
    chosen = set(answer if isinstance(answer, list) else [answer])
    k = len(correct_ids) or 1
    right, wrong = chosen & correct_ids, chosen - correct_ids
    fraction = max(0.0, (len(right) - len(wrong)) / k)
    return Scored(
        round(min(fraction, 1.0), 6),
        chosen == correct_ids,
        {"right": sorted(right), "wrong": sorted(wrong), "missed": sorted(correct_ids - chosen)},
    )


def score_short(answer: Any, key: Mapping[str, Any]) -> Scored:
    """All or nothing (rules in `short_answers`)."""
    text = str(answer)[:MAX_TEXT_SCORED]
    matched = short_answer_matches(text, key)
    return Scored(1.0 if matched else 0.0, matched, {"normalised": normalise(text)})


def score_explain(answer: Any, key: Mapping[str, Any]) -> Scored:
    """The key-point suggestion (rules in `explain_suggestions`): a provisional fraction of the
    rubric's points, with the sentence of the answer that is the evidence for each. Never
    `correct`: keywords cannot tell a right explanation from a wrong one in the right words."""
    rubric: Sequence[Mapping[str, Any]] = key.get("rubric", [])
    suggestions = suggest_points(
        str(answer)[:MAX_TEXT_SCORED], rubric, model_answer_words=key.get("model_answer_words")
    )
    return Scored(
        suggested_fraction(suggestions),
        None,
        {
            "covered": [s.point for s in suggestions if s.suggestion == COVERED],
            "missed": [s.point for s in suggestions if s.suggestion != COVERED],
            "suggestions": [s.as_dict() for s in suggestions],
        },
    )
