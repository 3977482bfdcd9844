"""Finalising is exactly-once under real concurrent requests against PostgreSQL: two app
instances (as two gunicorn workers would be) served on their own ports, many threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import requests
from flask import Flask

from services.common.testing import TokenMinter, serve
from services.quiz import create_app
from services.quiz.extensions import db
from services.quiz.finalising import sweep_overdue
from services.quiz.models import QuizSession, SessionScore

from .conftest import quiz_config
from .fakes import FakeUpstream, ManualClock

pytestmark = pytest.mark.postgres
THREADS = 12


@pytest.fixture
def workers(
    postgres_database: str,
    minter: TokenMinter,
    clock: ManualClock,
    upstream: FakeUpstream,
    redis_url: str,
    redis_prefix: str,
) -> Iterator[list[tuple[Flask, str]]]:
    """Two app instances on one PostgreSQL database, each served by a threaded server."""
    config = quiz_config(postgres_database, minter, clock, upstream.url, redis_url, redis_prefix)
    apps = [create_app(config) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
    with ExitStack() as stack:
        served = []
        for app in apps:
            served.append((app, stack.enter_context(serve(app))))
        yield served
    with apps[0].app_context():
        db.session.remove()
        db.drop_all()
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:  # reported through the results
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _start(base_url: str, headers: dict[str, str]) -> dict[str, Any]:
    body = {"topics": ["routing"], "question_count": 5, "time_limit_s": 300}
    response = requests.post(
        f"{base_url}/api/quiz/sessions", json=body, headers=headers, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def _score_rows(app: Flask, session_id: str) -> list[SessionScore]:
    """Finalising writes exactly one score row (version 1); a second would be a second
    finalisation."""
    with app.app_context():
        return list(db.session.query(SessionScore).filter_by(session_id=session_id))


def test_concurrent_submits_finalise_once(workers, minter) -> None:
    headers = minter.headers(sub="racer")
    session = _start(workers[0][1], headers)
    url = "/api/quiz/sessions/{}/submit".format(session["id"])

    results = _all_at_once(
        [
            lambda base=base: requests.post(f"{base}{url}", headers=headers, timeout=30)
            for _, base in workers * (THREADS // 2)
        ]
    )

    assert [r.status_code for r in results] == [200] * THREADS
    assert {r.json()["status"] for r in results} == {"submitted"}
    assert len({r.json()["score"] for r in results}) == 1
    assert len(_score_rows(workers[0][0], session["id"])) == 1


def test_submit_get_and_sweep_racing_on_an_overdue_session_finalise_once(
    workers, minter, clock
) -> None:
    headers = minter.headers(sub="racer")
    session = _start(workers[0][1], headers)
    base_path = "/api/quiz/sessions/{}".format(session["id"])
    clock.advance(300 + 6)

    def sweep(app: Flask) -> int:
        with app.app_context():
            return sweep_overdue(clock.now(), 5.0)

    calls: list[Callable[[], Any]] = []
    for app, base in workers * 2:
        calls.append(lambda base=base: requests.post(f"{base}{base_path}/submit", headers=headers))
        calls.append(lambda base=base: requests.get(f"{base}{base_path}", headers=headers))
        calls.append(lambda app=app: sweep(app))
    results = _all_at_once(calls)

    responses = [r for r in results if not isinstance(r, int)]
    assert [r.status_code for r in responses] == [200] * len(responses)
    assert {r.json()["status"] for r in responses} == {"expired"}
    assert sum(r for r in results if isinstance(r, int)) <= 1
    assert len(_score_rows(workers[0][0], session["id"])) == 1


def test_concurrent_starts_leave_one_active_session(workers, minter) -> None:
    headers = minter.headers(sub="starter")
    body = {"topics": ["routing"], "question_count": 5, "time_limit_s": 300}

    results = _all_at_once(
        [
            lambda base=base: requests.post(
                f"{base}/api/quiz/sessions", json=body, headers=headers, timeout=30
            )
            for _, base in workers * 4
        ]
    )

    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 7
    created = next(r.json()["id"] for r in results if r.status_code == 201)
    assert {r.json()["active_session_id"] for r in results if r.status_code == 409} == {created}
    with workers[0][0].app_context():
        assert db.session.query(QuizSession).filter_by(user_sub="starter").count() == 1


def test_concurrent_identical_reviews_recompute_the_score_once(workers, minter) -> None:
    headers = minter.headers(sub="reviewing")
    session = _start(workers[0][1], headers)
    base = workers[0][1]
    explain = next(q["position"] for q in session["questions"] if q["type"] == "explain")
    requests.put(
        f"{base}/api/quiz/sessions/{session['id']}/answers/{explain}",
        json={"answer": "A micro framework."},
        headers=headers,
        timeout=10,
    )
    requests.post(f"{base}/api/quiz/sessions/{session['id']}/submit", headers=headers, timeout=10)
    verdicts = {
        "points": [
            {"point": "RUBRIC-small core", "verdict": "covered"},
            {"point": "RUBRIC-extensions", "verdict": "partly"},
        ]
    }
    path = f"/api/quiz/sessions/{session['id']}/review/{explain}"

    results = _all_at_once(
        [
            lambda url=url: requests.put(f"{url}{path}", json=verdicts, headers=headers, timeout=30)
            for _, url in workers * (THREADS // 2)
        ]
    )

    assert [r.status_code for r in results] == [200] * THREADS
    assert {r.json()["session"]["score_version"] for r in results} == {2}
    assert sorted(r.version for r in _score_rows(workers[0][0], session["id"])) == [1, 2]
