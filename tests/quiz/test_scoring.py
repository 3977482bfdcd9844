"""Every scorer, by table (short and explain matching have their own files)."""

from __future__ import annotations

import pytest

from services.quiz.question_types import TYPES, score_answer


def test_registry_covers_every_question_type() -> None:
    assert set(TYPES) == {"single", "multi", "true_false", "short", "explain"}


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [("b", 1.0), ("a", 0.0), (["b"], 1.0), (None, 0.0), ("", 0.0)],
)
def test_single_is_all_or_nothing(answer, fraction) -> None:
    assert score_answer("single", answer, {"correct": ["b"]}).fraction == fraction


@pytest.mark.parametrize(
    ("answer", "key", "fraction"),
    [
        (True, True, 1.0),
        (False, True, 0.0),
        (False, False, 1.0),
        ("true", True, 0.0),
        (1, True, 0.0),
    ],
)
def test_true_false_is_all_or_nothing(answer, key, fraction) -> None:
    assert score_answer("true_false", answer, {"correct": key}).fraction == fraction


@pytest.mark.parametrize(
    ("answer", "fraction", "correct"),
    [
        (["a", "b", "c"], 1.0, True),  # every correct choice
        (["a", "b"], 2 / 3, False),  # two of three: +1/3 each
        (["a"], 1 / 3, False),
        (["a", "b", "d"], 1 / 3, False),  # a wrong choice costs 1/3
        (["a", "d"], 0.0, False),
        (["d", "e"], 0.0, False),  # floored at 0, never negative
        (["a", "b", "c", "d", "e"], 1 / 3, False),  # ticking everything is no strategy
        ([], 0.0, False),
    ],
)
def test_multi_gives_partial_credit(answer, fraction, correct) -> None:
    scored = score_answer("multi", answer, {"correct": ["a", "b", "c"]})

    assert scored.fraction == pytest.approx(fraction, abs=1e-6)
    assert scored.correct is correct


def test_multi_records_right_wrong_and_missed() -> None:
    scored = score_answer("multi", ["a", "d"], {"correct": ["a", "b"]})
    assert scored.detail == {"right": ["a"], "wrong": ["d"], "missed": ["b"]}


# Short answers: tests/quiz/test_short_answers.py; explain: test_explain_suggestions.py.
