"""Report test fixtures: the quiz's fake upstreams plus content's public study list, and
helpers to finish an interview and read its report row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, jsonify, request

from services.common.testing import TokenMinter
from services.quiz.extensions import db
from services.quiz.reports.models import Report

from ..conftest import Candidate
from ..fakes import FakeUpstream

BUILD = "quiz.build_report"


class StudyUpstream(FakeUpstream):
    """The fake upstreams, with content's `GET /api/content/questions` (anonymous study view)
    that can be made to fail (`study_fail_with`)."""

    def __init__(self, minter: TokenMinter) -> None:
        self.study_fail_with: int | None = None
        self.study_requests = 0
        super().__init__(minter)

    def _build(self) -> Flask:
        app = super()._build()

        @app.get("/api/content/questions")
        def study_list():  # type: ignore[no-untyped-def]
            self.study_requests += 1
            if self.study_fail_with:
                return jsonify(title="broken"), self.study_fail_with
            topic, difficulty = request.args.get("topic"), request.args.get("difficulty")
            items = [
                {k: q[k] for k in ("id", "topic", "type", "difficulty", "prompt")}
                for q in self.bank.values()
                if q["topic"] == topic and (difficulty is None or q["difficulty"] == difficulty)
            ]
            return jsonify(items=items, page=1, per_page=20, total=len(items))

        return app


@pytest.fixture
def upstream(minter: TokenMinter) -> Iterator[StudyUpstream]:
    with StudyUpstream(minter).serve() as served:
        yield served  # type: ignore[misc]


RIGHT = {
    "true_false": True,
    "short": "url_for",
    "explain": "Flask keeps a small core; extensions add the rest.",
}
WRONG = {"true_false": False, "short": "nope", "explain": "no idea"}


def finish_interview(candidate: Candidate, clock: Any, right: bool = True) -> str:
    """Start the default interview, answer every question (a minute apart) rightly or wrongly,
    submit; the session id. Wrong answers leave weak topics (the study plan asks content)."""
    session = candidate.start().get_json()
    for question in session["questions"]:
        clock.advance(60)
        options = question["options"]
        # Options are shuffled and relabelled: choose them by their text.
        chosen = [o["id"] for o in options if o["text"].startswith("Right") == right]
        answer = {"single": chosen[0] if chosen else None, "multi": chosen}.get(
            question["type"], (RIGHT if right else WRONG).get(question["type"])
        )
        saved = candidate.put_answer(session["id"], question["position"], answer)
        assert saved.status_code == 200, saved.get_json()
    clock.advance(30)
    assert candidate.submit(session["id"]).status_code == 200
    return str(session["id"])


def report_row(app: Flask, session_id: str) -> Report | None:
    """The stored report row, read afresh."""
    with app.app_context():
        db.session.expire_all()
        row = db.session.get(Report, session_id)
        if row is not None:
            db.session.expunge(row)
        return row


def build(app: Flask, session_id: str) -> Any:
    """Run the build task's body in this process."""
    return app.extensions["celery"].tasks[BUILD](session_id)
