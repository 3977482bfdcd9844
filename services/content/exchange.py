"""Export and import of the whole bank: JSON (lossless, all-or-nothing) and Moodle GIFT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from services.common.errors import Problem

from . import codec, gift, question_types, rules
from .bank_fields import normalise
from .extensions import db
from .models import Question, Topic
from .store import ItemError, check_batch, known_topics, save_questions, save_topics

FORMAT_NAME = "flask-interviews-bank"
FORMAT_VERSION = 1


class ImportInvalid(Problem):
    """The import breaks a rule; nothing was changed."""

    status, title, type_slug = 422, "Import Rejected", "import-rejected"


def _ordered_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.position, Topic.slug)))


def _ordered_questions(include_retired: bool) -> list[Question]:
    query = select(Question).order_by(Question.topic, Question.key)
    if not include_retired:
        query = query.where(Question.retired.is_(False))
    return list(db.session.scalars(query))


def export_json() -> dict[str, Any]:
    """The whole bank, retired questions included, in the bank format."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "topics": [codec.topic_source(t) for t in _ordered_topics()],
        "questions": [
            {**codec.to_source(q), "retired": q.retired} for q in _ordered_questions(True)
        ],
    }


def export_gift() -> str:
    """The active questions as GIFT, one category per topic."""
    return gift.dump(
        [codec.topic_source(t) for t in _ordered_topics()],
        [codec.to_source(q) for q in _ordered_questions(False)],
    )


def import_json(document: Any) -> dict[str, Any]:
    """Validate the whole document, then apply it in one transaction (or change nothing)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("questions"), list):
        _reject([ItemError(-1, None, "questions", "Expected an object with a `questions` list.")])
    topics = document.get("topics", [])
    problems: list[ItemError] = []
    if not isinstance(topics, list):
        problems.append(ItemError(-1, None, "topics", "Must be a list of topics."))
        topics = []
    for index, header in enumerate(topics):
        for fld, messages in rules.check_topic(header).items():
            problems += [ItemError(index, None, f"topics.{index}.{fld[6:]}", m) for m in messages]
    items, retired = [], []
    for index, item in enumerate(document["questions"]):
        item = dict(item) if isinstance(item, Mapping) else item
        flag = item.pop("retired", None) if isinstance(item, dict) else None
        if flag is not None and not isinstance(flag, bool):
            problems.append(ItemError(index, item.get("key"), "retired", "Must be true or false."))
        items.append(item)
        retired.append(flag)
    valid_topics = [t for t in topics if isinstance(t, Mapping)]
    problems += check_batch(items, known_topics(valid_topics))
    if problems:
        _reject(problems)
    return {**_apply(valid_topics, items, retired), "skipped": []}


def _apply(
    topics: list[Mapping[str, Any]], items: list[Any], retired: list[bool | None]
) -> dict[str, Any]:
    try:
        save_topics(topics)
        report = save_questions(items)
        for item, flag in zip(items, retired, strict=True):
            if flag is not None:
                question = db.session.scalars(
                    select(Question).where(Question.key == item["key"])
                ).one()
                question.retired = flag
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report.as_dict()


def _reject(problems: list[ItemError]) -> None:
    errors: dict[str, list[str]] = {}
    for p in problems:
        name = (
            p.field
            if p.index < 0 or p.field.startswith("topics.")
            else (f"questions.{p.index}.{p.field}")
        )
        errors.setdefault(name, []).append(p.message)
    raise ImportInvalid(
        f"{len(problems)} problem(s) found; nothing was imported.",
        errors=errors,
        items=[p.as_dict() for p in problems],
    )


def import_gift(source: str, topic: str | None, difficulty: str | None) -> dict[str, Any]:
    """Import GIFT: unsupported items are skipped and reported; the rest is all-or-nothing."""
    try:
        parsed = gift.parse(source)
    except gift.GiftSyntaxError as exc:
        _reject([ItemError(-1, None, "gift", exc.message, line=exc.line)])
    headers = {q.topic_meta["slug"]: q.topic_meta for q in parsed if q.topic_meta.get("slug")}
    known = known_topics(headers.values())
    items, positions, skipped = [], [], []
    for index, question in enumerate(parsed):
        item, reason = _to_bank(question, known, topic, difficulty or "mid")
        if item is None:
            skipped.append(
                {"index": index, "line": question.line, "title": question.title, "reason": reason}
            )
            continue
        items.append(item)
        positions.append(index)
    problems = check_batch(items, known)
    for problem in problems:  # report positions in the file, not among the kept items
        problem.index = positions[problem.index]
        problem.line = parsed[problem.index].line
    if problems:
        _reject(problems)
    report = _apply(list(headers.values()), items, [None] * len(items))
    return {**report, "skipped": skipped}


def _to_bank(
    question: gift.GiftQuestion, known: set[str], topic: str | None, difficulty: str
) -> tuple[dict[str, Any] | None, str | None]:
    """A bank-format item for a GIFT question, or None and why it is unsupported."""
    qtype = question_types.for_gift(question)
    if qtype is None:
        return None, f"{question.kind.capitalize()} questions are not supported."
    refusal = qtype.gift_refusal(question)
    if refusal is not None:
        return None, refusal
    meta = question.meta
    item: dict[str, Any] = {
        "key": meta.get("key") or _key_from(question, topic),
        "topic": _topic_of(question, known, topic),
        "type": qtype.name,
        "difficulty": meta.get("difficulty", difficulty),
        "prompt": question.prompt,
        "model_answer": meta.get("model_answer") or qtype.gift_model_answer(question),
        "explanation": question.general_feedback or "",
        "references": meta.get("references", []),
        "tags": meta.get("tags", []),
        **qtype.from_gift(question),
    }
    return item, None


def _topic_of(question: gift.GiftQuestion, known: set[str], fallback: str | None) -> str | None:
    """The category's last segment when it names a topic, else the caller's fallback."""
    segment = (question.category or "").rstrip("/").rsplit("/", 1)[-1]
    return segment if segment in known else fallback


def _key_from(question: gift.GiftQuestion, topic: str | None) -> str:
    title = normalise(question.title or "").replace("_", " ")
    slug = "-".join(title.split())[:80]
    if rules.KEY_PATTERN.match(slug or "-"):
        return slug
    return f"{topic or 'gift'}-line-{question.line}"
