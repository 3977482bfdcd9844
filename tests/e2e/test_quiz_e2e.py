"""A whole interview through nginx, and an abandoned one finalised by the beat sweep."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests

from .support.client import bearer, register_and_login
from .support.stack import Stack
from .support.waiting import wait_for

pytestmark = pytest.mark.e2e


def _sign_in(stack: Stack) -> dict[str, str]:
    _email, tokens = register_and_login(stack.base_url, prefix="e2e-quiz")
    return bearer(tokens["access_token"])


class Quiz:
    """The quiz API through nginx, as one signed-in candidate."""

    def __init__(self, stack: Stack, headers: dict[str, str]) -> None:
        self.base = f"{stack.base_url}/api/quiz"
        self.http = requests.Session()
        self.http.headers.update(headers)

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.http.request(method, f"{self.base}{path}", timeout=15, **kwargs)
        assert response.status_code == expect, response.text[:1000]
        return response.json()


def _answer_for(question: dict[str, Any]) -> Any:
    if question["type"] == "single":
        return question["options"][0]["id"]
    if question["type"] == "multi":
        return [question["options"][0]["id"]]
    if question["type"] == "true_false":
        return True
    if question["type"] == "short":
        return "url_for"
    return (
        "Flask keeps a small core on purpose, and you add the features your project needs "
        "through extensions such as an ORM or a login manager."
    )


def test_whole_interview_through_nginx(stack: Stack) -> None:
    quiz = Quiz(stack, _sign_in(stack))
    templates = quiz.call("GET", "/templates")["items"]
    fundamentals = next(t for t in templates if t["title"] == "Flask fundamentals")

    session = quiz.call("POST", "/sessions", 201, json={"template_id": fundamentals["id"]})
    sid, questions = session["id"], session["questions"]
    assert session["status"] == "active" and len(questions) == fundamentals["question_count"]
    assert {"server_now", "deadline", "remaining_s"} <= set(session)
    half = len(questions) // 2
    answers = {q["position"]: _answer_for(q) for q in questions}
    for position in list(answers)[:half]:
        saved = quiz.call(
            "PUT", f"/sessions/{sid}/answers/{position}", json={"answer": answers[position]}
        )
        assert saved["saved_at"]

    reloaded = quiz.call("GET", f"/sessions/{sid}")

    assert [q["answer"] for q in reloaded["questions"][:half]] == list(answers.values())[:half]
    assert all(q["answer"] is None for q in reloaded["questions"][half:])
    assert 0 < reloaded["remaining_s"] <= fundamentals["time_limit_s"]
    for position in list(answers)[half:]:
        quiz.call("PUT", f"/sessions/{sid}/answers/{position}", json={"answer": answers[position]})
    submitted = quiz.call("POST", f"/sessions/{sid}/submit")
    again = quiz.call("POST", f"/sessions/{sid}/submit")
    result = quiz.call("GET", f"/sessions/{sid}/result")

    assert submitted["status"] == again["status"] == "submitted"
    assert submitted["score"] == again["score"] == result["score"]
    assert result["max_score"] == len(questions)
    assert [q["answer"] for q in result["questions"]] == list(answers.values())
    assert all(q["model_answer"] and q["correct_answer"] is not None for q in result["questions"])
    late = quiz.http.put(f"{quiz.base}/sessions/{sid}/answers/1", json={"answer": None}, timeout=10)
    assert late.status_code == 409


def test_abandoned_interview_is_expired_by_the_sweep(stack: Stack) -> None:
    quiz = Quiz(stack, _sign_in(stack))
    limits = quiz.call("GET", "/limits")
    time_limit = limits["time_limit_s"]["min"]
    body = {"topics": [], "question_count": 2, "time_limit_s": time_limit, "title": "Abandoned"}
    session = quiz.call("POST", "/sessions", 201, json=body)
    quiz.call("PUT", "/sessions/{}/answers/1".format(session["id"]), json={"answer": None})

    # Walk away: no request touches the session again. Reading the history list never finalises
    # (only the session's own routes do, on access), so what it shows is the sweep's work. The
    # stack runs with a minimum time limit of seconds (QUIZ_MIN_TIME_LIMIT_S) and a quick sweep.
    deadline = time.monotonic() + time_limit + limits["grace_s"] + 30
    status = "active"
    while status == "active" and time.monotonic() < deadline:
        time.sleep(1)
        listed = quiz.call("GET", "/sessions")["items"]
        status = next(s["status"] for s in listed if s["id"] == session["id"])

    assert status == "expired"
    # The sweep commits before it logs its count (it releases the holds in between), so the
    # line may land a moment after the list shows the session expired.
    assert wait_for(lambda: _swept_any(stack.log("worker")), timeout_s=15), stack.log("worker")[
        -3000:
    ]
    assert "quiz.sweep_overdue_sessions" in stack.log("beat")


def _swept_any(worker_log: str) -> bool:
    swept = re.findall(r"sweep finalised (\d+) overdue session", worker_log)
    return any(int(count) >= 1 for count in swept)
