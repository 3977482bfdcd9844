"""Environment parsing is strict: a malformed value stops start-up with a clear message."""

from __future__ import annotations

import pytest
from flask import Flask

from services.common.settings import (
    ConfigError,
    env_bool,
    env_float,
    env_int,
    env_str,
    shared_settings,
    trusted_proxy_count,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("off", False)],
)
def test_env_bool_accepts_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_and_float_defaults_and_errors(monkeypatch):
    assert env_int("X_MISSING", 7) == 7
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 0) == 12
    assert env_float("X_NUM", 0.0) == 12.0
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ConfigError, match="X_NUM"):
        env_int("X_NUM", 0)
    with pytest.raises(ConfigError, match="X_NUM"):
        env_float("X_NUM", 0.0)


def test_env_str_treats_empty_as_unset(monkeypatch):
    monkeypatch.setenv("X_TEXT", "")
    assert env_str("X_TEXT", "fallback") == "fallback"


@pytest.mark.parametrize(("service", "expected"), [("gateway", 1), ("content", 2), ("auth", 2)])
def test_each_app_trusts_its_own_proxy_count_by_default(monkeypatch, service, expected):
    monkeypatch.delenv("GATEWAY_PROXY_COUNT", raising=False)
    monkeypatch.delenv("SERVICE_PROXY_COUNT", raising=False)
    app = Flask(service)
    app.config.update(shared_settings(), SERVICE_NAME=service)
    assert trusted_proxy_count(app) == expected


def test_the_proxy_counts_come_from_their_environment_variables(monkeypatch):
    monkeypatch.setenv("GATEWAY_PROXY_COUNT", "0")
    monkeypatch.setenv("SERVICE_PROXY_COUNT", "1")
    settings = shared_settings()
    assert (settings["GATEWAY_PROXY_COUNT"], settings["SERVICE_PROXY_COUNT"]) == (0, 1)
