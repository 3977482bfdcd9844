"""Gateway configuration: defaults and environment."""

from __future__ import annotations

from typing import Any

from services.common.settings import env_float, env_int, env_str

# The upstreams the gateway knows, by the public prefix segment each owns (`/api/<name>/...`).
DEFAULT_UPSTREAMS = {
    "auth": "http://127.0.0.1:8001",
    "content": "http://127.0.0.1:8002",
    "quiz": "http://127.0.0.1:8003",
}


def url_key(service: str) -> str:
    """The config key (and environment variable) holding one upstream's base URL."""
    return f"GATEWAY_{service.upper()}_URL"


def defaults() -> dict[str, Any]:
    """Safe development defaults."""
    return {
        **{url_key(name): url for name, url in DEFAULT_UPSTREAMS.items()},
        "GATEWAY_CONNECT_TIMEOUT": 1.0,
        # Below gunicorn's 30 s worker timeout: a slow upstream yields a 504, not a killed worker.
        "GATEWAY_READ_TIMEOUT": 25.0,
        "GATEWAY_READY_TIMEOUT": 2.0,
        # A gevent worker (the gateway's, infra/devstack/processes.py) has as many requests in
        # flight as clients send: 64 kept connections per service cover the load bench's 64.
        "GATEWAY_POOL_SIZE": 64,
    }


def from_env() -> dict[str, Any]:
    """Settings read from the environment (see `.env.example`); unset ones keep the defaults."""
    base = defaults()
    settings: dict[str, Any] = {
        url_key(name): env_str(url_key(name), url) for name, url in DEFAULT_UPSTREAMS.items()
    }
    # At least one pooled connection per gunicorn thread, or busy threads would open (and throw
    # away) extra connections instead of reusing them.
    settings["GATEWAY_POOL_SIZE"] = max(
        env_int("GATEWAY_POOL_SIZE", base["GATEWAY_POOL_SIZE"]), env_int("GUNICORN_THREADS", 4)
    )
    for name in ("GATEWAY_CONNECT_TIMEOUT", "GATEWAY_READ_TIMEOUT", "GATEWAY_READY_TIMEOUT"):
        settings[name] = env_float(name, base[name])
    # Signs the web pages' session cookie (their CSRF tokens and flashed messages).
    settings["GATEWAY_SECRET_KEY"] = env_str("GATEWAY_SECRET_KEY")
    return settings
