"""Gunicorn settings shared by every web service (`gunicorn -c infra/gunicorn.conf.py ...`).

gthread workers keep upstream connections alive (a `sync` worker closes each one, which would
make the gateway's connection pools useless); values come from the environment so compose,
`make run` and the end-to-end tests tune them without editing this file.
"""

from __future__ import annotations

import os
import shutil
import tempfile


def _is_set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())


def _int(name: str, default: int) -> int:
    return int(os.environ[name]) if _is_set(name) else default


bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 4)
# The gateway's read timeout (GATEWAY_READ_TIMEOUT, 25 s) stays below this; nginx waits timeout + 5.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# The heartbeat file lives in memory: a slow disk (or a container's overlayfs) must not look
# like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Recycle workers now and then so a slow leak never grows unbounded; jitter avoids all workers
# restarting at once. Not too often: a recycled worker imports the app again (a second or more),
# and the requests it held wait for that. With one worker nothing else answers meanwhile: at the
# load bench's 800 saves/s the lone quiz worker passed 50,000 requests every minute and each
# recycle was a 1.8 s save (docs/performance.md), so a lone worker is not recycled unless
# GUNICORN_MAX_REQUESTS says so. Memory stays flat well beyond 50,000 requests.
max_requests = _int("GUNICORN_MAX_REQUESTS", 50000)
if workers == 1 and not _is_set("GUNICORN_MAX_REQUESTS"):
    max_requests = 0
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)
# As long a request line as nginx accepts (its 8k header buffers): longer ones get nginx's
# problem+json 414, shorter ones reach the app (its 422s), never gunicorn's HTML 414.
limit_request_line = 8190
# The apps write one JSON line per request themselves (with the request id).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Headers from nginx/the gateway are trusted by ProxyFix in the app, not by gunicorn.
forwarded_allow_ips = "127.0.0.1"
# gunicorn 23+ opens a control socket at one fixed path per user; several gunicorns on one host
# (four services, test stacks) would fight over it, and nothing here uses it.
control_socket_disable = True

# Prometheus multiprocess mode (services/common/metrics.py): every worker writes its figures into
# one directory of this master's own, which `/metrics` adds up. A fresh directory per master, so
# several services on one host never mix their figures and a restart starts from zero; set
# before any worker imports prometheus_client.
_metrics_base = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fi-metrics-", dir=_metrics_base)


def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    """Fetch the auth service's public keys in the master, so a worker forked while the auth
    service is down (after a crash, `max_requests`) verifies tokens with them
    (services/common/auth.py).

    Not under gevent (the gateway): its workers patch the standard library as they start, and
    what the master imported before (requests, urllib3's TLS) would stay unpatched in them. The
    gateway verifies no tokens itself."""
    if server.cfg.worker_class_str == "gevent":
        return
    from services.common.auth import prefetch_jwks

    prefetch_jwks()


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """With the app loaded, leave what start-up built out of garbage collection
    (services/common/garbage_collection.py)."""
    from services.common.garbage_collection import settle_after_startup

    settle_after_startup()


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """Drop a dead worker's live gauges (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # type: ignore[no-untyped-def]
    """Remove this master's metrics directory."""
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
