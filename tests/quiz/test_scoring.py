"""Every scorer, by table."""

from __future__ import annotations

import pytest

from services.quiz.explain_suggestions import keyword_found
from services.quiz.question_types import TYPES, score_answer
from services.quiz.short_answers import normalise

RUBRIC = {
    "rubric": [
        {"point": "small core", "keywords": ["micro", "minimal core", "small core", "lightweight"]},
        {"point": "extensions", "keywords": ["extension", "plug-in"]},
        {"point": "caching", "keywords": ["cache"]},
    ]
}


def test_registry_covers_every_question_type() -> None:
    assert set(TYPES) == {"single", "multi", "true_false", "short", "explain"}


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [("b", 1.0), ("a", 0.0), (["b"], 1.0), (None, 0.0), ("", 0.0)],
)
def test_single_is_all_or_nothing(answer, fraction) -> None:
    assert score_answer("single", answer, {"correct": ["b"]}).fraction == fraction


@pytest.mark.parametrize(
    ("answer", "key", "fraction"),
    [
        (True, True, 1.0),
        (False, True, 0.0),
        (False, False, 1.0),
        ("true", True, 0.0),
        (1, True, 0.0),
    ],
)
def test_true_false_is_all_or_nothing(answer, key, fraction) -> None:
    assert score_answer("true_false", answer, {"correct": key}).fraction == fraction


@pytest.mark.parametrize(
    ("answer", "fraction", "correct"),
    [
        (["a", "b", "c"], 1.0, True),  # every correct choice
        (["a", "b"], 2 / 3, False),  # two of three: +1/3 each
        (["a"], 1 / 3, False),
        (["a", "b", "d"], 1 / 3, False),  # a wrong choice costs 1/3
        (["a", "d"], 0.0, False),
        (["d", "e"], 0.0, False),  # floored at 0, never negative
        (["a", "b", "c", "d", "e"], 1 / 3, False),  # ticking everything is no strategy
        ([], 0.0, False),
    ],
)
def test_multi_gives_partial_credit(answer, fraction, correct) -> None:
    scored = score_answer("multi", answer, {"correct": ["a", "b", "c"]})

    assert scored.fraction == pytest.approx(fraction, abs=1e-6)
    assert scored.correct is correct


def test_multi_records_right_wrong_and_missed() -> None:
    scored = score_answer("multi", ["a", "d"], {"correct": ["a", "b"]})
    assert scored.detail == {"right": ["a"], "wrong": ["d"], "missed": ["b"]}


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


SHORT_KEY = {"accepted": ["url_for", "flask.url_for"], "patterns": [r"\burl for\b", "("]}


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [
        ("url_for", 1.0),
        ("  URL_FOR ", 1.0),
        ("Flask.url_for", 1.0),
        ("flask  url_for", 1.0),  # punctuation normalises to a space
        ("url for", 1.0),  # by pattern
        ("I would call url for it", 1.0),  # patterns search inside
        ("redirect", 0.0),
        ("url_for_x", 0.0),
    ],
)
def test_short_matches_normalised_answers_and_patterns(answer, fraction) -> None:
    assert score_answer("short", answer, SHORT_KEY).fraction == fraction


@pytest.mark.parametrize(
    ("answer", "covered"),
    [
        ("Flask is a micro framework with extensions and caching.", 3),
        ("It is LIGHTWEIGHT.", 1),  # a synonym covers the point
        ("a minimal-core design", 1),  # phrase, across punctuation
        ("Plug-ins add features", 1),  # plural of a hyphenated synonym
        ("responses are cached", 1),  # inflection: cache -> cached
        ("microscopic", 0),  # whole words only
        ("small cores, extensions, caches", 3),
        ("", 0),
    ],
)
def test_explain_scores_rubric_points_covered(answer, covered) -> None:
    scored = score_answer("explain", answer, RUBRIC)

    assert scored.fraction == pytest.approx(covered / 3, abs=1e-6)
    assert len(scored.detail["covered"]) == covered
    assert len(scored.detail["missed"]) == 3 - covered


def test_explain_records_covered_and_missed_points() -> None:
    scored = score_answer("explain", "it is micro", RUBRIC)
    assert scored.detail["covered"] == ["small core"]
    assert scored.detail["missed"] == ["extensions", "caching"]
    assert [s["suggestion"] for s in scored.detail["suggestions"]] == [
        "covered",
        "missed",
        "missed",
    ]


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
    ],
)
def test_keyword_allows_simple_inflections_only(keyword, text, found) -> None:
    assert keyword_found(keyword, text) is found
