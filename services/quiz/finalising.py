"""Finalising a session exactly once, scoring it, and the sweep that expires overdue sessions.

Exactly-once is enforced by the database, not by locks in this process: the conditional
`UPDATE ... WHERE status = 'active'` lets one caller win (rowcount 1) however many requests,
gunicorn workers or sweeps race; on PostgreSQL it also takes the session row's lock, which
answer saves take too (`SELECT ... FOR UPDATE`), so no answer lands after scoring has read them.
The score row is unique per (session, version) as a second line of defence: finalising writes
version 1.

After the commit the content service is told to release the session's holds (best effort: a
failed release only means the holds last until the deadline plus grace).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Protocol

import sqlalchemy as sa

from .clients.content import release_holds
from .extensions import db
from .models import FinalisedBy, QuizSession, SessionQuestion, SessionScore, SessionStatus
from .question_types import score_answer, source_when_finalised
from .report_queue import request_report
from .score_totals import score_totals

log = logging.getLogger(__name__)
SWEEP_BATCH = 500


class SessionClock(Protocol):
    """What the clock rules read of a session: a `QuizSession`, or the columns the answer save
    reads under its lock."""

    @property
    def status(self) -> SessionStatus: ...

    @property
    def deadline(self) -> dt.datetime: ...


def past_grace(deadline: dt.datetime, now: dt.datetime, grace_s: float) -> bool:
    """True when `now` is past `deadline` plus the grace: no answer is taken any more."""
    return now > deadline + dt.timedelta(seconds=grace_s)


def overdue(session: SessionClock, now: dt.datetime, grace_s: float) -> bool:
    """True when the session is still active although its deadline plus grace has passed."""
    return session.status == SessionStatus.ACTIVE and past_grace(session.deadline, now, grace_s)


def finalise_session(
    session_id: str, status: SessionStatus, now: dt.datetime, by: FinalisedBy
) -> bool:
    """Close the session as `status`, store its score and release its holds on content; False
    when it was already closed."""
    claimed = db.session.execute(
        sa.update(QuizSession)
        .where(QuizSession.id == session_id, QuizSession.status == SessionStatus.ACTIVE)
        .values(status=status, finalised_at=now, finalised_by=by, active_slot=None, score_version=1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    # Read again now that the claim holds the row: the caller may have loaded the questions
    # before, and an answer saved since then must be scored, not the copy in memory.
    questions = db.session.scalars(
        sa.select(SessionQuestion)
        .where(SessionQuestion.session_id == session_id)
        .order_by(SessionQuestion.position)
        .execution_options(populate_existing=True)
    ).all()
    score_questions(questions)
    db.session.add(SessionScore(session_id=session_id, version=1, **score_totals(questions)))
    request_report(session_id)
    db.session.commit()
    log.info("session finalised", extra={"session_id": session_id, "status": status, "by": by})
    release_holds(session_id)
    return True


def score_questions(questions: Iterable[SessionQuestion]) -> None:
    """Score every question in place: points, evidence and who decided them."""
    for question in questions:
        scored = score_answer(question.type, question.answer, question.answer_key)
        question.awarded = round(scored.fraction * question.points, 4)
        question.source = source_when_finalised(question.type, question.answer)
        question.feedback = {"correct": scored.correct, **scored.detail}


def sweep_overdue(now: dt.datetime, grace_s: float) -> int:
    """Finalise as `expired` every active session past its deadline plus grace; return how
    many this call finalised (others may be finalised concurrently; that is fine)."""
    cutoff = now - dt.timedelta(seconds=grace_s)
    finalised = 0
    while True:
        ids = db.session.scalars(
            sa.select(QuizSession.id)
            .where(QuizSession.status == SessionStatus.ACTIVE, QuizSession.deadline < cutoff)
            .order_by(QuizSession.deadline)
            .limit(SWEEP_BATCH)
        ).all()
        db.session.rollback()  # end the read transaction before the per-session ones
        batch = sum(finalise_session(i, SessionStatus.EXPIRED, now, FinalisedBy.SWEEP) for i in ids)
        finalised += batch
        if len(ids) < SWEEP_BATCH or batch == 0:
            return finalised
