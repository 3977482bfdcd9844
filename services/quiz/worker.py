"""Celery entry point for the worker and beat processes.

`celery -A services.quiz.worker:celery worker --loglevel INFO` (every quiz queue unless
CELERY_WORKER_QUEUES names some)
`celery -A services.quiz.worker:celery beat --schedule <VAR_DIR>/celerybeat-schedule`

The worker's main process loads the app, then forks its pool processes (prefork). Just before
each fork it leaves what is alive out of garbage collection (`settle_after_startup`): the pool
processes then never walk the inherited start-up heap in their collections, so the pages they
share with the main process are not copied for the collector's sake.
"""

from typing import Any

from celery.signals import worker_before_create_process

from services.common.garbage_collection import settle_after_startup
from services.quiz import create_app

celery = create_app().extensions["celery"]


@worker_before_create_process.connect
def settle_before_fork(**_: Any) -> None:
    """Freeze the main process's heap so that the pool process about to be forked shares it."""
    settle_after_startup()
