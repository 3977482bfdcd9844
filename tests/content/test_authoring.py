"""Authoring: create, replace, patch (version bumps), retire/restore, validation and roles."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from services.content.codec import canonical
from tests.content.conftest import make_question

URL = "/api/content/questions"


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", ""), ("put", "/x"), ("patch", "/x"), ("delete", "/x"), ("get", "/x/source")],
)
def test_authoring_needs_token_then_author_role(
    client: FlaskClient, auth, method: str, path: str
) -> None:
    call = getattr(client, method)
    anonymous = call(f"{URL}{path}", json={})
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"
    assert call(f"{URL}{path}", json={}, headers=auth.candidate).status_code == 403
    assert call(f"{URL}{path}", json={}, headers=auth.service).status_code == 403


@pytest.mark.parametrize("qtype", ["single", "multi", "true_false", "short", "explain"])
def test_create_question_of_each_type(client: FlaskClient, sample, auth, qtype: str) -> None:
    payload = make_question(
        qtype, key=f"routing-new-{qtype.replace('_', '-')}", prompt=f"A brand new {qtype} prompt?"
    )
    response = client.post(URL, json=payload, headers=auth.author)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version"] == 1 and body["type"] == qtype and body["id"]
    source = client.get(f"{URL}/{body['id']}/source", headers=auth.author).get_json()
    assert {k: source[k] for k in payload} == {k: canonical(payload)[k] for k in payload}


def test_admin_can_author(client: FlaskClient, sample, auth) -> None:
    payload = make_question("single", key="routing-by-admin", prompt="Admin made this?")
    assert client.post(URL, json=payload, headers=auth.headers("admin")).status_code == 201


def test_create_without_key_generates_one(client: FlaskClient, sample, auth) -> None:
    payload = make_question("true_false", key=None, prompt="Keys are optional for authors?")
    body = client.post(URL, json=payload, headers=auth.author).get_json()
    assert body["key"].startswith("routing-")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"type": "single", "options": [{"text": "a", "correct": True}, {"text": "b"}]},
            "options.1.why",
        ),
        (
            {
                "type": "single",
                "options": [
                    {"text": "a", "correct": True, "why": "w"},
                    {"text": "b", "correct": True, "why": "w"},
                ],
            },
            "options",
        ),
        ({"type": "explain", "rubric": [{"point": "p", "keywords": ["k"]}]}, "rubric"),
        ({"type": "true_false", "answer": None}, "answer"),
        ({"difficulty": "expert"}, "difficulty"),
        ({"topic": "astrology"}, "topic"),
        ({"model_answer": ""}, "model_answer"),
        ({"prompt": "Which function builds a URL?"}, "prompt"),  # duplicate of a stored prompt
        ({"key": "routing-url-for"}, "key"),  # already used
        ({"colour": "red"}, "colour"),
        ({"options": "not a list"}, "options"),
    ],
)
def test_create_invalid_question_is_422_with_field_errors(
    client: FlaskClient, sample, auth, changes: dict[str, Any], field: str
) -> None:
    payload = make_question(
        changes.get("type", "single"), key="routing-invalid", prompt="A fresh prompt?"
    )
    payload.update(changes)
    payload = {k: v for k, v in payload.items() if v is not None}
    response = client.post(URL, json=payload, headers=auth.author)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
    assert client.get(f"{URL}?per_page=100").get_json()["total"] == 10


def _id(client: FlaskClient, key: str) -> str:
    items = client.get(f"{URL}?per_page=100").get_json()["items"]
    return next(i["id"] for i in items if i["key"] == key)


def test_put_replaces_and_bumps_version_only_on_change(client: FlaskClient, sample, auth) -> None:
    qid = _id(client, "routing-url-for")
    source = client.get(f"{URL}/{qid}/source", headers=auth.author).get_json()
    for extra in ("id", "version", "retired"):
        source.pop(extra)
    same = client.put(f"{URL}/{qid}", json=source, headers=auth.author)
    assert same.status_code == 200 and same.get_json()["version"] == 1
    changed = client.put(
        f"{URL}/{qid}", json={**source, "prompt": "Which helper builds URLs?"}, headers=auth.author
    )
    assert changed.get_json()["version"] == 2
    assert changed.get_json()["prompt"] == "Which helper builds URLs?"


def test_put_invalid_is_422_and_changes_nothing(client: FlaskClient, sample, auth) -> None:
    qid = _id(client, "routing-url-for")
    payload = make_question("single", key="routing-url-for", options=[{"text": "only"}])
    response = client.put(f"{URL}/{qid}", json=payload, headers=auth.author)
    assert response.status_code == 422 and "options" in response.get_json()["errors"]
    assert client.get(f"{URL}/{qid}").get_json()["prompt"] == "Which function builds a URL?"


def test_patch_changes_fields_and_bumps_version(client: FlaskClient, sample, auth) -> None:
    qid = _id(client, "routing-explain")
    response = client.patch(f"{URL}/{qid}", json={"difficulty": "mid"}, headers=auth.author)
    assert response.status_code == 200
    assert response.get_json()["difficulty"] == "mid" and response.get_json()["version"] == 2
    again = client.patch(f"{URL}/{qid}", json={"difficulty": "mid"}, headers=auth.author)
    assert again.get_json()["version"] == 2


def test_patch_type_change_needs_new_type_fields(client: FlaskClient, sample, auth) -> None:
    qid = _id(client, "routing-explain")
    missing = client.patch(f"{URL}/{qid}", json={"type": "true_false"}, headers=auth.author)
    assert missing.status_code == 422 and "answer" in missing.get_json()["errors"]
    ok = client.patch(
        f"{URL}/{qid}", json={"type": "true_false", "answer": False}, headers=auth.author
    )
    assert ok.status_code == 200 and ok.get_json()["answer"] is False


def test_unknown_question_is_404_for_authors(client: FlaskClient, sample, auth) -> None:
    assert client.patch(f"{URL}/nope", json={}, headers=auth.author).status_code == 404
    assert client.delete(f"{URL}/nope", headers=auth.author).status_code == 404


def test_retire_then_restore_with_patch(client: FlaskClient, sample, auth) -> None:
    qid = _id(client, "security-csrf")
    assert client.delete(f"{URL}/{qid}", headers=auth.author).status_code == 204
    assert client.get(f"{URL}?topic=security").get_json()["total"] == 4
    restored = client.patch(f"{URL}/{qid}", json={"retired": False}, headers=auth.author)
    assert restored.status_code == 200 and restored.get_json()["version"] == 1
    assert client.get(f"{URL}?topic=security").get_json()["total"] == 5
