"""Gateway: the one public application; routes `/api/<service>/...` to the services behind it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from services.common.factory import create_base_app

from . import pages, proxy, upstreams, web
from .config import defaults, from_env
from .page_session import PageSessionInterface


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the gateway (no models, no database)."""
    app = create_base_app(__name__, "gateway", defaults(), from_env, config)
    upstreams.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(proxy.bp)
    web.init_app(app)
    app.session_interface = PageSessionInterface()
    return app
