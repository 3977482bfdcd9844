"""Every question type the quiz knows, described once: how an answer is checked, how it is
scored, who makes the score final, and what the result shows as the correct answer.

The rest of the service looks types up here (`question_type`); adding a type ("ordering",
"matching") is one entry below, with its checker in `answers`, its scorer in `scoring`, and
tests. Content has its own registry for authoring rules; the two agree on the type names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.common.errors import ValidationFailed

from . import answers, scoring
from .models import ScoreSource

AnswerCheck = Callable[[Any, Sequence[str]], Any]
KeyView = Callable[[Mapping[str, Any]], Any]


def _correct_options(key: Mapping[str, Any]) -> Any:
    return key.get("correct")


def _accepted(key: Mapping[str, Any]) -> Any:
    return key.get("accepted", [])


def _rubric_points(key: Mapping[str, Any]) -> Any:
    return [point["point"] for point in key.get("rubric", [])]


@dataclass(frozen=True)
class QuestionType:
    """The rules of one question type."""

    name: str
    check_answer: AnswerCheck  # the value to store, or raises `InvalidAnswer`
    score: scoring.Scorer
    correct_answer: KeyView  # what a full-marks answer is, shown in the result
    # Options are shuffled and relabelled per session, and shown with `correct`/`why`.
    has_options: bool = False
    # The machine only suggests a score (source `auto`); a person's verdict makes it final.
    needs_verdict: bool = False


TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        QuestionType(
            "single", answers.one_option, scoring.score_single, _correct_options, has_options=True
        ),
        QuestionType(
            "multi", answers.some_options, scoring.score_multi, _correct_options, has_options=True
        ),
        QuestionType("true_false", answers.boolean, scoring.score_true_false, _correct_options),
        QuestionType("short", answers.short_text, scoring.score_short, _accepted),
        QuestionType(
            "explain", answers.long_text, scoring.score_explain, _rubric_points, needs_verdict=True
        ),
    )
}


class UnknownQuestionType(ValidationFailed):
    """A question of a type this service does not know."""

    type_slug = "unknown-question-type"


def question_type(name: str) -> QuestionType:
    """The rules of question type `name`."""
    try:
        return TYPES[name]
    except KeyError:
        raise UnknownQuestionType(f"Unknown question type {name!r}.") from None


def check_answer(kind: str, option_ids: Sequence[str], answer: Any) -> Any:
    """The answer to store for a question of type `kind` with `option_ids` (None clears it), or
    raise `InvalidAnswer`."""
    if answer is None:
        return None
    return question_type(kind).check_answer(answer, option_ids)


def answered(answer: Any) -> bool:
    """False for no answer at all (never saved, cleared, empty text or empty choice)."""
    return not (answer is None or answer == "" or answer == [])


def score_answer(kind: str, answer: Any, answer_key: Mapping[str, Any]) -> scoring.Scored:
    """Score `answer` by the rules of `kind`; no answer earns nothing, for certain."""
    rules = question_type(kind)
    if not answered(answer):
        # A judged type still lists its key points, every one missed, for the result.
        detail = rules.score("", answer_key).detail if rules.needs_verdict else {}
        return scoring.Scored(0.0, False, {"answered": False, **detail})
    return rules.score(answer, answer_key)


def source_when_finalised(kind: str, answer: Any) -> ScoreSource:
    """Who decided the points at finalising: the server, or a provisional suggestion that
    awaits a person's verdict (an unanswered question needs none: it earns nothing)."""
    if question_type(kind).needs_verdict and answered(answer):
        return ScoreSource.AUTO
    return ScoreSource.SERVER
