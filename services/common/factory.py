"""The part of every service's `create_app` that is the same everywhere."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import LostDatabaseGuard, register_error_handlers
from .metrics import init_metrics
from .request_guard import init_request_guard
from .request_log import init_request_logging
from .settings import load_config, trusted_proxy_count
from .sqlite_pragmas import tune_sqlite_connections
from .timeouts import apply_database_timeouts


def create_base_app(
    import_name: str,
    service: str,
    defaults: Mapping[str, Any],
    from_env: Callable[[], Mapping[str, Any]],
    overrides: Mapping[str, Any] | None = None,
    db: Any = None,
) -> Flask:
    """A Flask app with config loaded, proxy headers trusted, JSON request logs, malformed input
    refused (`request_guard`), `/metrics` and problem+json."""
    app = Flask(import_name)
    load_config(app, defaults, from_env, overrides)
    apply_database_timeouts(app)
    app.config["SERVICE_NAME"] = service
    app.wsgi_app = LostDatabaseGuard(app.wsgi_app)  # type: ignore[method-assign]
    proxies = trusted_proxy_count(app)
    if proxies > 0:
        # Trust exactly as many X-Forwarded-* hops as sit in front of us (nginx, gateway).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=0,
        )
    init_request_logging(app, service)
    init_metrics(app, service)
    # After the request id is assigned (so refusals carry it), before any service's own hooks.
    init_request_guard(app)
    register_error_handlers(app, db)
    if db is not None:
        tune_sqlite_connections()
    return app
