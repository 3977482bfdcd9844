"""A service's database and its migrations, bound the same way in every service.

The Alembic environment they all run is `migrations_env`; the engine options every service
shares (`pool_pre_ping`) are in `settings.shared_settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate


def init_database(
    app: Flask, db: Any, migrate: Migrate, package_file: str, **alembic_options: Any
) -> None:
    """Bind `db` and `migrate` to `app`; the migrations folder sits next to `package_file`.

    `render_as_batch`: SQLite cannot ALTER most things in place, batch mode rebuilds tables
    there. `compare_type`: autogenerate notices a changed column type, not only new columns.
    `alembic_options` go to Alembic's `context.configure` (e.g. `include_object`).
    """
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(package_file).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        **alembic_options,
    )
