"""The quiz drawing from the real content service (its bank seeded), served on a local port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from services.common.testing import TokenMinter
from services.content import create_app as create_content_app
from services.content.bank import read_bank, seed
from services.content.extensions import db as content_db

from .conftest import Candidate, seeded_app
from .test_no_leak import assert_no_correctness_data


@pytest.fixture
def content_url(
    tmp_path: Path, minter: TokenMinter, redis_url: str, redis_prefix: str
) -> Iterator[str]:
    app = create_content_app(
        {
            **minter.app_config(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'content.db'}",
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": redis_prefix,
            "AUTH_JWKS_URL": None,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        content_db.create_all()
        seed(read_bank())
        content_db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    with app.app_context():
        content_db.engine.dispose()


@pytest.fixture
def quiz(app_config: dict[str, Any], content_url: str) -> Iterator[Flask]:
    yield from seeded_app({**app_config, "QUIZ_CONTENT_URL": content_url})


ANSWERS = {"single": None, "multi": None, "true_false": True, "short": "url_for", "explain": "x"}


@pytest.mark.parametrize("title", ["Flask fundamentals", "Full mock interview"])
def test_template_interview_against_the_real_bank(quiz: Flask, minter, title: str) -> None:
    user = Candidate(quiz.test_client(), minter)
    template = next(t for t in user.get("/templates").get_json()["items"] if t["title"] == title)

    started = user.start(template_id=template["id"])
    session = started.get_json()

    assert started.status_code == 201, session
    assert len(session["questions"]) == template["question_count"]
    assert_no_correctness_data(started, markers=())
    assert all(set(o) == {"id", "text"} for q in session["questions"] for o in q["options"])
    if template["difficulty"]:
        assert {q["difficulty"] for q in session["questions"]} == {template["difficulty"]}
    for question in session["questions"]:
        answer = ANSWERS[question["type"]]
        if question["type"] in ("single", "multi"):
            first = question["options"][0]["id"]
            answer = first if question["type"] == "single" else [first]
        saved = user.put_answer(session["id"], question["position"], answer)
        assert saved.status_code == 200, saved.get_json()
    assert user.submit(session["id"]).get_json()["status"] == "submitted"
    result = user.get(f"/sessions/{session['id']}/result").get_json()
    assert all(q["model_answer"] and q["explanation"] for q in result["questions"])
    assert all(q["correct_answer"] is not None for q in result["questions"])
