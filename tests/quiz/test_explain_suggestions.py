"""The explain suggestion: keywords however written, negations argue against, each mention
serves one point, and lists of terms or very short answers earn no automatic credit."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.quiz.explain_suggestions import (
    COVERED,
    MISSED,
    NOTE_HEDGED,
    NOTE_LISTED,
    NOTE_NEGATED,
    NOTE_TERM_LIST,
    NOTE_TOO_SHORT,
    PARTLY,
    keyword_found,
    suggest_points,
    suggested_fraction,
)
from services.quiz.question_types import score_answer
from services.quiz.snapshots import snapshot

BANK_DIR = Path(__file__).resolve().parents[2] / "services" / "content" / "bank"

RUBRIC = [
    {"point": "small core", "keywords": ["micro", "minimal core", "small core", "lightweight"]},
    {"point": "extensions", "keywords": ["extension", "plug-in"]},
    {"point": "caching", "keywords": ["cache"]},
]
# Long enough to be judged as prose (fifteen words or more).
PAD = "That is how I would put it to a colleague who asked me about it today."


def _explain_bank() -> list[dict[str, Any]]:
    questions = []
    for path in sorted(BANK_DIR.glob("*.yaml")):
        questions += yaml.safe_load(path.read_text())["questions"]
    return [q for q in questions if q["type"] == "explain"]


def _by_point(answer: str, rubric=RUBRIC, **kwargs: Any) -> dict[str, Any]:
    return {s.point: s for s in suggest_points(answer, rubric, **kwargs)}


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("route", "routing", True),
        ("route", "routes", True),
        ("routing", "route", True),
        ("cache", "caching", True),
        ("cached", "caches", True),
        ("process", "processes", True),
        ("thread", "three", False),
        ("app context", "the app contexts", True),
        ("app context", "the app and its context", False),
        ("session", "sessions", True),
        ("g", "g user", True),
        ("g", "go", False),
        ("secret_key", "secret key", True),
        ("secret key", "SECRET_KEY", True),
        ("secret_key", "Secret-Key", True),
        ("samesite", "same-site", True),
        ("same-site", "SameSite", True),
        ("flask_login", "Flask-Login", True),
        ("flask_login", "flask login", True),
        ("log", "logs", True),
        ("log", "logging", True),
        ("log", "logged", True),
        ("query", "queries", True),
        ("system", "systemd", False),
        ("micro", "microscopic", False),
        ("validate_on_submit", "validate on submit()", True),
    ],
)
def test_keywords_match_across_case_separators_and_inflections(keyword, text, found) -> None:
    assert keyword_found(keyword, text) is found


@pytest.mark.parametrize(
    ("answer", "covered"),
    [
        ("Flask is a micro framework, it grows with extensions and it caches responses.", 3),
        ("It is LIGHTWEIGHT, and you add features when you need them.", 1),
        ("It has a minimal-core design that leaves most choices to you.", 1),
        ("Plug-ins add the features that the framework itself leaves out.", 1),
        ("Responses are cached in Redis for a minute at a time.", 1),
        ("The name sounds microscopic, but that tells you nothing about it.", 0),
    ],
)
def test_prose_covers_the_points_it_mentions(answer: str, covered: int) -> None:
    suggestions = suggest_points(f"{answer} {PAD}", RUBRIC)
    assert sum(s.suggestion == COVERED for s in suggestions) == covered
    assert suggested_fraction(suggestions) == pytest.approx(covered / 3, abs=1e-6)


def test_evidence_is_the_sentence_that_matched() -> None:
    answer = f"Flask keeps a small core. Extensions add the rest. {PAD}"
    found = _by_point(answer)
    assert found["small core"].evidence == "Flask keeps a small core."
    assert found["extensions"].evidence == "Extensions add the rest."
    assert found["caching"].evidence is None and found["caching"].suggestion == MISSED


OIDC = [
    {"point": "PKCE with S256", "keywords": ["pkce", "s256", "code_challenge_method"]},
    {"point": "Validate the ID token", "keywords": ["id token", "nonce"]},
    {"point": "Session cookie is signed, not encrypted", "keywords": ["signed", "not encrypted"]},
]


@pytest.mark.parametrize(
    ("sentence", "point"),
    [
        ("PKCE is only for mobile apps, so skip S256.", "PKCE with S256"),
        ("You don't need to validate the id token at all.", "Validate the ID token"),
        ("There is no need to check the nonce in a web app.", "Validate the ID token"),
        ("PKCE isn't needed for a confidential client.", "PKCE with S256"),
        ("Use the plain method instead of S256.", "PKCE with S256"),
        ("The client never sends a code_challenge_method.", "PKCE with S256"),
        ("It works without PKCE.", "PKCE with S256"),
        ("Use a shared secret rather than PKCE.", "PKCE with S256"),
        ("Nobody checks whether the cookie is signed; it doesn't matter.", None),
    ],
)
def test_a_negated_keyword_is_evidence_against_its_point(sentence: str, point) -> None:
    found = _by_point(f"{sentence} {PAD}", OIDC)
    if point is None:  # the negation is in another clause than the keyword
        assert found["Session cookie is signed, not encrypted"].suggestion == COVERED
        return
    assert found[point].suggestion == MISSED
    assert found[point].against is True
    assert found[point].note == NOTE_NEGATED
    assert found[point].evidence == sentence


def test_an_argument_against_outweighs_a_mention_for() -> None:
    answer = f"PKCE protects the code exchange. But you can skip S256 for web apps. {PAD}"
    found = _by_point(answer, OIDC)["PKCE with S256"]
    assert (found.suggestion, found.against) == (MISSED, True)
    assert found.evidence == "But you can skip S256 for web apps."


@pytest.mark.parametrize(
    "answer",
    [
        "The session cookie is signed but not encrypted, so anyone can read it.",  # own "not"
        "Not only is the cookie signed, it also carries a timestamp.",
        "PKCE with S256 is required, and the nonce in the ID token must be checked.",
    ],
)
def test_negations_that_negate_nothing_do_not_argue_against(answer: str) -> None:
    suggestions = suggest_points(f"{answer} {PAD}", OIDC)
    assert not any(s.against for s in suggestions)
    assert any(s.suggestion == COVERED for s in suggestions)


def test_a_mention_serves_one_point_the_longest_match_first() -> None:
    rubric = [
        {"point": "tokens", "keywords": ["token"]},
        {"point": "CSRF token", "keywords": ["csrf token"]},
    ]
    found = _by_point(f"Every form carries a CSRF token in a hidden field. {PAD}", rubric)
    assert found["CSRF token"].suggestion == COVERED
    assert found["tokens"].suggestion == MISSED


def test_a_mention_serves_the_first_point_when_two_match_it_equally() -> None:
    rubric = [
        {"point": "first", "keywords": ["cache"]},
        {"point": "second", "keywords": ["caching"]},
    ]
    found = _by_point(f"We put the results in a cache so the page loads fast. {PAD}", rubric)
    assert (found["first"].suggestion, found["second"].suggestion) == (COVERED, MISSED)


def test_a_hedged_mention_is_partly() -> None:
    found = _by_point(f"Maybe it has some kind of cache, I am not certain. {PAD}")["caching"]
    assert (found.suggestion, found.note) == (PARTLY, NOTE_HEDGED)


def test_a_mention_inside_a_listed_sentence_is_partly() -> None:
    answer = (
        "Flask gives you routing and templates and leaves everything else to you. "
        "Extras: extensions, cache backends, blueprints, signals."
    )
    found = _by_point(answer)
    assert (found["caching"].suggestion, found["caching"].note) == (PARTLY, NOTE_LISTED)
    assert found["extensions"].suggestion == PARTLY


@pytest.mark.parametrize("question", _explain_bank(), ids=lambda q: q["key"])
def test_a_bare_list_of_a_questions_keywords_earns_no_automatic_credit(
    question: dict[str, Any],
) -> None:
    keywords = [str(k) for point in question["rubric"] for k in point["keywords"]]
    for answer in (", ".join(keywords), "\n".join(f"- {k}" for k in keywords)):
        suggestions = suggest_points(answer, question["rubric"])
        assert suggested_fraction(suggestions) == 0.0
        assert {s.note for s in suggestions} <= {NOTE_TERM_LIST, NOTE_TOO_SHORT}


def test_an_answer_far_shorter_than_the_model_answer_earns_no_automatic_credit() -> None:
    answer = "Flask is a micro framework that grows with extensions and caches its responses."
    answer = f"{answer} {PAD}"
    assert suggested_fraction(suggest_points(answer, RUBRIC, model_answer_words=100)) == 1.0
    short = suggest_points(answer, RUBRIC, model_answer_words=200)
    assert suggested_fraction(short) == 0.0
    assert {s.note for s in short} == {NOTE_TOO_SHORT}


def test_a_few_words_earn_nothing_even_without_a_model_answer() -> None:
    suggestions = suggest_points("micro, extensions, cache", RUBRIC)
    assert [s.suggestion for s in suggestions] == [MISSED] * 3


def test_score_explain_passes_the_model_answer_length_and_records_suggestions() -> None:
    answer = f"Flask is micro and it has extensions. {PAD}"
    scored = score_answer("explain", answer, {"rubric": RUBRIC, "model_answer_words": 30})
    assert scored.detail["covered"] == ["small core", "extensions"]
    assert [s["suggestion"] for s in scored.detail["suggestions"]] == [
        COVERED,
        COVERED,
        MISSED,
    ]
    too_short = score_answer("explain", answer, {"rubric": RUBRIC, "model_answer_words": 500})
    assert too_short.fraction == 0.0


def test_a_malformed_model_answer_length_is_ignored() -> None:
    answer = f"Flask is micro and it has extensions. {PAD}"
    for bad in ("many", True, None, -3):
        assert suggest_points(answer, RUBRIC, model_answer_words=bad)[0].suggestion == COVERED  # type: ignore[arg-type]


def test_an_explain_snapshot_carries_the_model_answer_length() -> None:
    item = {
        "id": 7,
        "type": "explain",
        "topic": "routing",
        "prompt": "Explain routing.",
        "answer_key": {"rubric": RUBRIC},
        "model_answer": "Flask matches the path against the URL map and calls the view.",
    }
    key = snapshot(item, 0, random.Random(1))["answer_key"]
    assert key == {"rubric": RUBRIC, "model_answer_words": 12}
