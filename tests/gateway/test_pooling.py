"""The upstream pools: one per service, shared by the proxy and the pages, never left half-read."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from services.common.testing import serve

BIG = b"x" * 1_000_000


def big_upstream(environ: dict, start_response: Callable) -> Iterator[bytes]:
    """An upstream whose answer is much larger than one relayed chunk."""
    start_response("200 OK", [("Content-Length", str(len(BIG)))])
    return iter([BIG])


@pytest.fixture
def big_url() -> Iterator[str]:
    with serve(big_upstream) as url:
        yield url


def test_pages_and_proxy_share_one_pool_per_service(app: Flask) -> None:
    for upstream in app.extensions["upstreams"].values():
        adapter = upstream.session.get_adapter(upstream.base_url)
        assert adapter.get_connection_with_tls_context(None, True) is upstream.pool


def test_a_body_closed_half_read_closes_its_connection_and_frees_the_slot(
    make_app: Callable[..., Flask], big_url: str
) -> None:
    app = make_app(GATEWAY_QUIZ_URL=big_url)
    pool = app.extensions["upstreams"]["quiz"].pool
    slots = pool.pool.qsize()
    environ = EnvironBuilder(path="/api/quiz/big").get_environ()
    body = app.wsgi_app(environ, lambda status, headers, exc_info=None: None)
    assert len(next(iter(body))) < len(BIG)
    body.close()  # the client went away
    assert pool.pool.qsize() == slots
    assert all(conn is None or conn.sock is None for conn in list(pool.pool.queue))
