"""flask-smorest wired to problem+json, with the interactive docs served from the package."""

from __future__ import annotations

import http
from typing import Any

import marshmallow as ma
from flask import Blueprint, Flask, send_from_directory
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]
from werkzeug.exceptions import HTTPException

from .errors import PROBLEM_MIME, http_exception_to_problem


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only)."""

    class Meta:
        # Problems carry extension members (e.g. `available`, `items`), as RFC 9457 allows.
        unknown = ma.INCLUDE

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    request_id = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "per-field messages (validation)"})


class ProblemApi(Api):
    """An `Api` whose errors are problem+json, documented as such."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def handle_http_exception(self, error: HTTPException):  # type: ignore[no-untyped-def]
        return http_exception_to_problem(error)

    def _register_responses(self) -> None:
        """Register the error responses flask-smorest references, as `application/problem+json`.

        flask-smorest documents them with the success content type (`application/json`), which
        is not what the error handlers send; clients and contract checks rely on the document.
        """
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIME)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIME)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


def openapi_settings(service: str, prefix: str, version: str = "1.0") -> dict[str, Any]:
    """Config keys that publish `<prefix>/openapi.json` and Swagger UI at `<prefix>/docs`."""
    return {
        "API_TITLE": f"{service} service",
        "API_VERSION": version,
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": prefix,
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served by this app (see `init_openapi`), so the docs work offline and under a strict CSP.
        "OPENAPI_SWAGGER_UI_URL": f"{prefix}/docs-assets/",
    }


def init_openapi(app: Flask, prefix: str) -> ProblemApi:
    """Create the service's `ProblemApi` and serve the Swagger UI assets it needs."""
    api = ProblemApi(app, spec_kwargs={"servers": [{"url": "/"}]})
    assets = Blueprint("swagger_assets", __name__)

    @assets.get("/docs-assets/<path:filename>")
    def swagger_asset(filename: str):  # type: ignore[no-untyped-def]
        """Static files of the interactive API docs."""
        return send_from_directory(swagger_ui_path, filename)

    app.register_blueprint(assets, url_prefix=prefix)
    return api
