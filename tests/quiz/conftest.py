"""Quiz test fixtures: a fresh app per test on SQLite and PostgreSQL, a manual clock, fake
upstreams for auth and content, and a helper that talks to the API as one user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import TokenMinter, fresh_tables
from services.quiz import create_app
from services.quiz.extensions import db
from services.quiz.interview_templates import seed_templates

from .fakes import FakeUpstream, ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def upstream(minter: TokenMinter) -> Iterator[FakeUpstream]:
    with FakeUpstream(minter).serve() as served:
        yield served


def quiz_config(
    database_url: str,
    minter: TokenMinter,
    clock: ManualClock,
    upstream_url: str,
    redis_url: str,
    redis_prefix: str,
    **extra: Any,
) -> dict[str, Any]:
    """A test configuration mapping for `create_app`."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        **minter.app_config(),
        "QUIZ_CLOCK": clock,
        "QUIZ_CONTENT_URL": upstream_url,
        "QUIZ_AUTH_URL": upstream_url,
        "QUIZ_CLIENT_SECRET": "test-secret",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@pytest.fixture
def app_config(
    database_url: str,
    minter: TokenMinter,
    clock: ManualClock,
    upstream: FakeUpstream,
    redis_url: str,
    redis_prefix: str,
) -> dict[str, Any]:
    return quiz_config(database_url, minter, clock, upstream.url, redis_url, redis_prefix)


def seeded_app(config: dict[str, Any]) -> Iterator[Flask]:
    """A quiz app on fresh tables with the templates seeded; tables dropped afterwards."""
    with fresh_tables(create_app(config), db) as app:
        with app.app_context():
            seed_templates()
        yield app


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    yield from seeded_app(app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Candidate:
    """Talks to the quiz API as one signed-in user."""

    client: FlaskClient
    minter: TokenMinter
    sub: str = "cand-1"
    roles: tuple[str, ...] = ("candidate",)

    @property
    def headers(self) -> dict[str, str]:
        return self.minter.headers(sub=self.sub, roles=self.roles)

    def start(self, **body: Any) -> Any:
        if not body:
            body = {"topics": ["routing", "blueprints"], "question_count": 6, "time_limit_s": 600}
        return self.client.post("/api/quiz/sessions", json=body, headers=self.headers)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(f"/api/quiz{path}", headers=self.headers, **kwargs)

    def put_answer(self, session_id: str, position: int, answer: Any) -> Any:
        return self.client.put(
            f"/api/quiz/sessions/{session_id}/answers/{position}",
            json={"answer": answer},
            headers=self.headers,
        )

    def submit(self, session_id: str) -> Any:
        return self.client.post(f"/api/quiz/sessions/{session_id}/submit", headers=self.headers)


@pytest.fixture
def candidate(client: FlaskClient, minter: TokenMinter) -> Candidate:
    return Candidate(client, minter)


@pytest.fixture
def other(client: FlaskClient, minter: TokenMinter) -> Candidate:
    return Candidate(client, minter, sub="cand-2")
