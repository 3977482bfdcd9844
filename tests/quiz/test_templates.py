"""Templates: the seed command and admin edits."""

from __future__ import annotations

from flask import Flask

from services.quiz.extensions import db
from services.quiz.models import Template


def test_seed_templates_command_is_idempotent(app: Flask) -> None:
    runner = app.test_cli_runner()

    first = runner.invoke(args=["quiz", "seed-templates"])
    second = runner.invoke(args=["quiz", "seed-templates"])

    assert first.exit_code == second.exit_code == 0
    assert "0 created" in second.output
    with app.app_context():
        assert db.session.query(Template).count() == 4


def test_admin_edits_survive_reseeding(app: Flask, client, minter) -> None:
    admin = minter.headers(sub="boss", roles=["admin"])
    template = client.get("/api/quiz/templates").get_json()["items"][0]

    edited = client.patch(
        f"/api/quiz/templates/{template['id']}", json={"time_limit_s": 1200}, headers=admin
    )
    app.test_cli_runner().invoke(args=["quiz", "seed-templates"])

    assert edited.status_code == 200
    listed = client.get("/api/quiz/templates").get_json()["items"][0]
    assert listed["time_limit_s"] == 1200


def test_admin_creates_and_withdraws_a_template(client, minter) -> None:
    admin = minter.headers(sub="boss", roles=["admin"])
    body = {
        "slug": "routing-drill",
        "title": "Routing drill",
        "topics": ["routing"],
        "difficulty": "junior",
        "question_count": 5,
        "time_limit_s": 300,
    }

    created = client.post("/api/quiz/templates", json=body, headers=admin)
    withdrawn = client.patch(
        f"/api/quiz/templates/{created.get_json()['id']}", json={"active": False}, headers=admin
    )

    assert created.status_code == 201 and withdrawn.status_code == 200
    titles = [t["title"] for t in client.get("/api/quiz/templates").get_json()["items"]]
    assert "Routing drill" not in titles


def test_template_edits_need_admin(client, minter) -> None:
    author = minter.headers(sub="a", roles=["author"])
    body = {"slug": "x", "title": "X", "question_count": 5, "time_limit_s": 300}

    assert client.post("/api/quiz/templates", json=body, headers=author).status_code == 403
    assert client.patch("/api/quiz/templates/nope", json={}, headers=author).status_code == 403


def test_template_bounds_are_enforced(client, minter) -> None:
    admin = minter.headers(sub="boss", roles=["admin"])
    body = {"slug": "huge", "title": "Huge", "question_count": 500, "time_limit_s": 300}

    response = client.post("/api/quiz/templates", json=body, headers=admin)

    assert response.status_code == 422
    assert "question_count" in response.get_json()["errors"]


def test_duplicate_slug_is_409(client, minter) -> None:
    admin = minter.headers(sub="boss", roles=["admin"])
    body = {
        "slug": "flask-fundamentals",
        "title": "Again",
        "question_count": 5,
        "time_limit_s": 300,
    }

    assert client.post("/api/quiz/templates", json=body, headers=admin).status_code == 409


def test_limits_publish_custom_interview_bounds(client) -> None:
    body = client.get("/api/quiz/limits").get_json()

    assert body["time_limit_s"] == {"min": 60, "max": 14400}
    assert body["question_count"] == {"min": 1, "max": 50}
    assert body["grace_s"] == 5.0
