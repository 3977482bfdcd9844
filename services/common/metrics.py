"""`/metrics` in Prometheus text format on every service's own port.

What is counted:

- every request, by service, method, route (the URL rule, never the raw path) and status:
  `http_requests_total` and the `http_request_duration_seconds` histogram;
- Celery tasks run by the worker, by task and outcome (`celery_tasks_total`) with their run time
  (`celery_task_duration_seconds`, count and sum): the worker adds them up in Redis, so every
  worker process (and every worker host) is counted and a restarted worker loses nothing;
- for an app with a Celery app: the depth of each of its queues (`celery_queue_depth`);
- gauges a service adds with `add_gauge` (the quiz service: active sessions).

gunicorn runs several worker processes; prometheus_client's multiprocess mode adds their figures
up when `PROMETHEUS_MULTIPROC_DIR` is set, which `infra/gunicorn.conf.py` does (a fresh directory
per gunicorn master). Without it (tests, `flask run`) the process's own registry is served.

`/metrics` is for the operator's scraper on the service's port only: a request that came through
a proxy (it carries `X-Forwarded-For`, which nginx always sets) gets a 404; the gateway routes
only `/api/<svc>/...` to the services, so theirs are out of reach anyway.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from .errors import NotFound

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_PATH = "/metrics"
UNMATCHED_ROUTE = "<unmatched>"
# Redis hash holding the worker's task counts (under the platform's key prefix).
TASK_STATS_KEY = "metrics:celery-tasks"
# kombu's Redis transport keeps priority sub-queues next to each queue's list.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests served, by route and status.",
    ("service", "method", "route", "status"),
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to serve an HTTP request, by route.",
    ("service", "method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

Gauge = Callable[[], float]


def add_gauge(app: Flask, name: str, documentation: str, read: Gauge) -> None:
    """Serve `name` on `/metrics`, read by calling `read()` at scrape time."""
    app.extensions.setdefault("metrics_gauges", {})[name] = (documentation, read)


def init_metrics(app: Flask, service: str) -> None:
    """Count every request of `app` and serve `/metrics`."""

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.get("metrics_started")
        rule = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
        REQUESTS.labels(service, request.method, rule, str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(service, request.method, rule).observe(time.perf_counter() - started)
        return response

    @app.get(METRICS_PATH)
    def metrics() -> Response:
        """Prometheus text format; only for direct scrapes (404 through a proxy)."""
        if request.headers.get("X-Forwarded-For"):
            raise NotFound("No such resource.")
        body = generate_latest(_process_registry())
        body += generate_latest(_scrape_time_registry(app))
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    connect_celery_signals()


def _process_registry() -> CollectorRegistry:
    if not os.environ.get(MULTIPROC_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def _scrape_time_registry(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ScrapeTimeCollector(app))
    return registry


class _ScrapeTimeCollector:
    """Figures read when scraped: task counts and queue depths in Redis, the app's gauges."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        celery = self.app.extensions.get("celery")
        if celery is not None:
            yield from _celery_families(self.app, celery)
        for name, (documentation, read) in self.app.extensions.get("metrics_gauges", {}).items():
            try:
                with self.app.app_context():
                    value = float(read())
            except Exception as exc:  # a failed gauge is left out, the scrape still answers
                log.warning("metrics gauge %s failed: %s", name, exc, extra={"gauge": name})
                continue
            yield GaugeMetricFamily(name, documentation, value=value)


def _redis_client(app: Flask, url: str | None = None) -> redis.Redis:
    client = app.extensions.get("metrics_redis")
    if client is None:
        client = redis.Redis.from_url(
            url or app.config["REDIS_URL"], socket_timeout=1, socket_connect_timeout=1
        )
        app.extensions["metrics_redis"] = client
    return client


def _celery_families(app: Flask, celery: Any) -> Iterator[Any]:
    prefix = str(celery.conf.broker_transport_options.get("global_keyprefix", ""))
    client: Any = _redis_client(app, celery.conf.broker_url)
    try:
        depths = {
            queue.name: sum(
                int(client.llen(f"{prefix}{queue.name}{p}")) for p in _PRIORITY_SUFFIXES
            )
            for queue in celery.conf.task_queues or ()
        }
        stats: dict[bytes, bytes] = client.hgetall(f"{prefix}{TASK_STATS_KEY}")
    except redis.RedisError as exc:
        log.warning("metrics: Redis unavailable: %s", exc)
        return
    depth = GaugeMetricFamily("celery_queue_depth", "Tasks waiting in a queue.", labels=["queue"])
    for name, value in sorted(depths.items()):
        depth.add_metric([name], value)
    yield depth
    totals = CounterMetricFamily(
        "celery_tasks", "Celery tasks finished, by task and outcome.", labels=["task", "state"]
    )
    durations = SummaryMetricFamily(
        "celery_task_duration_seconds", "Run time of Celery tasks.", labels=["task"]
    )
    counted: dict[str, tuple[int, float]] = {}
    for raw_field, raw_value in sorted(stats.items()):
        task, _, kind = raw_field.decode().rpartition("|")
        if kind == "duration_sum":
            count, _ = counted.get(task, (0, 0.0))
            counted[task] = (count, float(raw_value))
        elif kind == "duration_count":
            _, total = counted.get(task, (0, 0.0))
            counted[task] = (int(raw_value), total)
        else:
            totals.add_metric([task, kind], float(raw_value))
    for task, (count, total) in sorted(counted.items()):
        durations.add_metric([task], count_value=count, sum_value=total)
    yield totals
    yield durations


# -- Celery task counts (worker side) -----------------------------------------------------------

_task_started: dict[str, float] = {}
_task_clients: dict[str, redis.Redis] = {}


def connect_celery_signals() -> None:
    """Count every task this process runs into its broker's Redis (once per process)."""
    if getattr(connect_celery_signals, "connected", False):
        return
    from celery import signals

    def started(task_id: str | None = None, **_: Any) -> None:
        if task_id:
            _task_started[task_id] = time.perf_counter()

    def finished(task_id: str | None = None, task: Any = None, state: str | None = None,
                 **_: Any) -> None:  # fmt: skip
        began = _task_started.pop(task_id or "", None)
        if task is None or getattr(task.request, "is_eager", False):
            return  # eager (tests): no worker, nothing to count
        _record_task(task, (state or "UNKNOWN").lower(), began)

    signals.task_prerun.connect(started, weak=False)
    signals.task_postrun.connect(finished, weak=False)
    connect_celery_signals.connected = True  # type: ignore[attr-defined]


def _record_task(task: Any, state: str, began: float | None) -> None:
    conf = task.app.conf
    prefix = str((conf.broker_transport_options or {}).get("global_keyprefix", ""))
    key = f"{prefix}{TASK_STATS_KEY}"
    url = str(conf.broker_url)
    try:
        client = _task_clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            _task_clients[url] = client
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(key, f"{task.name}|{state}", 1)
        if began is not None:
            pipe.hincrbyfloat(key, f"{task.name}|duration_sum", time.perf_counter() - began)
            pipe.hincrby(key, f"{task.name}|duration_count", 1)
        pipe.execute()
    except redis.RedisError as exc:  # counting must never fail a task
        log.warning("metrics: could not count task %s: %s", task.name, exc)
