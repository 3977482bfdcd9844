"""The quiz service's answers the pages need, fetched as the signed-in user.

Each function returns plain data (or None when the service has no such thing for this user);
rate limits and server failures become friendly pages through `check_service`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .backend import Reply, call
from .failures import check_service

RECENT = 10  # interviews listed on the dashboard
MASTERY_RESULTS = 5  # finalised interviews whose results make up the mastery table
FINAL = ("submitted", "expired")


def session_path(session_id: str, tail: str = "") -> str:
    """`/api/quiz/sessions/<id>[/tail]` with the id escaped."""
    return f"/api/quiz/sessions/{quote(session_id, safe='')}{tail}"


def body_or_none(reply: Reply) -> Any:
    """The JSON body of a 2xx answer, else None."""
    return reply.body if reply.ok else None


def recent_sessions(per_page: int = RECENT) -> list[dict[str, Any]]:
    """The user's latest interviews, newest first."""
    params = {"page": 1, "per_page": per_page}
    reply = check_service(call("quiz", "GET", "/api/quiz/sessions", params=params))
    body = body_or_none(reply)
    return list(body.get("items", [])) if isinstance(body, dict) else []


def session(session_id: str) -> dict[str, Any] | None:
    """One interview with its questions, saved answers and the server's clock."""
    body = body_or_none(check_service(call("quiz", "GET", session_path(session_id))))
    return body if isinstance(body, dict) else None


def result(session_id: str) -> Reply:
    """The result of a finalised interview (409 `result-not-ready` while it runs)."""
    return check_service(call("quiz", "GET", session_path(session_id, "/result")))


def report(session_id: str) -> Reply:
    """The interview's report and its status (pending, ready, updating, failed)."""
    return check_service(call("quiz", "GET", session_path(session_id, "/report")))


def report_status(session_id: str) -> str | None:
    """Only the report's status, None when there is no report for this interview."""
    reply = call("quiz", "GET", session_path(session_id, "/report"))
    if reply.ok and isinstance(reply.body, dict):
        return str(reply.body.get("status") or "") or None
    return None


def templates() -> list[dict[str, Any]]:
    """The active interview templates."""
    body = body_or_none(check_service(call("quiz", "GET", "/api/quiz/templates")))
    return list(body.get("items", [])) if isinstance(body, dict) else []


def limits() -> dict[str, Any]:
    """The bounds of a composed interview (question count, time limit, grace)."""
    body = body_or_none(check_service(call("quiz", "GET", "/api/quiz/limits")))
    return body if isinstance(body, dict) else {}


def start(spec: dict[str, Any]) -> Reply:
    """Start an interview from `{template_id}` or a composition."""
    return check_service(call("quiz", "POST", "/api/quiz/sessions", json=spec))


def review(session_id: str, position: int, points: list[dict[str, str]]) -> Reply:
    """The candidate's verdict per key point of an explain answer."""
    path = session_path(session_id, f"/review/{position}")
    return check_service(call("quiz", "PUT", path, json={"points": points}))
