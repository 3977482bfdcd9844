"""Celery bound to the quiz app factory: tasks run inside an app context.

Worker: `celery -A services.quiz.worker:celery worker` (every queue below, unless
        CELERY_WORKER_QUEUES names some).
Beat:   `celery -A services.quiz.worker:celery beat --schedule <VAR_DIR>/celerybeat-schedule`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Celery, Task
from flask import Flask
from kombu import Queue

SWEEP_QUEUE, REPORTS_QUEUE = "quiz.sweep", "quiz.reports"
# Redis re-delivers an unacknowledged task after this long; it must exceed the time limit.
VISIBILITY_TIMEOUT_S = 3600
TASK_TIME_LIMIT_S, TASK_SOFT_TIME_LIMIT_S = 300, 240
BROKER_SOCKET_TIMEOUT_S, BROKER_CONNECT_TIMEOUT_S = 5.0, 2.0


def celery_settings(app: Flask) -> dict[str, Any]:
    """Celery configuration derived from the Flask app's config."""
    interval = float(app.config["QUIZ_SWEEP_INTERVAL_S"])
    return {
        "broker_url": app.config.get("CELERY_BROKER_URL") or app.config["REDIS_URL"],
        "broker_transport_options": {
            # Every key in Redis carries the platform's prefix, so tests and tenants isolate.
            "global_keyprefix": app.config["REDIS_KEY_PREFIX"],
            "visibility_timeout": VISIBILITY_TIMEOUT_S,
            # A hung Redis fails a publish or a poll within seconds (docs/operations.md).
            "socket_timeout": BROKER_SOCKET_TIMEOUT_S,
            "socket_connect_timeout": BROKER_CONNECT_TIMEOUT_S,
        },
        "broker_connection_timeout": BROKER_CONNECT_TIMEOUT_S,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,  # state lives in the quiz database
        "result_backend": None,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        # A task is acknowledged after it ran; a killed worker's task is delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": TASK_TIME_LIMIT_S,
        "task_soft_time_limit": TASK_SOFT_TIME_LIMIT_S,
        "task_queues": (
            Queue(SWEEP_QUEUE, routing_key=SWEEP_QUEUE),
            Queue(REPORTS_QUEUE, routing_key=REPORTS_QUEUE),
        ),
        "task_default_queue": REPORTS_QUEUE,
        # Finalising and re-sending forgotten reports never wait behind a burst of builds.
        "task_routes": {
            "quiz.sweep_overdue_sessions": {"queue": SWEEP_QUEUE},
            "quiz.resend_pending_reports": {"queue": SWEEP_QUEUE},
            "quiz.build_report": {"queue": REPORTS_QUEUE},
        },
        "beat_schedule": {
            "sweep-overdue-sessions": {
                "task": "quiz.sweep_overdue_sessions",
                "schedule": dt.timedelta(seconds=interval),
                # A sweep nobody ran in time is superseded by the next one: never pile up.
                "options": {"queue": SWEEP_QUEUE, "expires": max(interval, 1.0)},
            },
            "resend-pending-reports": {
                "task": "quiz.resend_pending_reports",
                "schedule": dt.timedelta(seconds=interval),
                "options": {"queue": SWEEP_QUEUE, "expires": max(interval, 1.0)},
            },
        },
        "timezone": "UTC",
        "enable_utc": True,
        # Keep the service's JSON log format in worker and beat processes.
        "worker_hijack_root_logger": False,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
    }


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for `app`, keep it in `app.extensions["celery"]` and return it."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_settings(app))
    celery.set_default()
    from . import tasks  # noqa: F401  (registers the tasks on this Celery app)

    app.extensions["celery"] = celery
    return celery
