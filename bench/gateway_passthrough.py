"""Benchmark: the cost of the gateway hop (not a test; prints figures).

Starts a tiny upstream (gthread) and the gateway (its own worker class, gevent) under gunicorn
with `infra/gunicorn.conf.py` on free local ports, drives the same small GET directly and
through the gateway with a bounded thread pool for a bounded time, prints requests/s and
latency percentiles, and stops what it started.

    .venv/bin/python bench/gateway_passthrough.py --requests 3000 --concurrency 16
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests
from flask import Flask, jsonify

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: the project's packages live at the root
    sys.path.insert(0, str(REPO))

from infra.devstack.net import free_ports  # noqa: E402
from infra.devstack.processes import WORKER_CLASSES  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PATH = "/api/content/ping"


def upstream_app() -> Flask:
    """The stand-in upstream: a small JSON answer, like a cheap read endpoint."""
    app = Flask("bench_upstream")

    @app.get(PATH)
    def ping():  # type: ignore[no-untyped-def]
        return jsonify(status="ok", items=list(range(10)))

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify(status="ok")

    return app


@contextmanager
def gunicorn(
    app_spec: str,
    port: int,
    env: dict[str, str],
    workers: int,
    threads: int,
    worker_class: str | None = None,
) -> Iterator[str]:
    """Run `app_spec` under gunicorn on `port` until the block ends; yields its base URL."""
    full_env = {
        **os.environ,
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "infra/gunicorn.conf.py"),
            *(("--worker-class", worker_class) if worker_class else ()),
            "--chdir",
            str(REPO),
            app_spec,
        ],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        # gunicorn's master is the leader of the session we created for it: stop it and its
        # workers, and nothing else.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    """Poll `/healthz` until it answers 200, or fail (the gateway's `/readyz` would also need
    the auth and quiz services, which this benchmark does not start)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn for {url} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not become ready within {timeout_s} s")


def drive(url: str, total: int, concurrency: int, duration_s: float) -> dict[str, float]:
    """Send up to `total` GETs with `concurrency` threads for at most `duration_s` seconds."""
    local = threading.local()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration_s

    def one(_: int) -> None:
        nonlocal errors
        if time.perf_counter() > stop_at:
            return
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.trust_env = False
        started = time.perf_counter()
        try:
            ok = session.get(url + PATH, timeout=10).status_code == 200
        except requests.RequestException:
            ok = False
        took = time.perf_counter() - started
        with lock:
            if ok:
                latencies.append(took)
            else:
                errors += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(total)))
    wall = time.perf_counter() - started
    return summarise(latencies, errors, wall)


def summarise(latencies: list[float], errors: int, wall: float) -> dict[str, float]:
    """Requests/s and latency percentiles in milliseconds."""
    if not latencies:
        return {"ok": 0, "errors": errors, "rps": 0.0, "p50": 0.0, "p90": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "ok": len(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
        "p50": cuts[49] * 1000,
        "p90": cuts[89] * 1000,
        "p99": cuts[98] * 1000,
    }


def main() -> None:
    """Parse arguments, run both measurements, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per phase")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument("--duration", type=float, default=30.0, help="max seconds per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per process")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument(
        "--log-level", default="INFO", help="gateway LOG_LEVEL (INFO writes its access lines)"
    )
    args = parser.parse_args()

    upstream_port, gateway_port = free_ports(2)
    sizing = (args.workers, args.threads)
    with gunicorn("bench.gateway_passthrough:upstream_app()", upstream_port, {}, *sizing) as up:
        env = {"GATEWAY_CONTENT_URL": up, "LOG_LEVEL": args.log_level, "APP_ENV": "development"}
        gateway_class = WORKER_CLASSES.get("gateway")
        with gunicorn(
            "services.gateway.wsgi:app", gateway_port, env, *sizing, gateway_class
        ) as gateway:
            drive(up, min(200, args.requests), args.concurrency, 5)  # warm both pools
            drive(gateway, min(200, args.requests), args.concurrency, 5)
            results = {
                "direct": drive(up, args.requests, args.concurrency, args.duration),
                "gateway": drive(gateway, args.requests, args.concurrency, args.duration),
            }

    print(
        f"GET {PATH}: {args.requests} requests, {args.concurrency} client threads, "
        f"gunicorn {args.workers} workers per process (upstream gthread x{args.threads}, "
        f"gateway {WORKER_CLASSES.get('gateway', 'gthread')})"
    )
    print(
        f"{'path':<8} {'ok':>6} {'err':>5} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:<8} {r['ok']:>6.0f} {r['errors']:>5.0f} {r['rps']:>9.1f} "
            f"{r['p50']:>8.2f} {r['p90']:>8.2f} {r['p99']:>8.2f}"
        )
    direct, through = results["direct"], results["gateway"]
    if direct["rps"] and through["rps"]:
        hop_ms = through["p50"] - direct["p50"]
        print(
            f"gateway hop: {hop_ms:+.2f} ms at p50, {through['rps'] / direct['rps']:.0%} of "
            "direct throughput"
        )


if __name__ == "__main__":
    main()
