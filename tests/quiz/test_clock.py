"""The server's clock: answers before, within grace and after the deadline; expiry on access."""

from __future__ import annotations

import pytest

from .conftest import Candidate

TIME_LIMIT = 300
GRACE = 5


def _short_question(session: dict) -> int:
    return next(q["position"] for q in session["questions"] if q["type"] == "short")


@pytest.fixture
def session(candidate: Candidate) -> dict:
    return candidate.start(topics=["routing"], question_count=5, time_limit_s=TIME_LIMIT).get_json()


@pytest.mark.parametrize(
    ("elapsed", "status"),
    [
        (TIME_LIMIT - 1, 200),  # just before the deadline
        (TIME_LIMIT, 200),  # at the deadline
        (TIME_LIMIT + GRACE - 0.5, 200),  # in flight, within the grace
        (TIME_LIMIT + GRACE, 200),  # the last instant of grace
        (TIME_LIMIT + GRACE + 0.5, 409),  # too late
        (TIME_LIMIT + 3600, 409),
    ],
)
def test_answer_relative_to_deadline(candidate: Candidate, session, clock, elapsed, status) -> None:
    clock.advance(elapsed)

    response = candidate.put_answer(session["id"], _short_question(session), "url_for")

    assert response.status_code == status
    if status == 409:
        assert response.content_type == "application/problem+json"
        assert response.get_json()["type"].endswith("deadline-passed")


def test_answer_after_grace_is_not_stored(candidate: Candidate, session, clock) -> None:
    position = _short_question(session)
    candidate.put_answer(session["id"], position, "redirect")
    clock.advance(TIME_LIMIT + GRACE + 1)

    candidate.put_answer(session["id"], position, "url_for")

    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    assert result["status"] == "expired"
    assert result["questions"][position - 1]["answer"] == "redirect"
    assert result["questions"][position - 1]["awarded"] == 0.0


def test_answer_within_grace_counts(candidate: Candidate, session, clock) -> None:
    clock.advance(TIME_LIMIT + 2)
    candidate.put_answer(session["id"], _short_question(session), "url_for")

    submitted = candidate.submit(session["id"]).get_json()

    assert submitted["status"] == "submitted"
    assert submitted["score"] == 1.0


def test_get_overdue_session_finalises_it_as_expired(candidate: Candidate, session, clock) -> None:
    candidate.put_answer(session["id"], _short_question(session), "url_for")
    clock.advance(TIME_LIMIT + GRACE + 1)

    body = candidate.get(f"/sessions/{session['id']}").get_json()

    assert body["status"] == "expired"
    assert body["remaining_s"] == 0
    assert body["score"] == 1.0
    assert body["finalised_at"] == body["server_now"]


def test_submit_after_grace_finalises_as_expired(candidate: Candidate, session, clock) -> None:
    clock.advance(TIME_LIMIT + GRACE + 1)

    body = candidate.submit(session["id"]).get_json()

    assert body["status"] == "expired"


def test_remaining_time_counts_down(candidate: Candidate, session, clock) -> None:
    clock.advance(100.25)

    body = candidate.get(f"/sessions/{session['id']}").get_json()

    assert body["remaining_s"] == TIME_LIMIT - 100.25
    assert body["deadline"] == session["deadline"]


def test_history_does_not_finalise_on_read(candidate: Candidate, session, clock) -> None:
    clock.advance(TIME_LIMIT + GRACE + 1)

    listed = candidate.get("/sessions").get_json()["items"][0]

    assert listed["status"] == "active"
    assert listed["remaining_s"] == 0
