"""The gateway's `/readyz`: each upstream's `/readyz`, asked in parallel, reported per service.

The answer is public, so each service is only `ready` or `not ready`; why one is not (refused,
timed out, its failing check) goes to the gateway's log with the request id, and the service's
own log holds its detail under the same id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, wait

import requests

from services.common.health import NOT_READY, READY

from .upstreams import Upstream, is_connect_failure

log = logging.getLogger(__name__)


def check_upstream(upstream: Upstream, read_timeout: float, request_id: str) -> str:
    """Ask one upstream whether it is ready: `ready` or `not ready` (never raises)."""
    try:
        reply = upstream.session.get(
            f"{upstream.base_url}/readyz",
            headers={"Accept": "application/json", "X-Request-ID": request_id},
            timeout=(upstream.timeout[0], read_timeout),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        _log_not_ready(upstream, request_id, _failure_kind(exc), f"{type(exc).__name__}: {exc}")
        return NOT_READY
    reply.close()
    if reply.status_code != 200:
        _log_not_ready(upstream, request_id, "unavailable", f"HTTP {reply.status_code}")
        return NOT_READY
    return READY


def _failure_kind(exc: requests.RequestException) -> str:
    if is_connect_failure(exc):
        return "unreachable"
    return "timeout" if isinstance(exc, requests.Timeout) else "error"


def _log_not_ready(upstream: Upstream, request_id: str, kind: str, reason: str) -> None:
    log.warning(
        "upstream %s not ready (%s): %s",
        upstream.name,
        kind,
        reason[:300],
        extra={"upstream": upstream.name, "reason": kind, "request_id": request_id},
    )


def aggregate_readiness(
    upstreams: Mapping[str, Upstream], read_timeout: float, request_id: str
) -> tuple[bool, dict[str, str]]:
    """Check every upstream at once; a straggler past the budget is `not ready`."""
    pool = ThreadPoolExecutor(max_workers=max(len(upstreams), 1), thread_name_prefix="readyz")
    try:
        futures = {
            name: pool.submit(check_upstream, upstream, read_timeout, request_id)
            for name, upstream in upstreams.items()
        }
        connect = max((u.timeout[0] for u in upstreams.values()), default=0.0)
        wait(futures.values(), timeout=connect + read_timeout + 0.5)
        results: dict[str, str] = {}
        for name, future in futures.items():
            if future.done():
                results[name] = future.result()
            else:
                _log_not_ready(upstreams[name], request_id, "timeout", "no answer within budget")
                results[name] = NOT_READY
    finally:
        # Stragglers end on their own socket timeouts; the response does not wait for them.
        pool.shutdown(wait=False, cancel_futures=True)
    ready = all(status == READY for status in results.values())
    return ready, results
