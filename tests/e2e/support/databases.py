"""One throwaway PostgreSQL database per service for an end-to-end run."""

from __future__ import annotations

import os
import uuid

import psycopg

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


class Databases:
    """Creates `fi_e2e_<run>_<service>` databases and drops them (even if still in use)."""

    def __init__(self, services: tuple[str, ...], admin_url: str = POSTGRES_ADMIN_URL) -> None:
        self.admin_url = admin_url
        run = uuid.uuid4().hex[:10]
        self.names = {svc: f"fi_e2e_{run}_{svc}" for svc in services}
        self.created: list[str] = []

    def create(self) -> dict[str, str]:
        """Create every database; return SQLAlchemy URLs by service."""
        try:
            admin = psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3)
        except psycopg.OperationalError as exc:
            raise RuntimeError(
                f"PostgreSQL is needed at {self.admin_url} (set TEST_POSTGRES_URL): {exc}"
            ) from exc
        with admin:
            for name in self.names.values():
                admin.execute(f'CREATE DATABASE "{name}"')
                self.created.append(name)
        base = self.admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        return {svc: f"{base}/{name}" for svc, name in self.names.items()}

    def drop(self) -> None:
        """Drop every database this object created."""
        if not self.created:
            return
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3) as admin:
            for name in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()
