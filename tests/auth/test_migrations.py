"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

from services.auth import create_app
from services.auth.extensions import db
from services.common.testing import migrated_schema, schema_differences


def test_migrations_match_the_models(auth_config: dict[str, Any]) -> None:
    with migrated_schema(create_app(auth_config), db) as app, app.app_context():
        assert schema_differences(db) == []
