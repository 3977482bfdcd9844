"""When two spellings are one word: the rule the quiz's matching and the content lint share."""

from __future__ import annotations

import pytest

from services.common.wording import compact, fold, keyword_forms, phrase_forms, word_bases


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("SECRET_KEY", "secret key"),
        ("Secret-Key", "secret key"),
        ("form.validate_on_submit()", "form validate on submit"),
        ("  Flask-Login ", "flask login"),
        ("don't", "don t"),
    ],
)
def test_fold_makes_separators_spaces(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_compact_glues_the_folded_words() -> None:
    assert compact("same-site") == compact("SameSite") == "samesite"


@pytest.mark.parametrize(
    ("word", "base", "shared"),
    [
        ("logs", "log", True),
        ("logged", "log", True),
        ("logging", "log", True),
        ("cached", "cache", True),
        ("caching", "cache", True),
        ("queries", "query", True),
        ("stored", "store", True),
        ("used", "use", True),
        ("systemd", "system", False),
        ("three", "thread", False),
        ("class", "clas", False),
        ("calling", "cal", False),
    ],
)
def test_word_bases_allow_simple_inflections_only(word: str, base: str, shared: bool) -> None:
    assert bool(word_bases(word) & word_bases(base)) is shared


def test_phrase_forms_inflect_the_last_word_only() -> None:
    assert "appcontext" in phrase_forms(["app", "contexts"])
    assert phrase_forms([]) == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("secret_key", "Secret Key", True),
        ("flask_login", "Flask-Login", True),
        ("samesite", "same-site", True),
        ("cache", "caching", True),
        ("session cookie", "session cookies", True),
        ("session", "session cookie", False),
        ("token", "csrf token", False),
    ],
)
def test_keyword_forms_meet_when_answers_would_match_both(a: str, b: str, same: bool) -> None:
    assert bool(keyword_forms(a) & keyword_forms(b)) is same
