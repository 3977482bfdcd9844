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

from services.common.errors import Conflict, NotFound, ValidationFailed

from .answer_targets import answer_target
from .clients.content import release_holds
from .extensions import db
from .finalising import SessionClock, finalise_session, overdue, past_grace
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

    The hot path of an interview, in one statement: what never changes in a session (owner,
    deadline, each question's type and options) is read once per process (`answer_targets`),
    so the answer is checked before anything is read, and the update writes it only while the
    session is still active, holding the session row's lock (`FOR UPDATE` in the update's
    subquery, on PostgreSQL). Finalising takes the same lock, so an answer is either stored
    before scoring reads the answers or refused (SQLite serialises writers)."""
    target = answer_target(session_id)
    if target is None or target.user_sub != user_sub:
        db.session.rollback()
        raise NotFound("No such session.")
    if past_grace(target.deadline, now, rules.grace_s):
        # Closes the session when it is still active, then refuses the answer.
        finalise_session(session_id, SessionStatus.EXPIRED, now, FinalisedBy.ACCESS)
        raise _refusal(session_id, user_sub, now, rules)
    question = target.questions.get(position)
    if question is None:
        missing = NotFound(f"The session has no question {position}.")
        raise _refusal(session_id, user_sub, now, rules, missing)
    try:
        stored = check_answer(question.type, question.option_ids, answer)
    except ValidationFailed as invalid:
        # A closed session says so first, whatever the answer.
        raise _refusal(session_id, user_sub, now, rules, invalid) from None
    values = {
        "in_session": session_id,
        "at_position": position,
        "new_answer": stored,
        "new_saved_at": now,
    }
    written = db.session.connection().execute(_WRITE_ANSWER, values)
    if written.rowcount != 1:
        # Submitted, expired or removed since: its score (if any) was computed without this
        # answer, so the answer is refused rather than stored after it.
        raise _refusal(session_id, user_sub, now, rules)
    db.session.commit()
    return SavedAnswer(position, stored, now, target.deadline)


def _refusal(
    session_id: str,
    user_sub: str,
    now: dt.datetime,
    rules: Rules,
    otherwise: Exception | None = None,
) -> Exception:
    """Why an answer to `session_id` was not saved, from the session as stored now: gone (404),
    closed or past its time (409, `check_accepting`), or else `otherwise`."""
    row = db.session.execute(
        sa.select(QuizSession.user_sub, QuizSession.status, QuizSession.deadline).where(
            QuizSession.id == session_id
        )
    ).one_or_none()
    db.session.rollback()
    if row is None or row.user_sub != user_sub:
        return NotFound("No such session.")
    try:
        check_accepting(row, now, rules.grace_s)
    except Conflict as refused:
        return refused
    return otherwise or SessionClosed("The session has been submitted; the answer was not saved.")


def _write_answer_statement() -> sa.Update:
    """The update of an answer save, built once (parameters `in_session`, `at_position`,
    `new_answer`, `new_saved_at`).

    It writes only while the session is still active, and locks the session row first
    (`FOR UPDATE` in the subquery; SQLite has no such clause and needs none, its writers take
    turns): finalising claims the session with an update of its status, so an answer either
    lands before scoring reads the answers or not at all."""
    sessions, questions = QuizSession.__table__, SessionQuestion.__table__
    session_id = sa.bindparam("in_session", type_=sessions.c.id.type)
    position = sa.bindparam("at_position", type_=questions.c.position.type)
    still_active = (
        sa.select(sessions.c.id)
        .where(sessions.c.id == session_id, sessions.c.status == SessionStatus.ACTIVE)
        .with_for_update()
    )
    return (
        questions.update()
        .where(questions.c.session_id == session_id, questions.c.position == position)
        .where(questions.c.session_id.in_(still_active))
        .values(
            answer=sa.bindparam("new_answer", type_=questions.c.answer.type),
            saved_at=sa.bindparam("new_saved_at", type_=questions.c.saved_at.type),
        )
    )


_WRITE_ANSWER = _write_answer_statement()


def check_accepting(session: SessionClock, now: dt.datetime, grace_s: float) -> None:
    """Raise unless `session` still takes answers at `now`: active, and not past its deadline
    plus grace."""
    if session.status == SessionStatus.EXPIRED:
        raise DeadlinePassed("The time is up; the answer was not saved.")
    if session.status != SessionStatus.ACTIVE:
        raise SessionClosed("The session has been submitted; the answer was not saved.")
    if past_grace(session.deadline, now, grace_s):
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
