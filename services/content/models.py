"""Database models of the content service: topics, versioned questions, holds."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone).

    Without it the API serialised SQLite rows as naive times, which are not RFC 3339 date-times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def new_question_id() -> str:
    """An opaque, URL-safe question id."""
    return uuid.uuid4().hex


class Topic(db.Model):  # type: ignore[name-defined]
    """A subject area of the bank, e.g. routing."""

    __tablename__ = "topics"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    questions: Mapped[list[Question]] = relationship(back_populates="topic_ref")


class Question(db.Model):  # type: ignore[name-defined]
    """One question; `version` grows with every change of its content."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_question_id)
    key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    topic: Mapped[str] = mapped_column(
        String(64), ForeignKey("topics.slug"), nullable=False, index=True
    )
    type: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    difficulty: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    # [{"id": "a", "text": ...}] in display order; [] unless single/multi.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # single/multi {"correct": [...], "why": {...}}, true_false {"correct": bool},
    # short {"accepted": [...], "patterns": [...]}, explain {} (its key is the rubric column).
    answer_key: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    model_answer: Mapped[str] = mapped_column(Text, nullable=False)
    explanation: Mapped[str] = mapped_column(Text, nullable=False)
    references: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Answers as plain text (model answer, explanation, option texts): what full-text search
    # indexes next to the prompt. Kept by `codec.apply`, indexed by the database (see fts.py).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=_now, onupdate=_now
    )

    topic_ref: Mapped[Topic] = relationship(back_populates="questions")


class Hold(db.Model):  # type: ignore[name-defined]
    """A question drawn for a candidate's running interview: its answers stay hidden from that
    candidate on the study routes until the session is released or `until` passes."""

    __tablename__ = "holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_sub: Mapped[str] = mapped_column(String(255), nullable=False)
    question_id: Mapped[str] = mapped_column(String(32), ForeignKey("questions.id"), nullable=False)
    session_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=_now)

    # The study routes look holds up by candidate and question.
    __table_args__ = (
        sa.Index("ix_holds_candidate_sub_question_id", "candidate_sub", "question_id"),
    )


# Imported for its side effect: full-text search objects follow the tables' lifecycle.
from . import fts  # noqa: E402

fts.attach(Question.__table__)
