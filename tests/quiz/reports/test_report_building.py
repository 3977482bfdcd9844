"""The build task's body and the report routes, in process (the worker wiring is tested in
test_report_worker.py)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import pypdf
import redis
import sqlalchemy as sa
from flask import Flask

from services.quiz.extensions import db
from services.quiz.models import QuizSession
from services.quiz.report_queue import request_report

from ..conftest import Candidate
from .conftest import StudyUpstream, build, finish_interview, report_row

SVG = "{http://www.w3.org/2000/svg}svg"


def _report(candidate: Candidate, session_id: str) -> dict[str, Any]:
    response = candidate.get(f"/sessions/{session_id}/report")
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_finalising_records_a_pending_report_and_sends_its_build_after_commit(
    app: Flask, candidate: Candidate, clock, redis_url: str, redis_prefix: str
) -> None:
    session_id = finish_interview(candidate, clock)

    row = report_row(app, session_id)
    assert row is not None and (row.status, row.requested_version) == ("pending", 1)
    assert row.built_version is None and row.sent_at is not None
    body = _report(candidate, session_id)
    assert (body["status"], body["report"], body["html"]) == ("pending", None, None)
    queued = redis.Redis.from_url(redis_url).lrange(f"{redis_prefix}quiz.reports", 0, -1)
    assert len(queued) == 1 and session_id.encode() in queued[0]


def test_build_stores_the_report_content(
    app: Flask, candidate: Candidate, clock, upstream: StudyUpstream
) -> None:
    session_id = finish_interview(candidate, clock)

    assert build(app, session_id) == "built"

    body = _report(candidate, session_id)
    report = body["report"]
    assert (body["status"], body["score_version"], body["built_version"]) == ("ready", 1, 1)
    overall = report["overall"]
    assert overall["max_score"] == 6 and 0 < overall["percent"] <= 100
    assert overall["verdict"].endswith("mixed-level Flask interviews")
    assert overall["provisional"] is True  # explain answers without a human verdict
    parts = {p["part"]: p for p in report["parts"]}
    assert parts["objective"]["sources"] == ["server"]
    assert parts["free_text"]["sources"] == ["provisional"]
    assert report["time"] == {"used_s": 390, "allowed_s": 600, "percent": 65.0}
    assert {t["topic"] for t in report["topics"]} == {"routing", "blueprints"}
    for topic in report["topics"]:
        assert topic["mastery"] in {"mastered", "solid", "developing", "weak"}
        assert topic["change"] is None  # the candidate's first session
    spent = [q["time_spent_s"] for q in report["questions"] if q["answered"]]
    assert spent and all(s == 60.0 for s in spent)
    explain = [q for q in report["questions"] if q["type"] == "explain"]
    assert all("covered" in q and "missed" in q for q in explain)
    assert [p["percent"] for p in report["progress"]] == [overall["percent"]]


def test_report_fragment_has_no_styles_or_scripts_and_a_valid_chart(
    app: Flask, candidate: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)
    build(app, session_id)

    html = _report(candidate, session_id)["html"]

    assert html.startswith('<section class="report"')
    assert "<script" not in html and "<style" not in html and "style=" not in html
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    assert root.tag == SVG and root.find(".//{http://www.w3.org/2000/svg}path") is not None
    assert "routing" in html and "blueprints" in html


def test_study_plan_links_bank_questions_of_weak_topics(
    app: Flask, candidate: Candidate, clock, upstream: StudyUpstream
) -> None:
    session_id = finish_interview(candidate, clock, right=False)
    build(app, session_id)

    report = _report(candidate, session_id)["report"]

    plan = report["study_plan"]
    assert {t["topic"] for t in plan["topics"]} == {"routing", "blueprints"}
    drawn = {q["position"] for q in report["questions"]}
    for topic in plan["topics"]:
        assert topic["questions"], topic
        for suggestion in topic["questions"]:
            assert suggestion["link"] == f"/study/questions/{suggestion['id']}"
    assert plan["missed_key_points"] and drawn
    assert report["weakest"] and not report["strongest"]
    assert report["overall"]["band"] == "not-yet"


def test_second_session_shows_change_per_topic(app: Flask, candidate: Candidate, clock) -> None:
    first = finish_interview(candidate, clock)
    second = finish_interview(candidate, clock)
    build(app, first)
    build(app, second)

    report = _report(candidate, second)["report"]

    assert [p["session_id"] for p in report["progress"]] == [first, second]
    assert all(t["previous_percent"] is not None for t in report["topics"])
    assert all(t["change"] is not None for t in report["topics"])


def test_rebuild_at_the_same_score_version_writes_nothing(
    app: Flask, candidate: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)

    assert build(app, session_id) == "built"
    assert build(app, session_id) == "unchanged"

    row = report_row(app, session_id)
    assert row is not None and row.builds == 1


def test_score_version_bump_serves_the_old_report_as_updating_then_rebuilds_once(
    app: Flask, candidate: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)
    build(app, session_id)
    old = _report(candidate, session_id)

    with app.app_context():
        db.session.execute(
            sa.update(QuizSession)
            .where(QuizSession.id == session_id)
            .values(score_version=QuizSession.score_version + 1)
        )
        request_report(session_id)
        db.session.commit()
    updating = _report(candidate, session_id)
    assert build(app, session_id) == "built"
    assert build(app, session_id) == "unchanged"

    assert (updating["status"], updating["score_version"], updating["built_version"]) == (
        "updating",
        2,
        1,
    )
    assert updating["report"] == old["report"] and updating["html"] == old["html"]
    ready = _report(candidate, session_id)
    assert (ready["status"], ready["built_version"]) == ("ready", 2)
    row = report_row(app, session_id)
    assert row is not None and row.builds == 2


def test_pdf_is_409_while_pending_then_holds_score_and_topics(
    app: Flask, candidate: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)
    pending = candidate.get(f"/sessions/{session_id}/report.pdf")
    assert pending.status_code == 409
    assert pending.mimetype == "application/problem+json"
    assert pending.get_json()["type"].endswith("report-not-ready")
    build(app, session_id)

    response = candidate.get(f"/sessions/{session_id}/report.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    report = _report(candidate, session_id)["report"]
    assert f"{report['overall']['max_score']:g}" in text
    assert "routing" in text and "blueprints" in text
    assert report["overall"]["verdict"] in " ".join(text.split())
    row = report_row(app, session_id)
    assert row is not None and row.pdf == response.data and row.pdf_version == 1
    assert candidate.get(f"/sessions/{session_id}/report.pdf").data == response.data


def test_pdf_renders_non_ascii_titles(app: Flask, candidate: Candidate, clock) -> None:
    body = {
        "topics": ["routing"],
        "question_count": 2,
        "time_limit_s": 600,
        "title": "Zoë Łódź drill — `url_for()`",
    }
    session = candidate.start(**body).get_json()
    candidate.submit(session["id"])
    build(app, session["id"])

    response = candidate.get(f"/sessions/{session['id']}/report.pdf")

    text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Zoë Łódź drill" in text and "url_for()" in text


def test_report_of_someone_else_is_404_and_of_a_running_interview_409(
    candidate: Candidate, other: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)
    running = other.start().get_json()["id"]

    assert other.get(f"/sessions/{session_id}/report").status_code == 404
    assert other.get(f"/sessions/{session_id}/report.pdf").status_code == 404
    assert other.get(f"/sessions/{running}/report").status_code == 409
    assert other.get("/sessions/no-such-session/report").status_code == 404


def test_a_stale_or_missing_report_row_is_requested_on_read(
    app: Flask, candidate: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM quiz_reports"))
        db.session.commit()

    body = _report(candidate, session_id)

    assert body["status"] == "pending"
    assert build(app, session_id) == "built"


def test_account_deletion_erases_the_reports(
    app: Flask, candidate: Candidate, clock, client, minter
) -> None:
    session_id = finish_interview(candidate, clock)
    build(app, session_id)
    headers = minter.headers(sub="service:auth", roles=["service"], scope="quiz:erase")

    assert (
        client.delete(f"/internal/users/{candidate.sub}/data", headers=headers).status_code == 204
    )

    assert report_row(app, session_id) is None
    assert build(app, session_id) == "skipped"
