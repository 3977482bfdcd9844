"""The automatic pass over an explain answer: per rubric key point a *suggestion* (covered,
partly, missed) with the sentence of the answer that is its evidence. A suggestion is never a
verdict; a person (the candidate's self-review or a reviewer) gives that.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .short_answers import normalise

COVERED, PARTLY, MISSED = "covered", "partly", "missed"
VERDICT_CREDIT = {COVERED: 1.0, PARTLY: 0.5, MISSED: 0.0}


@dataclass(frozen=True)
class PointSuggestion:
    """What the automatic pass suggests for one key point, and why."""

    point: str
    suggestion: str  # COVERED, PARTLY or MISSED
    evidence: str | None = None  # the answer's sentence that matched (or argued against)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def suggest_points(answer: str, rubric: Sequence[Mapping[str, Any]]) -> list[PointSuggestion]:
    """One suggestion per rubric point, in rubric order: covered when any of the point's
    keywords (synonyms) appears as a whole word or phrase, allowing simple inflections."""
    bases = [word_bases(w) for w in normalise(answer).split()]
    return [
        PointSuggestion(
            point["point"],
            COVERED
            if any(_phrase_found(kw, bases) for kw in point.get("keywords", []))
            else MISSED,
        )
        for point in rubric
    ]


def suggested_fraction(suggestions: Sequence[PointSuggestion]) -> float:
    """The share of the rubric the suggestions credit (covered 1, partly 1/2, missed 0)."""
    if not suggestions:
        return 0.0
    return round(sum(VERDICT_CREDIT[s.suggestion] for s in suggestions) / len(suggestions), 6)


def keyword_found(keyword: str, text: str) -> bool:
    """True when `keyword` (a word or phrase) occurs in `text` as whole words, each word
    allowed a simple inflection (FORMAT.md: a trailing s, es, ed, ing)."""
    return _phrase_found(keyword, [word_bases(w) for w in normalise(text).split()])


def _phrase_found(keyword: str, bases: Sequence[frozenset[str]]) -> bool:
    wanted = [word_bases(w) for w in normalise(keyword).split()]
    if not wanted:
        return False
    span = len(wanted)
    return any(
        all(wanted[j] & bases[i + j] for j in range(span)) for i in range(len(bases) - span + 1)
    )


@functools.lru_cache(maxsize=8192)
def word_bases(word: str) -> frozenset[str]:
    """The forms a word may be an inflection of: itself, and itself minus one suffix (with the
    silent "e" restored after "ing"). Two words match when their bases meet, so "cached",
    "caches" and "caching" all match "cache", while "three" does not match "thread"."""
    forms = {word}
    for suffix in ("ing", "es", "ed", "d", "s"):
        shortest = 2 if suffix == "s" else 3  # "plug-ins" is "plug ins"; "used" is no "us"
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= shortest
            and not word.endswith("ss")
        ):
            stem = word[: -len(suffix)]
            forms.add(stem)
            if suffix == "ing":
                forms.add(stem + "e")
    return frozenset(forms)
