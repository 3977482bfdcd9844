"""Alembic environment of this service: the shared one (`services.common.migrations_env`)."""

from services.common.migrations_env import run_migrations

run_migrations()
