"""Account deletion: what the quiz keeps of a user once their account is gone.

Active sessions are deleted (unscored, they are of no use to anyone). Finalised sessions are
anonymised: the owner becomes an unlinkable random id and free-text answers are erased, while
the per-question points stay so the item statistics authors rely on remain true.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import ACTIVE, QuizSession, SessionQuestion, new_id

FREE_TEXT_TYPES = ("short", "explain")


def forget_user(user_sub: str) -> dict[str, int]:
    """Delete the user's active sessions and anonymise the finalised ones."""
    active = sa.select(QuizSession.id).where(
        QuizSession.user_sub == user_sub, QuizSession.status == ACTIVE
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
    ids = [s.id for s in finalised]
    if ids:
        for question in db.session.scalars(
            sa.select(SessionQuestion).where(
                SessionQuestion.session_id.in_(ids), SessionQuestion.type.in_(FREE_TEXT_TYPES)
            )
        ):
            question.answer = None
            question.feedback = _without_answer_text(question.feedback or {})
    db.session.commit()
    return {"deleted": int(deleted or 0), "anonymised": len(ids)}


def _without_answer_text(feedback: dict[str, Any]) -> dict[str, Any]:
    """The feedback minus what echoes the answer: the normalised text and the suggestions'
    evidence sentences (covered/missed rubric points do not echo it)."""
    kept = {k: v for k, v in feedback.items() if k != "normalised"}
    if isinstance(kept.get("suggestions"), list):
        kept["suggestions"] = [
            {**s, "evidence": None} if isinstance(s, dict) else s for s in kept["suggestions"]
        ]
    return kept
