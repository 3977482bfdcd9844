"""Operators' side of reports: failures with their reasons, the admin list, the rebuild
command, the re-send of forgotten builds, and the study list's short cache."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from services.quiz.report_queue import resend_overdue

from ..conftest import Candidate
from .conftest import StudyUpstream, build, finish_interview, report_row


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "QUIZ_REPORT_MAX_RETRIES": 0}


def test_content_down_after_the_last_retry_marks_the_report_failed_with_a_reason(
    app: Flask, candidate: Candidate, clock, upstream: StudyUpstream, minter
) -> None:
    upstream.study_fail_with = 503
    session_id = finish_interview(candidate, clock, right=False)

    assert build(app, session_id) == "failed"

    body = candidate.get(f"/sessions/{session_id}/report").get_json()
    assert body["status"] == "failed" and "HTTP 503" in body["error"]
    assert candidate.get(f"/sessions/{session_id}/report.pdf").status_code == 409
    admin = minter.headers(sub="ops", roles=["admin"])
    listed = app.test_client().get("/api/quiz/reports?status=failed", headers=admin).get_json()
    assert [i["session_id"] for i in listed["items"]] == [session_id]
    assert "HTTP 503" in listed["items"][0]["error"] and listed["total"] == 1
    upstream.study_fail_with = None
    assert build(app, session_id) == "built"


def test_report_list_is_for_admins_and_checks_its_filter(
    app: Flask, candidate: Candidate, minter
) -> None:
    client = app.test_client()
    admin = minter.headers(sub="ops", roles=["admin"])

    assert candidate.get("/reports").status_code == 403
    assert client.get("/api/quiz/reports").status_code == 401
    bad = client.get("/api/quiz/reports?status=lost", headers=admin)
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]
    assert client.get("/api/quiz/reports", headers=admin).get_json()["total"] == 0


def test_rebuild_command_requests_reports_since_a_date(
    app: Flask, candidate: Candidate, clock
) -> None:
    session_id = finish_interview(candidate, clock)
    build(app, session_id)
    runner = app.test_cli_runner()

    later = runner.invoke(args=["reports", "rebuild", "--since", "2031-01-01"])
    since = runner.invoke(args=["reports", "rebuild", "--since", "2029-12-31T23:00:00+00:00"])
    bad = runner.invoke(args=["reports", "rebuild", "--since", "last week"])

    assert "reports requested: 0" in later.output
    assert since.exit_code == 0 and "reports requested: 1" in since.output
    assert bad.exit_code == 2 and "ISO 8601" in bad.output
    row = report_row(app, session_id)
    assert row is not None and (row.status, row.built_version) == ("pending", 1)
    # An operator's rebuild is built again even at the same score version.
    assert build(app, session_id) == "built"


def test_resend_sends_only_reports_pending_too_long(
    app: Flask, candidate: Candidate, clock
) -> None:
    pending = finish_interview(candidate, clock)
    built = finish_interview(candidate, clock)
    build(app, built)

    with app.app_context():
        assert resend_overdue(3600) == 0
        assert resend_overdue(0) == 1
    row = report_row(app, pending)
    assert row is not None and row.status == "pending"


def test_study_lists_are_kept_for_a_minute(
    app: Flask, candidate: Candidate, clock, upstream: StudyUpstream
) -> None:
    first = finish_interview(candidate, clock, right=False)
    second = finish_interview(candidate, clock, right=False)

    build(app, first)
    asked = upstream.study_requests
    build(app, second)

    assert asked > 0 and upstream.study_requests == asked
