"""The internal draw route the quiz service uses: balance, exclusions, 409, service role."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.content.conftest import make_question, seed

URL = "/internal/questions/draw"


def draw(client: FlaskClient, auth, **body) -> list[dict]:
    response = client.post(URL, json=body, headers=auth.service)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


@pytest.fixture
def bank(app: Flask) -> None:
    """Six questions in routing, six in security, two per difficulty each."""
    questions = []
    for topic in ("routing", "security"):
        for n in range(6):
            questions.append(
                make_question(
                    ("single", "multi", "true_false", "short", "explain", "single")[n],
                    key=f"{topic}-q{n}",
                    topic=topic,
                    difficulty=("junior", "mid", "senior")[n % 3],
                    prompt=f"{topic} question {n}?",
                )
            )
    seed(app, questions)


def test_draw_needs_service_role(client: FlaskClient, bank, auth) -> None:
    body = {"topics": [], "count": 1}
    assert client.post(URL, json=body).status_code == 401
    for headers in (auth.candidate, auth.author, auth.headers("admin")):
        assert client.post(URL, json=body, headers=headers).status_code == 403


def test_draw_items_follow_the_contract(client: FlaskClient, bank, auth) -> None:
    items = draw(client, auth, topics=["routing"], difficulty=None, count=6, exclude_ids=[])
    assert {i["key"] for i in items} == {f"routing-q{n}" for n in range(6)}
    by_type = {i["type"]: i for i in items}
    assert set(by_type["single"]) == {
        "id",
        "key",
        "version",
        "topic",
        "type",
        "difficulty",
        "prompt",
        "options",
        "answer_key",
        "model_answer",
        "explanation",
        "references",
    }
    assert by_type["single"]["options"][0] == {"id": "a", "text": "Right"}
    assert by_type["single"]["answer_key"] == {
        "correct": ["a"],
        "why": {"a": "Because.", "b": "Reason two.", "c": "Reason three."},
    }
    assert by_type["multi"]["answer_key"]["correct"] == ["a", "b"]
    assert by_type["true_false"] == {
        **by_type["true_false"],
        "options": [],
        "answer_key": {"correct": True},
    }
    assert by_type["short"]["answer_key"] == {"accepted": ["url_for"], "patterns": [r"\burl for\b"]}
    assert len(by_type["explain"]["answer_key"]["rubric"]) == 3


@pytest.mark.parametrize("count", [2, 5, 8, 12])
def test_draw_balances_round_robin_across_topics(
    client: FlaskClient, bank, auth, count: int
) -> None:
    items = draw(client, auth, topics=["routing", "security"], count=count)
    assert len(items) == count == len({i["id"] for i in items})
    per_topic = Counter(i["topic"] for i in items)
    assert abs(per_topic["routing"] - per_topic["security"]) <= 1


def test_draw_empty_topics_means_all(client: FlaskClient, bank, auth) -> None:
    items = draw(client, auth, topics=[], count=4)
    assert Counter(i["topic"] for i in items) == {"routing": 2, "security": 2}


def test_draw_filters_difficulty(client: FlaskClient, bank, auth) -> None:
    items = draw(client, auth, topics=[], difficulty="senior", count=4)
    assert {i["difficulty"] for i in items} == {"senior"}


def test_draw_mixed_difficulty_spans_levels(client: FlaskClient, bank, auth) -> None:
    items = draw(client, auth, topics=["routing"], count=3)
    assert {i["difficulty"] for i in items} == {"junior", "mid", "senior"}


def test_draw_prefers_questions_not_excluded(client: FlaskClient, bank, auth) -> None:
    first = draw(client, auth, topics=["routing"], count=4)
    second = draw(client, auth, topics=["routing"], count=2, exclude_ids=[i["id"] for i in first])
    assert not {i["id"] for i in second} & {i["id"] for i in first}
    third = draw(client, auth, topics=["routing"], count=6, exclude_ids=[i["id"] for i in first])
    assert len({i["id"] for i in third}) == 6  # excluded ones fill in when needed
    assert {i["id"] for i in third[:2]}.isdisjoint({i["id"] for i in first})


def test_draw_too_many_is_409_with_available(client: FlaskClient, bank, auth) -> None:
    response = client.post(
        URL, json={"topics": ["routing"], "count": 7, "exclude_ids": []}, headers=auth.service
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"].endswith("not-enough-questions") and body["available"] == 6


def test_draw_never_returns_retired(client: FlaskClient, bank, auth) -> None:
    ids = [i["id"] for i in draw(client, auth, topics=["routing"], count=6)]
    assert client.delete(f"/api/content/questions/{ids[0]}", headers=auth.author).status_code == 204
    for _ in range(3):
        assert ids[0] not in {i["id"] for i in draw(client, auth, topics=["routing"], count=5)}
    assert (
        client.post(URL, json={"topics": ["routing"], "count": 6}, headers=auth.service).status_code
        == 409
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topics": ["astrology"], "count": 1}, "topics"),
        ({"topics": [], "count": 0}, "count"),
        ({"topics": [], "count": 101}, "count"),
        ({"topics": []}, "count"),
        ({"topics": [], "count": 1, "difficulty": "expert"}, "difficulty"),
        ({"topics": "routing", "count": 1}, "topics"),
    ],
)
def test_draw_bad_request_is_422(client: FlaskClient, bank, auth, body: dict, field: str) -> None:
    response = client.post(URL, json=body, headers=auth.service)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_draw_needs_the_content_draw_scope(client: FlaskClient, bank, auth) -> None:
    body = {"topics": [], "count": 1}
    for scope in (None, "", "quiz:erase", "content:drawx"):
        headers = auth.minter.headers(sub="service:quiz", roles=["service"], scope=scope)
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code == 403, scope
        assert response.mimetype == "application/problem+json"
