"""Gateway fixtures: real stand-in upstreams on free ports and a gateway app pointing at them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import serve
from services.gateway import create_app
from services.gateway.upstreams import close_upstreams

from .standins import upstream_app

SERVICES = ("auth", "content", "quiz")


class BufferedClient(FlaskClient):
    """A test client that reads every streamed body at once, so upstream connections close."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def upstream_urls() -> Iterator[dict[str, str]]:
    """One echoing stand-in per service, shared by the whole run (they keep no state)."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(serve(upstream_app(name))) for name in SERVICES}


@pytest.fixture
def make_app(upstream_urls: Mapping[str, str]) -> Iterator[Callable[..., Flask]]:
    """Build gateways pointing at the stand-ins; `overrides` replace any setting."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        config: dict[str, Any] = {
            **{f"GATEWAY_{name.upper()}_URL": url for name, url in upstream_urls.items()},
            "GATEWAY_CONNECT_TIMEOUT": 1.0,
            "GATEWAY_READ_TIMEOUT": 5.0,
            "GATEWAY_READY_TIMEOUT": 1.0,
        }
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = BufferedClient
        built.append(app)
        return app

    yield build
    for app in built:
        close_upstreams(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """A gateway whose upstreams are the three echoing stand-ins."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()
