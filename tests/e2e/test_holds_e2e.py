"""A running interview's questions keep their answers from the candidate on content's study
routes, through nginx, until the interview is submitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from .support.client import bearer, register_and_login
from .support.stack import Stack

pytestmark = pytest.mark.e2e
TIMEOUT = 15
ANSWER_FIELDS = {"answer", "accepted", "key_points", "model_answer", "explanation"}


def _answers_in(item: dict[str, Any]) -> set[str]:
    found = ANSWER_FIELDS & set(item)
    for option in item.get("options", []):
        found |= {"correct", "why"} & set(option)
    return found


def _words(prompt: str) -> str:
    """The prompt's plain words, as many as `q` takes (200 characters). Code is left out:
    PostgreSQL's parser reads e.g. `/items` as one token that a word query does not match."""
    plain = [w.strip(".,:;?!()\"'") for w in prompt.split()]
    words = " ".join(w for w in plain if w.isalpha())
    return words if len(words) <= 200 else words[:200].rsplit(" ", 1)[0]


def _study(stack: Stack, http: requests.Session, prompt: str) -> list[dict[str, Any]]:
    """The search hit for `prompt` (the candidate's second tab) and the same question by id."""
    found = http.get(
        f"{stack.base_url}/api/content/questions",
        params={"q": _words(prompt), "per_page": 100},
        timeout=TIMEOUT,
    )
    assert found.status_code == 200, found.text[:500]
    hit = next(item for item in found.json()["items"] if item["prompt"] == prompt)
    by_id = http.get(f"{stack.base_url}/api/content/questions/{hit['id']}", timeout=TIMEOUT)
    assert by_id.status_code == 200, by_id.text[:500]
    return [hit, by_id.json()]


def test_interview_questions_are_held_until_submit(stack: Stack) -> None:
    browser = requests.Session()  # signed in by cookie, as the web pages are
    _email, tokens = register_and_login(stack.base_url, browser, prefix="e2e-holds")
    api = requests.Session()
    api.headers.update(bearer(tokens["access_token"]))
    anonymous = requests.Session()

    started = api.post(
        f"{stack.base_url}/api/quiz/sessions",
        # Topics whose prompts hold no HTML: PostgreSQL's parser reads `<script>…` as a tag, so
        # the two prompts quoting one are not found by their own words (a search limitation).
        json={"topics": ["routing", "blueprints"], "question_count": 4, "time_limit_s": 600},
        timeout=TIMEOUT,
    )
    assert started.status_code == 201, started.text[:1000]
    session = started.json()
    prompts = [q["prompt"] for q in session["questions"]]
    deadline = dt.datetime.fromisoformat(session["deadline"])

    for prompt in prompts:
        for item in _study(stack, anonymous, prompt):
            assert _answers_in(item) == set() and "held_until" not in item
        for http in (api, browser):
            for item in _study(stack, http, prompt):
                assert _answers_in(item) == set(), item
                assert dt.datetime.fromisoformat(item["held_until"]) > deadline

    submitted = api.post(
        f"{stack.base_url}/api/quiz/sessions/{session['id']}/submit", timeout=TIMEOUT
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"

    for prompt in prompts:
        for item in _study(stack, api, prompt):
            assert "held_until" not in item
            assert item["model_answer"] and item["explanation"]
        for item in _study(stack, anonymous, prompt):
            assert _answers_in(item) == set()
