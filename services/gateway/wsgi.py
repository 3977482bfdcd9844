"""WSGI entry point: `gunicorn -c infra/gunicorn.conf.py services.gateway.wsgi:app`."""

from services.gateway import create_app

app = create_app()
