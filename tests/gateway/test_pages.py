"""The landing page: what the platform does, where the APIs are, nothing a strict CSP blocks."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_landing_page_leads_into_the_app_and_links_every_service_docs(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for page in ("/signin", "/register", "/study"):
        assert 'class="button' in html and f'href="{page}"' in html
    for service in ("auth", "content", "quiz"):
        assert f'href="/api/{service}/docs"' in html
    assert "mock interview" in html.lower()


def test_landing_page_has_no_inline_script_or_style(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<script" not in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_landing_page_stylesheet_is_served(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert href is not None
    response = client.get(href.group(1))
    assert response.status_code == 200
    assert response.mimetype == "text/css"
