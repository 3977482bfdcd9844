"""How pages call the services: through the gateway's pooled upstream clients, as the user.

Each call forwards the browser's `Cookie` header (the auth service's httpOnly token cookies), the
double-submit CSRF header the services expect for state-changing requests, and the forwarding
chain (so the auth service's rate limits see the real client). Answers are read as JSON; cookies
the auth service sets are relayed to the browser by `relay_cookies`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, g, request

from ..headers import upstream_request_headers
from ..proxy import current_hop
from ..upstreams import upstreams

ACCESS_COOKIE = "access_token_cookie"
ACCESS_CSRF_COOKIE = "csrf_access_token"
FORWARDED = (
    "cookie",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-forwarded-port",
)
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Reply:
    """What a service answered: status, JSON body (or {}), and the cookies it set."""

    status: int
    body: Any
    set_cookies: list[str] = field(default_factory=list)
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def problem_type(self) -> str:
        """The last segment of a problem's `type` (e.g. `fresh-sign-in-required`), or ''."""
        if not isinstance(self.body, dict):
            return ""
        return str(self.body.get("type", "")).rsplit(":", 1)[-1].rsplit("/", 1)[-1]

    @property
    def detail(self) -> str:
        """The problem's human-readable detail (or title)."""
        if not isinstance(self.body, dict):
            return ""
        return str(self.body.get("detail") or self.body.get("title") or "")


def service_headers(method: str) -> dict[str, str]:
    """Headers for a call made on behalf of the current browser request."""
    incoming = [(k, v) for k, v in request.headers.items() if k.lower() in FORWARDED]
    headers = dict(upstream_request_headers(incoming, current_hop(), g.request_id))
    headers["Accept"] = "application/json"
    csrf = request.cookies.get(ACCESS_CSRF_COOKIE)
    if method in UNSAFE and csrf:
        # The page's own form was CSRF-checked already; the services want their double submit.
        headers["X-CSRF-TOKEN"] = csrf
    return headers


def call(
    service: str,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    data: bytes | None = None,
    content_type: str | None = None,
) -> Reply:
    """Call `service` at `path` as the current user; transport failures raise upstream problems.

    `json` sends a JSON body; `data` with `content_type` sends raw bytes (a GIFT import).
    """
    headers = service_headers(method)
    if content_type:
        headers["Content-Type"] = content_type
    reply = upstreams()[service].send(
        method, path, headers=headers, json=json, params=params, data=data
    )
    try:
        body = reply.json() if reply.content else {}
    except ValueError:
        body = {}
    cookies = list(reply.raw.headers.getlist("Set-Cookie")) if reply.raw is not None else []
    return Reply(reply.status_code, body, cookies, reply.headers.get("Retry-After"))


def relay_cookies(response: Response, reply: Reply) -> Response:
    """Pass the cookies a service set (sign-in, sign-out) on to the browser."""
    for cookie in reply.set_cookies:
        response.headers.add("Set-Cookie", cookie)
    return response


def current_user() -> dict[str, Any] | None:
    """The signed-in user (`GET /api/auth/me`), asked once per request; None when signed out."""
    if "web_user" not in g:
        user = None
        if request.cookies.get(ACCESS_COOKIE):
            reply = call("auth", "GET", "/api/auth/me")
            user = reply.body if reply.ok and isinstance(reply.body, dict) else None
        g.web_user = user
    return g.web_user


def field_errors(reply: Reply, aliases: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The problem's per-field `errors`, flattened (webargs nests them under `json`)."""
    found: dict[str, list[str]] = {}

    def walk(errors: Any) -> None:
        if not isinstance(errors, dict):
            return
        for name, value in errors.items():
            if isinstance(value, dict):
                walk(value)
            else:
                messages = value if isinstance(value, list) else [value]
                key = (aliases or {}).get(name, name)
                found.setdefault(key, []).extend(str(m) for m in messages)

    if isinstance(reply.body, dict):
        walk(reply.body.get("errors"))
    return found
