"""Drawing from the content service: the service token, and failures that leave nothing behind."""

from __future__ import annotations

import pytest
from flask import Flask

from infra.devstack.net import free_port
from services.quiz import create_app
from services.quiz.extensions import db
from services.quiz.models import QuizSession, SessionQuestion

from .conftest import Candidate


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return db.session.query(QuizSession).count(), db.session.query(SessionQuestion).count()


def test_content_down_is_503_and_creates_nothing(app_config, minter) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = create_app({**app_config, "QUIZ_CONTENT_URL": url})
    with app.app_context():
        db.create_all()
    try:
        response = Candidate(app.test_client(), minter).start()

        assert response.status_code == 503
        assert response.content_type == "application/problem+json"
        assert _counts(app) == (0, 0)
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_content_error_is_503_and_creates_nothing(
    candidate: Candidate, upstream, app, status
) -> None:
    upstream.fail_draw_with = status

    response = candidate.start()

    assert response.status_code == 503
    assert _counts(app) == (0, 0)
    upstream.fail_draw_with = None
    assert candidate.start().status_code == 201


def test_not_enough_questions_is_409_with_available(candidate: Candidate, app) -> None:
    response = candidate.start(
        topics=["routing"], difficulty="senior", question_count=6, time_limit_s=600
    )

    assert response.status_code == 409
    body = response.get_json()
    assert body["type"].endswith("not-enough-questions")
    assert body["available"] == 5
    assert _counts(app) == (0, 0)


def test_service_token_is_fetched_once_and_reused(candidate: Candidate, upstream) -> None:
    first = candidate.start().get_json()
    candidate.submit(first["id"])
    candidate.start()

    assert upstream.token_requests == 1
    assert len(upstream.draws) == 2


def test_auth_down_is_503(app_config, minter) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = create_app({**app_config, "QUIZ_AUTH_URL": url})
    with app.app_context():
        db.create_all()
    try:
        response = Candidate(app.test_client(), minter).start()
        assert response.status_code == 503
        assert _counts(app) == (0, 0)
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_token_cache_refreshes_before_expiry() -> None:
    from services.quiz.clients.content import ServiceTokens

    class FakeAuth:
        calls = 0

        def post(self, path: str, json: dict) -> object:
            FakeAuth.calls += 1

            class Response:
                def raise_for_status(self) -> None:
                    pass

                def json(self) -> dict:
                    return {"access_token": f"t{FakeAuth.calls}", "expires_in": 60}

            return Response()

    now = [0.0]
    tokens = ServiceTokens(FakeAuth(), "quiz", "s", monotonic=lambda: now[0])  # type: ignore[arg-type]

    assert tokens.get() == "t1"
    now[0] = 29.0
    assert tokens.get() == "t1"
    now[0] = 30.5  # within 30 s of expiry: refresh
    assert tokens.get() == "t2"
