"""The policy refuses passwords from a large list of breached ones, whatever their case."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.auth import passwords


def test_the_list_is_large_and_loaded_once_per_process() -> None:
    loaded = passwords.common_passwords()
    assert len(loaded) >= 30_000
    assert passwords.common_passwords() is loaded
    assert all(word == word.lower() for word in loaded)


@pytest.mark.parametrize(
    "password",
    # From the breached list (rank ~1,000 to ~30,000), in other cases; and site words.
    ["QwertyUiop", "WONDERWOMAN", "Weihnachtsbaum", "JesseJames", "Interview123", "FLASK12345"],
)
def test_breached_passwords_are_refused_case_insensitively(
    client: FlaskClient, password: str
) -> None:
    response = client.post(
        "/api/auth/register", json={"email": "ada@example.com", "password": password}
    )
    assert response.status_code == 422
    assert "too common" in " ".join(response.get_json()["errors"]["password"])


def test_an_uncommon_passphrase_is_accepted(client: FlaskClient) -> None:
    response = client.post(
        "/api/auth/register",
        json={"email": "ada@example.com", "password": "violet kettle orbit 42"},
    )
    assert response.status_code == 201
