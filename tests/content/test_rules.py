"""The validation rules every entry point shares (rules.py)."""

from __future__ import annotations

from typing import Any

import pytest

from services.content.rules import check_collection, check_question, check_topic
from tests.content.conftest import make_question

TOPICS = {"routing", "security"}


@pytest.mark.parametrize("qtype", ["single", "multi", "true_false", "short", "explain"])
def test_check_question_accepts_valid_question(qtype: str) -> None:
    assert check_question(make_question(qtype), TOPICS) == {}


def _options(*correct: bool, why: bool = True) -> list[dict[str, Any]]:
    return [
        {"text": f"option {i}", "correct": c, **({"why": "reason"} if why else {})}
        for i, c in enumerate(correct)
    ]


@pytest.mark.parametrize(
    ("qtype", "changes", "field"),
    [
        ("single", {"options": _options(True, True, False)}, "options"),
        ("single", {"options": _options(False, False, False)}, "options"),
        ("multi", {"options": _options(True)}, "options"),
        ("multi", {"options": _options(False, False)}, "options"),
        ("single", {"options": _options(True, False, why=False)}, "options.1.why"),
        (
            "single",
            {"options": [{"text": "", "correct": True}, {"text": "b", "why": "w"}]},
            "options.0.text",
        ),
        (
            "single",
            {"options": [{"text": "a", "correct": True}, {"text": "a", "why": "w"}]},
            "options.1.text",
        ),
        ("single", {"model_answer": None}, "model_answer"),
        ("single", {"explanation": "  "}, "explanation"),
        ("single", {"prompt": None}, "prompt"),
        ("explain", {"rubric": None}, "rubric"),
        ("explain", {"rubric": [{"point": "p", "keywords": ["k"]}] * 2}, "rubric"),
        ("explain", {"rubric": [{"point": "p", "keywords": ["k"]}] * 7}, "rubric"),
        ("explain", {"rubric": [{"point": "p", "keywords": []}] * 3}, "rubric.0.keywords"),
        ("short", {"accepted": [], "patterns": []}, "accepted"),
        ("short", {"patterns": ["(unclosed"]}, "patterns.0"),
        ("true_false", {"answer": "yes"}, "answer"),
        ("single", {"difficulty": "expert"}, "difficulty"),
        ("single", {"type": "essay"}, "type"),
        ("single", {"topic": "astrology"}, "topic"),
        ("single", {"key": "Bad Key"}, "key"),
        ("single", {"key": None}, "key"),
        ("single", {"answer": True}, "answer"),
        ("single", {"colour": "red"}, "colour"),
        ("single", {"tags": ["ok", ""]}, "tags"),
    ],
)
def test_check_question_rejects_broken_rule(
    qtype: str, changes: dict[str, Any], field: str
) -> None:
    errors = check_question(make_question(qtype, **changes), TOPICS)
    assert field in errors, errors


def test_check_question_rejects_non_mapping() -> None:
    assert "_schema" in check_question(["not", "a", "question"], TOPICS)


def test_check_collection_reports_duplicate_keys_and_prompts() -> None:
    first = make_question("single", key="routing-a", prompt="Same prompt?")
    second = make_question("single", key="routing-a", prompt="  same PROMPT ")
    errors = check_collection([first, second])
    assert set(errors) == {1}
    assert set(errors[1]) == {"key", "prompt"}


def test_check_topic_requires_slug_title_description() -> None:
    assert check_topic({"slug": "routing", "title": "R", "description": "D"}) == {}
    assert set(check_topic({"slug": "Bad Slug", "title": ""})) == {
        "topic.slug",
        "topic.title",
        "topic.description",
    }
