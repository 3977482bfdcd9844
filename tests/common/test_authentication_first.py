"""Every protected route of every service authenticates the caller before it reads the request.

The test walks each app's URL map, so a new route is covered the day it is added: it either
appears in its service's public list below or answers 401 problem+json to a caller without a
token, whatever the body and query hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from services.common.testing import TokenMinter

# Routes anyone may call, per service: documents, health, static files, and the routes that
# are public by design (documented in each service's docs). `/metrics` is for the operator's
# scraper on the service's own port (404 through any proxy, docs/operations.md).
COMMON_PUBLIC = {"/healthz", "/readyz", "/metrics", "/static/<path:filename>"}
API_DOCS = {"/docs", "/docs-assets/<path:filename>", "/openapi.json", "/healthz", "/readyz"}
PUBLIC: dict[str, set[tuple[str, str]]] = {
    # Sign-in and registration, mailed-link tokens, the Google redirects (`connect=1` needs a
    # sign-in, plain sign-in does not) and the key set. The token endpoint authenticates
    # clients by the credentials in its own body.
    "auth": {
        ("GET", "/api/auth/.well-known/jwks.json"),
        ("GET", "/api/auth/callback/google"),
        ("GET", "/api/auth/login/google"),
        ("GET", "/api/auth/providers"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/password/forgot"),
        ("POST", "/api/auth/password/reset"),
        ("POST", "/api/auth/register"),
        ("POST", "/api/auth/verify"),
        ("POST", "/internal/oauth/token"),
    },
    # The study routes: anyone reads the bank; a token only adds the answer fields.
    "content": {
        ("GET", "/api/content/topics"),
        ("GET", "/api/content/questions"),
        ("GET", "/api/content/questions/<question_id>"),
    },
    # What an interview may be made of: the templates and the bounds of a custom one.
    "quiz": {("GET", "/api/quiz/templates"), ("GET", "/api/quiz/limits")},
}
# The gateway checks no token itself: `/api/...` is forwarded to the service that does, and
# the web pages keep their sign-in in a session cookie (they redirect to /signin instead).
GATEWAY_BLUEPRINTS = {"pages", "proxy", "web", "metrics"}  # /metrics: own port only
BAD_REQUESTS = {
    "malformed JSON": ("", b'{"email": '),
    "wrong JSON type": ("", b'["not", "an", "object"]'),
    "unknown fields": ("", b'{"bogus": 1, "roles": "nobody"}'),
    "bad query": ("?page=-1&per_page=many&topic=%20", b"{}"),
}


def routes(app: Flask) -> set[tuple[str, str]]:
    """(method, rule) for every route of the app."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }


def public_routes(app: Flask, service: str) -> set[tuple[str, str]]:
    """The routes of `service` that need no token."""
    prefix = f"/api/{service}"
    documents = {("GET", prefix + path) for path in API_DOCS}
    return {("GET", path) for path in COMMON_PUBLIC} | documents | PUBLIC[service]


def concrete(rule: str) -> str:
    """The rule with every URL variable filled in."""
    return re.sub(r"<int:[^>]+>", "1", re.sub(r"<(?!int:)[^>]+>", "some-id", rule))


def auth_app(tmp_path: Path, redis_url: str, redis_prefix: str) -> Flask:
    from services.auth import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'auth.db'}",
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": redis_prefix,
            "VAR_DIR": str(tmp_path),
            "AUTH_SECRET_KEY": "test-secret-key-0123456789abcdef",
            "AUTH_SIGNING_KEYS_DIR": str(tmp_path / "keys"),
            "AUTH_KEY_ACTIVATION_DELAY_S": 0,
            "GOOGLE_CLIENT_ID": None,
            "SERVICE_PROXY_COUNT": 0,
        }
    )


def content_app(tmp_path: Path, minter: TokenMinter) -> Flask:
    from services.content import create_app

    return create_app(
        {
            **minter.app_config(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'content.db'}",
            "AUTH_JWKS_URL": None,
            "SERVICE_PROXY_COUNT": 0,
        }
    )


def quiz_app(tmp_path: Path, minter: TokenMinter, redis_url: str, redis_prefix: str) -> Flask:
    from services.quiz import create_app

    return create_app(
        {
            **minter.app_config(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'quiz.db'}",
            "QUIZ_CONTENT_URL": "http://127.0.0.1:9",
            "QUIZ_AUTH_URL": "http://127.0.0.1:9",
            "QUIZ_CLIENT_SECRET": "test-secret",
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": redis_prefix,
        }
    )


@pytest.fixture
def build(
    tmp_path: Path, minter: TokenMinter, redis_url: str, redis_prefix: str
) -> Iterator[Callable[[str], Flask]]:
    """Builds the app of a service by name; each is built at most once per test."""
    builders: dict[str, Callable[[], Flask]] = {
        "auth": lambda: auth_app(tmp_path, redis_url, redis_prefix),
        "content": lambda: content_app(tmp_path, minter),
        "quiz": lambda: quiz_app(tmp_path, minter, redis_url, redis_prefix),
    }
    built: dict[str, Flask] = {}

    def get(service: str) -> Flask:
        if service not in built:
            built[service] = builders[service]()
        return built[service]

    yield get
    for app in built.values():
        db = app.extensions.get("sqlalchemy")
        if db is not None:
            with app.app_context():
                db.engine.dispose()


@pytest.mark.parametrize("service", sorted(PUBLIC))
def test_the_public_list_names_only_existing_routes(
    service: str, build: Callable[[str], Flask]
) -> None:
    app = build(service)
    missing = public_routes(app, service) - routes(app)
    assert not missing, missing


@pytest.mark.parametrize("request_", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
@pytest.mark.parametrize("service", sorted(PUBLIC))
def test_protected_routes_answer_401_before_looking_at_the_request(
    service: str, build: Callable[[str], Flask], request_: tuple[str, bytes]
) -> None:
    app = build(service)
    query, body = request_
    protected = sorted(routes(app) - public_routes(app, service))
    assert protected, f"the {service} app has protected routes"
    client = app.test_client()
    for method, rule in protected:
        response = client.open(
            concrete(rule) + query, method=method, data=body, content_type="application/json"
        )
        assert response.status_code == 401, (service, method, rule, response.get_json())
        assert response.mimetype == "application/problem+json", (service, method, rule)


def test_the_gateway_has_no_routes_of_its_own_behind_a_token() -> None:
    from services.gateway import create_app

    app = create_app({"GATEWAY_SECRET_KEY": "gateway-secret-0123456789abcdef"})
    blueprints = {rule.endpoint.partition(".")[0] for rule in app.url_map.iter_rules()}
    assert blueprints - {"static"} <= GATEWAY_BLUEPRINTS, blueprints
