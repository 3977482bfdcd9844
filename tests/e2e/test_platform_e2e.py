"""The whole topology, through nginx only: health, routing, request ids, failure, Celery, edge."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from celery import Celery

from .support.client import assert_problem, get, session_from
from .support.stack import Stack
from .support.waiting import wait_for

pytestmark = pytest.mark.e2e

SERVICES = ("auth", "content", "quiz")


@pytest.mark.parametrize("service", SERVICES)
def test_service_health_answers_through_nginx(stack: Stack, service: str) -> None:
    response = get(stack, f"/api/{service}/healthz")
    assert response.status_code == 200
    assert response.json()["service"] == service


def test_gateway_health_answers_through_nginx(stack: Stack) -> None:
    response = get(stack, "/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_reports_every_service_ready(stack: Stack) -> None:
    response = get(stack, "/readyz")
    assert response.status_code == 200, response.text
    body = json.dumps(response.json())
    for service in SERVICES:
        assert f'"{service}"' in body


@pytest.mark.parametrize("service", SERVICES)
def test_prefix_routes_to_its_service_openapi(stack: Stack, service: str) -> None:
    response = get(stack, f"/api/{service}/openapi.json")
    assert response.status_code == 200
    assert service in response.json()["info"]["title"].lower()


def test_edge_request_id_appears_in_upstream_log(stack: Stack) -> None:
    response = get(stack, "/api/content/healthz")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert wait_for(lambda: request_id in stack.log("content"))
    assert wait_for(lambda: request_id in stack.log("gateway"))


def test_caller_request_id_is_kept_end_to_end(stack: Stack) -> None:
    response = get(stack, "/api/auth/healthz", headers={"X-Request-ID": "e2e-trace-42"})
    assert response.headers["X-Request-ID"] == "e2e-trace-42"
    assert wait_for(lambda: "e2e-trace-42" in stack.log("auth"))


def test_stopped_upstream_is_503_quickly_while_others_answer(stack: Stack) -> None:
    stack.stop("quiz")
    try:
        started = time.monotonic()
        response = get(stack, "/api/quiz/healthz")
        elapsed = time.monotonic() - started
        assert_problem(response, 503)
        assert elapsed < 2.0
        for service in ("auth", "content"):
            assert get(stack, f"/api/{service}/healthz").status_code == 200
        readyz = get(stack, "/readyz")
        assert readyz.status_code == 503
    finally:
        stack.start("quiz")
    assert get(stack, "/api/quiz/healthz").status_code == 200


def test_stopped_gateway_is_502_problem_from_nginx(stack: Stack) -> None:
    stack.stop("gateway")
    try:
        body = assert_problem(get(stack, "/api/content/healthz"), 502)
        assert body["type"].endswith("bad-gateway")
    finally:
        stack.start("gateway")
    assert get(stack, "/api/content/healthz").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/internal/questions/draw"),
        ("POST", "/internal/oauth/token"),
        ("DELETE", "/internal/users/u1/data"),
        ("POST", "/api/content/internal/questions/draw"),
        ("POST", "/api/auth/internal/oauth/token"),
        ("GET", "/api/quiz/internal/users/u1/data"),
    ],
)
def test_internal_routes_are_404_from_outside(stack: Stack, method: str, path: str) -> None:
    response = requests.request(method, f"{stack.base_url}{path}", json={}, timeout=10)
    assert_problem(response, 404)


def test_worker_processes_task_sent_through_redis(stack: Stack) -> None:
    client = Celery(
        "e2e-client",
        broker=stack.redis_url,
        broker_transport_options={"global_keyprefix": stack.redis_prefix},
        broker_connection_retry_on_startup=True,
        task_serializer="json",
    )
    try:
        result = client.send_task("quiz.sweep_overdue_sessions", queue="quiz.sweep")
        marker = f"Task quiz.sweep_overdue_sessions[{result.id}] succeeded"
        assert wait_for(lambda: marker in stack.log("worker"), timeout_s=20), stack.log("worker")[
            -3000:
        ]
    finally:
        client.close()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no-such-page", 404),
        ("GET", "/api/auth/no-such-route", 404),
        ("GET", "/api/content/no-such-route", 404),
        ("GET", "/api/quiz/no-such-route", 404),
        ("DELETE", "/api/auth/healthz", 405),
        ("POST", "/api/content/healthz", 405),
        ("PUT", "/api/quiz/healthz", 405),
    ],
)
def test_unknown_routes_and_wrong_methods_are_problem_json(
    stack: Stack, method: str, path: str, status: int
) -> None:
    response = requests.request(method, f"{stack.base_url}{path}", timeout=10)
    assert_problem(response, status)


def test_malformed_json_is_problem_json_400(stack: Stack) -> None:
    response = requests.post(
        f"{stack.base_url}/api/auth/register",
        data=b'{"email": ',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert_problem(response, 400)


@pytest.mark.parametrize("path", ["/", "/api/content/healthz", "/internal/x", "/api/quiz/nope"])
def test_security_headers_on_every_response(stack: Stack, path: str) -> None:
    headers = get(stack, path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Request-ID"]


@pytest.mark.parametrize("service", SERVICES)
def test_api_docs_page_gets_a_csp_its_inline_script_runs_under(stack: Stack, service: str) -> None:
    response = get(stack, f"/api/{service}/docs")
    assert response.status_code == 200
    assert "<script>" in response.text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "frame-ancestors 'none'" in csp


def test_json_responses_are_gzipped(stack: Stack) -> None:
    response = get(stack, "/api/content/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_login_flood_gets_429_problem_from_the_edge(stack: Stack) -> None:
    # From another loopback address, so this flood uses up neither nginx's nor the auth
    # service's per-address budget for the 127.0.0.1 client the other tests use.
    flooder = session_from("127.0.0.9")

    def attempt(_: int) -> requests.Response:
        return flooder.post(
            f"{stack.base_url}/api/auth/login",
            json={"email": "nobody@example.com", "password": "wrong-password"},
            timeout=10,
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(attempt, range(80)))
    flooder.close()
    limited = [r for r in responses if r.status_code == 429]
    edge_limited = [r for r in limited if "from this address" in r.json().get("detail", "")]
    assert edge_limited, [r.status_code for r in responses]
    body = assert_problem(edge_limited[0], 429)
    assert edge_limited[0].headers["Retry-After"]
    assert wait_for(lambda: f'"request_id":"{body["request_id"]}"' in stack.log("nginx"))
    assert body["request_id"] not in stack.log("auth")
    # Other clients are not affected.
    assert get(stack, "/api/auth/healthz").status_code == 200
