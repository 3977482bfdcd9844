"""Report rows: requesting a (re)build, storing a build once per score version, failures, the
re-send of forgotten requests, and the PDF kept after its first rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from ..extensions import db
from ..models import QuizSession, utcnow
from .models import FAILED, PENDING, READY, UPDATING, Report

REASON_LIMIT = 500


def request_build(session_id: str, now: dt.datetime | None = None) -> Report:
    """Mark the session's report `pending` for its current score version, in the caller's
    transaction (a rebuild keeps the previous build, served meanwhile)."""
    now = now or utcnow()
    version = db.session.scalar(
        sa.select(QuizSession.score_version).where(QuizSession.id == session_id)
    )
    report = db.session.get(Report, session_id, with_for_update=True, populate_existing=True)
    if report is None:
        report = Report(session_id=session_id, builds=0)
        db.session.add(report)
    report.status = PENDING
    report.requested_version = int(version or 1)
    report.error = None
    report.requested_at = report.sent_at = now
    return report


def shown_status(report: Report) -> str:
    """`pending` before the first build, `updating` while a newer build is on its way."""
    if report.status == PENDING:
        return UPDATING if report.built_version is not None else PENDING
    return report.status


def build_state(session_id: str) -> Report | None:
    """The report row with only its status and built version loaded (not the stored build)."""
    return db.session.get(
        Report, session_id, options=[load_only(Report.status, Report.built_version)]
    )


def is_current(report: Report, score_version: int) -> bool:
    """True when the stored build describes `score_version`."""
    return report.status == READY and report.built_version == score_version


def save_build(session_id: str, version: int, data: dict[str, Any], html: str) -> bool:
    """Store a build for score `version` unless one for that version (or a newer one) is
    already stored; True when this call wrote it. Concurrent builds write once.

    On PostgreSQL the commit does not wait for its WAL flush (`synchronous_commit = off` for
    this transaction only): a build is derived data. A database crash may lose the last
    fraction of a second of builds; their rows are then `pending` again, as the finalising
    transaction left them, and the sweep re-sends them. Atomicity and visibility are unchanged.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
    written = db.session.execute(
        sa.update(Report)
        .where(
            Report.session_id == session_id,
            sa.or_(
                Report.built_version.is_(None),
                Report.built_version < version,
                sa.and_(Report.built_version == version, Report.status != READY),
            ),
        )
        .values(
            status=sa.case((Report.requested_version > version, PENDING), else_=READY),
            built_version=version,
            data=data,
            html=html,
            pdf=None,
            pdf_version=None,
            error=None,
            builds=Report.builds + 1,
            built_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(written.rowcount)


def mark_failed(session_id: str, reason: str) -> None:
    """Give up on the pending build with `reason` (an earlier build stays served)."""
    db.session.execute(
        sa.update(Report)
        .where(Report.session_id == session_id, Report.status == PENDING)
        .values(status=FAILED, error=reason[:REASON_LIMIT])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def touch_sent(session_ids: Sequence[str], now: dt.datetime | None = None) -> None:
    """Record that builds of `session_ids` were just handed to the broker."""
    if session_ids:
        db.session.execute(
            sa.update(Report)
            .where(Report.session_id.in_(list(session_ids)))
            .values(sent_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def overdue_pending(older_than_s: float, limit: int, now: dt.datetime | None = None) -> list[str]:
    """Sessions whose report has been pending, unsent or unbuilt, for longer than
    `older_than_s` (oldest first)."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=older_than_s)
    ids = db.session.scalars(
        sa.select(Report.session_id)
        .where(Report.status == PENDING, Report.sent_at < cutoff)
        .order_by(Report.sent_at)
        .limit(limit)
    ).all()
    db.session.rollback()
    return list(ids)


def finalised_since(since: dt.datetime) -> list[str]:
    """Finalised sessions since `since`, oldest first (what `reports rebuild --since` covers)."""
    return list(
        db.session.scalars(
            sa.select(QuizSession.id)
            .where(QuizSession.finalised_at >= since)
            .order_by(QuizSession.finalised_at)
        ).all()
    )


def reports_page(status: str | None, page: int, per_page: int) -> tuple[list[Report], int]:
    """Report rows (optionally of one shown status), newest request first, and their count."""
    query = sa.select(Report)
    if status == UPDATING:
        query = query.where(Report.status == PENDING, Report.built_version.is_not(None))
    elif status == PENDING:
        query = query.where(Report.status == PENDING, Report.built_version.is_(None))
    elif status is not None:
        query = query.where(Report.status == status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Report.requested_at.desc(), Report.session_id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def keep_pdf(session_id: str, version: int, pdf: bytes) -> None:
    """Keep a rendered PDF with the build it was rendered from (unless a newer build landed)."""
    db.session.execute(
        sa.update(Report)
        .where(Report.session_id == session_id, Report.built_version == version)
        .values(pdf=pdf, pdf_version=version)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
