"""The services behind the gateway: one pooled `requests.Session` each, and failure mapping.

A session per upstream per process keeps TCP connections alive between requests (the proxy hop
then costs one request on an open socket, not a handshake). The sessions carry no default
headers and refuse to store cookies: the gateway forwards exactly what the caller sent, and a
cookie from one user's response must never ride along on another user's request.
"""

from __future__ import annotations

import http.cookiejar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from flask import Flask, current_app
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from services.common.errors import Problem
from services.common.http_client import pooled_session

from .config import DEFAULT_UPSTREAMS, url_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    session: requests.Session
    timeout: tuple[float, float]

    def send(self, method: str, target: str, **kwargs: Any) -> requests.Response:
        """Send a request to `target` (path and query); transport failures become problems."""
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

    def problem_for(self, exc: requests.RequestException) -> Problem:
        """Map a transport failure to 503 (cannot connect), 504 (no answer) or 502 (other)."""
        if is_connect_failure(exc):
            return UpstreamUnavailable(
                f"The {self.name} service is not accepting connections; try again shortly.",
                service=self.name,
            )
        if isinstance(exc, requests.Timeout):
            return UpstreamTimeout(
                f"The {self.name} service did not answer within {self.timeout[1]:g} s.",
                service=self.name,
            )
        return BadGateway(
            f"The {self.name} service broke off the exchange ({type(exc).__name__}).",
            service=self.name,
        )


def may_resend(method: str, body: Any, exc: requests.ConnectionError) -> bool:
    """True when resending is harmless: a safe method, no body, and a connection that broke
    after it was established (a refused one would only be refused again)."""
    return (
        method in SAFE_METHODS
        and body is None
        and not isinstance(exc, requests.Timeout)
        and not is_connect_failure(exc)
    )


def is_connect_failure(exc: BaseException) -> bool:
    """True when no connection was established: refused, unresolvable or connect timeout."""
    if isinstance(exc, requests.ConnectTimeout):
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


def upstream_session(pool_size: int) -> requests.Session:
    """A pooled session that adds no headers of its own and keeps no cookies."""
    session = pooled_session(pool_size)
    session.headers.clear()
    session.cookies.set_policy(_RejectAllCookies())
    return session


def build_upstreams(config: Mapping[str, Any], names: Iterable[str]) -> dict[str, Upstream]:
    """Create one `Upstream` per service name from the app's configuration."""
    timeout = (float(config["GATEWAY_CONNECT_TIMEOUT"]), float(config["GATEWAY_READ_TIMEOUT"]))
    pool_size = int(config["GATEWAY_POOL_SIZE"])
    return {
        name: Upstream(
            name, str(config[url_key(name)]).rstrip("/"), upstream_session(pool_size), timeout
        )
        for name in names
    }


def init_app(app: Flask) -> None:
    """Attach the upstreams to `app` (sessions are created per process, used by every thread)."""
    app.extensions["upstreams"] = build_upstreams(app.config, DEFAULT_UPSTREAMS)


def close_upstreams(app: Flask) -> None:
    """Close every pooled connection of `app`'s upstreams (at shutdown, or after a test)."""
    for upstream in app.extensions.get("upstreams", {}).values():
        upstream.session.close()


def upstreams() -> dict[str, Upstream]:
    """The current app's upstreams by name."""
    return current_app.extensions["upstreams"]
