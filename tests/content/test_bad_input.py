"""NUL characters and deeply nested JSON are 400 problems on every content route, never 500s."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.content.conftest import make_question

DEEP = "[" * 100_000


def _assert_400(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/content/questions?tag=%00",
        "/api/content/questions?q=flask%00",
        "/api/content/questions?topic=rout%00ing",
        "/api/content/questions/%00",
        "/api/content/questions/abc%00def",
        "/api/content/topics?x=%00",
    ],
)
def test_nul_in_path_or_query_is_400(client: FlaskClient, sample, url: str) -> None:
    _assert_400(client.get(url))


def test_nul_in_authored_question_is_400(client: FlaskClient, sample, auth) -> None:
    payload = make_question("single", key="routing-nul", prompt="Nul\u0000byte?")

    body = _assert_400(client.post("/api/content/questions", json=payload, headers=auth.author))

    assert "prompt" in body["errors"]
    assert client.get("/api/content/questions?per_page=100").get_json()["total"] == 10


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("method", "url"),
    [("post", "/api/content/questions"), ("post", "/api/content/import")],
)
def test_deeply_nested_json_is_400(client: FlaskClient, sample, auth, method, url) -> None:
    call = getattr(client, method)
    _assert_400(call(url, data=DEEP, content_type="application/json", headers=auth.author))


def test_nul_in_gift_import_is_400(client: FlaskClient, sample, auth) -> None:
    response = client.post(
        "/api/content/import?topic=routing&difficulty=junior",
        data="::q1:: What is \x00 this? {=yes ~no}",
        content_type="text/plain",
        headers=auth.author,
    )
    _assert_400(response)
