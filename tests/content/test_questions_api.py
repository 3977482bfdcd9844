"""Public study routes: topics, question lists (filters, sort, pages), one question, caching."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

URL = "/api/content/questions"


def keys(response) -> list[str]:
    return [item["key"] for item in response.get_json()["items"]]


def test_topics_lists_counts_of_active_questions(client: FlaskClient, sample, auth) -> None:
    client.delete(f"{URL}/{_id(client, 'security-csrf')}", headers=auth.author)
    body = client.get("/api/content/topics").get_json()
    assert [(t["slug"], t["question_count"]) for t in body] == [("routing", 5), ("security", 4)]
    assert body[0]["title"] == "Routing" and body[0]["description"] == "URLs and views."


def _id(client: FlaskClient, key: str) -> str:
    for item in client.get(f"{URL}?per_page=100").get_json()["items"]:
        if item["key"] == key:
            return item["id"]
    raise AssertionError(key)


def test_questions_list_is_paginated_study_view(client: FlaskClient, sample, auth) -> None:
    response = client.get(URL, headers=auth.candidate)
    body = response.get_json()
    assert response.status_code == 200
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 10)
    single = next(i for i in body["items"] if i["key"] == "routing-url-for")
    assert [o["id"] for o in single["options"]] == ["a", "b", "c"]
    assert single["options"][0] == {"id": "a", "text": "Right", "correct": True, "why": "Because."}
    assert single["model_answer"] and single["explanation"] and single["references"]
    assert "answer_key" not in single and "rubric" not in single


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "topic=security",
            {
                "security-csrf",
                "security-hashing",
                "security-autoescape",
                "security-header",
                "security-cookies",
            },
        ),
        ("difficulty=senior&topic=routing", {"routing-strict-slashes", "routing-explain"}),
        ("type=short", {"routing-converter-name", "security-header"}),
        ("tag=csrf", {"security-csrf"}),
        ("tag=nothing-has-this", set()),
        ("type=explain&difficulty=junior", {"security-hashing"}),
    ],
)
def test_questions_filters_select_matching(
    client: FlaskClient, sample, query: str, expected: set[str]
) -> None:
    response = client.get(f"{URL}?{query}&per_page=100")
    assert set(keys(response)) == expected
    assert response.get_json()["total"] == len(expected)


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("topic", "routing-url-for", "security-cookies"),
        ("-topic", "security-cookies", "routing-url-for"),
        ("key", "routing-converter-name", "security-header"),
        ("-key", "security-header", "routing-converter-name"),
    ],
)
def test_questions_sort_orders_items(
    client: FlaskClient, sample, sort: str, first: str, last: str
) -> None:
    order = keys(client.get(f"{URL}?sort={sort}&per_page=100"))
    assert (order[0], order[-1]) == (first, last)


def test_questions_sort_by_difficulty_goes_junior_to_senior(client: FlaskClient, sample) -> None:
    items = client.get(f"{URL}?sort=difficulty&per_page=100").get_json()["items"]
    levels = [i["difficulty"] for i in items]
    assert levels == sorted(levels, key=["junior", "mid", "senior"].index)
    descending = client.get(f"{URL}?sort=-difficulty&per_page=100").get_json()["items"]
    assert descending[0]["difficulty"] == "senior"


def test_questions_sort_by_created_follows_insertion(client: FlaskClient, app, sample) -> None:
    from tests.content.conftest import make_question, seed

    seed(app, [make_question("single", key="routing-newest", prompt="Newest question?")])
    assert keys(client.get(f"{URL}?sort=-created&per_page=1")) == ["routing-newest"]
    assert keys(client.get(f"{URL}?sort=created&per_page=100"))[-1] == "routing-newest"


def test_questions_pages_cover_every_item_once(client: FlaskClient, sample) -> None:
    seen: list[str] = []
    for page in (1, 2, 3, 4):
        body = client.get(f"{URL}?per_page=3&page={page}").get_json()
        assert body["total"] == 10
        seen += [i["key"] for i in body["items"]]
    assert len(seen) == len(set(seen)) == 10


def test_questions_page_past_end_is_empty_with_total(client: FlaskClient, sample) -> None:
    response = client.get(f"{URL}?page=50&per_page=5")
    assert response.status_code == 200
    assert response.get_json() == {"items": [], "page": 50, "per_page": 5, "total": 10}


def test_questions_per_page_at_cap_is_allowed(client: FlaskClient, sample) -> None:
    assert client.get(f"{URL}?per_page=100").status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("difficulty=expert", "difficulty"),
        ("type=essay", "type"),
        ("sort=popularity", "sort"),
        ("sort=relevance", "sort"),
        ("topic=astrology", "topic"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_questions_bad_values_are_problem_422(
    client: FlaskClient, sample, query: str, field: str
) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert field in body["errors"] and body["status"] == 422


def test_lists_carry_etag_and_answer_304(client: FlaskClient, sample) -> None:
    for url in ("/api/content/topics", f"{URL}?topic=routing"):
        first = client.get(url)
        assert first.headers["ETag"]
        assert "max-age=60" in first.headers["Cache-Control"]
        assert "public" in first.headers["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        other = client.get(url, headers={"If-None-Match": '"stale"'})
        assert other.status_code == 200


def test_etag_changes_when_bank_changes(client: FlaskClient, sample, auth) -> None:
    before = client.get(URL).headers["ETag"]
    client.delete(f"{URL}/{_id(client, 'routing-url-for')}", headers=auth.author)
    after = client.get(URL, headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_question_study_view_by_id(client: FlaskClient, sample, auth) -> None:
    qid = _id(client, "routing-strict-slashes")
    response = client.get(f"{URL}/{qid}", headers=auth.candidate)
    body = response.get_json()
    assert response.status_code == 200 and response.headers["ETag"]
    assert body["id"] == qid and body["type"] == "true_false" and body["answer"] is True
    explain = client.get(f"{URL}/{_id(client, 'routing-explain')}", headers=auth.candidate)
    assert explain.get_json()["key_points"] == ["Point 0", "Point 1", "Point 2"]
    short = client.get(f"{URL}/{_id(client, 'security-header')}", headers=auth.candidate).get_json()
    assert short["accepted"] == ["X-Frame-Options"] and "patterns" not in short


def test_question_unknown_id_is_404_problem(client: FlaskClient, sample) -> None:
    response = client.get(f"{URL}/does-not-exist")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_retired_question_hidden_from_public_visible_to_author(
    client: FlaskClient, sample, auth
) -> None:
    qid = _id(client, "routing-url-for")
    assert client.delete(f"{URL}/{qid}", headers=auth.author).status_code == 204
    assert "routing-url-for" not in keys(client.get(f"{URL}?per_page=100"))
    assert client.get(f"{URL}/{qid}").status_code == 404
    assert client.get(f"{URL}/{qid}", headers=auth.candidate).status_code == 404
    seen = client.get(f"{URL}/{qid}", headers=auth.author)
    assert seen.status_code == 200 and seen.get_json()["retired"] is True
    assert "no-store" in seen.headers["Cache-Control"]


def test_openapi_documents_every_route(client: FlaskClient) -> None:
    spec = client.get("/api/content/openapi.json").get_json()
    paths = spec["paths"]
    for path in (
        "/api/content/topics",
        "/api/content/questions",
        "/api/content/questions/{question_id}",
        "/api/content/export",
        "/api/content/import",
        "/internal/questions/draw",
    ):
        assert path in paths, sorted(paths)
    assert {"put", "patch", "delete", "get"} <= set(paths["/api/content/questions/{question_id}"])
