"""Regressions found by fuzzing the quiz API against its own OpenAPI document."""

from __future__ import annotations

import pytest

from .conftest import Candidate

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("page", [10**19, 2**63, 1_000_001])
def test_history_page_beyond_cap_is_422_problem(candidate: Candidate, page: int) -> None:
    response = candidate.get(f"/sessions?page={page}")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "page" in response.get_json()["errors"]


def test_history_last_allowed_page_is_empty(candidate: Candidate) -> None:
    response = candidate.get("/sessions?page=1000000&per_page=100")
    assert response.status_code == 200
    assert response.get_json()["items"] == []


def test_unknown_topic_is_422_naming_it_and_creates_nothing(candidate: Candidate, upstream) -> None:
    upstream.unknown_topics = {"no-such-topic"}
    response = candidate.start(
        topics=["routing", "no-such-topic"], question_count=4, time_limit_s=600
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.get_json()["errors"] == {"topics": ["Unknown topic 'no-such-topic'."]}
    assert candidate.get("/sessions").get_json()["total"] == 0


def test_other_draw_refusal_stays_502_without_upstream_body(candidate: Candidate, upstream) -> None:
    upstream.fail_draw_with = 422
    response = candidate.start()
    assert response.status_code == 502 and response.mimetype == PROBLEM
    assert response.get_json()["detail"] == "The content service refused the draw."
