"""An answer saved while the session is being finalised is either scored or refused, never
stored after the score was computed without it (on SQLite, which has no row locks, too)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from services.quiz import sessions
from services.quiz.extensions import db

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

    def submit_in_between(*args: Any) -> Any:
        # After the save has checked the answer, before its write: the candidate's other tab
        # submits, and finishes first (the save holds no lock yet).
        thread = threading.Thread(target=lambda: submits.append(submitter.submit(session["id"])))
        thread.start()
        thread.join(2.0)
        threads.append(thread)
        return check_answer(*args)

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
    # The submit finished before the write, which found the session closed.
    assert saved.status_code == 409


def test_a_submit_arriving_while_an_answer_is_written_waits_and_scores_it(
    app: Flask, candidate: Candidate, db_backend: str
) -> None:
    started = candidate.start(topics=["routing"], question_count=5, time_limit_s=300)
    session = started.get_json()
    position = _short_question(session)
    submitter = Candidate(app.test_client(), candidate.minter, sub=candidate.sub)
    submits: list[Any] = []
    threads: list[threading.Thread] = []
    saver = threading.get_ident()

    def submit_after_the_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Between the save's update and its commit: the submit must wait for the session's
        # lock (PostgreSQL) or for the writer's turn (SQLite), then score the answer.
        writes_answer = statement.startswith("UPDATE quiz_session_questions")
        if threading.get_ident() != saver or not writes_answer:
            return
        thread = threading.Thread(target=lambda: submits.append(submitter.submit(session["id"])))
        thread.start()
        thread.join(2.0)
        threads.append(thread)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", submit_after_the_write)
    try:
        saved = candidate.put_answer(session["id"], position, "url_for")
    finally:
        sa.event.remove(engine, "after_cursor_execute", submit_after_the_write)
    threads[0].join(30)

    assert saved.status_code == 200
    assert submits[0].status_code == 200
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    assert result["questions"][position - 1]["answer"] == "url_for"
    assert result["score"] == 1.0
