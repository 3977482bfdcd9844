"""Human verdicts on explain answers: the candidate's review and a reviewer's grade.

A verdict per rubric key point (covered, partly, missed) replaces the automatic suggestion and
makes the question's score final, with source `self` or `reviewer`. A reviewer's grade
overrides a self-review; a later self-review is kept but does not override a reviewer. When the
points or their source change, the session's totals are recomputed into the next score version
and the report is requested again, in the same transaction; a request that changes nothing
writes nothing, not even a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from services.common.errors import Conflict, NotFound, ValidationFailed

from .explain_suggestions import COVERED, VERDICT_CREDIT
from .extensions import db
from .models import FINAL_STATUSES, QuizSession, ScoreSource, SessionQuestion, SessionScore
from .question_types import TYPES, answered, question_type
from .report_queue import request_report
from .score_totals import score_totals
from .sessions import question_at

HUMAN_SOURCES = (ScoreSource.SELF, ScoreSource.REVIEWER)
AWAITING_REVIEWER = (ScoreSource.AUTO, ScoreSource.SELF)


class ReviewNotOpen(Conflict):
    """The session is still running: there is no score to review yet."""

    title, type_slug = "Review Not Open", "review-not-open"


class NotReviewable(Conflict):
    """The question's score is not a matter of judgement (objective type, or no answer)."""

    title, type_slug = "Not Reviewable", "not-reviewable"


def rubric_points(question: SessionQuestion) -> list[str]:
    """The key points of the question's rubric, in order."""
    return [str(p["point"]) for p in question.answer_key.get("rubric", [])]


def check_verdicts(
    question: SessionQuestion, points: Sequence[Mapping[str, str]]
) -> list[dict[str, str]]:
    """The verdicts in rubric order, or 422 unless every key point has exactly one."""
    rubric = rubric_points(question)
    given = [p["point"] for p in points]
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(given) - set(rubric))
    twice = sorted({p for p in given if given.count(p) > 1})
    missing = [p for p in rubric if p not in given]
    if unknown:
        errors["unknown"] = unknown
    if twice:
        errors["repeated"] = twice
    if missing:
        errors["missing"] = missing
    if errors:
        raise ValidationFailed(
            "Give one verdict for every key point of the question, and no other.",
            errors={"points": errors},
        )
    verdict = {p["point"]: p["verdict"] for p in points}
    return [{"point": p, "verdict": verdict[p]} for p in rubric]


def check_reviewable(question: SessionQuestion) -> None:
    """409 unless the question awaits a person's judgement: a judged type, answered."""
    if not question_type(question.type).needs_verdict:
        raise NotReviewable("Only explain answers are reviewed; this one is scored by the server.")
    if not answered(question.answer):
        raise NotReviewable("There is no answer to review; an unanswered question earns nothing.")


def final_verdicts(question: SessionQuestion) -> list[dict[str, str]] | None:
    """The verdicts that decide the score: a reviewer's, else the candidate's, else none."""
    return question.reviewer_verdicts or question.self_verdicts


def apply_verdicts(
    question: SessionQuestion,
    verdicts: list[dict[str, str]],
    source: ScoreSource,
    reviewer_sub: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Record `verdicts` from `source` on the question and rescore it; True when its points
    or their source changed (values only: the caller stores and totals)."""
    if source == ScoreSource.REVIEWER:
        if question.reviewer_verdicts != verdicts:
            question.reviewer_verdicts = verdicts
            question.reviewer_sub, question.reviewed_at = reviewer_sub, now
    elif question.self_verdicts != verdicts:
        question.self_verdicts = verdicts
    decided = final_verdicts(question) or []
    before = (question.awarded, question.source, (question.feedback or {}).get("correct"))
    credit = sum(VERDICT_CREDIT[v["verdict"]] for v in decided) / (len(decided) or 1)
    question.awarded = round(credit * question.points, 4)
    question.source = ScoreSource.REVIEWER if question.reviewer_verdicts else ScoreSource.SELF
    correct = all(v["verdict"] == COVERED for v in decided)
    question.feedback = {**(question.feedback or {}), "correct": correct}
    return before != (question.awarded, question.source, correct)


def _locked(session_id: str) -> QuizSession:
    # Reviews of one session queue behind each other on its row, so each reads the totals the
    # previous one wrote (PostgreSQL; SQLite serialises writers).
    session = db.session.scalars(
        sa.select(QuizSession)
        .where(QuizSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if session is None:
        raise NotFound("No such session.")
    return session


def record_verdicts(
    session_id: str,
    position: int,
    points: Sequence[Mapping[str, str]],
    source: ScoreSource,
    now: dt.datetime,
    reviewer_sub: str | None = None,
) -> SessionQuestion:
    """Apply a human verdict to one explain answer of a finalised session; when the score
    changes, write the next score version and request the report, in one transaction."""
    session = _locked(session_id)
    try:
        if session.status not in FINAL_STATUSES:
            raise ReviewNotOpen("The interview is still running; review it once it is finalised.")
        question = question_at(session, position)
        check_reviewable(question)
        verdicts = check_verdicts(question, points)
    except Exception:
        db.session.rollback()
        raise
    if apply_verdicts(question, verdicts, source, reviewer_sub, now):
        session.score_version += 1
        totals = score_totals(session.questions)
        db.session.add(SessionScore(session_id=session.id, version=session.score_version, **totals))
        request_report(session.id)
    db.session.commit()
    return question


def awaiting_reviewer(
    page: int, per_page: int, template_id: str | None = None, topic: str | None = None
) -> tuple[list[SessionQuestion], int]:
    """Answered explain questions of finalised sessions not yet graded by a reviewer, oldest
    finalisation first, one page of them, and how many there are."""
    judged = [name for name, kind in TYPES.items() if kind.needs_verdict]
    query = (
        sa.select(SessionQuestion)
        .join(QuizSession, QuizSession.id == SessionQuestion.session_id)
        .where(
            QuizSession.status.in_(FINAL_STATUSES),
            SessionQuestion.type.in_(judged),
            SessionQuestion.source.in_(AWAITING_REVIEWER),
            SessionQuestion.answer.is_not(None),
        )
    )
    if template_id:
        query = query.where(QuizSession.template_id == template_id)
    if topic:
        query = query.where(SessionQuestion.topic == topic)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.order_by(QuizSession.finalised_at, QuizSession.id, SessionQuestion.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), int(total or 0)
