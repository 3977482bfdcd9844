"""The bank's validation rules, in one place (each type's own rules are in `question_types`).

Every way a question enters the bank (the YAML linter and loader, the authoring API, JSON and
GIFT import) goes through `check_question` for one question and `check_collection` for the rules
that span questions (unique keys, unique prompts). Questions are plain dicts in the bank format
(services/content/bank/FORMAT.md). Errors map a field path (`options.1.why`) to messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .bank_fields import Errors, add_error, check_strings, is_text, normalise
from .question_types import TYPE_FIELDS, TYPES, question_type

DIFFICULTIES = ("junior", "mid", "senior")
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_KEY_LENGTH = 120

COMMON_FIELDS = (
    "key",
    "topic",
    "type",
    "difficulty",
    "prompt",
    "model_answer",
    "explanation",
    "references",
    "tags",
)
_ALL_FIELDS = frozenset(COMMON_FIELDS) | TYPE_FIELDS


def check_question(data: Any, topics: Iterable[str] | None = None) -> Errors:
    """Field errors of one question; `topics` (when given) lists the known topic slugs."""
    errors: Errors = {}
    if not isinstance(data, Mapping):
        return {"_schema": ["A question must be a mapping of fields."]}
    qtype = question_type(data.get("type"))
    if qtype is None:
        add_error(errors, "type", f"Must be one of: {', '.join(TYPES)}.")
    if data.get("difficulty") not in DIFFICULTIES:
        add_error(errors, "difficulty", f"Must be one of: {', '.join(DIFFICULTIES)}.")
    _check_identity(data, errors, topics)
    for field in ("prompt", "model_answer", "explanation"):
        if not is_text(data.get(field)):
            add_error(errors, field, "Missing: a non-empty text is required.")
    for field in ("references", "tags"):
        check_strings(data.get(field, []), field, errors)
    allowed = set(COMMON_FIELDS) | set(qtype.fields if qtype else ())
    for field in data:
        if field not in allowed and field in _ALL_FIELDS:
            add_error(errors, field, f"Not allowed for a {data.get('type')} question.")
        elif field not in _ALL_FIELDS:
            add_error(errors, field, "Unknown field.")
    if qtype is not None:
        qtype.check(data, errors)
        qtype.check_quality(data, errors)
    return errors


def _check_identity(data: Mapping[str, Any], errors: Errors, topics: Iterable[str] | None) -> None:
    key = data.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key) or len(key) > MAX_KEY_LENGTH:
        add_error(errors, "key", "Use lower-case letters, digits and single hyphens (max 120).")
    topic = data.get("topic")
    if topic is None:
        add_error(errors, "topic", "Missing: every question belongs to a topic.")
    elif topics is not None and topic not in set(topics):
        add_error(errors, "topic", f"Unknown topic {topic!r}.")


def check_collection(questions: list[Mapping[str, Any]]) -> dict[int, Errors]:
    """Errors of the rules that span questions (duplicate keys and prompts), by list index."""
    errors: dict[int, Errors] = {}
    keys: dict[str, int] = {}
    prompts: dict[str, int] = {}
    for index, question in enumerate(questions):
        key = question.get("key")
        if isinstance(key, str):
            if key in keys:
                add_error(
                    errors.setdefault(index, {}), "key", f"Duplicate key (also item {keys[key]})."
                )
            keys.setdefault(key, index)
        prompt = question.get("prompt")
        if isinstance(prompt, str) and prompt.strip():
            norm = normalise(prompt)
            if norm in prompts:
                add_error(
                    errors.setdefault(index, {}),
                    "prompt",
                    f"Duplicate prompt (same as item {prompts[norm]}).",
                )
            prompts.setdefault(norm, index)
    return errors


def check_topic(data: Any) -> Errors:
    """Field errors of a topic header: slug, title, description."""
    errors: Errors = {}
    if not isinstance(data, Mapping):
        return {"topic": ["A topic must be a mapping with slug, title and description."]}
    slug = data.get("slug")
    if not isinstance(slug, str) or not KEY_PATTERN.match(slug) or len(slug) > 64:
        add_error(
            errors, "topic.slug", "Use lower-case letters, digits and single hyphens (max 64)."
        )
    for field in ("title", "description"):
        if not is_text(data.get(field)):
            add_error(errors, f"topic.{field}", "Missing: a non-empty text is required.")
    return errors
