"""The Alembic environment every service's `migrations/env.py` runs (Flask-Migrate).

One copy instead of three: the engine and metadata come from the Flask-Migrate extension of the
app in context, so the same code serves `flask db upgrade`, the tests and the compose `migrate`
job of every service.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")


def _migrate_db() -> Any:
    return current_app.extensions["migrate"].db


def _metadata() -> Any:
    db = _migrate_db()
    return db.metadatas[None] if hasattr(db, "metadatas") else db.metadata


def _skip_empty_autogenerate(_context: Any, _revision: Any, directives: list[Any]) -> None:
    # `flask db migrate` with no model changes should not write an empty revision.
    autogenerate = getattr(context.config.cmd_opts, "autogenerate", False)
    if autogenerate and directives and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations() -> None:
    """Run the migrations offline (SQL script) or online against the app's engine."""
    config = context.config
    if config.config_file_name:
        # Keep the service's JSON loggers when migrations run inside the app.
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = _migrate_db().engine  # Flask-SQLAlchemy 3: get_engine() is deprecated
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=_metadata(), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=_metadata(), **options)
        with context.begin_transaction():
            context.run_migrations()
