"""Before a session is finalised, no quiz response contains correctness data."""

from __future__ import annotations

import json

from .conftest import Candidate

FORBIDDEN_KEYS = {
    "answer_key", "correct", "why", "rubric", "model_answer", "explanation", "accepted",
    "patterns", "correct_answer", "covered", "missed", "references", "source_id", "awarded",
    "feedback",
}  # fmt: skip
FORBIDDEN_TEXT = ("MODEL-ANSWER", "EXPLANATION", "WHY-", "RUBRIC-", "url_for", "url for")


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def assert_no_correctness_data(response, markers: tuple[str, ...] = FORBIDDEN_TEXT) -> None:
    """Neither a key nor a value of the body reveals what is correct."""
    text = response.get_data(as_text=True)
    body = json.loads(text) if text else None
    assert not (_keys(body) & FORBIDDEN_KEYS), _keys(body) & FORBIDDEN_KEYS
    for marker in markers:
        assert marker not in text, marker


def test_no_route_reveals_answers_before_finalising(candidate: Candidate, clock) -> None:
    started = candidate.start(topics=["routing"], question_count=5, time_limit_s=600)
    session = started.get_json()
    sid = session["id"]
    responses = [started, candidate.get("/templates"), candidate.get("/limits")]
    for question in session["questions"]:
        answer = {"single": "a", "multi": ["a"], "true_false": True}.get(question["type"], "text")
        responses.append(candidate.put_answer(sid, question["position"], answer))
    clock.advance(60)
    responses += [
        candidate.get(f"/sessions/{sid}"),
        candidate.get("/sessions"),
        candidate.get(f"/sessions/{sid}/result"),
        candidate.start(),  # 409: the active session
        candidate.put_answer(sid, 1, {"bad": "shape"}),  # 422
    ]

    assert [r.status_code for r in responses[-3:]] == [409, 409, 422]
    for response in responses:
        assert response.status_code < 500
        assert_no_correctness_data(response)


def test_option_ids_are_relabelled_per_session(candidate: Candidate, upstream) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()

    single = next(q for q in session["questions"] if q["type"] == "single")

    assert [o["id"] for o in single["options"]] == ["a", "b", "c", "d"]
    assert single["options"][-1]["text"] == "None of the above"
