"""Quiz database models: templates, sessions with their snapshotted questions, scores."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

ACTIVE, SUBMITTED, EXPIRED = "active", "submitted", "expired"
FINAL_STATUSES = (SUBMITTED, EXPIRED)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def new_id() -> str:
    """An opaque random identifier."""
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    """Now, for bookkeeping columns (session timing uses the injectable clock instead)."""
    return dt.datetime.now(dt.UTC)


class Template(db.Model):
    """An interview recipe: which topics, what difficulty, how many questions, how long."""

    __tablename__ = "quiz_templates"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    difficulty: Mapped[str | None] = mapped_column(sa.String(10))
    question_count: Mapped[int] = mapped_column(sa.Integer)
    time_limit_s: Mapped[int] = mapped_column(sa.Integer)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class QuizSession(db.Model):
    """One candidate's timed interview. `active_slot` holds the owner while the session is
    active and the one-active-session rule applies; its unique constraint enforces that rule in
    the database even when two starts race."""

    __tablename__ = "quiz_sessions"
    __table_args__ = (
        sa.Index("ix_quiz_sessions_user_started", "user_sub", "started_at"),
        sa.Index("ix_quiz_sessions_status_deadline", "status", "deadline"),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    user_sub: Mapped[str] = mapped_column(sa.String(200))
    active_slot: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    template_id: Mapped[str | None] = mapped_column(
        sa.String(32), sa.ForeignKey("quiz_templates.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    difficulty: Mapped[str | None] = mapped_column(sa.String(10))
    question_count: Mapped[int] = mapped_column(sa.Integer)
    time_limit_s: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(10), default=ACTIVE)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finalised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finalised_by: Mapped[str | None] = mapped_column(sa.String(10))
    score: Mapped[float | None] = mapped_column(sa.Float)
    max_score: Mapped[float | None] = mapped_column(sa.Float)
    percent: Mapped[float | None] = mapped_column(sa.Float)
    # Bumped whenever the score changes after finalising (a self-review, a reviewer's grade);
    # the report is built for one version and rebuilt for the next.
    score_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    questions: Mapped[list[SessionQuestion]] = relationship(
        back_populates="session",
        order_by="SessionQuestion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SessionQuestion(db.Model):
    """A question as drawn for one session (a snapshot), with the candidate's answer to it."""

    __tablename__ = "quiz_session_questions"
    __table_args__ = (sa.UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    question_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    question_key: Mapped[str] = mapped_column(sa.String(200))
    question_version: Mapped[int] = mapped_column(sa.Integer)
    topic: Mapped[str] = mapped_column(sa.String(80))
    type: Mapped[str] = mapped_column(sa.String(20))
    difficulty: Mapped[str] = mapped_column(sa.String(10))
    prompt: Mapped[str] = mapped_column(sa.Text)
    # [{"id": session-local id, "text": ..., "source_id": content's id}] in display order.
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    answer_key: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    model_answer: Mapped[str] = mapped_column(sa.Text, default="")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    references: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    points: Mapped[float] = mapped_column(sa.Float, default=1.0)
    answer: Mapped[Any | None] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    saved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    awarded: Mapped[float | None] = mapped_column(sa.Float)
    feedback: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))

    session: Mapped[QuizSession] = relationship(back_populates="questions")


class SessionScore(db.Model):
    """The score written once, when a session is finalised (unique per session)."""

    __tablename__ = "quiz_session_scores"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(10))
    score: Mapped[float] = mapped_column(sa.Float)
    max_score: Mapped[float] = mapped_column(sa.Float)
    percent: Mapped[float] = mapped_column(sa.Float)
    by_topic: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
