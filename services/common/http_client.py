"""Pooled HTTP clients with timeouts for service-to-service calls."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .request_log import REQUEST_ID_HEADER, current_request_id


class NoRedirectSession(requests.Session):
    """A session that never follows redirects.

    With `allow_redirects=False` requests still walks its redirect generator once and reads the
    redirect's body to free the socket, so a streamed 302 would reach a proxy already drained.
    Saying "no redirect target" keeps every response, 3xx included, untouched for the caller.
    """

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


def pooled_session(pool_size: int = 16) -> requests.Session:
    """A session whose pool keeps `pool_size` keep-alive connections and never follows redirects."""
    session = NoRedirectSession()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Never pick up proxies or .netrc from the environment for internal traffic.
    session.trust_env = False
    return session


class ServiceClient:
    """Calls one upstream service: base URL, pooled connections, (connect, read) timeouts."""

    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout: float = 1.0,
        read_timeout: float = 10.0,
        pool_size: int = 16,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.session = pooled_session(pool_size)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send a request; the current request id travels along. Raises `requests` errors."""
        headers = dict(kwargs.pop("headers", None) or {})
        request_id = current_request_id()
        if request_id and REQUEST_ID_HEADER not in headers:
            headers[REQUEST_ID_HEADER] = request_id
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, f"{self.base_url}{path}", headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET `path` on the upstream."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST `path` on the upstream."""
        return self.request("POST", path, **kwargs)
