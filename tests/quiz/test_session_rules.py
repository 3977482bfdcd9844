"""The session and scoring rules as values: no app, no database, no HTTP, no Redis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.common.errors import ValidationFailed
from services.quiz.finalising import overdue, score_questions
from services.quiz.models import QuizSession, ScoreSource, SessionQuestion, SessionStatus
from services.quiz.question_types import TYPES, check_answer, source_when_finalised
from services.quiz.reviews import (
    NotReviewable,
    apply_verdicts,
    check_reviewable,
    check_verdicts,
    final_verdicts,
)
from services.quiz.score_totals import score_totals
from services.quiz.sessions import DeadlinePassed, SessionClosed, check_accepting

from .fakes import START, make_item

DEADLINE = START + dt.timedelta(minutes=10)


def _session(status: SessionStatus = SessionStatus.ACTIVE) -> QuizSession:
    return QuizSession(status=status, started_at=START, deadline=DEADLINE)


def _question(kind: str, answer: Any = None, topic: str = "routing") -> SessionQuestion:
    item = make_item(f"q-{kind}", topic, kind)
    return SessionQuestion(
        type=kind,
        topic=topic,
        points=1.0,
        options=[{"id": o["id"], "text": o["text"]} for o in item["options"]],
        answer_key=item["answer_key"],
        answer=answer,
    )


def _check(kind: str, answer: Any) -> Any:
    question = _question(kind)
    return check_answer(question.type, [o["id"] for o in question.options], answer)


def _verdicts(*verdicts: str) -> list[dict[str, str]]:
    points = ("RUBRIC-small core", "RUBRIC-extensions")
    return [{"point": p, "verdict": v} for p, v in zip(points, verdicts, strict=True)]


@pytest.mark.parametrize(
    ("status", "seconds_after_deadline", "refusal"),
    [
        (SessionStatus.ACTIVE, -60, None),
        (SessionStatus.ACTIVE, 5, None),  # within the grace
        (SessionStatus.ACTIVE, 5.5, DeadlinePassed),
        (SessionStatus.SUBMITTED, -60, SessionClosed),
        (SessionStatus.EXPIRED, -60, DeadlinePassed),
    ],
)
def test_answers_are_accepted_until_the_deadline_plus_grace(
    status, seconds_after_deadline, refusal
) -> None:
    now = DEADLINE + dt.timedelta(seconds=seconds_after_deadline)
    if refusal is None:
        check_accepting(_session(status), now, grace_s=5.0)
    else:
        with pytest.raises(refusal):
            check_accepting(_session(status), now, grace_s=5.0)


def test_only_an_active_session_past_deadline_plus_grace_is_overdue() -> None:
    late = DEADLINE + dt.timedelta(seconds=6)
    assert overdue(_session(), late, 5.0)
    assert not overdue(_session(), DEADLINE + dt.timedelta(seconds=5), 5.0)
    assert not overdue(_session(SessionStatus.SUBMITTED), late, 5.0)


@pytest.mark.parametrize(
    ("kind", "answer", "stored"),
    [
        ("single", "a", "a"),
        ("multi", ["b", "a"], ["a", "b"]),
        ("true_false", False, False),
        ("short", "url_for", "url_for"),
        ("explain", "text", "text"),
        ("single", None, None),
    ],
)
def test_answers_are_checked_by_their_type(kind, answer, stored) -> None:
    assert _check(kind, answer) == stored


@pytest.mark.parametrize(
    ("kind", "answer"),
    [("single", "z"), ("multi", ["a", "a"]), ("true_false", "true"), ("short", 3), ("explain", [])],
)
def test_answers_of_the_wrong_shape_are_refused(kind, answer) -> None:
    with pytest.raises(ValidationFailed):
        _check(kind, answer)


def test_every_type_has_one_entry_with_all_its_rules() -> None:
    assert set(TYPES) == {"single", "multi", "true_false", "short", "explain"}
    assert {name for name, rules in TYPES.items() if rules.has_options} == {"single", "multi"}
    assert {name for name, rules in TYPES.items() if rules.needs_verdict} == {"explain"}


@pytest.mark.parametrize(
    ("kind", "answer", "source"),
    [
        ("single", "a", ScoreSource.SERVER),
        ("short", "x", ScoreSource.SERVER),
        ("explain", "some text", ScoreSource.AUTO),
        ("explain", None, ScoreSource.SERVER),  # nothing to judge: zero, for certain
        ("explain", "", ScoreSource.SERVER),
    ],
)
def test_who_decides_the_points_at_finalising(kind, answer, source) -> None:
    assert source_when_finalised(kind, answer) is source


def test_finalising_scores_every_question_with_its_source() -> None:
    questions = [
        _question("short", "url_for"),
        _question("single", "b"),
        _question(
            "explain",
            "It is a micro framework, so the core that ships with it stays deliberately small "
            "and easy to read from end to end.",
            topic="blueprints",
        ),
    ]

    score_questions(questions)
    totals = score_totals(questions)

    assert [q.awarded for q in questions] == [1.0, 0.0, 0.5]
    assert [q.source for q in questions] == [ScoreSource.SERVER, ScoreSource.SERVER, "auto"]
    assert [q.feedback["correct"] for q in questions] == [True, False, None]
    assert totals["score"] == 1.5 and totals["max_score"] == 3.0 and totals["percent"] == 50.0
    assert totals["by_topic"] == {
        "routing": {"score": 1.0, "max_score": 2.0, "percent": 50.0},
        "blueprints": {"score": 0.5, "max_score": 1.0, "percent": 50.0},
    }
    assert totals["score_parts"] == {
        "server": {"score": 1.0, "max_score": 2.0},
        "auto": {"score": 0.5, "max_score": 1.0},
        "self": {"score": 0.0, "max_score": 0.0},
        "reviewer": {"score": 0.0, "max_score": 0.0},
    }


def test_a_self_review_replaces_the_suggestion_once() -> None:
    question = _question("explain", "It is a micro framework.")
    score_questions([question])

    changed = apply_verdicts(question, _verdicts("covered", "partly"), ScoreSource.SELF)
    repeated = apply_verdicts(question, _verdicts("covered", "partly"), ScoreSource.SELF)

    assert (changed, repeated) == (True, False)
    assert (question.awarded, question.source, question.feedback["correct"]) == (
        0.75,
        "self",
        False,
    )


def test_agreeing_with_the_suggestion_still_makes_the_score_final() -> None:
    question = _question("explain", "It is a micro framework.")
    score_questions([question])

    assert apply_verdicts(question, _verdicts("covered", "missed"), ScoreSource.SELF)
    assert (question.awarded, question.source) == (0.5, ScoreSource.SELF)


def test_a_reviewer_overrides_the_candidate_and_keeps_the_last_word() -> None:
    question = _question("explain", "It is a micro framework.")
    score_questions([question])
    apply_verdicts(question, _verdicts("covered", "covered"), ScoreSource.SELF)
    now = START + dt.timedelta(days=1)

    graded = apply_verdicts(
        question, _verdicts("missed", "missed"), ScoreSource.REVIEWER, "rev", now
    )
    later = apply_verdicts(question, _verdicts("partly", "covered"), ScoreSource.SELF)

    assert (graded, later) == (True, False)
    assert (question.awarded, question.source) == (0.0, ScoreSource.REVIEWER)
    assert final_verdicts(question) == _verdicts("missed", "missed")
    assert question.self_verdicts == _verdicts("partly", "covered")
    assert (question.reviewer_sub, question.reviewed_at) == ("rev", now)


def test_verdicts_need_every_key_point_exactly_once() -> None:
    question = _question("explain", "text")
    given = [
        {"point": "RUBRIC-extensions", "verdict": "missed"},
        {"point": "RUBRIC-small core", "verdict": "covered"},
    ]

    assert check_verdicts(question, given) == _verdicts("covered", "missed")  # rubric order
    with pytest.raises(ValidationFailed) as missing:
        check_verdicts(question, given[:1])
    with pytest.raises(ValidationFailed) as unknown:
        check_verdicts(question, [*given, {"point": "other", "verdict": "covered"}])
    with pytest.raises(ValidationFailed) as twice:
        check_verdicts(question, [*given, given[0]])

    assert missing.value.errors == {"points": {"missing": ["RUBRIC-small core"]}}
    assert unknown.value.errors == {"points": {"unknown": ["other"]}}
    assert twice.value.errors == {"points": {"repeated": ["RUBRIC-extensions"]}}


@pytest.mark.parametrize(("kind", "answer"), [("single", "a"), ("explain", None), ("explain", "")])
def test_objective_or_unanswered_questions_are_not_reviewable(kind, answer) -> None:
    with pytest.raises(NotReviewable):
        check_reviewable(_question(kind, answer))
