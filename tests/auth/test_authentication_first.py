"""Every protected auth route authenticates the caller before it reads the body."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

# Routes anyone may call: sign-in and registration, mailed-link tokens, the Google redirects
# (`connect=1` needs a sign-in, plain sign-in does not), documents and health. The token
# endpoint authenticates clients by the credentials in its own body. `/metrics` is for the
# operator's scraper on the service's own port (404 through any proxy, docs/operations.md).
PUBLIC = {
    ("GET", "/api/auth/.well-known/jwks.json"),
    ("GET", "/api/auth/callback/google"),
    ("GET", "/api/auth/docs"),
    ("GET", "/api/auth/docs-assets/<path:filename>"),
    ("GET", "/api/auth/healthz"),
    ("GET", "/api/auth/login/google"),
    ("GET", "/api/auth/openapi.json"),
    ("GET", "/api/auth/providers"),
    ("GET", "/api/auth/readyz"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/readyz"),
    ("GET", "/static/<path:filename>"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/password/forgot"),
    ("POST", "/api/auth/password/reset"),
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/verify"),
    ("POST", "/internal/oauth/token"),
}
BAD_BODIES = {
    "malformed JSON": b'{"email": ',
    "wrong JSON type": b'["not", "an", "object"]',
    "unknown fields": b'{"bogus": 1, "roles": "nobody"}',
}


def routes(app: Flask) -> set[tuple[str, str]]:
    """(method, rule) for every route of the app."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }


def concrete(rule: str) -> str:
    """The rule with every URL variable filled in."""
    return re.sub(r"<[^>]+>", "some-id", rule)


def test_the_public_list_names_only_existing_routes(app: Flask) -> None:
    assert not PUBLIC - routes(app), PUBLIC - routes(app)


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_protected_routes_answer_401_before_looking_at_a_bad_body(
    app: Flask, client: FlaskClient, body: bytes
) -> None:
    protected = sorted(routes(app) - PUBLIC)
    assert protected, "the auth app has protected routes"
    for method, rule in protected:
        response = client.open(
            concrete(rule), method=method, data=body, content_type="application/json"
        )
        assert response.status_code == 401, (method, rule, response.get_json())
        assert response.mimetype == "application/problem+json", (method, rule)
