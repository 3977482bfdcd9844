"""WSGI entry point: `gunicorn services.quiz.wsgi:app`."""

from services.quiz import create_app
from services.quiz.reports.rendering import warm_up

app = create_app()
# The first report PDF of this process should not wait for WeasyPrint's import.
warm_up()
