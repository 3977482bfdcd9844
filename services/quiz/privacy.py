"""Account deletion: what the quiz keeps of a user once their account is gone.

Active sessions are deleted (unscored, they are of no use to anyone). Finalised sessions are
anonymised: the owner becomes an unlinkable random id and free-text answers are erased, while
the per-question points stay so the item statistics authors rely on remain true.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import QuizSession, SessionQuestion, SessionStatus, new_id
from .reports.models import Report

FREE_TEXT_TYPES = ("short", "explain")


def without_echoes(feedback: dict[str, Any] | None) -> dict[str, Any]:
    """The scorer's evidence minus what quotes the answer: the normalised text and the
    sentences cited as evidence (key points and their suggestions stay)."""
    kept = {k: v for k, v in (feedback or {}).items() if k != "normalised"}
    if "suggestions" in kept:
        kept["suggestions"] = [{**s, "evidence": None} for s in kept["suggestions"]]
    return kept


def forget_user(user_sub: str) -> dict[str, int]:
    """Delete the user's active sessions and anonymise the finalised ones."""
    active = sa.select(QuizSession.id).where(
        QuizSession.user_sub == user_sub, QuizSession.status == SessionStatus.ACTIVE
    )
    # Children first: SQLite does not enforce ON DELETE CASCADE unless told to.
    db.session.execute(
        sa.delete(SessionQuestion).where(SessionQuestion.session_id.in_(active.scalar_subquery()))
    )
    deleted = db.session.execute(
        sa.delete(QuizSession).where(QuizSession.id.in_(active.scalar_subquery()))
    ).rowcount
    finalised = db.session.scalars(
        sa.select(QuizSession).where(QuizSession.user_sub == user_sub)
    ).all()
    for session in finalised:
        session.user_sub = f"deleted:{new_id()}"
        session.active_slot = None
    # Grades the user gave as a reviewer stay (they are the score) but no longer name them.
    db.session.execute(
        sa.update(SessionQuestion)
        .where(SessionQuestion.reviewer_sub == user_sub)
        .values(reviewer_sub=None)
    )
    ids = [s.id for s in finalised]
    if ids:
        # A report ties the user's sessions together (its progress chart): erased, not kept.
        db.session.execute(sa.delete(Report).where(Report.session_id.in_(ids)))
        for question in db.session.scalars(
            sa.select(SessionQuestion).where(
                SessionQuestion.session_id.in_(ids), SessionQuestion.type.in_(FREE_TEXT_TYPES)
            )
        ):
            question.answer = None
            question.feedback = without_echoes(question.feedback)
    db.session.commit()
    return {"deleted": int(deleted or 0), "anonymised": len(ids)}
