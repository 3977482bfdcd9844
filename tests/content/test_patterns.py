"""Short-answer patterns must be ones RE2 can run: refused at save, import and lint time."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

from services.common.patterns import pattern_error
from services.content.bank import read_bank
from services.content.rules import check_question
from tests.content.conftest import make_question

from .test_bank_files import _run

# Python's `re` accepts each of these; RE2 cannot run them (they need backtracking).
UNRUNNABLE = [r"(url)\1", r"(?=url)url", r"(?<!no )url for", r"url(?!_for)"]


@pytest.mark.parametrize("pattern", UNRUNNABLE)
def test_rules_refuse_patterns_re2_cannot_run(pattern: str) -> None:
    errors = check_question(make_question("short", patterns=[r"\burl\b", pattern]))

    assert "patterns.1" in errors and "patterns.0" not in errors, errors
    assert "RE2" in errors["patterns.1"][0]


def test_rules_accept_exponential_pattern_that_re2_runs_linearly() -> None:
    errors = check_question(make_question("short", patterns=["(a+)+b"]))

    assert not [field for field in errors if field.startswith("patterns")], errors


def test_every_pattern_in_the_bank_compiles_under_re2() -> None:
    patterns = [p for q in read_bank().questions for p in q.get("patterns", [])]

    assert patterns
    assert {p: pattern_error(p) for p in patterns if pattern_error(p)} == {}


def test_create_with_lookahead_pattern_is_422_naming_the_field(
    client: FlaskClient, sample, auth
) -> None:
    payload = make_question(
        "short", key="routing-lookahead", prompt="Fresh?", patterns=["ok", "(?=x)x"]
    )

    response = client.post("/api/content/questions", json=payload, headers=auth.author)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    messages = response.get_json()["errors"]["patterns.1"]
    assert "RE2" in messages[0] and "lookahead" in messages[0]


def test_patch_to_backreference_pattern_is_422(client: FlaskClient, sample, auth) -> None:
    items = client.get("/api/content/questions?type=short&per_page=100").get_json()["items"]
    qid = items[0]["id"]

    response = client.patch(
        f"/api/content/questions/{qid}", json={"patterns": [r"(a)\1"]}, headers=auth.author
    )

    assert response.status_code == 422
    assert "patterns.0" in response.get_json()["errors"]


def test_json_import_with_unrunnable_pattern_is_422_and_changes_nothing(
    client: FlaskClient, sample, auth
) -> None:
    document = client.get("/api/content/export?format=json", headers=auth.author).get_json()
    index = next(i for i, q in enumerate(document["questions"]) if q["type"] == "short")
    document["questions"][index]["patterns"] = [r"(?<=a)b"]

    response = client.post("/api/content/import", json=document, headers=auth.author)

    assert response.status_code == 422
    assert f"questions.{index}.patterns.0" in response.get_json()["errors"]
    after = client.get("/api/content/export?format=json", headers=auth.author).get_json()
    assert after["questions"][index]["patterns"] != [r"(?<=a)b"]


def test_lint_fails_on_pattern_re2_cannot_run(tmp_path: Path) -> None:
    question = make_question("short", key="routing-backref", patterns=[r"(url)\1"])
    question.pop("topic")
    topic = {"slug": "routing", "title": "Routing", "description": "URLs."}
    (tmp_path / "routing.yaml").write_text(
        yaml.safe_dump({"topic": topic, "questions": [question]})
    )

    code, output = _run("lint", "--dir", str(tmp_path))

    assert code == 1
    assert "patterns.0" in output and "RE2" in output
