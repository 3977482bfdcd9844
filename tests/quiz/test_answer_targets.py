"""What an answer save keeps of a session per process (`answer_targets`), and that keeping it
never lets a save through that the stored session would refuse."""

from __future__ import annotations

from flask import Flask

from services.quiz.answer_targets import AnswerTargets
from services.quiz.models import SessionQuestion

from .conftest import Candidate
from .test_privacy import _delete


def _short(session: dict) -> int:
    return next(q["position"] for q in session["questions"] if q["type"] == "short")


def test_a_target_holds_the_owner_deadline_and_each_questions_type_and_options(
    app: Flask, candidate: Candidate
) -> None:
    session = candidate.start().get_json()

    with app.app_context():
        target = AnswerTargets().get(session["id"])
        stored = {
            q.position: q for q in SessionQuestion.query.filter_by(session_id=session["id"]).all()
        }

    assert target is not None
    assert target.user_sub == candidate.sub
    assert target.deadline.isoformat().startswith(session["deadline"][:19])
    assert set(target.questions) == set(stored) == {q["position"] for q in session["questions"]}
    for position, shape in target.questions.items():
        assert shape.type == stored[position].type
        assert list(shape.option_ids) == [o["id"] for o in stored[position].options]


def test_a_missing_session_is_not_remembered_and_the_map_is_bounded(
    app: Flask, candidate: Candidate
) -> None:
    first = candidate.start().get_json()
    candidate.submit(first["id"])
    second = candidate.start().get_json()
    targets = AnswerTargets(max_entries=1)

    with app.app_context():
        assert targets.get("no-such-session") is None
        assert "no-such-session" not in targets
        assert len(targets) == 0
        targets.get(first["id"])
        targets.get(second["id"])

    assert second["id"] in targets and first["id"] not in targets
    assert len(targets) == 1


def test_an_answer_after_submit_is_refused_although_earlier_ones_were_saved(
    candidate: Candidate,
) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    position = _short(session)
    assert candidate.put_answer(session["id"], position, "url_for").status_code == 200
    candidate.submit(session["id"])

    late = candidate.put_answer(session["id"], position, "redirect")

    assert late.status_code == 409
    assert late.get_json()["type"].endswith("session-closed")
    result = candidate.get(f"/sessions/{session['id']}/result").get_json()
    assert result["questions"][position - 1]["answer"] == "url_for"


def test_a_closed_session_says_so_before_judging_the_answer(candidate: Candidate) -> None:
    session = candidate.start(topics=["routing"], question_count=5, time_limit_s=600).get_json()
    position = _short(session)
    assert candidate.put_answer(session["id"], position, "url_for").status_code == 200
    candidate.submit(session["id"])

    wrong_shape = candidate.put_answer(session["id"], position, 42)
    no_question = candidate.put_answer(session["id"], 99, "x")

    assert wrong_shape.status_code == no_question.status_code == 409


def test_someone_elses_session_stays_404_after_its_owner_saved(
    candidate: Candidate, other: Candidate
) -> None:
    session = candidate.start().get_json()
    assert candidate.put_answer(session["id"], 1, None).status_code == 200

    response = other.put_answer(session["id"], 1, None)

    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_an_answer_to_a_session_removed_since_the_last_save_is_404(
    client, minter, candidate: Candidate
) -> None:
    session = candidate.start().get_json()
    assert candidate.put_answer(session["id"], 1, None).status_code == 200
    assert _delete(client, minter, candidate.sub).status_code == 204

    response = candidate.put_answer(session["id"], 1, None)

    assert response.status_code == 404
    assert response.get_json()["detail"] == "No such session."
