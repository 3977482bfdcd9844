"""The service client pools connections, applies timeouts and forwards the request id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask, g, request

from services.common.http_client import ServiceClient
from services.common.testing import serve


@pytest.fixture
def upstream_url() -> Iterator[str]:
    upstream = Flask("upstream")

    @upstream.get("/echo")
    def echo() -> dict:
        return {"request_id": request.headers.get("X-Request-ID")}

    @upstream.get("/moved")
    def moved() -> tuple:
        return "<p>Moved.</p>", 302, {"Location": "/elsewhere"}

    with serve(upstream) as url:
        yield url


def test_request_id_travels_with_calls_made_inside_a_request(app, upstream_url):
    client = ServiceClient(upstream_url)
    with app.test_request_context("/"):
        g.request_id = "upstream-trace-1"
        assert client.get("/echo").json() == {"request_id": "upstream-trace-1"}


def test_refused_connection_raises_quickly():
    client = ServiceClient("http://127.0.0.1:1", connect_timeout=0.5, read_timeout=0.5)
    with pytest.raises(requests.ConnectionError):
        client.get("/anything")


def test_timeouts_default_to_configured_pair(upstream_url):
    client = ServiceClient(upstream_url, connect_timeout=0.7, read_timeout=2.5)
    assert client.timeout == (0.7, 2.5)
    assert client.get("/echo").status_code == 200


def test_redirect_is_returned_with_its_body_unread(upstream_url):
    reply = ServiceClient(upstream_url).get("/moved", stream=True)
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/elsewhere"
    assert reply.raw.read() == b"<p>Moved.</p>"
