"""Benchmark: a burst of reports (not a test; prints figures).

Creates a throw-away PostgreSQL database, fills it with `--sessions` running interviews (ten
questions over three topics, answered) spread over `--users` candidates, starts a stand-in for
the content and auth services and a real `celery worker` with the default settings (prefork, one
process per CPU), waits until it answers a ping, finalises every session at once from a thread
pool, then waits until every report is `ready` and prints p50/p95/max of finalising → ready
(`built_at - requested_at`, both stamped by the database rows), the worker's CPU time per build
(its main and pool processes, read from /proc: robust to other load on the machine), and the
time of the first PDF download (the quiz app in process, WeasyPrint already imported, as in a
gunicorn worker). Stops what it started and drops the database.

    .venv/bin/python bench/report_burst.py --sessions 200

With `--in-process` there is no worker: every session is finalised (its build request stays
pending, nothing is sent), then every report but the first (which warms the caches) is built in
this process, `--rounds` times over, and the CPU time per build (`time.process_time()`: robust
to other load) is printed per round, split into its parts, with the SQL statements per build.

    .venv/bin/python bench/report_burst.py --sessions 200 --in-process
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import redis
import sqlalchemy as sa
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.stack import (  # noqa: E402
    Memory,
    live_pids,
    proc_stat,
    process_cpu_seconds,
    process_memory,
)
from services.common.testing import TokenMinter  # noqa: E402
from services.quiz import create_app, report_queue  # noqa: E402
from services.quiz.extensions import db  # noqa: E402
from services.quiz.finalising import finalise_session  # noqa: E402
from services.quiz.models import QuizSession, SessionQuestion  # noqa: E402
from services.quiz.reports import jobs, rendering  # noqa: E402
from services.quiz.reports.models import Report  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
TOPICS = ("routing", "deployment", "testing")
TYPES = ("single", "true_false", "short", "explain", "single")


def stand_in() -> Flask:
    """Content's study list and hold release, and auth's token endpoint."""
    app = Flask("bench_upstreams")

    @app.post("/internal/oauth/token")
    def token():  # type: ignore[no-untyped-def]
        return jsonify(access_token="bench", token_type="Bearer", expires_in=3600)

    @app.post("/internal/holds/release")
    def release():  # type: ignore[no-untyped-def]
        return jsonify(released=0)

    @app.get("/api/content/questions")
    def study():  # type: ignore[no-untyped-def]
        topic = request.args.get("topic", "x")
        items = [
            {"id": f"{topic}-{n}", "topic": topic, "type": "single", "prompt": f"Study {n}?"}
            for n in range(8)
        ]
        return jsonify(items=items, page=1, per_page=20, total=len(items))

    return app


def question(position: int, topic: str, kind: str, right: bool) -> SessionQuestion:
    """A snapshotted question with an answer."""
    key: dict[str, Any] = {
        "single": {"correct": ["a"], "why": {}},
        "true_false": {"correct": True},
        "short": {"accepted": ["url_for"], "patterns": []},
        "explain": {
            "rubric": [
                {"point": "small core", "keywords": ["small core"]},
                {"point": "extensions", "keywords": ["extension"]},
            ]
        },
    }[kind]
    answer: Any = {
        "single": "a" if right else "b",
        "true_false": right,
        "short": "url_for" if right else "nope",
        "explain": "a small core and extensions" if right else "no idea",
    }[kind]
    options = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}] if kind == "single" else []
    return SessionQuestion(
        position=position,
        question_id=f"{topic}-{kind}-{position}",
        question_key=f"{topic}-{kind}-{position}",
        question_version=1,
        topic=topic,
        type=kind,
        difficulty="mid",
        prompt=f"Question {position} on {topic}?",
        options=options,
        answer_key=key,
        answer=answer,
    )


def seed(app: Flask, sessions: int, users: int) -> list[str]:
    """`sessions` active interviews, answered, over `users` candidates; their ids."""
    now = dt.datetime.now(dt.UTC)
    ids = []
    with app.app_context():
        for n in range(sessions):
            started = now - dt.timedelta(minutes=20)
            session = QuizSession(
                user_sub=f"bench-{n % users}",
                title="Flask in production",
                topics=list(TOPICS),
                difficulty="mid",
                question_count=10,
                time_limit_s=1800,
                started_at=started,
                deadline=started + dt.timedelta(seconds=1800),
            )
            session.questions = [
                question(p + 1, TOPICS[p % 3], TYPES[p % 5], right=(p + n) % 3 != 0)
                for p in range(10)
            ]
            for q in session.questions:
                q.saved_at = started + dt.timedelta(seconds=60 * q.position)
            db.session.add(session)
            db.session.flush()
            ids.append(session.id)
        db.session.commit()
    return ids


def wait_until_ready(app: Flask, worker: subprocess.Popen[bytes], timeout_s: float = 120) -> float:
    """Seconds until the worker answers a ping (its pool is up and it consumes): the burst
    measures builds by a running worker, not its start-up."""
    celery = app.extensions["celery"]
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with {worker.returncode}")
        if celery.control.ping(timeout=0.5):
            return time.monotonic() - started
    raise SystemExit(f"the worker did not answer a ping within {timeout_s:.0f} s")


def pool_pids(pid: int) -> list[int]:
    """The live pool processes of the worker whose main process is `pid` (its children)."""
    children = []
    for candidate in live_pids():
        try:
            if proc_stat(candidate)[1][1] == str(pid):
                children.append(int(candidate))
        except (OSError, IndexError):
            continue  # exited meanwhile
    return sorted(children)


def worker_cpu_s(pid: int) -> tuple[float, float] | None:
    """CPU seconds (user + system) used so far by the worker's main process `pid` and by its
    live pool processes, or None without /proc."""
    if not Path("/proc", str(pid), "stat").exists():
        return None
    return process_cpu_seconds(pid), sum(process_cpu_seconds(child) for child in pool_pids(pid))


def worker_memory(pid: int) -> list[tuple[str, Memory]]:
    """RSS, PSS and private memory of the worker's main process and of each pool process."""
    named = [("main", pid)] + [(f"pool {n}", child) for n, child in enumerate(pool_pids(pid), 1)]
    found = [(name, process_memory(each)) for name, each in named]
    return [(name, memory) for name, memory in found if memory is not None]


FRAGMENT, CHART = "page fragment (Jinja)", "progress chart (pygal, flattened)"


def build_in_process(app: Flask, ids: list[str], rounds: int) -> None:
    """Finalise every session without sending its build, then build the reports in this
    process `rounds` times and print the CPU time per build and its split."""
    spent: dict[str, float] = {}

    def timed(module: Any, name: str, part: str) -> None:
        function = getattr(module, name, None)
        if function is None:
            return  # not in this version of the code

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            begun = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] = spent.get(part, 0.0) + time.process_time() - begun

        setattr(module, name, wrapper)

    report_queue.send_builds = lambda session_ids: 0  # requests stay pending, unsent
    with app.app_context():
        for session_id in ids:
            finalise_session(session_id, "submitted", dt.datetime.now(dt.UTC), "candidate")
        statements = [0]

        def count(*_: Any) -> None:
            statements[0] += 1

        sa.event.listen(db.engine, "before_cursor_execute", count)
        timed(jobs, "load_session", "loading the session")
        timed(jobs.store, "build_state", "loading the report row")
        timed(jobs, "build_report_data", "report data (history, study plan)")
        timed(jobs, "render_fragment", FRAGMENT)
        timed(rendering, "progress_chart", CHART)
        timed(jobs.store, "save_build", "storing the build")
        jobs.build_report(ids[0])  # first build: compiles the chart's stylesheet, fills caches
        built = ids[1:]
        print(f"in process: {len(built)} builds per round, {len(ids)} sessions")
        for round_ in range(1, rounds + 1):
            db.session.execute(
                sa.update(Report)
                .where(Report.session_id.in_(built))
                .values(status="pending", built_version=None, data=None, html=None)
            )
            db.session.commit()
            spent.clear()
            statements[0] = 0
            begun = time.process_time()
            outcomes = {jobs.build_report(session_id) for session_id in built}
            cpu_ms = (time.process_time() - begun) * 1000 / len(built)
            print(
                f"round {round_}: {cpu_ms:.1f} ms CPU per build ({', '.join(sorted(outcomes))}), "
                f"{statements[0] / len(built):.1f} SQL statements per build"
            )
            # The chart is drawn inside the fragment's rendering: show the two apart.
            spent[FRAGMENT] -= spent.get(CHART, 0.0)
            for part, seconds in spent.items():
                print(f"  {part:40} {seconds * 1000 / len(built):5.1f} ms")
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--in-process", action="store_true", help="build in this process")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --in-process builds")
    args = parser.parse_args()

    name = f"bench_reports_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    database_url = f"{database_url}/{name}"
    server = make_server("127.0.0.1", 0, stand_in(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    upstream = f"http://127.0.0.1:{server.server_port}"
    prefix = f"bench-reports:{uuid.uuid4().hex[:8]}:"
    minter = TokenMinter()
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        **minter.app_config(),
        "QUIZ_CONTENT_URL": upstream,
        "QUIZ_AUTH_URL": upstream,
        "QUIZ_CLIENT_SECRET": "bench",
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "LOG_LEVEL": "WARNING",
    }
    app = create_app(config)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the stand-in's request lines
    worker = None
    var_dir = tempfile.mkdtemp(prefix="bench-reports-")
    try:
        with app.app_context():
            db.create_all()
        ids = seed(app, args.sessions, args.users)
        if args.in_process:
            build_in_process(app, ids, args.rounds)
            return
        env = {
            **os.environ,
            "QUIZ_DATABASE_URL": database_url,
            "QUIZ_CONTENT_URL": upstream,
            "QUIZ_AUTH_URL": upstream,
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": prefix,
            "VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
        }
        env.pop("QUIZ_CLIENT_SECRET", None)
        env.pop("CELERY_WORKER_CONCURRENCY", None)
        log = Path(var_dir) / "worker.log"
        with log.open("w") as handle:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "services.quiz.worker:celery", "worker"],
                cwd=REPO,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        boot_s = wait_until_ready(app, worker)
        load_before = os.getloadavg()
        worker_cpu_before = worker_cpu_s(worker.pid)

        def finalise(session_id: str) -> None:
            with app.app_context():
                finalise_session(session_id, "submitted", dt.datetime.now(dt.UTC), "candidate")

        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(finalise, ids))
        finalise_s = time.monotonic() - started
        with app.app_context():
            while time.monotonic() - started < args.timeout:
                ready = db.session.scalar(
                    sa.select(sa.func.count()).where(Report.status == "ready")
                )
                db.session.rollback()
                if ready == len(ids):
                    break
                time.sleep(0.5)
            rows = db.session.execute(sa.select(Report.requested_at, Report.built_at)).all()
            owners = [db.session.get(QuizSession, i).user_sub for i in ids[:2]]  # type: ignore[union-attr]
        all_ready_s = time.monotonic() - started
        load_after = os.getloadavg()
        worker_cpu_after = worker_cpu_s(worker.pid)
        memory_after = worker_memory(worker.pid)
        latencies = [(b - r).total_seconds() for r, b in rows if b is not None]
        client = app.test_client()

        def download(n: int) -> tuple[float, Any]:
            headers = minter.headers(sub=owners[n], roles=["candidate"])
            begun = time.monotonic()
            response = client.get(f"/api/quiz/sessions/{ids[n]}/report.pdf", headers=headers)
            return time.monotonic() - begun, response

        # A fresh process: WeasyPrint is imported by this first download.
        cold_pdf_s, response = download(0)
        stored_pdf_s, _ = download(0)
        # Another report's first PDF in a process that has the renderer loaded (what a download
        # after reading the report page gets: the read starts the import in the background).
        first_pdf_s, _ = download(1)

        print(f"worker started (answered a ping) in {boot_s:.1f} s, before the burst")
        print(f"sessions finalised at once: {len(ids)} ({args.users} candidates)")
        print(f"finalising all (16 threads): {finalise_s:.2f} s")
        print(f"reports ready: {len(latencies)}/{len(ids)}; all ready after {all_ready_s:.1f} s")
        if latencies:
            print(
                "finalise -> ready: "
                f"p50 {statistics.median(latencies):.2f} s, "
                f"p95 {percentile(latencies, 95):.2f} s, max {max(latencies):.2f} s"
            )
        if worker_cpu_before is not None and worker_cpu_after is not None and latencies:
            main_s, pool_s = (
                b - a for a, b in zip(worker_cpu_before, worker_cpu_after, strict=True)
            )
            print(
                f"worker CPU per build: {(main_s + pool_s) * 1000 / len(latencies):.1f} ms "
                f"(pool processes {pool_s * 1000 / len(latencies):.1f} ms, "
                f"main process {main_s * 1000 / len(latencies):.1f} ms)"
            )
        for name, memory in memory_after:
            print(
                f"worker {name} after the burst: RSS {memory.rss_kb / 1024:.1f} MiB, "
                f"PSS {memory.pss_kb / 1024:.1f} MiB, private {memory.private_kb / 1024:.1f} MiB"
            )
        if memory_after:
            print(
                "worker in all: PSS "
                f"{sum(m.pss_kb for _, m in memory_after) / 1024:.1f} MiB, private "
                f"{sum(m.private_kb for _, m in memory_after) / 1024:.1f} MiB"
            )
        print(
            f"first PDF of a report: {first_pdf_s:.2f} s with the renderer loaded, "
            f"{cold_pdf_s:.2f} s in a cold process (HTTP {response.status_code}, "
            f"{len(response.data)} bytes); stored PDF: {stored_pdf_s * 1000:.0f} ms"
        )
        print(
            f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
            f"on {os.cpu_count()} CPUs"
        )
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.shutdown()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client_redis = redis.Redis.from_url(REDIS_URL)
        keys = list(client_redis.scan_iter(f"{prefix}*"))
        if keys:
            client_redis.delete(*keys)


if __name__ == "__main__":
    main()
