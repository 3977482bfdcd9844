"""`/metrics` under gunicorn with two workers: both counted, never reachable through nginx."""

from __future__ import annotations

import glob
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.support.client import assert_problem
from tests.e2e.support.drill_stack import DrillStack

from .load import wait_for

pytestmark = [pytest.mark.drills, pytest.mark.timeout(240)]

REQUESTS_SENT = 60


def scrape(stack: DrillStack, service: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """One fresh-connection scrape of `service`'s own port: {(sample, labels): value}."""
    port = stack.topology.ports[service]
    response = requests.get(
        f"http://127.0.0.1:{port}/metrics", headers={"Connection": "close"}, timeout=10
    )
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def healthz_count(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
    labels = (("method", "GET"), ("route", "/healthz"), ("service", "quiz"), ("status", "200"))
    return samples.get(("http_requests_total", labels), 0.0)


def test_metrics_add_up_both_gunicorn_workers(drill_stack: DrillStack) -> None:
    workers = drill_stack.worker_pids("quiz")
    assert len(workers) == 2, workers
    before = healthz_count(scrape(drill_stack, "quiz"))
    url = f"http://127.0.0.1:{drill_stack.topology.ports['quiz']}/healthz"

    def hit(_: int) -> int:
        return requests.get(url, headers={"Connection": "close"}, timeout=10).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(hit, range(REQUESTS_SENT))) == {200}
    # Each worker wrote its own figures (prometheus_client's per-process files)...
    for pid in workers:
        assert glob.glob(f"/dev/shm/fi-metrics-*/counter_{pid}.db") or glob.glob(
            f"/tmp/fi-metrics-*/counter_{pid}.db"
        ), f"worker {pid} counted nothing"
    # ... and whichever worker answers the scrape reports the sum of both.
    for _ in range(4):
        assert healthz_count(scrape(drill_stack, "quiz")) - before == REQUESTS_SENT


def test_metrics_carry_tasks_queues_and_active_sessions(drill_stack: DrillStack) -> None:
    def swept() -> bool:
        samples = scrape(drill_stack, "quiz")
        labels = (("state", "success"), ("task", "quiz.sweep_overdue_sessions"))
        return samples.get(("celery_tasks_total", labels), 0.0) > 0

    wait_for(swept, 30)
    samples = scrape(drill_stack, "quiz")
    names = {name for name, _ in samples}
    assert {"celery_queue_depth", "quiz_active_sessions"} <= names, sorted(names)
    assert {"celery_task_duration_seconds_count", "celery_task_duration_seconds_sum"} <= names
    assert "http_request_duration_seconds_bucket" in names
    for service in ("gateway", "auth", "content"):
        assert any(name == "http_requests_total" for name, _ in scrape(drill_stack, service))


@pytest.mark.parametrize("path", ["/metrics", "/api/quiz/metrics", "/api/auth/metrics"])
def test_metrics_are_not_reachable_through_nginx(drill_stack: DrillStack, path: str) -> None:
    response = requests.get(f"{drill_stack.base_url}{path}", timeout=10)
    assert_problem(response, 404)
    assert "http_requests_total" not in response.text
