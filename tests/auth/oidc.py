"""A real local OpenID provider (oidc-provider-mock) standing in for Google in unit tests."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from infra.devstack.net import free_port
from services.common.settings import REPO_ROOT


class Provider:
    """The running provider and helpers to drive its authorization page."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.discovery_url = f"{base_url}/.well-known/openid-configuration"

    def set_user(self, sub: str, **claims: Any) -> None:
        """Store the claims the provider will assert for `sub`."""
        response = requests.put(f"{self.base_url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def userinfo_only(self, sub: str) -> None:
        """Leave email and profile claims out of `sub`'s ID tokens: only UserInfo carries them."""
        requests.post(f"{self.base_url}/_test/userinfo-only", data=sub, timeout=5)

    @contextmanager
    def userinfo_about(self, sub: str) -> Iterator[None]:
        """Make UserInfo answer with another `sub` while the block runs."""
        requests.post(f"{self.base_url}/_test/userinfo-sub", data=sub, timeout=5)
        try:
            yield
        finally:
            requests.post(f"{self.base_url}/_test/userinfo-sub", data="", timeout=5)

    def authorize(self, authorize_url: str, sub: str | None = None, deny: bool = False) -> str:
        """Submit the provider's authorization form; returns the redirect back to the app."""
        form = {"action": "deny"} if deny else {"sub": sub or "someone"}
        response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def token_requests(self) -> list[dict[str, list[str]]]:
        """The bodies the token endpoint received so far."""
        return requests.get(f"{self.base_url}/_test/token-requests", timeout=5).json()

    @contextmanager
    def client_override(self, client_id: str) -> Iterator[None]:
        """Make token requests authenticate as `client_id` while the block runs."""
        requests.post(f"{self.base_url}/_test/client-override", data=client_id, timeout=5)
        try:
            yield
        finally:
            requests.post(f"{self.base_url}/_test/client-override", data="", timeout=5)


def pkce_matches(verifier: str, challenge: str) -> bool:
    """True when `challenge` is the S256 transform of `verifier` (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


def query(url: str) -> dict[str, str]:
    """The query parameters of a URL, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Start the provider process; it names itself after the Host, so always use `localhost`."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.auth.oidc_server", str(port)],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield _wait_until_up(Provider(f"http://localhost:{port}"), process, log)
        finally:
            process.terminate()
            process.wait(10)


def _wait_until_up(provider: Provider, process: subprocess.Popen, log: Any) -> Provider:
    deadline = time.monotonic() + 15
    while True:
        try:
            requests.get(provider.discovery_url, timeout=1).raise_for_status()
            return provider
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"OIDC provider did not start: {output}") from None
            time.sleep(0.1)
