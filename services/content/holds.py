"""Holds: the questions of a candidate's running interview, whose answers that candidate must not
read on the study routes until the quiz service releases the session or the hold's `until` passes.

Expired holds are ignored by every read and deleted cheaply: on each write here, and by
`flask --app services.content.wsgi holds purge`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from .extensions import db
from .models import Hold


def record_holds(
    candidate_sub: str,
    session_id: str,
    until: dt.datetime,
    question_ids: Sequence[str],
    now: dt.datetime,
) -> None:
    """Hold `question_ids` for `candidate_sub`'s session until `until` (no commit)."""
    purge_expired(now)
    db.session.add_all(
        Hold(candidate_sub=candidate_sub, question_id=qid, session_id=session_id, until=until)
        for qid in dict.fromkeys(question_ids)
    )
    db.session.flush()


def release_session(session_id: str, now: dt.datetime) -> int:
    """Delete the holds of a finalised session (and any expired ones) and commit; how many of
    the session's were deleted (0 when already released: releasing is idempotent)."""
    purge_expired(now)
    result = db.session.execute(sa.delete(Hold).where(Hold.session_id == session_id))
    db.session.commit()
    return int(result.rowcount or 0)


def purge_expired(now: dt.datetime) -> int:
    """Delete the holds whose `until` has passed; how many. No commit."""
    result = db.session.execute(sa.delete(Hold).where(Hold.until <= now))
    return int(result.rowcount or 0)


def held_until(
    candidate_sub: str | None, question_ids: Iterable[str], now: dt.datetime
) -> dict[str, dt.datetime]:
    """For each of `question_ids` held for `candidate_sub` right now, when its latest hold ends."""
    ids = list(dict.fromkeys(question_ids))
    if candidate_sub is None or not ids:
        return {}
    rows = db.session.execute(
        sa.select(Hold.question_id, sa.func.max(Hold.until))
        .where(Hold.candidate_sub == candidate_sub, Hold.question_id.in_(ids), Hold.until > now)
        .group_by(Hold.question_id)
    )
    return {question_id: until for question_id, until in rows}


def now() -> dt.datetime:
    """The current time, timezone-aware UTC (what `until` is compared with)."""
    return dt.datetime.now(dt.UTC)


def held_question_ids(candidate_sub: str, now: dt.datetime) -> set[str]:
    """Every question held for `candidate_sub` right now."""
    return set(
        db.session.scalars(
            sa.select(Hold.question_id)
            .where(Hold.candidate_sub == candidate_sub, Hold.until > now)
            .distinct()
        )
    )
