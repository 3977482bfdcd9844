"""The quiz service's figures on `/metrics`, read when scraped (services/common/metrics.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from services.common.metrics import add_gauge

from .extensions import db
from .models import QuizSession, SessionStatus


def active_sessions() -> int:
    """Interviews running now (not yet submitted or expired)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(QuizSession.status == SessionStatus.ACTIVE)
        )
        or 0
    )


def init_gauges(app: Flask) -> None:
    """Serve the quiz gauges on `/metrics`."""
    add_gauge(app, "quiz_active_sessions", "Interviews running now.", active_sessions)
