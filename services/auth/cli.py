"""`flask --app services.auth.wsgi keys ...` and `create-admin`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from services.common.errors import Problem

from . import accounts
from .extensions import db
from .keys import ensure_key, key_files, retire_key, rotate_key

keys_cli = AppGroup("keys", help="Manage the token signing keys.")


def _keys_dir() -> Path:
    ring = current_app.extensions["key_ring"]
    if ring.directory is None:
        raise click.ClickException(
            "keys come from AUTH_PRIVATE_KEY_FILE; rotate by switching to AUTH_SIGNING_KEYS_DIR"
        )
    return Path(ring.directory)


@keys_cli.command("ensure")
def keys_ensure() -> None:
    """Generate a signing key when the key directory has none (idempotent)."""
    key, created = ensure_key(_keys_dir())
    if created and key:
        click.echo(f"created key {key.kid}")
    else:
        click.echo(
            f"a signing key already exists ({current_app.extensions['key_ring'].active().kid})"
        )


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Add a new key; it starts signing after AUTH_KEY_ACTIVATION_DELAY_S."""
    key = rotate_key(_keys_dir())
    delay = current_app.config["AUTH_KEY_ACTIVATION_DELAY_S"]
    click.echo(f"created key {key.kid}; published now, signing in {delay}s")


@keys_cli.command("retire")
@click.argument("kid")
def keys_retire(kid: str) -> None:
    """Stop publishing an old key (tokens it signed stop verifying)."""
    try:
        retire_key(_keys_dir(), kid)
    except (KeyError, ValueError) as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    click.echo(f"retired key {kid}")


@keys_cli.command("list")
def keys_list() -> None:
    """Show the published keys; the active one is marked."""
    ring = current_app.extensions["key_ring"]
    active = ring.active().kid
    names = [p.stem for p in key_files(ring.directory)] if ring.directory else [active]
    for kid in names:
        click.echo(f"{kid}{'  (signing)' if kid == active else ''}")


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="Administrator", show_default=True)
@with_appcontext
def create_admin(email: str, password: str, name: str) -> None:
    """Create the first admin, or grant admin to an existing account."""
    user = accounts.find_by_email(email)
    if user is None:
        try:
            user = accounts.register(email, password, name, roles=["admin"])
        except Problem as exc:
            raise click.ClickException(f"{exc.detail} {exc.errors or ''}".strip()) from exc
        click.echo(f"created admin {user.email} ({user.id})")
        return
    user.roles = sorted({*(user.roles or []), "admin"})
    db.session.commit()
    click.echo(f"{user.email} ({user.id}) is now an admin; its password was left unchanged")


def register_cli(app: Flask) -> None:
    """Attach the commands to the app's `flask` CLI."""
    app.cli.add_command(keys_cli)
    app.cli.add_command(create_admin)
