"""Reports through a real Celery worker (and beat) on Redis: built after finalising, nothing
lost when the worker is killed mid-build, retries then `failed` while content is down, the
sweep re-sending a forgotten build, and one rebuild per score version."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from services.quiz.extensions import db
from services.quiz.models import QuizSession
from services.quiz.report_queue import request_report

from ..conftest import Candidate
from .conftest import StudyUpstream, finish_interview, report_row

WORKER = ["worker", "-Q", "quiz.sweep,quiz.reports", "--pool", "solo", "--loglevel", "INFO"]


class Celery:
    """Celery processes of one test, stopped (or killed) at its end."""

    def __init__(self, app: Flask, upstream: StudyUpstream, tmp_path: Path) -> None:
        config = app.config
        self.tmp_path = tmp_path
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.env = {
            **os.environ,
            "QUIZ_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "QUIZ_CONTENT_URL": upstream.url,
            "QUIZ_AUTH_URL": upstream.url,
            "REDIS_URL": config["REDIS_URL"],
            "CELERY_BROKER_URL": config["REDIS_URL"],
            "REDIS_KEY_PREFIX": config["REDIS_KEY_PREFIX"],
            "QUIZ_SWEEP_INTERVAL_S": "1",
            "QUIZ_REPORT_RESEND_AFTER_S": "2",
            "QUIZ_REPORT_RETRY_BACKOFF_S": "0.2",
            "VAR_DIR": str(tmp_path),
            "LOG_LEVEL": "INFO",
        }
        self.env.pop("QUIZ_CLIENT_SECRET", None)

    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "services.quiz.worker:celery", *args]
        with log.open("a") as handle:
            process = subprocess.Popen(
                command, env={**self.env, **env}, stdout=handle, stderr=subprocess.STDOUT
            )
        self.started.append((process, log))
        return process

    def worker(self, name: str = "worker", **env: str) -> subprocess.Popen[bytes]:
        return self.start(name, WORKER, **env)

    def beat(self) -> subprocess.Popen[bytes]:
        schedule = str(self.tmp_path / "celerybeat-schedule")
        return self.start("beat", ["beat", "--schedule", schedule, "--loglevel", "INFO"])

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            for process, log in self.started:
                assert process.poll() is None or process.returncode == -signal.SIGKILL, (
                    log.read_text()
                )
            time.sleep(0.3)
        logs = "\n".join(f"== {log.name}\n{log.read_text()}" for _, log in self.started)
        pytest.fail(f"timed out; process output:\n{logs}")

    def stop(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _ in self.started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@pytest.fixture
def celery(app: Flask, upstream: StudyUpstream, tmp_path: Path) -> Iterator[Celery]:
    running = Celery(app, upstream, tmp_path)
    yield running
    running.stop()


def _status(app: Flask, session_id: str) -> str | None:
    row = report_row(app, session_id)
    if row is None:
        return None
    if row.status == "pending" and row.built_version is not None:
        return "updating"
    return row.status


def test_worker_builds_the_report_after_finalising(
    app: Flask, candidate: Candidate, clock, celery: Celery
) -> None:
    celery.worker()
    session_id = finish_interview(candidate, clock)

    celery.wait_for(lambda: _status(app, session_id) == "ready")

    body = candidate.get(f"/sessions/{session_id}/report").get_json()
    assert body["status"] == "ready" and body["report"]["overall"]["max_score"] == 6
    assert {t["topic"] for t in body["report"]["topics"]} == {"routing", "blueprints"}
    assert body["html"].startswith('<section class="report"')
    row = report_row(app, session_id)
    assert row is not None and row.builds == 1


def test_worker_killed_mid_build_loses_nothing_and_builds_once(
    app: Flask, candidate: Candidate, clock, celery: Celery
) -> None:
    first = celery.worker("worker-1", QUIZ_REPORT_BUILD_DELAY_S="60")
    session_id = finish_interview(candidate, clock)
    celery.wait_for(
        lambda: (
            "quiz.build_report" in celery.log("worker-1") and "received" in celery.log("worker-1")
        )
    )
    time.sleep(1.0)  # inside the build's delay

    first.send_signal(signal.SIGKILL)
    first.wait(10)

    assert _status(app, session_id) == "pending"
    celery.worker("worker-2")
    celery.beat()
    celery.wait_for(lambda: _status(app, session_id) == "ready")
    # A few more sweeps: nothing is built twice.
    celery.wait_for(lambda: celery.log("beat").count("quiz.resend_pending_reports") >= 5)
    row = report_row(app, session_id)
    assert row is not None and (row.status, row.builds, row.built_version) == ("ready", 1, 1)


def test_content_down_retries_then_fails_with_a_reason_and_a_rebuild_succeeds(
    app: Flask, candidate: Candidate, clock, celery: Celery, upstream: StudyUpstream
) -> None:
    upstream.study_fail_with = 503
    celery.worker(QUIZ_REPORT_MAX_RETRIES="2")
    session_id = finish_interview(candidate, clock, right=False)

    celery.wait_for(lambda: _status(app, session_id) == "failed")

    assert upstream.study_requests == 3  # the first try and two retries
    failed = candidate.get(f"/sessions/{session_id}/report").get_json()
    assert failed["status"] == "failed" and "503" in failed["error"]
    log = celery.log("worker")
    assert f"report of session {session_id} failed after 2 retries" in log
    upstream.study_fail_with = None
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3650)).date().isoformat()
    result = app.test_cli_runner().invoke(args=["reports", "rebuild", "--since", since])
    assert result.exit_code == 0 and "reports requested: 1" in result.output
    celery.wait_for(lambda: _status(app, session_id) == "ready")


def test_sweep_resends_a_build_that_never_reached_the_broker(
    app: Flask, candidate: Candidate, clock, celery: Celery, redis_url: str, redis_prefix: str
) -> None:
    session_id = finish_interview(candidate, clock)
    client = redis.Redis.from_url(redis_url)
    assert client.delete(f"{redis_prefix}quiz.reports") == 1  # the sent task is lost
    client.close()

    celery.worker()
    celery.beat()

    celery.wait_for(lambda: _status(app, session_id) == "ready")
    assert "re-sent 1 pending report build" in celery.log("worker")


def test_a_score_change_rebuilds_the_report_once(
    app: Flask, candidate: Candidate, clock, celery: Celery
) -> None:
    celery.worker(QUIZ_REPORT_BUILD_DELAY_S="1")
    session_id = finish_interview(candidate, clock)
    celery.wait_for(lambda: _status(app, session_id) == "ready")

    with app.app_context():  # what a self-review does when it changes a score
        db.session.execute(
            sa.update(QuizSession)
            .where(QuizSession.id == session_id)
            .values(score_version=QuizSession.score_version + 1)
        )
        request_report(session_id)
        db.session.commit()

    assert _status(app, session_id) == "updating"
    celery.wait_for(lambda: _status(app, session_id) == "ready")
    row = report_row(app, session_id)
    assert row is not None and (row.builds, row.built_version) == (2, 2)
