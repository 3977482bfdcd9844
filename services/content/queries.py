"""Reading the bank: topics with counts, filtered/searched/sorted question pages, one question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)

from services.common.errors import NotFound, ValidationFailed

from . import fts, rules
from .extensions import db
from .models import Question, Topic

SORTS = (
    "topic",
    "-topic",
    "difficulty",
    "-difficulty",
    "created",
    "-created",
    "updated",
    "-updated",
    "key",
    "-key",
    "relevance",
)


@dataclass(frozen=True)
class QuestionFilter:
    """What a question list asks for (already type-checked by the schema)."""

    topic: str | None = None
    difficulty: str | None = None
    type: str | None = None
    tag: str | None = None
    q: str | None = None
    sort: str | None = None


@dataclass(frozen=True)
class HiddenAnswers:
    """Questions whose answer texts the reader may not see, and so may not search by: all of
    them (`everything`) or those with the given ids."""

    everything: bool = False
    ids: frozenset[str] = frozenset()


NOTHING_HIDDEN = HiddenAnswers()


def topics_with_counts() -> list[dict[str, Any]]:
    """Every topic in display order with its number of active questions."""
    counts = (
        select(Question.topic, func.count().label("n"))
        .where(Question.retired.is_(False))
        .group_by(Question.topic)
        .subquery()
    )
    rows = db.session.execute(
        select(Topic, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.topic == Topic.slug)
        .order_by(Topic.position, Topic.slug)
    )
    return [
        {"slug": t.slug, "title": t.title, "description": t.description, "question_count": n}
        for t, n in rows
    ]


def list_questions(
    wanted: QuestionFilter, page: int, per_page: int, hidden: HiddenAnswers = NOTHING_HIDDEN
) -> tuple[list[Question], int]:
    """One page of active questions matching `wanted`, and the total number of matches; the
    search matches `hidden` questions on their prompt only."""
    _check_filter(wanted)
    query = select(Question).where(Question.retired.is_(False))
    query = _filtered(query, wanted)
    rank: ColumnElement[Any] | None = None
    if wanted.q is not None and wanted.q.strip():
        query, rank = _searched(query, wanted.q, hidden)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    sort = wanted.sort or ("relevance" if rank is not None else "topic")
    query = query.order_by(*_ordering(sort, rank)).offset((page - 1) * per_page).limit(per_page)
    return list(db.session.scalars(query)), total


def _check_filter(wanted: QuestionFilter) -> None:
    errors: dict[str, list[str]] = {}
    if wanted.topic is not None and db.session.get(Topic, wanted.topic) is None:
        errors["topic"] = [f"Unknown topic {wanted.topic!r}."]
    if wanted.sort == "relevance" and not (wanted.q or "").strip():
        errors["sort"] = ["Sorting by relevance needs a search query `q`."]
    if errors:
        raise ValidationFailed("The query parameters are not valid.", errors=errors)


def _filtered(query: Select[Any], wanted: QuestionFilter) -> Select[Any]:
    if wanted.topic:
        query = query.where(Question.topic == wanted.topic)
    if wanted.difficulty:
        query = query.where(Question.difficulty == wanted.difficulty)
    if wanted.type:
        query = query.where(Question.type == wanted.type)
    if wanted.tag:
        query = query.where(_has_tag(wanted.tag))
    return query


def _has_tag(tag: str) -> ColumnElement[bool]:
    if db.engine.dialect.name == "postgresql":
        return text("CAST(questions.tags AS jsonb) ? :tag").bindparams(tag=tag)
    each = func.json_each(Question.tags).table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(each.c.value == tag))


def _searched(
    query: Select[Any], q: str, hidden: HiddenAnswers
) -> tuple[Select[Any], ColumnElement[Any] | None]:
    dialect = db.engine.dialect.name
    terms = fts.search_terms(q)
    if not terms:
        return query.where(fts.no_match()), None
    matches = fts.ranked_matches(dialect, terms, prompt_only=hidden.everything)
    reference = fts.match_reference_column(dialect)
    sub = matches.subquery("matches")
    joined = query.join(sub, reference == sub.c.match_ref)
    if hidden.everything or not hidden.ids:
        return joined, sub.c.rank
    # Held questions must match, and are ranked, on their prompt alone.
    prompt = fts.ranked_matches(dialect, terms, prompt_only=True).subquery("prompt_matches")
    is_hidden = Question.id.in_(sorted(hidden.ids))
    joined = joined.outerjoin(prompt, reference == prompt.c.match_ref).where(
        or_(~is_hidden, prompt.c.match_ref.is_not(None))
    )
    return joined, case((is_hidden, prompt.c.rank), else_=sub.c.rank)


def _ordering(sort: str, rank: ColumnElement[Any] | None) -> list[Any]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    level = case({d: i for i, d in enumerate(rules.DIFFICULTIES)}, value=Question.difficulty)
    position = select(Topic.position).where(Topic.slug == Question.topic).scalar_subquery()
    if name == "relevance":
        return [rank.desc(), Question.key] if rank is not None else [Question.key]
    columns: dict[str, list[Any]] = {
        "topic": [position, Question.topic, level, Question.key],
        "difficulty": [level, position, Question.key],
        "created": [Question.created_at, Question.key],
        "updated": [Question.updated_at, Question.key],
        "key": [Question.key],
    }
    # The unique key ends every ordering, so pages never overlap or skip a row.
    return [c.desc() for c in columns[name]] if descending else columns[name]


def get_question(question_id: str, *, include_retired: bool = False) -> Question:
    """One question by id (retired ones only when asked); 404 otherwise."""
    question = db.session.get(Question, question_id)
    if question is None or (question.retired and not include_retired):
        raise NotFound(f"No question with id {question_id!r}.")
    return question
