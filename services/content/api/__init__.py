"""HTTP routes of the content service."""

from __future__ import annotations

from flask_smorest import Api

from . import exchange, internal, questions, topics


def register(api: Api) -> None:
    """Register every blueprint on the service's `Api`."""
    for module in (topics, questions, exchange, internal):
        api.register_blueprint(module.blp)
