"""The stored report of one finalised session, with the state of its (re)building."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow

PENDING, READY, FAILED = "pending", "ready", "failed"
# Shown, never stored: a report is ready for an older score version and a newer one is building.
UPDATING = "updating"
STATUSES = (PENDING, READY, FAILED, UPDATING)


class Report(db.Model):
    """One row per finalised session. `requested_version` is the score version last asked for;
    `built_version` the one `data`/`html` describe (None until the first build). The previous
    build stays served while a newer one is pending."""

    __tablename__ = "quiz_reports"
    __table_args__ = (sa.Index("ix_quiz_reports_status_sent", "status", "sent_at"),)

    session_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    requested_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    built_version: Mapped[int | None] = mapped_column(sa.Integer)
    data: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    html: Mapped[str | None] = mapped_column(sa.Text)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    pdf_version: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # How many times a build was written: a rerun at the same score version writes nothing.
    builds: Mapped[int] = mapped_column(sa.Integer, default=0)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the build task was last handed to the broker (the sweep re-sends old pending ones).
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    built_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
