"""Request ids are adopted or assigned, echoed, and logged as one JSON line per request."""

from __future__ import annotations

import json

from .conftest import build_app


def test_request_id_generated_when_absent(client):
    response = client.get("/healthz")
    assert len(response.headers["X-Request-ID"]) >= 16


def test_request_id_adopted_from_caller(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-abc-123"})
    assert response.headers["X-Request-ID"] == "edge-abc-123"


def test_unsafe_request_id_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id with <script>"})
    assert response.headers["X-Request-ID"] != "bad id with <script>"
    assert " " not in response.headers["X-Request-ID"]


def test_access_line_is_json_with_request_id(capsys):
    client = build_app().test_client()  # built after capsys, so its handler writes there
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "trace-77"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    access = [line for line in lines if line.get("logger") == "access"]
    assert access[-1]["request_id"] == "trace-77"
    assert access[-1]["service"] == "sample"
    assert access[-1]["status"] == 200
    assert access[-1]["path"] == "/healthz"


def test_failure_lines_carry_the_request_and_session_ids(capsys):
    app = build_app()

    @app.get("/sessions/<session_id>/fails")
    def fails(session_id):
        raise RuntimeError("something broke")

    client = app.test_client()  # built after capsys, so its handler writes there
    capsys.readouterr()
    response = client.get("/sessions/s-42/fails", headers={"X-Request-ID": "trace-88"})
    assert response.status_code == 500
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    failure = next(line for line in lines if line["message"] == "unhandled error")
    assert failure["request_id"] == "trace-88"
    assert failure["session_id"] == "s-42"
