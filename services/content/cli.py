"""`flask --app services.content.wsgi bank lint|seed`: check and load the YAML question bank;
`holds purge`: delete expired holds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .bank import BANK_DIR, BankInvalid, coverage_table, format_problem, lint, read_bank, seed
from .bank_quality import bank_summary
from .extensions import db
from .holds import now, purge_expired

bank_cli = AppGroup("bank", help="Check and load the question bank files.")
_DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of bank YAML files (default: the packaged bank).",
)


@bank_cli.command("lint")
@_DIR_OPTION
@click.option(
    "--topic",
    "topics",
    multiple=True,
    help="Check only this topic's file (repeatable); the ratios are then those of the subset.",
)
def lint_command(directory: Path | None, topics: tuple[str, ...]) -> None:
    """Check every rule, print coverage and the bank-wide ratios; exit 1 when a rule is broken."""
    bank = read_bank(directory or BANK_DIR, topics or None)
    click.echo(coverage_table(bank))
    click.echo(bank_summary(bank.questions))
    problems = lint(bank)
    for problem in problems:
        click.echo(format_problem(problem), err=True)
    if problems:
        per_file = Counter(p.file or "bank" for p in problems)
        click.echo(
            "problems: " + ", ".join(f"{f} {n}" for f, n in sorted(per_file.items())), err=True
        )
        raise click.exceptions.Exit(1)
    click.echo("bank ok")


@bank_cli.command("seed")
@_DIR_OPTION
def seed_command(directory: Path | None) -> None:
    """Create or update questions from the bank files (idempotent, matched by key)."""
    bank = read_bank(directory or BANK_DIR)
    try:
        report = seed(bank)
    except BankInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(format_problem(problem), err=True)
        click.echo("seed aborted: nothing was changed", err=True)
        raise click.exceptions.Exit(1) from exc
    db.session.commit()
    counts = report.as_dict()
    click.echo(" ".join(f"{name}={value}" for name, value in counts.items()))


holds_cli = AppGroup("holds", help="Holds on the questions of running interviews.")


@holds_cli.command("purge")
def purge_command() -> None:
    """Delete the holds whose `until` has passed (reads ignore them anyway)."""
    purged = purge_expired(now())
    db.session.commit()
    click.echo(f"purged={purged}")


def init_app(app: Flask) -> None:
    """Register the `bank` and `holds` command groups."""
    app.cli.add_command(bank_cli)
    app.cli.add_command(holds_cli)
