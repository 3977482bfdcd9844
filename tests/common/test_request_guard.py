"""Malformed input (NUL, lone surrogates, deep JSON) is a 400 problem before any view runs."""

from __future__ import annotations

import json

import pytest
from flask import Flask, request

from services.common.request_guard import MAX_JSON_DEPTH, check_json, passes_body_through

from .conftest import build_app


def _problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["request_id"]
    return body


@pytest.fixture
def app() -> Flask:
    app = build_app()

    @app.route("/echo/<word>", methods=["GET", "POST"])
    def echo(word: str) -> dict:
        return {"word": word, "json": request.get_json(silent=True), "form": dict(request.form)}

    @app.post("/stream")
    @passes_body_through
    def stream() -> dict:
        return {"length": len(request.stream.read())}

    return app


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/echo/%00", "_path"),
        ("/echo/a?tag=%00", "tag"),
        ("/echo/a?tag=ok&tag=x%00y", "tag"),
        ("/echo/a?t%00g=1", "_query"),
        ("/nowhere/%00", "_path"),  # refused before routing answers 404
    ],
)
def test_nul_in_path_or_query_is_400(client, url: str, field: str) -> None:
    body = _problem(client.get(url))
    assert body["type"].endswith("malformed-input")
    assert list(body["errors"]) == [field]
    assert "NUL" in body["errors"][field][0]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"email": "a\u0000@example.com"}, "email"),
        ({"outer": {"list": ["fine", "bad\u0000"]}}, "outer.list.1"),
        ({"ke\u0000y": 1}, "_body"),
        (["\u0000"], "0"),
        ("\u0000", "_body"),
    ],
)
def test_nul_anywhere_in_json_is_400_naming_where(client, document, field: str) -> None:
    body = _problem(client.post("/echo/a", json=document))
    assert field in body["errors"], body
    assert "\u0000" not in json.dumps(body, ensure_ascii=False)


def test_lone_surrogate_in_json_is_400(client) -> None:
    raw = '{"name": "\\ud800"}'
    body = _problem(client.post("/echo/a", data=raw, content_type="application/json"))
    assert "Unicode" in body["errors"]["name"][0]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deeply_nested_json_is_400_not_recursion_error(client, opener: str) -> None:
    body = _problem(client.post("/echo/a", data=opener * 100_000, content_type="application/json"))
    assert "deeper" in body["detail"]


def test_json_just_deep_enough_passes_one_level_more_is_400(client) -> None:
    def nested(depth: int) -> str:
        return "[" * depth + '"leaf"' + "]" * depth

    ok = client.post("/echo/a", data=nested(MAX_JSON_DEPTH), content_type="application/json")
    assert ok.status_code == 200
    _problem(
        client.post("/echo/a", data=nested(MAX_JSON_DEPTH + 1), content_type="application/json")
    )


def test_nul_in_form_value_or_text_body_is_400(client) -> None:
    assert _problem(client.post("/echo/a", data={"name": "x\x00"}))["errors"] == {
        "name": ["Must not contain a NUL (\\u0000) character."]
    }
    _problem(client.post("/echo/a", data=b"GIFT \x00", content_type="text/plain"))


def test_clean_input_and_invalid_json_reach_the_view(client) -> None:
    assert client.get("/echo/caf%C3%A9?tag=%E2%9C%93").get_json()["word"] == "café"
    assert client.post("/echo/a", json={"text": "tab\tnewline\n"}).status_code == 200
    # Invalid JSON is the view's to report (here: silently None), not the guard's.
    broken = client.post("/echo/a", data="{not json", content_type="application/json")
    assert broken.status_code == 200


def test_body_of_pass_through_view_is_not_read_but_its_query_is(client) -> None:
    deep = "[" * 100_000
    assert client.post("/stream", data=deep, content_type="application/json").get_json() == {
        "length": 100_000
    }
    _problem(client.post("/stream?x=%00", data=deep, content_type="application/json"))


def test_validation_schema_route_gets_problem_not_500(client) -> None:
    body = _problem(client.post("/api/sample/items", json={"name": "n\u0000", "count": 1}))
    assert "name" in body["errors"]


def test_check_json_ignores_invalid_json() -> None:
    check_json(b"{")
    check_json(b"")
