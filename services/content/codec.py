"""Conversions between the bank format (plain dicts, see bank/FORMAT.md) and `Question` rows.

The canonical form of a question is the bank format with texts stripped and optional fields
present: two questions are "the same" exactly when their canonical forms are equal, which is how
seeding and import decide between unchanged and updated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import question_types
from .bank_fields import strip, strip_all
from .models import Question, Topic


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical bank-format dict of a (valid) question."""
    qtype = question_types.of(data["type"])
    return {
        "key": data["key"],
        "topic": data["topic"],
        "type": qtype.name,
        "difficulty": data["difficulty"],
        "prompt": strip(data["prompt"]),
        **qtype.canonical(data),
        "model_answer": strip(data["model_answer"]),
        "explanation": strip(data["explanation"]),
        "references": strip_all(data.get("references", [])),
        "tags": strip_all(data.get("tags", [])),
    }


def to_source(question: Question) -> dict[str, Any]:
    """The canonical bank-format dict of a stored question."""
    data: dict[str, Any] = {
        "key": question.key,
        "topic": question.topic,
        "type": question.type,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "model_answer": question.model_answer,
        "explanation": question.explanation,
        "references": list(question.references),
        "tags": list(question.tags),
        **question_types.of(question.type).source(question),
    }
    return canonical(data)


def apply(question: Question, data: Mapping[str, Any]) -> None:
    """Write a canonical bank-format dict onto `question` (the version is the caller's)."""
    question.key = data["key"]
    question.topic = data["topic"]
    question.type = data["type"]
    question.difficulty = data["difficulty"]
    question.prompt = data["prompt"]
    question.model_answer = data["model_answer"]
    question.explanation = data["explanation"]
    question.references = list(data["references"])
    question.tags = list(data["tags"])
    question.options, question.answer_key, question.rubric = question_types.of(data["type"]).stored(
        data
    )
    question.search_text = search_text(data)


def search_text(data: Mapping[str, Any]) -> str:
    """The answer texts full-text search indexes next to the prompt."""
    parts = [data["model_answer"], data["explanation"]]
    parts += question_types.of(data["type"]).search_texts(data)
    return "\n".join(parts)


def answer_key(question: Question) -> dict[str, Any]:
    """The answer key in the draw contract's shape (explain: the rubric)."""
    return question_types.of(question.type).draw_key(question)


def topic_source(topic: Topic) -> dict[str, Any]:
    """A topic as the bank format's header."""
    return {"slug": topic.slug, "title": topic.title, "description": topic.description}


# What the study view leaves out when the reader may not see the solution: correctness data
# and everything that states or explains the answer (each type adds its own answer fields).
ANSWER_FIELDS = ("model_answer", "explanation")
OPTION_ANSWER_FIELDS = ("correct", "why")


def study_view(question: Question) -> dict[str, Any]:
    """What a learner sees: the question with its solution, but not the scoring internals
    (short-answer patterns, rubric keywords)."""
    view: dict[str, Any] = {
        "id": question.id,
        "key": question.key,
        "version": question.version,
        "topic": question.topic,
        "type": question.type,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "options": [dict(option) for option in question.options],
        "model_answer": question.model_answer,
        "explanation": question.explanation,
        "references": list(question.references),
        "tags": list(question.tags),
        "retired": question.retired,
        "created_at": question.created_at,
        "updated_at": question.updated_at,
    }
    view.update(question_types.of(question.type).study_fields(question))
    return view


def without_answers(view: dict[str, Any]) -> dict[str, Any]:
    """A study view with every answer field removed: the prompt and the options' texts only."""
    hidden = {*ANSWER_FIELDS, *question_types.of(view["type"]).study_answer_fields}
    kept = {name: value for name, value in view.items() if name not in hidden}
    kept["options"] = [
        {name: value for name, value in option.items() if name not in OPTION_ANSWER_FIELDS}
        for option in view["options"]
    ]
    return kept


def draw_item(question: Question) -> dict[str, Any]:
    """A question as the quiz service snapshots it (the draw contract)."""
    return {
        "id": question.id,
        "key": question.key,
        "version": question.version,
        "topic": question.topic,
        "type": question.type,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "options": [dict(option) for option in question.options],
        "answer_key": answer_key(question),
        "model_answer": question.model_answer,
        "explanation": question.explanation,
        "references": list(question.references),
    }
