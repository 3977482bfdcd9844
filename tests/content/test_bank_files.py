"""The real question bank passes the linter with the coverage the platform promises."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from services.content import create_app
from services.content.bank import BANK_DIR, coverage, lint, read_bank
from services.content.cli import bank_cli
from services.content.rules import DIFFICULTIES, TYPES, normalise

REQUIRED_EXPLAIN_PROMPTS = [
    "What is Flask, and how does it differ from Django?",
    "Explain Flask's request and response lifecycle.",
    "What is Jinja2, and how are templates used in Flask?",
    "How do you handle routing and URL parameters?",
    "Explain forms handling and validation using Flask-WTF.",
    "What are sessions and cookies, and how are they managed in Flask?",
    "Describe Blueprints and their use in modular applications.",
    "What are popular Flask extensions, and how are they used?",
    "How do you build RESTful APIs using Flask?",
    "Explain authentication and authorization mechanisms in Flask.",
    "What are Flask middleware and request hooks, and how are they used?",
    "Describe deployment strategies for production Flask applications.",
    "How do you optimize Flask application performance?",
    "What security measures should be implemented in Flask apps?",
    "Give examples of real-world applications built using Flask.",
    "What are Flask extensions, and how do they enhance functionality?",
]


@pytest.fixture(scope="module")
def bank():
    return read_bank()


def test_bank_passes_linter(bank) -> None:
    problems = lint(bank)
    assert not problems, "\n".join(
        f"{p.file}:{p.line} {p.key} {p.field}: {p.message}" for p in problems
    )


def test_bank_has_required_counts(bank) -> None:
    per_topic = Counter(q["topic"] for q in bank.questions)
    assert len(bank.questions) >= 320
    assert len(bank.topics) >= 16
    assert min(per_topic.values()) >= 20, per_topic


def test_bank_every_topic_spans_difficulties_and_types(bank) -> None:
    counts = coverage(bank.questions)
    for topic in {t["slug"] for t in bank.topics}:
        assert {d for (t, d, _), n in counts.items() if t == topic and n} == set(DIFFICULTIES)
        assert {k for (t, _, k), n in counts.items() if t == topic and n} == set(TYPES)


def test_bank_fills_every_topic_difficulty_type_cell(bank) -> None:
    counts = coverage(bank.questions)
    empty = [
        (topic["slug"], difficulty, qtype)
        for topic in bank.topics
        for difficulty in DIFFICULTIES
        for qtype in TYPES
        if not counts[(topic["slug"], difficulty, qtype)]
    ]
    assert not empty, empty


def test_bank_types_are_well_represented(bank) -> None:
    per_type = Counter(q["type"] for q in bank.questions)
    assert all(per_type[t] >= len(bank.topics) * 2 for t in TYPES), per_type


@pytest.mark.parametrize("prompt", REQUIRED_EXPLAIN_PROMPTS)
def test_bank_contains_required_explain_question(bank, prompt: str) -> None:
    matches = [q for q in bank.questions if normalise(q["prompt"]) == normalise(prompt)]
    assert len(matches) == 1, f"missing or duplicated: {prompt}"
    assert matches[0]["type"] == "explain"
    assert 3 <= len(matches[0]["rubric"]) <= 6


def test_bank_files_are_named_after_their_topic() -> None:
    for path in BANK_DIR.glob("*.yaml"):
        assert yaml.safe_load(path.read_text())["topic"]["slug"] == path.stem


def _run(*args: str) -> tuple[int, str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = CliRunner().invoke(bank_cli, list(args), obj=_script_info(app))
    return result.exit_code, result.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_lint_command_prints_coverage_and_passes_on_bank() -> None:
    code, output = _run("lint")
    assert code == 0, output
    assert "junior" in output and "explain" in output and "bank ok" in output


def test_lint_command_fails_on_broken_bank(tmp_path: Path) -> None:
    (tmp_path / "routing.yaml").write_text(
        yaml.safe_dump(
            {
                "topic": {"slug": "routing", "title": "Routing", "description": "URLs."},
                "questions": [
                    {
                        "key": "routing-a",
                        "type": "single",
                        "difficulty": "expert",
                        "prompt": "Q?",
                        "model_answer": "A",
                        "explanation": "E",
                        "options": [{"text": "x", "correct": True}, {"text": "y"}],
                    },
                ],
            }
        )
    )
    code, output = _run("lint", "--dir", str(tmp_path))
    assert code == 1
    assert "routing.yaml:" in output and "difficulty" in output and "options.1.why" in output
