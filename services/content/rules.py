"""The bank's validation rules, in one place.

Every way a question enters the bank (the YAML linter and loader, the authoring API, JSON and
GIFT import) goes through `check_question` for one question and `check_collection` for the rules
that span questions (unique keys, unique prompts). Questions are plain dicts in the bank format
(services/content/bank/FORMAT.md). Errors map a field path (`options.1.why`) to messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from services.common.patterns import pattern_error

TYPES = ("single", "multi", "true_false", "short", "explain")
DIFFICULTIES = ("junior", "mid", "senior")
MIN_OPTIONS, MAX_OPTIONS = 2, 6
MIN_RUBRIC, MAX_RUBRIC = 3, 6
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
TYPE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "single": ("options",),
    "multi": ("options",),
    "true_false": ("answer",),
    "short": ("accepted", "patterns"),
    "explain": ("rubric",),
}
Errors = dict[str, list[str]]


def normalise(text: str) -> str:
    """Lower-case; non-word characters become spaces; runs of spaces collapse (FORMAT.md)."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check_question(data: Any, topics: Iterable[str] | None = None) -> Errors:
    """Field errors of one question; `topics` (when given) lists the known topic slugs."""
    errors: Errors = {}
    if not isinstance(data, Mapping):
        return {"_schema": ["A question must be a mapping of fields."]}
    qtype = data.get("type")
    if qtype not in TYPES:
        _add(errors, "type", f"Must be one of: {', '.join(TYPES)}.")
    if data.get("difficulty") not in DIFFICULTIES:
        _add(errors, "difficulty", f"Must be one of: {', '.join(DIFFICULTIES)}.")
    _check_identity(data, errors, topics)
    for field in ("prompt", "model_answer", "explanation"):
        if not _text(data.get(field)):
            _add(errors, field, "Missing: a non-empty text is required.")
    for field in ("references", "tags"):
        _check_strings(data.get(field, []), field, errors)
    allowed = set(COMMON_FIELDS) | set(TYPE_FIELDS.get(qtype, ()))
    for field in data:
        if field not in allowed and field in _ALL_FIELDS:
            _add(errors, field, f"Not allowed for a {qtype} question.")
        elif field not in _ALL_FIELDS:
            _add(errors, field, "Unknown field.")
    checker = _TYPE_CHECKS.get(qtype)
    if checker is not None:
        checker(data, errors)
    from . import bank_quality  # here, not at the top: bank_quality builds on this module

    for field, messages in bank_quality.check_question_quality(data).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _check_identity(data: Mapping[str, Any], errors: Errors, topics: Iterable[str] | None) -> None:
    key = data.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key) or len(key) > MAX_KEY_LENGTH:
        _add(errors, "key", "Use lower-case letters, digits and single hyphens (max 120).")
    topic = data.get("topic")
    if topic is None:
        _add(errors, "topic", "Missing: every question belongs to a topic.")
    elif topics is not None and topic not in set(topics):
        _add(errors, "topic", f"Unknown topic {topic!r}.")


def _check_strings(value: Any, field: str, errors: Errors) -> None:
    if not isinstance(value, list) or not all(_text(item) for item in value):
        _add(errors, field, "Must be a list of non-empty texts.")


def _check_options(data: Mapping[str, Any], errors: Errors) -> None:
    options = data.get("options")
    if not isinstance(options, list) or not (MIN_OPTIONS <= len(options) <= MAX_OPTIONS):
        _add(errors, "options", f"Give {MIN_OPTIONS}-{MAX_OPTIONS} options.")
        return
    correct = 0
    seen: set[str] = set()
    for index, option in enumerate(options):
        where = f"options.{index}"
        if not isinstance(option, Mapping):
            _add(errors, where, "An option must be a mapping with text, correct, why.")
            continue
        unknown = set(option) - {"text", "correct", "why"}
        if unknown:
            _add(errors, where, f"Unknown fields: {', '.join(sorted(map(str, unknown)))}.")
        if not _text(option.get("text")):
            _add(errors, f"{where}.text", "Missing: a non-empty text is required.")
        elif option["text"].strip() in seen:
            _add(errors, f"{where}.text", "Duplicates another option.")
        else:
            seen.add(option["text"].strip())
        is_correct = option.get("correct", False)
        if not isinstance(is_correct, bool):
            _add(errors, f"{where}.correct", "Must be true or false.")
        correct += is_correct is True
        why = option.get("why")
        if why is not None and not isinstance(why, str):
            _add(errors, f"{where}.why", "Must be a text.")
        elif is_correct is not True and not _text(why):
            _add(errors, f"{where}.why", "A wrong option needs a one-line reason why.")
    if data.get("type") == "single" and correct != 1:
        _add(
            errors,
            "options",
            f"A single-choice question needs exactly one correct option (found {correct}).",
        )
    if data.get("type") == "multi" and correct < 1:
        _add(errors, "options", "A multiple-choice question needs at least one correct option.")


def _check_true_false(data: Mapping[str, Any], errors: Errors) -> None:
    if not isinstance(data.get("answer"), bool):
        _add(errors, "answer", "Must be true or false.")


def _check_short(data: Mapping[str, Any], errors: Errors) -> None:
    accepted = data.get("accepted", [])
    patterns = data.get("patterns", [])
    _check_strings(accepted, "accepted", errors)
    _check_strings(patterns, "patterns", errors)
    if not accepted and not patterns:
        _add(errors, "accepted", "Give at least one accepted answer or pattern.")
    for index, pattern in enumerate(patterns if isinstance(patterns, list) else []):
        # Scoring runs patterns with RE2 (linear time); refuse here what it cannot run.
        reason = pattern_error(str(pattern))
        if reason is not None:
            _add(
                errors,
                f"patterns.{index}",
                f"Not a regular expression RE2 can run ({reason}); backreferences and "
                "lookahead/lookbehind are not supported.",
            )


def _check_rubric(data: Mapping[str, Any], errors: Errors) -> None:
    rubric = data.get("rubric")
    if not isinstance(rubric, list) or not (MIN_RUBRIC <= len(rubric) <= MAX_RUBRIC):
        _add(errors, "rubric", f"An explain question needs {MIN_RUBRIC}-{MAX_RUBRIC} key points.")
        return
    for index, item in enumerate(rubric):
        where = f"rubric.{index}"
        if not isinstance(item, Mapping) or set(item) - {"point", "keywords"}:
            _add(errors, where, "A key point is a mapping with point and keywords.")
            continue
        if not _text(item.get("point")):
            _add(errors, f"{where}.point", "Missing: a non-empty text is required.")
        keywords = item.get("keywords")
        if not isinstance(keywords, list) or not keywords or not all(map(_text, keywords)):
            _add(errors, f"{where}.keywords", "Give at least one keyword or phrase.")


_TYPE_CHECKS = {
    "single": _check_options,
    "multi": _check_options,
    "true_false": _check_true_false,
    "short": _check_short,
    "explain": _check_rubric,
}
_ALL_FIELDS = frozenset(COMMON_FIELDS) | {f for fields in TYPE_FIELDS.values() for f in fields}


def check_collection(questions: list[Mapping[str, Any]]) -> dict[int, Errors]:
    """Errors of the rules that span questions (duplicate keys and prompts), by list index."""
    errors: dict[int, Errors] = {}
    keys: dict[str, int] = {}
    prompts: dict[str, int] = {}
    for index, question in enumerate(questions):
        key = question.get("key")
        if isinstance(key, str):
            if key in keys:
                _add(errors.setdefault(index, {}), "key", f"Duplicate key (also item {keys[key]}).")
            keys.setdefault(key, index)
        prompt = question.get("prompt")
        if isinstance(prompt, str) and prompt.strip():
            norm = normalise(prompt)
            if norm in prompts:
                _add(
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
        _add(errors, "topic.slug", "Use lower-case letters, digits and single hyphens (max 64).")
    for field in ("title", "description"):
        if not _text(data.get(field)):
            _add(errors, f"topic.{field}", "Missing: a non-empty text is required.")
    return errors
