"""Who sees answer fields on the study routes: signed-in callers only; caching never crosses
from one audience to another."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.content.conftest import make_question

URL = "/api/content/questions"
# Everything that states or explains an answer, at the question and at the option level.
ANSWER_FIELDS = {"answer", "accepted", "key_points", "model_answer", "explanation", "patterns"}
OPTION_ANSWER_FIELDS = {"correct", "why"}


def answer_fields(item: dict[str, Any]) -> set[str]:
    """The answer fields a study item carries (question and option level)."""
    found = ANSWER_FIELDS & set(item)
    for option in item.get("options", []):
        found |= OPTION_ANSWER_FIELDS & set(option)
    return found


def _by_key(response) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in response.get_json()["items"]}


def test_anonymous_list_shows_prompt_and_options_without_answers(
    client: FlaskClient, sample
) -> None:
    response = client.get(f"{URL}?per_page=100")

    assert response.status_code == 200
    items = _by_key(response)
    assert len(items) == 10
    assert all(answer_fields(item) == set() for item in items.values())
    single = items["routing-url-for"]
    assert single["prompt"] == "Which function builds a URL?"
    assert single["options"] == [
        {"id": "a", "text": "Right"},
        {"id": "b", "text": "Wrong"},
        {"id": "c", "text": "Wrong again"},
    ]
    assert "held_until" not in single


def test_anonymous_question_by_id_and_search_have_no_answers(client: FlaskClient, sample) -> None:
    found = client.get(f"{URL}?q=function+builds+URL").get_json()["items"]
    assert [item["key"] for item in found] == ["routing-url-for"]
    by_id = client.get(f"{URL}/{found[0]['id']}").get_json()

    assert answer_fields(found[0]) == set() and answer_fields(by_id) == set()
    assert by_id["prompt"] == "Which function builds a URL?"


@pytest.mark.parametrize("role", ["candidate", "author", "admin"])
def test_signed_in_callers_get_every_answer_field(
    client: FlaskClient, sample, auth, role: str
) -> None:
    items = _by_key(client.get(f"{URL}?per_page=100", headers=auth.headers(role)))

    assert items["routing-url-for"]["options"][0] == {
        "id": "a",
        "text": "Right",
        "correct": True,
        "why": "Because.",
    }
    assert items["routing-strict-slashes"]["answer"] is True
    assert items["security-header"]["accepted"] == ["X-Frame-Options"]
    assert items["routing-explain"]["key_points"] == ["Point 0", "Point 1", "Point 2"]
    assert all(item["model_answer"] and item["explanation"] for item in items.values())
    # Scoring internals stay out for everyone.
    assert all("patterns" not in item and "rubric" not in item for item in items.values())


def test_access_cookie_counts_as_signed_in(client: FlaskClient, sample, minter) -> None:
    client.set_cookie("access_token_cookie", minter.token(sub="cand-9"))

    item = _by_key(client.get(URL))["routing-strict-slashes"]

    assert item["answer"] is True and item["model_answer"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-jwt", "expired", "wrong-audience"],
)
def test_invalid_token_is_401_not_anonymous(
    client: FlaskClient, sample, minter, authorization: str
) -> None:
    if authorization == "expired":
        authorization = f"Bearer {minter.token(ttl_s=-60)}"
    elif authorization == "wrong-audience":
        authorization = f"Bearer {minter.token(aud='someone-else')}"
    qid = _by_key(client.get(URL))["routing-url-for"]["id"]

    for url in (URL, f"{URL}/{qid}", f"{URL}?q=url"):
        response = client.get(url, headers={"Authorization": authorization})
        assert response.status_code == 401, url
        assert response.mimetype == "application/problem+json"


def test_etag_and_cache_control_differ_by_audience(client: FlaskClient, sample, auth) -> None:
    qid = _by_key(client.get(URL))["routing-url-for"]["id"]
    for url in (URL, f"{URL}/{qid}"):
        anonymous = client.get(url)
        signed_in = client.get(url, headers=auth.candidate)
        other_user = client.get(url, headers=auth.headers("candidate", sub="cand-2"))

        assert "public" in anonymous.headers["Cache-Control"]
        assert signed_in.headers["Cache-Control"] == "private, no-store"
        for response in (anonymous, signed_in):
            assert {"Authorization", "Cookie"} <= set(response.vary)
        tags = {r.headers["ETag"] for r in (anonymous, signed_in, other_user)}
        assert len(tags) == 3
        # A tag from one audience never earns a 304 for another.
        crossed = client.get(
            url, headers={**auth.candidate, "If-None-Match": anonymous.headers["ETag"]}
        )
        assert crossed.status_code == 200 and "correct" in str(crossed.get_json())
        back = client.get(url, headers={"If-None-Match": signed_in.headers["ETag"]})
        assert back.status_code == 200 and answer_fields_of(back) == set()
        # Within one audience revalidation still works.
        same = client.get(
            url, headers={**auth.candidate, "If-None-Match": signed_in.headers["ETag"]}
        )
        assert same.status_code == 304


def answer_fields_of(response) -> set[str]:
    """Answer fields of a list or single-question response."""
    body = response.get_json()
    items = body.get("items", [body])
    return set().union(*(answer_fields(item) for item in items))


def test_topics_stay_publicly_cacheable(client: FlaskClient, sample, auth) -> None:
    response = client.get("/api/content/topics", headers=auth.candidate)
    assert "public" in response.headers["Cache-Control"]


def test_authoring_responses_carry_answers(client: FlaskClient, sample, auth) -> None:
    created = client.post(
        URL, json=make_question("true_false", key="routing-new-tf"), headers=auth.author
    )
    assert created.status_code == 201
    assert created.get_json()["answer"] is True and created.get_json()["model_answer"]
