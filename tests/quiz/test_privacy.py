"""Account deletion: the auth service asks the quiz service to forget a user."""

from __future__ import annotations

from flask import Flask

from services.quiz.extensions import db
from services.quiz.models import QuizSession, SessionQuestion
from services.quiz.privacy import without_echoes

from .conftest import Candidate


def _delete(client, minter, sub: str, roles: tuple[str, ...] = ("service",)):  # type: ignore[no-untyped-def]
    headers = minter.headers(sub="service:auth", roles=list(roles), scope="quiz:erase")
    return client.delete(f"/internal/users/{sub}/data", headers=headers)


# Covers one of the fake rubric's two points; long enough for the explain suggestion to judge.
PERSONAL_ANSWER = (
    "In my personal view Flask stays micro, and that is the main thing I like about working "
    "with it."
)


def test_delete_user_data_removes_active_and_anonymises_finalised(
    app: Flask, client, minter, candidate: Candidate, other: Candidate
) -> None:
    done = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    explain = next(q for q in done["questions"] if q["type"] == "explain")
    candidate.put_answer(done["id"], explain["position"], PERSONAL_ANSWER)
    candidate.submit(done["id"])
    running = candidate.start().get_json()
    other.start()

    response = _delete(client, minter, candidate.sub)

    assert response.status_code == 204
    with app.app_context():
        assert db.session.get(QuizSession, running["id"]) is None
        assert db.session.query(SessionQuestion).filter_by(session_id=running["id"]).count() == 0
        kept = db.session.get(QuizSession, done["id"])
        assert kept.user_sub.startswith("deleted:") and kept.score == 0.5
        answers = {q.type: q for q in kept.questions}
        assert answers["explain"].answer is None
        assert answers["explain"].awarded == 0.5
        # The suggestion's evidence quoted the answer; the points themselves stay.
        suggestions = answers["explain"].feedback["suggestions"]
        assert [s["evidence"] for s in suggestions] == [None, None]
        assert [s["suggestion"] for s in suggestions] == ["covered", "missed"]
        assert db.session.query(QuizSession).filter_by(user_sub=other.sub).count() == 1
    assert candidate.get("/sessions").get_json()["total"] == 0
    assert candidate.get(f"/sessions/{done['id']}").status_code == 404


def test_delete_user_data_keeps_a_reviewers_grades_without_their_name(
    app: Flask, client, minter, candidate: Candidate
) -> None:
    done = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    explain = next(q for q in done["questions"] if q["type"] == "explain")
    candidate.put_answer(done["id"], explain["position"], "It is a micro framework.")
    candidate.submit(done["id"])
    verdicts = [
        {"point": "RUBRIC-small core", "verdict": "covered"},
        {"point": "RUBRIC-extensions", "verdict": "missed"},
    ]
    reviewer = minter.headers(sub="leaving-reviewer", roles=["author"])
    client.put(
        f"/api/quiz/reviews/{done['id']}/{explain['position']}",
        json={"points": verdicts},
        headers=reviewer,
    )

    assert _delete(client, minter, "leaving-reviewer").status_code == 204

    with app.app_context():
        graded = db.session.query(SessionQuestion).filter_by(type="explain").one()
        assert (graded.source, graded.awarded, graded.reviewer_sub) == ("reviewer", 0.5, None)


def test_delete_user_data_without_data_is_204(client, minter) -> None:
    assert _delete(client, minter, "nobody").status_code == 204


def test_delete_user_data_needs_the_service_role(client, minter) -> None:
    assert _delete(client, minter, "cand-1", roles=("admin",)).status_code == 403
    assert client.delete("/internal/users/cand-1/data").status_code == 401


def test_delete_user_data_needs_the_quiz_erase_scope(client, minter) -> None:
    for scope in (None, "content:draw"):
        headers = minter.headers(sub="service:quiz", roles=["service"], scope=scope)
        response = client.delete("/internal/users/cand-1/data", headers=headers)
        assert response.status_code == 403, scope


def test_anonymising_drops_every_quote_of_the_answer() -> None:
    feedback = {
        "correct": None,
        "normalised": "my words",
        "covered": ["core"],
        "suggestions": [{"point": "core", "suggestion": "covered", "evidence": "My words."}],
    }

    kept = without_echoes(feedback)

    assert kept == {
        "correct": None,
        "covered": ["core"],
        "suggestions": [{"point": "core", "suggestion": "covered", "evidence": None}],
    }
