"""Garbage collector settings for a long-running process, applied once its app is loaded: each
gunicorn worker (from `post_worker_init`) and the Celery worker's main process (just before it
forks each pool process, `services/quiz/worker.py`).

A worker's heap is mostly what it imported and built at start (modules, the app, its routes,
schemas and SQLAlchemy metadata: about 85,000 container objects in the gateway and 140,000 in
the quiz), and none of it ever becomes garbage. Python's full collections walk all of it again
each time, holding the GIL: every thread of the worker stops meanwhile. Under the load bench on a
2-core host these full collections took 90 to 120 ms each, a few per service in every run
(docs/performance.md, "Start-up objects frozen").

`gc.freeze()` moves everything alive at that point into the permanent generation, which
collections skip: the same full collections then took at most 15 ms. The thresholds stay
Python's own; reference counting still frees almost everything a request makes, and cycles made
later are still collected. In a process that forks, frozen objects are also left alone by the
children's collections, so the pages holding them stay shared instead of being copied.
"""

from __future__ import annotations

import gc


def settle_after_startup() -> None:
    """Collect what start-up left behind, then leave the rest out of every later collection."""
    gc.collect()
    gc.freeze()
