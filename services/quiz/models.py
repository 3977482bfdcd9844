"""Quiz database models: templates, sessions with their snapshotted questions, scores."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


class SessionStatus(enum.StrEnum):
    """Where a session is in its life: running, or finalised one of two ways."""

    ACTIVE = "active"
    SUBMITTED = "submitted"  # by the candidate
    EXPIRED = "expired"  # by the system, at the deadline plus grace


class FinalisedBy(enum.StrEnum):
    """What finalised a session."""

    CANDIDATE = "candidate"  # submit
    ACCESS = "access"  # a request found it overdue
    SWEEP = "sweep"  # the periodic sweep


class ScoreSource(enum.StrEnum):
    """Who decided a question's points (docs/quiz.md, scoring policy)."""

    SERVER = "server"  # objective types, and unanswered questions: final when finalised
    AUTO = "auto"  # the key-point suggestion of an explain answer: provisional
    SELF = "self"  # the candidate's review: final
    REVIEWER = "reviewer"  # an author's or admin's grade: final, overrides a self-review


FINAL_STATUSES = (SessionStatus.SUBMITTED, SessionStatus.EXPIRED)
FINAL_SOURCES = (ScoreSource.SERVER, ScoreSource.SELF, ScoreSource.REVIEWER)


def str_enum(kind: type[enum.StrEnum], length: int) -> sa.Enum:
    """A column of enum values stored as plain strings (no database enum type to migrate)."""
    return sa.Enum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


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
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, 10), default=SessionStatus.ACTIVE
    )
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finalised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finalised_by: Mapped[FinalisedBy | None] = mapped_column(str_enum(FinalisedBy, 10))
    # Which `SessionScore` row is current. Bumped whenever the score changes after finalising
    # (a self-review, a reviewer's grade); the report is built for one version and rebuilt for
    # the next.
    score_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    questions: Mapped[list[SessionQuestion]] = relationship(
        back_populates="session",
        order_by="SessionQuestion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    current_score: Mapped[SessionScore | None] = relationship(
        primaryjoin="and_(SessionScore.session_id == QuizSession.id, "
        "SessionScore.version == QuizSession.score_version)",
        viewonly=True,
        uselist=False,
        lazy="selectin",
    )

    @property
    def finalised(self) -> bool:
        """True once submitted or expired."""
        return self.status in FINAL_STATUSES

    @property
    def score(self) -> float | None:
        """Points earned (None while active)."""
        return self.current_score.score if self.current_score else None

    @property
    def max_score(self) -> float | None:
        """Points at stake (None while active)."""
        return self.current_score.max_score if self.current_score else None

    @property
    def percent(self) -> float | None:
        """The score as a percent of the maximum (None while active)."""
        return self.current_score.percent if self.current_score else None

    @property
    def by_topic(self) -> dict[str, Any] | None:
        """Per topic: score, max_score, percent (None while active)."""
        return self.current_score.by_topic if self.current_score else None

    @property
    def score_parts(self) -> dict[str, Any] | None:
        """Per `ScoreSource`: score and max_score (None while active)."""
        return self.current_score.score_parts if self.current_score else None

    @property
    def provisional(self) -> bool | None:
        """True while part of the score is only a suggestion (None while active)."""
        parts = self.score_parts
        return None if parts is None else parts[ScoreSource.AUTO.value]["max_score"] > 0


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
    # Set when finalised, changed by a review: who decided `awarded`.
    source: Mapped[ScoreSource | None] = mapped_column(str_enum(ScoreSource, 10))
    # What the scorer found: {"correct": bool | None, ...type-specific evidence}.
    feedback: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    # Explain only: [{"point", "verdict"}] from the candidate's review and a reviewer's grade.
    self_verdicts: Mapped[list[dict[str, str]] | None] = mapped_column(sa.JSON(none_as_null=True))
    reviewer_verdicts: Mapped[list[dict[str, str]] | None] = mapped_column(
        sa.JSON(none_as_null=True)
    )
    reviewer_sub: Mapped[str | None] = mapped_column(sa.String(200))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[QuizSession] = relationship(back_populates="questions")


class SessionScore(db.Model):
    """The one record of a session's score: totals, per topic and per source. Finalising writes
    version 1; every later change of the score (a review) writes the next version, and the
    session's `score_version` names the current one. The unique (session, version) pair makes
    each version exactly once, however many requests race."""

    __tablename__ = "quiz_session_scores"
    __table_args__ = (sa.UniqueConstraint("session_id", "version"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(sa.Integer)
    score: Mapped[float] = mapped_column(sa.Float)
    max_score: Mapped[float] = mapped_column(sa.Float)
    percent: Mapped[float] = mapped_column(sa.Float)
    # {topic: {score, max_score, percent}}
    by_topic: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # {source: {score, max_score}} for every `ScoreSource`: how much is objective, self-assessed,
    # reviewer-graded or still provisional.
    score_parts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
