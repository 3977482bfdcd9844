"""The gateway's `/readyz`: each upstream's `/readyz`, asked in parallel, reported per service."""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

import requests

from .upstreams import Upstream, is_connect_failure

READY = "ready"


def check_upstream(upstream: Upstream, read_timeout: float, request_id: str) -> dict[str, Any]:
    """Ask one upstream whether it is ready; never raises, always returns a detail mapping."""
    started = time.perf_counter()
    detail: dict[str, Any]
    try:
        reply = upstream.session.get(
            f"{upstream.base_url}/readyz",
            headers={"Accept": "application/json", "X-Request-ID": request_id},
            timeout=(upstream.timeout[0], read_timeout),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        if is_connect_failure(exc):
            status = "unreachable"
        elif isinstance(exc, requests.Timeout):
            status = "timeout"
        else:
            status = "error"
        detail = {"status": status, "error": f"{type(exc).__name__}: {exc}"[:300]}
    else:
        detail = _detail_from_reply(reply)
    detail["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return detail


def _detail_from_reply(reply: requests.Response) -> dict[str, Any]:
    try:
        body = reply.json()
    except ValueError:
        body = {"body": reply.text[:300]}
    if not isinstance(body, dict):
        body = {"body": body}
    if reply.status_code == 200:
        return {**body, "status": READY}
    # The upstream's own verdict (e.g. its 503 body naming the failed check) stays visible.
    return {**body, "status": body.get("status") or "unavailable", "http_status": reply.status_code}


def aggregate_readiness(
    upstreams: Mapping[str, Upstream], read_timeout: float, request_id: str
) -> tuple[bool, dict[str, Any]]:
    """Check every upstream at once; a straggler past the budget is reported as a timeout."""
    pool = ThreadPoolExecutor(max_workers=max(len(upstreams), 1), thread_name_prefix="readyz")
    try:
        futures = {
            name: pool.submit(check_upstream, upstream, read_timeout, request_id)
            for name, upstream in upstreams.items()
        }
        connect = max((u.timeout[0] for u in upstreams.values()), default=0.0)
        wait(futures.values(), timeout=connect + read_timeout + 0.5)
        results = {
            name: future.result()
            if future.done()
            else {"status": "timeout", "error": "no answer within the readiness budget"}
            for name, future in futures.items()
        }
    finally:
        # Stragglers end on their own socket timeouts; the response does not wait for them.
        pool.shutdown(wait=False, cancel_futures=True)
    ready = all(detail.get("status") == READY for detail in results.values())
    return ready, results
