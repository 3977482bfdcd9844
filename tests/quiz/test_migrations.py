"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

from services.common.testing import migrated_schema, schema_differences
from services.quiz import create_app
from services.quiz.extensions import db
from services.quiz.interview_templates import seed_templates


def test_migrations_match_the_models(app_config: dict[str, Any]) -> None:
    with migrated_schema(create_app(app_config), db) as app, app.app_context():
        assert schema_differences(db) == []
        assert seed_templates() == 4
