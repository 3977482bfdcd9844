"""Short answers: what a person types is accepted, hedges and negations are not, for every
short question of the bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.quiz.question_types import score_answer
from services.quiz.short_answers import normalise, short_answer_matches, without_fillers

BANK_DIR = Path(__file__).resolve().parents[2] / "services" / "content" / "bank"


def _bank_shorts() -> list[dict[str, Any]]:
    questions = []
    for path in sorted(BANK_DIR.glob("*.yaml")):
        questions += yaml.safe_load(path.read_text())["questions"]
    return [q for q in questions if q["type"] == "short"]


SHORTS = _bank_shorts()


def _key(question: dict[str, Any]) -> dict[str, Any]:
    return {"accepted": question.get("accepted") or [], "patterns": question.get("patterns") or []}


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("  URL_For  ", "url_for"),
        ("@app.route()", "app route"),
        ("Hello,\tWORLD!!", "hello world"),
        ("g.user", "g user"),
    ],
)
def test_normalise_follows_the_bank_format(text, normalised) -> None:
    assert normalise(text) == normalised


SHORT_KEY = {"accepted": ["url_for", "flask.url_for"], "patterns": [r"url for( flask)?", "("]}


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [
        ("url_for", 1.0),
        ("  URL_FOR ", 1.0),
        ("Flask.url_for", 1.0),
        ("flask  url_for", 1.0),  # punctuation normalises to a space
        ("url_for()", 1.0),
        ("url-for", 1.0),
        ("urlfor", 1.0),
        ("url for flask", 1.0),  # by pattern, matching the whole answer
        ("I would call the url_for function", 1.0),  # filler words
        ("it's url_for", 1.0),
        ("redirect", 0.0),
        ("url_for_x", 0.0),
        ("not url_for", 0.0),
        ("url_for or redirect", 0.0),
        ("I would call url for it, or redirect", 0.0),  # the pattern must match it all
    ],
)
def test_short_matches_the_whole_answer(answer, fraction) -> None:
    assert score_answer("short", answer, SHORT_KEY).fraction == fraction


@pytest.mark.parametrize(
    ("answer", "key", "matched"),
    [
        ("validate on submit", ["validate_on_submit"], True),
        ("form.validate_on_submit()", ["form validate_on_submit"], True),
        ("Validate-On-Submit", ["validate_on_submit"], True),
        ("secret key", ["secret_key"], True),
        ("SECRET_KEY", ["secret_key"], True),
        ("the SECRET_KEY setting", ["secret_key"], False),  # "setting" is not a filler
        ("definitely not SECRET_KEY", ["secret_key"], False),
        ("SECRET_KEY, not SESSION_KEY", ["secret_key"], False),
        ("200, not 304", ["304"], False),
        ("304", ["304"], True),
        ("304 or 200", ["304"], False),
        ("code challenge method S256", ["code_challenge_method s256"], True),
    ],
)
def test_identifiers_fold_and_hedges_fail(answer: str, key: list[str], matched: bool) -> None:
    assert short_answer_matches(answer, {"accepted": key}) is matched


def test_an_unrunnable_pattern_is_no_match() -> None:
    assert short_answer_matches("anything", {"accepted": [], "patterns": ["(a"]}) is False


def test_the_bank_has_short_questions() -> None:
    assert len(SHORTS) >= 48


def _accepted_variants(answer: str) -> list[str]:
    return [
        answer,
        answer.replace("_", " "),
        answer.upper().replace("_", "-"),
        answer.replace(" ", "_"),
        f"{answer}()",
        f"`{answer}`",
        f"the {answer} function",
        f"I would use {answer}",
        f"it's {answer}",
    ]


def _wrong_variants(answer: str, other: str) -> list[str]:
    return [
        f"not {answer}",
        f"definitely not {answer}",
        f"{other}, not {answer}",
        f"{answer} or {other}",
        f"either {other} or {answer}",
        f"maybe {answer}, maybe {other}",
    ]


@pytest.mark.parametrize("question", SHORTS, ids=lambda q: q["key"])
def test_every_bank_short_accepts_what_a_person_types(question: dict[str, Any]) -> None:
    key = _key(question)
    refused = [
        variant
        for answer in key["accepted"]
        for variant in _accepted_variants(str(answer))
        if not short_answer_matches(variant, key)
    ]
    assert not refused


@pytest.mark.parametrize("question", SHORTS, ids=lambda q: q["key"])
def test_every_bank_short_refuses_negations_and_second_candidates(
    question: dict[str, Any],
) -> None:
    key = _key(question)
    other = "http_response_header" if "url_for" in key["accepted"] else "url_for"
    accepted = [str(a) for a in key["accepted"]]
    # "is not undefined" is itself a right answer for the `defined` test: the bank may list a
    # negation, and then saying it is right.
    listed = {without_fillers(a) for a in accepted}
    wrongly_accepted = [
        variant
        for answer in accepted
        for variant in _wrong_variants(answer, other)
        if short_answer_matches(variant, key) and without_fillers(variant) not in listed
    ]
    assert not wrongly_accepted


@pytest.mark.parametrize(
    "question", [q for q in SHORTS if q.get("patterns")], ids=lambda q: q["key"]
)
def test_every_bank_pattern_matches_an_accepted_answer_and_no_hedge(
    question: dict[str, Any],
) -> None:
    accepted = [str(a) for a in question["accepted"]]
    for pattern in question["patterns"]:
        only = {"accepted": [], "patterns": [pattern]}
        assert any(short_answer_matches(a, only) for a in accepted), pattern
        assert not any(
            short_answer_matches(v, only) for a in accepted for v in _wrong_variants(a, "url_for")
        ), pattern
