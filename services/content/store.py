"""Writing the bank: validate questions as a batch, then create, update (bumping `version`) or
leave them alone, matched by `key`. Used by the YAML seed, JSON/GIFT import and authoring."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from . import codec, rules
from .extensions import db
from .models import Question, Topic

# Display order of the topics the platform ships with; other topics follow alphabetically.
TOPIC_ORDER = (
    "fundamentals",
    "routing",
    "request-lifecycle",
    "templates",
    "forms",
    "sessions",
    "blueprints",
    "extensions",
    "rest-apis",
    "auth",
    "middleware",
    "deployment",
    "performance",
    "security",
    "testing",
    "real-world",
)


@dataclass
class ItemError:
    """One problem with one item of a batch."""

    index: int
    key: str | None
    field: str
    message: str
    line: int | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form; absent line/file are left out."""
        data = {"index": self.index, "key": self.key, "field": self.field, "message": self.message}
        if self.line is not None:
            data["line"] = self.line
        if self.file is not None:
            data["file"] = self.file
        return data


@dataclass
class SyncReport:
    """What a batch save did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: dict[str, list[str]] = field(default_factory=lambda: {"created": [], "updated": []})

    def as_dict(self) -> dict[str, int]:
        """Counts only."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def known_topics(extra: Iterable[Mapping[str, Any]] = ()) -> set[str]:
    """Slugs of the stored topics plus those of `extra` topic headers."""
    slugs = set(db.session.scalars(select(Topic.slug)))
    return slugs | {t["slug"] for t in extra if isinstance(t, Mapping) and "slug" in t}


def check_batch(
    items: Sequence[Any],
    topics: set[str],
    *,
    replaces_stored: bool = True,
    replacing: Iterable[str] = (),
) -> list[ItemError]:
    """Every rule for a batch: each item alone, then keys/prompts across the batch and the
    stored questions it does not replace (stored items with a batch key, or a key in
    `replacing`, are replaced)."""
    problems: list[ItemError] = []
    for index, item in enumerate(items):
        key = item.get("key") if isinstance(item, Mapping) else None
        for fld, messages in rules.check_question(item, topics).items():
            problems += [ItemError(index, key, fld, msg) for msg in messages]
    batch_keys = {i.get("key") for i in items if isinstance(i, Mapping)} | set(replacing)
    stored = (
        []
        if not replaces_stored
        else [
            {"key": q.key, "prompt": q.prompt}
            for q in db.session.scalars(select(Question).where(Question.retired.is_(False)))
            if q.key not in batch_keys
        ]
    )
    # Stored questions come first so that the new item is the one reported as the duplicate.
    every = stored + [dict(i) if isinstance(i, Mapping) else {} for i in items]
    for position, errors in rules.check_collection(every).items():
        index = position - len(stored)
        if index < 0:
            continue
        key = every[position].get("key")
        for fld, messages in errors.items():
            problems += [ItemError(index, key, fld, _relabel(m, stored)) for m in messages]
    return problems


def _relabel(message: str, stored: list[dict[str, Any]]) -> str:
    """Turn collection positions in `message` into batch indexes or stored keys."""

    def swap(match: re.Match[str]) -> str:
        position = int(match.group(1))
        if position < len(stored):
            return f"stored question {stored[position]['key']}"
        return f"item {position - len(stored)}"

    return re.sub(r"item (\d+)", swap, message)


def topic_position(slug: str) -> int:
    """Known topics in teaching order first; others after them (then by slug)."""
    return TOPIC_ORDER.index(slug) if slug in TOPIC_ORDER else len(TOPIC_ORDER)


def save_topics(topics: Iterable[Mapping[str, Any]]) -> None:
    """Create or update topic headers (slug, title, description)."""
    for header in topics:
        topic = db.session.get(Topic, header["slug"]) or Topic(slug=header["slug"])
        topic.title = header["title"].strip()
        topic.description = header["description"].strip()
        topic.position = topic_position(header["slug"])
        db.session.add(topic)
    db.session.flush()


def save_questions(items: Iterable[Mapping[str, Any]]) -> SyncReport:
    """Create, update or keep each (already validated) item, matched by key; no commit."""
    report = SyncReport()
    for item in items:
        data = codec.canonical(item)
        question = db.session.scalar(select(Question).where(Question.key == data["key"]))
        if question is None:
            question = Question(id=uuid.uuid4().hex, version=1)
            codec.apply(question, data)
            db.session.add(question)
            report.created += 1
            report.keys["created"].append(data["key"])
        elif codec.to_source(question) != data:
            codec.apply(question, data)
            question.version += 1
            report.updated += 1
            report.keys["updated"].append(data["key"])
        else:
            report.unchanged += 1
    db.session.flush()
    return report
