"""Explain answers: the candidate's review and a reviewer's grade make the score final."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from services.quiz.extensions import db
from services.quiz.models import QuizSession, SessionScore

from .conftest import Candidate

PROBLEM = "application/problem+json"
CORE, EXTENSIONS = "RUBRIC-small core", "RUBRIC-extensions"
# Covers the small core (keyword "micro"), not the extensions.
# Prose of a realistic length (the suggestion gives nothing to a few words) covering one point.
HALF_RIGHT = (
    "Flask is a micro framework, so the core that ships with it stays deliberately small and "
    "easy to read from end to end."
)


def _verdicts(core: str, extensions: str) -> dict[str, Any]:
    return {
        "points": [{"point": CORE, "verdict": core}, {"point": EXTENSIONS, "verdict": extensions}]
    }


def _finished(
    user: Candidate, explain_answer: str | None = HALF_RIGHT, **start: Any
) -> tuple[str, int]:
    """A submitted routing session with a right short answer and the given explain answer;
    returns its id and the explain question's position."""
    body = start or {"topics": ["routing"], "question_count": 5, "time_limit_s": 600}
    session = user.start(**body).get_json()
    by_type = {q["type"]: q["position"] for q in session["questions"]}
    user.put_answer(session["id"], by_type["short"], "url_for")
    if explain_answer is not None:
        user.put_answer(session["id"], by_type["explain"], explain_answer)
    assert user.submit(session["id"]).status_code == 200
    return session["id"], by_type["explain"]


def _review(user: Candidate, session_id: str, position: int, body: Any) -> Any:
    return user.client.put(
        f"/api/quiz/sessions/{session_id}/review/{position}", json=body, headers=user.headers
    )


def _grade(client, headers, session_id: str, position: int, body: Any) -> Any:  # type: ignore[no-untyped-def]
    return client.put(f"/api/quiz/reviews/{session_id}/{position}", json=body, headers=headers)


def _explain(result: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in result["questions"] if q["type"] == "explain")


def _score_versions(app: Flask, session_id: str) -> list[int]:
    with app.app_context():
        rows = db.session.query(SessionScore).filter_by(session_id=session_id)
        return sorted(r.version for r in rows)


@pytest.fixture
def reviewer(minter) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return minter.headers(sub="reviewer-1", roles=["author"])


def test_explain_score_is_provisional_until_reviewed(candidate: Candidate) -> None:
    session_id, _ = _finished(candidate)

    result = candidate.get(f"/sessions/{session_id}/result").get_json()

    explain = _explain(result)
    assert explain["source"] == "auto" and explain["correct"] is None
    assert explain["awarded"] == 0.5
    assert [p["suggestion"] for p in explain["key_points"]] == ["covered", "missed"]
    assert (
        explain["key_points"][0]["evidence"] is None
        or "micro" in explain["key_points"][0]["evidence"]
    )
    assert [p["verdict"] for p in explain["key_points"]] == [None, None]
    assert {q["source"] for q in result["questions"] if q["type"] != "explain"} == {"server"}
    assert result["provisional"] is True
    assert result["score_parts"]["auto"] == {"score": 0.5, "max_score": 1.0}
    assert result["score_parts"]["server"] == {"score": 1.0, "max_score": 4.0}
    assert (
        result["score_parts"]["self"]
        == result["score_parts"]["reviewer"]
        == {
            "score": 0.0,
            "max_score": 0.0,
        }
    )


def test_self_review_makes_the_score_final_and_recomputes_once(
    app: Flask, client, minter, candidate: Candidate
) -> None:
    session_id, position = _finished(candidate)
    author = minter.headers(sub="author", roles=["author"])
    stats_before = client.get("/api/quiz/stats/questions?topic=routing", headers=author).get_json()

    first = _review(candidate, session_id, position, _verdicts("covered", "partly"))
    again = _review(candidate, session_id, position, _verdicts("covered", "partly"))

    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    body = first.get_json()
    assert (body["source"], body["awarded"], body["correct"]) == ("self", 0.75, False)
    assert body["session"]["score"] == 1.75 and body["session"]["score_version"] == 2
    assert body["session"]["provisional"] is False
    result = candidate.get(f"/sessions/{session_id}/result").get_json()
    assert result["score"] == 1.75 and result["percent"] == 35.0
    assert result["by_topic"]["routing"] == {"score": 1.75, "max_score": 5.0, "percent": 35.0}
    assert result["score_parts"]["self"] == {"score": 0.75, "max_score": 1.0}
    assert result["score_parts"]["auto"] == {"score": 0.0, "max_score": 0.0}
    assert [p["verdict"] for p in _explain(result)["key_points"]] == ["covered", "partly"]
    history = candidate.get("/sessions").get_json()["items"][0]
    assert (history["score"], history["provisional"], history["score_version"]) == (1.75, False, 2)
    assert _score_versions(app, session_id) == [1, 2]  # exactly one recomputation
    stats_after = client.get("/api/quiz/stats/questions?topic=routing", headers=author).get_json()
    assert "explain" not in {i["type"] for i in stats_before["items"]}  # provisional: left out
    explain_stat = next(i for i in stats_after["items"] if i["type"] == "explain")
    assert (explain_stat["attempts"], explain_stat["facility"]) == (1, 0.75)


def test_a_changed_self_review_writes_the_next_version(app: Flask, candidate: Candidate) -> None:
    session_id, position = _finished(candidate)

    _review(candidate, session_id, position, _verdicts("covered", "partly"))
    body = _review(candidate, session_id, position, _verdicts("covered", "covered")).get_json()

    assert (body["awarded"], body["correct"], body["session"]["score_version"]) == (1.0, True, 3)
    assert _score_versions(app, session_id) == [1, 2, 3]


def test_reviewer_grade_overrides_self_review_and_a_later_self_review(
    app: Flask, client, candidate: Candidate, reviewer
) -> None:
    session_id, position = _finished(candidate)
    _review(candidate, session_id, position, _verdicts("covered", "covered"))

    graded = _grade(client, reviewer, session_id, position, _verdicts("partly", "missed"))
    later_self = _review(candidate, session_id, position, _verdicts("covered", "covered"))

    assert graded.status_code == later_self.status_code == 200
    assert (graded.get_json()["source"], graded.get_json()["awarded"]) == ("reviewer", 0.25)
    assert later_self.get_json()["source"] == "reviewer"
    assert later_self.get_json()["awarded"] == 0.25
    result = candidate.get(f"/sessions/{session_id}/result").get_json()
    points = _explain(result)["key_points"]
    assert [p["verdict"] for p in points] == ["partly", "missed"]
    assert [p["self_verdict"] for p in points] == ["covered", "covered"]
    assert [p["reviewer_verdict"] for p in points] == ["partly", "missed"]
    assert result["score"] == 1.25
    assert result["score_parts"]["reviewer"] == {"score": 0.25, "max_score": 1.0}
    assert _score_versions(app, session_id) == [1, 2, 3]  # the later self-review changed nothing


def test_reviewer_grade_is_idempotent(app: Flask, client, candidate: Candidate, reviewer) -> None:
    session_id, position = _finished(candidate)

    for _ in range(3):
        response = _grade(client, reviewer, session_id, position, _verdicts("covered", "missed"))
        assert response.status_code == 200

    assert _score_versions(app, session_id) == [1, 2]
    with app.app_context():
        assert db.session.get(QuizSession, session_id).score_version == 2


def test_no_explain_answer_is_correct_before_a_human_verdict(candidate: Candidate) -> None:
    session_id, position = _finished(
        candidate,
        "Flask is a micro framework, so the core that ships with it stays deliberately small. "
        "Extensions and plugins add the database layer, forms and the rest when an application "
        "needs them.",
    )

    result = candidate.get(f"/sessions/{session_id}/result").get_json()
    assert _explain(result)["correct"] is None
    assert _explain(result)["awarded"] == 1.0  # the suggestion credits both points

    reviewed = _review(candidate, session_id, position, _verdicts("covered", "covered"))
    assert reviewed.get_json()["correct"] is True


def test_review_queue_lists_answers_awaiting_a_reviewer_oldest_first(
    client, minter, clock, reviewer
) -> None:
    first = Candidate(client, minter, sub="first")
    second = Candidate(client, minter, sub="second")
    unanswered = Candidate(client, minter, sub="blank")
    old_id, old_position = _finished(first)
    clock.advance(60)
    new_id, new_position = _finished(second)
    _finished(unanswered, explain_answer=None)
    _review(second, new_id, new_position, _verdicts("covered", "covered"))

    queue = client.get("/api/quiz/reviews", headers=reviewer).get_json()

    assert queue["total"] == 2
    assert [(i["session_id"], i["source"]) for i in queue["items"]] == [
        (old_id, "auto"),
        (new_id, "self"),
    ]
    item = queue["items"][0]
    assert item["answer"] == HALF_RIGHT and item["model_answer"].startswith("MODEL-ANSWER")
    assert item["topic"] == "routing" and item["position"] == old_position
    assert [p["suggestion"] for p in item["key_points"]] == ["covered", "missed"]
    assert "user_sub" not in item and "first" not in str(item)

    _grade(client, reviewer, old_id, old_position, _verdicts("covered", "missed"))
    after = client.get("/api/quiz/reviews?per_page=1", headers=reviewer).get_json()
    assert (after["total"], after["per_page"], after["items"][0]["session_id"]) == (1, 1, new_id)


def test_review_queue_filters_by_topic_and_template(client, minter, reviewer) -> None:
    templates = client.get("/api/quiz/templates").get_json()["items"]
    junior = next(t for t in templates if t["slug"] == "flask-fundamentals")
    _finished(Candidate(client, minter, sub="custom"))
    from_template, _ = _finished(
        Candidate(client, minter, sub="templated"), template_id=junior["id"]
    )

    by_template = client.get(f"/api/quiz/reviews?template={junior['id']}", headers=reviewer)
    by_topic = client.get("/api/quiz/reviews?topic=blueprints", headers=reviewer)

    assert {i["session_id"] for i in by_template.get_json()["items"]} == {from_template}
    assert by_topic.get_json()["total"] == 0


def test_review_queue_needs_author_or_admin(client, minter) -> None:
    assert client.get("/api/quiz/reviews").status_code == 401
    candidate = minter.headers(sub="c", roles=["candidate"])
    assert client.get("/api/quiz/reviews", headers=candidate).status_code == 403
    admin = minter.headers(sub="a", roles=["admin"])
    assert client.get("/api/quiz/reviews", headers=admin).status_code == 200
    assert client.get("/api/quiz/reviews?per_page=101", headers=admin).status_code == 422


def test_review_before_finalising_is_409(client, candidate: Candidate, reviewer) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    position = next(q["position"] for q in session["questions"] if q["type"] == "explain")
    candidate.put_answer(session["id"], position, HALF_RIGHT)

    own = _review(candidate, session["id"], position, _verdicts("covered", "covered"))
    graded = _grade(client, reviewer, session["id"], position, _verdicts("covered", "covered"))

    for response in (own, graded):
        assert response.status_code == 409 and response.mimetype == PROBLEM
        assert response.get_json()["type"].endswith("review-not-open")
    assert candidate.get(f"/sessions/{session['id']}").get_json()["status"] == "active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"points": [{"point": CORE, "verdict": "covered"}]}, "points"),  # one point missing
        (
            {
                "points": [
                    {"point": CORE, "verdict": "covered"},
                    {"point": EXTENSIONS, "verdict": "covered"},
                    {"point": "not in the rubric", "verdict": "covered"},
                ]
            },
            "points",
        ),
        (
            {
                "points": [
                    {"point": CORE, "verdict": "covered"},
                    {"point": CORE, "verdict": "missed"},
                    {"point": EXTENSIONS, "verdict": "covered"},
                ]
            },
            "points",
        ),
        (_verdicts("covered", "mostly"), "points"),
        ({"points": "covered"}, "points"),
        ({"points": []}, "points"),
        ({}, "points"),
        ({"points": [{"point": CORE}]}, "points"),
    ],
)
def test_bad_review_body_is_422_problem_and_changes_nothing(
    app: Flask, client, candidate: Candidate, reviewer, body, field
) -> None:
    session_id, position = _finished(candidate)

    own = _review(candidate, session_id, position, body)
    graded = _grade(client, reviewer, session_id, position, body)

    for response in (own, graded):
        assert response.status_code == 422 and response.mimetype == PROBLEM
        assert field in response.get_json()["errors"]
    assert _score_versions(app, session_id) == [1]


def test_only_answered_explain_questions_are_reviewable(candidate: Candidate) -> None:
    session_id, _ = _finished(candidate, explain_answer=None)
    result = candidate.get(f"/sessions/{session_id}/result").get_json()
    single = next(q for q in result["questions"] if q["type"] == "single")
    explain = _explain(result)

    assert explain["source"] == "server" and explain["correct"] is False  # nothing to judge
    for position in (single["position"], explain["position"]):
        response = _review(candidate, session_id, position, _verdicts("covered", "covered"))
        assert response.status_code == 409 and response.mimetype == PROBLEM
        assert response.get_json()["type"].endswith("not-reviewable")


def test_review_of_someone_elses_or_a_missing_session_is_404(
    client, candidate: Candidate, other: Candidate, reviewer
) -> None:
    session_id, position = _finished(candidate)

    assert _review(other, session_id, position, _verdicts("covered", "covered")).status_code == 404
    assert _review(candidate, session_id, 99, _verdicts("covered", "covered")).status_code == 404
    assert _grade(client, reviewer, "nope", 1, _verdicts("covered", "covered")).status_code == 404


@pytest.mark.parametrize("body", [{"points": "bad"}, None, {"points": []}])
def test_anonymous_review_is_401_before_the_body_is_read(client, body) -> None:
    for url in ("/api/quiz/sessions/x/review/1", "/api/quiz/reviews/x/1"):
        response = client.put(url, json=body)
        assert response.status_code == 401 and response.mimetype == PROBLEM


def test_grading_needs_author_or_admin(client, minter, candidate: Candidate) -> None:
    session_id, position = _finished(candidate)

    response = _grade(
        client, candidate.headers, session_id, position, _verdicts("covered", "covered")
    )

    assert response.status_code == 403
