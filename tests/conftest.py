"""Fixtures every test area shares: databases (SQLite and PostgreSQL), Redis, tokens.

PostgreSQL tests use a database of their own, created for the run and dropped afterwards; Redis
tests use a key prefix of their own and delete what they wrote. Nothing depends on leftover state.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis

from services.common.testing import TokenMinter

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default="sqlite,postgresql",
        help="comma-separated database backends to run database tests on",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        backends = [b.strip() for b in metafunc.config.getoption("--db").split(",") if b.strip()]
        metafunc.parametrize("db_backend", backends, indirect=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database private to this test run, dropped at the end."""
    name = f"fi_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is needed at {POSTGRES_ADMIN_URL} (set TEST_POSTGRES_URL): {exc}",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(db_backend: str, tmp_path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database URL on the backend under test."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    if db_backend == "postgresql":
        return request.getfixturevalue("postgres_database")
    raise pytest.UsageError(f"unknown database backend {db_backend!r}")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix private to one test; its keys are deleted afterwards."""
    prefix = f"fi-test:{uuid.uuid4().hex[:10]}:"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is needed at {REDIS_URL} (set TEST_REDIS_URL): {exc}", pytrace=False)
    yield prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    """Signs access tokens that apps built with `minter.app_config()` trust."""
    return TokenMinter()
