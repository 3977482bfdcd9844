"""Full-text search through the database's own index (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.testing import TokenMinter
from tests.content.conftest import make_question, seed

URL = "/api/content/questions"


@pytest.fixture(autouse=True)
def signed_in(client: FlaskClient, minter: TokenMinter) -> None:
    """Search as a signed-in reader (by the access cookie): only they search the answers."""
    client.set_cookie("access_token_cookie", minter.token(sub="reader-1"))


def found(client: FlaskClient, q: str, extra: str = "") -> list[str]:
    response = client.get(URL, query_string={"q": q, "per_page": 100}, headers={})
    if extra:
        response = client.get(f"{URL}?{extra}", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return [item["key"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cross-site request forgery", ["security-csrf"]),  # prompt
        ("argon2", ["security-hashing"]),  # model answer
        ("canonicalises", ["routing-strict-slashes"]),  # explanation
        ("Also right", ["routing-methods", "security-cookies"]),  # option text
        ("X-Frame-Options", ["security-header"]),  # accepted answer
        ("endpoint names", ["routing-url-for"]),
        ("passwords", ["security-hashing"]),  # stemming: password(s)
        ("hashed", ["security-hashing"]),  # stemming: hash / hashed
        ("quantum entanglement", []),
        ("the of and", []),  # stop words only: nothing to search for
        ('"unbalanced AND (quote OR *', []),  # FTS syntax in input is not an error
    ],
)
def test_search_matches_prompt_and_answers(
    client: FlaskClient, sample, q: str, expected: list[str]
) -> None:
    assert sorted(found(client, q)) == sorted(expected)


def test_search_requires_every_word(client: FlaskClient, sample) -> None:
    assert found(client, "csrf token") == ["security-csrf"]
    assert found(client, "csrf argon2") == []


def test_search_combines_with_filters_and_counts_total(client: FlaskClient, sample) -> None:
    body = client.get(URL, query_string={"q": "also right", "topic": "security"}).get_json()
    assert [i["key"] for i in body["items"]] == ["security-cookies"]
    assert body["total"] == 1


def test_search_sorts_by_relevance_by_default(client: FlaskClient, app, sample) -> None:
    seed(
        app,
        [
            make_question(
                "single",
                key="routing-blueprints-a",
                prompt="Blueprints blueprints: why?",
                model_answer="Blueprints group views.",
            ),
            make_question(
                "single",
                key="routing-blueprints-b",
                prompt="What is modular code?",
                model_answer="See blueprints.",
            ),
        ],
    )
    assert found(client, "blueprints") == ["routing-blueprints-a", "routing-blueprints-b"]
    explicit = client.get(URL, query_string={"q": "blueprints", "sort": "-key"}).get_json()
    assert [i["key"] for i in explicit["items"]] == ["routing-blueprints-b", "routing-blueprints-a"]


def test_search_sees_edits_and_forgets_retired(client: FlaskClient, sample, auth) -> None:
    qid = next(i["id"] for i in client.get(f"{URL}?tag=csrf").get_json()["items"])
    client.patch(
        f"{URL}/{qid}",
        json={"model_answer": "Use a synchroniser token, xylophone."},
        headers=auth.author,
    )
    assert found(client, "xylophone") == ["security-csrf"]
    client.delete(f"{URL}/{qid}", headers=auth.author)
    assert found(client, "xylophone") == []


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cross-site request forgery", ["security-csrf"]),  # prompt
        ("header forbids framing", ["security-header"]),  # prompt
        ("argon2", []),  # model answer
        ("canonicalises", []),  # explanation
        ("Also right", []),  # option text (kept with the answer texts)
        ("X-Frame-Options", []),  # accepted answer
        ("header framing X-Frame-Options", []),  # prompt plus a guessed answer
        ("Which header", ["security-header"]),
    ],
)
def test_anonymous_search_matches_prompts_only(
    app: Flask, sample, q: str, expected: list[str]
) -> None:
    """Whoever may not see the answers may not find a question by them either: the match would
    confirm a guessed answer."""
    response = app.test_client().get(URL, query_string={"q": q, "per_page": 100})
    assert response.status_code == 200
    assert sorted(item["key"] for item in response.get_json()["items"]) == sorted(expected)
