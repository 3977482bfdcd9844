"""What an answer save needs to know of a session that never changes once it has started: its
owner, its deadline, and each question's type and option ids.

A candidate autosaves every answer of a session, often several times. These facts are read once
per process and kept, so a save checks the answer without reading anything and writes it in one
statement (`sessions.save_answer`). What does change (the session's status) is never kept: the
write itself checks it, under the session row's lock.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app

from .extensions import db
from .models import QuizSession, SessionQuestion

MAX_SESSIONS = 4096


@dataclass(frozen=True, slots=True)
class QuestionShape:
    """What checking an answer reads of a question."""

    type: str
    option_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnswerTarget:
    """A session's owner, deadline and questions by position."""

    user_sub: str
    deadline: dt.datetime
    questions: Mapping[int, QuestionShape]


class AnswerTargets:
    """`AnswerTarget`s of the sessions this process has saved answers to, read on first use.

    Bounded: past `max_entries` sessions the map starts afresh (a session read again costs one
    query); a session of 10 questions takes about 1.8 KiB, so the default bound is about 7 MiB
    per process. A session that does not exist is not remembered."""

    def __init__(self, max_entries: int = MAX_SESSIONS) -> None:
        self.max_entries = max_entries
        self._targets: dict[str, AnswerTarget] = {}

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._targets

    def __len__(self) -> int:
        return len(self._targets)

    def get(self, session_id: str) -> AnswerTarget | None:
        """The session's target, or None when there is no such session."""
        target = self._targets.get(session_id)
        if target is None:
            target = _read_target(session_id)
            if target is None:
                return None
            if len(self._targets) >= self.max_entries:
                self._targets.clear()
            self._targets[session_id] = target
        return target


def _read_statement() -> sa.Select[tuple[str, dt.datetime, int | None, str | None, list | None]]:
    sessions, questions = QuizSession.__table__, SessionQuestion.__table__
    return (
        sa.select(
            sessions.c.user_sub,
            sessions.c.deadline,
            questions.c.position,
            questions.c.type,
            questions.c.options,
        )
        .select_from(sessions.outerjoin(questions, questions.c.session_id == sessions.c.id))
        .where(sessions.c.id == sa.bindparam("in_session", type_=sessions.c.id.type))
    )


_READ_TARGET = _read_statement()


def _read_target(session_id: str) -> AnswerTarget | None:
    rows = db.session.connection().execute(_READ_TARGET, {"in_session": session_id}).all()
    if not rows:
        return None
    questions = {
        row.position: QuestionShape(
            sys.intern(row.type), tuple(sys.intern(option["id"]) for option in row.options or ())
        )
        for row in rows
        if row.position is not None
    }
    return AnswerTarget(rows[0].user_sub, rows[0].deadline, questions)


def init_answer_targets(app: Flask) -> None:
    """Give `app` its own map of answer targets."""
    app.extensions["quiz_answer_targets"] = AnswerTargets()


def answer_target(session_id: str) -> AnswerTarget | None:
    """The current app's target for `session_id` (see `AnswerTargets.get`)."""
    targets: AnswerTargets = current_app.extensions["quiz_answer_targets"]
    return targets.get(session_id)
