"""WSGI entry point: `gunicorn services.quiz.wsgi:app`."""

from services.quiz import create_app

app = create_app()
