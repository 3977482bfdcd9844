"""Celery entry point for the worker and beat processes.

`celery -A services.quiz.worker:celery worker --loglevel INFO` (every quiz queue unless
CELERY_WORKER_QUEUES names some)
`celery -A services.quiz.worker:celery beat --schedule <VAR_DIR>/celerybeat-schedule`
"""

from services.quiz import create_app

celery = create_app().extensions["celery"]
