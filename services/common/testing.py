"""Helpers for tests: tokens signed like the auth service's, per-test database schemas, and a
WSGI app served on a free local port.

The one free-port helper is `infra.devstack.net.free_port` (the development stack uses it too).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import jwt
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from werkzeug.serving import make_server

TEST_ISSUER = "flask-interviews-auth"
TEST_AUDIENCE = "flask-interviews"


@lru_cache(maxsize=4)
def _private_key(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TokenMinter:
    """Signs access tokens with a throwaway RSA key and publishes its JWKS."""

    def __init__(
        self, kid: str = "test-key", issuer: str = TEST_ISSUER, audience: str = TEST_AUDIENCE
    ) -> None:
        self.kid = kid
        self.issuer = issuer
        self.audience = audience
        self.private_key = _private_key(kid)

    @property
    def jwks(self) -> dict[str, Any]:
        """The public half as a JWKS document."""
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def app_config(self) -> dict[str, Any]:
        """Config entries that make a service trust this minter's tokens."""
        return {"AUTH_JWKS": self.jwks, "JWT_ISSUER": self.issuer, "JWT_AUDIENCE": self.audience}

    def claims(
        self, sub: str, roles: Iterable[str], ttl_s: int = 900, **overrides: Any
    ) -> dict[str, Any]:
        """Claims of an access token as the auth service issues them."""
        now = dt.datetime.now(dt.UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "roles": list(roles),
            "jti": uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + dt.timedelta(seconds=ttl_s),
            "type": "access",
            "fresh": False,
            "csrf": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self,
        sub: str = "user-1",
        roles: Iterable[str] = ("candidate",),
        headers: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        """A signed access token; `overrides` replace claims (None removes one)."""
        return jwt.encode(
            self.claims(sub, roles, **overrides),
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid, **(headers or {})},
        )

    def headers(
        self, sub: str = "user-1", roles: Iterable[str] = ("candidate",), **overrides: Any
    ) -> dict[str, str]:
        """An `Authorization: Bearer` header for a fresh token."""
        return {"Authorization": f"Bearer {self.token(sub, roles, **overrides)}"}


@contextmanager
def fresh_tables(app: Flask, db: Any) -> Iterator[Flask]:
    """Create the app's tables for one test and drop them afterwards.

    The PostgreSQL test database is shared by a whole run, so every test leaves it empty.
    """
    with app.app_context():
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@contextmanager
def migrated_schema(app: Flask, db: Any) -> Iterator[Flask]:
    """Build the schema with the service's Alembic migrations; downgrade to nothing afterwards."""
    with app.app_context():
        db.drop_all()
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            downgrade(revision="base")
            leftover = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert not leftover, f"downgrade to base left tables behind: {sorted(leftover)}"
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.engine.dispose()


def schema_differences(db: Any, **options: Any) -> list[Any]:
    """What Alembic's autogenerate sees between the live schema and the models (call in an app
    context); an empty list means the migrations and the models agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, **options})
        return list(compare_metadata(context, db.metadata))


class LocalServer:
    """A WSGI app served by a background thread on a free port of `host`, until `stop`."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        self._server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._stopped = False

    def stop(self) -> None:
        """Stop serving and free the port (again is a no-op)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._thread.join(5)
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@contextmanager
def serve(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` on a free local port for the duration of the block; yields its base URL."""
    with LocalServer(app, host) as server:
        yield server.url
