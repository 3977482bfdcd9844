"""Fault drills against the real processes, under a light load of candidates saving answers.

Each drill breaks one part while candidates keep saving, brings it back, prints what it saw
(`DRILL <name>: ...`: saves by status during the fault and after, recovery time) and asserts
that no acknowledged answer was lost, nothing was duplicated and no status other than 200 and
the documented 502/503/504 problem+json (or, while nginx itself is down, no connection) came
back. The figures are copied into docs/operations.md ("What survives what").
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
import redis
import requests
from celery import Celery

from tests.e2e.support.client import PASSWORD, assert_problem
from tests.e2e.support.drill_stack import DrillStack

from .load import (
    REQUEST_TIMEOUT_S,
    Load,
    assert_nothing_lost,
    report,
    sign_in,
    start_interview,
    value_for,
    wait_for,
)

pytestmark = [pytest.mark.drills, pytest.mark.timeout(240)]

FAULT_S = 3.0  # how long a part stays down
SETTLE_S = 1.0  # load kept running after recovery


def quiz_db(stack: DrillStack) -> psycopg.Connection[Any]:
    """A connection to the quiz service's database (to count rows the API does not show)."""
    base = stack.cluster.url.rsplit("/", 1)[0]
    return psycopg.connect(f"{base}/{stack.databases.names['quiz']}", autocommit=True)


def run_fault(
    stack: DrillStack, load: Load, break_part: Any, restore_part: Any, fault_s: float = FAULT_S
) -> float:
    """Load running: break, wait `fault_s`, restore; return the recovery time (s)."""
    load.start()
    time.sleep(1.0)
    load.mark("fault")
    break_part()
    time.sleep(fault_s)
    load.mark("restored")
    restore_part()
    recovery = load.wait_for_success_after("restored")
    time.sleep(SETTLE_S)
    load.stop()
    return recovery


def test_postgres_restart_mid_interview(drill_stack: DrillStack) -> None:
    load = Load(drill_stack.base_url)
    started = time.monotonic()
    recovery = run_fault(
        drill_stack, load, lambda: drill_stack.cluster.stop("fast"), drill_stack.cluster.start
    )
    seen = report("postgres-restart", load, recovery_s=round(recovery, 2))
    verdict = assert_nothing_lost(load)
    print(f"  verdict: {verdict}; drill took {time.monotonic() - started:.1f}s")
    # While the database is down the quiz service says so: 503 problem+json, never a 500.
    assert set(seen["during_fault"]) <= {200, 503}, seen


def test_redis_restart_mid_interview(drill_stack: DrillStack) -> None:
    # A token revoked before the restart stays revoked after it (the append-only file).
    headers = sign_in(drill_stack.base_url)
    logout = requests.post(
        f"{drill_stack.base_url}/api/auth/logout", headers=headers, timeout=REQUEST_TIMEOUT_S
    )
    assert logout.status_code == 204, logout.text[:300]
    load = Load(drill_stack.base_url)
    recovery = run_fault(drill_stack, load, drill_stack.stop_redis, drill_stack.start_redis)
    seen = report("redis-restart", load, recovery_s=round(recovery, 2))
    assert_nothing_lost(load)
    # Verifiers cannot check the revocation list without Redis: 503, never a pass or a 500.
    assert set(seen["during_fault"]) <= {200, 503}, seen
    revoked = requests.get(
        f"{drill_stack.base_url}/api/quiz/sessions", headers=headers, timeout=REQUEST_TIMEOUT_S
    )
    assert revoked.status_code == 401, revoked.text[:300]


def test_queued_tasks_survive_a_redis_restart(drill_stack: DrillStack) -> None:
    # Nobody consumes while the task waits in the queue; Redis restarts; the worker comes back.
    drill_stack.stop("worker")
    client = Celery(
        "drill-client",
        broker=drill_stack.redis_url,
        broker_transport_options={"global_keyprefix": drill_stack.redis_prefix},
        broker_connection_retry_on_startup=True,
        task_serializer="json",
    )
    try:
        queued = client.send_task("quiz.sweep_overdue_sessions", queue="quiz.sweep")
    finally:
        client.close()
    drill_stack.stop_redis()
    drill_stack.start_redis()
    started = time.monotonic()
    drill_stack.start("worker")
    marker = f"Task quiz.sweep_overdue_sessions[{queued.id}] succeeded"
    wait_for(lambda: marker in drill_stack.log("worker"), 60)
    print(f"\nDRILL redis-restart-queue: queued task run {time.monotonic() - started:.1f}s after")


def test_quiz_worker_sigkill_during_concurrent_submits(drill_stack: DrillStack) -> None:
    headers = sign_in(drill_stack.base_url)
    session = start_interview(drill_stack.base_url, headers)
    base = f"{drill_stack.base_url}/api/quiz/sessions/{session['id']}"
    for question in session["questions"]:
        saved = requests.put(
            f"{base}/answers/{question['position']}",
            json={"answer": value_for(question, "submit", 0)},
            headers=headers,
            timeout=REQUEST_TIMEOUT_S,
        )
        assert saved.status_code == 200, saved.text[:300]
    load = Load(drill_stack.base_url, count=2)
    load.start()
    before = drill_stack.worker_pids("quiz")

    def submit(_: int) -> tuple[int, Any]:
        try:
            response = requests.post(f"{base}/submit", headers=headers, timeout=REQUEST_TIMEOUT_S)
        except requests.RequestException:
            return 0, None
        body = response.json() if response.status_code == 200 else None
        return response.status_code, body

    load.mark("fault")
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(submit, i) for i in range(8)]
        drill_stack.kill_children("quiz", count=1)
        outcomes = [f.result() for f in futures]
    load.mark("restored")
    wait_for(lambda: len(set(drill_stack.worker_pids("quiz")) - set(before)) >= 1, 30)
    recovery = load.wait_for_success_after("restored")
    time.sleep(SETTLE_S)
    load.stop()
    statuses = sorted(status for status, _ in outcomes)
    seen = report("quiz-worker-sigkill", load, submits=statuses, recovery_s=round(recovery, 2))
    assert_nothing_lost(load)
    assert set(statuses) <= {200, 502}, seen
    result = requests.get(f"{base}/result", headers=headers, timeout=REQUEST_TIMEOUT_S)
    assert result.status_code == 200, result.text[:300]
    scores = {body["score"] for status, body in outcomes if status == 200}
    assert scores <= {result.json()["score"]}
    with quiz_db(drill_stack) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM quiz_session_scores WHERE session_id = %s", (session["id"],)
        ).fetchone()
        finalised = conn.execute(
            "SELECT status, finalised_by FROM quiz_sessions WHERE id = %s", (session["id"],)
        ).fetchone()
    assert rows is not None and rows[0] == 1
    assert finalised is not None and finalised[0] == "submitted"


def test_content_down_at_start_and_during_an_interview(drill_stack: DrillStack) -> None:
    newcomer = sign_in(drill_stack.base_url)
    load = Load(drill_stack.base_url)
    refused: list[int] = []

    def stop_content() -> None:
        drill_stack.stop("content")
        response = requests.post(
            f"{drill_stack.base_url}/api/quiz/sessions",
            json={"topics": [], "question_count": 3, "time_limit_s": 600, "title": "Drill"},
            headers=newcomer,
            timeout=REQUEST_TIMEOUT_S,
        )
        assert_problem(response, 503)
        refused.append(response.status_code)

    recovery = run_fault(drill_stack, load, stop_content, lambda: drill_stack.start("content"))
    seen = report("content-down", load, start_refused=refused, recovery_s=round(recovery, 2))
    assert_nothing_lost(load)
    # Running interviews carry snapshots of their questions: nothing changes for them.
    assert set(seen["during_fault"]) == {200}, seen
    listed = requests.get(
        f"{drill_stack.base_url}/api/quiz/sessions", headers=newcomer, timeout=REQUEST_TIMEOUT_S
    )
    assert listed.status_code == 200 and listed.json()["items"] == [], listed.text[:300]
    # Once content is back the newcomer starts normally, with exactly one interview.
    start_interview(drill_stack.base_url, newcomer)


def test_auth_down_answering_continues_sign_in_503(drill_stack: DrillStack) -> None:
    load = Load(drill_stack.base_url)
    sign_ins: list[int] = []

    def stop_auth() -> None:
        drill_stack.stop("auth")
        response = requests.post(
            f"{drill_stack.base_url}/api/auth/login",
            json={"email": "nobody@example.com", "password": PASSWORD},
            timeout=REQUEST_TIMEOUT_S,
        )
        assert_problem(response, 503)
        sign_ins.append(response.status_code)
        # A quiz worker that starts now (after a crash, or recycled by max_requests) has never
        # seen a token: it must verify with the keys its master prefetched.
        before = drill_stack.worker_pids("quiz")
        drill_stack.kill_children("quiz", count=1)
        wait_for(lambda: len(set(drill_stack.worker_pids("quiz")) - set(before)) >= 1, 30)

    recovery = run_fault(drill_stack, load, stop_auth, lambda: drill_stack.start("auth"))
    seen = report("auth-down", load, sign_in=sign_ins, recovery_s=round(recovery, 2))
    assert_nothing_lost(load)
    # Tokens are verified with cached keys: candidates keep answering while auth is down (the
    # killed worker's requests in flight are the gateway's 502, nothing else).
    assert set(seen["during_fault"]) <= {200, 502}, seen
    assert set(seen["after_restore"]) == {200}, seen


def test_gateway_sigkill(drill_stack: DrillStack) -> None:
    load = Load(drill_stack.base_url)
    load.start()
    time.sleep(1.0)
    # One gateway worker killed: gunicorn forks a new one.
    before = drill_stack.worker_pids("gateway")
    load.mark("fault")
    drill_stack.kill_children("gateway", count=1)
    wait_for(lambda: len(set(drill_stack.worker_pids("gateway")) - set(before)) >= 1, 30)
    worker_back = time.monotonic() - load.marks["fault"]
    # The whole gateway killed: nginx answers 502 problem+json until it is back.
    drill_stack.kill("gateway")
    time.sleep(FAULT_S)
    load.mark("restored")
    drill_stack.start("gateway")
    load.mark("back")  # gunicorn answers /healthz again
    recovery = load.wait_for_success_after("restored")
    time.sleep(SETTLE_S)
    load.stop()
    seen = report(
        "gateway-sigkill",
        load,
        worker_respawned_s=round(worker_back, 2),
        gateway_boot_s=round(load.marks["back"] - load.marks["restored"], 2),
        recovery_s=round(recovery, 2),
        after_back=dict(sorted(load.statuses("back").items())),
    )
    assert_nothing_lost(load)
    assert 502 in seen["during_fault"], seen
    assert set(seen["during_fault"]) <= {200, 502, 503}, seen


def _short_interviews(stack: DrillStack, count: int) -> list[tuple[dict[str, str], str]]:
    made = []
    for _ in range(count):
        headers = sign_in(stack.base_url)
        limits = requests.get(
            f"{stack.base_url}/api/quiz/limits", headers=headers, timeout=REQUEST_TIMEOUT_S
        ).json()
        body = {
            "topics": [],
            "question_count": 2,
            "time_limit_s": limits["time_limit_s"]["min"],
            "title": "Abandoned",
        }
        response = requests.post(
            f"{stack.base_url}/api/quiz/sessions", json=body, headers=headers, timeout=15
        )
        assert response.status_code == 201, response.text[:300]
        made.append((headers, response.json()["id"]))
    return made


def test_celery_worker_sigkill_while_the_sweep_finalises(drill_stack: DrillStack) -> None:
    drill_stack.kill("worker")
    abandoned = _short_interviews(drill_stack, 6)
    ids = [sid for _, sid in abandoned]
    time.sleep(6)  # every interview is now past its deadline plus grace
    started = time.monotonic()
    drill_stack.start("worker")
    # Kill the worker's pool again as it begins sweeping; the next worker finishes the job.
    drill_stack.kill_children("worker")
    drill_stack.kill("worker")
    drill_stack.start("worker")

    def all_expired() -> bool:
        with quiz_db(drill_stack) as conn:
            rows = conn.execute(
                "SELECT count(*) FROM quiz_sessions WHERE id = ANY(%s) AND status = 'expired'",
                (ids,),
            ).fetchone()
        return rows is not None and rows[0] == len(ids)

    wait_for(all_expired, 60)
    with quiz_db(drill_stack) as conn:
        scores = conn.execute(
            "SELECT session_id, count(*) FROM quiz_session_scores WHERE session_id = ANY(%s) "
            "GROUP BY session_id",
            (ids,),
        ).fetchall()
    print(
        f"\nDRILL celery-worker-sigkill-sweep: overdue={len(ids)}, expired={len(ids)}, "
        f"score_rows={sum(c for _, c in scores)}, "
        f"finalised_within_s={time.monotonic() - started:.1f}"
    )
    assert sorted(c for _, c in scores) == [1] * len(ids)


def test_celery_worker_sigkill_while_it_builds_reports(drill_stack: DrillStack) -> None:
    drill_stack.kill("worker")
    finished = []
    for _ in range(4):
        headers = sign_in(drill_stack.base_url)
        session = start_interview(drill_stack.base_url, headers)
        submitted = requests.post(
            f"{drill_stack.base_url}/api/quiz/sessions/{session['id']}/submit",
            headers=headers,
            timeout=REQUEST_TIMEOUT_S,
        )
        assert submitted.status_code == 200, submitted.text[:300]
        finished.append((headers, session["id"]))
    started = time.monotonic()
    drill_stack.start("worker")
    # Kill the worker's pool as it begins building; the next worker finishes the job.
    drill_stack.kill_children("worker")
    drill_stack.kill("worker")
    drill_stack.start("worker")
    statuses: dict[str, str] = {}

    def all_ready() -> bool:
        for headers, sid in finished:
            response = requests.get(
                f"{drill_stack.base_url}/api/quiz/sessions/{sid}/report",
                headers=headers,
                timeout=REQUEST_TIMEOUT_S,
            )
            assert response.status_code in (200, 202), response.text[:300]
            statuses[sid] = response.json()["status"]
        return all(status == "ready" for status in statuses.values())

    wait_for(all_ready, 90)
    ids = [sid for _, sid in finished]
    with quiz_db(drill_stack) as conn:
        # `builds` counts the writes of a report; a rerun at the same score version writes none.
        builds = conn.execute(
            "SELECT builds FROM quiz_reports WHERE session_id = ANY(%s)", (ids,)
        ).fetchall()
    print(
        f"\nDRILL celery-worker-sigkill-reports: reports={len(finished)}, "
        f"ready_within_s={time.monotonic() - started:.1f}, builds={sorted(b for (b,) in builds)}"
    )
    assert set(statuses.values()) == {"ready"}
    assert sorted(b for (b,) in builds) == [1] * len(ids)


def test_redis_answers_after_the_drills(drill_stack: DrillStack) -> None:
    """The platform is whole again: ready through nginx, Redis holding its data."""
    client = redis.Redis.from_url(drill_stack.redis_url)
    assert client.ping()
    client.close()
    wait_for(
        lambda: requests.get(f"{drill_stack.base_url}/readyz", timeout=5).status_code == 200, 30
    )
