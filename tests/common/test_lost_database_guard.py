"""A database lost while the request's session is closed is a 503 problem+json, not a bare 500."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.test import Client

from services.common.factory import create_base_app


def test_teardown_losing_the_database_is_503_problem() -> None:
    app = create_base_app(__name__, "probe", {"PROXY_COUNT": 0}, dict, {})

    @app.get("/saved")
    def saved() -> Any:
        return jsonify(ok=True)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        # What Flask-SQLAlchemy's session removal raises when PostgreSQL shut down meanwhile.
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))

    # werkzeug's plain client, as a WSGI server calls the app: Flask's test client would keep
    # the request context open and run the teardown outside the app.
    response = Client(app).get("/saved", headers={"X-Request-ID": "req-123"})

    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["status"] == 503 and body["request_id"] == "req-123"
    assert response.headers["Retry-After"] == "5"
