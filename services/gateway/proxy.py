"""Route `/api/<service>/...` to that service, unchanged, and relay its answer unchanged.

The request body is streamed upstream as it arrives and the response body is streamed back as
it is produced, still encoded (gzip stays gzip): the gateway never buffers a whole body. Paths
with an `internal` segment, and anything under `/internal/`, are service-to-service only and are
refused here with a 404, never forwarded. Redirects are relayed, never followed.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any
from urllib.parse import quote

from flask import Blueprint, Response, g, request
from urllib3 import BaseHTTPResponse
from urllib3.exceptions import HTTPError
from werkzeug.datastructures import Headers
from werkzeug.wsgi import ClosingIterator

from services.common.errors import NotFound
from services.common.request_guard import passes_body_through

from .headers import Hop, downstream_response_headers, upstream_request_headers
from .upstreams import finish, upstreams

CHUNK = 64 * 1024
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Characters left as they are when a path has to be re-encoded (RFC 3986 pchar and "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"

bp = Blueprint("proxy", __name__)


class SizedStream:
    """The incoming body as a file of known length, so it is sent upstream with the same
    `Content-Length` and read in chunks rather than loaded into memory."""

    def __init__(self, stream: IO[bytes], length: int) -> None:
        self.stream = stream
        self.length = length

    def __len__(self) -> int:
        return self.length

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes of the body."""
        return self.stream.read(size)

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.stream.read(CHUNK), b"")


def is_never_routed(path: str) -> bool:
    """True for internal routes and for paths with dot segments (which could climb out)."""
    segments = [segment.lower() for segment in path.split("/")]
    return "internal" in segments or "." in segments or ".." in segments


@bp.route("/internal", methods=METHODS, provide_automatic_options=False)
@bp.route("/internal/<path:rest>", methods=METHODS, provide_automatic_options=False)
def internal(rest: str = "") -> Response:
    """Service-to-service routes are not reachable through the gateway."""
    raise NotFound("Nothing is served at this path.")


@bp.route("/api/<service>", methods=METHODS, provide_automatic_options=False)
@bp.route("/api/<service>/", methods=METHODS, provide_automatic_options=False)
@bp.route("/api/<service>/<path:rest>", methods=METHODS, provide_automatic_options=False)
@passes_body_through  # streamed upstream unread; the service behind checks it
def forward(service: str, rest: str = "") -> Response:
    """Forward the request to the service owning `/api/<service>/` and relay its response."""
    upstream = upstreams().get(service)
    if upstream is None:
        known = ", ".join(f"/api/{name}/" for name in upstreams())
        raise NotFound(f"No service is routed at /api/{service}/ (known: {known}).")
    if is_never_routed(request.path):
        raise NotFound("Nothing is served at this path.")
    headers = upstream_request_headers(request.headers.items(), current_hop(), g.request_id)
    body = request_body()
    if isinstance(body, SizedStream):
        headers.append(("Content-Length", str(len(body))))
    # Each name occurs once here (the WSGI server already joined repeated request headers).
    reply = upstream.forward(request.method, request_target(), dict(headers), body)
    chunks = reply.stream(CHUNK, decode_content=False)
    try:
        # The first chunk is read here rather than by the WSGI server: an upstream that dies
        # between its headers and its body is then a 502 problem, not the server's bare 500.
        first = next(chunks, b"")
    except HTTPError as exc:
        finish(reply)
        raise upstream.problem_for(exc) from exc
    return relay(reply, chain((first,), chunks))


def request_target(environ: dict[str, Any] | None = None) -> str:
    """The path and query exactly as the client sent them (re-encoded only when the server did
    not keep the raw form)."""
    environ = environ if environ is not None else request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if raw.startswith("/") and not raw.startswith("//"):
        return raw
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe=_PATH_SAFE)
    query = environ.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def request_body() -> SizedStream | bytes | Iterator[bytes] | None:
    """The body to stream upstream: sized, chunked, empty or absent like the incoming one."""
    length = request.content_length
    if length is not None:
        return SizedStream(request.stream, length) if length else b""
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        stream = request.stream
        return iter(lambda: stream.read(CHUNK), b"")
    return None


def current_hop() -> Hop:
    """What this gateway saw of its client connection, before ProxyFix rewrote anything."""
    environ = request.environ
    # ProxyFix keeps the values it replaced; a lookup view, not a copy of the whole environ.
    original = ChainMap(environ.get("werkzeug.proxy_fix.orig") or {}, environ)
    host = original.get("HTTP_HOST") or ""
    return Hop(
        peer=str(original.get("REMOTE_ADDR") or ""),
        scheme=str(original.get("wsgi.url_scheme") or "http"),
        host=host,
        port=str(original.get("SERVER_PORT") or ""),
    )


def relay(reply: BaseHTTPResponse, chunks: Iterable[bytes]) -> Response:
    """Stream `chunks`, the upstream's body, back with its status and end-to-end headers.

    The upstream connection goes back to its pool when the server closes the body, read or
    not: a passed-through body is handed to the server as it is, so its own `close` (not the
    response's `call_on_close`) is the one the server calls.
    """
    body = ClosingIterator(chunks, lambda: finish(reply))
    response = Response(body, status=f"{reply.status} {reply.reason or ''}".strip())
    response.direct_passthrough = True
    response.headers = Headers(downstream_response_headers(reply.headers.items()))
    return response
