"""Through a real HTTP server: raw paths, chunked and large bodies, encoded responses."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterator

import pytest
import requests
from flask import Flask

from services.common.testing import serve


@pytest.fixture
def gateway_url(make_app: Callable[..., Flask]) -> Iterator[str]:
    """The gateway served on a free local port."""
    with serve(make_app()) as url:
        yield url


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A plain HTTP client that does not decode bodies for us unless asked."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


def test_raw_path_reaches_upstream_byte_for_byte(gateway_url: str, http: requests.Session) -> None:
    target = "/api/content/questions/a%2Fb%20c?q=%C3%A9t%C3%A9&tag=a+b&empty="
    echoed = http.get(gateway_url + target, timeout=5).json()
    assert echoed["raw_uri"] == target


def test_chunked_request_body_is_streamed_upstream(
    gateway_url: str, http: requests.Session
) -> None:
    parts = [b"x" * 10_000, b"y" * 20_000, b"z"]

    def body() -> Iterator[bytes]:
        yield from parts

    response = http.post(gateway_url + "/api/quiz/upload", data=body(), timeout=5)
    echoed = response.json()
    assert echoed["body_len"] == sum(map(len, parts))
    assert echoed["body_sha256"] == hashlib.sha256(b"".join(parts)).hexdigest()


def test_large_body_passes_with_its_length(gateway_url: str, http: requests.Session) -> None:
    payload = bytes(range(256)) * 20_000  # ~5 MB
    response = http.put(
        gateway_url + "/api/content/import",
        data=payload,
        headers={"Content-Type": "application/octet-stream"},
        timeout=10,
    )
    echoed = response.json()
    assert echoed["body_len"] == len(payload)
    assert echoed["headers"]["content-length"] == str(len(payload))
    assert echoed["body_sha256"] == hashlib.sha256(payload).hexdigest()
    assert echoed["transfer_encoding"] is None


def test_encoded_response_passes_still_encoded(gateway_url: str, http: requests.Session) -> None:
    response = http.get(gateway_url + "/api/auth/gzip", stream=True, timeout=5)
    raw = response.raw.read(decode_content=False)
    response.close()
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw) == b"compressed payload"


def test_chunked_response_is_reframed_by_the_gateway(
    gateway_url: str, http: requests.Session
) -> None:
    response = http.get(gateway_url + "/api/quiz/hop", timeout=5)
    assert response.content == b"streamed body"
    assert "X-Private" not in response.headers
    assert response.headers["X-Kept"] == "yes"


def test_response_carries_one_server_and_date_header(
    gateway_url: str, http: requests.Session
) -> None:
    response = http.get(gateway_url + "/api/content/topics", stream=True, timeout=5)
    names = [name.lower() for name, _ in response.raw.headers.items()]
    response.close()
    assert names.count("date") == 1
    assert names.count("server") == 1
