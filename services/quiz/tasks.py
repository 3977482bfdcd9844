"""Celery tasks of the quiz service. Arguments are plain data; bodies are idempotent."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from . import clock
from .extensions import db
from .finalising import sweep_overdue
from .report_queue import BUILD_TASK, resend_overdue
from .reports import store
from .reports.jobs import BuildSettings, build_report
from .reports.study import ContentUnavailable

log = logging.getLogger(__name__)
# Worth a retry: the content service or the database is briefly away.
TRANSIENT = (ContentUnavailable, OperationalError)


@shared_task(name="quiz.sweep_overdue_sessions", ignore_result=True)
def sweep_overdue_sessions() -> int:
    """Finalise as `expired` every active session past its deadline plus grace."""
    grace_s = float(current_app.config["QUIZ_GRACE_S"])
    finalised = sweep_overdue(clock.now(), grace_s)
    log.info("sweep finalised %d overdue session(s)", finalised, extra={"finalised": finalised})
    return finalised


@shared_task(name="quiz.resend_pending_reports", ignore_result=True)
def resend_pending_reports() -> int:
    """Re-send the build of every report left `pending` longer than the configured time."""
    settings = BuildSettings.of(current_app)
    sent = resend_overdue(settings.resend_after_s)
    if sent:
        log.warning("re-sent %d pending report build(s)", sent, extra={"resent": sent})
    return sent


@shared_task(
    name=BUILD_TASK,
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def build_report_task(self: Task, session_id: str) -> str:
    """Build the report of `session_id`; retry transient failures with backoff, then `failed`."""
    settings = BuildSettings.of(current_app)
    try:
        return build_report(session_id, settings.build_delay_s)
    except TRANSIENT as exc:
        db.session.rollback()
        retries = int(self.request.retries or 0)
        if retries >= settings.max_retries:
            return _give_up(session_id, f"{type(exc).__name__}: {exc}", retries)
        countdown = settings.backoff(retries)
        log.warning(
            "report of session %s: %s; retry %d/%d in %.1f s",
            session_id,
            exc,
            retries + 1,
            settings.max_retries,
            countdown,
            extra={"session_id": session_id},
        )
        raise self.retry(exc=exc, countdown=countdown, max_retries=settings.max_retries) from exc
    except Exception as exc:
        db.session.rollback()
        log.exception("report of session %s failed", session_id, extra={"session_id": session_id})
        return _give_up(session_id, f"internal error: {type(exc).__name__}", 0)


def _give_up(session_id: str, reason: str, retries: int) -> str:
    log.error(
        "report of session %s failed after %d retries: %s",
        session_id,
        retries,
        reason,
        extra={"session_id": session_id},
    )
    try:
        store.mark_failed(session_id, reason)
    except OperationalError:
        db.session.rollback()  # the database is away: the row stays pending, the sweep retries
    return "failed"
