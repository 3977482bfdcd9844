"""infra/gunicorn.conf.py loaded as gunicorn loads it, for the tests that read its settings."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

GUNICORN_CONF = Path(__file__).parents[2] / "infra" / "gunicorn.conf.py"


def load_gunicorn_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the settings file under the current environment and return what it defines. The
    metrics directory it makes for its master is removed again, and the variable it sets is
    restored when the test ends."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    settings = runpy.run_path(str(GUNICORN_CONF))
    settings["on_exit"](None)
    return settings
