"""Typed environment helpers and the one way every service loads its configuration.

Configuration is read in the application factory, never at import time: defaults first, then
the environment, then the mapping the caller passes (tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parents[2]
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """Raised when an environment variable holds a value of the wrong shape."""


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable's value, or `default` when it is unset or empty."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    """Return the variable as an int; a malformed value is a start-up error, not a guess."""
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    """Return the variable as a float."""
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a bool (1/0, true/false, yes/no, on/off)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name} must be a boolean (true/false), got {raw!r}")


def var_dir() -> Path:
    """Where development state lives (SQLite files, generated keys): `VAR_DIR` or `<repo>/var`."""
    path = Path(env_str("VAR_DIR", str(REPO_ROOT / "var")) or REPO_ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_url(name: str) -> str:
    """The development default database URL for one service."""
    return f"sqlite:///{var_dir() / f'{name}.db'}"


def cookies_secure() -> bool:
    """Whether cookies carry `Secure`: in production unless `JWT_COOKIE_SECURE` (or the older
    `SESSION_COOKIE_SECURE`) says otherwise. One rule for the auth cookies, the services that
    read them and the web app's own session cookie."""
    production = env_str("APP_ENV", "development") == "production"
    return env_bool("JWT_COOKIE_SECURE", env_bool("SESSION_COOKIE_SECURE", production))


def shared_settings() -> dict[str, Any]:
    """Settings every service reads the same way; each key is its environment variable's name."""
    return {
        "APP_ENV": env_str("APP_ENV", "development"),
        # X-Forwarded-* hops each app trusts (`ProxyFix`): nginx and the gateway sit in front of
        # a service, nginx alone in front of the gateway. A wrong count lets callers spoof
        # their address.
        "SERVICE_PROXY_COUNT": env_int("SERVICE_PROXY_COUNT", 2),
        "GATEWAY_PROXY_COUNT": env_int("GATEWAY_PROXY_COUNT", 1),
        # A pooled connection the database dropped (restart, idle timeout) is replaced before
        # use instead of failing the request that drew it.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "REDIS_KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "fi:"),
        "LOG_LEVEL": env_str("LOG_LEVEL", "INFO"),
        "AUTH_JWKS_URL": env_str(
            "AUTH_JWKS_URL", "http://127.0.0.1:8001/api/auth/.well-known/jwks.json"
        ),
        "JWT_ISSUER": env_str("JWT_ISSUER", "flask-interviews-auth"),
        "JWT_AUDIENCE": env_str("JWT_AUDIENCE", "flask-interviews"),
        "JWT_COOKIE_SECURE": cookies_secure(),
        "SESSION_COOKIE_SECURE": cookies_secure(),
        "HTTP_CONNECT_TIMEOUT": env_float("HTTP_CONNECT_TIMEOUT", 1.0),
        "HTTP_READ_TIMEOUT": env_float("HTTP_READ_TIMEOUT", 10.0),
    }


def load_config(
    app: Flask,
    defaults: Mapping[str, Any],
    from_env: Callable[[], Mapping[str, Any]],
    overrides: Mapping[str, Any] | None = None,
) -> None:
    """Fill `app.config`: defaults, then shared and service environment, then `overrides`."""
    app.config.update(defaults)
    app.config.update(shared_settings())
    app.config.update(from_env())
    app.config.update(overrides or {})


def is_production(app: Flask) -> bool:
    """True when the app runs with `APP_ENV=production`."""
    return app.config.get("APP_ENV") == "production"


def trusted_proxy_count(app: Flask) -> int:
    """How many X-Forwarded-* hops `app` trusts: `GATEWAY_PROXY_COUNT` for the gateway,
    `SERVICE_PROXY_COUNT` for the services behind it."""
    gateway = app.config.get("SERVICE_NAME") == "gateway"
    return int(app.config["GATEWAY_PROXY_COUNT" if gateway else "SERVICE_PROXY_COUNT"])


def require_settings(app: Flask, *names: str) -> None:
    """In production, refuse to start when any of `names` is missing."""
    if not is_production(app):
        return
    missing = [name for name in names if not app.config.get(name)]
    if missing:
        raise ConfigError(f"production configuration is missing: {', '.join(missing)}")
