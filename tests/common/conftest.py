"""A tiny app built with the common factory, standing in for any service."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.common.errors import Conflict
from services.common.factory import create_base_app
from services.common.health import register_health
from services.common.openapi import init_openapi, openapi_settings


class ItemIn(Schema):
    name = fields.String(required=True)
    count = fields.Integer(required=True)


def build_app(config: dict[str, Any] | None = None, checks: dict | None = None) -> Flask:
    app = create_base_app(
        __name__, "sample", openapi_settings("Sample", "/api/sample"), dict, config
    )
    api = init_openapi(app, "/api/sample")
    bp = Blueprint("items", __name__, url_prefix="/api/sample/items")

    @bp.route("")
    class Items(MethodView):
        @bp.arguments(ItemIn)
        @bp.response(201, ItemIn)
        def post(self, item: dict) -> dict:
            if item["name"] == "taken":
                raise Conflict("That name is taken.", existing="taken")
            return item

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    api.register_blueprint(bp)
    register_health(app, "sample", "/api/sample", checks or {})
    return app


@pytest.fixture
def app() -> Flask:
    return build_app()


@pytest.fixture
def client(app: Flask):
    return app.test_client()
