"""The gateway refuses NUL in paths and queries itself; bodies it streams upstream unread."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "url", ["/?x=%00", "/readyz?x=%00", "/healthz/%00", "/api/content/questions/%00"]
)
def test_nul_in_path_or_query_is_400_without_reaching_an_upstream(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("malformed-input")


def test_proxied_body_is_streamed_unread(client: FlaskClient) -> None:
    deep = "[" * 100_000
    response = client.post("/api/content/echo", data=deep, content_type="application/json")
    assert response.status_code == 200
    assert response.get_json()["body_len"] == len(deep)
