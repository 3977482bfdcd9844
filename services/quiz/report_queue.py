"""Asking for a session's report to be built (at its current score version).

`request_report` is called inside the transaction that finalises a session or changes its
score, so the request commits (or rolls back) with the score itself: the report row becomes
`pending` in that transaction, and the build task is sent only once it has committed (an
`after_commit` hook on the database session). A crash between the commit and the send loses
nothing: the beat's report sweep re-sends reports left pending (`resend_overdue`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from .extensions import db
from .reports import store

log = logging.getLogger(__name__)
BUILD_TASK = "quiz.build_report"
# Session ids whose build is sent when the database session's transaction commits.
TO_SEND = "quiz_reports_to_send"
RESEND_BATCH = 500


def request_report(session_id: str) -> None:
    """Record that the report of `session_id` must be (re)built, in the caller's transaction;
    the build task is sent after that transaction commits."""
    store.request_build(session_id)
    db.session().info.setdefault(TO_SEND, set()).add(session_id)


def send_builds(session_ids: Iterable[str]) -> int:
    """Hand build tasks to the broker now; return how many were sent. A broker failure is
    logged, never raised: the rows stay `pending` and the sweep re-sends them."""
    task = current_app.extensions["celery"].tasks[BUILD_TASK]
    sent = 0
    for session_id in session_ids:
        try:
            task.apply_async(args=[session_id])
        except Exception as exc:  # the broker's errors vary by transport; none may fail a commit
            log.warning(
                "report build of session %s not sent: %s; the sweep will re-send it",
                session_id,
                exc,
                extra={"session_id": session_id},
            )
            continue
        sent += 1
    return sent


def resend_overdue(older_than_s: float) -> int:
    """Re-send builds of reports left `pending` longer than `older_than_s`; return how many."""
    total = 0
    while True:
        ids = store.overdue_pending(older_than_s, RESEND_BATCH)
        if not ids:
            return total
        store.touch_sent(ids)
        total += send_builds(ids)
        if len(ids) < RESEND_BATCH:
            return total


def _after_commit(session: Session) -> None:
    ids = session.info.pop(TO_SEND, None)
    if ids:
        send_builds(sorted(ids))


def _after_rollback(session: Session) -> None:
    session.info.pop(TO_SEND, None)


def init_report_queue(app: Flask) -> None:
    """Send requested builds after each commit of the app's database sessions."""
    del app  # the listeners are per session class; they look the app up when they run
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_soft_rollback", _soft_rollback)


def _soft_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        _after_rollback(session)
