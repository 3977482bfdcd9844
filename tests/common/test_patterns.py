"""Author patterns compile and match with RE2, and say why when they cannot."""

from __future__ import annotations

import pytest

from services.common.patterns import PatternError, pattern_error, pattern_found


@pytest.mark.timeout(5)
def test_exponential_pattern_matches_in_linear_time() -> None:
    assert pattern_found("(a+)+b", "a" * 100_000 + "!") is False
    assert pattern_found("(a+)+b", "a" * 100_000 + "b") is True


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [(r"(a)\1", "escape"), ("(?=a)", "perl operator"), ("(", "missing )"), ("a{5000}", "size")],
)
def test_pattern_error_says_why_re2_refuses(pattern: str, reason: str) -> None:
    assert reason in (pattern_error(pattern) or "")
    with pytest.raises(PatternError):
        pattern_found(pattern, "aaa")


def test_valid_pattern_has_no_error_and_searches_anywhere() -> None:
    assert pattern_error(r"\burl for\b") is None
    assert pattern_found(r"\burl for\b", "call url for it")
    assert not pattern_found(r"\burl for\b", "hurl forward")


def test_text_with_a_lone_surrogate_is_searched_not_crashed() -> None:
    assert pattern_found("url", "url \ud800") is True
