"""The give-away rules: per question (every entry point) and bank-wide (bank lint)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from services.common.auth import revocation_list
from services.content import create_app
from services.content.bank import lint, read_bank
from services.content.bank_quality import bank_summary, check_bank, measure
from services.content.cli import bank_cli
from services.content.rules import check_question
from tests.content.conftest import make_question
from tests.content.conftest import seed as seed_questions

TOPICS = {"routing", "security"}


def _single(correct: str, *wrong: str, **changes: Any) -> dict[str, Any]:
    options = [{"text": correct, "correct": True}] + [{"text": w, "why": "No."} for w in wrong]
    changes.setdefault("prompt", f"Single question {changes.get('key')}?")
    return make_question("single", options=options, **changes)


def _multi(correct: int, total: int = 5, **changes: Any) -> dict[str, Any]:
    options = [
        {"text": f"statement {i}", "correct": i < correct, "why": "Reason."} for i in range(total)
    ]
    changes.setdefault("prompt", f"Multi question {changes.get('key')}?")
    return make_question("multi", options=options, **changes)


def _explain(*keywords: list[str]) -> dict[str, Any]:
    return make_question(
        "explain", rubric=[{"point": f"Point {n}", "keywords": k} for n, k in enumerate(keywords)]
    )


# Rule 1, per question: the correct option may not dwarf the wrong ones.


def test_correct_option_more_than_twice_the_median_distractor_fails() -> None:
    question = _single("a" * 41, "b" * 10, "c" * 20, "d" * 30)
    errors = check_question(question, TOPICS)
    assert "twice as long" in " ".join(errors["options"])


def test_correct_option_exactly_twice_the_median_distractor_passes() -> None:
    assert check_question(_single("a" * 40, "b" * 10, "c" * 20, "d" * 30), TOPICS) == {}


def test_long_correct_option_is_judged_by_median_not_longest_distractor() -> None:
    # One long distractor does not hide a correct option that dwarfs the typical one.
    question = _single("a" * 30, "b" * 10, "c" * 12, "d" * 100)
    assert "options" in check_question(question, TOPICS)


def test_multi_options_are_not_measured_by_length() -> None:
    options = [
        {"text": "a" * 100, "correct": True},
        {"text": "b", "correct": True},
        {"text": "c", "why": "No."},
    ]
    assert check_question(make_question("multi", options=options), TOPICS) == {}


# Rule 3: a short prompt may not already contain the accepted answer.


def test_short_prompt_containing_every_word_of_an_answer_fails() -> None:
    question = make_question(
        "short",
        prompt="Which attribute of `request` holds the endpoint name?",
        accepted=["request.endpoint", "endpoint"],
        patterns=[],
    )
    errors = check_question(question, TOPICS)
    assert set(errors) == {"accepted.0", "accepted.1"}


def test_short_prompt_is_compared_after_normalising() -> None:
    question = make_question(
        "short", prompt="Set FLASK_DEBUG to turn it on?", accepted=["flask_debug"], patterns=[]
    )
    assert "accepted.0" in check_question(question, TOPICS)


def test_short_prompt_naming_the_answer_in_another_spelling_fails() -> None:
    question = make_question(
        "short", prompt="What must SECRET_KEY be set to?", accepted=["secret key"], patterns=[]
    )
    assert "accepted.0" in check_question(question, TOPICS)


def test_short_prompt_with_the_answer_words_apart_passes() -> None:
    question = make_question(
        "short",
        prompt="After checking a password, which function do you call to log the user in?",
        accepted=["login_user"],
        patterns=[],
    )
    assert check_question(question, TOPICS) == {}


def test_short_prompt_with_some_answer_words_passes() -> None:
    question = make_question(
        "short",
        prompt="Which attribute of the request names the matched view?",
        accepted=["request.endpoint"],
        patterns=[],
    )
    assert check_question(question, TOPICS) == {}


# Rule 4: rubric keywords must be specific and belong to one point.


@pytest.mark.parametrize("keyword", ["session", "Sessions", "config", "state", "app", "data"])
def test_generic_single_word_keyword_fails(keyword: str) -> None:
    errors = check_question(_explain([keyword, "signed cookie"], ["word1"], ["word2"]), TOPICS)
    assert "any answer would contain" in " ".join(errors["rubric.0.keywords"])


@pytest.mark.parametrize("keyword", ["session cookie", "application factory", "stateless"])
def test_phrase_or_specific_word_with_a_generic_part_passes(keyword: str) -> None:
    assert check_question(_explain([keyword], ["word1"], ["word2"]), TOPICS) == {}


def test_keyword_shared_by_two_points_fails() -> None:
    errors = check_question(_explain(["signed", "itsdangerous"], ["word1"], ["Signed"]), TOPICS)
    assert "point 0" in " ".join(errors["rubric.2.keywords"])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("secret_key", "Secret-Key"),
        ("secret key", "SECRET_KEY"),
        ("samesite", "same site"),
        ("flask_login", "Flask-Login"),
        ("cache", "caching"),
        ("log", "logged"),
    ],
)
def test_keyword_shared_in_another_spelling_fails(first: str, second: str) -> None:
    # The quiz matches both to the same answer words, so one mention would cover both points.
    errors = check_question(_explain([first], ["word1"], [second]), TOPICS)
    assert "point 0" in " ".join(errors["rubric.2.keywords"])


@pytest.mark.parametrize("keyword", ["default", "headers", "production", "Variable", "imported"])
def test_more_generic_words_fail(keyword: str) -> None:
    errors = check_question(_explain([keyword], ["word1"], ["word2"]), TOPICS)
    assert "any answer would contain" in " ".join(errors["rubric.0.keywords"])


@pytest.mark.parametrize("keyword", ["systemd", "secret_key", "default values", "pathlib"])
def test_a_specific_word_that_starts_like_a_generic_one_passes(keyword: str) -> None:
    assert check_question(_explain([keyword], ["word1"], ["word2"]), TOPICS) == {}


# Bank-wide rules 1 and 2.


def _longest_correct_bank(longest: int, others: int) -> list[dict[str, Any]]:
    won = [_single("long text", "short", "brief", key=f"routing-w{i}") for i in range(longest)]
    lost = [_single("short", "long text", "brief", key=f"routing-l{i}") for i in range(others)]
    return won + lost + [_multi(1, key="routing-m1"), _multi(4, key="routing-m4")]


def test_bank_with_correct_option_longest_over_35_percent_fails() -> None:
    messages = check_bank(_longest_correct_bank(4, 6))
    assert len(messages) == 1 and "4 of 10" in messages[0]


def test_bank_with_correct_option_longest_at_35_percent_or_less_passes() -> None:
    assert check_bank(_longest_correct_bank(3, 7)) == []


def test_a_tie_for_longest_does_not_count_as_longest() -> None:
    question = _single("same", "same!"[:4] + "x", "abc")
    assert measure([question]).longest_correct == 0
    tie = _single("abcd", "wxyz", "ab")
    assert measure([tie]).longest_correct == 0


def test_bank_where_one_correct_count_dominates_multi_fails() -> None:
    multis = [_multi(3, key=f"routing-m{i}") for i in range(3)] + [
        _multi(1, key="routing-one"),
        _multi(4, key="routing-four"),
    ]
    messages = check_bank(multis)
    assert len(messages) == 1 and "3 of 5" in messages[0] and "3 correct" in messages[0]


def test_bank_without_one_or_four_correct_fails() -> None:
    multis = [_multi(2, key="routing-a"), _multi(3, key="routing-b"), _multi(1, key="routing-c")]
    messages = check_bank(multis)
    assert len(messages) == 1 and "4 correct" in messages[0]


def test_balanced_multi_bank_passes_and_summary_reports_counts() -> None:
    multis = [_multi(n, key=f"routing-m{n}") for n in (1, 2, 3, 4)]
    assert check_bank(multis) == []
    assert "1 correct: 1, 2 correct: 1, 3 correct: 1, 4 correct: 1" in bank_summary(multis)


# The bank linter and its command.


def _write_bank(folder: Path, slug: str, questions: list[dict[str, Any]]) -> None:
    for question in questions:
        question.pop("topic", None)
    document = {
        "topic": {"slug": slug, "title": slug.title(), "description": "A topic."},
        "questions": questions,
    }
    (folder / f"{slug}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def _run(*args: str) -> tuple[int, str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = CliRunner().invoke(bank_cli, list(args), obj=ScriptInfo(create_app=lambda: app))
    return result.exit_code, result.output


def test_lint_reports_per_question_give_aways_with_file_and_line(tmp_path: Path) -> None:
    _write_bank(tmp_path, "routing", [_explain(["session"], ["word1"], ["word2"])])
    problems = lint(read_bank(tmp_path))
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("routing.yaml", 6, "rubric.0.keywords")
    ]


def test_lint_command_prints_ratios_and_fails_on_bank_wide_rule(tmp_path: Path) -> None:
    _write_bank(tmp_path, "routing", _longest_correct_bank(2, 1))
    code, output = _run("lint", "--dir", str(tmp_path))
    assert code == 1
    assert "correct option strictly longest in 2 of 3 (67%" in output
    assert "bank: The correct option is the longest in 2 of 3" in output
    assert "problems: bank 1" in output


def test_lint_command_checks_only_the_given_topics(tmp_path: Path) -> None:
    _write_bank(tmp_path, "routing", _longest_correct_bank(0, 2))
    _write_bank(tmp_path, "security", [_explain(["session"], ["word1"], ["word2"])])
    code, output = _run("lint", "--dir", str(tmp_path), "--topic", "routing")
    assert code == 0, output
    assert "security" not in output
    code, output = _run("lint", "--dir", str(tmp_path), "--topic", "security")
    assert code == 1 and "security.yaml:" in output


def test_lint_command_reports_an_unknown_topic(tmp_path: Path) -> None:
    _write_bank(tmp_path, "routing", _longest_correct_bank(0, 2))
    code, output = _run("lint", "--dir", str(tmp_path), "--topic", "astrology")
    assert code == 1 and "astrology.yaml" in output


def _seed(app: Flask, folder: Path) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["bank", "seed", "--dir", str(folder)])
    return result.exit_code, result.output


def test_seed_loads_a_partial_bank_that_only_misses_the_bank_wide_ratios(
    app: Flask, tmp_path: Path
) -> None:
    _write_bank(tmp_path, "routing", _longest_correct_bank(2, 0))
    code, output = _seed(app, tmp_path)
    assert code == 0, output
    assert "created=4" in output


def test_seed_refuses_a_per_question_give_away(app: Flask, tmp_path: Path) -> None:
    _write_bank(tmp_path, "routing", [_single("a" * 50, "b" * 10, "c" * 10, key="routing-long")])
    code, output = _seed(app, tmp_path)
    assert code == 1
    assert "routing-long options" in output and "nothing was changed" in output


def test_authoring_api_refuses_a_give_away(client, auth) -> None:
    body = make_question(
        "short",
        key="routing-endpoint-attr",
        prompt="Which attribute of `request` holds the endpoint name?",
        accepted=["request.endpoint"],
        patterns=[],
    )
    seed_questions(client.application, [])
    response = client.post("/api/content/questions", json=body, headers=auth.author)
    # The token check opened a Redis connection; close it rather than leave it to the collector.
    revocation_list(client.application).client.close()
    assert response.status_code == 422, response.get_json()
    assert "accepted.0" in response.get_json()["errors"]
