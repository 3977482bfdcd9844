"""Every page type through nginx: axe-core finds no serious or critical violation, the HTML is
under 60 KB and the page's own script under 40 KB, nothing breaks the Content-Security-Policy,
and the pages fit a 320-pixel screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .support.browser import assert_accessible, new_author, shot
from .support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

HTML_LIMIT = 60 * 1024
SCRIPT_LIMIT = 40 * 1024
PUBLIC = ["/", "/signin", "/register", "/forgot", "/study", "/study/routing", "/nowhere"]
SIGNED_IN = [
    "/dashboard",
    "/account",
    "/interviews/new",
    "/author/questions",
    "/author/questions/new",
    "/author/import",
    "/author/stats",
    "/author/reviews",
]


def check(page: Page, path: str, name: str) -> None:
    """Open `path` and check size, scripts and accessibility; leave a screenshot."""
    response = page.goto(path)
    assert response is not None
    assert len(response.body()) < HTML_LIMIT, (path, len(response.body()))
    for src in page.locator("script[src]").evaluate_all("ss => ss.map(s => s.src)"):
        script = page.request.get(src)
        assert script.ok and len(script.body()) < SCRIPT_LIMIT, (src, len(script.body()))
    assert_accessible(page, path)
    shot(page, name)


@pytest.mark.parametrize(("width", "scheme"), [(1024, "light"), (320, "dark")])
def test_every_page_type_is_accessible_light_and_within_the_csp(
    browser: Browser, stack: Stack, width: int, scheme: str
) -> None:
    context = browser.new_context(
        base_url=stack.base_url,
        viewport={"width": width, "height": 800},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        for path in PUBLIC:
            check(page, path, f"a11y-{width}-{path.strip('/').replace('/', '-') or 'landing'}")
        page.goto("/study/routing")
        page.locator("ol.questions a").first.click()
        check(page, page.url, f"a11y-{width}-question")

        new_author(page, stack)
        for path in SIGNED_IN:
            check(page, path, f"a11y-{width}-{path.strip('/').replace('/', '-')}")
            if width == 320:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= 320, (path, scroll)
        page.goto("/author/questions")
        page.get_by_role("link", name=re.compile("^Edit ")).first.click()
        check(page, page.url, f"a11y-{width}-author-edit")

        page.goto("/interviews/new")
        page.get_by_role("link", name=re.compile("^Choose ")).first.click()
        check(page, page.url, f"a11y-{width}-interview-confirm")
        page.get_by_role("button", name="Start now").click()
        expect(page.get_by_role("heading", name=re.compile("^Question 1 of"))).to_be_visible()
        check(page, page.url.split("#")[0], f"a11y-{width}-interview")
        page.get_by_role("button", name="Finish").click()
        expect(page.locator("#summary")).to_be_visible()
        assert_accessible(page, "interview summary")
        page.get_by_role("button", name="Submit the interview").click()
        expect(page).to_have_url(re.compile(r"/result$"))
        check(page, page.url, f"a11y-{width}-result")
        check(page, page.url.replace("/result", "/report"), f"a11y-{width}-report")
    finally:
        context.close()
    assert not [text for text in console if "Content Security Policy" in text], console
