"""Environment wiring shared by `make run` and the end-to-end harness."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .processes import DEFAULT_PORTS

SECRETS_FILE = "dev-secrets.json"


@dataclass(frozen=True)
class Topology:
    """Where each process listens (all on one host in development and tests)."""

    ports: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    host: str = "127.0.0.1"
    # The host name in PUBLIC_URL: nginx answers only requests for it (others get a 421).
    public_host: str = "127.0.0.1"

    def url(self, name: str) -> str:
        """The base URL of process `name` (no trailing slash)."""
        return f"http://{self.host}:{self.ports[name]}"

    @property
    def public_url(self) -> str:
        """PUBLIC_URL: nginx's base URL under the public host name."""
        return f"http://{self.public_host}:{self.ports['nginx']}"


def generate_secrets() -> dict[str, str]:
    """Fresh development secrets: the auth session key and the quiz service's client secret."""
    return {
        "AUTH_SECRET_KEY": secrets.token_urlsafe(48),
        "QUIZ_CLIENT_SECRET": secrets.token_urlsafe(32),
        "GATEWAY_SECRET_KEY": secrets.token_urlsafe(48),
    }


def ensure_dev_secrets(var_dir: Path) -> dict[str, str]:
    """Load `var/dev-secrets.json`, creating it (mode 0600) on first run; never committed."""
    path = var_dir / SECRETS_FILE
    if path.exists():
        stored = json.loads(path.read_text())
        fresh = generate_secrets()
        if set(fresh) <= set(stored):
            return stored
        stored = {**fresh, **stored}
    else:
        stored = generate_secrets()
    var_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(stored, handle, indent=2)
    return stored


def platform_env(
    topology: Topology,
    *,
    var_dir: Path,
    redis_url: str,
    database_urls: Mapping[str, str],
    dev_secrets: Mapping[str, str],
    redis_prefix: str = "fi:",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The variables every platform process gets (on top of the caller's environment)."""
    auth = topology.url("auth")
    env = {
        "APP_ENV": "development",
        "PUBLIC_URL": topology.public_url,
        "VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "AUTH_JWKS_URL": f"{auth}/api/auth/.well-known/jwks.json",
        "GATEWAY_AUTH_URL": auth,
        "GATEWAY_CONTENT_URL": topology.url("content"),
        "GATEWAY_QUIZ_URL": topology.url("quiz"),
        "QUIZ_CONTENT_URL": topology.url("content"),
        "QUIZ_AUTH_URL": auth,
        "AUTH_QUIZ_URL": topology.url("quiz"),
        "AUTH_SECRET_KEY": dev_secrets["AUTH_SECRET_KEY"],
        "GATEWAY_SECRET_KEY": dev_secrets["GATEWAY_SECRET_KEY"],
        "AUTH_SERVICE_CLIENTS": f"quiz={dev_secrets['QUIZ_CLIENT_SECRET']}",
        "QUIZ_CLIENT_ID": "quiz",
        "QUIZ_CLIENT_SECRET": dev_secrets["QUIZ_CLIENT_SECRET"],
    }
    for service in ("auth", "content", "quiz"):
        env[f"{service.upper()}_DATABASE_URL"] = database_urls[service]
    env.update(extra or {})
    return env


def sqlite_urls(var_dir: Path) -> dict[str, str]:
    """Development databases: one SQLite file per service under `var_dir`."""
    return {svc: f"sqlite:///{var_dir / f'{svc}.db'}" for svc in ("auth", "content", "quiz")}
