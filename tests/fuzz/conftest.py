"""Apps for the OpenAPI fuzz suite: each service built by its factory on PostgreSQL, with a
little data, and the authorization headers of a candidate, an author and an admin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask, Response

from services.common.testing import TokenMinter, fresh_tables, serve
from tests.auth.conftest import SERVICE_SECRET
from tests.content.conftest import make_question, seed
from tests.quiz.conftest import quiz_config, seeded_app
from tests.quiz.fakes import FakeUpstream, ManualClock

ROLES = ("candidate", "author", "admin")
Headers = Callable[[str], dict[str, str]]
Known = dict[str, list[Any]]


@pytest.fixture
def fuzz_database(request: pytest.FixtureRequest) -> str:
    """The run's PostgreSQL database: the suite runs there only (production's backend)."""
    backends = request.config.getoption("--db").split(",")
    if "postgresql" not in [b.strip() for b in backends]:
        pytest.skip("the fuzz suite runs on PostgreSQL (--db includes postgresql)")
    return request.getfixturevalue("postgres_database")


def _minted(minter: TokenMinter) -> Headers:
    return lambda role: minter.headers(sub=f"fuzz-{role}", roles=[role])


# --- content --------------------------------------------------------------------------------


@pytest.fixture
def content_app(
    fuzz_database: str, minter: TokenMinter, redis_url: str, redis_prefix: str
) -> Iterator[Flask]:
    from services.content import create_app
    from services.content.extensions import db

    config = {
        **minter.app_config(),
        "SQLALCHEMY_DATABASE_URI": fuzz_database,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "AUTH_JWKS_URL": None,
        "SERVICE_PROXY_COUNT": 0,
        "LOG_LEVEL": "ERROR",
        # Generous limits, so sign-up and sign-in are exercised rather than answered 429.
        "AUTH_REGISTER_LIMIT_IP": "10000 per hour",
        "AUTH_LOGIN_LIMIT_IP": "10000 per hour",
        "AUTH_LOGIN_LIMIT_ACCOUNT": "10000 per hour",
    }
    with fresh_tables(create_app(config), db) as app:
        seed(app, [make_question(kind) for kind in ("single", "multi", "short", "explain")])
        yield app


@pytest.fixture
def content_schema(content_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/content/openapi.json", content_app)


@pytest.fixture
def content_headers(minter: TokenMinter) -> Headers:
    return _minted(minter)


@pytest.fixture
def content_known(content_app: Flask) -> Known:
    """Ids of the stored questions, for path parameters."""
    items = content_app.test_client().get("/api/content/questions").get_json()["items"]
    return {"question_id": [item["id"] for item in items]}


# --- quiz -----------------------------------------------------------------------------------


@pytest.fixture
def quiz_app(
    fuzz_database: str, minter: TokenMinter, redis_url: str, redis_prefix: str
) -> Iterator[Flask]:
    with FakeUpstream(minter).serve() as upstream:
        config = quiz_config(
            fuzz_database, minter, ManualClock(), upstream.url, redis_url, redis_prefix
        )
        yield from seeded_app({**config, "LOG_LEVEL": "ERROR"})


@pytest.fixture
def quiz_schema(quiz_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/quiz/openapi.json", quiz_app)


@pytest.fixture
def quiz_headers(minter: TokenMinter) -> Headers:
    return _minted(minter)


@pytest.fixture
def quiz_known(quiz_app: Flask, quiz_headers: Headers) -> Known:
    """A running session of the fuzzing candidate, its positions, and the templates."""
    client = quiz_app.test_client()
    templates = client.get("/api/quiz/templates").get_json()["items"]
    started = client.post(
        "/api/quiz/sessions",
        json={"topics": ["routing"], "question_count": 3, "time_limit_s": 600},
        headers=quiz_headers("candidate"),
    )
    assert started.status_code == 201, started.get_json()
    return {
        "template_id": [templates[0]["id"]],
        "session_id": [started.get_json()["id"]],
        "position": [1, 3],
    }


# --- auth -----------------------------------------------------------------------------------


def quiz_erasure_standin() -> Flask:
    """The quiz route the auth service calls before deleting an account: it always succeeds."""
    app = Flask("fuzz_quiz_standin")

    @app.delete("/internal/users/<user_id>/data")
    def erase(user_id: str) -> Response:
        return Response(status=204)

    return app


@pytest.fixture
def auth_app(
    fuzz_database: str,
    redis_url: str,
    redis_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> Iterator[Flask]:
    with serve(quiz_erasure_standin()) as quiz_url:
        yield from _auth_app(
            fuzz_database, redis_url, redis_prefix, quiz_url, tmp_path, tmp_path_factory
        )


def _auth_app(
    fuzz_database: str,
    redis_url: str,
    redis_prefix: str,
    quiz_url: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Flask]:
    from services.auth import create_app
    from services.auth.extensions import db

    config = {
        "SQLALCHEMY_DATABASE_URI": fuzz_database,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "VAR_DIR": str(tmp_path),
        "AUTH_SECRET_KEY": "fuzz-secret-key-0123456789abcdef",
        "AUTH_SIGNING_KEYS_DIR": str(tmp_path_factory.mktemp("fuzz-auth-keys")),
        "AUTH_KEY_ACTIVATION_DELAY_S": 0,
        "AUTH_ARGON2_TIME_COST": 1,
        "AUTH_ARGON2_MEMORY_KIB": 1024,
        "AUTH_ARGON2_PARALLELISM": 1,
        "AUTH_SERVICE_CLIENTS": {"quiz": SERVICE_SECRET},
        "AUTH_QUIZ_URL": quiz_url,
        "GOOGLE_CLIENT_ID": None,
        "GOOGLE_CLIENT_SECRET": None,
        "SERVICE_PROXY_COUNT": 0,
        "LOG_LEVEL": "ERROR",
        # Generous limits, so sign-up and sign-in are exercised rather than answered 429.
        "AUTH_REGISTER_LIMIT_IP": "10000 per hour",
        "AUTH_LOGIN_LIMIT_IP": "10000 per hour",
        "AUTH_LOGIN_LIMIT_ACCOUNT": "10000 per hour",
    }
    with fresh_tables(create_app(config), db) as app:
        yield app


@pytest.fixture
def auth_schema(auth_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/auth/openapi.json", auth_app)


@pytest.fixture
def auth_headers(auth_app: Flask) -> Headers:
    """Tokens the auth service signs itself (it trusts no other key), for users it holds; a
    user the fuzzer deleted or demoted is recreated with its role."""
    from services.auth import accounts, tokens
    from services.auth.extensions import db

    def headers(role: str) -> dict[str, str]:
        with auth_app.app_context():
            email = f"fuzz-{role}@example.com"
            user = accounts.find_by_email(email)
            if user is None:
                user = accounts.register(email, "fuzzing is fun 12345", role, roles=[role])
            elif set(user.roles) != {role}:
                user = accounts.set_roles(user, [role])
            db.session.commit()
            return {"Authorization": f"Bearer {tokens.sign_in(user).access_token}"}

    return headers


@pytest.fixture
def auth_known(auth_app: Flask, auth_headers: Headers) -> Known:
    """The ids of the fuzzing users (created by asking for their headers)."""
    from services.auth import accounts

    for role in ROLES:
        auth_headers(role)
    with auth_app.app_context():
        users = [accounts.find_by_email(f"fuzz-{role}@example.com") for role in ROLES]
        return {"user_id": [user.id for user in users if user is not None]}
