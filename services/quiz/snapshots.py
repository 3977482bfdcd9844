"""Snapshots: a drawn content question copied into the session, options shuffled per session.

Options get session-local ids ("a", "b", ... in the shuffled order) and the answer key is
rewritten to them: the content ids follow the author's order, where the correct option is often
first, so keeping them would leak the answer.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from typing import Any

from .question_types import question_type

PINNED_LAST = ("all of the above", "none of the above")


def shuffle_options(
    options: Sequence[Mapping[str, Any]], rng: random.Random
) -> list[dict[str, Any]]:
    """Shuffle `options`, keeping "All/None of the above" last; relabel them a, b, c..."""
    free = [o for o in options if not _pinned(o)]
    pinned = [o for o in options if _pinned(o)]
    rng.shuffle(free)
    return [
        {"id": string.ascii_lowercase[i], "text": o["text"], "source_id": str(o["id"])}
        for i, o in enumerate(free + pinned)
    ]


def _pinned(option: Mapping[str, Any]) -> bool:
    return str(option.get("text", "")).strip().lower().startswith(PINNED_LAST)


def relabel_key(
    kind: str, answer_key: Mapping[str, Any], options: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The answer key with content option ids replaced by the session-local ones."""
    if not question_type(kind).has_options:
        return dict(answer_key)
    local = {o["source_id"]: o["id"] for o in options}
    why = answer_key.get("why") or {}
    return {
        **answer_key,
        "correct": sorted(local[str(c)] for c in answer_key.get("correct", []) if str(c) in local),
        "why": {local[str(k)]: v for k, v in why.items() if str(k) in local},
    }


def snapshot(item: Mapping[str, Any], position: int, rng: random.Random) -> dict[str, Any]:
    """The columns of a `SessionQuestion` for one drawn content item."""
    kind = str(item["type"])
    has_options = question_type(kind).has_options
    options = shuffle_options(item.get("options") or [], rng) if has_options else []
    answer_key = relabel_key(kind, item["answer_key"], options)
    if kind == "explain":
        # The explain suggestion gives no credit to answers far shorter than the model answer.
        answer_key["model_answer_words"] = len(str(item.get("model_answer") or "").split())
    return {
        "position": position,
        "question_id": str(item["id"]),
        "question_key": str(item.get("key") or item["id"]),
        "question_version": int(item.get("version") or 1),
        "topic": str(item["topic"]),
        "type": kind,
        "difficulty": str(item.get("difficulty") or ""),
        "prompt": str(item["prompt"]),
        "options": options,
        "answer_key": answer_key,
        "model_answer": str(item.get("model_answer") or ""),
        "explanation": str(item.get("explanation") or ""),
        "references": list(item.get("references") or []),
        "points": 1.0,
    }
