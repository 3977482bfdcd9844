"""Authors' changes to single questions: create, replace, patch, retire and restore."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from services.common.errors import ValidationFailed

from . import codec, question_types
from .extensions import db
from .models import Question
from .store import check_batch, known_topics, save_questions


def _validated(data: Mapping[str, Any], *, own_key: str | None = None) -> dict[str, Any]:
    """`data` in canonical form, or `ValidationFailed` with a per-field errors map."""
    errors: dict[str, list[str]] = {}
    for problem in check_batch([data], known_topics(), replacing=[own_key] if own_key else []):
        errors.setdefault(problem.field, []).append(problem.message)
    key = data.get("key")
    if not errors and key != own_key:
        taken = db.session.scalar(select(Question.id).where(Question.key == key))
        if taken is not None:
            errors["key"] = [f"Already used by question {taken}."]
    if errors:
        raise ValidationFailed("The question is not valid.", errors=errors)
    return codec.canonical(data)


def create_question(payload: Mapping[str, Any]) -> Question:
    """Add a new question (version 1); a missing key is generated from the topic."""
    data = dict(payload)
    if not data.get("key"):
        data["key"] = f"{data.get('topic') or 'question'}-{uuid.uuid4().hex[:8]}"
    canonical = _validated(data)
    save_questions([canonical])
    db.session.commit()
    return _by_key(canonical["key"])


def replace_question(question: Question, payload: Mapping[str, Any]) -> Question:
    """Replace every field (PUT); the version grows only when something changed."""
    data = {"key": question.key, **payload}
    return _store(question, data)


def patch_question(question: Question, payload: Mapping[str, Any]) -> Question:
    """Change some fields (PATCH), or retire/restore with `retired`."""
    changes = dict(payload)
    retired = changes.pop("retired", None)
    if changes:
        base = codec.to_source(question)
        if changes.get("type", base["type"]) != base["type"]:
            # A new type brings its own answer fields; the old type's no longer apply.
            for field in question_types.of(base["type"]).fields:
                base.pop(field, None)
        question = _store(question, {**base, **changes}, commit=False)
    if retired is not None:
        question.retired = retired
    db.session.commit()
    return question


def _store(question: Question, data: dict[str, Any], *, commit: bool = True) -> Question:
    canonical = _validated(data, own_key=question.key)
    if codec.to_source(question) != canonical:
        codec.apply(question, canonical)
        question.version += 1
    if commit:
        db.session.commit()
    return question


def retire_question(question: Question) -> None:
    """Hide a question from lists and draws; it stays readable by id for authors."""
    question.retired = True
    db.session.commit()


def _by_key(key: str) -> Question:
    return db.session.scalars(select(Question).where(Question.key == key)).one()
