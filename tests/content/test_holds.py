"""Holds: questions drawn for a running interview keep their answers from that candidate on every
study route until the quiz service releases the session or the hold expires."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.content.extensions import db
from services.content.models import Hold
from tests.content.test_answer_visibility import answer_fields

URL = "/api/content/questions"
DRAW = "/internal/questions/draw"
RELEASE = "/internal/holds/release"


def _later(seconds: float = 3600) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def draw_for(
    client: FlaskClient,
    auth,
    candidate: str = "cand-1",
    session_id: str = "session-1",
    until: dt.datetime | None = None,
    **body: Any,
) -> list[dict[str, Any]]:
    """Draw as the quiz service does when a candidate starts an interview."""
    until = until or _later()
    payload = {"topics": ["routing"], "count": 3, **body}
    payload["hold"] = {"candidate": candidate, "session_id": session_id, "until": until.isoformat()}
    response = client.post(DRAW, json=payload, headers=auth.service)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def _holds(app: Flask) -> list[Hold]:
    with app.app_context():
        return list(db.session.scalars(select(Hold).order_by(Hold.question_id)))


def _items(response) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in response.get_json()["items"]}


def test_draw_records_a_hold_per_drawn_question(app: Flask, client: FlaskClient, sample, auth):
    until = dt.datetime(2031, 5, 1, 12, 30, tzinfo=dt.UTC)
    drawn = draw_for(client, auth, until=until)

    holds = _holds(app)
    assert sorted(h.question_id for h in holds) == sorted(i["id"] for i in drawn)
    assert {(h.candidate_sub, h.session_id, h.until) for h in holds} == {
        ("cand-1", "session-1", until)
    }


def test_draw_without_hold_records_none(app: Flask, client: FlaskClient, sample, auth) -> None:
    response = client.post(DRAW, json={"topics": ["routing"], "count": 2}, headers=auth.service)
    assert response.status_code == 200
    assert _holds(app) == []


@pytest.mark.parametrize(
    ("hold", "field"),
    [
        ({"session_id": "s", "until": "2031-01-01T00:00:00Z"}, "candidate"),
        ({"candidate": "c", "until": "2031-01-01T00:00:00Z"}, "session_id"),
        ({"candidate": "c", "session_id": "s"}, "until"),
        ({"candidate": "c", "session_id": "s", "until": "2031-01-01T00:00:00"}, "until"),
        ({"candidate": "c", "session_id": "s", "until": "tomorrow"}, "until"),
        ({"candidate": "", "session_id": "s", "until": "2031-01-01T00:00:00Z"}, "candidate"),
    ],
)
def test_bad_hold_is_422_and_draws_nothing(
    app: Flask, client: FlaskClient, sample, auth, hold: dict, field: str
) -> None:
    body = {"topics": ["routing"], "count": 2, "hold": hold}
    response = client.post(DRAW, json=body, headers=auth.service)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["hold"]
    assert _holds(app) == []


def test_held_questions_hide_answers_from_their_candidate_everywhere(
    client: FlaskClient, sample, auth
) -> None:
    drawn = draw_for(client, auth)
    held = {item["id"] for item in drawn}
    own = auth.candidate

    listed = _items(client.get(f"{URL}?per_page=100", headers=own))
    for qid, item in listed.items():
        if qid in held:
            assert answer_fields(item) == set() and item["held_until"], item
        else:
            assert "held_until" not in item and item["model_answer"]
    for item in drawn:
        found = _items(client.get(URL, query_string={"q": item["prompt"]}, headers=own))
        assert answer_fields(found[item["id"]]) == set() and found[item["id"]]["held_until"]
        by_id = client.get(f"{URL}/{item['id']}", headers=own)
        assert by_id.status_code == 200
        assert answer_fields(by_id.get_json()) == set()
        held_until = dt.datetime.fromisoformat(by_id.get_json()["held_until"])
        assert held_until > dt.datetime.now(dt.UTC)
        assert by_id.headers["Cache-Control"] == "private, no-store"


def test_holds_concern_only_their_candidate(client: FlaskClient, sample, auth) -> None:
    drawn = draw_for(client, auth)
    qid = drawn[0]["id"]

    other = client.get(f"{URL}/{qid}", headers=auth.headers("candidate", sub="cand-2")).get_json()
    anonymous = client.get(f"{URL}/{qid}").get_json()

    assert other["model_answer"] and "held_until" not in other
    assert answer_fields(anonymous) == set() and "held_until" not in anonymous


def test_authors_are_held_on_study_routes_but_not_on_authoring_routes(
    client: FlaskClient, sample, auth
) -> None:
    drawn = draw_for(client, auth, candidate="author-1")
    qid = drawn[0]["id"]

    studied = client.get(f"{URL}/{qid}", headers=auth.author).get_json()
    assert answer_fields(studied) == set() and studied["held_until"]
    source = client.get(f"{URL}/{qid}/source", headers=auth.author).get_json()
    assert source["model_answer"] and source["explanation"]
    exported = client.get("/api/content/export", headers=auth.author).get_json()
    assert next(q for q in exported["questions"] if q["key"] == drawn[0]["key"])["model_answer"]


def test_release_shows_answers_again_and_is_idempotent(
    app: Flask, client: FlaskClient, sample, auth
) -> None:
    drawn = draw_for(client, auth)
    draw_for(client, auth, session_id="session-2", candidate="cand-2")
    qid = drawn[0]["id"]

    released = client.post(RELEASE, json={"session_id": "session-1"}, headers=auth.service)
    assert released.status_code == 200 and released.get_json() == {"released": 3}

    after = client.get(f"{URL}/{qid}", headers=auth.candidate).get_json()
    assert after["model_answer"] and "held_until" not in after
    assert {h.session_id for h in _holds(app)} == {"session-2"}
    again = client.post(RELEASE, json={"session_id": "session-1"}, headers=auth.service)
    assert again.get_json() == {"released": 0}


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("candidate", 403), ("author", 403)])
def test_release_needs_the_service_role(
    client: FlaskClient, sample, auth, role: str | None, status: int
) -> None:
    draw_for(client, auth)
    headers = auth.headers(role) if role else {}
    response = client.post(RELEASE, json={"session_id": "session-1"}, headers=headers)
    assert response.status_code == status
    held = client.get(URL, headers=auth.candidate).get_json()["items"]
    assert any("held_until" in item for item in held)


@pytest.mark.parametrize("body", [{}, {"session_id": ""}, {"session_id": 7}])
def test_release_bad_body_is_422(client: FlaskClient, sample, auth, body: dict) -> None:
    response = client.post(RELEASE, json=body, headers=auth.service)
    assert response.status_code == 422
    assert "session_id" in response.get_json()["errors"]


def test_expired_holds_are_ignored_and_purged_on_write(
    app: Flask, client: FlaskClient, sample, auth
) -> None:
    drawn = draw_for(client, auth, until=_later(-1))

    item = client.get(f"{URL}/{drawn[0]['id']}", headers=auth.candidate).get_json()
    assert item["model_answer"] and "held_until" not in item
    assert len(_holds(app)) == 3  # still stored: reads do not write
    draw_for(client, auth, session_id="session-2")
    assert {h.session_id for h in _holds(app)} == {"session-2"}


def test_purge_command_deletes_only_expired_holds(app: Flask, client: FlaskClient, sample, auth):
    drawn = draw_for(client, auth, until=_later(-1))
    with app.app_context():
        live = Hold(candidate_sub="c", question_id=drawn[0]["id"], session_id="s", until=_later())
        db.session.add(live)
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["holds", "purge"])

    assert result.exit_code == 0 and "purged=3" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 1


def test_a_candidate_with_a_running_interview_finds_no_key_on_any_study_route(
    client: FlaskClient, sample, auth
) -> None:
    """Walk every study route a candidate can call, as that candidate, with and without
    filters, and look for the held questions' answer fields and answer texts."""
    drawn = draw_for(client, auth, topics=[], count=6)
    held = {item["id"]: item for item in drawn}
    own = auth.candidate
    secrets = {item["model_answer"] for item in drawn} | {item["explanation"] for item in drawn}
    urls = [f"{URL}?per_page=100", f"{URL}?per_page=1&page=2", "/api/content/topics"]
    for item in drawn:
        urls += [
            f"{URL}/{item['id']}",
            f"{URL}?topic={item['topic']}&type={item['type']}",
            f"{URL}?difficulty={item['difficulty']}&sort=-updated",
            f"{URL}?q={item['prompt'][:60]}",
        ]
    for url in urls:
        response = client.get(url, headers=own)
        assert response.status_code == 200, url
        body = response.get_json()
        items = body["items"] if isinstance(body, dict) and "items" in body else [body]
        for item in items:
            if isinstance(item, dict) and item.get("id") in held:
                assert answer_fields(item) == set() and item["held_until"], (url, item)
                assert not secrets & {str(v) for v in item.values()}, url
    for url in (f"{URL}/{drawn[0]['id']}/source", "/api/content/export?format=json"):
        assert client.get(url, headers=own).status_code == 403, url
    assert client.get("/api/content/export?format=gift", headers=own).status_code == 403


def test_held_questions_cannot_be_found_by_their_answers(client: FlaskClient, sample, auth):
    """A search for the prompt plus a guessed answer would confirm the guess: held questions
    match on their prompt only, for their candidate."""
    draw_for(client, auth, topics=["security"], count=5)
    other = auth.headers("candidate", sub="cand-2")

    def keys(q: str, headers: dict[str, str]) -> list[str]:
        response = client.get(URL, query_string={"q": q}, headers=headers)
        assert response.status_code == 200
        return sorted(item["key"] for item in response.get_json()["items"])

    assert keys("header forbids framing X-Frame-Options", auth.candidate) == []
    assert keys("header forbids framing X-Frame-Options", other) == ["security-header"]
    assert keys("header forbids framing", auth.candidate) == ["security-header"]
    assert keys("argon2", auth.candidate) == []
    # Questions that are not held are still found by their answers.
    assert keys("endpoint names", auth.candidate) == ["routing-url-for"]
    assert keys("also right", auth.candidate) == ["routing-methods"]
    assert keys("also right", other) == ["routing-methods", "security-cookies"]
