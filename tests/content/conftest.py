"""Fixtures of the content tests: a fresh app per test on SQLite and PostgreSQL, tokens, data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import TokenMinter, fresh_tables
from services.content import create_app
from services.content.extensions import db
from services.content.store import save_questions, save_topics

TOPICS = [
    {"slug": "routing", "title": "Routing", "description": "URLs and views."},
    {"slug": "security", "title": "Security", "description": "Keeping apps safe."},
]


def make_question(qtype: str = "single", **overrides: Any) -> dict[str, Any]:
    """A valid bank-format question of `qtype`; `overrides` replace fields (None removes)."""
    base: dict[str, Any] = {
        "key": f"routing-sample-{qtype.replace('_', '-')}",
        "topic": "routing",
        "type": qtype,
        "difficulty": "junior",
        "prompt": f"Sample {qtype} question about url_for?",
        "model_answer": "The model answer.",
        "explanation": "Why the answer is right.",
        "references": ["Flask docs: Quickstart > URL Building"],
        "tags": ["sample"],
    }
    if qtype in ("single", "multi"):
        base["options"] = [
            {"text": "Right", "correct": True, "why": "Because."},
            {
                "text": "Also right" if qtype == "multi" else "Wrong",
                "correct": qtype == "multi",
                "why": "Reason two.",
            },
            {"text": "Wrong again", "why": "Reason three."},
        ]
    elif qtype == "true_false":
        base["answer"] = True
    elif qtype == "short":
        base["prompt"] = "Sample short question: which helper builds a link to an endpoint?"
        base["accepted"] = ["url_for"]
        base["patterns"] = [r"\burl for\b"]
    elif qtype == "explain":
        base["rubric"] = [
            {"point": f"Point {n}", "keywords": [f"word{n}", f"synonym{n}"]} for n in range(3)
        ]
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@dataclass
class Auth:
    """Authorization headers for each role."""

    minter: TokenMinter

    def headers(self, *roles: str, sub: str = "user-1") -> dict[str, str]:
        """A bearer header for a token holding `roles`."""
        return self.minter.headers(sub=sub, roles=list(roles))

    @property
    def author(self) -> dict[str, str]:
        return self.headers("author", sub="author-1")

    @property
    def candidate(self) -> dict[str, str]:
        return self.headers("candidate", sub="cand-1")

    @property
    def service(self) -> dict[str, str]:
        return self.minter.headers(sub="service:quiz", roles=["service"], scope="content:draw")


@pytest.fixture
def app(
    database_url: str, minter: TokenMinter, redis_url: str, redis_prefix: str
) -> Iterator[Flask]:
    """A content app on a fresh database (tables and search objects created, then dropped)."""
    config = {
        **minter.app_config(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "AUTH_JWKS_URL": None,
        "SERVICE_PROXY_COUNT": 0,
        "CONTENT_CACHE_MAX_AGE": 60,
    }
    with fresh_tables(create_app(config), db) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(minter: TokenMinter) -> Auth:
    return Auth(minter)


def seed(
    app: Flask, questions: list[dict[str, Any]], topics: list[dict[str, Any]] = TOPICS
) -> None:
    """Store topics and questions directly (bypassing the API)."""
    with app.app_context():
        save_topics(topics)
        save_questions(questions)
        db.session.commit()


@pytest.fixture
def sample(app: Flask) -> list[dict[str, Any]]:
    """Ten questions over two topics, every type and difficulty represented."""
    questions = [
        make_question(
            "single",
            key="routing-url-for",
            prompt="Which function builds a URL?",
            model_answer="url_for builds URLs from endpoint names.",
            tags=["urls"],
        ),
        make_question(
            "multi",
            key="routing-methods",
            difficulty="mid",
            prompt="Which decorators register POST views?",
            tags=["http-methods"],
        ),
        make_question(
            "true_false",
            key="routing-strict-slashes",
            difficulty="senior",
            prompt="A rule ending in a slash redirects the slash-less URL.",
            explanation="Werkzeug canonicalises folder-like URLs with a redirect.",
        ),
        make_question(
            "short",
            key="routing-converter-name",
            difficulty="mid",
            prompt="Name the converter that accepts slashes.",
            accepted=["path"],
        ),
        make_question(
            "explain",
            key="routing-explain",
            difficulty="senior",
            prompt="How do you handle routing and URL parameters?",
        ),
        make_question(
            "single",
            key="security-csrf",
            topic="security",
            difficulty="mid",
            prompt="What protects forms against cross-site request forgery?",
            model_answer="A CSRF token checked on every state-changing request.",
            tags=["csrf", "forms"],
        ),
        make_question(
            "explain",
            key="security-hashing",
            topic="security",
            difficulty="junior",
            prompt="Explain how to store passwords.",
            model_answer="Hash them with a slow salted algorithm such as argon2.",
        ),
        make_question(
            "true_false",
            key="security-autoescape",
            topic="security",
            difficulty="senior",
            prompt="Jinja2 autoescapes HTML templates in Flask.",
            tags=["xss"],
        ),
        make_question(
            "short",
            key="security-header",
            topic="security",
            difficulty="junior",
            prompt="Which header forbids framing?",
            accepted=["X-Frame-Options"],
        ),
        make_question(
            "multi",
            key="security-cookies",
            topic="security",
            difficulty="senior",
            prompt="Which cookie flags harden the session cookie?",
        ),
    ]
    seed(app, questions)
    return questions
