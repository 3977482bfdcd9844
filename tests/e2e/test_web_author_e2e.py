"""Authoring in a real browser: an author finds a question, edits it (errors next to the
fields first), sees the new version; the review queue grades an explain answer."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from .support.browser import new_author, shot
from .support.client import bearer, register_and_login
from .support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_an_author_edits_a_question(page: Page, stack: Stack) -> None:
    new_author(page, stack)
    page.get_by_role("link", name="Authoring").click()
    expect(page.get_by_role("heading", name="Questions")).to_be_visible()
    page.get_by_label("Type").select_option("single")
    page.get_by_label("Search").fill("url_for")
    page.get_by_role("button", name="Search").click()
    shot(page, "author-questions")
    page.get_by_role("link", name=re.compile("^Edit ")).first.click()
    expect(page.get_by_role("heading", name="Edit question")).to_be_visible()
    version = page.locator(".fine-print").first.text_content() or ""
    expect(page.get_by_label("Key point 1")).to_be_hidden()  # another type's fields

    # Two correct options in a single-choice question: the error sits at the options.
    for index in (1, 2):
        page.get_by_label(f"Option {index} is correct").check()
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator(".errors").first).to_be_visible()
    expect(page.get_by_text(re.compile("exactly one correct option"))).to_be_visible()
    shot(page, "author-edit-errors")
    page.set_viewport_size({"width": 900, "height": 640})
    page.locator(".errors").first.scroll_into_view_if_needed()
    shot(page, "screen-author-edit", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 800})

    page.get_by_label("Option 2 is correct").uncheck()
    page.get_by_label("Option 1 is correct").check()
    explanation = page.get_by_label("Explanation")
    explanation.fill((explanation.input_value() or "") + " Edited in the browser.")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text(re.compile(r"The question is saved \(version \d+\)"))).to_be_visible()
    assert page.locator(".fine-print").first.text_content() != version
    expect(page.get_by_label("Explanation")).to_contain_text("Edited in the browser.")


def test_an_author_grades_an_answer_from_the_queue(page: Page, stack: Stack) -> None:
    """Needs the review queue API (`GET /api/quiz/reviews`, `PUT …/reviews/{id}/{position}`)."""
    finish_an_interview_with_explain_answers(stack)
    new_author(page, stack)
    page.goto("/author/reviews")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    form = page.locator("form.self-review").first
    for group in form.locator("fieldset.key-point").all():
        group.get_by_label("Partly").check()
    shot(page, "author-review-queue")
    form.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_text("The grade is saved.")).to_be_visible()


def finish_an_interview_with_explain_answers(stack: Stack) -> None:
    """A candidate (through the API) answers every explain question of a senior interview."""
    _email, tokens = register_and_login(stack.base_url, prefix="e2e-queue")
    http = requests.Session()
    http.headers.update(bearer(tokens["access_token"]))
    base = f"{stack.base_url}/api/quiz"
    templates = http.get(f"{base}/templates", timeout=10).json()["items"]
    senior = next(t for t in templates if t["title"] == "Senior Flask architecture")
    started = http.post(f"{base}/sessions", json={"template_id": senior["id"]}, timeout=15)
    assert started.status_code == 201, started.text
    session = started.json()
    explain = [q for q in session["questions"] if q["type"] == "explain"]
    assert explain, "the senior template drew no explain question"
    for question in explain:
        saved = http.put(
            f"{base}/sessions/{session['id']}/answers/{question['position']}",
            json={"answer": "The app context is pushed per request; extensions use init_app."},
            timeout=10,
        )
        assert saved.status_code == 200, saved.text
    submitted = http.post(f"{base}/sessions/{session['id']}/submit", timeout=15)
    assert submitted.status_code == 200, submitted.text
