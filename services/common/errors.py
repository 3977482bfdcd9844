"""RFC 9457 problem+json for every error a service can produce.

Domain code raises a `Problem` subclass (e.g. `DeadlinePassed`); views never build error bodies
by hand. Anything unexpected becomes a 500 problem with the request id and no stack trace.
"""

from __future__ import annotations

import json as std_json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import redis
from flask import Flask, Response, g, json
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

PROBLEM_MIME = "application/problem+json"
TYPE_BASE = "urn:flask-interviews:problem:"

log = logging.getLogger(__name__)


class Problem(Exception):
    """A domain error that maps to one HTTP status and a stable problem type."""

    status: int = 400
    title: str = "Bad Request"
    type_slug: str = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = dict(headers or {})
        self.extra = extra


class MalformedInput(Problem):
    """Input no service can take: a NUL character, a lone surrogate, JSON nested too deeply."""

    status, title, type_slug = 400, "Bad Request", "malformed-input"


class NotFound(Problem):
    status, title, type_slug = 404, "Not Found", "not-found"


class Conflict(Problem):
    status, title, type_slug = 409, "Conflict", "conflict"


class Unauthorized(Problem):
    status, title, type_slug = 401, "Unauthorized", "unauthorized"


class Forbidden(Problem):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class ValidationFailed(Problem):
    status, title, type_slug = 422, "Validation Failed", "validation-failed"


class ServiceUnavailable(Problem):
    status, title, type_slug = 503, "Service Unavailable", "service-unavailable"


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_slug: str | None = None,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Build an `application/problem+json` response carrying the current request id."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + (type_slug or _slug(title)),
        "title": title,
        "status": status,
        "detail": detail or title,
        "request_id": g.get("request_id") if g else None,
    }
    if errors:
        body["errors"] = dict(errors)
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIME)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _slug(title: str) -> str:
    return "-".join(title.lower().split())


def flatten_validation_messages(messages: Any) -> dict[str, Any]:
    """Turn webargs' `{location: {field: [msgs]}}` into a per-field `{field: [msgs]}` map."""
    if not isinstance(messages, Mapping):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    locations = {"json", "query", "querystring", "form", "headers", "files", "path", "view_args"}
    flat: dict[str, Any] = {}
    for key, value in messages.items():
        if key in locations and isinstance(value, Mapping):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def http_exception_to_problem(error: HTTPException) -> Response:
    """Map a werkzeug/webargs HTTP exception to problem+json, keeping its headers."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    detail = data.get("message") or error.description
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if errors:
        errors = flatten_validation_messages(errors)
        if code == 400 and _is_malformed_body(errors):
            detail = "The request body is not valid JSON."
        elif code == 422:
            detail = data.get("message") or "The request did not pass validation."
    title = error.name if code < 500 else "Internal Server Error"
    if code >= 500:
        detail = "The server hit an unexpected error; the request id identifies it in the logs."
    return problem_response(code, title, detail, errors=errors, headers=headers)


def _is_malformed_body(errors: Mapping[str, Any]) -> bool:
    text = json.dumps(errors).lower()
    return "invalid json" in text or "json body" in text


RETRY_AFTER_S = "5"


def _unavailable(detail: str) -> Response:
    return problem_response(
        503,
        "Service Unavailable",
        detail,
        type_slug="dependency-unavailable",
        headers={"Retry-After": RETRY_AFTER_S},
    )


def _rollback_quietly(db: Any) -> None:
    """Roll back after a lost connection; a second failure there changes nothing."""
    if db is None:
        return
    try:
        db.session.rollback()
    except Exception as exc:
        log.warning("rollback after a lost connection failed: %s", exc)


def register_error_handlers(app: Flask, db: Any = None) -> None:
    """Make every error of `app` a problem+json response; roll back `db` on integrity errors."""

    @app.errorhandler(Problem)
    def _problem(error: Problem) -> Response:
        return problem_response(
            error.status,
            error.title,
            error.detail,
            type_slug=error.type_slug,
            errors=error.errors,
            headers=error.headers,
            **error.extra,
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        return http_exception_to_problem(error)

    @app.errorhandler(IntegrityError)
    def _integrity(error: IntegrityError) -> Response:
        if db is not None:
            db.session.rollback()
        log.warning("integrity error: %s", error.orig)
        return problem_response(
            409,
            "Conflict",
            "The request conflicts with data that already exists.",
            type_slug="integrity-conflict",
        )

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError) -> Response:
        # The database is down, restarting, out of disk, read-only or too slow (statement
        # timeout): nothing was written (the transaction is rolled back), so the caller may
        # retry. The pool re-checks its connections (pool_pre_ping) once it is back.
        _rollback_quietly(db)
        log.error("database unavailable: %s", error.orig)
        return _unavailable("The database is unavailable right now; try again shortly.")

    @app.errorhandler(redis.ConnectionError)
    @app.errorhandler(redis.TimeoutError)
    def _redis_unavailable(error: redis.RedisError) -> Response:
        _rollback_quietly(db)
        log.error("redis unavailable: %s", error)
        return _unavailable("A backing service is unavailable right now; try again shortly.")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_exception_to_problem(error)
        if db is not None:
            db.session.rollback()
        log.exception("unhandled error")
        return problem_response(
            500,
            "Internal Server Error",
            "The server hit an unexpected error; the request id identifies it in the logs.",
        )


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class LostDatabaseGuard:
    """WSGI middleware: a database connection lost while the request's session is being closed
    (Flask-SQLAlchemy's teardown rolls back, after the view and every error handler) becomes a
    503 problem+json instead of the server's bare 500. Whatever the view committed stays
    committed; the caller may retry (every write of ours is idempotent or refused twice)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # The app's start_response is held back until the app has returned, so that a failure
        # in its teardown can still choose the status line.
        held: list[tuple[Any, ...]] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            held[:] = [(status, headers, exc_info)]
            return lambda data: start_response(status, headers, exc_info)(data)

        try:
            result = self.app(environ, hold)
        except OperationalError as exc:
            request_id = environ.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
            log.error(
                "database lost while closing the request: %s", exc.orig,
                extra={"request_id": request_id},
            )  # fmt: skip
            body = std_json.dumps(
                {
                    "type": TYPE_BASE + "dependency-unavailable",
                    "title": "Service Unavailable",
                    "status": 503,
                    "detail": "The database is unavailable right now; try again shortly.",
                    "request_id": request_id,
                }
            ).encode()
            headers = [
                ("Content-Type", PROBLEM_MIME),
                ("Content-Length", str(len(body))),
                ("Retry-After", RETRY_AFTER_S),
                ("X-Request-ID", request_id),
            ]
            start_response("503 Service Unavailable", headers)
            return [body]
        if held:
            start_response(*held[0])
        return result
