"""What the report routes serve: the caller's report (requested when missing or stale), its
PDF (rendered on first download and kept) and the operators' list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict

from .. import sessions
from ..extensions import db
from ..models import QuizSession, SessionStatus
from ..report_queue import request_report
from . import store
from .models import READY, Report
from .rendering import render_pdf, warm_up


class ReportNotReady(Conflict):
    """The report cannot be served yet (interview running, or no build stored yet)."""

    title, type_slug = "Report Not Ready", "report-not-ready"


def caller_report(
    session_id: str, user_sub: str, now: dt.datetime, rules: sessions.Rules
) -> tuple[QuizSession, Report]:
    """The caller's finalised session and its report row. A session finalised before reports
    existed, or whose score changed without a rebuild request, gets one requested now."""
    session = sessions.access_session(session_id, user_sub, now, rules)
    if session.status == SessionStatus.ACTIVE:
        raise ReportNotReady(
            "The interview is still running; its report is built once it is finalised.",
            report_status="pending",
        )
    warm_up()  # the PDF is often asked for next
    report = db.session.get(Report, session.id)
    stale = (
        report is not None
        and report.status == READY
        and (report.built_version or 0) < session.score_version
    )
    if report is None or stale:
        try:
            request_report(session.id)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # a concurrent read requested it first: use that row
        report = db.session.get(Report, session.id, populate_existing=True)
        assert report is not None
    return session, report


def report_view(session: QuizSession, report: Report) -> dict[str, Any]:
    """`{status, score_version, built_version, report, html, error}` for the report route."""
    return {
        "status": store.shown_status(report),
        "score_version": session.score_version,
        "built_version": report.built_version,
        "report": report.data,
        "html": report.html,
        "error": report.error,
        "built_at": report.built_at,
    }


def report_pdf(session: QuizSession, report: Report) -> bytes:
    """The PDF of the stored build, rendered now if it has not been yet (then kept)."""
    if report.built_version is None or report.html is None:
        raise ReportNotReady(
            "The report is still being built; try again in a few seconds.",
            report_status=store.shown_status(report),
            headers={"Retry-After": "2"},
        )
    if report.pdf is not None and report.pdf_version == report.built_version:
        return report.pdf
    pdf = render_pdf(report.html, session.title)
    store.keep_pdf(session.id, report.built_version, pdf)
    return pdf


def admin_list(status: str | None, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """Report rows for operators (no report content), newest request first."""
    rows, total = store.reports_page(status, page, per_page)
    items = [
        {
            "session_id": r.session_id,
            "status": store.shown_status(r),
            "requested_version": r.requested_version,
            "built_version": r.built_version,
            "builds": r.builds,
            "error": r.error,
            "requested_at": r.requested_at,
            "sent_at": r.sent_at,
            "built_at": r.built_at,
        }
        for r in rows
    ]
    return items, total
