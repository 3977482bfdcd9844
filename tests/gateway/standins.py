"""Small Flask apps standing in for the services behind the gateway, served on real sockets."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, jsonify, request

from infra.devstack.net import free_port

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def upstream_app(name: str, ready: bool = True) -> Flask:
    """An upstream that echoes what it received, plus a few routes with special answers."""
    app = Flask(f"standin_{name}")

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks = {"database": {"ok": ready, "ms": 0.1}}
        body = {"status": "ready" if ready else "unavailable", "service": name, "checks": checks}
        return jsonify(body), (200 if ready else 503)

    @app.get("/api/<svc>/cookies")
    def cookies(svc: str) -> Response:
        response = jsonify(ok=True)
        response.set_cookie("access_token_cookie", "tok", httponly=True)
        response.set_cookie("csrf_access_token", "csrf")
        return response

    @app.get("/api/<svc>/redirect")
    def redirect(svc: str) -> Response:
        # A body like Flask's own redirect page: it must reach the client intact.
        return Response(
            "<p>Moved to elsewhere.</p>", status=302, headers={"Location": f"/api/{svc}/elsewhere"}
        )

    @app.get("/api/<svc>/hop")
    def hop(svc: str) -> Response:
        def body() -> Iterator[bytes]:
            yield b"streamed "
            yield b"body"

        # No Content-Length: the server frames this with Transfer-Encoding: chunked.
        headers = {"Connection": "X-Private", "X-Private": "s3cret", "Keep-Alive": "timeout=5"}
        return Response(body(), headers={**headers, "X-Kept": "yes"}, mimetype="text/plain")

    @app.get("/api/<svc>/etag")
    def etag(svc: str) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response("fresh", headers={"ETag": '"v1"'}, mimetype="text/plain")

    @app.get("/api/<svc>/gzip")
    def gzipped(svc: str) -> Response:
        data = gzip.compress(b"compressed payload")
        return Response(data, headers={"Content-Encoding": "gzip"}, mimetype="text/plain")

    @app.route("/api/<svc>/status/<int:code>", methods=METHODS)
    def status(svc: str, code: int) -> Response:
        return Response(f"status {code}", status=code, headers={"X-Upstream": name})

    @app.route("/", defaults={"path": ""}, methods=METHODS)
    @app.route("/<path:path>", methods=METHODS)
    def echo(path: str) -> Response:
        data = request.get_data()
        return jsonify(
            service=name,
            method=request.method,
            raw_uri=request.environ.get("REQUEST_URI"),
            path=request.path,
            query=request.query_string.decode(),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=data.decode("utf-8", "replace") if len(data) < 4096 else None,
            body_len=len(data),
            body_sha256=hashlib.sha256(data).hexdigest(),
            transfer_encoding=request.headers.get("Transfer-Encoding"),
        )

    return app


def refused_url() -> str:
    """A local URL nobody listens on (the port was free a moment ago)."""
    return f"http://127.0.0.1:{free_port()}"


@contextmanager
def hung_server() -> Iterator[str]:
    """A port whose connections are accepted by the kernel and then never answered."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def elapsed(started: float) -> float:
    """Seconds since `started` (a `time.perf_counter()` value)."""
    return time.perf_counter() - started
