"""WSGI entry point: `gunicorn services.content.wsgi:app`."""

from services.content import create_app

app = create_app()
