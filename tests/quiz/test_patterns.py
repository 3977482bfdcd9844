"""Author patterns run on RE2: a pathological one cannot stall scoring, the sweep or a worker."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from services.quiz.finalising import sweep_overdue
from services.quiz.question_types import score_answer

from .conftest import Candidate
from .fakes import FakeUpstream, ManualClock

EXPONENTIAL = "(a+)+b"  # backtracks for ~2^n steps in Python's `re` on n a's without a b
WORST_ANSWER = "a" * 40 + "!"


def _patterns(upstream: FakeUpstream, *patterns: str) -> None:
    """Give every short question of the fake bank these patterns, and an accepted answer that
    the answers below do not match (`url for` is `url_for` once folded), so only a pattern can
    award the point."""
    for item in upstream.bank.values():
        if item["type"] == "short":
            item["answer_key"] = {"accepted": ["flask.url_for"], "patterns": list(patterns)}


def _start_and_answer(candidate: Candidate, answer: str) -> dict[str, Any]:
    session = candidate.start(topics=["routing"], question_count=15, time_limit_s=300).get_json()
    shorts = [q["position"] for q in session["questions"] if q["type"] == "short"]
    assert shorts, session
    for position in shorts:
        assert candidate.put_answer(session["id"], position, answer).status_code == 200
    return session


# Guards only: on Python's `re` these cases backtrack for hours; on RE2 they take milliseconds.
# `func_only`: fixture set-up and tear-down (tables, the fake upstream) are not part of it.
@pytest.mark.timeout(5, func_only=True)
def test_exponential_pattern_scores_promptly_on_submit(
    candidate: Candidate, upstream: FakeUpstream
) -> None:
    _patterns(upstream, EXPONENTIAL)
    session = _start_and_answer(candidate, WORST_ANSWER)

    response = candidate.submit(session["id"])

    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    shorts = [q for q in result["questions"] if q["type"] == "short"]
    assert shorts and all(q["awarded"] == 0 for q in shorts)


@pytest.mark.timeout(15, func_only=True)  # three sessions are started and answered first
def test_sweep_finalises_sessions_with_pathological_or_unrunnable_patterns(
    app: Flask,
    client,
    minter,
    upstream: FakeUpstream,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _patterns(upstream, EXPONENTIAL)
    slow = _start_and_answer(Candidate(client, minter, sub="slow"), WORST_ANSWER)
    # Snapshots taken before content refused lookaround hold patterns RE2 cannot compile.
    _patterns(upstream, r"(?=url)url for", r"(url)\1")
    broken = _start_and_answer(Candidate(client, minter, sub="broken"), "url for")
    _patterns(upstream, r"\burl for\b")
    plain = _start_and_answer(Candidate(client, minter, sub="plain"), "url for")
    clock.advance(300 + 60)

    with caplog.at_level(logging.WARNING, logger="services.quiz.scoring"), app.app_context():
        finalised = sweep_overdue(clock.now(), 5.0)

    assert finalised == 3
    for sub, session, awarded in (("slow", slow, 0), ("broken", broken, 0), ("plain", plain, 1)):
        owner = Candidate(client, minter, sub=sub)
        result = owner.get(f"/sessions/{session['id']}/result").get_json()
        assert result["status"] == "expired"
        shorts = [q for q in result["questions"] if q["type"] == "short"]
        assert shorts and all(q["awarded"] == awarded for q in shorts), (sub, shorts)
    assert any("not runnable" in record.getMessage() for record in caplog.records)


def test_re2_keeps_the_documented_short_answer_matching() -> None:
    key = {"accepted": [], "patterns": [r"\burl for\b", r"^(get|post)$"]}
    assert score_answer("short", "I would call url.for", key).fraction == 1.0
    assert score_answer("short", "POST", key).fraction == 1.0
    assert score_answer("short", "hurl forward", key).fraction == 0.0
