"""The services behind the gateway: one keep-alive connection pool each, and failure mapping.

A pool per upstream per process keeps TCP connections alive between requests (the proxy hop
then costs one request on an open socket, not a handshake). The proxy sends through urllib3's
pool directly (`Upstream.forward`): `requests` would cost about as much CPU per small request as
the rest of the hop. The web pages, which want JSON bodies and query parameters, use a
`requests.Session` on the same pool (`Upstream.send`). Neither adds default headers nor stores
cookies: the gateway forwards exactly what the caller sent, and a cookie from one user's
response must never ride along on another user's request.
"""

from __future__ import annotations

import http.cookiejar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, current_app
from urllib3 import BaseHTTPResponse, HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    PoolError,
    ProtocolError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from services.common.errors import Problem
from services.common.http_client import connection_pool, pinned_session

from .config import DEFAULT_UPSTREAMS, url_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A transport failure from either client: `requests` wraps urllib3's, the proxy gets them bare.
TransportError = requests.RequestException | HTTPError
# What `requests` calls a ConnectionError, as urllib3 raises it (no connection, or one that broke).
_CONNECTION_ERRORS = (
    requests.ConnectionError,
    ProtocolError,
    SSLError,
    PoolError,
    ConnectTimeoutError,
)
_TIMEOUTS = (requests.Timeout, Urllib3Timeout)


class UpstreamUnavailable(Problem):
    """The upstream refused the connection (or could not be reached in time)."""

    status, title, type_slug = 503, "Service Unavailable", "upstream-unavailable"


class UpstreamTimeout(Problem):
    """The upstream accepted the request but did not answer within the read timeout."""

    status, title, type_slug = 504, "Gateway Timeout", "upstream-timeout"


class BadGateway(Problem):
    """The upstream broke the exchange (reset, malformed response)."""

    status, title, type_slug = 502, "Bad Gateway", "bad-gateway"


class _RejectAllCookies(http.cookiejar.CookiePolicy):
    """A cookie policy that stores and returns nothing: the session is shared by every user."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = False

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: Any) -> bool:
        return False

    def path_return_ok(self, path: str, request: Any) -> bool:
        return False


@dataclass(frozen=True)
class Upstream:
    """One service behind the gateway."""

    name: str
    base_url: str
    pool: HTTPConnectionPool
    session: requests.Session
    timeout: tuple[float, float]
    # The path of `base_url` (usually empty): put in front of every target on the pool.
    prefix: str = ""

    def forward(
        self, method: str, target: str, headers: Mapping[str, str], body: Any
    ) -> BaseHTTPResponse:
        """Stream a request to `target` (path and query) exactly as given: no header added but
        the framing of `body`, whose response comes back unread (release it with `finish`).
        Transport failures become problems."""
        try:
            try:
                return self._open(method, target, headers, body)
            except HTTPError as exc:
                if not may_resend(method, body, exc):
                    raise
                # As in `send`: a kept-alive connection the upstream closed as we reused it.
                return self._open(method, target, headers, body)
        except HTTPError as exc:
            raise self.problem_for(exc) from exc

    def _open(
        self, method: str, target: str, headers: Mapping[str, str], body: Any
    ) -> BaseHTTPResponse:
        return self.pool.urlopen(
            method,
            self.prefix + target,
            body=body,
            headers=headers,
            retries=False,
            redirect=False,
            preload_content=False,
            decode_content=False,
        )

    def send(self, method: str, target: str, **kwargs: Any) -> requests.Response:
        """Send a request to `target` (path and query) with `requests` (JSON bodies, query
        parameters: the web pages' calls); transport failures become problems."""
        kwargs.setdefault("timeout", self.timeout)
        url = self.base_url + target
        try:
            try:
                return self.session.request(method, url, allow_redirects=False, **kwargs)
            except requests.ConnectionError as exc:
                if not may_resend(method, kwargs.get("data"), exc):
                    raise
                # A pooled keep-alive connection the upstream closed as we reused it (a worker
                # recycled by --max-requests, say): a safe, bodiless request is sent once more.
                return self.session.request(method, url, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            raise self.problem_for(exc) from exc

    def problem_for(self, exc: TransportError) -> Problem:
        """Map a transport failure to 503 (cannot connect), 504 (no answer) or 502 (other)."""
        if is_connect_failure(exc):
            return UpstreamUnavailable(
                f"The {self.name} service is not accepting connections; try again shortly.",
                service=self.name,
            )
        if isinstance(exc, _TIMEOUTS):
            return UpstreamTimeout(
                f"The {self.name} service did not answer within {self.timeout[1]:g} s.",
                service=self.name,
            )
        return BadGateway(
            f"The {self.name} service broke off the exchange ({type(exc).__name__}).",
            service=self.name,
        )


def may_resend(method: str, body: Any, exc: TransportError) -> bool:
    """True when resending is harmless: a safe method, no body, and a connection that broke
    after it was established (a refused one would only be refused again)."""
    return (
        method in SAFE_METHODS
        and body is None
        and isinstance(exc, _CONNECTION_ERRORS)
        and not isinstance(exc, _TIMEOUTS)
        and not is_connect_failure(exc)
    )


def is_connect_failure(exc: BaseException) -> bool:
    """True when no connection was established: refused, unresolvable or connect timeout."""
    if isinstance(exc, requests.ConnectTimeout | NewConnectionError | ConnectTimeoutError):
        return True
    if not isinstance(exc, requests.ConnectionError):
        return False
    seen: set[int] = set()
    cause: BaseException | None = exc
    # requests wraps urllib3's MaxRetryError, whose `reason` holds the socket-level failure.
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, NewConnectionError | ConnectTimeoutError):
            return True
        nested = [getattr(cause, "reason", None), *getattr(cause, "args", ())]
        cause = next((c for c in nested if isinstance(c, BaseException)), None)
    return False


def finish(reply: BaseHTTPResponse) -> None:
    """Give the reply's connection back to its pool: closed first unless its body was read to
    the end (a half-read connection must not carry the next request)."""
    reply.close()
    reply.release_conn()


def upstream_session(pool: HTTPConnectionPool) -> requests.Session:
    """A session on `pool` that adds no headers of its own and keeps no cookies."""
    session = pinned_session(pool)
    session.headers.clear()
    session.cookies.set_policy(_RejectAllCookies())
    return session


def build_upstream(
    name: str, base_url: str, timeout: tuple[float, float], pool_size: int
) -> Upstream:
    """One `Upstream`: its pool and the session on that pool."""
    base_url = base_url.rstrip("/")
    pool = connection_pool(base_url, pool_size, timeout)
    prefix = urlsplit(base_url).path
    return Upstream(name, base_url, pool, upstream_session(pool), timeout, prefix)


def build_upstreams(config: Mapping[str, Any], names: Iterable[str]) -> dict[str, Upstream]:
    """Create one `Upstream` per service name from the app's configuration."""
    timeout = (float(config["GATEWAY_CONNECT_TIMEOUT"]), float(config["GATEWAY_READ_TIMEOUT"]))
    pool_size = int(config["GATEWAY_POOL_SIZE"])
    return {
        name: build_upstream(name, str(config[url_key(name)]), timeout, pool_size) for name in names
    }


def init_app(app: Flask) -> None:
    """Attach the upstreams to `app` (sessions are created per process, used by every thread)."""
    app.extensions["upstreams"] = build_upstreams(app.config, DEFAULT_UPSTREAMS)


def close_upstreams(app: Flask) -> None:
    """Close every pooled connection of `app`'s upstreams (at shutdown, or after a test)."""
    for upstream in app.extensions.get("upstreams", {}).values():
        upstream.session.close()  # closes the pool too


def upstreams() -> dict[str, Upstream]:
    """The current app's upstreams by name."""
    return current_app.extensions["upstreams"]
