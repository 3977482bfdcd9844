"""`flask --app services.quiz.wsgi quiz ...` commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import clock
from .finalising import sweep_overdue
from .interview_templates import seed_templates
from .reports.cli import init_reports_cli

quiz_cli = AppGroup("quiz", help="Quiz service maintenance.")


@quiz_cli.command("seed-templates")
def seed_templates_command() -> None:
    """Create the standard interview templates (idempotent)."""
    created = seed_templates()
    click.echo(f"templates: {created} created")


@quiz_cli.command("sweep")
def sweep_command() -> None:
    """Finalise overdue sessions now, as the beat sweep does."""
    finalised = sweep_overdue(clock.now(), float(current_app.config["QUIZ_GRACE_S"]))
    click.echo(f"sessions finalised: {finalised}")


def init_app(app: Flask) -> None:
    """Register the `quiz` command group."""
    app.cli.add_command(quiz_cli)
    init_reports_cli(app)
