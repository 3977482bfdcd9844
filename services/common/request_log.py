"""One structured JSON log line per request, carrying the `X-Request-ID`."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("access")


class RequestContextFilter(logging.Filter):
    """Stamp every record logged while serving a request with its request id and, on routes of
    one interview, its session id, so the lines of a failure can be found from either."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            if getattr(record, "request_id", None) is None:
                record.request_id = g.get("request_id")
            session_id = (request.view_args or {}).get("session_id")
            if session_id is not None and getattr(record, "session_id", None) is None:
                record.session_id = session_id
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stdout as JSON lines tagged with the service name."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
        )
    )
    handler.addFilter(RequestContextFilter())
    handler.set_name("json-stdout")
    root = logging.getLogger()
    # Replace only our own handler (a second app in one process); leave others' alone.
    for existing in [h for h in root.handlers if h.get_name() == "json-stdout"]:
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return g.get("request_id") if g else None


def init_request_logging(app: Flask, service: str) -> None:
    """Assign or adopt a request id, echo it in the response and log the request as JSON."""
    configure_logging(service, app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started", time.perf_counter())
        access_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "remote_addr": request.remote_addr,
                "user": g.get("principal_sub"),
            },
        )
        return response
