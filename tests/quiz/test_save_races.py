"""An answer saved while the session is being finalised is either scored or refused, never
stored after the score was computed without it (on SQLite, which has no row locks, too)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from services.quiz import sessions
from services.quiz.extensions import db

from .conftest import Candidate


def _short_question(session: dict[str, Any]) -> int:
    return next(q["position"] for q in session["questions"] if q["type"] == "short")


@dataclass
class OtherTab:
    """The candidate's other tab, submitting the session from a thread of its own."""

    candidate: Candidate
    session_id: str
    submits: list[Any] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def submit(self) -> None:
        """Start the submit and give it 2 s (it may be waiting for the save)."""
        thread = threading.Thread(target=lambda: self.submits.append(self._submit()))
        thread.start()
        thread.join(2.0)
        self.threads.append(thread)

    def _submit(self) -> Any:
        return self.candidate.submit(self.session_id)

    def submitted(self) -> Any:
        """The submit's response, once it has finished."""
        self.threads[0].join(30)
        return self.submits[0]


def _start(app: Flask, candidate: Candidate) -> tuple[dict[str, Any], int, OtherTab]:
    """A session, its short question's position, and a second tab of the same candidate."""
    started = candidate.start(topics=["routing"], question_count=5, time_limit_s=300)
    session = started.get_json()
    tab = Candidate(app.test_client(), candidate.minter, sub=candidate.sub)
    return session, _short_question(session), OtherTab(tab, session["id"])


def test_an_answer_racing_a_submit_is_scored_or_refused(
    app: Flask, candidate: Candidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, position, other_tab = _start(app, candidate)
    check_answer = sessions.check_answer

    def submit_in_between(*args: Any) -> Any:
        # After the save has checked the answer, before its write: the candidate's other tab
        # submits, and finishes first (the save holds no lock yet).
        other_tab.submit()
        return check_answer(*args)

    monkeypatch.setattr(sessions, "check_answer", submit_in_between)
    saved = candidate.put_answer(session["id"], position, "url_for")

    assert other_tab.submitted().status_code == 200
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
    app: Flask, candidate: Candidate
) -> None:
    session, position, other_tab = _start(app, candidate)
    saver = threading.get_ident()

    def submit_after_the_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Between the save's update and its commit: the submit must wait for the session's
        # lock (PostgreSQL) or for the writer's turn (SQLite), then score the answer.
        writes_answer = statement.startswith("UPDATE quiz_session_questions")
        if threading.get_ident() != saver or not writes_answer:
            return
        other_tab.submit()

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", submit_after_the_write)
    try:
        saved = candidate.put_answer(session["id"], position, "url_for")
    finally:
        sa.event.remove(engine, "after_cursor_execute", submit_after_the_write)

    assert saved.status_code == 200
    assert other_tab.submitted().status_code == 200
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    assert result["questions"][position - 1]["answer"] == "url_for"
    assert result["score"] == 1.0
