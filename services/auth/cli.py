"""Command line: `flask --app services.auth.wsgi keys ...` and `create-admin`, and
`python -m services.auth.keys ensure|rotate DIR | retire DIR KID`.

The module form manages a key directory without building the app, for bootstrapping production
(where the app refuses to start without a key). Both forms run the same functions below.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from services.common.errors import Problem

from . import accounts
from .extensions import db
from .keys import ensure_key, key_files, retire_key, rotate_key

keys_cli = AppGroup("keys", help="Manage the token signing keys.")
KEYS_USAGE = "usage: python -m services.auth.keys ensure|rotate DIR | retire DIR KID"


def ensure_keys(directory: Path) -> str:
    """Generate a signing key when `directory` has none (idempotent); says what happened."""
    key, created = ensure_key(directory)
    if created and key:
        return f"created key {key.kid}"
    return f"a signing key already exists (newest: {key_files(directory)[-1].stem})"


def rotate_keys(directory: Path, activation_delay_s: float | None = None) -> str:
    """Add a new key to `directory`; says which (and, when known, when it starts signing)."""
    key = rotate_key(directory)
    if activation_delay_s is None:
        return f"created key {key.kid}"
    return f"created key {key.kid}; published now, signing in {activation_delay_s}s"


def retire_keys(directory: Path, kid: str) -> str:
    """Stop publishing `kid`; a usage error when it is unknown or the newest key."""
    try:
        retire_key(directory, kid)
    except (KeyError, ValueError) as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    return f"retired key {kid}"


def keys_main(argv: list[str] | None = None) -> int:
    """`python -m services.auth.keys ...`: the key commands on a directory, without the app."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else ""
    if command not in {"ensure", "rotate", "retire"} or len(args) != (
        3 if command == "retire" else 2
    ):
        print(KEYS_USAGE)
        return 2
    directory = Path(args[1])
    try:
        if command == "ensure":
            print(ensure_keys(directory))
        elif command == "rotate":
            print(rotate_keys(directory))
        else:
            print(retire_keys(directory, args[2]))
    except click.ClickException as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


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
    click.echo(ensure_keys(_keys_dir()))


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Add a new key; it starts signing after AUTH_KEY_ACTIVATION_DELAY_S."""
    click.echo(rotate_keys(_keys_dir(), current_app.config["AUTH_KEY_ACTIVATION_DELAY_S"]))


@keys_cli.command("retire")
@click.argument("kid")
def keys_retire(kid: str) -> None:
    """Stop publishing an old key (tokens it signed stop verifying)."""
    click.echo(retire_keys(_keys_dir(), kid))


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


def init_app(app: Flask) -> None:
    """Attach the commands to the app's `flask` CLI."""
    app.cli.add_command(keys_cli)
    app.cli.add_command(create_admin)
