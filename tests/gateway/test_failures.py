"""Upstream failures become problem+json: refused → 503 fast, hung → 504, broken → 502."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests
from flask import Flask
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from services.gateway.upstreams import is_connect_failure

from .standins import elapsed, hung_server, refused_url

PROBLEM = "application/problem+json"


def test_refused_upstream_is_503_within_about_a_second(make_app: Callable[..., Flask]) -> None:
    client = make_app(GATEWAY_CONTENT_URL=refused_url()).test_client()
    started = time.perf_counter()
    response = client.get("/api/content/topics", headers={"X-Request-ID": "rid-503"})
    assert elapsed(started) < 2.0
    assert response.status_code == 503
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"].endswith(":upstream-unavailable")
    assert body["service"] == "content"
    assert "content" in body["detail"]
    assert body["request_id"] == "rid-503"


def test_refused_upstream_leaves_the_others_answering(make_app: Callable[..., Flask]) -> None:
    client = make_app(GATEWAY_QUIZ_URL=refused_url()).test_client()
    assert client.get("/api/quiz/templates").status_code == 503
    assert client.get("/api/auth/me").status_code == 200
    assert client.get("/api/content/topics").status_code == 200


def test_hung_upstream_is_504_after_the_read_timeout(make_app: Callable[..., Flask]) -> None:
    with hung_server() as url:
        client = make_app(GATEWAY_AUTH_URL=url, GATEWAY_READ_TIMEOUT=0.3).test_client()
        started = time.perf_counter()
        response = client.post("/api/auth/login", json={"email": "a@example.com"})
        took = elapsed(started)
    assert 0.3 <= took < 5.0
    assert response.status_code == 504
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"].endswith(":upstream-timeout")
    assert body["service"] == "auth"


@dataclass
class Slammer:
    """An upstream that reads each request, sends `reply` (nothing by default) and closes the
    socket."""

    url: str = ""
    accepted: int = 0
    reply: bytes = b""


@contextlib.contextmanager
def serving(slammer: Slammer) -> Iterator[Slammer]:
    """`slammer` running on a free port, counting the connections it accepted."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def run() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                slammer.accepted += 1
                conn.recv(65536)
                conn.sendall(slammer.reply)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        slammer.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        yield slammer
    finally:
        stop.set()
        thread.join(5)
        sock.close()


@pytest.fixture
def slamming_server() -> Iterator[Slammer]:
    """An upstream that closes every connection without answering."""
    with serving(Slammer()) as slammer:
        yield slammer


@pytest.fixture
def cut_off_server() -> Iterator[Slammer]:
    """An upstream that sends a response's headers, then closes before its body."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    with serving(Slammer(reply=head)) as slammer:
        yield slammer


def test_upstream_gone_between_headers_and_body_is_a_502_problem(
    make_app: Callable[..., Flask], cut_off_server: Slammer
) -> None:
    client = make_app(GATEWAY_QUIZ_URL=cut_off_server.url).test_client()
    response = client.put("/api/quiz/sessions/s1/answers/1", json={"answer": "x"})
    assert response.status_code == 502
    assert response.mimetype == PROBLEM
    assert response.get_json()["service"] == "quiz"


@pytest.mark.parametrize(
    ("method", "body", "attempts"),
    [("GET", None, 2), ("HEAD", None, 2), ("POST", b"{}", 1), ("DELETE", None, 1)],
)
def test_broken_upstream_exchange_is_502_after_at_most_one_resend(
    make_app: Callable[..., Flask],
    slamming_server: Slammer,
    method: str,
    body: bytes | None,
    attempts: int,
) -> None:
    client = make_app(GATEWAY_QUIZ_URL=slamming_server.url).test_client()
    response = client.open("/api/quiz/sessions", method=method, data=body)
    assert response.status_code == 502
    assert slamming_server.accepted == attempts
    if method != "HEAD":
        assert response.mimetype == PROBLEM
        problem = response.get_json()
        assert problem["type"].endswith(":bad-gateway")
        assert problem["service"] == "quiz"


def _refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, "/x", reason))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_refused(), True),
        (requests.ConnectTimeout("connect timed out"), True),
        (requests.ReadTimeout("read timed out"), False),
        (requests.ConnectionError(ProtocolError("Connection aborted.")), False),
        (requests.exceptions.ChunkedEncodingError("bad chunk"), False),
        # As urllib3 raises them to the proxy, unwrapped.
        (NewConnectionError(None, "Connection refused"), True),  # type: ignore[arg-type]
        (ConnectTimeoutError("connect timed out"), True),
        (ReadTimeoutError(None, "/x", "read timed out"), False),  # type: ignore[arg-type]
        (ProtocolError("Connection aborted."), False),
    ],
)
def test_is_connect_failure_tells_connecting_from_exchanging(
    error: Exception, expected: bool
) -> None:
    assert is_connect_failure(error) is expected
