"""The Celery wiring: task bodies as functions, then a real worker and beat on Redis."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from services.quiz.celery_app import celery_settings
from services.quiz.extensions import db
from services.quiz.models import QuizSession, SessionQuestion, SessionScore, SessionStatus

from .conftest import Candidate
from .fakes import make_item

SWEEP = "quiz.sweep_overdue_sessions"


def test_sweep_task_finalises_overdue_sessions_once(
    app: Flask, candidate: Candidate, clock
) -> None:
    overdue = candidate.start().get_json()
    task = app.extensions["celery"].tasks[SWEEP]
    clock.advance(600 + 6)

    first, second = task(), task()

    assert (first, second) == (1, 0)
    with app.app_context():
        session = db.session.get(QuizSession, overdue["id"])
        assert (session.status, session.finalised_by) == ("expired", "sweep")
        assert db.session.query(SessionScore).count() == 1


def test_sweep_task_leaves_sessions_within_grace(app: Flask, candidate: Candidate, clock) -> None:
    session = candidate.start().get_json()
    clock.advance(600 + 4)

    assert app.extensions["celery"].tasks[SWEEP]() == 0
    assert candidate.get(f"/sessions/{session['id']}").get_json()["status"] == "active"


def test_sweep_task_does_nothing_without_sessions(app: Flask) -> None:
    assert app.extensions["celery"].tasks[SWEEP]() == 0


def test_celery_settings_are_safe_for_redis(app: Flask) -> None:
    settings = celery_settings(app)

    assert settings["task_acks_late"] and settings["task_reject_on_worker_lost"]
    assert settings["worker_prefetch_multiplier"] == 1
    assert settings["accept_content"] == ["json"] and settings["task_ignore_result"]
    assert (
        settings["broker_transport_options"]["global_keyprefix"] == app.config["REDIS_KEY_PREFIX"]
    )
    assert {q.name for q in settings["task_queues"]} == {"quiz.sweep", "quiz.reports"}
    schedule = settings["beat_schedule"]["sweep-overdue-sessions"]
    assert schedule["task"] == SWEEP and schedule["schedule"] == dt.timedelta(seconds=15)
    assert app.extensions["celery"].conf.broker_url == app.config["REDIS_URL"]


def _insert_overdue_session(app: Flask, user_sub: str) -> str:
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = QuizSession(
            user_sub=user_sub,
            title="left to expire",
            question_count=1,
            time_limit_s=60,
            status=SessionStatus.ACTIVE,
            started_at=now - dt.timedelta(seconds=120),
            deadline=now - dt.timedelta(seconds=60),
        )
        item = make_item("q1", "routing", "short")
        session.questions = [
            SessionQuestion(
                position=1,
                question_id="q1",
                question_key="routing-q1",
                question_version=1,
                topic="routing",
                type="short",
                difficulty="junior",
                prompt=item["prompt"],
                answer_key=item["answer_key"],
                answer="url_for",
            )
        ]
        db.session.add(session)
        db.session.commit()
        return session.id


def _status(app: Flask, session_id: str) -> str:
    with app.app_context():
        db.session.expire_all()
        return db.session.get(QuizSession, session_id).status


@pytest.fixture
def celery_env(app: Flask, tmp_path: Path) -> dict[str, str]:
    config = app.config
    env = {
        **os.environ,
        "QUIZ_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": config["REDIS_URL"],
        "CELERY_BROKER_URL": config["REDIS_URL"],
        "REDIS_KEY_PREFIX": config["REDIS_KEY_PREFIX"],
        "QUIZ_SWEEP_INTERVAL_S": "1",
        "VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "INFO",
    }
    env.pop("QUIZ_CLIENT_SECRET", None)
    return env


@pytest.fixture
def processes() -> Iterator[list[tuple[subprocess.Popen, Path]]]:
    started: list[tuple[subprocess.Popen, Path]] = []
    yield started
    for process, _ in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, _ in started:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _celery(args: list[str], env: dict[str, str], log: Path, started: list) -> None:
    command = [sys.executable, "-m", "celery", "-A", "services.quiz.worker:celery", *args]
    handle = log.open("w")
    process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    started.append((process, log))


def _wait_for(predicate, timeout: float, started) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for process, log in started:
            assert process.poll() is None, log.read_text()
        time.sleep(0.3)
    logs = "\n".join(log.read_text() for _, log in started)
    pytest.fail(f"timed out; process output:\n{logs}")


def test_beat_and_worker_expire_an_overdue_session_through_redis(
    app: Flask, celery_env: dict[str, str], tmp_path: Path, processes, redis_prefix: str
) -> None:
    session_id = _insert_overdue_session(app, "sleepy")
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    _celery(
        ["worker", "-Q", "quiz.sweep,quiz.reports", "--pool", "solo", "--loglevel", "INFO"],
        celery_env,
        worker_log,
        processes,
    )
    schedule = str(tmp_path / "celerybeat-schedule")
    _celery(["beat", "--schedule", schedule, "--loglevel", "INFO"], celery_env, beat_log, processes)

    _wait_for(lambda: _status(app, session_id) == "expired", 60, processes)

    with app.app_context():
        session = db.session.get(QuizSession, session_id)
        assert session.finalised_by == "sweep"
        assert session.score == 1.0
    _wait_for(lambda: "sweep finalised 1 overdue session" in worker_log.read_text(), 10, processes)
    assert SWEEP in beat_log.read_text()
    client = redis.Redis.from_url(celery_env["REDIS_URL"])
    assert any(k.decode().startswith(redis_prefix) for k in client.scan_iter(f"{redis_prefix}*"))
    assert not list(client.scan_iter("quiz.sweep*"))
    client.close()


def test_the_worker_freezes_its_heap_just_before_forking_a_pool_process(
    celery_env: dict[str, str],
) -> None:
    # The signal prefork's pool sends in the main process right before each fork.
    probe = (
        "import gc\n"
        "from celery.signals import worker_before_create_process\n"
        "import services.quiz.worker\n"
        "before = gc.get_freeze_count()\n"
        "worker_before_create_process.send(sender=None)\n"
        "print(before, gc.get_freeze_count(), gc.isenabled())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=celery_env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    before, after, enabled = out.stdout.split()[-3:]
    assert int(before) == 0
    # The loaded app alone is tens of thousands of objects.
    assert int(after) > 10_000
    assert enabled == "True"
