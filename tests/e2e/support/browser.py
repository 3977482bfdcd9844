"""Browser helpers for the web tests: Debian's Chromium through Playwright, screenshots, the
accessibility check, and candidates or authors signed in through the pages."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from infra.devstack.processes import REPO_ROOT

from .client import PASSWORD, bearer
from .stack import Stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (missing Chromium is a failure, never a skip)."""
    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium (apt-get install chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the stack's public origin."""
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1024, "height": 800})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def shot(page: Page, name: str, full_page: bool = True) -> None:
    """Save a screenshot (the full page, or what is on screen) to var/screenshots/<name>.png."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def new_email(prefix: str) -> str:
    return f"e2e-{prefix}-{secrets.token_hex(4)}@example.com"


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the sign-in page."""
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def new_candidate(page: Page, stack: Stack, prefix: str = "web") -> str:
    """A new account (made through the API, to save time) signed in through the pages."""
    email = new_email(prefix)
    created = requests.post(
        f"{stack.base_url}/api/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Grace"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()
    return email


def new_author(page: Page, stack: Stack) -> str:
    """A new account given role author by an admin, then signed in through the pages."""
    email = new_email("author")
    created = requests.post(
        f"{stack.base_url}/api/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Ada"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    roles = requests.put(
        f"{stack.base_url}/api/auth/users/{created.json()['id']}/roles",
        json={"roles": ["candidate", "author"]},
        headers=bearer(stack.admin_token()),
        timeout=10,
    )
    assert roles.status_code == 200, roles.text
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("link", name="Authoring")).to_be_visible()
    return email


def assert_accessible(page: Page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    results = Axe().run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in results.response.get("violations", [])
        if v.get("impact") in BLOCKING
    ]
    assert not blocking, f"{name}: " + "; ".join(blocking)
