"""Regressions found by fuzzing the content API against its own OpenAPI document."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient

URL = "/api/content/questions"


def _is_rfc3339(value: str) -> bool:
    return dt.datetime.fromisoformat(value).tzinfo is not None


def test_question_timestamps_carry_a_timezone_on_every_backend(
    client: FlaskClient, sample, auth
) -> None:
    listed = client.get(URL).get_json()["items"][0]
    one = client.get(f"{URL}/{listed['id']}").get_json()
    for body in (listed, one):
        assert _is_rfc3339(body["created_at"]) and _is_rfc3339(body["updated_at"]), body


def test_openapi_documents_errors_as_problem_json(client: FlaskClient) -> None:
    spec = client.get("/api/content/openapi.json").get_json()
    default = spec["paths"][URL + "/{question_id}"]["get"]["responses"]["default"]["$ref"]
    name = default.rsplit("/", 1)[-1]
    assert list(spec["components"]["responses"][name]["content"]) == ["application/problem+json"]


def test_patch_without_body_changes_nothing_as_documented(
    client: FlaskClient, sample, auth
) -> None:
    before = client.get(URL).get_json()["items"][0]
    response = client.patch(f"{URL}/{before['id']}", headers=auth.author)
    assert response.status_code == 200
    after = response.get_json()
    assert after["version"] == before["version"] and after["prompt"] == before["prompt"]
    spec = client.get("/api/content/openapi.json").get_json()
    assert spec["paths"][URL + "/{question_id}"]["patch"]["requestBody"].get("required") is False


def test_openapi_documents_question_enums_and_import_shape(client: FlaskClient) -> None:
    spec = client.get("/api/content/openapi.json").get_json()
    props = spec["components"]["schemas"]["QuestionIn"]["properties"]
    assert props["difficulty"]["enum"] == ["junior", "mid", "senior"]
    assert props["prompt"]["minLength"] == 1
    body = spec["paths"]["/api/content/import"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["required"] == ["questions"]
