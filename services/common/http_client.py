"""Pooled HTTP clients with timeouts for service-to-service calls.

Two levels: `requests` sessions where convenience matters (JSON bodies, query parameters), and
urllib3's connection pool itself where every request counts (the gateway's proxy). `requests`
builds a prepared request, merges session settings, cookie jars and hooks on every call; on a
small proxied request that was about a third of the gateway's CPU. Both levels can share
one pool (`pinned_session`), so a service sees one set of keep-alive connections per process.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, Timeout
from urllib3.connectionpool import connection_from_url

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
    return _session(HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0))


def _session(adapter: HTTPAdapter) -> requests.Session:
    session = NoRedirectSession()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Never pick up proxies or .netrc from the environment for internal traffic.
    session.trust_env = False
    return session


def connection_pool(
    base_url: str, pool_size: int = 16, timeout: tuple[float, float] = (1.0, 10.0)
) -> HTTPConnectionPool:
    """Keep-alive connections to the host of `base_url` (http or https): at most `pool_size` kept
    between requests, no retries, (connect, read) `timeout` by default. Its `urlopen` follows
    same-host redirects unless given `redirect=False`."""
    return connection_from_url(
        base_url,
        maxsize=pool_size,
        retries=False,
        timeout=Timeout(connect=timeout[0], read=timeout[1]),
    )


class PinnedPoolAdapter(HTTPAdapter):
    """Sends every request of a session through one given pool (one service's host)."""

    def __init__(self, pool: HTTPConnectionPool) -> None:
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)
        self.pool = pool

    def get_connection_with_tls_context(
        self, request: requests.PreparedRequest, verify: Any, proxies: Any = None, cert: Any = None
    ) -> HTTPConnectionPool:
        return self.pool

    def close(self) -> None:
        super().close()
        self.pool.close()


def pinned_session(pool: HTTPConnectionPool) -> requests.Session:
    """A session like `pooled_session` whose requests all use `pool`'s connections (so only send
    it URLs on that pool's host)."""
    return _session(PinnedPoolAdapter(pool))


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
