"""The Alembic migrations build the same schema as the models, full-text search included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from services.common.testing import TokenMinter, migrated_schema, schema_differences
from services.content import create_app, fts
from services.content.extensions import db
from tests.content.conftest import make_question, seed


@pytest.fixture
def migrated(database_url: str, minter: TokenMinter) -> Iterator[Flask]:
    """An app whose database was built by `flask db upgrade`, torn down by downgrade."""
    config = {
        **minter.app_config(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AUTH_JWKS_URL": None,
        "SERVICE_PROXY_COUNT": 0,
    }
    with migrated_schema(create_app(config), db) as app:
        yield app


def test_migrations_match_models(migrated: Flask) -> None:
    with migrated.app_context():
        differences = schema_differences(
            db, include_name=fts.include_name, include_object=fts.include_object
        )
        assert differences == []


def _search_objects(app: Flask) -> set[str]:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            rows = db.session.execute(
                text(
                    "SELECT type || ':' || name FROM sqlite_master WHERE name LIKE 'questions_fts%'"
                )
            )
            return set(rows.scalars())
        columns = {c["name"] for c in inspect(db.engine).get_columns("questions")}
        indexes = db.session.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = 'questions'")
        ).scalars()
        return {f"column:{c}" for c in columns if fts.is_fts_object(c)} | {
            f"index:{i}" for i in indexes if fts.is_fts_object(i)
        }


def test_migrations_create_same_search_objects_as_create_all(migrated: Flask) -> None:
    from_migrations = _search_objects(migrated)
    with migrated.app_context():  # the same database, rebuilt by the models' DDL events
        downgrade(revision="base")
        db.create_all()
    from_models = _search_objects(migrated)
    with migrated.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
    assert from_migrations == from_models
    assert from_migrations  # the FTS table/triggers, or the tsvector column and GIN index


def test_search_works_on_migrated_database(migrated: Flask, minter: TokenMinter) -> None:
    seed(migrated, [make_question("single", model_answer="Werkzeug routes requests.")])
    # Answer texts are searched for signed-in readers (anonymous ones search prompts only).
    response = migrated.test_client().get(
        "/api/content/questions?q=werkzeug", headers=minter.headers()
    )
    assert [i["key"] for i in response.get_json()["items"]] == ["routing-sample-single"]
    prompt_only = migrated.test_client().get("/api/content/questions?q=sample+single+url_for")
    assert [i["key"] for i in prompt_only.get_json()["items"]] == ["routing-sample-single"]
