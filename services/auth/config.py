"""Auth service configuration: defaults and environment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.common.openapi import openapi_settings
from services.common.settings import (
    ConfigError,
    env_float,
    env_int,
    env_str,
    sqlite_url,
    var_dir,
)

PREFIX = "/api/auth"
GOOGLE_DISCOVERY_DEFAULT = "https://accounts.google.com/.well-known/openid-configuration"
# The quiz service draws questions from content, and nothing else.
DEFAULT_SERVICE_SCOPES = "quiz=content:draw"


def defaults() -> dict[str, Any]:
    """Fixed settings no environment variable changes (those, with their defaults, are in
    `from_env`)."""
    return {
        # The Flask session only carries Authlib's state/nonce/PKCE verifier between the
        # redirect to Google and the callback, so it is scoped to the auth prefix.
        "SESSION_COOKIE_NAME": "auth_session",
        "SESSION_COOKIE_PATH": PREFIX,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(minutes=15),
        "JWT_ACCESS_COOKIE_PATH": "/",
        "JWT_REFRESH_COOKIE_PATH": f"{PREFIX}/refresh",
        "JWT_ACCESS_CSRF_COOKIE_PATH": "/",
        "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
        "JWT_SESSION_COOKIE": False,
        "RATELIMIT_HEADERS_ENABLED": True,
        **openapi_settings("Auth", PREFIX),
    }


def from_env() -> dict[str, Any]:
    """Settings read from the environment (see `.env.example` and docs/auth.md)."""
    return {
        "SQLALCHEMY_DATABASE_URI": env_str("AUTH_DATABASE_URL", sqlite_url("auth")),
        "VAR_DIR": str(var_dir()),
        "AUTH_SECRET_KEY": env_str("AUTH_SECRET_KEY"),
        "AUTH_SIGNING_KEYS_DIR": env_str("AUTH_SIGNING_KEYS_DIR"),
        "AUTH_PRIVATE_KEY_FILE": env_str("AUTH_PRIVATE_KEY_FILE"),
        "AUTH_KEY_ACTIVATION_DELAY_S": env_int("AUTH_KEY_ACTIVATION_DELAY_S", 60),
        "JWT_ACCESS_TOKEN_EXPIRES": dt.timedelta(seconds=env_int("AUTH_ACCESS_TOKEN_TTL_S", 900)),
        "JWT_REFRESH_TOKEN_EXPIRES": dt.timedelta(
            seconds=env_int("AUTH_REFRESH_TOKEN_TTL_S", 30 * 24 * 3600)
        ),
        "AUTH_SERVICE_TOKEN_TTL_S": env_int("AUTH_SERVICE_TOKEN_TTL_S", 900),
        "AUTH_SERVICE_CLIENTS": parse_clients(env_str("AUTH_SERVICE_CLIENTS", "") or ""),
        "AUTH_SERVICE_SCOPES": parse_scopes(
            env_str("AUTH_SERVICE_SCOPES", DEFAULT_SERVICE_SCOPES) or ""
        ),
        "AUTH_QUIZ_URL": env_str("AUTH_QUIZ_URL", "http://127.0.0.1:8003"),
        "AUTH_LOGIN_LIMIT_IP": env_str("AUTH_LOGIN_LIMIT_IP", "20 per minute;200 per hour"),
        "AUTH_LOGIN_LIMIT_ACCOUNT_IP": env_str("AUTH_LOGIN_LIMIT_ACCOUNT_IP", "5 per minute"),
        "AUTH_LOGIN_LIMIT_ACCOUNT": env_str("AUTH_LOGIN_LIMIT_ACCOUNT", "50 per hour"),
        "AUTH_REGISTER_LIMIT_IP": env_str("AUTH_REGISTER_LIMIT_IP", "10 per hour"),
        "AUTH_TOKEN_LIMIT_IP": env_str("AUTH_TOKEN_LIMIT_IP", "60 per minute"),
        "AUTH_ARGON2_TIME_COST": env_int("AUTH_ARGON2_TIME_COST", 3),
        "AUTH_ARGON2_MEMORY_KIB": env_int("AUTH_ARGON2_MEMORY_KIB", 65536),
        "AUTH_ARGON2_PARALLELISM": env_int("AUTH_ARGON2_PARALLELISM", 4),
        "AUTH_PASSWORD_MIN_LENGTH": env_int("AUTH_PASSWORD_MIN_LENGTH", 10),
        "AUTH_POST_LOGIN_REDIRECT": env_str("AUTH_POST_LOGIN_REDIRECT", "/"),
        "GOOGLE_DISCOVERY_URL": env_str("GOOGLE_DISCOVERY_URL", GOOGLE_DISCOVERY_DEFAULT),
        "GOOGLE_CLIENT_ID": env_str("GOOGLE_CLIENT_ID"),
        "GOOGLE_CLIENT_SECRET": env_str("GOOGLE_CLIENT_SECRET"),
        "AUTH_GOOGLE_REDIRECT_URI": env_str("AUTH_GOOGLE_REDIRECT_URI"),
        "AUTH_GOOGLE_TIMEOUT_S": env_float("AUTH_GOOGLE_TIMEOUT_S", 10.0),
        **mail_from_env(),
    }


def mail_from_env() -> dict[str, Any]:
    """Mail, the links it carries and the tokens behind them (see docs/auth.md, "Mail")."""
    return {
        # The public origin: mail links, redirects and the Google callback, never from Host.
        "PUBLIC_URL": (env_str("PUBLIC_URL", "http://localhost:8080") or "").rstrip("/"),
        "SMTP_URL": env_str("SMTP_URL"),
        "SMTP_TIMEOUT_S": env_float("SMTP_TIMEOUT_S", 10.0),
        "MAIL_FROM": env_str("MAIL_FROM", "Flask Interviews <no-reply@localhost>"),
        "MAIL_DIR": env_str("MAIL_DIR"),
        "AUTH_VERIFY_TOKEN_TTL_S": env_int("AUTH_VERIFY_TOKEN_TTL_S", 24 * 3600),
        "AUTH_RESET_TOKEN_TTL_S": env_int("AUTH_RESET_TOKEN_TTL_S", 3600),
        "AUTH_FRESH_WINDOW_S": env_int("AUTH_FRESH_WINDOW_S", 300),
        "AUTH_MAIL_LIMIT_IP": env_str("AUTH_MAIL_LIMIT_IP", "10 per hour"),
        "AUTH_MAIL_LIMIT_ACCOUNT": env_str("AUTH_MAIL_LIMIT_ACCOUNT", "3 per hour"),
    }


def parse_clients(raw: str) -> dict[str, str]:
    """Parse `AUTH_SERVICE_CLIENTS` ("quiz=<secret>,gateway=<secret>") into a mapping."""
    clients: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        client_id, sep, secret = item.partition("=")
        if not sep or not client_id.strip() or len(secret.strip()) < 16:
            raise ConfigError(
                "AUTH_SERVICE_CLIENTS must look like 'quiz=<secret of 16+ chars>,...'"
            )
        clients[client_id.strip()] = secret.strip()
    return clients


def parse_scopes(raw: str) -> dict[str, list[str]]:
    """Parse `AUTH_SERVICE_SCOPES` ("quiz=content:draw,other=a:b c:d") into client → scopes."""
    scopes: dict[str, list[str]] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        client_id, sep, granted = item.partition("=")
        if not sep or not client_id.strip():
            raise ConfigError("AUTH_SERVICE_SCOPES must look like 'quiz=content:draw,...'")
        scopes[client_id.strip()] = granted.split()
    return scopes
