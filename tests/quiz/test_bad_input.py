"""NUL characters and deeply nested JSON are 400 problems on every quiz route, never 500s."""

from __future__ import annotations

import pytest

from .conftest import Candidate


def _assert_400(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_nul_in_saved_answer_is_400_and_saves_nothing(candidate: Candidate) -> None:
    session = candidate.start().get_json()

    _assert_400(candidate.put_answer(session["id"], 1, "url\u0000for"))

    saved = candidate.get(f"/sessions/{session['id']}").get_json()
    assert saved["questions"][0]["answer"] is None


@pytest.mark.parametrize(
    "path", ["/sessions/%00", "/sessions/%00/result", "/sessions?page=%00", "/templates?x=%00"]
)
def test_nul_in_path_or_query_is_400(candidate: Candidate, path: str) -> None:
    _assert_400(candidate.get(path))


@pytest.mark.timeout(30)
def test_deeply_nested_json_is_400(candidate: Candidate) -> None:
    session = candidate.start().get_json()
    for url in ("/api/quiz/sessions", f"/api/quiz/sessions/{session['id']}/answers/1"):
        response = candidate.client.open(
            url,
            method="POST" if url.endswith("sessions") else "PUT",
            data='{"answer": ' + "[" * 100_000,
            content_type="application/json",
            headers=candidate.headers,
        )
        _assert_400(response)
