"""Item statistics for authors: attempts, facility, discrimination, flags."""

from __future__ import annotations

import pytest

from services.quiz.stats import discrimination_index, flags

from .conftest import Candidate


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(90.0, 1.0), (80.0, 1.0), (30.0, 0.0), (10.0, 0.0)], 1.0),  # the strong get it right
        ([(90.0, 0.0), (80.0, 0.0), (30.0, 1.0), (10.0, 1.0)], -1.0),  # the weak get it right
        ([(90.0, 1.0), (10.0, 1.0)], 0.0),
        ([(50.0, 1.0)], None),
    ],
)
def test_discrimination_compares_upper_and_lower_groups(pairs, expected) -> None:
    assert discrimination_index(pairs) == expected


@pytest.mark.parametrize(
    ("attempts", "facility", "discrimination", "expected"),
    [
        (4, 1.0, 0.0, ["insufficient_data"]),
        (10, 0.95, 0.5, ["too_easy"]),
        (10, 0.1, 0.3, ["too_hard"]),
        (10, 0.5, 0.05, ["not_discriminating"]),
        (10, 0.5, 0.5, []),
    ],
)
def test_flags_mark_questions_worth_a_look(attempts, facility, discrimination, expected) -> None:
    assert flags(attempts, facility, discrimination) == expected


def _finish(user: Candidate, right: bool) -> None:
    session = user.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    short = next(q for q in session["questions"] if q["type"] == "short")
    user.put_answer(session["id"], short["position"], "url_for" if right else "nope")
    user.submit(session["id"])


def test_item_statistics_from_finalised_sessions(client, minter) -> None:
    for index in range(6):
        _finish(Candidate(client, minter, sub=f"u{index}"), right=index % 2 == 0)
    Candidate(client, minter, sub="still-running").start()
    author = minter.headers(sub="author", roles=["author"])

    body = client.get("/api/quiz/stats/questions?topic=routing", headers=author).get_json()

    short = next(i for i in body["items"] if i["type"] == "short")
    assert short["attempts"] == 6
    assert short["facility"] == 0.5
    assert short["discrimination"] == 1.0
    assert short["flags"] == []
    single = next(i for i in body["items"] if i["type"] == "single")
    assert single["facility"] == 0.0 and "too_hard" in single["flags"]
    assert body["total"] == 5


def test_item_statistics_need_the_author_role(client, minter) -> None:
    candidate = client.get("/api/quiz/stats/questions", headers=minter.headers(roles=["candidate"]))
    admin = client.get("/api/quiz/stats/questions", headers=minter.headers(roles=["admin"]))

    assert candidate.status_code == 403
    assert admin.status_code == 200
    assert client.get("/api/quiz/stats/questions").status_code == 401
