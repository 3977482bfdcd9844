"""The layout, error pages and fingerprinted assets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.common.settings import ConfigError

PAGES = ["/", "/signin", "/register", "/forgot", "/study", "/study/routing", "/study/questions/q1"]


def test_every_page_has_landmarks_and_no_inline_script_or_style(browser: FlaskClient) -> None:
    for path in PAGES:
        html = browser.get(path).get_data(as_text=True)
        assert "<header" in html and '<main id="main"' in html and "<footer" in html, path
        assert "<script" not in html and "<style" not in html, path
        assert not re.search(r"\sstyle=", html) and not re.search(r"\son[a-z]+=", html), path


def test_every_control_has_a_label(browser: FlaskClient) -> None:
    for path in ["/signin", "/register", "/forgot", "/study/routing"]:
        html = browser.get(path).get_data(as_text=True)
        for control in re.finditer(r"<(?:input|select|textarea)\b[^>]*>", html):
            tag = control.group(0)
            if 'type="hidden"' in tag:
                continue
            ident = re.search(r'id="([^"]+)"', tag)
            assert ident and f'for="{ident.group(1)}"' in html, (path, tag)


def test_header_shows_the_sign_in_state(browser: FlaskClient) -> None:
    assert ">Sign in</a>" in browser.get("/").get_data(as_text=True)
    browser.set_cookie("access_token_cookie", "tok-ada")
    html = browser.get("/").get_data(as_text=True)
    assert ">Ada</a>" in html and ">Sign out</a>" in html


def test_unknown_page_is_an_html_404_for_browsers_and_problem_for_apis(
    browser: FlaskClient,
) -> None:
    page = browser.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page not found" in page.get_data(as_text=True)
    api = browser.get("/internal/x")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    plain = browser.application.test_client().get("/no/such/page")
    assert plain.mimetype == "application/problem+json"


def test_stylesheet_is_fingerprinted_and_cached_for_a_year(browser: FlaskClient) -> None:
    html = browser.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert href and re.fullmatch(r"/web/static/web\.css\?v=[0-9a-f]{12}", href.group(1))
    response = browser.get(href.group(1))
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    stale = browser.get("/web/static/web.css?v=000000000000")
    assert stale.cache_control.max_age == 300


def test_pages_are_not_stored_by_shared_caches(browser: FlaskClient) -> None:
    response = browser.get("/signin")
    assert response.cache_control.no_store and response.cache_control.private


def test_production_refuses_to_start_without_the_secret_key(make_app: Any) -> None:
    with pytest.raises(ConfigError, match="GATEWAY_SECRET_KEY"):
        make_app(APP_ENV="production", GATEWAY_SECRET_KEY=None)
