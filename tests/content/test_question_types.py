"""Every registered question type round-trips through storage, the views and GIFT."""

from __future__ import annotations

from typing import Any

import pytest

from services.content import codec, gift, question_types
from services.content.bank import read_bank
from services.content.exchange import _to_bank
from services.content.models import Question
from services.content.rules import check_question


@pytest.fixture(scope="module")
def examples() -> dict[str, dict[str, Any]]:
    """The first bank question of each type, canonical."""
    found: dict[str, dict[str, Any]] = {}
    for item in read_bank().questions:
        found.setdefault(item["type"], codec.canonical(item))
    return found


def stored(data: dict[str, Any]) -> Question:
    question = Question(id="q-1", version=1, retired=False)
    codec.apply(question, data)
    return question


def test_the_bank_has_a_question_of_every_registered_type(examples: dict[str, Any]) -> None:
    assert set(examples) == set(question_types.TYPES)


@pytest.mark.parametrize("name", question_types.TYPES)
def test_a_stored_question_reads_back_as_it_was_written(
    name: str, examples: dict[str, Any]
) -> None:
    data = examples[name]
    assert check_question(data) == {}
    assert codec.to_source(stored(data)) == data


@pytest.mark.parametrize("name", question_types.TYPES)
def test_the_study_view_without_answers_keeps_no_answer_field(
    name: str, examples: dict[str, Any]
) -> None:
    qtype = question_types.of(name)
    view = codec.study_view(stored(examples[name]))
    hidden = codec.without_answers(view)
    assert set(qtype.study_answer_fields) <= set(view)
    assert not set(qtype.study_answer_fields) & set(hidden)
    assert not {"model_answer", "explanation"} & set(hidden)
    assert all(set(option) == {"id", "text"} for option in hidden["options"])


@pytest.mark.parametrize("name", question_types.TYPES)
def test_gift_export_imports_as_the_same_question(name: str, examples: dict[str, Any]) -> None:
    data = examples[name]
    topic = {"slug": data["topic"], "title": "T", "description": "D"}
    (parsed,) = gift.parse(gift.dump([topic], [data]))
    assert question_types.for_gift(parsed) is question_types.of(name)
    item, reason = _to_bank(parsed, {data["topic"]}, None, "mid")
    assert reason is None
    assert item is not None
    assert codec.canonical(item) == data


def test_a_type_name_that_is_not_a_string_is_no_type() -> None:
    assert question_types.question_type(["single"]) is None
    assert check_question({"type": ["single"]})["type"] == [
        f"Must be one of: {', '.join(question_types.TYPES)}."
    ]
