"""Regressions found by fuzzing the auth API against its own OpenAPI document."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_openapi_documents_the_jwks_response(client: FlaskClient) -> None:
    spec = client.get("/api/auth/openapi.json").get_json()
    ok = spec["paths"]["/api/auth/.well-known/jwks.json"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "keys" in spec["components"]["schemas"][ref]["properties"]
    body = client.get("/api/auth/.well-known/jwks.json")
    assert body.status_code == 200 and body.get_json()["keys"][0]["kty"] == "RSA"
    assert body.headers["Cache-Control"] == "public, max-age=60"


def test_openapi_documents_assignable_roles(client: FlaskClient) -> None:
    spec = client.get("/api/auth/openapi.json").get_json()
    roles = spec["components"]["schemas"]["Roles"]["properties"]["roles"]
    assert roles["items"]["enum"] == ["candidate", "author", "admin"] and roles["minItems"] == 1
