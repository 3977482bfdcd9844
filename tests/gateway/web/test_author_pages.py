"""Authoring: the question table, editing with field errors, retiring, import, statistics and
the review queue; candidates get 403."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import csrf_token, post_form


@pytest.fixture
def author(signed_in: FlaskClient, state: dict[str, Any]) -> FlaskClient:
    state["user"] = {"roles": ["candidate", "author"]}
    return signed_in


def test_candidates_may_not_author(signed_in: FlaskClient) -> None:
    for path in ("/author/questions", "/author/questions/q1/edit", "/author/stats"):
        assert signed_in.get(path).status_code == 403, path


def test_question_table_searches(author: FlaskClient, state: dict[str, Any]) -> None:
    html = author.get("/author/questions?q=route&topic=routing").get_data(as_text=True)
    assert state["questions_args"]["q"] == "route" and state["questions_args"]["topic"] == "routing"
    assert 'href="/author/questions/q1/edit"' in html and "45 questions" in html
    assert ">Authoring</a>" in html


def test_edit_form_is_filled_from_the_source(author: FlaskClient) -> None:
    html = author.get("/author/questions/q1/edit").get_data(as_text=True)
    assert 'value="@app.route"' in html and "No such decorator." in html
    assert "version 3" in html and "Retire this question" in html


def test_edit_errors_sit_next_to_their_fields(author: FlaskClient, state: dict[str, Any]) -> None:
    data = {
        "topic": "routing",
        "type": "single",
        "difficulty": "junior",
        "prompt": "Which decorator registers a view?",
        "options-0-text": "@app.route",
        "options-0-correct": "y",
        "options-1-text": "@app.view",
        "options-1-correct": "y",
        "model_answer": "Use app.route.",
        "explanation": "Because.",
    }
    response = post_form(author, "/author/questions/q1/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="options-1-why-error"' in html and "one-line reason why" in html
    assert "exactly one correct option" in html
    assert state["put_question"]["options"] == [
        {"text": "@app.route", "correct": True},
        {"text": "@app.view", "correct": True},
    ]
    assert "rubric" not in state["put_question"] and "accepted" not in state["put_question"]


def test_saving_a_valid_edit(author: FlaskClient, state: dict[str, Any]) -> None:
    data = {
        "topic": "routing",
        "type": "single",
        "difficulty": "junior",
        "prompt": "P?",
        "options-0-text": "A",
        "options-0-correct": "y",
        "options-1-text": "B",
        "options-1-why": "Not B.",
        "model_answer": "A.",
        "explanation": "E.",
        "tags": "x, y",
    }
    response = post_form(author, "/author/questions/q1/edit", data)
    assert response.status_code == 302 and response.location.endswith("/author/questions/q1/edit")
    assert state["put_question"]["tags"] == ["x", "y"]


def test_retire(author: FlaskClient, state: dict[str, Any]) -> None:
    html = author.get("/author/questions/q1/edit").get_data(as_text=True)
    token = csrf_token(html)
    response = author.post("/author/questions/q1/retire", data={"csrf_token": token})
    assert response.status_code == 302 and state["retired"] == "q1"


def test_import_reports_per_item_problems_and_skips(
    author: FlaskClient, state: dict[str, Any]
) -> None:
    token = csrf_token(author.get("/author/import").get_data(as_text=True))
    bad = author.post(
        "/author/import",
        data={
            "file": (io.BytesIO(b'{"questions": []}'), "bank.json"),
            "format": "json",
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    html = bad.get_data(as_text=True)
    assert "routing-x" in html and "Needs a why." in html and "options.1.why" in html
    gift = author.post(
        "/author/import",
        data={
            "file": (io.BytesIO(b"::a:: Q {=x}"), "bank.gift"),
            "format": "gift",
            "topic": "routing",
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    html = gift.get_data(as_text=True)
    assert "1 created" in html and "numerical" in html
    params, content_type, body = state["import"]
    assert params == {"format": "gift", "topic": "routing"}
    assert content_type.startswith("text/plain") and body == b"::a:: Q {=x}"


def test_statistics_and_flagged_filter(author: FlaskClient, state: dict[str, Any]) -> None:
    html = author.get("/author/stats?flagged=1").get_data(as_text=True)
    assert state["stats_args"]["flagged"] == "true"
    assert "routing-pick" in html and "too easy" in html and "95 %" in html


def test_review_queue_grades_per_key_point(author: FlaskClient, state: dict[str, Any]) -> None:
    html = author.get("/author/reviews").get_data(as_text=True)
    assert "Because the app context." in html
    response = author.post(
        "/author/reviews/s0/4",
        data={
            "point": ["Names the app context", "Says when it is pushed"],
            "verdict-0": "covered",
            "verdict-1": "missed",
            "csrf_token": csrf_token(html),
        },
    )
    assert response.status_code == 302
    assert state["graded"][2]["points"][1] == {
        "point": "Says when it is pushed",
        "verdict": "missed",
    }
