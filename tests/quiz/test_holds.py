"""The quiz's side of holds: every draw asks content to hold the questions for the session, and
every way of finalising releases them after the commit, best effort."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from flask import Flask, current_app

from infra.devstack.net import free_port
from services.quiz import sessions
from services.quiz.extensions import db
from services.quiz.finalising import sweep_overdue
from services.quiz.models import QuizSession, SessionStatus, new_id

from .conftest import Candidate
from .fakes import START, FakeUpstream, ManualClock

BODY = {"topics": ["routing"], "question_count": 3, "time_limit_s": 300}


def _start(candidate: Candidate) -> dict:
    response = candidate.start(**BODY)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_start_holds_the_drawn_questions_until_deadline_plus_grace(
    candidate: Candidate, upstream: FakeUpstream
) -> None:
    session = _start(candidate)

    hold = upstream.holds[session["id"]]
    assert hold["candidate"] == "cand-1"
    assert hold["until"] == START + dt.timedelta(seconds=300 + 5)
    assert len(hold["question_ids"]) == 3
    assert upstream.releases == []


def test_submit_releases_the_holds(candidate: Candidate, upstream: FakeUpstream) -> None:
    session = _start(candidate)

    assert candidate.submit(session["id"]).get_json()["status"] == "submitted"

    assert upstream.releases == [session["id"]]
    assert upstream.holds == {}
    candidate.submit(session["id"])  # already finalised: nothing more to release
    assert upstream.releases == [session["id"]]


def test_expiry_on_access_releases_the_holds(
    candidate: Candidate, upstream: FakeUpstream, clock: ManualClock
) -> None:
    session = _start(candidate)
    clock.advance(300 + 6)

    assert candidate.get(f"/sessions/{session['id']}").get_json()["status"] == "expired"

    assert upstream.releases == [session["id"]]


def test_sweep_releases_the_holds(
    app: Flask, candidate: Candidate, upstream: FakeUpstream, clock: ManualClock
) -> None:
    first = _start(candidate)
    candidate.submit(first["id"])
    second = _start(candidate)
    clock.advance(300 + 6)

    with app.app_context():
        assert sweep_overdue(clock.now(), 5.0) == 1

    assert upstream.releases == [first["id"], second["id"]]
    assert upstream.holds == {}


@pytest.mark.parametrize("failure", [500, 503, "unreachable"])
def test_failed_release_is_logged_and_finalising_still_succeeds(
    app: Flask,
    candidate: Candidate,
    upstream: FakeUpstream,
    caplog: pytest.LogCaptureFixture,
    failure: int | str,
) -> None:
    session = _start(candidate)
    if failure == "unreachable":
        app.extensions["quiz_content"].content.base_url = f"http://127.0.0.1:{free_port()}"
    else:
        upstream.fail_release_with = int(failure)

    with caplog.at_level(logging.WARNING, logger="services.quiz.clients.content"):
        submitted = candidate.submit(session["id"])

    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert candidate.get(f"/sessions/{session['id']}/result").status_code == 200
    assert any(f"holds of session {session['id']} not released" in m for m in caplog.messages)
    assert session["id"] in upstream.holds  # content keeps it until `until`


def test_release_retries_once_with_a_fresh_token(
    candidate: Candidate, upstream: FakeUpstream, minter
) -> None:
    session = _start(candidate)
    tokens = candidate.client.application.extensions["quiz_content"].tokens
    tokens._token = minter.token(sub="service:quiz", roles=["candidate"])  # rejected by content

    candidate.submit(session["id"])

    assert upstream.releases == [session["id"]]


def test_a_start_that_loses_the_race_releases_what_it_drew(
    app: Flask, upstream: FakeUpstream, clock: ManualClock
) -> None:
    """The draw succeeded, but another start took the candidate's active slot meanwhile: the
    session is never stored, so nothing would finalise its holds; they are released at once."""
    with app.app_context():
        client = app.extensions["quiz_content"]

        def draw_while_another_start_wins(*args):  # type: ignore[no-untyped-def]
            items = client.draw(*args)
            winner = QuizSession(
                id=new_id(),
                user_sub="cand-1",
                active_slot="cand-1",
                title="t",
                topics=["routing"],
                question_count=3,
                time_limit_s=300,
                status=SessionStatus.ACTIVE,
                started_at=clock.now(),
                deadline=clock.now() + dt.timedelta(seconds=300),
            )
            db.session.add(winner)
            db.session.commit()
            return items

        spec = sessions.Spec("t", ["routing"], None, 3, 300)
        rules = sessions.Rules.from_config(current_app.config)
        with pytest.raises(sessions.ActiveSessionExists):
            sessions.start_session(
                "cand-1", spec, clock.now(), rules, draw_while_another_start_wins
            )

    assert len(upstream.draws) == 1 and upstream.holds == {}
    assert upstream.releases == [upstream.draws[0]["hold"]["session_id"]]
