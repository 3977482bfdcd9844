"""The web pages in a real browser (Chromium, headless) against the whole stack through nginx.

Controls are found by their labels and roles, as assistive technology finds them. Every test
leaves screenshots in var/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import secrets

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from .support.browser import new_email, shot, sign_in
from .support.client import PASSWORD
from .support.mailbox import link_token, wait_for_mail
from .support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NEW_PASSWORD = "e2e a brand new passphrase"


def register(page: Page, email: str) -> None:
    """Create an account through the pages, from the landing page's button."""
    page.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Name").fill("Grace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()


def test_register_verify_by_mail_sign_in_and_see_the_account(page: Page, stack: Stack) -> None:
    email = new_email("web")
    page.goto("/")
    shot(page, "landing")
    register(page, email)
    shot(page, "registered")

    mail = wait_for_mail(stack.mail_dir, email, "Confirm your email address")
    page.goto(f"/verify?token={link_token(mail, 'verify')}")
    expect(page.get_by_role("heading", name="Email confirmed")).to_be_visible()
    shot(page, "verified")

    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("password")
    shot(page, "signin-error")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_text(email).first).to_be_visible()
    expect(page.get_by_text("verified", exact=True)).to_be_visible()
    expect(page.get_by_label("Type your email to confirm")).to_be_visible()
    shot(page, "account")

    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/signin\?next=/account$"))


def test_study_filter_search_and_show_the_answer(page: Page, stack: Stack) -> None:
    page.goto("/")
    page.get_by_role("link", name="Study").first.click()
    expect(page.get_by_role("heading", name="Study", exact=True)).to_be_visible()
    shot(page, "study")
    page.get_by_role("link", name="Routing").click()
    page.get_by_label("Difficulty").select_option("junior")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"difficulty=junior"))
    page.get_by_label("Search").fill("url_for")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("question")
    shot(page, "study-topic")

    page.locator("ol.questions a").first.click()
    expect(page.get_by_role("heading", name="Question")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to see answers")).to_be_visible()
    shot(page, "question-anonymous")
    question_url = page.url

    email = new_email("study")
    register(page, email)
    sign_in(page, email, PASSWORD)
    page.goto(question_url)
    disclosure = page.get_by_text("Show answer")
    disclosure.click()
    expect(page.locator("details.answer")).to_have_attribute("open", "")
    shot(page, "question-answer")


def test_forgot_and_reset_the_password_through_the_pages(page: Page, stack: Stack) -> None:
    email = new_email("reset")
    register(page, email)
    page.goto("/signin")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    mail = wait_for_mail(stack.mail_dir, email, "Reset your")
    page.goto(f"/reset?token={link_token(mail, 'reset')}")
    page.get_by_label("New password").fill("password")
    page.get_by_role("button", name="Change the password").click()
    expect(page.locator("#new_password-error")).to_be_visible()
    shot(page, "reset-weak")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change the password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()

    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_pages_fit_a_320_pixel_screen_and_have_no_csp_violations(
    browser: Browser, stack: Stack
) -> None:
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        for path in ("/", "/signin", "/register", "/study", "/study/routing", "/nowhere"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
            name = path.strip("/").replace("/", "-") or "landing"
            shot(page, f"narrow-{name}")
        assert not [text for text in console if "Content Security Policy" in text], console
    finally:
        context.close()


def test_sign_in_with_google_through_the_pages(page: Page, stack: Stack) -> None:
    """The sign-in page's Google button, the provider's own page (the local OpenID Connect
    provider), back through our callback, and the candidate is signed in."""
    sub = f"web-google-{secrets.token_hex(4)}"
    requests.put(
        f"{stack.oidc_url}/users/{sub}",
        json={"email": f"{sub}@gmail.test", "email_verified": True, "name": "Grace Google"},
        timeout=10,
    ).raise_for_status()
    page.goto("/signin")
    page.get_by_role("link", name=re.compile("Sign in with Google")).click()
    page.locator('input[name="sub"]').fill(sub)  # the provider's page: who signs in
    page.locator('form[method="post"] [type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_text(f"{sub}@gmail.test").first).to_be_visible()
    shot(page, "google-signed-in")
