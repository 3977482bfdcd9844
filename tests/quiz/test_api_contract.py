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
