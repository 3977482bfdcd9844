"""Real nginx on the rendered config, in front of a stub content service: anonymous study reads
come from nginx's cache and are revalidated with their ETag; anything sent with credentials, and
any other route, always reaches the service and is never stored."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infra.devstack.net import free_port

from .test_edge import start_nginx, stop


class StubContent(http.server.BaseHTTPRequestHandler):
    """Answers like the content service: anonymous readers get a public, cacheable list with an
    ETag (304 when it matches); signed-in readers get their own list, `private, no-store`."""

    seen: list[dict[str, str]] = []
    version = 1
    max_age = 60

    def do_GET(self) -> None:
        type(self).seen.append({"path": self.path, **dict(self.headers.items())})
        credentials = self.headers.get("Authorization") or self.headers.get("Cookie")
        reader = "signed-in" if credentials else "anonymous"
        body = json.dumps({"path": self.path, "reader": reader, "version": self.version}).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        cache_control = "private, no-store" if credentials else f"public, max-age={self.max_age}"
        if not credentials and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", cache_control)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", cache_control)
        self.send_header("Vary", "Authorization, Cookie")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def content_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StubContent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory, content_port: int) -> Iterator[str]:
    port = free_port()
    overrides = {
        "NGINX_PORT": f"127.0.0.1:{port}",
        "NGINX_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "NGINX_UPSTREAM": f"127.0.0.1:{content_port}",
    }
    process = start_nginx(Path(tmp_path_factory.mktemp("cache")), overrides, False, port)
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.fixture(autouse=True)
def fresh_stub() -> None:
    StubContent.seen.clear()
    StubContent.max_age = 60


def reached(path: str) -> int:
    """How many requests for `path` reached the stub."""
    return sum(1 for request in StubContent.seen if request["path"] == path)


def test_anonymous_study_list_is_served_from_the_cache(edge: str) -> None:
    path = "/api/content/questions?topic=routing&per_page=20"
    first = requests.get(edge + path, timeout=5)
    second = requests.get(edge + path, timeout=5)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() == {"path": path, "reader": "anonymous", "version": 1}
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert reached(path) == 1
    # The cached copy keeps the edge's security headers and its own request id.
    assert second.headers["X-Content-Type-Options"] == "nosniff"
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_topics_and_single_questions_are_cached_too(edge: str) -> None:
    for path in ("/api/content/topics", "/api/content/questions/q-1"):
        requests.get(edge + path, timeout=5)
        assert requests.get(edge + path, timeout=5).headers["X-Cache-Status"] == "HIT"
        assert reached(path) == 1


@pytest.mark.parametrize(
    "credentials",
    [{"Authorization": "Bearer token-of-a-candidate"}, {"Cookie": "access_token_cookie=abc"}],
    ids=["authorization", "cookie"],
)
def test_signed_in_reads_bypass_the_cache_and_are_never_stored(
    edge: str, credentials: dict[str, str]
) -> None:
    path = f"/api/content/questions?page=7&case={next(iter(credentials))}"
    anonymous = requests.get(edge + path, timeout=5)
    assert anonymous.headers["X-Cache-Status"] == "MISS"
    for _ in range(2):
        signed_in = requests.get(edge + path, headers=credentials, timeout=5)
        assert signed_in.json()["reader"] == "signed-in"
        assert signed_in.headers["X-Cache-Status"] == "BYPASS"
    assert reached(path) == 3
    # The signed-in answers did not replace the anonymous entry, nor leak into it.
    again = requests.get(edge + path, timeout=5)
    assert again.json()["reader"] == "anonymous"
    assert again.headers["X-Cache-Status"] == "HIT"


def test_a_signed_in_first_read_leaves_nothing_for_anonymous_readers(edge: str) -> None:
    path = "/api/content/questions?page=8"
    signed_in = requests.get(edge + path, headers={"Authorization": "Bearer t"}, timeout=5)
    assert signed_in.json()["reader"] == "signed-in"
    anonymous = requests.get(edge + path, timeout=5)
    assert anonymous.json()["reader"] == "anonymous"
    assert anonymous.headers["X-Cache-Status"] == "MISS"


def test_an_expired_entry_is_revalidated_with_its_etag_and_picks_up_edits(edge: str) -> None:
    StubContent.max_age = 1
    path = "/api/content/questions?page=9"
    assert requests.get(edge + path, timeout=5).json()["version"] == 1
    time.sleep(2.5)  # let the one-second max-age run out (nginx counts whole seconds)
    revalidated = requests.get(edge + path, timeout=5)
    assert revalidated.headers["X-Cache-Status"] == "REVALIDATED"
    assert revalidated.json()["version"] == 1
    assert StubContent.seen[-1].get("If-None-Match")
    StubContent.version = 2  # an author edits: the body, hence the ETag, changes
    try:
        time.sleep(2.5)
        edited = requests.get(edge + path, timeout=5)
        assert edited.json()["version"] == 2
    finally:
        StubContent.version = 1


@pytest.mark.parametrize(
    "path", ["/api/quiz/sessions/abc", "/api/content/internal/x", "/api/content/questions-x"]
)
def test_other_routes_are_never_cached(edge: str, path: str) -> None:
    for _ in range(2):
        response = requests.get(edge + path, timeout=5)
        assert "X-Cache-Status" not in response.headers
    assert reached(path) in (0, 2)  # internal routes stop at nginx (404) and never arrive
