"""Celery tasks of the quiz service. Arguments are plain data; bodies are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from . import clock
from .finalising import sweep_overdue

log = logging.getLogger(__name__)


@shared_task(name="quiz.sweep_overdue_sessions", ignore_result=True)
def sweep_overdue_sessions() -> int:
    """Finalise as `expired` every active session past its deadline plus grace."""
    grace_s = float(current_app.config["QUIZ_GRACE_S"])
    finalised = sweep_overdue(clock.now(), grace_s)
    log.info("sweep finalised %d overdue session(s)", finalised, extra={"finalised": finalised})
    return finalised
