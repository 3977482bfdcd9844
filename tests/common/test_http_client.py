"""The service client pools connections, applies timeouts and forwards the request id."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
from flask import Flask, request
from werkzeug.serving import make_server

from services.common.http_client import ServiceClient


@pytest.fixture
def echo_server() -> Iterator[str]:
    upstream = Flask("echo")

    @upstream.get("/echo")
    def echo() -> dict:
        return {"request_id": request.headers.get("X-Request-ID")}

    server = make_server("127.0.0.1", 0, upstream, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_request_id_travels_with_calls_made_inside_a_request(app, echo_server):
    client = ServiceClient(echo_server)
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "upstream-trace-1"
        assert client.get("/echo").json() == {"request_id": "upstream-trace-1"}


def test_refused_connection_raises_quickly():
    client = ServiceClient("http://127.0.0.1:1", connect_timeout=0.5, read_timeout=0.5)
    with pytest.raises(requests.ConnectionError):
        client.get("/anything")


def test_timeouts_default_to_configured_pair(echo_server):
    client = ServiceClient(echo_server, connect_timeout=0.7, read_timeout=2.5)
    assert client.timeout == (0.7, 2.5)
    assert client.get("/echo").status_code == 200
