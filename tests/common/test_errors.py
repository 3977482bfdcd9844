"""Every error is problem+json with a request id and never a stack trace."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_unknown_route_is_problem_404(client):
    assert_problem(client.get("/nowhere"), 404)


def test_wrong_method_is_problem_405_with_allow(client):
    response = client.delete("/api/sample/items")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    "body",
    ['{"name": "x", "count": ', "not json at all", '{"name": "x",}'],
)
def test_malformed_json_is_problem_400(client, body):
    response = client.post("/api/sample/items", data=body, content_type="application/json")
    problem = assert_problem(response, 400)
    assert "JSON" in problem["detail"]


def test_validation_error_is_422_with_field_map(client):
    response = client.post("/api/sample/items", json={"name": 3})
    problem = assert_problem(response, 422)
    assert set(problem["errors"]) == {"name", "count"}


def test_domain_problem_keeps_status_and_extra_fields(client):
    response = client.post("/api/sample/items", json={"name": "taken", "count": 1})
    problem = assert_problem(response, 409)
    assert problem["detail"] == "That name is taken."
    assert problem["existing"] == "taken"


def test_unexpected_error_is_500_without_internals(client):
    response = client.get("/boom")
    problem = assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert problem["title"] == "Internal Server Error"


def test_success_passes_through(client):
    response = client.post("/api/sample/items", json={"name": "a", "count": 2})
    assert response.status_code == 201
    assert response.get_json() == {"name": "a", "count": 2}


def test_openapi_documents_error_responses_as_problem_json(client):
    spec = client.get("/api/sample/openapi.json").get_json()
    post = spec["paths"]["/api/sample/items"]["post"]["responses"]
    assert post["422"]["$ref"].endswith("/UNPROCESSABLE_ENTITY")
    responses = spec["components"]["responses"]
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        assert list(responses[name]["content"]) == [PROBLEM], name


def test_openapi_problem_schema_allows_extension_members(client):
    spec = client.get("/api/sample/openapi.json").get_json()
    assert spec["components"]["schemas"]["Problem"].get("additionalProperties") is not False
