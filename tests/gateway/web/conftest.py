"""Web page fixtures: a gateway whose auth and content upstreams are one recording stand-in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import serve

from .services_standin import services_app


@pytest.fixture
def state() -> dict[str, Any]:
    """What the stand-in services saw (`calls`) and switches for their answers."""
    return {}


@pytest.fixture
def services_url(state: dict[str, Any]) -> Iterator[str]:
    """The stand-in auth and content services on a free port."""
    with serve(services_app(state)) as url:
        yield url


@pytest.fixture
def app(make_app: Callable[..., Flask], services_url: str) -> Flask:
    """A gateway whose pages call the stand-in services."""
    return make_app(
        GATEWAY_AUTH_URL=services_url,
        GATEWAY_CONTENT_URL=services_url,
        GATEWAY_QUIZ_URL=services_url,
        GATEWAY_SECRET_KEY="test-secret",
    )


@pytest.fixture
def browser(app: Flask) -> FlaskClient:
    """A client that sends `Accept: text/html` like a browser does."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    return client


@pytest.fixture
def signed_in(browser: FlaskClient) -> FlaskClient:
    """A browser holding the stand-in's session cookies for Ada."""
    browser.set_cookie("access_token_cookie", "tok-ada")
    browser.set_cookie("csrf_access_token", "csrf-ada")
    return browser


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, str], page: str | None = None) -> Any:
    """Open `page` (default `path`), then post `data` with that page's CSRF token."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_token(html)})
