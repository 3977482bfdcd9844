"""Conversions between the bank format (plain dicts, see bank/FORMAT.md) and `Question` rows.

The canonical form of a question is the bank format with texts stripped and optional fields
present: two questions are "the same" exactly when their canonical forms are equal, which is how
seeding and import decide between unchanged and updated.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from .models import Question, Topic

OPTION_IDS = string.ascii_lowercase


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _strings(values: Any) -> list[Any]:
    return [_strip(v) for v in values] if isinstance(values, list) else values


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical bank-format dict of a (valid) question."""
    qtype = data["type"]
    out: dict[str, Any] = {
        "key": data["key"],
        "topic": data["topic"],
        "type": qtype,
        "difficulty": data["difficulty"],
        "prompt": _strip(data["prompt"]),
    }
    if qtype in ("single", "multi"):
        out["options"] = [_canonical_option(option) for option in data["options"]]
    elif qtype == "true_false":
        out["answer"] = data["answer"]
    elif qtype == "short":
        out["accepted"] = _strings(data.get("accepted", []))
        out["patterns"] = list(data.get("patterns", []))
    elif qtype == "explain":
        out["rubric"] = [
            {"point": _strip(item["point"]), "keywords": _strings(item["keywords"])}
            for item in data["rubric"]
        ]
    out["model_answer"] = _strip(data["model_answer"])
    out["explanation"] = _strip(data["explanation"])
    out["references"] = _strings(data.get("references", []))
    out["tags"] = _strings(data.get("tags", []))
    return out


def _canonical_option(option: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": _strip(option["text"]), "correct": option.get("correct", False)}
    if isinstance(option.get("why"), str) and option["why"].strip():
        out["why"] = option["why"].strip()
    return out


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
    }
    key = question.answer_key or {}
    if question.type in ("single", "multi"):
        why = key.get("why", {})
        data["options"] = [
            {
                "text": option["text"],
                "correct": option["id"] in key.get("correct", []),
                **({"why": why[option["id"]]} if option["id"] in why else {}),
            }
            for option in question.options
        ]
    elif question.type == "true_false":
        data["answer"] = bool(key.get("correct"))
    elif question.type == "short":
        data["accepted"] = list(key.get("accepted", []))
        data["patterns"] = list(key.get("patterns", []))
    elif question.type == "explain":
        data["rubric"] = [dict(item) for item in question.rubric]
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
    question.options, question.answer_key, question.rubric = _storage(data)
    question.search_text = search_text(data)


def _storage(data: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any], list[Any]]:
    qtype = data["type"]
    if qtype in ("single", "multi"):
        options = [{"id": OPTION_IDS[i], "text": o["text"]} for i, o in enumerate(data["options"])]
        key = {
            "correct": [OPTION_IDS[i] for i, o in enumerate(data["options"]) if o["correct"]],
            "why": {OPTION_IDS[i]: o["why"] for i, o in enumerate(data["options"]) if "why" in o},
        }
        return options, key, []
    if qtype == "true_false":
        return [], {"correct": data["answer"]}, []
    if qtype == "short":
        return [], {"accepted": data["accepted"], "patterns": data["patterns"]}, []
    return [], {}, [dict(item) for item in data["rubric"]]


def search_text(data: Mapping[str, Any]) -> str:
    """The answer texts full-text search indexes next to the prompt."""
    parts = [data["model_answer"], data["explanation"]]
    parts += [option["text"] for option in data.get("options", [])]
    parts += list(data.get("accepted", []))
    parts += [item["point"] for item in data.get("rubric", [])]
    return "\n".join(parts)


def answer_key(question: Question) -> dict[str, Any]:
    """The answer key in the draw contract's shape (explain: the rubric)."""
    if question.type == "explain":
        return {"rubric": [dict(item) for item in question.rubric]}
    return dict(question.answer_key)


def topic_source(topic: Topic) -> dict[str, Any]:
    """A topic as the bank format's header."""
    return {"slug": topic.slug, "title": topic.title, "description": topic.description}


# What the study view leaves out when the reader may not see the solution: correctness data
# and everything that states or explains the answer.
ANSWER_FIELDS = ("answer", "accepted", "key_points", "model_answer", "explanation")
OPTION_ANSWER_FIELDS = ("correct", "why")


def study_view(question: Question) -> dict[str, Any]:
    """What a learner sees: the question with its solution, but not the scoring internals
    (short-answer patterns, rubric keywords)."""
    key = question.answer_key or {}
    view: dict[str, Any] = {
        "id": question.id,
        "key": question.key,
        "version": question.version,
        "topic": question.topic,
        "type": question.type,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "options": [
            {
                **option,
                "correct": option["id"] in key.get("correct", []),
                **({"why": key["why"][option["id"]]} if option["id"] in key.get("why", {}) else {}),
            }
            for option in question.options
        ],
        "model_answer": question.model_answer,
        "explanation": question.explanation,
        "references": list(question.references),
        "tags": list(question.tags),
        "retired": question.retired,
        "created_at": question.created_at,
        "updated_at": question.updated_at,
    }
    if question.type == "true_false":
        view["answer"] = bool(key.get("correct"))
    elif question.type == "short":
        view["accepted"] = list(key.get("accepted", []))
    elif question.type == "explain":
        view["key_points"] = [item["point"] for item in question.rubric]
    return view


def without_answers(view: dict[str, Any]) -> dict[str, Any]:
    """A study view with every answer field removed: the prompt and the options' texts only."""
    kept = {name: value for name, value in view.items() if name not in ANSWER_FIELDS}
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
