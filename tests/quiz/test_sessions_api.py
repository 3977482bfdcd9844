"""Starting, resuming, answering, submitting and reading results through the API."""

from __future__ import annotations

import pytest

from .conftest import Candidate
from .fakes import START


def test_start_from_template_returns_active_session_with_clock(candidate: Candidate) -> None:
    templates = candidate.get("/templates").get_json()["items"]
    fundamentals = next(t for t in templates if t["title"] == "Flask fundamentals")

    response = candidate.start(template_id=fundamentals["id"])

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "active"
    assert body["question_count"] == 10
    assert [q["position"] for q in body["questions"]] == list(range(1, 11))
    assert {q["difficulty"] for q in body["questions"]} == {"junior"}
    # The fake bank holds two of the template's topics: the draw stays inside them, balanced.
    assert {q["topic"] for q in body["questions"]} == {"fundamentals", "routing"}
    assert body["server_now"] == "2030-01-01T09:00:00+00:00"
    assert body["deadline"] == "2030-01-01T09:15:00+00:00"
    assert body["remaining_s"] == 900


def test_templates_list_has_the_four_seeded_interviews(client) -> None:
    items = client.get("/api/quiz/templates").get_json()["items"]

    assert [
        (t["title"], t["difficulty"], t["question_count"], t["time_limit_s"]) for t in items
    ] == [
        ("Flask fundamentals", "junior", 10, 900),
        ("Flask in production", "mid", 15, 1800),
        ("Senior Flask architecture", "senior", 20, 2700),
        ("Full mock interview", None, 25, 3600),
    ]


def test_start_custom_draws_balanced_across_topics(candidate: Candidate, upstream) -> None:
    body = candidate.start(
        topics=["routing", "blueprints"], difficulty="mid", question_count=6, time_limit_s=300
    ).get_json()

    topics = [q["topic"] for q in body["questions"]]
    assert sorted(topics) == ["blueprints"] * 3 + ["routing"] * 3
    assert upstream.draws[-1] == {
        "topics": ["blueprints", "routing"],
        "difficulty": "mid",
        "count": 6,
        "exclude_ids": [],
        # Content holds the drawn questions for this session until the deadline plus grace.
        "hold": {
            "candidate": "cand-1",
            "session_id": body["id"],
            "until": "2030-01-01T09:05:05+00:00",
        },
    }


def test_start_avoids_questions_from_recent_sessions(candidate: Candidate, upstream) -> None:
    first = candidate.start(topics=["routing"], question_count=3, time_limit_s=300).get_json()
    candidate.submit(first["id"])

    candidate.start(topics=["routing"], question_count=3, time_limit_s=300)

    assert len(upstream.draws[-1]["exclude_ids"]) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question_count": 0, "time_limit_s": 600}, "question_count"),
        ({"question_count": 51, "time_limit_s": 600}, "question_count"),
        ({"question_count": 5, "time_limit_s": 59}, "time_limit_s"),
        ({"question_count": 5, "time_limit_s": 4 * 3600 + 1}, "time_limit_s"),
        ({"question_count": 5}, "time_limit_s"),
        ({"question_count": 5, "time_limit_s": 600, "difficulty": "guru"}, "difficulty"),
        ({"question_count": 5, "time_limit_s": 600, "topics": ["Not A Slug"]}, "topics"),
        ({"question_count": "5", "time_limit_s": 600}, "question_count"),
    ],
)
def test_start_custom_outside_bounds_is_422(candidate: Candidate, body, field) -> None:
    response = candidate.start(**body)

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_start_unknown_template_is_404(candidate: Candidate) -> None:
    assert candidate.start(template_id="nope").status_code == 404


def test_start_needs_a_token(client) -> None:
    response = client.post("/api/quiz/sessions", json={"question_count": 3, "time_limit_s": 600})
    assert response.status_code == 401


def test_start_second_session_is_409_with_the_active_id(candidate: Candidate) -> None:
    first = candidate.start().get_json()

    response = candidate.start()

    assert response.status_code == 409
    assert response.get_json()["active_session_id"] == first["id"]


def test_start_after_the_active_one_expired_is_allowed(candidate: Candidate, clock) -> None:
    first = candidate.start().get_json()
    clock.advance(600 + 6)

    second = candidate.start()

    assert second.status_code == 201
    assert candidate.get(f"/sessions/{first['id']}").get_json()["status"] == "expired"


def test_start_several_sessions_when_rule_is_off(app_config, minter) -> None:
    from services.quiz import create_app
    from services.quiz.extensions import db

    app = create_app({**app_config, "QUIZ_ONE_ACTIVE_SESSION": False})
    with app.app_context():
        db.create_all()
        try:
            user = Candidate(app.test_client(), minter)
            assert user.start().status_code == 201
            assert user.start().status_code == 201
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_get_session_after_reload_shows_saved_answers(candidate: Candidate, clock) -> None:
    session = candidate.start().get_json()
    first = session["questions"][0]
    answer = first["options"][0]["id"] if first["options"] else "text"
    if first["type"] == "true_false":
        answer = True
    candidate.put_answer(session["id"], 1, answer)
    clock.advance(30)

    body = candidate.get(f"/sessions/{session['id']}").get_json()

    assert body["questions"][0]["answer"] == answer
    assert body["questions"][0]["saved_at"] == "2030-01-01T09:00:00+00:00"
    assert body["remaining_s"] == 570
    assert body["server_now"] == "2030-01-01T09:00:30+00:00"


def test_put_answer_is_idempotent_and_keeps_the_latest(candidate: Candidate, clock) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    short = next(q for q in session["questions"] if q["type"] == "short")

    first = candidate.put_answer(session["id"], short["position"], "url_for")
    again = candidate.put_answer(session["id"], short["position"], "url_for")
    clock.advance(10)
    changed = candidate.put_answer(session["id"], short["position"], "redirect")

    assert first.status_code == again.status_code == changed.status_code == 200
    assert first.get_json()["answer"] == again.get_json()["answer"] == "url_for"
    assert changed.get_json()["saved_at"] == "2030-01-01T09:00:10+00:00"
    assert changed.get_json()["remaining_s"] == 590
    stored = candidate.get(f"/sessions/{session['id']}").get_json()
    assert stored["questions"][short["position"] - 1]["answer"] == "redirect"


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single", "zz"),
        ("single", ["a"]),
        ("multi", "a"),
        ("multi", ["a", "a"]),
        ("true_false", "yes"),
        ("short", 42),
        ("explain", "x" * 5001),
    ],
)
def test_put_answer_of_the_wrong_shape_is_422(candidate: Candidate, kind, answer) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    question = next(q for q in session["questions"] if q["type"] == kind)

    response = candidate.put_answer(session["id"], question["position"], answer)

    assert response.status_code == 422
    assert "answer" in response.get_json()["errors"]


def test_put_answer_to_a_missing_position_is_404(candidate: Candidate) -> None:
    session = candidate.start().get_json()
    assert candidate.put_answer(session["id"], 99, "x").status_code == 404


@pytest.mark.parametrize("position", [0, 2**31, 16892971345594795687936])
def test_put_answer_to_a_position_past_any_column_is_404(
    candidate: Candidate, position: int
) -> None:
    session = candidate.start().get_json()
    response = candidate.put_answer(session["id"], position, "x")
    assert response.status_code == 404
    assert response.get_json()["detail"] == f"The session has no question {position}."


def test_submit_is_idempotent(candidate: Candidate, clock) -> None:
    session = candidate.start().get_json()
    first = candidate.submit(session["id"])
    clock.advance(5)
    second = candidate.submit(session["id"])

    assert first.status_code == second.status_code == 200
    assert first.get_json()["status"] == "submitted"
    assert first.get_json() | {"server_now": None} == second.get_json() | {"server_now": None}


def test_put_answer_after_submit_is_409_and_not_stored(candidate: Candidate) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    short = next(q for q in session["questions"] if q["type"] == "short")
    candidate.submit(session["id"])

    response = candidate.put_answer(session["id"], short["position"], "url_for")

    assert response.status_code == 409
    assert response.get_json()["type"].endswith("session-closed")
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    assert result["questions"][short["position"] - 1]["answer"] is None


def test_result_before_finalising_is_409(candidate: Candidate) -> None:
    session = candidate.start().get_json()
    response = candidate.get(f"/sessions/{session['id']}/result")
    assert response.status_code == 409


# Prose, long enough for the explain suggestion to judge (it gives nothing to a few words).
EXPLAIN_ANSWER = (
    "Flask is a micro framework with a small core, and you add what you need through plugins "
    "such as an ORM."
)


def test_result_after_submit_scores_each_question(candidate: Candidate) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    answers = {"short": "URL_for", "true_false": False, "explain": EXPLAIN_ANSWER}
    for question in session["questions"]:
        if question["type"] in answers:
            candidate.put_answer(session["id"], question["position"], answers[question["type"]])
    submitted = candidate.submit(session["id"]).get_json()

    result = candidate.get(f"/sessions/{session['id']}/result").get_json()

    by_type = {q["type"]: q for q in result["questions"]}
    assert by_type["short"]["awarded"] == 1.0
    assert by_type["true_false"]["awarded"] == 0.0
    assert by_type["true_false"]["correct_answer"] is True
    assert by_type["explain"]["awarded"] == 1.0
    assert by_type["explain"]["covered"] == ["RUBRIC-small core", "RUBRIC-extensions"]
    assert by_type["single"]["answer"] is None and by_type["single"]["awarded"] == 0.0
    assert by_type["single"]["model_answer"].startswith("MODEL-ANSWER")
    assert submitted["score"] == result["score"] == 2.0
    assert submitted["max_score"] == result["max_score"] == 5.0
    assert result["percent"] == 40.0
    assert result["by_topic"] == {"routing": {"score": 2.0, "max_score": 5.0, "percent": 40.0}}


def test_history_lists_own_sessions_newest_first(candidate: Candidate, other, clock) -> None:
    first = candidate.start().get_json()
    candidate.submit(first["id"])
    clock.advance(60)
    second = candidate.start().get_json()
    other.start()

    body = candidate.get("/sessions").get_json()

    assert body["total"] == 2
    assert [s["id"] for s in body["items"]] == [second["id"], first["id"]]
    assert [s["status"] for s in body["items"]] == ["active", "submitted"]
    assert body["items"][1]["score"] == 0.0
    assert body["items"][0]["server_now"] and body["items"][0]["remaining_s"] == 600


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("GET", "/result"), ("POST", "/submit"), ("PUT", "/answers/1")],
)
def test_someone_elses_session_is_404(candidate: Candidate, other, method, suffix) -> None:
    session = candidate.start().get_json()

    response = other.client.open(
        f"/api/quiz/sessions/{session['id']}{suffix}",
        method=method,
        json={"answer": None} if method == "PUT" else None,
        headers=other.headers,
    )

    assert response.status_code == 404
    assert candidate.get(f"/sessions/{session['id']}").get_json()["status"] == "active"


def test_session_times_are_utc_iso(candidate: Candidate) -> None:
    body = candidate.start().get_json()
    assert body["started_at"] == START.isoformat()
