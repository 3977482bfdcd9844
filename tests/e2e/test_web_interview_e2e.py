"""The interview in a real browser: start one, answer by clicking and typing, reload, go
offline and come back, let the clock run out; then the result, the self-review and the report.

Answers are checked on the server through the public API with the browser's own cookies.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .support.browser import new_candidate, shot
from .support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TEXT_ANSWERS = {
    "short": "url_for",
    "explain": "The application context is pushed for each request so current_app and g work; "
    "blueprints group routes and are registered on the app with a url_prefix.",
}


def current_panel(page: Page) -> Locator:
    """The question on screen."""
    return page.locator(".question-panel:not([hidden])")


def answer_current(page: Page) -> str:
    """Answer the question on screen as a person would; return its type."""
    panel = current_panel(page)
    kind = panel.get_attribute("data-type") or ""
    if kind in ("single", "multi"):
        panel.locator(".choice label").first.click()
    elif kind == "true_false":
        panel.get_by_label("True", exact=True).check()
    else:
        panel.get_by_label("Your answer").fill(TEXT_ANSWERS[kind])
    return kind


def start_template(page: Page, title: str) -> str:
    """From the dashboard: pick a template, read the confirmation, start; return the id."""
    page.goto("/dashboard")
    page.get_by_role("link", name="Start an interview").click()
    page.get_by_role("link", name=f"Choose {title}").click()
    expect(page.get_by_text("The clock starts as soon as you press Start")).to_be_visible()
    page.get_by_role("button", name="Start now").click()
    expect(page).to_have_url(re.compile(r"/interviews/[^/]+(#q1)?$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Question 1 of"))).to_be_visible()
    return page.url.split("/interviews/")[1].split("#")[0]


def start_composed(page: Page, count: int, minutes: int) -> str:
    """Compose an interview of `count` questions and `minutes`, confirm and start it."""
    page.goto("/interviews/new")
    page.get_by_label("Number of questions").fill(str(count))
    page.get_by_label("Minutes").fill(str(minutes))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Ready to start?")).to_be_visible()
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Question 1 of"))).to_be_visible()
    return page.url.split("/interviews/")[1].split("#")[0]


def server_session(page: Page, session_id: str) -> dict[str, Any]:
    """The session as the quiz API returns it to this browser's cookies."""
    response = page.request.get(f"/api/quiz/sessions/{session_id}")
    assert response.ok, response.text()
    body: dict[str, Any] = response.json()
    return body


def seconds_on_clock(page: Page) -> int:
    """The clock's mm:ss (or h:mm:ss) as seconds."""
    parts = [int(p) for p in (page.locator("#clock").text_content() or "0").split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return total


def test_take_a_whole_interview_by_clicking_and_typing(page: Page, stack: Stack) -> None:
    new_candidate(page, stack, "interview")
    session_id = start_template(page, "Flask fundamentals")
    shot(page, "interview")
    page.set_viewport_size({"width": 900, "height": 640})
    shot(page, "screen-interview", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 800})
    total = page.locator(".nav-q").count()
    for index in range(total):
        answer_current(page)
        if index == 1:
            page.get_by_role("button", name="Flag for review").click()
            expect(page.get_by_role("button", name="Question 2, answered, flagged")).to_be_visible()
        if index < total - 1:
            current_panel(page).get_by_role("button", name="Next").click()
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    # The navigator jumps back with the keyboard.
    page.get_by_role("button", name=re.compile(r"^Question 1, answered")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Question 1 of {total}")).to_be_visible()

    page.get_by_role("button", name="Finish").click()
    summary = page.locator("#summary")
    expect(summary).to_contain_text(f"{total} of {total} questions answered, 1 flagged")
    shot(page, "interview-summary")
    page.get_by_role("button", name="Submit the interview").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{session_id}/result$"))
    expect(page.get_by_role("heading", name=re.compile("result"))).to_be_visible()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    shot(page, "result")
    page.set_viewport_size({"width": 900, "height": 640})
    shot(page, "screen-result", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 800})
    assert all(q["answer"] is not None for q in server_session(page, session_id)["questions"])

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name="Flask fundamentals").first).to_be_visible()
    expect(page.get_by_role("heading", name="Mastery by topic")).to_be_visible()
    shot(page, "dashboard")
    page.set_viewport_size({"width": 900, "height": 640})
    shot(page, "screen-dashboard", full_page=False)


def test_reload_mid_interview_keeps_answers_and_clock(page: Page, stack: Stack) -> None:
    new_candidate(page, stack, "reload")
    session_id = start_composed(page, count=3, minutes=10)
    kind = answer_current(page)
    expect(page.locator("#save-state")).to_contain_text("Saved at")
    current_panel(page).get_by_role("button", name="Next").click()
    before = seconds_on_clock(page)
    deadline = page.locator("#interview").get_attribute("data-deadline")

    page.reload()
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_visible()
    after = seconds_on_clock(page)
    assert before - 15 <= after <= before, (before, after)
    assert page.locator("#interview").get_attribute("data-deadline") == deadline
    page.get_by_role("button", name=re.compile(r"^Question 1, answered")).click()
    panel = current_panel(page)
    if kind in ("single", "multi", "true_false"):
        expect(panel.locator("input:checked")).to_have_count(1)
    else:
        expect(panel.get_by_label("Your answer")).to_have_value(TEXT_ANSWERS[kind])
    saved = server_session(page, session_id)["questions"][0]["answer"]
    assert saved is not None

    # A second tab resumes the same session, same order, same answers.
    other = page.context.new_page()
    other.goto(f"/interviews/{session_id}")
    expect(other.get_by_role("button", name=re.compile(r"^Question 1, answered"))).to_be_visible()
    assert other.locator(".question-panel").evaluate_all(
        "ps => ps.map(p => p.dataset.position)"
    ) == page.locator(".question-panel").evaluate_all("ps => ps.map(p => p.dataset.position)")
    other.close()


def test_answers_made_offline_reach_the_server_when_back(page: Page, stack: Stack) -> None:
    new_candidate(page, stack, "offline")
    session_id = start_composed(page, count=3, minutes=10)
    answer_current(page)
    expect(page.locator("#save-state")).to_contain_text("Saved at")

    page.context.set_offline(True)
    for _ in range(2):
        current_panel(page).get_by_role("button", name="Next").click()
        answer_current(page)
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#offline")).to_contain_text("2 answers will be sent")
    shot(page, "interview-offline")

    page.context.set_offline(False)
    expect(page.locator("#offline")).to_be_hidden(timeout=20_000)
    expect(page.locator("#save-state")).to_contain_text("Saved at", timeout=20_000)
    answers = [q["answer"] for q in server_session(page, session_id)["questions"]]
    assert all(a is not None for a in answers), answers


def test_a_short_interview_runs_out_and_lands_on_the_result(page: Page, stack: Stack) -> None:
    new_candidate(page, stack, "timeout")
    limits = page.request.get("/api/quiz/limits").json()
    minutes = max(1, int(limits["time_limit_s"]["min"]) // 60)  # the form asks for minutes
    length_s = minutes * 60
    session_id = start_composed(page, count=2, minutes=minutes)
    answer_current(page)
    expect(page.locator("#save-state")).to_contain_text("Saved at")
    # Red in the last 100 s; screen readers hear the time at 20 % and 5 % left, then it submits.
    expect(page.locator("#interview.time-urgent")).to_be_attached(timeout=length_s * 1000)
    expect(page.locator("#time-alert")).to_contain_text(
        "seconds left", timeout=(length_s + 30) * 1000
    )
    expect(page).to_have_url(
        re.compile(rf"/interviews/{session_id}/result$"), timeout=(length_s + 60) * 1000
    )
    expect(page.locator(".score")).to_contain_text(re.compile("Time ran out|Submitted"))
    shot(page, "result-after-time-ran-out")


def test_self_review_changes_the_score_and_the_report_opens(page: Page, stack: Stack) -> None:
    """Needs the review and report APIs (`PUT …/review/{position}`, `GET …/report`)."""
    new_candidate(page, stack, "review")
    session_id = start_template(page, "Senior Flask architecture")
    total = page.locator(".nav-q").count()
    for index in range(total):
        answer_current(page)
        if index < total - 1:
            current_panel(page).get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Finish").click()
    page.get_by_role("button", name="Submit the interview").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{session_id}/result$"))

    form = page.locator("form.self-review").first
    expect(form).to_be_visible()
    score_before = page.locator(".score .big").text_content()
    for group in form.locator("fieldset.key-point").all():
        group.get_by_label("Covered").check()
    shot(page, "self-review")
    form.get_by_role("button", name=re.compile("^Save my review")).click()
    expect(page.get_by_text("the score is updated")).to_be_visible()
    expect(page.locator(".score .big")).not_to_have_text(score_before or "")
    expect(page.get_by_text("self-assessed").first).to_be_visible()

    page.get_by_role("link", name="Read your report").click()
    expect(page.locator(".report-fragment section.report")).to_be_visible(timeout=90_000)
    shot(page, "report")
    pdf = page.request.get(
        page.get_by_role("link", name="Download PDF").get_attribute("href") or ""
    )
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")


def test_answers_still_save_after_the_access_token_expires(page: Page, stack: Stack) -> None:
    new_candidate(page, stack, "renew")
    session_id = start_composed(page, count=2, minutes=10)
    # What the browser does when the 15-minute access cookie and its CSRF cookie expire.
    page.context.clear_cookies(name="access_token_cookie")
    page.context.clear_cookies(name="csrf_access_token")
    answer_current(page)
    expect(page.locator("#save-state")).to_contain_text("Saved at", timeout=20_000)
    assert server_session(page, session_id)["questions"][0]["answer"] is not None
