"""The quiz drawing from the real content service (its bank seeded), served on a local port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from services.common.testing import TokenMinter, serve
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
    with serve(app) as url:
        yield url
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


def _words(prompt: str) -> str:
    """A search for a prompt: its plain words, as many as `q` takes (200 characters)."""
    plain = [w.strip(".,:;?!()\"'") for w in prompt.split()]
    words = " ".join(w for w in plain if w.isalpha())
    return words if len(words) <= 200 else words[:200].rsplit(" ", 1)[0]


def _study(content_url: str, prompt: str, headers: dict[str, str]) -> dict[str, Any]:
    """The study item whose prompt is `prompt`, found the way a candidate would: by searching."""
    response = requests.get(
        f"{content_url}/api/content/questions",
        params={"q": _words(prompt), "per_page": 100},
        headers=headers,
        timeout=5,
    )
    assert response.status_code == 200, response.text
    item = next(i for i in response.json()["items"] if i["prompt"] == prompt)
    by_id = requests.get(
        f"{content_url}/api/content/questions/{item['id']}", headers=headers, timeout=5
    )
    assert by_id.status_code == 200
    assert by_id.json() == item
    return item


def test_running_interview_holds_its_questions_on_the_real_content_service(
    quiz: Flask, content_url: str, minter
) -> None:
    user = Candidate(quiz.test_client(), minter)
    session = user.start(topics=["routing"], question_count=3, time_limit_s=600).get_json()
    prompts = [q["prompt"] for q in session["questions"]]

    for prompt in prompts:
        own = _study(content_url, prompt, user.headers)
        anonymous = _study(content_url, prompt, {})
        assert own["held_until"] and "model_answer" not in own and "explanation" not in own
        assert "model_answer" not in anonymous and "held_until" not in anonymous
        assert all(set(o) == {"id", "text"} for o in own["options"] + anonymous["options"])

    assert user.submit(session["id"]).get_json()["status"] == "submitted"

    for prompt in prompts:
        released = _study(content_url, prompt, user.headers)
        assert "held_until" not in released and released["model_answer"]
