"""The quiz service publishes its OpenAPI document and health routes."""

from __future__ import annotations


def test_openapi_documents_every_public_route(client) -> None:
    spec = client.get("/api/quiz/openapi.json").get_json()

    assert {
        "/api/quiz/templates",
        "/api/quiz/templates/{template_id}",
        "/api/quiz/limits",
        "/api/quiz/sessions",
        "/api/quiz/sessions/{session_id}",
        "/api/quiz/sessions/{session_id}/answers/{position}",
        "/api/quiz/sessions/{session_id}/submit",
        "/api/quiz/sessions/{session_id}/result",
        "/api/quiz/sessions/{session_id}/review/{position}",
        "/api/quiz/reviews",
        "/api/quiz/reviews/{session_id}/{position}",
        "/api/quiz/stats/questions",
    } <= set(spec["paths"])
    assert not any(path.startswith("/internal") for path in spec["paths"])


def test_health_and_readiness(client) -> None:
    assert client.get("/api/quiz/healthz").status_code == 200
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready"
    assert set(ready["checks"]) == {"database", "broker"}


def test_unknown_route_is_problem_json(client) -> None:
    response = client.get("/api/quiz/nope")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
