"""An answer saved while the session is being finalised is either scored or refused, never
stored after the score was computed without it (on SQLite, which has no row locks, too)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask

from services.quiz import sessions

from .conftest import Candidate


def _short_question(session: dict[str, Any]) -> int:
    return next(q["position"] for q in session["questions"] if q["type"] == "short")


def test_an_answer_racing_a_submit_is_scored_or_refused(
    app: Flask, candidate: Candidate, monkeypatch: pytest.MonkeyPatch, db_backend: str
) -> None:
    started = candidate.start(topics=["routing"], question_count=5, time_limit_s=300)
    session = started.get_json()
    position = _short_question(session)
    submitter = Candidate(app.test_client(), candidate.minter, sub=candidate.sub)
    submits: list[Any] = []
    threads: list[threading.Thread] = []
    check_answer = sessions.check_answer

    def submit_in_between(target: Any, answer: Any) -> Any:
        # Between the save's read of the session and its write: the candidate's other tab
        # submits. On PostgreSQL that submit waits for the save's row lock; on SQLite it
        # finishes first.
        thread = threading.Thread(target=lambda: submits.append(submitter.submit(session["id"])))
        thread.start()
        thread.join(2.0)
        threads.append(thread)
        return check_answer(target, answer)

    monkeypatch.setattr(sessions, "check_answer", submit_in_between)
    saved = candidate.put_answer(session["id"], position, "url_for")
    threads[0].join(30)

    assert submits[0].status_code == 200
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    question = result["questions"][position - 1]
    if saved.status_code == 200:
        # Saved first: the submit scored it.
        assert question["answer"] == "url_for"
        assert result["score"] == 1.0
    else:
        # Submitted first: the answer was refused and nothing was stored after scoring.
        assert saved.status_code == 409
        assert saved.content_type == "application/problem+json"
        assert saved.get_json()["type"].endswith("session-closed")
        assert question["answer"] is None
        assert result["score"] == 0.0
    expected = 409 if db_backend == "sqlite" else 200
    assert saved.status_code == expected
