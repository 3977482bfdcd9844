"""The work of the build task, kept apart from Celery so tests can call it as a function."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask

from ..extensions import db
from . import store
from .building import build_report_data, load_session
from .rendering import render_fragment
from .study import study_client

log = logging.getLogger(__name__)
BUILT, UNCHANGED, SKIPPED = "built", "unchanged", "skipped"


@dataclass(frozen=True)
class BuildSettings:
    """How builds retry and how long a forgotten request waits before the sweep re-sends it."""

    max_retries: int
    retry_backoff_s: float
    retry_backoff_max_s: float
    resend_after_s: float
    # Test-only: seconds each build sleeps before it starts (to kill a worker mid-build).
    build_delay_s: float

    @classmethod
    def of(cls, app: Flask) -> BuildSettings:
        """The settings in `app`'s config."""
        config = app.config
        return cls(
            max_retries=int(config["QUIZ_REPORT_MAX_RETRIES"]),
            retry_backoff_s=float(config["QUIZ_REPORT_RETRY_BACKOFF_S"]),
            retry_backoff_max_s=float(config["QUIZ_REPORT_RETRY_BACKOFF_MAX_S"]),
            resend_after_s=float(config["QUIZ_REPORT_RESEND_AFTER_S"]),
            build_delay_s=float(config["QUIZ_REPORT_BUILD_DELAY_S"]),
        )

    def backoff(self, retries: int) -> float:
        """Seconds before retry number `retries + 1` (exponential, capped)."""
        return float(min(self.retry_backoff_s * 2**retries, self.retry_backoff_max_s))


def build_report(session_id: str, delay_s: float = 0.0) -> str:
    """Build and store the report of `session_id` at its current score version.

    Idempotent: `unchanged` when that version is already stored, `skipped` when there is no
    finalised session or report row (deleted meanwhile), `built` when this call stored it.
    Raises `ContentUnavailable` or SQLAlchemy's `OperationalError` on transient failures.
    """
    session = load_session(session_id)
    report = store.build_state(session_id)
    if session is None or report is None:
        db.session.rollback()
        log.info("report of session %s skipped: nothing to build", session_id)
        return SKIPPED
    version = session.score_version
    if store.is_current(report, version):
        db.session.rollback()
        return UNCHANGED
    if delay_s > 0:
        time.sleep(delay_s)
    data = build_report_data(session, study_client())
    html = render_fragment(data)
    if not store.save_build(session_id, version, data, html):
        return UNCHANGED
    log.info(
        "report built",
        extra={"session_id": session_id, "score_version": version},
    )
    return BUILT
