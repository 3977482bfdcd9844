"""Snapshots and per-session shuffling of drawn questions."""

from __future__ import annotations

import random

import pytest

from services.quiz.extensions import db
from services.quiz.models import SessionQuestion
from services.quiz.snapshots import relabel_key, shuffle_options, snapshot

from .conftest import Candidate
from .fakes import make_item

OPTIONS = [
    {"id": "a", "text": "one"},
    {"id": "b", "text": "All of the above"},
    {"id": "c", "text": "two"},
    {"id": "d", "text": "three"},
    {"id": "e", "text": "four"},
]


@pytest.mark.parametrize("seed", range(20))
def test_shuffle_keeps_all_of_the_above_last(seed: int) -> None:
    shuffled = shuffle_options(OPTIONS, random.Random(seed))

    assert shuffled[-1]["text"] == "All of the above"
    assert [o["id"] for o in shuffled] == ["a", "b", "c", "d", "e"]
    assert sorted(o["source_id"] for o in shuffled) == ["a", "b", "c", "d", "e"]


def test_shuffle_varies_between_sessions() -> None:
    orders = {
        tuple(o["text"] for o in shuffle_options(OPTIONS, random.Random(s))) for s in range(20)
    }
    assert len(orders) > 5


def test_relabel_key_follows_the_shuffled_options() -> None:
    options = [
        {"id": "a", "text": "x", "source_id": "c"},
        {"id": "b", "text": "y", "source_id": "a"},
        {"id": "c", "text": "z", "source_id": "b"},
    ]
    key = {"correct": ["a", "b"], "why": {"c": "wrong because"}}

    assert relabel_key("multi", key, options) == {
        "correct": ["b", "c"],
        "why": {"a": "wrong because"},
    }


def test_snapshot_keeps_everything_needed_to_score_later() -> None:
    item = make_item("q1", "routing", "single")

    row = snapshot(item, 3, random.Random(1))

    chosen = next(o for o in row["options"] if o["text"] == "Right")
    assert row["answer_key"]["correct"] == [chosen["id"]]
    assert row["position"] == 3 and row["question_version"] == 1
    assert row["model_answer"] == "MODEL-ANSWER-q1"


def test_editing_or_retiring_after_start_changes_nothing(
    candidate: Candidate, upstream, app
) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    short = next(q for q in session["questions"] if q["type"] == "short")
    for item in upstream.bank.values():
        item["prompt"] = "EDITED"
        item["version"] = 2
        item["answer_key"] = {"accepted": ["something else"], "patterns": []}
    upstream.retired |= set(upstream.bank)

    candidate.put_answer(session["id"], short["position"], "url_for")
    again = candidate.get(f"/sessions/{session['id']}").get_json()
    candidate.submit(session["id"])
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()

    assert [q["prompt"] for q in again["questions"]] == [q["prompt"] for q in session["questions"]]
    assert result["questions"][short["position"] - 1]["awarded"] == 1.0
    assert {q["question_version"] for q in result["questions"]} == {1}
    with app.app_context():
        assert db.session.query(SessionQuestion).count() == 5
