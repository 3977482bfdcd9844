"""After an interview through nginx, the worker builds its report; the PDF downloads through
nginx and reads back with the score and the topics."""

from __future__ import annotations

import io
import time
from typing import Any

import pypdf
import pytest

from .support.client import bearer, register_and_login
from .support.stack import Stack
from .test_quiz_e2e import Quiz, _answer_for

pytestmark = pytest.mark.e2e
REPORT_WAIT_S = 120


def _finished_interview(quiz: Quiz) -> str:
    templates = quiz.call("GET", "/templates")["items"]
    fundamentals = next(t for t in templates if t["title"] == "Flask fundamentals")
    session = quiz.call("POST", "/sessions", 201, json={"template_id": fundamentals["id"]})
    for question in session["questions"]:
        quiz.call(
            "PUT",
            f"/sessions/{session['id']}/answers/{question['position']}",
            json={"answer": _answer_for(question)},
        )
    quiz.call("POST", f"/sessions/{session['id']}/submit")
    return str(session["id"])


def _wait_for_report(quiz: Quiz, session_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + REPORT_WAIT_S
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = quiz.call("GET", f"/sessions/{session_id}/report")
        if body["status"] in ("ready", "failed"):
            return body
        time.sleep(0.5)
    pytest.fail(f"no report after {REPORT_WAIT_S} s: {body}")


def test_report_is_built_after_an_interview_and_its_pdf_downloads_through_nginx(
    stack: Stack,
) -> None:
    _email, tokens = register_and_login(stack.base_url, prefix="e2e-report")
    quiz = Quiz(stack, bearer(tokens["access_token"]))
    session_id = _finished_interview(quiz)

    report = _wait_for_report(quiz, session_id)

    assert report["status"] == "ready", report
    data, html = report["report"], report["html"]
    topics = [t["topic"] for t in data["topics"]]
    assert topics and data["overall"]["max_score"] == len(data["questions"])
    assert html.startswith('<section class="report"') and "<svg" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    response = quiz.http.get(f"{quiz.base}/sessions/{session_id}/report.pdf", timeout=60)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert data["overall"]["verdict"] in " ".join(text.split())
    for topic in topics:
        assert topic in text
    stranger = register_and_login(stack.base_url, prefix="e2e-report-other")[1]
    other = Quiz(stack, bearer(stranger["access_token"]))
    other.call("GET", f"/sessions/{session_id}/report.pdf", 404)
