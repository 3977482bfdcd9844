"""HTTP helpers for end-to-end tests: requests through nginx, problem+json checks and a client
on another address."""

from __future__ import annotations

import secrets
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter

PROBLEM = "application/problem+json"
PASSWORD = "e2e correct horse battery"
TIMEOUT_S = 10


class Reachable(Protocol):
    """Anything with the platform's public base URL (the `stack` fixture)."""

    base_url: str


def get(stack: Reachable, path: str, **kwargs: Any) -> requests.Response:
    """GET `path` through nginx."""
    return requests.get(f"{stack.base_url}{path}", timeout=TIMEOUT_S, **kwargs)


def post(stack: Reachable, path: str, **kwargs: Any) -> requests.Response:
    """POST to `path` through nginx."""
    return requests.post(f"{stack.base_url}{path}", timeout=TIMEOUT_S, **kwargs)


def bearer(token: str) -> dict[str, str]:
    """An `Authorization: Bearer` header."""
    return {"Authorization": f"Bearer {token}"}


def register_and_login(
    base_url: str, session: requests.Session | None = None, prefix: str = "e2e"
) -> tuple[str, dict[str, Any]]:
    """Register a new candidate through nginx and sign in; return the email and the tokens."""
    http = session or requests.Session()
    email = f"{prefix}-{secrets.token_hex(4)}@example.com"
    created = http.post(
        f"{base_url}/api/auth/register",
        json={"email": email, "password": PASSWORD, "name": "E2E candidate"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    login = http.post(
        f"{base_url}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 200, login.text
    return email, login.json()


def assert_problem(response: requests.Response, status: int) -> dict[str, Any]:
    """Assert `response` is a problem+json body with `status` and a request id; return it."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a given local address, so the server sees a different client."""

    def __init__(self, source_ip: str, **kwargs: Any) -> None:
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(source_ip: str, pool_size: int = 32) -> requests.Session:
    """A session whose connections come from `source_ip` (any 127.x address on loopback)."""
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", SourceAddressAdapter(source_ip, pool_maxsize=pool_size))
    return session
