"""`flask --app services.quiz.wsgi reports ...`: operators' commands for reports."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from ..report_queue import request_report
from . import store

reports_cli = AppGroup("reports", help="Interview reports.")


def _since(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("an ISO 8601 date or time, e.g. 2026-11-01") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@reports_cli.command("rebuild")
@click.option(
    "--since",
    required=True,
    help="Sessions finalised at or after this ISO 8601 date/time (UTC when no zone is given).",
)
def rebuild_command(since: str) -> None:
    """Rebuild the reports of sessions finalised since a date (failed ones included)."""
    ids = store.finalised_since(_since(since))
    for session_id in ids:
        request_report(session_id)
        db.session.commit()  # each request commits, then its build is sent
    click.echo(f"reports requested: {len(ids)}")


def init_reports_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(reports_cli)
