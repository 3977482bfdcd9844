"""The content service through nginx and the gateway, as a browser or API client sees it."""

from __future__ import annotations

import uuid

import pytest
import requests

from .support.client import TIMEOUT_S, get

pytestmark = pytest.mark.e2e


def test_topics_through_nginx_list_seeded_bank(stack) -> None:
    response = get(stack, "/api/content/topics")
    assert response.status_code == 200
    topics = response.json()
    assert len(topics) >= 16
    assert all(t["question_count"] >= 15 for t in topics)
    assert {"routing", "fundamentals"} <= {t["slug"] for t in topics}


def test_questions_through_nginx_filter_search_and_paginate(stack) -> None:
    page = get(stack, "/api/content/questions", params={"topic": "routing", "per_page": 5})
    assert page.status_code == 200
    body = page.json()
    assert body["total"] >= 15 and len(body["items"]) == 5 and body["per_page"] == 5
    item = body["items"][0]
    # Anonymous readers get the question without its solution; signed-in readers get both.
    assert item["prompt"] and "model_answer" not in item and "explanation" not in item
    one = get(stack, f"/api/content/questions/{item['id']}")
    assert one.status_code == 200 and one.json()["key"] == item["key"]
    signed_in = get(
        stack,
        f"/api/content/questions/{item['id']}",
        headers={"Authorization": f"Bearer {stack.admin_token()}"},
    )
    assert signed_in.json()["model_answer"] and signed_in.json()["explanation"]
    found = get(stack, "/api/content/questions", params={"q": "blueprint"})
    assert found.status_code == 200 and found.json()["total"] > 0
    past = get(stack, "/api/content/questions", params={"page": 1000})
    assert past.status_code == 200 and past.json()["items"] == []


def test_questions_bad_value_through_nginx_is_problem(stack) -> None:
    response = get(stack, "/api/content/questions", params={"per_page": 101})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "per_page" in response.json()["errors"]


def test_lists_keep_etag_and_answer_304_through_nginx(stack) -> None:
    first = get(stack, "/api/content/topics")
    etag = first.headers.get("ETag")
    assert etag and "max-age" in first.headers.get("Cache-Control", "")
    again = get(stack, "/api/content/topics", headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/internal/questions/draw"),
        ("POST", "/api/content/internal/questions/draw"),
        ("GET", "/internal/questions/draw"),
    ],
)
def test_internal_routes_are_not_reachable_through_nginx(stack, method: str, path: str) -> None:
    response = requests.request(
        method, f"{stack.base_url}{path}", json={"topics": [], "count": 1}, timeout=TIMEOUT_S
    )
    assert response.status_code == 404


def test_author_creates_exports_and_retires_through_nginx(stack) -> None:
    headers = {"Authorization": f"Bearer {stack.admin_token()}"}
    key = f"routing-e2e-{uuid.uuid4().hex[:8]}"
    question = {
        "key": key,
        "topic": "routing",
        "type": "true_false",
        "difficulty": "junior",
        "prompt": f"End-to-end check {key}: `url_for` builds URLs?",
        "answer": True,
        "model_answer": "True.",
        "explanation": "It builds URLs from endpoint names.",
    }
    created = requests.post(
        f"{stack.base_url}/api/content/questions", json=question, headers=headers, timeout=TIMEOUT_S
    )
    assert created.status_code == 201, created.text
    qid = created.json()["id"]
    exported = get(stack, "/api/content/export", params={"format": "json"}, headers=headers)
    assert exported.status_code == 200
    assert key in {q["key"] for q in exported.json()["questions"]}
    retired = requests.delete(
        f"{stack.base_url}/api/content/questions/{qid}", headers=headers, timeout=TIMEOUT_S
    )
    assert retired.status_code == 204
    assert get(stack, f"/api/content/questions/{qid}").status_code == 404


def test_authoring_without_token_is_401_through_nginx(stack) -> None:
    response = requests.post(f"{stack.base_url}/api/content/questions", json={}, timeout=TIMEOUT_S)
    assert response.status_code == 401
