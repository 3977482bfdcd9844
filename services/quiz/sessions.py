"""Session rules: start, save an answer, submit, access; values in, values or typed errors out."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from services.common.errors import Conflict, NotFound

from .clients.content import release_holds
from .extensions import db
from .finalising import SessionClock, finalise_session, overdue
from .holds import Hold, hold_for
from .models import FinalisedBy, QuizSession, SessionQuestion, SessionStatus, new_id
from .question_types import check_answer
from .snapshots import snapshot

Draw = Callable[[Sequence[str], str | None, int, Sequence[str], Hold], list[dict[str, Any]]]


class DeadlinePassed(Conflict):
    """The answer arrived after the deadline plus grace."""

    title, type_slug = "Deadline Passed", "deadline-passed"


class SessionClosed(Conflict):
    """The session has been submitted or has expired."""

    title, type_slug = "Session Closed", "session-closed"


class ActiveSessionExists(Conflict):
    """The candidate already has an interview running."""

    title, type_slug = "Active Session Exists", "active-session-exists"


class ResultNotReady(Conflict):
    """The session is still running; results exist only once it is finalised."""

    title, type_slug = "Result Not Ready", "result-not-ready"


@dataclass(frozen=True)
class Spec:
    """What to draw and how long the candidate has."""

    title: str
    topics: list[str]
    difficulty: str | None
    question_count: int
    time_limit_s: int
    template_id: str | None = None


@dataclass(frozen=True)
class Rules:
    """The configurable rules of the clock and of starting (defaults: `config.py` only)."""

    grace_s: float
    one_active: bool
    recent_sessions: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rules:
        """Read the rules from an app's config."""
        return cls(
            grace_s=float(config["QUIZ_GRACE_S"]),
            one_active=bool(config["QUIZ_ONE_ACTIVE_SESSION"]),
            recent_sessions=int(config["QUIZ_RECENT_SESSIONS"]),
        )


def start_session(
    user_sub: str, spec: Spec, now: dt.datetime, rules: Rules, draw: Draw
) -> QuizSession:
    """Draw (content holds the questions for this session), snapshot and store a new active
    session; nothing is stored if the draw fails, and the holds are released if the store does."""
    if rules.one_active:
        _refuse_if_active(user_sub, now, rules)
    exclude = recent_question_ids(user_sub, rules.recent_sessions)
    session_id = new_id()
    deadline = now + dt.timedelta(seconds=spec.time_limit_s)
    hold = hold_for(user_sub, session_id, deadline, rules.grace_s)
    items = draw(spec.topics, spec.difficulty, spec.question_count, exclude, hold)
    try:
        return _store(user_sub, session_id, spec, now, deadline, items, rules)
    except Exception:
        release_holds(session_id)  # no session will ever finalise them
        raise


def _store(
    user_sub: str,
    session_id: str,
    spec: Spec,
    now: dt.datetime,
    deadline: dt.datetime,
    items: list[dict[str, Any]],
    rules: Rules,
) -> QuizSession:
    session = QuizSession(
        id=session_id,
        user_sub=user_sub,
        active_slot=user_sub if rules.one_active else None,
        template_id=spec.template_id,
        title=spec.title,
        topics=list(spec.topics),
        difficulty=spec.difficulty,
        question_count=spec.question_count,
        time_limit_s=spec.time_limit_s,
        status=SessionStatus.ACTIVE,
        started_at=now,
        deadline=deadline,
    )
    rng = random.Random(session.id)  # a per-session order, stable for this session
    session.questions = [
        SessionQuestion(**snapshot(item, position, rng))
        for position, item in enumerate(items, start=1)
    ]
    db.session.add(session)
    try:
        db.session.commit()
    except IntegrityError:
        # Another start for this candidate won the race for the active slot.
        db.session.rollback()
        _refuse_if_active(user_sub, now, rules)
        raise
    return session


def _refuse_if_active(user_sub: str, now: dt.datetime, rules: Rules) -> None:
    active = db.session.scalars(
        sa.select(QuizSession).where(
            QuizSession.user_sub == user_sub, QuizSession.status == SessionStatus.ACTIVE
        )
    ).all()
    for session in active:
        if overdue(session, now, rules.grace_s):
            finalise_session(session.id, SessionStatus.EXPIRED, now, FinalisedBy.ACCESS)
        else:
            raise ActiveSessionExists(
                "Finish or submit your running interview before starting another.",
                active_session_id=session.id,
            )


def recent_question_ids(user_sub: str, sessions: int) -> list[str]:
    """Ids of the questions in the candidate's latest `sessions` sessions."""
    if sessions <= 0:
        return []
    latest = (
        sa.select(QuizSession.id)
        .where(QuizSession.user_sub == user_sub)
        .order_by(QuizSession.started_at.desc())
        .limit(sessions)
    )
    rows = db.session.scalars(
        sa.select(SessionQuestion.question_id)
        .where(SessionQuestion.session_id.in_(latest.scalar_subquery()))
        .distinct()
    )
    return sorted(rows)


# A session with its questions and current score (parameter `in_session`), built once.
_SESSION_IN_FULL = (
    sa.select(QuizSession)
    .where(QuizSession.id == sa.bindparam("in_session", type_=QuizSession.__table__.c.id.type))
    .options(joinedload(QuizSession.questions), joinedload(QuizSession.current_score))
)


def owned_session(session_id: str, user_sub: str) -> QuizSession:
    """The caller's session with its questions and current score, read in one statement;
    someone else's is indistinguishable from a missing one."""
    session = (
        db.session.scalars(_SESSION_IN_FULL, {"in_session": session_id}).unique().one_or_none()
    )
    if session is None or session.user_sub != user_sub:
        raise NotFound("No such session.")
    return session


def access_session(session_id: str, user_sub: str, now: dt.datetime, rules: Rules) -> QuizSession:
    """The caller's session, finalised as `expired` first if it is overdue."""
    session = owned_session(session_id, user_sub)
    if overdue(session, now, rules.grace_s):
        finalise_session(session.id, SessionStatus.EXPIRED, now, FinalisedBy.ACCESS)
        db.session.expire_all()
        session = owned_session(session_id, user_sub)
    return session


@dataclass(frozen=True)
class SavedAnswer:
    """What an autosave stored, read before the commit (so answering needs no reload)."""

    position: int
    answer: Any
    saved_at: dt.datetime
    deadline: dt.datetime

    @property
    def server_now(self) -> dt.datetime:
        """The clock of the response: the moment the answer was saved."""
        return self.saved_at

    @property
    def remaining_s(self) -> float:
        """Seconds left to answer (the session was active when the answer was saved)."""
        return round(max(0.0, (self.deadline - self.saved_at).total_seconds()), 3)


def save_answer(
    session_id: str, user_sub: str, position: int, answer: Any, now: dt.datetime, rules: Rules
) -> SavedAnswer:
    """Store (or replace) the answer at `position` with the time it was saved.

    The hot path of an interview, in two statements on the session's connection (SQLAlchemy
    Core: no objects are loaded, so no identity map or flush): one locked read of the session
    row joined to the one question answered (not the whole snapshot), one update."""
    # Lock the session row: finalising takes the same lock, so this answer is either stored
    # before scoring reads the answers or refused (PostgreSQL; SQLite serialises writers).
    connection = db.session.connection()
    where = {"in_session": session_id, "at_position": _stored_position(position)}
    row = connection.execute(_READ_ANSWER_TARGET, where).one_or_none()
    if row is None or row.user_sub != user_sub:
        db.session.rollback()
        raise NotFound("No such session.")
    locked = AnswerTarget(row.user_sub, row.status, row.deadline, row.type or "", row.options or [])
    if overdue(locked, now, rules.grace_s):
        # Still under the lock: this request closes the session, then refuses the answer.
        finalise_session(session_id, SessionStatus.EXPIRED, now, FinalisedBy.ACCESS)
        raise DeadlinePassed("The time is up; the answer was not saved.")
    try:
        check_accepting(locked, now, rules.grace_s)
        if not locked.type:
            raise NotFound(f"The session has no question {position}.")
        stored = check_answer(locked, answer)
    except Exception:
        db.session.rollback()
        raise
    values = {**where, "new_answer": stored, "new_saved_at": now}
    written = connection.execute(_WRITE_ANSWER, values)
    if written.rowcount != 1:
        # Only on SQLite, which has no row locks: the read above took none, and a submit or the
        # sweep finalised the session before this write. Its score has been computed without
        # this answer, so the answer is refused rather than stored after it.
        db.session.rollback()
        raise _closed_error(session_id)
    db.session.commit()
    return SavedAnswer(position, stored, now, locked.deadline)


def _closed_error(session_id: str) -> Conflict:
    """The refusal for an answer to a session finalised while it was being saved."""
    status = db.session.scalar(sa.select(QuizSession.status).where(QuizSession.id == session_id))
    db.session.rollback()
    if status == SessionStatus.EXPIRED:
        return DeadlinePassed("The time is up; the answer was not saved.")
    return SessionClosed("The session has been submitted; the answer was not saved.")


@dataclass(frozen=True)
class AnswerTarget:
    """What saving an answer reads under the session's lock: the session's owner and clock, the
    answered question's type and options (empty when the session has no such question)."""

    user_sub: str
    status: SessionStatus
    deadline: dt.datetime
    type: str
    options: list[dict[str, Any]]


def _answer_statements() -> tuple[sa.Select[Any], sa.Update]:
    """The two statements of an answer save, built once (parameters `in_session`,
    `at_position`; the update also `new_answer`, `new_saved_at`).

    The read: `AnswerTarget`'s columns, the session row locked (`FOR UPDATE OF quiz_sessions`);
    the question is outer-joined, so its columns are None when there is no such position."""
    sessions, questions = QuizSession.__table__, SessionQuestion.__table__
    session_id = sa.bindparam("in_session", type_=sessions.c.id.type)
    position = sa.bindparam("at_position", type_=questions.c.position.type)
    read = (
        sa.select(
            sessions.c.user_sub,
            sessions.c.status,
            sessions.c.deadline,
            questions.c.type,
            questions.c.options,
        )
        .select_from(
            sessions.outerjoin(
                questions,
                sa.and_(questions.c.session_id == sessions.c.id, questions.c.position == position),
            )
        )
        .where(sessions.c.id == session_id)
        .with_for_update(of=sessions)
    )
    # Written only while the session is still active: finalising claims the session with an
    # update of its status first, so an answer either lands before scoring reads it or not at
    # all, on SQLite too (where the read's FOR UPDATE is not supported and takes no lock).
    still_active = sa.exists().where(
        sessions.c.id == session_id, sessions.c.status == SessionStatus.ACTIVE
    )
    write = (
        questions.update()
        .where(questions.c.session_id == session_id, questions.c.position == position)
        .where(still_active)
        .values(
            answer=sa.bindparam("new_answer", type_=questions.c.answer.type),
            saved_at=sa.bindparam("new_saved_at", type_=questions.c.saved_at.type),
        )
    )
    return read, write


_READ_ANSWER_TARGET, _WRITE_ANSWER = _answer_statements()
# The largest position the column holds (a 32-bit integer): a URL may name any number.
MAX_POSITION = 2**31 - 1


def _stored_position(position: int) -> int:
    """`position`, or 0 (which no question has) when the column could not hold it: a number
    past its range names no question, it must not make the database refuse the statement."""
    return position if 0 < position <= MAX_POSITION else 0


def check_accepting(session: SessionClock, now: dt.datetime, grace_s: float) -> None:
    """Raise unless `session` still takes answers at `now`: active, and not past its deadline
    plus grace."""
    if session.status == SessionStatus.EXPIRED:
        raise DeadlinePassed("The time is up; the answer was not saved.")
    if session.status != SessionStatus.ACTIVE:
        raise SessionClosed("The session has been submitted; the answer was not saved.")
    if now > session.deadline + dt.timedelta(seconds=grace_s):
        raise DeadlinePassed("The time is up; the answer was not saved.")


def question_at(session: QuizSession, position: int) -> SessionQuestion:
    """The session's question at `position` (404 when there is none)."""
    question = next((q for q in session.questions if q.position == position), None)
    if question is None:
        raise NotFound(f"The session has no question {position}.")
    return question


def submit_session(session_id: str, user_sub: str, now: dt.datetime, rules: Rules) -> QuizSession:
    """Finalise the session on the candidate's request; repeating it changes nothing."""
    session = access_session(session_id, user_sub, now, rules)
    if session.status == SessionStatus.ACTIVE:
        finalise_session(session.id, SessionStatus.SUBMITTED, now, FinalisedBy.CANDIDATE)
        db.session.expire_all()
        session = owned_session(session_id, user_sub)
    return session


def finalised_session(
    session_id: str, user_sub: str, now: dt.datetime, rules: Rules
) -> QuizSession:
    """The caller's session for its result: only once it is finalised."""
    session = access_session(session_id, user_sub, now, rules)
    if session.status == SessionStatus.ACTIVE:
        raise ResultNotReady("The interview is still running; submit it to see the result.")
    return session


def history(user_sub: str, page: int, per_page: int) -> tuple[list[QuizSession], int]:
    """The caller's sessions, newest first, one page of them, and how many there are."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(QuizSession).where(QuizSession.user_sub == user_sub)
    )
    items = db.session.scalars(
        sa.select(QuizSession)
        .where(QuizSession.user_sub == user_sub)
        .order_by(QuizSession.started_at.desc(), QuizSession.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), int(total or 0)
